"""Numbers and key-result values as the check-in writes them back, in the language in force:
"was 1,250.5 signups" in English, "war 1.250,5 signups" in German.

English is written exactly as bot.goals.progress writes it; the other languages write their
numbers with bot.core.i18n.decimal and their words from this package's catalogs."""

from __future__ import annotations

from bot.core.i18n import DEFAULT, N_, catalog, current, decimal
from bot.goals.progress import format_value, status_from_confidence, target_words

_, ngettext = catalog("bot.checkins")

# What bot.goals.progress.status_from_confidence says, for the catalogs.
STATUS_WORDS = (N_("no status"), N_("on track"), N_("at risk"), N_("off track"))


def number_words(value: float) -> str:
    """A plain number ("7", "12.5")."""
    if current() == DEFAULT:
        return f"{value:g}"
    return decimal(value, 2)


def percent_words(value: float) -> str:
    """A share in percent ("40%"; "40 %" in German)."""
    return _("{number}%").format(number=number_words(value))


def value_words(kind: str, value: float | None, unit: str | None = None) -> str:
    """A key result's value: "1,250 signups", "40%", "$3,500", "done"."""
    if current() == DEFAULT:
        return format_value(kind, value, unit)
    if kind == "binary":
        return _("done") if value is not None and value >= 1 else _("not done")
    if value is None:
        return "—"
    number = decimal(value, 2)
    if kind == "percent":
        return _("{number}%").format(number=number)
    if kind == "currency":
        symbol = unit or "$"
        if len(symbol) == 1:
            return _("{symbol}{number}").format(symbol=symbol, number=number)
        return f"{number} {symbol}"
    return f"{number} {unit}" if unit else number


def target_in_words(kind: str, start: float, target: float, unit: str | None = None) -> str:
    """The target: "500 signups", or "300 ms or less" where lower is better."""
    if current() == DEFAULT:
        return target_words(kind, start, target, unit)
    goal = value_words(kind, target, unit)
    return _("{goal} or less").format(goal=goal) if kind != "binary" and target < start else goal


def status_words(confidence: int | None) -> str:
    """ "on track", "at risk", "off track" or "no status", in the language in force."""
    return _(status_from_confidence(confidence))
