"""`settings` in chat and as a form, the org's defaults and locks, and what they do to the
messages the bot sends on its own: a kind turned off isn't sent, a message in quiet hours waits
for their end and goes once, and one whose purpose passed meanwhile is dropped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from adapters.teams.render import render_card
from app.scheduling import build_scheduler
from bot.core.events import FormSubmitted
from bot.core.i18n import speaking
from bot.core.messages import Card, Form, Text
from bot.core.outcome import Notice
from bot.notify.policy import Kind
from storage.db import Database
from storage.held import CHECKIN_RUN, about
from storage.models import CheckinRun, HeldMessage, Person
from tests.bot.org_world import World, seed_world

MONDAY_NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MONDAY_NIGHT = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)  # 21:00 in London, 22:00 in Berlin


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(
        sqlite_db,
        {
            "ada": ("Ada Admin", None, True, None),
            "ana": ("Ana Lopez", None, False, "Growth"),
            "ben": ("Ben Report", "ana", False, "Growth"),
        },
    )
    world.clock.current = MONDAY_NOON
    return world


async def person(world: World, key: str) -> Person:
    async with world.database.session() as session:
        found = await session.get(Person, world.ids[key])
        assert found is not None
        return found


async def notify(
    world: World, key: str, text: str, *kinds: Kind, purpose: str | None = None
) -> None:
    notice = Notice(world.ids[key], [Text(text)], tuple(k.value for k in kinds), purpose)
    await world.engine.notify("slack:T1", [notice])


async def held(world: World) -> list[HeldMessage]:
    async with world.database.session() as session:
        return list((await session.exec(select(HeldMessage))).all())


async def test_settings_shows_the_defaults_and_a_form(world: World) -> None:
    await world.say("ben", "settings")
    card, form = world.messages_to("ben")[-2:]
    assert isinstance(card, Card) and isinstance(form, Form)
    text = card.fallback_text()
    assert "19:00–08:00 your time, and weekends (your org's default)" in text
    assert "Kudos DMs: on" in text and "English (your org's default)" in text
    assert {f.key for f in form.fields} >= {"quiet_start", "quiet_end", "weekends", "kudos"}


async def test_typed_settings_change_one_thing_and_say_what_is_wrong(world: World) -> None:
    await world.say("ben", "settings quiet 22:00-07:30")
    assert "22:00–07:30 your time, and weekends (yours)" in world.to("ben")[-1]
    await world.say("ben", "settings weekends off")
    assert "22:00–07:30 your time; weekends aren't quiet" in world.to("ben")[-1]
    await world.say("ben", "settings off kudos")
    assert "Kudos DMs: off" in world.to("ben")[-1]
    await world.say("ben", "settings off everything")
    assert "“everything” is not a kind of message" in world.last("ben")
    await world.say("ben", "settings quiet late")
    assert "settings quiet 20:00-07:00" in world.last("ben")
    await world.say("ben", "settings quiet 25:00-07:00")
    assert "is not a time of day" in world.last("ben")
    ben = await person(world, "ben")
    assert ben.notify == {
        "quiet": {"start": "22:00", "end": "07:30", "weekends": False},
        "off": ["kudos"],
    }
    await world.say("ben", "settings default")
    assert (await person(world, "ben")).notify is None


async def test_the_old_reminder_switch_and_the_kind_stay_in_step(world: World) -> None:
    await world.say("ben", "checkin reminders off")
    await world.say("ben", "settings")
    assert "Check-in reminders: off" in world.to("ben")[-2]
    await world.say("ben", "settings on reminders")
    assert (await person(world, "ben")).reminders


async def test_the_form_saves_and_what_matches_the_org_stays_the_default(world: World) -> None:
    await world.say("ben", "settings")
    form = world.messages_to("ben")[-1]
    assert isinstance(form, Form)
    values = {f.key: f.initial for f in form.fields}
    await world.engine.handle(FormSubmitted(world.actor("ben"), "settings", values, "f1"))
    assert (await person(world, "ben")).notify is None
    values |= {"quiet_start": "7pm", "pulse_reminders": "off", "language": "es"}
    sent_back = await world.engine.handle(
        FormSubmitted(world.actor("ben"), "settings", values, "f2")
    )
    assert "is not a time" in sent_back.form_errors["quiet_start"]
    assert (await person(world, "ben")).language is None  # nothing was stored
    values["quiet_start"] = "20:00"
    await world.engine.handle(FormSubmitted(world.actor("ben"), "settings", values, "f3"))
    ben = await person(world, "ben")
    assert ben.notify == {
        "quiet": {"start": "20:00", "end": "08:00", "weekends": True},
        "off": ["pulse reminders"],
    }
    assert ben.language == "es"


async def test_a_kind_turned_off_is_not_sent_and_an_org_lock_keeps_it_on(world: World) -> None:
    await world.say("ben", "settings off kudos")
    await notify(world, "ben", "Kudos from Ana", Kind.KUDOS)
    assert not any("Kudos from Ana" in t for t in world.to("ben"))
    await world.say("ana", "settings org lock kudos")
    assert "Only admins" in world.last("ana")
    await world.say("ada", "settings org lock kudos")
    assert "Kudos DMs: on, kept on" in world.last("ada")
    await notify(world, "ben", "Kudos from Ana", Kind.KUDOS)
    assert any("Kudos from Ana" in t for t in world.to("ben"))
    await world.say("ben", "settings off kudos")
    assert "Your org keeps Kudos DMs on for everyone." in world.last("ben")


async def test_the_org_default_turns_a_kind_off_for_those_who_didnt_choose(world: World) -> None:
    await world.say("ada", "settings org off pulse")
    await world.say("ana", "settings on pulse")
    await notify(world, "ben", "pulse nudge", Kind.PULSE_REMINDERS)
    await notify(world, "ana", "pulse nudge", Kind.PULSE_REMINDERS)
    assert not world.to("ben") or "pulse nudge" not in world.to("ben")[-1]
    assert world.last("ana") == "pulse nudge"


async def test_a_message_in_quiet_hours_goes_when_they_end_once(world: World) -> None:
    async with world.database.session() as session:
        ben = await session.get(Person, world.ids["ben"])
        assert ben is not None
        ben.timezone = "Europe/Berlin"
        session.add(ben)
    world.clock.current = MONDAY_NIGHT
    await notify(world, "ben", "Mo asks for feedback")
    assert "Mo asks for feedback" not in world.to("ben")
    [row] = await held(world)
    assert row.release_at == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
    scheduler = build_scheduler(world.engine, 1)
    world.clock.current = datetime(2026, 3, 3, 6, 59, tzinfo=UTC)
    await scheduler.run_until_idle()
    assert "Mo asks for feedback" not in world.to("ben")
    world.clock.current = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
    await scheduler.run_until_idle()
    await scheduler.run_until_idle()
    assert world.to("ben").count("Mo asks for feedback") == 1
    assert await held(world) == []


async def test_a_held_message_whose_purpose_passed_is_dropped(world: World) -> None:
    async with world.database.session() as session:
        run = CheckinRun(
            tenant_id="slack:T1",
            person_id=world.ids["ben"],
            period_label="2026-03-02",
            period_start=MONDAY_NOON,
            period_end=datetime(2026, 3, 9, tzinfo=UTC),
            created_at=MONDAY_NOON,
        )
        session.add(run)
        await session.flush()
        run_id = run.id
    world.clock.current = MONDAY_NIGHT
    await notify(world, "ben", "still open?", purpose=about(CHECKIN_RUN, run_id))
    await notify(world, "ben", "an unrelated note")
    async with world.database.session() as session:
        found = await session.get(CheckinRun, run_id)
        assert found is not None
        found.status = "submitted"
        session.add(found)
    world.clock.current = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    await build_scheduler(world.engine, 1).run_until_idle()
    assert "an unrelated note" in world.to("ben")
    assert "still open?" not in world.to("ben")


async def test_a_weekend_message_waits_for_monday_morning(world: World) -> None:
    world.clock.current = datetime(2026, 3, 7, 11, 0, tzinfo=UTC)  # Saturday
    await notify(world, "ben", "weekend note")
    [row] = await held(world)
    assert row.release_at == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    await world.say("ben", "settings weekends off")
    assert "Saved." in world.to("ben")  # his own replies are never held


async def test_language_is_chosen_and_told_in_it(world: World) -> None:
    await world.say("ben", "settings language de")
    assert world.last("ben") == "Ich schreibe dir ab jetzt auf Deutsch."
    assert (await person(world, "ben")).language == "de"
    await world.say("ben", "settings language klingon")
    assert world.last("ben") == "Ich schreibe auf en (English), de (Deutsch), es (Español)."
    await world.say("ada", "settings org language es")
    await world.say("ana", "settings")
    assert "Español (predeterminado de tu organización)" in world.to("ana")[-2]
    await world.say("ana", "settings language en")
    assert world.last("ana") == "I'll write to you in English from now on."


async def test_an_admin_names_the_orgs_signs_of_being_away(world: World) -> None:
    await world.say("ada", "settings org away emoji ski palm_tree")
    assert "emoji :palm_tree: :ski:" in world.to("ada")[-1]
    await world.say("ada", "settings org away words sabbatical, Parental leave")
    assert "words sabbatical, parental leave" in world.to("ada")[-1]
    await world.say("ada", "settings org away nonsense")
    assert "settings org away default" in world.last("ada")
    await world.say("ben", "settings org away words gone")
    assert "Only admins" in world.last("ben")
    await world.say("ada", "settings org away default")
    assert ":face_with_thermometer:" in world.to("ada")[-1]


async def test_the_settings_form_is_a_teams_card_of_inputs_in_the_readers_language(
    world: World,
) -> None:
    await world.speak({"ben": "de"})
    await world.say("ben", "settings")
    form = world.messages_to("ben")[-1]
    assert isinstance(form, Form)
    with speaking("de"):
        card = render_card(form)
    inputs = {e["id"]: e for e in card["body"] if str(e.get("type", "")).startswith("Input.")}
    assert inputs["quiet_start"]["type"] == "Input.Text"
    assert inputs["quiet_start"]["value"] == "19:00"
    assert inputs["kudos"]["type"] == "Input.ChoiceSet"
    assert [c["title"] for c in inputs["kudos"]["choices"]] == ["An", "Aus"]
    assert "Benachrichtigungen" in str(card)
