/* Tabs of the detail pages (WAI-ARIA tabs pattern with automatic activation).
   Each tab is a link to its own URL, so everything works without JavaScript; htmx swaps
   the tab block in. Here: arrow keys, Home and End move between tabs, Space activates,
   and focus returns to the chosen tab after htmx has replaced the block. */
(function () {
  "use strict";
  var pending = null;

  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest ? event.target.closest('[role="tab"]') : null;
    if (!tab) { return; }
    var tabs = Array.prototype.slice.call(
      tab.closest('[role="tablist"]').querySelectorAll('[role="tab"]'));
    var index = tabs.indexOf(tab);
    var next = null;
    switch (event.key) {
      case "ArrowRight": case "ArrowDown": next = tabs[(index + 1) % tabs.length]; break;
      case "ArrowLeft": case "ArrowUp": next = tabs[(index - 1 + tabs.length) % tabs.length]; break;
      case "Home": next = tabs[0]; break;
      case "End": next = tabs[tabs.length - 1]; break;
      case " ": next = tab; break;
      default: return;
    }
    event.preventDefault();
    next.focus();
    if (next.getAttribute("aria-selected") !== "true") { next.click(); }
  });

  document.addEventListener("click", function (event) {
    var tab = event.target.closest ? event.target.closest('[role="tab"]') : null;
    if (tab) { pending = tab.getAttribute("data-tab"); }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!pending || event.target.id !== "detail-tabs") { return; }
    var tab = event.target.querySelector('[role="tab"][data-tab="' + pending + '"]');
    pending = null;
    if (tab) { tab.focus(); }
  });
})();
