"""The walls between the rooms: which code may import which, checked on the source."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "storage", "scheduler", "app", "adapters")


def modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


def imports(path: Path, name: str) -> set[str]:
    """Every module `path` imports, type-checking-only imports included."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


@functools.cache
def import_graph() -> dict[str, set[str]]:
    """Read when a test asks, not when the suite is collected (every worker collects)."""
    return {name: imports(path, name) for name, path in modules()}


def ours(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    return {name: {m for m in deps if m in graph and m != name} for name, deps in graph.items()}


def test_no_import_circle() -> None:
    graph = ours(import_graph())
    seen: dict[str, int] = {}  # 1: on the current path, 2: done
    circles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        seen[name] = 1
        for dep in sorted(graph[name]):
            if seen.get(dep) == 1:
                circles.append([*path[path.index(dep) :], dep])
            elif dep not in seen:
                visit(dep, [*path, dep])
        seen[name] = 2

    for name in sorted(graph):
        if name not in seen:
            visit(name, [name])
    assert circles == []


def test_the_engine_imports_no_platform_and_storage_nothing_above_it() -> None:
    platforms = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "aiohttp", "apscheduler")
    for name, deps in import_graph().items():
        if name.startswith("bot"):
            assert not {d for d in deps if d.startswith((*platforms, "adapters", "app"))}, name
        if name.startswith("storage"):
            assert not {d for d in deps if d.startswith(("bot", "adapters", "app"))}, name


PLATFORM_WORDS = re.compile(
    r"slack|\bms teams\b|\bin teams\b|\bteams (card|app|chat)|adaptive card", re.I
)


def test_the_engine_speaks_of_no_platform() -> None:
    """Platform wording and limits come from the adapters; comments may say why."""
    said = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for name, path in modules()
        if name.startswith("bot")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and PLATFORM_WORDS.search(node.value)
    ]
    assert said == []
