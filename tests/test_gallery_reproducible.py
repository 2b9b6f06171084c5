"""`optviz gallery` reproduces the committed gallery: the same decoded pixels, frames and timings.

This is what the README promises for a fresh clone installed with constraints.txt. The session's ``gallery``
fixture renders every scenario once, as ``optviz gallery`` does (in parallel processes), into a temporary
folder; each output is compared with its committed twin in gallery/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _gallery import SCENARIOS

from optviz.scenario import load
from optviz.testing import compare_gif, compare_image

ROOT = Path(__file__).parent.parent


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_gallery_outputs_match_the_committed_ones(gallery, path):
    folder, error = gallery.rendered(path)
    assert error is None, error
    sc = load(path)
    for new in [folder / f"{sc.stem}.{fmt}" for fmt in sc.output.formats]:
        assert new.exists(), f"{new.name} was not rendered"
        committed = ROOT / "gallery" / new.name
        assert committed.exists(), (
            f"gallery/{new.name} is missing: run `optviz gallery` and commit it"
        )
        if new.read_bytes() == committed.read_bytes():
            continue  # the same bytes decode to the same pixels and frames (the usual case: same Pillow)
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
