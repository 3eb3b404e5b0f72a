// The application form (申请表): fields asked only on a condition are shown when it holds, and a
// table gets a button to add rows. Without this script every field and a few empty rows are there,
// and the server drops the answers of fields whose condition does not hold.
(function () {
  "use strict";
  var section = document.getElementById("application-form");
  if (!section) { return; }

  function valuesOf(key) {
    var wrapper = section.querySelector('[data-field-key="' + key + '"]');
    if (!wrapper || wrapper.hidden) { return []; }
    var found = [];
    wrapper.querySelectorAll("input, select, textarea").forEach(function (input) {
      if (input.type === "hidden") { return; }
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked) { found.push(input.value === "on" ? "true" : input.value); }
      } else if (input.value.trim() !== "") {
        found.push(input.value.trim());
      }
    });
    return found;
  }

  function holds(values, operator, expected) {
    if (operator === "filled") { return values.length > 0; }
    if (values.length === 0) { return false; }
    if (["gt", "lt", "ge", "le"].indexOf(operator) >= 0) {
      var left = parseFloat(values[0].replace(/[,，]/g, "")), right = parseFloat(expected);
      if (isNaN(left) || isNaN(right)) { return false; }
      return {gt: left > right, lt: left < right, ge: left >= right, le: left <= right}[operator];
    }
    if (operator === "eq") { return values.indexOf(expected.trim()) >= 0; }
    if (operator === "ne") { return values.indexOf(expected.trim()) < 0; }
    if (operator === "in") {
      var allowed = expected.replace(/，/g, ",").split(",").map(function (s) { return s.trim(); });
      return values.some(function (v) { return allowed.indexOf(v) >= 0; });
    }
    return false;
  }

  function update() {
    section.querySelectorAll("[data-condition-field]").forEach(function (wrapper) {
      var shown = holds(valuesOf(wrapper.dataset.conditionField), wrapper.dataset.conditionOperator,
                        wrapper.dataset.conditionValue || "");
      wrapper.hidden = !shown;
    });
  }

  section.querySelectorAll("[data-add-row]").forEach(function (button) {
    var group = button.closest("fieldset");
    var body = group.querySelector("[data-rows]");
    var count = group.querySelector("[data-row-count]");
    button.hidden = false;
    button.addEventListener("click", function () {
      var last = body.querySelector("tr:last-child");
      if (!last) { return; }
      var number = parseInt(count.value, 10);
      var row = last.cloneNode(true);
      row.querySelectorAll("input").forEach(function (input) {
        input.value = "";
        input.id = input.id.replace(/-\d+-([^-]*)$/, "-" + number + "-$1");
        input.name = input.name.replace(/-\d+-([^-]*)$/, "-" + number + "-$1");
      });
      row.querySelectorAll("label").forEach(function (label) {
        label.htmlFor = label.htmlFor.replace(/-\d+-([^-]*)$/, "-" + number + "-$1");
        label.textContent = label.textContent.replace(/\d+(?!.*\d)/, String(number + 1));
      });
      body.appendChild(row);
      count.value = String(number + 1);
      var first = row.querySelector("input");
      if (first) { first.focus(); }
    });
  });

  section.addEventListener("input", update);
  section.addEventListener("change", update);
  update();
}());
