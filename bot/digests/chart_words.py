"""A chart in words: the alt text that says what it shows, and the one-line, clipped titles,
names and numbers that the drawing shows too."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from bot.core.i18n import catalog
from bot.digests.written import point

Series = tuple[str, Sequence[float | None]]

TITLE_CHARS, NAME_CHARS, LABEL_CHARS = 100, 30, 16
# Slack refuses alt text over 1,000 characters (files.getUploadURLExternal alt_txt_too_large).
ALT_CHARS = 1_000
ALT_LISTED = 600  # longer than this, each series is summed up instead of listed
_SPACES = re.compile(r"\s+")

_, ngettext = catalog("bot.digests")


def alt_text(
    title: str, labels: Sequence[str], series: Sequence[Series], *, signed: bool = False
) -> str:
    """The data in words: every value when that stays short, else each series summed up."""
    head = clip(plain(title), TITLE_CHARS) or _("Chart")
    named = [(plain(name), points) for name, points in series]
    if not labels or all(v is None for _name, points in named for v in points):
        return _("{title}: no data yet.").format(title=head)
    listed = [_listed(labels, points, signed) for _name, points in named]
    text = _join(head, named, listed)
    if len(text) > ALT_LISTED:
        text = _join(head, named, [_summary(labels, points, signed) for _name, points in named])
    return clip(text, ALT_CHARS)


def _join(head: str, named: Sequence[Series], parts: list[str]) -> str:
    if len(parts) == 1:
        return f"{head}: {parts[0]}."
    lines = "; ".join(
        f"{name or _('series {number}').format(number=n)}: {part}"
        for n, ((name, _points), part) in enumerate(zip(named, parts, strict=True), start=1)
    )
    return f"{head}. {lines}."


def _listed(labels: Sequence[str], points: Sequence[float | None], signed: bool) -> str:
    return ", ".join(
        f"{clip(plain(label), LABEL_CHARS)} {_spoken(value, signed)}"
        for label, value in zip(labels, points, strict=True)
    )


def _summary(labels: Sequence[str], points: Sequence[float | None], signed: bool) -> str:
    known = [
        (clip(plain(label), LABEL_CHARS), v)
        for label, v in zip(labels, points, strict=True)
        if v is not None
    ]
    if not known:
        return _("no data")
    (first, start), (last, end) = known[0], known[-1]
    low = min(known, key=lambda pair: pair[1])
    high = max(known, key=lambda pair: pair[1])
    summary = ngettext(
        "{known} of {count} points, from {start} ({first}) to {end} ({last}), "
        "lowest {low} ({lowest}), highest {high} ({highest})",
        "{known} of {count} points, from {start} ({first}) to {end} ({last}), "
        "lowest {low} ({lowest}), highest {high} ({highest})",
        len(labels),
    )
    return summary.format(
        known=len(known),
        count=len(labels),
        start=_spoken(start, signed),
        first=first,
        end=_spoken(end, signed),
        last=last,
        low=_spoken(low[1], signed),
        lowest=low[0],
        high=_spoken(high[1], signed),
        highest=high[0],
    )


def _spoken(value: float | None, signed: bool) -> str:
    if value is None:
        return _("no data")
    return number(value, 1, signed)


def number(value: float, decimals: int, signed: bool = False) -> str:
    """`value` rounded to `decimals` (none when whole), with the language's decimal mark."""
    rounded = round(value, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = f"{rounded:.{decimals}f}" if decimals and not rounded.is_integer() else f"{rounded:.0f}"
    return point(f"+{text}" if signed and rounded > 0 else text)


def finite(value: float | None) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def plain(text: str) -> str:
    """One line: control characters and line breaks become spaces."""
    return _SPACES.sub(" ", "".join(c if c.isprintable() else " " for c in text)).strip()


def clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"
