"""`ddb-workbench samples`: list the sample designs with what each one teaches."""

from __future__ import annotations

import argparse

HELP = "list the sample designs and their lessons"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print [{name, title, teaches, path}] as JSON")


def run(args: argparse.Namespace) -> int:
    from engine.commands import print_json
    from engine.io import iter_samples, sample_path

    rows = [{"name": name, "title": model.name, "teaches": model.lesson.teaches if model.lesson else "",
             "path": str(sample_path(name))} for name, model in iter_samples()]
    if args.json:
        print_json(rows)
        return 0
    width = max((len(r["name"]) for r in rows), default=10)
    for r in rows:
        print(f"{r['name']:<{width}}  {r['title']}")
    return 0
