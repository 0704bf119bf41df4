"""The tenant's 50 a second shared between replicas: each finds its part from Teams' 429s.

In simulated time: a tenant that takes at most 50 sends in any second (as Teams and the mock
connector count them), answering 429 with Retry-After: 1 past it, and one or two replicas, each
with its own pacer and twenty senders, draining a wave of one message per conversation and
retrying their 429s as send_with_retries does.
"""

from __future__ import annotations

from collections import deque

import pytest

from adapters.teams.pacing import TeamsPacer
from tests.simulated_time import VirtualTime

PER_SECOND = 50


class Tenant:
    def __init__(self, vt: VirtualTime) -> None:
        self.vt = vt
        self.recent: deque[float] = deque()
        self.taken: list[float] = []
        self.refused = 0

    def send(self) -> bool:
        self.vt.moved()
        now = self.vt.now
        while self.recent and self.recent[0] <= now - 1.0:
            self.recent.popleft()
        if len(self.recent) >= PER_SECOND:
            self.refused += 1
            return False
        self.recent.append(now)
        self.taken.append(now)
        return True

    def share(self) -> float:
        span = self.taken[-1] - self.taken[0]
        return len(self.taken) / (PER_SECOND * (span + 1.0))


async def wave(
    vt: VirtualTime, tenant: Tenant, pacers: list[TeamsPacer], people: int, first: float = 0.0
) -> None:
    """Everyone's prompt, taken from one list by every replica's senders; or, with `first`,
    that share of them claimed by the first replica and the rest by the second."""
    everyone = iter(range(people))
    split = int(people * first)
    parts = [iter(range(split)), iter(range(split, people))] if first else [everyone] * 2

    async def sender(pacer: TeamsPacer) -> None:
        for n in parts[pacers.index(pacer) % 2]:
            while True:
                await pacer.wait("t1", f"a:1person{n}")
                if tenant.send():
                    break
                pacer.pause("t1", f"a:1person{n}", 1.0)

    await vt.run(*(sender(pacer) for pacer in pacers for _ in range(20)))


@pytest.mark.parametrize("replicas", [1, 2])
async def test_replicas_share_the_tenants_rate_and_hold_most_of_it(replicas: int) -> None:
    vt = VirtualTime(max_steps=60_000)
    pacers = [TeamsPacer(clock=vt.clock, sleep=vt.sleep) for _ in range(replicas)]
    tenant = Tenant(vt)
    people = 6000  # two minutes of the tenant's rate
    await wave(vt, tenant, pacers, people)
    assert len(tenant.taken) == people  # each sent once, nothing lost
    assert tenant.share() >= 0.90
    assert tenant.refused < people / 20
    if replicas == 2:
        shares = [pacer.tenant_share("t1") for pacer in pacers]
        assert min(shares) >= 0.1  # neither starves
        assert 0.8 <= sum(shares) <= 1.2


async def test_a_replica_left_alone_takes_the_tenants_rate_back() -> None:
    vt = VirtualTime(max_steps=60_000)
    pacers = [TeamsPacer(clock=vt.clock, sleep=vt.sleep) for _ in range(2)]
    tenant = Tenant(vt)
    await wave(vt, tenant, pacers, 5000, first=0.6)  # the first claimed more of the wave
    assert len(tenant.taken) == 5000
    assert tenant.share() >= 0.90


async def test_alone_a_replica_keeps_the_published_rate() -> None:
    vt = VirtualTime(max_steps=20_000)
    pacer = TeamsPacer(clock=vt.clock, sleep=vt.sleep)
    tenant = Tenant(vt)
    await wave(vt, tenant, [pacer], 1000)
    assert tenant.refused == 0
    assert pacer.tenant_share("t1") == 1.0
