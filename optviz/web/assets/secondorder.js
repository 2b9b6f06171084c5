// The live part of the second_order kind (optviz.figures.second_order; read by optviz.web.second_order_layer):
// on the paths, an L-BFGS run's way through its inner iterates (optviz.plot.inner.route, handed to the view),
// their rings (plot.inner_iterates) and Newton's squares where it stepped from an indefinite Hessian
// (plot.indefinite_steps); the cost panel: each run's loss against the loss-and-gradient evaluations made to
// reach each iterate (metrics.evaluations_used), a dot per step, on matplotlib's symlog x axis and log y axis
// (their ticks as its SymmetricalLogLocator, LogLocator and LogFormatterSciNotation place and write them), the
// floor at FLOOR of the highest start with a triangle where a run leaves through it, and the dotted line and
// "NAME: at a saddle" of a Newton run that converged where its Hessian is indefinite.
/* eslint-disable no-var */
(function (root) {
  "use strict";
  var P = root.OptvizPage, R = root.OptvizRuns;

  function SecondOrderLayer(view, spec, surface, data, page) {
    this.view = view;
    this.spec = spec;
    this.data = data;
    this.page = page;
    this.ax = new P.Axes(spec.axes);
    this.routes = new WeakMap();
    var self = this;
    view.route = function (res) { return self.route(res); };
    view.afterPaths = function (ctx, items) { self.drawRings(ctx, items); };
    view.afterStarts = function (ctx, items) { self.drawSquares(ctx, items); };
    view.markShapes = function (items, clip) { return self.shapes(items, clip); };
  }

  // The rings and squares of the whole runs (to their stop steps), as the minima's labels keep off them
  // (labels.js's shapes: flat pixel points and a radius, half the marker's size: placement._line_shape).
  SecondOrderLayer.prototype.shapes = function (items, clip) {
    var self = this, ax = this.view.ax, lw = this.view.lw(), out = [];
    items.forEach(function (it) {
      var flat = function (pts) {
        var a = [];
        pts.forEach(function (p) { a.push(ax.X(p[0]), ax.Y(p[1])); });
        return a;
      };
      var rings = self.rings(it, it.result.stopStep), squares = self.squares(it, it.result.stopStep);
      if (rings.length) out.push({ markers: flat(rings), radius: 1.9 * lw / 2, clip: clip });
      if (squares.length) out.push({ markers: flat(squares), radius: 3.4 * lw / 2, clip: clip });
    });
    return out;
  };

  // -- the paths -------------------------------------------------------------------------------------------
  // optviz.plot.inner.route: the start, then each step's inner iterates (the last of a step is its iterate,
  // added where the inner loop stopped before moving), up to the stop step; ends[k]: iterate k's index.
  // In pixels, worked out once per result. Null for a run without inner iterates (straight).
  SecondOrderLayer.prototype.route = function (res) {
    var inner = res.state.inner;
    if (!inner) return null;
    var way = this.routes.get(res);
    if (way) return way;
    var ax = this.view.ax, xy = res.xy, pts = [xy[0], xy[1]], ends = [0], stop = res.stopStep;
    for (var k = 1; k <= stop; k++) {
      var step = inner[k], n = 0, lastX = NaN, lastY = NaN;
      for (var j = 0; j + 1 < step.length; j += 2) {
        if (!(isFinite(step[j]) && isFinite(step[j + 1]))) continue;
        pts.push(step[j], step[j + 1]);
        lastX = step[j]; lastY = step[j + 1]; n++;
      }
      if (!n || lastX !== xy[2 * k] || lastY !== xy[2 * k + 1]) pts.push(xy[2 * k], xy[2 * k + 1]);
      ends.push(pts.length / 2 - 1);
    }
    var px = new Float64Array(pts.length);
    for (var i = 0; i < pts.length; i += 2) { px[i] = ax.X(pts[i]); px[i + 1] = ax.Y(pts[i + 1]); }
    way = { px: px, ends: ends, points: pts };
    this.routes.set(res, way);
    return way;
  };

  // Each L-BFGS step's inner iterates but its last (the iterate), as rings, from that step on
  // (plot.inner_iterates: markersize 1.9 line widths, white, the run's colour at 0.45 of a line width).
  // (upTo: the last step whose rings are shown; default: the step the view shows)
  SecondOrderLayer.prototype.rings = function (it, upTo) {
    var res = it.result, inner = res.state.inner, out = [];
    if (!inner) return out;
    var last = upTo === undefined ? this.view.last(res) : upTo;
    for (var k = 1; k <= last; k++) {
      var step = inner[k], finite = [];
      for (var j = 0; j + 1 < step.length; j += 2) if (isFinite(step[j]) && isFinite(step[j + 1])) finite.push([step[j], step[j + 1]]);
      out = out.concat(finite.slice(0, -1));
    }
    return out;
  };

  SecondOrderLayer.prototype.drawRings = function (ctx, items) {
    var self = this, lw = this.view.lw(), ax = this.view.ax;
    ctx.save();
    ax.clip(ctx);
    items.forEach(function (it) {
      self.rings(it).forEach(function (p) { P.marker(ctx, "o", ax.X(p[0]), ax.Y(p[1]), 1.9 * lw, "#ffffff", it.color, 0.45 * lw); });
    });
    ctx.restore();
  };

  // The iterates k < stop (shown up to the current step) from which a Newton step left with an indefinite
  // H + damping I (Trajectory.indefinite; plot.indefinite_steps: a hollow square of 3.4 line widths, its edge
  // 0.6 of one).
  SecondOrderLayer.prototype.squares = function (it, upTo) {
    var res = it.result, flags = res.rule === "newton" ? res.state.indefinite : null, out = [];
    if (!flags) return out;
    var last = Math.min(upTo === undefined ? this.view.k : upTo, res.stopStep - 1);
    for (var k = 0; k <= last; k++) if (flags[k]) out.push([res.xy[2 * k], res.xy[2 * k + 1]]);
    return out;
  };

  SecondOrderLayer.prototype.drawSquares = function (ctx, items) {
    var self = this, lw = this.view.lw(), ax = this.view.ax;
    ctx.save();
    ax.clip(ctx);
    items.forEach(function (it) {
      self.squares(it).forEach(function (p) { P.marker(ctx, "s", ax.X(p[0]), ax.Y(p[1]), 3.4 * lw, "none", it.color, 0.6 * lw); });
    });
    ctx.restore();
  };

  // -- the cost panel --------------------------------------------------------------------------------------
  // matplotlib's SymmetricalLogTransform (its base, linthresh and linscale).
  function symlog(s) {
    var adj = s.linscale / (1 - 1 / s.base), logb = Math.log(s.base);
    return {
      T: function (x) {
        var a = Math.abs(x);
        return a <= s.linthresh ? x * adj : Math.sign(x) * s.linthresh * (adj + Math.log(a / s.linthresh) / logb);
      },
      inv: function (u) {
        var a = Math.abs(u), lin = s.linthresh * adj;
        return a <= lin ? u / adj : Math.sign(u) * s.linthresh * Math.pow(s.base, a / s.linthresh - adj);
      },
    };
  }

  // matplotlib's SymmetricalLogLocator (numticks 15, subs [1]) on a view from vmin >= 0: 0 where the linear
  // part is in view, then decades, every stride-th. (A view inside the linear part: its ends and 0.)
  function symlogTicks(vmin, vmax, s) {
    var t = s.linthresh, b = s.base;
    if (-t <= vmin && vmin < vmax && vmax <= t) return [vmin, 0, vmax].filter(function (v, i, a) { return a.indexOf(v) === i; }).sort(function (p, q) { return p - q; });
    var hasC = vmax > t, hasB = hasC && vmin < t, out = [];
    var lo = Math.floor(Math.log(Math.max(t, vmin)) / Math.log(b)), hi = Math.ceil(Math.log(vmax + 1) / Math.log(b));
    var total = (hi - lo) + (hasB ? 1 : 0), stride = Math.max(Math.floor(total / 14), 1);
    if (hasB) out.push(0);
    for (var e = lo; e < hi; e += stride) out.push(Math.pow(b, e));
    return out;
  }

  // LogFormatterSciNotation's label on a symlog axis: "0", a decade as 10 to its power, else a mantissa.
  function symlogLabel(v, base) {
    if (v === 0) return { text: "0" };
    var fx = Math.log(Math.abs(v)) / Math.log(base), r = Math.round(fx);
    if (Math.abs(fx - r) < 1e-10) return { base: String(base), exp: String(r).replace("-", "\u2212") };
    return { text: P.fmtG(v, 3) };
  }

  // What the panel plots for a run up to its stop step (optviz.plot.loss_values, by the kind's choice:
  // optviz.web.static.loss_quantity), and where: the evaluations made before each iterate.
  SecondOrderLayer.prototype.curve = function (res) {
    var L = this.spec.loss, n = res.stopStep + 1, x = new Float64Array(n), y = new Float64Array(n);
    var evals = res.state.func_evals, p = this.view.drawnPoints(res);
    for (var j = 0; j < n; j++) {
      x[j] = evals ? evals[j] : j;
      var f = res.loss[j];
      if (L.kind === "gap") f = f - L.fmin;
      else if (L.kind === "distance") f = Math.hypot(p[2 * j] - L.minimum[0], p[2 * j + 1] - L.minimum[1]);
      y[j] = f;
    }
    return { x: x, y: y };
  };

  // The first iterate of a curve below the floor ({step, x}, or null) and where the straight segment into it
  // (straight on the axes' scales: symlog x, log y) meets the floor: second_order._floor and _crossing.
  function crossing(c, floor, S) {
    var i = -1;
    for (var j = 0; j < c.y.length; j++) if (c.y[j] < floor) { i = j; break; }
    if (i < 0) return null;
    var x = c.x[i];
    if (i > 0 && isFinite(c.y[i - 1]) && c.y[i - 1] > 0) {
      var a0 = S.T(c.x[i - 1]), a1 = S.T(c.x[i]), w0 = Math.log10(c.y[i - 1]), w1 = Math.log10(Math.max(c.y[i], 1e-300));
      var wf = Math.log10(floor), t = w1 !== w0 ? (wf - w0) / (w1 - w0) : 1;
      x = S.inv(a0 + t * (a1 - a0));
    }
    return { step: i, x: x };
  }

  // The x tick labels: centred under their ticks, a decade as 10 and its raised exponent (mathtext's).
  function xLabel(ctx, lab, x, top, size, color) {
    if (lab.text !== undefined) {
      P.text(ctx, lab.text, x, top, { size: size, align: "center", baseline: "top", color: color });
      return;
    }
    var small = 0.7 * size, w1 = R.measure(ctx, lab.base, size), w2 = R.measure(ctx, lab.exp, small);
    var left = x - (w1 + w2) / 2, base = top + 0.94 * size + 0.05 * size;
    P.text(ctx, lab.base, left, base, { size: size, align: "left", baseline: "alphabetic", color: color });
    P.text(ctx, lab.exp, left + w1, base - 0.45 * size, { size: small, align: "left", baseline: "alphabetic", color: color });
  }

  SecondOrderLayer.prototype.draw = function (ctx, items, k) {
    var s = this.spec, g = this.ax.g, view = this.view, self = this, lw = view.lw();
    var curves = items.map(function (it) { return self.curve(it.result); });
    // the limits, as matplotlib autoscales them (the data's range, 5% margins in the scales' spaces), x from 0
    var S = symlog(s.symlog), xmax = 0, values = [];
    curves.forEach(function (c) {
      for (var j = 0; j < c.x.length; j++) {
        xmax = Math.max(xmax, c.x[j]);
        if (c.y[j] > 0 && isFinite(c.y[j])) values.push(c.y[j]);
      }
    });
    var ys = R.lossLimits(values, true), floor = null;
    // second_order's floor: FLOOR of the highest start, where a run goes lower (not on a plain loss)
    var starts = curves.map(function (c) { return c.y[0]; }).filter(function (v) { return v === v; });
    var high = starts.length ? Math.max.apply(null, starts) : 0;
    if (s.floor !== null && high > 0 && ys[0] < s.floor * high) { floor = s.floor * high; ys = [floor, ys[1]]; }
    // where each run first goes below the floor: its index and the x of its triangle
    var below = curves.map(function (c) { return floor === null ? null : crossing(c, floor, S); });
    // matplotlib autoscaled x while the axis was linear (5% margins); the symlog scale, set afterwards, does
    // not autoscale again: only a floor mark plotted after it does (its margins then in symlog space)
    var marked = below.some(function (b) { return b !== null; });
    var xs = [0, !(xmax > 0) ? 1 : marked ? S.inv(1.05 * S.T(xmax)) : 1.05 * xmax];
    var u0 = S.T(xs[0]), u1 = S.T(xs[1]);
    var X = function (v) { return g.left + (S.T(v) - u0) / (u1 - u0) * g.width; };
    var ly0 = Math.log10(ys[0]), ly1 = Math.log10(ys[1]);
    var Y = function (v) { return g.top + g.height - (Math.log10(v) - ly0) / (ly1 - ly0) * g.height; };
    // ticks and grid (the grid under the curves)
    var lt = R.logTicks(ys[0], ys[1], s.ybins), yticks = lt.major, minor = lt.minor;
    var xticks = symlogTicks(xs[0], xs[1], s.symlog).filter(function (v) { return v >= xs[0] - 1e-10 * xs[1] && v <= xs[1] * (1 + 1e-10); });
    var yfont = view.moveYLabel(ctx, g, yticks.concat(minor), true, s);
    ctx.save();
    ctx.strokeStyle = s.gridcolor;
    ctx.lineWidth = s.gridwidth;
    xticks.forEach(function (v) { R.line(ctx, X(v), g.top, X(v), g.top + g.height); });
    ctx.restore();
    R.drawTicks(ctx, g, X, Y, [], yticks, s, { grid: true, minor: minor, log: true, yfont: yfont });
    ctx.save();
    ctx.strokeStyle = s.tickcolor;
    ctx.lineWidth = s.tickwidth;
    var L = s.ticklength, bottom = g.top + g.height;
    xticks.forEach(function (v) {
      R.line(ctx, X(v), bottom, X(v), bottom + L);
      xLabel(ctx, symlogLabel(v, s.symlog.base), X(v), bottom + L + 0.35 * s.tickfont, s.tickfont, s.ticklabelcolor);
    });
    ctx.restore();
    // the curves up to the current step, a dot per iterate; the cross where a run ended early
    ctx.save();
    this.ax.clip(ctx);
    var shown = [], crosses = [];
    items.forEach(function (it, n) {
      var c = curves[n], last = Math.min(k, it.result.stopStep), pts = [], all = [];
      var style = Object.assign({}, s.line, { color: it.color });
      for (var j = 0; j <= last; j++) {
        if (!(c.y[j] > 0 && isFinite(c.y[j]))) { P.polyline(ctx, pts, style); pts = []; continue; }
        pts.push([X(c.x[j]), Y(c.y[j])]);
        all.push(pts[pts.length - 1]);
      }
      P.polyline(ctx, pts, style);
      all.forEach(function (p) { P.marker(ctx, "o", p[0], p[1], s.line.markersize, it.color, it.color, s.line.markeredgewidth); });
      shown.push({ x: Array.from(c.x.subarray(0, last + 1)), y: Array.from(c.y.subarray(0, last + 1)) });
      if (R.endedEarly(it.result) && k > it.result.stopStep && all.length) {
        var e = all[all.length - 1];
        P.marker(ctx, "X", e[0], e[1], 4 * lw, it.color, "#000000", 0.4 * lw);
        crosses.push([c.x[last], c.y[last]]);
      }
    });
    // a Newton run that converged where its Hessian is indefinite: a dotted line from its last dot to the right
    // edge, and its note there (from its stop step on)
    var notes = [], size = s.noteSize || view.styles.fontsize;
    items.forEach(function (it, n) {
      var res = it.result, c = curves[n], stop = res.stopStep, v = c.y[stop];
      if (res.rule !== "newton" || res.status !== "converged" || !res.state.indefinite[stop] || k < stop) return;
      if (!(v > 0 && isFinite(v))) return;
      ctx.save();
      ctx.strokeStyle = it.color;
      ctx.lineWidth = 0.8 * lw;
      ctx.setLineDash([1 * 0.8 * lw, 1.65 * 0.8 * lw]); // matplotlib's ":" (lines.dotted_pattern) at its width
      R.line(ctx, X(c.x[stop]), Y(v), g.left + g.width, Y(v));
      ctx.restore();
      notes.push({ text: self.page.label(self.page.runs[it.index]) + ": at a saddle", color: it.color, x: xs[1], y: v });
    });
    ctx.restore();
    var drawn = notes.map(function (nt) {
      var right = g.left + g.width - 0.3 * size, base = Y(nt.y) - 0.3 * size;
      var w = R.measure(ctx, nt.text, size, "bold");
      P.text(ctx, nt.text, right, base, { size: size, color: nt.color, weight: "bold", align: "right", baseline: "bottom" });
      var box = [right - w, base - 1.17 * size, right, base];
      view.textBoxes.push(box);
      return { text: nt.text, xy: [nt.x, nt.y], box: box };
    });
    // the triangle where a run first goes below the floor, on its drawn segment (second_order._crossing),
    // from that iterate on; not clipped (it sits on the axes' edge)
    var marks = items.map(function (it, n) {
      var b = below[n];
      if (b === null || k < b.step) return null;
      P.marker(ctx, "v", X(b.x), Y(floor), 3.2 * lw, it.color, "#ffffff", 0.4 * lw);
      return [b.x, floor];
    });
    this.drawn = { lines: shown, xlim: xs, ylim: ys, xticks: xticks, yticks: yticks.map(function (t) { return t.value; }), below: marks, notes: drawn, crosses: crosses };
  };

  // What the layer shows (window.optviz.state().layers.secondorder), in data coordinates.
  SecondOrderLayer.prototype.state = function () {
    var self = this, items = this.view.drawn, d = this.drawn;
    return {
      lines: d.lines, xlim: d.xlim, ylim: d.ylim, xticks: d.xticks, yticks: d.yticks, below: d.below, crosses: d.crosses,
      notes: d.notes.map(function (n) { return { text: n.text, xy: n.xy }; }),
      rings: items.map(function (it) { return self.rings(it); }),
      squares: items.map(function (it) { return self.squares(it); }),
      routes: items.map(function (it) {
        var way = self.route(it.result);
        return way ? way.points.slice(0, 2 * (way.ends[self.view.last(it.result)] + 1)) : null;
      }),
    };
  };

  root.OptvizLayers = root.OptvizLayers || {};
  root.OptvizLayers.secondorder = SecondOrderLayer;
})(typeof globalThis !== "undefined" ? globalThis : this);
