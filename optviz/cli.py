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
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


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
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, required=True
    )

    p = sub.add_parser(
        "render",
        help="render scenario files",
        description=textwrap.dedent("""\
        Render each SCENARIO (a .toml file) into DIR/<scenario stem>.<ext>, one file per output format.
        Formats come from the scenario's [output] formats unless --format is given.
        Nothing is written for a scenario that fails validation."""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenarios", nargs="+", metavar="SCENARIO", type=Path, help="scenario .toml files"
    )
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
        help="override the formats: png,svg,pdf,gif",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")

    p = sub.add_parser(
        "gallery",
        help="render every scenario into the gallery",
        description=textwrap.dedent("""\
        Render every scenarios/*.toml into DIR (default: gallery/) in parallel processes, and write DIR/README.md,
        an index with each image and the command that made it. A failing scenario is reported and the others
        still render; the exit code is non-zero at the end if any failed."""),
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
        default=Path("scenarios"),
        metavar="DIR",
        help="scenario folder (default: scenarios)",
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
        "--format", type=_formats, default=None, metavar="FMT[,FMT]", help="override the formats"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser(
        "list",
        help="list surfaces, rules, figure kinds and scenarios",
        description="List the registered surfaces, update rules and figure kinds, and the scenarios in a folder, with one-line descriptions.",
    )
    p.add_argument(
        "--scenarios",
        type=Path,
        default=Path("scenarios"),
        metavar="DIR",
        help="scenario folder (default: scenarios)",
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
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", type=Path)
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(_COMMANDS[args.command](args) or EXIT_OK)
    except KeyboardInterrupt:
        print("optviz: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `optviz list | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except _UsageError as err:
        print(f"optviz {args.command}: {err}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as err:
        if os.environ.get("OPTVIZ_DEBUG"):
            traceback.print_exc()
        print(f"optviz {args.command}: {type(err).__name__}: {err}", file=sys.stderr)
        return EXIT_FAILED


class _UsageError(Exception):
    pass


def _render(args: argparse.Namespace) -> int:
    from optviz.scenario import ScenarioError, load, render

    out = args.output
    if out.exists() and not out.is_dir():
        raise _UsageError(f"{out}: is a file, not a folder")
    scenarios = []
    # Validate every file first: a bad one stops the command before anything is written.
    for path in args.scenarios:
        try:
            scenarios.append(load(path))
        except ScenarioError as err:
            print(err, file=sys.stderr)
            return EXIT_USAGE
    out.mkdir(parents=True, exist_ok=True)
    for sc in scenarios:
        try:
            written = render(sc, out, formats=args.format, quiet=args.quiet)
        except (
            ScenarioError
        ) as err:  # found only while running (a start where the loss is undefined)
            print(err, file=sys.stderr)
            return EXIT_USAGE
        if not args.quiet:
            for path in written:
                print(path)
    return EXIT_OK


def _gallery(args: argparse.Namespace) -> int:
    from optviz.scenario.gallery import build_gallery

    if not args.scenarios.is_dir():
        raise _UsageError(
            f"{args.scenarios}: no such folder (run from the project root, or pass --scenarios DIR)"
        )
    if args.jobs is not None and args.jobs < 1:
        raise _UsageError(f"--jobs must be at least 1, got {args.jobs}")
    args.output.mkdir(parents=True, exist_ok=True)
    failures = build_gallery(
        args.scenarios, args.output, jobs=args.jobs, formats=args.format, quiet=args.quiet
    )
    for message in failures:
        print(message, file=sys.stderr)
    if not args.quiet:
        total = len(list(args.scenarios.glob("*.toml")))
        index = args.output / "README.md"
        print(
            f"{total - len(failures)} of {total} scenarios rendered into {args.output} (index: {index})"
        )
    return EXIT_USAGE if failures else EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from optviz.figures import figure_kind, kind_names
    from optviz.optimizers import rule_description, rule_names, rule_parameters
    from optviz.scenario import ScenarioError, load
    from optviz.surfaces import surface_description, surface_names, surface_parameters

    def section(title: str, rows: list[tuple[str, str]]) -> None:
        print(title)
        width = max((len(name) for name, _ in rows), default=0)
        for name, text in rows:
            print(f"  {name:<{width}}  {text}")
        print()

    if args.kind is not None:
        from optviz._validate import ParameterError

        try:
            kind = figure_kind(args.kind)
        except ParameterError as err:
            raise _UsageError(f"--kind: {err.message}") from None
        print(f"{kind.name}: {kind.description}")
        print(f"  [surface]: {kind.surface}; [[run]]: {kind.runs}; animated: {kind.animated}")
        if kind.surfaces is not None:
            print(f"  draws {kind.surfaces.says}")
        if kind.study is not None:
            print(f"  its numbers: {kind.study} (run by render and check before drawing)")
        rows = [(f"{name} = {default!r}", doc) for name, default, doc in kind.options.describe()]
        section("[figure] options:", rows or [("(none)", "")])
        return EXIT_OK
    section(
        "Surfaces (optviz.surface(name)), with their parameters:",
        [(n, surface_description(n) + _signature(surface_parameters(n))) for n in surface_names()],
    )
    section(
        "Rules ([[run]] rule = ...), with their hyperparameters:",
        [(n, rule_description(n) + _signature(rule_parameters(n))) for n in rule_names()],
    )
    section("Figure kinds (kind = ...):", [(n, figure_kind(n).description) for n in kind_names()])
    rows = []
    if args.scenarios.is_dir():
        for path in sorted(args.scenarios.glob("*.toml")):
            try:
                rows.append((path.name, load(path).title))
            except ScenarioError as err:
                rows.append((path.name, f"INVALID: {err.field}: {err.message}"))
    section(f"Scenarios ({args.scenarios}/):", rows or [("(none)", "")])
    return EXIT_OK


def _signature(params: dict) -> str:
    """A second line ``kappa=10.0, angle=0.0`` for ``optviz list`` (nothing when there are no parameters)."""
    import inspect

    parts = [k if v is inspect.Parameter.empty else f"{k}={v!r}" for k, v in params.items()]
    return "\n    " + ", ".join(parts) if parts else ""


def _check(args: argparse.Namespace) -> int:
    from optviz.scenario import ScenarioError, check, load

    status = EXIT_OK
    for path in args.scenarios:
        try:
            scenario = load(path)
            if not args.render:
                check(scenario)  # everything a render does but drawing
                print(f"{path}: ok")
                continue
            findings = _legibility(scenario)
        except ScenarioError as err:
            print(err, file=sys.stderr)
            status = EXIT_USAGE
            continue
        if not findings:
            print(f"{path}: ok, legible")
            continue
        print(f"{path}: {len(findings)} legibility finding{'s' if len(findings) > 1 else ''}")
        for finding in findings:
            print(f"  {finding}")
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
    from optviz.explorer import main as explore_main

    return int(explore_main(args.target, rules=args.rule) or EXIT_OK)


_COMMANDS = {
    "render": _render,
    "gallery": _gallery,
    "list": _list,
    "check": _check,
    "explore": _explore,
}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
