"""How a check-in question reads: the "several at once" hint names the person's own key
results, and a target where lower is better reads as one."""

from __future__ import annotations

from bot.checkins import questions as q
from bot.engine import Engine
from storage.db import Database
from storage.models import KeyResult
from storage.settings import OrgSettings
from tests.bot.checkins.test_checkin_flow import key_results, last_question, say
from tests.bot.conftest import Org
from tests.conftest import RecordingOutbox
from tests.seeded import SEEDED_AT


def kr(id: int, title: str, **values: object) -> KeyResult:
    fields: dict[str, object] = {"start": 0, "target": 100, "current": 10} | values
    return KeyResult(
        id=id, tenant_id="t", key=f"k{id}", objective_id=1, title=title, updated_at=SEEDED_AT,
        **fields,
    )  # fmt: skip


def first_hint(key_results: list[KeyResult]) -> str:
    question = q.build_questions(key_results, OrgSettings())[0]
    shown = q.render_question(question, "p", 1, 9, key_results[0], None)
    return shown.hint or ""


async def test_the_several_at_once_hint_names_the_persons_own_key_results(
    engine: Engine, org: Org, outbox: RecordingOutbox
) -> None:
    await say(engine, org.alan, "checkin now")
    hint = last_question(outbox).hint or ""
    assert "Several at once work too: Weekly signups 120, NPS 28." in hint
    assert "signups 400, nps 35" not in hint


def test_one_key_result_gets_no_several_at_once_hint() -> None:
    hint = first_hint([kr(1, "Latency p95", unit="ms")])
    assert "Type a number" in hint and "Several" not in hint


def test_a_target_where_lower_is_better_reads_as_one() -> None:
    latency = kr(1, "Latency p95", start=900, target=300, current=650, unit="ms")
    question = q.build_questions([latency], OrgSettings())[0]
    shown = q.render_question(question, "p", 1, 5, latency, None)
    assert "(was 650 ms, target 300 ms or less)" in shown.text


async def test_a_name_in_a_one_line_update_that_is_not_theirs_saves_nothing_and_says_why(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    await say(engine, org.alan, "checkin now")
    await say(engine, org.alan, "signups 999, activation 50%")
    said = outbox.texts()[-1]
    assert "nothing is saved yet" in said
    assert "“activation” is not among the key results in this check-in" in said
    assert "“Weekly signups”, “NPS” and “Docs published”" in said
    krs = await key_results(sqlite_db)
    assert krs["signups"].current == 120  # unchanged
    await say(engine, org.alan, "signups 999, nps 30")  # corrected: both saved
    assert (await key_results(sqlite_db))["signups"].current == 999


async def test_the_count_never_jumps_without_a_word(
    engine: Engine, org: Org, outbox: RecordingOutbox
) -> None:
    await say(engine, org.alan, "checkin now")
    assert last_question(outbox).position == 1
    await say(engine, org.alan, "signups 400, nps 35")
    question = last_question(outbox)
    assert question.position == 2  # signups' confidence: NPS's value, the 3rd, is done too
    assert question.intro == "Saved “Weekly signups” and “NPS”."
    await say(engine, org.alan, "7")  # signups' confidence; NPS's value (3rd) is passed over
    question = last_question(outbox)
    assert (question.position, question.intro) == (4, "Already known: NPS 35.")
    await say(engine, org.alan, "8")
    question = last_question(outbox)
    assert (question.position, question.intro) == (5, None)  # nothing passed over: no recap
    await say(engine, org.alan, "yes")  # done: a done key result's confidence is a 10
    question = last_question(outbox)
    assert question.position == 7
    assert question.intro == "Already known: Docs published is done, so its confidence is 10/10."
