"""Import direction (ARCHITECTURE.md): views (page scripts) -> ui -> engine; engine never imports streamlit.

engine/ may import only the standard library, pydantic, numpy, sortedcontainers, pyyaml (and
plotly in engine/charts.py); ui/ never imports views/; the CLI path stays light.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENGINE_ALLOWED_THIRD_PARTY = {"pydantic", "pydantic_core", "numpy", "sortedcontainers", "yaml"}
PLOTLY_ALLOWED = {"engine/charts.py"}
STDLIB = set(sys.stdlib_module_names)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}  # `from engine import heat` too
    return found


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", python_files("engine"), ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_imports_only_allowed_packages(path):
    rel = str(path.relative_to(ROOT))
    for module in imports_of(path):
        top = module.split(".")[0]
        if top in STDLIB or top == "engine" or top in ENGINE_ALLOWED_THIRD_PARTY:
            continue
        if top == "plotly" and rel in PLOTLY_ALLOWED:
            continue
        pytest.fail(f"{rel} imports {module}: engine/ must stay headless (allowed: stdlib, "
                    f"{sorted(ENGINE_ALLOWED_THIRD_PARTY)}; plotly only in {sorted(PLOTLY_ALLOWED)})")


@pytest.mark.parametrize("path", python_files("ui"), ids=lambda p: str(p.relative_to(ROOT)))
def test_ui_never_imports_pages(path):
    for module in imports_of(path):
        assert module.split(".")[0] != "views", f"{path.relative_to(ROOT)} imports {module}: ui/ must not import views/"


# What a page may import from the engine: figures (charts), error and model types, limits. Anything that computes
# (evaluate, heat, consistency, sandbox, patterns, io...) goes through ui/ (issue 14: collections_page imported
# engine.sandbox and engine.patterns).
VIEW_ENGINE_IMPORTS = ("engine.charts", "engine.errors", "engine.model")


@pytest.mark.parametrize("path", python_files("views") + [ROOT / "app.py"], ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_import_only_ui_and_headless_helpers_from_the_engine(path):
    for module in imports_of(path):
        if module == "engine" or module.split(".")[0] != "engine":
            continue
        assert any(module == a or module.startswith(a + ".") for a in VIEW_ENGINE_IMPORTS), (
            f"{path.relative_to(ROOT)} imports {module}: pages reach the engine through ui/ "
            f"(allowed here: {', '.join(VIEW_ENGINE_IMPORTS)})")


@pytest.mark.parametrize("path", python_files("views") + [ROOT / "app.py"], ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_do_not_reach_past_ui_into_state(path):
    """Pages may use engine types, but never st.cache_data themselves (only ui/cache.py caches)."""
    text = path.read_text(encoding="utf-8")
    assert "st.cache_data" not in text and "st.cache_resource" not in text, \
        f"{path.relative_to(ROOT)} caches on its own; call the engine through ui/cache.py"


def test_no_pages_folder():
    """A folder named pages/ next to app.py switches Streamlit's legacy router on for the first run of a
    server process, which shows 'Page not found' on deep links (see docs/ARCHITECTURE.md)."""
    assert not (ROOT / "pages").exists()


def _engine_module_imports() -> dict[str, set[str]]:
    """engine module -> the engine modules it imports at module level (not inside functions or TYPE_CHECKING)."""
    names = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
             for p in python_files("engine")}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        found: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
        # a package's __init__ re-exporting its own modules is not a dependency of the package on itself
        graph[name] = {m for m in found & names.keys() if m != name and not m.startswith(name + ".")}
    return graph


def test_engine_modules_import_each_other_in_one_direction():
    """No import cycle between engine modules (engine/consistency/ is split by concept on this rule)."""
    graph = _engine_module_imports()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        if module in path:
            pytest.fail("import cycle: " + " -> ".join(path[path.index(module):] + (module,)))
        if module not in done:
            for dep in sorted(graph[module]):
                visit(dep, path + (module,))
            done.add(module)

    for module in sorted(graph):
        visit(module, ())


def test_no_helper_dump_modules():
    banned = {"utils.py", "common.py", "helpers.py"}
    found = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py") if p.name in banned and ".venv" not in p.parts]
    assert not found, found


def test_cli_start_up_imports_no_ui_libraries():
    code = ("import sys, engine.cli; engine.cli.build_parser(); "
            "print(','.join(m for m in ('streamlit', 'plotly', 'numpy', 'pydantic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    loaded = set(filter(None, out.stdout.strip().split(",")))
    assert not loaded & {"streamlit", "plotly"}, f"the CLI parser imports {loaded}"
    assert not loaded, f"building the CLI parser should import no heavy library, got {loaded}"
