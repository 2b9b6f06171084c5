"""What every drawing function shares, public for figure kinds, the explorer and your own plots.

- :func:`get_ax`: matplotlib's ``ax=None`` convention (the current axes);
- :func:`run_label`: a run's legend text, the one formatter figures and ``Trajectory.legend`` use;
  :func:`run_labels`: the texts of several runs drawn together, told apart where only their noise differs;
- :func:`run_colors`: each rule's fixed colour, and shades of it for a second run of one rule;
- :func:`ended_early`: how a diverged (or singular) run is marked;
- :func:`per_run`, :func:`as_runs`, :func:`single_runs`: one value per run, and a batch as single runs;
- :func:`linewidth`, :func:`fontsize`: the current style's sizes (they scale with the figure).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from optviz import style
from optviz._format import legend


def get_ax(ax: Any = None, **subplot_kw: Any) -> Any:
    """``ax`` itself, or the current axes of the current figure (matplotlib's ``ax=None`` convention)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    if subplot_kw:
        return plt.gcf().add_subplot(**subplot_kw)
    return plt.gca()


def run_label(t: Any, *, hyperparams: bool = True, skip: Sequence[str] = ()) -> str:
    """``"Momentum (lr=0.02, ρ=0.9)"``: the run's label and, optionally, its hyperparameters (never appended to
    a label given to ``optviz.run``; ``skip`` leaves some out). The same text as ``Trajectory.legend``.

    >>> import optviz as ov
    >>> t = ov.run("quadratic", ov.Momentum(lr=0.02), steps=1)
    >>> run_label(t), run_label(t, hyperparams=False), run_label(t, skip=["lr"]), t.legend
    ('Momentum (lr=0.02, ρ=0.9)', 'Momentum', 'Momentum (ρ=0.9)', 'Momentum (lr=0.02, ρ=0.9)')
    """
    if hasattr(t, "legend_text"):  # a Trajectory: its own legend, which knows its schedule
        return str(t.legend_text(hyperparams=hyperparams, skip=skip))
    return legend(
        t.label,
        getattr(t, "hyperparams", {}),
        custom=bool(getattr(t, "custom_label", False)),
        show=hyperparams,
        skip=skip,
    )


def run_labels(runs: Sequence[Any], label: Any = None, *, hyperparams: bool = True) -> list[str]:
    """The legend text of each of ``runs`` drawn together: ``label`` where given (one for all, or one per run),
    else :func:`run_label`. Runs whose texts would be equal although they were fed different noise say which
    (``"SGD (lr=0.1), σ=1"``), so a legend never merges two runs into one key.

    >>> import optviz as ov
    >>> a, b = (ov.run("quadratic", ov.GD(0.1), steps=1, noise=ov.GaussianNoise(s)) for s in (1, 4))
    >>> run_labels([a, b]), run_labels([a, a]), run_labels([a, b], ["x", None])
    (['SGD (lr=0.1), σ=1', 'SGD (lr=0.1), σ=4'], ['SGD (lr=0.1)', 'SGD (lr=0.1)'], ['x', 'SGD (lr=0.1)'])
    """
    given = per_run(label, len(runs), "label")
    made = [(run_label(r, hyperparams=hyperparams), _noise_legend(r)) if g is None else None
            for g, r in zip(given, runs, strict=True)]  # fmt: skip
    noises: dict[str, set[str]] = {}  # the noises of the runs that would share each made text
    for m in made:
        if m is not None:
            noises.setdefault(m[0], set()).add(m[1])
    texts = []
    for g, m in zip(given, made, strict=True):
        if m is None:
            texts.append(g)
            continue
        text, noise = m
        texts.append(f"{text}, {noise}" if noise and len(noises[text]) > 1 else text)
    return texts


def _noise_legend(run: Any) -> str:
    noise = getattr(run, "noise", None)
    return str(noise.legend) if noise is not None else ""


def ended_early(run: Any) -> str | None:
    """How a single run that stopped before its last step without converging is marked: ``"diverged at step
    k"`` (k: its first bad iterate) or ``"singular Hessian at step k"`` (Newton, at the iterate it could not
    step from); None otherwise. Figures draw both alike: a cross where the run ended, and this text.

    >>> from types import SimpleNamespace as T
    >>> ended_early(T(status="diverged", stop_step=11)), ended_early(T(status="singular", stop_step=0))
    ('diverged at step 12', 'singular Hessian at step 0')
    """
    status, stop = str(run.status), int(run.stop_step)
    if status == "diverged":
        return f"diverged at step {stop + 1}"
    if status == "singular":
        return f"singular Hessian at step {stop}"
    return None


def per_run(value: Any, n: int, name: str) -> list[Any]:
    """``value`` for each of ``n`` runs: a list of exactly ``n`` values, or one value for all.

    >>> per_run("SGD", 2, "label"), per_run(["a", "b"], 2, "label")
    (['SGD', 'SGD'], ['a', 'b'])
    """
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{name}: got {len(value)} values for {n} runs")
        return list(value)
    return [value] * n


def run_colors(groups: Sequence[Any], given: Any = None) -> list[str]:
    """One colour per group: ``given`` where set, else the rule's fixed colour (the same in every figure); a
    second run of the same rule gets a darker shade of it, a third a lighter one (``style.shade``), so a rule
    keeps its hue. Rules without a fixed colour take the series palette.

    >>> from types import SimpleNamespace as T
    >>> run_colors([T(rule="gd"), T(rule="momentum"), T(rule="gd")])
    ['#D55E00', '#0072B2', '#843A00']
    """
    given = per_run(given, len(groups), "color")
    rules = [getattr(g, "rule", "") for g in groups]
    seen: dict[str, int] = {}
    out: list[str] = []
    free = iter(c for c in style.CYCLE if c not in given)
    for rule, color in zip(rules, given, strict=True):
        if color is None:
            base = style.RULE_COLORS.get(rule)
            if base is None:
                color = next(free, style.CYCLE[len(out) % len(style.CYCLE)])
            else:
                color = style.shade(base, seen.get(rule, 0))
                seen[rule] = seen.get(rule, 0) + 1
        out.append(color)
    return out


def as_runs(trajectories: Any) -> list[Any]:
    """A Trajectory, a batched Trajectory or a sequence of them, as a list of groups (each drawn alike)."""
    if isinstance(trajectories, Sequence) and not hasattr(trajectories, "xy"):
        return list(trajectories)
    return [trajectories]


def single_runs(t: Any) -> list[Any]:
    """The individual runs of a (possibly batched) trajectory."""
    if getattr(t, "batched", False):
        return [t[i] for i in range(t.n_runs)]
    return [t]


def linewidth() -> float:
    """The style's line width in points (``lines.linewidth``; scaled with the figure by ``style.context``)."""
    import matplotlib as mpl

    return float(mpl.rcParams["lines.linewidth"])


def fontsize(kind: str = "font.size") -> float:
    """A style font size in points (``font.size`` by default, or another rcParams key such as
    ``axes.titlesize``), with matplotlib's relative sizes ("large") resolved."""
    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties

    return float(FontProperties(size=mpl.rcParams[kind]).get_size_in_points())
