"""How a check-in question reads: the "several at once" hint names the person's own key
results, and a target where lower is better reads as one."""

from __future__ import annotations

from bot.checkins import questions as q
from bot.engine import Engine
from storage.models import KeyResult
from storage.settings import OrgSettings
from tests.bot.checkins.test_checkin_flow import last_question, say
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
