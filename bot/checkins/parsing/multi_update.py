"""One line that updates several key results, "signups 400, nps 35": cut into segments, each
segment's label matched to a key result's title (whole words, then prefixes, then fuzzily), and
its value read as that key result's answer."""

from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import TypeAlias

from bot.checkins.parsing.answers import Invalid, KeyResult, Parsed, core_of, normalise, quote
from bot.checkins.parsing.lexicon import here
from bot.checkins.parsing.values import WORD, parse_kr_value
from bot.core.i18n import catalog

_, ngettext = catalog("bot.checkins")

_Titles: TypeAlias = Sequence[tuple[KeyResult, list[str]]]

_MAX_MULTI, _MAX_SEGMENTS, _MAX_LABEL_WORDS = 1000, 20, 8
_FUZZY_THRESHOLD, _AMBIGUITY_MARGIN = 0.8, 0.05


def _label_words(label: str) -> list[str]:
    stopwords = here().label_stopwords
    words = [w for w in WORD.findall(normalise(label)) if w not in stopwords]
    # Dropping a plural "s" lets "signup" name "Weekly signups" (but keeps "process" whole).
    stems = (w[:-1] if len(w) > 3 and w[-1] == "s" != w[-2] else w for w in words)
    return [w for w in stems if not w.isdigit()]


def _split_label(segment: str) -> tuple[str, str]:
    """Split "signups: 400" / "signups ~400" / "400 signups" / "docs done" into label, value."""
    label, sep, value = segment.partition(":") if ":" in segment else segment.partition("=")
    if sep and _label_words(label):
        return label, value
    lexicon = here()
    number = lexicon.number.search(segment)
    if number:
        words, value = segment[: number.start()].split(), segment[number.start() :]
        # Lead-ins and currency codes belong to the value: "revenue usd 3500" keeps its USD.
        while words and words[-1] in lexicon.head_words:
            value = f"{words.pop()} {value}"
        if _label_words(" ".join(words)):
            return " ".join(words), value
        return segment[number.end() :], segment  # the label follows the value: "400 signups"
    words = segment.split()
    for size in range(min(4, len(words)), 0, -1):
        if core_of(" ".join(words[-size:])) in lexicon.status:
            return " ".join(words[:-size]), " ".join(words[-size:])
    return segment, ""


def _segments(text: str) -> list[str]:
    segments: list[str] = []
    lexicon = here()
    for piece in lexicon.segment_split.split(text):
        pending: list[str] = []
        for part in lexicon.and_split.split(piece):
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
    A value under a name that is none of `key_results` is left out: `unknown_names` gives those.
    """
    result: dict[str, Parsed] = {}
    ambiguous: list[tuple[list[str], Invalid]] = []
    any_value = False
    for label, value, candidates in _named_segments(text, key_results):
        any_value = any_value or bool(candidates and value.strip())
        if len(candidates) == 1:
            key, title, spec = candidates[0]
            twice = Invalid(
                _("You gave two values for {title}. Send just one.").format(title=quote(title))
            )
            result[key] = twice if key in result else parse_kr_value(value, spec)
        elif candidates:
            first, second = (quote(title) for _, title, _ in candidates[:2])
            reason = _("{label} could mean {first} or {second}. Which one did you mean?").format(
                label=quote(label), first=first, second=second
            )
            ambiguous.append(([key for key, _, _ in candidates], Invalid(reason)))
    if not any_value:
        return None
    for keys, invalid in ambiguous:
        for key in keys:
            result.setdefault(key, invalid)  # an explicit mention elsewhere wins
    return result


def unknown_names(text: str, key_results: Sequence[KeyResult]) -> list[str]:
    """The names in a multi-update given a number but matching none of `key_results`:
    "coffee" in "signups 400, coffee 3". Prose with a number in it can land here too, so the
    caller asks rather than guesses."""
    return [
        label.strip()
        for label, value, candidates in _named_segments(text, key_results)
        if not candidates and _label_words(label) and here().number.search(value)
    ]


def _named_segments(
    text: str, key_results: Sequence[KeyResult]
) -> list[tuple[str, str, list[KeyResult]]]:
    """Each segment's label, value and the key results its label may name."""
    raw = text.strip()
    segments = _segments(normalise(raw)) if len(raw) <= _MAX_MULTI else []
    if len(segments) > _MAX_SEGMENTS:
        return []
    titles = [(kr, _label_words(kr[1])) for kr in key_results]
    return [_name_segment(segment, titles) for segment in segments]
