"""The Bot Connector's throttling, for the mock in connector.py: sliding windows of requests per
key (a tenant, or a conversation), as Teams counts them.

Teams lets an app send 50 requests a second per tenant, and 7 a second, 8 in 2 s, 60 in 30 s and
1800 an hour to one conversation. Past any of them it answers 429 with Retry-After. The bot is
not told these figures: it has to keep to them, or learn them from the 429s.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Iterable

Windows = tuple[tuple[int, float], ...]  # (limit, seconds)
CONVERSATION_WINDOWS: Windows = ((7, 1.0), (8, 2.0), (60, 30.0), (1800, 3600.0))


class SlidingWindows:
    """Each key may have at most `limit` requests in any `seconds`, for every (limit, seconds).

    Only the requests let through count: a refused one leaves the windows as they were.
    """

    def __init__(self, windows: Iterable[tuple[int, float]]) -> None:
        self.windows = tuple((int(limit), float(seconds)) for limit, seconds in windows)
        if not self.windows or any(limit < 1 or seconds <= 0 for limit, seconds in self.windows):
            raise ValueError(f"windows need limit >= 1 and seconds > 0, not {self.windows}")
        # The newest `limit` requests are all any window needs to look at.
        self._keep = max(limit for limit, _ in self.windows)
        self._times: dict[str, deque[float]] = {}

    def wait(self, key: str, now: float) -> float:
        """Seconds until one more request for `key` fits every window (0 when it fits now)."""
        times = self._times.get(key)
        if not times:
            return 0.0
        wait = 0.0
        for limit, seconds in self.windows:
            if len(times) >= limit:
                wait = max(wait, times[-limit] + seconds - now)
        return wait

    def count(self, key: str, now: float) -> None:
        times = self._times.get(key)
        if times is None:
            times = self._times[key] = deque(maxlen=self._keep)
        times.append(now)


class Throttle:
    """The mock's limits on writes (activities posted, updated, or sent with a new
    conversation): per tenant and per conversation, none until set. A write past one is
    answered 429 with Retry-After: when the oldest write in the window leaves it, to the
    millisecond or in whole seconds as HTTP writes it. Counts the 429s by the limit."""

    def __init__(self) -> None:
        self.tenants: SlidingWindows | None = None
        self.conversations: SlidingWindows | None = None
        self.whole_seconds = False
        self.refused: Counter[str] = Counter()  # "tenant" or "conversation": 429s answered
        self._tenant_of: dict[str, str] = {}  # conversation -> tenant, as writes named it

    def limit_tenants(self, per_second: int, *, whole_seconds: bool = False) -> None:
        """Writes past `per_second` in any second to one tenant's conversations get a 429.
        The tenant is the one the activity names (tenantId, channelData.tenant, or its
        conversation's tenantId), else the one the connector knows the conversation by (a
        member's personal chat; botbuilder sends no tenant with a proactive message)."""
        self.tenants = SlidingWindows([(per_second, 1.0)])
        self.whole_seconds = whole_seconds

    def limit_conversations(self, windows: Windows, *, whole_seconds: bool = False) -> None:
        """Writes to one conversation past any of `windows` get a 429."""
        self.conversations = SlidingWindows(windows)
        self.whole_seconds = whole_seconds

    def wait(self, conversation: str, tenant: str | None, now: float) -> float | None:
        """None when a write to `conversation` in `tenant` may go now (it is counted); else the
        seconds until it may. A write that names no tenant is counted against the one an
        earlier write to the conversation named, if any."""
        if self.tenants is None and self.conversations is None:
            return None
        if tenant:
            self._tenant_of[conversation] = tenant
        tenant = tenant or self._tenant_of.get(conversation)
        limits = [("conversation", self.conversations, conversation)]
        if tenant:
            limits.append(("tenant", self.tenants, tenant))
        waits = [(w.wait(key, now), name) for name, w, key in limits if w is not None]
        wait, name = max(waits, default=(0.0, ""))
        if wait > 1e-9:
            self.refused[name] += 1
            return wait
        for _, windows, key in limits:
            if windows is not None:
                windows.count(key, now)
        return None

    def retry_after(self, wait: float) -> str:
        """The header's value: whole seconds as HTTP writes it, or to the millisecond."""
        return str(max(1, math.ceil(wait))) if self.whole_seconds else f"{wait:.3f}"
