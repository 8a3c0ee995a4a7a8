// Small behaviours of the pages, wired here rather than in on…="" or style="" attributes,
// which the Content-Security-Policy forbids (README: Content-Security-Policy). The
// listeners sit on the document, so content htmx swaps in behaves the same.
(function () {
  // <select data-submit-on-change>: choosing an option submits its form (a <noscript>
  // button does it without JavaScript).
  document.addEventListener("change", function (event) {
    var field = event.target.closest && event.target.closest("[data-submit-on-change]");
    if (field && field.form) { field.form.submit(); }
  });

  // <input data-select-on-focus>: the whole value is selected, ready to copy.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) {
      event.target.select();
    }
  });

  // <button data-print>: print the page.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });

  // Timeline tooltips: Escape hides the tooltip without moving focus (WCAG 1.4.13);
  // leaving the dot lets it show again next time.
  document.addEventListener("keydown", function (event) {
    var dot = event.key === "Escape" && event.target.closest && event.target.closest(".timeline-dot");
    if (dot) { dot.parentNode.classList.add("tip-dismissed"); }
  });
  document.addEventListener("focusout", function (event) {
    var dot = event.target.closest && event.target.closest(".timeline-dot");
    if (dot) { dot.parentNode.classList.remove("tip-dismissed"); }
  });

  // data-left="42.5": a position along a timeline, in percent of its width.
  function place(root) {
    root.querySelectorAll("[data-left]").forEach(function (element) {
      element.style.left = element.getAttribute("data-left") + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { place(document); });
  document.addEventListener("htmx:load", function (event) { place(event.target); });
})();
