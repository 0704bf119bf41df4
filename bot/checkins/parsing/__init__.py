"""Turn free-text check-in answers into key-result values, confidence and mood.

Pure (no I/O): callers store the value or show Invalid.reason as a re-ask. Answers are read in
the language in force (bot.core.i18n.current()) and in English: its words and its way of
writing numbers ("1.250,5" in German) are in `lexicon`, the re-asks come from the catalogs.
What an answer can be and the reading every parser shares are in `answers`; one key result's
value in `values`; confidence and mood in `scales`; a line naming several key results in
`multi_update`.
"""

from bot.checkins.parsing.answers import (
    Invalid,
    KeyResult,
    MetricKind,
    MetricSpec,
    NoChange,
    Parsed,
    Skipped,
    Value,
    quote,
)
from bot.checkins.parsing.multi_update import parse_multi_update, unknown_names
from bot.checkins.parsing.scales import parse_confidence, parse_mood
from bot.checkins.parsing.values import parse_kr_value

__all__ = [
    "Invalid",
    "KeyResult",
    "MetricKind",
    "MetricSpec",
    "NoChange",
    "Parsed",
    "Skipped",
    "Value",
    "parse_confidence",
    "parse_kr_value",
    "parse_mood",
    "parse_multi_update",
    "quote",
    "unknown_names",
]
