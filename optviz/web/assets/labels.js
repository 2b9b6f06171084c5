// The labels of a surface's minima and saddles ("global min", "saddle", ...), placed at every draw around the
// paths the page draws now, as optviz.plot.placement places them when matplotlib draws (read by
// optviz.web.labels_layer): of each label's spots, the one whose box (matplotlib's, padded by _MARGIN) covers
// the least: pixels of path inside it, markers it touches, area shared with the labels placed before it (and a
// legend inside the axes), what the static figure costs there (measured in Python: markers of the minima,
// fixed texts, leaving the axes), and for a far spot its leader's length and the lines it crosses; ties to
// the earlier spot. When every spot covers something, a free place anywhere in the axes with the cheapest
// leader, as PlacedText._choose does.
/* eslint-disable no-var */
(function (root) {
  "use strict";
  var MARGIN = 2.0, CROSSING = 400.0; // placement._MARGIN, placement._CROSSING

  // The length of the segment (px, py)-(qx, qy) inside the box [x0, y0, x1, y1] (placement.segment_box_lengths).
  function lengthIn(px, py, qx, qy, x0, y0, x1, y1) {
    var dx = qx - px, dy = qy - py, t0 = 0, t1 = 1, a, b;
    if (dx === 0) { if (px < x0 || px > x1) return 0; } else {
      a = (x0 - px) / dx; b = (x1 - px) / dx;
      t0 = Math.max(t0, Math.min(a, b)); t1 = Math.min(t1, Math.max(a, b));
    }
    if (dy === 0) { if (py < y0 || py > y1) return 0; } else {
      a = (y0 - py) / dy; b = (y1 - py) / dy;
      t0 = Math.max(t0, Math.min(a, b)); t1 = Math.min(t1, Math.max(a, b));
    }
    return t1 > t0 ? (t1 - t0) * Math.hypot(dx, dy) : 0;
  }

  // How much of a shape is inside a box (placement.overlap): pixels of line (the box widened by the line's
  // half-width), a marker's diameter for each marker that touches it. Shapes: {line: flat [x0, y0, x1, y1,
  // ...] (a polyline), width, markers: flat points, radius, clip: [l, t, r, b] or null}.
  function overlap(box, shape) {
    var x0 = box[0], y0 = box[1], x1 = box[2], y1 = box[3], c = shape.clip, total = 0, i;
    if (c) {
      x0 = Math.max(x0, c[0]); y0 = Math.max(y0, c[1]); x1 = Math.min(x1, c[2]); y1 = Math.min(y1, c[3]);
      if (x1 <= x0 || y1 <= y0) return 0;
    }
    var m = shape.markers, r = shape.radius;
    if (m) {
      for (i = 0; i + 1 < m.length; i += 2) {
        var nx = Math.min(Math.max(m[i], x0), x1), ny = Math.min(Math.max(m[i + 1], y0), y1);
        var ax = Math.abs(m[i] - nx), ay = Math.abs(m[i + 1] - ny);
        // (a hypot is never below its larger leg: a marker that far off needs none)
        if (ax < r && ay < r && Math.hypot(ax, ay) < r) total += 2 * r;
      }
    }
    var p = shape.line, w = shape.width || 0;
    if (p) {
      var b = blocks(shape);
      for (var k = 0; k < b.length; k += 4) {
        if (b[k] > x1 + w || b[k + 2] < x0 - w || b[k + 1] > y1 + w || b[k + 3] < y0 - w) continue;
        var end = Math.min(p.length - 2, (k / 4 + 1) * 2 * BLOCK);
        for (i = (k / 4) * 2 * BLOCK + 2; i <= end; i += 2) {
          if (!(isFinite(p[i - 2]) && isFinite(p[i - 1]) && isFinite(p[i]) && isFinite(p[i + 1]))) continue;
          total += lengthIn(p[i - 2], p[i - 1], p[i], p[i + 1], x0 - w, y0 - w, x1 + w, y1 + w);
        }
      }
    }
    return total;
  }

  // A long path's points in blocks of BLOCK segments, each with the box around its finite points (flat
  // [x0, y0, x1, y1, ...]): a label's box skips the blocks it does not meet (a 10,000-step run is placed
  // around in a few milliseconds). Block k holds the segments ending at points k * BLOCK + 1 .. (k + 1) * BLOCK.
  var BLOCK = 32;
  function blocks(shape) {
    if (shape.blocks) return shape.blocks;
    var p = shape.line, n = p.length >> 1, out = [];
    for (var start = 0; start < n - 1; start += BLOCK) {
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (var j = start; j <= Math.min(n - 1, start + BLOCK); j++) {
        var x = p[2 * j], y = p[2 * j + 1];
        if (!(isFinite(x) && isFinite(y))) continue;
        x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
      }
      out.push(x0, y0, x1, y1);
    }
    shape.blocks = out;
    return out;
  }

  // How many segments of the shapes the segment a-b crosses (placement.segment_crossings).
  function crossings(ax, ay, bx, by, shapes) {
    var rx = bx - ax, ry = by - ay, n = 0;
    var lx0 = Math.min(ax, bx), lx1 = Math.max(ax, bx), ly0 = Math.min(ay, by), ly1 = Math.max(ay, by);
    shapes.forEach(function (shape) {
      var p = shape.line;
      if (!p) return;
      var b = blocks(shape);
      for (var k = 0; k < b.length; k += 4) {
        if (b[k] > lx1 || b[k + 2] < lx0 || b[k + 1] > ly1 || b[k + 3] < ly0) continue;
        var end = Math.min(p.length - 2, (k / 4 + 1) * 2 * BLOCK);
        for (var i = (k / 4) * 2 * BLOCK + 2; i <= end; i += 2) {
          var qx = p[i - 2], qy = p[i - 1], sx = p[i] - qx, sy = p[i + 1] - qy;
          if (!(isFinite(qx) && isFinite(qy) && isFinite(sx) && isFinite(sy))) continue;
          var denom = rx * sy - ry * sx;
          if (denom === 0) continue;
          var px = qx - ax, py = qy - ay, t = (px * sy - py * sx) / denom, u = (px * ry - py * rx) / denom;
          if (t > 0 && t < 1 && u >= 0 && u <= 1) n++;
        }
      }
    });
    return n;
  }

  // The outline of a "-|>" arrow from (x0, y0) to (x1, y1) as placement.data_shapes reads a patch's path
  // (placement._patch_outline): the shaft to the head's tip (drawn short of it by the line's miter: lw / 2
  // over the sine of the head's half angle), a break (NaN: the head is a second subpath, not joined to the
  // shaft), then the head's triangle: a corner, the tip, the other corner (0.4 x 0.2 of the mutation scale)
  // and back to the first (its CLOSEPOLY). (So an arrow costs a label what it costs matplotlib's.)
  function arrowOutline(x0, y0, x1, y1, lw, scale) {
    var dx = x1 - x0, dy = y1 - y0, n = Math.hypot(dx, dy), ux = dx / n, uy = dy / n;
    var hl = 0.4 * scale, hw = 0.2 * scale, back = lw / 2 / (hw / Math.hypot(hw, hl));
    var tx = x1 - ux * back, ty = y1 - uy * back, bx = tx - ux * hl, by = ty - uy * hl;
    var ax = bx + uy * hw, ay = by - ux * hw;
    return [x0, y0, tx, ty, NaN, NaN, ax, ay, tx, ty, bx - uy * hw, by + ux * hw, ax, ay];
  }

  function boxOverlap(a, b) {
    var w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]), h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
    return w > 0 && h > 0 ? w * h : 0;
  }

  // The nearest point of a box to the anchor, and the distance (placement.leader_cost's near).
  function nearest(anchor, box) {
    var x = Math.min(Math.max(anchor[0], box[0]), box[2]), y = Math.min(Math.max(anchor[1], box[1]), box[3]);
    return { x: x, y: y, length: Math.hypot(x - anchor[0], y - anchor[1]) };
  }

  // What a candidate costs beyond the static figure (placement.cost's live part): its padded box against
  // the live shapes and the boxes of live texts.
  function liveCost(box, shapes, texts) {
    var padded = [box[0] - MARGIN, box[1] - MARGIN, box[2] + MARGIN, box[3] + MARGIN], total = 0;
    shapes.forEach(function (s) { total += overlap(padded, s); });
    texts.forEach(function (t) { total += boxOverlap(padded, t); });
    return total;
  }

  // Whether a candidate covers anything live (liveCost > 0), stopping at the first shape or text it covers:
  // every term is >= 0 and finite (segments with a non-finite end are skipped, a marker at NaN touches
  // nothing), so the sum is > 0 exactly when a term is.
  function coversLive(box, shapes, texts) {
    var padded = [box[0] - MARGIN, box[1] - MARGIN, box[2] + MARGIN, box[3] + MARGIN], i;
    for (i = 0; i < shapes.length; i++) if (overlap(padded, shapes[i]) > 0) return true;
    for (i = 0; i < texts.length; i++) if (boxOverlap(padded, texts[i]) > 0) return true;
    return false;
  }

  // A leader from the label's point to its box: [length cost, crossings] (placement.leader_cost).
  // null where the candidate's cost, `before` + the leader's, cannot come below `best`: the live crossings
  // only add to the static ones' cost, so then they are not counted (the cost is as large or larger).
  function leader(label, c, shapes, before, best) {
    var near = nearest(label.anchor, c.box);
    if (near.length === 0) return { cost: 0, crossings: 0 };
    if (before + (0.05 * near.length + CROSSING * c.crossings) >= best) return null;
    var n = c.crossings + crossings(label.anchor[0], label.anchor[1], near.x, near.y, shapes);
    return { cost: 0.05 * near.length + CROSSING * n, crossings: n };
  }

  // One label's spot (PlacedText._choose): its index (the fallback's spots after the label's own).
  function choose(label, shapes, texts) {
    var best = 0, bestCost = Infinity, covers = Infinity;
    label.spots.forEach(function (c, i) {
      var cost = c.static + liveCost(c.box, shapes, texts), cover = cost;
      cost += 1e-3 * i;
      if (c.leader) {
        var l = leader(label, c, shapes, cost, bestCost);
        if (l === null) return;
        cost += l.cost;
        cover += CROSSING * l.crossings;
      }
      if (cost < bestCost) { best = i; bestCost = cost; covers = cover; }
    });
    if (covers > 0) {
      var free = null, freeCost = Infinity;
      label.anywhere.forEach(function (c, j) {
        // (a static cost >= 0 and a live one > 0 sum to > 0; any other static cost as the sum says)
        var covered = c.static >= 0 ? c.static > 0 || coversLive(c.box, shapes, texts) : c.static + liveCost(c.box, shapes, texts) > 0;
        if (covered) return;
        var l = leader(label, c, shapes, 0, freeCost);
        if (l !== null && l.cost < freeCost) { free = label.spots.length + j; freeCost = l.cost; }
      });
      if (free !== null) best = free;
    }
    return best;
  }

  function candidate(label, index) {
    return index < label.spots.length ? label.spots[index] : label.anywhere[index - label.spots.length];
  }

  // The leader line as matplotlib's annotation draws it: from the text's box (towards its middle) to the
  // point, shrunk at both ends; as a shape, for the labels placed after it.
  function leaderLine(label, box) {
    var L = label.leader, ax = label.anchor[0], ay = label.anchor[1];
    var cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2, dx = ax - cx, dy = ay - cy;
    var n = Math.hypot(dx, dy);
    if (n === 0) return null;
    // where the line from the middle leaves the box
    var t = Math.min(dx ? (box[2] - box[0]) / 2 / Math.abs(dx) : Infinity, dy ? (box[3] - box[1]) / 2 / Math.abs(dy) : Infinity);
    var sx = cx + dx * t + dx / n * L.shrinkA, sy = cy + dy * t + dy / n * L.shrinkA;
    var ex = ax - dx / n * L.shrinkB, ey = ay - dy / n * L.shrinkB;
    if ((ex - sx) * dx + (ey - sy) * dy <= 0) return null;
    return [sx, sy, ex, ey];
  }

  // Place every label in order (each sees the ones before it), given the live shapes and live text boxes
  // (a legend inside the axes). Returns [{text, spot, box, leader: [x0, y0, x1, y1] or null}].
  function place(labels, shapes, texts) {
    var placed = [];
    shapes = shapes.slice();
    texts = texts.slice();
    labels.forEach(function (label) {
      var index = choose(label, shapes, texts), c = candidate(label, index);
      var line = c.leader && label.leader ? leaderLine(label, c.box) : null;
      placed.push({ text: label.text, spot: index, box: c.box, leader: line });
      texts.push(c.box);
      if (line) shapes.push({ line: line, width: 0, clip: null });
    });
    return placed;
  }

  // Draw the placed labels: matplotlib's text at its box (the baseline its descent above the box's bottom).
  function draw(ctx, P, labels, placed) {
    placed.forEach(function (p, i) {
      var label = labels[i];
      if (p.leader) {
        var L = label.leader;
        P.polyline(ctx, [[p.leader[0], p.leader[1]], [p.leader[2], p.leader[3]]], { color: L.color, width: L.width, alpha: L.alpha });
      }
      P.text(ctx, label.text, p.box[0], p.box[3] - label.descent, {
        size: label.size, color: label.color, weight: label.weight, align: "left", baseline: "alphabetic",
        family: '"' + label.family + '", Verdana, sans-serif',
      });
    });
  }

  root.OptvizLabels = { place: place, draw: draw, overlap: overlap, lengthIn: lengthIn, arrowOutline: arrowOutline };
})(typeof globalThis !== "undefined" ? globalThis : this);
