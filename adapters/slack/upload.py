"""Sharing a chart in a Slack conversation as a PNG file.

Block Kit images need a public URL, so the PNG goes up the way Slack now wants files:
files.getUploadURLExternal, a POST of the bytes to the URL it returns, then
files.completeUploadExternal to share it (files.upload is retired). Both API calls go through
the pacer and retry loop like every other call; slack_sdk's files_upload_v2 would bypass them.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from adapters.slack.pacing import SlackSendError
from bot.core.i18n import catalog
from bot.core.messages import Chart

# SlackApi.call for one workspace: (method, **params) -> response data.
ApiCall = Callable[..., Awaitable[dict[str, Any]]]

UPLOAD = "upload"  # the bytes' POST, named like a method in errors
ALT_CHARS = 1_000  # more and files.getUploadURLExternal answers alt_txt_too_large
TITLE_CHARS = 250
UPLOAD_ATTEMPTS = 3
UPLOAD_TIMEOUT = 30.0
FIRST_WAIT = 0.5  # seconds before the second attempt, twice that before the third
_NOT_IN_NAME = re.compile(r"[^a-z0-9]+")

_, ngettext = catalog("adapters")


async def share_chart(
    call: ApiCall,
    channel: str,
    chart: Chart,
    *,
    thread_ts: str | None = None,
) -> str:
    """Upload `chart` and share it in `channel` (as a reply to `thread_ts` when given); the
    file's id. Raises SlackSendError (or aiohttp's errors) when any step fails."""
    ticket = await call(
        "files.getUploadURLExternal",
        filename=file_name(chart.title),
        length=len(chart.png),
        alt_txt=_cut(chart.alt.strip(), ALT_CHARS) or None,
    )
    upload_url, file_id = ticket.get("upload_url"), ticket.get("file_id")
    if not isinstance(upload_url, str) or not isinstance(file_id, str):
        raise SlackSendError("files.getUploadURLExternal", "no_upload_url", retryable=False)
    await _post_bytes(upload_url, chart.png)
    title = _cut(chart.title.strip(), TITLE_CHARS) or _("Chart")
    await call(
        "files.completeUploadExternal",
        files=[{"id": file_id, "title": title}],
        channel_id=channel,
        thread_ts=thread_ts,
    )
    return file_id


def file_name(title: str) -> str:
    """`enps-by-round.png`: the title in ASCII letters and digits, or `chart.png`."""
    stem = _NOT_IN_NAME.sub("-", title.lower()).strip("-")[:60].rstrip("-")
    return f"{stem or 'chart'}.png"


async def _post_bytes(url: str, png: bytes) -> None:
    """The upload URL is presigned: no token. Slack answers 200 when it has the bytes."""
    error = "no_attempt"
    timeout = aiohttp.ClientTimeout(total=UPLOAD_TIMEOUT)
    for attempt in range(1, UPLOAD_ATTEMPTS + 1):
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(url, data=png) as response,
            ):
                if response.status == 200:
                    return
                error = f"http_{response.status}"
                if response.status < 500 and response.status not in (408, 429):
                    raise SlackSendError(UPLOAD, error, retryable=False)
        except (aiohttp.ClientError, TimeoutError) as failure:
            error = type(failure).__name__
        if attempt < UPLOAD_ATTEMPTS:
            await asyncio.sleep(FIRST_WAIT * attempt)
    raise SlackSendError(UPLOAD, error, retryable=True)


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"
