"""The whole cycle in a fresh Slack workspace, with no CSV and no goals file: the installer sets
a company objective; a colleague gets `help`, checks in on the default cadence, adds a personal
objective with two key results aligned under it through the modal, and closes the quarter with
grades; the export shows all of it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from adapters.slack.render import FORM_CALLBACK_ID
from app.export import export_org
from tests.conftest import FakeClock, until
from tests.slack.conftest import Slack, buttons, text_of
from tests.slack.payloads import block_action, message_event, slash_command, view_submission
from tests.slack.test_oauth import Deployment, deployment  # noqa: F401 (the fixture)
from tests.slack.test_slack_checkin_form import state


async def say(slack: Slack, user: str, text: str) -> str:
    seen = len(slack.posts(user))
    assert (await slack.event(message_event(text, user=user, team="T1")))[0] == 200
    return text_of(await slack.next_post(seen, user))


async def modal(slack: Slack, n: int) -> dict:  # type: ignore[type-arg]
    await until(lambda: len(slack.api.called("views.open")) > n)
    view = slack.api.called("views.open")[n].params["view"]
    return view if isinstance(view, dict) else json.loads(view)


async def submit(slack: Slack, user: str, view: dict, typed: dict[str, str]) -> str:  # type: ignore[type-arg]
    shown = {
        b["block_id"]: b["element"].get("initial_value")
        or (b["element"].get("initial_option") or {}).get("value", "")
        for b in view["blocks"]
        if b["type"] == "input"
    }
    body = view_submission(
        FORM_CALLBACK_ID, view["private_metadata"], state(view, shown | typed), user=user
    )
    status, response = await slack.form(body)
    assert status == 200
    return response


async def test_a_fresh_workspace_runs_the_whole_okr_cycle_in_chat(
    deployment: Deployment,  # noqa: F811
    clock: FakeClock,
) -> None:
    slack = deployment.slack
    await deployment.install("code-t1")  # by U_GRACE, who is an admin from then on

    said = await say(slack, "U_GRACE", 'goals add "Win the mid-market" level company')
    assert "Added #1 “Win the mid-market”: a company objective for 2026-Q4" in said

    assert "checkin now" in await say(slack, "U_ALAN", "help")
    said = await say(slack, "U_ALAN", "checkin now")
    for answer in ("none", "shipped the importer", "4"):
        if "saved" in said:
            break
        said = await say(slack, "U_ALAN", answer)
    assert "saved" in said

    await slack.form(slash_command("/goals", "add", user="U_ALAN", trigger_id="7.7.add"))
    view = await modal(slack, 0)
    parents = next(b for b in view["blocks"] if b.get("block_id") == "parent")
    assert "#1 Win the mid-market (2026-Q4)" in json.dumps(parents, ensure_ascii=False)
    typed = {
        "title": "Land ten mid-market logos",
        "parent": "1",
        "n1_title": "Mid-market logos",
        "n1_start": "0",
        "n1_target": "10",
        "n1_unit": "logos",
        "n2_title": "Sales cycle",
        "n2_start": "90",
        "n2_target": "60",
        "n2_unit": "days",
        "n2_direction": "lower",
    }
    assert not (await submit(slack, "U_ALAN", view, typed)).strip()
    await until(lambda: "Added #2" in text_of(slack.posts("U_ALAN")[-1]))

    clock.current = datetime(2026, 12, 28, 10, 0, tzinfo=UTC)  # the quarter's last week
    said = await say(slack, "U_ALAN", "goals close")
    action_id, value = buttons(slack.posts("U_ALAN")[-1])["Open: Close 2026-Q4"]
    await slack.form(block_action(action_id, value, user="U_ALAN", trigger_id="7.7.close"))
    view = await modal(slack, 1)
    closing = {
        "k1_final": "7",
        "k1_grade": "0.7",
        "k2_final": "75",
        "k2_grade": "0.5",
        "o2_learned": "Referrals close fastest",
        "o2_carry": "yes",
    }
    assert not (await submit(slack, "U_ALAN", view, closing)).strip()
    await until(lambda: "Closed 2026-Q4" in text_of(slack.posts("U_ALAN")[-1]))
    assert "grade 0.60" in text_of(slack.posts("U_ALAN")[-1])

    exported = await export_org(slack.database, "slack:T1", clock.now())
    assert {p["email"] for p in exported["people"]} == {"grace@example.com", "alan@example.com"}
    objectives = {o["number"]: o for o in exported["objectives"]}
    assert objectives[1]["level"] == "company" and objectives[1]["owner"] == "grace@example.com"
    mine = objectives[2]
    assert mine["parent"] == objectives[1]["id"] and mine["owner"] == "alan@example.com"
    assert mine["grade"] == 0.6 and mine["learned"] == "Referrals close fastest"
    assert {kr["title"]: kr["grade"] for kr in mine["key_results"]} == {
        "Mid-market logos": 0.7,
        "Sales cycle": 0.5,
    }
    assert objectives[3]["carried_from"] == mine["id"] and objectives[3]["period"] == "2027-Q1"
    assert [c["person"] for c in exported["checkins"]] == ["alan@example.com"]
