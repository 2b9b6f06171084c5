// Runs live-contour cases for tests/test_web_contours.py under node: argv engine.js, contours.js, the
// surfaces module, the cases JSON. Per case: the grid's values, plot.contour's levels over it and each
// level's lines, the filled bands (float64 bytes as base64), and the colour-table indices.
"use strict";
const fs = require("fs");
const E = require(process.argv[2]);
const C = require(process.argv[3]);
const surfaces = require(process.argv[4])(E);
const cases = JSON.parse(fs.readFileSync(process.argv[5], "utf8"));
const b64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
const results = cases.map((c) => {
  const g = C.grid(surfaces[c.surface], c.n, c.bounds);
  const levels = c.levels === null
    ? C.plotLevels(g, c.shown, c.fmin === null ? NaN : c.fmin, c.nLevels, c.scale)
    : new Float64Array(c.levels);
  const gen = C.generator(g, c.cornerMask === undefined ? true : c.cornerMask);
  const lines = Array.from(levels, (level) => gen.lines(level).map(b64));
  const indices = levels.length >= 2 ? Array.from(C.levelIndices(levels, 256)) : [];
  // plot.contour's filled bands: its fill levels, each band's polygons (points, ring starts), colour indices
  const fill = C.fillLevels(g, levels);
  const bands = C.bands(gen, g, fill).map((polygons) => polygons.map((p) => [b64(p.points), p.starts]));
  const bandIndices = fill.length >= 2 ? Array.from(C.bandIndices(fill, 256)) : [];
  return { z: b64(g.z), xs: b64(g.xs), ys: b64(g.ys), levels: b64(levels), lines, indices,
    fill: b64(fill), bands, bandIndices };
});
process.stdout.write(JSON.stringify(results));
