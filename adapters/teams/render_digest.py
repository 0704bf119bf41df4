"""A weekly digest as one Teams message for a channel or a group chat: the details card with
its chart inline, and the one-line summary as the notification text. Pure: no I/O, no SDK.

Teams takes a channel post of about 28 KB at most ("Limits and specifications for Microsoft
Teams": channel conversation post size), less than the 40 KB of a bot message, so the whole
activity stays under 28,000 bytes. A chart that doesn't fit is re-encoded smaller and with
fewer colours; only when even that won't fit is it left out, with a line saying so.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from PIL import Image

from adapters.teams.render_card import titled_card
from adapters.teams.render_text import (
    BLANK,
    CARD_CONTENT_TYPE,
    ENVELOPE_BYTES,
    FALLBACK_BYTES,
    FALLBACK_CHARS,
    Element,
    clip,
    json_size,
)
from bot.core.i18n import N_, catalog
from bot.core.messages import Card, Chart, Text

_, ngettext = catalog("adapters")

MAX_POST_BYTES = 28_000
# What sending adds to the activity: conversation, from, recipient, serviceUrl, channelId.
SEND_ENVELOPE_BYTES = 1_024
DIGEST_ACTIVITY_BYTES = MAX_POST_BYTES - SEND_ENVELOPE_BYTES
DIGEST_CARD_BYTES = DIGEST_ACTIVITY_BYTES - FALLBACK_BYTES - ENVELOPE_BYTES
# (scale, colours), tried in turn. Box filtering keeps text legible and compresses well.
SMALLER_CHARTS = ((0.8, 16), (0.66, 16), (0.5, 8))
CHART_LEFT_OUT = N_("The chart was left out to keep this message within Teams' size limit.")


def digest_activity(summary: Text, details: Card) -> dict[str, Any]:
    """One message activity: the card with its chart if any version of it fits, else without."""
    if details.chart is None:
        return _activity(summary, details)
    for chart in _charts(details.chart):
        activity = _activity(summary, replace(details, chart=chart))
        if _shows_image(activity) and json_size(activity) <= DIGEST_ACTIVITY_BYTES:
            return activity
    footer = "\n".join(line for line in (_(CHART_LEFT_OUT), details.footer) if line.strip())
    return _activity(summary, replace(details, chart=None, footer=footer))


def smaller_png(png: bytes, scale: float, colours: int) -> bytes:
    with Image.open(io.BytesIO(png)) as opened:
        image = opened.convert("RGB")
    if scale < 1:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.BOX)
    reduced = image.quantize(colors=colours, dither=Image.Dither.NONE)
    out = io.BytesIO()
    reduced.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _charts(chart: Chart) -> Iterator[Chart]:
    yield chart
    for scale, colours in SMALLER_CHARTS:
        yield replace(chart, png=smaller_png(chart.png, scale, colours))


def _activity(summary: Text, details: Card) -> dict[str, Any]:
    card = titled_card(details, DIGEST_CARD_BYTES)
    words = summary.text.strip() or details.fallback_text().strip() or BLANK
    # As for every card sent: the words go in `summary` (the notification), not in `text`.
    return {
        "type": "message",
        "summary": clip(words, (FALLBACK_CHARS, FALLBACK_BYTES)),
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": card}],
    }


def _shows_image(activity: dict[str, Any]) -> bool:
    body: list[Element] = activity["attachments"][0]["content"]["body"]
    return any(element.get("type") == "Image" for element in body)
