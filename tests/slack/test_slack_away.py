"""Away and quiet, over Slack with the mock Web API: a status of :palm_tree: until Friday keeps
that week's check-in from being prompted or counted missed; a reminder due at 21:00 someone's
time reaches them at 08:00 the next morning."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from app.scheduling import build_scheduler
from app.server import ENGINE
from storage.models import CheckinRun, Person, Tenant
from tests.conftest import FakeClock
from tests.slack.conftest import Slack, text_of
from tests.slack.payloads import message_event


async def _runs(slack: Slack, email: str = "alan@example.com") -> dict[str, str]:
    """Someone's check-ins: period -> status."""
    async with slack.database.session() as session:
        runs = (
            await session.exec(
                select(CheckinRun).join(Person).where(Person.email == email)  # type: ignore[arg-type]
            )
        ).all()
    return {run.period_label: run.status for run in runs}


async def _meet(slack: Slack) -> None:
    """Alan and Grace write to the bot once: it knows their Slack accounts from then on."""
    for user in ("U_ALAN", "U_GRACE"):
        assert (await slack.event(message_event("hi", user=user)))[0] == 200
        await slack.next_post(0, user)
    slack.api.calls.clear()


async def _step(slack: Slack, clock: FakeClock, to: datetime) -> None:
    clock.current = to
    await build_scheduler(slack.client.server.app[ENGINE], 1).run_until_idle()


async def test_someone_on_vacation_until_friday_is_neither_prompted_nor_missed(
    slack: Slack, clock: FakeClock
) -> None:
    # Alan checks in on Fridays at 15:00 in London; he is on vacation until Friday 27 Nov ends.
    await _meet(slack)
    friday_night = int(datetime(2026, 11, 27, 23, 59, tzinfo=UTC).timestamp())
    slack.api.set_status("U_ALAN", ":palm_tree:", "Vacationing", friday_night)
    # Statuses are read ahead of the prompts due within ten minutes.
    await _step(slack, clock, datetime(2026, 11, 27, 14, 51, tzinfo=UTC))
    assert slack.api.called("users.profile.get")
    await _step(slack, clock, datetime(2026, 11, 27, 15, 0, 30, tzinfo=UTC))
    assert slack.posts("U_ALAN") == []
    await _step(slack, clock, datetime(2026, 12, 4, 15, 0, 30, tzinfo=UTC))
    runs = await _runs(slack)
    assert runs["2026-11-27"] == "skipped"  # not missed
    assert "missed" not in runs.values()
    # Back next week: the status has expired, and the check-in comes.
    assert any("check-in" in text_of(call) for call in slack.posts("U_ALAN"))
    assert runs["2026-12-04"] == "open"


async def test_a_status_in_words_counts_and_an_expired_one_does_not(
    slack: Slack, clock: FakeClock
) -> None:
    await _meet(slack)
    yesterday = int(datetime(2026, 11, 26, tzinfo=UTC).timestamp())
    slack.api.set_status("U_ALAN", ":palm_tree:", "", yesterday)
    slack.api.set_status("U_GRACE", ":coffee:", "OOO until Monday", 0)
    await _step(slack, clock, datetime(2026, 11, 27, 14, 51, tzinfo=UTC))  # Alan's, read ahead
    await _step(slack, clock, datetime(2026, 11, 27, 19, 51, tzinfo=UTC))  # Grace's
    await _step(slack, clock, datetime(2026, 11, 27, 20, 0, 30, tzinfo=UTC))  # both due by now
    assert slack.posts("U_ALAN")
    assert slack.posts("U_GRACE") == []
    assert (await _runs(slack))["2026-11-27"] == "open"
    assert (await _runs(slack, "grace@example.com"))["2026-11-27"] == "skipped"


async def test_a_reminder_due_at_21_waits_for_8_the_next_morning(
    slack: Slack, clock: FakeClock
) -> None:
    # Alan checks in on Thursdays at 15:00 London; reminders six hours after a prompt: 21:00.
    await _meet(slack)
    assert (await slack.event(message_event("checkin schedule thu 15:00", user="U_ALAN")))[0] == 200
    await slack.next_post(0)
    slack.api.calls.clear()
    async with slack.database.session() as session:
        tenant = await session.get(Tenant, "slack:T1")
        assert tenant is not None
        tenant.settings = {**tenant.settings, "reminder_hours": 6}
        session.add(tenant)
    await _step(slack, clock, datetime(2026, 11, 26, 15, 0, 30, tzinfo=UTC))
    prompted = len(slack.posts("U_ALAN"))
    assert prompted == 1
    await _step(slack, clock, datetime(2026, 11, 26, 21, 0, 30, tzinfo=UTC))
    assert len(slack.posts("U_ALAN")) == prompted  # quiet: 19:00 to 08:00 his time
    await _step(slack, clock, datetime(2026, 11, 27, 7, 59, tzinfo=UTC))
    assert len(slack.posts("U_ALAN")) == prompted
    await _step(slack, clock, datetime(2026, 11, 27, 8, 0, 30, tzinfo=UTC))
    await _step(slack, clock, datetime(2026, 11, 27, 9, 0, 30, tzinfo=UTC))
    nudges = [c for c in slack.posts("U_ALAN") if "A quick nudge" in text_of(c)]
    assert len(nudges) == 1
