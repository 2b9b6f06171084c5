"""Several update rules stepped side by side as one batch: run i of the batch is rule i.

``optviz.run(surface, Stacked(rules), start=[start] * len(rules), ...)`` runs them all in the engine's one
vectorized loop: one evaluation of the surface, one draw of the noise and one record per step for all of them,
instead of one per rule (the explorer re-runs its rules on every slider move). Each rule steps on its own row
exactly as in a run of its own, so run i equals ``optviz.run(surface, rules[i], ...)`` bit for bit
(``tests/test_stacked.py``); the rules' state histories are not recorded.

A step of a rule on a one-row array costs a dozen numpy calls on two numbers, and numpy's fixed cost per call
is what a step costs. The built-in rules whose update acts coordinate by coordinate (coordinate j of the new
point and state depends only on coordinate j of the gradient, state and point: GD, Momentum, Nesterov, Adam,
AdamW (its decoupled decay scales each coordinate alike), RMSProp, AdaGrad) are therefore stepped one coordinate
at a time, on Python floats, by their own ``step``: the same formulas, and the same bits, since IEEE arithmetic
(``+ - * /`` and ``sqrt``) rounds a float as it rounds each element of an array. That makes a step about
twice as cheap. Such a rule under a learning-rate schedule (``optviz.scheduled``) steps the same way, by its
rule of step k (``Scheduled.rule_at(k)``: one lr for both coordinates). Any other rule steps on its one-row
array. When every rule has a float kernel (``optviz.kernels``: the listed rules, not scheduled), the engine
steps the batch by those kernels instead (:meth:`Stacked.kernels`), three to four times cheaper again; this
``step`` is for batches with a scheduled rule or a rule of the user's own.

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
from optviz.optimizers import GD, AdaGrad, Adam, AdamW, Momentum, Nesterov, Optimizer, RMSProp
from optviz.scheduled import Scheduled

# Rules stepped coordinate by coordinate on floats, by exact type: a subclass may change the update, so it
# joins only once it is listed (and tests/test_stacked.py then holds it equal to its own runs). Their updates
# divide only by numpy results (np.sqrt(...) + eps), so no float division by zero can raise. Each steps by the
# base class's ``step`` (its ``update``).
COORDINATEWISE: frozenset[type[Optimizer]] = frozenset(
    {GD, Momentum, Nesterov, Adam, AdamW, RMSProp, AdaGrad}
)


class StackedState(NamedTuple):
    """One state per run, as an object array (so that the engine can keep the runs still going): the rule's
    own state, or for a rule stepped coordinate by coordinate a pair (its state at x, its state at y) whose
    array fields hold floats."""

    members: np.ndarray


def _coordinate(state: Any, j: int) -> Any:
    """The state of coordinate ``j`` of a one-row state: each (1, 2) array field replaced by its float."""
    return type(state)(
        *(float(v[0, j]) if isinstance(v, np.ndarray) and v.shape == (1, 2) else v for v in state)
    )


def _coordinatewise(rule: Optimizer) -> bool:
    """Whether ``rule`` steps coordinate by coordinate: a listed rule, alone or under a schedule."""
    if isinstance(rule, Scheduled):
        rule = rule.rule
    return type(rule) in COORDINATEWISE


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
        # Which rules step coordinate by coordinate (derived from the rules: not a field), and their updates
        # (the listed rules step by ``Optimizer.step``, which is their ``update``: called directly); a
        # scheduled one (None here) by the update of its rule of the step.
        self._split: tuple[bool, ...]
        object.__setattr__(self, "_split", tuple(_coordinatewise(r) for r in rules))
        updates = tuple(None if isinstance(r, Scheduled) else r.update for r in rules)
        object.__setattr__(self, "_updates", updates)

    # -- the engine's interface ----------------------------------------------------------------------
    def start(self, xy: np.ndarray, loss: np.ndarray) -> StackedState:
        members = np.empty(len(self.rules), dtype=object)
        for i, rule in enumerate(self.rules):
            if self._split[i] and isinstance(rule, Scheduled):  # the state of the rule it schedules
                rule = rule.rule_at(0)
            state = rule.start(xy[i : i + 1], loss[i : i + 1])
            members[i] = (_coordinate(state, 0), _coordinate(state, 1)) if self._split[i] else state
        return StackedState(members)

    def step(
        self,
        grad: np.ndarray,
        state: StackedState,
        xy: np.ndarray,
        value: Any,
        z: np.ndarray | None,
    ) -> tuple[np.ndarray, StackedState]:
        g, p = grad.tolist(), xy.tolist()
        old = state.members
        members = np.empty(len(self.rules), dtype=object)
        rows: list[Any] = []
        for i, rule in enumerate(self.rules):
            if self._split[i]:
                sx, sy = old[i]
                update = self._updates[i] or rule.rule_at(sx.step).update  # type: ignore[attr-defined]
                x, sx = update(g[i][0], sx, p[i][0])
                y, sy = update(g[i][1], sy, p[i][1])
                rows.append((x, y))
                members[i] = (sx, sy)
            else:
                new, members[i] = rule.step(grad[i : i + 1], old[i], xy[i : i + 1], value, None)
                rows.append(new[0])
        return np.array(rows, dtype=float), StackedState(members)

    def kernels(self, n: int) -> list[Any] | None:
        """Each rule's float kernel (``optviz.kernels``), whatever the number of rules (they step run by run
        anyway); None if one has none (a scheduled rule, a rule of the user's own): then :meth:`step`."""
        from optviz.kernels import kernel

        each = [kernel(r) for r in self.rules]
        return None if any(k is None for k in each) else each

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
