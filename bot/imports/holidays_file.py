"""Org holidays from a CSV (`date[,name]`, header optional): days with no check-in prompts."""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.core.i18n import catalog
from bot.imports.rows import ImportProblem, not_valid_csv

_, ngettext = catalog("bot.imports")


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
                    reason = _("“{cell}” is not a date like 2026-12-25").format(cell=cell[:30])
                    problems.append(ImportProblem(line, reason))
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(ImportProblem(line, not_valid_csv(exc)))
    return sorted(days), problems
