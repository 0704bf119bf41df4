"""Slack text primitives: escaping, truncating, splitting, and the text objects built from them.

mrkdwn strings are escaped here and nowhere else, so `<!channel>` typed by a person can't ping.
"""

from __future__ import annotations

import re
from typing import Any

from bot.core.i18n import N_, catalog

Block = dict[str, Any]

_, ngettext = catalog("adapters")

TRUNCATION_MARKER = N_("… (truncated)")  # said in the reader's language: marker()
BLANK = "—"  # Slack rejects empty text objects

# Slack's limits, in characters.
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
FALLBACK_TEXT = 3000
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTIONS_ELEMENTS = 25
BLOCK_ID = 255

_ENTITY = re.compile(r"&(?:amp|lt|gt);")
_LONGEST_ENTITY = len("&amp;")


def escape(text: str) -> str:
    """Slack's escaping for mrkdwn and `text`: what's left can't become a mention or a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def marker() -> str:
    """What a cut text ends with, in the language in force."""
    return _(TRUNCATION_MARKER)


def truncate(text: str, limit: int) -> str:
    """At most `limit` chars, marker included; an escape entity is dropped whole, never cut."""
    if len(text) <= limit:
        return text
    cut = marker()
    if limit < len(cut):
        raise ValueError(f"limit {limit} leaves no room for the truncation marker")
    keep = _safe_cut(text, limit - len(cut))
    return text[:keep].rstrip() + cut


def split_text(text: str, size: int, max_parts: int) -> list[str]:
    """Escaped text in parts of at most `size` chars, broken at a newline or space if one is
    near; past `max_parts` the last part is truncated."""
    if size < len(marker()) or max_parts < 1:
        raise ValueError("parts too small to hold text")
    parts: list[str] = []
    rest = text
    while len(rest) > size:
        if len(parts) == max_parts - 1:
            parts.append(truncate(rest, size))
            return _visible(parts)
        cut = _break_point(rest, size)
        parts.append(rest[:cut])
        rest = rest[cut:]
        if rest[:1] in ("\n", " "):
            rest = rest[1:]  # the break itself: a new block already starts a new line
    parts.append(rest)
    return _visible(parts)


def mrkdwn(text: str) -> Block:
    """An mrkdwn text object for already-escaped text. verbatim: Slack adds no links or
    mentions of its own to what a person typed."""
    return {"type": "mrkdwn", "text": text if text.strip() else BLANK, "verbatim": True}


def plain(text: str, limit: int) -> Block:
    """A plain_text object: shown as typed, so it needs no escaping, only a length cap."""
    return {"type": "plain_text", "text": truncate(text.strip() or BLANK, limit), "emoji": True}


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(truncate(text, SECTION_TEXT))}


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(truncate(text, SECTION_TEXT))]}


def _safe_cut(text: str, index: int) -> int:
    """Move a cut at `index` back to before an entity it would split."""
    start = text.rfind("&", max(0, index - _LONGEST_ENTITY + 1), index)
    if start != -1:
        entity = _ENTITY.match(text, start)
        if entity is not None and entity.end() > index:
            return start
    return index


def _break_point(text: str, size: int) -> int:
    # Prefer whole lines, then whole words, unless that would leave a part under half full.
    for separator in ("\n", " "):
        at = text.rfind(separator, size // 2, size)
        if at > 0:
            return at
    return _safe_cut(text, size)


def _visible(parts: list[str]) -> list[str]:
    """Blank parts would be rejected and show nothing anyway."""
    kept = [part for part in parts if part.strip()]
    return kept or [BLANK]
