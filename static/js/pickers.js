// Searchable pickers: every <select data-picker> (single or multiple) becomes a Tom
// Select combobox: type to narrow the options, arrows and Enter to choose, Backspace to
// remove the last chosen. The <select> stays in the form and carries the values, so the
// form submits the same without JavaScript. With data-picker-url the options are also
// searched at that endpoint (kitos/pickers.py) as the user types.
(function () {
  "use strict";

  var labels = {
    da: { none: "Ingen resultater", remove: "Fjern" },
    en: { none: "No results", remove: "Remove" }
  };
  var words = labels[(document.documentElement.lang || "da").slice(0, 2)] || labels.da;

  function remoteLoader(url) {
    return function (query, callback) {
      var address = url + "?q=" + encodeURIComponent(query);
      fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { callback(data.results); })
        .catch(function () { callback(); });
    };
  }

  function enhance(select) {
    if (select.tomselect || typeof TomSelect === "undefined") { return; }
    var url = select.getAttribute("data-picker-url");
    var settings = {
      plugins: select.multiple ? { remove_button: { title: words.remove } } : [],
      allowEmptyOption: true,
      maxOptions: null,
      // The search box keeps its place when the picker loses focus: a click on the next
      // control must not land where the picker shrank from.
      hidePlaceholder: false,
      closeAfterSelect: !select.multiple,
      // The typed words go once a value is chosen: the next search starts afresh, and
      // the box does not shrink under the pointer when it loses focus.
      onItemAdd: function () {
        this.setTextboxValue("");
        this.refreshOptions(false);
      },
      render: {
        no_results: function () {
          var item = document.createElement("div");
          item.className = "no-results";
          item.textContent = words.none;
          return item;
        }
      }
    };
    if (url) {
      settings.valueField = "value";
      settings.labelField = "text";
      settings.searchField = ["text"];
      settings.load = remoteLoader(url);
      settings.shouldLoad = function (query) { return query.length > 0; };
    }
    new TomSelect(select, settings);
    // "Hold Ctrl to choose several" is the help of the plain list box only.
    var help = select.getAttribute("data-picker-help");
    if (help) {
      var text = document.getElementById(help);
      if (text) { text.hidden = true; }
    }
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-picker]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.detail.elt); });
})();
