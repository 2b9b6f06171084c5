// The live zoom of the update_diagram kind (optviz.plot.update_diagram beside the run's overview; read by
// optviz.web.diagram_layer): the update at one step of the page's own run, with Trajectory.update_vectors'
// numbers (the run's gradients and momentum buffer), at the view plot.update_diagram frames for it (the
// arrows' box padded by `pad` of its extent, widened to the panel's box), over the run's faint path and the
// contours plot.contour drew, computed here with contours.js on the same grid at the same levels (the grid
// does not follow the view: matplotlib draws the zoom's contours over the figure's bounds). The zoom's box in
// the overview follows the view; the panel's title names the step.
/* eslint-disable no-var */
(function (root) {
  "use strict";
  var P = root.OptvizPage, R = root.OptvizRuns, C = root.OptvizContours;

  function DiagramLayer(view, spec, surface, data, page) {
    this.data = data;
    this.page = page;
    this.view = view;
    this.spec = spec;
    this.surface = surface;
    this.ax = new P.Axes(spec.axes);
    this.lines = [];
    this.bands = [];
    if (!spec.zoomed) return; // (a fixed view: its contours stay in the image)
    // The image holds the zoom's contours at the figure's own view (the page's first state). The page's own,
    // for any other view, are worked out once the page is ready (a second on a large grid), or at the first
    // other view, whichever comes first.
    var self = this;
    this.ready = false;
    if (root.MutationObserver && root.document) {
      var watch = new root.MutationObserver(function () {
        if (!document.body.hasAttribute("data-ready")) return;
        watch.disconnect();
        setTimeout(function () { self.contours(); }, 0);
      });
      watch.observe(document.body, { attributes: true, attributeFilter: ["data-ready"] });
    }
  }

  // The contours, once: their grid and levels are the same at every step and for every run.
  DiagramLayer.prototype.contours = function () {
    if (this.ready) return;
    this.ready = true;
    var spec = this.spec, surface = this.surface;
    var c = spec.contours, g = C.grid(surface, c.n, c.bounds), gen = C.generator(g);
    var levels = new Float64Array(c.levels);
    this.lines = c.lines && levels.length ? Array.prototype.map.call(levels, function (l) { return gen.lines(l); }) : [];
    this.lineColors = c.lines && levels.length ? C.levelColors(levels, c.lines.lut, c.lines.alpha) : [];
    if (c.bands) {
      var fill = C.fillLevels(g, levels);
      if (fill.length > 1) {
        this.bands = C.bands(gen, g, fill);
        this.bandColors = C.bandColors(fill, c.bands.lut);
      }
    }
  };

  // Trajectory.update_vectors(t) of the page's run: {point, velocity, gradient, step, lookahead (Nesterov)},
  // as optviz.optimizers' Momentum and Nesterov compute them (zero arrows once the run has stopped).
  DiagramLayer.prototype.vectors = function (res, t) {
    // (a scheduled run: the lr and momentum that step ran with, as Trajectory.update_vectors' rule_at_step)
    var h = res.params, lr = res.lrs ? res.lrs[t] : h.lr, rho = res.momenta ? res.momenta[t] : h.rho;
    var b = res.state.momentum_buffer, gr = res.grad;
    var nesterov = res.rule === "nesterov", pts = nesterov ? res.state.position : res.xy, wd = h.weight_decay || 0;
    var point = [pts[2 * t], pts[2 * t + 1]], c = -lr * rho;
    var velocity = [c * b[2 * t], c * b[2 * t + 1]], at = nesterov ? [res.xy[2 * t], res.xy[2 * t + 1]] : point;
    var g = [gr[2 * t] + wd * at[0], gr[2 * t + 1] + wd * at[1]];
    if (!nesterov && t > 0) { var d = 1 - (h.dampening || 0); g = [d * g[0], d * g[1]]; }
    var out = {
      point: point, velocity: velocity, gradient: [-lr * g[0], -lr * g[1]],
      step: [pts[2 * t + 2] - point[0], pts[2 * t + 3] - point[1]],
    };
    if (res.stopStep <= t) { out.velocity = [0, 0]; out.gradient = [0, 0]; out.step = [0, 0]; }
    if (nesterov) out.lookahead = at;
    return out;
  };

  // plot.update_diagram's arrows: each one's tail (Nesterov's gradient starts at the look-ahead x + v).
  function tails(vec) {
    var x = vec.point, v = vec.velocity;
    var look = [x[0] + v[0], x[1] + v[1]];
    return { velocity: x, gradient: vec.lookahead ? look : x, step: x, look: vec.lookahead ? look : null };
  }

  // plot.update_diagram's frame: every tail, tip and point, padded by `pad` times their extent, widened to the
  // panel's box (optviz.plot.views.widen).
  DiagramLayer.prototype.frame = function (vec) {
    var t = tails(vec), x = vec.point, pts = [x];
    ["velocity", "gradient", "step"].forEach(function (n) { pts.push([t[n][0] + vec[n][0], t[n][1] + vec[n][1]]); });
    pts.push(x);
    if (t.look) pts.push(t.look);
    pts.push([x[0] + vec.step[0], x[1] + vec.step[1]]);
    var lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
    pts.forEach(function (p) { for (var i = 0; i < 2; i++) { lo[i] = Math.min(lo[i], p[i]); hi[i] = Math.max(hi[i], p[i]); } });
    var extent = Math.max(Math.max(hi[0] - lo[0], hi[1] - lo[1]), 1e-12), pad = this.spec.pad;
    var b = [[lo[0] - pad * extent, hi[0] + pad * extent], [lo[1] - pad * extent, hi[1] + pad * extent]];
    var g = this.spec.axes, aspect = g.width / g.height, w = b[0][1] - b[0][0], h = b[1][1] - b[1][0];
    if (w / h < aspect) { var cx = 0.5 * (b[0][0] + b[0][1]), hx = 0.5 * h * aspect; return [[cx - hx, cx + hx], b[1]]; }
    var cy = 0.5 * (b[1][0] + b[1][1]), hy = 0.5 * w / aspect;
    return [b[0], [cy - hy, cy + hy]];
  };

  // An axis' ticks in the view: matplotlib's steps for the axis' tick bins, fewer while neighbouring labels
  // come nearer than a third of an em (optviz.figures.layout.thin_ticks: a locator of two ticks fewer).
  function ticks(ctx, lim, length, font, bins, across) {
    var out = [], n = bins;
    for (var round = 0; round < 4; round++) {
      out = R.linearTicks(lim[0], lim[1], length, font, n).filter(function (t) { return t.value >= lim[0] && t.value <= lim[1]; });
      var scale = length / (lim[1] - lim[0]), touching = false;
      for (var i = 0; i + 1 < out.length; i++) {
        var gap = (out[i + 1].value - out[i].value) * scale;
        var need = across ? 0.5 * (R.measure(ctx, out[i].text, font) + R.measure(ctx, out[i + 1].text, font)) : font;
        if (gap - need < 0.3 * font) { touching = true; break; }
      }
      if (!touching) break;
      n = Math.max(1, out.length - 3);
    }
    return out;
  }

  // The step shown: the page's while it steps through the run (from the first update on), at the last step
  // the figure's own; never past the run's last update.
  DiagramLayer.prototype.shownStep = function (res, k, last) {
    var j = k < last ? Math.max(k, 1) : this.spec.step;
    return Math.min(j, res.stopStep - 1);
  };

  DiagramLayer.prototype.draw = function (ctx, items, k) {
    var s = this.spec, it = items[0], res = it.result, self = this;
    var last = items.reduce(function (m, r) { return Math.max(m, r.result.steps); }, 0);
    var j = this.shownStep(res, k, last), vec = j >= 1 ? this.vectors(res, j) : null;
    // the static figure's own view at its own step (matplotlib's limits); elsewhere the frame of the update
    // (not zoomed: the panel's view, fixed)
    var same = vec && j === s.step && sameUpdate(vec, s.update);
    var b = same || !s.zoomed ? s.view : vec ? this.frame(vec) : s.view;
    var g = s.axes, st = s.ticks;
    var X = function (u) { return g.left + (u - b[0][0]) / (b[0][1] - b[0][0]) * g.width; };
    var Y = function (v) { return g.top + g.height - (v - b[1][0]) / (b[1][1] - b[1][0]) * g.height; };
    var toPixel = function (x, y) { return [X(x), Y(y)]; };
    var xt = same || !s.zoomed ? s.staticTicks.x : ticks(ctx, b[0], g.width, st.tickfont, g.xbins, true);
    var yt = same || !s.zoomed ? s.staticTicks.y : ticks(ctx, b[1], g.height, st.tickfont, g.ybins, false);
    if (s.zoomed) {
      var paths = this.view.spec.paths;
      this.view.yText = [];
      var yfont = this.view.moveYLabel(ctx, g, yt, false, st, paths ? paths.left + paths.width : 0);
      R.drawTicks(ctx, g, X, Y, xt, yt, st, { yfont: yfont });
    }
    ctx.save();
    this.ax.clip(ctx);
    var drawnPath = [];
    if (s.zoomed) {
      if (!same) { // (at the figure's own view the image shows matplotlib's contours)
        this.contours();
        ctx.fillStyle = "#ffffff";
        ctx.fillRect(g.left, g.top, g.width, g.height);
        if (this.bands.length) C.drawFilled(ctx, this.bands, this.bandColors, toPixel);
        if (this.lines.length) C.draw(ctx, this.lines, this.lineColors, s.contours.lines.width, toPixel);
      }
      drawnPath = this.drawPath(ctx, it, res, k, X, Y);
    } else {
      // (the path is the page's panel of paths, drawn with the runs: its points, for the names to keep off)
      var pts = this.view.pixels(res);
      for (var q = 0; q <= Math.min(k, res.stopStep); q++) drawnPath.push([pts[2 * q], pts[2 * q + 1]]);
    }
    var names = [];
    if (vec) names = this.drawUpdate(ctx, vec, X, Y, same, drawnPath);
    ctx.restore();
    if (s.zoomed) this.ax.frame(ctx);
    // the title naming the step, where matplotlib wrote it
    var T = s.title, title = T.template.replace("{k}", String(j));
    P.text(ctx, vec ? title : title + ": no update", T.x, T.baseline, { size: T.size, color: T.color, weight: T.weight, align: "center" });
    var over = s.zoomed ? this.drawOverviewTitle(ctx) : null;
    // the zoom's box in the overview
    var ov = this.view.ax;
    if (ov && s.zoomed) {
      ctx.save();
      ov.clip(ctx);
      ctx.strokeStyle = s.box.color;
      ctx.lineWidth = s.box.width;
      ctx.lineJoin = "miter";
      var r = same ? s.box.rect : b; // (at the figure's own update: where matplotlib drew it)
      ctx.strokeRect(ov.X(r[0][0]), ov.Y(r[1][1]), ov.X(r[0][1]) - ov.X(r[0][0]), ov.Y(r[1][0]) - ov.Y(r[1][1]));
      ctx.restore();
    }
    names.forEach(function (n) { self.view.textBoxes.push(n.box); });
    this.shown = { step: j, view: b, vectors: vec, overviewTitle: over, xticks: xt.map(function (t) { return t.value; }), names: names };
  };

  // The overview's title: the run's settings (plot.common.run_label, as the page's legend writes them), on
  // as many lines as matplotlib's (a title too wide for its panel broken at a comma nearest its middle:
  // optviz.figures.titles.fit_title), set smaller where a line is still too wide. Returns its text, its lines
  // joined by newlines as matplotlib's.
  DiagramLayer.prototype.drawOverviewTitle = function (ctx) {
    var t = this.spec.overviewTitle, page = this.page, r = page.runs[0];
    var text = R.RunsPage.prototype.legend.call(page, r); // (Trajectory.legend_text: its schedule too)
    var lines = [text], size = t.size, weight = t.weight === "bold" ? "bold" : "normal";
    if (t.lines > 1 || R.measure(ctx, text, size, weight) > t.width) {
      var best = -1;
      for (var i = text.indexOf(", "); i >= 0; i = text.indexOf(", ", i + 1)) {
        if (best < 0 || Math.abs(i - text.length / 2) < Math.abs(best - text.length / 2)) best = i;
      }
      if (best >= 0) lines = [text.slice(0, best + 1), text.slice(best + 2)];
    }
    var wide = Math.max.apply(null, lines.map(function (l) { return R.measure(ctx, l, size, weight); }));
    if (wide > t.width) size *= Math.max(0.6, t.width / wide);
    for (var n = 0; n < lines.length; n++) {
      var bottom = t.bottom - (lines.length - 1 - n) * 1.2 * size;
      P.text(ctx, lines[n], t.x, bottom, { size: size, color: t.color, weight: weight, align: "center", baseline: "bottom" });
    }
    return lines.join("\n");
  };

  // Whether the page's update is the static figure's (its run unchanged): then the view, ticks and names are
  // matplotlib's (plot.update_diagram's frame within 2% of its panel's proportions is not widened further).
  function sameUpdate(vec, fig) {
    return ["point", "velocity", "gradient", "step"].every(function (n) {
      return Math.abs(vec[n][0] - fig[n][0]) <= 1e-12 * (1 + Math.abs(fig[n][0])) && Math.abs(vec[n][1] - fig[n][1]) <= 1e-12 * (1 + Math.abs(fig[n][1]));
    });
  }

  // The run's path up to the page's step, faint (plot.trajectory at alpha 0.4 in the zoom), its dots, start
  // and current point. Returns its points in pixels (the names keep off them).
  DiagramLayer.prototype.drawPath = function (ctx, it, res, k, X, Y) {
    var s = this.spec, st = s.path, pts = res.rule === "nesterov" ? res.state.position : res.xy;
    var lastShown = Math.min(k, res.stopStep), px = [];
    for (var i = 0; i <= lastShown; i++) px.push([X(pts[2 * i]), Y(pts[2 * i + 1])]);
    var style = { color: it.color, width: st.width, alpha: st.alpha };
    P.polyline(ctx, px, style);
    var stride = Math.max(1, Math.ceil((res.stopStep + 1) / 60)), r = st.markersize / 2;
    ctx.save();
    ctx.globalAlpha = st.alpha;
    ctx.fillStyle = it.color;
    ctx.beginPath();
    for (var j = 0; j <= lastShown; j += stride) { ctx.moveTo(px[j][0] + r, px[j][1]); ctx.arc(px[j][0], px[j][1], r, 0, 2 * Math.PI); }
    ctx.fill();
    ctx.restore();
    if (s.start) P.marker(ctx, "o", px[0][0], px[0][1], s.start.markersize, s.start.markerface, it.color, s.start.markeredgewidth, st.alpha);
    if (s.end) P.marker(ctx, "o", px[lastShown][0], px[lastShown][1], 3.2 * st.width, it.color, s.end.markeredge, s.end.markeredgewidth, st.alpha);
    return px;
  };

  // The arrows, the dashed completion of their sum, the point and the look-ahead point, and the names.
  DiagramLayer.prototype.drawUpdate = function (ctx, vec, X, Y, same, path) {
    var s = this.spec, t = tails(vec), x = vec.point, v = vec.velocity, gr = vec.gradient, step = vec.step;
    var tip = function (n) { return [t[n][0] + vec[n][0], t[n][1] + vec[n][1]]; };
    var guides = vec.lookahead ? [[[x[0] + v[0], x[1] + v[1]], [x[0] + step[0], x[1] + step[1]]]]
      : [[[x[0] + v[0], x[1] + v[1]], [x[0] + step[0], x[1] + step[1]]], [[x[0] + gr[0], x[1] + gr[1]], [x[0] + step[0], x[1] + step[1]]]];
    if (s.guide) {
      ctx.save();
      ctx.setLineDash([3 * s.guide.width, 3 * s.guide.width]);
      guides.forEach(function (ab) { P.polyline(ctx, [[X(ab[0][0]), Y(ab[0][1])], [X(ab[1][0]), Y(ab[1][1])]], { color: s.guide.color, width: s.guide.width }); });
      ctx.restore();
    }
    var segments = [];
    ["velocity", "gradient", "step"].forEach(function (n) {
      var a = s.arrows[n], p0 = t[n], p1 = tip(n);
      segments.push([X(p0[0]), Y(p0[1]), X(p1[0]), Y(p1[1])]);
      if (!(Math.hypot(vec[n][0], vec[n][1]) > 0)) return;
      P.arrow(ctx, X(p0[0]), Y(p0[1]), X(p1[0]), Y(p1[1]), a.color, a.width, a.head, true);
    });
    var pt = s.point;
    P.marker(ctx, "o", X(x[0]), Y(x[1]), pt.markersize, pt.markerface, pt.markeredge, pt.markeredgewidth);
    if (t.look && s.lookahead) {
      var l = s.lookahead;
      P.marker(ctx, "o", X(t.look[0]), Y(t.look[1]), l.markersize, l.markerface, l.markeredge, l.markeredgewidth);
    }
    return this.drawNames(ctx, vec, t, X, Y, same, segments, path);
  };

  // optviz.plot.placement.beside's spots for an arrow: either side of it (the side away from the arrows'
  // middle first) at its middle, then at 0.3 and 0.7 of it, then twice as far; beyond its tip, behind its
  // tail; then either side at 3.5 times the distance.
  function besideSpots(dir, dist, tail, middle) {
    var n = Math.hypot(dir[0], dir[1]) || 1, u = [dir[0] / n, dir[1] / n]; // (all in pixels, y down)
    var normals = [[-u[1], u[0]], [u[1], -u[0]]];
    var mid = [tail[0] + 0.5 * dir[0], tail[1] + 0.5 * dir[1]];
    if (normals[0][0] * (mid[0] - middle[0]) + normals[0][1] * (mid[1] - middle[1]) < 0) normals.reverse();
    var out = [];
    [1, 2].forEach(function (scale) {
      [0.5, 0.3, 0.7].forEach(function (f) {
        var at = [tail[0] + f * dir[0], tail[1] + f * dir[1]];
        normals.forEach(function (m) { out.push({ at: at, d: [dist * scale * m[0], dist * scale * m[1]] }); });
      });
    });
    [1, 2].forEach(function (scale) {
      out.push({ at: [tail[0] + dir[0], tail[1] + dir[1]], d: [dist * scale * u[0], dist * scale * u[1]] });
      out.push({ at: tail, d: [-dist * scale * u[0], -dist * scale * u[1]] });
    });
    [0.5, 0.3, 0.7].forEach(function (f) {
      var at = [tail[0] + f * dir[0], tail[1] + f * dir[1]];
      normals.forEach(function (m) { out.push({ at: at, d: [3.5 * dist * m[0], 3.5 * dist * m[1]] }); });
    });
    return out;
  }

  // A text's box at a spot: matplotlib's alignment from the direction of its offset (placement's Spot).
  function boxAt(spot, w, h) {
    var dx = spot.d[0], dy = spot.d[1], norm = Math.hypot(dx, dy) || 1, nx = dx / norm, ny = dy / norm;
    var x = spot.at[0] + dx, y = spot.at[1] + dy;
    var left = nx > 0.3 ? x : nx < -0.3 ? x - w : x - w / 2;
    var top = ny > 0.3 ? y : ny < -0.3 ? y - h : y - h / 2;
    return [left, top, left + w, top + h];
  }

  function crosses(box, seg) {
    // a segment meets a box: sampled along it (the arrows are short; a few dozen samples suffice)
    for (var i = 0; i <= 24; i++) {
      var x = seg[0] + (seg[2] - seg[0]) * i / 24, y = seg[1] + (seg[3] - seg[1]) * i / 24;
      if (x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3]) return true;
    }
    return false;
  }

  // The names: at the static figure's step where matplotlib placed them; elsewhere at the first spot that
  // covers the fewest arrows, path segments and names, inside the panel.
  DiagramLayer.prototype.drawNames = function (ctx, vec, t, X, Y, same, segments, path) {
    var s = this.spec, g = s.axes, placed = [], order = ["velocity", "gradient", "actual step"];
    var keys = { velocity: "velocity", gradient: "gradient", "actual step": "step" };
    var pathSegs = [];
    for (var i = 0; i + 1 < path.length; i++) pathSegs.push([path[i][0], path[i][1], path[i + 1][0], path[i + 1][1]]);
    var middle = [0, 0];
    segments.forEach(function (sg) { middle[0] += (sg[0] + sg[2]) / 6; middle[1] += (sg[1] + sg[3]) / 6; });
    var all = order.map(function (n) { return [n, keys[n]]; });
    if (t.look && s.names["look-ahead"]) all.push(["look-ahead", null]);
    all.forEach(function (pair) {
      var name = pair[0], N = s.names[name];
      if (!N) return;
      var w = R.measure(ctx, name, N.size, N.weight === "bold" ? "bold" : undefined), h = 1.15 * N.size, box;
      if (same) {
        var b = N.box, cx = (b[0] + b[2]) / 2, cy = (b[1] + b[3]) / 2;
        box = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
      } else {
        var spots;
        if (pair[1]) {
          var sg = segments[["velocity", "gradient", "step"].indexOf(pair[1])];
          spots = besideSpots([sg[2] - sg[0], sg[3] - sg[1]], s.spot, [sg[0], sg[1]], middle);
        } else {
          var lp = [X(t.look[0]), Y(t.look[1])], d = s.spot;
          spots = [[-1, 1], [-1, -1], [1, 1], [1, -1], [1, 0], [-1, 0], [0, -1], [0, 1]].map(function (m) { return { at: lp, d: [d * m[0], d * m[1]] }; });
        }
        var best = null;
        spots.forEach(function (sp) {
          var bx = boxAt(sp, w, h), cost = 0;
          if (bx[0] < g.left || bx[2] > g.left + g.width || bx[1] < g.top || bx[3] > g.top + g.height) cost += 100;
          segments.forEach(function (sg2) { if (crosses(bx, sg2)) cost += 20; });
          pathSegs.forEach(function (sg2) { if (crosses(bx, sg2)) cost += 1; });
          // (names a fifth of an em apart at least: two names touching read as one)
          var m = 0.2 * N.size;
          placed.forEach(function (o) { if (!(bx[2] + m < o.box[0] || bx[0] - m > o.box[2] || bx[3] + m < o.box[1] || bx[1] - m > o.box[3])) cost += 20; });
          if (best === null || cost < best.cost) best = { cost: cost, box: bx };
        });
        box = best.box;
      }
      P.text(ctx, name, box[0], box[1] + 0.8 * h, { size: N.size, color: N.color, weight: N.weight === "bold" ? "bold" : "normal" });
      placed.push({ name: name, box: box });
    });
    return placed;
  };

  // What the zoom shows (window.optviz.state().layers.diagram): the step, the view, the update's vectors, the
  // names' boxes.
  DiagramLayer.prototype.state = function () { return this.shown; };

  // The contours' lines in data coordinates (the tests hold them equal to matplotlib's).
  DiagramLayer.prototype.contourLines = function () {
    if (this.spec.zoomed) this.contours();
    return this.lines.map(function (level) { return level.map(function (l) { return Array.prototype.slice.call(l); }); });
  };

  root.OptvizLayers = root.OptvizLayers || {};
  root.OptvizLayers.diagram = DiagramLayer;
})(typeof globalThis !== "undefined" ? globalThis : this);
