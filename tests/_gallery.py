"""The gallery's scenarios, computed and rendered at most once per test session (see conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


@dataclass
class Gallery:
    """Every scenario of scenarios/, loaded and computed at most once (on first use), and the full-size
    gallery rendered at most once, by ``optviz gallery``'s own parallel renderer."""

    folder: Path
    _computed: dict[Path, tuple[Any, Any]] = field(default_factory=dict)
    _errors: dict[str, str] | None = None
    _findings: dict[str, list[str]] = field(default_factory=dict)

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
            from optviz.testing import check_legibility

            # The legibility of each figure is measured as it is written (``optviz gallery --check``).
            lines = build_gallery(
                ROOT / "scenarios", self.folder, quiet=True, check=check_legibility
            )
            failures, findings = split_findings(lines)
            self._errors = {}
            for source in SCENARIOS:
                for message in failures:
                    if message.startswith(str(source)):
                        self._errors[source.stem] = message
                prefix = f"{source}{FINDING}"
                self._findings[source.stem] = [
                    m.removeprefix(prefix) for m in findings if m.startswith(prefix)
                ]
        return self.folder, self._errors.get(path.stem)

    def findings(self, path: Path) -> list[str]:
        """The legibility findings of the scenario's full-size figure, as the gallery wrote it."""
        _, error = self.rendered(path)
        assert error is None, error
        return self._findings[path.stem]
