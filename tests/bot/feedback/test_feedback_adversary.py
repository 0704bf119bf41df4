"""An adversarial requester, over time: named and anonymous requests about one person with
overlapping givers, givers answering (each in words of their own, the same in every request),
requests closing, and the requester reading the inbox and the export. Whatever the order, no
anonymous answer the requester is shown can be tied to its giver by matching it against the
named answers they got, or against other anonymous ones (`tests.bot.matching`).

Run through the engine on SQLite, as `test_feedback.py` does, one database per example. The
requests all fall within the 90 days the overlap rule looks back over.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Coroutine
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    rule,
    run_state_machine_as_test,
)
from sqlmodel import select

from app.export import export_org
from bot.feedback.flow import FEEDBACK_CLOSE, FEEDBACK_REMINDER
from bot.feedback.scheduled import ScheduledFeedback
from bot.privacy.feedback_answers import ANONYMOUS_MINIMUM, OVERLAP_WINDOW
from scheduler.due import Due
from storage.db import Database
from storage.models import FeedbackAnswer, FeedbackInvite, FeedbackRequest
from tests.bot.matching import Seen, writers
from tests.bot.org_world import TENANT, OrgSpec, seed_world
from tests.template_databases import SqliteTemplate

T = TypeVar("T")
GIVERS = ("ben", "cat", "dan", "eve", "fay", "guy", "hal", "ivy")
PEOPLE: OrgSpec = {
    "ada": ("Ada Admin", None, True, None),
    "mo": ("Mo Manager", None, False, None),
    "rae": ("Rae Lead", "mo", False, None),
    **{g: (f"{g.title()} Giver", None, False, None) for g in GIVERS},
}
REQUESTERS = ("mo", "ada")  # a manager, or an admin: each reads all they may
WORDS = re.compile(r"kw-([a-z]+)-\d")  # a giver's own words: kw-ben-1, kw-ben-2
CARD = re.compile(r"\(#(\d+)\)")
NOTHING_WAITING = "No check-in is waiting for you"


class Adversary(RuleBasedStateMachine):
    """One requester, one subject, eight givers; the checker knows who wrote what."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.world = self.run(seed_world(self.database(), PEOPLE))
        self.started = self.world.clock.now()
        self.requester = "mo"

    def database(self) -> Database:
        raise NotImplementedError  # each run gives a fresh one

    def run(self, step: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(step)

    # -- what the requester and the givers do --------------------------------------------------

    @initialize(requester=st.sampled_from(REQUESTERS))
    def become(self, requester: str) -> None:
        """One person asks throughout."""
        self.requester = requester

    # A few givers by name, to unmask them; more anonymously, to be unmasked.
    @rule(givers=st.sets(st.sampled_from(GIVERS), min_size=1, max_size=3))
    def ask_by_name(self, givers: set[str]) -> None:
        self.ask(givers, anonymous=False)

    @rule(givers=st.sets(st.sampled_from(GIVERS), min_size=2, max_size=6))
    def ask_anonymously(self, givers: set[str]) -> None:
        self.ask(givers, anonymous=True)

    def ask(self, givers: set[str], anonymous: bool) -> None:
        mentions = " ".join(f"@{g}" for g in sorted(givers))
        words = f"request @rae from {mentions}" + " anonymous" * anonymous
        self.run(self.world.command(self.requester, "feedback", words))

    @rule(giver=st.sampled_from(GIVERS))
    def answer(self, giver: str) -> None:
        self.answers(giver)

    @rule()
    def everyone_answers(self) -> None:
        """Every giver answers all that is waiting for them."""
        waiting = len(self.run(self._requests()))  # at most one question per request each
        for giver in GIVERS:
            for _ in range(waiting):
                if not self.answers(giver):
                    break

    def answers(self, giver: str) -> bool:
        """The giver answers the question waiting for them, if any, in their own words; False
        when none was."""
        for number in (1, 2):
            self.world.clock.advance(minutes=1)
            self.run(self.world.say(giver, f"kw-{giver}-{number}"))
            if NOTHING_WAITING in self.world.last(giver):
                return False
        return True

    @rule(days=st.integers(1, 8))
    def time_passes(self, days: int) -> None:
        """Days go by, within the overlap window: reminders go out and due requests close."""
        if self.world.clock.now() + timedelta(days=days) - self.started >= OVERLAP_WINDOW:
            return
        self.world.clock.advance(days=days)
        now = self.world.clock.now()
        scheduled = ScheduledFeedback(self.world.engine)
        for request in self.run(self._requests()):
            if request.status != "open" or request.due_at is None:
                continue
            assert request.id is not None
            if request.due_at <= now:
                due = Due(FEEDBACK_CLOSE, TENANT, request.id, request.due_at, 0)
                self.run(scheduled.close(due, now))
            else:
                self.run(scheduled.remind(Due(FEEDBACK_REMINDER, TENANT, request.id, now, 0), now))

    @rule()
    def read(self) -> None:
        """The requester reads the inbox, every request's answers again, and the export."""
        self.run(self.world.command(self.requester, "feedback", "inbox"))
        for request in self.run(self._requests()):
            self.run(self.world.command(self.requester, "feedback", f"inbox {request.id}"))
        self.check()

    def teardown(self) -> None:
        try:
            self.read()
        finally:
            self.run(self.world.database.dispose())
            self.loop.close()

    # -- the checker ---------------------------------------------------------------------------

    def check(self) -> None:
        exported = self.run(
            export_org(
                self.world.database, TENANT, self.world.clock.now(), f"{self.requester}@x.com"
            )
        )
        mine = [r for r in exported["feedback"] if r["requester"] == f"{self.requester}@x.com"]
        seen = [self._seen(request) for request in mine]
        for words, candidates in writers(seen).items():
            assert len(candidates) >= ANONYMOUS_MINIMUM, (words, candidates)
        shown = {(r["id"], w) for r in mine if r["anonymous"] for w in _givers_in(r["answers"])}
        anonymous = {r["id"] for r in mine if r["anonymous"]}
        for message in self.world.to(self.requester):  # messages show nothing the export doesn't
            title = CARD.search(message.split("\n", 1)[0])
            if title is not None and int(title.group(1)) in anonymous:
                assert {(int(title.group(1)), w) for w in WORDS.findall(message)} <= shown
        self.run(self._check_rows())

    def _seen(self, request: dict[str, Any]) -> Seen:
        givers = frozenset(email.split("@")[0] for email in request["givers_asked"])
        if request["anonymous"]:
            texts = frozenset(_givers_in(request["answers"]))
            # Shown in batches of three or more, or not at all.
            assert len(texts) == 0 or len(texts) >= ANONYMOUS_MINIMUM
            assert len(texts) == len(request["answers"])  # one answer each
            return Seen(True, givers, {}, texts)
        named = {a["giver"].split("@")[0]: _givers_in([a])[0] for a in request["answers"]}
        assert all(giver == words for giver, words in named.items())
        return Seen(False, givers, named, frozenset())

    async def _check_rows(self) -> None:
        """Below the views: a closed anonymous request keeps only answers shown, and no
        invitation says who answered or was reminded."""
        async with self.world.database.session() as session:
            for request in (await session.exec(select(FeedbackRequest))).all():
                if not request.anonymous or request.status == "open":
                    continue
                answers = select(FeedbackAnswer).where(FeedbackAnswer.request_id == request.id)
                assert all(a.released for a in (await session.exec(answers)).all())
                invites = select(FeedbackInvite).where(FeedbackInvite.request_id == request.id)
                assert not any(i.answered or i.reminded for i in (await session.exec(invites)))

    async def _requests(self) -> list[FeedbackRequest]:
        async with self.world.database.session() as session:
            return list((await session.exec(select(FeedbackRequest))).all())


def _givers_in(answers: list[dict[str, Any]]) -> list[str]:
    """Whose words each answer is: one giver's, whichever of their questions they went to."""
    found = []
    for answer in answers:
        (giver,) = {m for text in answer["answers"] for m in WORDS.findall(text)}
        found.append(giver)
    return found


@pytest.mark.long
def test_an_adversarial_requester_never_ties_an_anonymous_answer_to_its_giver(
    sqlite_template: SqliteTemplate, tmp_path: Path
) -> None:
    numbers = itertools.count()

    class OnSqlite(Adversary):
        def database(self) -> Database:
            return Database(sqlite_template.copy_to(tmp_path / f"adversary{next(numbers)}.db"))

    run_state_machine_as_test(OnSqlite, settings=settings(max_examples=12, stateful_step_count=25))
