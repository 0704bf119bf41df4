"""Pulse surveys through the engine: sending, answering with buttons and text, the close,
results with eNPS and a trend chart, anonymity thresholds, permissions and reminders."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from sqlmodel import select

from app.export import export_org
from app.scheduling import build_scheduler
from bot.core.messages import Card, Question
from storage.db import Database
from storage.models import Person, SurveyInvite, SurveyResponse, SurveyRound
from tests.bot.org_world import TENANT, OrgSpec, World, seed_world
from tests.seeded import SEEDED_AT

PLATFORM = [f"p{n}" for n in range(1, 7)]  # a team of 6
TINY = [f"t{n}" for n in range(1, 5)]  # a team of 4
PEOPLE: OrgSpec = {
    "ada": ("Ada Admin", None, True, None),
    "mo": ("Mo Manager", None, False, "Leads"),
    **{p: (f"Plat {p}", "mo", False, "Platform") for p in PLATFORM},
    **{t: (f"Tiny {t}", "mo", False, "Tiny") for t in TINY},
    "pat": ("Pat Peer", None, False, None),
}
# eNPS answers of the six: three promoters, one passive, two detractors -> 50 % - 33 % = +17.
ENPS = {"p1": "10", "p2": "10", "p3": "9", "p4": "8", "p5": "6", "p6": "3"}


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    return await seed_world(sqlite_db, PEOPLE)


async def pause_checkins(world: World) -> None:
    async with world.database.session() as session:
        for person in (await session.exec(select(Person))).all():
            person.paused_until = "2099-12-31"
            session.add(person)


async def answer_engagement(world: World, who: str, score: str, likert: str = "4") -> None:
    """The bank's engagement survey: eNPS by button, two scale questions, a comment."""
    question = world.messages_to(who)[-1]
    assert isinstance(question, Question) and question.total == 4
    await world.click(who, question.prompt_id, score)
    await world.say(who, likert)
    nxt = world.messages_to(who)[-1]
    assert isinstance(nxt, Question)
    await world.click(who, nxt.prompt_id, "5")
    await world.say(who, f"comment from {who}")


async def test_a_pulse_to_a_team_of_six_shows_enps_distribution_and_a_trend_chart(
    world: World,
) -> None:
    await world.command("mo", "pulse", "send engagement to team Platform")
    assert "Sent “Engagement” (survey 1) to team Platform: 6 people" in world.last("mo")
    first = world.messages_to("p1")[-1]
    assert isinstance(first, Question) and len(first.choices) == 11
    assert "anonymous" in (first.intro or "")
    assert world.to("t1") == [] and world.to("pat") == []

    for who in PLATFORM[:5]:
        await answer_engagement(world, who, ENPS[who])
        assert "stored without your name" in world.last(who)
    await world.command("mo", "pulse", "results 1")
    assert "how many answered, show when the survey closes" in world.last("mo")  # not before

    await answer_engagement(world, "p6", ENPS["p6"])  # the last one closes the round
    assert "has closed: 6 answered" in world.to("mo")[-1]
    await world.command("mo", "pulse", "results 1")
    card = world.messages_to("mo")[-1]
    assert isinstance(card, Card)
    text = card.fallback_text()
    assert "6 of 6 answered (100 %)" in text
    assert "eNPS +17" in text
    assert "Average 4.0 of 5" in text and "Average 5.0 of 5" in text
    assert "“comment from p3”" in text
    assert card.chart is not None
    image = Image.open(io.BytesIO(card.chart.png))
    assert image.format == "PNG" and image.size == (720, 360)
    assert "+17" in card.chart.alt


async def test_a_team_of_four_shows_not_enough_responses(world: World) -> None:
    await world.command("mo", "pulse", "send engagement to team Tiny")
    assert "Heads-up: with 4 people, fewer than 5" in world.last("mo")
    for who in TINY:
        await answer_engagement(world, who, "9")
    await world.command("mo", "pulse", "results")
    text = world.last("mo")
    # Not "0 of 4" nor "4 of 4": a count of fewer than k says who answered when it is 0 or 4.
    assert "4 asked. Fewer than 5 people were asked" in text and "answered (" not in text
    assert "eNPS" not in text and "comment from" not in text


async def test_a_team_that_would_be_revealed_by_subtraction_is_hidden(world: World) -> None:
    """Mo's org of 10 is shown; Platform (6) would leave 4 when subtracted from it: hidden,
    with the reason; Tiny (4) is under k on its own."""
    await world.command("mo", "pulse", "send engagement to my org")
    assert "to Mo's org: 10 people" in world.last("mo")
    for who in PLATFORM + TINY:
        await answer_engagement(world, who, "8")
    await world.command("mo", "pulse", "results 1")
    assert "10 of 10 answered" in world.last("mo") and "eNPS +0" in world.last("mo")
    await world.command("mo", "pulse", "results 1 team Platform")
    platform = world.last("mo")
    assert "6 asked" in platform and "6 of 6" not in platform and "eNPS" not in platform
    assert "next to the other results shown, it would single out fewer than 5" in platform
    assert "Mo's org" not in platform.split("\n", 1)[1]  # the reason names no other group
    await world.command("mo", "pulse", "results 1 team Tiny")
    assert "4 asked. fewer than 5 people were asked" in world.last("mo").lower()


async def test_responses_carry_no_person_and_drafts_are_cleared(world: World) -> None:
    await world.command("mo", "pulse", "send engagement to team Platform")
    for who in PLATFORM:
        await answer_engagement(world, who, ENPS[who])
    async with world.database.session() as session:
        responses = (await session.exec(select(SurveyResponse))).all()
        invites = (await session.exec(select(SurveyInvite))).all()
    assert len(responses) == 6
    assert all(
        set(r.model_dump()) == {"id", "tenant_id", "round_id", "answers", "slices"}
        for r in responses
    )
    assert all(r.id.startswith("sr_") for r in responses)
    # All six answered, so the round closed: nothing is left that says who answered.
    assert invites == []


@pytest.mark.parametrize(
    ("who", "args", "says"),
    [
        ("pat", "send engagement", "Admins and managers can send pulse surveys"),
        ("mo", "send engagement to everyone", "Only admins can ask everyone"),
        ("mo", "send engagement to team Nowhere", "No one is in a team called Nowhere"),
        ("mo", "send nonsense to my org", "Which survey? From the bank"),
        ("mo", "send to my org: rating How?", "Start each question with its type"),
        ("mo", "send to my org: choice Best day? | Mon", "needs 2 to 10 different options"),
        ("mo", "send engagement to my org every 3 weeks", "every 1, 2 or 4 weeks"),
        ("mo", "send engagement to my org for 30 days", "between 1 and 14 days"),
    ],
)
async def test_who_may_send_and_bad_surveys_get_clear_answers(
    world: World, who: str, args: str, says: str
) -> None:
    await world.command(who, "pulse", args)
    assert says in world.last(who)
    async with world.database.session() as session:
        assert (await session.exec(select(SurveyRound))).all() == []


async def test_an_admin_may_ask_everyone_with_their_own_questions(world: World) -> None:
    await world.command(
        "ada",
        "pulse",
        "send Offsite to everyone: likert The offsite was worth it; "
        "choice Best session? | Roadmap | Games; "
        "multi What should we repeat? | Talks | Food | Hike; "
        "text Ideas?",
    )
    sent = "Sent “Offsite” (survey 1) to everyone: 13 people"
    assert any(sent in text for text in world.to("ada"))  # and Ada is asked too
    await world.say("pat", "6")
    assert "Pick a number from 1 to 5" in world.to("pat")[-2]  # asked again below
    await world.say("pat", "4")
    await world.say("pat", "games")
    await world.say("pat", "1, food, 9")
    assert "“9” isn't one of: Talks, Food, Hike" in world.to("pat")[-2]
    await world.say("pat", "1, food")
    await world.say("pat", "skip")
    assert "stored without your name" in world.last("pat")
    async with world.database.session() as session:
        (response,) = (await session.exec(select(SurveyResponse))).all()
    assert response.answers == {"q1": 4, "q2": "Games", "q3": ["Talks", "Food"]}


async def test_results_are_for_admins_senders_and_managers(world: World) -> None:
    await world.command("mo", "pulse", "send engagement to team Platform")
    await world.command("pat", "pulse", "results 1")
    assert "Results are for admins, the sender, and managers" in world.last("pat")
    await world.command("p1", "pulse", "results 1")
    assert "Results are for admins" in world.last("p1")
    await world.command("ada", "pulse", "results 1")
    assert "6 asked. Results, and how many answered, show when the survey closes" in world.last(
        "ada"
    )


async def test_the_scheduler_reminds_non_respondents_once_and_closes_the_round(
    world: World,
) -> None:
    scheduler = build_scheduler(world.engine, 1)
    await world.command("mo", "pulse", "send engagement to team Platform for 2 days")
    for who in PLATFORM[:3]:
        await answer_engagement(world, who, "9")
    world.clock.advance(days=1)  # halfway
    await scheduler.run_until_idle()
    for who in PLATFORM[3:]:
        assert sum("A reminder: the pulse survey" in t for t in world.to(who)) == 1
    for who in PLATFORM[:3]:
        assert not any("A reminder" in t for t in world.to(who))
    world.clock.advance(days=1)
    await scheduler.run_until_idle()
    # Three of six: the whole audience is hidden, and so is how many answered.
    assert "(round 1) has closed. See the results" in world.last("mo")
    await world.say("p4", "9")  # too late: the round is closed
    async with world.database.session() as session:
        assert len((await session.exec(select(SurveyResponse))).all()) == 3


async def test_a_repeating_survey_opens_new_rounds_and_the_trend_covers_them(
    world: World,
) -> None:
    await pause_checkins(world)  # so that each person's newest question is the survey's
    scheduler = build_scheduler(world.engine, 1)
    await world.command("mo", "pulse", "send engagement to team Platform every 1 week")
    for who in PLATFORM:
        await answer_engagement(world, who, "10")
    world.clock.advance(weeks=1)
    await scheduler.run_until_idle()
    second = world.messages_to("p1")[-1]
    assert isinstance(second, Question) and "Engagement" in (second.intro or "")
    for who in PLATFORM:
        await answer_engagement(world, who, ENPS[who])
    await world.command("mo", "pulse", "results 1")
    card = world.messages_to("mo")[-1]
    assert isinstance(card, Card) and card.chart is not None
    assert "round 2" in card.title and "eNPS +17" in card.fallback_text()
    assert "+100" in card.chart.alt and "+17" in card.chart.alt
    world.clock.advance(weeks=3)  # down for a while: one round now, not three
    rounds_before = await count_rounds(world)
    await scheduler.run_until_idle()
    assert await count_rounds(world) == rounds_before + 1


async def test_free_text_answers_the_question_asked_last(world: World) -> None:
    await world.command("p1", "checkin", "now")
    world.clock.advance(minutes=1)
    await world.command("mo", "pulse", "send engagement to team Platform")
    await world.say("p1", "7")  # the survey's eNPS question was asked last
    async with world.database.session() as session:
        invite = (
            await session.exec(
                select(SurveyInvite).where(SurveyInvite.person_id == world.ids["p1"])
            )
        ).one()
    assert invite.draft == {"q1": 7} and invite.asking == 1


async def count_rounds(world: World) -> int:
    async with world.database.session() as session:
        return len((await session.exec(select(SurveyRound))).all())


async def test_the_export_holds_survey_aggregates_only(world: World) -> None:
    await world.command("mo", "pulse", "send engagement to my org")
    for who in PLATFORM + TINY:
        await answer_engagement(world, who, ENPS.get(who, "7"))
    exported = await export_org(world.database, TENANT, world.clock.now())
    (survey,) = exported["surveys"]
    (survey_round,) = survey["rounds"]
    groups = {group["name"]: group for group in survey_round["groups"]}
    assert groups["Mo's org"]["responded"] == 10 and groups["Mo's org"]["shown"]
    enps = groups["Mo's org"]["questions"][0]
    # promoters 3 of 10, detractors 2 of 10: 30 % - 20 % = +10
    assert enps["enps"] == 10 and enps["distribution"]["7"] == 4
    for hidden in ("team Platform", "team Tiny"):
        assert not groups[hidden]["shown"] and "questions" not in groups[hidden]
    text = json.dumps(exported)
    assert "sr_" not in text  # no response ids
    assert "members" not in text  # nor who was in which group


async def test_a_survey_scheduled_for_later_opens_then_through_the_scheduler(
    world: World,
) -> None:
    scheduler = build_scheduler(world.engine, 1)
    await world.command("mo", "pulse", "send wellbeing to team Platform on monday at 10:30")
    assert "first round opens Mon 9 Mar 10:30 UTC" in world.last("mo")
    assert world.to("p1") == []
    await scheduler.run_until_idle()
    assert world.to("p1") == []
    world.clock.current = world.clock.current.replace(day=9, hour=10, minute=30)
    await scheduler.run_until_idle()
    # p1's weekly check-in falls due in the same tick, so the two prompts come in either order
    questions = [m for m in world.messages_to("p1") if isinstance(m, Question)]
    assert [q for q in questions if "Wellbeing" in (q.intro or "")]
    world.clock.advance(weeks=1)
    await scheduler.run_until_idle()
    assert await count_rounds(world) == 1  # a one-off: no second round


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ("send wellbeing to my org on someday", "I can't read the date someday"),
        ("send wellbeing to my org on 2026-01-05", "has passed"),
        ("send wellbeing to my org on 2027-06-01", "within the next 90 days"),
        ("send wellbeing to my org on friday at 25:00", "25:00"),
    ],
)
async def test_bad_start_times_get_clear_answers(world: World, args: str, says: str) -> None:
    await world.command("mo", "pulse", args)
    assert says in world.last("mo")


async def test_the_sender_hears_who_cant_be_reached_yet(world: World) -> None:
    async with world.database.session() as session:
        session.add(
            Person(
                tenant_id=TENANT,
                email="p7@x.com",
                name="Plat p7",
                team="Platform",
                manager_id=world.ids["mo"],
                created_at=SEEDED_AT,
            )
        )
    await world.command("mo", "pulse", "send engagement to team Platform")
    assert "7 people" in world.last("mo")
    assert "1 of them can't be reached yet" in world.last("mo")


async def test_a_manager_sees_their_own_org_of_a_survey_to_everyone(sqlite_db: Database) -> None:
    """Two managers' orgs of six; each manager's default view is their own org."""
    people: OrgSpec = {
        "ada": ("Ada Admin", None, True, None),
        "mo": ("Mo Manager", "ada", False, None),
        "lu": ("Lu Manager", "ada", False, None),
        **{f"m{n}": (f"Mo's {n}", "mo", False, "North") for n in range(6)},
        **{f"l{n}": (f"Lu's {n}", "lu", False, "South") for n in range(6)},
    }
    world = await seed_world(sqlite_db, people)
    await world.command("ada", "pulse", "send engagement to everyone")
    for who in [f"m{n}" for n in range(6)] + [f"l{n}" for n in range(6)] + ["mo", "lu", "ada"]:
        await answer_engagement(world, who, "9")
    await world.command("mo", "pulse", "results")
    assert "Engagement: Mo's org, round 1" in world.last("mo")
    assert "6 of 6 answered" in world.last("mo")
    await world.command("mo", "pulse", "results 1 team South")
    assert "outside what you may see" in world.last("mo")


async def test_results_of_a_survey_not_opened_yet_say_so(world: World) -> None:
    await world.command("mo", "pulse", "send wellbeing to team Platform on monday at 10:30")
    await world.command("mo", "pulse", "results")
    assert "“Wellbeing” hasn't opened yet" in world.last("mo")
