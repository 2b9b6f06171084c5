"""The optviz look: slide-sized text, quiet contours, loud trajectories, colour-blind-safe colours.

Applied explicitly with :func:`context` (a ``matplotlib.rc_context``) around the code that draws,
never by changing the user's global rcParams. Sizes scale with the figure, so a scenario rendered at
twice the size keeps its proportions. This module holds plain data; matplotlib is imported only by
:func:`context`.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Mapping
from typing import Any

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision
# deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# One colour per rule, the same in every figure of the gallery. Yellow is left out: it vanishes on
# white.
RULE_COLORS = {
    "gd": OKABE_ITO["vermillion"],
    "momentum": OKABE_ITO["blue"],
    "nesterov": OKABE_ITO["bluish_green"],
    "adam": OKABE_ITO["reddish_purple"],
    "rmsprop": OKABE_ITO["orange"],
    "adagrad": OKABE_ITO["sky_blue"],
    "random_search": "#555555",
    "external": OKABE_ITO["black"],
    # The rules beyond the lecture take colours from outside Okabe-Ito (which the rules above use up), chosen
    # to stay apart from every other fixed colour under the common colour-vision deficiencies (CIELAB distance,
    # Machado et al. 2009 simulation): a purple for Adam's sibling, a brown, a deep green.
    "adamw": "#762A83",
    "newton": "#8C510A",
    "lbfgs": "#00441B",
}
# A second (third...) run of one rule keeps the rule's hue in a darker, then lighter, shade: "Momentum is blue"
# stays true in every figure (design section 10), and the legend tells the runs apart.
SHADES = (0.0, -0.38, 0.42, -0.62, 0.62)  # mix towards black (negative) or white (positive)

# Series that are not rules (learning rates, schedules, momenta of one rule; batch sizes, lambda values,
# classes): a palette no rule uses (Paul Tol's "muted" colours that differ from the rule colours above), so no
# colour means two things across the gallery.
SERIES = ("#332288", "#CC6677", "#117733", "#AA4499", "#88CCEE", "#DDCC77")

# The arrows of update diagrams (velocity, gradient, actual step): their own colours, none a rule's or a series'.
DIAGRAM = {"velocity": "#999933", "gradient": "#882255", "step": "#1A1A1A"}

# Runs of rules without a fixed colour (your own callables): the series palette, after the rules' colours.
CYCLE = list(SERIES)

# Reference sizes (inches): a full 16:9 slide and a single panel. Fonts are in points at these
# sizes.
SLIDE = (12.8, 7.2)
PANEL = (6.4, 4.8)
DPI = 150

# The one typeface of every figure (text and mathtext): a title character it has no glyph for would be drawn as
# an empty box, with a "Glyph missing" warning.
FONT = "DejaVu Sans"

CONTOUR_CMAP = "viridis"
CONDITION_CMAP = "cividis"


def rule_color(rule: str, index: int = 0) -> str:
    """The fixed colour of a rule (``"momentum"``), else the ``index``-th colour of the cycle."""
    return RULE_COLORS.get(rule, CYCLE[index % len(CYCLE)])


def shade(color: str, k: int) -> str:
    """The ``k``-th shade of ``color`` (0: itself; then darker, lighter, ...), as ``#RRGGBB``.

    >>> shade("#0072B2", 0), shade("#0072B2", 1)
    ('#0072B2', '#00476E')
    """
    amount = SHADES[k % len(SHADES)]
    if amount == 0:
        return color
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    target = 255 if amount > 0 else 0
    mixed = [round(c + (target - c) * abs(amount)) for c in rgb]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def series_colors(n: int) -> list[str]:
    """``n`` colours for series that are not rules (the same rule at several learning rates or under several
    schedules, batch sizes, lambdas, classes), in a fixed order.

    >>> series_colors(2)
    ['#332288', '#CC6677']
    """
    return [SERIES[i % len(SERIES)] for i in range(n)]


def rc(scale: float = 1.0) -> dict[str, Any]:
    """rcParams for slide-ready figures, with every size multiplied by ``scale``."""
    s = float(scale)
    return {
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "savefig.transparent": False,
        "axes.facecolor": "white",
        "font.family": "sans-serif",
        "font.sans-serif": [FONT],
        "mathtext.fontset": "dejavusans",
        "font.size": 14 * s,
        "axes.titlesize": 16 * s,
        "figure.titlesize": 18 * s,
        "axes.labelsize": 14 * s,
        "xtick.labelsize": 14 * s,
        "ytick.labelsize": 14 * s,
        "legend.fontsize": 14 * s,
        "legend.title_fontsize": 14 * s,
        "legend.framealpha": 0.92,
        "legend.edgecolor": "0.8",
        "axes.linewidth": 1.0 * s,
        "axes.edgecolor": "0.25",
        "axes.labelcolor": "0.1",
        "axes.titlepad": 8 * s,
        "axes.prop_cycle": _cycler(),
        "xtick.major.size": 4 * s,
        # Half a line of text between the x tick labels and the axes: the first x and the lowest y tick label
        # then never touch at the corner.
        "xtick.major.pad": 7.5 * s,
        "ytick.major.size": 4 * s,
        "xtick.major.width": 1.0 * s,
        "ytick.major.width": 1.0 * s,
        "xtick.color": "0.25",
        "ytick.color": "0.25",
        "lines.linewidth": 2.25 * s,
        "lines.markersize": 5 * s,
        "patch.linewidth": 1.0 * s,
        "grid.linewidth": 0.6 * s,
        "grid.color": "0.88",
        "contour.linewidth": 0.8 * s,
        "image.cmap": CONTOUR_CMAP,
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "axes.spines.top": True,
        "axes.spines.right": True,
    }


def _cycler() -> Any:
    from cycler import cycler

    return cycler(color=CYCLE)


@contextlib.contextmanager
def context(scale: float = 1.0, overrides: Mapping[str, Any] | None = None) -> Iterator[None]:
    """``with optviz.style.context(): ...`` draws in the optviz style, then restores rcParams."""
    import matplotlib as mpl

    params = rc(scale)
    if overrides:
        params.update(overrides)
    with mpl.rc_context(params):
        yield


def scale_for(figsize: tuple[float, float], reference: tuple[float, float] = SLIDE) -> float:
    """How much to scale sizes for a figure of ``figsize`` in the proportions of ``reference``."""
    return min(figsize[0] / reference[0], figsize[1] / reference[1])


@functools.cache
def _glyphs() -> frozenset[int]:
    from matplotlib import font_manager, ft2font

    path = font_manager.findfont(font_manager.FontProperties(family=FONT))
    return frozenset(ft2font.FT2Font(path).get_charmap())


def missing_glyph(text: str) -> str | None:
    """The first character of ``text`` that :data:`FONT` cannot draw (None when it can draw them all).

    >>> missing_glyph("κ = 25, ρ → 0.9"), missing_glyph("fast 🚀")
    (None, '🚀')
    """
    for char in text:
        if ord(char) > 0x7E and ord(char) not in _glyphs():
            return char
    return None
