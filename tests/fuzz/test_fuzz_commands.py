"""The parsers that need an org behind them (checkin schedule/pause, feedback request/give/share,
pulse send/results and survey answers, digest, check-in answers, buttons and forms), driven
through the engine with hostile arguments: every event gets an answer of its own, never the
"something went wrong" apology, and nothing is logged as an error."""

from __future__ import annotations

import itertools
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.events import FormSubmitted
from bot.core.messages import Question
from bot.engine.engine import SORRY
from bot.imports.goals_import import import_goals
from storage.db import Database
from tests.bot.org_world import TENANT, OrgSpec, World, seed_world
from tests.fuzz.strategies import hostile_text, numbers, piece
from tests.seeded import SEEDED_AT

PEOPLE: OrgSpec = {
    "ada": ("Ada Admin", None, True, "Leads"),
    "mo": ("Mo Manager", "ada", False, "Leads"),
    "rae": ("Rae Lead", "mo", False, "Platform"),
    "sid": ("Sid Dev", "rae", False, "Platform"),
    "gil": ("Gil Giver", None, False, None),
    "gus": ("Gus Giver", None, False, None),
    "gwen": ("Gwen Giver", None, False, None),
}
GOALS = """period: 2026-Q1
objectives:
  - id: grow
    title: Grow
    owner: mo@x.com
    key_results:
      - {id: signups, title: Weekly signups, owner: sid@x.com, start: 100, target: 500}
      - {id: act, title: Activation rate, owner: sid@x.com, metric: percent, start: 10,
         target: 40}
      - {id: docs, title: Docs published, owner: sid@x.com, metric: binary}
"""
_events = itertools.count()

mention = st.sampled_from(["<@U_RAE>", "<@U_GIL|gil>", "@gus", "gwen@x.com", "me", "<@U_NOBODY>"])
whole = st.one_of(
    st.integers(-3, 20).map(str), numbers, st.sampled_from(["²", "١", "𝟗", "9" * 5000])
)
day = st.one_of(st.sampled_from(["friday", "tomorrow", "2026-03-20", "1999-01-01"]), hostile_text)
clock = st.one_of(st.sampled_from(["09:30", "24:00", "²:30", "9" * 5000 + ":00"]), hostile_text)


def joined(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map(" ".join)


ARGS: dict[str, st.SearchStrategy[str]] = {
    "checkin": st.one_of(
        joined(st.just("schedule"), hostile_text, clock, st.just("every"), whole, st.just("weeks")),
        joined(st.sampled_from(["pause", "pause until"]), day),
        joined(st.sampled_from(["reminders", "blockers", "skip", "resume", "team"]), hostile_text),
        joined(st.sampled_from(["now", "edit", "help"]), hostile_text),
    ),
    "feedback": st.one_of(
        joined(
            st.just("request"),
            mention | hostile_text,
            st.just("from"),
            st.lists(mention | piece, max_size=6).map(" ".join),
            st.sampled_from(["", "anonymous", "due"]),
            day,
        ),
        joined(st.just("give"), mention | hostile_text),
        joined(st.just("share"), whole | hostile_text),
        joined(st.sampled_from(["inbox", "help"]), hostile_text),
    ),
    "pulse": st.one_of(
        joined(
            st.just("send"),
            st.sampled_from(["engagement", "wellbeing", "bogus", ""]),
            st.sampled_from(["to everyone", "to my org", "to team Platform", "to team"]),
            hostile_text,
            st.sampled_from(["every", "for", "on"]),
            whole | day,
            st.sampled_from(["weeks", "days", "at"]),
            clock,
        ),
        st.builds(
            "send to everyone: {} {} | {} | {}".format,
            st.sampled_from(["likert", "enps", "choice", "multi", "text"]),
            hostile_text,
            hostile_text,
            hostile_text,
        ),
        joined(st.just("results"), whole | hostile_text, hostile_text),
    ),
    "digest": joined(
        st.sampled_from(["subscribe", "unsubscribe", "now", "help"]),
        st.sampled_from(["", "Platform", "everyone"]) | hostile_text,
    ),
}
commands = st.sampled_from([*ARGS, "goals", "home", "help"]).flatmap(
    lambda name: st.tuples(st.just(name), ARGS.get(name, hostile_text))
)


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(sqlite_db, PEOPLE)
    assert not (await import_goals(sqlite_db, TENANT, GOALS, "goals.yaml", now=SEEDED_AT)).problems
    return world


def assert_answered_well(
    world: World, who: str, seen: int, caplog: pytest.LogCaptureFixture
) -> None:
    sent = world.to(who)[seen:]
    assert sent, "no answer at all"
    assert not any(SORRY in text for text in sent), sent
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def fuzz(examples: int) -> settings:
    # One org per test, not per example: each example goes on from where the last one left.
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@fuzz(120)
@given(who=st.sampled_from(["ada", "mo", "sid", "gil"]), command=commands)
async def test_any_command_gets_its_own_answer(
    world: World, caplog: pytest.LogCaptureFixture, who: str, command: tuple[str, str]
) -> None:
    caplog.clear()
    seen = len(world.to(who))
    await world.command(who, *command)
    assert_answered_well(world, who, seen, caplog)


replies = st.one_of(hostile_text, whole, st.sampled_from(["done", "same", "skip", "none"]))


@fuzz(40)
@given(
    replies=st.lists(replies, min_size=1, max_size=6), start=st.sampled_from(["checkin", "pulse"])
)
async def test_any_reply_to_a_question_gets_an_answer(
    world: World, caplog: pytest.LogCaptureFixture, replies: list[str], start: str
) -> None:
    """Sid answers a check-in, or a survey Ada sent everyone, with whatever comes."""
    if start == "checkin":
        await world.command("sid", "checkin", "now")
    else:
        await world.command("ada", "pulse", "send engagement to everyone")
    caplog.clear()
    for reply in replies:
        seen = len(world.to("sid"))
        await world.say("sid", reply)
        assert_answered_well(world, "sid", seen, caplog)


prompt_ids = st.one_of(
    st.builds("{}{}_{}".format, st.sampled_from(["pu_", "fb_", ""]), whole, whole),
    hostile_text,
)


@fuzz(60)
@given(prompt_id=prompt_ids, value=replies, form_id=st.builds("f_{}".format, whole) | hostile_text)
async def test_any_button_or_form_gets_an_answer(
    world: World, caplog: pytest.LogCaptureFixture, prompt_id: str, value: str, form_id: str
) -> None:
    """Buttons and forms come back from the platform with ids we made, unless someone forged
    them: a forged one is refused in words."""
    caplog.clear()
    seen = len(world.to("sid"))
    await world.click("sid", prompt_id, value)
    assert_answered_well(world, "sid", seen, caplog)
    seen = len(world.to("sid"))
    event = FormSubmitted(world.actor("sid"), form_id, {"k": value}, f"form{next(_events)}")
    handled = await world.engine.handle(event)
    assert handled.replies or handled.form_errors
    assert not any(SORRY in m.fallback_text() for m in handled.replies)
    assert_answered_well(world, "sid", seen, caplog) if handled.replies else None


async def test_a_live_question_still_takes_its_answer(world: World) -> None:
    """The fuzzing above would pass on a bot that refuses everything: this one doesn't."""
    await world.command("sid", "checkin", "now")
    question = world.messages_to("sid")[-1]
    assert isinstance(question, Question) and "signups" in question.text.lower()
    await world.say("sid", "400")
    assert "how confident" in world.last("sid")
    await world.say("sid", "7")
    assert "Activation rate" in world.last("sid")


DIGITS = "9" * 5000  # int() refuses more than 4300 digits; a database refuses far fewer


@pytest.mark.parametrize(
    ("who", "command", "text"),
    [
        ("ada", "pulse", f"send engagement to everyone every {DIGITS} weeks"),
        ("ada", "pulse", f"send engagement to everyone for {DIGITS} days"),
        ("ada", "pulse", f"results {DIGITS}"),
        ("ada", "pulse", "results 99999999999999999999"),
        ("sid", "checkin", f"schedule mon 09:30 every {DIGITS} weeks"),
        ("sid", "feedback", "share 99999999999999999999"),
        ("sid", "feedback", "share ²"),
    ],
)
async def test_numbers_past_what_int_or_the_database_takes_get_a_plain_answer(
    world: World, caplog: pytest.LogCaptureFixture, who: str, command: str, text: str
) -> None:
    await world.command(who, command, text)
    assert_answered_well(world, who, 0, caplog)


@pytest.mark.parametrize(
    ("prompt_id", "form_id"),
    [("pu_²_0", "f_²"), ("pu_99999999999999999999_0", "f_99999999999999999999"), ("pu_1_²", "")],
)
async def test_forged_ids_in_buttons_and_forms_are_refused_in_words(
    world: World, caplog: pytest.LogCaptureFixture, prompt_id: str, form_id: str
) -> None:
    await world.click("sid", prompt_id, "5")
    await world.engine.handle(FormSubmitted(world.actor("sid"), form_id, {}, "forged-form"))
    assert world.to("sid")[-2:] == [
        "That button isn't for you, or it has expired.",
        "That form isn't for you, or it has expired.",
    ]
    assert_answered_well(world, "sid", 0, caplog)


async def test_a_survey_answer_in_superscript_is_asked_again(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    await world.command("ada", "pulse", "send engagement to everyone")
    await world.say("sid", "²")
    assert "Pick a number from 0 to 10" in world.to("sid")[-2]
    assert_answered_well(world, "sid", 0, caplog)
