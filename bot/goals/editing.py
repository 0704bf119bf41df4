"""Goals written in chat: objectives added, aligned, archived and restored, key results added,
each checked against who may (bot.goals.rights) and against the alignment tree."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.commands import Context
from bot.core.i18n import catalog, speaking_to
from bot.core.messages import Text
from bot.core.outcome import Notice
from bot.feedback.mentions import Mentions
from bot.feedback.request_command import FeedbackError
from bot.goals.one_line import Measure
from bot.goals.periods import Quarter, current_quarter, parse_quarter
from bot.goals.progress import format_value, target_words
from bot.goals.rights import LEVEL_WORDS, level_name, may_change, refusal_to_change
from bot.goals.rights import refusal_to_create as creation_refused
from storage.models import KeyResult, Objective, Person, Tenant

_, ngettext = catalog("bot.goals")


class GoalError(ValueError):
    """A goal that can't be written as asked; the message is shown to the person as is."""


@dataclass(frozen=True)
class NewObjective:
    title: str
    quarter: Quarter
    level: str
    owner: Person
    parent: Objective | None


class Goals:
    """One person writing goals, in one unit of work."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self._people: dict[int, Person] | None = None

    async def people(self) -> Mapping[int, Person]:
        if self._people is None:
            everyone = await self.store.people(self.ctx.tenant.id)
            self._people = {p.id: p for p in everyone if p.id is not None}
        return self._people

    # -- reading what was typed ----------------------------------------------------------------

    async def person(self, word: str | None) -> Person:
        """The owner a word names (a mention, an email, me, a unique name); me when none."""
        if not word:
            return self.ctx.person
        mentions = Mentions(
            self.store, self.ctx.tenant, self.ctx.person, self.ctx.platform, await self.people()
        )
        try:
            return await mentions.find(word)
        except FeedbackError as error:
            raise GoalError(str(error)) from None

    def quarter(self, text: str | None) -> Quarter:
        if not text:
            return current_quarter(self.ctx.person, self.ctx.tenant, self.ctx.now)
        return parse_quarter(text)

    @staticmethod
    def level(word: str | None) -> str | None:
        if not word:
            return None
        level = LEVEL_WORDS.get(word.strip().lower())
        if level is None:
            raise GoalError(
                _("“{word}” isn't a level; say company, team or personal.").format(word=word[:20])
            )
        return level

    async def objective(self, objective_id: int | None, *, to_change: bool) -> Objective:
        """The org's objective with this id, refused when the person may not change it."""
        found = (
            await self.store.objective(self.ctx.tenant.id, objective_id)
            if objective_id is not None
            else None
        )
        if found is None or (found.archived and to_change):
            raise GoalError(
                _("There's no objective #{id} here. Type goals tree to see them.").format(
                    id=objective_id
                )
            )
        if to_change and not may_change(self.ctx.person, found, await self.people()):
            raise GoalError(refusal_to_change(self.ctx.person, found))
        return found

    # -- writing -------------------------------------------------------------------------------

    async def add_objective(self, new: NewObjective) -> Objective:
        refusal = creation_refused(self.ctx.person, new.level, new.owner, await self.people())
        if refusal:
            raise GoalError(refusal)
        if new.parent is not None:
            self._check_parent(new.quarter.label, new.parent)
        objective = Objective(
            tenant_id=self.ctx.tenant.id,
            key=new_key(),
            title=new.title,
            period=new.quarter.label,
            level=new.level,
            team=new.owner.team if new.level == "team" else None,
            owner_id=new.owner.id,
            parent_id=new.parent.id if new.parent is not None else None,
            created_at=self.ctx.now,
        )
        await self.store.save([objective])
        return objective

    async def add_key_result(
        self, objective: Objective, title: str, measure: Measure, owner: Person | None
    ) -> KeyResult:
        kr = KeyResult(
            tenant_id=self.ctx.tenant.id,
            key=new_key(),
            objective_id=objective.id or 0,
            owner_id=(owner.id if owner else None) or objective.owner_id or self.ctx.person.id,
            title=title,
            kind=measure.kind,
            start=measure.start,
            target=measure.target,
            current=measure.start,
            unit=measure.unit,
            updated_at=self.ctx.now,
        )
        await self.store.save([kr])
        return kr

    async def align(
        self, objective: Objective, parent: Objective | None, period: str | None = None
    ) -> None:
        """Align `objective` (of `period`, when it is moving to another) under `parent`; checked
        before anything changes."""
        if parent is not None:
            self._check_parent(period or objective.period, parent)
            above: Objective | None = parent
            seen: set[int | None] = set()
            while above is not None and above.id not in seen:
                if above.id == objective.id:
                    raise GoalError(
                        _(
                            "#{parent} is aligned under #{id} already: aligning them both ways "
                            "would make a loop."
                        ).format(parent=parent.id, id=objective.id)
                    )
                seen.add(above.id)
                above = (
                    await self.store.objective(self.ctx.tenant.id, above.parent_id)
                    if above.parent_id
                    else None
                )
        objective.parent_id = parent.id if parent is not None else None
        self.store.keep(objective)

    async def archive(self, objective: Objective, archived: bool) -> int:
        """Archive (or restore) an objective: with it go its key results, from check-ins, views
        and roll-ups, their history kept. How many objectives are aligned under it."""
        objective.archived = archived
        self.store.keep(objective)
        children = await self.store.objectives(self.ctx.tenant.id)
        return sum(1 for child in children if child.parent_id == objective.id)

    @staticmethod
    def _check_parent(period: str, parent: Objective) -> None:
        if parent.archived:
            raise GoalError(
                _("#{parent} is archived: align to an objective still running.").format(
                    parent=parent.id
                )
            )
        if _is_quarter(period) and _is_quarter(parent.period) and period != parent.period:
            raise GoalError(
                _(
                    "#{parent} is for {parent_quarter}, this objective for {quarter}: align to "
                    "an objective of the same quarter."
                ).format(parent=parent.id, parent_quarter=parent.period, quarter=period)
            )


def new_key() -> str:
    """The stable key of a goal written in chat: never one a goals file would use."""
    return f"chat-{secrets.token_hex(6)}"


def _is_quarter(period: str) -> bool:
    try:
        parse_quarter(period)
    except ValueError:
        return False
    return True


def objective_words(objective: Objective) -> str:
    # Translators: an objective named in a sentence: its number and its title, quoted.
    return _("#{id} “{title}”").format(id=objective.id, title=objective.title)


def added_words(objective: Objective, owner: Person, parent: Objective | None, me: Person) -> str:
    if parent is not None:
        aligned = _("aligned under {parent}").format(parent=objective_words(parent))
    else:
        aligned = _("aligned to nothing yet")
    if owner.id != me.id:
        whose = _("owned by {owner}").format(owner=owner.name or owner.email)
        aligned = f"{whose}, {aligned}"
    return _(
        "Added {objective}: {kind} for {quarter}, {details}. Give it key results: "
        'goals kr #{id} "New MRR" from 10000 to 20000 USD'
    ).format(
        objective=objective_words(objective),
        kind=_kind_words(objective.level),
        quarter=objective.period,
        details=aligned,
        id=objective.id,
    )


def _kind_words(level: str) -> str:
    """ "a company objective", as the sentence that adds one says it."""
    if level == "company":
        return _("a company objective")
    if level == "team":
        return _("a team objective")
    if level == "person":
        return _("a personal objective")
    return _("a {level} objective").format(level=level_name(level))


def key_result_words(kr: KeyResult, objective: Objective) -> str:
    if kr.kind == "binary":
        measure = _("done or not")
    else:
        target = target_words(kr.kind, kr.start, kr.target, kr.unit)
        measure = _("from {start} to {target}").format(start=_number(kr), target=target)
    return _("Added the key result “{title}” to {objective}, {measure}.").format(
        title=kr.title, objective=objective_words(objective), measure=measure
    )


def _number(kr: KeyResult) -> str:
    return format_value(kr.kind, kr.start, kr.unit)


def told_owner(me: Person, owner: Person, objective: Objective, tenant: Tenant) -> list[Notice]:
    """The owner hears of an objective someone else wrote for them, in their own language."""
    if owner.id == me.id or owner.id is None:
        return []
    with speaking_to(owner, tenant):
        text = _(
            "{name} added an objective for you: {objective} ({quarter}). Type goals to see yours."
        ).format(
            name=me.name or me.email, objective=objective_words(objective), quarter=objective.period
        )
    return [Notice(owner.id, [Text(text)])]
