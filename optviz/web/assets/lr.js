// The live learning-rate panel (optviz.plot.learning_rate; read by optviz.web.lr_layer): the lr each run took
// at each step k = 0 .. stop - 1 (its schedule's, from the engine, else its rule's own lr), growing with the
// step shown, on ticks and a grid as matplotlib's (the x limits shared with the loss panel over seeds, the y
// limits the curves' range with 5% margins); and the paths' title, the first run's settings
// (Trajectory.legend_text without the schedule) and, for noisy runs, its seed.
/* eslint-disable no-var */
(function (root) {
  "use strict";
  var P = root.OptvizPage, R = root.OptvizRuns;

  function LearningRateLayer(view, spec, surface, data, page) {
    this.view = view;
    this.spec = spec;
    this.data = data;
    this.page = page;
    this.ax = new P.Axes(spec.axes);
  }

  // Each run's lr of each step it took (optviz.plot.learning_rate: taken = max(stop, 1) steps).
  LearningRateLayer.prototype.curves = function (items) {
    return items.map(function (it) {
      var res = it.result, taken = Math.max(res.stopStep, 1), v = new Float64Array(taken);
      for (var k = 0; k < taken; k++) v[k] = res.lrs ? res.lrs[k] : res.params.lr;
      return v;
    });
  };

  LearningRateLayer.prototype.xExtent = function (items) {
    return this.curves(items).reduce(function (m, v) { return Math.max(m, v.length - 1); }, -Infinity);
  };

  // The x limits: the loss panel's (shared), else the curves' with 5% margins.
  LearningRateLayer.prototype.xlim = function (curves) {
    var spread = this.page.layers.filter(function (l) { return l.name === "spread"; })[0];
    if (spread && spread.laid) return spread.laid.xlim;
    var span = Math.max(1, Math.max.apply(null, curves.map(function (v) { return v.length - 1; })));
    return [-0.05 * span, 1.05 * span];
  };

  LearningRateLayer.prototype.title = function () {
    var page = this.page, d = this.data, r = page.runs[0], inp = page.inputs(r);
    var text = R.legendText(d.rules[r.rule], page.label(r), r.params, d.paramNames, r.custom, r.given, null);
    return inp.noise ? text + ", seed " + inp.seed : text;
  };

  LearningRateLayer.prototype.draw = function (ctx, items, k) {
    var s = this.spec, g = this.ax.g, curves = this.curves(items), values = [];
    curves.forEach(function (v) { for (var j = 0; j < v.length; j++) if (isFinite(v[j])) values.push(v[j]); });
    var xs = this.xlim(curves), ys = R.lossLimits(values, false);
    var map = this.view.liveAxes(ctx, g, xs, ys, false, s, s.bins), X = map.X, Y = map.Y;
    ctx.save();
    this.ax.clip(ctx);
    curves.forEach(function (v, n) {
      var pts = [];
      for (var j = 0; j < v.length && j <= k; j++) pts.push([X(j), Y(v[j])]);
      P.polyline(ctx, pts, Object.assign({}, s.line, { color: items[n].color }));
    });
    ctx.restore();
    var t = s.title;
    if (t) {
      var text = this.title(), size = t.size, wide = R.measure(ctx, text, size, t.weight);
      if (wide > t.width) size *= Math.max(0.6, t.width / wide); // (kept within its panel's width)
      P.text(ctx, text, t.x, t.bottom, { size: size, color: t.color, weight: t.weight, align: "center", baseline: "bottom" });
    }
    this.drawn = { curves: curves, xlim: xs, ylim: ys, title: t ? this.title() : null };
  };

  LearningRateLayer.prototype.state = function () {
    var d = this.drawn;
    return { lines: d.curves.map(function (v) { return Array.from(v); }), xlim: d.xlim, ylim: d.ylim, title: d.title };
  };

  root.OptvizLayers = root.OptvizLayers || {};
  root.OptvizLayers.lr = LearningRateLayer;
})(typeof globalThis !== "undefined" ? globalThis : this);
