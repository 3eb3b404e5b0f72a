// Autocomplete for the search boxes (the header's, the home page's, the search page's): every
// <input data-suggest-url list="…"> has its <datalist> filled with matching titles and codes.
// Waits until typing pauses, asks only for new text, and keeps the answers it has seen.
(function () {
  "use strict";
  if (!window.fetch) { return; }
  var seen = {};

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-suggest-url");
    var timer = null;
    var last = "";
    if (!list || !url) { return; }

    function show(suggestions) {
      list.textContent = "";
      suggestions.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.title;
        option.label = item.code ? item.title + " · " + item.code : item.title;
        list.appendChild(option);
      });
    }

    function ask(text) {
      if (seen[text]) { show(seen[text]); return; }
      fetch(url + "?q=" + encodeURIComponent(text), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          seen[text] = data.suggestions || [];
          if (input.value.trim() === text) { show(seen[text]); }
        })
        .catch(function () { /* suggestions are a convenience: the search still works without them */ });
    }

    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (text === last) { return; }
      last = text;
      clearTimeout(timer);
      if (!text) { show([]); return; }
      timer = setTimeout(function () { ask(text); }, 200);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest-url][list]"), attach);
})();
