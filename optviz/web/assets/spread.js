// The live loss panel over seeds (optviz.plot.loss_spread; read by optviz.web.spread_layer): each of the page's
// runs made again with each of the figure's seeds (optviz.studies.seed_runs: the run with seed=seeds[j]), and
// the panel's numbers made as loss_spread makes them: each seed's curve smoothed (optviz.metrics.smoothed), the
// median and the quantile band over the seeds still going (optviz.metrics.spread_over_runs, numpy's linear
// quantile), drawn while half of them go; the top that cuts an exploding curve; a cross and "diverged: n of
// N seeds by step k" where seeds ended early; the y limits from the lowest band, the x limits as matplotlib
// autoscales the curves. Stepping draws the curves up to the step shown.
/* eslint-disable no-var */
(function (root) {
  "use strict";
  var P = root.OptvizPage, R = root.OptvizRuns;

  // optviz.metrics.smoothed for one run: the mean over `width` iterates centred on each (shrinking
  // symmetrically at the start, losing its right side at the stop step), in numpy's order of additions.
  function smoothed(v, stop, width) {
    var half = Math.floor(Math.max(width, 1) / 2), n = v.length, out = new Float64Array(n);
    if (half === 0) { out.set(v); return out; }
    for (var k = 0; k < n; k++) {
      if (k > stop) { out[k] = v[k]; continue; }
      var left = Math.min(k, half), right = Math.min(Math.min(stop - k, half), left), total = v[k];
      for (var j = 1; j <= half; j++) total = total + (left >= j ? v[k - j] : 0) + (right >= j ? v[k + j] : 0);
      out[k] = total / (left + Math.max(right, 0) + 1);
    }
    return out;
  }

  // numpy.quantile's "linear" method on `n` sorted values: the virtual index (n - 1) q, its neighbours (both
  // the last at or beyond the end, where numpy's gamma then counts from index -1) and numpy's _lerp.
  function quantile(sorted, n, q) {
    var virt = (n - 1) * q, prev = Math.floor(virt), next = prev + 1, gamma = virt - prev;
    if (virt >= n - 1) { prev = next = n - 1; gamma = virt + 1; } else if (virt < 0) { prev = next = 0; }
    var a = sorted[prev], b = sorted[next], diff = b - a;
    return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
  }

  // The first n values of a (no NaN among them) in a typed array's sort order, -0 before 0: an insertion
  // sort in place (a seed count of values at each iterate: no view and no builtin call each time).
  function sortFew(a, n) {
    for (var i = 1; i < n; i++) {
      var v = a[i], j = i - 1;
      // (a[j] goes after v: larger, or 0 with v -0)
      while (j >= 0 && (a[j] > v || (v === 0 && a[j] === 0 && 1 / a[j] > 0 && 1 / v < 0))) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = v;
    }
  }

  // A batch's low, median and high at each iterate over its seeds, each counted up to its stop step (NaN
  // where none is; where fewer than half still go, not drawn: NaN).
  function spread(rows, stops, qs) {
    var N = rows.length, n = rows[0].length, buf = new Float64Array(N);
    var low = new Float64Array(n), mid = new Float64Array(n), high = new Float64Array(n);
    for (var k = 0; k < n; k++) {
      var count = 0, going = 0;
      for (var i = 0; i < N; i++) {
        if (stops[i] >= k) { going++; if (rows[i][k] === rows[i][k]) buf[count++] = rows[i][k]; }
      }
      if (!count || 2 * going < N) { low[k] = mid[k] = high[k] = NaN; continue; }
      sortFew(buf, count);
      low[k] = quantile(buf, count, qs[0]);
      mid[k] = quantile(buf, count, 0.5);
      high[k] = quantile(buf, count, qs[1]);
    }
    return { low: low, mid: mid, high: high };
  }

  function SpreadLayer(view, spec, surface, data, page) {
    this.view = view;
    this.spec = spec;
    this.page = page;
    this.ax = new P.Axes(spec.axes);
    this.cache = {};
  }

  // Run `r` with each seed: its results and its batch's spread (cached while the run's inputs stay).
  SpreadLayer.prototype.batch = function (r, i) {
    var s = this.spec, page = this.page, inputs = Object.assign({}, page.inputs(r), { seed: null });
    var key = JSON.stringify([r.rule, r.params, r.schedule || null, inputs]);
    var c = this.cache[i];
    if (c && c.key === key) return c;
    // (the run with its own seed is the page's run, already computed: taken, not made again)
    var own = page.cache[i] === JSON.stringify([r.rule, r.params, r.schedule || null, page.inputs(r)]) ? page.results[i] : null;
    var results = s.seeds.map(function (seed) {
      return own !== null && seed === r.seed ? own : page.compute(Object.assign({}, r, { seed: seed }));
    });
    var stops = results.map(function (res) { return res.stopStep; });
    var rows = results.map(function (res, j) {
      var n = res.steps + 1, v = new Float64Array(n);
      for (var k = 0; k < n; k++) v[k] = s.kind === "gap" ? res.loss[k] - s.fmin : res.loss[k];
      return smoothed(v, stops[j], s.smooth);
    });
    c = this.cache[i] = { key: key, results: results, stats: spread(rows, stops, s.quantiles) };
    return c;
  };

  // The panel as optviz.plot.loss_spread lays it out: the top, each batch's last drawn iterate, its line
  // (ending on the top where it crosses it), its band (cut at the top), its cross and note, the limits.
  // (extent: the last x of the curves of a panel sharing the x axis, or -Infinity)
  SpreadLayer.prototype.layout = function (batches, extent) {
    var s = this.spec, top = s.top, starts = [], highs = [];
    batches.forEach(function (b) {
      var st = b.stats, h = -Infinity, any = false;
      if (isFinite(st.mid[0])) starts.push(st.mid[0]);
      for (var k = 0; k < st.high.length; k++) {
        if (isFinite(st.high[k])) any = true;
        if (st.high[k] === st.high[k]) h = Math.max(h, st.high[k]);
      }
      if (any) highs.push(h);
    });
    if (top === null && starts.length) {
      var start = 30 * Math.max.apply(null, starts);
      top = highs.length ? Math.min(start, 1.5 * Math.max.apply(null, highs)) : start;
    }
    var unit = s.unit, xmax = 0, bottom = Infinity;
    var curves = batches.map(function (b) {
      var st = b.stats, mid = Float64Array.from(st.mid), n = mid.length, last = 0;
      for (var k = 0; k < n; k++) if (isFinite(mid[k])) last = k;
      if (top !== null) {
        for (var j = 0; j <= last; j++) if (mid[j] > top) { last = j; mid[j] = top; break; }
      }
      var high = st.high.map(function (v) { return top === null ? v : v !== v ? NaN : Math.min(v, top); });
      for (var m = 0; m < n; m++) if (st.low[m] > 0) bottom = Math.min(bottom, st.low[m]);
      xmax = Math.max(xmax, last);
      var ended = b.results.filter(function (res) { return res.status === "diverged" || res.status === "singular"; });
      var note = null;
      if (ended.length) {
        var worst = Math.max.apply(null, ended.map(function (res) { return res.stopStep + (res.status === "diverged" ? 1 : 0); }));
        var what = ended.every(function (res) { return res.status === "diverged"; }) ? "diverged" : "ended early";
        var every = ended.length === b.results.length ? "all" : ended.length + " of";
        note = what + ": " + every + " " + b.results.length + " " + unit + " by step " + worst;
      }
      return { low: st.low, mid: mid, high: high, unclipped: st.high, last: last, ended: ended.length, note: note };
    });
    var ylim;
    if (top !== null && bottom < Infinity) ylim = [s.log ? bottom / 1.5 : bottom, top];
    else { // matplotlib's autoscale of the drawn curves and bands
      var values = [];
      curves.forEach(function (c) {
        for (var k = 0; k <= c.last; k++) [c.low[k], c.mid[k], c.high[k]].forEach(function (v) { if (isFinite(v) && (!s.log || v > 0)) values.push(v); });
      });
      ylim = R.lossLimits(values, s.log);
    }
    var span = Math.max(xmax, extent, 1);
    return { top: top, curves: curves, xlim: [-0.05 * span, 1.05 * span], ylim: ylim };
  };

  SpreadLayer.prototype.draw = function (ctx, items, k) {
    var s = this.spec, g = this.ax.g, self = this, log = s.log;
    var runs = this.page.runs;
    var batches = items.map(function (it) { return self.batch(runs[it.index], it.index); });
    // a panel that shares the x axis (schedules' lr) widens the limits to its curves too
    var extent = -Infinity, me = this;
    if (s.sharex) this.page.layers.forEach(function (l) { if (l !== me && l.xExtent) extent = Math.max(extent, l.xExtent(items)); });
    var lay = this.laid = this.layout(batches, extent);
    var map = this.view.liveAxes(ctx, g, lay.xlim, lay.ylim, log, s, s.bins), X = map.X, Y = map.Y;
    lay.yticks = log ? map.yticks : null;
    var ok = function (v) { return v === v && (!log || v > 0); };
    // what a legend inside this panel keeps off (loc="best"): every median's and band's vertices, the
    // crosses, the notes' boxes (matplotlib's _auto_legend_data)
    var live = this.view.live.spread = { lines: [], boxes: [] };
    ctx.save();
    this.ax.clip(ctx);
    // the bands (fill_between: a polygon per stretch where both edges are drawn), then the medians
    lay.curves.forEach(function (c, n) {
      var end = Math.min(c.last, k), color = items[n].color;
      ctx.save();
      ctx.globalAlpha = s.bandAlpha;
      ctx.fillStyle = color;
      var j = 0;
      while (j <= end) {
        while (j <= end && !(ok(c.low[j]) && ok(c.high[j]))) j++;
        var a = j;
        while (j <= end && ok(c.low[j]) && ok(c.high[j])) j++;
        if (j - a < 1) continue;
        var poly = [X(a), Y(c.high[a])];
        for (var m = a; m < j; m++) poly.push(X(m), Y(c.low[m]));
        for (m = j - 1; m >= a; m--) poly.push(X(m), Y(c.high[m]));
        poly.push(X(a), Y(c.high[a]));
        ctx.beginPath();
        ctx.moveTo(poly[0], poly[1]);
        for (m = 2; m < poly.length; m += 2) ctx.lineTo(poly[m], poly[m + 1]);
        ctx.fill();
        live.lines.push(Float64Array.from(poly));
      }
      ctx.restore();
    });
    this.ax.frame(ctx); // matplotlib draws the spines over the bands, under the lines
    lay.curves.forEach(function (c, n) {
      var end = Math.min(c.last, k), pts = [], style = Object.assign({}, s.line, { color: items[n].color });
      var flush = function () {
        P.polyline(ctx, pts, style);
        if (pts.length) live.lines.push(Float64Array.from([].concat.apply([], pts)));
        pts = [];
      };
      for (var j = 0; j <= end; j++) {
        if (ok(c.mid[j])) pts.push([X(j), Y(c.mid[j])]);
        else flush();
      }
      flush();
    });
    ctx.restore();
    // where seeds ended early, once the line has ended: the cross on its end, the note below right of it
    lay.curves.forEach(function (c, n) {
      if (!c.ended || k < c.last || !ok(c.mid[c.last])) return;
      var x = X(c.last), y = Y(c.mid[c.last]), color = items[n].color;
      P.marker(ctx, "X", x, y, s.cross.size, color, "#000000", s.cross.edge);
      var box = P.text(ctx, c.note, x + s.note.dx, y + s.note.dy, { size: s.note.size, color: color, weight: "bold", align: "left", baseline: "top", box: "#ffffff" });
      live.lines.push(Float64Array.from([x, y]));
      live.boxes.push(box);
      self.view.textBoxes.push(box);
    });
  };

  // What the panel shows (for the tests): per run, its low, median (ending on the top where it crosses it) and
  // high (not cut at the top), null where NaN, as loss_spread's stats; its last drawn
  // iterate, how many seeds ended early and the note; the top, the limits and, on a log axis, the y ticks drawn
  // (logTicks' major and minor).
  SpreadLayer.prototype.state = function () {
    var lay = this.laid, nums = function (a) { return Array.prototype.map.call(a, function (v) { return v === v ? v : null; }); };
    return {
      top: lay.top, xlim: lay.xlim, ylim: lay.ylim, yticks: lay.yticks,
      runs: lay.curves.map(function (c) {
        return { low: nums(c.low), mid: nums(c.mid), high: nums(c.unclipped), last: c.last, ended: c.ended, note: c.note };
      }),
    };
  };

  root.OptvizLayers = root.OptvizLayers || {};
  root.OptvizLayers.spread = SpreadLayer;
  root.OptvizSpread = { smoothed: smoothed, quantile: quantile, spread: spread };
})(typeof globalThis !== "undefined" ? globalThis : this);
