// The landscape map (/landskab/kort/): draws the data of #landscape-map's data-url with
// cytoscape at the positions the server laid out (preset layout: the SVG export shows
// the same picture), with pan and zoom. The list of systems beside it is the keyboard's
// way in: one link is in the Tab order, the arrow keys move along the list and select
// (and centre) the same system in the map, Enter opens it. A click on a system in the
// map opens it too. When drawn, the container gets data-rendered and data-rendered-ms
// (milliseconds since navigation started), which the browser test reads.
(function () {
  "use strict";

  var STYLE = [
    { selector: "node.group", style: {
      "width": "data(width)", "height": "data(height)", "z-index-compare": "manual",
      "z-index": 0, "background-color": "#f1f4f8", "border-color": "#b8c4d4",
      "border-width": 1, "shape": "round-rectangle", "label": "data(label)",
      "text-valign": "top", "text-halign": "center", "text-margin-y": 22, "font-size": 14,
      "font-weight": "bold", "color": "#1d2b3a", "events": "no" } },
    { selector: "node.usage", style: {
      "shape": "round-rectangle", "width": 160, "height": 44, "background-color": "#ffffff",
      "border-color": "#1f5fa8", "border-width": 1.5, "label": "data(label)",
      "text-valign": "center", "text-halign": "center", "font-size": 12, "color": "#1d2b3a",
      "z-index-compare": "manual", "z-index": 2 } },
    { selector: "node.outside", style: {
      "background-color": "#eef0f3", "border-color": "#9aa5b1", "border-style": "dashed",
      "color": "#5d6875" } },
    { selector: "edge", style: {
      "width": 1.5, "line-color": "#5a6b80", "target-arrow-color": "#5a6b80",
      "source-arrow-color": "#5a6b80", "target-arrow-shape": "triangle",
      "curve-style": "straight", "opacity": 0.6,
      "z-index-compare": "manual", "z-index": 1, "font-size": 9, "color": "#1d2b3a",
      "text-background-color": "#ffffff", "text-background-opacity": 0.8,
      "text-rotation": "autorotate" } },
    { selector: "edge.two-way", style: { "source-arrow-shape": "triangle" } },
    { selector: "node.usage:selected", style: {
      "border-width": 4, "border-color": "#b3541e", "background-color": "#fff4e5" } },
    { selector: "edge.near", style: { "opacity": 1, "width": 2.5, "label": "data(label)",
      "line-color": "#b3541e", "target-arrow-color": "#b3541e",
      "source-arrow-color": "#b3541e", "z-index": 10 } }
  ];

  function markRendered(container, cy) {
    container.setAttribute("data-rendered-ms", String(Math.round(performance.now())));
    container.setAttribute("data-rendered", "true");
    container.setAttribute("data-node-count", String(cy.nodes(".usage").length));
    container.setAttribute("data-edge-count", String(cy.edges().length));
  }

  function select(cy, id) {
    var node = cy.getElementById(id);
    if (node.empty()) { return; }
    cy.elements().unselect();
    cy.edges(".near").removeClass("near");
    node.select();
    node.connectedEdges().addClass("near");
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 0.9) }, { duration: 150 });
    cy.container().setAttribute("data-selected", id);
  }

  function wireList(cy, list) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a[data-node]"));
    if (!links.length) { return; }
    // Roving tab stop: the list is one stop in the Tab order, not one per system.
    links.forEach(function (link, index) {
      link.setAttribute("tabindex", index === 0 ? "0" : "-1");
      link.addEventListener("focus", function () {
        links.forEach(function (other) { other.setAttribute("tabindex", "-1"); });
        link.setAttribute("tabindex", "0");
        link.setAttribute("aria-current", "true");
        select(cy, link.getAttribute("data-node"));
      });
      link.addEventListener("blur", function () { link.removeAttribute("aria-current"); });
      link.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowDown" || event.key === "ArrowRight") { next = index + 1; }
        if (event.key === "ArrowUp" || event.key === "ArrowLeft") { next = index - 1; }
        if (event.key === "Home") { next = 0; }
        if (event.key === "End") { next = links.length - 1; }
        if (next === null) { return; }
        event.preventDefault();
        links[Math.max(0, Math.min(links.length - 1, next))].focus();
      });
    });
    cy.on("select", "node.usage", function (event) {
      var id = event.target.id();
      links.forEach(function (link) {
        link.classList.toggle("selected", link.getAttribute("data-node") === id);
      });
    });
  }

  function wirePng(cy, container) {
    var button = document.getElementById("map-png");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var link = document.createElement("a");
      link.href = cy.png({ full: true, scale: 2, bg: "#ffffff" });
      link.download = container.getAttribute("data-png-name") || "landskabskort.png";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  function draw(container, data) {
    container.setAttribute("data-draw-start-ms", String(Math.round(performance.now())));
    var cy = cytoscape({
      container: container,
      elements: data.elements,
      style: STYLE,
      layout: { name: "preset", fit: true, padding: 20 },
      minZoom: 0.1,
      maxZoom: 3,
      autoungrabify: true,
      boxSelectionEnabled: false,
      selectionType: "single",
      // Large landscapes stay smooth while panning and zooming.
      hideEdgesOnViewport: true,
      textureOnViewport: true
    });
    cy.nodes(".group").unselectify().ungrabify();
    cy.on("tap", "node.usage", function (event) {
      var url = event.target.data("url");
      if (url) { window.location.assign(url); }
    });
    cy.on("mouseover", "node.usage", function (event) {
      event.target.connectedEdges().addClass("near");
      container.title = event.target.data("name") +
        (event.target.data("supplier") ? " (" + event.target.data("supplier") + ")" : "");
    });
    cy.on("mouseout", "node.usage", function (event) {
      if (!event.target.selected()) { event.target.connectedEdges().removeClass("near"); }
      container.removeAttribute("title");
    });
    cy.one("render", function () { markRendered(container, cy); });
    var list = document.getElementById("map-nodes");
    if (list) { wireList(cy, list); }
    wirePng(cy, container);
    window.landscapeMap = cy;
  }

  function start() {
    var container = document.getElementById("landscape-map");
    if (!container || typeof cytoscape === "undefined") { return; }
    container.setAttribute("data-active", "true");
    // The page embeds the data (json_script) to spare a second request and a second
    // build on the server; data-url serves the same for other readers.
    var embedded = document.getElementById("landscape-map-data");
    if (embedded) {
      draw(container, JSON.parse(embedded.textContent));
      return;
    }
    container.setAttribute("aria-busy", "true");
    fetch(container.getAttribute("data-url"), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) { draw(container, data); })
      .catch(function () { container.setAttribute("data-failed", "true"); })
      .then(function () { container.removeAttribute("aria-busy"); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
