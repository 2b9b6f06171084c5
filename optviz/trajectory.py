"""Trajectory: what a run produced (positions, losses, gradients, optimizer state), status, meta.

Arrays keep ``steps + 1`` rows whatever happened: after a run stops (converged or diverged) its rows
repeat the last valid iterate, so that runs of different lengths animate in sync. A batch of N runs
has a leading run axis on every array; ``t[i]`` is the i-th run as a single Trajectory.

>>> import optviz as ov
>>> t = ov.run(ov.surface("quadratic", kappa=10), ov.GD(lr=0.1), steps=3)
>>> t
<Trajectory GD (lr=0.1) on quadratic: 3 steps, max_steps, loss 19.25 -> 4.25153>
>>> t.xy.round(4).tolist()
[[-4.0, 1.5], [-3.6, 0.0], [-3.24, 0.0], [-2.916, 0.0]]
>>> t.update_vectors(0)["step"].tolist()
[0.4, -1.5]
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from optviz._io import write_atomic

STATUSES = ("max_steps", "converged", "diverged", "singular")  # singular: Newton could not step
_PAIRS = frozenset({"betas"})  # hyperparameters whose value is a pair, not a per-run list
_FORMAT = "optviz.Trajectory/1"


@dataclass(frozen=True, eq=False)
class Trajectory:
    """The result of :func:`optviz.run`.

    Attributes
    ----------
    xy : ndarray, (steps+1, 2) or (N, steps+1, 2)
        The iterates (for Nesterov: torch's stored, look-ahead iterate; see ``state["position"]``).
    loss : ndarray, (steps+1,) or (N, steps+1)
        The exact full loss at each iterate (also under gradient noise).
    grad : ndarray, like ``xy``
        The gradient the rule was fed at each iterate (the noisy one under noise; before weight
        decay).
    state : dict of str -> ndarray
        The optimizer's state history, with a (steps+1) axis after the run axis: index k is the
        state after k updates. Momentum: ``momentum_buffer``; Nesterov: ``momentum_buffer``,
        ``position`` (the actual point x = p + lr rho b); Adam: ``exp_avg``, ``exp_avg_sq`` (+
        ``max_exp_avg_sq`` with amsgrad); RMSProp: ``square_avg`` (+ ``momentum_buffer``,
        ``grad_avg``); AdaGrad: ``sum``; random search: ``sample``, ``sample_loss``.
        Newton: ``hessian``, ``eigenvalues``, ``indefinite``, ``singular``; L-BFGS: ``func_evals``,
        ``n_iter``, ``inner_xy``, ``eval_xy``. Under a schedule also ``lr`` (and ``rho``, ``beta1`` or
        ``momentum`` under OneCycleLR).
    status : str or ndarray of str
        ``"max_steps"``, ``"converged"``, ``"diverged"`` or ``"singular"`` (Newton at a singular
        Hessian), one per run in a batch.
    stop_step : int or ndarray of int
        Index of the last valid iterate; rows after it repeat it.
    meta : dict
        JSON-able: surface, surface_params, rule, hyperparams, seed (an int, or one per run), noise,
        label, steps, tol, escape_radius, center (of the escape disc), optviz (version).
    """

    xy: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    state: dict[str, np.ndarray] = field(default_factory=dict)
    status: Any = "max_steps"
    stop_step: Any = 0
    meta: dict[str, Any] = field(default_factory=dict)

    # -- shape -------------------------------------------------------------------------------------
    @property
    def batched(self) -> bool:
        """True for a batch of runs (arrays with a leading run axis)."""
        return self.xy.ndim == 3

    @property
    def n_runs(self) -> int:
        return self.xy.shape[0] if self.batched else 1

    @property
    def steps(self) -> int:
        """The number of update steps the arrays cover (``steps + 1`` rows)."""
        return self.xy.shape[-2] - 1

    def __len__(self) -> int:
        return self.n_runs

    def __iter__(self) -> Iterator[Trajectory]:
        for i in range(self.n_runs):
            yield self[i]

    def __getitem__(self, i: int) -> Trajectory:
        """The i-th run of a batch as a single Trajectory (a single run is its own run 0)."""
        i = int(i)
        if not -self.n_runs <= i < self.n_runs:
            raise IndexError(f"run index {i} out of range for {self.n_runs} runs")
        if not self.batched:
            return self
        i %= self.n_runs
        meta = dict(self.meta)
        n = self.n_runs
        if isinstance(meta.get("seed"), list) and len(meta["seed"]) == n:
            meta["seed"] = meta["seed"][i]
        meta["hyperparams"] = {
            k: _pick(k, v, i) for k, v in dict(self.meta.get("hyperparams", {})).items()
        }
        return Trajectory(
            xy=self.xy[i],
            loss=self.loss[i],
            grad=self.grad[i],
            state={k: v[i] for k, v in self.state.items()},
            status=str(self.status[i]),
            stop_step=int(self.stop_step[i]),
            meta=meta,
        )

    # -- descriptions ------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        """Display label: the rule's, "SGD" / "SGD+Momentum" under noise, or run()'s ``label``."""
        return str(self.meta.get("label", ""))

    @property
    def rule(self) -> str:
        """The rule's name (``"momentum"``): the key of ``optviz.style.RULE_COLORS``."""
        return str(self.meta.get("rule", ""))

    @property
    def optimizer(self) -> Any:
        """The update rule, rebuilt from the meta (per-run hyperparameters come back as arrays)."""
        from optviz.optimizers import rule

        return rule(self.rule, **_rule_args(self.meta.get("hyperparams", {})))

    @property
    def legend(self) -> str:
        """``"SGD+Momentum (lr=0.02, ρ=0.9)"``: the label with the rule's hyperparameters, as figures write it."""
        from optviz._format import legend

        hyper = self.meta.get("hyperparams", {})
        return legend(self.label, {k: _tuple(v) for k, v in hyper.items()})

    # -- derived arrays ----------------------------------------------------------------------------
    @property
    def final(self) -> np.ndarray:
        """The last valid iterate: (2,) or (N, 2)."""
        if self.batched:
            return self.xy[np.arange(self.n_runs), np.asarray(self.stop_step)]
        return self.xy[int(self.stop_step)]

    @property
    def final_loss(self) -> Any:
        """The loss at the last valid iterate: a float or (N,)."""
        if self.batched:
            return self.loss[np.arange(self.n_runs), np.asarray(self.stop_step)]
        return float(self.loss[int(self.stop_step)])

    # -- schedules and second-order rules ----------------------------------------------------------
    @property
    def lr(self) -> np.ndarray | None:
        """The lr of each step: ``lr[k]`` is the lr step k used (row ``steps``: the next one's), shape
        like ``loss``. Under a schedule, torch's ``param_groups[0]["lr"]`` after k ``scheduler.step()``
        calls; otherwise the rule's constant lr. None for a rule without an lr (random search)."""
        if "lr" in self.state:
            return self.state["lr"]
        lr = self.meta.get("hyperparams", {}).get("lr")
        if lr is None:
            return None
        column = np.asarray(lr, dtype=float).reshape(-1, 1) if self.batched else float(lr)
        out = np.broadcast_to(column, self.loss.shape)
        return out

    @property
    def schedule(self) -> Any:
        """The lr schedule the run followed (a ``optviz.schedules.Schedule``), or None."""
        spec = self.meta.get("schedule")
        if spec is None:
            return None
        from optviz.schedules import schedule_from_dict

        return schedule_from_dict(spec)

    @property
    def evaluations(self) -> np.ndarray:
        """Loss-and-gradient evaluations each step made: shape (steps,) or (N, steps); 0 after the run
        stopped. L-BFGS: torch's closure calls in that ``step(closure)``; every other rule: 1 (Newton
        also evaluates one Hessian per step)."""
        taken = np.arange(self.steps) < np.asarray(self.stop_step)[..., None]
        if "func_evals" in self.state:
            counts = np.diff(self.state["func_evals"], axis=-1)
            return np.where(taken, counts, 0).astype(np.int64)
        return taken.astype(np.int64)

    @property
    def indefinite(self) -> np.ndarray | None:
        """Newton: where ``H + damping I`` at the iterate has eigenvalues of both signs (the step then
        heads for a saddle), shape like ``loss``. None for rules that use no Hessian."""
        if "indefinite" not in self.state:
            return None
        return self.state["indefinite"].astype(bool)

    @property
    def step_vectors(self) -> np.ndarray:
        """``xy[k+1] - xy[k]``: (steps, 2) or (N, steps, 2); zero after the run stopped."""
        return np.diff(self.xy, axis=-2)

    def update_vectors(self, step: int) -> dict[str, np.ndarray]:
        """The vectors of the update ``step -> step + 1`` for diagrams (design.md section 2).

        Every rule gives ``point`` and ``step``. Momentum: ``velocity = -lr rho b`` and ``gradient =
        -lr g`` with ``step == velocity + gradient``. Nesterov (the look-ahead picture): ``point``
        is the actual point x, ``velocity`` leads from it to the ``lookahead`` p, ``gradient = -lr
        g(p)`` starts at p, and ``step = x[t+1] - x[t] == velocity + gradient``. Runs that have
        already stopped get zero vectors.
        """
        if not 0 <= step < self.steps:
            raise IndexError(f"step must be in [0, {self.steps}), got {step}")
        from optviz.scheduled import rule_at_step  # the step's own lr under a schedule

        vectors = rule_at_step(self.optimizer, self, step).update_vectors(self, step)
        frozen = np.asarray(self.stop_step) <= step
        if np.any(frozen):
            # Points are already frozen in the arrays; the arrows of a stopped run are zero.
            for key, value in vectors.items():
                if key not in ("point", "lookahead", "sample"):
                    vectors[key] = np.where(frozen[..., None], 0.0, value)
        return vectors

    # -- persistence -------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write a ``.npz`` file (no pickle; the meta as JSON), atomically and byte-reproducibly.

        The file is written at ``path`` exactly as given (no suffix is added).
        """
        arrays: dict[str, np.ndarray] = {
            "format": np.array(_FORMAT),
            "meta": np.array(json.dumps(self.meta, sort_keys=True, allow_nan=False)),
            "xy": np.asarray(self.xy),
            "loss": np.asarray(self.loss),
            "grad": np.asarray(self.grad),
            "status": np.asarray(self.status, dtype=str),
            "stop_step": np.asarray(self.stop_step, dtype=np.int64),
        }
        for name, value in self.state.items():
            arrays[f"state.{name}"] = np.asarray(value)
        return write_atomic(path, lambda handle: _write_npz(handle, arrays))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Trajectory:
        """Read a file written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as data:
            if "format" not in data or str(data["format"]) != _FORMAT:
                raise ValueError(f"{path}: not an optviz trajectory file")
            status = data["status"]
            stop = data["stop_step"]
            batched = data["xy"].ndim == 3
            return cls(
                xy=_readonly(data["xy"]),
                loss=_readonly(data["loss"]),
                grad=_readonly(data["grad"]),
                state={k[6:]: _readonly(data[k]) for k in data.files if k.startswith("state.")},
                status=_readonly(status) if batched else str(status),
                stop_step=_readonly(stop) if batched else int(stop),
                meta=json.loads(str(data["meta"])),
            )

    def __repr__(self) -> str:
        where = f" on {self.meta['surface']}" if self.meta.get("surface") else ""
        if not self.batched:
            status = str(self.status)
            # A diverged run's bad iterate is the one after its stop step: figures say the same step.
            stop = int(self.stop_step)
            at = {
                "max_steps": "",
                "converged": f" at step {stop}",
                "singular": f" at step {stop}",
            }.get(status, f" at step {stop + 1}")
            return (
                f"<Trajectory {self.legend}{where}: {self.steps} steps, {status}{at}, "
                f"loss {self.loss[0]:.6g} -> {self.loss[int(self.stop_step)]:.6g}>"
            )
        names, counts = np.unique(np.asarray(self.status), return_counts=True)
        summary = ", ".join(f"{c} {n}" for n, c in zip(names, counts, strict=True))
        return (
            f"<Trajectory {self.n_runs} runs of {self.label}{where}: {self.steps} steps; {summary}>"
        )


def _pick(key: str, value: Any, i: int) -> Any:
    """The i-th run's value of a hyperparameter: per-run values are lists in the meta (a pair such
    as ``betas`` holds a list or a scalar in each slot)."""
    if key in _PAIRS and isinstance(value, (list, tuple)):
        return [v[i] if isinstance(v, list) else v for v in value]
    return value[i] if isinstance(value, list) else value


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) and len(value) <= 3 else value


def _rule_args(hyper: dict[str, Any]) -> dict[str, Any]:
    # JSON turns the pair betas=(0.9, 0.999) into a list; the rules take either.
    return dict(hyper)


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr = np.asarray(arr)
    arr.setflags(write=False)
    return arr


def _write_npz(handle: Any, arrays: dict[str, np.ndarray]) -> None:
    """``numpy.savez`` with fixed zip timestamps, so the same trajectory gives the same bytes."""
    with zipfile.ZipFile(handle, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, value in arrays.items():
            buffer = io.BytesIO()
            # (np.ascontiguousarray would turn 0-d arrays into 1-d ones)
            value = value if value.flags.c_contiguous else value.copy(order="C")
            np.lib.format.write_array(buffer, value, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, buffer.getvalue())


__all__ = ["STATUSES", "Trajectory"]
