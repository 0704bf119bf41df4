"""Org holidays from a CSV (`date[,name]`, header optional): days with no check-in prompts."""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.imports.rows import ImportProblem


def parse_holidays(text: str) -> tuple[list[str], list[ImportProblem]]:
    days: set[str] = set()
    problems: list[ImportProblem] = []
    # newline="" lets the reader see a lone \r as a line break instead of failing on it.
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    try:
        for row in reader:
            cell = row[0].strip() if row else ""
            if cell and not cell.startswith("#") and not (line == 1 and cell.lower() == "date"):
                try:
                    days.add(date.fromisoformat(cell).isoformat())
                except ValueError:
                    reason = f"“{cell[:30]}” is not a date like 2026-12-25"
                    problems.append(ImportProblem(line, reason))
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(ImportProblem(line, f"not valid CSV: {exc}"))
    return sorted(days), problems
