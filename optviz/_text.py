"""Untrusted text made safe to show: in a terminal, in Markdown and HTML, and in a shell command.

A scenario file's keys, titles and file names reach error messages, ``optviz list``, the gallery's index and
the test report. Written raw, ``"\\x1b[2J"`` would clear the user's terminal, a newline would forge a second
message line, and a title could open raw HTML in a Markdown page. Each function here is the one way its kind
of output writes such text.

>>> visible("FAKE\\x1b[2J\\nline2")
'FAKE\\\\x1b[2J\\\\nline2'
>>> markdown("<img onerror=x> *not bold* [a](b)")
'&lt;img onerror=x&gt; \\\\*not bold\\\\* \\\\[a\\\\](b)'
>>> shell_quote("sc/$(touch PWN).toml")
"'sc/$(touch PWN).toml'"
"""

from __future__ import annotations

import html as _html
import re
import shlex
import unicodedata
from urllib.parse import quote

# Characters a terminal or a page acts on instead of showing: C0/C1 controls and DEL (Cc), format characters
# such as bidirectional overrides and zero-width spaces (Cf), and the Unicode line and paragraph separators.
_HIDDEN = frozenset(("Cc", "Cf", "Zl", "Zp"))


def _escape(char: str) -> str:
    code = ord(char)
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if char in named:
        return named[char]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: object) -> str:
    """``text`` with every control or invisible formatting character written as an escape (``\\x1b``, ``\\n``,
    ``\\u202e``), so that it prints on one line and shows exactly what it holds. Printable text, accents and
    other scripts are kept as they are. A backslash is kept too: escapes stay readable, and nothing can act."""
    text = str(text)
    if text.isprintable():  # the common case: nothing to do
        return text
    return "".join(_escape(c) if unicodedata.category(c) in _HIDDEN else c for c in text)


def has_hidden(text: str) -> int | None:
    """The index of the first control or invisible formatting character of ``text`` (None if there is none;
    line breaks count: callers that allow them split the text first)."""
    for i, c in enumerate(text):
        if unicodedata.category(c) in _HIDDEN:
            return i
    return None


def escapes(text: str) -> list[bool]:
    """Per character of ``text``: True for a backslash that escapes the next character and for the character it
    escapes (mathtext's and markdown's ``\\{``, ``\\$``: neither is a brace or a dollar).

    >>> escapes(r"a\\$b")
    [False, True, True, False]
    """
    out, escaping = [], False
    for c in text:
        out.append(escaping or c == "\\")
        escaping = not escaping and c == "\\"
    return out


def brace_depth(text: str) -> int:
    """How deep ``{...}`` groups nest in ``text`` (escaped ``\\{`` and ``\\}`` do not count): mathtext's parser
    recurses once per level, so a formula nested too deep cannot be drawn.

    >>> brace_depth(r"$\\frac{1}{\\sqrt{x}} \\{a\\}$")
    2
    """
    depth = deepest = 0
    for c, escaped in zip(text, escapes(text), strict=True):
        if escaped:
            continue
        if c == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif c == "}":
            depth = max(depth - 1, 0)
    return deepest


# Marks that act anywhere in a line (emphasis, code, links, tables, strikethrough), and those that act only at
# its start (headings, lists, quotes are already entities). "<" and "&" become entities: no raw HTML.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
_LEADING = re.compile(r"^(\s*\d*)([#=+-]|(?<=\d)[.)])")


def markdown(text: object) -> str:
    """Text for a Markdown document's prose: HTML escaped (no raw tags), every Markdown mark that could act
    backslashed (no links, emphasis, headings, lists or code fences of its own), control characters visible,
    on one line."""
    text = _INLINE.sub(r"\\\1", _html.escape(visible(text), quote=False))
    return _LEADING.sub(r"\1\\\2", text)


def markdown_url(name: object) -> str:
    """A relative link target for a file ``name``: percent-encoded, so it is always a path beside the page
    (``x](javascript:...`` stays a file name) and never a scheme, a query or a second link."""
    return quote(str(name), safe="")


def html_text(text: object) -> str:
    """Text for an HTML element or attribute: escaped, quotes included, control characters visible."""
    return _html.escape(visible(text), quote=True)


def shell_quote(*words: object) -> str:
    """A command line for a POSIX shell: each word quoted as needed, control characters visible (a file name
    with a newline cannot run a second command when the line is pasted)."""
    return " ".join(shlex.quote(visible(word)) for word in words)


__all__ = [
    "brace_depth",
    "escapes",
    "has_hidden",
    "html_text",
    "markdown",
    "markdown_url",
    "shell_quote",
    "visible",
]
