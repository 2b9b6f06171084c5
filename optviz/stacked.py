"""Several update rules stepped side by side as one batch: run i of the batch is rule i.

``optviz.run(surface, Stacked(rules), start=[start] * len(rules), ...)`` runs them all in the engine's one
vectorized loop: one evaluation of the surface, one draw of the noise and one record per step for all of them,
instead of one per rule, which halves the time of a few short runs (the explorer re-runs its rules on every
slider move). Each rule steps on its own row exactly as in a run of its own, so run i equals
``optviz.run(surface, rules[i], ...)`` bit for bit (``tests/test_stacked.py``); the rules' state histories are
not recorded.

>>> import optviz as ov
>>> rules = (ov.GD(lr=0.05), ov.Adam(lr=0.1))
>>> q = ov.surface("quadratic")
>>> t = ov.run(q, Stacked(rules), start=[q.start, q.start], steps=30)
>>> bool((t[1].xy == ov.run(q, rules[1], steps=30).xy).all()), t[1].optimizer
(True, Adam(lr=0.1))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from optviz._validate import ParameterError
from optviz.optimizers import Optimizer


class StackedState(NamedTuple):
    """One state per run, as an object array (so that the engine can keep the runs still going)."""

    members: np.ndarray


@dataclass(frozen=True, eq=False)
class Stacked(Optimizer):
    """The rules ``rules`` (gradient rules with scalar hyperparameters), run i stepped by ``rules[i]``."""

    rules: tuple[Optimizer, ...]

    name: ClassVar[str] = "stacked"
    label: ClassVar[str] = "Stacked rules"

    def __post_init__(self) -> None:
        rules = tuple(self.rules)
        if not rules or not all(isinstance(r, Optimizer) for r in rules):
            raise ParameterError("rules", f"must be one or more update rules, got {self.rules!r}")
        for r in rules:
            if not r.uses_gradient or r.random or r.n_values() is not None:
                raise ParameterError(
                    "rules", f"{r!r}: only gradient rules with one value per hyperparameter stack"
                )
            if r.uses_surface:  # Newton's Hessian, L-BFGS's closure: bound to the surface, per run
                raise ParameterError(
                    "rules",
                    f"{r!r} evaluates the surface itself and does not stack: run it on its own",
                )
        object.__setattr__(self, "rules", rules)

    # -- the engine's interface ----------------------------------------------------------------------
    def start(self, xy: np.ndarray, loss: np.ndarray) -> StackedState:
        members = np.empty(len(self.rules), dtype=object)
        for i, rule in enumerate(self.rules):
            members[i] = rule.start(xy[i : i + 1], loss[i : i + 1])
        return StackedState(members)

    def step(
        self,
        grad: np.ndarray,
        state: StackedState,
        xy: np.ndarray,
        value: Any,
        z: np.ndarray | None,
    ) -> tuple[np.ndarray, StackedState]:
        new = np.empty_like(xy)
        members = np.empty(len(self.rules), dtype=object)
        for i, rule in enumerate(self.rules):
            x, members[i] = rule.step(grad[i : i + 1], state.members[i], xy[i : i + 1], value, None)
            new[i : i + 1] = x
        return new, StackedState(members)

    # -- one rule per run --------------------------------------------------------------------------------
    def n_values(self) -> int | None:
        return len(self.rules)

    def take(self, index: np.ndarray) -> Stacked:
        return Stacked(tuple(self.rules[int(i)] for i in np.asarray(index).reshape(-1)))

    def select(self, i: int) -> Optimizer:
        return self.rules[i]

    @property
    def params(self) -> dict[str, Any]:
        return {"rules": [{"rule": r.name, **r.params} for r in self.rules]}

    @property
    def hyperparams(self) -> dict[str, Any]:
        return self.params

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Stacked) and self.rules == other.rules

    def __hash__(self) -> int:
        return hash(("stacked", self.rules))

    def __repr__(self) -> str:
        return f"Stacked({list(self.rules)!r})"
