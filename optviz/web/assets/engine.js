// optviz's engine in JavaScript (float64): the update rules of optviz.optimizers, the stepping loop of
// optviz.engine (stop rule, divergence rule, frozen rows after a stop) and dataset surfaces, with the
// same operations in the same order as the Python code, so that a page's runs equal optviz.run's.
// Surfaces that are formulas arrive as functions emitted by optviz.web from optviz.surfaces.program;
// noise arrives as the draws optviz.noise made (embedded, never re-generated here).
/* eslint-disable no-var */
(function (root) {
  "use strict";

  // -- arithmetic helpers ----------------------------------------------------------------------------
  var SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter

  function twoProd(a, b, out) {
    var p = a * b;
    var c = SPLIT * a, ah = c - (c - a), al = a - ah;
    c = SPLIT * b;
    var bh = c - (c - b), bl = b - bh;
    out[0] = p;
    out[1] = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  }

  var tp = [0, 0];
  function ddMul(ah, al, bh, bl, out) {
    twoProd(ah, bh, tp);
    var e = tp[1] + (ah * bl + al * bh);
    var s = tp[0] + e;
    out[0] = s;
    out[1] = e - (s - tp[0]);
  }

  // x**n for an integer n, correctly rounded (double-double exponentiation by squaring): what libm's
  // pow gives for integer exponents, except in rare near-ties where libm itself is off by an ulp.
  // (Math.pow differs from libm in ~10% of cubes.)
  var rr = [0, 0], bb = [0, 0];
  function powi(x, n) {
    if (n === 0) return 1;
    if (!isFinite(x) || x === 0) return Math.pow(x, n);
    var k = Math.abs(n);
    rr[0] = 1; rr[1] = 0; bb[0] = x; bb[1] = 0;
    while (k > 0) {
      if (k % 2 === 1) ddMul(rr[0], rr[1], bb[0], bb[1], rr);
      k = Math.floor(k / 2);
      if (k > 0) ddMul(bb[0], bb[1], bb[0], bb[1], bb);
    }
    var hi = rr[0], lo = rr[1];
    if (!isFinite(hi)) return n > 0 ? hi : 0 * hi;
    if (n > 0) return hi + lo;
    var q = 1 / hi;
    twoProd(q, hi, tp);
    var r = (1 - tp[0] - tp[1]) - q * lo;
    return q + r * q;
  }

  // An expression surface's x**n (n a nonzero integer): repeated squaring, as its numpy program.
  function ipowSq(a, n) {
    var k = Math.abs(n), result = null, base = a;
    while (k) {
      if (k & 1) result = result === null ? base : result * base;
      k >>= 1;
      if (k) base = base * base;
    }
    return n > 0 ? result : 1.0 / result;
  }

  // numpy's power of a float array by a constant exponent (fast paths for 2, 0.5, -1, 1, 0).
  function npPow(a, p) {
    if (p === 2) return a * a;
    if (p === 0.5) return Math.sqrt(a);
    if (p === -1) return 1 / a;
    if (p === 1) return a;
    if (p === 0) return 1;
    if (p === Math.round(p) && Math.abs(p) < 1024) return powi(a, p);
    return Math.pow(a, p);
  }

  function sign(a) {
    return a > 0 ? 1 : a < 0 ? -1 : a === 0 ? 0 : NaN;
  }

  // numpy's sum of a contiguous float64 array: eight interleaved accumulators on blocks of <= 128,
  // longer arrays halved (at a multiple of 8) recursively. The same additions in the same order.
  function pairwiseSum(a, start, n) {
    var i, res;
    if (n < 8) {
      res = 0.0;
      for (i = 0; i < n; i++) res += a[start + i];
      return res;
    }
    if (n <= 128) {
      var r0 = a[start], r1 = a[start + 1], r2 = a[start + 2], r3 = a[start + 3],
        r4 = a[start + 4], r5 = a[start + 5], r6 = a[start + 6], r7 = a[start + 7];
      var end = n - (n % 8);
      for (i = 8; i < end; i += 8) {
        r0 += a[start + i]; r1 += a[start + i + 1]; r2 += a[start + i + 2]; r3 += a[start + i + 3];
        r4 += a[start + i + 4]; r5 += a[start + i + 5]; r6 += a[start + i + 6]; r7 += a[start + i + 7];
      }
      res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) res += a[start + i];
      return res;
    }
    var half = Math.floor(n / 2);
    half -= half % 8;
    return pairwiseSum(a, start, half) + pairwiseSum(a, start + half, n - half);
  }

  // torch.lerp(start, end, w), as optviz.optimizers._lerp.
  function lerp(start, end, w) {
    return Math.abs(w) < 0.5 ? start + w * (end - start) : end - (end - start) * (1 - w);
  }

  // -- dataset (finite-sum) surfaces: f = mean_i l(phi_i . p, t_i) + r0 x^2 + r1 y^2 (+ l2 |p|^2) ---------
  function datasetSurface(spec) {
    var phi0 = spec.phi0, phi1 = spec.phi1, t = spec.targets, n = t.length;
    var reg0 = spec.reg[0], reg1 = spec.reg[1], l2 = spec.l2;
    var logistic = spec.loss === "logistic";
    var L = new Float64Array(n), D0 = new Float64Array(n), D1 = new Float64Array(n);
    var H0 = new Float64Array(n), H1 = new Float64Array(n), H2 = new Float64Array(n);
    var ld = [0, 0];

    // loss and dloss of one sample (optviz.surfaces.learning: _loss_and_dloss, same operations).
    function lossAndD(z, ti, out) {
      if (logistic) {
        var u = (-ti) * z;
        var e = Math.exp(-Math.abs(u));
        out[0] = Math.max(u, 0.0) + Math.log1p(e);
        out[1] = (-ti) * (u >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e));
      } else {
        var r = z - ti;
        out[0] = 0.5 * r * r;
        out[1] = r;
      }
    }

    // Per sample: the loss and d loss / dz times each feature (the engine's hot loop, written out
    // for each loss so that it stays monomorphic and allocation-free).
    function sums(x, y) {
      var i, z, ti, r;
      if (logistic) {
        for (i = 0; i < n; i++) {
          z = x * phi0[i] + y * phi1[i];
          ti = t[i];
          var u = (-ti) * z;
          var e = Math.exp(-Math.abs(u));
          L[i] = Math.max(u, 0.0) + Math.log1p(e);
          var d = (-ti) * (u >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e));
          D0[i] = d * phi0[i];
          D1[i] = d * phi1[i];
        }
      } else {
        for (i = 0; i < n; i++) {
          z = x * phi0[i] + y * phi1[i];
          r = z - t[i];
          L[i] = 0.5 * r * r;
          D0[i] = r * phi0[i];
          D1[i] = r * phi1[i];
        }
      }
    }

    // The engine's value_and_grad. Unwrapped: the surface's own fused path. Wrapped by
    // optviz.regularized: value() and grad() separately, then the wrapper's penalty.
    function valueAndGrad(x, y, out) {
      sums(x, y);
      var f = pairwiseSum(L, 0, n) / n;
      var gx = pairwiseSum(D0, 0, n) / n, gy = pairwiseSum(D1, 0, n) / n;
      if (l2 === null) {
        out[0] = f + (reg0 * x * x + reg1 * y * y);
      } else {
        out[0] = (f + reg0 * x * x + reg1 * y * y) + l2 * (x * x + y * y);
      }
      gx = gx + 2 * reg0 * x;
      gy = gy + 2 * reg1 * y;
      if (l2 !== null) {
        gx = gx + 2 * l2 * x;
        gy = gy + 2 * l2 * y;
      }
      out[1] = gx;
      out[2] = gy;
    }

    function value(x, y) {
      sums(x, y);
      var f = pairwiseSum(L, 0, n) / n + reg0 * x * x + reg1 * y * y;
      return l2 === null ? f : f + l2 * (x * x + y * y);
    }

    var B0 = new Float64Array(0), B1 = new Float64Array(0);
    // The exact mean gradient over one batch of sample indices (Surface.batch_grad).
    function batchGrad(x, y, idx, offset, size, out) {
      if (B0.length < size) {
        B0 = new Float64Array(size);
        B1 = new Float64Array(size);
      }
      for (var j = 0; j < size; j++) {
        var i = idx[offset + j];
        var z = phi0[i] * x + phi1[i] * y;
        lossAndD(z, t[i], ld);
        B0[j] = ld[1] * phi0[i];
        B1[j] = ld[1] * phi1[i];
      }
      var gx = pairwiseSum(B0, 0, size) / size + 2 * reg0 * x;
      var gy = pairwiseSum(B1, 0, size) / size + 2 * reg1 * y;
      if (l2 !== null) {
        gx = gx + 2 * l2 * x;
        gy = gy + 2 * l2 * y;
      }
      out[0] = gx;
      out[1] = gy;
    }

    function hessian(x, y, out) {
      for (var i = 0; i < n; i++) {
        var z = x * phi0[i] + y * phi1[i];
        var d2;
        if (logistic) {
          var e = Math.exp(-Math.abs(z));
          d2 = e / ((1.0 + e) * (1.0 + e));
        } else {
          d2 = 1.0;
        }
        H0[i] = d2 * (phi0[i] * phi0[i]);
        H1[i] = d2 * (phi0[i] * phi1[i]);
        H2[i] = d2 * (phi1[i] * phi1[i]);
      }
      var extra = l2 === null ? 0 : 2 * l2;
      out[0] = pairwiseSum(H0, 0, n) / n + 2 * reg0 + extra;
      out[1] = pairwiseSum(H1, 0, n) / n;
      out[2] = pairwiseSum(H2, 0, n) / n + 2 * reg1 + extra;
    }
    return {
      kind: "dataset",
      nSamples: n,
      valueAndGrad: valueAndGrad,
      value: value,
      hessian: hessian,
      batchGrad: batchGrad,
    };
  }

  // -- the update rules (optviz.optimizers; torch.optim's formulas and operation order) ----------------
  // Each rule: defaults, the state fields recorded per iterate (2-vectors unless listed in `scalars`),
  // init(x, y, f) -> state, and update(gx, gy, state, x, y, out) writing the new point into out and
  // advancing state in place.
  function decay(g, p, wd) {
    return wd !== 0 ? g + wd * p : g;
  }

  function momentumBuffer(state, gx, gy, rho, damp) {
    if (state.step === 0) {
      state.momentum_buffer[0] = gx;
      state.momentum_buffer[1] = gy;
    } else if (damp !== 0) {
      state.momentum_buffer[0] = state.momentum_buffer[0] * rho + (1 - damp) * gx;
      state.momentum_buffer[1] = state.momentum_buffer[1] * rho + (1 - damp) * gy;
    } else {
      state.momentum_buffer[0] = state.momentum_buffer[0] * rho + gx;
      state.momentum_buffer[1] = state.momentum_buffer[1] * rho + gy;
    }
  }

  var RULES = {
    gd: {
      label: "GD",
      defaults: { lr: null, weight_decay: 0.0 },
      fields: [],
      init: function () { return { step: 0 }; },
      update: function (h, gx, gy, s, x, y, out) {
        gx = decay(gx, x, h.weight_decay);
        gy = decay(gy, y, h.weight_decay);
        out[0] = x - h.lr * gx;
        out[1] = y - h.lr * gy;
        s.step += 1;
      },
    },
    momentum: {
      label: "Momentum",
      defaults: { lr: null, rho: 0.9, dampening: 0.0, weight_decay: 0.0 },
      fields: ["momentum_buffer"],
      init: function () { return { step: 0, momentum_buffer: [0.0, 0.0] }; },
      update: function (h, gx, gy, s, x, y, out) {
        gx = decay(gx, x, h.weight_decay);
        gy = decay(gy, y, h.weight_decay);
        momentumBuffer(s, gx, gy, h.rho, h.dampening);
        out[0] = x - h.lr * s.momentum_buffer[0];
        out[1] = y - h.lr * s.momentum_buffer[1];
        s.step += 1;
      },
    },
    nesterov: {
      label: "Nesterov",
      defaults: { lr: null, rho: 0.9, weight_decay: 0.0 },
      fields: ["momentum_buffer", "position"],
      init: function (x, y) { return { step: 0, momentum_buffer: [0.0, 0.0], position: [x, y] }; },
      update: function (h, gx, gy, s, x, y, out) {
        gx = decay(gx, x, h.weight_decay);
        gy = decay(gy, y, h.weight_decay);
        momentumBuffer(s, gx, gy, h.rho, 0.0);
        var b = s.momentum_buffer;
        out[0] = x - h.lr * (gx + h.rho * b[0]);
        out[1] = y - h.lr * (gy + h.rho * b[1]);
        s.position[0] = out[0] + h.lr * h.rho * b[0];
        s.position[1] = out[1] + h.lr * h.rho * b[1];
        s.step += 1;
      },
    },
    adam: {
      label: "Adam",
      defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.0, amsgrad: false },
      fields: ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
      init: function () {
        return { step: 0, exp_avg: [0.0, 0.0], exp_avg_sq: [0.0, 0.0], max_exp_avg_sq: [0.0, 0.0] };
      },
      update: function (h, gx, gy, s, x, y, out) {
        var step = s.step + 1;
        var beta1 = h.betas[0], beta2 = h.betas[1];
        var g = [decay(gx, x, h.weight_decay), decay(gy, y, h.weight_decay)];
        var p = [x, y];
        // torch computes the bias corrections in Python floats: 1 - beta ** t, then ** 0.5.
        var bc1 = 1 - powi(beta1, step);
        var stepSize = h.lr / bc1;
        var bc2sqrt = Math.sqrt(1 - powi(beta2, step));
        for (var i = 0; i < 2; i++) {
          s.exp_avg[i] = lerp(s.exp_avg[i], g[i], 1 - beta1);
          s.exp_avg_sq[i] = s.exp_avg_sq[i] * beta2 + ((1 - beta2) * g[i]) * g[i];
          var second = s.exp_avg_sq[i];
          if (h.amsgrad) {
            s.max_exp_avg_sq[i] = Math.max(s.max_exp_avg_sq[i], s.exp_avg_sq[i]);
            second = s.max_exp_avg_sq[i];
          }
          var denom = Math.sqrt(second) / bc2sqrt + h.eps;
          out[i] = p[i] + (-stepSize * s.exp_avg[i]) / denom;
        }
        s.step = step;
      },
    },
    rmsprop: {
      label: "RMSProp",
      defaults: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weight_decay: 0.0, momentum: 0.0, centered: false },
      fields: ["square_avg", "momentum_buffer", "grad_avg"],
      init: function () {
        return { step: 0, square_avg: [0.0, 0.0], momentum_buffer: [0.0, 0.0], grad_avg: [0.0, 0.0] };
      },
      update: function (h, gx, gy, s, x, y, out) {
        var g = [decay(gx, x, h.weight_decay), decay(gy, y, h.weight_decay)];
        var p = [x, y];
        var alpha = h.alpha;
        for (var i = 0; i < 2; i++) {
          s.square_avg[i] = s.square_avg[i] * alpha + ((1 - alpha) * g[i]) * g[i];
          var avg;
          if (h.centered) {
            s.grad_avg[i] = lerp(s.grad_avg[i], g[i], 1 - alpha);
            avg = Math.sqrt(s.square_avg[i] + (-1.0 * s.grad_avg[i]) * s.grad_avg[i]) + h.eps;
          } else {
            avg = Math.sqrt(s.square_avg[i]) + h.eps;
          }
          if (h.momentum > 0) {
            s.momentum_buffer[i] = s.momentum_buffer[i] * h.momentum + (1.0 * g[i]) / avg;
            out[i] = p[i] - h.lr * s.momentum_buffer[i];
          } else {
            out[i] = p[i] + (-h.lr * g[i]) / avg;
          }
        }
        s.step += 1;
      },
    },
    adagrad: {
      label: "AdaGrad",
      defaults: { lr: 1e-2, eps: 1e-10, weight_decay: 0.0, lr_decay: 0.0, initial_accumulator_value: 0.0 },
      fields: ["sum"],
      init: function (x, y, f, h) {
        return { step: 0, sum: [0.0 + h.initial_accumulator_value, 0.0 + h.initial_accumulator_value] };
      },
      update: function (h, gx, gy, s, x, y, out) {
        var step = s.step + 1;
        var g = [decay(gx, x, h.weight_decay), decay(gy, y, h.weight_decay)];
        var p = [x, y];
        var clr = h.lr / (1 + (step - 1) * h.lr_decay);
        for (var i = 0; i < 2; i++) {
          s.sum[i] = s.sum[i] + (1.0 * g[i]) * g[i];
          var std = Math.sqrt(s.sum[i]) + h.eps;
          out[i] = p[i] + (-clr * g[i]) / std;
        }
        s.step = step;
      },
    },
    random_search: {
      label: "Random search",
      defaults: { scale: 1.0, local: false },
      fields: ["sample", "sample_loss"],
      scalars: ["sample_loss"],
      usesGradient: false,
      init: function (x, y, f) {
        return { step: 0, origin: [x, y], best_loss: f, sample: [x, y], sample_loss: f };
      },
    },
  };

  // The rule's hyperparameters: the defaults, overridden by `params` (names as in TOML).
  function hyperparameters(name, params) {
    var rule = RULES[name];
    if (!rule) throw new Error("unknown rule " + JSON.stringify(name));
    var h = {};
    for (var key in rule.defaults) h[key] = rule.defaults[key];
    for (var k in params) {
      if (!(k in rule.defaults)) throw new Error(name + ": unknown parameter " + JSON.stringify(k));
      h[k] = params[k];
    }
    if (h.lr === null) throw new Error(name + ": lr is required");
    return h;
  }

  // -- the stepping loop (optviz.engine: run, with _batched_loop's stopping and freezing) ---------------
  // opts: start [x, y], steps, tol (or null), escapeRadius, center [cx, cy], noise (null,
  // {kind: "gaussian", sigma, draws: Float64Array of 2 per step}, or {kind: "minibatch", batchSize,
  // indices: Int32Array of batchSize per step}), normals (random search: Float64Array, 2 per step).
  function run(surface, name, params, opts) {
    var rule = RULES[name];
    var h = hyperparameters(name, params);
    var steps = opts.steps, n = steps + 1;
    var xy = new Float64Array(2 * n), loss = new Float64Array(n), grad = new Float64Array(2 * n);
    var fields = rule.fields, scalars = rule.scalars || [];
    var state = {};
    var i;
    for (i = 0; i < fields.length; i++) {
      state[fields[i]] = new Float64Array((scalars.indexOf(fields[i]) >= 0 ? 1 : 2) * n);
    }
    var noise = opts.noise || null;
    var tol = opts.tol === undefined ? null : opts.tol;
    var tol2 = tol === null ? null : tol * tol;
    var r2 = opts.escapeRadius * opts.escapeRadius;
    var cx = opts.center[0], cy = opts.center[1];
    var x = opts.start[0], y = opts.start[1];
    var out3 = new Float64Array(3), out2 = new Float64Array(2), next = new Float64Array(2);
    surface.valueAndGrad(x, y, out3);
    var s = rule.init(x, y, out3[0], h);
    var status = "max_steps", stop = steps;
    var usesGradient = rule.usesGradient !== false;
    for (var k = 0; k <= steps; k++) {
      surface.valueAndGrad(x, y, out3);
      var f = out3[0], gx = out3[1], gy = out3[2];
      var exact2 = gx * gx + gy * gy;
      if (noise !== null) {
        if (k >= noiseSteps(noise)) {
          throw new Error("the page holds noise draws for " + (noiseSteps(noise) - 1) + " steps, not " + steps);
        }
        if (noise.kind === "gaussian") {
          gx = gx + noise.sigma * noise.draws[2 * k];
          gy = gy + noise.sigma * noise.draws[2 * k + 1];
        } else {
          surface.batchGrad(x, y, noise.indices, k * noise.batchSize, noise.batchSize, out2);
          gx = out2[0];
          gy = out2[1];
        }
      }
      xy[2 * k] = x; xy[2 * k + 1] = y;
      loss[k] = f;
      grad[2 * k] = gx; grad[2 * k + 1] = gy;
      for (i = 0; i < fields.length; i++) {
        var v = s[fields[i]];
        if (scalars.indexOf(fields[i]) >= 0) state[fields[i]][k] = v;
        else { state[fields[i]][2 * k] = v[0]; state[fields[i]][2 * k + 1] = v[1]; }
      }
      var dx = x - cx, dy = y - cy;
      var bad = !(dx * dx + dy * dy <= r2 && isFinite(f) && isFinite(gx) && isFinite(gy));
      if (bad) { status = "diverged"; stop = k - 1; break; }
      if (tol2 !== null && (noise !== null ? exact2 : gx * gx + gy * gy) < tol2) {
        status = "converged"; stop = k; break;
      }
      if (k === steps) break;
      if (usesGradient) {
        rule.update(h, gx, gy, s, x, y, next);
      } else {
        if (2 * k + 1 >= opts.normals.length) {
          throw new Error("the page holds random draws for " + opts.normals.length / 2 + " steps, not " + steps);
        }
        // RandomSearch.propose and accept: a sample around the start (or the current point), kept
        // where its loss improves on the best.
        var ox = h.local ? x : s.origin[0], oy = h.local ? y : s.origin[1];
        var sx = ox + h.scale * opts.normals[2 * k], sy = oy + h.scale * opts.normals[2 * k + 1];
        var sl = surface.value(sx, sy);
        var better = sl < s.best_loss;
        next[0] = better ? sx : x;
        next[1] = better ? sy : y;
        s.best_loss = better ? sl : s.best_loss;
        s.sample[0] = sx; s.sample[1] = sy; s.sample_loss = sl;
        s.step += 1;
      }
      x = next[0];
      y = next[1];
    }
    // Rows after the stop repeat the last valid iterate (runs of different lengths stay in sync).
    if (stop < steps) {
      var last = Math.max(stop, 0);
      freeze(xy, 2, last, n);
      freeze(loss, 1, last, n);
      freeze(grad, 2, last, n);
      for (i = 0; i < fields.length; i++) {
        freeze(state[fields[i]], scalars.indexOf(fields[i]) >= 0 ? 1 : 2, last, n);
      }
    }
    return { rule: name, params: h, xy: xy, loss: loss, grad: grad, state: state, status: status, stopStep: stop, steps: steps };
  }

  function noiseSteps(noise) {
    return noise.kind === "gaussian" ? noise.draws.length / 2 : noise.indices.length / noise.batchSize;
  }

  function freeze(arr, width, last, n) {
    for (var k = last + 1; k < n; k++) {
      for (var j = 0; j < width; j++) arr[width * k + j] = arr[width * last + j];
    }
  }

  // Eigenvalues (ascending) of [[hxx, hxy], [hxy, hyy]] as optviz.analysis computes them, and kappa.
  function symmetricEigen(hxx, hxy, hyy) {
    var mean = 0.5 * (hxx + hyy);
    var radius = Math.hypot(0.5 * (hxx - hyy), hxy);
    var big = mean + (mean < 0 || Object.is(mean, -0) ? -radius : radius);
    var det = hxx * hyy - hxy * hxy;
    var small = big !== 0 ? det / big : 0.0;
    return [Math.min(big, small), Math.max(big, small)];
  }

  function conditionNumber(eig) {
    var a = Math.abs(eig[0]), b = Math.abs(eig[1]);
    var low = Math.min(a, b), high = Math.max(a, b);
    if (isNaN(low) || isNaN(high)) return NaN;
    return low > 0 ? high / low : Infinity;
  }

  // Base64 of little-endian float64 / int32 bytes (how pages embed arrays exactly).
  function decodeBase64(text) {
    if (typeof atob === "function") {
      var bin = atob(text), bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      return bytes.buffer;
    }
    var buf = Buffer.from(text, "base64");
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  }
  function float64s(text) { return new Float64Array(decodeBase64(text)); }
  function int32s(text) { return new Int32Array(decodeBase64(text)); }

  var api = {
    powi: powi,
    ipowSq: ipowSq,
    npPow: npPow,
    sign: sign,
    pairwiseSum: pairwiseSum,
    lerp: lerp,
    datasetSurface: datasetSurface,
    RULES: RULES,
    hyperparameters: hyperparameters,
    run: run,
    symmetricEigen: symmetricEigen,
    conditionNumber: conditionNumber,
    float64s: float64s,
    int32s: int32s,
  };
  root.OptvizEngine = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
