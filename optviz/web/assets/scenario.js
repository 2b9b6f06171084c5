// A scenario's page: the scenario's own runs (each with its own rule, hyperparameters, start, steps, noise
// and seed), live over the static image of its figure; sliders per run, steps / noise / seed for all.
/* eslint-disable no-var */
(function (root) {
  "use strict";
  var P = root.OptvizPage, R = root.OptvizRuns;
  var copy = R.copy;

  function ScenarioPage(data, surface) {
    R.RunsPage.call(this, data, surface);
    this.runs = data.runs.map(function (r, i) {
      var run = copy(r);
      run.shown = true;
      run.figure = i;
      return run;
    });
    this.k = this.lastStep();
    this.view = new R.View(document.getElementById("figure"), data.figure, data.styles, data.loss);
    // What the kind draws live beyond paths and loss curves (optviz.web.static.LiveLayer): a profile's
    // balls, same-state update arrows; each layer's script registers it in OptvizLayers.
    var layers = data.figure.layers || {}, self = this;
    this.layers = Object.keys(layers).map(function (name) {
      var layer = new root.OptvizLayers[name](self.view, layers[name], surface, data, self);
      layer.name = name;
      return layer;
    });
    this.build();
  }
  ScenarioPage.prototype = Object.create(R.RunsPage.prototype);
  ScenarioPage.prototype.constructor = ScenarioPage;

  ScenarioPage.prototype.render = function () {
    R.RunsPage.prototype.render.call(this);
    var view = this.view, ctx = view.figure.ctx, items = view.drawn, k = this.k, layers = view.spec.layers || {};
    this.layers.forEach(function (layer) { layer.draw(ctx, items, k); });
    // a legend inside a panel that a layer draws is placed again, over what the layer drew (loc="best")
    if ((view.spec.legends || []).some(function (lg) { return lg.best && lg.axes in layers; }) && view.drawLegends(items)) view.fit();
  };

  // window.optviz.state(), with what each live layer shows (state().layers[name]).
  ScenarioPage.prototype.state = function () {
    var out = R.RunsPage.prototype.state.call(this);
    if (this.layers.length) {
      out.layers = {};
      this.layers.forEach(function (layer) { out.layers[layer.name] = layer.state(); });
    }
    return out;
  };

  ScenarioPage.prototype.inputs = function (r) {
    return { start: r.start, steps: r.steps, seed: r.seed, noise: r.noise, tol: r.tol, escapeRadius: r.escapeRadius, center: r.center };
  };

  // optviz.engine.default_label: "SGD" for GD and "SGD+Momentum" for Momentum under noise; a given label stays.
  ScenarioPage.prototype.label = function (r) {
    if (r.custom) return r.label;
    return r.noise ? this.data.sgdLabels[r.rule] : this.data.rules[r.rule].label;
  };

  // The legend's text: the run's name first, where the figure names its runs (optviz.figures.training's
  // legend_names: "too high: SGD (lr=0.5)").
  ScenarioPage.prototype.legend = function (r) {
    if (this.data.legendTexts) return this.data.legendTexts[r.figure];
    var text = R.RunsPage.prototype.legend.call(this, r), names = this.data.names;
    return names ? names[r.figure] + ": " + text : text;
  };

  ScenarioPage.prototype.rowName = function (r) {
    var names = this.data.names || this.data.legendTexts;
    return names ? names[r.figure] : this.label(r);
  };

  // -- controls --------------------------------------------------------------------------------------------
  // A slider's setting: the run's own value, else the rule's default (c.value, from optviz's rule).
  function sliderValue(r, c) {
    var name = c.name;
    if ((name === "beta1" || name === "beta2") && r.params.betas) return r.params.betas[name === "beta1" ? 0 : 1];
    if (name in r.params && r.params[name] !== null) return r.params[name];
    return c.value;
  }

  ScenarioPage.prototype.build = function () {
    var self = this, d = this.data;
    this.buildSliders();
    var steps = document.getElementById("c-steps");
    steps.min = String(d.steps.low);
    steps.max = String(d.steps.high);
    steps.step = "1";
    steps.addEventListener("input", function () { self.setAll({ steps: Math.round(Number(steps.value)) }, "c-steps"); });
    var sigma = document.getElementById("c-sigma");
    if (sigma) {
      sigma.min = "0";
      sigma.max = String(d.sigma.high);
      sigma.step = String(d.sigma.high / 1000);
      sigma.addEventListener("input", function () { self.setAll({ sigma: Number(sigma.value) }, "c-sigma"); });
    }
    this.buildSeed();
    this.wireCommon();
    this.syncControls();
  };

  // Each run's sliders of its rule's hyperparameters (ids c-<run>-<name>).
  ScenarioPage.prototype.buildSliders = function () {
    var self = this;
    this.data.sliders.forEach(function (sliders, i) {
      sliders.forEach(function (c) {
        var input = document.getElementById("c-" + i + "-" + c.name);
        var lo = c.log ? Math.log10(c.low) : c.low, hi = c.log ? Math.log10(c.high) : c.high;
        input.min = String(lo);
        input.max = String(hi);
        input.step = String((hi - lo) / 1000);
        input.addEventListener("input", function () {
          var v = Number(input.value);
          self.setSlider(i, c.name, c.log ? Number(Math.pow(10, v).toPrecision(3)) : v);
        });
      });
    });
  };

  // The noise seed of every noisy run.
  ScenarioPage.prototype.buildSeed = function () {
    var self = this, seed = document.getElementById("c-seed");
    if (seed) {
      seed.addEventListener("change", function () {
        try { self.set({ seed: Number(seed.value) }); } catch (err) { self.syncControls(); }
      });
    }
  };

  // A slider of one run moved (of every run, where the figure shows one rule).
  ScenarioPage.prototype.setSlider = function (i, name, value) {
    var self = this, runs = this.data.oneRule ? this.runs : [this.runs[i]];
    this.apply(function () {
      runs.forEach(function (r) {
        if (name === "beta1" || name === "beta2") {
          var betas = (r.params.betas || self.data.rules[r.rule].defaults.filter(function (d) {
            return d[0] === "betas";
          })[0][1]).slice();
          betas[name === "beta1" ? 0 : 1] = value;
          r.params.betas = betas;
        } else {
          r.params[name] = value;
        }
      });
    });
    this.syncControls("c-" + i + "-" + name);
  };

  // A slider for every run moved (`skip`: the control being dragged keeps its own position).
  ScenarioPage.prototype.setAll = function (values, skip) {
    try { this.set(values, skip); } catch (err) { this.syncControls(); }
  };

  ScenarioPage.prototype.syncControls = function (skip) {
    this.syncSliders(skip);
    var steps = this.lastStep();
    if (skip !== "c-steps") document.getElementById("c-steps").value = String(steps);
    document.getElementById("v-steps").textContent = String(steps);
    syncSigma(this.runs, "c-sigma", "v-sigma", skip);
    this.syncSeed();
  };

  // The sliders of each run's hyperparameters, and its name over them (`skip`: the one being dragged).
  ScenarioPage.prototype.syncSliders = function (skip) {
    var self = this;
    this.data.sliders.forEach(function (sliders, i) {
      var r = self.runs[i];
      var legend = document.getElementById("run-" + i);
      if (legend) legend.textContent = self.legend(r);
      sliders.forEach(function (c) {
        var id = "c-" + i + "-" + c.name, value = sliderValue(r, c);
        if (value === null) return;
        if (id !== skip) document.getElementById(id).value = String(c.log ? Math.log10(value) : value);
        document.getElementById("v-" + i + "-" + c.name).textContent = P.fmtG(value, 3);
      });
    });
  };

  // The sigma slider `id` (its readout `out`) of `runs`: their first Gaussian noise's.
  function syncSigma(runs, id, out, skip) {
    var noisy = runs.filter(function (r) { return r.noise && r.noise.kind === "gaussian"; });
    var sigma = document.getElementById(id);
    if (sigma && noisy.length) {
      if (skip !== id) sigma.value = String(noisy[0].noise.sigma);
      document.getElementById(out).textContent = P.fmtG(noisy[0].noise.sigma, 3);
    }
  }

  ScenarioPage.prototype.syncSeed = function () {
    var seed = document.getElementById("c-seed");
    if (seed) {
      var seeded = this.runs.filter(function (r) { return r.noise || r.rule === "random_search"; });
      seed.value = String((seeded[0] || this.runs[0]).seed);
    }
  };

  // -- set(): a rule's own parameter names, as in TOML, and each run's settings -------------------------
  // Without `run`: every run having the parameter; steps, start and seed go to every run and sigma to every
  // run with Gaussian noise. With `run`: that run alone (sigma: its Gaussian noise, 0 for none).
  var SETTINGS = ["steps", "sigma", "seed", "start"];
  ScenarioPage.prototype.set = function (values, skip) {
    var self = this, t = this.targets(values, SETTINGS), one = "run" in values;
    if (one && this.data.oneRule && t.keys.length) {
      throw new Error("this figure shows one rule under several schedules: set " + t.keys.join(", ") + " without run (every run)");
    }
    var start = "start" in values ? R.checkStart(values.start) : null;
    this.apply(function () {
      if ("steps" in values) {
        if (!(Number.isInteger(values.steps) && values.steps >= 1 && values.steps <= 100000)) throw new Error("steps must be an integer from 1 to 100000");
        t.runs.forEach(function (r) { r.steps = values.steps; });
      }
      if ("sigma" in values) {
        if (!(typeof values.sigma === "number" && values.sigma >= 0 && isFinite(values.sigma))) throw new Error("sigma must be a non-negative number");
        t.runs.forEach(function (r) {
          if (r.noise && r.noise.kind === "gaussian") r.noise = { kind: "gaussian", sigma: values.sigma };
          else if (one && !r.noise && values.sigma > 0) r.noise = { kind: "gaussian", sigma: values.sigma };
          else if (one && r.noise && r.noise.kind === "minibatch") throw new Error("run " + values.run + " has minibatch noise, not sigma");
        });
        if (one && values.sigma === 0 && t.runs[0].noise && t.runs[0].noise.kind === "gaussian") t.runs[0].noise = null;
      }
      if ("seed" in values) {
        if (!(Number.isInteger(values.seed) && values.seed >= 0)) throw new Error("seed must be a non-negative integer");
        t.runs.forEach(function (r) { r.seed = values.seed; });
      }
      if (start) {
        self.checkDomain(start);
        t.runs.forEach(function (r) { r.start = start; });
      }
      self.setParams(t.runs, t.keys, values);
    });
    this.syncControls(skip);
    return this.state();
  };

  ScenarioPage.prototype.setStart = function (xy) { return this.set({ start: xy }); };

  // -- the scenario file and the address ---------------------------------------------------------------
  ScenarioPage.prototype.toml = function () {
    var self = this, d = this.data;
    if (d.tomlHead === null) return "# This surface was built in Python: a scenario file cannot name it.\n";
    return [d.tomlHead].concat(this.runs.map(function (r) { return self.runToml(r); })).join("\n\n") + "\n";
  };

  var FIELDS = ["params", "start", "steps", "seed", "noise"];
  ScenarioPage.prototype.hashState = function () {
    return {
      v: 1, kind: this.data.kind, k: this.k,
      runs: this.runs.map(function (r) { var o = { rule: r.rule }; FIELDS.forEach(function (f) { o[f] = r[f]; }); return o; }),
    };
  };

  ScenarioPage.prototype.restoreHash = function (s) {
    var self = this;
    if (s.kind !== this.data.kind || !Array.isArray(s.runs) || s.runs.length !== this.runs.length) {
      throw new Error("the address holds another page's state");
    }
    s.runs.forEach(function (r, i) {
      var run = self.runs[i];
      if (r.rule !== run.rule) throw new Error("the address holds another page's state");
      Object.keys(r.params).forEach(function (k) { R.checkParam(k, r.params[k]); });
      var start = R.checkStart(r.start);
      if (!(Number.isInteger(r.steps) && r.steps >= 1 && r.steps <= 100000)) throw new Error("bad steps");
      if (!(Number.isInteger(r.seed) && r.seed >= 0)) throw new Error("bad seed");
      if (r.noise !== null && !(r.noise && (r.noise.kind === "gaussian" ? r.noise.sigma >= 0 : r.noise.kind === "minibatch"))) {
        throw new Error("bad noise");
      }
      run.params = r.params;
      run.start = start;
      run.steps = r.steps;
      run.seed = r.seed;
      run.noise = r.noise;
    });
    if (!(Number.isInteger(s.k) && s.k >= 0)) throw new Error("bad step");
    this.k = s.k;
  };

  // -- window.optviz ------------------------------------------------------------------------------------
  function main(surface) { return R.open(ScenarioPage, surface); }

  root.OptvizScenario = { ScenarioPage: ScenarioPage, main: main, syncSigma: syncSigma };
})(typeof globalThis !== "undefined" ? globalThis : this);
