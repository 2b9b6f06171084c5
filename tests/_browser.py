"""Headless Chromium for the page tests: Debian's ``chromium`` driven by playwright (never a downloaded browser).

``launch`` starts the one browser of a test session (the ``browser`` fixture of conftest.py); it skips with
the reason when playwright or a Chromium executable is missing. ``open_page`` loads an HTML file at a viewport with device scale 1, waits for
the page to say it is ready, and records console errors and uncaught exceptions.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--font-render-hinting=none",
]


def chromium_path() -> str | None:
    """``$OPTVIZ_CHROMIUM``, else the first Chromium on the PATH."""
    given = os.environ.get("OPTVIZ_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def skip_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -c constraints.txt -e '.[test]')"
    if chromium_path() is None:
        return (
            "no Chromium found (apt-get install chromium, or set OPTVIZ_CHROMIUM to its path); "
            "the page tests never download a browser"
        )
    return None


def launch() -> Iterator[Any]:
    """Headless Chromium for a test session (see ``browser`` in conftest.py): skips with the reason when
    playwright or a Chromium executable is missing (fails instead under ``OPTVIZ_REQUIRE_BROWSER``)."""
    reason = skip_reason()
    if reason and os.environ.get("OPTVIZ_REQUIRE_BROWSER"):
        pytest.fail(f"OPTVIZ_REQUIRE_BROWSER is set but {reason}")
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Page:
    page: Any
    errors: list[str] = field(default_factory=list)

    def eval(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg) if arg is not None else self.page.evaluate(script)

    def goto(self, path: Path) -> Page:
        """Open another page in this tab (cheaper than a new tab); errors keep accumulating."""
        self.page.goto(Path(path).resolve().as_uri())
        self.page.wait_for_selector("body[data-ready='1']", timeout=10_000)
        return self

    def close(self) -> None:
        self.page.close()


def open_page(browser: Any, path: Path, width: int = 1400, height: int = 900) -> Page:
    page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
    out = Page(page)
    page.on(
        "console",
        lambda m: (
            out.errors.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda e: out.errors.append(f"uncaught: {e}"))
    page.on(
        "request",
        lambda r: (
            out.errors.append(f"request: {r.url}")
            if not r.url.startswith(("file:", "data:"))
            else None
        ),
    )
    return out.goto(path)


def screenshot_array(page: Any, selector: str | None = None) -> np.ndarray:
    """A screenshot (of the page, or of one element) as an RGB array."""
    import io

    from PIL import Image

    shot = page.locator(selector).screenshot() if selector else page.screenshot()
    return np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(np.int16)


def png_array(data: bytes) -> np.ndarray:
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(np.int16)


def static_layer_difference(
    shot: np.ndarray, static: np.ndarray, full: np.ndarray, text_boxes: list[list[float]] = ()
) -> dict[str, float]:
    """Compare a screenshot with the full PNG of the same figure where no live artist is drawn.

    The static layer is where the PNG without live artists (``static``) equals the full PNG (``full``):
    there the screenshot must show the same pixels. Returns the largest difference there (0..255), the
    fraction of those pixels differing by more than 8 levels, and, over the live pixels, the fraction that
    the page also drew (differ from the static image), a measure that the live layer is in the right place.
    ``live_drawn`` counts only pixels where matplotlib's live artists differ clearly (> 24 levels) from the
    static image.
    """
    from scipy.ndimage import binary_dilation

    assert shot.shape == full.shape == static.shape, (shot.shape, full.shape, static.shape)
    # Live: where matplotlib's live artists drew, widened by 2 px (the browser's anti-aliased edges), and
    # the boxes of live text (set in the browser's fonts).
    live = binary_dilation(np.abs(static - full).max(axis=-1) > 0, iterations=2)
    # (a box reaching past the image's left or top edge is cut there: a negative start would index from
    # the other end)
    boxes = [[max(0, int(x0)), max(0, int(y0)), x1, y1] for x0, y0, x1, y1 in text_boxes]
    for x0, y0, x1, y1 in boxes:
        live[y0 : int(np.ceil(y1)) + 1, x0 : int(np.ceil(x1)) + 1] = True
    still = ~live
    diff = np.abs(shot - full).max(axis=-1)
    drawn = np.abs(shot - static).max(axis=-1) > 24
    strong = np.abs(full - static).max(axis=-1) > 48  # clearly drawn (not faint grid lines)
    for x0, y0, x1, y1 in boxes:  # text is set in the browser's fonts: not pixel for pixel
        strong[y0 : int(np.ceil(y1)) + 1, x0 : int(np.ceil(x1)) + 1] = False
    return {
        "static_max": float(diff[still].max()),
        "static_off": float((diff[still] > 8).mean()),
        "static_fraction": float(still.mean()),
        "live_drawn": float(drawn[strong].mean()) if strong.any() else 1.0,
    }
