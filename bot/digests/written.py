"""Days, moments and numbers as the language in force writes them: "23 Dec 2026" ("23. Dez.
2026", "23 dic 2026"), "Mon 2 Mar 10:00 UTC" ("Mo. 2. März 10:00 UTC"), 72.7 (72,7)."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import get_decimal_symbol

from bot.core.i18n import current, day


def day_month(value: date, *, year: bool = False) -> str:
    """A day of a month, with its year if asked: "23 Dec", "23. Dez.", "23 dic"."""
    language = current()
    pattern = ("d. MMM" if language == "de" else "d MMM") + (" y" if year else "")
    return format_date(value, format=pattern, locale=language)


def moment(instant: datetime) -> str:
    """A day and time as it stands in `instant` (UTC): "Mon 2 Mar 10:00 UTC"."""
    return f"{day(instant)} {instant:%H:%M} UTC"


def point(text: str) -> str:
    """A number written with a point ("72.7"), with the language's decimal mark instead."""
    return text.replace(".", get_decimal_symbol(current()))


def fixed(value: float, digits: int) -> str:
    """`value` with exactly `digits` decimals: "4.0", "4,0"."""
    return point(f"{value:.{digits}f}")
