"""Property: an adversarial admin and managers, acting over time, can't make the bot show two
pulse results that single out fewer than k people.

A state machine drives the real engine on SQLite: people join, leave and change teams; the
admin and managers send surveys (from the bank, and their own questions that repeat the bank's)
to everyone, their org or a team, once or every week; people answer; time passes, so rounds
close and repeating surveys open new ones. After each step the checker reads every result the
bot shows (the admin's export holds every group of every round with its numbers) and sets it
against the ground truth it kept: who was asked and who answered in each round.

What it asserts, with k the org's threshold:
- every result shown counts at least k respondents, and the count it shows is the truth;
- within a round, no sum or difference of shown results isolates 1 to k−1 respondents;
- across rounds and surveys, results shown for the same question (same words and kind) were
  computed over audiences none of whose sums or differences leaves 1 to k−1 people: whatever
  is subtracted could have been written by any of at least k people.
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test
from sqlmodel import col, select

from app.export import export_org
from app.scheduling import build_scheduler
from bot.core.messages import Question
from bot.privacy.pulse_slices import effective_k, shown_safely
from bot.pulse.cards import PROMPT_PREFIX
from storage.db import Database
from storage.models import Person, Survey, SurveyInvite, SurveyRound, Tenant
from storage.survey_questions import questions_of
from tests.bot.org_world import TENANT, OrgSpec, World, seed_world
from tests.template_databases import SqliteTemplate

K = 3
REPORTS = [f"r{n}" for n in range(1, 11)]
PEOPLE: OrgSpec = {
    "ada": ("Ada Admin", None, True, None),
    "max": ("Max Manager", "ada", False, None),
    "lin": ("Lin Lead", "ada", False, None),
    **{r: (f"Rep {r}", "max", False, "AB"[n % 2]) for n, r in enumerate(REPORTS[:6])},
    **{r: (f"Rep {r}", "lin", False, "C") for r in REPORTS[6:]},
}
# Who may send to whom: the admin anywhere, each manager within their org.
SENDS = [
    *(("ada", to) for to in ("everyone", "my org", "team A", "team B", "team C")),
    *(("max", to) for to in ("my org", "team A", "team B")),
    ("lin", "my org"),
    ("lin", "team C"),
]
# The custom one repeats a bank question word for word, in other case and spacing.
SURVEYS = ["engagement", "wellbeing", "to {target}: scale My  workload is MANAGEABLE."]
_files = itertools.count()


class Adversary(RuleBasedStateMachine):
    def __init__(self, template: SqliteTemplate, folder: Path) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.database = Database(template.copy_to(folder / f"ledger-{next(_files)}.db"))
        self.world: World = self.run(self._seed())
        self.scheduler = build_scheduler(self.world.engine, 1)
        self.answered: dict[int, set[int]] = {}  # round id -> who answered it

    def run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    async def _seed(self) -> World:
        world = await seed_world(self.database, PEOPLE)
        async with self.database.session() as session:
            tenant = await session.get(Tenant, TENANT)
            assert tenant is not None
            tenant.settings = {**tenant.settings, "pulse_k": K}
            session.add(tenant)
            for person in (await session.exec(select(Person))).all():
                person.paused_until = "2099-12-31"  # no check-in questions in between
                session.add(person)
        return world

    def teardown(self) -> None:
        try:
            self.check()
        finally:
            self.run(self.database.dispose())
            self.loop.close()

    # -- what people do ------------------------------------------------------------------------

    @rule(
        who=st.sampled_from(SENDS),
        survey=st.sampled_from(SURVEYS),
        weekly=st.booleans(),
    )
    def send(self, who: tuple[str, str], survey: str, weekly: bool) -> None:
        sender, to = who
        words = survey.format(target=to) if "{" in survey else f"{survey} to {to}"
        if weekly and not words.startswith("to "):
            words += " every 1 week"
        self.run(self.world.command(sender, "pulse", f"send {words}"))

    @rule(skipping=st.sets(st.sampled_from(list(PEOPLE)), max_size=3))
    def answer(self, skipping: set[str]) -> None:
        """Everyone asked answers, but for a few."""
        for name in PEOPLE:
            if name not in skipping:
                self.run(self._answer(name))

    async def _answer(self, name: str) -> None:
        before = await self._owed(name)
        for turn in range(12):
            question = self.world.messages_to(name)[-1] if self.world.to(name) else None
            if not isinstance(question, Question) or not question.prompt_id.startswith(
                PROMPT_PREFIX
            ):
                break
            if question.choices:
                choice = question.choices[(len(name) + turn) % len(question.choices)]
                await self.world.click(name, question.prompt_id, choice.value)
            else:
                await self.world.say(name, f"{turn + 2}" if "1–5" in question.text else "ok")
        for round_id in before - await self._owed(name):
            self.answered.setdefault(round_id, set()).add(self.world.ids[name])

    async def _owed(self, name: str) -> set[int]:
        async with self.database.session() as session:
            statement = (
                select(SurveyInvite.round_id)
                .join(SurveyRound, col(SurveyRound.id) == col(SurveyInvite.round_id))
                .where(
                    SurveyInvite.person_id == self.world.ids[name],
                    col(SurveyInvite.answered).is_(False),
                    SurveyRound.status == "open",
                )
            )
            return set((await session.exec(statement)).all())

    @rule(days=st.integers(1, 8))  # a round stays open 3 days
    def time_passes(self, days: int) -> None:
        self.world.clock.advance(days=days)
        self.run(self.scheduler.run_until_idle())

    @rule(name=st.sampled_from(REPORTS), active=st.booleans())
    def joins_or_leaves(self, name: str, active: bool) -> None:
        self.run(self._change(name, active=active))

    @rule(name=st.sampled_from(REPORTS[:6]), team=st.sampled_from(["A", "B"]))
    def changes_team(self, name: str, team: str) -> None:
        self.run(self._change(name, team=team))

    async def _change(self, name: str, **values: object) -> None:
        async with self.database.session() as session:
            person = await session.get(Person, self.world.ids[name])
            assert person is not None
            for field, value in values.items():
                setattr(person, field, value)
            session.add(person)

    @rule()
    def look(self) -> None:
        self.check()

    # -- the checker ---------------------------------------------------------------------------

    def check(self) -> None:
        exported = self.run(export_org(self.database, TENANT, self.world.clock.now()))
        rounds, questions = self.run(self._rounds())
        k = effective_k(K)
        by_question: dict[str, list[frozenset[int]]] = {}
        for survey in exported["surveys"]:
            for entry in survey["rounds"]:
                survey_round = rounds[(survey["id"], entry["number"])]
                groups = {g["name"]: g for g in survey_round.slices.values()}
                answered = self.answered.get(survey_round.id or 0, set())
                respondents_shown = []
                for group in entry["groups"]:
                    if "questions" not in group:
                        continue  # hidden: no numbers, no count
                    audience = frozenset(groups[group["name"]]["members"])
                    respondents = frozenset(answered & audience)
                    assert group["responded"] == len(respondents), group["name"]
                    assert len(respondents) >= k, (group["name"], len(respondents))
                    respondents_shown.append(respondents)
                    for identity in questions[survey["id"]]:
                        by_question.setdefault(identity, []).append(audience)
                assert shown_safely(respondents_shown, k), (survey["title"], entry["number"])
        for identity, audiences in by_question.items():
            assert shown_safely(audiences, k), (identity, [sorted(a) for a in audiences])

    async def _rounds(self) -> tuple[dict[tuple[int, int], SurveyRound], dict[int, list[str]]]:
        async with self.database.session() as session:
            rounds = (await session.exec(select(SurveyRound))).all()
            surveys = (await session.exec(select(Survey))).all()
        return (
            {(r.survey_id, r.number): r for r in rounds},
            {s.id or 0: [q.identity for q in questions_of(s)] for s in surveys},
        )


@pytest.mark.long
def test_no_two_results_ever_shown_single_anyone_out(
    sqlite_template: SqliteTemplate, tmp_path: Path
) -> None:
    run_state_machine_as_test(
        lambda: Adversary(sqlite_template, tmp_path),
        settings=settings(
            max_examples=12,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
