"""The house rules a newcomer relies on: Streamlit only on the Streamlit side, SQL only in the store."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STREAMLIT_SIDE = {"app.py", "pages", "ui"}
TOOLS = {"tests", "bench", "scripts", "notebooks", ".venv"}


def modules() -> list[Path]:
    """Every Python file of the app itself (not the tests, benchmarks and scripts)."""
    return [path for path in ROOT.rglob("*.py")
            if path.relative_to(ROOT).parts[0] not in TOOLS and not any(part.startswith(".")
                                                                        for part in path.relative_to(ROOT).parts)]


def imported(path: Path) -> set[str]:
    """The top-level packages a file imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_only_app_py_pages_and_the_ui_package_import_streamlit():
    found = modules()
    assert {"indicators.py", "disclosure.py", "html.py", "data.py"} <= {path.name for path in found}
    outside = [str(path.relative_to(ROOT)) for path in found
               if path.relative_to(ROOT).parts[0] not in STREAMLIT_SIDE and "streamlit" in imported(path)]
    assert outside == []


def test_only_the_store_knows_sql():
    sql = {"sqlalchemy", "sqlite3", "psycopg", "psycopg2"}
    outside = [str(path.relative_to(ROOT)) for path in modules()
               if path.name != "store.py" and imported(path) & sql]
    assert outside == []
