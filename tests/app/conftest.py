"""AppTest fixtures: a private data directory and a helper opening app.py on a stored sample design."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

# The project root must come before tests/ on sys.path: without tests/__init__.py, pytest puts tests/
# first and `import engine` would find the namespace folder tests/engine instead of the package.
ROOT = Path(__file__).resolve().parents[2]
if sys.path[:1] != [str(ROOT)]:
    sys.path.insert(0, str(ROOT))
if getattr(sys.modules.get("engine"), "__file__", "") is None:
    del sys.modules["engine"]

import pytest  # noqa: E402
from app_harness import APP, TIMEOUT_S, store_sample  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Every test autosaves into its own temp directory (DDB_WORKBENCH_DATA)."""
    from ui import store

    path = tmp_path / "data"
    monkeypatch.setenv("DDB_WORKBENCH_DATA", str(path))
    monkeypatch.delenv("DDB_WORKBENCH_DATABASE_URL", raising=False)
    monkeypatch.delenv("DDB_WORKBENCH_ACCESS_CODE", raising=False)
    yield path
    store.reset()


@pytest.fixture
def open_app() -> Callable[..., AppTest]:
    """Open app.py with ?design=<id> of a stored sample and run it once."""

    def _open(sample: str | None = None, design_id: str | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
        if sample is not None:
            at.query_params["design"] = store_sample(sample, design_id)
        elif design_id is not None:
            at.query_params["design"] = design_id
        return at.run()

    return _open
