"""The gallery's scenarios, computed and rendered at most once per test session (see conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
KEY = "legend key: "  # a line of inspect_figure's that records a legend entry, not a finding


def key_colors(fig: Any) -> list[tuple[str, str | None]]:
    """(label, colour) of every legend entry of the figure, as #RRGGBB."""
    from matplotlib.colors import to_hex

    out = []
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.get_axes() if ax.get_legend())]
    legends += [leg for sub in getattr(fig, "subfigs", []) for leg in sub.legends]
    for legend in legends:
        for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=True):
            color = None
            for getter in ("get_color", "get_facecolor"):
                if hasattr(handle, getter):
                    value = getattr(handle, getter)()
                    value = value[0] if np.ndim(value) == 2 and len(value) else value
                    try:
                        color = to_hex(value).upper()
                    except (ValueError, TypeError):
                        continue
                    break
            out.append((text.get_text(), color))
    return out


def inspect_figure(fig: Any) -> list[str]:
    """What the gallery fixture measures on each figure as the gallery writes it (in the worker process that
    drew it, so no test draws the figure again): its legibility findings, then one :data:`KEY` line per legend
    entry, ``colour<TAB>label``."""
    from optviz.testing import check_legibility

    keys = [f"{KEY}{color}\t{label}" for label, color in key_colors(fig)]
    return [*(str(finding) for finding in check_legibility(fig)), *keys]


@dataclass
class Gallery:
    """Every scenario of scenarios/, loaded and computed at most once (on first use), and the full-size
    gallery rendered at most once, by ``optviz gallery``'s own parallel renderer."""

    folder: Path
    _computed: dict[Path, tuple[Any, Any]] = field(default_factory=dict)
    _errors: dict[str, str] | None = None
    _findings: dict[str, list[str]] = field(default_factory=dict)
    _keys: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)

    def computed(self, path: Path) -> tuple[Any, Any]:
        """``(scenario, data)``: the validated scenario and everything it computes (runs, studies)."""
        from optviz.scenario import compute, load

        if path not in self._computed:
            scenario = load(path)
            self._computed[path] = (scenario, compute(scenario))
        return self._computed[path]

    def rendered(self, path: Path) -> tuple[Path, str | None]:
        """The folder holding every scenario's full-size outputs, and this scenario's error if it failed."""
        if self._errors is None:
            from optviz.scenario.gallery import FINDING, build_gallery, split_findings

            # The legibility of each figure is measured as it is written (``optviz gallery --check``), and
            # its legend keys recorded.
            lines = build_gallery(ROOT / "scenarios", self.folder, quiet=True, check=inspect_figure)
            failures, findings = split_findings(lines)
            self._errors = {}
            for source in SCENARIOS:
                for message in failures:
                    if message.startswith(str(source)):
                        self._errors[source.stem] = message
                prefix = f"{source}{FINDING}"
                mine = [m.removeprefix(prefix) for m in findings if m.startswith(prefix)]
                self._findings[source.stem] = [m for m in mine if not m.startswith(KEY)]
                keys = [m.removeprefix(KEY).split("\t", 1) for m in mine if m.startswith(KEY)]
                self._keys[source.stem] = [
                    (label, None if color == "None" else color) for color, label in keys
                ]
        return self.folder, self._errors.get(path.stem)

    def findings(self, path: Path) -> list[str]:
        """The legibility findings of the scenario's full-size figure, as the gallery wrote it."""
        _, error = self.rendered(path)
        assert error is None, error
        return self._findings[path.stem]

    def legend_keys(self, path: Path) -> list[tuple[str, str | None]]:
        """(label, #RRGGBB or None) of every legend entry of the scenario's figure, as the gallery drew it."""
        _, error = self.rendered(path)
        assert error is None, error
        return self._keys[path.stem]
