"""`optviz gallery` reproduces the committed gallery: the same decoded pixels, frames and timings.

This is what the README promises for a fresh clone installed with constraints.txt. It renders every scenario
into a temporary folder and compares each output with its committed twin in gallery/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from optviz.scenario import load, render
from optviz.testing import compare_gif, compare_image

ROOT = Path(__file__).parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_gallery_outputs_match_the_committed_ones(tmp_path, path):
    sc = load(path)
    written = render(sc, tmp_path)
    assert [p.name for p in written] == [f"{sc.stem}.{fmt}" for fmt in sc.output.formats]
    for new in written:
        committed = ROOT / "gallery" / new.name
        assert committed.exists(), (
            f"gallery/{new.name} is missing: run `optviz gallery` and commit it"
        )
        if new.suffix == ".png":
            result = compare_image(new, committed)
            assert result, str(result)
        elif new.suffix == ".gif":
            result = compare_gif(new, committed)
            assert result, str(result)
        else:  # SVG and PDF carry no timestamps or random ids: identical bytes
            assert new.read_bytes() == committed.read_bytes(), f"gallery/{new.name} differs"


def test_the_gallery_index_lists_every_scenario():
    index = (ROOT / "gallery" / "README.md").read_text(encoding="utf-8")
    for path in SCENARIOS:
        assert f"optviz render scenarios/{path.name} -o gallery" in index
