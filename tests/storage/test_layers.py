"""The rooms' walls and sizes, read from the source: storage is the layer below the engine, and
no module grows past a few hundred lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 300
# Alembic revisions are history, written once and never edited, so they can't be split.
FROZEN = ROOT / "storage" / "migrations" / "versions"


def modules(room: str) -> list[Path]:
    return sorted(p for p in (ROOT / room).rglob("*.py") if FROZEN not in p.parents)


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_storage_imports_nothing_from_the_engine() -> None:
    reaching_up = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in modules("storage")
        for name in imported_modules(path)
        if name == "bot" or name.startswith("bot.")
    }
    assert modules("storage") and reaching_up == set()


def test_the_walk_sees_an_import_from_the_engine(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import json\nfrom bot.org import tree\n\ndef f():\n    import bot.core\n")
    assert imported_modules(module) == {"json", "bot.org", "bot.core"}


@pytest.mark.parametrize("room", ["bot", "storage", "scheduler", "app"])
def test_no_module_is_over_300_lines(room: str) -> None:
    over = {
        str(path.relative_to(ROOT)): lines
        for path in modules(room)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert modules(room) and over == {}
