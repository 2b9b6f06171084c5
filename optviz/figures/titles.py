"""Axes titles fitted to the room they have: a title wider than the space between its neighbours (or the
figure's edges) is broken into lines where a line may break (between the terms of a formula, at a space), and
set smaller only when no break is enough.

A surface's formula is its panel's title (``layout.surface_title``), and a long formula (Beale's three squared
terms) beside a loss panel was wider than its column: it ran off the figure's left edge and into the next
panel. ``build_scene`` fits every title (:func:`fit_title`, in ``layout.thin_ticks``'s rounds); a title that
fits is left as it is.

>>> from optviz.figures.titles import break_points, broken
>>> text = "$f = (1.5-x+xy)^2 + (2.25-x+xy^2)^2$"
>>> [text[i] for i in break_points(text)]
['+']
>>> broken(text, break_points(text))
'$f = (1.5-x+xy)^2$\\n${}+ (2.25-x+xy^2)^2$'
>>> broken("a long plain title", break_points("a long plain title")[1:2])
'a long\\nplain title'
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from optviz._text import escapes

GAP = 0.3  # ems kept between a title and what it must not reach (the figure's edge, a neighbour's decorations)
LEAST = 0.75  # the smallest a title is set, as a share of its size, when breaking it is not enough
MOST_LINES = 3  # a title is broken into at most this many lines
TRIED = 4  # the breakings measured per number of lines


def break_points(text: str) -> list[int]:
    """Where ``text`` (one line of a title; ``$...$`` spans are mathtext) may break: outside math, at a space;
    inside math, before a ``+`` or a binary ``-`` that no bracket or brace holds (between a formula's terms)."""
    points: list[int] = []
    math = False
    depth = 0
    last = ""  # the last character of math that is not a space (says whether a "-" is binary)
    for i, (c, escaped) in enumerate(zip(text, escapes(text), strict=True)):
        if escaped:
            last = c  # (an escaped "\\}" ends an operand; its backslash is overwritten next)
            continue
        if c == "$":
            math, depth, last = not math, 0, ""
            continue
        if not math:
            if c == " " and 0 < i < len(text) - 1 and text[i - 1] != " ":
                points.append(i)
            continue
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth = max(depth - 1, 0)
        elif c in "+-" and depth == 0 and (last.isalnum() or last in ")}]|'"):
            points.append(i)
        if not c.isspace():
            last = c
    return points


def broken(text: str, points: Sequence[int]) -> str:
    """``text`` broken into lines at ``points`` (from :func:`break_points`): a break outside math drops the
    space; one inside math closes the formula at the line's end and opens it again on the next line."""
    lines, start = [], 0
    for p in sorted(points):
        lines.append(text[start:p].rstrip())
        start = p if text[p] != " " else p + 1
    lines.append(text[start:])
    out = [lines[0]]
    for line in lines[1:]:
        # inside math when the text so far holds an odd number of unescaped "$"
        if _dollars("\n".join(out)) % 2:
            out[-1] += "$"
            line = (
                "${}" + line
            )  # ({} before the operator: mathtext spaces it as binary, not as a sign)
        out.append(line)
    return "\n".join(out)


def _dollars(text: str) -> int:
    return sum(c == "$" and not escaped for c, escaped in zip(text, escapes(text), strict=True))


def fit_titles(fig: Any, *, rounds: int = 2) -> bool:
    """Fit every axes' centred title of ``fig`` into its room (see the module); True when any changed. Each
    round draws the figure (its layout engine runs) and measures again, as a changed title moves the layout.
    (``build_scene`` fits them in ``layout.thin_ticks``'s rounds, which draw the figure anyway.)"""
    changed = False
    for _ in range(rounds):
        fig.draw_without_rendering()
        renderer = fig._get_renderer()
        moved = False
        for ax in fig.get_axes():
            moved |= fit_title(ax, renderer)
        changed |= moved
        if not moved:
            break
    return changed


def fit_title(ax: Any, renderer: Any) -> bool:
    """Fit ``ax``'s centred title into its room in the figure as last drawn; True when it changed (the figure
    must be drawn again to lay it out)."""
    from optviz.plot.loss import nesterov_note_of

    title = ax.title
    if not (ax.get_visible() and title.get_visible() and title.get_text()):
        return False
    if nesterov_note_of(ax) is not None:
        return False  # plot.loss fits that title beside its note, at draw time
    fig = ax.get_figure(root=True)
    return _fit(ax, title, title_room(fig, ax, title, renderer), renderer)


def title_room(fig: Any, ax: Any, title: Any, renderer: Any) -> float:
    """The width a title centred where ``title`` is may take: twice its distance to the nearest of the figure's
    edges and the decorations of the axes (and figure legends) beside it at its height, less a gap."""
    box = title.get_window_extent(renderer)
    own = ax.get_window_extent(renderer)
    gap = GAP * title.get_fontsize() * fig.dpi / 72
    left, right = 0.0, fig.bbox.width
    others = [a for a in fig.get_axes() if a is not ax and a.get_visible()]
    neighbours = [a.get_tightbbox(renderer) for a in others] + [
        lg.get_window_extent(renderer) for lg in fig.legends if lg.get_visible()
    ]
    for b in neighbours:
        if b is None or b.y1 <= box.y0 or b.y0 >= box.y1:
            continue  # not at the title's height
        if b.x0 >= own.x1 - 1:
            right = min(right, b.x0)
        elif b.x1 <= own.x0 + 1:
            left = max(left, b.x1)
    middle = (box.x0 + box.x1) / 2
    return 2 * (min(middle - left, right - middle) - gap)


def _fit(ax: Any, title: Any, room: float, renderer: Any) -> bool:
    """Break, then shrink, ``title`` until it is at most ``room`` pixels wide; True when it changed. A title
    fitted before is fitted again from its own text and size (the layout moved), not from the fitted ones."""
    width = title.get_window_extent(renderer).width
    if width <= room + 0.5 or room <= 0:
        return False
    text, size = title._optviz_unfitted = getattr(
        title, "_optviz_unfitted", (title.get_text(), title.get_fontsize())
    )
    title.set_text(text)
    title.set_fontsize(size)
    best, best_width = text, title.get_window_extent(renderer).width
    for candidate in _breakings(text):
        title.set_text(candidate)
        w = title.get_window_extent(renderer).width
        if w < best_width - 0.5:
            best, best_width = candidate, w
        if w <= room:
            break
    title.set_text(best)
    if best_width > room:
        title.set_fontsize(size * max(LEAST, room / best_width))
    return True


def _breakings(text: str) -> list[str]:
    """Ways to break ``text``'s widest line into two, then up to ``MOST_LINES`` lines: for each count, the few
    breaks nearest an even split (by characters), most even first (each is measured, so they are few)."""
    lines = text.split("\n")
    widest = max(range(len(lines)), key=lambda i: len(lines[i]))
    line = lines[widest]
    points = break_points(line)
    out: list[str] = []
    for n in range(1, MOST_LINES):
        tried = []
        for chosen in itertools.combinations(points, n):
            parts = broken(line, chosen).split("\n")
            tried.append((max(len(p) for p in parts), chosen))
        for _, chosen in sorted(tried)[:TRIED]:
            out.append(
                "\n".join(
                    [*lines[:widest], *broken(line, chosen).split("\n"), *lines[widest + 1 :]]
                )
            )
    return out
