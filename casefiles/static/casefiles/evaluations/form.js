// 好差评: the reasons are asked for the two lowest levels only. Without this script every
// reason stays visible and the server says when one is missing (progressive enhancement).
(function () {
  "use strict";
  function wire(form) {
    var reasons = form.querySelector("[data-evaluation-reasons]");
    if (!reasons) { return; }
    var bad = (form.getAttribute("data-bad-levels") || "").split(" ");
    function update() {
      var chosen = form.querySelector("input[name=level]:checked");
      reasons.hidden = !(chosen && bad.indexOf(chosen.value) !== -1);
    }
    form.addEventListener("change", function (event) {
      if (event.target && event.target.name === "level") { update(); }
    });
    update();
  }
  document.querySelectorAll("form[data-evaluation-form]").forEach(wire);
})();
