// The main navigation and the list pages. Everything works without JavaScript; this
// only folds things away on small screens and closes open menus.
// The filter panel sends only the filters that are set: no "?a=&b=" in the URL (the
// server redirects such a URL to the clean one when JavaScript is off).
document.addEventListener("htmx:configRequest", function (event) {
  var form = event.detail.elt.closest && event.detail.elt.closest("#list-filter-form");
  var data = event.detail.formData;
  if (!form || !data) { return; }
  var keys = [];
  data.forEach(function (value, key) { if (keys.indexOf(key) < 0) { keys.push(key); } });
  keys.forEach(function (key) {
    var kept = data.getAll(key).filter(function (value) { return value !== ""; });
    data.delete(key);
    kept.forEach(function (value) { data.append(key, value); });
  });
});

document.addEventListener("DOMContentLoaded", function () {
  var narrow = window.matchMedia("(max-width: 50rem)");

  // On a phone the list's filter panel starts folded so the rows come first.
  var filters = document.querySelector("details.list-filters");
  if (filters && narrow.matches) {
    filters.open = false;
  }

  // On a phone the main navigation folds behind a "Menu" button.
  var toggle = document.querySelector(".site-header .nav-toggle");
  var list = document.getElementById("main-nav-list");
  if (toggle && list) {
    var fold = function () {
      toggle.hidden = !narrow.matches;
      list.hidden = narrow.matches && toggle.getAttribute("aria-expanded") !== "true";
    };
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      fold();
    });
    narrow.addEventListener("change", fold);
    fold();
  }

  // One menu group open at a time; Escape or a click elsewhere closes it.
  var groups = document.querySelectorAll("details.nav-group, details.column-picker");
  var closeAll = function (except) {
    groups.forEach(function (group) {
      if (group !== except) { group.open = false; }
    });
  };
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () { if (group.open) { closeAll(group); } });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("details.nav-group, details.column-picker")) { closeAll(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.querySelector("details.nav-group[open], details.column-picker[open]");
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
});

// Bulk actions (kitos/bulk.py, the vacancies report): the header checkbox ticks the rows
// of its table, and the bar says how many are ticked. Rows name their bar's form with a
// form attribute; lists are replaced by htmx, so the handler delegates.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (!target.matches("[data-bulk-page], [data-bulk-row], [data-bulk-scope]")) { return; }
  var form = target.form;
  if (!form) { return; }
  var table = target.closest("table");
  if (table && target.matches("[data-bulk-page]")) {
    table.querySelectorAll("[data-bulk-row]").forEach(function (row) { row.checked = target.checked; });
  }
  if (table) {
    var rows = table.querySelectorAll("[data-bulk-row]");
    var onPage = table.querySelectorAll("[data-bulk-row]:checked").length;
    var page = table.querySelector("[data-bulk-page]");
    if (page) {
      page.checked = onPage > 0 && onPage === rows.length;
      page.indeterminate = onPage > 0 && onPage < rows.length;
    }
  }
  var ticked = document.querySelectorAll('[data-bulk-row][form="' + form.id + '"]:checked').length;
  var count = form.querySelector("[data-bulk-count]");
  var scope = form.querySelector("[data-bulk-scope]");
  if (count) {
    count.textContent = scope && scope.checked ? "" : (count.dataset.template || "%s").replace("%s", ticked);
  }
});
