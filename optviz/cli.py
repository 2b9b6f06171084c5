"""The ``optviz`` command: render scenarios, regenerate the gallery, list what exists, check files, explore.

Exit codes: 0 success; 1 a render failed for another reason; 2 bad input (a scenario error, a bad option).
Errors are one line on stderr, never a traceback (``OPTVIZ_DEBUG=1`` shows it).
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from optviz._version import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own errors: one line and exit code 2
        from optviz._text import visible

        self.exit(EXIT_USAGE, visible(f"{self.prog}: error: {message}") + "\n")


def _formats(text: str) -> tuple[str, ...]:
    from optviz.scenario.schema import FORMATS

    items = tuple(x.strip().lower() for x in text.split(",") if x.strip())
    bad = [x for x in items if x not in FORMATS]
    if bad or not items:
        raise argparse.ArgumentTypeError(
            f"unknown format {bad[0] if bad else text!r} (use a comma-separated list of: {', '.join(FORMATS)})"
        )
    return items


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="optviz",
        description="See how optimizers move: render scenario files into slide-ready figures and GIFs.",
        epilog="Run 'optviz COMMAND --help' for a command's options. Scenario format: see the README.",
    )
    parser.add_argument("--version", action="version", version=f"optviz {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser(
        "render",
        help="render scenario files",
        description=textwrap.dedent("""\
        Render each SCENARIO (a .toml file) into DIR/<scenario stem>.<ext>, one file per output format.
        Formats come from the scenario's [output] formats unless --format is given.
        All or nothing: every scenario is validated, computed and drawn first, and the files are
        replaced only when all of them have rendered; a failure is reported per file and writes
        nothing. --example NAME renders a scenario shipped with optviz ('optviz list' names them)."""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenarios", nargs="*", metavar="SCENARIO", type=Path, help="scenario .toml files"
    )
    _example_option(p)
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="output folder (default: current folder)",
    )
    p.add_argument(
        "--format",
        type=_formats,
        default=None,
        metavar="FMT[,FMT]",
        help="override the formats: png,svg,pdf,gif,html (html: an interactive page)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")

    p = sub.add_parser(
        "gallery",
        help="render every scenario into the gallery",
        description=textwrap.dedent("""\
        Render every scenarios/*.toml into DIR (default: gallery/) in parallel processes, and write DIR/README.md,
        an index with each image and the command that made it. Without a scenarios/ folder here (an optviz
        installed without a clone), the scenarios shipped with optviz are rendered. A failing scenario is
        reported and the others still render; the exit code is non-zero at the end if any failed. Where torch
        is installed, the loss landscapes of a real network (python -m optviz.landscape.gallery) render too.
        --check also measures each figure's legibility as it is written (as optviz check --render does) and
        prints the findings; then the exit code is 1 if there are findings and nothing failed."""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("gallery"),
        metavar="DIR",
        help="output folder (default: gallery)",
    )
    p.add_argument(
        "--scenarios",
        type=Path,
        default=None,
        metavar="DIR",
        help="scenario folder (default: scenarios/, or the scenarios shipped with optviz)",
    )
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="parallel processes (default: the number of CPUs)",
    )
    p.add_argument(
        "--format",
        type=_formats,
        default=None,
        metavar="FMT[,FMT]",
        help="only these formats, for each scenario whose kind writes them (e.g. html: the pages); the index keeps listing the other files",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="also report each figure's legibility findings (optviz.testing.check_legibility)",
    )
    p.add_argument(
        "--no-landscape",
        dest="landscape",
        action="store_false",
        help="skip the loss landscapes of a real network (rendered by default where torch is installed)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser(
        "list",
        help="list surfaces, rules, schedules, figure kinds and scenarios",
        description="List the registered surfaces, update rules, lr schedules and figure kinds, the scenarios in a"
        " folder and the examples shipped with optviz, with one-line descriptions.",
    )
    p.add_argument(
        "--scenarios",
        type=Path,
        default=None,
        metavar="DIR",
        help="scenario folder (default: scenarios/ if there is one)",
    )
    p.add_argument(
        "--kind",
        metavar="KIND",
        default=None,
        help="show one figure kind's [figure] options, with their defaults",
    )

    p = sub.add_parser(
        "check",
        help="validate scenario files without rendering (--render: and check their legibility)",
        description="Validate each SCENARIO as a render would (its runs and studies included, only the"
        " drawing left out) and print 'ok' or its error. Exit code 2 if any is invalid. With --render, also"
        " draw each figure at its output size and print the legibility findings of design section 11 (text"
        " over data, text over text, clipped text, hidden series, blank bands), one a line with where it is;"
        " exit code 1 if there are any. Nothing is written.",
    )
    p.add_argument("scenarios", nargs="*", metavar="SCENARIO", type=Path)
    _example_option(p)
    p.add_argument(
        "--render",
        action="store_true",
        help="draw each figure and report its legibility findings (optviz.testing.check_legibility)",
    )

    p = sub.add_parser(
        "explore",
        help="open an interactive explorer window",
        description="Open the interactive explorer on a surface (by name), or 'classifier' for the lecture's linear-classifier demo.",
    )
    p.add_argument(
        "target",
        metavar="SURFACE|classifier",
        help="a surface name (see 'optviz list') or 'classifier'",
    )
    p.add_argument(
        "--rule",
        action="append",
        default=None,
        metavar="RULE",
        help="rule to show (repeatable; default: gd and momentum)",
    )
    p.add_argument(
        "--html",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the explorer as one self-contained HTML page instead of opening a window",
    )
    return parser


def _example_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--example",
        action="append",
        default=[],
        metavar="NAME",
        help="a scenario shipped with optviz, by name (repeatable; 'optviz list' names them)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # bare `optviz`: what it can do
        parser.print_help()
        return EXIT_OK
    try:
        return int(_COMMANDS[args.command](args) or EXIT_OK)
    except KeyboardInterrupt:
        print("optviz: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `optviz list | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except _UsageError as err:
        _say(f"optviz {args.command}: {err}")
        return EXIT_USAGE
    except Exception as err:
        if os.environ.get("OPTVIZ_DEBUG"):
            traceback.print_exc()
        _say(f"optviz {args.command}: {type(err).__name__}: {err}")
        return EXIT_FAILED


def _say(line: object, *, out: bool = False) -> None:
    """Print one line, its control characters made visible (names and keys come from untrusted files)."""
    from optviz._text import visible

    print(visible(line), file=sys.stdout if out else sys.stderr)


class _UsageError(Exception):
    pass


def _sources(args: argparse.Namespace) -> list[Path]:
    """The scenario files a command was given: its SCENARIO arguments, then its --example names."""
    from optviz._validate import ParameterError
    from optviz.scenario.examples import example

    paths = list(args.scenarios)
    for name in args.example:
        try:
            paths.append(example(name))
        except ParameterError as err:
            raise _UsageError(str(err)) from None
    if not paths:
        raise _UsageError(
            "give at least one SCENARIO file or --example NAME ('optviz list' names them)"
        )
    return paths


def _output_folder(out: Path) -> None:
    """Create the output folder, or say in one line why it cannot be."""
    if out.exists() and not out.is_dir():
        raise _UsageError(f"{out}: is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise _UsageError(f"-o {out}: cannot create the folder ({err.strerror or err})") from None


def _render(args: argparse.Namespace) -> int:
    from optviz.scenario import ScenarioError, load
    from optviz.scenario.render import RenderFailed, outputs, render_all

    sources = _sources(args)
    scenarios, status = [], EXIT_OK
    # Validate every file first: a bad one stops the command before anything is drawn or written.
    for path in sources:
        try:
            scenario = load(path)
            outputs(scenario, args.output, args.format)  # a format the kind cannot write
            scenarios.append(scenario)
        except ScenarioError as err:
            _say(err)
            status = EXIT_USAGE
    if status != EXIT_OK:
        return status
    _output_folder(args.output)
    try:
        written = render_all(scenarios, args.output, formats=args.format, quiet=args.quiet)
    except RenderFailed as failed:
        for line in failed.errors:
            _say(line)
        if failed.total > 1:
            _say(
                f"optviz render: nothing written ({len(failed.errors)} of {failed.total} scenarios"
                " failed; the files are replaced only when all of them render)"
            )
        return EXIT_USAGE
    if not args.quiet:
        for path in written:
            _say(path, out=True)
    return EXIT_OK


def _scenario_folder(args: argparse.Namespace) -> tuple[Path | None, bool]:
    """The folder of scenarios a command reads: --scenarios, else ./scenarios, else the examples shipped with
    optviz (the second value says which: True for the shipped ones)."""
    from optviz.scenario.examples import example_dir

    if args.scenarios is not None:
        return args.scenarios, False
    if Path("scenarios").is_dir():
        return Path("scenarios"), False
    return example_dir(), True


def _gallery(args: argparse.Namespace) -> int:
    from optviz.scenario.gallery import build_gallery, split_findings

    folder, shipped = _scenario_folder(args)
    if folder is None or not folder.is_dir():
        raise _UsageError(
            f"{folder or 'scenarios'}: no such folder (run from the project root, or pass --scenarios DIR)"
        )
    if args.jobs is not None and args.jobs < 1:
        raise _UsageError(f"--jobs must be at least 1, got {args.jobs}")
    _output_folder(args.output)
    check = None
    if args.check:
        from optviz.testing.legibility import check_legibility as check
    failures, findings = split_findings(
        build_gallery(
            folder,
            args.output,
            jobs=args.jobs,
            formats=args.format,
            quiet=args.quiet,
            shipped=shipped,
            landscape=args.landscape,
            check=check,
        )
    )
    for message in failures:
        _say(message)
    for message in findings:
        _say(message, out=True)
    if not args.quiet:
        from optviz.scenario.gallery import torch_available

        total = len(list(folder.glob("*.toml")))
        index = args.output / "README.md"
        scenario_failures = [m for m in failures if not m.startswith("optviz.landscape")]
        _say(
            f"{total - len(scenario_failures)} of {total} scenarios rendered into {args.output} (index: {index})",
            out=True,
        )
        if args.format:
            _say(
                f"(--format {','.join(args.format)}: each scenario wrote those of these formats its kind has; "
                "the index still lists its other files)",
                out=True,
            )
        if args.landscape and not torch_available():
            _say(
                "loss landscapes not rendered: torch is not installed (pip install 'optviz[torch]')",
                out=True,
            )
        elif args.landscape and len(scenario_failures) == len(failures):
            _say(f"loss landscapes of a real network rendered into {args.output}", out=True)
    if failures:
        return EXIT_USAGE
    if findings and not args.quiet:
        _say(f"{len(findings)} legibility finding{'s' if len(findings) > 1 else ''}", out=True)
    return EXIT_FAILED if findings else EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from optviz.figures import figure_kind, kind_names
    from optviz.optimizers import rule_description, rule_names, rule_parameters
    from optviz.scenario.examples import example_dir
    from optviz.schedules import schedule_description, schedule_names, schedule_parameters
    from optviz.surfaces import surface_description, surface_names, surface_parameters

    if args.kind is not None:
        return _list_kind(args.kind)
    _section(
        "Surfaces (optviz.surface(name)), with their parameters:",
        [(n, surface_description(n) + _signature(surface_parameters(n))) for n in surface_names()],
    )
    _section(
        "Rules ([[run]] rule = ...), with their hyperparameters:",
        [(n, rule_description(n) + _signature(rule_parameters(n))) for n in rule_names()],
    )
    _section(
        "Schedules ([[run]] schedule = { name = ..., ... }), with their parameters:",
        [
            (n, schedule_description(n) + _signature(schedule_parameters(n)))
            for n in schedule_names()
        ],
    )
    _section("Figure kinds (kind = ...):", [(n, figure_kind(n).description) for n in kind_names()])
    shipped = example_dir()
    folder = args.scenarios if args.scenarios is not None else Path("scenarios")
    if args.scenarios is not None or folder.is_dir():
        same = shipped is not None and folder.is_dir() and folder.resolve() == shipped
        where = f"{folder}/" + (", the ones shipped with optviz" if same else "")
        _section(f"Scenarios ({where}):", _scenario_rows(folder) or [("(none)", "")])
        if same:
            return EXIT_OK
    if shipped is not None:
        _section(
            "Examples shipped with optviz (optviz render --example NAME; optviz gallery -o DIR renders all):",
            _scenario_rows(shipped, stems=True) or [("(none)", "")],
        )
    return EXIT_OK


def _section(title: str, rows: list[tuple[str, str]]) -> None:
    from optviz._text import visible

    print(title)
    width = max((len(visible(name)) for name, _ in rows), default=0)
    for name, text in rows:
        # A description's own line breaks (the parameters' line) stay; anything else is made visible.
        shown = "\n".join(visible(line) for line in text.split("\n"))
        print(f"  {visible(name):<{width}}  {shown}")
    print()


def _scenario_rows(folder: Path, *, stems: bool = False) -> list[tuple[str, str]]:
    from optviz.scenario import ScenarioError, load

    rows = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        name = path.stem if stems else path.name
        try:
            rows.append((name, load(path).title))
        except ScenarioError as err:
            rows.append((name, f"INVALID: {err.field}: {err.message}"))
    return rows


def _list_kind(name: str) -> int:
    from optviz._validate import ParameterError
    from optviz.figures import figure_kind
    from optviz.optimizers import rule_names
    from optviz.surfaces import surface_names

    try:
        kind = figure_kind(name)
    except ParameterError as err:
        # A name of another list: say what it is, and where its details are.
        if name in surface_names():
            raise _UsageError(
                f"--kind: {name!r} is a surface, not a figure kind ('optviz list' shows its parameters;"
                f" a scenario names it as [surface] name = {name!r})"
            ) from None
        if name in rule_names():
            raise _UsageError(
                f"--kind: {name!r} is an update rule, not a figure kind ('optviz list' shows its"
                f" hyperparameters; a scenario names it as [[run]] rule = {name!r})"
            ) from None
        raise _UsageError(f"--kind: {err.message}") from None
    print(f"{kind.name}: {kind.description}")
    print(f"  [surface]: {kind.surface}; [[run]]: {kind.runs}; animated: {kind.animated}")
    if kind.surfaces is not None:
        print(f"  draws {kind.surfaces.says}")
    if kind.study is not None:
        print(f"  its numbers: {kind.study} (run by render and check before drawing)")
    rows = [(f"{name} = {default!r}", doc) for name, default, doc in kind.options.describe()]
    _section("[figure] options:", rows or [("(none)", "")])
    return EXIT_OK


def _signature(params: dict) -> str:
    """A second line ``kappa=10.0, angle=0.0`` for ``optviz list`` (nothing when there are no parameters)."""
    import inspect

    parts = [k if v is inspect.Parameter.empty else f"{k}={v!r}" for k, v in params.items()]
    return "\n    " + ", ".join(parts) if parts else ""


def _check(args: argparse.Namespace) -> int:
    from optviz.scenario import ScenarioError, check, load

    status = EXIT_OK
    for path in _sources(args):
        try:
            scenario = load(path)
            if not args.render:
                check(scenario)  # everything a render does but drawing
                _say(f"{path}: ok", out=True)
                continue
            findings = _legibility(scenario)
        except ScenarioError as err:
            _say(err)
            status = EXIT_USAGE
            continue
        if not findings:
            _say(f"{path}: ok, legible", out=True)
            continue
        _say(
            f"{path}: {len(findings)} legibility finding{'s' if len(findings) > 1 else ''}",
            out=True,
        )
        for finding in findings:
            _say(f"  {finding}", out=True)
        status = max(status, EXIT_FAILED)
    return status


def _legibility(scenario: Any) -> list[Any]:
    """The legibility findings of a scenario's figure, drawn as ``render`` draws it (nothing written)."""
    from optviz.scenario.render import scene_for
    from optviz.testing.legibility import check_legibility

    scene = scene_for(scenario)
    try:
        return check_legibility(scene.fig)
    finally:
        scene.close()


def _explore(args: argparse.Namespace) -> int:
    if args.html is not None:
        return _explore_html(args)
    from optviz.explorer import main as explore_main

    return int(explore_main(args.target, rules=args.rule) or EXIT_OK)


def _explore_html(args: argparse.Namespace) -> int:
    from optviz._validate import ParameterError, unknown_name_message
    from optviz.optimizers import rule_names
    from optviz.surfaces import surface_names
    from optviz.web import to_html

    out = args.html
    if out.exists() and out.is_dir():
        raise _UsageError(
            f"{out}: is a folder; give the page's file name (e.g. {out / 'page.html'})"
        )
    if args.target == "classifier":
        if args.rule:
            raise _UsageError("--rule applies to surfaces, not to the classifier demo")
        options = {}
    else:
        if args.target not in surface_names():
            names = [*surface_names(), "classifier"]
            raise _UsageError(unknown_name_message(args.target, names, what="surface"))
        for r in args.rule or ():
            if r not in rule_names():
                raise _UsageError(f"--rule: {unknown_name_message(r, rule_names(), what='rule')}")
        options = {"rules": args.rule} if args.rule else {}
    try:
        to_html(args.target, out, **options)
    except ParameterError as err:
        raise _UsageError(str(err)) from None
    print(out)
    return EXIT_OK


_COMMANDS = {
    "render": _render,
    "gallery": _gallery,
    "list": _list,
    "check": _check,
    "explore": _explore,
}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
