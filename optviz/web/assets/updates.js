// The live part of the lecture's same-state comparison (optviz.plot.same_state_updates; read by
// optviz.web.updates_layer), from the page's own runs with the numbers of Momentum.vectors_from and
// Nesterov.vectors_from: the state (x_k, v_k) is the Momentum run's (else the first run's), v_k = rho (x_k -
// x_{k-1}) on its drawn path; heavy ball takes the gradient at x, Nesterov at the look-ahead x + v; each rule
// with its own run's hyperparameters. One panel per rule, all at one scale that holds every step's arrows.
/* eslint-disable no-var */
(function (root) {
  "use strict";
  var P = root.OptvizPage, R = root.OptvizRuns, E = root.OptvizEngine;

  function UpdatesLayer(view, spec, surface) {
    this.view = view;
    this.spec = spec;
    this.surface = surface;
  }

  // The state's run and each panel's rule hyperparameters (optviz.figures.updates: a rule without a run of
  // its own takes the state run's lr and rho).
  UpdatesLayer.prototype.rules = function (items) {
    var state = items.filter(function (it) { return it.rule === "momentum"; })[0] || items[0];
    var sh = E.hyperparameters(state.rule, state.params);
    var rules = this.spec.panels.map(function (panel) {
      var own = items.filter(function (it) { return it.rule === panel.rule; })[0];
      return E.hyperparameters(panel.rule, own ? own.params : { lr: sh.lr, rho: sh.rho });
    });
    return { state: state, rho: sh.rho, rules: rules };
  };

  // torch's L2 weight decay folded into the gradient (optimizers._decay), at (x, y).
  function gradient(surface, x, y, wd, out) {
    surface.grad(x, y, out);
    if (wd !== 0) { out[0] = out[0] + wd * x; out[1] = out[1] + wd * y; }
    return out;
  }

  // Every state's vectors, per rule: {velocity, gradient, step, lookahead (Nesterov)}, as [x, y] arrays.
  UpdatesLayer.prototype.compute = function (items) {
    var r = this.rules(items), res = r.state.result, path = this.view.drawnPoints(res), self = this;
    var stop = res.stopStep + 1, g = new Float64Array(2);
    for (var j = 0; j <= 2 * res.stopStep + 1; j++) if (!isFinite(path[j])) { stop = res.stopStep; break; }
    var vectors = [];
    for (var k = 0; k < stop; k++) {
      var x = path[2 * k], y = path[2 * k + 1];
      var v = k === 0 ? [0, 0] : [r.rho * (x - path[2 * k - 2]), r.rho * (y - path[2 * k - 1])];
      vectors.push(this.spec.panels.map(function (panel, i) {
        var h = r.rules[i];
        if (panel.rule === "nesterov") {
          var look = [x + v[0], y + v[1]];
          gradient(self.surface, look[0], look[1], h.weight_decay, g);
          var gn = [-h.lr * g[0], -h.lr * g[1]];
          return { velocity: v, gradient: gn, step: [v[0] + gn[0], v[1] + gn[1]], lookahead: look };
        }
        gradient(self.surface, x, y, h.weight_decay, g);
        var c = -h.lr * (1 - h.dampening), gm = [c * g[0], c * g[1]];
        return { velocity: v, gradient: gm, step: [v[0] + gm[0], v[1] + gm[1]] };
      }));
    }
    return { vectors: vectors, states: path, stop: stop };
  };

  // SameStateUpdates.readable_step: the state whose shortest velocity or gradient arrow is longest.
  function readableStep(vectors) {
    if (vectors.length < 2) return 0;
    var best = -1, at = 1;
    for (var k = 1; k < vectors.length; k++) {
      var score = Math.min.apply(null, vectors[k].map(function (v) {
        return Math.min(Math.hypot(v.velocity[0], v.velocity[1]), Math.hypot(v.gradient[0], v.gradient[1]));
      }));
      if (isFinite(score) && score > best) { best = score; at = k; }
    }
    return at;
  }

  // The panels' common view (same_state_updates): every end of every step's arrows, padded, widened to each
  // panel's box (optviz.plot.views.widen: equal aspect).
  UpdatesLayer.prototype.bounds = function (vectors) {
    var lo = [0, 0], hi = [0, 0];
    function add(p) { for (var i = 0; i < 2; i++) { lo[i] = Math.min(lo[i], p[i]); hi[i] = Math.max(hi[i], p[i]); } }
    vectors.forEach(function (perRule) {
      perRule.forEach(function (v) {
        add(v.velocity);
        add([v.velocity[0] + v.gradient[0], v.velocity[1] + v.gradient[1]]);
        add(v.gradient);
        add(v.step);
      });
    });
    var span = Math.max(Math.max(hi[0] - lo[0], hi[1] - lo[1]), 1e-12), pad = this.spec.pad;
    return [[lo[0] - pad * span, hi[0] + pad * span], [lo[1] - pad * span, hi[1] + pad * span]];
  };

  function widen(b, aspect) {
    var w = b[0][1] - b[0][0], h = b[1][1] - b[1][0];
    if (!(w > 0 && h > 0 && aspect > 0)) return b;
    if (w / h < aspect) { var cx = 0.5 * (b[0][0] + b[0][1]), hx = 0.5 * h * aspect; return [[cx - hx, cx + hx], b[1]]; }
    var cy = 0.5 * (b[1][0] + b[1][1]), hy = 0.5 * w / aspect;
    return [b[0], [cy - hy, cy + hy]];
  }

  // The state compared: the page's step while it steps through the runs (as the GIF's frames); at the last
  // step (the whole paths, as the PNG) the figure's step option, else the most readable state.
  UpdatesLayer.prototype.compared = function (data, k, last) {
    if (k < last) return k;
    return this.spec.step !== null ? this.spec.step : readableStep(data.vectors);
  };

  UpdatesLayer.prototype.draw = function (ctx, items, k) {
    var s = this.spec, self = this, data = this.compute(items);
    var last = items.reduce(function (m, it) { return Math.max(m, it.result.steps); }, 0);
    var j = this.compared(data, k, last), shown = j >= 0 && j < data.stop;
    var view = this.bounds(data.vectors), views = [];
    this.view.yText = [];
    s.panels.forEach(function (panel, i) {
      var g = panel.axes, b = widen(view, g.width / g.height);
      // a static y label moves left only as far as the panel before it (the paths' axes before the first)
      var before = i > 0 ? s.panels[i - 1].axes : self.view.spec.paths;
      views.push(b);
      self.drawPanel(ctx, panel, b, shown ? data.vectors[j][i] : null, j, before ? before.left + before.width : 0);
    });
    if (s.marker) {
      var p = data.states, q = Math.min(Math.max(j, 0), p.length / 2 - 1), ax = this.view.ax;
      ctx.save();
      ax.clip(ctx);
      P.marker(ctx, "o", ax.X(p[2 * q]), ax.Y(p[2 * q + 1]), s.marker.markersize, s.marker.markerface, s.marker.markeredge, s.marker.markeredgewidth);
      ctx.restore();
    }
    this.shown = { step: j, stop: data.stop, vectors: data.vectors, views: views };
  };

  UpdatesLayer.prototype.drawPanel = function (ctx, panel, b, vec, j, left) {
    var s = this.spec, g = panel.axes, st = s.panels[0].ticks;
    var X = function (u) { return g.left + (u - b[0][0]) / (b[0][1] - b[0][0]) * g.width; };
    var Y = function (v) { return g.top + g.height - (v - b[1][0]) / (b[1][1] - b[1][0]) * g.height; };
    var inside = function (t, lim) { return t.value >= lim[0] && t.value <= lim[1]; };
    var xt = R.linearTicks(b[0][0], b[0][1], g.width, st.tickfont, g.xbins).filter(function (t) { return inside(t, b[0]); });
    var yt = R.linearTicks(b[1][0], b[1][1], g.height, st.tickfont, g.ybins).filter(function (t) { return inside(t, b[1]); });
    // wider tick labels than the PNG's (its own view) move the panel's static y label left, or are set smaller
    var yfont = g.ylabel ? this.view.moveYLabel(ctx, g, yt, false, st, left) : st.tickfont;
    R.drawTicks(ctx, g, X, Y, xt, yt, st, { yfont: yfont });
    ctx.save();
    ctx.beginPath();
    ctx.rect(g.left, g.top, g.width, g.height);
    ctx.clip();
    if (panel.zero) {
      var z = { color: panel.zero.color, width: panel.zero.width };
      P.polyline(ctx, [[g.left, Y(0)], [g.left + g.width, Y(0)]], z);
      P.polyline(ctx, [[X(0), g.top], [X(0), g.top + g.height]], z);
    }
    if (vec) {
      var v = vec.velocity, gr = vec.gradient, step = vec.step;
      // dashed completions of the sum: heavy ball's parallelogram; Nesterov's gradient starts at the tip
      var guides = vec.lookahead ? [[v, step]] : [[v, step], [gr, step]];
      ctx.save();
      ctx.setLineDash([3 * s.guide.width, 3 * s.guide.width]);
      guides.forEach(function (ab) { P.polyline(ctx, [[X(ab[0][0]), Y(ab[0][1])], [X(ab[1][0]), Y(ab[1][1])]], { color: s.guide.color, width: s.guide.width }); });
      ctx.restore();
      var tails = { velocity: [0, 0], gradient: vec.lookahead ? v : [0, 0], step: [0, 0] };
      ["velocity", "gradient", "step"].forEach(function (name) {
        var a = s.arrows[name], t = tails[name], d = vec[name];
        if (!(Math.hypot(d[0], d[1]) > 0)) return;
        P.arrow(ctx, X(t[0]), Y(t[1]), X(t[0] + d[0]), Y(t[1] + d[1]), a.color, a.width, a.head, true);
      });
      P.marker(ctx, "o", X(0), Y(0), s.point.markersize, s.point.markerface, s.point.markeredge, s.point.markeredgewidth);
      if (vec.lookahead && s.lookahead) {
        var l = s.lookahead;
        P.marker(ctx, "o", X(v[0]), Y(v[1]), l.markersize, l.markerface, l.markeredge, l.markeredgewidth);
      }
    }
    ctx.restore();
    this.drawLabel(ctx, panel.label, s.template.replace("{k}", String(j)) + (vec ? "" : ": no update"));
  };

  // The label naming the step, in the corner matplotlib placed it, in its rounded box.
  UpdatesLayer.prototype.drawLabel = function (ctx, L, text) {
    var w = R.measure(ctx, text, L.size), pad = Math.max(0, L.pad), bw = w + 2 * pad, bh = 1.2 * L.size + 2 * pad;
    var left = L.ha === "left" ? L.x : L.x - bw;
    ctx.save();
    ctx.globalAlpha = L.alpha;
    ctx.fillStyle = L.face;
    ctx.strokeStyle = L.edge;
    ctx.lineWidth = 1;
    ctx.beginPath();
    if (ctx.roundRect) ctx.roundRect(left, L.top, bw, bh, pad); else ctx.rect(left, L.top, bw, bh);
    ctx.fill();
    ctx.stroke();
    ctx.restore();
    P.text(ctx, text, left + pad, L.top + pad + 0.1 * L.size, { size: L.size, color: L.color, baseline: "top" });
    this.view.textBoxes.push([left, L.top, left + bw, L.top + bh]);
  };

  // What the panels show (window.optviz.state().layers.updates): the state compared, every state's vectors
  // per rule (the numbers of the rules' vectors_from), each panel's view.
  UpdatesLayer.prototype.state = function () { return this.shown; };

  root.OptvizLayers = root.OptvizLayers || {};
  root.OptvizLayers.updates = UpdatesLayer;
})(typeof globalThis !== "undefined" ? globalThis : this);
