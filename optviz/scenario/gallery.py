"""``optviz gallery``: every scenario rendered in parallel processes, and an index page.

Each scenario renders in its own process (matplotlib is not thread-safe, and processes use both cores). A bad
scenario is reported and the others still render.
"""

from __future__ import annotations

import concurrent.futures as futures
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

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


def _watch_parent(parent: int) -> None:
    """A worker's initializer: exit as soon as the main process is gone (killed, even by ``kill -9``), so that
    no worker renders on forever for nobody. The files it was writing are temporary ones, which the next run
    in that folder removes (``optviz._io.clean_stale``)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK)
        os._exit(1)

    threading.Thread(target=watch, name="optviz-watch-parent", daemon=True).start()


def _render_one(source: str, out_dir: str, formats: tuple[str, ...] | None) -> Outcome:
    # Runs in a worker process: import inside, so the parent stays light and each worker starts clean.
    import matplotlib

    matplotlib.use("Agg")
    from optviz.scenario import ScenarioError, load, render
    from optviz.scenario.render import failure_line

    path = Path(source)
    try:
        scenario = load(path)
    except ScenarioError as err:
        return Outcome(path, "", "", (), str(err))
    try:
        written = render(scenario, Path(out_dir), formats=formats, quiet=True)
    except Exception as err:
        return Outcome(path, scenario.title, scenario.description, (), failure_line(scenario, err))
    return Outcome(path, scenario.title, scenario.description, tuple(p.name for p in written), None)


def build_gallery(
    scenario_dir: Path,
    out_dir: Path,
    *,
    jobs: int | None = None,
    formats: tuple[str, ...] | None = None,
    quiet: bool = False,
    shipped: bool = False,
) -> list[str]:
    """Render every ``scenario_dir/*.toml`` into ``out_dir`` and write ``out_dir/README.md``; returns the errors.

    ``shipped``: the scenarios are the ones shipped with optviz, and the index's commands say
    ``optviz render --example NAME``.
    """
    sources = sorted(scenario_dir.glob("*.toml"))
    if not sources:
        return [f"{scenario_dir}: no scenario files (*.toml)"]
    jobs = jobs or os.cpu_count() or 1
    outcomes: dict[Path, Outcome] = {}
    with Progress(len(sources), "scenarios", quiet=quiet) as bar:
        if jobs == 1:
            for src in sources:
                outcomes[src] = _render_one(str(src), str(out_dir), formats)
                bar.update(text=src.stem)
        else:
            with futures.ProcessPoolExecutor(
                max_workers=min(jobs, len(sources)),
                initializer=_watch_parent,
                initargs=(os.getpid(),),
            ) as pool:
                pending = {
                    pool.submit(_render_one, str(s), str(out_dir), formats): s for s in sources
                }
                for done in futures.as_completed(pending):
                    src = pending[done]
                    outcomes[src] = done.result()
                    bar.update(text=src.stem)
    ordered = [outcomes[s] for s in sources]
    write_index(ordered, scenario_dir, out_dir, shipped=shipped)
    return [o.error for o in ordered if o.error]


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
        others = [n for n in o.written if n not in shown]
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
    target = out_dir / "README.md"
    with atomic_path(target) as tmp:
        tmp.write_text("\n".join(lines), encoding="utf-8")
    return target
