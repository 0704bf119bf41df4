"""The whole cycle in a fresh Teams tenant, with no CSV and no goals file: the first to install
is its admin and sets a company objective; a colleague gets `help`, checks in on the default
cadence, adds a personal objective with two key results aligned under it through the card, and
closes the quarter with grades; the export shows all of it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.export import export_org
from tests.conftest import FakeClock, until
from tests.fuzz.apps import Bot
from tests.teams.activities import card_submit, installation_update, message
from tests.teams.conftest import card_actions, card_inputs

FRESH = "tenant-fresh"


class Person:
    def __init__(self, bot: Bot, user: str) -> None:
        self.bot, self.user = bot, user
        self.url = bot.teams.connector.url

    async def post(self, activity: dict[str, Any]) -> str:
        teams = self.bot.teams
        seen = len(teams.connector.sent)
        status, _ = await teams.post(activity, self.bot.teams_token(self.url))
        assert status < 300
        return await teams.next_message(seen)

    async def say(self, text: str) -> str:
        return await self.post(message(text, user=self.user, tenant=FRESH, service_url=self.url))

    async def install(self) -> str:
        return await self.post(
            installation_update(user=self.user, tenant=FRESH, service_url=self.url)
        )

    async def fill(self, card: str, typed: dict[str, str]) -> str:
        data = next(a for a in card_actions(card) if a.get("checkin") == "form")
        values = {k: v for k, v in data.items() if k != "title"} | typed
        return await self.post(
            card_submit(values, user=self.user, tenant=FRESH, service_url=self.url)
        )


async def test_a_fresh_tenant_runs_the_whole_okr_cycle_in_chat(bot: Bot, clock: FakeClock) -> None:
    connector = bot.teams.connector
    connector.add_member("29:ina", email="ina@fresh.example", name="Ina Installer", tenant=FRESH)
    connector.add_member("29:ole", email="ole@fresh.example", name="Ole Colleague", tenant=FRESH)
    ina, ole = Person(bot, "29:ina"), Person(bot, "29:ole")
    await ina.install()  # the first in this tenant: its admin

    said = await ina.say('goals add "Win the mid-market" level company')
    assert "Added #" in said and "a company objective for 2026-Q4" in said
    company = said.split("Added #", 1)[1].split(" ", 1)[0]

    assert "checkin now" in await ole.say("help")
    said = await ole.say("checkin now")
    for answer in ("none", "shipped the importer", "4"):
        if "saved" in said:
            break
        said = await ole.say(answer)
    assert "saved" in said

    card = await ole.say("goals add")
    assert f"#{company} Win the mid-market (2026-Q4)" in card
    said = await ole.fill(
        card,
        {
            "title": "Land ten mid-market logos",
            "parent": company,
            "n1_title": "Mid-market logos",
            "n1_start": "0",
            "n1_target": "10",
            "n1_unit": "logos",
            "n2_title": "Sales cycle",
            "n2_start": "90",
            "n2_target": "60",
            "n2_unit": "days",
            "n2_direction": "lower",
        },
    )
    assert "a personal objective for 2026-Q4" in said and f"aligned under #{company}" in said
    mine = said.split("Added #", 1)[1].split(" ", 1)[0]

    clock.current = datetime(2026, 12, 28, 10, 0, tzinfo=UTC)  # the quarter's last week
    card = await ole.say("goals close")
    assert "Close 2026-Q4" in card
    keys = [key for key in card_inputs(card) if key.endswith("_final")]
    typed = {keys[0]: "7", keys[0].replace("final", "grade"): "0.7"}
    typed |= {keys[1]: "75", keys[1].replace("final", "grade"): "0.5"}
    typed |= {f"o{mine}_learned": "Referrals close fastest", f"o{mine}_carry": "no"}
    said = await ole.fill(card, typed)
    await until(lambda: any("Closed 2026-Q4" in text for text in bot.teams.texts()))

    exported = await export_org(bot.database, f"teams:{FRESH}", clock.now())
    people = {p["email"]: p for p in exported["people"]}
    assert set(people) == {"ina@fresh.example", "ole@fresh.example"}
    objectives = {str(o["number"]): o for o in exported["objectives"]}
    assert objectives[company]["level"] == "company"
    assert objectives[company]["owner"] == "ina@fresh.example"
    closed = objectives[mine]
    assert closed["parent"] == objectives[company]["id"] and closed["grade"] == 0.6
    assert closed["learned"] == "Referrals close fastest" and closed["closed_at"]
    assert sorted(kr["grade"] for kr in closed["key_results"]) == [0.5, 0.7]
    assert [c["person"] for c in exported["checkins"]] == ["ole@fresh.example"]
