// The explorer page: runs computed by OptvizEngine (optviz.run's numbers), drawn live over the static
// contour image in the styles of optviz's figures; ov.explore's controls; window.optviz for scripts.
/* eslint-disable no-var */
(function (root) {
  "use strict";
  var P = root.OptvizPage, E = root.OptvizEngine;

  function copy(x) { return JSON.parse(JSON.stringify(x)); }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  // -- legends: "Momentum (lr=0.02, ρ=0.9)", as optviz._format writes them -----------------------------------
  function legendText(info, label, params, names) {
    var parts = [];
    info.defaults.forEach(function (kv) {
      var key = kv[0], def = kv[1];
      if (!(key in params)) return;
      if (info.legendKeys.indexOf(key) >= 0 || def === null || !same(params[key], def)) {
        parts.push((names[key] || key) + "=" + P.formatNumber(params[key]));
      }
    });
    return parts.length ? label + " (" + parts.join(", ") + ")" : label;
  }

  // -- ticks like matplotlib's: nice linear steps, decades on log axes --------------------------------------
  function linearTicks(lo, hi, lengthPx, fontPx) {
    var n = Math.max(3, Math.min(9, Math.floor(lengthPx / (3.2 * fontPx))));
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

  function logTicks(lo, hi) {
    var a = Math.ceil(Math.log10(lo) - 1e-9), b = Math.floor(Math.log10(hi) + 1e-9);
    var every = Math.max(1, Math.ceil((b - a + 1) / 8));
    var major = [], minor = [];
    for (var e = a; e <= b; e++) if ((e - a) % every === 0) major.push(e);
    if (every === 1) {
      for (var d = Math.floor(Math.log10(lo)); d <= b; d++) {
        for (var m = 2; m < 10; m++) {
          var v = m * Math.pow(10, d);
          if (v >= lo && v <= hi) minor.push(v);
        }
      }
    }
    return { major: major, minor: minor };
  }

  // -- the page -------------------------------------------------------------------------------------------
  function ExplorerPage(data, surface) {
    this.data = data;
    this.surface = surface;
    var s = data.settings;
    this.settings = { start: s.start.slice(), steps: s.steps, sigma: s.sigma, seed: s.seed };
    this.sliderValues = copy(s);
    // One run per rule, as ov.explore (each with its own hyperparameters); `shown` picks the visible ones.
    this.runs = data.order.map(function (name) {
      return { rule: name, params: defaultParams(name, s), shown: data.shown.indexOf(name) >= 0 };
    });
    this.results = {};
    this.k = s.steps;
    this.playing = null;
    this.message = "";
    this.arrows = false;
    this.randomStarts = 0;
    this.noiseDraws = {};
    this.figure = new P.Figure(document.getElementById("figure"), data.figure);
    this.ax = new P.Axes(data.figure.axes[0]);
    this.lossAx = new P.Axes(data.figure.axes[1]);
    this.lossLog = data.surface.fmin !== null;
    this.build();
  }

  function defaultParams(name, s) {
    if (name === "gd") return { lr: s.lr };
    if (name === "momentum" || name === "nesterov") return { lr: s.lr, rho: s.rho };
    if (name === "adam") return { lr: s.adaptive_lr, betas: [s.beta1, s.beta2] };
    if (name === "rmsprop") return { lr: s.adaptive_lr, alpha: s.alpha };
    return { lr: s.adaptive_lr };
  }

  ExplorerPage.prototype.shownRuns = function () {
    return this.runs.filter(function (r) { return r.shown; });
  };

  ExplorerPage.prototype.label = function (r) {
    return this.settings.sigma > 0 ? this.data.sgdLabels[r.rule] : this.data.rules[r.rule].label;
  };

  ExplorerPage.prototype.draws = function (seed) {
    var key = String(seed);
    if (!(key in this.data.noise.draws)) {
      throw new Error("this page holds noise draws for seeds 0 to " + (this.data.noise.seeds - 1) + ", not " + seed);
    }
    if (!this.noiseDraws[key]) this.noiseDraws[key] = E.float64s(this.data.noise.draws[key]);
    return this.noiseDraws[key];
  };

  // optviz.run for one run, in the engine's JavaScript.
  ExplorerPage.prototype.compute = function (r) {
    var st = this.settings, sd = this.data.surface;
    if (st.steps > this.data.noise.steps && st.sigma > 0) {
      throw new Error("this page holds noise draws for " + this.data.noise.steps + " steps, not " + st.steps);
    }
    var noise = st.sigma > 0 ? { kind: "gaussian", sigma: st.sigma, draws: this.draws(st.seed) } : null;
    return E.run(this.surface, r.rule, r.params, {
      start: st.start, steps: st.steps, tol: null, escapeRadius: sd.escapeRadius, center: sd.center, noise: noise,
    });
  };

  // Recompute every shown run. On a failure (a start outside the formula's domain, too few draws) the old
  // runs and settings stay and the message says why.
  ExplorerPage.prototype.recompute = function () {
    var results = {}, self = this;
    this.runs.forEach(function (r, i) { if (r.shown) results[i] = self.compute(r); });
    this.results = results;
    this.k = Math.min(this.k, this.settings.steps);
  };

  ExplorerPage.prototype.apply = function (change) {
    var old = { settings: copy(this.settings), runs: copy(this.runs), k: this.k };
    try {
      change();
      this.recompute();
      this.message = "";
    } catch (err) {
      this.settings = old.settings;
      this.runs = old.runs;
      this.k = old.k;
      this.recompute();
      this.message = String(err.message || err);
      this.render();
      throw err;
    }
    this.render();
  };

  // -- controls ----------------------------------------------------------------------------------------------
  ExplorerPage.prototype.build = function () {
    var self = this, d = this.data;
    this.controls = {};
    d.controls.forEach(function (c) {
      var input = document.getElementById("c-" + c.name);
      var lo = c.log ? Math.log10(c.low) : c.low, hi = c.log ? Math.log10(c.high) : c.high;
      input.min = String(lo);
      input.max = String(hi);
      input.step = c.integer ? "1" : String((hi - lo) / 1000);
      self.controls[c.name] = c;
      input.addEventListener("input", function () {
        var v = Number(input.value);
        var value = c.log ? Number(Math.pow(10, v).toPrecision(3)) : c.integer ? Math.round(v) : v;
        self.setSlider(c.name, value);
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('input[name="rule"]'), function (box) {
      box.addEventListener("change", function () { self.setRules(self.checkedRules()); });
    });
    var seed = document.getElementById("c-seed");
    seed.value = String(this.settings.seed);
    seed.addEventListener("change", function () {
      try { self.set({ seed: Number(seed.value) }); } catch (err) { seed.value = String(self.settings.seed); }
    });
    document.getElementById("b-step").addEventListener("click", function () { self.step(1); });
    document.getElementById("b-play").addEventListener("click", function () { self.togglePlay(); });
    document.getElementById("b-reset").addEventListener("click", function () { self.reset(); });
    document.getElementById("b-random").addEventListener("click", function () { self.randomStart(); });
    document.getElementById("c-arrows").addEventListener("change", function (e) { self.arrows = e.target.checked; self.render(); });
    document.getElementById("b-export").addEventListener("click", function () { self.showToml(); });
    this.figure.canvas.addEventListener("click", function (event) {
      var rect = self.figure.canvas.getBoundingClientRect();
      var px = event.clientX - rect.left, py = event.clientY - rect.top;
      if (!self.ax.contains(px, py)) return;
      try { self.setStart([self.ax.invX(px), self.ax.invY(py)]); } catch (err) { /* shown in the message */ }
    });
    this.syncControls();
  };

  ExplorerPage.prototype.checkedRules = function () {
    return Array.prototype.filter.call(document.querySelectorAll('input[name="rule"]'), function (b) { return b.checked; })
      .map(function (b) { return b.value; });
  };

  // A slider moved: the setting for every run it drives (ov.explore's _apply).
  ExplorerPage.prototype.setSlider = function (name, value) {
    var self = this;
    this.apply(function () {
      self.sliderValues[name] = value;
      if (name === "steps") { self.settings.steps = value; return; }
      if (name === "sigma") { self.settings.sigma = value; return; }
      var rules = self.controls[name].rules;
      self.runs.forEach(function (r) {
        if (rules.indexOf(r.rule) < 0) return;
        if (name === "lr" || name === "adaptive_lr") r.params.lr = value;
        else if (name === "rho") r.params.rho = value;
        else if (name === "alpha") r.params.alpha = value;
        else if (name === "beta1") r.params.betas = [value, r.params.betas[1]];
        else if (name === "beta2") r.params.betas = [r.params.betas[0], value];
      });
    });
    this.syncControls(name);
  };

  ExplorerPage.prototype.setRules = function (rules) {
    var self = this;
    rules.forEach(function (r) {
      if (self.data.order.indexOf(r) < 0) throw new Error("unknown rule " + JSON.stringify(r) + " (valid: " + self.data.order.join(", ") + ")");
    });
    this.apply(function () { self.runs.forEach(function (r) { r.shown = rules.indexOf(r.rule) >= 0; }); });
    this.syncControls();
  };

  ExplorerPage.prototype.setStart = function (xy) {
    var self = this;
    if (!(Array.isArray(xy) && xy.length === 2 && isFinite(xy[0]) && isFinite(xy[1]))) {
      throw new Error("start must be [x, y] with finite numbers");
    }
    this.apply(function () {
      var out = new Float64Array(3);
      self.surface.valueAndGrad(xy[0], xy[1], out);
      if (!(isFinite(out[0]) && isFinite(out[1]) && isFinite(out[2]))) {
        throw new Error("start: the loss or gradient is not finite at [" + xy[0] + ", " + xy[1] + "]");
      }
      self.settings.start = [Number(xy[0]), Number(xy[1])];
    });
  };

  // The explorer's Random start: uniform over the middle 90% of the view from numpy's default_rng(seed),
  // draws embedded by Python.
  ExplorerPage.prototype.randomStart = function () {
    var starts = this.data.randomStarts;
    if (this.randomStarts >= starts.length) {
      this.message = "this page holds " + starts.length + " random starts";
      this.render();
      return;
    }
    this.setStart(starts[this.randomStarts++]);
  };

  // Move the sliders and boxes to the current settings; dim the sliders that drive no shown rule.
  ExplorerPage.prototype.syncControls = function (skip) {
    var self = this, shown = this.shownRuns().map(function (r) { return r.rule; });
    this.data.controls.forEach(function (c) {
      var value = self.sliderValue(c.name);
      var input = document.getElementById("c-" + c.name);
      if (c.name !== skip) input.value = String(c.log ? Math.log10(value) : value);
      document.getElementById("v-" + c.name).textContent = c.integer ? String(Math.round(value)) : P.fmtG(value, 3);
      var relevant = c.rules.some(function (r) { return shown.indexOf(r) >= 0; });
      [input, document.getElementById("l-" + c.name), document.getElementById("v-" + c.name)].forEach(function (e) {
        e.classList.toggle("dim", !relevant);
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('input[name="rule"]'), function (b) {
      b.checked = shown.indexOf(b.value) >= 0;
    });
    document.getElementById("c-seed").value = String(this.settings.seed);
  };

  // What a slider shows: the setting of the first run it drives (shown runs first).
  ExplorerPage.prototype.sliderValue = function (name) {
    if (name === "steps") return this.settings.steps;
    if (name === "sigma") return this.settings.sigma;
    var c = this.controls[name], runs = this.shownRuns().concat(this.runs);
    for (var i = 0; i < runs.length; i++) {
      var r = runs[i];
      if (c.rules.indexOf(r.rule) < 0) continue;
      if (name === "lr" || name === "adaptive_lr") return r.params.lr;
      if (name === "rho") return r.params.rho;
      if (name === "alpha") return r.params.alpha;
      if (name === "beta1") return r.params.betas[0];
      if (name === "beta2") return r.params.betas[1];
    }
    return this.sliderValues[name];
  };

  // -- stepping ------------------------------------------------------------------------------------------
  ExplorerPage.prototype.step = function (n) {
    this.k = Math.min(this.k + (n === undefined ? 1 : n), this.settings.steps);
    this.render();
  };
  ExplorerPage.prototype.reset = function () {
    this.pause();
    this.k = 0;
    this.render();
  };
  ExplorerPage.prototype.play = function () {
    if (this.playing !== null) return;
    if (this.k >= this.settings.steps) this.k = 0;
    var self = this, perTick = Math.max(1, Math.round(this.settings.steps / 50));
    this.playing = setInterval(function () {
      self.step(perTick);
      if (self.k >= self.settings.steps) self.pause();
    }, 40);
    document.getElementById("b-play").textContent = "Pause";
  };
  ExplorerPage.prototype.pause = function () {
    if (this.playing === null) return;
    clearInterval(this.playing);
    this.playing = null;
    document.getElementById("b-play").textContent = "Play";
  };
  ExplorerPage.prototype.togglePlay = function () {
    if (this.playing === null) this.play(); else this.pause();
  };

  // -- set(): a rule's own parameter names, as in TOML (design section 2) -------------------------------
  var GLOBAL = { steps: 1, sigma: 1, seed: 1, start: 1, rules: 1, run: 1 };
  ExplorerPage.prototype.set = function (values) {
    var self = this, shown = this.shownRuns();
    var targets;
    if ("run" in values) {
      if (!(Number.isInteger(values.run) && values.run >= 0 && values.run < shown.length)) {
        throw new Error("run must be an index of a shown run, 0 to " + (shown.length - 1) + ", got " + values.run);
      }
      targets = [shown[values.run]];
    } else {
      targets = this.runs;
    }
    var keys = Object.keys(values).filter(function (k) { return !(k in GLOBAL); });
    keys.forEach(function (k) {
      var owners = targets.filter(function (r) { return E.RULES[r.rule].defaults.hasOwnProperty(k); });
      if (!owners.length) {
        var valid = {};
        targets.forEach(function (r) { Object.keys(E.RULES[r.rule].defaults).forEach(function (n) { valid[n] = 1; }); });
        throw new Error("unknown setting " + JSON.stringify(k) + " (valid: " +
          Object.keys(valid).concat(["steps", "sigma", "seed", "start", "rules"]).sort().join(", ") + ")");
      }
      checkParam(k, values[k]);
    });
    if ("rules" in values) this.setRules(values.rules);
    if ("start" in values) this.setStart(values.start);
    this.apply(function () {
      if ("steps" in values) {
        if (!(Number.isInteger(values.steps) && values.steps >= 1 && values.steps <= 100000)) throw new Error("steps must be an integer from 1 to 100000");
        self.settings.steps = values.steps;
      }
      if ("sigma" in values) {
        if (!(values.sigma >= 0)) throw new Error("sigma must be a non-negative number");
        self.settings.sigma = Number(values.sigma);
      }
      if ("seed" in values) {
        if (!(Number.isInteger(values.seed) && values.seed >= 0)) throw new Error("seed must be a non-negative integer");
        if (!(String(values.seed) in self.data.noise.draws)) {
          throw new Error("this page holds noise draws for seeds 0 to " + (self.data.noise.seeds - 1) + ", not " + values.seed);
        }
        self.settings.seed = values.seed;
      }
      keys.forEach(function (k) {
        targets.forEach(function (r) {
          if (E.RULES[r.rule].defaults.hasOwnProperty(k)) r.params[k] = copy(values[k]);
        });
      });
    });
    this.syncControls();
    return this.state();
  };

  function checkParam(k, v) {
    var ok;
    if (k === "betas") ok = Array.isArray(v) && v.length === 2 && v.every(function (b) { return b >= 0 && b < 1; });
    else if (k === "amsgrad" || k === "centered" || k === "local") ok = typeof v === "boolean";
    else if (k === "lr" || k === "scale") ok = typeof v === "number" && v > 0 && isFinite(v);
    else if (k === "rho" || k === "alpha" || k === "momentum") ok = typeof v === "number" && v >= 0 && v < 1;
    else if (k === "dampening") ok = typeof v === "number" && v >= 0 && v <= 1;
    else ok = typeof v === "number" && v >= 0 && isFinite(v);
    if (!ok) throw new Error(k + ": invalid value " + JSON.stringify(v));
  }

  ExplorerPage.prototype.state = function () {
    var self = this;
    return {
      step: this.k,
      steps: this.settings.steps,
      start: this.settings.start.slice(),
      sigma: this.settings.sigma,
      seed: this.settings.seed,
      runs: this.runs.map(function (r, i) { return [r, i]; }).filter(function (p) { return p[0].shown; }).map(function (p) {
        var r = p[0], res = self.results[p[1]], n = res.steps + 1;
        var xy = [], loss = [];
        for (var k = 0; k < n; k++) { xy.push([res.xy[2 * k], res.xy[2 * k + 1]]); loss.push(res.loss[k]); }
        return {
          label: self.label(r), legend: legendText(self.data.rules[r.rule], self.label(r), r.params, self.data.paramNames),
          rule: r.rule, params: copy(r.params), xy: xy, loss: loss, status: res.status, stop_step: res.stopStep,
        };
      }),
    };
  };

  // -- the scenario file and the address ---------------------------------------------------------------
  function tomlNumber(v) {
    if (typeof v === "boolean") return v ? "true" : "false";
    if (Array.isArray(v)) return "[" + v.map(tomlNumber).join(", ") + "]";
    var text = String(v);
    return /^-?\d+$/.test(text) ? text + ".0" : text;
  }

  ExplorerPage.prototype.toml = function () {
    var d = this.data, st = this.settings, lines = [];
    if (d.surface.toml === null) {
      return "# This surface was built in Python (a wrapped or custom surface): a scenario file cannot name it.\n";
    }
    // No title: the page's figure has none (its heading is the page's), so the render is the page's figure.
    lines.push("# " + d.surface.title + ", exported from an optviz explorer page: optviz render THIS_FILE");
    lines.push('kind = "trajectories"', "", "[surface]", d.surface.toml, "", "[figure]", "loss = true");
    lines.push("", "[output]", "size = " + tomlNumber(d.output.size), "dpi = " + tomlNumber(d.output.dpi));
    this.shownRuns().forEach(function (r) {
      lines.push("", "[[run]]", "rule = " + JSON.stringify(r.rule));
      Object.keys(r.params).forEach(function (k) { lines.push(k + " = " + tomlNumber(r.params[k])); });
      lines.push("start = " + tomlNumber(st.start), "steps = " + st.steps, "seed = " + st.seed);
      if (st.sigma > 0) lines.push("noise = { sigma = " + tomlNumber(st.sigma) + " }");
    });
    return lines.join("\n") + "\n";
  };

  ExplorerPage.prototype.showToml = function () {
    var text = this.toml();
    document.getElementById("toml").value = text;
    var link = document.getElementById("download");
    link.href = "data:application/toml;charset=utf-8," + encodeURIComponent(text);
  };

  ExplorerPage.prototype.hashState = function () {
    return {
      v: 1, start: this.settings.start, steps: this.settings.steps, sigma: this.settings.sigma,
      seed: this.settings.seed, k: this.k,
      runs: this.runs.map(function (r) { return { rule: r.rule, params: r.params, shown: r.shown }; }),
    };
  };

  ExplorerPage.prototype.writeHash = function () {
    var text = "#state=" + encodeURIComponent(JSON.stringify(this.hashState()));
    if (root.location && root.location.hash !== text && root.history && root.history.replaceState) {
      root.history.replaceState(null, "", text);
    }
  };

  ExplorerPage.prototype.readHash = function () {
    var hash = root.location ? root.location.hash : "";
    if (hash.indexOf("#state=") !== 0) return;
    var self = this;
    try {
      var s = JSON.parse(decodeURIComponent(hash.slice(7)));
      this.apply(function () {
        if (!Array.isArray(s.runs) || s.runs.length !== self.runs.length) throw new Error("the address holds no explorer state");
        s.runs.forEach(function (r, i) {
          if (r.rule !== self.runs[i].rule) throw new Error("the address holds another explorer's state");
          Object.keys(r.params).forEach(function (k) { checkParam(k, r.params[k]); });
          self.runs[i].params = r.params;
          self.runs[i].shown = !!r.shown;
        });
        if (!(Array.isArray(s.start) && s.start.length === 2 && isFinite(s.start[0]) && isFinite(s.start[1]))) throw new Error("bad start");
        if (!(Number.isInteger(s.steps) && s.steps >= 1 && s.steps <= 100000)) throw new Error("bad steps");
        if (!(typeof s.sigma === "number" && s.sigma >= 0 && isFinite(s.sigma))) throw new Error("bad sigma");
        if (!(String(s.seed) in self.data.noise.draws)) throw new Error("bad seed");
        if (!(Number.isInteger(s.k) && s.k >= 0)) throw new Error("bad step");
        self.settings.start = [Number(s.start[0]), Number(s.start[1])];
        self.settings.steps = s.steps;
        self.settings.sigma = s.sigma;
        self.settings.seed = s.seed;
        self.k = Math.min(s.k, s.steps);
      });
      this.syncControls();
    } catch (err) {
      this.message = "could not restore the state in the address: " + (err.message || err);
    }
  };

  // -- drawing ---------------------------------------------------------------------------------------------
  ExplorerPage.prototype.render = function () {
    this.draw();
    this.readouts();
    this.writeHash();
  };

  ExplorerPage.prototype.draw = function () {
    var fig = this.figure, ctx = fig.ctx, self = this;
    fig.clear();
    var shown = [];
    this.runs.forEach(function (r, i) { if (r.shown) shown.push([r, self.results[i]]); });
    this.drawLossPanel(ctx, shown);
    ctx.save();
    this.ax.clip(ctx);
    shown.forEach(function (p) { self.drawPath(ctx, p[0], p[1]); });
    if (this.arrows) shown.forEach(function (p) { self.drawUpdate(ctx, p[0], p[1]); });
    ctx.restore();
    shown.forEach(function (p) { self.drawEnd(ctx, p[0], p[1]); });
    this.drawLegend(shown);
    document.getElementById("message").textContent = this.message;
  };

  ExplorerPage.prototype.point = function (res, j) {
    return [this.ax.X(res.xy[2 * j]), this.ax.Y(res.xy[2 * j + 1])];
  };

  ExplorerPage.prototype.drawPath = function (ctx, r, res) {
    var st = this.data.styles, color = this.data.rules[r.rule].color;
    var last = Math.min(this.k, res.stopStep), pts = [];
    for (var j = 0; j <= last; j++) pts.push(this.point(res, j));
    var style = Object.assign({}, st.path, { color: color });
    P.polyline(ctx, pts, style);
    // a dot at every iterate on short runs, at every k-th on long ones (optviz.plot.marker_stride)
    var stride = Math.max(1, Math.ceil((res.stopStep + 1) / 60));
    for (j = 0; j < pts.length; j += stride) P.marker(ctx, "o", pts[j][0], pts[j][1], style.markersize, color, "none", 0);
  };

  // Start (hollow), the current iterate (filled), a cross and "diverged at step k" after a divergence, an
  // arrow at the edge where a path leaves the view.
  ExplorerPage.prototype.drawEnd = function (ctx, r, res) {
    var st = this.data.styles, color = this.data.rules[r.rule].color, g = this.ax.g;
    var s0 = this.point(res, 0);
    var last = Math.min(this.k, res.stopStep);
    var diverged = res.status === "diverged" && this.k > res.stopStep;
    ctx.save();
    this.ax.clip(ctx);
    P.marker(ctx, "o", s0[0], s0[1], st.start.markersize, st.start.markerface, color, st.start.markeredgewidth);
    var e = this.point(res, last);
    if (!diverged) P.marker(ctx, "o", e[0], e[1], st.end.markersize, color, st.end.markeredge, st.end.markeredgewidth);
    ctx.restore();
    var exit = this.exitPoint(res, last);
    if (exit) P.arrow(ctx, exit[2], exit[3], exit[0], exit[1], color, st.path.width, 3.2 * st.path.width);
    if (diverged) {
      var place = exit ? [exit[0], exit[1]] : [Math.min(Math.max(e[0], g.left), g.left + g.width), Math.min(Math.max(e[1], g.top), g.top + g.height)];
      P.marker(ctx, "X", place[0], place[1], 4.5 * st.path.width, color, "#000000", 0.5 * st.path.width);
      var right = place[0] > g.left + g.width / 2, top = place[1] < g.top + g.height / 2, off = 0.6 * st.fontsize;
      P.text(ctx, "diverged at step " + (res.stopStep + 1), place[0] + (right ? -off : off), place[1] + (top ? off : -off), {
        size: st.fontsize, color: color, weight: "bold", align: right ? "right" : "left", baseline: top ? "top" : "alphabetic", box: "#ffffff",
      });
    }
  };

  // Where the shown path first leaves the axes: [edge x, edge y, tail x, tail y] in pixels, or null.
  ExplorerPage.prototype.exitPoint = function (res, last) {
    var g = this.ax.g, xl = g.xlim, yl = g.ylim;
    function inside(x, y) { return x >= Math.min(xl[0], xl[1]) && x <= Math.max(xl[0], xl[1]) && y >= Math.min(yl[0], yl[1]) && y <= Math.max(yl[0], yl[1]); }
    if (!inside(res.xy[0], res.xy[1])) return null;
    for (var j = 1; j <= last; j++) {
      var x = res.xy[2 * j], y = res.xy[2 * j + 1];
      if (inside(x, y)) continue;
      var ax = res.xy[2 * j - 2], ay = res.xy[2 * j - 1], dx = x - ax, dy = y - ay, t = Infinity;
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

  // The update at the current step (design: update vectors): heavy ball = velocity + gradient, Nesterov
  // (torch's iterate) = gradient + velocity of the new buffer, the others: the step itself.
  ExplorerPage.prototype.drawUpdate = function (ctx, r, res) {
    var t = this.k;
    if (t >= res.stopStep) return;
    var color = this.data.rules[r.rule].color, w = 0.6 * this.data.styles.path.width, head = 3.5 * w;
    var x = res.xy[2 * t], y = res.xy[2 * t + 1], nx = res.xy[2 * t + 2], ny = res.xy[2 * t + 3];
    var h = E.hyperparameters(r.rule, r.params), g = [res.grad[2 * t], res.grad[2 * t + 1]];
    var self = this;
    function seg(x0, y0, x1, y1, c) { P.arrow(ctx, self.ax.X(x0), self.ax.Y(y0), self.ax.X(x1), self.ax.Y(y1), c, w, head); }
    if (r.rule === "momentum" || r.rule === "nesterov") {
      var b = res.state.momentum_buffer, wd = h.weight_decay || 0;
      var gx = g[0] + wd * x, gy = g[1] + wd * y;
      if (r.rule === "momentum") {
        var damp = t > 0 ? 1 - (h.dampening || 0) : 1;
        var vx = -h.lr * h.rho * b[2 * t], vy = -h.lr * h.rho * b[2 * t + 1];
        seg(x, y, x + vx, y + vy, "#555555");
        seg(x + vx, y + vy, x + vx - h.lr * damp * gx, y + vy - h.lr * damp * gy, color);
      } else {
        var mx = x - h.lr * gx, my = y - h.lr * gy;
        seg(x, y, mx, my, color);
        seg(mx, my, nx, ny, "#555555");
      }
    }
    seg(x, y, nx, ny, "#000000");
  };

  ExplorerPage.prototype.lossValues = function (res) {
    var fmin = this.data.surface.fmin, out = [];
    for (var j = 0; j <= res.stopStep; j++) out.push(fmin === null ? res.loss[j] : res.loss[j] - fmin);
    return out;
  };

  // The loss panel: its limits follow the runs as matplotlib autoscales them (the data's range and 5%
  // margins, in log space on a log axis), ticks and grid like matplotlib's, a curve per run up to the
  // current step.
  ExplorerPage.prototype.drawLossPanel = function (ctx, shown) {
    var ax = this.lossAx, g = ax.g, st = this.data.styles, self = this, log = this.lossLog;
    var values = [], last = 0;
    shown.forEach(function (p) {
      var vals = self.lossValues(p[1]);
      last = Math.max(last, vals.length - 1);
      vals.forEach(function (v) { if (isFinite(v) && (!log || v > 0)) values.push(v); });
    });
    var lo, hi;
    if (log) {
      if (!values.length) values = [1e-12, 1];
      var a = Math.log10(Math.min.apply(null, values)), b = Math.log10(Math.max.apply(null, values));
      if (b - a < 1e-12) { a -= 1; b += 1; }
      lo = Math.pow(10, a - 0.05 * (b - a));
      hi = Math.pow(10, b + 0.05 * (b - a));
    } else {
      var a2 = values.length ? Math.min.apply(null, values) : 0, b2 = values.length ? Math.max.apply(null, values) : 1;
      if (b2 - a2 < 1e-300) { a2 -= 1; b2 += 1; }
      lo = a2 - 0.05 * (b2 - a2);
      hi = b2 + 0.05 * (b2 - a2);
    }
    var span = Math.max(last, 1);
    var xs = [-0.05 * span, 1.05 * span];
    var X = function (v) { return g.left + (v - xs[0]) / (xs[1] - xs[0]) * g.width; };
    var Y = log
      ? function (v) { return g.top + g.height - (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * g.height; }
      : function (v) { return g.top + g.height - (v - lo) / (hi - lo) * g.height; };
    this.lossMap = { X: X, Y: Y, lo: lo, hi: hi, xs: xs };
    ctx.save();
    ctx.strokeStyle = st.gridcolor;
    ctx.lineWidth = st.gridwidth;
    var xticks = linearTicks(xs[0], xs[1], g.width, st.tickfont).filter(function (t) { return t.value >= xs[0] && t.value <= xs[1]; });
    var yticks;
    if (log) {
      var lt = logTicks(lo, hi);
      yticks = lt.major.map(function (e) { return { value: Math.pow(10, e), exp: e }; });
      yticks.minor = lt.minor;
    } else {
      yticks = linearTicks(lo, hi, g.height, st.tickfont);
    }
    // grid (major ticks), under the curves
    xticks.forEach(function (t) { line(ctx, X(t.value), g.top, X(t.value), g.top + g.height); });
    yticks.forEach(function (t) { line(ctx, g.left, Y(t.value), g.left + g.width, Y(t.value)); });
    ctx.restore();
    // tick marks and labels, outside the frame
    ctx.save();
    ctx.strokeStyle = st.tickcolor;
    ctx.lineWidth = st.tickwidth;
    var L = st.ticklength, font = st.tickfont, pad = 0.35 * font;
    xticks.forEach(function (t) {
      line(ctx, X(t.value), g.top + g.height, X(t.value), g.top + g.height + L);
      P.text(ctx, t.text, X(t.value), g.top + g.height + L + pad, { size: font, align: "center", baseline: "top", color: st.ticklabelcolor });
    });
    yticks.forEach(function (t) {
      line(ctx, g.left - L, Y(t.value), g.left, Y(t.value));
      if (log) {
        var exp = String(t.exp).replace("-", "\u2212");
        P.text(ctx, exp, g.left - L - pad, Y(t.value) - 0.35 * font, { size: 0.7 * font, align: "right", baseline: "middle", color: st.ticklabelcolor });
        var ew = measure(ctx, exp, 0.7 * font);
        P.text(ctx, "10", g.left - L - pad - ew, Y(t.value), { size: font, align: "right", baseline: "middle", color: st.ticklabelcolor });
      } else {
        P.text(ctx, t.text, g.left - L - pad, Y(t.value), { size: font, align: "right", baseline: "middle", color: st.ticklabelcolor });
      }
    });
    if (yticks.minor) {
      ctx.lineWidth = 0.6 * st.tickwidth;
      yticks.minor.forEach(function (v) { line(ctx, g.left - 0.5 * L, Y(v), g.left, Y(v)); });
    }
    ctx.restore();
    // curves, clipped to the axes
    ctx.save();
    ax.clip(ctx);
    var k = this.k;
    shown.forEach(function (p) {
      var r = p[0], res = p[1], vals = self.lossValues(res), pts = [], color = self.data.rules[r.rule].color;
      for (var j = 0; j < vals.length && j <= k; j++) {
        if (log && !(vals[j] > 0)) { P.polyline(ctx, pts, Object.assign({}, st.loss, { color: color })); pts = []; continue; }
        if (isFinite(vals[j])) pts.push([X(j), Y(vals[j])]);
      }
      P.polyline(ctx, pts, Object.assign({}, st.loss, { color: color }));
      if (res.status === "diverged" && k > res.stopStep && pts.length) {
        var q = pts[pts.length - 1];
        P.marker(ctx, "X", q[0], q[1], 4 * st.path.width, color, "#000000", 0.4 * st.path.width);
      }
    });
    ctx.restore();
  };

  function line(ctx, x0, y0, x1, y1) {
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
  }
  function measure(ctx, str, size) {
    ctx.save();
    ctx.font = size + 'px "DejaVu Sans", Verdana, sans-serif';
    var w = ctx.measureText(str).width;
    ctx.restore();
    return w;
  }

  // The legend where the figure had it: below the panels, centred, one entry per shown run.
  ExplorerPage.prototype.drawLegend = function (shown) {
    var spec = this.data.figure.legend, box = document.getElementById("legend"), self = this;
    if (!spec) return;
    if (!box) {
      box = P.el("div", { id: "legend", class: "overlay", role: "list", "aria-label": "legend" });
      // the figure's full width, centred on the legend's centre (an absolutely placed box would otherwise
      // shrink to the space right of its left edge)
      box.style.left = (spec.x - this.figure.width / 2) + "px";
      box.style.width = this.figure.width + "px";
      box.style.top = spec.y + "px";
      box.style.display = "flex";
      box.style.flexWrap = "wrap";
      box.style.justifyContent = "center";
      box.style.gap = (0.5 * this.data.styles.legendfont) + "px " + (2 * this.data.styles.legendfont) + "px";
      box.style.paddingTop = (0.15 * this.data.styles.legendfont) + "px";
      box.style.lineHeight = "1.2";
      box.style.fontSize = this.data.styles.legendfont + "px";
      box.style.whiteSpace = "nowrap";
      document.getElementById("figure").appendChild(box);
    }
    box.textContent = "";
    var st = this.data.styles;
    box.style.display = shown.length ? "flex" : "none";
    shown.forEach(function (p) {
      var r = p[0], color = self.data.rules[r.rule].color;
      var sample = P.el("span", { "aria-hidden": "true" });
      sample.style.display = "inline-block";
      sample.style.width = (2 * st.legendfont) + "px";
      sample.style.height = "0";
      sample.style.borderTop = st.path.width + "px solid " + color;
      sample.style.verticalAlign = "middle";
      sample.style.position = "relative";
      var dot = P.el("span");
      var ds = st.path.markersize;
      dot.style.cssText = "position:absolute;left:50%;top:" + (-(ds + st.path.width) / 2) + "px;width:" + ds + "px;height:" + ds +
        "px;margin-left:" + (-ds / 2) + "px;border-radius:50%;background:" + color;
      sample.appendChild(dot);
      sample.style.marginRight = (0.8 * st.legendfont) + "px";
      var item = P.el("span", { role: "listitem" }, [sample, legendText(self.data.rules[r.rule], self.label(r), r.params, self.data.paramNames)]);
      box.appendChild(item);
    });
    // More rows than the figure kept room for (more rules shown than at first): push what follows down.
    var extra = box.offsetTop + box.offsetHeight - this.figure.height;
    document.getElementById("figure").style.marginBottom = Math.max(0, extra) + "px";
  };

  // The readouts: f, |grad f|, kappa(H), eig(H) at each run's current iterate, and its status.
  ExplorerPage.prototype.readouts = function () {
    var body = document.getElementById("readouts"), self = this, out = new Float64Array(3);
    body.textContent = "";
    this.runs.forEach(function (r, i) {
      if (!r.shown) return;
      var res = self.results[i], j = Math.min(self.k, res.stopStep);
      var x = res.xy[2 * j], y = res.xy[2 * j + 1];
      self.surface.valueAndGrad(x, y, out);
      var gnorm = Math.hypot(out[1], out[2]);
      self.surface.hessian(x, y, out);
      var eig = E.symmetricEigen(out[0], out[1], out[2]), kappa = E.conditionNumber(eig);
      var status;
      if (res.status === "diverged" && self.k > res.stopStep) status = "diverged at step " + (res.stopStep + 1);
      else if (res.status === "converged" && self.k >= res.stopStep) status = "converged at step " + res.stopStep;
      else if (self.k >= res.steps) status = "done";
      else status = "running";
      var cells = [self.label(r), P.formatNumber(res.loss[j], 3), P.formatNumber(gnorm, 3), P.formatNumber(kappa, 3), P.formatNumber(eig[0], 3) + ", " + P.formatNumber(eig[1], 3), status];
      var tr = P.el("tr", { style: "color:" + self.data.rules[r.rule].color });
      cells.forEach(function (c, n) { tr.appendChild(P.el(n === 0 ? "th" : "td", { text: c, class: n === 0 ? "cls" : "" })); });
      if (status.indexOf("diverged") === 0) tr.style.fontWeight = "bold";
      body.appendChild(tr);
    });
    document.getElementById("step-text").textContent = "step " + this.k + " of " + this.settings.steps;
  };

  // -- window.optviz ------------------------------------------------------------------------------------
  function install(page) {
    root.optviz = {
      page: page,
      state: function () { return page.state(); },
      set: function (values) { return page.set(values); },
      start: function (xy) { page.setStart(xy); return page.state(); },
      step: function (n) { page.step(n === undefined ? 1 : n); return page.state().step; },
      play: function () { page.play(); },
      pause: function () { page.pause(); },
      reset: function () { page.reset(); },
      toml: function () { return page.toml(); },
    };
  }

  function main(surface) {
    var data = P.pageData();
    var page = new ExplorerPage(data, surface);
    page.data.randomStarts = data.randomStarts || [];
    page.recompute();
    page.readHash();
    page.render();
    install(page);
    root.optvizReadyMs = root.performance ? root.performance.now() : null;
    document.body.setAttribute("data-ready", "1");
  }

  root.OptvizExplorer = { ExplorerPage: ExplorerPage, main: main, legendText: legendText, linearTicks: linearTicks };
})(typeof globalThis !== "undefined" ? globalThis : this);
