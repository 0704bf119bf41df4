"""One key result's new value: a number, a percentage or an amount of money, with the words
around it ("about 400", "$3.5k", "1e3"), or done, yes and no; checked against the key result's
kind and range."""

import math
import re
import unicodedata
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal

from bot.checkins.parsing.answers import (
    MAX_ANSWER,
    Invalid,
    MetricSpec,
    Parsed,
    Value,
    core_of,
    normalise,
    quote,
    status_of,
)
from bot.checkins.parsing.lexicon import here
from bot.core.i18n import N_, catalog, current
from bot.goals.progress import plain_number

_, ngettext = catalog("bot.checkins")

_MAX_MAGNITUDE = 1e12
_EXAMPLES = N_("Try something like 400, 40% or done.")
_HEAD_TOKEN = re.compile(r"\w[\w'.]*|\S")
WORD = re.compile(r"\w+(?:'\w+)*")


def _head_is_plain(head: str, spec: MetricSpec) -> bool:
    allowed = here().head_words | set(WORD.findall(normalise(spec.unit or "")))
    return all(
        token in allowed or unicodedata.category(token[0]) == "Sc"
        for token in _HEAD_TOKEN.findall(head)
    )


def _to_float(match: re.Match[str]) -> float | None:
    try:
        # Babel reads the digits as the language writes them ("1.250,5" in German); Decimal
        # keeps "1.1k" at exactly 1100 where float arithmetic would drift.
        digits = parse_decimal(match["digits"], locale=current(), strict=True)
        literal = f"{digits}{match['exp'] or ''}"
        number = float(Decimal(literal) * here().multipliers.get(match["mult"] or "", 1))
    except (ArithmeticError, NumberFormatError):
        return None
    if "-" in (match["sign"], match["sign2"]):
        number = -number
    return number + 0.0 if math.isfinite(number) else None  # + 0.0 turns -0.0 into 0.0


def _check_fit(number: float, percent: bool, currency: bool, raw: str, spec: MetricSpec) -> Parsed:
    quoted = quote(raw)
    if spec.kind == "binary":
        if number in (0.0, 1.0) and not (percent or currency):
            return Value(number)
        reason = _("I couldn't read {quoted} as yes or no. Reply yes, no or done.")
        return Invalid(reason.format(quoted=quoted))
    if spec.kind == "percent":
        if currency:
            return Invalid(
                _("This key result is a percentage, not money, so {quoted} won't do.").format(
                    quoted=quoted
                )
            )
        low, high = min(0.0, spec.start, spec.target), max(100.0, spec.start, spec.target)
        if not low <= number <= high:
            return Invalid(
                _("{quoted} is out of range; send a percentage from {low} to {high}.").format(
                    quoted=quoted, low=plain_number(low), high=plain_number(high)
                )
            )
        return Value(number)
    if percent:
        if spec.kind == "currency":
            reason = _(
                "This key result is an amount of money, not a percentage; send {quoted} without %."
            )
        else:
            reason = _("This key result is a number, not a percentage; send {quoted} without %.")
        return Invalid(reason.format(quoted=quoted))
    if number < 0 and spec.start >= 0 and spec.target >= 0:
        return Invalid(
            _("This key result can't go below zero, so {quoted} doesn't fit.").format(quoted=quoted)
        )
    return Value(number)


def _parse_number(core: str, raw: str, spec: MetricSpec) -> Parsed:
    quoted, words = quote(raw), here()
    matches = list(words.number.finditer(core))
    if not matches:
        return Invalid(
            _("I couldn't read a number in {quoted}. {examples}").format(
                quoted=quoted, examples=_(_EXAMPLES)
            )
        )
    if len(matches) == 2 and words.wrong_decimal.search(core):
        return Invalid(
            _("Is {quoted} a decimal? Please use a dot, e.g. 3.5.").format(quoted=quoted)
        )
    if len(matches) > 1:
        return Invalid(
            _("I see more than one number in {quoted}. Reply with just one.").format(quoted=quoted)
        )
    if not _head_is_plain(core[: matches[0].start()], spec):
        return Invalid(
            _("I'm not sure what {quoted} means. Reply with just the number.").format(quoted=quoted)
        )
    number = _to_float(matches[0])
    if number is None:
        return Invalid(
            _("{quoted} isn't a number I can use. {examples}").format(
                quoted=quoted, examples=_(_EXAMPLES)
            )
        )
    if abs(number) > _MAX_MAGNITUDE:
        return Invalid(
            _("{quoted} is far too large for a key result. Please double-check.").format(
                quoted=quoted
            )
        )
    percent = words.percent.search(core) is not None
    symbol = any(unicodedata.category(ch) == "Sc" for ch in core)
    return _check_fit(number, percent, symbol or bool(words.currency_word.search(core)), raw, spec)


def parse_kr_value(text: str, spec: MetricSpec) -> Parsed:
    """Read one answer to "what is this key result at now?"."""
    raw = text.strip()
    if not raw:
        return Invalid(_("I didn't catch a value. {examples}").format(examples=_(_EXAMPLES)))
    if len(raw) > MAX_ANSWER:
        return Invalid(
            _("That's long for a number ({quoted}). Just the value, please.").format(
                quoted=quote(raw)
            )
        )
    core = core_of(normalise(raw))
    status = status_of(core)
    if status is not None:
        return status
    words = here()
    if core in words.done:
        return Value(1.0 if spec.kind == "binary" else float(spec.target))
    if spec.kind == "binary" and core in words.yes | words.no:
        return Value(1.0 if core in words.yes else 0.0)
    return _parse_number(core, raw, spec)
