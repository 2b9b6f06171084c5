"""Trajectory: what a run produced (positions, losses, gradients, optimizer state), its status, and the
objects it was run with (the frozen update rule and noise model, the seed, the label).

Arrays keep ``steps + 1`` rows whatever happened: after a run stops (converged or diverged) its rows
repeat the last valid iterate, so that runs of different lengths animate in sync. A batch of N runs
has a leading run axis on every array; ``t[i]`` is the i-th run as a single Trajectory.

The rule and the noise travel as the objects themselves (``t.optimizer``, ``t.noise``); they are
written as JSON only by :meth:`Trajectory.save` (``t.meta`` shows that record).

>>> import optviz as ov
>>> t = ov.run(ov.surface("quadratic", kappa=10), ov.GD(lr=0.1), steps=3)
>>> t
<Trajectory GD (lr=0.1) on quadratic: 3 steps, max_steps, loss 19.25 -> 4.25153>
>>> t.optimizer, t.noise, t.seed
(GD(lr=0.1), None, 0)
>>> t.xy.round(4).tolist()
[[-4.0, 1.5], [-3.6, 0.0], [-3.24, 0.0], [-2.916, 0.0]]
>>> t.update_vectors(0)["step"].tolist()
[0.4, -1.5]
"""

from __future__ import annotations

import io
import json
import math
import os
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from optviz._format import legend
from optviz._io import write_atomic
from optviz._version import __version__
from optviz.noise import Noise, noise_from_dict
from optviz.optimizers import Optimizer, RecordedRule, rule, rule_names
from optviz.scheduled import rule_at_step
from optviz.schedules import Schedule, schedule_from_dict

STATUSES = ("max_steps", "converged", "diverged", "singular")  # singular: Newton could not step
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
    optimizer : Optimizer
        The frozen update rule that ran (a batch's per-run hyperparameters as (N, 1) arrays).
    noise : GaussianNoise, Minibatch or None
        The gradient noise model ("SGD"), or None for exact gradients.
    schedule : Schedule or None
        The learning-rate schedule the rule followed (``optviz.CosineAnnealingLR(...)``); ``lr`` gives
        each step's lr.
    seed : int or tuple of int
        The noise's seed (one per run for a batch run with a sequence of seeds).
    label : str
        The display label: the rule's, "SGD" / "SGD+Momentum" under noise, or run()'s ``label``
        (``custom_label`` is then True, and legends show it as written).
    surface_name, surface_params : str, dict
        The surface the run was made on, by name and JSON-able parameters.
    tol, escape_radius, center : the run's stopping settings; ``version``: optviz's.
    """

    xy: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    state: dict[str, np.ndarray] = field(default_factory=dict)
    status: Any = "max_steps"
    stop_step: Any = 0
    optimizer: Optimizer | None = None
    noise: Noise | None = None
    schedule: Schedule | None = None
    seed: int | tuple[int, ...] = 0
    label: str = ""
    custom_label: bool = False
    surface_name: str = ""
    surface_params: dict[str, Any] = field(default_factory=dict)
    tol: float | None = None
    escape_radius: float | None = None
    center: tuple[float, float] | None = None
    version: str = __version__

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
        optimizer = self.optimizer
        if optimizer is not None and optimizer.n_values() is not None:
            optimizer = optimizer.select(i)
        seed = self.seed[i] if isinstance(self.seed, tuple) else self.seed
        return Trajectory(
            xy=self.xy[i],
            loss=self.loss[i],
            grad=self.grad[i],
            state={k: v[i] for k, v in self.state.items()},
            status=str(self.status[i]),
            stop_step=int(self.stop_step[i]),
            optimizer=optimizer,
            noise=self.noise,
            schedule=self.schedule,
            seed=seed,
            label=self.label,
            custom_label=self.custom_label,
            surface_name=self.surface_name,
            surface_params=self.surface_params,
            tol=self.tol,
            escape_radius=self.escape_radius,
            center=self.center,
            version=self.version,
        )

    # -- descriptions ------------------------------------------------------------------------------
    @property
    def rule(self) -> str:
        """The rule's name (``"momentum"``): the key of ``optviz.style.RULE_COLORS``."""
        return self.optimizer.name if self.optimizer is not None else ""

    @property
    def hyperparams(self) -> dict[str, Any]:
        """The rule's key hyperparameters (``Optimizer.hyperparams``): what legends show."""
        return self.optimizer.hyperparams if self.optimizer is not None else {}

    @property
    def legend(self) -> str:
        """``"SGD+Momentum (lr=0.02, ρ=0.9)"``: the label with the rule's hyperparameters, as figures
        write it (a label given to ``optviz.run`` is shown as written). A scheduled run says so:
        ``"Momentum (lr=0.1, ρ=0.9), cosine (T_max=200)"``, and leaves out what the schedule sets itself
        (OneCycleLR's lr and momentum)."""
        return self.legend_text()

    def legend_text(
        self, *, hyperparams: bool = True, skip: Sequence[str] = (), schedule: bool = True
    ) -> str:
        """:attr:`legend` with options: ``hyperparams=False`` names the rule (and the schedule) alone; ``skip``
        leaves some hyperparameters out (the one a figure sweeps); ``schedule=False`` leaves the schedule out
        (a figure that names it elsewhere)."""
        text = None
        if self.schedule is not None and schedule:
            if self.optimizer is not None:
                skip = [*skip, *self.schedule.sets(self.optimizer)]
            text = self.schedule.legend if hyperparams else self.schedule.short
        return legend(
            self.label, self.hyperparams, custom=self.custom_label, show=hyperparams, skip=skip,
            schedule=text,
        )  # fmt: skip

    @property
    def meta(self) -> dict[str, Any]:
        """The run's settings as JSON-able data: what :meth:`save` writes (surface, surface_params,
        rule, hyperparams, seed, noise, schedule, label, custom_label, steps, tol, escape_radius, center,
        optviz)."""
        return {
            "surface": self.surface_name,
            "surface_params": _jsonable(self.surface_params),
            "rule": self.rule,
            "hyperparams": _jsonable(self.hyperparams),
            "seed": list(self.seed) if isinstance(self.seed, tuple) else self.seed,
            "noise": None if self.noise is None else self.noise.describe(),
            "schedule": None if self.schedule is None else self.schedule.describe(),
            "label": self.label,
            "custom_label": self.custom_label,
            "steps": self.steps,
            "tol": self.tol,
            "escape_radius": self.escape_radius,
            "center": None if self.center is None else list(self.center),
            "optviz": self.version,
        }

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
        # every hyperparameter, not only the legend's (Newton and L-BFGS leave their default lr of 1 out)
        lr = self.optimizer.params.get("lr") if self.optimizer is not None else None
        if lr is None:
            return None
        column = np.asarray(lr, dtype=float).reshape(-1, 1) if self.batched else float(lr)
        return np.broadcast_to(column, self.loss.shape)

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
    def path(self) -> np.ndarray:
        """The points figures draw, shaped like ``xy``: the iterates, except for Nesterov, whose drawn sequence is
        the actual points x (``state["position"]``, the lecture's iterates), so that the path, the update
        diagram and the animation show one sequence (``xy`` holds torch's stored look-ahead iterate).

        >>> import optviz as ov
        >>> t = ov.run("quadratic", ov.Nesterov(lr=0.05), steps=3)
        >>> bool((t.path == t.state["position"]).all()), bool((t.path[1:] == t.xy[1:]).all())
        (True, False)
        """
        if self.optimizer is None:
            return self.xy
        return self.optimizer.path(self.xy, self.state)

    @property
    def step_vectors(self) -> np.ndarray:
        """``xy[k+1] - xy[k]``: (steps, 2) or (N, steps, 2); zero after the run stopped."""
        return np.diff(self.xy, axis=-2)

    def made_on(self, surface: Any) -> bool:
        """Whether this run was made on ``surface``: the same name (or class, for a surface built by hand)
        and the same parameters. A figure refuses to draw a run on another surface than its own.

        >>> import optviz as ov
        >>> t = ov.run(ov.surface("quadratic", kappa=10), ov.GD(lr=0.1), steps=2)
        >>> t.made_on(ov.surface("quadratic", kappa=10)), t.made_on(ov.surface("quadratic", kappa=20))
        (True, False)
        """
        name = getattr(surface, "name", "") or type(surface).__name__
        if self.surface_name and name != self.surface_name:
            return False

        def key(params: Any) -> str:  # (a formula's spaces do not count)
            text = json.dumps(_jsonable(params), sort_keys=True, allow_nan=False)
            return "".join(text.split())

        try:
            return key(self.surface_params) == key(getattr(surface, "params", {}))
        except (TypeError, ValueError):  # parameters JSON cannot hold: nothing to compare by
            return True

    def update_vectors(self, step: int) -> dict[str, np.ndarray]:
        """The vectors of the update ``step -> step + 1`` for diagrams, in parameter units.

        Every rule gives ``point`` and ``step``. Momentum: ``velocity = -lr rho b`` and ``gradient =
        -lr g`` with ``step == velocity + gradient``. Nesterov (the look-ahead picture): ``point``
        is the actual point x, ``velocity`` leads from it to the ``lookahead`` p, ``gradient = -lr
        g(p)`` starts at p, and ``step = x[t+1] - x[t] == velocity + gradient``. Runs that have
        already stopped get zero vectors.
        """
        if not 0 <= step < self.steps:
            raise IndexError(f"step must be in [0, {self.steps}), got {step}")
        if self.optimizer is None:
            raise ValueError("this trajectory records no update rule")
        # Under a schedule, the step's arrows use the lr (and momentum) that step ran with.
        rule = rule_at_step(self.optimizer, self.state, step)
        vectors = rule.update_vectors(step, self.xy, self.grad, self.state)
        frozen = np.asarray(self.stop_step) <= step
        if np.any(frozen):
            # Points are already frozen in the arrays; the arrows of a stopped run are zero.
            for key, value in vectors.items():
                if key not in ("point", "lookahead", "sample"):
                    vectors[key] = np.where(frozen[..., None], 0.0, value)
        return vectors

    # -- persistence -------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write a ``.npz`` file (no pickle; the run's settings as JSON, :attr:`meta`), atomically and
        byte-reproducibly.

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
        """Read a file written by :meth:`save`; the rule and noise come back as objects.

        A rule that is not registered by name (an adapter from ``optviz.interop``) comes back as a
        :class:`~optviz.optimizers.RecordedRule`: its name, label and hyperparameters, for legends.

        Raises ``FileNotFoundError`` for a missing file, and ``ValueError`` ``"PATH: not an optviz trajectory
        file (...)"`` saying what is wrong for anything else: an empty, truncated or ``.npy`` file, a missing
        array, arrays whose shapes disagree, or arrays larger than
        :data:`optviz.limits.MAX_HISTORY_BYTES` (their sizes are read from the headers before anything is
        allocated).
        """
        arrays = _read_npz(Path(path))
        try:
            status, stop = arrays["status"], arrays["stop_step"]
            batched = arrays["xy"].ndim == 3
            meta = json.loads(str(arrays["meta"]))
            if not isinstance(meta, dict):
                raise ValueError("meta is not a JSON object")
            return cls(
                xy=_readonly(arrays["xy"]),
                loss=_readonly(arrays["loss"]),
                grad=_readonly(arrays["grad"]),
                state={k[6:]: _readonly(v) for k, v in arrays.items() if k.startswith("state.")},
                status=_readonly(status) if batched else str(status),
                stop_step=_readonly(stop) if batched else int(stop),
                **_settings(meta),
            )
        except (ValueError, TypeError, KeyError, AttributeError) as err:
            raise _not_ours(path, f"its settings cannot be read: {err}") from None

    def __repr__(self) -> str:
        where = f" on {self.surface_name}" if self.surface_name else ""
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


def _settings(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The constructor's keyword arguments for the settings a saved :attr:`Trajectory.meta` records."""
    name, hyper = str(meta.get("rule", "")), dict(meta.get("hyperparams", {}))
    if name in rule_names():
        optimizer: Optimizer | None = rule(name, **hyper)
    else:
        optimizer = RecordedRule(recorded=name, title=str(meta.get("label", name)), values=hyper)
    seed = meta.get("seed", 0)
    center = meta.get("center")
    return {
        "optimizer": optimizer,
        "noise": noise_from_dict(meta.get("noise")),
        "schedule": None if meta.get("schedule") is None else schedule_from_dict(meta["schedule"]),
        "seed": tuple(seed) if isinstance(seed, list) else seed,
        "label": str(meta.get("label", "")),
        "custom_label": bool(meta.get("custom_label", False)),
        "surface_name": str(meta.get("surface", "")),
        "surface_params": dict(meta.get("surface_params", {})),
        "tol": meta.get("tol"),
        "escape_radius": meta.get("escape_radius"),
        "center": None if center is None else tuple(center),
        "version": str(meta.get("optviz", "")),
    }


def _jsonable(value: Any) -> Any:
    """Plain JSON data: arrays and tuples as lists, numpy scalars as Python numbers."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


_HEADERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}
_REQUIRED = ("format", "meta", "xy", "loss", "grad", "status", "stop_step")


def _not_ours(path: Any, why: str) -> ValueError:
    return ValueError(f"{path}: not an optviz trajectory file ({why})")


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    """The arrays of a trajectory file, each checked from its header before it is read."""
    from optviz import limits

    if not path.is_file():
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file")
        raise _not_ours(path, "not a regular file")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        size = path.stat().st_size
        why = (
            "an empty file"
            if size == 0
            else "not a .npz archive: truncated, or a .npy or other file"
        )
        raise _not_ours(path, why) from None
    with archive:
        names = {
            info.filename[:-4]: info
            for info in archive.infolist()
            if info.filename.endswith(".npy")
        }
        missing = [key for key in _REQUIRED if key not in names]
        if missing:
            raise _not_ours(path, f"no {', '.join(repr(m) for m in missing)} array")
        headers, total = {}, 0
        for key, info in names.items():
            if key not in _REQUIRED and not key.startswith("state."):
                continue
            try:
                with archive.open(info) as member:
                    version = np.lib.format.read_magic(member)
                    read_header = _HEADERS.get(version)
                    if read_header is None:
                        raise ValueError(f"unknown .npy version {version}")
                    shape, _, dtype = read_header(member)
            except (ValueError, OSError, zipfile.BadZipFile, EOFError) as err:
                raise _not_ours(path, f"array {key!r} has no valid header ({err})") from None
            if dtype.hasobject:
                raise _not_ours(path, f"array {key!r} holds Python objects")
            headers[key] = shape
            total += math.prod(shape) * dtype.itemsize
        if total > limits.MAX_HISTORY_BYTES:
            raise _not_ours(
                path,
                f"its arrays would take {total / 1024**3:.3g} GiB; the limit is "
                f"{limits.MAX_HISTORY_BYTES / 1024**3:g} GiB",
            )
        _check_shapes(path, headers)
        out = {}
        for key in headers:
            try:
                with archive.open(names[key]) as member:
                    out[key] = np.lib.format.read_array(member, allow_pickle=False)
            except (ValueError, OSError, zipfile.BadZipFile, EOFError, zlib.error) as err:
                raise _not_ours(path, f"array {key!r} cannot be read: {err}") from None
    if str(out["format"]) != _FORMAT:
        raise _not_ours(path, f"its format is {str(out['format'])[:40]!r}, not {_FORMAT!r}")
    stop, steps = np.asarray(out["stop_step"]), headers["xy"][-2] - 1
    if stop.size and (stop.min() < 0 or stop.max() > steps):
        raise _not_ours(path, f"stop_step outside 0..{steps}")
    return out


def _check_shapes(path: Path, shapes: dict[str, tuple[int, ...]]) -> None:
    """The arrays agree: xy (steps+1, 2) or (N, steps+1, 2), loss without the last axis, grad like xy, one
    status and stop step per run, state histories with the same leading axes."""
    xy = shapes["xy"]
    if len(xy) not in (2, 3) or xy[-1] != 2 or xy[-2] < 1:
        raise _not_ours(path, f"xy has shape {xy}, not (steps + 1, 2) or (runs, steps + 1, 2)")
    lead = xy[:-1]
    runs = xy[:1] if len(xy) == 3 else ()
    wanted = {"loss": lead, "grad": xy, "status": runs, "stop_step": runs, "format": (), "meta": ()}
    for key, shape in wanted.items():
        if shapes[key] != shape:
            raise _not_ours(path, f"{key} has shape {shapes[key]}; xy's {xy} needs {shape}")
    for key, shape in shapes.items():
        if key.startswith("state.") and shape[: len(lead)] != lead:
            raise _not_ours(
                path, f"{key} has shape {shape}; xy's {xy} needs it to start with {lead}"
            )


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
