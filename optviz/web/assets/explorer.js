// The explorer page: ov.explore in a browser. One run per rule (each with its own hyperparameters; `shown`
// picks the visible ones), one start, number of steps, noise, seed and lr schedule for all; the sliders of
// ov.explore, from its own settings table (optviz.explore_settings: each slider's setting, range, the rule
// hyperparameter it sets and the rules it sets it on).
/* eslint-disable no-var */
(function (root) {
  "use strict";
  var P = root.OptvizPage, R = root.OptvizRuns, E = root.OptvizEngine;
  var copy = R.copy;

  // The schedule of the selector's `choice` for a run of `rule` with `params` over `steps` steps, as its
  // description (optviz.explore_settings.make_schedule; null: constant). `table`: the page's data.schedules.
  function scheduleFor(choice, rule, params, steps, table) {
    steps = Math.max(Math.floor(steps), 1);
    var warm = Math.max(1, Math.floor(steps / 10));
    var linear = { name: "linear", start_factor: 0.1, end_factor: 1.0, total_iters: warm };
    switch (choice) {
      case "constant": return null;
      case "step": return { name: "step", step_size: Math.max(1, Math.floor(steps / 3)), gamma: 0.2 };
      case "exponential":
        if (steps >= table.gammas.length) throw new Error("this page holds the exponential schedule for up to " + (table.gammas.length - 1) + " steps, not " + steps);
        return { name: "exponential", gamma: table.gammas[steps] };
      case "cosine": return { name: "cosine_annealing", T_max: steps, eta_min: 0.0 };
      case "warmup": return linear;
      case "warmup + cosine":
        return { name: "sequential", schedulers: [linear, { name: "cosine_annealing", T_max: Math.max(1, steps - warm), eta_min: 0.0 }], milestones: [warm] };
      case "one-cycle":
        return {
          name: "one_cycle", max_lr: params.lr, total_steps: steps, epochs: null, steps_per_epoch: null, pct_start: 0.3,
          anneal_strategy: "cos", cycle_momentum: table.targets[rule] !== null, base_momentum: 0.85, max_momentum: 0.95,
          div_factor: 25.0, final_div_factor: 10000.0, three_phase: false,
        };
    }
    throw new Error("unknown schedule " + JSON.stringify(choice) + " (valid: " + table.choices.join(", ") + ")");
  }

  // How legends name a schedule (optviz.schedules.Schedule.legend), and the TOML of its description.
  function scheduleLegend(desc, table, names) {
    if (desc.name === "sequential") return desc.schedulers.map(function (c) { return scheduleLegend(c, table, names); }).join(" \u2192 ");
    var info = table.info[desc.name], params = {};
    Object.keys(desc).forEach(function (k) { if (k !== "name") params[k] = desc[k]; });
    return R.legendText(info, info.title, params, names, false);
  }
  function scheduleToml(desc, table) {
    var ints = table.info[desc.name].integers, parts = [];
    Object.keys(desc).forEach(function (k) {
      var v = desc[k];
      if (v === null) return;
      var text;
      if (k === "schedulers") text = "[" + v.map(function (c) { return scheduleToml(c, table); }).join(", ") + "]";
      else if (ints.indexOf(k) >= 0) text = Array.isArray(v) ? "[" + v.join(", ") + "]" : String(v);
      else text = R.tomlValue(v);
      parts.push(k + " = " + text);
    });
    return "{ " + parts.join(", ") + " }";
  }

  function ExplorerPage(data, surface) {
    R.RunsPage.call(this, data, surface);
    var s = data.settings;
    this.settings = { start: s.start.slice(), steps: s.steps, sigma: s.sigma, seed: s.seed, schedule: s.schedule };
    this.sliderValues = copy(s);
    this.runs = data.order.map(function (name) {
      var figure = data.shown.indexOf(name); // the runs that the static figure was drawn with
      return { rule: name, params: copy(data.params[name]), shown: figure >= 0, figure: figure, color: data.rules[name].color };
    });
    this.k = s.steps;
    this.randomStarts = 0;
    this.view = new R.View(document.getElementById("figure"), data.figure, data.styles, data.loss);
    this.build();
  }
  ExplorerPage.prototype = Object.create(R.RunsPage.prototype);
  ExplorerPage.prototype.constructor = ExplorerPage;

  // (noise reaches the rules it applies to: not L-BFGS, which re-evaluates the surface at trial points)
  ExplorerPage.prototype.inputs = function (r) {
    var st = this.settings, sd = this.data.surface;
    var noisy = st.sigma > 0 && (!r || this.data.noisy.indexOf(r.rule) >= 0);
    return {
      start: st.start, steps: st.steps, seed: st.seed, tol: null, escapeRadius: sd.escapeRadius, center: sd.center,
      noise: noisy ? { kind: "gaussian", sigma: st.sigma } : null,
    };
  };

  ExplorerPage.prototype.label = function (r) {
    return this.settings.sigma > 0 ? this.data.sgdLabels[r.rule] : this.data.rules[r.rule].label;
  };

  // Each run's schedule follows the selector, its steps and (one-cycle) its lr: set before the runs are
  // computed (a changed schedule recomputes the run).
  ExplorerPage.prototype.recompute = function () {
    var self = this, table = this.data.schedules;
    this.runs.forEach(function (r) {
      var desc = scheduleFor(self.settings.schedule, r.rule, r.params, self.settings.steps, table);
      r.schedule = desc;
      r.scheduleLegend = desc && scheduleLegend(desc, table, self.data.paramNames);
      var target = table.targets[r.rule];
      r.scheduleSkip = desc && desc.name === "one_cycle" ? (target ? ["lr", target] : ["lr"]) : [];
      r.scheduleToml = desc && "schedule = " + scheduleToml(desc, table);
    });
    R.RunsPage.prototype.recompute.call(this);
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
      // (a drag lands anywhere: a step grid from `min` would move the thumb off the value it shows)
      input.step = c.integer ? "1" : "any";
      self.controls[c.name] = c;
      input.addEventListener("input", function () {
        var v = Number(input.value);
        var value = c.log ? Number(Math.pow(10, v).toPrecision(3)) : c.integer ? Math.round(v) : v;
        self.setSlider(c.name, value);
      });
      // The keys move the value one step of the control's own scale (keyStep), not the input's (a log
      // slider's input holds the exponent).
      input.addEventListener("keydown", function (event) {
        var n = KEYS[event.key];
        if (n === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
        event.preventDefault();
        var value = keyStep(c, self.sliderValue(c.name), n);
        if (value !== self.sliderValue(c.name)) self.setSlider(c.name, value, true);
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
    var schedule = document.getElementById("c-schedule");
    schedule.addEventListener("change", function () {
      try { self.set({ schedule: schedule.value }); } catch (err) { schedule.value = self.settings.schedule; }
    });
    var search = document.getElementById("c-line-search");
    search.addEventListener("change", function () {
      self.set({ line_search_fn: search.checked ? "strong_wolfe" : null });
    });
    document.getElementById("b-random").addEventListener("click", function () { self.randomStart(); });
    this.wireCommon();
    this.syncControls();
  };

  // -- the sliders' keys: ArrowRight/Up one step, PageUp ten, End to the top (and back) -------------------
  var KEYS = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10, End: Infinity, Home: -Infinity };

  // A number near `raw` of the 1-2-5 series (1e-3, 2e-3, 5e-3, 0.01, ...).
  function niceStep(raw) {
    var mag = Math.pow(10, Math.floor(Math.log10(raw))), best = mag;
    [2, 5, 10].forEach(function (m) { if (Math.abs(Math.log(m * mag / raw)) < Math.abs(Math.log(best / raw))) best = m * mag; });
    return best;
  }

  // The value `n` key steps from `value` on control `c`, inside its range: a log slider moves a tenth of a
  // decade a step (three significant digits, as a drag: 0.1, 0.126, 0.158, ... 0.794, 1), a linear one a
  // 1-2-5 step near a hundredth of its range, an integer one max(1, a hundredth of its range). A value
  // between two grid points goes to the next one in the key's direction first.
  function keyStep(c, value, n) {
    if (n === Infinity) return c.high;
    if (n === -Infinity) return c.low;
    var unit, x;
    if (c.log) { unit = 0.1; x = Math.log10(value); }
    else if (c.integer) { unit = Math.max(1, Math.round((c.high - c.low) / 100)); x = value; }
    else { unit = niceStep((c.high - c.low) / 100); x = value; }
    // (on the grid: within a twentieth of a step; three significant digits keep a log step within 0.022)
    var k = x / unit, at = Math.abs(k - Math.round(k)) < 0.05 ? Math.round(k) : n > 0 ? Math.floor(k) : Math.ceil(k);
    var next = (at + n) * unit;
    next = c.log ? Number(Math.pow(10, next).toPrecision(3)) : Number(next.toPrecision(12));
    return Math.min(Math.max(next, c.low), c.high);
  }

  ExplorerPage.prototype.checkedRules = function () {
    return Array.prototype.filter.call(document.querySelectorAll('input[name="rule"]'), function (b) { return b.checked; })
      .map(function (b) { return b.value; });
  };

  // A slider moved: the setting for every run it drives (ov.explore's _apply).
  // (`settled`: a key or the end of a drag, not one of a drag's many input events)
  ExplorerPage.prototype.setSlider = function (name, value, settled) {
    var self = this;
    this.apply(function () {
      self.sliderValues[name] = value;
      if (name === "steps") { self.settings.steps = value; return; }
      if (name === "sigma") { self.settings.sigma = value; return; }
      var c = self.controls[name];
      self.runs.forEach(function (r) {
        if (c.rules.indexOf(r.rule) < 0) return;
        if (c.param === "betas") {
          var betas = (r.params.betas || E.RULES[r.rule].defaults.betas).slice();
          betas[name === "beta1" ? 0 : 1] = value;
          r.params.betas = betas;
        } else {
          r.params[c.param] = value;
        }
      });
    });
    this.syncControls(settled ? undefined : name);
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
      // (written only where they change: a slider's move would otherwise restyle every control)
      var at = String(c.log ? Math.log10(value) : value);
      if (c.name !== skip && input.value !== at) input.value = at;
      var text = c.integer ? String(Math.round(value)) : P.fmtG(value, 3), out = document.getElementById("v-" + c.name);
      if (out.textContent !== text) out.textContent = text;
      if (input.getAttribute("aria-valuetext") !== text) input.setAttribute("aria-valuetext", text); // (a log slider's input holds the exponent)
      var relevant = c.rules.some(function (r) { return shown.indexOf(r) >= 0; });
      [input, document.getElementById("l-" + c.name), document.getElementById("v-" + c.name)].forEach(function (e) {
        e.classList.toggle("dim", !relevant);
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('input[name="rule"]'), function (b) {
      b.checked = shown.indexOf(b.value) >= 0;
    });
    var seed = document.getElementById("c-seed"), schedule = document.getElementById("c-schedule");
    if (seed.value !== String(this.settings.seed)) seed.value = String(this.settings.seed);
    if (schedule.value !== this.settings.schedule) schedule.value = this.settings.schedule;
    var lbfgs = this.runs.filter(function (r) { return r.rule === "lbfgs"; })[0];
    var search = document.getElementById("c-line-search");
    search.checked = !!(lbfgs && lbfgs.params.line_search_fn);
    var off = shown.indexOf("lbfgs") < 0;
    [search.parentNode, document.getElementById("l-line-search")].forEach(function (e) { e.classList.toggle("dim", off); });
  };

  // What a slider shows: the setting of the first run it drives (shown runs first).
  ExplorerPage.prototype.sliderValue = function (name) {
    if (name === "steps") return this.settings.steps;
    if (name === "sigma") return this.settings.sigma;
    var c = this.controls[name], runs = this.shownRuns().concat(this.runs);
    for (var i = 0; i < runs.length; i++) {
      var r = runs[i];
      if (c.rules.indexOf(r.rule) < 0) continue;
      var v = c.param in r.params ? r.params[c.param] : E.RULES[r.rule].defaults[c.param];
      if (c.param === "betas") return v[name === "beta1" ? 0 : 1];
      return v;
    }
    return this.sliderValues[name];
  };

  // -- set(): a rule's own parameter names, as in TOML (design section 2), and the page's settings --------
  var SETTINGS = ["steps", "sigma", "seed", "start", "rules", "schedule"];
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
      if ("schedule" in values) {
        if (self.data.schedules.choices.indexOf(values.schedule) < 0) {
          throw new Error("unknown schedule " + JSON.stringify(values.schedule) + " (valid: " + self.data.schedules.choices.join(", ") + ")");
        }
        self.settings.schedule = values.schedule;
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
    out.schedule = this.settings.schedule;
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
      seed: this.settings.seed, schedule: this.settings.schedule, k: this.k,
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
    var choice = s.schedule === undefined ? "constant" : s.schedule; // (an address written before the selector)
    if (this.data.schedules.choices.indexOf(choice) < 0) throw new Error("bad schedule");
    this.settings.schedule = choice;
    this.settings.start = start;
    this.settings.steps = s.steps;
    this.settings.sigma = s.sigma;
    this.settings.seed = s.seed;
    this.k = Math.min(s.k, s.steps);
  };

  // -- window.optviz ------------------------------------------------------------------------------------
  function main(surface) { return R.open(ExplorerPage, surface); }

  root.OptvizExplorer = { ExplorerPage: ExplorerPage, main: main, scheduleFor: scheduleFor, scheduleLegend: scheduleLegend, keyStep: keyStep };
})(typeof globalThis !== "undefined" ? globalThis : this);
