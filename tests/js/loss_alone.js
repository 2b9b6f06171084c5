// A dataset surface's loss alone (what a minibatch run records: summed as computed, least squares' blocks in
// WebAssembly) against the loss valueAndGrad sums from its array, for datasets of many sizes (pairwiseSum's
// blocks, halves and leftovers), both losses, with and without an L2 term; and minibatch runs recording the
// loss alone (no tol) against the same runs with tol = 0 (which compute valueAndGrad at every step), one
// of them running until its loss overflows.
// Prints JSON: {checked, differ: [...], simd: [sizes whose least squares ran in WebAssembly], runs: [...]}.
/* eslint-disable no-var */
var E = require(process.argv[2]);
var state = 12345;
function rnd() { state = (state * 16807) % 2147483647; return state / 2147483647 - 0.5; }
function arr(n, scale) { var a = new Float64Array(n); for (var i = 0; i < n; i++) a[i] = scale * rnd(); return a; }
var sizes = [1, 5, 8, 9, 13, 64, 100, 128, 129, 136, 255, 256, 257, 300, 1037, 5000];
var out = { checked: 0, differ: [], simd: [], runs: [] }, v = new Float64Array(3);
sizes.forEach(function (n) {
  ["squared", "logistic"].forEach(function (loss) {
    [null, 0.01].forEach(function (l2) {
      var t = loss === "logistic" ? arr(n, 1).map(function (u) { return u > 0 ? 1 : -1; }) : arr(n, 7);
      var s = E.datasetSurface({ loss: loss, phi0: arr(n, 3), phi1: arr(n, 5), targets: t, reg: [0.1, 0.2], l2: l2 });
      if (s.simd && l2 === null) out.simd.push(n);
      for (var j = 0; j < 40; j++) {
        var x = 10 * rnd(), y = (j % 2 ? 1e3 : 1) * rnd();
        s.valueAndGrad(x, y, v);
        out.checked++;
        if (!Object.is(s.loss(x, y), v[0])) out.differ.push([n, loss, l2, x, y]);
      }
      if (n < 8) return;
      var batch = Math.min(8, n), steps = 120, idx = new Int32Array(batch * (steps + 1));
      for (var k = 0; k < idx.length; k++) idx[k] = Math.floor((rnd() + 0.5) * n) % n;
      var schedule = { name: "cosine_annealing", T_max: steps, eta_min: 0 };
      // (the second run diverges: its loss overflows first, the escape radius being out of reach, so a run that
      // sums its losses after its steps has stepped past that end)
      [[0.02, 1e6], [1e3, 1e300]].forEach(function (setting) {
        var opts = function (tol) {
          return { start: [1.5, -0.5], steps: steps, tol: tol, escapeRadius: setting[1], center: [0, 0], schedule: schedule,
            noise: { kind: "minibatch", batchSize: batch, indices: idx } };
        };
        var params = { lr: setting[0], rho: 0.9 }, a = E.run(s, "momentum", params, opts(null)), b = E.run(s, "momentum", params, opts(0));
        var same = a.status === b.status && a.stopStep === b.stopStep && ["xy", "loss", "grad"].every(function (key) {
          return a[key].every(function (u, i) { return Object.is(u, b[key][i]); });
        }) && a.state.momentum_buffer.every(function (u, i) { return Object.is(u, b.state.momentum_buffer[i]); });
        out.runs.push([n, loss, l2, same, a.status]);
      });
    });
  });
});
console.log(JSON.stringify(out));
