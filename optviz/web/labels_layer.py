"""The labels of a surface's minima and saddles ("min", "global min", "local min", "saddle"), placed live by a
page around the paths it draws now.

matplotlib places each label when the figure is drawn (:class:`optviz.plot.placement.PlacedText`): of its
candidate spots, the one covering the least data, other labels and room outside the axes. A page's paths move
(a click, a slider), so the page places the labels again at every draw, with the same cost. What does not
move is measured here, with placement.py's own functions: each candidate's text box (matplotlib's, so the
page needs no font metrics), the cost of the static figure under it (contour minima's markers, eigen-axes,
fixed texts, leaving the axes), and the static lines a leader to it would cross. The page adds what its own
paths, markers and labels cost (``assets/labels.js``, the same terms) and keeps the cheapest spot.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from optviz.web.static import color_hex, image_box, px_per_point


def critical_labels(ax: Any) -> list[Any]:
    """The labels of the minima and saddles that :func:`optviz.plot.contour` placed in ``ax``, in the order
    matplotlib places them (its draw order: creation order, one zorder)."""
    return [t for t in ax.texts if getattr(t, "critical_point", False) and t.get_visible()]


def _live_ids(live: list[Any]) -> set[int]:
    """The live artists and the arrows of the live annotations (exit and step arrows, divergence notes)."""
    out = set()
    for a in live:
        if a is None:
            continue
        out.add(id(a))
        patch = getattr(a, "arrow_patch", None)
        if patch is not None:
            out.add(id(patch))
    return out


def _static_texts(ax: Any, labels: list[Any], skip: set[int], renderer: Any) -> list[Any]:
    """placement._text_obstacles without what the page draws: the texts that stay in the static image."""
    from optviz.plot.placement import PlacedGroup, PlacedText, text_extent, visible

    key = labels[0]._placed_for  # the layout they were placed for (the figure has been drawn)
    mine = {id(t) for t in labels}
    boxes = []
    for text in ax.texts:
        if id(text) in mine or id(text) in skip or not visible(text) or not text.get_text():
            continue
        if isinstance(text, PlacedText) and text._placed_for != key:
            continue
        boxes.append(text_extent(text, renderer))
    for group in ax.artists:
        if isinstance(group, PlacedGroup) and visible(group) and group._placed_for == key:
            boxes.extend(group.text_boxes(renderer))
    return boxes


def _candidate(label: Any, spot: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    """One spot of ``label``: its box (image pixels), what the static figure costs there, and for a spot far
    enough to have a leader line, the static lines that leader crosses."""
    from optviz.plot.placement import cost, leader_crossings, text_extent

    renderer, ax = ctx["renderer"], ctx["ax"]
    label._use(spot)
    box = text_extent(label, renderer)
    out = {
        "box": image_box(box, ctx["height"]),
        "static": float(cost([box], ax, ctx["shapes"], ctx["texts"])),
        "leader": bool(float(np.hypot(spot.dx, spot.dy)) > label.leader_beyond),
    }
    if out["leader"]:
        anchor = np.asarray(label._get_position_xy(renderer), dtype=float)
        out["crossings"] = int(leader_crossings(anchor, box, ctx["shapes"]))
    return out


def _index(label: Any, spot: Any, far: list[Any]) -> int:
    """Which spot matplotlib chose: its index among the label's spots, else (the crowded view's fallback)
    after them, the nearest of the places anywhere in the axes (found again here, to rounding)."""
    if spot in label.spots:
        return label.spots.index(spot)
    return len(label.spots) + int(
        np.argmin([abs(s.dx - spot.dx) + abs(s.dy - spot.dy) for s in far])
    )


def read_labels(ax: Any, live: list[Any], height: float) -> tuple[list[Any], list[dict[str, Any]]]:
    """The minimum and saddle labels of the paths' axes ``ax`` (drawn, laid out): the artists to leave out
    of the static image, and per label what a page places and draws it from. ``live``: what the page draws
    (paths, markers, arrows, notes, legends), which the static costs leave out."""
    from optviz.plot.placement import data_shapes

    labels = critical_labels(ax)
    if not labels:
        return [], []
    fig = ax.get_figure(root=True)
    renderer = fig._get_renderer()
    skip = _live_ids(live)
    k = px_per_point(fig)
    # (the labels' own leaders are live: the page adds those of the labels it has placed)
    own = {id(t.arrow_patch) for t in labels if t.arrow_patch is not None}
    shapes = [s for s in data_shapes(ax) if id(s.artist) not in skip | own]
    ctx = {"renderer": renderer, "ax": ax, "height": height, "shapes": shapes,
           "texts": _static_texts(ax, labels, skip, renderer)}  # fmt: skip
    out = []
    for label in labels:
        chosen = label.spot
        far = label._anywhere(renderer)
        spots = [_candidate(label, s, ctx) for s in label.spots]
        anywhere = [_candidate(label, s, ctx) for s in far]
        label._use(chosen)
        at = _index(label, chosen, far)
        x, y = (float(v) for v in label._get_position_xy(renderer))
        prop = label.get_fontproperties()
        # (matplotlib's box reaches below the baseline by the deeper of the text's descent and "lp"'s)
        descent = max(
            renderer.get_text_width_height_descent(t, prop, ismath=False)[2]
            for t in (label.get_text(), "lp")
        )
        patch = label.arrow_patch
        out.append({
            "text": label.get_text(),
            "anchor": [x, float(height - y)],
            "spots": spots,
            "anywhere": anywhere,
            "chosen": at,
            "size": float(label.get_fontsize()) * k,
            "color": color_hex(label.get_color()),
            "family": prop.get_name(),
            "weight": str(label.get_fontweight()),
            "descent": float(descent),
            "leader": None if patch is None else {
                "color": color_hex(patch.get_edgecolor()),
                "width": float(patch.get_linewidth()) * k,
                "alpha": float(patch.get_alpha() if patch.get_alpha() is not None else 1.0),
                "shrinkA": float(patch.shrinkA) * k,
                "shrinkB": float(patch.shrinkB) * k,
            },
        })  # fmt: skip
    return labels, out


__all__ = ["critical_labels", "read_labels"]
