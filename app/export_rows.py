"""The CSV export's tables (app.export_csv), and the tables of kudos and 1:1s."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)


def kudos_table(kudos: Iterable[Mapping[str, Any]]) -> Table:
    columns = ("from", "to", "message", "values", "private", "at")
    rows = [
        {**k, "to": ", ".join(k["to"]), "values": " ".join(f"#{v}" for v in k["values"])}
        for k in kudos
    ]
    return Table(columns, rows)


def oneonones_table(series: Iterable[Mapping[str, Any]]) -> Table:
    """One row per agenda item (a meeting with none: one empty row), with its 1:1 and meeting."""
    columns = ("with", "meeting", "kind", "text", "source", "by", "done_at", "at")
    rows: list[Row] = []
    for one in series:
        for meeting in one["meetings"]:
            where = {"with": one["with"], "meeting": meeting["starts_at"]}
            rows.extend({**where, **item} for item in meeting["items"])
            if not meeting["items"]:
                rows.append(where)
    return Table(columns, rows)
