// The map: country outlines from the vendored world-atlas, places and located
// events from the page's JSON twin, markers clustered on screen. No tiles, no
// network beyond this server. Everything from the ledger is set as text, never as HTML.
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || !window.d3 || !window.topojson) { return; }
  var NS = "http://www.w3.org/2000/svg", W = 960, H = 500, RADIUS = 18;
  function el(name, attrs) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(r.status + " " + r.statusText); }
      return r.json();
    });
  }
  Promise.all([getJSON(box.getAttribute("data-world")), getJSON(box.getAttribute("data-points"))]).then(function (got) {
    var world = got[0], pts = got[1];
    var land = topojson.feature(world, world.objects.countries);
    var projection = d3.geoEqualEarth().fitSize([W, H], { type: "Sphere" });
    var path = d3.geoPath(projection);
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "map of places and events" });
    svg.appendChild(el("path", { d: path({ type: "Sphere" }), fill: "#dbe7f3" }));
    land.features.forEach(function (f) {
      var d = path(f);
      if (d) { svg.appendChild(el("path", { d: d, "class": "land" })); }
    });
    var items = [];
    (pts.places || []).forEach(function (p) { items.push({ name: p.name, n: p.claims, lat: p.lat, lon: p.lon, kind: "place" }); });
    (pts.events || []).forEach(function (e) { items.push({ name: e.type, n: e.events, lat: e.lat, lon: e.lon, kind: "event" }); });
    var clusters = [];
    items.sort(function (a, b) { return b.n - a.n; }).forEach(function (it) {
      var xy = projection([it.lon, it.lat]);
      if (!xy || !isFinite(xy[0])) { return; }
      var near = clusters.find(function (c) { return Math.hypot(c.x - xy[0], c.y - xy[1]) < RADIUS; });
      if (near) { near.items.push(it); near.n += it.n; } else { clusters.push({ x: xy[0], y: xy[1], n: it.n, items: [it] }); }
    });
    var info = document.getElementById("map-info");
    var q = box.getAttribute("data-q") || "";
    function describe(c, marker) {
      svg.querySelectorAll(".marker.sel").forEach(function (m) { m.classList.remove("sel"); });
      marker.classList.add("sel");
      while (info.firstChild) { info.removeChild(info.firstChild); }
      var h = document.createElement("h3");
      h.textContent = c.items.length + (c.items.length === 1 ? " place or event" : " places and events");
      info.appendChild(h);
      var ul = document.createElement("ul");
      c.items.forEach(function (it) {
        var li = document.createElement("li");
        if (it.kind === "place") {
          var a = document.createElement("a");
          a.href = "/search?" + new URLSearchParams({ q: (q ? q + " " : "") + 'place:"' + it.name + '"' }).toString();
          a.textContent = it.name;
          li.appendChild(a);
          li.appendChild(document.createTextNode(" · " + it.n + " claim" + (it.n === 1 ? "" : "s")));
        } else {
          li.textContent = it.name + " event · " + it.n;
        }
        ul.appendChild(li);
      });
      info.appendChild(ul);
    }
    clusters.forEach(function (c) {
      var r = Math.min(6 + Math.sqrt(c.n) * 2.5, 26);
      var g = el("g", {});
      var onlyEvents = c.items.every(function (it) { return it.kind === "event"; });
      var circle = el("circle", { cx: c.x.toFixed(1), cy: c.y.toFixed(1), r: r.toFixed(1), "class": "marker" + (onlyEvents ? " ev" : "") });
      var title = el("title", {});
      title.textContent = c.items.map(function (it) { return it.name; }).slice(0, 8).join(", ");
      circle.appendChild(title);
      circle.addEventListener("click", function () { describe(c, circle); });
      g.appendChild(circle);
      var label = el("text", { x: c.x.toFixed(1), y: c.y.toFixed(1), "class": "marker-label" });
      label.textContent = String(c.n);
      g.appendChild(label);
      svg.appendChild(g);
    });
    box.appendChild(svg);
    box.setAttribute("data-markers", String(clusters.length));
  }).catch(function (err) {
    var p = document.createElement("p");
    p.className = "note";
    p.textContent = "The map could not be drawn: " + err.message;
    box.appendChild(p);
  });
})();
