"""The Bot Framework's signing keys, as botbuilder checks channel tokens against them: fetched
off the event loop before serving and twice a day after, and once more when a token names a key
we don't have yet, because Microsoft rotates them.

botbuilder keeps the keys per metadata URL (`JwtTokenExtractor.metadataCache`) and fetches them
with a blocking `requests.get` inside the loop when they are a day old. It means to fetch them
again for an unknown `kid` too, but its lookup raises IndexError first, so the token was refused
until the next refresh: here the set is fetched again before botbuilder looks.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, Final

import jwt

log = logging.getLogger(__name__)

# Anyone can name a key in a token: made-up ones fetch the set again once in this long at most.
REFETCH_SECONDS: Final = 5 * 60


class SigningKeys:
    def __init__(self, metadata_url: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.metadata_url = metadata_url
        self.clock = clock
        self._fetching = asyncio.Lock()
        self._refetched_at: float | None = None

    async def fetch(self) -> None:
        """The metadata and its key set, fetched now, in a thread; raises when they can't be."""
        async with self._fetching:
            await asyncio.to_thread(_fetch_keys, self.metadata_url)

    async def learn_key_of(self, token: str) -> None:
        """Fetch the key set again if `token` is signed with a key not in it, unless that was
        done less than REFETCH_SECONDS ago; botbuilder then checks the token as ever."""
        kid = _kid_of(token)
        if kid is None or self._knows(kid):
            return
        async with self._fetching:
            # A burst of such tokens waits here for the first one's fetch.
            recently = self._refetched_at is not None and (
                self.clock() - self._refetched_at < REFETCH_SECONDS
            )
            if recently or self._knows(kid):
                return
            self._refetched_at = self.clock()
            try:
                await asyncio.to_thread(_fetch_keys, self.metadata_url)
            except Exception as error:
                log.warning(
                    "could not fetch the Bot Framework signing keys again (%s)",
                    type(error).__name__,
                )
                return
        log.info("fetched the Bot Framework signing keys again for a key we lacked")

    def _knows(self, kid: str) -> bool:
        return any(key.get("kid") == kid for key in _metadata(self.metadata_url).keys)


def _kid_of(token: str) -> str | None:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.InvalidTokenError:
        return None  # botbuilder refuses it
    return kid if isinstance(kid, str) and kid else None


def _metadata(url: str) -> Any:
    from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor

    return JwtTokenExtractor.get_open_id_metadata(url)


def _fetch_keys(url: str) -> None:
    # _refresh is a coroutine that blocks on `requests`: run it here, off the server's loop.
    asyncio.run(_metadata(url)._refresh())
