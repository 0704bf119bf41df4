"""A manager's views: the team's week (`checkin team`) and the team's goals (`goals team`).

Who sees whom: a manager their reports down the tree, an admin everyone. Blockers appear
here and in the manager's DM, never in a channel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.checkins.blockers import blocker_in
from bot.checkins.cadence import friendly_day, period_at, person_cadence
from bot.core.i18n import N_, catalog
from bot.core.messages import Card, Field, Section
from bot.goals.cards import goals_card
from bot.goals.periods import current_quarter, of_quarter
from bot.goals.progress import status_from_confidence
from bot.org.tree import display_name, org_of
from storage.models import CheckinRun, KeyResult, Objective, Person, Tenant
from storage.repository import Store
from storage.settings import settings_of

_, ngettext = catalog("bot.team")

STALE_PERIODS = 3
# What bot.goals.progress.status_from_confidence says, for the catalogs.
STATUS_WORDS = (N_("no status"), N_("on track"), N_("at risk"), N_("off track"))


@dataclass(frozen=True)
class Scope:
    """The people a viewer may see, or why they see no one."""

    people: dict[int, Person]
    refusal: str | None = None


async def scope_of(store: Store, tenant: Tenant, viewer: Person) -> Scope:
    everyone = {p.id or 0: p for p in await store.people(tenant.id)}
    below = org_of(viewer.id or 0, everyone)
    if viewer.is_admin and not below:
        below = {i for i in everyone if i != viewer.id}
    if not below:
        return Scope(
            {},
            _("No one reports to you. This view is for managers: their team's week at a glance."),
        )
    return Scope({i: everyone[i] for i in below if everyone[i].active})


class TeamView:
    def __init__(self, store: Store, tenant: Tenant, viewer: Person, now: datetime) -> None:
        self.store = store
        self.team = store.team
        self.tenant = tenant
        self.viewer = viewer
        self.now = now

    async def week(self) -> Card:
        """This period's status per report, their blockers, confidence drops, stale goals."""
        scope = await scope_of(self.store, self.tenant, self.viewer)
        if scope.refusal:
            return Card(_("Your team's week"), (Section("", text=scope.refusal),))
        people = scope.people
        ids = list(people)
        runs = await self.team.runs_since(self.tenant.id, ids, self.now - timedelta(weeks=9))
        current = {p: self._current_run(people[p], runs) for p in ids}
        statuses = tuple(
            Field(display_name(people[p]), self._status(people[p], current[p], runs))
            for p in sorted(ids, key=lambda i: display_name(people[i]).lower())
        )
        done = sum(1 for run in current.values() if run is not None and run.status == "submitted")
        blockers = await self._blockers(people, current)
        krs = await self.team.key_results_of(self.tenant.id, ids)
        drops = await self._confidence_drops(people, krs)
        stale = await self._stale(people, krs)
        sections = [
            Section(
                _("Check-ins: {done} of {total} done").format(done=done, total=len(ids)), statuses
            ),
            Section(_("Blockers"), blockers, "" if blockers else _("No one reported a blocker.")),
            Section(_("Confidence dropped this week"), drops, "" if drops else _("No drops.")),
            Section(
                _("Key results not updated for {n}+ check-ins").format(n=STALE_PERIODS),
                stale,
                "" if stale else _("Every key result is up to date."),
            ),
        ]
        footer = _("goals team shows their goals.")
        return Card(_("Your team's week"), tuple(sections), footer=footer)

    async def summary(self) -> str | None:
        """One line for a manager's home; None for someone with no one to see."""
        everyone = {p.id or 0: p for p in await self.store.people(self.tenant.id)}
        if not org_of(self.viewer.id or 0, everyone):
            return None
        scope = await scope_of(self.store, self.tenant, self.viewer)
        ids = list(scope.people)
        runs = await self.team.runs_since(self.tenant.id, ids, self.now - timedelta(weeks=9))
        current = {p: self._current_run(scope.people[p], runs) for p in ids}
        done = sum(1 for run in current.values() if run is not None and run.status == "submitted")
        blockers = len(await self._blockers(scope.people, current))
        if blockers:
            said = ngettext(
                "{done} of {total} checked in this period, {n} blocker. checkin team for more.",
                "{done} of {total} checked in this period, {n} blockers. checkin team for more.",
                blockers,
            )
        else:
            said = _("{done} of {total} checked in this period. checkin team for more.")
        return said.format(done=done, total=len(ids), n=blockers)

    async def goals(self) -> Card:
        """The goal tree of the team's objectives and key results, with roll-up."""
        scope = await scope_of(self.store, self.tenant, self.viewer)
        if scope.refusal:
            return Card(_("Your team's goals"), (Section("", text=scope.refusal),))
        quarter = current_quarter(self.viewer, self.tenant, self.now)
        objectives = [
            o for o in await self.store.objectives(self.tenant.id) if of_quarter(o.period, quarter)
        ]
        key_results = await self.store.all_key_results(self.tenant.id)
        members = set(scope.people) | {self.viewer.id}
        owned = [
            o
            for o in objectives
            if o.owner_id in members
            or any(kr.objective_id == o.id and kr.owner_id in members for kr in key_results)
        ]
        card = goals_card(
            objectives, key_results, None, include={o.id for o in owned}, quarter=quarter.label
        )
        sections = list(card.sections)
        goalless = _without_goals(scope.people, objectives, key_results)
        if goalless:
            names = ", ".join(sorted(display_name(p) for p in goalless))
            title = _("No goals for {quarter} yet").format(quarter=quarter.label)
            sections.append(Section(title, text=names))
        footer = _("checkin team shows their week.")
        return Card(_("Your team's goals"), tuple(sections), footer=footer)

    # -- pieces --------------------------------------------------------------------------------

    def _current_run(self, person: Person, runs: Sequence[CheckinRun]) -> CheckinRun | None:
        period = period_at(person_cadence(person, settings_of(self.tenant)), self.now)
        return next(
            (r for r in runs if r.person_id == person.id and r.period_start == period.start),
            None,
        )

    def _status(self, person: Person, run: CheckinRun | None, runs: Sequence[CheckinRun]) -> str:
        cadence = person_cadence(person, settings_of(self.tenant))
        today = self.now.astimezone(cadence.zone).date()
        if person.paused_until and today <= date.fromisoformat(person.paused_until):
            status = _("paused through {day}").format(day=friendly_day(person.paused_until))
        elif run is None:
            status = _("pending (not started)")
        elif run.status == "submitted":
            status = _("done ✓")
        elif run.status == "skipped":
            status = _("skipped")
        else:
            status = _("pending")
        before = [r for r in runs if r.person_id == person.id and r.period_end <= self.now]
        if before and before[-1].status == "missed":
            status = _("{status}; missed the last one").format(status=status)
        return status

    async def _blockers(
        self, people: Mapping[int, Person], current: Mapping[int, CheckinRun | None]
    ) -> tuple[Field, ...]:
        runs = {run.id: run for run in current.values() if run is not None and run.id}
        answers = await self.team.answers_to(self.tenant.id, list(runs), "blockers")
        found = []
        for answer in answers:
            blocker = None if answer.skipped else blocker_in(answer.text)
            if blocker is not None:
                person = people[runs[answer.run_id].person_id]
                found.append(Field(display_name(person), blocker))
        return tuple(sorted(found, key=lambda f: f.label.lower()))

    async def _confidence_drops(
        self, people: Mapping[int, Person], krs: Sequence[KeyResult]
    ) -> tuple[Field, ...]:
        by_id = {kr.id: kr for kr in krs if kr.id is not None}
        changes = await self.team.changes_since(
            self.tenant.id, list(by_id), self.now - timedelta(days=7), "confidence"
        )
        drops = []
        for change in changes:
            old, new = change.old_value, change.new_value
            if old is None or new is None or new >= old:
                continue
            kr = by_id[change.key_result_id]
            owner = people.get(kr.owner_id or 0)
            was, now = status_from_confidence(int(old)), status_from_confidence(int(new))
            moved = _(", now {status}").format(status=_(now)) if now != was else ""
            who = display_name(owner) if owner else _("someone")
            drops.append(Field(f"{kr.title} ({who})", f"{old:g} → {new:g}{moved}"))
        return tuple(drops)

    async def _stale(
        self, people: Mapping[int, Person], krs: Sequence[KeyResult]
    ) -> tuple[Field, ...]:
        updated = await self.team.last_checkin_updates(
            self.tenant.id, [kr.id for kr in krs if kr.id is not None]
        )
        stale = []
        for kr in krs:
            owner = people.get(kr.owner_id or 0)
            if owner is None:
                continue
            weeks = person_cadence(owner, settings_of(self.tenant)).every_weeks
            last = updated.get(kr.id or 0)
            # Counted from the last check-in that moved it, or from when the import set it.
            since = max(last, kr.updated_at) if last is not None else kr.updated_at
            if self.now - since < timedelta(weeks=weeks * STALE_PERIODS):
                continue
            when = (
                _("last {day}").format(day=friendly_day(last.date().isoformat()))
                if last
                else _("never in a check-in")
            )
            stale.append(Field(f"{kr.title} ({display_name(owner)})", when))
        return tuple(stale)


def _without_goals(
    people: Mapping[int, Person], objectives: Sequence[Objective], key_results: Sequence[KeyResult]
) -> list[Person]:
    """The people who own no objective and no key result among `objectives`."""
    shown = {o.id for o in objectives}
    owners = {o.owner_id for o in objectives}
    owners |= {kr.owner_id for kr in key_results if kr.active and kr.objective_id in shown}
    return [p for i, p in people.items() if i not in owners]
