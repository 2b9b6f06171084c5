"""docs/explore.ipynb runs in a Jupyter kernel under ipympl (``%matplotlib widget``), without a browser.

It needs the ``notebook`` extra (ipympl, ipykernel) and nbclient (``test`` extra). The README's test command
installs both, and so does CI, where the test must run: it is skipped only outside CI when they are missing.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "explore.ipynb"
NEEDED = ("ipympl", "ipykernel", "nbclient", "nbformat")
MISSING = [name for name in NEEDED if importlib.util.find_spec(name) is None]

if MISSING and not os.environ.get("CI"):
    pytest.skip(
        f"needs {', '.join(MISSING)}: pip install -e '.[test,notebook]'", allow_module_level=True
    )


def outputs(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


@pytest.mark.slow
def test_the_notebook_opens_an_explorer_moves_a_slider_and_steps(tmp_path, monkeypatch) -> None:
    assert not MISSING, f"CI installs the notebook extra; missing {MISSING}"
    monkeypatch.setenv(
        "JUPYTER_PLATFORM_DIRS", "1"
    )  # jupyter_core's own paths, without its warning
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the notebook chooses its backend
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")  # committed clean
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source.strip() == "%matplotlib widget"
    # The explorer's figure is an ipympl canvas, shown as a live widget below its cell.
    assert outputs(code[1]).split() == ["ipympl.backend_nbagg", "step", "100", "of", "100"]
    kinds = {key for o in code[1].outputs for key in o.get("data", {})}
    assert "application/vnd.jupyter.widget-view+json" in kinds
    # set() moved the sliders and the runs followed; run(20) from the last step started over, step() one more.
    assert "'GD'" in outputs(code[2]) and "'Adam'" in outputs(code[2])
    assert outputs(code[3]).strip() == "step 21 of 100"
    assert outputs(code[4]).strip() == "found.toml GD(lr=0.002)"
    assert (tmp_path / "found.toml").exists()
