// What every page with runs shares (the explorer, a scenario's page): the runs computed by OptvizEngine
// (optviz.run's numbers), each recomputed only when its own inputs change, drawn live over the static image
// in the styles of optviz's figures (paths, markers, divergence marks, exit and step arrows, update arrows,
// the loss panel with its ticks, the legends, labels placed off the paths), stepping, readouts and the
// parts of window.optviz that do not depend on the page's controls.
/* eslint-disable no-var */
(function (root) {
  "use strict";
  var P = root.OptvizPage, E = root.OptvizEngine;

  function copy(x) { return JSON.parse(JSON.stringify(x)); }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  // -- legends: "Momentum (lr=0.02, ρ=0.9)", as optviz._format.legend writes them -------------------------
  // `info`: the rule's defaults (constructor order) and the keys legends always show. A custom label is
  // shown as written while its run keeps the hyperparameters it was given (`given`); changed, they follow it.
  // optviz._format.legend; `schedule` (a scheduled run): {legend, skip}, its text after the rule's, and
  // the hyperparameters it sets itself (OneCycleLR's lr and momentum), which the rule's part leaves out.
  function legendText(info, label, params, names, custom, given, schedule) {
    if (custom && (given === undefined || same(params, given))) return label;
    var parts = [], skip = schedule ? schedule.skip : [];
    info.defaults.forEach(function (kv) {
      var key = kv[0], def = kv[1];
      if (!(key in params) || skip.indexOf(key) >= 0) return;
      if (params[key] === null && def === null) return; // a None left at its default (no required value is None)
      if (info.legendKeys.indexOf(key) >= 0 || def === null || !same(params[key], def)) {
        var words = info.valueOnly && info.valueOnly[key];
        if (words) parts.push(words[params[key]] || String(params[key]));
        else parts.push((names[key] || key) + "=" + P.formatNumber(params[key]));
      }
    });
    var text = parts.length ? label + " (" + parts.join(", ") + ")" : label;
    return schedule && !custom ? text + ", " + schedule.legend : text;
  }

  // -- ticks like matplotlib's: nice linear steps, decades on log axes --------------------------------------
  // `bins`: matplotlib's own bin count for the axis (Axis.get_tick_space), where the page knows it.
  function linearTicks(lo, hi, lengthPx, fontPx, bins) {
    var n = bins ? Math.max(1, Math.min(9, bins)) : Math.max(3, Math.min(9, Math.floor(lengthPx / (3.2 * fontPx))));
    var raw = (hi - lo) / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var steps = [1, 2, 2.5, 5, 10], step = 10 * mag;
    for (var i = 0; i < steps.length; i++) if (steps[i] * mag >= raw) { step = steps[i] * mag; break; }
    var ticks = [], first = Math.ceil(lo / step - 1e-9);
    for (var t = first; t * step <= hi + 1e-9 * step; t++) ticks.push(t * step);
    var decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (String(step / mag).indexOf(".") >= 0 ? 1 : 0));
    return ticks.map(function (v) {
      var big = Math.max(Math.abs(lo), Math.abs(hi));
      var text = big >= 1e5 || (big < 1e-3 && big > 0) ? P.fmtG(v, 3) : v.toFixed(Math.min(decimals, 10));
      return { value: v, text: text.replace("-", "\u2212") };
    });
  }

  // -- log axes: matplotlib's (3.11) LogLocator, major (decades) and minor (subs="auto"), and its
  // LogFormatterSciNotation, with their defaults, ported step by step so the page's ticks are the PNG's for
  // any limits. `bins`: the axis' tick space (Axis.get_tick_space), which matplotlib clips to [2, 9] for its
  // numticks="auto". Returns {major, minor}: ticks {value, label} in the view, label {mant, exp} ("2×10⁻¹":
  // mant "2"; a decade: mant null) or null where matplotlib writes none. (Limits outside float64's positive
  // range, lo = 0 from an underflow, have no decades: no ticks, rather than a loop that never ends.)
  function logTicks(lo, hi, bins) {
    var efmin = Math.log10(lo), efmax = Math.log10(hi);
    if (!(isFinite(efmin) && isFinite(efmax)) || !(efmax > efmin)) return { major: [], minor: [] };
    var want = Math.max(2, Math.min(9, bins === undefined ? 9 : bins)); // (9 on no axis, as matplotlib's)
    var emin = Math.ceil(efmin), emax = Math.floor(efmax), avail = emax - emin + 1;
    // the largest count of decades, no more than asked, that some stride gives; then the largest stride
    // giving it, at multiples of the stride where it can (one tick outside either end, as matplotlib's)
    var stride = Math.floor(avail / (want + 1)) + 1, nr = Math.ceil(avail / stride), decades = [];
    if (nr <= want) want = nr;
    if (want === 0) { // no decade in the view
      decades = [emin - 1, emax + 1];
      stride = 1;
    } else if (want === 1) {
      var mid = pyRound((efmin + efmax) / 2);
      stride = Math.max(mid - (emin - 1), emax + 1 - mid);
      decades = [mid - stride, mid, mid + stride];
    } else {
      stride = Math.floor((avail - 1) / (want - 1));
      if (stride < avail / want) stride = Math.floor(avail / want);
      var olo = Math.max(avail - stride * want, 0), ohi = Math.min(avail - stride * (want - 1), stride);
      var offset = (((-emin) % stride) + stride) % stride;
      if (!(olo <= offset && offset < ohi)) offset = olo;
      for (var e = emin + offset - stride; e < emax + stride + 1; e += stride) decades.push(e);
    }
    var major = decades.map(function (e) { return Math.pow(10, e); }), minor = [];
    // minor ticks at 2..9 x 10^d under ten decades and one decade per major tick; where they and the
    // decades leave at most one tick in the view, matplotlib's linear AutoLocator places them instead
    if (avail < 10) {
      if (stride === 1 || avail <= 1) {
        for (var d = emin - 1; d <= emax; d++) for (var m = 2; m < 10; m++) minor.push(m * Math.pow(10, d));
      }
      var seen = minor.filter(function (v) { return lo <= v && v <= hi; }).length;
      if (stride === 1 && decades.length - 2 + seen <= 1) minor = autoTicks(lo, hi);
    }
    // a minor tick on a major one is dropped (Axis.get_minorticklocs); ticks within 1e-10 of the view's
    // span outside it are drawn (Axis._update_ticks)
    var span = efmax - efmin, logs = major.map(Math.log10);
    minor = minor.filter(function (v) {
      var u = Math.log10(v);
      return !logs.some(function (w) { return Math.abs(u - w) <= span * 1e-5; });
    });
    var shown = function (v) { var u = Math.log10(v); return u >= efmin - 1e-10 * span && u <= efmax + 1e-10 * span; };
    var sub = logSublabels(lo, hi), tick = function (v) { return { value: v, label: logLabel(v, sub) }; };
    return { major: major.filter(shown).map(tick), minor: minor.filter(shown).map(tick) };
  }

  // Python's round(): halves to even.
  function pyRound(x) {
    var r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }
  function isClose(a, b) { return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)); } // math.isclose

  // LogFormatter.set_locs (minor_thresholds (1, 0.4)): which mantissas are labelled, from the view. Over one
  // decade boundary crossed, only decades; over 0.4 decades, 1, 2, 3, 4, 6 (log-spaced); else all. (As
  // matplotlib: log(x)/log(10), whose float error at a decade counts 0.001 as not crossing 10^-3.)
  function logSublabels(lo, hi) {
    var lmin = Math.log(lo) / Math.log(10), lmax = Math.log(hi) / Math.log(10);
    var crossed = Math.floor(lmax) - (Number.isInteger(lmin) ? lmin - 1 : Math.floor(lmin));
    if (crossed > 1) return [1];
    if (Math.abs(lmax - lmin) > 0.4) return [1, 2, 3, 4, 6, 10];
    return [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  }

  // LogFormatterSciNotation's label of `x`: {mant, exp} ("$\mathdefault{2\times10^{-1}}$": mant "2", exp -1;
  // a decade: mant null), or null where its mantissa (rounded) is not in `sub`.
  function logLabel(x, sub) {
    var fx = Math.log(x) / Math.log(10), r = pyRound(fx), decade = isClose(fx, r);
    var exp = decade ? r : Math.floor(fx);
    if (sub.indexOf(pyRound(Math.pow(10, fx - exp))) < 0) return null;
    if (decade) return { mant: null, exp: r };
    var c = Math.pow(10, fx - exp);
    if (isClose(c, pyRound(c))) c = pyRound(c);
    return { mant: P.fmtG(c, 6), exp: exp };
  }

  // Python's divmod of floats (numpy's floor_divide and remainder alike).
  function divmod(x, y) {
    var mod = x % y, div = (x - mod) / y;
    if (mod) {
      if (y < 0 !== mod < 0) { mod += y; div -= 1; }
    }
    var fl = div ? Math.floor(div) : 0;
    if (div && div - fl > 0.5) fl += 1;
    return [fl, mod];
  }

  // matplotlib's AutoLocator().tick_values(vmin, vmax) as LogLocator calls it, on no axis: MaxNLocator with
  // nine bins and steps 1, 2, 2.5, 5, 10 (ticks one beyond either end included).
  var STAIRCASE = [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20];
  function autoTicks(vmin, vmax) {
    var nbins = 9, dv = Math.abs(vmax - vmin), meanv = (vmax + vmin) / 2, offset = 0;
    if (Math.abs(meanv) / dv >= 100) offset = (meanv < 0 ? -1 : 1) * Math.pow(10, Math.floor(Math.log10(Math.abs(meanv))));
    var scale = Math.pow(10, Math.floor(Math.log10(dv / nbins)));
    var a = vmin - offset, b = vmax - offset, raw = (b - a) / nbins;
    var steps = STAIRCASE.map(function (s) { return s * scale; }), istep = steps.length - 1;
    for (var i = 0; i < steps.length; i++) if (steps[i] >= raw) { istep = i; break; }
    var ticks = [];
    for (i = istep; i >= 0; i--) {
      var step = steps[i], best = divmod(a, step)[0] * step;
      // (_Edge_integer: more slop where the offset is large next to the step)
      var tol = offset ? Math.min(0.4999, Math.max(1e-10, Math.pow(10, Math.log10(Math.abs(offset) / step) - 12))) : 1e-10;
      var dl = divmod(a - best, step), dh = divmod(b - best, step);
      var low = Math.abs(dl[1] / step - 1) < tol ? dl[0] + 1 : dl[0];
      var high = Math.abs(dh[1] / step) < tol ? dh[0] : dh[0] + 1;
      ticks = [];
      for (var n = low; n <= high; n++) ticks.push(n * step + best);
      if (ticks.filter(function (t) { return t >= a && t <= b; }).length >= 2) break;
    }
    return ticks.map(function (t) { return t + offset; });
  }

  // The loss panel's y limits for the values it plots, as matplotlib autoscales them: the data's range and 5%
  // margins (in log space on a log axis). On a log axis the limits stay inside float64's positive range: a run
  // that converges to a loss of 1e-320 (Newton with damping on a quadratic) has a lower margin that would
  // underflow to 0.
  var LOG_MIN = Math.log10(Number.MIN_VALUE), LOG_MAX = Math.log10(Number.MAX_VALUE);
  function lossLimits(values, log) {
    var a = Infinity, b = -Infinity;
    for (var i = 0; i < values.length; i++) { a = Math.min(a, values[i]); b = Math.max(b, values[i]); }
    if (log) {
      if (!values.length) { a = 1e-12; b = 1; }
      a = Math.log10(a);
      b = Math.log10(b);
      if (b - a < 1e-12) { a -= 1; b += 1; }
      var la = Math.max(a - 0.05 * (b - a), LOG_MIN), lb = Math.min(b + 0.05 * (b - a), LOG_MAX);
      return [Math.max(Math.pow(10, la), Number.MIN_VALUE), Math.min(Math.pow(10, lb), Number.MAX_VALUE)];
    }
    if (!values.length) { a = 0; b = 1; }
    if (b - a < 1e-300) { a -= 1; b += 1; }
    return [a - 0.05 * (b - a), b + 0.05 * (b - a)];
  }

  // optviz.plot.common.ended_early: how a run that stopped early without converging is marked ("diverged at
  // step k", k its first bad iterate; "singular Hessian at step k", Newton at the iterate it could not step
  // from), or null.
  function endedEarly(res) {
    if (res.status === "diverged") return "diverged at step " + (res.stopStep + 1);
    if (res.status === "singular") return "singular Hessian at step " + res.stopStep;
    return null;
  }

  function line(ctx, x0, y0, x1, y1) {
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
  }

  function measure(ctx, str, size, weight) {
    ctx.save();
    ctx.font = (weight || "normal") + " " + size + 'px "DejaVu Sans", Verdana, sans-serif';
    var w = ctx.measureText(str).width;
    ctx.restore();
    return w;
  }

  // Does the segment (x0, y0)-(x1, y1) cross the box [l, t, r, b]? (Liang-Barsky clipping; no arrays made:
  // a divergence note's placement asks it for every segment of every run at each of its 64 places.)
  function crosses(x0, y0, x1, y1, box) {
    var dx = x1 - x0, dy = y1 - y0;
    CLIP[0] = 0;
    CLIP[1] = 1;
    return clipEdge(-dx, x0 - box[0]) && clipEdge(dx, box[2] - x0) && clipEdge(-dy, y0 - box[1]) && clipEdge(dy, box[3] - y0);
  }
  var CLIP = new Float64Array(2); // [t0, t1]: the part of the segment inside the edges tested so far
  function clipEdge(p, q) {
    if (p === 0) return !(q < 0);
    var r = q / p;
    if (p < 0) { if (r > CLIP[1]) return false; if (r > CLIP[0]) CLIP[0] = r; } else { if (r < CLIP[0]) return false; if (r < CLIP[1]) CLIP[1] = r; }
    return true;
  }
  function overlap(a, b) {
    return Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])) * Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  }

  // A log tick's label as matplotlib's mathtext sets "$\\mathdefault{2\\times10^{-1}}$": the mantissa, the
  // times sign between spaces of 0.2 of an "m" (a binary operator's), 10 and the exponent at 0.7 of the size,
  // raised. Drawn right-aligned at x (measure: draw false); returns its width. matplotlib centres a y tick
  // label on its tick by half its height above the baseline (va="center_baseline"), which the raised exponent
  // makes 0.94 of the size (mathtext's box, DejaVu Sans): the baseline is 0.47 of the size below the tick.
  function logLabelText(ctx, label, x, y, size, color, draw) {
    var base = y + 0.47 * size, exp = String(label.exp).replace("-", "\u2212");
    var parts = [[exp, 0.7 * size, base - 0.45 * size], ["10", size, base]];
    if (label.mant !== null) {
      var gap = 0.2 * measure(ctx, "m", size);
      parts.push([gap], ["\u00d7", size, base], [gap], [label.mant.replace("-", "\u2212"), size, base]);
    }
    var right = x;
    parts.forEach(function (p) {
      if (p.length === 1) { right -= p[0]; return; }
      if (draw) P.text(ctx, p[0], right, p[2], { size: p[1], align: "right", baseline: "alphabetic", color: color });
      right -= measure(ctx, p[0], p[1]);
    });
    return x - right;
  }

  // Ticks outside an axes' frame, like matplotlib's: marks, labels ({value, text}, or on a log axis {value,
  // label}: logTicks' ticks), minor marks (with their labels on a log axis), and with opts.grid the grid under
  // the data. `X`, `Y` map values to pixels; `st`: the tick styles (optviz.web.static.tick_styles). Either list
  // may be empty (that axis static).
  function drawTicks(ctx, g, X, Y, xticks, yticks, st, opts) {
    opts = opts || {};
    if (opts.grid) {
      ctx.save();
      ctx.strokeStyle = st.gridcolor;
      ctx.lineWidth = st.gridwidth;
      xticks.forEach(function (t) { line(ctx, X(t.value), g.top, X(t.value), g.top + g.height); });
      yticks.forEach(function (t) { line(ctx, g.left, Y(t.value), g.left + g.width, Y(t.value)); });
      ctx.restore();
    }
    ctx.save();
    ctx.strokeStyle = st.tickcolor;
    ctx.lineWidth = st.tickwidth;
    var L = st.ticklength, font = st.tickfont, pad = 0.35 * font, color = st.ticklabelcolor;
    var yfont = opts.yfont || font; // (smaller where the page's y labels would cover a static y label)
    xticks.forEach(function (t) {
      line(ctx, X(t.value), g.top + g.height, X(t.value), g.top + g.height + L);
      P.text(ctx, t.text, X(t.value), g.top + g.height + L + pad, { size: font, align: "center", baseline: "top", color: color });
    });
    yticks.forEach(function (t) {
      line(ctx, g.left - L, Y(t.value), g.left, Y(t.value));
      if (opts.log) {
        if (t.label) logLabelText(ctx, t.label, g.left - L - pad, Y(t.value), yfont, color, true);
      } else {
        P.text(ctx, t.text, g.left - L - pad, Y(t.value), { size: yfont, align: "right", baseline: "middle", color: color });
      }
    });
    ctx.lineWidth = 0.6 * st.tickwidth;
    (opts.minor || []).forEach(function (t) {
      line(ctx, g.left - 0.5 * L, Y(t.value), g.left, Y(t.value));
      // (matplotlib's minor labels sit beside their shorter marks, at its minor pad, 3.4 points to 3.5)
      if (t.label) logLabelText(ctx, t.label, g.left - 0.5 * L - pad, Y(t.value), yfont, color, true);
    });
    ctx.restore();
  }

  // -- the figure: the static image with the live layer drawn over it -------------------------------------
  // spec: {width, height, image, paths: axes, loss: axes or absent, legends: [...]}; styles: the live
  // artists' styles in pixels; loss: {kind: "loss" | "gap" | "distance", fmin, minimum} or null.
  // figure: the P.Figure a View shares with the other panels' Views (a figure of several panels: the page
  // clears it once and each View draws its panel; spec.id names its legends apart); by default its own.
  function View(container, spec, styles, loss, figure) {
    this.spec = spec;
    this.styles = styles;
    this.loss = loss;
    this.shared = !!figure;
    this.figure = figure || new P.Figure(container, spec);
    this.ax = spec.paths ? new P.Axes(spec.paths) : null; // (none: a live layer is the data panel)
    this.lossAx = spec.loss ? new P.Axes(spec.loss) : null;
    this.container = container;
    this.legendBoxes = [];
    this.textBoxes = [];
    this.scale = 1;
    var self = this;
    root.addEventListener("resize", function () { self.fit(); });
  }

  // The figure scales down to the window's width (never up); a click is mapped back through the scale.
  View.prototype.fit = function () {
    var el = this.container, w = this.spec.width, wrap = el.parentNode;
    var z = Math.min(1, document.documentElement.clientWidth / w);
    this.scale = z;
    el.style.transformOrigin = "0 0";
    el.style.transform = z < 1 ? "scale(" + z + ")" : "";
    if (wrap && wrap.classList && wrap.classList.contains("figure-wrap")) {
      wrap.style.width = z * w + "px";
      wrap.style.height = z * (this.spec.height + parseFloat(el.style.marginBottom || "0")) + "px";
    }
  };

  // items: [{figure (the run's index in the drawn figure, or -1), color, legend (its text), result (E.run),
  // rule, params}], k: the step shown; opts: {stepArrows, updateArrows}.
  View.prototype.draw = function (items, k, opts) {
    var ctx = this.figure.ctx, self = this;
    this.k = k;
    this.drawn = items;
    this.textBoxes = [];
    // What a legend placed as matplotlib's loc="best" keeps off, per axes, as drawn now (pixels).
    this.live = { paths: { lines: [], boxes: [] }, loss: { lines: [], boxes: [] } };
    if (!this.shared) this.figure.clear();
    if (this.lossAx) this.drawLossPanel(ctx, items);
    this.labels = [];
    if (!this.ax) { // no panel of paths: only the legends
      if (this.drawLegends(items) || !this.fitted) this.fit();
      this.fitted = true;
      return;
    }
    // Stacked as matplotlib stacks them: longer paths below, overlapped ones wider (drawn bottom first).
    var stack = this.stacking(items);
    items = items.map(function (it, i) {
      return Object.assign(it, { layer: stack.layers[i], width: self.lw() * stack.widths[i] });
    });
    var stacked = items.slice().sort(function (a, b) { return a.layer - b.layer; });
    ctx.save();
    this.ax.clip(ctx);
    if (this.styles.samples) items.forEach(function (it) { self.drawSamples(ctx, it); });
    stacked.forEach(function (it) { self.drawPath(ctx, it); });
    if (opts.stepArrows) stacked.forEach(function (it) { self.drawStepArrows(ctx, it); });
    if (opts.updateArrows) stacked.forEach(function (it) { self.drawUpdate(ctx, it); });
    ctx.restore();
    // matplotlib's z-order: every path, then every step arrow, every start, every end, exit arrows last; a
    // live layer's marks between (`afterPaths`, `afterStarts`: second_order's rings and squares, at their zorder)
    if (this.afterPaths) this.afterPaths(ctx, items);
    stacked.forEach(function (it) { self.drawStart(ctx, it); });
    if (this.afterStarts) this.afterStarts(ctx, items);
    stacked.forEach(function (it) { self.drawEnd(ctx, it); });
    // The minima's and saddles' labels, placed around the paths now drawn, drawn under them (matplotlib's
    // zorder).
    this.drawLabels(ctx, items, !!opts.stepArrows);
    // Divergence notes last, each where it covers the fewest path segments and no other note.
    var placed = this.labels.map(function (l) { return l.box; });
    items.forEach(function (it) { self.drawNote(ctx, it, items, placed); });
    // (fitted again only when the legends change the figure's height: fit reads the window's layout)
    if (this.drawLegends(items) || !this.fitted) this.fit();
    this.fitted = true;
  };

  // The labels of the surface's minima and saddles (optviz.web.labels_layer), placed as matplotlib would
  // place them around the whole runs (their paths to their stop steps, as the PNG shows them: stepping does
  // not move them, as an animation's frames do not), and registered as live text. this.labels: [{text, spot
  // (its index: the label's spots, then the crowded view's), box, leader}].
  View.prototype.drawLabels = function (ctx, items, stepArrows) {
    var specs = this.spec.labels || [], L = root.OptvizLabels;
    this.labels = [];
    if (!specs.length || !L) return;
    var legends = this.provisionalLegends();
    var key = items.map(function (it) { return it.width; }).concat([stepArrows], legends), results = items.map(function (it) { return it.result; });
    var c = this.labelCache;
    if (!(c && same(c.key, key) && c.results.length === results.length && c.results.every(function (r, i) { return r === results[i]; }))) {
      c = this.labelCache = { key: key, results: results, placed: L.place(specs, this.labelShapes(items, stepArrows), legends) };
    }
    this.labels = c.placed;
    ctx.save();
    ctx.globalCompositeOperation = "destination-over"; // under the paths drawn already
    L.draw(ctx, P, specs, c.placed);
    ctx.restore();
    var self = this;
    c.placed.forEach(function (p) { self.textBoxes.push(p.box); self.live.paths.boxes.push(p.box); });
  };

  // Where a legend inside the paths' axes goes for the paths drawn now, before the labels and notes are
  // placed (they keep off it, as matplotlib's labels keep off its legend; the legend is then placed again,
  // off them): its size as last built (at first, matplotlib's).
  View.prototype.provisionalLegends = function () {
    var self = this, out = [];
    (this.spec.legends || []).forEach(function (lg, n) {
      if (!(lg.best && lg.axes === "paths")) return;
      var built = (self.legendCache || [])[n];
      var w = built ? built.w : lg.box[2] - lg.box[0], h = built ? built.h : lg.box[3] - lg.box[1];
      var at = self.bestPlace(lg, w, h);
      out.push([at[0], at[1], at[0] + w, at[1] + h]);
    });
    return out;
  };

  // What a label keeps off, as optviz.plot.placement.data_shapes sees the runs' artists at their last step
  // (pixels): each path with its dots, the start, the end (or the cross of a diverged run), the exit arrow
  // and the step arrows (their outlines as matplotlib's "-|>" patches: optviz.plot.trajectory's sizes).
  View.prototype.labelShapes = function (items, stepArrows) {
    var st = this.styles, g = this.ax.g, lw = this.lw(), self = this, out = [];
    var arrow = root.OptvizLabels.arrowOutline;
    var clip = [g.left, g.top, g.left + g.width, g.top + g.height];
    items.forEach(function (it) {
      var res = it.result, stop = res.stopStep, px = self.pixels(res).subarray(0, 2 * (stop + 1));
      var stride = Math.max(1, Math.ceil((stop + 1) / 60)), dots = [];
      for (var j = 0; j <= stop; j += stride) if (isFinite(px[2 * j]) && isFinite(px[2 * j + 1])) dots.push(px[2 * j], px[2 * j + 1]);
      // (a run whose path goes another way between its iterates: the line drawn, View.drawPath's)
      var way = self.route ? self.route(res) : null, drawn = way ? way.px.subarray(0, 2 * (way.ends[stop] + 1)) : px;
      out.push({ line: drawn, width: it.width / 2, markers: dots, radius: st.path.markersize / 2, clip: clip });
      out.push({ markers: [px[0], px[1]], radius: st.start.markersize / 2, clip: clip });
      var diverged = !!endedEarly(res), exit = self.exitPoint(res, stop), e = [px[2 * stop], px[2 * stop + 1]];
      if (!diverged) out.push({ markers: e, radius: 3.2 * it.width / 2, clip: clip });
      if (exit) out.push({ line: arrow(exit[2], exit[3], exit[0], exit[1], lw, 8 * lw), width: 0, clip: null });
      if (stepArrows) {
        for (var k = 0; k + 1 <= stop; k += stride) {
          var a = [px[2 * k], px[2 * k + 1]], b = [px[2 * k + 2], px[2 * k + 3]];
          if (a[0] === b[0] && a[1] === b[1]) continue;
          out.push({ line: arrow(a[0], a[1], b[0], b[1], 0.6 * lw, 4 * lw), width: 0, clip: null });
        }
      }
      if (diverged) out.push({ markers: exit ? [exit[0], exit[1]] : e, radius: 4.5 * lw / 2, clip: clip });
    });
    // a live layer's marks on the paths (second_order's rings and squares), as the same shapes
    return this.markShapes ? out.concat(this.markShapes(items, clip)) : out;
  };

  // The style's line width in pixels (optviz.plot.common.linewidth): a path's dots are 1.5 of it.
  View.prototype.lw = function () { return this.styles.path.markersize / 1.5; };

  // optviz.plot.trajectory.stacking over the runs' whole paths (to their stop steps), in the view as the
  // unit square: layers (0 at the bottom: the longest path) and widths (factors of the line width). Cached
  // until the runs change; each run's length and cells are cached with its result (a slider's move
  // recomputes some runs, not all).
  // (STRIPE, COINCIDING_STRIPE, COINCIDE, WIDEST, NOISY_COVERED: optviz.plot.trajectory's)
  var CELLS = 120, COVERED = 0.35, UNIT = [-1e-9, -1e-9, 1 + 1e-9, 1 + 1e-9];
  var STRIPE = 0.5, COINCIDING_STRIPE = 0.75, COINCIDE = 0.8, WIDEST = 3.25, NOISY_COVERED = 0.5;
  View.prototype.stacking = function (items) {
    var results = items.map(function (it) { return it.result; });
    var c = this.stackCache;
    if (c && c.results.length === results.length && c.results.every(function (r, i) { return r === results[i]; })) {
      return c.stack;
    }
    var self = this, n = items.length, lengths = [], footprints = [];
    results.forEach(function (res) {
      var fp = self.footprint(res);
      lengths.push(fp.length);
      footprints.push(fp);
    });
    var order = results.map(function (_, i) { return i; });
    order.sort(function (a, b) { return lengths[b] - lengths[a] || a - b; });
    var layers = new Array(n), widths = [];
    order.forEach(function (i, layer) { layers[i] = layer; });
    for (var i = 0; i < n; i++) widths.push(1.0);
    for (var pos = n - 1; pos >= 0; pos--) {
      var a = order[pos];
      for (var k = pos + 1; k < n; k++) {
        var b = order[k], shared = 0, listA = footprints[a].list, hasB = footprints[b].has;
        for (var ci = 0; ci < listA.length; ci++) shared += hasB[listA[ci]];
        var small = Math.min(footprints[a].size, footprints[b].size);
        // a noisy path widens only when it runs under the other for half its own way
        if (items[a].noisy && shared < NOISY_COVERED * footprints[a].size) continue;
        if (small && shared >= COVERED * small) {
          var sa = this.footprint(results[a]).samples, sb = this.footprint(results[b]).samples;
          var along = sa.length <= sb.length ? alongside(sa, sb, 4 * CELLS) : alongside(sb, sa, 4 * CELLS);
          widths[a] = Math.max(widths[a], Math.min(widths[b] + (along >= COINCIDE ? COINCIDING_STRIPE : STRIPE), WIDEST));
        }
      }
    }
    this.stackCache = { results: results, stack: { layers: layers, widths: widths } };
    return this.stackCache.stack;
  };

  // optviz.plot.trajectory._alongside: the share of the points a (flat, in the unit square) within two cells of
  // path b's points, on a cells x cells grid. The cells near b are marked in one grid kept between calls, with
  // this call's stamp (no set to build, no grid to clear: a slider's move compares several pairs of paths).
  var nearStamp = null, nearCall = 0;
  function alongside(a, b, cells) {
    if (!a.length || !b.length) return 0;
    var width = cells + 4, i, hit = 0;
    if (!nearStamp || nearStamp.length < width * width || nearCall >= 0xffffffff) {
      nearStamp = new Uint32Array(width * width);
      nearCall = 0;
    }
    var stamp = ++nearCall, near = nearStamp;
    var cell = function (u) { return Math.min(Math.floor(u * cells), cells - 1); };
    for (i = 0; i < b.length; i += 2) {
      var base = (cell(b[i]) + 2) * width + cell(b[i + 1]) + 2;
      for (var dx = -2; dx <= 2; dx++) for (var dy = -2; dy <= 2; dy++) near[base + dx * width + dy] = stamp;
    }
    for (i = 0; i < a.length; i += 2) if (near[(cell(a[i]) + 2) * width + cell(a[i + 1]) + 2] === stamp) hit++;
    return hit / (a.length / 2);
  }

  // A run's whole path in the view as the unit square: its length there and the cells (of CELLS x CELLS) that
  // it passes, sampled at least twice per cell along each segment. Only the samples of a segment that can be
  // in the view are visited (a diverging run's last segments are many views long).
  View.prototype.footprint = function (res) {
    this.footprintCache = this.footprintCache || new WeakMap();
    var fp = this.footprintCache.get(res);
    if (fp) return fp;
    var g = this.ax.g, px = this.pixels(res), m = Math.max(res.stopStep, 0) + 1, q = new Float64Array(2 * m), len = 0;
    // (a point of the unit square: its cell, when it is in the view)
    var samples = [];  // the samples in the view (for alongside)
    // the cells passed: a CELLS x CELLS grid of 0/1 (what stacking counts shared cells with) and their list
    var has = new Uint8Array(CELLS * CELLS), list = [];
    function add(u, v) {
      if (u >= 0 && u <= 1 && v >= 0 && v <= 1) {
        var c = Math.min(Math.floor(u * CELLS), CELLS - 1) * CELLS + Math.min(Math.floor(v * CELLS), CELLS - 1);
        if (!has[c]) { has[c] = 1; list.push(c); }
        samples.push(u, v);
      }
    }
    for (var j = 0; j < m; j++) {
      var u = (px[2 * j] - g.left) / g.width, v = (g.top + g.height - px[2 * j + 1]) / g.height;
      if (isFinite(u) && isFinite(v)) { q[2 * len] = u; q[2 * len + 1] = v; len++; }
    }
    var length = 0;
    for (j = 0; j + 1 < len; j++) {
      var u0 = q[2 * j], v0 = q[2 * j + 1], dx = q[2 * j + 2] - u0, dy = q[2 * j + 3] - v0, seg = Math.hypot(dx, dy);
      length += seg;
      var reps = Math.max(1, Math.ceil(seg * CELLS * 2));
      // the samples r / reps of the segment that the unit square holds (a hair wider), and two more at either
      // end (what rounding could move inside): the others add no cell. (A segment too long to count its
      // samples in float64 adds none.)
      if (!(reps < 4e15) || !crosses(u0, v0, u0 + dx, v0 + dy, UNIT)) continue;
      var r0 = Math.max(0, Math.floor(CLIP[0] * reps) - 2), r1 = Math.min(reps - 1, Math.ceil(CLIP[1] * reps) + 2);
      for (var r = r0; r <= r1; r++) add(u0 + dx * (r / reps), v0 + dy * (r / reps));
    }
    if (len) add(q[2 * len - 2], q[2 * len - 1]);
    fp = { length: length, has: has, list: list, size: list.length, samples: samples };
    this.footprintCache.set(res, fp);
    return fp;
  };

  // The drawn points (Trajectory.path): the iterates, except Nesterov's actual points x (its state's
  // position; xy holds torch's look-ahead iterate).
  View.prototype.drawnPoints = function (res) { return res.rule === "nesterov" ? res.state.position : res.xy; };
  View.prototype.point = function (res, j) {
    var px = this.pixels(res);
    return [px[2 * j], px[2 * j + 1]];
  };
  // A run's drawn points in pixels, [x0, y0, x1, y1, ...], worked out once per result: a move redraws runs
  // it did not recompute, and the note's placement, the stacking and the paths read every point.
  View.prototype.pixels = function (res) {
    this.pixelCache = this.pixelCache || new WeakMap();
    var px = this.pixelCache.get(res);
    if (px) return px;
    var a = this.drawnPoints(res), ax = this.ax;
    px = new Float64Array(a.length);
    for (var i = 0; i + 1 < a.length; i += 2) { px[i] = ax.X(a[i]); px[i + 1] = ax.Y(a[i + 1]); }
    this.pixelCache.set(res, px);
    return px;
  };

  View.prototype.last = function (res) { return Math.min(this.k, res.stopStep); };
  // A run that ended early (diverged, or Newton at a singular Hessian) once the view is past its stop: its cross.
  View.prototype.diverged = function (res) { return !!endedEarly(res) && this.k > res.stopStep; };

  // The path up to the current step, with a dot at every iterate on short runs and every k-th one on long
  // ones (optviz.plot.marker_stride: about 60 dots over the run).
  // (`live` lines are flat pixel arrays, [x0, y0, x1, y1, ...]: a path's is a view of its run's pixels)
  // A live layer may give the view the way a run went between its iterates (`this.route(res)`: {px, the points
  // in pixels, flat; ends[k], the index of iterate k among them}, or null: straight; optviz.plot.inner.route,
  // L-BFGS's inner iterates): the path then goes that way, its dots still at the iterates.
  View.prototype.drawPath = function (ctx, it) {
    var res = it.result, last = this.last(res), way = this.route ? this.route(res) : null;
    var pts = way ? way.px.subarray(0, 2 * (way.ends[last] + 1)) : this.pixels(res).subarray(0, 2 * (last + 1));
    var style = Object.assign({}, this.styles.path, { color: it.color, width: it.width });
    P.polyline(ctx, pts, style);
    this.live.paths.lines.push(pts);
    // the dots, filled as one path (one fill for a run's dots, not one each)
    var stride = Math.max(1, Math.ceil((res.stopStep + 1) / 60)), r = style.markersize / 2;
    ctx.beginPath();
    for (var j = 0; j <= last; j += stride) {
      var d = way ? way.ends[j] : j;
      ctx.moveTo(pts[2 * d] + r, pts[2 * d + 1]);
      ctx.arc(pts[2 * d], pts[2 * d + 1], r, 0, 2 * Math.PI);
    }
    ctx.save();
    ctx.globalAlpha = style.alpha === undefined ? 1 : style.alpha; // (a faint path's dots too: update_diagram's)
    ctx.fillStyle = it.color;
    ctx.fill();
    ctx.restore();
  };

  // Random search's samples up to the current step, under the paths (the random_search kind's dots).
  View.prototype.drawSamples = function (ctx, it) {
    var res = it.result, st = this.styles.samples, s = res.state.sample;
    if (it.rule !== "random_search" || !s) return;
    ctx.save();
    ctx.globalAlpha = st.alpha;
    for (var j = 0; j <= this.last(res); j++) {
      P.marker(ctx, "o", this.ax.X(s[2 * j]), this.ax.Y(s[2 * j + 1]), st.markersize, st.markerface, "none", 0);
    }
    ctx.restore();
  };

  // Start (hollow), the current iterate (filled), the cross of a diverged run, an arrow at the edge where a
  // path leaves the view (optviz.plot.trajectory's artists and sizes).
  View.prototype.drawStart = function (ctx, it) {
    var st = this.styles, s0 = this.point(it.result, 0);
    this.live.paths.lines.push(this.pixels(it.result).subarray(0, 2));
    ctx.save();
    this.ax.clip(ctx);
    P.marker(ctx, "o", s0[0], s0[1], st.start.markersize, st.start.markerface, it.color, st.start.markeredgewidth, st.path && st.path.alpha);
    ctx.restore();
  };

  View.prototype.drawEnd = function (ctx, it) {
    var st = this.styles, res = it.result, g = this.ax.g, lw = this.lw();
    var last = this.last(res), diverged = this.diverged(res);
    ctx.save();
    this.ax.clip(ctx);
    var e = this.point(res, last);
    this.live.paths.lines.push(this.pixels(res).subarray(2 * last, 2 * last + 2));
    // (its size follows the path's width, as matplotlib's: 3.2 line widths)
    if (!diverged) P.marker(ctx, "o", e[0], e[1], 3.2 * it.width, it.color, st.end.markeredge, st.end.markeredgewidth, st.path && st.path.alpha);
    ctx.restore();
    var exit = this.exitPoint(res, last);
    if (exit) P.arrow(ctx, exit[2], exit[3], exit[0], exit[1], it.color, lw, 3.2 * lw, true);
    it.cross = null;
    if (diverged) {
      var place = exit ? [exit[0], exit[1]] : [Math.min(Math.max(e[0], g.left), g.left + g.width), Math.min(Math.max(e[1], g.top), g.top + g.height)];
      P.marker(ctx, "X", place[0], place[1], 4.5 * lw, it.color, "#000000", 0.5 * lw);
      it.cross = place;
    }
  };

  // "diverged at step k" near the cross, off the paths: matplotlib's place (beside the cross, leaning towards
  // the middle of the view) when no path crosses it; else, of the places around the cross at growing
  // distances (kept inside the axes), the nearest that the fewest path segments cross and no other note
  // covers, with a thin leader line back to the cross when it had to move away.
  View.prototype.drawNote = function (ctx, it, items, placed) {
    if (!it.cross) return;
    var st = this.styles, g = this.ax.g, size = st.fontsize, off = 0.6 * size, self = this;
    var text = endedEarly(it.result);
    var w = measure(ctx, text, size, "bold"), h = 1.15 * size, pad = 0.25 * size;
    var x = it.cross[0], y = it.cross[1];
    var right = x > g.left + g.width / 2, top = y < g.top + g.height / 2;
    var sx = right ? -1 : 1, sy = top ? 1 : -1;
    var lo = [g.left + pad, g.top + pad], hi = [g.left + g.width - w - pad, g.top + g.height - h - pad];
    // a legend inside the paths' axes goes where matplotlib put it, as near as the page can: a note keeps off
    // that place too (the legend, placed after the notes, then keeps off them)
    var legends = (this.spec.legends || []).filter(function (lg) { return lg.best && lg.axes === "paths"; }).map(function (lg) { return lg.box; });
    // nor over the static image's texts in the axes (eigen-axes labels, captions: optviz.web.static.static_text_boxes)
    legends = legends.concat((this.spec.paths || {}).texts || []);
    var best = null, order = 0;
    [1, 2.5, 4, 6, 9, 14, 20, 30].forEach(function (reach) {
      [[sx, sy], [sx, -sy], [-sx, sy], [-sx, -sy], [0, sy], [0, -sy], [sx, 0], [-sx, 0]].forEach(function (c) {
        var cx = x + c[0] * off * reach, cy = y + c[1] * off * reach;
        var left = c[0] > 0 ? cx : c[0] < 0 ? cx - w : cx - w / 2;
        var topY = c[1] > 0 ? cy : c[1] < 0 ? cy - h : cy - h / 2;
        left = Math.min(Math.max(left, lo[0]), Math.max(lo[0], hi[0])); // kept inside the axes
        topY = Math.min(Math.max(topY, lo[1]), Math.max(lo[1], hi[1]));
        var box = [left - pad, topY - pad, left + w + pad, topY + h + pad];
        var cost = 1e4 * placed.concat(legends).reduce(function (n, b) { return n + (overlap(b, box) > 0 ? 1 : 0); }, 0);
        items.forEach(function (other) { cost += 100 * self.segmentsIn(other.result, box); });
        var dx = Math.max(box[0] - x, 0, x - box[2]), dy = Math.max(box[1] - y, 0, y - box[3]);
        cost += Math.hypot(dx, dy) / size + 1e-3 * order++;
        if (best === null || cost < best.cost) best = { cost: cost, box: box, left: left, top: topY, gap: Math.hypot(dx, dy) };
      });
    });
    placed.push(best.box);
    this.textBoxes.push(best.box);
    this.live.paths.boxes.push(best.box);
    if (best.gap > 1.5 * off) { // a leader from the cross to the nearest point of the note's box
      var px = Math.min(Math.max(x, best.box[0]), best.box[2]), py = Math.min(Math.max(y, best.box[1]), best.box[3]);
      P.polyline(ctx, [[x, y], [px, py]], { color: it.color, width: 0.5 * this.lw() });
    }
    P.text(ctx, text, best.left, best.top, { size: size, color: it.color, weight: "bold", align: "left", baseline: "top", box: "#ffffff" });
  };

  // How many of a run's drawn segments cross a box (pixels).
  View.prototype.segmentsIn = function (res, box) {
    var n = 0, last = this.last(res), px = this.pixels(res);
    for (var j = 1; j <= last; j++) {
      if (crosses(px[2 * j - 2], px[2 * j - 1], px[2 * j], px[2 * j + 1], box)) n++;
    }
    return n;
  };

  // Where the shown path first leaves the axes: [edge x, edge y, tail x, tail y] in pixels, or null.
  View.prototype.exitPoint = function (res, last) {
    var g = this.ax.g, xl = g.xlim, yl = g.ylim, pts = this.drawnPoints(res);
    function inside(x, y) { return x >= Math.min(xl[0], xl[1]) && x <= Math.max(xl[0], xl[1]) && y >= Math.min(yl[0], yl[1]) && y <= Math.max(yl[0], yl[1]); }
    if (!inside(pts[0], pts[1])) return null;
    for (var j = 1; j <= last; j++) {
      var x = pts[2 * j], y = pts[2 * j + 1];
      if (inside(x, y)) continue;
      var ax = pts[2 * j - 2], ay = pts[2 * j - 1], dx = x - ax, dy = y - ay, t = Infinity;
      if (dx > 0) t = Math.min(t, (xl[1] - ax) / dx); else if (dx < 0) t = Math.min(t, (xl[0] - ax) / dx);
      if (dy > 0) t = Math.min(t, (yl[1] - ay) / dy); else if (dy < 0) t = Math.min(t, (yl[0] - ay) / dy);
      if (!isFinite(t)) return null;
      var ex = ax + t * dx, ey = ay + t * dy, n = Math.hypot(dx, dy);
      var diag = Math.hypot(xl[1] - xl[0], yl[1] - yl[0]);
      var tx = ex - dx / n * 0.06 * diag, ty = ey - dy / n * 0.06 * diag;
      return [this.ax.X(ex), this.ax.Y(ey), this.ax.X(tx), this.ax.Y(ty)];
    }
    return null;
  };

  // An arrow along every stride-th step (the figure's `arrows` option), up to the current step.
  View.prototype.drawStepArrows = function (ctx, it) {
    var res = it.result, last = this.last(res), lw = this.lw();
    var stride = Math.max(1, Math.ceil((res.stopStep + 1) / 60));
    for (var j = 0; j + 1 <= last; j += stride) {
      var a = this.point(res, j), b = this.point(res, j + 1);
      if (a[0] === b[0] && a[1] === b[1]) continue;
      P.arrow(ctx, a[0], a[1], b[0], b[1], it.color, 0.6 * lw, 1.6 * lw, true);
    }
  };

  // The update at the current step (design: update vectors): heavy ball = velocity + gradient, Nesterov
  // (torch's iterate) = gradient + velocity of the new buffer, the others: the step itself.
  View.prototype.drawUpdate = function (ctx, it) {
    var res = it.result, t = this.k;
    if (t >= res.stopStep) return;
    var w = 0.6 * this.lw(), head = 3.5 * w, self = this;
    var x = res.xy[2 * t], y = res.xy[2 * t + 1], nx = res.xy[2 * t + 2], ny = res.xy[2 * t + 3];
    var h = E.hyperparameters(it.rule, it.params), g = [res.grad[2 * t], res.grad[2 * t + 1]];
    function seg(x0, y0, x1, y1, c) { P.arrow(ctx, self.ax.X(x0), self.ax.Y(y0), self.ax.X(x1), self.ax.Y(y1), c, w, head); }
    if (it.rule === "momentum" || it.rule === "nesterov") {
      var b = res.state.momentum_buffer, wd = h.weight_decay || 0;
      var gx = g[0] + wd * x, gy = g[1] + wd * y;
      if (it.rule === "momentum") {
        var damp = t > 0 ? 1 - (h.dampening || 0) : 1;
        var vx = -h.lr * h.rho * b[2 * t], vy = -h.lr * h.rho * b[2 * t + 1];
        seg(x, y, x + vx, y + vy, "#555555");
        seg(x + vx, y + vy, x + vx - h.lr * damp * gx, y + vy - h.lr * damp * gy, it.color);
      } else {
        var mx = x - h.lr * gx, my = y - h.lr * gy;
        seg(x, y, mx, my, it.color);
        seg(mx, my, nx, ny, "#555555");
      }
    }
    seg(x, y, nx, ny, "#000000");
  };

  // What the loss panel plots for a run, up to its stop step (optviz.plot.loss_values): the recorded loss
  // (Nesterov's at torch's iterate, as the panel's note says), or the drawn point's distance to the minimum.
  // (L.best: of the running minimum of the loss, optviz.metrics.best_so_far, as random_search plots it)
  // (worked out once per result, with the extremes of its finite values and of its positive ones: the
  // panel's limits)
  View.prototype.lossValues = function (res) {
    this.lossCache = this.lossCache || new WeakMap();
    var cached = this.lossCache.get(res);
    if (cached) return cached;
    var L = this.loss, out = new Float64Array(Math.max(res.stopStep + 1, 0)), best = Infinity;
    var p = this.drawnPoints(res);
    var ext = [Infinity, -Infinity, Infinity, -Infinity]; // finite: min, max; positive: min, max
    for (var j = 0; j <= res.stopStep; j++) {
      var f = res.loss[j];
      if (L.best) { best = j === 0 || f < best || f !== f ? f : best; f = best; } // np.minimum.accumulate
      if (L.kind === "gap") f = f - L.fmin;
      else if (L.kind === "distance") f = Math.hypot(p[2 * j] - L.minimum[0], p[2 * j + 1] - L.minimum[1]);
      out[j] = f;
      if (isFinite(f)) {
        ext[0] = Math.min(ext[0], f); ext[1] = Math.max(ext[1], f);
        if (f > 0) { ext[2] = Math.min(ext[2], f); ext[3] = Math.max(ext[3], f); }
      }
    }
    out.extremes = ext;
    this.lossCache.set(res, out);
    return out;
  };

  // The loss panel's y label is static, where matplotlib put it beside its own tick labels: for wider labels
  // (10^-16 where it had 10^0) its pixels move left, as far as the gap beside the paths' axes allows, and
  // what still does not fit is set smaller (down to 60%). Returns the y tick labels' font size.
  // (st: the tick styles, the view's own unless a live layer draws its panel's ticks)
  // `left`: how far left the label may go (default: the paths' axes' right edge); the update panels pass their
  // left neighbour's. Where the label and the tick labels went is kept in `this.yText[g.ylabel]` too.
  View.prototype.moveYLabel = function (ctx, g, yticks, log, st, left) {
    st = st || this.styles;
    var L = st.ticklength, font = st.tickfont, pad = 0.35 * font, lb = g.ylabel;
    if (!lb) return font;
    var widest = 0;
    yticks.forEach(function (t) {
      var w = !log ? measure(ctx, t.text, font) : t.label ? logLabelText(ctx, t.label, 0, 0, font, null, false) : 0;
      widest = Math.max(widest, w);
    });
    var room = g.left - L - pad - lb[2] - 0.25 * font, shift = 0, yfont = font;
    if (widest > room) {
      var paths = this.spec.paths, bound = left !== undefined ? left : paths ? paths.left + paths.width : 0;
      var free = lb[0] - bound - 0.5 * font;
      shift = Math.max(0, Math.min(widest - room, free));
      if (shift > 0) {
        var w = lb[2] - lb[0] + 2, h = lb[3] - lb[1] + 2;
        ctx.save();
        ctx.fillStyle = "#ffffff";
        ctx.fillRect(lb[0] - 1, lb[1] - 1, w, h);
        ctx.drawImage(this.figure.image, lb[0] - 1, lb[1] - 1, w, h, lb[0] - 1 - shift, lb[1] - 1, w, h);
        ctx.restore();
      }
      if (widest > room + shift) yfont = Math.max(0.6, (room + shift) / widest) * font;
    }
    // (where the y label and the y tick labels went, for the tests)
    var text = { ylabel: [lb[0] - shift, lb[1], lb[2] - shift, lb[3]], ticksLeft: g.left - L - pad - widest * yfont / font, font: yfont };
    if (left === undefined) this.lossText = text;
    else (this.yText = this.yText || []).push(text);
    return yfont;
  };

  // A panel whose limits follow the runs (the loss panel, a live layer's): the maps from data to pixels for
  // the limits `xs` and `ys` (the y axis in log10 when `log`), the ticks and grid drawn as matplotlib's
  // (`bins`: matplotlib's tick bins of each axis, where the page knows them; a log axis' are its LogLocator's
  // numticks, else the axis' height over two tick fonts, Axis.get_tick_space's rule), the static y label moved
  // beside wider tick labels. Returns {X, Y, yticks: {major, minor}} (the y ticks drawn, for the tests).
  // (st: the panel's tick styles)
  View.prototype.liveAxes = function (ctx, g, xs, ys, log, st, bins) {
    bins = bins || [];
    var lo = ys[0], hi = ys[1];
    var X = function (v) { return g.left + (v - xs[0]) / (xs[1] - xs[0]) * g.width; };
    var Y = log
      ? function (v) { return g.top + g.height - (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * g.height; }
      : function (v) { return g.top + g.height - (v - lo) / (hi - lo) * g.height; };
    var xticks = linearTicks(xs[0], xs[1], g.width, st.tickfont, bins[0]).filter(function (t) { return t.value >= xs[0] && t.value <= xs[1]; });
    var yticks, minor = [];
    if (log) {
      var lt = logTicks(lo, hi, bins[1] === undefined ? Math.floor(g.height / (2 * st.tickfont)) : bins[1]);
      yticks = lt.major;
      minor = lt.minor;
    } else {
      yticks = linearTicks(lo, hi, g.height, st.tickfont, bins[1]);
    }
    var yfont = this.moveYLabel(ctx, g, yticks.concat(minor), log, st);
    drawTicks(ctx, g, X, Y, xticks, yticks, st, { grid: true, minor: minor, log: log, yfont: yfont });
    return { X: X, Y: Y, yticks: { major: yticks, minor: minor } };
  };

  // The loss panel: its limits follow the runs as matplotlib autoscales them (the data's range and 5%
  // margins, in log space on the log axis), ticks and grid like matplotlib's, a curve per run up to the
  // current step, a cross where a run diverged.
  View.prototype.drawLossPanel = function (ctx, items) {
    var ax = this.lossAx, g = ax.g, st = this.styles, self = this, log = g.y.scale === "log";
    var values = [], last = 0;
    items.forEach(function (it) { // (the limits see each run's extremes: its values' min and max)
      it.lossValues = self.lossValues(it.result);
      last = Math.max(last, it.lossValues.length - 1);
      var ext = it.lossValues.extremes, lo = log ? ext[2] : ext[0], hi = log ? ext[3] : ext[1];
      if (lo <= hi) values.push(lo, hi);
    });
    var lim = lossLimits(values, log), lo = lim[0], hi = lim[1];
    var span = Math.max(last, 1), xs = [-0.05 * span, 1.05 * span];
    // (the y axis' tick bins, for its log ticks: optviz.web.static.figure_layer)
    var map = this.liveAxes(ctx, g, xs, lim, log, st, log ? [undefined, g.ybins] : undefined), X = map.X, Y = map.Y;
    this.lossMap = { X: X, Y: Y, lo: lo, hi: hi, xs: xs, yticks: map.yticks };
    // curves, clipped to the axes
    ctx.save();
    ax.clip(ctx);
    var k = this.k;
    items.forEach(function (it) {
      var vals = it.lossValues, buf = new Float64Array(2 * vals.length), n = 0, style = Object.assign({}, st.loss, { color: it.color });
      for (var j = 0; j < vals.length && j <= k; j++) {
        if (log && !(vals[j] > 0)) { P.polyline(ctx, buf.subarray(0, 2 * n), style); n = 0; continue; }
        if (isFinite(vals[j])) { buf[2 * n] = X(j); buf[2 * n + 1] = Y(vals[j]); n++; }
      }
      var pts = buf.subarray(0, 2 * n);
      P.polyline(ctx, pts, style);
      self.live.loss.lines.push(pts);
      if (endedEarly(it.result) && k > it.result.stopStep && n) {
        P.marker(ctx, "X", pts[2 * n - 2], pts[2 * n - 1], 4 * self.lw(), it.color, "#000000", 0.4 * self.lw());
      }
    });
    ctx.restore();
    // optviz.plot.loss's note: a Nesterov run's loss is taken at torch's iterate (its path shows its actual
    // points), said while one is shown and the panel plots its loss
    var note = g.note, L = this.loss, T = g.title;
    this.lossNote = !!note && L.kind !== "distance" && items.some(function (it) { return it.result.rule === "nesterov"; });
    // A live title (the explorer's: its note comes and goes) laid out as optviz.plot.loss_title lays it out
    // with the note and without (optviz.web.static.loss_title_layouts): the page only picks one.
    var at = note;
    if (T) {
      var lay = this.lossNote ? T.beside : T.plain;
      if (lay.text) P.text(ctx, lay.text, lay.x, lay.baseline, { size: T.size, color: T.color, weight: T.weight, align: lay.align });
      if (this.lossNote) at = T.beside.note;
    }
    if (this.lossNote) {
      P.text(ctx, note.text, at.right, at.bottom, { size: at.size, color: note.color, align: "right", baseline: "bottom" });
    }
  };

  // The legends where the figure had them, in HTML: each entry's handle as matplotlib drew it (its pixels),
  // the text live; runs that share a text share an entry (optviz.figures.layout.shared_legend). A legend is
  // built again only when its entries change (a move that changes no text only places it again), and it
  // keeps inside its room: the figure's width for a figure legend, its axes' for one inside an axes.
  // Returns whether the figure's height (its margin below, for a legend taller than its room) changed.
  View.prototype.drawLegends = function (items) {
    var self = this, spec = this.spec;
    this.legendBoxes = [];
    this.legendCache = this.legendCache || [];
    var bottom = spec.height;
    (spec.legends || []).forEach(function (lg, n) {
      var entries = self.legendEntries(lg, items);
      var key = entries.map(function (e) { return e.text + "\u0000" + swatchId(e.swatch); }).join("\u0001");
      var built = self.legendCache[n];
      if (!built || built.key !== key) {
        // the same handles with other texts (a rate's slider moved): the texts change in place, the images stay
        var shape = entries.map(function (e) { return swatchId(e.swatch); }).join(",");
        built = self.legendCache[n] = built && built.shape === shape && entries.length
          ? self.retextLegend(lg, built, entries, key)
          : self.buildLegend(lg, n, entries, key);
        built.shape = shape;
      }
      if (!entries.length) return;
      var at = lg.best ? self.bestPlace(lg, built.w, built.h) : built.at, s = built.el.style;
      if (s.left !== at[0] + "px") s.left = at[0] + "px";
      if (s.top !== at[1] + "px") s.top = at[1] + "px";
      var b = [at[0], at[1], at[0] + built.w, at[1] + built.h];
      self.legendBoxes.push(b);
      bottom = Math.max(bottom, b[3]);
    });
    // A legend with more rows than the figure kept room for pushes what follows down.
    var margin = Math.max(0, bottom - spec.height) + "px";
    if (this.container.style.marginBottom === margin) return false;
    this.container.style.marginBottom = margin;
    return true;
  };

  // (a swatch's identity, for the key of a legend's entries: their images are long data URIs)
  var swatches = 0;
  function swatchId(sw) {
    if (!sw.id) sw.id = ++swatches;
    return sw.id;
  }

  // Legend `n` with `entries`, laid out: as many columns as matplotlib's legend had (up to four), fewer while
  // it is wider than its room (optviz.figures.layout.figure_legend), and in one column an entry wider than
  // the room wraps. Returns {el, key, w, h, at}: its size and, placed by its anchor (kept inside the
  // room), where its top left goes.
  View.prototype.buildLegend = function (lg, n, entries, key) {
    var spec = this.spec, id = (spec.id || "") + "legend-" + n, box = document.getElementById(id);
    if (!box) {
      box = P.el("div", { id: id, class: "overlay legend", role: "list", "aria-label": "legend" });
      this.container.appendChild(box);
    }
    box.textContent = "";
    box.style.display = entries.length ? "grid" : "none";
    var out = { el: box, key: key, w: 0, h: 0, at: [0, 0] };
    if (!entries.length) return out;
    var s = box.style;
    s.fontSize = lg.fontsize + "px";
    s.lineHeight = "1.2";
    s.whiteSpace = "nowrap";
    s.maxWidth = "";
    s.gridAutoFlow = "column"; // matplotlib fills a legend column by column
    s.columnGap = lg.columnspacing + "px";
    s.rowGap = Math.max(0, lg.labelspacing - 0.2 * lg.fontsize) + "px";
    s.padding = lg.borderpad + "px";
    s.alignItems = "center";
    s.left = s.top = "0px";
    s.right = s.bottom = s.transform = "";
    if (lg.frame) {
      s.background = lg.frame.face;
      s.border = lg.frame.width + "px solid " + lg.frame.edge;
      s.borderRadius = (0.2 * lg.fontsize) + "px";
      s.opacity = String(lg.frame.alpha);
    }
    // (every text of a column starts where the widest handle's does: the handles of runs the figure did not
    // draw are the page's own, a few pixels narrower than matplotlib's)
    var lead = Math.max.apply(null, entries.map(function (e) { return e.swatch.width + Math.max(0, e.gap); }));
    entries.forEach(function (e) {
      var img = P.el("img", { src: e.swatch.image, alt: "", "aria-hidden": "true" });
      img.style.width = e.swatch.width + "px";
      img.style.height = e.swatch.height + "px";
      img.style.verticalAlign = "middle";
      img.style.marginRight = lead - e.swatch.width + "px";
      img.style.flex = "none";
      box.appendChild(P.el("span", { role: "listitem", class: "entry" }, [img, P.el("span", { text: e.text })]));
    });
    return this.fitLegend(lg, out, entries.length);
  };

  // Legend `built` with new texts for the same entries (the same handles, in the same order), laid out again.
  View.prototype.retextLegend = function (lg, built, entries, key) {
    var items = built.el.children;
    entries.forEach(function (e, i) {
      var text = items[i].lastChild;
      if (text.textContent !== e.text) text.textContent = e.text;
    });
    return this.fitLegend(lg, { el: built.el, key: key, w: 0, h: 0, at: [0, 0] }, entries.length);
  };

  // Lay out a legend of `count` entries in `out.el` and measure it (out.w, out.h, out.at: see buildLegend).
  View.prototype.fitLegend = function (lg, out, count) {
    var spec = this.spec, box = out.el, s = box.style;
    s.whiteSpace = "nowrap";
    s.maxWidth = "";
    s.left = s.top = "0px"; // measured where nothing narrows it
    var axes = lg.best ? this.axesGeometry(lg.axes) : null;
    var room = axes ? axes.width - 2 * lg.pad : 0.98 * spec.width;
    var columns = Math.max(1, Math.min(count, lg.maxColumns === 1 ? 1 : Math.max(lg.columns, Math.min(count, lg.maxColumns))));
    for (; columns >= 1; columns--) {
      s.gridTemplateRows = "repeat(" + Math.ceil(count / columns) + ", auto)";
      if (columns === 1 || box.offsetWidth <= room) break;
    }
    if (box.offsetWidth > room) { // one column, still too wide: its entries wrap
      s.whiteSpace = "normal";
      s.maxWidth = room + "px";
    }
    out.w = box.offsetWidth;
    out.h = box.offsetHeight;
    if (!lg.best) {
      var x0 = lg.box[0], x1 = lg.box[2], w = out.w, left;
      if (lg.anchor.x === "center") left = (x0 + x1) / 2 - w / 2;
      else if (lg.anchor.x === "left") left = x0;
      else left = x1 - w;
      var margin = (spec.width - room) / 2;
      left = Math.min(Math.max(left, margin), Math.max(margin, spec.width - margin - w));
      out.at = [left, lg.anchor.y === "top" ? lg.box[1] : lg.box[3] - out.h];
    }
    return out;
  };

  // Where matplotlib's loc="best" puts a legend of w x h pixels in its axes: of its ten places (upper
  // right, upper left, lower left, lower right, right, center left, center right, lower center, upper
  // center, center; borderaxespad inside the frame), the first that covers nothing, else the one that covers
  // least (vertices and lines of every path and marker, texts), counted as matplotlib counts them.
  View.prototype.bestPlace = function (lg, w, h) {
    var g = this.axesGeometry(lg.axes), fixed = this.fixedObstacles(lg.axes);
    var live = this.live[lg.axes] || { lines: [], boxes: [] };
    var lines = fixed.lines.concat(live.lines), boxes = fixed.boxes.concat(live.boxes);
    var L = g.left + lg.pad, T = g.top + lg.pad, Rr = g.left + g.width - lg.pad, B = g.top + g.height - lg.pad;
    var cx = (L + Rr) / 2 - w / 2, cy = (T + B) / 2 - h / 2;
    var places = [[Rr - w, T], [L, T], [L, B - h], [Rr - w, B - h], [Rr - w, cy], [L, cy], [Rr - w, cy], [cx, B - h], [cx, T], [cx, cy]];
    var best = null;
    for (var i = 0; i < places.length; i++) {
      var x0 = places[i][0], y0 = places[i][1], box = [x0, y0, x0 + w, y0 + h], bad = 0;
      lines.forEach(function (xy) {
        var hit = false;
        for (var j = 0; j + 1 < xy.length; j += 2) {
          var px = xy[j], py = xy[j + 1];
          if (px > box[0] && px < box[2] && py > box[1] && py < box[3]) bad++;
          if (!hit && j > 0 && crosses(xy[j - 2], xy[j - 1], px, py, box)) hit = true;
        }
        if (hit) bad++;
      });
      boxes.forEach(function (b) { if (b[0] < box[2] && b[2] > box[0] && b[1] < box[3] && b[3] > box[1]) bad++; });
      if (best === null || bad < best.bad) best = { bad: bad, at: places[i] };
      if (bad === 0) break;
    }
    return best.at;
  };

  // An axes by name: the paths', the loss panel's, or the panel a live layer draws (a loss over seeds).
  View.prototype.axesGeometry = function (name) {
    return this.spec[name] || ((this.spec.layers || {})[name] || {}).axes;
  };

  // What the static image holds in an axes that a legend placed as "best" keeps off (optviz.web.static's
  // obstacles: lines as [[x, y], ...], boxes), its lines flat as the live ones.
  View.prototype.fixedObstacles = function (axes) {
    this.fixed = this.fixed || {};
    if (!this.fixed[axes]) {
      var given = (this.spec.obstacles || {})[axes] || { lines: [], boxes: [] };
      this.fixed[axes] = {
        lines: given.lines.map(function (pts) { return Float64Array.from([].concat.apply([], pts)); }),
        boxes: given.boxes,
      };
    }
    return this.fixed[axes];
  };

  // A legend's entries now: its other entries as they were, one per distinct run text (first run's handle).
  View.prototype.legendEntries = function (lg, items) {
    var out = [], seen = {}, swatches = {}, gaps = {}, fallback = null, self = this;
    lg.entries.forEach(function (e) {
      if (e.run !== null) { swatches[e.run] = e.swatch; gaps[e.run] = e.gap; fallback = fallback || e; }
    });
    var placedRuns = false;
    lg.entries.forEach(function (e) {
      if (e.run === null) { out.push(e); return; }
      if (placedRuns) return;
      placedRuns = true;
      items.forEach(function (it) {
        if (seen[it.legend]) return;
        seen[it.legend] = true;
        var swatch = swatches[it.figure] || self.swatch(it.color, lg.fontsize);
        out.push({ text: it.legend, swatch: swatch, gap: it.figure in gaps ? gaps[it.figure] : fallback ? fallback.gap : 0.8 * lg.fontsize });
      });
    });
    return out;
  };

  // A legend handle for a run that the figure did not draw (a rule switched on later): its path's line
  // with one dot, drawn as matplotlib's legend draws a path's handle.
  View.prototype.swatch = function (color, fontsize) {
    this.swatches = this.swatches || {};
    if (this.swatches[color]) return this.swatches[color];
    var w = Math.round(2 * fontsize) + 4, h = Math.round(1.2 * fontsize), c = document.createElement("canvas");
    c.width = w;
    c.height = h;
    var ctx = c.getContext("2d"), st = this.styles.path;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, w, h);
    P.polyline(ctx, [[2, h / 2], [w - 2, h / 2]], Object.assign({}, st, { color: color }));
    P.marker(ctx, "o", w / 2, h / 2, st.markersize, color, "none", 0);
    this.swatches[color] = { image: c.toDataURL("image/png"), width: w, height: h };
    return this.swatches[color];
  };

  // -- a page with runs: the runs, their results, stepping, readouts ----------------------------------------
  // runs: [{rule, params, shown, label, custom, given, color, figure, ...}]; a subclass says what each run's inputs
  // are (`inputs(r)`: start, steps, noise, seed, tol, escapeRadius, center).
  function RunsPage(data, surface) {
    this.data = data;
    this.surface = surface;
    this.runs = [];
    this.results = [];
    this.cache = [];
    this.k = 0;
    this.playing = null;
    this.message = "";
    this.updateArrows = false;
    this.decoded = {};
  }

  RunsPage.prototype.shownRuns = function () {
    return this.runs.filter(function (r) { return r.shown; });
  };

  RunsPage.prototype.lastStep = function () {
    var self = this;
    return this.runs.reduce(function (m, r) { return r.shown ? Math.max(m, self.inputs(r).steps) : m; }, 0);
  };

  // The embedded numpy draws: standard normals of a seed (Gaussian noise, random search's samples), a
  // minibatch's sample indices; a message when the page holds too few.
  RunsPage.prototype.normals = function (seed, steps) {
    var d = this.data.draws, key = String(seed);
    if (!(key in d.normals)) throw new Error("this page holds noise draws for seeds " + seedList(d.normals) + ", not " + seed);
    if (steps > d.normalSteps) throw new Error("this page holds noise draws for " + d.normalSteps + " steps, not " + steps);
    var id = "n" + key;
    if (!this.decoded[id]) this.decoded[id] = E.float64s(d.normals[key]);
    return this.decoded[id];
  };

  RunsPage.prototype.batches = function (noise, seed, steps) {
    var d = this.data.draws, key = noise.batch_size + "/" + (noise.replace ? 1 : 0) + "/" + seed;
    if (!(key in d.batches)) throw new Error("this page holds minibatches for the seeds it was written with, not seed " + seed);
    if (steps > d.batchSteps) throw new Error("this page holds minibatches for " + d.batchSteps + " steps, not " + steps);
    var id = "b" + key;
    if (!this.decoded[id]) this.decoded[id] = E.int32s(d.batches[key]);
    return this.decoded[id];
  };

  // optviz.run for one run, in the engine's JavaScript.
  RunsPage.prototype.compute = function (r) {
    var inp = this.inputs(r), noise = null, normals = null;
    if (inp.noise && inp.noise.kind === "gaussian") {
      noise = { kind: "gaussian", sigma: inp.noise.sigma, draws: this.normals(inp.seed, inp.steps) };
    } else if (inp.noise && inp.noise.kind === "minibatch") {
      noise = { kind: "minibatch", batchSize: inp.noise.batch_size, indices: this.batches(inp.noise, inp.seed, inp.steps) };
    }
    if (r.rule === "random_search") normals = this.normals(inp.seed, inp.steps);
    return E.run(this.surfaceOf(r), r.rule, r.params, {
      start: inp.start, steps: inp.steps, tol: inp.tol, escapeRadius: inp.escapeRadius, center: inp.center,
      noise: noise, normals: normals, schedule: r.schedule || null,
    });
  };

  // A run's surface, the step it shows and the View it is drawn in (a figure of several panels: its panel's).
  RunsPage.prototype.surfaceOf = function () { return this.surface; };
  RunsPage.prototype.stepOf = function () { return this.k; };
  RunsPage.prototype.viewOf = function () { return this.view; };

  // Recompute the shown runs whose inputs changed (a slider moves one rule's runs: the others stay).
  RunsPage.prototype.recompute = function () {
    var self = this;
    this.runs.forEach(function (r, i) {
      if (!r.shown) return;
      var key = JSON.stringify([r.rule, r.params, r.schedule || null, self.inputs(r)]);
      if (self.cache[i] !== key) {
        self.results[i] = self.compute(r);
        self.cache[i] = key;
      }
    });
    this.k = Math.min(this.k, this.lastStep());
  };

  // Change something; on a failure (a start outside the formula's domain, too few draws) the old runs and
  // settings stay and the message says why.
  RunsPage.prototype.apply = function (change) {
    var old = this.snapshot();
    try {
      change();
      this.recompute();
      this.message = "";
    } catch (err) {
      this.restore(old);
      this.recompute();
      this.message = String(err.message || err);
      this.render();
      throw err;
    }
    this.render();
  };
  RunsPage.prototype.snapshot = function () { return { runs: copy(this.runs), k: this.k }; };
  RunsPage.prototype.restore = function (old) { this.runs = old.runs; this.k = old.k; };

  RunsPage.prototype.label = function (r) { return r.label; };
  // What names a run in the readouts: its label (a page whose runs share one says more).
  RunsPage.prototype.rowName = function (r) { return this.label(r); };
  RunsPage.prototype.legend = function (r) {
    var schedule = r.schedule ? { legend: r.scheduleLegend, skip: r.scheduleSkip } : null;
    return legendText(this.data.rules[r.rule], this.label(r), r.params, this.data.paramNames, r.custom, r.given, schedule);
  };

  RunsPage.prototype.items = function () {
    var self = this, out = [];
    this.runs.forEach(function (r, i) {
      if (!r.shown) return;
      out.push({ index: i, figure: r.figure, color: r.color, legend: self.legend(r), result: self.results[i], rule: r.rule, params: r.params, noisy: !!self.inputs(r).noise });
    });
    return out;
  };

  // -- stepping --------------------------------------------------------------------------------------------
  RunsPage.prototype.step = function (n) {
    this.k = Math.min(this.k + (n === undefined ? 1 : n), this.lastStep());
    this.render();
  };
  RunsPage.prototype.reset = function () {
    this.pause();
    this.k = 0;
    this.render();
  };
  RunsPage.prototype.play = function () {
    if (this.playing !== null) return;
    var last = this.lastStep();
    if (this.k >= last) this.k = 0;
    var self = this, perTick = Math.max(1, Math.round(last / 50));
    this.playing = setInterval(function () {
      self.step(perTick);
      if (self.k >= self.lastStep()) self.pause();
    }, 40);
    var b = document.getElementById("b-play");
    if (b) b.textContent = "Pause";
  };
  RunsPage.prototype.pause = function () {
    if (this.playing === null) return;
    clearInterval(this.playing);
    this.playing = null;
    var b = document.getElementById("b-play");
    if (b) b.textContent = "Play";
  };
  RunsPage.prototype.togglePlay = function () {
    if (this.playing === null) this.play(); else this.pause();
  };

  // -- set(): a rule's own parameter names, as in TOML (design section 2) ----------------------------------
  function checkParam(k, v) {
    var ok;
    if (k === "betas") ok = Array.isArray(v) && v.length === 2 && v.every(function (b) { return b >= 0 && b < 1; });
    else if (k === "amsgrad" || k === "centered" || k === "local") ok = typeof v === "boolean";
    else if (k === "lr" || k === "scale") ok = typeof v === "number" && v > 0 && isFinite(v);
    else if (k === "rho" || k === "alpha" || k === "momentum") ok = typeof v === "number" && v >= 0 && v < 1;
    else if (k === "dampening") ok = typeof v === "number" && v >= 0 && v <= 1;
    else if (k === "max_iter" || k === "history_size") ok = Number.isInteger(v) && v >= 1 && v <= 1000;
    else if (k === "max_eval") ok = v === null || (Number.isInteger(v) && v >= 1 && v <= 10000);
    else if (k === "line_search_fn") ok = v === null || v === "strong_wolfe";
    else ok = typeof v === "number" && v >= 0 && isFinite(v);
    if (!ok) throw new Error(k + ": invalid value " + JSON.stringify(v));
  }

  // The runs `values` addresses (`run`: an index among the shown runs; else every run), and its rule
  // parameters, checked: each must belong to one of those runs' rules. `settings`: the page's other keys.
  RunsPage.prototype.targets = function (values, settings) {
    var shown = this.shownRuns(), targets;
    if ("run" in values) {
      if (!(Number.isInteger(values.run) && values.run >= 0 && values.run < shown.length)) {
        throw new Error("run must be an index of a shown run, 0 to " + (shown.length - 1) + ", got " + values.run);
      }
      targets = [shown[values.run]];
    } else {
      targets = this.runs;
    }
    var keys = Object.keys(values).filter(function (k) { return k !== "run" && settings.indexOf(k) < 0; });
    keys.forEach(function (k) {
      var owners = targets.filter(function (r) { return E.RULES[r.rule].defaults.hasOwnProperty(k); });
      if (!owners.length) {
        var valid = {};
        targets.forEach(function (r) { Object.keys(E.RULES[r.rule].defaults).forEach(function (n) { valid[n] = 1; }); });
        throw new Error("unknown setting " + JSON.stringify(k) + " (valid: " + Object.keys(valid).concat(settings).sort().join(", ") + ")");
      }
      checkParam(k, values[k]);
    });
    return { runs: targets, keys: keys };
  };

  RunsPage.prototype.setParams = function (targets, keys, values) {
    keys.forEach(function (k) {
      targets.forEach(function (r) {
        if (E.RULES[r.rule].defaults.hasOwnProperty(k)) r.params[k] = copy(values[k]);
      });
    });
  };

  RunsPage.prototype.state = function () {
    var self = this, runs = [];
    this.runs.forEach(function (r, i) {
      if (!r.shown) return;
      var res = self.results[i], n = res.steps + 1, xy = [], loss = [], inp = self.inputs(r);
      for (var k = 0; k < n; k++) { xy.push([res.xy[2 * k], res.xy[2 * k + 1]]); loss.push(res.loss[k]); }
      runs.push({
        label: self.label(r), legend: self.legend(r), rule: r.rule, params: copy(r.params), start: inp.start.slice(),
        steps: inp.steps, seed: inp.seed, noise: inp.noise ? copy(inp.noise) : null, color: r.color,
        tol: inp.tol === undefined ? null : inp.tol, schedule: r.schedule ? copy(r.schedule) : null,
        xy: xy, loss: loss, status: res.status, stop_step: res.stopStep,
      });
    });
    return { step: this.k, steps: this.lastStep(), runs: runs };
  };

  // -- drawing ---------------------------------------------------------------------------------------------
  RunsPage.prototype.render = function () {
    this.view.draw(this.items(), this.k, { stepArrows: !!this.data.stepArrows, updateArrows: this.updateArrows });
    this.readouts();
    var m = document.getElementById("message");
    if (m) m.textContent = this.message;
    this.writeHash();
  };

  // The readouts: f, |grad f|, kappa(H), eig(H) at each run's current drawn point, where its marker is
  // (View.drawnPoints: Nesterov's actual point x, not torch's look-ahead iterate), three significant digits
  // as ov.explore, and its status.
  // (the table's rows are kept while the shown runs are the same, and a cell is written only when its text
  // changes: a move rewrites a few texts, not the table)
  RunsPage.prototype.readouts = function () {
    var body = document.getElementById("readouts"), self = this, out = new Float64Array(3);
    if (!body) return;
    var rows = [];
    var f = function (v) { return P.formatNumber(v, 3); };
    this.runs.forEach(function (r, i) {
      if (!r.shown) return;
      var res = self.results[i], k = self.stepOf(r), j = Math.min(k, res.stopStep), drawn = self.viewOf(r).drawnPoints(res);
      var x = drawn[2 * j], y = drawn[2 * j + 1], surface = self.surfaceOf(r);
      surface.valueAndGrad(x, y, out);
      // the run's recorded loss where the drawn point is its iterate (the engine's value), else f there
      var fx = drawn === res.xy ? res.loss[j] : out[0], gnorm = Math.hypot(out[1], out[2]);
      surface.hessian(x, y, out);
      var eig = E.symmetricEigen(out[0], out[1], out[2]), kappa = E.conditionNumber(eig);
      var status;
      if (endedEarly(res) && k > res.stopStep) status = endedEarly(res);
      else if (res.status === "converged" && k >= res.stopStep) status = "converged at step " + res.stopStep;
      else if (k >= res.steps) status = "done";
      else status = "running";
      rows.push({ color: r.color, cells: [self.rowName(r), f(fx), f(gnorm), f(kappa), f(eig[0]) + ", " + f(eig[1]), status] });
    });
    var trs = body.children;
    if (trs.length !== rows.length || rows.some(function (row, n) { return trs[n].dataset.color !== row.color; })) {
      body.textContent = "";
      rows.forEach(function (row) {
        var tr = P.el("tr", { style: "color:" + row.color, "data-color": row.color });
        row.cells.forEach(function (c, n) { tr.appendChild(P.el(n === 0 ? "th" : "td", { class: n === 0 ? "cls" : "" })); });
        body.appendChild(tr);
      });
    }
    rows.forEach(function (row, n) {
      var tr = trs[n], bold = row.cells[5].indexOf("diverged") === 0 ? "bold" : "";
      row.cells.forEach(function (c, m) { if (tr.children[m].textContent !== c) tr.children[m].textContent = c; });
      if (tr.style.fontWeight !== bold) tr.style.fontWeight = bold;
    });
    var text = document.getElementById("step-text"), step = "step " + this.k + " of " + this.lastStep();
    if (text && text.textContent !== step) text.textContent = step;
  };

  // -- the address: the page's state, so a link reopens the same view ----------------------------------------
  // A change writes it HASH_DELAY ms later (the state then), not at once: history.replaceState takes up to
  // 30 ms (it was the tail of a slider move's time), and Chromium ignores more than 200 of them in 10 s (a
  // drag moves a slider 60 times a second). window.optviz's calls write it before they return.
  var HASH_DELAY = 150;
  RunsPage.prototype.writeHash = function () {
    var self = this;
    if (this.hashTimer) return;
    this.hashTimer = setTimeout(function () { self.flushHash(); }, HASH_DELAY);
  };

  RunsPage.prototype.flushHash = function () {
    if (this.hashTimer) clearTimeout(this.hashTimer);
    this.hashTimer = null;
    var text = "#state=" + encodeURIComponent(JSON.stringify(this.hashState()));
    if (root.location && root.location.hash !== text && root.history && root.history.replaceState) {
      root.history.replaceState(null, "", text);
    }
  };

  RunsPage.prototype.readHash = function () {
    var hash = root.location ? root.location.hash : "";
    if (hash.indexOf("#state=") !== 0) return;
    try {
      var s = JSON.parse(decodeURIComponent(hash.slice(7)));
      var self = this;
      this.apply(function () { self.restoreHash(s); });
      this.syncControls();
    } catch (err) {
      this.message = "could not restore the state in the address: " + (err.message || err);
    }
  };

  // "0 to 7", or "0 to 7 and 11": the seeds a page holds draws for.
  function seedList(table) {
    var seeds = Object.keys(table).map(Number).sort(function (a, b) { return a - b; }), parts = [], i = 0;
    while (i < seeds.length) {
      var j = i;
      while (j + 1 < seeds.length && seeds[j + 1] === seeds[j] + 1) j++;
      parts.push(j > i ? seeds[i] + " to " + seeds[j] : String(seeds[i]));
      i = j + 1;
    }
    return parts.join(" and ");
  }

  function checkStart(xy, what) {
    if (!(Array.isArray(xy) && xy.length === 2 && isFinite(xy[0]) && isFinite(xy[1]))) {
      throw new Error((what || "start") + " must be [x, y] with finite numbers");
    }
    return [Number(xy[0]), Number(xy[1])];
  }

  // A start where the loss and gradient are finite (a formula's domain), or an error.
  RunsPage.prototype.checkDomain = function (xy, surface) {
    var out = new Float64Array(3);
    (surface || this.surface).valueAndGrad(xy[0], xy[1], out);
    if (!(isFinite(out[0]) && isFinite(out[1]) && isFinite(out[2]))) {
      throw new Error("start: the loss or gradient is not finite at [" + xy[0] + ", " + xy[1] + "]");
    }
  };

  // -- the controls every page has -----------------------------------------------------------------------
  RunsPage.prototype.wireCommon = function () {
    var self = this;
    function on(id, event, fn) { var e = document.getElementById(id); if (e) e.addEventListener(event, fn); }
    on("b-step", "click", function () { self.step(1); });
    on("b-play", "click", function () { self.togglePlay(); });
    on("b-reset", "click", function () { self.reset(); });
    on("c-arrows", "change", function (e) { self.updateArrows = e.target.checked; self.render(); });
    on("b-export", "click", function () { self.showToml(); });
    // A click on the contour sets the start of every run (on a live layer's panel: where the layer says, a
    // profile's point of its slice).
    this.view.figure.canvas.addEventListener("click", function (event) {
      var rect = self.view.figure.canvas.getBoundingClientRect(), z = self.view.scale || 1;
      self.clickAt((event.clientX - rect.left) / z, (event.clientY - rect.top) / z);
    });
  };

  // A click at pixel (px, py) of the figure: on the paths' axes it starts every run there.
  RunsPage.prototype.clickAt = function (px, py) {
    var xy = startUnder(this.view, this.layers, px, py);
    if (!xy) return;
    try { this.setStart(xy); } catch (err) { /* shown in the message */ }
  };

  // The start a click at (px, py) asks for in `view` (its paths' axes; else a live layer's panel, where the
  // layer says: a profile's point of its slice), or null.
  function startUnder(view, layers, px, py) {
    var xy = null;
    if (view.ax && view.ax.contains(px, py)) return [view.ax.invX(px), view.ax.invY(py)];
    (layers || []).some(function (layer) { return layer.startAt && (xy = layer.startAt(px, py)); });
    return xy;
  }

  RunsPage.prototype.showToml = function () {
    var text = this.toml();
    document.getElementById("toml").value = text;
    document.getElementById("download").href = "data:application/toml;charset=utf-8," + encodeURIComponent(text);
  };

  function tomlValue(v) {
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "string") return JSON.stringify(v);
    if (Array.isArray(v)) return "[" + v.map(tomlValue).join(", ") + "]";
    var text = String(v);
    return /^-?\d+$/.test(text) ? text + ".0" : text;
  }

  // The `[[run]]` table of one run, as a scenario file writes it.
  RunsPage.prototype.runToml = function (r) {
    var inp = this.inputs(r), lines = ["[[run]]", "rule = " + JSON.stringify(r.rule)];
    Object.keys(r.params).forEach(function (k) {
      if (r.params[k] !== null) lines.push(k + " = " + tomlValue(r.params[k])); // (null: the rule's default)
    });
    if (r.scheduleToml) lines.push(r.scheduleToml);
    lines.push("start = " + tomlValue(inp.start), "steps = " + inp.steps, "seed = " + inp.seed);
    if (inp.tol !== undefined && inp.tol !== null) lines.push("tol = " + tomlValue(inp.tol)); // the stop rule
    if (inp.noise && inp.noise.kind === "gaussian") lines.push("noise = { sigma = " + tomlValue(inp.noise.sigma) + " }");
    if (inp.noise && inp.noise.kind === "minibatch") {
      lines.push("noise = { batch_size = " + inp.noise.batch_size + (inp.noise.replace ? ", replace = true" : "") + " }");
    }
    if (r.custom) lines.push("label = " + JSON.stringify(r.label));
    if (r.colorGiven) lines.push("color = " + JSON.stringify(r.color));
    return lines.join("\n");
  };

  // Open a page of class `Page` (a RunsPage) on the page's data: its runs computed, the state in the address
  // restored, drawn, and window.optviz (design section 2's scripting interface) installed.
  function open(Page, surface) {
    var page = new Page(P.pageData(), surface);
    page.recompute();
    page.readHash();
    page.render();
    page.flushHash();
    // (each call leaves the address written, also when it throws)
    function call(fn) {
      return function () { try { return fn.apply(null, arguments); } finally { page.flushHash(); } };
    }
    root.optviz = {
      page: page,
      state: function () { return page.state(); },
      set: call(function (values) { return page.set(values); }),
      start: call(function (xy) { page.setStart(xy); return page.state(); }),
      step: call(function (n) { page.step(n === undefined ? 1 : n); return page.state().step; }),
      play: call(function () { page.play(); }),
      pause: call(function () { page.pause(); }),
      reset: call(function () { page.reset(); }),
      toml: function () { return page.toml(); },
    };
    // A static label moved beside wider tick labels is copied from the static image, which (a data URI) may
    // still be decoding at the first draw: that copy draws nothing, and the label vanished. The page draws
    // again once the image has loaded, and is ready then.
    var img = page.view.figure.image;
    var ready = function () {
      root.optvizReadyMs = root.performance ? root.performance.now() : null;
      document.body.setAttribute("data-ready", "1");
    };
    if (img.complete) ready();
    else {
      img.addEventListener("load", function () { page.render(); ready(); });
      img.addEventListener("error", ready); // (no image to copy from: ready all the same)
    }
    return page;
  }

  root.OptvizRuns = {
    open: open,
    View: View,
    RunsPage: RunsPage,
    legendText: legendText,
    linearTicks: linearTicks,
    logTicks: logTicks,
    lossLimits: lossLimits,
    endedEarly: endedEarly,
    drawTicks: drawTicks,
    line: line,
    measure: measure,
    checkParam: checkParam,
    checkStart: checkStart,
    startUnder: startUnder,
    pyRound: pyRound,
    seedList: seedList,
    tomlValue: tomlValue,
    copy: copy,
    same: same,
  };
})(typeof globalThis !== "undefined" ? globalThis : this);
