"""Helpers for the web tests: run engine cases under node, and the equality contract of design section 2.

A case is one ``optviz.run`` call (surface, rule, hyperparameters, start, steps, noise, seed, tol); the same
case runs in JavaScript (``optviz/web/js/engine.js`` with the surface emitted by ``optviz.web.emit``) and the
two trajectories are compared:

- on arithmetic surfaces (+ - * / and powers), every row to relative 1e-9, and the same status and stop step;
- where exp, log, sin... enter, up to the step where two Python runs part by 1e-9 when one of them is fed
  gradients perturbed by one ulp (computed per case): JavaScript's and numpy's functions may differ by an ulp.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import optviz as ov
from optviz.surfaces.program import dataset_model, surface_program
from optviz.web import emit

ROOT = Path(__file__).resolve().parent
NODE = shutil.which("node")
RTOL = 1e-9


@dataclass
class Case:
    surface_key: str
    surface: Any
    rule: str
    params: dict[str, Any]
    steps: int = 300
    start: Any = None
    noise: Any = None
    seed: int = 0
    tol: float | None = None
    schedule: Any = None  # an optviz schedule (ov.CosineAnnealingLR(...)), or None
    label: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    verdict: Any = None
    _reference: Any = None

    @property
    def reference(self) -> Any:
        """optviz.run of the case (computed once)."""
        if self._reference is None:
            self._reference = self.python()
        return self._reference

    def python(self, surface: Any = None) -> Any:
        rule = ov.rule(self.rule, **self.params)
        return ov.run(
            surface or self.surface, rule, start=self.start, steps=self.steps, noise=self.noise,
            seed=self.seed, tol=self.tol, schedule=self.schedule,
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        s = self.surface
        start = s.start if self.start is None else self.start
        noise = None
        if isinstance(self.noise, ov.GaussianNoise):
            draws = emit.normal_draws(self.seed, self.steps + 1)
            noise = {"kind": "gaussian", "sigma": self.noise.sigma, "draws": emit.b64(draws)}
        elif isinstance(self.noise, ov.Minibatch):
            idx = emit.batch_indices(self.noise, s.n_samples, self.seed, self.steps + 1)
            noise = {
                "kind": "minibatch",
                "batchSize": self.noise.batch_size,
                "indices": emit.b64(idx, "<i4"),
            }
        normals = None
        if self.rule == "random_search":
            normals = emit.b64(emit.normal_draws(self.seed, self.steps))
        params = {k: list(v) if isinstance(v, tuple) else v for k, v in self.params.items()}
        return {
            "surface": self.surface_key, "rule": self.rule, "params": params,
            "start": [float(v) for v in start], "steps": self.steps, "tol": self.tol,
            "escapeRadius": 100.0 * s.diagonal, "center": s.center.tolist(), "noise": noise,
            "normals": normals,
            "schedule": None if self.schedule is None else self.schedule.describe(),
        }  # fmt: skip


class Perturbed(ov.Surface):
    """``inner`` with every gradient moved by one ulp (also minibatch gradients): up, down, or up or down
    at random per component and evaluation (``mode`` "up", "down", "random"; seeded)."""

    def __init__(self, inner: Any, mode: str) -> None:
        self.inner = inner
        self.mode = mode
        self.rng = np.random.default_rng(12345)
        super().__init__(
            title=inner.title, latex=inner.latex, bounds=inner.bounds, start=inner.start
        )
        self.n_samples = getattr(inner, "n_samples", 0)

    def _move(self, g: np.ndarray) -> np.ndarray:
        if self.mode == "up":
            return np.nextafter(g, np.inf)
        if self.mode == "down":
            return np.nextafter(g, -np.inf)
        return np.nextafter(g, np.where(self.rng.random(g.shape) < 0.5, np.inf, -np.inf))

    def value(self, xy: Any) -> np.ndarray:
        return self.inner.value(xy)

    def grad(self, xy: Any) -> np.ndarray:
        return self._move(self.inner.grad(xy))

    def value_and_grad(self, xy: Any) -> tuple[np.ndarray, np.ndarray]:
        f, g = self.inner.value_and_grad(xy)
        return f, self._move(g)

    def batch_grad(self, xy: Any, idx: Any) -> np.ndarray:
        return self._move(self.inner.batch_grad(xy, idx))

    def hessian(self, xy: Any) -> np.ndarray:  # (Newton's) the inner surface's, unperturbed
        return self.inner.hessian(xy)


class PerturbedFiniteSum(Perturbed, ov.surfaces.FiniteSumSurface):
    pass


def perturbed(surface: Any, mode: str) -> Perturbed:
    cls = PerturbedFiniteSum if isinstance(surface, ov.surfaces.FiniteSumSurface) else Perturbed
    return cls(surface, mode)


_LIBM = ("exp", "log", "log1p", "sin", "cos", "tan", "tanh", "sinh", "cosh", "arctan")


class LibmPerturbed(Perturbed):
    """``inner`` computed with every library function's result (exp, sin, ..., and pow other than the
    exact squares and square roots) moved by one ulp: what a JavaScript evaluation may differ by."""

    def __init__(self, inner: Any, mode: str) -> None:
        super().__init__(inner, mode)
        self.program = surface_program(inner)
        self.model = dataset_model(inner)

        def wrap(fn: Any) -> Any:
            return lambda *a: self._move(np.asarray(fn(*a), dtype=float))

        self.functions = {name: wrap(getattr(np, name)) for name in _LIBM}
        exact = (2.0, 0.5, -1.0, 1.0, 0.0)
        self.functions["pow"] = lambda a, b: (
            np.power(a, b) if np.ndim(b) == 0 and float(b) in exact else self._move(np.power(a, b))
        )

    def _xy(self, xy: Any) -> tuple[np.ndarray, np.ndarray]:
        xy = np.asarray(xy, dtype=float)
        return xy[..., 0], xy[..., 1]

    def value(self, xy: Any) -> np.ndarray:
        if self.program is not None:
            return self.program.value(*self._xy(xy), functions=self.functions)[0]
        return self._dataset(xy)[0]

    def grad(self, xy: Any) -> np.ndarray:
        if self.program is not None:
            return np.stack(self.program.grad(*self._xy(xy), functions=self.functions), axis=-1)
        return self._dataset(xy)[1]

    def value_and_grad(self, xy: Any) -> tuple[np.ndarray, np.ndarray]:
        if self.program is not None:
            f, gx, gy = self.program.value_and_grad(*self._xy(xy), functions=self.functions)
            return f, np.stack([gx, gy], axis=-1)
        return self._dataset(xy)

    def hessian(self, xy: Any) -> np.ndarray:
        """(Newton's) the Hessian with the library functions moved by an ulp too."""
        if self.program is None:
            return self.inner.hessian(xy)
        hxx, hxy, hyy = self.program.hessian(*self._xy(xy), functions=self.functions)
        return np.stack([np.stack([hxx, hxy], axis=-1), np.stack([hxy, hyy], axis=-1)], axis=-2)

    # A dataset surface's sums, as optviz.surfaces.learning computes them (value_and_grad unwrapped;
    # value() and grad() under optviz.regularized), with the per-sample exp and log1p perturbed.
    def _per_sample(self, z: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        fn = self.functions
        if self.model.loss == "logistic":
            u = -t * z
            e = fn["exp"](-np.abs(u))
            return np.maximum(u, 0.0) + fn["log1p"](e), -t * np.where(
                u >= 0, 1.0 / (1.0 + e), e / (1.0 + e)
            )
        r = z - t
        return 0.5 * r * r, r

    def _dataset(self, xy: Any) -> tuple[np.ndarray, np.ndarray]:
        m = self.model
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        x, y = xy[:, 0], xy[:, 1]
        phi0, phi1 = m.features[:, 0], m.features[:, 1]
        loss, d = self._per_sample(x[:, None] * phi0 + y[:, None] * phi1, m.targets)
        n = len(m.targets)
        f = loss.mean(axis=1)
        g = np.stack([(d * phi0).sum(axis=1), (d * phi1).sum(axis=1)], axis=1)
        g /= n
        r0, r1 = m.reg
        if m.l2 is None:
            f = f + (r0 * x * x + r1 * y * y)
        else:
            f = (f + r0 * x * x + r1 * y * y) + m.l2 * (x * x + y * y)
        g[:, 0] += 2 * r0 * x
        g[:, 1] += 2 * r1 * y
        if m.l2 is not None:
            g = g + (2 * m.l2) * xy
        return f, g

    def batch_grad(self, xy: Any, idx: Any) -> np.ndarray:
        m = self.model
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        idx = np.asarray(idx)
        phi0, phi1 = m.features[idx, 0], m.features[idx, 1]
        _, d = self._per_sample(phi0 * xy[:, :1] + phi1 * xy[:, 1:], m.targets[idx])
        g = np.stack([(d * phi0).mean(axis=1), (d * phi1).mean(axis=1)], axis=1)
        g = g + 2 * np.array(m.reg) * xy
        return g if m.l2 is None else g + (2 * m.l2) * xy


class LibmPerturbedFiniteSum(LibmPerturbed, ov.surfaces.FiniteSumSurface):
    pass


def libm_perturbed(surface: Any, mode: str) -> LibmPerturbed:
    finite = isinstance(surface, ov.surfaces.FiniteSumSurface)
    return (LibmPerturbedFiniteSum if finite else LibmPerturbed)(surface, mode)


def close(a: np.ndarray, b: np.ndarray, scale: float) -> np.ndarray:
    """Per row: every coordinate within RTOL relative (with a floor of 1e-12 of the view's size, where a
    run converges to 0)."""
    tol = RTOL * np.maximum(np.abs(b), 1e-12 * scale)
    ok = np.abs(a - b) <= tol
    ok |= (a == b) | (np.isnan(a) & np.isnan(b))
    return ok.all(axis=-1)


def parting_step(case: Case, reference: Any) -> int:
    """The first step at which a run fed 1-ulp-perturbed gradients parts from the reference by 1e-9
    (steps + 1 when it never does). The earliest over perturbations up, down and of random sign, of the
    gradient itself and of the results of the library functions it is computed from (near a minimum the
    gradient is a difference of larger terms, so an ulp of exp or cos is many ulps of the gradient)."""
    first = case.steps + 1
    for make in (perturbed, libm_perturbed):
        for mode in ("up", "down", "random"):
            first = min(first, _parts(case, reference, make(case.surface, mode)))
    return first


def _parts(case: Case, reference: Any, surface: Any) -> int:
    other = case.python(surface)
    bad = np.flatnonzero(~close(other.xy, reference.xy, case.surface.diagonal))
    return int(bad[0]) if bad.size else case.steps + 1


def run_node(cases: list[Case], surfaces: dict[str, Any]) -> None:
    """Run every case under node; stores each case's ``result`` (xy, loss, status, stopStep or error)."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        entries = ",\n".join(
            f"{json.dumps(key)}: {emit.surface_js(s)}" for key, s in surfaces.items()
        )
        (tmp_path / "surfaces.js").write_text(
            f"module.exports = function (E) {{ return {{\n{entries}\n}}; }};\n", encoding="utf-8"
        )
        (tmp_path / "cases.json").write_text(json.dumps([c.to_json() for c in cases]))
        out = subprocess.run(
            [
                NODE, str(ROOT / "js" / "run_cases.js"), str(emit.JS_DIR / "engine.js"),
                str(tmp_path / "surfaces.js"), str(tmp_path / "cases.json"),
            ],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    _store(cases, json.loads(out.stdout))


# The case runner of tests/js/run_cases.js, inside a page (the browser's JavaScript engine): the page's
# OptvizEngine, a surface built from its emitted source, results as base64 bytes.
IN_PAGE = """([surfaceJs, cases]) => {
  const E = OptvizEngine;
  const s = new Function("E", "return " + surfaceJs)(E);
  const b64 = (a) => { let t = ""; const u = new Uint8Array(a.buffer);
    for (let i = 0; i < u.length; i++) t += String.fromCharCode(u[i]); return btoa(t); };
  return cases.map((c) => {
    const noise = c.noise === null ? null : c.noise.kind === "gaussian"
      ? { kind: "gaussian", sigma: c.noise.sigma, draws: E.float64s(c.noise.draws) }
      : { kind: "minibatch", batchSize: c.noise.batchSize, indices: E.int32s(c.noise.indices) };
    try {
      const r = E.run(s, c.rule, c.params, { start: c.start, steps: c.steps, tol: c.tol,
        escapeRadius: c.escapeRadius, center: c.center, noise,
        normals: c.normals === null ? null : E.float64s(c.normals), schedule: c.schedule });
      return { xy: b64(r.xy), loss: b64(r.loss), status: r.status, stopStep: r.stopStep };
    } catch (err) {
      return { error: String(err) };
    }
  });
}"""


def run_in_page(page: Any, cases: list[Case], surface: Any) -> None:
    """Run cases on one surface in a page's own engine (its ``OptvizEngine``, under the browser's JavaScript);
    stores each case's ``result`` as :func:`run_node` does."""
    _store(cases, page.eval(IN_PAGE, [emit.surface_js(surface), [c.to_json() for c in cases]]))


def _store(cases: list[Case], results: list[dict[str, Any]]) -> None:
    for case, result in zip(cases, results, strict=True):
        if "xy" in result:
            steps = case.steps + 1
            result["xy"] = np.frombuffer(base64.b64decode(result["xy"]), "<f8").reshape(steps, 2)
            result["loss"] = np.frombuffer(base64.b64decode(result["loss"]), "<f8")
        case.result = result


def default_params(rule: str, s: Any) -> dict[str, Any]:
    """The hyperparameters the equality tests give a rule on a surface: the suggested rates, the full step
    for Newton and L-BFGS, a tenth of the view for random search."""
    from optviz.analysis import suggested_adaptive_lr, suggested_lr

    if rule in ("gd", "momentum", "nesterov"):
        return {"lr": suggested_lr(s)}
    if rule in ("adam", "adamw", "rmsprop", "adagrad"):
        return {"lr": suggested_adaptive_lr(s)}
    if rule in ("newton", "lbfgs"):
        return {}  # the full step (lr = 1), as torch's and optviz's defaults
    return {"scale": 0.1 * s.diagonal}


@dataclass
class Verdict:
    exact: bool  # bit for bit
    compared: int  # rows held to 1e-9
    parting: int  # steps + 1 when the whole run is held
    message: str = ""


def check(case: Case) -> Verdict:
    """Compare a case's JavaScript run with optviz.run by the contract (see the module)."""
    if case.verdict is None:
        case.verdict = _check(case)
    return case.verdict


def _check(case: Case) -> Verdict:
    ref = case.reference
    js = case.result
    if "error" in js:
        return Verdict(False, 0, 0, f"node: {js['error']}")
    exact = bool(
        np.array_equal(js["xy"], ref.xy, equal_nan=True)
        and np.array_equal(js["loss"], ref.loss, equal_nan=True)
        and js["status"] == ref.status
        and js["stopStep"] == ref.stop_step
    )
    if exact:
        return Verdict(True, case.steps + 1, case.steps + 1)
    ok = close(js["xy"], ref.xy, case.surface.diagonal)
    same_end = (js["status"], js["stopStep"]) == (ref.status, ref.stop_step)
    if ok.all() and same_end:
        return Verdict(False, case.steps + 1, case.steps + 1)
    # They part somewhere: allowed only after the step where 1-ulp perturbations part Python from itself.
    arithmetic = emit.arithmetic(case.surface)
    parting = case.steps + 1 if arithmetic else parting_step(case, ref)
    n = min(parting, case.steps + 1)
    message = ""
    if not ok[:n].all():
        k = int(np.flatnonzero(~ok[:n])[0])
        message = (
            f"step {k}: js {js['xy'][k].tolist()} python {ref.xy[k].tolist()} (parting {parting})"
        )
    elif parting > case.steps and not same_end:
        message = f"status js {js['status']}@{js['stopStep']} python {ref.status}@{ref.stop_step}"
    return Verdict(False, n, parting, message)
