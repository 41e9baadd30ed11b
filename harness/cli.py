"""The ``harness`` command: parses arguments, calls the rooms of the package, prints.

Each subcommand is a small ``_cmd_*`` function; no logic lives here that a
test would want to call without a shell.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = PROJECT_ROOT / "gold"
DEFAULT_SEEDS = PROJECT_ROOT / "seeds"


def _cmd_validate(args: argparse.Namespace) -> int:
    from harness.corpus.validate import gold_files, validate_gold_file

    paths = gold_files([Path(p) for p in args.paths] or [args.gold])
    if not paths:
        print(f"no gold files found in {', '.join(args.paths) or args.gold}", file=sys.stderr)
        return 1
    problems = [p for path in paths for p in validate_gold_file(path, args.seeds)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {len(paths)} file(s)", file=sys.stderr)
        return 1
    print(f"ok: {len(paths)} gold file(s) keep the contract")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harness", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check gold files against the contract in gold/README.md")
    p.add_argument("paths", nargs="*", help="gold files or directories (default: gold/)")
    p.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help=argparse.SUPPRESS)
    p.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="seed texts the gold refers to")
    p.set_defaults(func=_cmd_validate)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
