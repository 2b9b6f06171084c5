// Runs engine cases for tests/test_web_engine.py: reads {bundle, cases} paths from argv, prints results.
"use strict";
const fs = require("fs");
const E = require(process.argv[2]);
const surfaces = require(process.argv[3])(E);
const cases = JSON.parse(fs.readFileSync(process.argv[4], "utf8"));
const results = cases.map((c) => {
  const s = surfaces[c.surface];
  const noise = c.noise === null ? null : c.noise.kind === "gaussian"
    ? { kind: "gaussian", sigma: c.noise.sigma, draws: E.float64s(c.noise.draws) }
    : { kind: "minibatch", batchSize: c.noise.batchSize, indices: E.int32s(c.noise.indices) };
  try {
    const r = E.run(s, c.rule, c.params, {
      start: c.start, steps: c.steps, tol: c.tol, escapeRadius: c.escapeRadius, center: c.center,
      noise, normals: c.normals === null ? null : E.float64s(c.normals), schedule: c.schedule,
    });
    return { xy: Buffer.from(r.xy.buffer).toString("base64"), loss: Buffer.from(r.loss.buffer).toString("base64"),
      status: r.status, stopStep: r.stopStep };
  } catch (err) {
    return { error: String(err) };
  }
});
process.stdout.write(JSON.stringify(results));
