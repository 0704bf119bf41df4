"""The org `bench/soak.py` runs for a year: its people and their files, how they answer, and an
outbox that keeps only what the next answer needs.

People are rows of an org CSV (`bot/imports/org_file.py`'s columns) and speak as Slack users
(`U` and a number). Each quarter's goals are a goals CSV (`bot/imports/goals_file.py`): a
company objective, one per team and a personal one for a third of the people, one key result
each. Answers are chosen from what a question offers, as a person would: a number where a
number is asked, a button where there are buttons, a few words otherwise.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.core.events import Actor, ChoiceSelected, InboundEvent, TextReceived
from bot.core.messages import Card, Message, Question, Text
from bot.core.ports import Recipient

WORKSPACE = "T1"
TENANT = f"slack:{WORKSPACE}"
TEAM_SIZE = 8  # a manager and seven reports
# Zones from UTC-8 to UTC+10, with half- and quarter-hour offsets among them.
ZONES = (
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Singapore",
    "Australia/Sydney",
)
DAYS = ("mon", "tue", "wed", "thu", "fri")
TIMES = ("09:00", "10:30", "14:00", "16:00")
WORDS = (
    "Shipped the importer",
    "Waiting on design review",
    "No blockers this week",
    "Pairing with the new joiner on the billing service",
    "Customer interviews went well, two follow-ups planned",
    "The release slipped a day, tests were flaky",
    "Wrote the migration plan and got it reviewed",
)
CSV_HEADER = "email,name,manager_email,team,timezone,checkin_days,checkin_time,admin"
GOALS_HEADER = (
    "objective_id,objective,period,level,team,owner_email,parent_id,"
    "kr_id,key_result,kr_owner_email,metric,start,target,current,unit,weight,confidence"
)


@dataclass
class Member:
    number: int
    manager: int | None  # the manager's number
    team: str
    zone: str
    days: str
    at: str
    active: bool = True
    linked: bool = False  # has written to the bot (their Slack account is theirs in the org)

    @property
    def email(self) -> str:
        return f"p{self.number}@soak.example"

    @property
    def user(self) -> str:
        return f"U{self.number}"

    def actor(self) -> Actor:
        return Actor("slack", WORKSPACE, self.user, email=self.email, name=f"Person {self.number}")

    def mention(self) -> str:
        return f"<@{self.user}>"


@dataclass
class Roster:
    """Person 0 is the head of the org (an admin); then teams of a manager and seven reports,
    every manager reporting to person 0."""

    rng: random.Random
    members: dict[int, Member] = field(default_factory=dict)
    numbers: Iterator[int] = field(default_factory=itertools.count)

    @classmethod
    def of(cls, people: int, rng: random.Random) -> Roster:
        roster = cls(rng)
        head = roster._add(None, "Leadership")
        teams = max(1, (people - 1) // TEAM_SIZE)
        for team in range(teams):
            manager = roster._add(head.number, f"Team {team + 1}")
            for _ in range(TEAM_SIZE - 1):
                if len(roster.members) < people:
                    roster._add(manager.number, manager.team)
        while len(roster.members) < people:  # small orgs: whoever is left joins the last team
            roster._add(manager.number, manager.team)
        return roster

    def _add(self, manager: int | None, team: str) -> Member:
        rng = self.rng
        member = Member(
            next(self.numbers),
            manager,
            team,
            rng.choice(ZONES),
            rng.choice(DAYS),
            rng.choice(TIMES),
        )
        self.members[member.number] = member
        return member

    @property
    def head(self) -> Member:
        return self.members[0]

    def active(self) -> list[Member]:
        return [m for m in self.members.values() if m.active]

    def managers(self) -> list[Member]:
        leading = {m.manager for m in self.active() if m.manager not in (None, 0)}
        return [self.members[n] for n in sorted(leading) if self.members[n].active]

    def reports(self, manager: Member) -> list[Member]:
        return [m for m in self.active() if m.manager == manager.number]

    def turnover(self, share: float) -> tuple[list[Member], list[Member]]:
        """Some reports leave, as many join the teams they left (new people, new numbers)."""
        leavers = [m for m in self.active() if m.manager not in (None, 0)]
        leaving = self.rng.sample(leavers, max(1, round(len(leavers) * share)))
        joining = []
        for member in leaving:
            member.active = False
            joining.append(self._add(member.manager, member.team))
        return leaving, joining

    def org_csv(self) -> str:
        """The whole org as an HRIS exports it: imported with `full`, whoever is missing leaves."""
        lines = [CSV_HEADER]
        for m in self.active():
            boss = self.members[m.manager].email if m.manager is not None else ""
            admin = "yes" if m.number == 0 else ""
            lines.append(
                f"{m.email},Person {m.number},{boss},{m.team},{m.zone},{m.days},{m.at},{admin}"
            )
        return "\n".join(lines) + "\n"

    def goals_csv(self, period: str) -> str:
        """A quarter's goals: the company's, each team's (its manager's), a third of people's."""
        out = io.StringIO()
        rows = csv.writer(out, lineterminator="\n")
        key = period.lower()
        head = self.head.email
        rows.writerow(GOALS_HEADER.split(","))
        company = f"{key}-company"
        rows.writerow([company, f"Grow in {period}", period, "company", "", head, "",
                       f"{company}-kr", "Revenue", head, "number", 100, 200, 100, "k", "",
                       7])  # fmt: skip
        for manager in self.managers():
            team = f"{key}-team-{manager.number}"
            rows.writerow([team, f"{manager.team} delivers", period, "team", manager.team,
                           manager.email, company, f"{team}-kr", "Features shipped",
                           manager.email, "number", 0, 20, 0, "", "", 6])  # fmt: skip
        for member in self.active():
            if member.number % 3 == 1:
                mine = f"{key}-own-{member.number}"
                rows.writerow([mine, f"Learn and grow ({member.number})", period, "person", "",
                               member.email, "", f"{mine}-kr", "Courses done", member.email,
                               "number", 0, 4, 0, "", "", 7])  # fmt: skip
        return out.getvalue()


@dataclass
class Replies:
    """Inbound events with ids that are never used twice, as a platform's are."""

    rng: random.Random
    ids: Iterator[int] = field(default_factory=itertools.count)

    def event_id(self) -> str:
        return f"Ev{next(self.ids)}"

    def text(self, member: Member, text: str) -> TextReceived:
        return TextReceived(member.actor(), text, self.event_id())

    def to(self, member: Member, question: Question) -> InboundEvent:
        """An answer to `question`, typed or clicked."""
        rng = self.rng
        hint = question.hint or ""
        values = [choice.value for choice in question.choices]
        if "Type a number" in hint:
            return self.text(member, rng.choice(("same", str(rng.randint(0, 20)))))
        if "yes or no" in hint:
            return self.text(member, rng.choice(("no", "no", "yes")))
        if "confirm" in values:
            return self._click(member, question, "confirm")
        numbers = [value for value in values if value.isdigit()]
        if numbers:  # confidence, mood, a survey's scale: mostly the upper half
            return self._click(member, question, rng.choice(numbers[len(numbers) // 2 :]))
        if values:
            chosen = [value for value in values if value != "skip"] or values
            return self._click(member, question, rng.choice(chosen))
        return self.text(member, rng.choice(WORDS))

    def _click(self, member: Member, question: Question, value: str) -> ChoiceSelected:
        return ChoiceSelected(member.actor(), question.prompt_id, value, self.event_id())


def is_checkin(question: Question) -> bool:
    return question.offers_form


def starts_checkin(question: Question) -> bool:
    return is_checkin(question) and "check-in time" in (question.intro or "")


def nudges(question: Question) -> bool:
    return is_checkin(question) and "nudge" in (question.intro or "")


class LatestOutbox:
    """Sends nowhere. Keeps each person's latest question and the questions that came since the
    bench last looked, and counts the rest: a year of messages kept would be the bench's own
    memory growing."""

    def __init__(self) -> None:
        self.latest: dict[str, Question] = {}
        self.arrived: dict[str, list[Question]] = {}
        self.counts: Counter[str] = Counter()

    async def send(self, to: Recipient, message: Message) -> dict[str, Any] | None:
        self.counts["messages"] += 1
        if isinstance(message, Question):
            self.latest[to.user] = message
            self.arrived.setdefault(to.user, []).append(message)
            if starts_checkin(message):
                self.counts["check-ins prompted"] += 1
                self.counts["their questions"] += message.total
            elif nudges(message):
                self.counts["reminders"] += 1
        elif isinstance(message, Text) and message.text.startswith("Sorry, something went wrong"):
            self.counts["SORRY replies"] += 1
        return {"ts": str(self.counts["messages"])}

    async def update(self, to: Recipient, ref: dict[str, Any], message: Message) -> None:
        self.counts["updates"] += 1

    async def post_digest(self, to: Recipient, summary: Text, details: Card) -> None:
        self.counts["digests posted"] += 1

    async def post_card(self, to: Recipient, card: Card) -> None:
        self.counts["cards posted"] += 1

    def take_arrived(self) -> dict[str, list[Question]]:
        arrived, self.arrived = self.arrived, {}
        return arrived
