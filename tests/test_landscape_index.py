"""The gallery's landscape section and ``python -m optviz.landscape.gallery`` where torch is missing (no torch
needed here: the section lists whatever landscape files the output folder holds)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from optviz.landscape.gallery import COMMAND, ENTRIES
from optviz.scenario.gallery import write_index

ROOT = Path(__file__).parent.parent


def test_the_index_lists_the_landscape_files_that_are_there(tmp_path):
    write_index([], ROOT / "scenarios", tmp_path)
    assert "Loss landscapes" not in (tmp_path / "README.md").read_text(encoding="utf-8")
    first = ENTRIES[0]
    for name in first.files:
        shutil.copy(ROOT / "gallery" / name, tmp_path / name)
    write_index([], ROOT / "scenarios", tmp_path)
    index = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "## Loss landscapes of a real network" in index
    assert COMMAND.format(out=tmp_path.as_posix()) in index
    assert first.title in index and first.description in index
    assert all(f"![{first.stem}]({name})" in index for name in first.files)
    assert all(e.title not in index for e in ENTRIES[1:])  # their files are not in the folder


def test_the_landscape_gallery_without_torch_says_how_to_install_it(tmp_path):
    code = (
        "import sys\n"
        "sys.modules['torch'] = None  # as if torch were not installed\n"
        "from optviz.landscape.gallery import main\n"
        f"sys.exit(main(['-o', {str(tmp_path / 'out')!r}]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "optviz.landscape needs PyTorch, which is not installed: pip install 'optviz[torch]'"
    )
    assert not (tmp_path / "out").exists()
