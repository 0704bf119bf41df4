"""chat.postMessage's workspace rate, which Slack doesn't publish, found from its 429s.

In simulated time: a workspace that lets through `per_minute` posts in bursts of 10 (as the mock
Slack Web API and Slack do), answering 429 with a whole-second Retry-After past it, and twenty
senders draining a wave through the pacer, each retrying its 429s as call_slack does.
"""

from __future__ import annotations

import math

import pytest

from adapters.pacing import Probe
from adapters.slack.pacing import SLACK_RATES, Pacer
from tests.simulated_time import VirtualTime

POST = "chat.postMessage"
BURST = 10


class Workspace:
    """Slack's side: a token bucket of `per_minute`, bursts of 10; each post taken or refused."""

    def __init__(self, vt: VirtualTime, per_minute: float) -> None:
        self.vt = vt
        self.interval = 60.0 / per_minute
        self.tokens = float(BURST)
        self.updated = 0.0
        self.taken: list[float] = []
        self.refused = 0

    def post(self) -> float | None:
        """None when taken, else the Retry-After Slack answers (whole seconds)."""
        self.vt.moved()
        now = self.vt.now
        self.tokens = min(BURST, self.tokens + (now - self.updated) / self.interval)
        self.updated = now
        if self.tokens >= 1.0 - 1e-9:
            self.tokens -= 1.0
            self.taken.append(now)
            return None
        self.refused += 1
        return float(math.ceil((1.0 - self.tokens) * self.interval))

    def share(self) -> float:
        """Posts taken as a share of what the limit allowed from the first to the last."""
        span = self.taken[-1] - self.taken[0]
        return len(self.taken) / (BURST + span / self.interval)


async def drain(vt: VirtualTime, pacer: Pacer, workspace: Workspace, posts: int) -> None:
    remaining = iter(range(posts))

    async def sender() -> None:
        for n in remaining:
            while True:
                await pacer.wait(POST, "T1", f"D{n}")
                retry_after = workspace.post()
                if retry_after is None:
                    break
                pacer.pause(POST, "T1", retry_after)

    await vt.run(*(sender() for _ in range(20)))


@pytest.mark.parametrize("per_minute", [600, 1200, 240])
async def test_a_wave_finds_and_holds_the_rate_slack_enforces(per_minute: int) -> None:
    vt = VirtualTime(max_steps=60_000)
    pacer = Pacer(clock=vt.clock, sleep=vt.sleep)
    workspace = Workspace(vt, per_minute)
    posts = per_minute * 8  # eight minutes of Slack's time at its rate
    await drain(vt, pacer, workspace, posts)
    assert len(workspace.taken) == posts  # nothing lost or doubled: each post taken once
    assert workspace.share() >= 0.90
    # A 429 costs a pause; finding the rate costs a few, not one every few posts.
    assert workspace.refused < posts / 50
    assert 0.8 * per_minute <= pacer.per_minute(POST, "T1") <= 1.1 * per_minute


async def test_a_rate_nobody_waits_on_does_not_creep_up() -> None:
    vt = VirtualTime()
    pacer = Pacer(clock=vt.clock, sleep=vt.sleep)

    async def now_and_then() -> None:
        for n in range(100):
            await pacer.wait(POST, "T1", f"D{n}")
            await vt.sleep(1.0)  # 60 a minute: the published 300 never binds

    await vt.run(now_and_then())
    assert pacer.per_minute(POST, "T1") == SLACK_RATES[POST].per_minute


async def test_published_rates_are_not_probed() -> None:
    vt = VirtualTime(max_steps=20_000)
    pacer = Pacer(clock=vt.clock, sleep=vt.sleep)
    workspace = Workspace(vt, 600)

    async def updates() -> None:
        for _ in range(200):
            await pacer.wait("chat.update", "T1")

    await vt.run(updates())
    assert pacer.per_minute("chat.update", "T1") == SLACK_RATES["chat.update"].per_minute
    assert workspace.refused == 0


def test_the_refusals_of_one_moment_cut_the_rate_once() -> None:
    probe = Probe(300, least=30, most=3000)
    assert probe.refused(10.0, hold=1.0)
    assert not probe.refused(10.01, hold=1.0)  # sent before the first 429 came back
    assert not probe.refused(10.9, hold=1.0)
    assert probe.value == pytest.approx(270)
    assert probe.refused(11.5, hold=1.0)  # after the pause: a new refusal
    assert probe.value == pytest.approx(243)


def test_a_probe_stays_within_its_bounds() -> None:
    probe = Probe(300, least=30, most=3000)
    probe.grow(10_000)
    assert probe.value == 3000
    for second in range(100):
        probe.refused(float(2 * second), hold=1.0)
    assert probe.value == 30
    probe.grow(-5)
    assert probe.value == 30
    with pytest.raises(ValueError):
        Probe(300, least=400, most=3000)


def test_after_a_refusal_it_climbs_slowly_past_the_refused_rate() -> None:
    probe = Probe(300, least=30, most=3000)
    probe.grow(9.9)  # doubling in about 10 s before the first refusal
    assert probe.value == pytest.approx(600, rel=0.01)
    probe.refused(30.0, hold=1.0)
    refused_at = probe.refused_at
    assert refused_at is not None
    probe.grow(50)  # back to the refused rate in about 50 busy seconds
    assert probe.value == pytest.approx(refused_at, rel=0.01)
