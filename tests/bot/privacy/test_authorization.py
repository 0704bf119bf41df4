"""Who may see and do what, as one matrix: an employee, a peer, their manager, the skip-level
manager, an admin, and an admin of another org, against every view and command that shows or
touches someone else's data. Every cell is checked both ways: what the rules allow shows the
data, and everything else is refused without leaking it.

The org: Mo manages Rae (both team Leads), who manages Sid, Pat and four more (team Platform).
Pat is Sid's peer. Ada is an admin. Oz is an admin of another workspace with a team Platform
of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.core.events import Actor, CommandInvoked
from storage.db import Database
from storage.models import KeyResult, Objective, Person, PlatformIdentity
from storage.repository import Store
from storage.subscriptions import Subscriptions
from tests.bot.org_world import (
    TENANT,
    OrgSpec,
    Seeded,
    World,
    copy_world,
    seed_once,
    seed_world,
)
from tests.seeded import SEEDED_AT
from tests.template_databases import SqliteTemplate

PLATFORM = ["sid", "pat", "p1", "p2", "p3", "p4"]
PEOPLE: OrgSpec = {
    "ada": ("Ada Admin", None, True, None),
    "mo": ("Mo Skip", None, False, "Leads"),
    "rae": ("Rae Lead", "mo", False, "Leads"),
    **{p: (f"{p.title()} Dev", "rae", False, "Platform") for p in PLATFORM},
}
ROLES = {
    "employee": "sid",
    "peer": "pat",
    "manager": "rae",
    "skip-level": "mo",
    "admin": "ada",
    "other org": "oz",
}
OTHER = Actor("slack", "T2", "U_OZ")
BLOCKER = "waiting on API keys from IT"
WIN = "shipped the client"
CHANNEL = {"key": "C_ROOM", "name": "#room", "channel": "C_ROOM"}


@dataclass
class Org:
    world: World
    events: int = 0

    def actor(self, who: str) -> Actor:
        return OTHER if who == "oz" else self.world.actor(who)

    async def command(
        self, who: str, command: str, text: str, channel: dict[str, str] | None = None
    ) -> str:
        """What `who` is told in answer to one command (every message of the answer)."""
        self.events += 1
        seen = len(self.world.outbox.sent)
        event = CommandInvoked(self.actor(who), command, text, f"auth{self.events}", channel)
        await self.world.engine.handle(event)
        user = self.actor(who).user
        return "\n".join(
            m.fallback_text() for to, m in self.world.outbox.sent[seen:] if to.user == user
        )


@pytest.fixture(scope="module")
def seeded(sqlite_template: SqliteTemplate, tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """The org below, built once for the module; each test gets a copy of its database."""
    return seed_once(sqlite_template, tmp_path_factory.mktemp("authorization"), seed_org)


@pytest.fixture
async def org(seeded: Seeded, tmp_path: Path) -> AsyncIterator[Org]:
    world = copy_world(seeded, tmp_path / "test.db")
    yield Org(world, events=1_000)  # past the event ids the seeding used
    await world.database.dispose()


async def seed_org(sqlite_db: Database) -> World:
    world = await seed_world(sqlite_db, PEOPLE)
    async with sqlite_db.session() as session:
        objective = Objective(
            tenant_id=TENANT, key="ship", title="Ship the API", period="2026-Q1",
            owner_id=world.ids["rae"], team="Platform",
            created_at=SEEDED_AT,
        )  # fmt: skip
        session.add(objective)
        await session.flush()
        assert objective.id is not None
        session.add(
            KeyResult(
                tenant_id=TENANT, key="calls", objective_id=objective.id, title="API calls",
                owner_id=world.ids["sid"], start=0, target=200, current=50, confidence=7,
                updated_at=SEEDED_AT,
            )
        )  # fmt: skip
        # The other workspace: Oz, its admin, and Olu in a team that is also called Platform.
        await Store(session).ensure_tenant("slack:T2", "slack", "T2", SEEDED_AT)
        for key, admin in (("oz", True), ("olu", False)):
            person = Person(
                tenant_id="slack:T2", email=f"{key}@y.com", name=f"{key.title()} Other",
                timezone="UTC", is_admin=admin, team="Platform",
                created_at=SEEDED_AT,
            )  # fmt: skip
            session.add(person)
            await session.flush()
            assert person.id is not None
            session.add(
                PlatformIdentity(
                    tenant_id="slack:T2", person_id=person.id, platform="slack",
                    external_user_id=f"U_{key.upper()}",
                )
            )  # fmt: skip
    org = Org(world)
    # Sid's week: a blocker (managers only) and a win (the team's digest too).
    await org.command("sid", "checkin", "now")
    for answer in ("150", "4", BLOCKER, WIN, "4"):
        await world.say("sid", answer)
    return world


def shows_sid(text: str) -> bool:
    return "Sid Dev" in text or BLOCKER in text


def leaks_this_org(text: str) -> bool:
    return any(word in text for word in ("Sid Dev", "Rae Lead", "Ship the API", BLOCKER, WIN))


Check = Callable[[Org, str], Awaitable[bool]]


async def team_week(org: Org, who: str) -> bool:
    text = await org.command(who, "checkin", "team")
    return BLOCKER in text and "Sid Dev" in text


async def team_goals(org: Org, who: str) -> bool:
    text = await org.command(who, "goals", "team")
    return "API calls" in text and "No one reports to you" not in text


async def home_team_line(org: Org, who: str) -> bool:
    text = await org.command(who, "home", "")
    return "Your team" in text


async def feedback_about_sid(org: Org, who: str) -> bool:
    text = await org.command(who, "feedback", "request <@U_SID> from <@U_P1> <@U_P2>")
    return "Asked" in text


async def pulse_to_platform(org: Org, who: str) -> bool:
    text = await org.command(who, "pulse", "send to team Platform: likert Goals are clear")
    return "to team Platform: 6 people" in text  # Oz's own team Platform has 2


async def platform_digest(org: Org, who: str) -> bool:
    text = await org.command(who, "digest", "now Platform")
    return "Platform this week:" in text and WIN in text


async def leads_digest(org: Org, who: str) -> bool:
    text = await org.command(who, "digest", "now Leads")
    return "Leads this week:" in text


async def org_digest(org: Org, who: str) -> bool:
    text = await org.command(who, "digest", "now everyone")
    return "Everyone this week:" in text and WIN in text


async def subscribe_platform(org: Org, who: str) -> bool:
    text = await org.command(who, "digest", "subscribe Platform", CHANNEL)
    async with org.world.database.session() as session:
        here = await Subscriptions(session).in_channel(TENANT, "C_ROOM")
    # Oz may subscribe a channel of his own workspace to his team Platform, never this one's.
    return "gets the Platform digest every Monday" in text and len(here) == 1


MATRIX: dict[str, tuple[Check, set[str]]] = {
    # view or command: what it is, and the roles it is for
    "checkin team": (team_week, {"manager", "skip-level", "admin"}),
    "goals team": (team_goals, {"manager", "skip-level", "admin"}),
    "home (team line)": (home_team_line, {"manager", "skip-level"}),
    "feedback request about Sid": (
        feedback_about_sid,
        {"employee", "manager", "skip-level", "admin"},
    ),
    "pulse send to team Platform": (pulse_to_platform, {"manager", "skip-level", "admin"}),
    "digest now Platform": (
        platform_digest,
        {"employee", "peer", "manager", "skip-level", "admin"},
    ),
    # Rae and Mo are team Leads: the people below them are not its members.
    "digest now Leads": (leads_digest, {"manager", "skip-level", "admin"}),
    "digest now everyone": (org_digest, {"admin"}),
    "digest subscribe Platform": (
        subscribe_platform,
        {"employee", "peer", "manager", "skip-level", "admin"},
    ),
}
CELLS = [(what, role) for what in MATRIX for role in ROLES]


@pytest.mark.parametrize(("what", "role"), CELLS, ids=[f"{w} x {r}" for w, r in CELLS])
async def test_each_view_and_command_is_for_its_roles_only(org: Org, what: str, role: str) -> None:
    check, allowed = MATRIX[what]
    who = ROLES[role]
    seen = len(org.world.outbox.sent)
    assert await check(org, who) == (role in allowed)
    told = "\n".join(m.fallback_text() for _, m in org.world.outbox.sent[seen:])
    if role not in allowed and role != "employee":
        assert BLOCKER not in told
    if role == "other org":
        assert not leaks_this_org(told)


async def test_the_other_org_sees_its_own_people_only(org: Org) -> None:
    text = await org.command("oz", "digest", "now Platform")
    assert "Platform this week:" in text and "0 of 2 checked in" in text  # Oz and Olu
    for command, args in (("checkin", "team"), ("goals", "team"), ("home", "")):
        text = await org.command("oz", command, args)
        assert not leaks_this_org(text)
    assert "Olu Other" in await org.command("oz", "checkin", "team")


async def test_feedback_answers_reach_the_requester_only(org: Org) -> None:
    await org.command("mo", "feedback", "request <@U_SID> from <@U_P1> <@U_P2>")
    await org.world.say("p1", "clear code reviews")
    await org.world.say("p1", "write more docs")
    told_mo = "\n".join(org.world.to("mo"))
    assert "clear code reviews" in told_mo
    for who in ("sid", "rae", "pat", "ada", "p2"):
        text = "\n".join(org.world.to(who)) + await org.command(who, "feedback", "inbox")
        assert "clear code reviews" not in text, who


async def test_pulse_results_follow_the_group_rule(org: Org) -> None:
    assert "Sent" in await org.command(
        "rae", "pulse", "send to team Platform: likert Goals are clear"
    )
    for who in PLATFORM:
        await org.world.say(who, "4")
    assert "has closed" in org.world.last("rae")
    readers = {"manager", "skip-level", "admin"}
    for role, who in ROLES.items():
        text = await org.command(who, "pulse", "results")
        shown = "Goals are clear" in text and "6 of 6" in text
        assert shown == (role in readers), (role, text)
