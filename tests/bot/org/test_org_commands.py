"""Managers and teams in chat, through the engine: an admin's `org manager` and `org team`, and
`my manager is @ana`, which Ana confirms or declines. Who may, loops, unknown people, clicks by
the wrong person or on an ask replaced since, and who is told."""

from __future__ import annotations

import itertools

import pytest

from bot.core.events import ChoiceSelected, TextReceived
from bot.core.messages import Card, Question
from bot.core.outcome import Outcome
from bot.org.asks import PROMPT_PREFIX
from storage.db import Database
from storage.models import Person
from storage.repository import Store
from tests.bot.org_world import TENANT, OrgSpec, World, seed_world
from tests.seeded import SEEDED_AT

# Ben leads Cy, who leads Ana; Ada is the admin; Dan and Eve are peers with no manager.
PEOPLE: OrgSpec = {
    "ada": ("Ada Admin", None, True, None),
    "ben": ("Ben Boss", None, False, "Growth"),
    "cy": ("Cy Lead", "ben", False, "Growth"),
    "ana": ("Ana Ames", "cy", False, "Growth"),
    "dan": ("Dan Dev", None, False, None),
    "eve": ("Eve Peer", None, False, "Platform"),
}
_events = itertools.count()


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    return await seed_world(sqlite_db, PEOPLE)


async def person(world: World, key: str) -> Person:
    async with world.database.session() as session:
        found = await Store(session).person(TENANT, world.ids[key])
    assert found is not None
    return found


async def manager_of(world: World, key: str) -> str | None:
    manager_id = (await person(world, key)).manager_id
    names = {v: k for k, v in world.ids.items()}
    return names[manager_id] if manager_id is not None else None


async def asked_of(world: World, key: str) -> str | None:
    asked = (await person(world, key)).manager_asked_id
    return {v: k for k, v in world.ids.items()}[asked] if asked is not None else None


async def click(world: World, key: str, prompt_id: str, value: str) -> Outcome:
    event = ChoiceSelected(world.actor(key), prompt_id, value, f"org{next(_events)}")
    return await world.engine.handle(event)


def question_to(world: World, key: str) -> Question:
    asked = [m for m in world.messages_to(key) if isinstance(m, Question)]
    assert asked, f"no question for {key}"
    return asked[-1]


# -- org manager ---------------------------------------------------------------------------------


async def test_an_admin_sets_a_manager_and_both_people_are_told(world: World) -> None:
    await world.say("ada", "org manager <@U_DAN> is <@U_ANA>")
    assert world.last("ada") == "Done: Dan Dev reports to Ana Ames now."
    assert await manager_of(world, "dan") == "ana"
    assert world.last("dan") == "Ada Admin set your manager: you report to Ana Ames."
    assert world.last("ana") == "Ada Admin set Dan Dev to report to you."


async def test_a_new_manager_replaces_the_old_one_who_hears_of_it(world: World) -> None:
    await world.say("ada", "org manager <@U_ANA> is <@U_BEN>")
    assert world.last("ada") == "Done: Ana Ames reports to Ben Boss now (was: Cy Lead)."
    assert await manager_of(world, "ana") == "ben"
    assert world.last("cy") == "Ana Ames no longer reports to you (Ada Admin changed it)."
    assert world.last("ben") == "Ada Admin set Ana Ames to report to you."


async def test_an_admin_clears_a_manager(world: World) -> None:
    await world.say("ada", "org manager <@U_ANA> none")
    assert world.last("ada") == "Done: Ana Ames has no manager now (was: Cy Lead)."
    assert await manager_of(world, "ana") is None
    assert "removed your manager: you report to no one here now" in world.last("ana")
    assert "Ana Ames no longer reports to you" in world.last("cy")
    await world.say("ada", "org manager <@U_ANA> none")
    assert world.last("ada") == "Ana Ames has no manager already."


async def test_the_same_manager_again_changes_nothing_and_tells_no_one(world: World) -> None:
    await world.say("ada", "org manager <@U_ANA> is <@U_CY>")
    assert world.last("ada") == "Ana Ames reports to Cy Lead already."
    assert world.to("ana") == [] and world.to("cy") == []


async def test_an_admin_may_change_their_own_manager_and_is_not_told_twice(world: World) -> None:
    await world.say("ada", "org manager me is <@U_BEN>")
    assert world.to("ada") == ["Done: Ada Admin reports to Ben Boss now."]
    assert await manager_of(world, "ada") == "ben"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("org manager <@U_CY> is <@U_ANA>", "Ana Ames reports to Cy Lead, so Cy Lead can't"),
        (
            "org manager <@U_BEN> is <@U_ANA>",
            "Ana Ames reports to Ben Boss (through Cy Lead), so Ben Boss can't report to Ana "
            "Ames: that would make a loop.",
        ),
        ("org manager <@U_DAN> is <@U_DAN>", "Dan Dev can't be their own manager."),
    ],
)
async def test_a_loop_or_oneself_as_manager_is_refused(world: World, text: str, says: str) -> None:
    await world.say("ada", text)
    assert says in world.last("ada")
    assert [await manager_of(world, k) for k in ("ben", "cy", "dan")] == [None, "ben", None]
    assert world.to("ben") == [] and world.to("ana") == []


@pytest.mark.parametrize("who", ["dan", "ben"])
async def test_only_admins_set_managers_and_they_are_named(world: World, who: str) -> None:
    await world.say(who, "org manager <@U_DAN> is <@U_ANA>")
    said = world.last(who)
    assert said.startswith("Only admins change managers and teams. The admins here: Ada Admin.")
    assert "my manager is @name" in said
    await world.say(who, "org team <@U_DAN> Growth")
    assert world.last(who).startswith("Only admins change managers and teams.")
    assert await manager_of(world, "dan") is None and (await person(world, "dan")).team is None


async def test_an_org_with_no_admin_says_how_one_becomes_an_admin(sqlite_db: Database) -> None:
    world = await seed_world(sqlite_db, {"dan": ("Dan Dev", None, False, None)})
    await world.say("dan", "org team me Growth")
    assert "This org has no admin yet: whoever installs the app is one" in world.last("dan")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("org manager <@U_NOBODY> is <@U_ANA>", "I don't know @U_NOBODY in this org."),
        ("org manager <@U_NOBODY|zed> is <@U_ANA>", "I don't know @zed in this org."),
        ("org manager zed@x.com is <@U_ANA>", "I don't know zed@x.com in this org."),
        ("org manager <@U_DAN> is @zed", "I don't know @zed in this org."),
        ("org team @zed Growth", "I don't know @zed in this org."),
    ],
)
async def test_someone_unknown_is_named_with_a_suggestion(
    world: World, text: str, says: str
) -> None:
    await world.say("ada", text)
    assert world.last("ada").startswith(says)
    assert "Mention them or use their email" in world.last("ada")
    assert await manager_of(world, "dan") is None


async def test_people_may_be_named_by_email_or_at_name_as_in_the_console(world: World) -> None:
    await world.say("ada", "org manager dan@x.com is @ana")
    assert world.last("ada") == "Done: Dan Dev reports to Ana Ames now."
    await world.say("ada", "org manager @dan is @ben")
    assert await manager_of(world, "dan") == "ben"


@pytest.mark.parametrize("text", ["org manager <@U_DAN>", "org manager <@U_DAN> and <@U_ANA> ok"])
async def test_a_manager_command_that_doesnt_say_whom_explains_itself(
    world: World, text: str
) -> None:
    await world.say("ada", text)
    assert world.last("ada").startswith("Say who reports to whom: org manager @ben is @ana")


async def test_org_alone_shows_the_commands_and_the_admins(world: World) -> None:
    await world.say("dan", "org")
    card = world.messages_to("dan")[-1]
    assert isinstance(card, Card) and card.title == "Managers and teams"
    text = card.fallback_text()
    assert "org manager @ben is @ana" in text and "The admins here: Ada Admin." in text


# -- org team ------------------------------------------------------------------------------------


async def test_an_admin_sets_and_clears_a_team_and_the_person_is_told(world: World) -> None:
    await world.say("ada", "org team <@U_DAN>   Data   Science ")
    assert world.last("ada") == "Done: Dan Dev is in the team Data Science now."
    assert (await person(world, "dan")).team == "Data Science"
    assert world.last("dan") == "Ada Admin put you in the team Data Science."
    await world.say("ada", "org team <@U_DAN> none")
    assert world.last("ada") == "Done: Dan Dev is in no team now (was: Data Science)."
    assert (await person(world, "dan")).team is None
    assert "took you out of your team" in world.last("dan")


async def test_a_team_named_in_another_case_is_the_existing_team(world: World) -> None:
    await world.say("ada", "org team <@U_EVE> growth")
    assert world.last("ada") == "Done: Eve Peer is in the team Growth now (was: Platform)."
    await world.say("ada", "org team <@U_EVE> GROWTH")
    assert world.last("ada") == "Eve Peer is in the team Growth already."


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("org team <@U_DAN> " + "x" * 201, "A team's name is at most 200 characters."),
        (
            "org team <@U_DAN>",
            "Say whose team, and which: org team @ben Growth (or org team @ben none).",
        ),
    ],
)
async def test_a_bad_team_is_refused(world: World, text: str, says: str) -> None:
    await world.say("ada", text)
    assert world.last("ada") == says
    assert (await person(world, "dan")).team is None and world.to("dan") == []


async def test_a_team_of_200_characters_is_kept(world: World) -> None:
    await world.say("ada", "org team <@U_DAN> " + "x" * 200)
    assert (await person(world, "dan")).team == "x" * 200


# -- my manager is @ana: asked, confirmed, declined ----------------------------------------------


async def test_asking_a_manager_sends_them_a_question_with_confirm_and_decline(
    world: World,
) -> None:
    await world.say("dan", "my manager is <@U_ANA>")
    assert world.last("dan").startswith("Asked Ana Ames to confirm they're your manager.")
    assert await asked_of(world, "dan") == "ana" and await manager_of(world, "dan") is None
    question = question_to(world, "ana")
    assert question.prompt_id == f"{PROMPT_PREFIX}{world.ids['dan']}_{world.ids['ana']}"
    assert question.text == "Dan Dev (dan@x.com) says you are their manager. Are you?"
    assert [c.label for c in question.choices] == ["Confirm", "Decline"]
    assert question.hint == "Or type: my reports confirm dan@x.com (or decline)."


async def test_the_manager_confirms_and_the_asker_is_told(world: World) -> None:
    await world.say("dan", "my manager is <@U_ANA>")
    question = question_to(world, "ana")
    outcome = await click(world, "ana", question.prompt_id, "confirm")
    assert world.last("ana") == "Confirmed: Dan Dev reports to you now."
    assert await manager_of(world, "dan") == "ana" and await asked_of(world, "dan") is None
    assert world.last("dan") == "Ana Ames confirmed: you report to them now."
    # The question on screen loses its buttons.
    assert [(c.prompt_id, c.answer) for c in outcome.closed] == [(question.prompt_id, "Confirm")]


async def test_the_manager_declines_and_the_asker_is_told(world: World) -> None:
    await world.say("ana", "my manager is <@U_BEN>")
    question = question_to(world, "ben")
    outcome = await click(world, "ben", question.prompt_id, "decline")
    assert world.last("ben") == "Declined: Ana Ames doesn't report to you."
    assert await manager_of(world, "ana") == "cy" and await asked_of(world, "ana") is None
    assert world.last("ana") == "Ben Boss declined: they aren't your manager."
    assert [c.answer for c in outcome.closed] == ["Decline"]


async def test_confirming_moves_someone_from_their_old_manager_who_hears_of_it(
    world: World,
) -> None:
    await world.say("ana", "my manager is <@U_BEN>")
    await click(world, "ben", question_to(world, "ben").prompt_id, "confirm")
    assert await manager_of(world, "ana") == "ben"
    assert world.last("cy") == "Ana Ames no longer reports to you: they report to Ben Boss now."


async def test_a_click_by_anyone_else_changes_nothing_and_says_so(world: World) -> None:
    await world.say("dan", "my manager is <@U_ANA>")
    prompt = question_to(world, "ana").prompt_id
    for who in ("eve", "dan", "ada"):
        await click(world, who, prompt, "confirm")
        assert world.last(who) == "That question is for Ana Ames to answer. Nothing changed."
    assert await manager_of(world, "dan") is None and await asked_of(world, "dan") == "ana"


async def test_a_click_on_a_replaced_ask_changes_nothing(world: World) -> None:
    await world.say("dan", "my manager is <@U_ANA>")
    first = question_to(world, "ana").prompt_id
    await world.say("dan", "my manager is <@U_EVE>")
    assert "Your request to Ana Ames is withdrawn." in world.last("dan")
    await click(world, "ana", first, "confirm")
    assert world.last("ana") == (
        "Dan Dev has no request waiting for you: it was withdrawn, replaced or answered. "
        "Nothing changed."
    )
    assert await manager_of(world, "dan") is None and await asked_of(world, "dan") == "eve"
    await click(world, "eve", question_to(world, "eve").prompt_id, "confirm")
    assert await manager_of(world, "dan") == "eve"


async def test_a_second_click_changes_nothing_more(world: World) -> None:
    await world.say("dan", "my manager is <@U_ANA>")
    prompt = question_to(world, "ana").prompt_id
    await click(world, "ana", prompt, "confirm")
    told = len(world.to("dan"))
    await click(world, "ana", prompt, "decline")
    assert world.last("ana") == "Dan Dev reports to you already."
    assert await manager_of(world, "dan") == "ana" and len(world.to("dan")) == told


async def test_an_ask_an_admin_settled_meanwhile_is_withdrawn(world: World) -> None:
    await world.say("dan", "my manager is <@U_EVE>")
    prompt = question_to(world, "eve").prompt_id
    await world.say("ada", "org manager <@U_DAN> is <@U_ANA>")
    assert "Your request for Eve Peer to confirm is withdrawn." in world.last("dan")
    await click(world, "eve", prompt, "confirm")
    assert "Nothing changed." in world.last("eve")
    assert await manager_of(world, "dan") == "ana"


@pytest.mark.parametrize("value", ["maybe", ""], ids=["a value no button has", "an empty value"])
async def test_a_forged_click_changes_nothing(world: World, value: str) -> None:
    await world.say("dan", "my manager is <@U_ANA>")
    await click(world, "ana", question_to(world, "ana").prompt_id, value)
    assert world.last("ana") == "That button isn't for you, or it has expired."
    for prompt in (f"{PROMPT_PREFIX}x_1", f"{PROMPT_PREFIX}999_{world.ids['ana']}"):
        await click(world, "ana", prompt, "confirm")
        assert "Nothing changed" in world.last("ana") or "expired" in world.last("ana")
    assert await manager_of(world, "dan") is None


async def test_asking_someone_who_reports_to_you_is_a_loop(world: World) -> None:
    await world.say("ben", "my manager is <@U_ANA>")
    assert world.last("ben") == (
        "Ana Ames reports to you (through Cy Lead), so you can't report to Ana Ames: "
        "that would make a loop."
    )
    await world.say("dan", "my manager is me")
    assert world.last("dan") == "You can't be your own manager."
    assert await asked_of(world, "ben") is None and world.to("ana") == []


async def test_a_loop_made_after_the_ask_is_refused_at_confirm_time(world: World) -> None:
    await world.say("dan", "my manager is <@U_ANA>")
    prompt = question_to(world, "ana").prompt_id
    await world.say("ada", "org manager <@U_ANA> is <@U_DAN>")
    await click(world, "ana", prompt, "confirm")
    assert world.last("ana") == (
        "You report to Dan Dev, so Dan Dev can't report to you: that would make a loop. "
        "Nothing changed."
    )
    assert await manager_of(world, "dan") is None and await asked_of(world, "dan") == "ana"


async def test_asking_your_manager_again_says_so(world: World) -> None:
    await world.say("ana", "my manager is <@U_CY>")
    assert world.last("ana") == "Cy Lead is your manager already."
    assert world.to("cy") == []


async def test_asking_someone_who_cant_be_reached_says_when_they_will_see_it(
    world: World,
) -> None:
    async with world.database.session() as session:
        session.add(
            Person(tenant_id=TENANT, email="new@x.com", name="New Hire", created_at=SEEDED_AT)
        )
    await world.say("dan", "my manager is new@x.com")
    assert "New Hire can't be reached yet: they'll find your request with my reports" in (
        world.last("dan")
    )


# -- my manager, my team, my reports --------------------------------------------------------------


async def test_my_manager_shows_the_manager_and_a_waiting_ask(world: World) -> None:
    await world.say("ana", "my manager")
    assert world.last("ana").startswith("Your manager: Cy Lead. To change it, type my manager")
    await world.say("ana", "my manager is <@U_BEN>")
    await world.say("ana", "my manager")
    assert world.last("ana") == (
        "Your manager: Cy Lead. Waiting for Ben Boss to confirm they're your manager."
    )
    await world.say("dan", "my manager")
    assert world.last("dan").startswith("Your manager: none set.")


async def test_my_team_shows_the_team(world: World) -> None:
    await world.say("ana", "my team")
    assert world.last("ana") == "Your team: Growth. Admins set teams: org team @name Growth."
    await world.say("dan", "my team")
    assert world.last("dan").startswith("You're in no team.")


async def test_my_alone_shows_manager_team_and_waiting_ask(world: World) -> None:
    await world.say("ana", "my manager is <@U_BEN>")
    await world.say("ana", "my")
    card = world.messages_to("ana")[-1]
    assert isinstance(card, Card) and card.title == "You in the org"
    text = card.fallback_text()
    assert "Manager: Cy Lead" in text and "Team: Growth" in text
    assert "Waiting for: Ben Boss" in text


async def test_my_reports_lists_reports_and_asks_again_and_a_typed_answer_counts(
    world: World,
) -> None:
    await world.say("dan", "my manager is <@U_CY>")
    world.outbox.clear()
    await world.say("cy", "my reports")
    first, question = world.messages_to("cy")
    assert first.fallback_text() == "Reporting to you: Ana Ames."
    assert isinstance(question, Question) and "Dan Dev (dan@x.com)" in question.text
    await world.say("cy", "my reports confirm dan@x.com")
    assert world.last("cy") == "Confirmed: Dan Dev reports to you now."
    assert await manager_of(world, "dan") == "cy"
    await world.say("cy", "my reports")
    assert world.last("cy") == "Reporting to you: Ana Ames and Dan Dev."


async def test_a_typed_decline_and_a_typed_answer_no_one_asked_for(world: World) -> None:
    await world.say("dan", "my manager is <@U_CY>")
    await world.say("eve", "my reports confirm @dan")
    assert "Dan Dev has no request waiting for you" in world.last("eve")
    await world.say("cy", "my reports decline @dan")
    assert world.last("cy") == "Declined: Dan Dev doesn't report to you."
    assert await asked_of(world, "dan") is None


async def test_answers_that_start_like_these_commands_stay_answers(world: World) -> None:
    for text in ("my manager is out this week", "my team shipped it", "org team is great"):
        await world.engine.handle(TextReceived(world.actor("dan"), text, f"org{next(_events)}"))
        assert world.last("dan").startswith("No check-in is waiting for you.")


async def test_a_name_two_people_share_or_someone_inactive_is_explained(world: World) -> None:
    async with world.database.session() as session:
        store = Store(session)
        session.add(
            Person(tenant_id=TENANT, email="ana.b@x.com", name="Ana Bell", created_at=SEEDED_AT)
        )
        eve = await store.person(TENANT, world.ids["eve"])
        assert eve is not None
        eve.active = False
        store.keep(eve)
    await world.say("ada", "org manager @dan is @ana")
    assert world.last("ada") == "More than one person is called @ana: use their email."
    await world.say("ada", "org manager @dan is <@U_EVE>")
    assert world.last("ada") == "Eve Peer is no longer active in this org."
    assert await manager_of(world, "dan") is None
