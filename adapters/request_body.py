"""A webhook's body read before a platform library sees it, for what both adapters refuse the
same way: a client that hung up before sending all of it, and JSON nested deeper than any real
payload. Each is one line in the log and a 400, never a traceback.

Python's JSON parser raises RecursionError past about a thousand levels, and code that walks a
payload (bolt, msrest, ours) recurses sooner; Slack's and Teams' payloads nest a dozen levels.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Final

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

log = logging.getLogger(__name__)

MAX_NESTING: Final = 64
# Slack and Teams send a webhook's body at once, and want an answer within seconds.
BODY_SECONDS = 10.0


async def read_body(request: web.Request, platform: str) -> bytes | None:
    """The whole body (aiohttp keeps it for later reads); None when the client went away first,
    or hasn't sent it all within BODY_SECONDS (a connection held open, or a chunk aiohttp's
    parser choked on after the headers came, which leaves the read waiting).

    A body over the server's limit still raises its 413.
    """
    try:
        async with asyncio.timeout(BODY_SECONDS):
            return await request.read()
    except (ConnectionError, HttpProcessingError) as error:
        log.warning(
            "a %s request's client went away before its body arrived (%s)",
            platform,
            type(error).__name__,
        )
    except TimeoutError:
        log.warning(
            "a %s request's body did not arrive within %g s; answered 400", platform, BODY_SECONDS
        )
    return None


def json_of(text: str) -> Any:
    """The JSON in `text`; ValueError when it isn't JSON or nests past MAX_NESTING."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deep") from None
    if too_deep(value):
        raise ValueError("JSON nested too deep")
    return value


def too_deep(value: Any, limit: int = MAX_NESTING) -> bool:
    """Whether lists and objects nest more than `limit` levels; walked without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
