"""Applying a goals file to one tenant (SPEC 2.6): objectives and key results created and
updated, their owners and parents checked against the org, and numbers the admin edited in the
file recorded in the key result history."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TypeVar

from bot.core.i18n import catalog
from bot.imports.applying import ImportReport, Tally, ensure_tenant, row_id
from bot.imports.goal_values import not_imported, parent_loop
from bot.imports.goals_file import KeyResultRow, ObjectiveRow, parse_goals
from bot.imports.rows import ImportProblem, find_cycles
from storage.db import Database
from storage.models import KeyResult, Objective, Person
from storage.repository import Store

N = TypeVar("N", int, float)

_, ngettext = catalog("bot.imports")


async def import_goals(
    database: Database, tenant_id: str, text: str, filename: str, *, now: datetime
) -> ImportReport:
    """Creates and updates objectives and key results; `now` stamps them and their history."""
    objective_rows, kr_rows, problems = parse_goals(text, filename)
    tally = Tally()
    async with database.session() as session:
        store = Store(session)
        await ensure_tenant(store, tenant_id, now)
        emails = {r.owner_email for r in objective_rows if r.owner_email}
        emails |= {r.owner_email for r in kr_rows if r.owner_email}
        owners = await store.people_by_emails(tenant_id, emails)
        existing = {o.key: o for o in await store.objectives(tenant_id, with_archived=True)}
        accepted = _accept_objectives(objective_rows, owners, existing, problems)
        saved = await _save_objectives(store, tenant_id, accepted, owners, existing, tally, now)
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
    return ImportProblem(row.line, not_imported(row.objective_key))


def _accept_objectives(
    rows: Sequence[ObjectiveRow],
    owners: Mapping[str, Person],
    existing: Mapping[str, Objective],
    problems: list[ImportProblem],
) -> dict[str, ObjectiveRow]:
    accepted: dict[str, ObjectiveRow] = {}
    for row in rows:
        if row.owner_email and row.owner_email not in owners:
            problems.append(ImportProblem(row.line, _not_in_org(row.owner_email)))
        else:
            accepted[row.key] = row
    # The file alone has no loops (the parser checks); through the stored goals it still might.
    key_of = {row_id(o): key for key, o in existing.items()}
    stored = {key: key_of.get(o.parent_id or 0) for key, o in existing.items()}
    for cycle in find_cycles(stored | {key: row.parent_key for key, row in accepted.items()}):
        for key in set(cycle) & accepted.keys():
            problems.append(ImportProblem(accepted.pop(key).line, parent_loop(key, cycle)))
    # An objective whose parent is neither imported nor stored is skipped; that may orphan more.
    while orphans := [
        row for row in accepted.values()
        if row.parent_key and row.parent_key not in accepted and row.parent_key not in existing
    ]:  # fmt: skip
        for row in orphans:
            reason = _("parent {key} is not in the file or the org's goals").format(
                key=row.parent_key
            )
            problems.append(ImportProblem(accepted.pop(row.key).line, reason))
    return accepted


def _objective_state(objective: Objective) -> Hashable:
    return (objective.title, objective.period, objective.level, objective.team,
            objective.owner_id, objective.parent_id, objective.weight)  # fmt: skip


async def _save_objectives(
    store: Store,
    tenant_id: str,
    rows: Mapping[str, ObjectiveRow],
    owners: Mapping[str, Person],
    existing: Mapping[str, Objective],
    tally: Tally,
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
        objective.owner_id = row_id(owners[row.owner_email]) if row.owner_email else None
        saved[key] = objective
    await store.save(saved.values())
    # Parents after the flush: a parent new in this file has only now got its id.
    for key, row in rows.items():
        parent = (saved.get(row.parent_key) or existing[row.parent_key]) if row.parent_key else None
        saved[key].parent_id = row_id(parent) if parent else None
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
    tally: Tally,
    problems: list[ImportProblem],
    now: datetime,
) -> None:
    rows = [row for row in rows if _key_result_allowed(row, owners, objectives, problems)]
    existing = await store.key_results_by_key(tenant_id, [row.key for row in rows])
    before = {key: _kr_state(kr) for key, kr in existing.items()}
    saved: list[tuple[KeyResultRow, KeyResult]] = []
    for row in rows:
        objective = objectives[row.objective_key]
        kr = existing.get(row.key) or KeyResult(
            tenant_id=tenant_id,
            key=row.key,
            objective_id=row_id(objective),
            title=row.title,
            updated_at=now,
        )
        kr.objective_id, kr.title = row_id(objective), row.title
        kr.kind, kr.unit = row.kind, row.unit
        kr.start, kr.target, kr.weight, kr.active = row.start, row.target, row.weight, True
        owner = owners.get(row.owner_email) if row.owner_email else None
        kr.owner_id = row_id(owner) if owner else objective.owner_id
        saved.append((row, kr))
    await store.save(kr for _, kr in saved)  # new key results need ids before their history rows
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
        problems.append(ImportProblem(row.line, _not_in_org(row.owner_email)))
        return False
    if row.objective_key not in objectives:
        reason = _("objective {key} is not in the file or the org's goals")
        problems.append(ImportProblem(row.line, reason.format(key=row.objective_key)))
        return False
    return True


def _not_in_org(owner: str) -> str:
    return _("owner {email} is not in the org").format(email=owner)
