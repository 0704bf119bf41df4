"""A person's next prompt planned again when what decides it changes: their zone, days, time
or every-N-weeks (their own, their team's or the org's default) or whether they are active.

Planned again in the same transaction as the change, from the new cadence, unless the prompt
is due or being sent: then it goes out as planned, and the next one follows the new cadence.
A change that leaves someone's cadence as it was leaves their prompt alone."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from bot.checkins.cadence import Cadence, person_cadence
from bot.checkins.opening import next_opening
from bot.checkins.prompting import PROMPT
from storage.models import Person
from storage.repository import Store
from storage.settings import OrgSettings

PlanState = tuple[Cadence, bool]  # the cadence, and whether the person is active


async def replan(store: Store, person: Person, settings: OrgSettings, now: datetime) -> bool:
    """Plan this person's next prompt from their cadence now; False when it is due or being
    sent (it goes out as planned), or they are inactive (nothing is planned for them)."""
    assert person.id is not None
    if not person.active:
        await store.unplan(PROMPT, person.id)
        return False
    due = next_opening(person, settings, now)
    return await store.replan(person.tenant_id, PROMPT, person.id, due, now)


def plan_states(people: Iterable[Person], settings: OrgSettings) -> dict[int, PlanState]:
    """What decides each person's next prompt, to compare after a change."""
    return {p.id: (person_cadence(p, settings), p.active) for p in people if p.id is not None}


async def replan_changed(
    store: Store,
    before: Mapping[int, PlanState],
    after: Iterable[Person],
    settings: OrgSettings,
    now: datetime,
) -> int:
    """Re-plan everyone in `after` whose cadence or active flag differs from `before`
    (`plan_states` taken before the change); returns how many prompts were moved."""
    changed = 0
    for person in after:
        if before.get(person.id or 0) == (person_cadence(person, settings), person.active):
            continue
        changed += await replan(store, person, settings, now)
    return changed
