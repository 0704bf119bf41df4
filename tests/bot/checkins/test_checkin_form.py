"""The check-in as one form: a form is answered once, and a blank field keeps what was said."""

from __future__ import annotations

from sqlmodel import col, select

from bot.core.events import FormSubmitted
from bot.core.messages import Card, Form
from bot.engine import Engine
from storage.db import Database
from storage.models import Answer, KeyResult, KeyResultChange
from tests.bot.checkins.test_checkin_flow import UpdatingOutbox, eid, say
from tests.bot.conftest import Org
from tests.conftest import FakeClock, RecordingOutbox


async def stored(database: Database) -> tuple[dict[str, Answer], dict[str, KeyResult], list[float]]:
    """Answers by question, key results by key, and every confidence ever set, in order."""
    async with database.session() as session:
        answers = {a.question_key: a for a in (await session.exec(select(Answer))).all()}
        krs = {kr.key: kr for kr in (await session.exec(select(KeyResult))).all()}
        changes = (
            await session.exec(select(KeyResultChange).order_by(col(KeyResultChange.id)))
        ).all()
    confidences = [c.new_value for c in changes if c.field == "confidence" and c.new_value]
    return answers, krs, confidences


def blank(form: Form) -> dict[str, str]:
    return {field.key: "" for field in form.fields}


async def test_the_same_form_submitted_twice_changes_nothing_the_second_time(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    form = await engine.checkin_form(org.alan)
    assert form is not None
    nps = org.kr_ids["nps"]
    first = blank(form) | {
        f"kr:{nps}:confidence": "8",
        "blockers": "waiting on legal",
        "mood": "4",
    }
    await engine.handle(FormSubmitted(org.alan, form.form_id, first, eid()))
    assert "Check-in saved" in outbox.texts()[-1]
    # Sent again as a re-rendered card sends it: blanks, and the values it first showed.
    again = blank(form) | {f"kr:{nps}:confidence": "6"}
    handled = await engine.handle(FormSubmitted(org.alan, form.form_id, again, eid()))
    assert handled.form_errors == {}
    assert "You've sent this check-in already" in outbox.texts()[-1]
    answers, krs, confidences = await stored(sqlite_db)
    assert answers["blockers"].text == "waiting on legal" and answers["mood"].number == 4
    assert krs["nps"].confidence == 8 and confidences == [8]


async def test_a_blank_field_in_a_form_keeps_the_answer_given_in_the_chat(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    for reply in ("checkin now", "400", "7", "same", "8", "no", "9", "waiting on legal", "won"):
        await say(engine, org.alan, reply)
    form = await engine.checkin_form(org.alan)
    assert form is not None
    await engine.handle(FormSubmitted(org.alan, form.form_id, blank(form), eid()))
    assert "Check-in saved" in outbox.texts()[-1]
    answers, krs, confidences = await stored(sqlite_db)
    assert answers["blockers"].text == "waiting on legal" and not answers["blockers"].skipped
    assert answers["wins"].text == "won"
    assert answers["mood"].skipped  # never answered: a blank is no answer
    assert (krs["signups"].current, krs["signups"].confidence) == (400, 7)
    assert krs["nps"].confidence == 8 and confidences == [7, 8, 9]


async def test_a_submitted_form_is_replaced_by_its_summary(
    sqlite_db: Database, org: Org, clock: FakeClock
) -> None:
    outbox = UpdatingOutbox()
    engine = Engine(sqlite_db, outbox, clock)
    form = await engine.checkin_form(org.alan)
    assert form is not None
    shown = {"ts": "form-1"}
    await engine.handle(FormSubmitted(org.alan, form.form_id, blank(form), eid(), shown))
    summary = next(message for ref, message in outbox.updates if ref == shown)
    assert isinstance(summary, Card) and "Check-in saved" in summary.title
    assert not any("Check-in saved" in text for text in outbox.texts())  # not sent twice


async def test_a_key_result_in_the_form_reads_as_the_chat_writes_it(
    engine: Engine, org: Org
) -> None:
    form = await engine.checkin_form(org.alan)
    assert form is not None
    labels = [field.label for field in form.fields]
    assert "Weekly signups (now 120 signups)" in labels
