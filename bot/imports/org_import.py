"""Applying an org file to one tenant (SPEC 2.1): people created and updated, managers linked,
and, for a full import, people no longer in the file made inactive."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime

from bot.checkins.replanning import plan_states, replan_changed
from bot.core.i18n import catalog
from bot.imports.applying import ImportReport, Tally, ensure_tenant, row_id
from bot.imports.org_file import PersonRow, parse_org_csv
from bot.imports.rows import ImportProblem, find_cycles, loop_text
from storage.db import Database
from storage.models import Person
from storage.repository import Store
from storage.settings import OrgSettings, settings_of

_, ngettext = catalog("bot.imports")


async def import_org(
    database: Database, tenant_id: str, text: str, *, now: datetime, full: bool = False
) -> ImportReport:
    """Creates and updates the people in the file; no one is deleted. With `full` (an HRIS
    export: the file is the whole org), people not in it become inactive, keeping their
    history, and come back when a later file has them. `now` stamps the rows it creates."""
    rows, problems = parse_org_csv(text)
    tally = Tally()
    async with database.session() as session:
        store = Store(session)
        await ensure_tenant(store, tenant_id, now)
        people = {p.email.lower(): p for p in await store.people(tenant_id)}
        before = {email: _person_state(p) for email, p in people.items()}
        tenant = await store.tenant(tenant_id)
        settings = settings_of(tenant) if tenant is not None else OrgSettings()
        planned = plan_states(people.values(), settings)
        for row in rows:
            people[row.email] = _apply_person(tenant_id, row, people.get(row.email), now)
        await store.save(people[row.email] for row in rows)
        problems += _link_managers(rows, people)
        for row in rows:
            tally.add(row.line, before.get(row.email), _person_state(people[row.email]))
        report = tally.report(problems, "row", header=True)
        if full:
            report.kept_all = _why_no_one_leaves(rows, report)
            if report.kept_all is None:
                leaving = _deactivate_missing(rows, people)
                await store.save(leaving)
                report.left = [person.email for person in leaving]
        # Someone who moved zone, or whose days or time changed, is planned from them now.
        await replan_changed(store, planned, people.values(), settings, now)
    return report


def _why_no_one_leaves(rows: Sequence[PersonRow], report: ImportReport) -> str | None:
    """A full import only makes people inactive from a file it read entirely."""
    if not rows:
        return _("nobody was made inactive: the file has no one in it")
    if report.skipped or any(p.line == 1 for p in report.problems):
        return _("nobody was made inactive: fix the rows above first, then import the file again")
    return None


def _deactivate_missing(rows: Sequence[PersonRow], people: Mapping[str, Person]) -> list[Person]:
    named = {row.email for row in rows}
    left = []
    for email, person in sorted(people.items()):
        if email not in named and person.active:
            person.active = False
            left.append(person)
    return left


def _person_state(person: Person) -> Hashable:
    return (person.name, person.team, person.timezone, person.country, person.checkin_days,
            person.checkin_time, person.cadence_weeks, person.is_admin, person.manager_id,
            person.active)  # fmt: skip


def _apply_person(tenant_id: str, row: PersonRow, person: Person | None, now: datetime) -> Person:
    person = person or Person(tenant_id=tenant_id, email=row.email, created_at=now)
    for name in row.provided - {"manager_email"}:
        setattr(person, name, getattr(row, name))
    person.active = True  # in the file: back, if they had left
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
            reason = _("manager {email} is not in the file or the org").format(
                email=row.manager_email
            )
            problems.append(ImportProblem(row.line, reason))
            continue
        person_id = row_id(people[row.email])
        proposed[person_id], line_of[person_id] = (row_id(manager) if manager else None), row.line
    email_of = {row_id(p): p.email for p in people.values()}
    current = {row_id(p): p.manager_id for p in people.values()}
    # Dropping one loop's changes can close another through the old links: repeat until clean.
    while loops := [c for c in find_cycles(current | proposed) if set(c) & proposed.keys()]:
        for cycle in loops:
            emails = [email_of[member] for member in cycle]
            for member in set(cycle) & proposed.keys():
                del proposed[member]
                path = loop_text(emails, email_of[member])
                reason = _("manager loop {loop}; manager left unchanged").format(loop=path)
                problems.append(ImportProblem(line_of[member], reason))
    by_id = {row_id(p): p for p in people.values()}
    for person_id, manager_id in proposed.items():
        by_id[person_id].manager_id = manager_id
    return problems
