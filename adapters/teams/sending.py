"""Sending to Teams through its throttling, losing nothing: `send_with_retries` waits on the
pacer (adapters/teams/pacing.py), sends, and retries throttling (pausing the conversation for
Retry-After), 5xx and connection failures; refusals such as a blocked bot raise at once."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import aiohttp
import requests
from msrest.exceptions import ClientRequestError, HttpOperationError

from adapters.pacing import backoff, retry_after
from adapters.teams.pacing import TeamsPacer

log = logging.getLogger(__name__)

T = TypeVar("T")


class TeamsSendError(Exception):
    def __init__(self, status: int | None, code: str | None, *, retryable: bool) -> None:
        super().__init__(f"Teams send failed: status={status} code={code} retryable={retryable}")
        self.status = status
        self.code = code
        self.retryable = retryable


FIRST_BACKOFF = 0.5
MAX_BACKOFF = 30.0
# What the requests transport under botbuilder's ConnectorClient raises when the network fails.
_TRANSIENT_TRANSPORT = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.RetryError,
)


async def send_with_retries(
    pacer: TeamsPacer,
    tenant: str,
    conversation: str,
    send: Callable[[], Awaitable[T]],
    *,
    max_attempts: int = 8,
    max_wait: float = 120.0,
) -> T:
    """Pace and send; retry throttling and transient failures; raise refusals at once.

    Logs carry tenant, conversation, status and Teams' error code, never tokens or text.
    """
    status: int | None = None
    code: str | None = None
    for attempt in range(1, max_attempts + 1):
        await pacer.wait(tenant, conversation)
        try:
            return await send()
        except HttpOperationError as error:
            status, headers, code = _http_failure(error)
            if status == 429:
                wait = _retry_after(headers, max_wait)
                log.warning(
                    "teams throttled: tenant=%s conversation=%s attempt=%d retry_after=%.2f",
                    tenant,
                    conversation,
                    attempt,
                    wait,
                )
                pacer.pause(tenant, conversation, wait)
                continue
            if status is None or (status < 500 and status != 408):
                log.info(
                    "teams refused: tenant=%s conversation=%s status=%s code=%s",
                    tenant,
                    conversation,
                    status,
                    code,
                )
                raise TeamsSendError(status, code, retryable=False) from error
        except (ClientRequestError, aiohttp.ClientError, ConnectionError, TimeoutError) as error:
            if not _is_connection_failure(error):
                raise
            status, code = None, type(_inner(error)).__name__
        log.warning(
            "teams send failed: tenant=%s conversation=%s status=%s code=%s attempt=%d",
            tenant,
            conversation,
            status,
            code,
            attempt,
        )
        if attempt < max_attempts:
            await pacer.sleep(backoff(attempt, max_wait, first=FIRST_BACKOFF, most=MAX_BACKOFF))
    raise TeamsSendError(status, code, retryable=True)


def let_pacer_retry(connector_client: Any) -> None:
    """Turn off the transport's own retries on a botbuilder `ConnectorClient`.

    msrest mounts urllib3 retries (3, with backoff and Retry-After sleeps in a worker thread)
    for GET/PUT on 5xx and 429 and for every failed connect. They hide 429s from the pacer and
    add seconds; with them off, every failure reaches `send_with_retries` with its status.
    """
    policy = connector_client.config.retry_policy
    policy.retries = 0
    policy.policy.raise_on_status = False


def _http_failure(error: HttpOperationError) -> tuple[int | None, Mapping[str, str], str | None]:
    """Status, headers and Teams' error code of a ConnectorClient error response."""
    response = getattr(error, "response", None)
    # requests (the default transport) says status_code; aiohttp says status.
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    headers = getattr(response, "headers", None) or {}
    code = getattr(getattr(getattr(error, "error", None), "error", None), "code", None)
    return (
        int(status) if isinstance(status, int) else None,
        headers,
        code if isinstance(code, str) else None,
    )


def _inner(error: BaseException) -> BaseException:
    inner = getattr(error, "inner_exception", None)
    return inner if isinstance(inner, BaseException) else error


def _is_connection_failure(error: BaseException) -> bool:
    if isinstance(error, ClientRequestError):
        return isinstance(_inner(error), _TRANSIENT_TRANSPORT)
    if isinstance(error, aiohttp.ClientResponseError):
        return error.status >= 500
    return isinstance(error, aiohttp.ClientError | ConnectionError | TimeoutError)


def _retry_after(headers: Mapping[str, str], max_wait: float) -> float:
    return retry_after(headers, max_wait, http_date=True)  # seconds, or an HTTP date
