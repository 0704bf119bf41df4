"""Answers on a scale: a 1..10 confidence that a key result will be reached, and a 1..5 mood
from a number, a word or a face emoji."""

import re

from bot.checkins.parsing.answers import (
    MAX_ANSWER,
    SKIP,
    Invalid,
    Parsed,
    Skipped,
    Value,
    core_of,
    normalise,
    quote,
    status_of,
)

_CONFIDENCE_HELP = "Confidence is a whole number from 1 (won't happen) to 10 (certain)."
_MOOD_HELP = "Mood is a number from 1 (awful) to 5 (great), or an emoji like 🙂."
_MOOD_EMOJI = {"😀": 5, "😃": 5, "😄": 5, "🙂": 4, "😊": 4, "😐": 3, "🙁": 2, "☹": 2, "😞": 1}
_MOOD_WORDS = {"great": 5, "good": 4, "ok": 3, "okay": 3, "fine": 3, "meh": 2, "bad": 2}
_MOOD_WORDS |= {"awful": 1, "terrible": 1}
_CONFIDENCE = re.compile(r"(\d{1,2})(?:\s*(?:/|out of|of)\s*10)?")
_MOOD_NUMBER = re.compile(r"(\d)(?:\s*(?:/|out of|of)\s*5)?")


def parse_confidence(text: str) -> Parsed:
    """Read a 1..10 confidence that the key result will be reached."""
    raw = text.strip()
    if not raw:
        return Invalid(_CONFIDENCE_HELP)
    core = core_of(normalise(raw)) if len(raw) <= MAX_ANSWER else ""
    status = status_of(core)
    if status is not None:
        return status
    match = _CONFIDENCE.fullmatch(core)
    if match and 1 <= int(match[1]) <= 10:
        return Value(float(match[1]))
    return Invalid(f"I couldn't read {quote(raw)} as a confidence. {_CONFIDENCE_HELP}")


def parse_mood(text: str) -> Parsed:
    """Read a 1..5 mood from a number, a word or a face emoji."""
    raw = text.strip()
    if not raw:
        return Invalid(_MOOD_HELP)
    norm = normalise(raw) if len(raw) <= MAX_ANSWER else ""
    scores = {_MOOD_EMOJI[ch] for ch in norm if ch in _MOOD_EMOJI}
    core = core_of(norm)
    if core in SKIP:
        return Skipped()
    if core:
        match = _MOOD_NUMBER.fullmatch(core)
        score = _MOOD_WORDS.get(core, int(match[1]) if match else 0)
        scores.add(score if 1 <= score <= 5 else 0)
    # Disagreeing signals ("good 😞") are re-asked rather than guessed.
    if len(scores) == 1 and 0 not in scores:
        return Value(float(scores.pop()))
    return Invalid(f"I couldn't read {quote(raw)} as a mood. {_MOOD_HELP}")
