"""Answers on a scale: a 1..10 confidence that a key result will be reached, and a 1..5 mood
from a number, a word or a face emoji."""

import re
from functools import cache

from bot.checkins.parsing.answers import (
    MAX_ANSWER,
    Invalid,
    Parsed,
    Skipped,
    Value,
    core_of,
    normalise,
    quote,
    status_of,
)
from bot.checkins.parsing.lexicon import here
from bot.core.i18n import N_, catalog

_, ngettext = catalog("bot.checkins")

_CONFIDENCE_HELP = N_("Confidence is a whole number from 1 (won't happen) to 10 (certain).")
_MOOD_HELP = N_("Mood is a number from 1 (awful) to 5 (great), or an emoji like 🙂.")
_MOOD_EMOJI = {"😀": 5, "😃": 5, "😄": 5, "🙂": 4, "😊": 4, "😐": 3, "🙁": 2, "☹": 2, "😞": 1}


@cache
def _scale(out_of: str, top: int) -> re.Pattern[str]:
    """ "7", "7/10", "7 out of 10" ("7 von 10" in German): a number on a scale up to `top`."""
    digits = r"(\d{1,2})" if top >= 10 else r"(\d)"
    return re.compile(rf"{digits}(?:\s*(?:/|{out_of})\s*{top})?")


def parse_confidence(text: str) -> Parsed:
    """Read a 1..10 confidence that the key result will be reached."""
    raw = text.strip()
    if not raw:
        return Invalid(_(_CONFIDENCE_HELP))
    core = core_of(normalise(raw)) if len(raw) <= MAX_ANSWER else ""
    status = status_of(core)
    if status is not None:
        return status
    match = _scale(here().out_of, 10).fullmatch(core)
    if match and 1 <= int(match[1]) <= 10:
        return Value(float(match[1]))
    reason = _("I couldn't read {quoted} as a confidence. {help}")
    return Invalid(reason.format(quoted=quote(raw), help=_(_CONFIDENCE_HELP)))


def parse_mood(text: str) -> Parsed:
    """Read a 1..5 mood from a number, a word or a face emoji."""
    raw = text.strip()
    if not raw:
        return Invalid(_(_MOOD_HELP))
    words = here()
    norm = normalise(raw) if len(raw) <= MAX_ANSWER else ""
    scores = {_MOOD_EMOJI[ch] for ch in norm if ch in _MOOD_EMOJI}
    core = core_of(norm)
    if core in words.skip:
        return Skipped()
    if core:
        match = _scale(words.out_of, 5).fullmatch(core)
        score = words.mood.get(core, int(match[1]) if match else 0)
        scores.add(score if 1 <= score <= 5 else 0)
    # Disagreeing signals ("good 😞") are re-asked rather than guessed.
    if len(scores) == 1 and 0 not in scores:
        return Value(float(scores.pop()))
    reason = _("I couldn't read {quoted} as a mood. {help}")
    return Invalid(reason.format(quoted=quote(raw), help=_(_MOOD_HELP)))
