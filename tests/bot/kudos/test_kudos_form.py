"""A kudos as a form: `kudos` alone opens it, Slack's message shortcut opens it with the author
named; what is wrong comes back at its field, and nothing is sent until all is right."""

from __future__ import annotations

import itertools

from bot.core.events import FormSubmitted
from bot.core.messages import Form
from bot.core.outcome import Outcome
from bot.kudos.form import kudos_form_id
from storage.db import Database
from tests.bot.org_world import World, seed_world

_events = itertools.count()


async def submit(
    world: World, who: str, values: dict[str, str], form_id: str = "k_give"
) -> Outcome:
    event = FormSubmitted(world.actor(who), form_id, values, f"f{next(_events)}")
    return await world.engine.handle(event)


async def test_kudos_alone_opens_the_form_and_sending_it_gives_the_kudos(world: World) -> None:
    await world.say("ben", "kudos")
    form = world.messages_to("ben")[-1]
    assert isinstance(form, Form) and form.title == "Give kudos"
    assert [(f.key, f.kind) for f in form.fields] == [
        ("who", "people"), ("message", "text"), ("values", "text"), ("privacy", "choice"),
    ]  # fmt: skip
    assert "#customer-first" in form.fields[2].label

    handled = await submit(
        world,
        "ben",
        {"who": "<@U_ANA>, ada@x.com", "message": "the launch", "values": "customer-first",
         "privacy": "public"},
    )  # fmt: skip
    assert not handled.form_errors
    assert world.last("ben") == "Kudos sent to Ana Lopez and Ada Admin."
    assert world.last("ana") == "🎉 Kudos from Ben Report: the launch #customer-first"


async def test_the_shortcut_names_the_author_and_mistakes_come_back_at_their_field(
    world: World,
) -> None:
    form = await world.engine.form(world.actor("ben"), kudos_form_id("<@U_ANA>"))
    assert form is not None and form.fields[0].initial == "<@U_ANA>"
    sent = len(world.to("ana"))

    wrong = {
        "who": ("<@U_BEN>", "leave yourself out"),
        "values": ("#custmer-first", "Did you mean #customer-first?"),
    }
    for field, (value, why) in wrong.items():
        values = {"who": "<@U_ANA>", "message": "the fix", "values": "", "privacy": "private"}
        values[field] = value
        handled = await submit(world, "ben", values, kudos_form_id("<@U_ANA>"))
        assert why in handled.form_errors[field]
    handled = await submit(world, "ben", {"who": "", "message": "", "values": ""})
    assert handled.form_errors == {"who": "Say who it's for."}
    assert len(world.to("ana")) == sent

    handled = await submit(
        world, "ben", {"who": "ana@x.com", "message": "the fix", "privacy": "private"}
    )
    assert world.last("ben") == "Kudos sent to Ana Lopez. It stays between you."


async def test_a_value_typed_in_an_org_with_no_values_field_is_shown_at_the_message(
    sqlite_db: Database,
) -> None:
    world = await seed_world(
        sqlite_db, {"ana": ("Ana", None, False, None), "ben": ("Ben", None, False, None)}
    )
    form = await world.engine.form(world.actor("ben"), kudos_form_id())
    assert form is not None and "values" not in [f.key for f in form.fields]
    handled = await submit(
        world, "ben", {"who": "<@U_ANA>", "message": "the fix #speed", "privacy": "public"}
    )
    assert "Your org has no values yet" in handled.form_errors["message"]
