// The explorer page: ov.explore in a browser. One run per rule (each with its own hyperparameters; `shown`
// picks the visible ones), one start, number of steps, noise and seed for all; the sliders of ov.explore.
/* eslint-disable no-var */
(function (root) {
  "use strict";
  var P = root.OptvizPage, R = root.OptvizRuns;
  var copy = R.copy;

  function defaultParams(name, s) {
    if (name === "gd") return { lr: s.lr };
    if (name === "momentum" || name === "nesterov") return { lr: s.lr, rho: s.rho };
    if (name === "adam") return { lr: s.adaptive_lr, betas: [s.beta1, s.beta2] };
    if (name === "rmsprop") return { lr: s.adaptive_lr, alpha: s.alpha };
    return { lr: s.adaptive_lr };
  }

  function ExplorerPage(data, surface) {
    R.RunsPage.call(this, data, surface);
    var s = data.settings;
    this.settings = { start: s.start.slice(), steps: s.steps, sigma: s.sigma, seed: s.seed };
    this.sliderValues = copy(s);
    this.runs = data.order.map(function (name) {
      var figure = data.shown.indexOf(name); // the runs that the static figure was drawn with
      return { rule: name, params: defaultParams(name, s), shown: figure >= 0, figure: figure, color: data.rules[name].color };
    });
    this.k = s.steps;
    this.randomStarts = 0;
    this.view = new R.View(document.getElementById("figure"), data.figure, data.styles, data.loss);
    this.build();
  }
  ExplorerPage.prototype = Object.create(R.RunsPage.prototype);
  ExplorerPage.prototype.constructor = ExplorerPage;

  ExplorerPage.prototype.inputs = function () {
    var st = this.settings, sd = this.data.surface;
    return {
      start: st.start, steps: st.steps, seed: st.seed, tol: null, escapeRadius: sd.escapeRadius, center: sd.center,
      noise: st.sigma > 0 ? { kind: "gaussian", sigma: st.sigma } : null,
    };
  };

  ExplorerPage.prototype.label = function (r) {
    return this.settings.sigma > 0 ? this.data.sgdLabels[r.rule] : this.data.rules[r.rule].label;
  };

  ExplorerPage.prototype.snapshot = function () {
    return { runs: copy(this.runs), k: this.k, settings: copy(this.settings) };
  };
  ExplorerPage.prototype.restore = function (old) {
    this.runs = old.runs;
    this.k = old.k;
    this.settings = old.settings;
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
    document.getElementById("b-random").addEventListener("click", function () { self.randomStart(); });
    this.wireCommon();
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
    var self = this, start = R.checkStart(xy);
    this.apply(function () {
      self.checkDomain(start);
      self.settings.start = start;
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

  // -- set(): a rule's own parameter names, as in TOML (design section 2), and the page's settings --------
  var SETTINGS = ["steps", "sigma", "seed", "start", "rules"];
  ExplorerPage.prototype.set = function (values) {
    var self = this, t = this.targets(values, SETTINGS);
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
        if (!(String(values.seed) in self.data.draws.normals)) {
          throw new Error("this page holds noise draws for seeds " + R.seedList(self.data.draws.normals) + ", not " + values.seed);
        }
        self.settings.seed = values.seed;
      }
      self.setParams(t.runs, t.keys, values);
    });
    this.syncControls();
    return this.state();
  };

  ExplorerPage.prototype.state = function () {
    var out = R.RunsPage.prototype.state.call(this);
    out.start = this.settings.start.slice();
    out.sigma = this.settings.sigma;
    out.seed = this.settings.seed;
    return out;
  };

  // -- the scenario file and the address ---------------------------------------------------------------
  ExplorerPage.prototype.toml = function () {
    var d = this.data, self = this;
    if (d.tomlHead === null) {
      return "# This surface was built in Python (a wrapped or custom surface): a scenario file cannot name it.\n";
    }
    var parts = [d.tomlHead];
    this.shownRuns().forEach(function (r) { parts.push(self.runToml(r)); });
    return parts.join("\n\n") + "\n";
  };

  ExplorerPage.prototype.hashState = function () {
    return {
      v: 1, start: this.settings.start, steps: this.settings.steps, sigma: this.settings.sigma,
      seed: this.settings.seed, k: this.k,
      runs: this.runs.map(function (r) { return { rule: r.rule, params: r.params, shown: r.shown }; }),
    };
  };

  ExplorerPage.prototype.restoreHash = function (s) {
    var self = this;
    if (!Array.isArray(s.runs) || s.runs.length !== this.runs.length) throw new Error("the address holds no explorer state");
    s.runs.forEach(function (r, i) {
      if (r.rule !== self.runs[i].rule) throw new Error("the address holds another explorer's state");
      Object.keys(r.params).forEach(function (k) { R.checkParam(k, r.params[k]); });
      self.runs[i].params = r.params;
      self.runs[i].shown = !!r.shown;
    });
    var start = R.checkStart(s.start);
    if (!(Number.isInteger(s.steps) && s.steps >= 1 && s.steps <= 100000)) throw new Error("bad steps");
    if (!(typeof s.sigma === "number" && s.sigma >= 0 && isFinite(s.sigma))) throw new Error("bad sigma");
    if (!(String(s.seed) in this.data.draws.normals)) throw new Error("bad seed");
    if (!(Number.isInteger(s.k) && s.k >= 0)) throw new Error("bad step");
    this.settings.start = start;
    this.settings.steps = s.steps;
    this.settings.sigma = s.sigma;
    this.settings.seed = s.seed;
    this.k = Math.min(s.k, s.steps);
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
    page.recompute();
    page.readHash();
    page.render();
    install(page);
    root.optvizReadyMs = root.performance ? root.performance.now() : null;
    document.body.setAttribute("data-ready", "1");
  }

  root.OptvizExplorer = { ExplorerPage: ExplorerPage, main: main };
})(typeof globalThis !== "undefined" ? globalThis : this);
