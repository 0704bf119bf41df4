"""A number a chart's words wrote with a point, with the language's own decimal mark: 72.7
(72,7). Days, moments and other numbers are bot.core.i18n's."""

from __future__ import annotations

from babel.numbers import get_decimal_symbol

from bot.core.i18n import current


def point(text: str) -> str:
    """A number written with a point ("72.7"), with the language's decimal mark instead."""
    return text.replace(".", get_decimal_symbol(current()))
