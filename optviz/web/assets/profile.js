// The live part of a profile panel (optviz.plot.profile; read by optviz.web.profile_layer): each run as a
// ball on the slice, from the page's own runs. A drawn point p is placed at its coordinate along the slice,
// u = (p - o) . d, and at its own f(p) (on the slice, the curve's value; off it, the value the run had), lifted
// by the ball's radius: faded balls at the iterates up to the current step, the hollow start, the ball now,
// "diverged at step k" above a run that ended early. The panel's title says where the slice is and whether a
// run left it (optviz.plot.profile_title). When the slice passes through the first run's start
// (spec.liveCurve), its curve, shading and y-axis follow that start and the runs (optviz.plot.profile_limits).
/* eslint-disable no-var */
(function (root) {
  "use strict";
  var P = root.OptvizPage, R = root.OptvizRuns;

  function ProfileLayer(view, spec, surface) {
    this.view = view;
    this.spec = spec;
    this.surface = surface;
    this.ax = new P.Axes(spec.axes);
  }

  // The slice (optviz.plot.profile.make_slice): horizontal or vertical through the given point, else
  // through the first run's start (the kind's default).
  ProfileLayer.prototype.slice = function (items) {
    var p = this.spec.through || [items[0].result.xy[0], items[0].result.xy[1]];
    return this.spec.along === "x" ? { o: [0, p[1]], d: [1, 0] } : { o: [p[0], 0], d: [0, 1] };
  };

  // The curve over the panel's span (numpy.linspace's points) and the panel's y-limits
  // (optviz.plot.profile.profile_limits: the curve's range and the balls', these capped at the curve's range
  // beyond either end, with 8% margins); the shading goes down to the lower limit.
  ProfileLayer.prototype.curve = function (line, runs) {
    var s = this.spec, n = s.resolution, a = s.span[0], b = s.span[1], step = (b - a) / (n - 1);
    var u = [], f = [], lo = Infinity, hi = -Infinity;
    for (var i = 0; i < n; i++) {
      var v = i === n - 1 ? b : i * step + a;
      var y = this.surface.value(line.o[0] + v * line.d[0], line.o[1] + v * line.d[1]);
      u.push(v);
      f.push(y);
      if (isFinite(y)) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
    }
    var range = this.spanRange(), reach = hi - lo, low = lo, high = hi, a = range[0], z = range[1];
    runs.forEach(function (b) {
      var mn = Infinity, mx = -Infinity;
      for (var j = 0; j < b.u.length; j++) {
        if (isFinite(b.f[j]) && b.u[j] >= a && b.u[j] <= z) { mn = Math.min(mn, b.f[j]); mx = Math.max(mx, b.f[j]); }
      }
      if (mn <= mx) { low = Math.min(low, Math.max(mn, lo - reach)); high = Math.max(high, Math.min(mx, hi + reach)); }
    });
    var pad = 0.08 * (high - low);
    return { u: u, f: f, lo: low - pad, hi: high + pad, floor: low - pad };
  };

  // Each run's drawn points up to its stop step: u along the slice and its own f (optviz.plot.profile's ball
  // data), and whether it left the slice (optviz.plot.profile.leaves: farther than a 1e-9th of the span).
  ProfileLayer.prototype.balls = function (it, line) {
    var res = it.result, pts = this.view.drawnPoints(res), u = [], f = [], far = 0;
    for (var j = 0; j <= res.stopStep; j++) {
      var dx = pts[2 * j] - line.o[0], dy = pts[2 * j + 1] - line.o[1];
      var c = dx * line.d[0] + dy * line.d[1], across = Math.abs(dx * line.d[1] - dy * line.d[0]);
      u.push(c);
      f.push(this.surface.value(pts[2 * j], pts[2 * j + 1]));
      if (isFinite(across)) far = Math.max(far, across);
    }
    return { u: u, f: f, off: far > 1e-9 * Math.abs(this.spec.span[1] - this.spec.span[0]) };
  };

  // The panel's title (optviz.plot.profile_title): where the slice is, and that runs off it are at their own f.
  ProfileLayer.prototype.title = function (data) {
    var o = data.line.o, where = this.spec.along === "x" ? "f along x at y = " + P.formatNumber(o[1]) : "f along y at x = " + P.formatNumber(o[0]);
    return data.runs.some(function (b) { return b.off; }) ? [where, "runs off the slice: at their own f"] : [where];
  };

  // The title where matplotlib put it, its last line on the same bottom. The figure was laid out for the
  // lines matplotlib drew (t.lines): a title of more lines would rise into what is above the panel (the
  // figure's title), so its lines go on one line, set smaller where the panel's width asks (to LEAST at least).
  var LEAST = 0.6;
  var TITLE_LEAST = 0.75; // optviz.figures.titles.LEAST

  // A title's lines fitted into `room` pixels as optviz.figures.titles fits a title: its widest line broken
  // at the space that splits it most evenly (by characters) and fits, else the most even, while there are
  // fewer than `most` lines (what the layout made room for).
  function fitLines(ctx, lines, size, room, most) {
    lines = lines.slice();
    while (lines.length < most) {
      var widths = lines.map(function (l) { return R.measure(ctx, l, size); });
      var i = widths.indexOf(Math.max.apply(null, widths)), line = lines[i];
      if (widths[i] <= room) break;
      var cuts = [];
      for (var c = 0; c < line.length; c++) if (line[c] === " ") cuts.push(c);
      if (!cuts.length) break;
      cuts.sort(function (a, b) {
        return Math.max(a, line.length - a - 1) - Math.max(b, line.length - b - 1) || a - b;
      });
      var fit = cuts.filter(function (c) {
        return Math.max(R.measure(ctx, line.slice(0, c), size), R.measure(ctx, line.slice(c + 1), size)) <= room;
      })[0];
      var at = fit === undefined ? cuts[0] : fit;
      lines.splice(i, 1, line.slice(0, at), line.slice(at + 1));
    }
    return lines;
  }
  ProfileLayer.prototype.drawTitle = function (ctx, data) {
    var t = this.spec.title, lines = this.title(data), size = t && t.size;
    this.fitted = null;
    if (!t) return;
    if (lines.length > t.lines) {
      lines = [lines.join("; ")];
      var wide = R.measure(ctx, lines[0], size);
      if (wide > this.ax.g.width) size *= Math.max(LEAST, this.ax.g.width / wide);
    } else if (t.room) {
      lines = this.fitted = fitLines(ctx, lines, size, t.room, t.lines);
      var widest = Math.max.apply(null, lines.map(function (l) { return R.measure(ctx, l, size); }));
      if (widest > t.room) size *= Math.max(TITLE_LEAST, t.room / widest);
    }
    lines.forEach(function (line, i) {
      if (t.anchor === "top") { // an x label: its first line where matplotlib's was
        P.text(ctx, line, t.x, t.top + i * t.lineHeight, { size: size, color: t.color, align: "center", baseline: "top" });
      } else {
        P.text(ctx, line, t.x, t.bottom - (lines.length - 1 - i) * t.lineHeight, { size: size, color: t.color, align: "center", baseline: "bottom" });
      }
    });
    this.drawnTitle = { lines: lines, size: size };
  };

  ProfileLayer.prototype.compute = function (items) {
    var line = this.slice(items), self = this, runs = items.map(function (it) { return self.balls(it, line); });
    return { line: line, curve: this.spec.liveCurve ? this.curve(line, runs) : null, runs: runs };
  };

  ProfileLayer.prototype.draw = function (ctx, items, k) {
    var s = this.spec, ax = this.ax, g = ax.g, view = this.view, self = this;
    var data = this.compute(items), c = data.curve, X = ax.X, Y = ax.Y;
    if (c) {
      Y = function (v) { return g.top + g.height - (v - c.lo) / (c.hi - c.lo) * g.height; };
      ctx.save();
      ax.clip(ctx);
      ctx.fillStyle = s.fill;
      ctx.beginPath();
      var started = false;
      c.u.forEach(function (u, i) {
        if (!isFinite(c.f[i])) return;
        if (!started) { ctx.moveTo(X(u), Y(c.floor)); started = true; }
        ctx.lineTo(X(u), Y(c.f[i]));
      });
      ctx.lineTo(X(c.u[c.u.length - 1]), Y(c.floor));
      ctx.closePath();
      ctx.fill();
      P.polyline(ctx, c.u.map(function (u, i) { return [X(u), Y(c.f[i])]; }).filter(function (p) { return isFinite(p[1]); }), s.curve);
      ctx.restore();
      ax.frame(ctx);
      var ticks = R.linearTicks(c.lo, c.hi, g.height, s.tickfont, s.ybins).filter(function (t) { return t.value >= c.lo && t.value <= c.hi; });
      R.drawTicks(ctx, g, X, Y, [], ticks, s, {});
      this.yticks = ticks.map(function (t) { return t.value; });
    }
    this.shown = data;
    this.drawTitle(ctx, data);
    function at(u, f) { return [X(u), Y(f) - s.lift]; }
    ctx.save();
    ax.clip(ctx);
    items.forEach(function (it, i) { // the trails, under every start and ball
      var b = data.runs[i], last = Math.min(k, it.result.stopStep);
      if (!s.trail || b.u.length < 2) return;
      for (var j = 0; j <= last; j++) {
        if (!isFinite(b.f[j])) continue;
        var p = at(b.u[j], b.f[j]);
        P.marker(ctx, "o", p[0], p[1], s.trail.markersize, it.color, "none", 0, s.trail.alpha);
      }
    });
    items.forEach(function (it, i) {
      var b = data.runs[i], p = at(b.u[0], b.f[0]);
      P.marker(ctx, "o", p[0], p[1], s.start.markersize, s.start.markerface, it.color, s.start.markeredgewidth);
    });
    items.forEach(function (it, i) {
      var b = data.runs[i], j = Math.min(k, it.result.stopStep), p = at(b.u[j], b.f[j]);
      P.marker(ctx, "o", p[0], p[1], s.ball.markersize, it.color, s.ball.markeredge, s.ball.markeredgewidth);
    });
    ctx.restore();
    var ylim = c ? [c.lo, c.hi] : [ax.invY(g.top + g.height), ax.invY(g.top)];
    this.edges = items.map(function (it, i) { return self.drawEdge(ctx, it, data.runs[i], k, at, ylim); });
    this.notes = [];
    items.forEach(function (it, i) { self.drawNote(ctx, it, data.runs[i], k, at, ylim); });
  };

  // The slice's span as [low, high] (numpy.linspace's ends may run either way).
  ProfileLayer.prototype.spanRange = function () {
    var a = this.spec.span[0], b = this.spec.span[1];
    return [Math.min(a, b), Math.max(a, b)];
  };

  // optviz.plot.profile.edge_side: the side a ball at (u, f) is out of the panel by, the farthest (in fractions
  // of the panel); null inside it.
  ProfileLayer.prototype.edgeSide = function (u, f, ylim) {
    if (!(isFinite(u) && isFinite(f))) return null;
    var range = this.spanRange(), lo = range[0], hi = range[1];
    var past = [["left", (lo - u) / (hi - lo)], ["right", (u - hi) / (hi - lo)], ["top", (f - ylim[1]) / (ylim[1] - ylim[0])], ["bottom", (ylim[0] - f) / (ylim[1] - ylim[0])]];
    var best = past[0];
    past.forEach(function (p) { if (p[1] > best[1]) best = p; });
    return best[1] > 0 ? best[0] : null;
  };

  // A ball out of the panel at the step shown: a triangle in its colour at the edge it left by, half a
  // marker inside every edge it is on, pointing its way (optviz.plot.profile.AtEdge). Returns {side, u, f}
  // (the clamped point) or null.
  var EDGE_MARKERS = { left: "<", right: ">", top: "^", bottom: "v" };
  ProfileLayer.prototype.drawEdge = function (ctx, it, b, k, at, ylim) {
    var j = Math.min(k, it.result.stopStep), side = this.edgeSide(b.u[j], b.f[j], ylim);
    if (side === null) return null;
    var e = this.spec.edge, range = this.spanRange(), lo = range[0], hi = range[1];
    var u = Math.min(Math.max(b.u[j], lo), hi), f = Math.min(Math.max(b.f[j], ylim[0]), ylim[1]);
    var inward = 0.6 * e.markersize, p = at(u, f), y = p[1] + this.spec.lift; // (at: lifted as a ball; this is not)
    var dx = u === lo ? inward : u === hi ? -inward : 0, dy = f === ylim[0] ? -inward : f === ylim[1] ? inward : 0;
    P.marker(ctx, EDGE_MARKERS[side], p[0] + dx, y + dy, e.markersize, it.color, e.markeredge, e.markeredgewidth);
    return { side: side, u: u, f: f };
  };

  // optviz.plot.common.ended_early: "diverged at step k" or "singular Hessian at step k", centred above the
  // ball where the run ended, from the step after it on; where that ball is out of the panel, at the edge it
  // left by, inside the panel (optviz.plot.profile._ending_note).
  ProfileLayer.prototype.drawNote = function (ctx, it, b, k, at, ylim) {
    var res = it.result, stop = res.stopStep, text = null;
    if (res.status === "diverged") text = "diverged at step " + (stop + 1);
    else if (res.status === "singular") text = "singular Hessian at step " + stop;
    var u = b.u[stop], f = b.f[stop];
    if (text === null || k < stop + 1 || !isFinite(f) || isNaN(u)) return;
    var range = this.spanRange(), lo = range[0], hi = range[1];
    var align = u < lo ? "left" : u > hi ? "right" : "center", above = f <= ylim[1];
    var size = this.view.styles.fontsize, p = at(Math.min(Math.max(u, lo), hi), Math.min(Math.max(f, ylim[0]), ylim[1]));
    var x = p[0] + (align === "left" ? 0.4 : align === "right" ? -0.4 : 0) * size;
    var y = above ? p[1] - this.spec.noteOffset * size : p[1] + this.spec.lift + 0.4 * size;
    P.text(ctx, text, x, y, { size: size, color: it.color, weight: "bold", align: align, baseline: above ? "alphabetic" : "top" });
    var w = R.measure(ctx, text, size, "bold"), x0 = align === "left" ? x : align === "right" ? x - w : x - w / 2;
    var box = above ? [x0, y - size, x0 + w, y + 0.3 * size] : [x0, y, x0 + w, y + 1.3 * size];
    this.view.textBoxes.push(box);
    this.notes.push({ text: text, box: box });
  };

  // A click in the panel of a profile without contours (the profile kind): the point of the slice below it
  // (null elsewhere, and where contours take the click).
  ProfileLayer.prototype.startAt = function (px, py) {
    if (!this.spec.panel || !this.shown || !this.ax.contains(px, py)) return null;
    var line = this.shown.line, u = this.ax.invX(px);
    return [line.o[0] + u * line.d[0], line.o[1] + u * line.d[1]];
  };

  // What the panel shows (window.optviz.state().layers.profile): each run's u and f, the slice and, when it
  // is live, the curve's y-limits.
  ProfileLayer.prototype.state = function () {
    var d = this.shown;
    return {
      origin: d.line.o, direction: d.line.d,
      ylim: d.curve ? [d.curve.lo, d.curve.hi] : null, title: (this.fitted || this.title(d)).join("\n"), notes: this.notes, edges: this.edges,
      yticks: d.curve ? this.yticks : null,
      runs: d.runs.map(function (b) { return { u: b.u, f: b.f }; }),
    };
  };

  root.OptvizLayers = root.OptvizLayers || {};
  root.OptvizLayers.profile = ProfileLayer;
})(typeof globalThis !== "undefined" ? globalThis : this);
