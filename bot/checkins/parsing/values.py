"""One key result's new value: a number, a percentage or an amount of money, with the words
around it ("about 400", "$3.5k", "1e3"), or done, yes and no; checked against the key result's
kind and range."""

import math
import re
import unicodedata
from decimal import Decimal

from bot.checkins.parsing.answers import (
    DONE,
    MAX_ANSWER,
    NO,
    YES,
    Invalid,
    MetricSpec,
    Parsed,
    Value,
    core_of,
    normalise,
    phrases,
    quote,
    status_of,
)

_MAX_MAGNITUDE = 1e12
_EXAMPLES = "Try something like 400, 40% or done."
# Words that may stand before a number without changing it ("about 400", "we're at 400").
_LEAD_INS = phrases(
    "about|approx|approx.|approximately|around|roughly|circa|ca.|almost|nearly|at|now"
    "|currently|is|it's|we're|still|reached"
)
_CURRENCY_WORDS = phrases("usd|eur|gbp|jpy|chf|cad|aud|inr|dollars|dollar|euros|euro|bucks")
_SEPARATORS = frozenset(":=-–—~≈•*·")
MULTIPLIERS = {
    **dict.fromkeys(("k", "thousand"), 10**3),
    **dict.fromkeys(("m", "mn", "mln", "million"), 10**6),
    **dict.fromkeys(("b", "bn", "billion"), 10**9),
}
HEAD_WORDS = _LEAD_INS | _CURRENCY_WORDS | _SEPARATORS

# Each alternative starts at a digit and no repeat is nested, so matching stays linear.
NUMBER = re.compile(
    r"(?:(?<!\w)(?P<sign>[-+]))?(?:(?P<cur>[$€£¥₹₩₽₺₪₫₴₦₱฿])(?P<sign2>[-+])?)?"
    r"(?P<digits>\d{1,3}(?:,\d{3}(?!\d))+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<exp>e[-+]?\d+)?"
    r"(?:\s?(?P<mult>k|thousand|million|mln|mn|m|billion|bn|b)(?!\w))?"
)
_PERCENT = re.compile(r"[%٪]|(?<!\w)(?:percent|per cent|pct)(?!\w)")
_CURRENCY_WORD = re.compile(rf"(?<![^\W\d_])(?:{'|'.join(sorted(_CURRENCY_WORDS))})(?!\w)")
_DECIMAL_COMMA = re.compile(r"\d,\d{1,2}(?!\d)")
_HEAD_TOKEN = re.compile(r"\w[\w'.]*|\S")
WORD = re.compile(r"\w+(?:'\w+)*")


def _head_is_plain(head: str, spec: MetricSpec) -> bool:
    allowed = HEAD_WORDS | set(WORD.findall(normalise(spec.unit or "")))
    return all(
        token in allowed or unicodedata.category(token[0]) == "Sc"
        for token in _HEAD_TOKEN.findall(head)
    )


def _to_float(match: re.Match[str]) -> float | None:
    literal = match["digits"].replace(",", "") + (match["exp"] or "")
    try:
        # Decimal keeps "1.1k" at exactly 1100 where float arithmetic would drift.
        number = float(Decimal(literal) * MULTIPLIERS.get(match["mult"] or "", 1))
    except ArithmeticError:
        return None
    if "-" in (match["sign"], match["sign2"]):
        number = -number
    return number + 0.0 if math.isfinite(number) else None  # + 0.0 turns -0.0 into 0.0


def _check_fit(number: float, percent: bool, currency: bool, raw: str, spec: MetricSpec) -> Parsed:
    quoted = quote(raw)
    if spec.kind == "binary":
        if number in (0.0, 1.0) and not (percent or currency):
            return Value(number)
        return Invalid(f"I couldn't read {quoted} as yes or no. Reply yes, no or done.")
    if spec.kind == "percent":
        if currency:
            return Invalid(f"This key result is a percentage, not money, so {quoted} won't do.")
        low, high = min(0.0, spec.start, spec.target), max(100.0, spec.start, spec.target)
        if not low <= number <= high:
            return Invalid(f"{quoted} is out of range; send a percentage from {low:g} to {high:g}.")
        return Value(number)
    if percent:
        noun = "an amount of money" if spec.kind == "currency" else "a number"
        return Invalid(f"This key result is {noun}, not a percentage; send {quoted} without %.")
    if number < 0 and spec.start >= 0 and spec.target >= 0:
        return Invalid(f"This key result can't go below zero, so {quoted} doesn't fit.")
    return Value(number)


def _parse_number(core: str, raw: str, spec: MetricSpec) -> Parsed:
    quoted = quote(raw)
    matches = list(NUMBER.finditer(core))
    if not matches:
        return Invalid(f"I couldn't read a number in {quoted}. {_EXAMPLES}")
    if len(matches) == 2 and _DECIMAL_COMMA.search(core):
        return Invalid(f"Is {quoted} a decimal? Please use a dot, e.g. 3.5.")
    if len(matches) > 1:
        return Invalid(f"I see more than one number in {quoted}. Reply with just one.")
    if not _head_is_plain(core[: matches[0].start()], spec):
        return Invalid(f"I'm not sure what {quoted} means. Reply with just the number.")
    number = _to_float(matches[0])
    if number is None:
        return Invalid(f"{quoted} isn't a number I can use. {_EXAMPLES}")
    if abs(number) > _MAX_MAGNITUDE:
        return Invalid(f"{quoted} is far too large for a key result. Please double-check.")
    percent = _PERCENT.search(core) is not None
    symbol = any(unicodedata.category(ch) == "Sc" for ch in core)
    return _check_fit(number, percent, symbol or bool(_CURRENCY_WORD.search(core)), raw, spec)


def parse_kr_value(text: str, spec: MetricSpec) -> Parsed:
    """Read one answer to "what is this key result at now?"."""
    raw = text.strip()
    if not raw:
        return Invalid(f"I didn't catch a value. {_EXAMPLES}")
    if len(raw) > MAX_ANSWER:
        return Invalid(f"That's long for a number ({quote(raw)}). Just the value, please.")
    core = core_of(normalise(raw))
    status = status_of(core)
    if status is not None:
        return status
    if core in DONE:
        return Value(1.0 if spec.kind == "binary" else float(spec.target))
    if spec.kind == "binary" and core in YES | NO:
        return Value(1.0 if core in YES else 0.0)
    return _parse_number(core, raw, spec)
