"""Applying an org or goals file to one tenant, in one transaction per import (SPEC 2.1, 2.6).

Imports are HRIS-style syncs: a row creates or updates, nothing is ever deleted, and value
changes go through the key result history. A key result's current value and confidence are the
exception to "the file is the truth": check-ins move them between imports, so the file changes
them only where the admin changed the number in the file. Every query is scoped to the
importing tenant.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.imports.goals_file import KeyResultRow, ObjectiveRow, parse_goals
from bot.imports.org_file import PersonRow, parse_org_csv
from bot.imports.rows import ImportProblem, find_cycles, loop_text
from storage.db import Database
from storage.models import KeyResult, Objective, Person
from storage.repository import Store

N = TypeVar("N", int, float)


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
        imported = self.created + self.updated + self.unchanged
        summary = (
            f"imported {_plural(imported, self.noun)}: {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged; "
            f"{_plural(self.skipped, 'row')} skipped"
        )
        lines = [f"line {p.line}: {p.reason}" for p in self.problems] + [summary]
        if self.left:
            lines.append(
                f"{_plural(len(self.left), 'person')} not in the file now inactive (no "
                f"check-ins, out of views and surveys, history kept): {', '.join(self.left)}"
            )
        if self.kept_all:
            lines.append(self.kept_all)
        return lines


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@dataclass
class _Tally:
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


async def _ensure_tenant(store: Store, tenant_id: str, now: datetime) -> None:
    platform, _, external_id = tenant_id.partition(":")
    await store.ensure_tenant(tenant_id, platform, external_id or tenant_id, now)


def _id(row: Person | Objective | KeyResult) -> int:
    assert row.id is not None, "flushed rows have ids"
    return row.id


# -- org ------------------------------------------------------------------------------------


async def import_org(
    database: Database, tenant_id: str, text: str, *, now: datetime, full: bool = False
) -> ImportReport:
    """Creates and updates the people in the file; no one is deleted. With `full` (an HRIS
    export: the file is the whole org), people not in it become inactive, keeping their
    history, and come back when a later file has them. `now` stamps the rows it creates."""
    rows, problems = parse_org_csv(text)
    tally = _Tally()
    async with database.session() as session:
        store = Store(session)
        await _ensure_tenant(store, tenant_id, now)
        people = {p.email.lower(): p for p in await store.people(tenant_id)}
        before = {email: _person_state(p) for email, p in people.items()}
        for row in rows:
            known = people.get(row.email)
            people[row.email] = _apply_person(session, tenant_id, row, known, now)
        await session.flush()
        problems += _link_managers(rows, people)
        for row in rows:
            tally.add(row.line, before.get(row.email), _person_state(people[row.email]))
        report = tally.report(problems, "row", header=True)
        if full:
            report.kept_all = _why_no_one_leaves(rows, report)
            if report.kept_all is None:
                report.left = _deactivate_missing(session, rows, people)
    return report


def _why_no_one_leaves(rows: Sequence[PersonRow], report: ImportReport) -> str | None:
    """A full import only makes people inactive from a file it read entirely."""
    if not rows:
        return "nobody was made inactive: the file has no one in it"
    if report.skipped or any(p.line == 1 for p in report.problems):
        return "nobody was made inactive: fix the rows above first, then import the file again"
    return None


def _deactivate_missing(
    session: AsyncSession, rows: Sequence[PersonRow], people: Mapping[str, Person]
) -> list[str]:
    named = {row.email for row in rows}
    left = []
    for email, person in sorted(people.items()):
        if email not in named and person.active:
            person.active = False
            session.add(person)
            left.append(person.email)
    return left


def _person_state(person: Person) -> Hashable:
    return (person.name, person.team, person.timezone, person.checkin_days, person.checkin_time,
            person.cadence_weeks, person.is_admin, person.manager_id, person.active)  # fmt: skip


def _apply_person(
    session: AsyncSession, tenant_id: str, row: PersonRow, person: Person | None, now: datetime
) -> Person:
    person = person or Person(tenant_id=tenant_id, email=row.email, created_at=now)
    for name in row.provided - {"manager_email"}:
        setattr(person, name, getattr(row, name))
    person.active = True  # in the file: back, if they had left
    session.add(person)
    return person


def _link_managers(rows: Sequence[PersonRow], people: Mapping[str, Person]) -> list[ImportProblem]:
    """Second pass: a manager may come later in the file, or already be in the org."""
    problems: list[ImportProblem] = []
    proposed: dict[int, int | None] = {}
    line_of: dict[int, int] = {}
    for row in rows:
        if "manager_email" not in row.provided:
            continue
        manager = people.get(row.manager_email) if row.manager_email else None
        if row.manager_email and manager is None:
            reason = f"manager {row.manager_email} is not in the file or the org"
            problems.append(ImportProblem(row.line, reason))
            continue
        person_id = _id(people[row.email])
        proposed[person_id], line_of[person_id] = (_id(manager) if manager else None), row.line
    email_of = {_id(p): p.email for p in people.values()}
    current = {_id(p): p.manager_id for p in people.values()}
    # Dropping one loop's changes can close another through the old links: repeat until clean.
    while loops := [c for c in find_cycles(current | proposed) if set(c) & proposed.keys()]:
        for cycle in loops:
            emails = [email_of[member] for member in cycle]
            for member in set(cycle) & proposed.keys():
                del proposed[member]
                path = loop_text(emails, email_of[member])
                reason = f"manager loop {path}; manager left unchanged"
                problems.append(ImportProblem(line_of[member], reason))
    by_id = {_id(p): p for p in people.values()}
    for person_id, manager_id in proposed.items():
        by_id[person_id].manager_id = manager_id
    return problems


# -- goals ----------------------------------------------------------------------------------


async def import_goals(
    database: Database, tenant_id: str, text: str, filename: str, *, now: datetime
) -> ImportReport:
    """Creates and updates objectives and key results; `now` stamps them and their history."""
    objective_rows, kr_rows, problems = parse_goals(text, filename)
    tally = _Tally()
    async with database.session() as session:
        store = Store(session)
        await _ensure_tenant(store, tenant_id, now)
        emails = {r.owner_email for r in objective_rows if r.owner_email}
        emails |= {r.owner_email for r in kr_rows if r.owner_email}
        owners = await _people_by_email(session, tenant_id, emails)
        existing = {o.key: o for o in await store.objectives(tenant_id)}
        accepted = _accept_objectives(objective_rows, owners, existing, problems)
        saved = await _save_objectives(session, tenant_id, accepted, owners, existing, tally, now)
        # An objective the file defines but that was skipped takes its key results with it.
        defined = {row.key for row in objective_rows}
        orphans = [r for r in kr_rows if r.objective_key in defined - saved.keys()]
        reported = {p.line for p in problems}
        problems += [_orphan_problem(r) for r in orphans if r.line not in reported]
        objectives = {k: o for k, o in existing.items() if k not in defined} | saved
        rows = [r for r in kr_rows if r not in orphans]
        await _save_key_results(store, tenant_id, rows, owners, objectives, tally, problems, now)
    return tally.report(problems, "goal", header=filename.lower().endswith(".csv"))


def _orphan_problem(row: KeyResultRow) -> ImportProblem:
    reason = f"key result skipped: objective {row.objective_key} was not imported"
    return ImportProblem(row.line, reason)


async def _people_by_email(
    session: AsyncSession, tenant_id: str, emails: Collection[str]
) -> dict[str, Person]:
    if not emails:
        return {}
    statement = select(Person).where(
        Person.tenant_id == tenant_id, func.lower(Person.email).in_(emails)
    )
    return {p.email.lower(): p for p in (await session.exec(statement)).all()}


def _accept_objectives(
    rows: Sequence[ObjectiveRow],
    owners: Mapping[str, Person],
    existing: Mapping[str, Objective],
    problems: list[ImportProblem],
) -> dict[str, ObjectiveRow]:
    accepted: dict[str, ObjectiveRow] = {}
    for row in rows:
        if row.owner_email and row.owner_email not in owners:
            problems.append(ImportProblem(row.line, f"owner {row.owner_email} is not in the org"))
        else:
            accepted[row.key] = row
    # The file alone has no loops (the parser checks); through the stored goals it still might.
    key_of = {_id(o): key for key, o in existing.items()}
    stored = {key: key_of.get(o.parent_id or 0) for key, o in existing.items()}
    for cycle in find_cycles(stored | {key: row.parent_key for key, row in accepted.items()}):
        for key in set(cycle) & accepted.keys():
            reason = f"objective {key} is in a parent loop: {loop_text(cycle, key)}"
            problems.append(ImportProblem(accepted.pop(key).line, reason))
    # An objective whose parent is neither imported nor stored is skipped; that may orphan more.
    while orphans := [
        row for row in accepted.values()
        if row.parent_key and row.parent_key not in accepted and row.parent_key not in existing
    ]:  # fmt: skip
        for row in orphans:
            reason = f"parent {row.parent_key} is not in the file or the org's goals"
            problems.append(ImportProblem(accepted.pop(row.key).line, reason))
    return accepted


def _objective_state(objective: Objective) -> Hashable:
    return (objective.title, objective.period, objective.level, objective.team,
            objective.owner_id, objective.parent_id, objective.weight)  # fmt: skip


async def _save_objectives(
    session: AsyncSession,
    tenant_id: str,
    rows: Mapping[str, ObjectiveRow],
    owners: Mapping[str, Person],
    existing: Mapping[str, Objective],
    tally: _Tally,
    now: datetime,
) -> dict[str, Objective]:
    before = {key: _objective_state(o) for key, o in existing.items()}
    saved: dict[str, Objective] = {}
    for key, row in rows.items():
        objective = existing.get(key) or Objective(
            tenant_id=tenant_id, key=key, title=row.title, period=row.period, created_at=now
        )
        objective.title, objective.period, objective.level = row.title, row.period, row.level
        objective.team, objective.weight = row.team, row.weight
        objective.owner_id = _id(owners[row.owner_email]) if row.owner_email else None
        session.add(objective)
        saved[key] = objective
    await session.flush()
    # Parents after the flush: a parent new in this file has only now got its id.
    for key, row in rows.items():
        parent = (saved.get(row.parent_key) or existing[row.parent_key]) if row.parent_key else None
        saved[key].parent_id = _id(parent) if parent else None
        tally.add(row.line, before.get(key), _objective_state(saved[key]))
    return saved


def _kr_state(kr: KeyResult) -> Hashable:
    return (kr.objective_id, kr.owner_id, kr.title, kr.kind, kr.start, kr.target, kr.current,
            kr.unit, kr.weight, kr.confidence, kr.active)  # fmt: skip


async def _save_key_results(
    store: Store,
    tenant_id: str,
    rows: Iterable[KeyResultRow],
    owners: Mapping[str, Person],
    objectives: Mapping[str, Objective],
    tally: _Tally,
    problems: list[ImportProblem],
    now: datetime,
) -> None:
    session = store.session
    rows = [row for row in rows if _key_result_allowed(row, owners, objectives, problems)]
    statement = select(KeyResult).where(
        KeyResult.tenant_id == tenant_id, col(KeyResult.key).in_([row.key for row in rows])
    )
    existing = {kr.key: kr for kr in (await session.exec(statement)).all()}
    before = {key: _kr_state(kr) for key, kr in existing.items()}
    saved: list[tuple[KeyResultRow, KeyResult]] = []
    for row in rows:
        objective = objectives[row.objective_key]
        kr = existing.get(row.key) or KeyResult(
            tenant_id=tenant_id,
            key=row.key,
            objective_id=_id(objective),
            title=row.title,
            updated_at=now,
        )
        kr.objective_id, kr.title, kr.kind, kr.unit = _id(objective), row.title, row.kind, row.unit
        kr.start, kr.target, kr.weight, kr.active = row.start, row.target, row.weight, True
        owner = owners.get(row.owner_email) if row.owner_email else None
        kr.owner_id = _id(owner) if owner else objective.owner_id
        session.add(kr)
        saved.append((row, kr))
    await session.flush()  # new key results need ids before their history rows
    for row, kr in saved:
        value = _if_edited(row.current, kr.imported_current)
        confidence = _if_edited(row.confidence, kr.imported_confidence)
        kr.imported_current, kr.imported_confidence = row.current, row.confidence
        if (value, confidence) != (None, None):
            await store.change_key_result(
                kr, value=value, confidence=confidence,
                author_id=None, run_id=None, source="import", when=now,
            )  # fmt: skip
        tally.add(row.line, before.get(row.key), _kr_state(kr))


def _if_edited(in_file: N | None, last_imported: float | None) -> N | None:
    """The file's number, unless it is still the one the last import set.

    An unedited number is stale, not news: a check-in may have moved it since, and wins.
    """
    return None if in_file == last_imported else in_file


def _key_result_allowed(
    row: KeyResultRow,
    owners: Mapping[str, Person],
    objectives: Mapping[str, Objective],
    problems: list[ImportProblem],
) -> bool:
    if row.owner_email and row.owner_email not in owners:
        problems.append(ImportProblem(row.line, f"owner {row.owner_email} is not in the org"))
        return False
    if row.objective_key not in objectives:
        reason = f"objective {row.objective_key} is not in the file or the org's goals"
        problems.append(ImportProblem(row.line, reason))
        return False
    return True
