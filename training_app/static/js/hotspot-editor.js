// Draw hotspot regions on the image; the regions textarea stays the source of truth (and works without JS).
(function () {
  "use strict";
  var box = document.querySelector(".hotspot-editor");
  var text = document.getElementById("regions");
  if (!box || !text) return;
  var width = +box.dataset.width, height = +box.dataset.height, NS = "http://www.w3.org/2000/svg";
  var svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  svg.setAttribute("aria-hidden", "true");
  box.appendChild(svg);
  var help = document.createElement("p");
  help.className = "hint";
  help.textContent = box.dataset.help;
  box.parentNode.insertBefore(help, box);
  var start = null, points = [], shape = null;

  function at(event) {
    var r = svg.getBoundingClientRect();
    return [Math.round((event.clientX - r.left) * width / r.width), Math.round((event.clientY - r.top) * height / r.height)];
  }
  function parse() {
    return text.value.split("\n").map(function (line) { return line.replace(/,/g, " ").trim().split(/\s+/); })
      .filter(function (p) { return p.length > 2; });
  }
  function draw() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    parse().forEach(function (p) {
      var n = p.slice(2).map(Number), el;
      if (p[1] === "rect" && n.length === 4) {
        el = document.createElementNS(NS, "rect");
        ["x", "y", "width", "height"].forEach(function (k, i) { el.setAttribute(k, n[i]); });
      } else if (p[1] === "polygon") {
        el = document.createElementNS(NS, "polygon");
        var pairs = [];
        for (var i = 0; i + 1 < n.length; i += 2) pairs.push(n[i] + "," + n[i + 1]);
        el.setAttribute("points", pairs.join(" "));
      }
      if (el) svg.appendChild(el);
    });
  }
  function add(line) {
    var id = "region-" + (parse().length + 1);
    text.value = (text.value.trim() ? text.value.trim() + "\n" : "") + id + " " + line;
    draw();
  }
  svg.addEventListener("pointerdown", function (e) {
    if (e.shiftKey) { points.push(at(e)); shape = null; return; }
    start = at(e);
    shape = document.createElementNS(NS, "rect");
    svg.appendChild(shape);
  });
  svg.addEventListener("pointermove", function (e) {
    if (!start || !shape) return;
    var p = at(e);
    shape.setAttribute("x", Math.min(p[0], start[0])); shape.setAttribute("y", Math.min(p[1], start[1]));
    shape.setAttribute("width", Math.abs(p[0] - start[0])); shape.setAttribute("height", Math.abs(p[1] - start[1]));
  });
  svg.addEventListener("pointerup", function (e) {
    if (!start) return;
    var p = at(e), w = Math.abs(p[0] - start[0]), h = Math.abs(p[1] - start[1]);
    if (w > 3 && h > 3) add("rect " + Math.min(p[0], start[0]) + " " + Math.min(p[1], start[1]) + " " + w + " " + h);
    else draw();
    start = null;
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && points.length > 2 && document.activeElement !== text) {
      e.preventDefault();
      add("polygon " + points.map(function (p) { return p.join(" "); }).join(" "));
      points = [];
    }
  });
  text.addEventListener("input", draw);
  draw();
}());
