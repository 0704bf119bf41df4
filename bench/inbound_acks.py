"""One signed request posted and its ack judged: the samples both of bench/inbound.py's loads
take, its closed-loop clients and its open-loop sender."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp

SLACK_ACK_SECONDS = 3.0
BUSY_WORDS = b"swamped"  # in adapters/slack/inbound.py's BUSY
CLIENT_TIMEOUT = 10.0  # a request unanswered by then counts as failed (and over 3 s)


@dataclass(frozen=True)
class Sample:
    started: float  # time.perf_counter(): when it was sent, or due to be sent (open loop)
    seconds: float  # from `started` until the HTTP response was read
    ok: bool  # a 200 that took the request in
    refused: bool = False  # held back by a full backlog: a 503, or a slash command's "busy"
    timed_out: bool = False  # no answer within CLIENT_TIMEOUT


async def post(
    session: aiohttp.ClientSession, url: str, body: str, headers: dict[str, str], started: float
) -> Sample:
    try:
        async with session.post(url, data=body.encode(), headers=headers) as response:
            answer = await response.read()
            refused = response.status == 503 or BUSY_WORDS in answer
            ok, timed_out = response.status == 200 and not refused, False
    except TimeoutError:
        ok, refused, timed_out = False, False, True
    except aiohttp.ClientError:
        ok, refused, timed_out = False, False, False
    return Sample(started, time.perf_counter() - started, ok, refused, timed_out)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else math.nan
