"""Org holidays from a CSV (`date[,name]`, header optional): days with no check-in prompts."""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.import_rows import ImportProblem


def parse_holidays(text: str) -> tuple[list[str], list[ImportProblem]]:
    days: set[str] = set()
    problems: list[ImportProblem] = []
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cell = row[0].strip() if row else ""
        if not cell or cell.startswith("#") or (line == 1 and cell.lower() == "date"):
            continue
        try:
            days.add(date.fromisoformat(cell).isoformat())
        except ValueError:
            problems.append(ImportProblem(line, f"“{cell[:30]}” is not a date like 2026-12-25"))
    return sorted(days), problems
