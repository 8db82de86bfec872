"""How many of the engine's function parameters are typed `Any` or not annotated at all (issue: typed seams).

Walks engine/**/*.py with ast and counts every parameter of every `def` (positional-only, positional,
keyword-only, *args, **kwargs; lambdas cannot be annotated and are not counted), leaving out a method's
`self` / `cls`. A parameter is "Any" when its annotation is `Any` itself (or `typing.Any`; an alias such as
`JsonValue = Any` is not followed, it names what the value is), "in" when `Any` is only inside its type
(`Any | None`, `Sequence[Any]`, `dict[str, Any]`), "none" when it has no annotation.
Prints the totals and the 15 modules with the most Any or unannotated parameters.

`--ref REV` also measures engine/ as of git revision REV (e.g. the commit before a change), for a
before/after table. Not a test: run `python benchmarks/typed_parameters.py [--ref REV] [--top N]`.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Counts:
    total: int = 0
    any_typed: int = 0
    any_inside: int = 0
    unannotated: int = 0
    any_by_module: Counter[str] = field(default_factory=Counter)
    inside_by_module: Counter[str] = field(default_factory=Counter)
    unannotated_by_module: Counter[str] = field(default_factory=Counter)
    total_by_module: Counter[str] = field(default_factory=Counter)


def _is_any(annotation: ast.expr) -> bool:
    """True when the annotation is `Any` itself (bare, typing.Any or quoted)."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return False
    return ((isinstance(annotation, ast.Name) and annotation.id == "Any")
            or (isinstance(annotation, ast.Attribute) and annotation.attr == "Any"))


def _mentions_any(annotation: ast.expr) -> bool:
    """True when the annotation names `Any` (bare, as typing.Any, or inside a union, subscript or string)."""
    for node in ast.walk(annotation):
        if isinstance(node, ast.Name) and node.id == "Any":
            return True
        if isinstance(node, ast.Attribute) and node.attr == "Any":
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a quoted annotation
            try:
                inner = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                continue
            if _mentions_any(inner):
                return True
    return False


def _parameters(fn: ast.FunctionDef | ast.AsyncFunctionDef, in_class: bool) -> list[ast.arg]:
    a = fn.args
    params = [*a.posonlyargs, *a.args]
    is_static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list)
    if in_class and not is_static and params and params[0].arg in ("self", "cls"):
        params = params[1:]
    params += a.kwonlyargs
    params += [p for p in (a.vararg, a.kwarg) if p is not None]
    return params


def _count_source(module: str, source: str, counts: Counts) -> None:
    tree = ast.parse(source)

    def visit(node: ast.AST, in_class: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                for p in _parameters(child, in_class):
                    counts.total += 1
                    counts.total_by_module[module] += 1
                    if p.annotation is None:
                        counts.unannotated += 1
                        counts.unannotated_by_module[module] += 1
                    elif _is_any(p.annotation):
                        counts.any_typed += 1
                        counts.any_by_module[module] += 1
                    elif _mentions_any(p.annotation):
                        counts.any_inside += 1
                        counts.inside_by_module[module] += 1
                visit(child, False)
            elif isinstance(child, ast.ClassDef):
                visit(child, True)
            else:
                visit(child, in_class)

    visit(tree, False)


def _module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def count_worktree() -> Counts:
    counts = Counts()
    for path in sorted((REPO / "engine").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        _count_source(_module_name(rel), path.read_text(encoding="utf-8"), counts)
    return counts


def count_revision(rev: str) -> Counts:
    counts = Counts()
    names = subprocess.run(["git", "ls-tree", "-r", "--name-only", rev, "--", "engine"], cwd=REPO,
                           check=True, capture_output=True, text=True).stdout.split()
    for rel in sorted(n for n in names if n.endswith(".py")):
        source = subprocess.run(["git", "show", f"{rev}:{rel}"], cwd=REPO, check=True,
                                capture_output=True, text=True).stdout
        _count_source(_module_name(rel), source, counts)
    return counts


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def report(label: str, counts: Counts, top: int) -> None:
    print(f"{label}: {counts.total:,} parameters; Any {counts.any_typed:,} ({_share(counts.any_typed, counts.total)}), "
          f"unannotated {counts.unannotated:,} ({_share(counts.unannotated, counts.total)}); "
          f"Any inside a type {counts.any_inside:,} ({_share(counts.any_inside, counts.total)})")
    worst = Counter({m: counts.any_by_module[m] + counts.unannotated_by_module[m] for m in counts.total_by_module})
    print(f"  {'module':<44} {'Any':>5} {'none':>5} {'in':>5} {'total':>6}")
    for module, untyped in worst.most_common(top):
        if untyped == 0:
            break
        print(f"  {module:<44} {counts.any_by_module[module]:>5} {counts.unannotated_by_module[module]:>5} "
              f"{counts.inside_by_module[module]:>5} {counts.total_by_module[module]:>6}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", help="also measure engine/ at this git revision (the 'before')")
    parser.add_argument("--top", type=int, default=15, help="modules listed (default 15)")
    parser.add_argument("--module", action="append", default=[],
                        help="print this module's counts before/after (repeatable, e.g. engine.heat)")
    args = parser.parse_args()
    after = count_worktree()
    if args.ref:
        before = count_revision(args.ref)
        report(f"before ({args.ref})", before, args.top)
        print()
    report("now (work tree)", after, args.top)
    if args.module:
        print()
        print(f"  {'module':<44} {'Any before':>10} {'after':>6} {'none before':>11} {'after':>6}")
        for m in args.module:
            b = before if args.ref else after
            print(f"  {m:<44} {b.any_by_module[m]:>10} {after.any_by_module[m]:>6} "
                  f"{b.unannotated_by_module[m]:>11} {after.unannotated_by_module[m]:>6}")


if __name__ == "__main__":
    main()
