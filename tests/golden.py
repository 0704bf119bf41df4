"""Golden files: what a renderer gives, against a reviewed copy beside the test.

UPDATE_GOLDEN=1 rewrites the files from this run; review the diff by eye before keeping it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def assert_golden(folder: Path, name: str, actual: str) -> None:
    path = folder / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {name}: run with UPDATE_GOLDEN=1, then review it"
    assert actual == path.read_text(encoding="utf-8"), f"{name} changed; see the diff above"


def as_json(payload: Any) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
