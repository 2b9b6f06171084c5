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
    if (n <= 128) return blockSum(a, start, n);
    var half = Math.floor(n / 2);
    half -= half % 8;
    return pairwiseSum(a, start, half) + pairwiseSum(a, start + half, n - half);
  }

  // pairwiseSum of n <= 128 values (no recursion: a caller can have it inlined).
  function blockSum(a, start, n) {
    var i, res;
    if (n < 8) {
      res = 0.0;
      for (i = 0; i < n; i++) res += a[start + i];
      return res;
    }
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

  // pairwiseSum's splits of n values, for a sum made block by block: its blocks (starts, counts: the leaves of
  // <= 128 values, left to right) and, postfix, how their sums add (ops: a block's index, or -1 for the sum of
  // the two before it). n < 8: one block, which pairwiseSum adds one by one from 0.0 (as a count < 8 here).
  function pairwisePlan(n) {
    var starts = [], counts = [], ops = [];
    (function split(start, count) {
      if (count <= 128) {
        ops.push(starts.length);
        starts.push(start);
        counts.push(count);
        return;
      }
      var half = Math.floor(count / 2);
      half -= half % 8;
      split(start, half);
      split(start + half, count - half);
      ops.push(-1);
    })(0, n);
    return { starts: Int32Array.from(starts), counts: Int32Array.from(counts), ops: Int32Array.from(ops) };
  }

  // torch.lerp(start, end, w), as optviz.optimizers._lerp.
  function lerp(start, end, w) {
    return Math.abs(w) < 0.5 ? start + w * (end - start) : end - (end - start) * (1 - w);
  }

  // -- the squared losses' block sums in WebAssembly (SIMD: two samples at a time) --------------------------
  // The hot loop of a page's minibatch runs on least squares: a loss over seeds runs every run again with
  // each seed, and records the full loss at every step (256 samples in blocks of 128, 8 interleaved
  // accumulators each: ~25,000 such sums a move of a schedules page). In JavaScript a sample costs ~3 cycles;
  // f64x2 lanes halve it. IEEE double arithmetic in either: the same operations in the same order give the
  // same bits (WebAssembly's f64x2.mul and add never fuse). Where WebAssembly's SIMD is missing, the
  // JavaScript path (squaredSum) does it.
  //
  // The module exports s(stride, table, tableEnd, points, pointsEnd, out): with phi0, phi1 and the targets
  // at byte offsets 0, stride, 2 stride of the imported memory, for each point (x, y: two f64) from points to
  // pointsEnd and each entry of the table (a block's first and end byte offsets into phi0, i32 each, a
  // multiple of 64 bytes apart), pairwiseSum's 8-accumulator block over those samples, stored as the next
  // f64 at out: accumulators r0..r7 are the lanes of four f64x2 locals, each sample's loss (0.5 r) r with
  // r = (x phi0 + y phi1) - t, the result ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)). (Many points
  // a call: a call into WebAssembly costs about a block.)
  function squaresModule() {
    var SIMD = 0xfd, MUL = [SIMD, 0xf2, 0x01], ADD = [SIMD, 0xf0, 0x01], SUB = [SIMD, 0xf1, 0x01];
    var get = function (i) { return [0x20, i]; }, set = function (i) { return [0x21, i]; };
    var load = function (offset) { return [SIMD, 0x00, 0x03, offset]; }; // v128.load (align 8, offset < 128)
    var lane = function (acc, l) { return get(acc).concat([SIMD, 0x21, l]); }; // f64x2.extract_lane
    var ltU = function (i, j) { return get(i).concat(get(j), [0x49, 0x45]); }; // !(i < j), unsigned
    var add = function (i, v) { return get(i).concat([0x41], leb(v), [0x6a], set(i)); }; // i += v (v < 64)
    // locals: 0 stride, 1 table, 2 the table's end, 3 the point's address, 4 the points' end, 5 out; 6 the
    // table entry's address, 7 phi0's address (a), 8 the block's end, 9 phi1's address, 10 the targets';
    // 11 X, 12 Y, 13 the halves, 14-17 the accumulators, 18 r
    var term = function (offset) {
      return [].concat(get(11), get(7), load(offset), MUL, get(12), get(9), load(offset), MUL, ADD,
        get(10), load(offset), SUB, [0x22, 18], get(13), MUL, get(18), MUL);
    };
    var addresses = [].concat(get(7), get(0), [0x6a], [0x22, 9], get(0), [0x6a], set(10)); // b = a + s, c = b + s
    var advance = [].concat(get(7), [0x41, 0xc0, 0x00, 0x6a], set(7)); // a += 64
    var first = [], next = [];
    for (var k = 0; k < 4; k++) {
      first = first.concat(term(16 * k), set(14 + k));
      next = next.concat(get(14 + k), term(16 * k), ADD, set(14 + k));
    }
    var half = [SIMD, 0x0c, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f]; // v128.const 0.5 0.5
    var pair = function (acc) { return lane(acc, 0).concat(lane(acc, 1), [0xa0]); }; // f64.add
    var LOOP = [0x02, 0x40, 0x03, 0x40], AGAIN = [0x0c, 0, 0x0b, 0x0b]; // block, loop ... br loop; end; end
    var body = [].concat(
      [2, 5, 0x7f, 8, 0x7b], // locals: 5 i32, 8 v128
      half, set(13),
      LOOP, ltU(3, 4), [0x0d, 1], // the points, up to their end
      get(3), [0x2b, 0x03, 0x00, SIMD, 0x14], set(11), get(3), [0x2b, 0x03, 0x08, SIMD, 0x14], set(12), // splat x, y
      get(1), set(6),
      LOOP, ltU(6, 2), [0x0d, 1], // the table's entries
      get(6), [0x28, 0x02, 0x00], set(7), get(6), [0x28, 0x02, 0x04], set(8), // i32.load a, end
      addresses, first, advance,
      LOOP, ltU(7, 8), [0x0d, 1], // the block's samples past its first 8
      addresses, next, advance,
      AGAIN,
      get(5), pair(14), pair(15), [0xa0], pair(16), pair(17), [0xa0, 0xa0], [0x39, 0x03, 0x00], // f64.store
      add(5, 8), add(6, 8),
      AGAIN,
      add(3, 16),
      AGAIN,
      [0x0b]
    );
    var bytes = [].concat(
      [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      [0x01, 0x0a, 0x01, 0x60, 0x06, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00], // type: (6 x i32) -> ()
      [0x02, 0x08, 0x01, 0x01, 0x65, 0x01, 0x6d, 0x02, 0x00, 0x01], // import "e" "m": a memory of >= 1 page
      [0x03, 0x02, 0x01, 0x00], // one function of type 0
      [0x07, 0x05, 0x01, 0x01, 0x73, 0x00, 0x00], // export "s": function 0
      [0x0a], leb(1 + leb(body.length).length + body.length), [0x01], leb(body.length), body
    );
    try {
      return new WebAssembly.Module(new Uint8Array(bytes));
    } catch (err) {
      return null; // (no WebAssembly, or no SIMD in it)
    }
  }
  function leb(v) {
    var out = [];
    do { var b = v & 0x7f; v >>>= 7; out.push(v ? b | 0x80 : b); } while (v);
    return out;
  }
  var squares;
  // The block sums of one least-squares dataset (null without WebAssembly's SIMD, or n < 8: no block of 8):
  // its arrays copied into the module's memory once, then the table of the plan's blocks, then room for the
  // points and their sums (grown as a call needs). sums(xy, count) sums the blocks at the first `count`
  // points of xy (flat x, y) and returns the sums, block b of point j at j * blocks + b (the samples up to
  // the block's last multiple of 8).
  function squaresKernel(phi0, phi1, t, plan) {
    var n = t.length, blocks = plan.starts.length;
    if (n < 8) return null;
    if (squares === undefined) squares = typeof WebAssembly === "object" ? squaresModule() : null;
    if (squares === null) return null;
    var fixed = 24 * n + 8 * blocks, memory = new WebAssembly.Memory({ initial: Math.ceil((fixed + 4096) / 65536) });
    var f = new Float64Array(memory.buffer), table = new Int32Array(memory.buffer, 24 * n, 2 * blocks);
    f.set(phi0, 0);
    f.set(phi1, n);
    f.set(t, 2 * n);
    for (var b = 0; b < blocks; b++) {
      var start = plan.starts[b], count = plan.counts[b];
      table[2 * b] = 8 * start;
      table[2 * b + 1] = 8 * (start + count - (count % 8));
    }
    var run = new WebAssembly.Instance(squares, { e: { m: memory } }).exports.s;
    var points = fixed; // (a multiple of 8)
    return function sums(xy, count) {
      var out = points + 16 * count, need = out + 8 * blocks * count;
      if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
      if (f.buffer !== memory.buffer) f = new Float64Array(memory.buffer); // (a grown memory's new buffer)
      f.set(xy.subarray(0, 2 * count), points / 8);
      run(8 * n, 24 * n, 24 * n + 8 * blocks, points, out, out);
      return f.subarray(out / 8, out / 8 + blocks * count);
    };
  }

  // -- dataset (finite-sum) surfaces: f = mean_i l(phi_i . p, t_i) + r0 x^2 + r1 y^2 (+ l2 |p|^2) ---------
  function datasetSurface(spec) {
    var phi0 = spec.phi0, phi1 = spec.phi1, t = spec.targets, n = t.length;
    var reg0 = spec.reg[0], reg1 = spec.reg[1], l2 = spec.l2;
    var logistic = spec.loss === "logistic";
    var L = new Float64Array(n), D0 = new Float64Array(n), D1 = new Float64Array(n);
    var H0 = new Float64Array(n), H1 = new Float64Array(n), H2 = new Float64Array(n);

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

    // The value alone, as valueAndGrad sums it (its out[0], bit for bit): what a minibatch run records,
    // where the exact gradient goes unused (no tol: run() then skips the two gradient sums). The hot path
    // of a page's minibatch runs (a loss over seeds: every seed's loss at every step), so each sample's loss
    // is added where it is computed (squaredSum, logisticSum), with no array between.
    function loss(x, y) {
      if (kernel !== null) return kernelLoss(x, y);
      var f = (logistic ? logisticSum(x, y, 0, n) : squaredSum(x, y, 0, n)) / n;
      return l2 === null ? f + (reg0 * x * x + reg1 * y * y) : (f + reg0 * x * x + reg1 * y * y) + l2 * (x * x + y * y);
    }

    // One sample's loss, as sums() computes it into L[i].
    function squared(x, y, i) {
      var r = (x * phi0[i] + y * phi1[i]) - t[i];
      return 0.5 * r * r;
    }
    function logisticLoss(x, y, i) {
      var u = (-t[i]) * (x * phi0[i] + y * phi1[i]);
      return Math.max(u, 0.0) + Math.log1p(Math.exp(-Math.abs(u)));
    }

    // pairwiseSum(L, start, count) of the samples' losses at (x, y), computed as they are added: pairwiseSum's
    // blocks, accumulators and order of additions, the same bits. (Written once per loss: a loss passed as a
    // function would make the loop call it.)
    var plan = pairwisePlan(n), stack = new Float64Array(plan.starts.length + 1);
    var kernel = logistic ? null : squaresKernel(phi0, phi1, t, plan);
    function squaredSum(x, y, start, count) {
      var i, res;
      if (count < 8) {
        res = 0.0;
        for (i = 0; i < count; i++) res += squared(x, y, start + i);
        return res;
      }
      if (count <= 128) {
        var r0 = squared(x, y, start), r1 = squared(x, y, start + 1), r2 = squared(x, y, start + 2),
          r3 = squared(x, y, start + 3), r4 = squared(x, y, start + 4), r5 = squared(x, y, start + 5),
          r6 = squared(x, y, start + 6), r7 = squared(x, y, start + 7);
        var end = count - (count % 8);
        for (i = 8; i < end; i += 8) {
          var a = start + i;
          r0 += squared(x, y, a); r1 += squared(x, y, a + 1); r2 += squared(x, y, a + 2); r3 += squared(x, y, a + 3);
          r4 += squared(x, y, a + 4); r5 += squared(x, y, a + 5); r6 += squared(x, y, a + 6); r7 += squared(x, y, a + 7);
        }
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
        for (; i < count; i++) res += squared(x, y, start + i);
        return res;
      }
      var half = Math.floor(count / 2);
      half -= half % 8;
      return squaredSum(x, y, start, half) + squaredSum(x, y, start + half, count - half);
    }
    function logisticSum(x, y, start, count) {
      var i, res;
      if (count < 8) {
        res = 0.0;
        for (i = 0; i < count; i++) res += logisticLoss(x, y, start + i);
        return res;
      }
      if (count <= 128) {
        var r0 = logisticLoss(x, y, start), r1 = logisticLoss(x, y, start + 1), r2 = logisticLoss(x, y, start + 2),
          r3 = logisticLoss(x, y, start + 3), r4 = logisticLoss(x, y, start + 4), r5 = logisticLoss(x, y, start + 5),
          r6 = logisticLoss(x, y, start + 6), r7 = logisticLoss(x, y, start + 7);
        var end = count - (count % 8);
        for (i = 8; i < end; i += 8) {
          var a = start + i;
          r0 += logisticLoss(x, y, a); r1 += logisticLoss(x, y, a + 1); r2 += logisticLoss(x, y, a + 2);
          r3 += logisticLoss(x, y, a + 3); r4 += logisticLoss(x, y, a + 4); r5 += logisticLoss(x, y, a + 5);
          r6 += logisticLoss(x, y, a + 6); r7 += logisticLoss(x, y, a + 7);
        }
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
        for (; i < count; i++) res += logisticLoss(x, y, start + i);
        return res;
      }
      var half = Math.floor(count / 2);
      half -= half % 8;
      return logisticSum(x, y, start, half) + logisticSum(x, y, start + half, count - half);
    }

    // squaredSum with the blocks of <= 128 samples in WebAssembly, its recursion unrolled once for all
    // (pairwisePlan), at many points in one call: each block's sum (the kernel's, then the samples past its
    // last multiple of 8), added up as pairwiseSum's halves add; then loss()'s mean and penalty.
    var point = new Float64Array(2);
    function kernelLosses(xy, count, out) {
      var sums = kernel(xy, count), blocks = plan.starts.length;
      var ops = plan.ops, starts = plan.starts, counts = plan.counts;
      for (var j = 0; j < count; j++) {
        var x = xy[2 * j], y = xy[2 * j + 1], top = 0;
        for (var o = 0; o < ops.length; o++) {
          var b = ops[o];
          if (b < 0) {
            top--;
            stack[top - 1] = stack[top - 1] + stack[top];
            continue;
          }
          var start = starts[b], c = counts[b], res = sums[j * blocks + b];
          for (var i = c - (c % 8); i < c; i++) res += squared(x, y, start + i);
          stack[top++] = res;
        }
        var f = stack[0] / n;
        out[j] = l2 === null ? f + (reg0 * x * x + reg1 * y * y) : (f + reg0 * x * x + reg1 * y * y) + l2 * (x * x + y * y);
      }
    }
    var one = new Float64Array(1);
    function kernelLoss(x, y) {
      point[0] = x;
      point[1] = y;
      kernelLosses(point, 1, one);
      return one[0];
    }

    function value(x, y) {
      sums(x, y);
      var f = pairwiseSum(L, 0, n) / n + reg0 * x * x + reg1 * y * y;
      return l2 === null ? f : f + l2 * (x * x + y * y);
    }

    // The gradient alone (Surface.grad; the same-state update panels take it): valueAndGrad's, which equals
    // grad()'s to the bit (optviz.surfaces.learning: _loss_and_dloss shares _dloss's operations).
    var vg = new Float64Array(3);
    function grad(x, y, out) {
      valueAndGrad(x, y, vg);
      out[0] = vg[1];
      out[1] = vg[2];
    }

    var B0 = new Float64Array(0), B1 = new Float64Array(0);
    // The exact mean gradient over one batch of sample indices (Surface.batch_grad): d loss / dz as
    // optviz.surfaces.learning's _loss_and_dloss makes it, times each feature. Every step of every minibatch
    // run comes here: a function for each loss, small enough for the stepping loop to take in.
    function squaredBatchGrad(x, y, idx, offset, size, out) {
      if (B0.length < size) grow(size);
      for (var j = 0; j < size; j++) {
        var i = idx[offset + j], d = (phi0[i] * x + phi1[i] * y) - t[i];
        B0[j] = d * phi0[i];
        B1[j] = d * phi1[i];
      }
      batchMean(x, y, size, out);
    }
    function logisticBatchGrad(x, y, idx, offset, size, out) {
      if (B0.length < size) grow(size);
      for (var j = 0; j < size; j++) {
        var i = idx[offset + j], u = (-t[i]) * (phi0[i] * x + phi1[i] * y), e = Math.exp(-Math.abs(u));
        var d = (-t[i]) * (u >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e));
        B0[j] = d * phi0[i];
        B1[j] = d * phi1[i];
      }
      batchMean(x, y, size, out);
    }
    function grow(size) {
      B0 = new Float64Array(size);
      B1 = new Float64Array(size);
    }
    function batchMean(x, y, size, out) {
      var gx = (size <= 128 ? blockSum(B0, 0, size) : pairwiseSum(B0, 0, size)) / size + 2 * reg0 * x;
      var gy = (size <= 128 ? blockSum(B1, 0, size) : pairwiseSum(B1, 0, size)) / size + 2 * reg1 * y;
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
      grad: grad,
      loss: loss,
      hessian: hessian,
      batchGrad: logistic ? logisticBatchGrad : squaredBatchGrad,
      // loss() at the first `count` points of xy (flat x, y) into out, in one call into WebAssembly (only
      // where its SIMD sums the blocks)
      losses: kernel !== null ? kernelLosses : null,
      simd: kernel !== null,
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

  // Adam's step (torch.optim.Adam), with `wd` folded into the gradient (AdamW passes 0: its decay is
  // decoupled and already applied to the point).
  function adamUpdate(h, wd, gx, gy, s, x, y, out) {
    var step = s.step + 1;
    var beta1 = h.betas[0], beta2 = h.betas[1];
    var g0 = decay(gx, x, wd), g1 = decay(gy, y, wd);
    // torch computes the bias corrections in Python floats: 1 - beta ** t, then ** 0.5.
    var bc1 = 1 - powi(beta1, step);
    var stepSize = h.lr / bc1;
    var bc2sqrt = Math.sqrt(1 - powi(beta2, step));
    for (var i = 0; i < 2; i++) {
      var g = i === 0 ? g0 : g1;
      s.exp_avg[i] = lerp(s.exp_avg[i], g, 1 - beta1);
      s.exp_avg_sq[i] = s.exp_avg_sq[i] * beta2 + ((1 - beta2) * g) * g;
      var second = s.exp_avg_sq[i];
      if (h.amsgrad) {
        s.max_exp_avg_sq[i] = Math.max(s.max_exp_avg_sq[i], s.exp_avg_sq[i]);
        second = s.max_exp_avg_sq[i];
      }
      var denom = Math.sqrt(second) / bc2sqrt + h.eps;
      out[i] = (i === 0 ? x : y) + (-stepSize * s.exp_avg[i]) / denom;
    }
    s.step = step;
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
        adamUpdate(h, h.weight_decay, gx, gy, s, x, y, out);
      },
    },
    adamw: {
      label: "AdamW",
      defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 1e-2, amsgrad: false },
      fields: ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
      init: function () {
        return { step: 0, exp_avg: [0.0, 0.0], exp_avg_sq: [0.0, 0.0], max_exp_avg_sq: [0.0, 0.0] };
      },
      // torch's order: the parameter decays first, then Adam's step runs on the gradient as it is.
      update: function (h, gx, gy, s, x, y, out) {
        if (h.weight_decay !== 0) {
          var keep = 1 - h.lr * h.weight_decay;
          x = x * keep;
          y = y * keep;
        }
        adamUpdate(h, 0.0, gx, gy, s, x, y, out);
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
    newton: {
      label: "Newton",
      defaults: { lr: 1.0, damping: 0.0 },
      fields: ["eigenvalues", "indefinite", "singular"],
      scalars: ["indefinite", "singular"],
      stopStatuses: ["singular"],
      init: function (x, y, f, h, surface) {
        var s = { step: 0, hessian: new Float64Array(3), eigenvalues: [0.0, 0.0], indefinite: 0, singular: 0 };
        newtonAt(h, surface, x, y, s);
        return s;
      },
      update: function (h, gx, gy, s, x, y, out, surface) {
        var hh = s.hessian, a = hh[0], b = (hh[1] + hh[1]) / 2, c = hh[2];
        if (h.damping !== 0) { a = a + h.damping; c = c + h.damping; }
        var det = a * c - b * b;
        var nx = x - h.lr * ((c * gx - b * gy) / det);
        var ny = y - h.lr * ((a * gy - b * gx) / det);
        // Where the matrix is singular there is no step: a non-finite point ends the run, and the state
        // at this iterate (singular) gives it its status.
        if (s.singular) { nx = NaN; ny = NaN; }
        out[0] = nx;
        out[1] = ny;
        s.step += 1;
        newtonAt(h, surface, nx, ny, s);
      },
    },
    lbfgs: {
      label: "L-BFGS",
      defaults: {
        lr: 1.0, max_iter: 20, max_eval: null, history_size: 100, line_search_fn: null,
        tolerance_grad: 1e-7, tolerance_change: 1e-9,
      },
      fields: ["func_evals", "n_iter"],
      scalars: ["func_evals", "n_iter"],
      // per iterate, the inner iterates of the step that led to it ([x0, y0, x1, y1, ...]; the last is the
      // iterate): optviz.lbfgs's inner_xy, without its NaN padding
      lists: ["inner"],
      takesNoise: false,
      init: function () {
        return {
          step: 0, func_evals: 0, n_iter: 0, d: [0.0, 0.0], t: 0.0, old_dirs: [], old_stps: [], ro: [],
          H_diag: 1.0, prev_flat_grad: [0.0, 0.0], prev_loss: 0.0, inner: [], evaluated: [],
        };
      },
      update: function (h, gx, gy, s, x, y, out, surface) {
        lbfgsStep(h, surface, x, y, s, out);
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

  // -- Newton (optviz.newton): the exact Hessian, the 2 x 2 algebra written out -------------------------
  var EPS = 2.220446049250313e-16;
  var hOut = new Float64Array(3);
  // The state at (x, y): the Hessian there and what H + damping I is like (Newton._at).
  function newtonAt(h, surface, x, y, s) {
    surface.hessian(x, y, hOut);
    s.hessian[0] = hOut[0]; s.hessian[1] = hOut[1]; s.hessian[2] = hOut[2];
    var a = hOut[0], b = (hOut[1] + hOut[1]) / 2, c = hOut[2];
    if (h.damping !== 0) { a = a + h.damping; c = c + h.damping; }
    var det = a * c - b * b;
    var mean = (a + c) / 2, half = (a - c) / 2;
    var radius = Math.sqrt(half * half + b * b);
    var big = mean >= 0 ? mean + radius : mean - radius;
    var small = big !== 0 ? det / big : 0.0;
    s.eigenvalues[0] = nanMin(small, big);
    s.eigenvalues[1] = nanMax(small, big);
    var finite = isFinite(det) && isFinite(big);
    s.singular = finite && !(Math.abs(det) > 2 * EPS * big * big) ? 1 : 0;
    s.indefinite = finite && !s.singular && det < 0 ? 1 : 0;
  }
  function nanMin(a, b) { return a !== a || b !== b ? NaN : Math.min(a, b); }
  function nanMax(a, b) { return a !== a || b !== b ? NaN : Math.max(a, b); }

  // -- L-BFGS (optviz.lbfgs's one-run port of torch.optim.LBFGS.step, line by line) --------------------
  // torch mixes Python floats with 0-d tensors; the values agree except for a Python number divided by a
  // tensor, which torch computes as reciprocal() * number. Step lengths carry a flag saying whether they
  // are tensors in torch (T), as optviz.lbfgs's _Tensor does.
  var C1 = 1e-4, C2 = 0.9, YS_MIN = 1e-10, LS_TOLERANCE_CHANGE = 1e-9;

  function dot(a0, a1, b0, b1) { return a0 * b0 + a1 * b1; }
  function maxAbs(a0, a1) { return nanMax(Math.abs(a0), Math.abs(a1)); }

  // torch's _cubic_interpolate: the minimizer of the cubic through (x1, f1, g1), (x2, f2, g2), clipped
  // to the bounds (default the interval between the points). x1T..: tensor flags. Returns [value, isTensor].
  function cubic(x1, x1T, f1, g1, x2, x2T, f2, g2, lo, loT, hi, hiT) {
    if (lo === undefined) {
      if (x1 <= x2) { lo = x1; loT = x1T; hi = x2; hiT = x2T; }
      else { lo = x2; loT = x2T; hi = x1; hiT = x1T; }
    }
    var den = x1 - x2;
    var q = (x1T || x2T) ? (3 * (f1 - f2)) * (1.0 / den) : (3 * (f1 - f2)) / den;
    var d1 = g1 + g2 - q;
    var d2sq = d1 * d1 - g1 * g2;
    if (d2sq >= 0) {
      var d2 = Math.sqrt(d2sq), minPos;
      if (x1 <= x2) minPos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2));
      else minPos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
      var v = minPos, vT = true;
      if (lo > v) { v = lo; vT = loT; } // Python's max(min_pos, lo)
      if (hi < v) { v = hi; vT = hiT; } // min(., hi)
      return [v, vT];
    }
    return [(lo + hi) / 2.0, loT || hiT];
  }

  // torch's _strong_wolfe. along(t) evaluates p + t d into ev = [f, gx, gy]. Returns
  // {f, g0, g1, t, evals}.
  function strongWolfe(along, t, tT, d0, d1, f, g0, g1, gtd, maxLs) {
    var dNorm = maxAbs(d0, d1);
    var ev = along(t);
    var fNew = ev[0], gNew0 = ev[1], gNew1 = ev[2];
    var evals = 1;
    var gtdNew = dot(gNew0, gNew1, d0, d1);
    var tPrev = 0, tPrevT = false, fPrev = f, gPrev0 = g0, gPrev1 = g1, gtdPrev = gtd;
    var done = false, lsIter = 0;
    // the bracket: ends b, their tensor flags, losses, gradients, slopes
    var b = [0, 0], bT = [false, false], bf = [0, 0], bg0 = [0, 0], bg1 = [0, 0], bgtd = [NaN, NaN];
    var size = 0;
    function two() {
      b[0] = tPrev; b[1] = t; bT[0] = tPrevT; bT[1] = tT; bf[0] = fPrev; bf[1] = fNew;
      bg0[0] = gPrev0; bg0[1] = gNew0; bg1[0] = gPrev1; bg1[1] = gNew1; bgtd[0] = gtdPrev; bgtd[1] = gtdNew;
      size = 2;
    }
    var r;
    while (lsIter < maxLs) {
      if (fNew > (f + C1 * t * gtd) || (lsIter > 1 && fNew >= fPrev)) { two(); break; }
      if (Math.abs(gtdNew) <= -C2 * gtd) {
        b[0] = t; bT[0] = tT; bf[0] = fNew; bg0[0] = gNew0; bg1[0] = gNew1; size = 1;
        done = true;
        break;
      }
      if (gtdNew >= 0) { two(); break; }
      var minStep = t + 0.01 * (t - tPrev), maxStep = t * 10;
      var tmp = t, tmpT = tT;
      r = cubic(tPrev, tPrevT, fPrev, gtdPrev, t, tT, fNew, gtdNew, minStep, tT || tPrevT, maxStep, tT);
      t = r[0]; tT = r[1];
      tPrev = tmp; tPrevT = tmpT; fPrev = fNew; gPrev0 = gNew0; gPrev1 = gNew1; gtdPrev = gtdNew;
      ev = along(t);
      fNew = ev[0]; gNew0 = ev[1]; gNew1 = ev[2];
      evals += 1;
      gtdNew = dot(gNew0, gNew1, d0, d1);
      lsIter += 1;
    }
    if (lsIter === maxLs) {
      b[0] = 0; bT[0] = false; b[1] = t; bT[1] = tT; bf[0] = f; bf[1] = fNew;
      bg0[0] = g0; bg0[1] = gNew0; bg1[0] = g1; bg1[1] = gNew1; size = 2;
    }
    var insuf = false;
    var low = size === 1 || bf[0] <= bf[size - 1] ? 0 : 1, high = 1 - low;
    while (!done && lsIter < maxLs) {
      if (Math.abs(b[1] - b[0]) * dNorm < LS_TOLERANCE_CHANGE) break;
      r = cubic(b[0], bT[0], bf[0], bgtd[0], b[1], bT[1], bf[1], bgtd[1]);
      t = r[0]; tT = r[1];
      // Python's max and min of [b0, b1]: b1 only if strictly beyond b0
      var top = b[1] > b[0] ? b[1] : b[0], topT = b[1] > b[0] ? bT[1] : bT[0];
      var bottom = b[1] < b[0] ? b[1] : b[0], bottomT = b[1] < b[0] ? bT[1] : bT[0];
      var eps = 0.1 * (top - bottom), epsT = topT || bottomT;
      var m1 = top - t, m2 = t - bottom;
      if ((m2 < m1 ? m2 : m1) < eps) {
        if (insuf || t >= top || t <= bottom) {
          if (Math.abs(t - top) < Math.abs(t - bottom)) { t = top - eps; tT = topT || epsT; }
          else { t = bottom + eps; tT = bottomT || epsT; }
          insuf = false;
        } else {
          insuf = true;
        }
      } else {
        insuf = false;
      }
      ev = along(t);
      fNew = ev[0]; gNew0 = ev[1]; gNew1 = ev[2];
      evals += 1;
      gtdNew = dot(gNew0, gNew1, d0, d1);
      lsIter += 1;
      if (fNew > (f + C1 * t * gtd) || fNew >= bf[low]) {
        b[high] = t; bT[high] = tT; bf[high] = fNew; bg0[high] = gNew0; bg1[high] = gNew1; bgtd[high] = gtdNew;
        low = bf[0] <= bf[1] ? 0 : 1;
        high = 1 - low;
      } else {
        if (Math.abs(gtdNew) <= -C2 * gtd) {
          done = true;
        } else if (gtdNew * (b[high] - b[low]) >= 0) {
          b[high] = b[low]; bT[high] = bT[low]; bf[high] = bf[low];
          bg0[high] = bg0[low]; bg1[high] = bg1[low]; bgtd[high] = bgtd[low];
        }
        b[low] = t; bT[low] = tT; bf[low] = fNew; bg0[low] = gNew0; bg1[low] = gNew1; bgtd[low] = gtdNew;
      }
    }
    return { f: bf[low], g0: bg0[low], g1: bg1[low], t: b[low], evals: evals };
  }

  // One torch.optim.LBFGS.step(closure) from (x, y): optviz.lbfgs._step_one.
  function lbfgsStep(h, surface, x, y, s, out) {
    var lr = h.lr, tolGrad = h.tolerance_grad, tolChange = h.tolerance_change;
    var maxIter = h.max_iter, historySize = h.history_size;
    var maxEval = h.max_eval === null ? Math.floor(maxIter * 5 / 4) : h.max_eval;
    var ev = new Float64Array(3);
    var evaluated = [], inner = [];
    function evaluate(px, py) {
      evaluated.push(px, py);
      surface.valueAndGrad(px, py, ev);
      return ev;
    }
    var d0 = s.d[0], d1 = s.d[1], t = s.t, tT = false;
    var oldDirs = s.old_dirs, oldStps = s.old_stps, ro = s.ro, H = s.H_diag;
    var pg0 = s.prev_flat_grad[0], pg1 = s.prev_flat_grad[1], prevLoss = s.prev_loss;
    evaluate(x, y);
    var loss = ev[0], g0 = ev[1], g1 = ev[2];
    var currentEvals = 1;
    s.func_evals += 1;
    var optCond = maxAbs(g0, g1) <= tolGrad;
    var nIter = 0;
    while (!optCond && nIter < maxIter) {
      nIter += 1;
      s.n_iter += 1;
      var i;
      if (s.n_iter === 1) {
        d0 = -g0; d1 = -g1;
        oldDirs = []; oldStps = []; ro = [];
        H = 1.0;
      } else {
        var y0 = g0 - pg0, y1 = g1 - pg1;
        var s0 = d0 * t, s1 = d1 * t;
        var ys = dot(y0, y1, s0, s1);
        if (ys > YS_MIN) {
          if (oldDirs.length === historySize) { oldDirs.shift(); oldStps.shift(); ro.shift(); }
          oldDirs.push([y0, y1]);
          oldStps.push([s0, s1]);
          ro.push(1.0 / ys);
          H = ys / dot(y0, y1, y0, y1);
        }
        var n = oldDirs.length, al = new Array(n);
        var q0 = -g0, q1 = -g1;
        for (i = n - 1; i >= 0; i--) {
          al[i] = dot(oldStps[i][0], oldStps[i][1], q0, q1) * ro[i];
          q0 = q0 + (-al[i]) * oldDirs[i][0];
          q1 = q1 + (-al[i]) * oldDirs[i][1];
        }
        var r0 = q0 * H, r1 = q1 * H;
        for (i = 0; i < n; i++) {
          var be = dot(oldDirs[i][0], oldDirs[i][1], r0, r1) * ro[i];
          r0 = r0 + (al[i] - be) * oldStps[i][0];
          r1 = r1 + (al[i] - be) * oldStps[i][1];
        }
        d0 = r0; d1 = r1;
      }
      pg0 = g0; pg1 = g1;
      prevLoss = loss;
      if (s.n_iter === 1) {
        var initial = 1.0 / (Math.abs(g0) + Math.abs(g1));
        tT = initial < 1.0; // Python's min(1.0, tensor)
        t = (tT ? initial : 1.0) * lr;
      } else {
        t = lr;
        tT = false;
      }
      var gtd = dot(g0, g1, d0, d1);
      if (gtd > -tolChange) break;
      var lsEvals = 0;
      if (h.line_search_fn !== null) {
        var bx = x, by = y, e0 = d0, e1 = d1;
        var res = strongWolfe(
          function (step) { return evaluate(bx + step * e0, by + step * e1); },
          t, tT, d0, d1, loss, g0, g1, gtd, maxEval - currentEvals
        );
        loss = res.f; g0 = res.g0; g1 = res.g1; t = res.t; lsEvals = res.evals;
        x = x + t * d0;
        y = y + t * d1;
        optCond = maxAbs(g0, g1) <= tolGrad;
      } else {
        x = x + t * d0;
        y = y + t * d1;
        if (nIter !== maxIter) {
          evaluate(x, y);
          loss = ev[0]; g0 = ev[1]; g1 = ev[2];
          optCond = maxAbs(g0, g1) <= tolGrad;
          lsEvals = 1;
        }
      }
      inner.push(x, y);
      currentEvals += lsEvals;
      s.func_evals += lsEvals;
      if (nIter === maxIter || currentEvals >= maxEval || optCond) break;
      if (maxAbs(d0 * t, d1 * t) <= tolChange) break;
      if (Math.abs(loss - prevLoss) < tolChange) break;
    }
    s.d[0] = d0; s.d[1] = d1; s.t = t;
    s.old_dirs = oldDirs; s.old_stps = oldStps; s.ro = ro; s.H_diag = H;
    s.prev_flat_grad[0] = pg0; s.prev_flat_grad[1] = pg1; s.prev_loss = prevLoss;
    s.inner = inner; s.evaluated = evaluated;
    s.step += 1;
    out[0] = x;
    out[1] = y;
  }

  // -- learning-rate schedules (optviz.schedules: torch's lr_scheduler bookkeeping, in its float order) ---
  // A schedule arrives as its description ({name: "cosine_annealing", T_max: 200, ...}, torch's names).
  var SCHEDULE_DEFAULTS = {
    step: { gamma: 0.1 },
    exponential: {},
    cosine_annealing: { eta_min: 0.0 },
    linear: { start_factor: 1.0 / 3, end_factor: 1.0, total_iters: 5 },
    one_cycle: {
      total_steps: null, epochs: null, steps_per_epoch: null, pct_start: 0.3, anneal_strategy: "cos",
      cycle_momentum: true, base_momentum: 0.85, max_momentum: 0.95, div_factor: 25.0,
      final_div_factor: 1e4, three_phase: false,
    },
    sequential: {},
  };

  function scheduleSpec(spec) {
    var defaults = SCHEDULE_DEFAULTS[spec.name];
    if (!defaults) throw new Error("unknown schedule " + JSON.stringify(spec.name));
    var out = {};
    for (var k in defaults) out[k] = defaults[k];
    for (var j in spec) out[j] = spec[j];
    return out;
  }

  function pyMod(a, b) { var m = a % b; return m !== 0 && (m < 0) !== (b < 0) ? m + b : m; }

  function oneCyclePhases(sp) {
    var total = sp.total_steps !== null ? sp.total_steps : sp.epochs * sp.steps_per_epoch;
    var pct = sp.pct_start;
    if (sp.three_phase) {
      return [
        [pct * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"],
        [2 * pct * total - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"],
        [total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"],
      ];
    }
    return [
      [pct * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"],
      [total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"],
    ];
  }

  function anneal(sp, start, end, pct) {
    if (sp.anneal_strategy === "cos") {
      var cosOut = Math.cos(Math.PI * pct) + 1;
      return end + (start - end) / 2.0 * cosOut;
    }
    return (end - start) * pct + start;
  }

  // One schedule's get_lr (recursive, on step()) and closed form (SequentialLR's jumps).
  function getLr(sp, s) {
    var g = s.group, e = s.lastEpoch, lr = g.lr;
    switch (sp.name) {
      case "step":
        return e === 0 || e % sp.step_size !== 0 ? lr : lr * sp.gamma;
      case "exponential":
        return s.initial ? lr : lr * sp.gamma;
      case "cosine_annealing": {
        var base = s.baseLr, eta = sp.eta_min, T = sp.T_max;
        if (s.initial) return lr;
        if (s.stepCount === 1 && e > 0) return eta + (base - eta) * (1 + Math.cos(e * Math.PI / T)) / 2;
        if (pyMod(e - 1 - T, 2 * T) === 0) return lr + (base - eta) * (1 - Math.cos(Math.PI / T)) / 2;
        return (1 + Math.cos(Math.PI * e / T)) / (1 + Math.cos(Math.PI * (e - 1) / T)) * (lr - eta) + eta;
      }
      case "linear": {
        var a = sp.start_factor, z = sp.end_factor;
        if (e === 0) return lr * a;
        if (s.initial || e > sp.total_iters) return lr;
        return lr * (1.0 + (z - a) / (sp.total_iters * a + (e - 1) * (z - a)));
      }
      case "one_cycle": {
        var phases = oneCyclePhases(sp), startStep = 0.0;
        for (var i = 0; i < phases.length; i++) {
          var ph = phases[i], endStep = ph[0];
          if (e <= endStep || i === phases.length - 1) {
            if (endStep - startStep === 0) throw new Error("OneCycleLR has a phase of zero length at step " + e);
            var pct = (e - startStep) / (endStep - startStep);
            var out = anneal(sp, g[ph[1]], g[ph[2]], pct);
            if (sp.cycle_momentum) g.momentum = anneal(sp, g[ph[3]], g[ph[4]], pct);
            return out;
          }
          startStep = endStep;
        }
      }
    }
    throw new Error("unknown schedule " + sp.name);
  }

  function closedForm(sp, s) {
    var e = s.lastEpoch, base = s.baseLr;
    switch (sp.name) {
      case "step": return base * powi(sp.gamma, Math.floor(e / sp.step_size));
      case "exponential": return base * powi(sp.gamma, e);
      case "cosine_annealing":
        return sp.eta_min + (base - sp.eta_min) * (1 + Math.cos(Math.PI * e / sp.T_max)) / 2;
      case "linear": {
        var a = sp.start_factor, z = sp.end_factor, total = sp.total_iters;
        return base * (a + (z - a) * Math.min(total, e) / total);
      }
    }
    throw new Error(sp.name + " has no closed form");
  }

  function Scheduler(sp, group) {
    this.sp = sp;
    this.group = group;
    if (sp.name === "one_cycle") {
      group.initial_lr = sp.max_lr / sp.div_factor;
      group.max_lr = sp.max_lr;
      group.min_lr = group.initial_lr / sp.final_div_factor;
      if (sp.cycle_momentum) {
        group.momentum = sp.max_momentum;
        group.max_momentum = sp.max_momentum;
        group.base_momentum = sp.base_momentum;
      }
    }
    if (group.initial_lr === null) group.initial_lr = group.lr;
    this.baseLr = group.initial_lr;
    this.lastEpoch = -1;
    this.stepCount = 0;
    this.initial = false;
    this.initialStep();
  }
  Scheduler.prototype.initialStep = function () {
    this.stepCount = 0;
    this.initial = true;
    try { this.step(); } finally { this.initial = false; }
  };
  Scheduler.prototype.step = function () {
    this.stepCount += 1;
    this.lastEpoch += 1;
    this.group.lr = getLr(this.sp, this);
  };
  Scheduler.prototype.jump = function (epoch) {
    this.lastEpoch = epoch;
    this.group.lr = closedForm(this.sp, this);
  };

  function bisectRight(list, v) {
    var i = 0;
    while (i < list.length && list[i] <= v) i++;
    return i;
  }

  function Sequence(sp, group) {
    this.children = sp.schedulers.map(function (c) { return new Scheduler(scheduleSpec(c), group); });
    this.milestones = sp.milestones.slice();
    this.group = group;
    this.lastEpoch = 0;
    group.lr = group.initial_lr;
    for (var i = 0; i < this.children.length; i++) this.children[i].lastEpoch -= 1;
    this.children[bisectRight(this.milestones, 0)].initialStep();
  }
  Sequence.prototype.step = function () {
    this.lastEpoch += 1;
    var idx = bisectRight(this.milestones, this.lastEpoch);
    var child = this.children[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) child.jump(0);
    else child.step();
  };

  // The lr after k calls of scheduler.step(), k = 0..steps, and (OneCycleLR) the momentum: what
  // optviz.schedules' Schedule.values returns for a single lr.
  function scheduleValues(spec, lr, steps) {
    var sp = scheduleSpec(spec);
    var group = { lr: lr, initial_lr: null, momentum: null, max_lr: 0, min_lr: 0, max_momentum: 0, base_momentum: 0 };
    if (sp.name === "one_cycle") {
      var total = sp.total_steps !== null ? sp.total_steps : sp.epochs * sp.steps_per_epoch;
      if (steps > total) throw new Error("OneCycleLR is defined for " + total + " steps, fewer than the run's " + steps);
    }
    var sched = sp.name === "sequential" ? new Sequence(sp, group) : new Scheduler(sp, group);
    var lrs = new Float64Array(steps + 1), momenta = null;
    lrs[0] = group.lr;
    if (group.momentum !== null) {
      momenta = new Float64Array(steps + 1);
      momenta[0] = group.momentum;
    }
    for (var k = 1; k <= steps; k++) {
      sched.step();
      lrs[k] = group.lr;
      if (momenta !== null) momenta[k] = group.momentum;
    }
    return { lrs: lrs, momenta: sp.name === "one_cycle" && sp.cycle_momentum ? momenta : null };
  }

  // scheduleValues, kept for the last few (schedule, lr, steps): a page runs each run again with every seed of
  // its figure, the same schedule each time. (The arrays are shared between those runs' results: read only.)
  var scheduled = [];
  function scheduledValues(spec, lr, steps) {
    var key = JSON.stringify([spec, lr, steps]);
    for (var i = 0; i < scheduled.length; i++) if (scheduled[i].key === key) return scheduled[i].values;
    var values = scheduleValues(spec, lr, steps);
    scheduled.unshift({ key: key, values: values });
    if (scheduled.length > 16) scheduled.pop();
    return values;
  }

  // The hyperparameter OneCycleLR cycles on each rule (optviz.scheduled.momentum_target).
  var MOMENTUM_TARGET = { momentum: "rho", nesterov: "rho", adam: "betas", adamw: "betas", rmsprop: "momentum" };

  // The rule's hyperparameters: the defaults, overridden by `params` (names as in TOML).
  function hyperparameters(name, params) {
    var rule = RULES[name];
    if (!rule) throw new Error("unknown rule " + JSON.stringify(name));
    for (var k in params) {
      if (!(k in rule.defaults)) throw new Error(name + ": unknown parameter " + JSON.stringify(k));
    }
    // (each field set once, to its value: a field that held null first, as lr's default, would box every
    // number a schedule then stores in it, one allocation a step)
    var h = {};
    for (var key in rule.defaults) h[key] = key in params ? params[key] : rule.defaults[key];
    if (h.lr === null) throw new Error(name + ": lr is required");
    return h;
  }

  // -- the stepping loop (optviz.engine: run, with _batched_loop's stopping and freezing) ---------------
  // opts: start [x, y], steps, tol (or null), escapeRadius, center [cx, cy], noise (null,
  // {kind: "gaussian", sigma, draws: Float64Array of 2 per step}, or {kind: "minibatch", batchSize,
  // indices: Int32Array of batchSize per step}), normals (random search: Float64Array, 2 per step),
  // schedule (null, or a schedule's description: optviz.scheduled's lr, and momentum, per step).
  function run(surface, name, params, opts) {
    var rule = RULES[name];
    var h = hyperparameters(name, params);
    if (h.betas) h.betas = h.betas.slice(); // (a schedule may cycle betas[0])
    var schedule = opts.schedule || null, lrs = null, momenta = null, target = null;
    if (schedule !== null) {
      if (!("lr" in rule.defaults)) throw new Error(rule.label + " has no learning rate to schedule");
      var values = scheduledValues(schedule, h.lr, opts.steps);
      lrs = values.lrs;
      momenta = values.momenta;
      if (momenta !== null) {
        target = MOMENTUM_TARGET[name] || null;
        if (target === null) throw new Error("OneCycleLR cycles the momentum, and " + rule.label + " has none");
      }
    }
    if (opts.noise && rule.takesNoise === false) throw new Error(rule.label + " takes no gradient noise");
    var steps = opts.steps, n = steps + 1;
    var xy = new Float64Array(2 * n), loss = new Float64Array(n), grad = new Float64Array(2 * n);
    var fields = rule.fields, scalars = rule.scalars || [];
    var state = {};
    var i;
    for (i = 0; i < fields.length; i++) {
      state[fields[i]] = new Float64Array((scalars.indexOf(fields[i]) >= 0 ? 1 : 2) * n);
    }
    // (lists: a state field recorded per iterate as the array the rule made, its length its own)
    var lists = rule.lists || [];
    for (i = 0; i < lists.length; i++) state[lists[i]] = new Array(n);
    var noise = opts.noise || null;
    var tol = opts.tol === undefined ? null : opts.tol;
    var tol2 = tol === null ? null : tol * tol;
    var r2 = opts.escapeRadius * opts.escapeRadius;
    var cx = opts.center[0], cy = opts.center[1];
    var x = opts.start[0], y = opts.start[1];
    var out3 = new Float64Array(3), out2 = new Float64Array(2), next = new Float64Array(2);
    surface.valueAndGrad(x, y, out3);
    if (lrs !== null) setScheduled(h, target, lrs, momenta, 0);
    var s = rule.init(x, y, out3[0], h, surface);
    var status = "max_steps", stop = steps;
    var usesGradient = rule.usesGradient !== false;
    // A minibatch run without a tol uses the exact gradient nowhere (its step, its divergence check: the
    // batch's): the loss alone is computed, the same bits.
    var lossOnly = noise !== null && noise.kind === "minibatch" && tol2 === null && !!surface.loss;
    // (per field, out of the loop: its record and whether it is a scalar)
    var records = [], scalar = [];
    for (i = 0; i < fields.length; i++) {
      records.push(state[fields[i]]);
      scalar.push(scalars.indexOf(fields[i]) >= 0);
    }
    var drawn = noise !== null ? noiseSteps(noise) : 0, gaussian = noise !== null && noise.kind === "gaussian";
    var indices = noise !== null && !gaussian ? noise.indices : null, batchSize = indices !== null ? noise.batchSize : 0;
    // Such a run on a surface that sums many points' losses in one call (surface.losses: least squares in
    // WebAssembly): the batches' gradients move it, its loss only records it and ends it where it is not
    // finite. So its steps are taken first and the loss of every iterate summed after them, in one call;
    // the first iterate whose loss is not finite then ends the run as the loop would have ended it there
    // (the rows after it frozen as below). For the rules whose step reads the gradient alone, given the
    // draws of every step (steps past that end throw nothing then).
    var later = lossOnly && !!surface.losses && LOSS_FREE[name] === true && drawn >= steps + 1;
    for (var k = 0; k <= steps; k++) {
      if (later) out3[0] = 0.0; // (the loss comes after the loop)
      else if (lossOnly) out3[0] = surface.loss(x, y);
      else surface.valueAndGrad(x, y, out3);
      var f = out3[0], gx = out3[1], gy = out3[2];
      var exact2 = gx * gx + gy * gy;
      if (noise !== null) {
        if (k >= drawn) {
          throw new Error("the page holds noise draws for " + (drawn - 1) + " steps, not " + steps);
        }
        if (gaussian) {
          gx = gx + noise.sigma * noise.draws[2 * k];
          gy = gy + noise.sigma * noise.draws[2 * k + 1];
        } else {
          surface.batchGrad(x, y, indices, k * batchSize, batchSize, out2);
          gx = out2[0];
          gy = out2[1];
        }
      }
      xy[2 * k] = x; xy[2 * k + 1] = y;
      loss[k] = f;
      grad[2 * k] = gx; grad[2 * k + 1] = gy;
      for (i = 0; i < fields.length; i++) {
        var v = s[fields[i]], rec = records[i];
        if (scalar[i]) rec[k] = v;
        else { rec[2 * k] = v[0]; rec[2 * k + 1] = v[1]; }
      }
      for (i = 0; i < lists.length; i++) state[lists[i]][k] = s[lists[i]];
      var dx = x - cx, dy = y - cy;
      var bad = !(dx * dx + dy * dy <= r2 && isFinite(f) && isFinite(gx) && isFinite(gy));
      if (bad) { status = "diverged"; stop = k - 1; break; }
      if (tol2 !== null && (noise !== null ? exact2 : gx * gx + gy * gy) < tol2) {
        status = "converged"; stop = k; break;
      }
      if (k === steps) break;
      if (usesGradient) {
        if (lrs !== null) setScheduled(h, target, lrs, momenta, k);
        rule.update(h, gx, gy, s, x, y, next, surface);
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
    if (later) { // (k: the last row the loop wrote)
      surface.losses(xy, k + 1, loss);
      for (i = 0; i <= k && isFinite(loss[i]); i++);
      if (i <= k) { status = "diverged"; stop = i - 1; }
    }
    // A rule that could not step ended the run itself (Newton: "singular" at the stop step).
    if (status === "diverged" && stop >= 0) {
      var stops = rule.stopStatuses || [];
      for (i = 0; i < stops.length; i++) if (state[stops[i]][stop]) status = stops[i];
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
      for (i = 0; i < lists.length; i++) freeze(state[lists[i]], 1, last, n);
    }
    // (lrs: a scheduled run's lr of each step, optviz.scheduled's; null for the rule's own lr, params.lr;
    // momenta: one_cycle's momentum of each step where it cycles it, else null)
    return { rule: name, params: h, xy: xy, loss: loss, grad: grad, state: state, status: status, stopStep: stop, steps: steps, lrs: lrs, momenta: momenta };
  }

  // The rules whose step reads nothing but the gradient (not the surface, not the loss).
  var LOSS_FREE = { gd: true, momentum: true, nesterov: true, adam: true, adamw: true, rmsprop: true, adagrad: true };

  // The rule as it runs at step k of a scheduled run: that step's lr (and cycled momentum).
  function setScheduled(h, target, lrs, momenta, k) {
    h.lr = lrs[k];
    if (target === "betas") h.betas[0] = momenta[k];
    else if (target !== null) h[target] = momenta[k];
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
    scheduleValues: scheduleValues,
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
