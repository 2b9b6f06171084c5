// A page of several panels (the `panels` kind: the README's SGD vs SGD+Momentum figure): each panel its own
// surface, runs and live layers, drawn by its own View into the one canvas over the figure's static image.
// The runs are one flat list (run indices, ids c-<run>-<name> and set({run}) as on a scenario page), each with
// its panel; set({panel}) addresses one panel's runs. Paced together (optviz.figures.basic.PacedPanel), the
// page's step k shows iteration round(k * last_i / K) of panel i, named in the panel while k < K.
/* eslint-disable no-var */
(function (root) {
  "use strict";
  var P = root.OptvizPage, R = root.OptvizRuns, S = root.OptvizScenario;
  var copy = R.copy;

  function PanelsPage(data, surfaces) {
    R.RunsPage.call(this, data, surfaces[0]);
    var self = this, container = document.getElementById("figure");
    this.runs = data.runs.map(function (r) {
      var run = copy(r);
      run.shown = true;
      run.figure = data.panels[r.panel].runs.indexOf(data.runs.indexOf(r)); // its index in its panel
      return run;
    });
    this.figure = new P.Figure(container, data.figure);
    this.panels = data.panels.map(function (p, n) {
      var spec = Object.assign({}, data.figure.panels[n], { width: data.figure.width, height: data.figure.height, id: "p" + n + "-" });
      var view = new R.View(container, spec, p.styles, p.loss, self.figure);
      var specs = spec.layers || {};
      var layers = Object.keys(specs).map(function (name) {
        var layer = new root.OptvizLayers[name](view, specs[name], surfaces[n], data, self);
        layer.name = name;
        return layer;
      });
      return { index: n, data: p, view: view, layers: layers, surface: surfaces[n] };
    });
    this.view = this.panels[0].view; // (the shared figure: its image, its fit to the window)
    this.k = this.lastStep();
    this.build();
  }
  PanelsPage.prototype = Object.create(S.ScenarioPage.prototype);
  PanelsPage.prototype.constructor = PanelsPage;

  PanelsPage.prototype.panelOf = function (r) { return this.panels[r.panel]; };
  PanelsPage.prototype.surfaceOf = function (r) { return this.panelOf(r).surface; };
  PanelsPage.prototype.viewOf = function (r) { return this.panelOf(r).view; };
  PanelsPage.prototype.stepOf = function (r) { return this.panelStep(this.panelOf(r)); };
  PanelsPage.prototype.panelRuns = function (p) {
    return this.runs.filter(function (r) { return r.panel === p.index && r.shown; });
  };

  // A panel's last frame (optviz.figures.layout.last_step): the last step at which one of its runs still
  // changes (its stop step, or the step after it where a diverged run's cross appears).
  PanelsPage.prototype.panelLast = function (p) {
    var self = this;
    return this.panelRuns(p).reduce(function (m, r) {
      var res = self.results[self.runs.indexOf(r)], steps = self.inputs(r).steps;
      if (!res) return Math.max(m, steps);
      return Math.max(m, Math.min(steps, res.stopStep + (res.status !== "max_steps" ? 1 : 0)));
    }, 0);
  };

  PanelsPage.prototype.lastStep = function () {
    var self = this;
    return this.panels.reduce(function (m, p) { return Math.max(m, self.panelLast(p)); }, 0);
  };

  // The iteration panel p shows at the page's step: paced together, round(k last / K) (Python's round), else
  // k (a shorter panel stops early).
  PanelsPage.prototype.panelStep = function (p) {
    var last = this.panelLast(p), total = this.lastStep();
    if (this.data.pace !== "together" || !total) return Math.min(this.k, last);
    return Math.min(last, R.pyRound(this.k * last / total));
  };

  PanelsPage.prototype.panelItems = function (p) {
    return this.items().filter(function (it) { return it.panel === p.index; });
  };

  PanelsPage.prototype.items = function () {
    var self = this;
    return R.RunsPage.prototype.items.call(this).map(function (it) {
      it.panel = self.runs[it.index].panel;
      return it;
    });
  };

  PanelsPage.prototype.render = function () {
    var self = this, opts = { stepArrows: false, updateArrows: this.updateArrows }, total = this.lastStep();
    this.figure.clear();
    var ctx = this.figure.ctx, items = this.items();
    this.panels.forEach(function (p) {
      var k = self.panelStep(p), view = p.view, layers = view.spec.layers || {};
      opts.stepArrows = !!p.data.stepArrows;
      view.draw(items.filter(function (it) { return it.panel === p.index; }), k, opts);
      p.layers.forEach(function (layer) { layer.draw(ctx, view.drawn, k); });
      if ((view.spec.legends || []).some(function (lg) { return lg.best && lg.axes in layers; }) && view.drawLegends(view.drawn)) view.fit();
      if (view.spec.pace && self.k < total) drawPace(ctx, view.spec.pace, "k = " + k);
    });
    this.readouts();
    var m = document.getElementById("message");
    if (m) m.textContent = this.message;
    this.writeHash();
  };

  // A paced panel's iteration label, where matplotlib placed it (optviz.figures.basic._iteration_label): its
  // text aligned as matplotlib's (at the side of its box that the alignment keeps), in a rounded box.
  function drawPace(ctx, s, text) {
    ctx.save();
    ctx.font = s.fontsize + "px 'DejaVu Sans Mono', monospace";
    var b = s.box, w = ctx.measureText(text).width, h = b[3] - b[1];
    var x0 = s.ha === "right" ? b[2] - w : s.ha === "left" ? b[0] : (b[0] + b[2] - w) / 2;
    var y0 = b[1];
    var pad = s.pad, r = pad, bx = x0 - pad, by = y0 - pad, bw = w + 2 * pad, bh = h + 2 * pad;
    ctx.beginPath();
    ctx.moveTo(bx + r, by);
    ctx.arcTo(bx + bw, by, bx + bw, by + bh, r);
    ctx.arcTo(bx + bw, by + bh, bx, by + bh, r);
    ctx.arcTo(bx, by + bh, bx, by, r);
    ctx.arcTo(bx, by, bx + bw, by, r);
    ctx.closePath();
    ctx.globalAlpha = s.alpha;
    ctx.fillStyle = s.face;
    ctx.fill();
    ctx.strokeStyle = s.edge;
    ctx.lineWidth = 1;
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.fillStyle = s.color;
    ctx.textBaseline = "middle";
    ctx.fillText(text, x0, y0 + h / 2);
    ctx.restore();
  }

  // A click in a panel starts that panel's runs at the point under it (its contour, or its slice).
  PanelsPage.prototype.clickAt = function (px, py) {
    var self = this;
    this.panels.some(function (p) {
      var xy = R.startUnder(p.view, p.layers, px, py);
      if (!xy) return false;
      try { self.setStart(xy, p.index); } catch (err) { /* shown in the message */ }
      return true;
    });
  };

  // -- controls: each run's sliders, each panel's steps and noise sigma, one seed --------------------------
  PanelsPage.prototype.build = function () {
    var self = this;
    this.buildSliders();
    this.panels.forEach(function (p) {
      var n = p.index, steps = document.getElementById("c-steps-" + n);
      steps.min = String(self.data.steps.low);
      steps.max = String(self.data.steps.high);
      steps.step = "1";
      steps.addEventListener("input", function () {
        self.setAll({ steps: Math.round(Number(steps.value)), panel: n }, "c-steps-" + n);
      });
      var sigma = document.getElementById("c-sigma-" + n);
      if (sigma) {
        sigma.min = "0";
        sigma.max = String(p.data.sigma.high);
        sigma.step = String(p.data.sigma.high / 1000);
        sigma.addEventListener("input", function () { self.setAll({ sigma: Number(sigma.value), panel: n }, "c-sigma-" + n); });
      }
    });
    this.buildSeed();
    this.wireCommon();
    this.syncControls();
  };

  PanelsPage.prototype.syncControls = function (skip) {
    var self = this;
    this.syncSliders(skip);
    this.panels.forEach(function (p) {
      var n = p.index, runs = self.panelRuns(p), id = "c-steps-" + n;
      var steps = runs.reduce(function (m, r) { return Math.max(m, self.inputs(r).steps); }, 0);
      if (skip !== id) document.getElementById(id).value = String(steps);
      document.getElementById("v-steps-" + n).textContent = String(steps);
      S.syncSigma(runs, "c-sigma-" + n, "v-sigma-" + n, skip);
    });
    this.syncSeed();
  };

  // set(): as a scenario page's, and `panel` (its index) for that panel's runs alone. A start belongs to one
  // panel's surface: it needs `panel` or `run`.
  PanelsPage.prototype.set = function (values, skip) {
    if ("start" in values && !("panel" in values) && !("run" in values)) {
      throw new Error("start: this figure has " + this.panels.length + " panels, each on its own surface: set start with panel (0 to " + (this.panels.length - 1) + ") or run");
    }
    var shown = this.shownRuns(), run = "run" in values ? shown[values.run] : null;
    var p = "panel" in values ? this.panels[values.panel] : run ? this.panelOf(run) : null;
    this.domainSurface = p ? p.surface : null;
    try { return S.ScenarioPage.prototype.set.call(this, values, skip); } finally { this.domainSurface = null; }
  };

  PanelsPage.prototype.targets = function (values, settings) {
    var base = R.RunsPage.prototype.targets;
    if (!("panel" in values)) return base.call(this, values, settings);
    var n = values.panel;
    if (!(Number.isInteger(n) && n >= 0 && n < this.panels.length)) {
      throw new Error("panel must be an index of a panel, 0 to " + (this.panels.length - 1) + ", got " + n);
    }
    if ("run" in values) throw new Error("set takes run or panel, not both");
    var rest = Object.assign({}, values), all = this.runs;
    delete rest.panel;
    this.runs = all.filter(function (r) { return r.panel === n; });
    try { return base.call(this, rest, settings); } finally { this.runs = all; }
  };

  // A start checked on its panel's surface (the domain of its formula).
  PanelsPage.prototype.checkDomain = function (xy) {
    return R.RunsPage.prototype.checkDomain.call(this, xy, this.domainSurface);
  };

  PanelsPage.prototype.setStart = function (xy, panel) {
    return this.set(panel === undefined ? { start: xy } : { start: xy, panel: panel });
  };

  // The readouts name each run with its panel (the title's words before its settings).
  PanelsPage.prototype.rowName = function (r) {
    var title = this.panelOf(r).data.title.split(" (")[0] || "panel " + (r.panel + 1);
    return title + ": " + this.label(r);
  };

  PanelsPage.prototype.legend = function (r) {
    var names = this.panelOf(r).data.names, text = R.RunsPage.prototype.legend.call(this, r);
    return names ? names[r.figure] + ": " + text : text;
  };

  // The scenario file: the figure's head, then each panel's [[panel]] table with its [[panel.run]] tables.
  PanelsPage.prototype.toml = function () {
    var self = this, d = this.data;
    if (d.tomlHead === null || d.panels.some(function (p) { return p.tomlHead === null; })) {
      return "# A surface of this figure was built in Python: a scenario file cannot name it.\n";
    }
    var parts = [d.tomlHead];
    this.panels.forEach(function (p) {
      parts.push(p.data.tomlHead);
      self.panelRuns(p).forEach(function (r) { parts.push(self.runToml(r).replace(/^\[\[run\]\]/, "[[panel.run]]")); });
    });
    return parts.join("\n\n") + "\n";
  };

  PanelsPage.prototype.state = function () {
    var self = this, out = R.RunsPage.prototype.state.call(this);
    out.runs.forEach(function (run, n) { run.panel = self.shownRuns()[n].panel; });
    out.panels = this.panels.map(function (p) {
      var o = { step: self.panelStep(p), last: self.panelLast(p) };
      if (p.layers.length) {
        o.layers = {};
        p.layers.forEach(function (layer) { o.layers[layer.name] = layer.state(); });
      }
      return o;
    });
    return out;
  };

  function main(surfaces) {
    var page = R.open(PanelsPage, surfaces);
    root.optviz.start = function (xy, panel) {
      try { page.setStart(xy, panel); return page.state(); } finally { page.flushHash(); }
    };
    return page;
  }

  root.OptvizPanels = { PanelsPage: PanelsPage, main: main };
})(typeof globalThis !== "undefined" ? globalThis : this);
