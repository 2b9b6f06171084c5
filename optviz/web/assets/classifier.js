// The lecture's linear-classifier demo as a page: optviz.classifier's arithmetic (same operations, same
// order, so the numbers equal ov.explore_classifier's), the plot of points, regions and score lines, the
// tables, the controls, and window.optviz for scripts and tests.
/* eslint-disable no-var */
(function (root) {
  "use strict";
  var P = root.OptvizPage;

  // -- optviz.classifier, operation for operation ---------------------------------------------------------
  // scores: (X[:, None, :] * W[None]).sum(-1) + b: a sum of two products from 0, then the bias.
  function scores(W, b, X) {
    var out = [];
    for (var i = 0; i < X.length; i++) {
      var row = [];
      for (var j = 0; j < W.length; j++) row.push((0.0 + X[i][0] * W[j][0] + X[i][1] * W[j][1]) + b[j]);
      out.push(row);
    }
    return out;
  }

  function svmLoss(s, y) {
    var losses = [], ds = [];
    for (var i = 0; i < s.length; i++) {
      var total = 0.0, count = 0, grad = [];
      for (var j = 0; j < s[i].length; j++) {
        var margin = j === y[i] ? 0.0 : s[i][j] - s[i][y[i]] + 1.0;
        var active = margin > 0;
        total += active ? margin : 0.0;
        count += active ? 1 : 0;
        grad.push(active ? 1.0 : 0.0);
      }
      grad[y[i]] = -count;
      losses.push(total);
      ds.push(grad);
    }
    return [losses, ds];
  }

  function softmaxLoss(s, y) {
    var losses = [], ds = [];
    for (var i = 0; i < s.length; i++) {
      var max = Math.max.apply(null, s[i]);
      var shifted = s[i].map(function (v) { return v - max; });
      var sum = 0.0;
      for (var j = 0; j < shifted.length; j++) sum += Math.exp(shifted[j]);
      var logNorm = Math.log(sum);
      var logp = shifted.map(function (v) { return v - logNorm; });
      losses.push(-logp[y[i]]);
      var grad = logp.map(Math.exp);
      grad[y[i]] -= 1.0;
      ds.push(grad);
    }
    return [losses, ds];
  }

  // numpy's mean of a contiguous array (pairwise summation, then a division).
  function mean(values) {
    return root.OptvizEngine.pairwiseSum(values, 0, values.length) / values.length;
  }

  // LinearClassifier.evaluate: scores, per-point losses, data/regularization/total loss, exact gradients.
  function evaluate(m) {
    var s = scores(m.W, m.b, m.X);
    var r = m.loss === "svm" ? svmLoss(s, m.y) : softmaxLoss(s, m.y);
    var losses = r[0], n = m.y.length, K = m.W.length;
    var ds = r[1].map(function (row) { return row.map(function (v) { return v / n; }); });
    var dWdata = [], db = [];
    for (var j = 0; j < K; j++) {
      // sums over the points (axis 0): one after the other, as numpy reduces a leading axis
      var a0 = ds[0][j] * m.X[0][0], a1 = ds[0][j] * m.X[0][1], c = ds[0][j];
      for (var i = 1; i < n; i++) {
        a0 = a0 + ds[i][j] * m.X[i][0];
        a1 = a1 + ds[i][j] * m.X[i][1];
        c = c + ds[i][j];
      }
      dWdata.push([a0, a1]);
      db.push(c);
    }
    var dataLoss = mean(losses);
    // np.sum(W * W): the six squares in order, from 0
    var squares = 0.0;
    for (j = 0; j < K; j++) {
      squares += m.W[j][0] * m.W[j][0];
      squares += m.W[j][1] * m.W[j][1];
    }
    var regLoss = m.reg * squares;
    var dW = dWdata.map(function (row, jj) {
      return [row[0] + 2.0 * m.reg * m.W[jj][0], row[1] + 2.0 * m.reg * m.W[jj][1]];
    });
    return { scores: s, losses: losses, data_loss: dataLoss, reg_loss: regLoss, total: dataLoss + regLoss, dW: dW, db: db };
  }

  function update(m) {
    var e = evaluate(m);
    return Object.assign({}, m, {
      W: m.W.map(function (row, j) { return [row[0] - m.step_size * e.dW[j][0], row[1] - m.step_size * e.dW[j][1]]; }),
      b: m.b.map(function (v, j) { return v - m.step_size * e.db[j]; }),
    });
  }

  // -- the page ---------------------------------------------------------------------------------------------
  function ClassifierPage(data) {
    this.data = data;
    this.model = {
      W: data.model.W, b: data.model.b, X: data.model.X, y: data.model.y,
      reg: data.model.reg, loss: data.model.loss, step_size: data.model.step_size,
    };
    this.initial = { W: data.model.W, b: data.model.b };
    this.updates = 0;
    this.timer = null;
    this.seed = data.seed;
    this.drawn = 0; // randomizations taken from the current seed's sequence
    this.message = "";
    this.figure = new P.Figure(document.getElementById("figure"), data.figure);
    this.axes = new P.Axes(data.figure.axes[0]);
    this.build();
    this.render();
  }

  ClassifierPage.prototype.build = function () {
    var self = this, d = this.data;
    var params = document.getElementById("params");
    this.inputs = [];
    this.gradCells = [];
    for (var j = 0; j < this.model.W.length; j++) {
      var tr = P.el("tr", {}, [P.el("td", { class: "cls", style: "color:" + d.colors[j], text: "class " + j })]);
      var rowInputs = [], rowGrads = [];
      for (var c = 0; c < 3; c++) {
        var name = c < 2 ? "W[" + j + "," + c + "]" : "b[" + j + "]";
        var input = P.el("input", { type: "number", step: "0.1", "aria-label": name, id: "p-" + j + "-" + c });
        var grad = P.el("span", { class: "grad", "aria-label": "gradient of " + name });
        input.addEventListener("change", this.onParam.bind(this, j, c));
        tr.appendChild(P.el("td", {}, [input, " ", grad]));
        rowInputs.push(input);
        rowGrads.push(grad);
      }
      params.appendChild(tr);
      this.inputs.push(rowInputs);
      this.gradCells.push(rowGrads);
    }
    var body = document.getElementById("data-rows");
    this.rowCells = [];
    for (var i = 0; i < this.model.X.length; i++) {
      var cells = [];
      var row = P.el("tr");
      var n = 3 + this.model.W.length + 1;
      for (var k = 0; k < n; k++) {
        var td = P.el("td");
        if (k === 2) td.style.color = d.colors[this.model.y[i]];
        row.appendChild(td);
        cells.push(td);
      }
      body.appendChild(row);
      this.rowCells.push(cells);
    }
    var step = document.getElementById("step-size");
    step.addEventListener("input", function () {
      self.setStepSize(Number((Math.pow(10, Number(step.value))).toPrecision(4)), false);
    });
    var reg = document.getElementById("reg");
    reg.addEventListener("input", function () { self.setReg(Number(reg.value), false); });
    document.getElementById("update").addEventListener("click", function () { self.step(); });
    document.getElementById("start").addEventListener("click", function () { self.start(); });
    document.getElementById("stop").addEventListener("click", function () { self.stop(); });
    document.getElementById("randomize").addEventListener("click", function () { self.randomize(); });
    document.getElementById("reset").addEventListener("click", function () { self.reset(); });
    Array.prototype.forEach.call(document.querySelectorAll('input[name="loss"]'), function (radio) {
      radio.addEventListener("change", function () { if (radio.checked) self.setLoss(radio.value); });
    });
  };

  ClassifierPage.prototype.onParam = function (j, c, event) {
    var v = Number(event.target.value);
    if (!isFinite(v)) { this.render(); return; }
    var W = this.model.W.map(function (r) { return r.slice(); }), b = this.model.b.slice();
    if (c < 2) W[j][c] = v; else b[j] = v;
    this.model = Object.assign({}, this.model, { W: W, b: b });
    this.render();
  };

  ClassifierPage.prototype.setStepSize = function (v, moveSlider) {
    this.model = Object.assign({}, this.model, { step_size: v });
    if (moveSlider !== false) document.getElementById("step-size").value = String(Math.log10(v));
    this.render();
  };
  ClassifierPage.prototype.setReg = function (v, moveSlider) {
    this.model = Object.assign({}, this.model, { reg: v });
    if (moveSlider !== false) document.getElementById("reg").value = String(v);
    this.render();
  };
  ClassifierPage.prototype.setLoss = function (loss) {
    this.model = Object.assign({}, this.model, { loss: loss });
    var radio = document.querySelector('input[name="loss"][value="' + loss + '"]');
    if (radio) radio.checked = true;
    this.render();
  };

  ClassifierPage.prototype.step = function () {
    this.model = update(this.model);
    this.updates += 1;
    this.render();
  };
  ClassifierPage.prototype.start = function () {
    if (this.timer !== null) return;
    var self = this;
    this.timer = setInterval(function () { self.step(); }, 100); // ten updates a second, as the demo
    this.render();
  };
  ClassifierPage.prototype.stop = function () {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
    this.render();
  };
  ClassifierPage.prototype.reset = function () {
    this.stop();
    this.model = Object.assign({}, this.model, { W: this.initial.W, b: this.initial.b });
    this.updates = 0;
    this.render();
  };

  // New parameters from numpy's default_rng(seed) (draws embedded by Python): W ~ U(-3, 3), b ~ U(-1, 1).
  // With a seed, that generator starts anew; the button takes its next draw (seed 0 at first, as
  // ov.explore_classifier's generator).
  ClassifierPage.prototype.randomize = function (seed) {
    if (seed !== undefined) {
      if (!(String(seed) in this.data.randomDraws)) {
        this.message = "this page holds random draws for seeds " + this.data.randomSeeds + " only";
        this.render();
        throw new Error(this.message);
      }
      this.seed = Number(seed);
      this.drawn = 0;
    }
    var draws = this.data.randomDraws[String(this.seed)];
    if (this.drawn >= draws.length) {
      this.message = "this page holds " + draws.length + " random draws for seed " + this.seed +
        "; call randomize(seed) with another seed (0 to " + (this.data.randomSeeds - 1) + ")";
      this.render();
      return;
    }
    var r = draws[this.drawn++];
    this.model = Object.assign({}, this.model, { W: [[r[0], r[1]], [r[2], r[3]], [r[4], r[5]]], b: [r[6], r[7], r[8]] });
    this.updates = 0;
    this.message = "";
    this.render();
  };

  ClassifierPage.prototype.render = function () {
    var m = this.model, e = evaluate(m), d = this.data;
    this.evaluation = e;
    for (var j = 0; j < m.W.length; j++) {
      var values = [m.W[j][0], m.W[j][1], m.b[j]], grads = [e.dW[j][0], e.dW[j][1], e.db[j]];
      for (var c = 0; c < 3; c++) {
        if (document.activeElement !== this.inputs[j][c]) this.inputs[j][c].value = P.fmt2(values[c]);
        this.gradCells[j][c].textContent = "(" + P.fmt2(grads[c]) + ")";
      }
    }
    for (var i = 0; i < m.X.length; i++) {
      var cells = this.rowCells[i];
      var texts = [P.fmt2(m.X[i][0]), P.fmt2(m.X[i][1]), String(m.y[i])];
      for (j = 0; j < m.W.length; j++) texts.push(P.fmt2(e.scores[i][j]));
      texts.push(P.fmt2(e.losses[i]));
      for (var k = 0; k < texts.length; k++) cells[k].textContent = texts[k];
    }
    document.getElementById("data-loss").textContent = "Total data loss: " + P.fmt2(e.data_loss);
    document.getElementById("reg-loss").textContent = "Regularization loss: " + P.fmt2(e.reg_loss);
    document.getElementById("total-loss").textContent = "Total loss: " + P.fmt2(e.total);
    document.getElementById("reg-value").textContent = m.reg.toFixed(5);
    document.getElementById("step-value").textContent = m.step_size.toFixed(5);
    document.getElementById("plot-title").textContent = d.lossTitles[m.loss] + " loss, λ = " + P.fmtG(m.reg, 6);
    document.getElementById("status").textContent = "parameter updates: " + this.updates +
      (this.timer !== null ? " (updating)" : "");
    document.getElementById("message").textContent = this.message;
    this.draw();
  };

  // Regions (the predicted class at every pixel), each class's zero-score line with its arrow, the points.
  ClassifierPage.prototype.draw = function () {
    var fig = this.figure, ctx = fig.ctx, ax = this.axes, g = ax.g, m = this.model, d = this.data;
    fig.clear();
    // The regions fill the pixels inside the frame (the frame itself shows through from the image).
    var ratio = fig.ratio, inner = g.inner;
    var x0 = Math.round(inner[0] * ratio), y0 = Math.round(inner[1] * ratio);
    var w = Math.round(inner[2] * ratio) - x0, h = Math.round(inner[3] * ratio) - y0;
    var image = ctx.createImageData(w, h), px = image.data;
    var washed = d.regionColors;
    for (var r = 0; r < h; r++) {
      var yv = ax.invY((y0 + r + 0.5) / ratio);
      for (var c = 0; c < w; c++) {
        var xv = ax.invX((x0 + c + 0.5) / ratio);
        var best = 0, bestScore = -Infinity;
        for (var j = 0; j < m.W.length; j++) {
          var s = (0.0 + xv * m.W[j][0] + yv * m.W[j][1]) + m.b[j];
          if (s > bestScore) { bestScore = s; best = j; }
        }
        var o = 4 * (r * w + c), col = washed[best];
        px[o] = col[0]; px[o + 1] = col[1]; px[o + 2] = col[2]; px[o + 3] = 255;
      }
    }
    ctx.putImageData(image, x0, y0);
    ctx.save();
    ctx.beginPath();
    ctx.rect(inner[0], inner[1], inner[2] - inner[0], inner[3] - inner[1]);
    ctx.clip();
    var span = Math.min(g.xlim[1] - g.xlim[0], g.ylim[1] - g.ylim[0]);
    for (j = 0; j < m.W.length; j++) {
      var seg = segment(m.W[j], m.b[j], g.xlim, g.ylim);
      if (seg === null) continue;
      var style = d.styles.lines[j];
      P.polyline(ctx, [[ax.X(seg[0][0]), ax.Y(seg[0][1])], [ax.X(seg[1][0]), ax.Y(seg[1][1])]], style);
      // the arrow points to the side where this class's score grows
      var norm = Math.hypot(m.W[j][0], m.W[j][1]);
      var mx = (seg[0][0] + seg[1][0]) / 2, my = (seg[0][1] + seg[1][1]) / 2;
      var tx = mx + 0.12 * span * m.W[j][0] / norm, ty = my + 0.12 * span * m.W[j][1] / norm;
      var a = d.styles.arrows[j];
      P.arrow(ctx, ax.X(mx), ax.Y(my), ax.X(tx), ax.Y(ty), a.color, a.width, a.head);
    }
    for (var i = 0; i < m.X.length; i++) {
      var ps = d.styles.points[m.y[i]];
      P.marker(ctx, "o", ax.X(m.X[i][0]), ax.Y(m.X[i][1]), ps.markersize, ps.markerface, ps.markeredge, ps.markeredgewidth);
    }
    ctx.restore();
  };

  // The part of the line w . x + c = 0 inside the box (optviz.plot.classifier._segment), or null.
  function segment(w, c, xlim, ylim) {
    var norm = Math.hypot(w[0], w[1]);
    if (norm < 1e-12) return null;
    var n = [w[0] / norm, w[1] / norm];
    var foot = [-c / norm * n[0], -c / norm * n[1]];
    var dir = [-n[1], n[0]];
    var lo = -Infinity, hi = Infinity, box = [xlim, ylim];
    for (var k = 0; k < 2; k++) {
      if (Math.abs(dir[k]) < 1e-12) {
        if (!(box[k][0] <= foot[k] && foot[k] <= box[k][1])) return null;
        continue;
      }
      var t1 = (box[k][0] - foot[k]) / dir[k], t2 = (box[k][1] - foot[k]) / dir[k];
      lo = Math.max(lo, Math.min(t1, t2));
      hi = Math.min(hi, Math.max(t1, t2));
    }
    if (lo >= hi) return null;
    return [[foot[0] + lo * dir[0], foot[1] + lo * dir[1]], [foot[0] + hi * dir[0], foot[1] + hi * dir[1]]];
  }

  // -- window.optviz: the scripting interface (design section 2) -------------------------------------------
  function install(page) {
    function copy(a) { return JSON.parse(JSON.stringify(a)); }
    root.optviz = {
      page: page,
      state: function () {
        var e = evaluate(page.model);
        return {
          W: copy(page.model.W), b: copy(page.model.b), dW: copy(e.dW), db: copy(e.db),
          scores: copy(e.scores), losses: copy(e.losses), data_loss: e.data_loss, reg_loss: e.reg_loss,
          total_loss: e.total, lam: page.model.reg, step_size: page.model.step_size, loss: page.model.loss,
          updates: page.updates, repeating: page.timer !== null,
        };
      },
      // set({lam, step_size, loss: "svm" | "softmax", W, b})
      set: function (values) {
        var known = { lam: 1, step_size: 1, loss: 1, W: 1, b: 1 };
        Object.keys(values).forEach(function (k) {
          if (!(k in known)) throw new Error("unknown setting " + JSON.stringify(k) + " (valid: lam, step_size, loss, W, b)");
        });
        if ("loss" in values) {
          if (values.loss !== "svm" && values.loss !== "softmax") throw new Error('loss must be "svm" or "softmax"');
          page.setLoss(values.loss);
        }
        if ("lam" in values) {
          if (!(values.lam >= 0)) throw new Error("lam must be a non-negative number");
          page.setReg(Number(values.lam));
        }
        if ("step_size" in values) {
          if (!(values.step_size > 0)) throw new Error("step_size must be a positive number");
          page.setStepSize(Number(values.step_size));
        }
        if ("W" in values || "b" in values) {
          page.model = Object.assign({}, page.model, {
            W: "W" in values ? copy(values.W) : page.model.W, b: "b" in values ? copy(values.b) : page.model.b,
          });
          page.render();
        }
        return root.optviz.state();
      },
      update: function (n) {
        for (var i = 0; i < (n === undefined ? 1 : n); i++) page.step();
        return root.optviz.state();
      },
      start: function () { page.start(); },
      stop: function () { page.stop(); },
      reset: function () { page.reset(); return root.optviz.state(); },
      randomize: function (seed) { page.randomize(seed); return root.optviz.state(); },
    };
  }

  function main() {
    var page = new ClassifierPage(P.pageData());
    install(page);
    root.optvizReadyMs = root.performance ? root.performance.now() : null; // as the other pages: when interactive
    document.body.setAttribute("data-ready", "1");
  }

  root.OptvizClassifier = { scores: scores, evaluate: evaluate, update: update, ClassifierPage: ClassifierPage, main: main };
})(typeof globalThis !== "undefined" ? globalThis : this);
