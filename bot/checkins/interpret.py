"""What a typed reply means for one check-in question. Pure: nothing is stored here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.checkins import questions as q
from bot.checkins.parsing import (
    Invalid,
    NoChange,
    Parsed,
    Skipped,
    Value,
    parse_confidence,
    parse_kr_value,
    parse_mood,
)
from bot.checkins.parsing.lexicon import here
from bot.core.i18n import catalog
from bot.core.limits import TOO_LONG, too_long
from storage.models import Answer, KeyResult

_, ngettext = catalog("bot.checkins")


@dataclass(frozen=True)
class Said:
    """A free-text answer; None means the person said there's nothing."""

    text: str | None


Reading = Parsed | Said


def interpret(
    question: Mapping[str, Any], text: str, kr: KeyResult | None, previous: Answer | None
) -> Reading:
    """What a typed reply means for this question."""
    kind, lexicon = question["kind"], here()
    words = " ".join(text.casefold().split()).strip(" .!")
    if previous is not None and words in lexicon.keep:
        return _keep(kind, previous)
    if kind == q.KR_VALUE and kr is not None:
        return parse_kr_value(text, q.metric_spec(kr))
    if kind == q.KR_CONFIDENCE and kr is not None:
        outcome = parse_confidence(text)
        if isinstance(outcome, NoChange) and kr.confidence is None:
            return Invalid(_("There's no earlier confidence to keep: pick a number from 1 to 10."))
        return outcome
    if kind == q.MOOD:
        return parse_mood(text)
    if words in lexicon.passes:
        return Skipped()
    if words in lexicon.nothing:
        return Said(None)
    if not text.strip():
        return Invalid(_("Type an answer, or none if there's nothing to say."))
    if too_long(text):
        return Invalid(TOO_LONG)
    return Said(text.strip())


def _keep(kind: str, previous: Answer) -> Reading:
    """'same' in an edit round: the answer given last time stands."""
    if previous.skipped:
        return Skipped()
    if kind in (q.KR_VALUE, q.KR_CONFIDENCE):
        return NoChange()
    if kind == q.MOOD:
        return Value(previous.number) if previous.number is not None else Skipped()
    return Said(previous.text)


def blank(question: Mapping[str, Any], kr: KeyResult | None) -> Reading:
    """An empty form field: no change for key results, nothing to say for the rest."""
    if question["kind"] == q.KR_VALUE:
        return NoChange()
    if question["kind"] == q.KR_CONFIDENCE:
        return NoChange() if kr is not None and kr.confidence is not None else Skipped()
    if question["kind"] == q.MOOD:
        return Skipped()
    return Said(None)
