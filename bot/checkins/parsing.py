"""Turn free-text check-in answers into key-result values, confidence and mood.

Pure (no I/O, standard library only): callers store the value or show Invalid.reason as a re-ask.
"""

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Literal, TypeAlias

MetricKind = Literal["number", "percent", "currency", "binary"]


@dataclass(frozen=True)
class MetricSpec:
    kind: MetricKind
    start: float
    target: float
    current: float | None  # None = never reported
    unit: str | None = None  # e.g. "signups", "$", "EUR"


@dataclass(frozen=True)
class Value:
    number: float


@dataclass(frozen=True)
class NoChange:  # "same", "no change", "unchanged", "as before", "=" ...
    pass


@dataclass(frozen=True)
class Skipped:  # "skip", "pass", "n/a", "-" ...
    pass


@dataclass(frozen=True)
class Invalid:
    reason: str  # a friendly one-sentence re-ask, shown to the user


Parsed: TypeAlias = Value | NoChange | Skipped | Invalid
KeyResult: TypeAlias = tuple[str, str, MetricSpec]  # (key, title, spec)
_Titles: TypeAlias = Sequence[tuple[KeyResult, list[str]]]

# An answer is one value; anything longer is prose, and the caps keep every step cheap.
_MAX_ANSWER, _MAX_MULTI, _MAX_SEGMENTS, _MAX_LABEL_WORDS = 200, 1000, 20, 8
_MAX_MAGNITUDE = 1e12
_QUOTE_LIMIT = 40
_FUZZY_THRESHOLD, _AMBIGUITY_MARGIN = 0.8, 0.05
_EXAMPLES = "Try something like 400, 40% or done."
_CONFIDENCE_HELP = "Confidence is a whole number from 1 (won't happen) to 10 (certain)."
_MOOD_HELP = "Mood is a number from 1 (awful) to 5 (great), or an emoji like 🙂."


def _phrases(text: str) -> frozenset[str]:
    return frozenset(text.split("|"))


_SKIP = _phrases("skip|pass|n/a|na|-|–|—|next|skip it|skip this")
_NO_CHANGE = _phrases(
    "same|the same|same as before|same as last week|still the same|still|no change|no changes"
    "|unchanged|nothing changed|as before|as last week|=|ditto|no update|no progress"
)
_DONE = _phrases(
    "done|all done|finished|complete|completed|hit it|achieved|reached it|target hit"
    "|hit the target|nailed it|100% done"
)
_YES = _phrases("yes|y|yep|yeah|yup|true")
_NO = _phrases("no|n|nope|not yet|not done|not started|false")
_STATUS = _SKIP | _NO_CHANGE | _DONE | _YES | _NO
_YES_MARKS, _NO_MARKS = frozenset("✅✔☑✓"), frozenset("❌✖✗✘❎")
_MOOD_EMOJI = {"😀": 5, "😃": 5, "😄": 5, "🙂": 4, "😊": 4, "😐": 3, "🙁": 2, "☹": 2, "😞": 1}
_MOOD_WORDS = {"great": 5, "good": 4, "ok": 3, "okay": 3, "fine": 3, "meh": 2, "bad": 2}
_MOOD_WORDS |= {"awful": 1, "terrible": 1}
# Words that may stand before a number without changing it ("about 400", "we're at 400").
_LEAD_INS = _phrases(
    "about|approx|approx.|approximately|around|roughly|circa|ca.|almost|nearly|at|now"
    "|currently|is|it's|we're|still|reached"
)
_CURRENCY_WORDS = _phrases("usd|eur|gbp|jpy|chf|cad|aud|inr|dollars|dollar|euros|euro|bucks")
_SEPARATORS = frozenset(":=-–—~≈•*·")
_MULTIPLIERS = {
    **dict.fromkeys(("k", "thousand"), 10**3),
    **dict.fromkeys(("m", "mn", "mln", "million"), 10**6),
    **dict.fromkeys(("b", "bn", "billion"), 10**9),
}
_HEAD_WORDS = _LEAD_INS | _CURRENCY_WORDS | _SEPARATORS
_LABEL_STOPWORDS = (
    _HEAD_WORDS | frozenset(_MULTIPLIERS) | _phrases("the|our|my|of|for|and|kr|pct|percent")
)

# Each alternative starts at a digit and no repeat is nested, so matching stays linear.
_NUMBER = re.compile(
    r"(?:(?<!\w)(?P<sign>[-+]))?(?:(?P<cur>[$€£¥₹₩₽₺₪₫₴₦₱฿])(?P<sign2>[-+])?)?"
    r"(?P<digits>\d{1,3}(?:,\d{3}(?!\d))+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<exp>e[-+]?\d+)?"
    r"(?:\s?(?P<mult>k|thousand|million|mln|mn|m|billion|bn|b)(?!\w))?"
)
_PERCENT = re.compile(r"[%٪]|(?<!\w)(?:percent|per cent|pct)(?!\w)")
_CURRENCY_WORD = re.compile(rf"(?<![^\W\d_])(?:{'|'.join(sorted(_CURRENCY_WORDS))})(?!\w)")
_DECIMAL_COMMA = re.compile(r"\d,\d{1,2}(?!\d)")
# Typographic spaces between digit groups are thousands separators ("1 250" in French);
# a plain space is not, because "400 500" is more likely two numbers than 400500.
_GROUP_SPACE = re.compile(r"(?<=\d)[\u00a0\u2009\u202f](?=\d{3}(?!\d))")
_HEAD_TOKEN = re.compile(r"\w[\w'.]*|\S")
_WORD = re.compile(r"\w+(?:'\w+)*")
_CONFIDENCE = re.compile(r"(\d{1,2})(?:\s*(?:/|out of|of)\s*10)?")
_MOOD_NUMBER = re.compile(r"(\d)(?:\s*(?:/|out of|of)\s*5)?")
# A comma directly followed by exactly three digits continues a number ("1,250").
_SEGMENT_SPLIT = re.compile(r"[;\n\r|]+|(?<!\d),|,(?!\d{3}(?!\d))")
_AND_SPLIT = re.compile(r"\s+(?:and|&)\s+")
_DECOR = frozenset({"So", "Sk", "Me", "Cc"})  # emoji, modifiers, keycaps, control characters


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", _GROUP_SPACE.sub(",", text)).casefold()
    text = text.replace("\u2212", "-").replace("’", "'")
    # Bidi marks, zero-width joiners and variation selectors are invisible but split tokens.
    return "".join(
        ch for ch in text if unicodedata.category(ch) != "Cf" and not "\ufe00" <= ch <= "\ufe0f"
    )


def _core(norm: str) -> str:
    """Drop emoji and edge punctuation so "🎉 400!" and "Done ✅" read as their words."""
    kept = "".join(" " if unicodedata.category(ch) in _DECOR else ch for ch in norm)
    core = " ".join(kept.split()).rstrip(" .!?…,;:'\"”»)]").lstrip(" '\"“«([¡¿").strip()
    # A lone check mark or cross is an answer in itself, not decoration.
    marks = set(norm)
    yes, no = bool(marks & _YES_MARKS), bool(marks & _NO_MARKS)
    return core if core or yes == no else ("done" if yes else "no")


def _quote(text: str) -> str:
    # Control and bidi characters would garble the bot's own sentence around the quote.
    flat = "".join(ch for ch in text[:_MAX_ANSWER] if unicodedata.category(ch) not in {"Cc", "Cf"})
    flat = " ".join(flat.split())
    return f"“{flat if len(flat) <= _QUOTE_LIMIT else flat[: _QUOTE_LIMIT - 1] + '…'}”"


def _status(core: str) -> Parsed | None:
    if core in _SKIP:
        return Skipped()
    # "still n/a" says nothing moved, so it is a no-change rather than a skip.
    if core in _NO_CHANGE or core.removeprefix("still ") in _SKIP | _NO_CHANGE:
        return NoChange()
    return None


def _head_is_plain(head: str, spec: MetricSpec) -> bool:
    allowed = _HEAD_WORDS | set(_WORD.findall(_normalise(spec.unit or "")))
    return all(
        token in allowed or unicodedata.category(token[0]) == "Sc"
        for token in _HEAD_TOKEN.findall(head)
    )


def _to_float(match: re.Match[str]) -> float | None:
    literal = match["digits"].replace(",", "") + (match["exp"] or "")
    try:
        # Decimal keeps "1.1k" at exactly 1100 where float arithmetic would drift.
        number = float(Decimal(literal) * _MULTIPLIERS.get(match["mult"] or "", 1))
    except ArithmeticError:
        return None
    if "-" in (match["sign"], match["sign2"]):
        number = -number
    return number + 0.0 if math.isfinite(number) else None  # + 0.0 turns -0.0 into 0.0


def _check_fit(number: float, percent: bool, currency: bool, raw: str, spec: MetricSpec) -> Parsed:
    quoted = _quote(raw)
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
    quoted = _quote(raw)
    matches = list(_NUMBER.finditer(core))
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
    if len(raw) > _MAX_ANSWER:
        return Invalid(f"That's long for a number ({_quote(raw)}). Just the value, please.")
    core = _core(_normalise(raw))
    status = _status(core)
    if status is not None:
        return status
    if core in _DONE:
        return Value(1.0 if spec.kind == "binary" else float(spec.target))
    if spec.kind == "binary" and core in _YES | _NO:
        return Value(1.0 if core in _YES else 0.0)
    return _parse_number(core, raw, spec)


def parse_confidence(text: str) -> Parsed:
    """Read a 1..10 confidence that the key result will be reached."""
    raw = text.strip()
    if not raw:
        return Invalid(_CONFIDENCE_HELP)
    core = _core(_normalise(raw)) if len(raw) <= _MAX_ANSWER else ""
    status = _status(core)
    if status is not None:
        return status
    match = _CONFIDENCE.fullmatch(core)
    if match and 1 <= int(match[1]) <= 10:
        return Value(float(match[1]))
    return Invalid(f"I couldn't read {_quote(raw)} as a confidence. {_CONFIDENCE_HELP}")


def parse_mood(text: str) -> Parsed:
    """Read a 1..5 mood from a number, a word or a face emoji."""
    raw = text.strip()
    if not raw:
        return Invalid(_MOOD_HELP)
    norm = _normalise(raw) if len(raw) <= _MAX_ANSWER else ""
    scores = {_MOOD_EMOJI[ch] for ch in norm if ch in _MOOD_EMOJI}
    core = _core(norm)
    if core in _SKIP:
        return Skipped()
    if core:
        match = _MOOD_NUMBER.fullmatch(core)
        score = _MOOD_WORDS.get(core, int(match[1]) if match else 0)
        scores.add(score if 1 <= score <= 5 else 0)
    # Disagreeing signals ("good 😞") are re-asked rather than guessed.
    if len(scores) == 1 and 0 not in scores:
        return Value(float(scores.pop()))
    return Invalid(f"I couldn't read {_quote(raw)} as a mood. {_MOOD_HELP}")


def _label_words(label: str) -> list[str]:
    words = [w for w in _WORD.findall(_normalise(label)) if w not in _LABEL_STOPWORDS]
    # Dropping a plural "s" lets "signup" name "Weekly signups" (but keeps "process" whole).
    stems = (w[:-1] if len(w) > 3 and w[-1] == "s" != w[-2] else w for w in words)
    return [w for w in stems if not w.isdigit()]


def _split_label(segment: str) -> tuple[str, str]:
    """Split "signups: 400" / "signups ~400" / "400 signups" / "docs done" into label, value."""
    label, sep, value = segment.partition(":") if ":" in segment else segment.partition("=")
    if sep and _label_words(label):
        return label, value
    number = _NUMBER.search(segment)
    if number:
        words, value = segment[: number.start()].split(), segment[number.start() :]
        # Lead-ins and currency codes belong to the value: "revenue usd 3500" keeps its USD.
        while words and words[-1] in _HEAD_WORDS:
            value = f"{words.pop()} {value}"
        if _label_words(" ".join(words)):
            return " ".join(words), value
        return segment[number.end() :], segment  # the label follows the value: "400 signups"
    words = segment.split()
    for size in range(min(4, len(words)), 0, -1):
        if _core(" ".join(words[-size:])) in _STATUS:
            return " ".join(words[:-size]), " ".join(words[-size:])
    return segment, ""


def _segments(text: str) -> list[str]:
    segments: list[str] = []
    for piece in _SEGMENT_SPLIT.split(text):
        pending: list[str] = []
        for part in _AND_SPLIT.split(piece):
            pending.append(part)
            # A part without a value belongs to a title ("Revenue and growth 400").
            if _split_label(part)[1].strip():
                segments.append(" and ".join(pending))
                pending = []
        if pending:
            segments.append(" and ".join(pending))
    return segments


def _similarity(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a, b)
    # The cheap upper bounds rule out most pairs before the quadratic ratio() runs.
    if matcher.real_quick_ratio() < _FUZZY_THRESHOLD or matcher.quick_ratio() < _FUZZY_THRESHOLD:
        return 0.0
    return matcher.ratio()


def _score(label: list[str], title: list[str]) -> float:
    if not label or not title:
        return 0.0
    if label == title:
        return 3.0
    if set(label) <= set(title) or set(title) <= set(label):
        return 2.0
    # An abbreviation ("act" for "Activation rate") is a weaker claim than a whole word.
    if all(len(w) >= 3 and any(t.startswith(w) for t in title) for w in label):
        return 1.5
    phrase = _similarity(" ".join(label), " ".join(title))
    per_word = sum(max(_similarity(w, t) for t in title) for w in label) / len(label)
    ratio = max(phrase, per_word)
    # Scaled below 1.0 so that a fuzzy match never outranks a whole-word one.
    return 0.9 * ratio if ratio >= _FUZZY_THRESHOLD else 0.0


def _candidates(label: list[str], titles: _Titles, floor: float = 0.0) -> list[KeyResult]:
    if len(label) > _MAX_LABEL_WORDS:  # prose, not a name; also bounds the difflib work
        return []
    scores = [(_score(label, words), kr) for kr, words in titles]
    best = max((score for score, _ in scores), default=0.0)
    if best <= floor:
        return []
    return [kr for score, kr in scores if score >= best - _AMBIGUITY_MARGIN]


def _name_segment(segment: str, titles: _Titles) -> tuple[str, str, list[KeyResult]]:
    label, value = _split_label(segment)
    candidates = _candidates(_label_words(label), titles)
    if candidates or value.strip():
        return label, value, candidates
    # "signups abc": a clearly named key result followed by words that are not a value.
    words = segment.split()
    for size in range(min(4, len(words) - 1), 0, -1):
        candidates = _candidates(_label_words(" ".join(words[:size])), titles, floor=1.0)
        if candidates:
            return " ".join(words[:size]), " ".join(words[size:]), candidates
    return label, value, []


def parse_multi_update(text: str, key_results: Sequence[KeyResult]) -> dict[str, Parsed] | None:
    """Read "signups 400, nps 35" into one result per named key result.

    None means the text does not look like a multi-update, so the caller can re-ask its own way.
    """
    raw = text.strip()
    segments = _segments(_normalise(raw)) if len(raw) <= _MAX_MULTI else []
    if len(segments) > _MAX_SEGMENTS:
        return None
    titles = [(kr, _label_words(kr[1])) for kr in key_results]
    result: dict[str, Parsed] = {}
    ambiguous: list[tuple[list[str], Invalid]] = []
    any_value = False
    for segment in segments:
        label, value, candidates = _name_segment(segment, titles)
        any_value = any_value or bool(candidates and value.strip())
        if len(candidates) == 1:
            key, title, spec = candidates[0]
            twice = Invalid(f"You gave two values for {_quote(title)}. Send just one.")
            result[key] = twice if key in result else parse_kr_value(value, spec)
        elif candidates:
            first, second = (_quote(title) for _, title, _ in candidates[:2])
            reason = f"{_quote(label)} could mean {first} or {second}. Which one did you mean?"
            ambiguous.append(([key for key, _, _ in candidates], Invalid(reason)))
    if not any_value:
        return None
    for keys, invalid in ambiguous:
        for key in keys:
            result.setdefault(key, invalid)  # an explicit mention elsewhere wins
    return result
