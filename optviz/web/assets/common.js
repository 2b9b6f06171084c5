// What every optviz page shares: its data, the figure (static PNG + live canvas in the same pixels),
// matplotlib-like drawing primitives, and numbers written the way optviz writes them in Python.
/* eslint-disable no-var */
(function (root) {
  "use strict";

  function pageData() {
    return JSON.parse(document.getElementById("optviz-data").textContent);
  }

  // -- numbers, as Python writes them ------------------------------------------------------------------
  function stripZeros(text) {
    if (text.indexOf(".") < 0) return text;
    text = text.replace(/0+$/, "");
    return text.replace(/\.$/, "");
  }

  // Python's format(v, ".{p}g").
  function fmtG(v, p) {
    if (isNaN(v)) return "nan";
    if (!isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (v === 0) return Object.is(v, -0) ? "-0" : "0";
    var parts = v.toExponential(Math.max(p - 1, 0)).split("e");
    var X = parseInt(parts[1], 10);
    if (X < -4 || X >= p) {
      return stripZeros(parts[0]) + "e" + (X < 0 ? "-" : "+") + String(Math.abs(X)).padStart(2, "0");
    }
    return stripZeros(v.toFixed(Math.max(p - 1 - X, 0)));
  }

  // Python's format(v, ".{d}e").
  function fmtE(v, d) {
    if (!isFinite(v)) return fmtG(v, 1);
    var parts = v.toExponential(d).split("e");
    var X = parseInt(parts[1], 10);
    return parts[0] + "e" + (X < 0 ? "-" : "+") + String(Math.abs(X)).padStart(2, "0");
  }

  // Python's format(v, ".2f") (round half to even on exact ties), without "-0.00": optviz.classifier.fmt2.
  function fmt2(v) {
    var text;
    var eighths = v * 8;
    if (Number.isInteger(eighths) && eighths % 2 !== 0 && Number.isInteger(v * 200) && (v * 200) % 2 !== 0) {
      var hundredths = v * 100, lo = Math.floor(hundredths), hi = lo + 1;
      var n = lo % 2 === 0 ? lo : hi;
      text = (n / 100).toFixed(2);
    } else {
      text = v.toFixed(2);
    }
    return text === "-0.00" ? "0.00" : text;
  }

  // optviz._format.format_number: `digits` significant digits (4 by default; numbers from 1 to 9999 keep every
  // digit of their integer part), compact exponents; a pair (an array) in parentheses.
  function formatNumber(v, digits) {
    digits = digits || 4;
    if (typeof v === "boolean") return v ? "True" : "False";
    if (Array.isArray(v)) return "(" + v.map(function (x) { return formatNumber(x, digits); }).join(", ") + ")";
    if (typeof v !== "number") return String(v);
    var a = Math.abs(v);
    if (a >= 1 && a < 1e4) digits = Math.max(digits, String(Math.trunc(a)).length);
    return fmtG(v, digits).replace("e-0", "e-").replace("e+0", "e").replace("e+", "e");
  }

  // -- the figure: static image, live canvas on top, both in the image's pixels -------------------------
  function Figure(container, spec) {
    this.spec = spec;
    this.width = spec.width;
    this.height = spec.height;
    container.style.width = spec.width + "px";
    container.style.height = spec.height + "px";
    var img = document.createElement("img");
    img.src = spec.image;
    img.width = spec.width;
    img.height = spec.height;
    img.alt = spec.alt || "";
    img.className = "static";
    this.image = img; // (pages copy parts of it: a static label moved)
    container.appendChild(img);
    var canvas = document.createElement("canvas");
    var ratio = root.devicePixelRatio || 1;
    canvas.width = Math.round(spec.width * ratio);
    canvas.height = Math.round(spec.height * ratio);
    canvas.style.width = spec.width + "px";
    canvas.style.height = spec.height + "px";
    canvas.className = "live";
    container.appendChild(canvas);
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.ratio = ratio;
  }

  Figure.prototype.clear = function () {
    var ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
  };

  // Data -> image pixels for one axes (see optviz.web.static.axes_geometry).
  function mapper(axis) {
    if (axis.scale === "log") return function (u) { return axis.a + axis.b * Math.log10(u); };
    return function (u) { return axis.a + axis.b * u; };
  }
  function inverse(axis) {
    if (axis.scale === "log") return function (p) { return Math.pow(10, (p - axis.a) / axis.b); };
    return function (p) { return (p - axis.a) / axis.b; };
  }

  function Axes(geometry) {
    this.g = geometry;
    this.X = mapper(geometry.x);
    this.Y = mapper(geometry.y);
    this.invX = inverse(geometry.x);
    this.invY = inverse(geometry.y);
  }
  Axes.prototype.clip = function (ctx) {
    ctx.beginPath();
    ctx.rect(this.g.left, this.g.top, this.g.width, this.g.height);
    ctx.clip();
  };
  // The axes' frame (its spines), drawn again over a live layer that fills the axes.
  Axes.prototype.frame = function (ctx) {
    var g = this.g, f = g.frame;
    ctx.save();
    ctx.strokeStyle = f.color;
    ctx.lineWidth = f.width;
    ctx.strokeRect(g.left, g.top, g.width, g.height);
    ctx.restore();
  };
  Axes.prototype.contains = function (px, py) {
    var g = this.g;
    return px >= g.left && px <= g.left + g.width && py >= g.top && py <= g.top + g.height;
  };

  // -- drawing primitives in matplotlib's manner --------------------------------------------------------
  // `pts`: [[x, y], ...], or flat [x0, y0, x1, y1, ...] (a Float64Array: the runs' pixels, no array a point)
  function polyline(ctx, pts, style) {
    var flat = ArrayBuffer.isView(pts), n = flat ? pts.length >> 1 : pts.length;
    if (n < 2) return;
    ctx.save();
    ctx.globalAlpha = style.alpha === undefined ? 1 : style.alpha;
    ctx.strokeStyle = style.color;
    ctx.lineWidth = style.width;
    ctx.lineJoin = "round";
    ctx.lineCap = "round";
    if (style.dashed) ctx.setLineDash([3.7 * style.width, 1.6 * style.width]);
    ctx.beginPath();
    if (flat) {
      ctx.moveTo(pts[0], pts[1]);
      for (var j = 2; j + 1 < pts.length; j += 2) ctx.lineTo(pts[j], pts[j + 1]);
    } else {
      ctx.moveTo(pts[0][0], pts[0][1]);
      for (var i = 1; i < n; i++) ctx.lineTo(pts[i][0], pts[i][1]);
    }
    ctx.stroke();
    ctx.restore();
  }

  // A marker of matplotlib's size convention (markersize = the marker's width in pixels, like points).
  function marker(ctx, kind, x, y, size, face, edge, edgeWidth, alpha) {
    ctx.save();
    ctx.globalAlpha = alpha === undefined ? 1 : alpha;
    ctx.beginPath();
    var r = size / 2;
    if (kind === "o") {
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    } else if (kind === "s") { // matplotlib's square: its side the marker size
      ctx.rect(x - r, y - r, 2 * r, 2 * r);
    } else if (kind === "D") {
      var d = r * 0.9;
      ctx.moveTo(x, y - d); ctx.lineTo(x + d, y); ctx.lineTo(x, y + d); ctx.lineTo(x - d, y); ctx.closePath();
    } else if (kind === "^" || kind === "v" || kind === "<" || kind === ">") {
      // matplotlib's triangles: apex r from the centre, the base r the other way, r either side
      var turn = { "^": [0, -1], "v": [0, 1], "<": [-1, 0], ">": [1, 0] }[kind], ax_ = turn[0], ay = turn[1];
      ctx.moveTo(x + ax_ * r, y + ay * r);
      ctx.lineTo(x - ax_ * r - ay * r, y - ay * r - ax_ * r);
      ctx.lineTo(x - ax_ * r + ay * r, y - ay * r + ax_ * r);
      ctx.closePath();
    } else if (kind === "*") {
      for (var i = 0; i < 10; i++) {
        var ang = -Math.PI / 2 + i * Math.PI / 5, rad = i % 2 === 0 ? r : r * 0.382;
        var px = x + rad * Math.cos(ang), py = y + rad * Math.sin(ang);
        if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      }
      ctx.closePath();
    } else if (kind === "X") {
      // matplotlib's filled "X": a cross of two bars of width r/2.
      var w = r * 0.35, l = r;
      var pts = [[w, 0], [l, l - w], [l - w, l], [0, w], [-(l - w), l], [-l, l - w], [-w, 0],
        [-l, -(l - w)], [-(l - w), -l], [0, -w], [l - w, -l], [l, -(l - w)]];
      for (var j = 0; j < pts.length; j++) {
        if (j === 0) ctx.moveTo(x + pts[j][0], y + pts[j][1]); else ctx.lineTo(x + pts[j][0], y + pts[j][1]);
      }
      ctx.closePath();
    } else {
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
    if (face && face !== "none") {
      ctx.fillStyle = face;
      ctx.fill();
    }
    if (edge && edge !== "none" && edgeWidth > 0) {
      ctx.strokeStyle = edge;
      ctx.lineWidth = edgeWidth;
      ctx.stroke();
    }
    ctx.restore();
  }

  // An arrow like matplotlib's "-|>": a line and a filled triangular head at (x1, y1), `head` long and as
  // wide. `outline`: the head also stroked with the line's width, its tip kept at (x1, y1), as matplotlib
  // draws an annotation's arrow patch.
  function arrow(ctx, x0, y0, x1, y1, color, width, head, outline) {
    var dx = x1 - x0, dy = y1 - y0, len = Math.hypot(dx, dy);
    if (!(len > 0)) return;
    var ux = dx / len, uy = dy / len, hw = head * 0.5;
    var back = outline ? 0.5 * width / Math.sin(Math.atan2(hw, head)) : 0; // the stroke's miter beyond the tip
    if (!outline) head = Math.min(head, len); // matplotlib keeps a patch's head whole on a short arrow
    var tx = x1 - ux * back, ty = y1 - uy * back;
    var bx = tx - ux * head, by = ty - uy * head;
    ctx.save();
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = width;
    ctx.lineCap = "butt";
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(bx, by);
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(tx, ty);
    ctx.lineTo(bx - uy * hw, by + ux * hw);
    ctx.lineTo(bx + uy * hw, by - ux * hw);
    ctx.closePath();
    ctx.fill();
    if (outline) {
      ctx.lineJoin = "miter";
      ctx.stroke();
    }
    ctx.restore();
  }

  // Returns the box of its white backing ([x0, y0, x1, y1]) where `opts.box` asks for one.
  function text(ctx, str, x, y, opts) {
    var drawn = null;
    ctx.save();
    ctx.font = (opts.weight || "normal") + " " + opts.size + "px " + (opts.family || '"DejaVu Sans", Verdana, sans-serif');
    ctx.fillStyle = opts.color || "#262626";
    ctx.textAlign = opts.align || "left";
    ctx.textBaseline = opts.baseline || "alphabetic";
    if (opts.box) {
      var m = ctx.measureText(str), pad = opts.size * 0.25;
      var w = m.width, h = opts.size * 1.15;
      var left = opts.align === "right" ? x - w : opts.align === "center" ? x - w / 2 : x;
      var top = opts.baseline === "top" ? y : opts.baseline === "middle" ? y - h / 2 : y - h * 0.8;
      ctx.save();
      ctx.globalAlpha = 0.85;
      ctx.fillStyle = opts.box;
      ctx.fillRect(left - pad, top - pad, w + 2 * pad, h + 2 * pad);
      ctx.restore();
      drawn = [left - pad, top - pad, left + w + pad, top + h + pad];
    }
    ctx.fillText(str, x, y);
    ctx.restore();
    return drawn;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  var api = {
    pageData: pageData,
    fmtG: fmtG,
    fmtE: fmtE,
    fmt2: fmt2,
    formatNumber: formatNumber,
    Figure: Figure,
    Axes: Axes,
    polyline: polyline,
    marker: marker,
    arrow: arrow,
    text: text,
    el: el,
  };
  root.OptvizPage = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
