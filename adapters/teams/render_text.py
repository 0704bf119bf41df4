"""Adaptive Card text primitives: user text escaped for TextBlock markdown, text cut to a size
in characters and in JSON bytes, and the card skeleton every Teams renderer fills.

TextBlocks and facts are escaped here and nowhere else, so what a person typed shows as typed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from bot.core.i18n import N_, catalog

Element = dict[str, Any]

_, ngettext = catalog("adapters")

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
MAX_ACTIVITY_BYTES = 40 * 1024
# What we fill ourselves: the outbound side still adds ids, conversation and channelData.
ACTIVITY_BUDGET = 36 * 1024
FALLBACK_CHARS = 280
FALLBACK_BYTES = 1024
# {"type": "message", "text": …, "textFormat": …, "attachments": [{"contentType": …}]} and more
ENVELOPE_BYTES = 512
CARD_BUDGET = ACTIVITY_BUDGET - FALLBACK_BYTES - ENVELOPE_BYTES

TRUNCATION_MARKER = N_("… (truncated)")  # said in the reader's language
BLANK = "—"  # an empty TextBlock or title shows nothing and some clients reject it

# (characters, JSON bytes) per kind of string; bytes matter because json.dumps sends non-ASCII
# as \u escapes: an emoji costs 12 bytes, and escaping can double a line's length.
TITLE = (250, 2_000)
LINE = (1_000, 4_000)  # intros, hints, footers, labels, section titles
LONG = (2_000, 8_000)  # a question, a field value, a section's text, an answer
ACTION_TITLE = (50, 600)

_MARKDOWN = re.compile(r"[\\*_~`\[\]()#>+\-!|<]|&(?=#?[0-9A-Za-z]+;)")
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
_LIST_NUMBER = re.compile(r"^(\u00a0*[0-9]+)\.", re.MULTILINE)
_NO_BREAK_SPACE = "\u00a0"


def escape_markdown(text: str) -> str:
    """Text for a TextBlock or a fact that shows as typed: markdown characters are
    backslash-escaped (`<` too, so `<at>` can't read as a mention and `&amp;` stays literal),
    as are "1." list markers; line breaks and leading spaces are kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Markdown drops leading spaces, or reads four of them as code; no-break spaces just show.
    text = _INDENT.sub(lambda indent: _NO_BREAK_SPACE * len(indent.group()), text)
    text = _MARKDOWN.sub(r"\\\g<0>", text)
    text = _LIST_NUMBER.sub(r"\1\\.", text)
    # A single newline is only a soft break in a TextBlock; a blank line breaks it.
    return text.replace("\n", "\n\n")


def json_size(value: Any) -> int:
    """Bytes as json.dumps writes them (ASCII, so one byte a character): the larger wire form."""
    return len(json.dumps(value))


def clip(
    text: str,
    limits: tuple[int, int],
    shown: Callable[[str], str] = str,
    marker: str | None = None,
) -> str:
    """`text`, or its longest prefix that with `marker` (by default TRUNCATION_MARKER, in the
    language in force) keeps within `limits`: characters, and JSON bytes once turned into what
    is sent by `shown`."""
    max_chars, max_bytes = limits
    marker = _(TRUNCATION_MARKER) if marker is None else marker

    def fits(candidate: str) -> bool:
        return len(candidate) <= max_chars and json_size(shown(candidate)) <= max_bytes

    if fits(text):
        return text
    if not fits(marker):
        raise ValueError(f"limits {limits} leave no room for the truncation marker")
    # A longer prefix never costs less, so the longest one that fits can be bisected.
    low, high = 0, min(len(text), max_chars)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle].rstrip() + marker):
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + marker


def user_text(text: str, limits: tuple[int, int] = LONG) -> str:
    """Text a person wrote, cut to `limits` and escaped for a TextBlock or a fact."""
    return escape_markdown(clip(text, limits, escape_markdown)) if text.strip() else ""


def text_block(text: str, **style: Any) -> Element:
    """A wrapping TextBlock for already-escaped text."""
    return {"type": "TextBlock", "text": text or BLANK, "wrap": True, **style}


def note(text: str) -> Element:
    """A subtle line of our own, e.g. to say what didn't fit."""
    return text_block(escape_markdown(text), isSubtle=True, size="Small")


def adaptive_card(body: list[Element], actions: list[Element] | None = None) -> Element:
    return {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "body": body,
        "actions": actions or [],
    }


class Room:
    """JSON bytes left in a card. An element costs its size plus a list separator."""

    def __init__(self, size: int = CARD_BUDGET) -> None:
        self.left = size - json_size(adaptive_card([]))

    @staticmethod
    def cost(*elements: Any) -> int:
        return sum(json_size(element) + len(", ") for element in elements)

    def fits(self, *elements: Any) -> bool:
        return self.cost(*elements) <= self.left

    def take(self, *elements: Any) -> bool:
        """Spend room on `elements` if they fit; False, and nothing spent, if they don't."""
        if not self.fits(*elements):
            return False
        self.left -= self.cost(*elements)
        return True

    def spend(self, *elements: Any) -> None:
        """For what a card can't go without; kept small by the limits above."""
        self.left -= self.cost(*elements)
