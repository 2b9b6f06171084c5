"""``optviz gallery``: every scenario rendered in parallel processes, and an index page.

Each scenario renders in its own process (matplotlib is not thread-safe, and processes use both cores). A bad
scenario is reported and the others still render. Where torch is installed, the loss landscapes of a real
network (``optviz.landscape.gallery``, a Python API rather than scenario files) render as one more job; the
index lists them whenever their files are in the output folder.
"""

from __future__ import annotations

import concurrent.futures as futures
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from optviz._io import atomic_path
from optviz._progress import Progress
from optviz._text import markdown, markdown_url, shell_quote

# How often a worker looks whether the gallery's main process is still there (seconds).
PARENT_CHECK = 0.5


@dataclass(frozen=True)
class Outcome:
    source: Path
    title: str
    description: str
    written: tuple[str, ...]
    error: str | None
    findings: tuple[str, ...] = ()  # what ``check`` found on the static figure


def _watch_parent(parent: int) -> None:
    """A worker's initializer: exit as soon as the main process is gone (killed, even by ``kill -9``), so that
    no worker renders on forever for nobody. The files it was writing are temporary ones, which the next run
    in that folder removes (``optviz._io.clean_stale``)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK)
        os._exit(1)

    threading.Thread(target=watch, name="optviz-watch-parent", daemon=True).start()


def _render_one(
    source: str,
    out_dir: str,
    formats: tuple[str, ...] | None,
    check: Callable[[Any], Sequence[Any]] | None = None,
) -> Outcome:
    # Runs in a worker process: import inside, so the parent stays light and each worker starts clean.
    import matplotlib

    matplotlib.use("Agg")
    from optviz.scenario import ScenarioError, load, render
    from optviz.scenario.render import failure_line, writable

    path = Path(source)
    try:
        scenario = load(path)
    except ScenarioError as err:
        return Outcome(path, "", "", (), str(err))
    # Files of the scenario's own formats already there: a render of some formats (--format) keeps listing
    # the others in the index.
    kept = [f"{scenario.stem}.{fmt}" for fmt in scenario.output.formats]
    kept = tuple(name for name in kept if (Path(out_dir) / name).exists())
    if formats is not None:
        formats = writable(scenario, formats)
        # the kind writes none of them (html of a kind without pages): nothing to do
        if not formats:
            return Outcome(path, scenario.title, scenario.description, kept, None)
    found: list[str] = []

    def measure(fig: Any) -> None:
        if check is not None:
            found.extend(str(finding) for finding in check(fig))

    try:
        written = render(
            scenario, Path(out_dir), formats=formats, quiet=True, inspect=measure if check else None
        )
    except Exception as err:
        return Outcome(path, scenario.title, scenario.description, (), failure_line(scenario, err))
    names = tuple(p.name for p in written)
    if formats is not None:
        names = tuple(dict.fromkeys([*kept, *names]))
    return Outcome(path, scenario.title, scenario.description, names, None, tuple(found))


LANDSCAPE = Path("<landscape>")  # the key of the landscape job among the scenario jobs


def torch_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("torch") is not None


def _render_landscape(out_dir: str) -> Outcome:
    # A worker process, like the scenarios: the landscape gallery trains its network and draws its figures.
    from optviz.landscape.gallery import render

    try:
        written = render(out_dir, quiet=True)
    except Exception as err:
        return Outcome(
            LANDSCAPE, "", "", (), f"optviz.landscape.gallery: {type(err).__name__}: {err}"
        )
    return Outcome(LANDSCAPE, "", "", tuple(p.name for p in written), None)


def build_gallery(
    scenario_dir: Path,
    out_dir: Path,
    *,
    jobs: int | None = None,
    formats: tuple[str, ...] | None = None,
    quiet: bool = False,
    shipped: bool = False,
    landscape: bool = True,
    check: Callable[[Any], Sequence[Any]] | None = None,
) -> list[str]:
    """Render every ``scenario_dir/*.toml`` into ``out_dir`` and write ``out_dir/README.md``; returns the errors.

    ``shipped``: the scenarios are the ones shipped with optviz, and the index's commands say
    ``optviz render --example NAME``. ``landscape``: also render the loss-landscape figures
    (``python -m optviz.landscape.gallery``) when torch is installed. The index lists them whenever their files
    are in ``out_dir``. ``check`` (a module-level function, as worker processes call it; for example
    ``optviz.testing.check_legibility``) is called with each scenario's static figure as it is written, and
    each thing it returns is one more line, ``"<scenario file>: legibility: <finding>"`` (see
    :func:`split_findings`), after the errors.
    """
    sources = sorted(scenario_dir.glob("*.toml"))
    if not sources:
        return [f"{scenario_dir}: no scenario files (*.toml)"]
    jobs = jobs or os.cpu_count() or 1
    keys = [*sources, LANDSCAPE] if landscape and torch_available() else list(sources)
    outcomes: dict[Path, Outcome] = {}

    def work(key: Path) -> tuple[Any, tuple[Any, ...]]:
        if key == LANDSCAPE:
            return _render_landscape, (str(out_dir),)
        return _render_one, (str(key), str(out_dir), formats, check)

    with Progress(len(keys), "scenarios", quiet=quiet) as bar:
        if jobs == 1:
            for key in keys:
                fn, args = work(key)
                outcomes[key] = fn(*args)
                bar.update(text=key.stem)
        else:
            with futures.ProcessPoolExecutor(
                max_workers=min(jobs, len(keys)),
                initializer=_watch_parent,
                initargs=(os.getpid(),),
            ) as pool:
                # The landscape job is the longest: it starts first, the scenarios share the other worker.
                pending = {
                    pool.submit(*_flat(work(k))): k
                    for k in sorted(keys, key=lambda k: k != LANDSCAPE)
                }
                for done in futures.as_completed(pending):
                    key = pending[done]
                    outcomes[key] = done.result()
                    bar.update(text=key.stem)
    ordered = [outcomes[s] for s in sources]
    write_index(ordered, scenario_dir, out_dir, shipped=shipped)
    errors = [o.error for o in ordered if o.error]
    if LANDSCAPE in outcomes and outcomes[LANDSCAPE].error:
        errors.append(outcomes[LANDSCAPE].error)
    return errors + [f"{o.source}{FINDING}{finding}" for o in ordered for finding in o.findings]


FINDING = (
    ": legibility: "  # between a scenario file and one of its findings, in build_gallery's lines
)


def split_findings(lines: list[str]) -> tuple[list[str], list[str]]:
    """:func:`build_gallery`'s lines as ``(errors, findings)``."""
    findings = [line for line in lines if FINDING in line and not line.startswith("optviz.")]
    return [line for line in lines if line not in findings], findings


def _flat(job: tuple[Any, tuple[Any, ...]]) -> tuple[Any, ...]:
    fn, args = job
    return (fn, *args)


def write_index(
    outcomes: list[Outcome], scenario_dir: Path, out_dir: Path, *, shipped: bool = False
) -> Path:
    """``out_dir/README.md``: each scenario's title, description, image (or GIF) and the command that made it.

    Titles, descriptions and file names come from the scenario files: they are written as Markdown text
    (no raw HTML, links or code fences of their own; control characters visible), file names as relative
    links, and the commands shell-quoted, so that pasting one runs exactly that command.
    """
    lines = [
        "# optviz gallery",
        "",
        "Every figure here comes from one scenario file and one command. Regenerate them all with",
        "`optviz gallery` (from the project root; see the project README for the pinned set-up).",
        "",
    ]
    for o in outcomes:
        if o.error:
            continue
        lines.append(f"## {markdown(o.title or o.source.stem)}")
        lines.append("")
        if o.description:
            lines += [markdown(o.description.strip()), ""]
        shown = [n for n in o.written if n.endswith((".png", ".gif"))]
        for name in shown:
            lines.append(f"![{markdown(o.source.stem)}]({markdown_url(name)})")
            lines.append("")
        pages = [n for n in o.written if n.endswith(".html")]
        if pages:
            lines.append(
                "Interactive page (one file; open it in a browser): "
                + ", ".join(f"[{markdown(n)}]({markdown_url(n)})" for n in pages)
            )
            lines.append("")
        others = [n for n in o.written if n not in shown and n not in pages]
        if others:
            lines.append(
                "Also: " + ", ".join(f"[{markdown(n)}]({markdown_url(n)})" for n in others)
            )
            lines.append("")
        if shipped:
            command = shell_quote(
                "optviz", "render", "--example", o.source.stem, "-o", out_dir.as_posix()
            )
        else:
            source = f"{scenario_dir.as_posix()}/{o.source.name}"
            command = shell_quote("optviz", "render", source, "-o", out_dir.as_posix())
        lines += ["```bash", command, "```", ""]
    lines += _landscape_index(out_dir)
    target = out_dir / "README.md"
    with atomic_path(target) as tmp:
        tmp.write_text("\n".join(lines), encoding="utf-8")
    return target


def _landscape_index(out_dir: Path) -> list[str]:
    """The index's section on loss landscapes: each figure whose files are in ``out_dir`` (made where torch is
    installed; the section is the same whether or not this machine has torch)."""
    from optviz.landscape.gallery import COMMAND, ENTRIES

    shown = [e for e in ENTRIES if all((out_dir / f).exists() for f in e.files)]
    if not shown:
        return []
    lines = [
        "## Loss landscapes of a real network",
        "",
        "A small network trained three ways, from Python rather than a scenario file (`optviz.landscape`, which",
        "needs torch: `pip install 'optviz[torch]'`). `optviz gallery` renders these too where torch is",
        "installed; on their own:",
        "",
        "```bash",
        COMMAND.format(out=out_dir.as_posix()),
        "```",
        "",
    ]
    for e in shown:
        lines += [f"### {e.title}", "", e.description, ""]
        for name in e.files:
            lines += [f"![{e.stem}]({name})", ""]
    return lines
