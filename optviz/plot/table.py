"""A table of predicted against measured rates, drawn as a slide-sized matplotlib table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from optviz import style
from optviz.plot.common import fontsize, get_ax

_HEADER = {
    "kappa": "κ",
    "rule": "rule",
    "setting": "setting",
    "lr": "lr",
    "rho": "ρ",
    "predicted": "predicted",
    "measured": "measured",
    "rel. diff": "difference",
}


@dataclass
class TableArtists:
    """What :func:`rate_table` drew: the matplotlib ``Table`` and its text, header first."""

    table: Any = None
    text: list[list[str]] | None = None


def rate_table(table: Any, ax: Any = None, *, fontscale: float = 1.0) -> TableArtists:
    """Draw an :class:`optviz.theory.RateTable` (predicted and measured rates) on ``ax``.

    Rule names are in their rule's colour; rows of one kappa are banded together. The axes are
    turned off and the table fills them.
    """
    ax = get_ax(ax)
    ax.set_axis_off()
    header = [_HEADER.get(c, c) for c in table.COLUMNS]
    cells = table.cells()
    size = fontscale * fontsize()
    artist = ax.table(
        cellText=cells,
        colLabels=header,
        loc="center",
        cellLoc="center",
        bbox=(0.01, 0.015, 0.98, 0.97),
    )
    artist.auto_set_font_size(False)
    artist.set_fontsize(size)
    kappas = [row[0] for row in cells]
    band = {k: i % 2 for i, k in enumerate(dict.fromkeys(kappas))}
    for (r, c), cell in artist.get_celld().items():
        cell.set_edgecolor("0.75")
        cell.set_linewidth(0.6)
        if r == 0:
            cell.set_facecolor("0.9")
            cell.get_text().set_fontweight("bold")
            continue
        row = table.rows[r - 1]
        cell.set_facecolor("0.965" if band[kappas[r - 1]] else "white")
        if c == 1:
            cell.get_text().set_color(style.rule_color(row.rule))
            cell.get_text().set_fontweight("bold")
    widths = [0.07, 0.13, 0.18, 0.11, 0.09, 0.14, 0.14, 0.14]
    for (_r, c), cell in artist.get_celld().items():
        cell.set_width(widths[c])
    return TableArtists(table=artist, text=[header, *cells])
