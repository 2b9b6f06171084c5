"""One self-contained HTML file: styles, the static image, the data and the scripts, all inline.

No network request is made by a page: no CDN, no font or image fetched. Data travels as JSON in a
``<script type="application/json">`` element (``</`` escaped, so no text in it can close the element);
titles and labels are HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import json
import os
from pathlib import Path
from typing import Any

from optviz._io import atomic_path
from optviz.web.emit import js_source

MAX_BYTES = 2 * 1024 * 1024  # a page is at most 2 MB


class PageTooLarge(ValueError):
    """The page would exceed :data:`MAX_BYTES`."""


def json_for_script(data: Any) -> str:
    """JSON safe inside a ``<script>`` element (no ``</``, no HTML comment openers)."""
    text = json.dumps(data, allow_nan=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def build_page(
    *, title: str, body: str, data: dict[str, Any], scripts: list[str], extra_js: str = ""
) -> str:
    """The page's HTML: ``page.css``, ``body`` (already escaped HTML), ``data`` as ``#optviz-data`` JSON, then
    the package's ``scripts`` (file names in ``optviz/web/assets``) and ``extra_js`` (generated code)."""
    js = "\n".join(js_source(name) for name in scripts)
    text = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="optviz">
<title>{html.escape(title)}</title>
<style>
{js_source("page.css")}
</style>
</head>
<body>
{body}
<script id="optviz-data" type="application/json">{json_for_script(data)}</script>
<script>
{js}
{extra_js}
</script>
</body>
</html>
"""
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise PageTooLarge(
            f"the page would be {size / 1e6:.2f} MB; the limit is {MAX_BYTES / 1e6:.1f} MB"
        )
    return text


def write_page(text: str, path: str | os.PathLike[str]) -> Path:
    """Write a page atomically (a temporary file in the same folder, then ``os.replace``)."""
    target = Path(path)
    with atomic_path(target) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return target


def escape(text: Any) -> str:
    return html.escape(str(text))


__all__ = [
    "MAX_BYTES",
    "PageTooLarge",
    "build_page",
    "escape",
    "json_for_script",
    "png_data_uri",
    "write_page",
]
