// Live contours of a surface, equal to optviz.plot.contour's (matplotlib's): the grid as Surface.grid makes
// it (numpy.linspace's points), the levels as optviz.plot._levels.contour_levels chooses them (numpy's
// quantile, linear method), the lines of each level and the filled band between consecutive fill levels as
// contourpy's "mpl2014" algorithm traces them (matplotlib's default contour.algorithm, with corner_mask=True:
// the rcParams default), and each level's and band's colour as plot.contour's BoundaryNorm picks it from a
// colour map's 256-entry table. Pages load it where a view changes: update_diagram's zoom (diagram.js;
// docs/live_contours.md).
//
// Why a port and not any marching squares: the page draws these over (or instead of) a static image made
// by matplotlib, and a page must equal its figure (design section 2). mpl2014 splits a saddle cell by the
// mean of its four corners, counts a point as above a level only when z > level, interpolates on an edge
// from its corner below the level to its corner above (or the reverse for a line's first point), and
// returns lines in the order it meets them; the same steps here give the same vertices in the same order.
// Where bits may differ: the grid values themselves (a surface with exp, log, sin... evaluated by the
// browser's Math may differ from numpy's by an ulp), and in log-scale levels: the ratio's pow in rare
// near-ties (pow below is correctly rounded; glibc's is to 0.52 ulp), numpy's ratio ** arange(n), which on
// AVX-512 machines is a SIMD power (SVML) that may round an element the other way (an ulp; here each
// ratio ** k is correctly rounded), and Math.log in the number of levels continued beyond the view (a
// ceil: it matters only where the quotient is within an ulp of an integer).
/* eslint-disable no-var */
(function (root) {
  "use strict";

  // -- the grid -----------------------------------------------------------------------------------------
  // numpy.linspace(a, b, n): start + i * step, the last point exactly b.
  function linspace(a, b, n) {
    var out = new Float64Array(n), div = n - 1, delta = b - a, step = delta / div, i;
    if (n === 1) { out[0] = a; return out; }
    if (step === 0) {
      for (i = 0; i < n; i++) out[i] = (i / div) * delta + a;
    } else {
      for (i = 0; i < n; i++) out[i] = i * step + a;
    }
    out[n - 1] = b;
    return out;
  }

  // Surface.grid(n, bounds) evaluated with the page's surface object (emit.surface_js): z[j * n + i] is
  // the value at (xs[i], ys[j]), as numpy's meshgrid rows; values that are not finite are NaN (as
  // plot.contour's np.where(np.isfinite(values), values, nan)).
  function grid(surface, n, bounds) {
    if (!(n >= 2 && n <= 4000)) throw new Error("grid: must be between 2 and 4,000 points a side, got " + n);
    var xs = linspace(bounds[0][0], bounds[0][1], n), ys = linspace(bounds[1][0], bounds[1][1], n);
    var z = new Float64Array(n * n), i, j, v;
    for (j = 0; j < n; j++) {
      for (i = 0; i < n; i++) {
        v = surface.value(xs[i], ys[j]);
        z[j * n + i] = isFinite(v) ? v : NaN;
      }
    }
    return { xs: xs, ys: ys, z: z, nx: n, ny: n };
  }

  // -- the levels ---------------------------------------------------------------------------------------
  function finiteSorted(values) {
    var count = 0, i, k = 0;
    for (i = 0; i < values.length; i++) if (isFinite(values[i])) count++;
    var a = new Float64Array(count);
    for (i = 0; i < values.length; i++) if (isFinite(values[i])) a[k++] = values[i];
    a.sort(); // a Float64Array sorts by value
    return a;
  }

  // numpy.quantile(a, q) (method "linear") of an increasing array: index (n - 1) * q, and numpy's _lerp.
  function quantile(sorted, q) {
    var n = sorted.length, virtual = (n - 1) * q;
    if (virtual >= n - 1) return sorted[n - 1];
    if (virtual < 0) return sorted[0];
    var prev = Math.floor(virtual), a = sorted[prev], b = sorted[prev + 1];
    var t = virtual - prev, diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
  }

  // -- pow as the C library's ----------------------------------------------------------------------------
  // Math.pow is not correctly rounded (V8's differs from glibc's by an ulp in a few percent of fractional
  // powers), so a ** y is computed in double-double: log by one Newton step on Math.log, then exp, each to
  // ~1e-29; the result is the correctly rounded power, as glibc's pow is in all but rare near-ties.
  var SPLIT = 134217729; // 2^27 + 1
  var LN2_HI = 0.6931471805599453, LN2_LO = 2.3190468138462996e-17;

  function twoProd(a, b, out) {
    var p = a * b, c = SPLIT * a, ah = c - (c - a), al = a - ah;
    c = SPLIT * b;
    var bh = c - (c - b), bl = b - bh;
    out[0] = p;
    out[1] = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  }

  function norm(s, e, out) { // quick two-sum
    var h = s + e;
    out[0] = h;
    out[1] = e - (h - s);
  }

  function ddAdd(ah, al, bh, bl, out) {
    var s = ah + bh, bb = s - ah, e = (ah - (s - bb)) + (bh - bb);
    norm(s, e + al + bl, out);
  }

  var tp = [0, 0];
  function ddMul(ah, al, bh, bl, out) {
    twoProd(ah, bh, tp);
    norm(tp[0], tp[1] + (ah * bl + al * bh), out);
  }

  function ddDivInt(ah, al, b, out) {
    var q1 = ah / b;
    twoProd(q1, b, tp);
    var rh = ah - tp[0], q2 = ((rh - tp[1]) + al) / b; // ah - tp[0] is exact (Sterbenz)
    norm(q1, q2, out);
  }

  // exp of a double-double, as a double-double
  function ddExp(xh, xl, out) {
    var k = Math.round(xh / LN2_HI), r = [0, 0], t = [1, 0], m = [0, 0], sq = [0, 0], i;
    ddMul(LN2_HI, LN2_LO, k, 0, r);
    ddAdd(xh, xl, -r[0], -r[1], r);
    r[0] /= 1024; r[1] /= 1024; // |r| < 3.4e-4: Taylor to r^9 leaves < 1e-40
    for (i = 9; i >= 2; i--) {
      ddMul(r[0], r[1], t[0], t[1], t);
      ddDivInt(t[0], t[1], i, t);
      ddAdd(1, 0, t[0], t[1], t);
    }
    ddMul(r[0], r[1], t[0], t[1], m); // expm1(r)
    for (i = 0; i < 10; i++) { // (1 + m)^2 = 1 + (2m + m^2), ten times: exp(1024 r)
      ddMul(m[0], m[1], m[0], m[1], sq);
      ddAdd(2 * m[0], 2 * m[1], sq[0], sq[1], m);
    }
    ddAdd(1, 0, m[0], m[1], out);
    var scale = Math.pow(2, k); // exact
    out[0] *= scale; out[1] *= scale;
  }

  // a ** y for a > 0 (finite y): the C library's pow, to the bit but in rare near-ties
  function pow(a, y) {
    if (!(a > 0) || !isFinite(a) || !isFinite(y) || y === 0 || a === 1) return Math.pow(a, y);
    var l0 = Math.log(a), e = [0, 0], d = [0, 0], l = [0, 0];
    ddExp(l0, 0, e);
    ddAdd(a, 0, -e[0], -e[1], d);
    ddAdd(l0, 0, d[0] / e[0], 0, l); // log(a) = l0 + log1p((a - e) / e), the square term below 1e-32
    ddMul(l[0], l[1], y, 0, l);
    ddExp(l[0], l[1], e);
    return e[0];
  }

  // base ** k for an integer k, correctly rounded: the engine's powi when the page has it, else pow.
  // (numpy's ratio ** arange(n) is the C library's pow, or on AVX-512 SVML's: an element may be an ulp off.)
  function ipow(base, k) {
    var E = root.OptvizEngine;
    return E && E.powi ? E.powi(base, k) : pow(base, k);
  }

  // optviz.plot._levels.contour_levels, the same operations in the same order.
  // options: {fmin (NaN when unknown), n (14), scale ("auto"), reach (null)}.
  function contourLevels(values, options) {
    var o = options || {};
    var fmin = o.fmin === undefined || o.fmin === null ? NaN : o.fmin;
    var n = o.n === undefined ? 14 : o.n, scale = o.scale || "auto";
    var reach = o.reach === undefined ? null : o.reach;
    var finite = finiteSorted(values), k, out;
    if (finite.length === 0) throw new Error("the surface has no finite value in the view");
    var low = !isFinite(fmin) ? finite[0] : Math.min(fmin, finite[0]);
    var high = quantile(finite, 0.995);
    if (high <= low) high = finite[finite.length - 1];
    if (high <= low) return new Float64Array([low, low + 1.0]);
    // gap = finite - low, its positive part: a tail of the sorted values (the subtraction is monotonic)
    var start = 0;
    while (start < finite.length && !(finite[start] - low > 0)) start++;
    var positive = new Float64Array(finite.length - start);
    for (k = start; k < finite.length; k++) positive[k - start] = finite[k] - low;
    if (scale === "auto") {
      var spread = positive.length ? quantile(positive, 0.98) / quantile(positive, 0.02) : 1.0;
      scale = spread > 1e3 ? "log" : "linear";
    }
    var more = 0;
    if (scale === "log") {
      var first = Math.max(quantile(positive, 0.002), (high - low) * 1e-6);
      var ratio = pow((high - low) / first, 1 / Math.max(n - 1, 1));
      if (reach !== null && reach > high && ratio > 1) {
        more = Math.min(2 * n, Math.ceil(Math.log((reach - low) / (high - low)) / Math.log(ratio)));
      }
      out = new Float64Array(n + more);
      for (k = 0; k < n + more; k++) out[k] = low + first * ipow(ratio, k);
      return out;
    }
    if (isFinite(fmin)) {
      if (reach !== null && reach > high) {
        more = Math.min(2 * n, Math.ceil(n * Math.sqrt((reach - low) / (high - low))) - n);
      }
      out = new Float64Array(n + more);
      for (k = 0; k < n + more; k++) {
        var r = (k + 1) / n;
        out[k] = low + (high - low) * (r * r); // numpy's power by 2 is a square
      }
      return out;
    }
    var step = (high - low) / (n + 1);
    if (reach !== null && reach > high) more = Math.min(2 * n, Math.ceil((reach - high) / step));
    out = new Float64Array(n + more);
    for (k = 0; k < n + more; k++) out[k] = low + step * (k + 1);
    return out;
  }

  // plot.contour's _within: the grid's values inside the view asked for (bounds inclusive), all of them
  // when no grid point is inside.
  function within(g, shown) {
    var x0 = shown[0][0], x1 = shown[0][1], y0 = shown[1][0], y1 = shown[1][1], out = [], i, j;
    for (j = 0; j < g.ny; j++) {
      if (!(y0 <= g.ys[j] && y1 >= g.ys[j])) continue;
      for (i = 0; i < g.nx; i++) if (x0 <= g.xs[i] && x1 >= g.xs[i]) out.push(g.z[j * g.nx + i]);
    }
    return out.length ? out : g.z;
  }

  // plot.contour's levels for a grid (over the widened view) and the view asked for: contour_levels of the
  // values within the view, continued up to the grid's 0.995 quantile. Empty when nothing is finite.
  function plotLevels(g, shown, fmin, n, scale) {
    var finite = finiteSorted(g.z);
    if (!finite.length) return new Float64Array(0);
    return contourLevels(within(g, shown), {
      fmin: fmin, n: n === undefined ? 14 : n, scale: scale, reach: quantile(finite, 0.995),
    });
  }

  // -- the lines: contourpy's mpl2014 contour_lines (one chunk, corner_mask as asked) -----------------
  var Z1 = 0x1, VISITED = 0x4, SADDLE = 0x10, SADDLE_LEFT = 0x40, SADDLE_START_SW = 0x100;
  var BOUNDARY_S = 0x400, BOUNDARY_W = 0x800, EXISTS_QUAD = 0x1000, EXISTS_SW = 0x2000, EXISTS_SE = 0x3000;
  var EXISTS_NW = 0x4000, EXISTS_NE = 0x5000, EXISTS = 0x7000;
  var KEEP = EXISTS | BOUNDARY_S | BOUNDARY_W;
  var E_ = 0, N_ = 1, W_ = 2, S_ = 3, NE_ = 4, NW_ = 5, SW_ = 6, SE_ = 7, NONE = -1;
  var LEFT = 0, STRAIGHT = 1, RIGHT = 2;

  // A contour generator over a grid {xs, ys, z, nx, ny}: generator.lines(level) is the level's polylines,
  // each a Float64Array [x0, y0, x1, y1, ...] (a closed line repeats its first point, up to the direction
  // its first and last points were interpolated in); points where z is not finite are masked, as
  // matplotlib masks them (numpy.ma.masked_invalid).
  function generator(g, cornerMask) {
    var nx = g.nx, ny = g.ny, n = nx * ny, z = g.z, xs = g.xs, ys = g.ys;
    var corner = cornerMask === undefined ? true : !!cornerMask;
    var chunk = Math.max(nx, ny) - 1; // matplotlib's nchunk=0: one chunk
    var cache = new Int32Array(n), i, j, q, masked = false;
    for (q = 0; q < n; q++) if (!isFinite(z[q])) masked = true;
    var ex = function (c) { return c & EXISTS; };

    if (!masked) {
      for (j = 0, q = 0; j < ny; j++) {
        for (i = 0; i < nx; i++, q++) {
          var c0 = 0;
          if (i < nx - 1 && j < ny - 1) c0 |= EXISTS_QUAD;
          if ((i % chunk === 0 || i === nx - 1) && j < ny - 1) c0 |= BOUNDARY_W;
          if ((j % chunk === 0 || j === ny - 1) && i < nx - 1) c0 |= BOUNDARY_S;
          cache[q] = c0;
        }
      }
    } else {
      var m = function (p) { return isFinite(z[p]) ? 0 : 1; };
      for (j = 0, q = 0; j < ny; j++) {
        for (i = 0; i < nx; i++, q++) {
          cache[q] = 0;
          if (i < nx - 1 && j < ny - 1) {
            var cfg = m(q + nx) << 3 | m(q + nx + 1) << 2 | m(q) << 1 | m(q + 1);
            if (corner) {
              if (cfg === 0) cache[q] = EXISTS_QUAD;
              else if (cfg === 1) cache[q] = EXISTS_NW;
              else if (cfg === 2) cache[q] = EXISTS_NE;
              else if (cfg === 4) cache[q] = EXISTS_SW;
              else if (cfg === 8) cache[q] = EXISTS_SE;
            } else if (cfg === 0) cache[q] = EXISTS_QUAD;
          }
        }
      }
      var wEdge = function (p) { var e = ex(cache[p]); return e === EXISTS_QUAD || e === EXISTS_SW || e === EXISTS_NW; };
      var eEdge = function (p) { var e = ex(cache[p]); return e === EXISTS_QUAD || e === EXISTS_SE || e === EXISTS_NE; };
      var sEdge = function (p) { var e = ex(cache[p]); return e === EXISTS_QUAD || e === EXISTS_SW || e === EXISTS_SE; };
      var nEdge = function (p) { var e = ex(cache[p]); return e === EXISTS_QUAD || e === EXISTS_NW || e === EXISTS_NE; };
      for (j = 0, q = 0; j < ny; j++) {
        for (i = 0; i < nx; i++, q++) {
          if (corner) {
            var wNone = i === 0 || ex(cache[q - 1]) === 0, sNone = j === 0 || ex(cache[q - nx]) === 0;
            var wE = i > 0 && eEdge(q - 1), sN = j > 0 && nEdge(q - nx), none = ex(cache[q]) === 0;
            if ((wEdge(q) && wNone) || (none && wE) || (i % chunk === 0 && wEdge(q) && wE)) cache[q] |= BOUNDARY_W;
            if ((sEdge(q) && sNone) || (none && sN) || (j % chunk === 0 && sEdge(q) && sN)) cache[q] |= BOUNDARY_S;
          } else {
            var isQ = ex(cache[q]) === EXISTS_QUAD;
            var wQ = i > 0 && ex(cache[q - 1]) === EXISTS_QUAD, sQ = j > 0 && ex(cache[q - nx]) === EXISTS_QUAD;
            if (isQ !== wQ || (i % chunk === 0 && isQ && wQ)) cache[q] |= BOUNDARY_W;
            if (isQ !== sQ || (j % chunk === 0 && isQ && sQ)) cache[q] |= BOUNDARY_S;
          }
        }
      }
    }

    function zl(p) { return cache[p] & Z1; }
    function exists(q, kind) { return (cache[q] & EXISTS) === kind; }
    function anyCorner(q) { var e = cache[q] & EXISTS; return e !== 0 && e !== EXISTS_QUAD; }

    // The two points of a quad's edge, anticlockwise around the quad.
    function edgePoint(q, edge, start) {
      switch (edge) {
        case E_: return start ? q + 1 : q + nx + 1;
        case N_: return start ? q + nx + 1 : q + nx;
        case W_: return start ? q + nx : q;
        case S_: return start ? q : q + 1;
        case NE_: return start ? q + 1 : q + nx;
        case NW_: return start ? q + nx + 1 : q;
        case SW_: return start ? q + nx : q + 1;
        default: return start ? q : q + nx + 1; // SE_
      }
    }

    function interp(p1, p2, level, line) {
      var z1 = z[p1], z2 = z[p2], f = (z2 - level) / (z2 - z1);
      line.push(xs[p1 % nx] * f + xs[p2 % nx] * (1.0 - f),
        ys[Math.floor(p1 / nx)] * f + ys[Math.floor(p2 / nx)] * (1.0 - f));
    }

    function isBoundary(q, edge) {
      switch (edge) {
        case E_: return (cache[q + 1] & BOUNDARY_W) !== 0;
        case N_: return (cache[q + nx] & BOUNDARY_S) !== 0;
        case W_: return (cache[q] & BOUNDARY_W) !== 0;
        case S_: return (cache[q] & BOUNDARY_S) !== 0;
        case NE_: return exists(q, EXISTS_SW);
        case NW_: return exists(q, EXISTS_SE);
        case SW_: return exists(q, EXISTS_NE);
        default: return exists(q, EXISTS_NW);
      }
    }

    function exitEdge(q, edge, dir) {
      if (anyCorner(q)) {
        switch (edge) {
          case E_: return exists(q, EXISTS_SE) ? (dir === LEFT ? S_ : NW_) : (dir === RIGHT ? N_ : SW_);
          case N_: return exists(q, EXISTS_NW) ? (dir === RIGHT ? W_ : SE_) : (dir === LEFT ? E_ : SW_);
          case W_: return exists(q, EXISTS_SW) ? (dir === RIGHT ? S_ : NE_) : (dir === LEFT ? N_ : SE_);
          case S_: return exists(q, EXISTS_SW) ? (dir === LEFT ? W_ : NE_) : (dir === RIGHT ? E_ : NW_);
          case NE_: return dir === LEFT ? S_ : W_;
          case NW_: return dir === LEFT ? E_ : S_;
          case SW_: return dir === LEFT ? N_ : E_;
          default: return dir === LEFT ? W_ : N_;
        }
      }
      switch (edge) {
        case E_: return dir === LEFT ? S_ : dir === RIGHT ? N_ : W_;
        case N_: return dir === LEFT ? E_ : dir === RIGHT ? W_ : S_;
        case W_: return dir === LEFT ? N_ : dir === RIGHT ? S_ : E_;
        default: return dir === LEFT ? W_ : dir === RIGHT ? E_ : N_;
      }
    }

    // Follows a line from an edge through the interior until it leaves by a boundary or comes back to
    // startQ/startEdge (when given); state = [quad, edge] is updated.
    function followInterior(line, state, level, wantInitial, startQ, startEdge) {
      var q = state[0], edge = state[1], dir, c, opposite, left, right, config, zmid;
      if (wantInitial) interp(edgePoint(q, edge, true), edgePoint(q, edge, false), level, line);
      for (;;) {
        c = cache[q];
        if (c & SADDLE) {
          dir = c & SADDLE_LEFT ? LEFT : RIGHT;
          cache[q] |= VISITED;
        } else if (anyCorner(q)) {
          // the point opposite the entry edge: the line turns right when it is above the level
          switch (edge) {
            case E_: opposite = exists(q, EXISTS_SE) ? q : q + nx; break;
            case N_: opposite = exists(q, EXISTS_NW) ? q : q + 1; break;
            case W_: opposite = exists(q, EXISTS_SW) ? q + 1 : q + nx + 1; break;
            case S_: opposite = exists(q, EXISTS_SW) ? q + nx : q + nx + 1; break;
            case NE_: opposite = q; break;
            case NW_: opposite = q + 1; break;
            case SW_: opposite = q + nx + 1; break;
            default: opposite = q + nx; break;
          }
          dir = zl(opposite) ? RIGHT : LEFT;
          cache[q] |= VISITED;
        } else {
          switch (edge) {
            case E_: left = q; right = q + nx; break;
            case N_: left = q + 1; right = q; break;
            case W_: left = q + nx + 1; right = q + 1; break;
            default: left = q + nx; right = q + nx + 1; break;
          }
          config = zl(left) << 1 | zl(right);
          if (config === 1) {
            // a saddle: split by the mean of the four corners (left to right, as C++ adds them)
            zmid = 0.25 * (z[q] + z[q + 1] + z[q + nx] + z[q + nx + 1]);
            cache[q] |= SADDLE;
            if (zmid > level) dir = RIGHT;
            else { dir = LEFT; cache[q] |= SADDLE_LEFT; }
            if (edge === N_ || edge === E_) cache[q] |= SADDLE_START_SW;
          } else {
            dir = config === 0 ? LEFT : config === 3 ? RIGHT : STRAIGHT;
            cache[q] |= VISITED;
          }
        }
        edge = exitEdge(q, edge, dir);
        interp(edgePoint(q, edge, true), edgePoint(q, edge, false), level, line);
        if (isBoundary(q, edge)) break;
        switch (edge) { // into the neighbouring quad
          case E_: q += 1; edge = W_; break;
          case N_: q += nx; edge = S_; break;
          case W_: q -= 1; edge = E_; break;
          default: q -= nx; edge = N_; break;
        }
        if (startQ !== null && q === startQ && edge === startEdge) break;
      }
      state[0] = q; state[1] = edge;
    }

    function cornerStartEdge(q) {
      var p1, p2, p3, e12, e23, e31;
      switch (cache[q] & EXISTS) {
        case EXISTS_SW: p1 = q + 1; p2 = q; p3 = q + nx; e12 = S_; e23 = W_; e31 = NE_; break;
        case EXISTS_SE: p1 = q + nx + 1; p2 = q + 1; p3 = q; e12 = E_; e23 = S_; e31 = NW_; break;
        case EXISTS_NW: p1 = q; p2 = q + nx; p3 = q + nx + 1; e12 = W_; e23 = N_; e31 = SE_; break;
        default: p1 = q + nx; p2 = q + nx + 1; p3 = q + 1; e12 = N_; e23 = E_; e31 = SW_; break;
      }
      switch (zl(p1) << 2 | zl(p2) << 1 | zl(p3)) {
        case 1: return e23;
        case 2: case 3: return e12;
        case 4: case 6: return e31;
        case 5: return e23;
        default: return NONE;
      }
    }

    function startEdge(q) {
      if (anyCorner(q)) return cornerStartEdge(q);
      var c = cache[q], saddleSW = !(c & SADDLE) || (c & SADDLE_START_SW);
      switch (zl(q + nx) << 3 | zl(q + nx + 1) << 2 | zl(q) << 1 | zl(q + 1)) {
        case 1: case 3: case 11: return E_;
        case 2: case 10: case 14: return S_;
        case 4: case 5: case 7: return N_;
        case 8: case 12: case 13: return W_;
        case 6: return saddleSW ? S_ : N_;
        case 9: return saddleSW ? W_ : E_;
        default: return NONE;
      }
    }

    function lines(level) {
      var out = [], q, state = [0, 0], line;
      for (q = 0; q < n; q++) {
        cache[q] = (cache[q] & KEEP) | (z[q] > level ? Z1 : 0);
      }
      function startLine(q, edge) {
        line = [];
        state[0] = q; state[1] = edge;
        followInterior(line, state, level, true, null, NONE);
        out.push(new Float64Array(line));
        return (cache[q] & VISITED) !== 0;
      }
      // lines that start and end on a boundary
      for (q = 0; q < n; q++) {
        if ((cache[q] & EXISTS) === 0 || cache[q] & VISITED) continue;
        var sw = zl(q), se = zl(q + 1), nw = zl(q + nx), ne = zl(q + nx + 1);
        if (cache[q] & BOUNDARY_S && sw && !se && startLine(q, S_)) continue;
        if (cache[q] & BOUNDARY_W && nw && !sw && startLine(q, W_)) continue;
        if (cache[q + nx] & BOUNDARY_S && ne && !nw && startLine(q, N_)) continue;
        if (cache[q + 1] & BOUNDARY_W && se && !ne && startLine(q, E_)) continue;
        if (corner) {
          if (exists(q, EXISTS_SW) && se && !nw && startLine(q, NE_)) continue;
          if (exists(q, EXISTS_SE) && ne && !sw && startLine(q, NW_)) continue;
          if (exists(q, EXISTS_NW) && sw && !ne && startLine(q, SE_)) continue;
          if (exists(q, EXISTS_NE) && nw && !se && startLine(q, SW_)) continue;
        }
      }
      // closed lines inside
      for (q = 0; q < n; q++) {
        if ((cache[q] & EXISTS) === 0 || cache[q] & VISITED) continue;
        var edge = startEdge(q);
        if (edge === NONE) continue;
        // mpl2014 starts a line entering by the N edge at its second point and closes it on its first
        var ignoreFirst = edge === N_;
        line = [];
        state[0] = q; state[1] = edge;
        followInterior(line, state, level, !ignoreFirst, q, edge);
        if (ignoreFirst && line.length) line.push(line[0], line[1]);
        out.push(new Float64Array(line));
        if (cache[q] & SADDLE && !(cache[q] & VISITED)) q--; // a saddle's second line starts here too
      }
      return out;
    }


    // -- filled bands: contourpy's mpl2014 contour_filled (lower < z <= upper), holes with their outer
    // line. Level bits: 1 when z > lower, 2 when z > upper; per level index its own visited/saddle bits.
    var V1 = 0x4, V2 = 0x8, VIS = [0, V1, V2], SAD = [0, 0x10, 0x20], SADL = [0, 0x40, 0x80], SSW = [0, 0x100, 0x200];
    var VISITED_S = 0x10000, VISITED_W = 0x20000, VISITED_CORNER = 0x40000;
    var parents = null;

    function zlev(p) { return cache[p] & 3; }

    function setParent(q, line) {
      if (parents[q] === null) parents[q] = line.hole ? line.parent : line;
    }

    function getParent(q) {
      var p = parents[q];
      while (p === null) { q -= nx; p = parents[q]; }
      return p;
    }

    function sEdgeQ(q) { var e = cache[q] & EXISTS; return e === EXISTS_QUAD || e === EXISTS_SW || e === EXISTS_SE; }
    function wEdgeQ(q) { var e = cache[q] & EXISTS; return e === EXISTS_QUAD || e === EXISTS_SW || e === EXISTS_NW; }
    function nEdgeQ(q) { var e = cache[q] & EXISTS; return e === EXISTS_QUAD || e === EXISTS_NW || e === EXISTS_NE; }

    // follow_interior for level index li (1: lower, 2: upper), setting parents; state = [quad, edge]
    function followFilled(line, state, li, level, startQ, startEdge, startLi) {
      var q = state[0], edge = state[1], dir, c, opposite, left, right, config, zmid, pts = line.pts;
      for (;;) {
        c = cache[q];
        if (c & SAD[li]) {
          dir = c & SADL[li] ? LEFT : RIGHT;
          cache[q] |= VIS[li];
        } else if (anyCorner(q)) {
          switch (edge) {
            case E_: opposite = exists(q, EXISTS_SE) ? q : q + nx; break;
            case N_: opposite = exists(q, EXISTS_NW) ? q : q + 1; break;
            case W_: opposite = exists(q, EXISTS_SW) ? q + 1 : q + nx + 1; break;
            case S_: opposite = exists(q, EXISTS_SW) ? q + nx : q + nx + 1; break;
            case NE_: opposite = q; break;
            case NW_: opposite = q + 1; break;
            case SW_: opposite = q + nx + 1; break;
            default: opposite = q + nx; break;
          }
          dir = (zlev(opposite) >= li) !== (li === 2) ? RIGHT : LEFT;
          cache[q] |= VIS[li];
        } else {
          switch (edge) {
            case E_: left = q; right = q + nx; break;
            case N_: left = q + 1; right = q; break;
            case W_: left = q + nx + 1; right = q + 1; break;
            default: left = q + nx; right = q + nx + 1; break;
          }
          config = (zlev(left) >= li ? 2 : 0) | (zlev(right) >= li ? 1 : 0);
          if (li === 2) config = 3 - config;
          if (config === 1) {
            zmid = 0.25 * (z[q] + z[q + 1] + z[q + nx] + z[q + nx + 1]);
            cache[q] |= SAD[li];
            if ((zmid > level) !== (li === 2)) dir = RIGHT;
            else { dir = LEFT; cache[q] |= SADL[li]; }
            if (edge === N_ || edge === E_) cache[q] |= SSW[li];
          } else {
            dir = config === 0 ? LEFT : config === 3 ? RIGHT : STRAIGHT;
            cache[q] |= VIS[li];
          }
        }
        edge = exitEdge(q, edge, dir);
        if (edge === E_) setParent(q + 1, line);
        else if (edge === W_) setParent(q, line);
        interp(edgePoint(q, edge, true), edgePoint(q, edge, false), level, pts);
        if (isBoundary(q, edge)) break;
        switch (edge) {
          case E_: q += 1; edge = W_; break;
          case N_: q += nx; edge = S_; break;
          case W_: q -= 1; edge = E_; break;
          default: q -= nx; edge = N_; break;
        }
        if (q === startQ && edge === startEdge && li === startLi) break;
      }
      state[0] = q; state[1] = edge;
    }

    // move_to_next_boundary_edge: from the end point of a boundary edge, the next boundary edge turning
    // left first (135 degrees, 90, 45, straight, ...)
    function nextBoundaryEdge(state) {
      var edge = state[1], q = edgePoint(state[0], edge, false), index, start;
      switch (edge) {
        case E_: index = 0; break;
        case SE_: index = 1; break;
        case S_: index = 2; break;
        case SW_: index = 3; break;
        case W_: index = 4; break;
        case NW_: index = 5; break;
        case N_: index = 6; break;
        default: index = 7; break; // NE_
      }
      if (!corner) index++;
      start = index;
      do {
        switch (index) {
          case 0: if (exists(q - nx - 1, EXISTS_SE)) { state[0] = q - nx - 1; state[1] = NW_; return; } break;
          case 1: if (cache[q - 1] & BOUNDARY_S) { state[0] = q - nx - 1; state[1] = N_; return; } break;
          case 2: if (exists(q - 1, EXISTS_SW)) { state[0] = q - 1; state[1] = NE_; return; } break;
          case 3: if (cache[q] & BOUNDARY_W) { state[0] = q - 1; state[1] = E_; return; } break;
          case 4: if (exists(q, EXISTS_NW)) { state[0] = q; state[1] = SE_; return; } break;
          case 5: if (cache[q] & BOUNDARY_S) { state[0] = q; state[1] = S_; return; } break;
          case 6: if (exists(q - nx, EXISTS_NE)) { state[0] = q - nx; state[1] = SW_; return; } break;
          default: if (cache[q - nx] & BOUNDARY_W) { state[0] = q - nx; state[1] = W_; return; } break;
        }
        index = corner ? (index + 1) % 8 : (index + 2) % 8;
      } while (index !== start);
      throw new Error("contours: no next boundary edge");
    }

    // follow_boundary: along the grid's (or the mask's) boundary until the line leaves it; returns the
    // level index it leaves on
    function followBoundary(line, state, lower, upper, li, startQ, startEdge) {
      var endLevel = 0, first = true, stop = false, startLevel, endPoint, q, edge;
      for (;;) {
        q = state[0]; edge = state[1];
        startLevel = first ? zlev(edgePoint(q, edge, true)) : endLevel;
        endPoint = edgePoint(q, edge, false);
        endLevel = zlev(endPoint);
        if (li === 1) {
          if (startLevel <= li && endLevel === 2) { li = 2; stop = true; }
          else if (startLevel >= 1 && endLevel === 0) stop = true;
        } else {
          if (startLevel <= li && endLevel === 2) stop = true;
          else if (startLevel >= 1 && endLevel === 0) { li = 1; stop = true; }
        }
        if (!first && !stop && q === startQ && edge === startEdge) break;
        switch (edge) {
          case E_: cache[q + 1] |= VISITED_W; break;
          case N_: cache[q + nx] |= VISITED_S; break;
          case W_: cache[q] |= VISITED_W; break;
          case S_: cache[q] |= VISITED_S; break;
          default: cache[q] |= VISITED_CORNER; break;
        }
        if (stop) {
          interp(edgePoint(q, edge, true), edgePoint(q, edge, false), li === 1 ? lower : upper, line.pts);
          break;
        }
        nextBoundaryEdge(state);
        q = state[0]; edge = state[1];
        if (edge === W_ || edge === SW_ || edge === S_ || edge === SE_) {
          if (!exists(q, EXISTS_SE)) setParent(q, line);
        } else if (!exists(q, EXISTS_SW)) setParent(q + 1, line);
        line.pts.push(xs[endPoint % nx], ys[Math.floor(endPoint / nx)]);
        first = false;
      }
      return li;
    }

    function startFilled(q, edge, startLi, hole, onBoundary, lower, upper) {
      var line = { pts: [], hole: hole, parent: null, children: [] }, state = [q, edge], li = startLi;
      if (hole) {
        line.parent = getParent(q + 1);
        line.parent.children.push(line);
      }
      for (;;) {
        if (!onBoundary) followFilled(line, state, li, li === 1 ? lower : upper, q, edge, startLi);
        else li = followBoundary(line, state, lower, upper, li, q, edge);
        if (state[0] === q && state[1] === edge && (onBoundary || li === startLi)) break;
        onBoundary = !onBoundary;
      }
      return line;
    }

    // The band lower < z <= upper as polygons: each a Float64Array [x, y, ...] of its outer ring then its
    // holes, every ring closed by a copy of its first point (matplotlib's OuterCode vertices), with
    // the ring starts (offsets in points) in `starts`.
    function filled(lower, upper) {
      if (lower > upper) throw new Error("contours: upper and lower levels are the wrong way round");
      var q, c, out = [], lines = [];
      for (q = 0; q < n; q++) {
        c = cache[q] & KEEP;
        if (z[q] > upper) c |= 2; else if (z[q] > lower) c |= 1;
        cache[q] = c;
      }
      parents = new Array(n);
      for (q = 0; q < n; q++) parents[q] = null;
      function start(q, edge, li, hole, onBoundary) {
        lines.push(startFilled(q, edge, li, hole, onBoundary, lower, upper));
      }
      for (q = 0; q < n; q++) {
        if ((cache[q] & EXISTS) === 0) continue;
        // the corners' levels do not change while a quad is scanned; its visited bits do (read each time)
        var SW = cache[q] & 3, SE = cache[q + 1] & 3, NW = cache[q + nx] & 3, NE = cache[q + nx + 1] & 3;
        if (cache[q] & BOUNDARY_S && sEdgeQ(q)) {
          if (!(cache[q] & VISITED_S) && SW >= 1 && SE === 0) start(q, S_, 1, false, false);
          if (!(cache[q] & VISITED_S) && SW < 2 && SE === 2) start(q, S_, 2, false, false);
          if (!(cache[q] & VISITED_S) && SW <= 1 && SE === 1) start(q, S_, 1, false, true);
          if (!(cache[q] & VISITED_S) && SW === 2 && SE === 1) start(q, S_, 2, false, true);
        }
        if (cache[q] & BOUNDARY_W && wEdgeQ(q)) {
          if (!(cache[q] & VISITED_W) && NW >= 1 && SW === 0) start(q, W_, 1, false, false);
          if (!(cache[q] & VISITED_W) && NW < 2 && SW === 2) start(q, W_, 2, false, false);
          if (!(cache[q] & VISITED_W) && NW <= 1 && SW === 1) start(q, W_, 1, false, true);
          if (!(cache[q] & VISITED_W) && NW === 2 && SW === 1) start(q, W_, 2, false, true);
        }
        if (exists(q, EXISTS_SW)) {
          if (!(cache[q] & VISITED_CORNER) && NW === 1 && SE === 1) start(q, NE_, 1, true, true);
        } else if (exists(q, EXISTS_NW)) {
          if (!(cache[q] & V1) && NW === 0 && SW === 0 && NE >= 1) start(q, N_, 1, false, false);
          if (!(cache[q] & V2) && NW < 2 && SW < 2 && NE === 2) start(q, SE_, 2, true, false);
          if (!(cache[q] & V2) && NW === 2 && SW === 2 && NE < 2) start(q, N_, 2, false, false);
          if (!(cache[q] & V1) && NW >= 1 && SW >= 1 && NE === 0) start(q, SE_, 1, true, false);
        } else if (exists(q, EXISTS_SE)) {
          if (!(cache[q] & V1) && SW === 0 && SE === 0 && NE >= 1) start(q, NW_, 1, false, false);
          if (!(cache[q] & V2) && SW < 2 && SE < 2 && NE === 2) start(q, E_, 2, true, false);
          if (!(cache[q] & V2) && SW === 2 && SE === 2 && NE < 2) start(q, NW_, 2, false, false);
          if (!(cache[q] & V1) && SW >= 1 && SE >= 1 && NE === 0) start(q, E_, 1, true, false);
        } else if (exists(q, EXISTS_NE)) {
          if (!(cache[q] & VISITED_CORNER) && NW >= 1 && SE === 0) start(q, SW_, 1, false, false);
          if (!(cache[q] & VISITED_CORNER) && NW < 2 && SE === 2) start(q, SW_, 2, false, false);
          if (!(cache[q] & VISITED_CORNER) && NW <= 1 && SE === 1) start(q, SW_, 1, false, true);
          if (!(cache[q] & VISITED_CORNER) && NW === 2 && SE === 1) start(q, SW_, 2, false, true);
        }
        if (exists(q, EXISTS_QUAD) || exists(q, EXISTS_NE)) {
          var s1 = (cache[q] & SAD[1]) !== 0, s2 = (cache[q] & SAD[2]) !== 0;
          if (!(cache[q] & V1) && NW === 0 && SE === 0 && NE >= 1 && (!s1 || cache[q] & SADL[1])) start(q, N_, 1, false, false);
          s2 = (cache[q] & SAD[2]) !== 0;
          if (!(cache[q] & V2) && NW < 2 && SE < 2 && NE === 2 && (!s2 || !(cache[q] & SADL[2]))) start(q, E_, 2, true, false);
          s2 = (cache[q] & SAD[2]) !== 0;
          if (!(cache[q] & V2) && NW === 2 && SE === 2 && NE < 2 && (!s2 || cache[q] & SADL[2])) start(q, N_, 2, false, false);
          s1 = (cache[q] & SAD[1]) !== 0;
          if (!(cache[q] & V1) && NW >= 1 && SE >= 1 && NE === 0 && (!s1 || !(cache[q] & SADL[1]))) start(q, E_, 1, true, false);
        }
        if (cache[q + nx] & BOUNDARY_S && nEdgeQ(q) && !(cache[q + nx] & VISITED_S) && NW === 1 && NE === 1) {
          start(q, N_, 1, true, true);
        }
      }
      // outer lines in the order they were started, each with its holes
      var k, h, ring, pts, starts;
      for (k = 0; k < lines.length; k++) {
        if (lines[k].hole) continue;
        pts = []; starts = [];
        for (h = -1; h < lines[k].children.length; h++) {
          ring = h < 0 ? lines[k].pts : lines[k].children[h].pts;
          starts.push(pts.length / 2);
          for (var r = 0; r < ring.length; r++) pts.push(ring[r]);
          pts.push(ring[0], ring[1]);
        }
        out.push({ points: new Float64Array(pts), starts: starts });
      }
      return out;
    }

    return { lines: lines, filled: filled };
  }

  // -- the bands ----------------------------------------------------------------------------------------
  // plot.contour's fill levels: numpy.unique([nanmin(Z), *levels, nanmax(Z)]). Empty when nothing is finite.
  function fillLevels(g, levels) {
    var finite = finiteSorted(g.z), all = [], k, out = [];
    if (!finite.length) return new Float64Array(0);
    all.push(finite[0]);
    for (k = 0; k < levels.length; k++) all.push(levels[k]);
    all.push(finite[finite.length - 1]);
    all.sort(function (a, b) { return a - b; });
    for (k = 0; k < all.length; k++) if (k === 0 || all[k] !== all[k - 1]) out.push(all[k]);
    return new Float64Array(out);
  }

  // contourf(levels=fill)'s bands, as matplotlib asks contourpy for them: lower < z <= upper between
  // consecutive levels, the first lower moved one below when it is the grid's minimum
  // (ContourSet._get_lowers_and_uppers). Per band its polygons (generator's filled).
  function bands(gen, g, fill) {
    var finite = finiteSorted(g.z), out = [], k, lower;
    for (k = 0; k + 1 < fill.length; k++) {
      lower = k === 0 && finite.length && finite[0] === fill[0] ? fill[0] - 1 : fill[k];
      out.push(gen.filled(lower, fill[k + 1]));
    }
    return out;
  }

  // -- the colours --------------------------------------------------------------------------------------
  // plot.contour's colours: BoundaryNorm(boundaries, ncolors=256, clip=True) of each value, then the colour
  // map's table (lut: 256 [r, g, b, a] from Python, cmap(range(256))). The lines' values are their levels
  // (alpha replaced by the lines' 0.85); the bands' are the midpoints of their fill levels, with the
  // washed map's table (_washed(cmap)). The index of each value, as BoundaryNorm.__call__ computes it.
  function normIndices(boundaries, values, ncolors) {
    var N = boundaries.length, regions = N - 1, out = new Int32Array(values.length), k, v, idx;
    if (N < 2) throw new Error("BoundaryNorm: at least 2 boundaries");
    var vmin = boundaries[0], vmax = boundaries[N - 1];
    for (k = 0; k < values.length; k++) {
      v = Math.min(Math.max(values[k], vmin), vmax);
      idx = 0; // numpy.digitize(v, boundaries) - 1: the last boundary <= v
      while (idx + 1 < N && boundaries[idx + 1] <= v) idx++;
      if (ncolors > regions) {
        if (regions === 1) { if (idx === 0) idx = Math.floor((ncolors - 1) / 2); }
        else idx = Math.floor((ncolors - 1) / (regions - 1) * idx); // int16 cast of a value >= 0
      }
      if (v < vmin) idx = -1;
      if (v >= vmax) idx = ncolors - 1;
      out[k] = idx;
    }
    return out;
  }

  function levelIndices(levels, ncolors) { return normIndices(levels, levels, ncolors); }

  // the bands' colour indices: BoundaryNorm(fill) of the layers, 0.5 * (fill[k] + fill[k + 1])
  function bandIndices(fill, ncolors) {
    var layers = new Float64Array(Math.max(0, fill.length - 1)), k;
    for (k = 0; k < layers.length; k++) layers[k] = 0.5 * (fill[k] + fill[k + 1]);
    return normIndices(fill, layers, ncolors);
  }

  function colorsAt(idx, lut, alpha) {
    var out = [], k, c;
    for (k = 0; k < idx.length; k++) {
      c = lut[Math.max(0, idx[k])];
      out.push([c[0], c[1], c[2], alpha === undefined ? c[3] : alpha]);
    }
    return out;
  }

  function bandColors(fill, lut) { return colorsAt(bandIndices(fill, lut.length), lut); }

  function levelColors(levels, lut, alpha) { return colorsAt(levelIndices(levels, lut.length), lut, alpha); }

  // Draws each level's lines on a canvas context; toPixel(x, y) -> [px, py] (the axes' data-to-pixel map).
  function draw(ctx, linesPerLevel, colors, width, toPixel) {
    var k, l, p, line, xy;
    ctx.save();
    ctx.lineWidth = width;
    ctx.lineJoin = "round";
    ctx.lineCap = "butt";
    for (k = 0; k < linesPerLevel.length; k++) {
      var c = colors[k];
      ctx.strokeStyle = "rgba(" + Math.round(255 * c[0]) + "," + Math.round(255 * c[1]) + "," +
        Math.round(255 * c[2]) + "," + c[3] + ")";
      ctx.beginPath();
      for (l = 0; l < linesPerLevel[k].length; l++) {
        line = linesPerLevel[k][l];
        for (p = 0; p < line.length; p += 2) {
          xy = toPixel(line[p], line[p + 1]);
          if (p === 0) ctx.moveTo(xy[0], xy[1]); else ctx.lineTo(xy[0], xy[1]);
        }
      }
      ctx.stroke();
    }
    ctx.restore();
  }

  // Fills each band's polygons (every ring a subpath; holes run the other way round) with its colour.
  function drawFilled(ctx, bandPolygons, colors, toPixel) {
    var k, m, p, r, poly, end, xy, c;
    for (k = 0; k < bandPolygons.length; k++) {
      c = colors[k];
      ctx.fillStyle = "rgba(" + Math.round(255 * c[0]) + "," + Math.round(255 * c[1]) + "," +
        Math.round(255 * c[2]) + "," + c[3] + ")";
      ctx.beginPath();
      for (m = 0; m < bandPolygons[k].length; m++) {
        poly = bandPolygons[k][m];
        for (r = 0; r < poly.starts.length; r++) {
          end = r + 1 < poly.starts.length ? poly.starts[r + 1] : poly.points.length / 2;
          for (p = poly.starts[r]; p < end; p++) {
            xy = toPixel(poly.points[2 * p], poly.points[2 * p + 1]);
            if (p === poly.starts[r]) ctx.moveTo(xy[0], xy[1]); else ctx.lineTo(xy[0], xy[1]);
          }
          ctx.closePath();
        }
      }
      ctx.fill("nonzero");
    }
  }

  var api = {
    pow: pow, linspace: linspace, grid: grid, quantile: quantile, contourLevels: contourLevels, within: within,
    plotLevels: plotLevels, generator: generator, fillLevels: fillLevels, bands: bands,
    normIndices: normIndices, levelIndices: levelIndices, bandIndices: bandIndices, levelColors: levelColors,
    bandColors: bandColors, draw: draw, drawFilled: drawFilled,
  };
  root.OptvizContours = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
