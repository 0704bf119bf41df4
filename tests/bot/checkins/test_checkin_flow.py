"""The check-in conversation end to end, through the engine, with a fake outbox and clock."""

from __future__ import annotations

import itertools
from typing import Any

from sqlmodel import col, select

from bot.core.events import Actor, ChoiceSelected, CommandInvoked, FormSubmitted, TextReceived
from bot.core.messages import Answered, Card, Form, Message, Question
from bot.core.ports import Profile, Recipient, Undeliverable
from bot.engine import Engine
from storage.db import Database
from storage.models import (
    Answer,
    CheckinRun,
    KeyResult,
    KeyResultChange,
    PendingPrompt,
    Person,
    PlatformIdentity,
)
from tests.bot.conftest import Org
from tests.conftest import FakeClock, RecordingOutbox

_ids = itertools.count()


def eid() -> str:
    return f"e{next(_ids)}"


async def say(engine: Engine, actor: Actor, text: str) -> None:
    await engine.handle(TextReceived(actor, text, eid()))


async def key_results(database: Database) -> dict[str, KeyResult]:
    async with database.session() as session:
        rows = (await session.exec(select(KeyResult))).all()
        return {kr.key: kr for kr in rows}


async def history(database: Database) -> list[KeyResultChange]:
    async with database.session() as session:
        statement = select(KeyResultChange).order_by(col(KeyResultChange.id))
        return list((await session.exec(statement)).all())


def last_question(outbox: RecordingOutbox) -> Question:
    questions = [m for _, m in outbox.sent if isinstance(m, Question)]
    assert questions, outbox.texts()
    return questions[-1]


async def test_checkin_now_asks_the_first_key_result_question(
    engine: Engine, org: Org, outbox: RecordingOutbox
) -> None:
    await say(engine, org.alan, "checkin now")
    question = last_question(outbox)
    assert "Weekly signups" in question.text
    assert (question.position, question.total) == (1, 9)  # 3 KRs x 2, then 3 closing questions
    assert {c.value for c in question.choices} == {"same", "skip"}


async def test_a_full_checkin_by_text_updates_key_results_and_keeps_history(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    for reply in (
        "checkin now",
        "400",
        "7",
        "same",
        "same",
        "no",
        "9",
        "waiting on design review",
        "shipped the importer",
        "4",
    ):
        await say(engine, org.alan, reply)
    summary = outbox.last()
    assert isinstance(summary, Card)
    text = summary.fallback_text()
    assert "120 signups → 400 signups" in text
    assert "waiting on design review" in text and "🙂 4/5" in text
    krs = await key_results(sqlite_db)
    assert krs["signups"].current == 400 and krs["signups"].confidence == 7
    assert krs["nps"].current == 28 and krs["nps"].confidence == 6  # "same" twice
    assert krs["docs"].current == 0 and krs["docs"].confidence == 9
    changes = [(c.field, c.old_value, c.new_value, c.source) for c in await history(sqlite_db)]
    assert changes == [
        ("value", 120, 400, "checkin"),
        ("confidence", None, 7, "checkin"),
        ("value", None, 0, "checkin"),
        ("confidence", None, 9, "checkin"),
    ]
    async with sqlite_db.session() as session:
        run = (await session.exec(select(CheckinRun))).one()
    assert run.status == "submitted" and run.period_label == "2026-11-20"


async def test_reaching_the_target_skips_its_confidence_question(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    for reply in ("checkin now", "skip", "skip", "skip", "skip", "done"):
        await say(engine, org.alan, reply)
    assert last_question(outbox).position == 7  # blockers: no confidence asked for the docs
    krs = await key_results(sqlite_db)
    assert (krs["docs"].current, krs["docs"].confidence) == (1, 10)


async def test_one_line_updates_several_key_results(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    await say(engine, org.alan, "checkin now")
    await say(engine, org.alan, "signups 400, nps 35")
    krs = await key_results(sqlite_db)
    assert (krs["signups"].current, krs["nps"].current) == (400, 35)
    # Both values are answered, so the next question is the first confidence.
    assert "Weekly signups" in last_question(outbox).text
    assert "confident" in last_question(outbox).text
    await say(engine, org.alan, "7")
    assert "NPS" in last_question(outbox).text and "confident" in last_question(outbox).text


async def test_nonsense_values_get_a_friendly_reask_and_store_nothing(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    await say(engine, org.alan, "checkin now")
    for bad in ("abc", "1e309", "NaN", "-5", "🙂", "שלום"):
        outbox.clear()
        await say(engine, org.alan, bad)
        assert len(outbox.sent) == 1 and not isinstance(outbox.last(), Question), bad
        assert outbox.texts()[0].strip(), bad
    assert await history(sqlite_db) == []
    async with sqlite_db.session() as session:
        assert (await session.exec(select(Answer))).all() == []
    await say(engine, org.alan, "400")
    assert (await key_results(sqlite_db))["signups"].current == 400


async def test_restart_in_the_middle_continues_at_the_next_unanswered_question(
    sqlite_db: Database, org: Org, clock: FakeClock
) -> None:
    first = RecordingOutbox()
    before = Engine(sqlite_db, first, clock)
    for reply in ("checkin now", "400", "7"):
        await say(before, org.alan, reply)
    # A new engine over the same database: nothing is remembered in memory.
    second = RecordingOutbox()
    after = Engine(sqlite_db, second, clock)
    await say(after, org.alan, "same")
    question = last_question(second)
    assert question.position == 4 and "NPS" in question.text and "confident" in question.text


async def test_a_double_click_records_one_answer(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    await say(engine, org.alan, "checkin now")
    prompt_id = last_question(outbox).prompt_id
    await engine.handle(ChoiceSelected(org.alan, prompt_id, "same", eid()))
    await engine.handle(ChoiceSelected(org.alan, prompt_id, "skip", eid()))
    assert outbox.texts()[-1] == "That question was already answered."
    async with sqlite_db.session() as session:
        answers = (await session.exec(select(Answer))).all()
    assert [(a.question_key, a.skipped) for a in answers] == [
        (f"kr:{org.kr_ids['signups']}:value", False)
    ]


async def test_a_retried_event_is_handled_once(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    await say(engine, org.alan, "checkin now")
    retried = TextReceived(org.alan, "400", "same-event-id")
    first = await engine.handle(retried)
    again = await engine.handle(retried)
    assert not first.duplicate and again.duplicate and again.replies == []
    assert len(await history(sqlite_db)) == 1


async def test_edit_reopens_the_checkin_and_same_keeps_each_answer(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    for reply in ("checkin now", "400", "7", "same", "same", "no", "skip", "none", "ok", "3"):
        await say(engine, org.alan, reply)
    await say(engine, org.alan, "checkin edit")
    question = last_question(outbox)
    assert question.position == 1 and "You said: 400 signups" in (question.hint or "")
    for reply in ("450", "same", "same", "same", "same", "same", "same", "finally shipped", "same"):
        await say(engine, org.alan, reply)
    assert isinstance(outbox.last(), Card)
    text = outbox.last().fallback_text()
    assert "→ 450 signups" in text and "finally shipped" in text and "😐 3/5" in text
    krs = await key_results(sqlite_db)
    assert krs["signups"].current == 450 and krs["signups"].confidence == 7
    async with sqlite_db.session() as session:
        runs = (await session.exec(select(CheckinRun))).all()
    assert len(runs) == 1 and runs[0].round == 2 and runs[0].status == "submitted"


async def test_checkin_now_after_submitting_starts_the_next_period_early(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    await say(engine, org.alan, "checkin now")
    async with sqlite_db.session() as session:
        run = (await session.exec(select(CheckinRun))).one()
        run.status = "submitted"
        session.add(run)
    await say(engine, org.alan, "checkin now")
    async with sqlite_db.session() as session:
        labels = [r.period_label for r in (await session.exec(select(CheckinRun))).all()]
    assert labels == ["2026-11-20", "2026-11-27"]
    assert "week of Fri 27 Nov" in outbox.texts()[-1]


async def test_late_answers_count_until_the_next_period_opens(
    engine: Engine, org: Org, outbox: RecordingOutbox, clock: FakeClock, sqlite_db: Database
) -> None:
    await say(engine, org.alan, "checkin now")
    clock.advance(days=2, hours=2)  # Friday 14:00 UTC: still before Friday 15:00 London
    await say(engine, org.alan, "400")
    assert (await key_results(sqlite_db))["signups"].current == 400
    clock.advance(hours=2)  # the next period has opened
    await say(engine, org.alan, "7")
    assert "closed when the next one opened" in outbox.texts()[-1]
    assert (await key_results(sqlite_db))["signups"].confidence is None
    async with sqlite_db.session() as session:
        run = (await session.exec(select(CheckinRun))).one()
    assert run.status == "missed"


async def test_the_form_stores_the_same_data_as_the_conversation(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    form = await engine.checkin_form(org.alan)
    assert isinstance(form, Form)
    keys = [f.key for f in form.fields]
    signups, nps, docs = (org.kr_ids[k] for k in ("signups", "nps", "docs"))
    values = {
        f"kr:{signups}:value": "400",
        f"kr:{signups}:confidence": "7",
        f"kr:{nps}:value": "",
        f"kr:{nps}:confidence": "",
        f"kr:{docs}:value": "yes",
        f"kr:{docs}:confidence": "9",
        "blockers": "waiting on design review",
        "wins": "shipped the importer",
        "mood": "4",
    }
    assert set(keys) == set(values)
    handled = await engine.handle(FormSubmitted(org.alan, form.form_id, values, eid()))
    assert handled.form_errors == {}
    assert "120 signups → 400 signups" in outbox.last().fallback_text()
    krs = await key_results(sqlite_db)
    assert (krs["signups"].current, krs["signups"].confidence) == (400, 7)
    assert (krs["nps"].current, krs["nps"].confidence) == (28, 6)
    assert (krs["docs"].current, krs["docs"].confidence) == (1, 9)
    async with sqlite_db.session() as session:
        waiting = (
            await session.exec(select(PendingPrompt).where(PendingPrompt.status == "waiting"))
        ).all()
    assert waiting == []


async def test_a_form_with_a_bad_value_reports_each_field_and_stores_nothing(
    engine: Engine, org: Org, sqlite_db: Database
) -> None:
    form = await engine.checkin_form(org.alan)
    assert form is not None
    signups = org.kr_ids["signups"]
    handled = await engine.handle(
        FormSubmitted(
            org.alan,
            form.form_id,
            {
                f"kr:{signups}:value": "lots",
                f"kr:{signups}:confidence": "11",
                "mood": "4",
            },
            eid(),
        )
    )
    assert set(handled.form_errors) == {f"kr:{signups}:value", f"kr:{signups}:confidence"}
    assert await history(sqlite_db) == []


async def test_someone_elses_button_or_form_is_refused(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    await say(engine, org.alan, "checkin now")
    prompt_id = last_question(outbox).prompt_id
    form = await engine.checkin_form(org.alan)
    assert form is not None
    await engine.handle(ChoiceSelected(org.grace, prompt_id, "skip", eid()))
    assert "isn't for you" in outbox.texts()[-1]
    await engine.handle(FormSubmitted(org.grace, form.form_id, {"mood": "1"}, eid()))
    assert "isn't for you" in outbox.texts()[-1]
    async with sqlite_db.session() as session:
        assert (await session.exec(select(Answer))).all() == []


async def test_someone_new_who_writes_is_enrolled_with_the_orgs_defaults(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    await say(engine, org.stranger, "checkin now")
    assert "Anything blocking you?" in outbox.texts()[-1]  # no goals yet: the closing questions
    async with sqlite_db.session() as session:
        eve = (await session.exec(select(Person).where(Person.email == "eve@example.com"))).one()
    assert (eve.manager_id, eve.team, eve.checkin_days, eve.is_admin) == (None, None, None, False)


async def test_someone_the_platform_tells_nothing_of_is_told_how_to_join(
    engine: Engine, outbox: RecordingOutbox
) -> None:
    await say(engine, Actor("console", "local", "U_NOBODY"), "checkin now")
    assert "I don't know U_NOBODY yet" in outbox.texts()[-1]


async def test_help_lists_the_commands_and_unknown_words_get_help(
    engine: Engine, org: Org, outbox: RecordingOutbox
) -> None:
    await say(engine, org.alan, "help")
    assert "checkin now" in outbox.texts()[-1]
    await engine.handle(CommandInvoked(org.alan, "checkin", "dance", eid()))
    assert "checkin doesn't know “dance”" in outbox.texts()[-1]
    await engine.handle(CommandInvoked(org.alan, "goals", "update", eid()))
    assert "goals update is coming soon" in outbox.texts()[-1]
    await say(engine, org.alan, "what is this")
    assert "No check-in is waiting for you" in outbox.texts()[-1]


async def test_an_answer_starting_with_a_command_word_stays_an_answer(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    for reply in ("checkin now", "skip", "skip", "skip", "skip", "skip", "skip"):
        await say(engine, org.alan, reply)
    await say(engine, org.alan, "help needed from the design team")
    async with sqlite_db.session() as session:
        blockers = (
            await session.exec(select(Answer).where(Answer.question_key == "blockers"))
        ).one()
    assert blockers.text == "help needed from the design team"


async def test_long_and_unusual_text_is_kept_whole(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    for reply in ("checkin now", "skip", "skip", "skip", "skip", "skip", "skip"):
        await say(engine, org.alan, reply)
    long_text = "<!channel> " + "blocked 🚧 עברית " * 120  # long, but under the cap
    await say(engine, org.alan, long_text)
    async with sqlite_db.session() as session:
        blockers = (
            await session.exec(select(Answer).where(Answer.question_key == "blockers"))
        ).one()
    assert blockers.text == long_text.strip() and len(long_text) > 1_900


async def test_goals_shows_the_alignment_tree_with_progress(
    engine: Engine, org: Org, outbox: RecordingOutbox
) -> None:
    await say(engine, org.alan, "goals")
    text = outbox.texts()[-1]
    assert "Grow (2026-Q4)" in text
    assert "Weekly signups: 120 signups of 500 signups · 5%" in text
    assert "NPS: 28 of 40 · 40% · at risk" in text


class UpdatingOutbox(RecordingOutbox):
    """An outbox whose platform can edit sent messages."""

    def __init__(self) -> None:
        super().__init__()
        self.updates: list[tuple[dict[str, str], object]] = []

    async def update(self, to: object, ref: dict[str, str], message: object) -> None:
        self.updates.append((ref, message))


async def test_an_answered_question_loses_its_buttons(
    sqlite_db: Database, org: Org, clock: FakeClock
) -> None:
    outbox = UpdatingOutbox()
    engine = Engine(sqlite_db, outbox, clock)
    await say(engine, org.alan, "checkin now")
    first = last_question(outbox)
    await say(engine, org.alan, "400")
    ((ref, message),) = outbox.updates
    assert isinstance(message, Answered)
    assert message.question.prompt_id == first.prompt_id and message.answer == "400"
    sent_at = next(index for index, (_, m) in enumerate(outbox.sent) if m is first)
    assert ref == {"ts": str(sent_at + 1)}  # the handle the outbox returned when it was sent


class Directory:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def profile(self, platform: str, tenant: str, user: str) -> Profile | None:
        self.asked.append(user)
        if user == "U_ALAN":
            return Profile(email="ALAN@example.com", name="Alan", timezone="Asia/Kolkata")
        if user == "U_GRACE":  # an owner or admin of the workspace
            return Profile(email="grace@example.com", name="Grace", admin=True)
        return None


async def test_a_first_contact_is_matched_by_the_email_the_platform_knows(
    sqlite_db: Database, org: Org, clock: FakeClock, outbox: RecordingOutbox
) -> None:
    directory = Directory()
    engine = Engine(sqlite_db, outbox, clock, directory)
    slack_alan = Actor("console", "local", "U_ALAN")
    await say(engine, slack_alan, "checkin now")
    await say(engine, slack_alan, "400")
    assert directory.asked == ["U_ALAN"]  # asked once; the identity is linked afterwards
    assert (await key_results(sqlite_db))["signups"].current == 400
    await say(engine, Actor("console", "local", "U_NOBODY"), "hi")
    assert "I don't know U_NOBODY yet" in outbox.texts()[-1]
    await say(engine, Actor("console", "local", "U_GRACE"), "hi")
    async with sqlite_db.session() as session:
        people = {p.email: p for p in (await session.exec(select(Person))).all()}
    assert people["grace@example.com"].is_admin and not people["alan@example.com"].is_admin


async def test_a_person_the_platform_cannot_reach_is_marked_unreachable_until_they_write(
    sqlite_db: Database, org: Org, clock: FakeClock
) -> None:
    class Blocked(RecordingOutbox):
        async def send(self, to: Recipient, message: Message) -> dict[str, Any] | None:
            raise Undeliverable("account_inactive")

    engine = Engine(sqlite_db, Blocked(), clock)
    await say(engine, org.alan, "checkin now")
    async with sqlite_db.session() as session:
        identity = (await session.exec(select(PlatformIdentity))).one()
    assert identity.reachable is False

    # Back (unblocked, reinstalled): writing to the bot makes them reachable again.
    outbox = RecordingOutbox()
    await say(Engine(sqlite_db, outbox, clock), org.alan, "checkin now")
    async with sqlite_db.session() as session:
        identity = (await session.exec(select(PlatformIdentity))).one()
    assert identity.reachable is True and outbox.texts()


async def test_home_shows_this_periods_checkin_and_my_goals(
    engine: Engine, org: Org, outbox: RecordingOutbox
) -> None:
    card = await engine.home(org.alan)
    assert card is not None
    text = card.fallback_text()
    assert "week of Fri 20 Nov hasn't started" in text and "Weekly signups" in text
    await say(engine, org.alan, "checkin now")
    await say(engine, org.alan, "400")
    card = await engine.home(org.alan)
    assert card is not None and "1 of 9 answered" in card.fallback_text()
    # An account the platform tells nothing of (no directory here, no email) gets no home.
    assert await engine.home(Actor("console", "local", "U_NOBODY")) is None
