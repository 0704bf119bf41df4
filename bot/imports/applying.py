"""What applying an org or goals file to one tenant shares (SPEC 2.1, 2.6): the report it
gives, the tally behind it, and the tenant it writes to.

Imports are HRIS-style syncs, one transaction per import: a row creates or updates, nothing is
ever deleted, and value changes go through the key result history. A key result's current value
and confidence are the exception to "the file is the truth": check-ins move them between
imports, so the file changes them only where the admin changed the number in the file. Every
query is scoped to the importing tenant.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.i18n import catalog
from bot.imports.rows import ImportProblem
from storage.models import KeyResult, Objective, Person
from storage.repository import Store

_, ngettext = catalog("bot.imports")


@dataclass
class ImportReport:
    created: int
    updated: int
    unchanged: int
    problems: list[ImportProblem]
    skipped: int = 0  # file rows with a problem that imported nothing
    noun: str = "row"  # what created/updated/unchanged count
    # A full import (the file is the whole org): people not in it, now inactive.
    left: list[str] = field(default_factory=list)
    # Why a full import made no one inactive, when it didn't dare to.
    kept_all: str | None = None

    def lines(self) -> list[str]:
        counts = _("{created} created, {updated} updated, {unchanged} unchanged").format(
            created=self.created, updated=self.updated, unchanged=self.unchanged
        )
        skipped = ngettext("{count} row skipped", "{count} rows skipped", self.skipped)
        summary = f"{self._imported()}: {counts}; {skipped.format(count=self.skipped)}"
        line = _("line {line}: {reason}")
        lines = [line.format(line=p.line, reason=p.reason) for p in self.problems] + [summary]
        if self.left:
            left = ngettext(
                "{count} person not in the file now inactive (no check-ins, out of views and "
                "surveys, history kept): {emails}",
                "{count} persons not in the file now inactive (no check-ins, out of views and "
                "surveys, history kept): {emails}",
                len(self.left),
            )
            lines.append(left.format(count=len(self.left), emails=", ".join(self.left)))
        if self.kept_all:
            lines.append(self.kept_all)
        return lines

    def _imported(self) -> str:
        count = self.created + self.updated + self.unchanged
        if self.noun == "goal":
            said = ngettext("imported {count} goal", "imported {count} goals", count)
        else:
            said = ngettext("imported {count} row", "imported {count} rows", count)
        return said.format(count=count)


@dataclass
class Tally:
    """Counts each imported row as created, updated or unchanged, from its state before/after."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lines: set[int] = field(default_factory=set)

    def add(self, line: int, before: Hashable | None, after: Hashable) -> None:
        if before is None:
            self.created += 1
        elif before == after:
            self.unchanged += 1
        else:
            self.updated += 1
        self.lines.add(line)

    def report(self, problems: list[ImportProblem], noun: str, header: bool) -> ImportReport:
        # A CSV header problem (line 1) is about the file, not a row.
        skipped = {p.line for p in problems} - self.lines - ({1} if header else set())
        ordered = sorted(problems, key=lambda p: p.line)
        return ImportReport(self.created, self.updated, self.unchanged, ordered, len(skipped), noun)


async def ensure_tenant(store: Store, tenant_id: str, now: datetime) -> None:
    platform, _, external_id = tenant_id.partition(":")
    await store.ensure_tenant(tenant_id, platform, external_id or tenant_id, now)


def row_id(row: Person | Objective | KeyResult) -> int:
    assert row.id is not None, "flushed rows have ids"
    return row.id
