"""A pulse survey's questions, typed. They are stored as a JSON list on the survey row; this is
one entry's schema, read leniently (an entry that isn't a question of a known kind is skipped,
a field of the wrong type is read as unset) and written back in the shape stored so far."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from storage.models import Survey

QuestionKind = Literal["likert", "enps", "single", "multi", "text"]
KINDS: tuple[QuestionKind, ...] = get_args(QuestionKind)
CHOICE_KINDS: frozenset[QuestionKind] = frozenset({"single", "multi"})


@dataclass(frozen=True)
class SurveyQuestion:
    """One question: a 1–5 scale, a 0–10 eNPS, one or several of its options, or free text."""

    kind: QuestionKind
    text: str
    options: tuple[str, ...] = ()  # single and multi only, in the order shown
    # "q1", "q2"…: numbered when the survey is sent; a response's answers are keyed by it.
    key: str = ""

    def __post_init__(self) -> None:
        # Results count answers per option: options elsewhere, or twice, can't be counted.
        if self.options and self.kind not in CHOICE_KINDS:
            raise ValueError(f"{self.kind} questions have no options")
        if len(set(self.options)) != len(self.options):
            raise ValueError(f"options repeat: {list(self.options)}")

    @classmethod
    def read(cls, raw: object) -> SurveyQuestion | None:
        """One stored entry; None for one without a known kind or a text."""
        if not isinstance(raw, Mapping):
            return None
        kind = next((k for k in KINDS if k == raw.get("kind")), None)
        text, key = raw.get("text"), raw.get("key")
        if kind is None or not isinstance(text, str):
            return None
        options = _options(raw.get("options")) if kind in CHOICE_KINDS else ()
        return cls(kind, text, options, key if isinstance(key, str) else "")

    @property
    def identity(self) -> str:
        """What makes two questions the same question to the org's disclosure ledger, across
        surveys, rounds and custom sets: the kind, the words and the options, case, spacing and
        option order aside. Stored in the ledger, so it must never change for a question."""
        options = sorted(plain(option) for option in self.options)
        raw = json.dumps([self.kind, plain(self.text), options], ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    def written(self) -> dict[str, Any]:
        """The JSON entry, keys in the order earlier versions wrote them: options only for
        the kinds that have them, the key only once numbered."""
        entry: dict[str, Any] = {"kind": self.kind, "text": self.text}
        if self.kind in CHOICE_KINDS:
            entry["options"] = list(self.options)
        if self.key:
            entry["key"] = self.key
        return entry


def read_questions(raw: object) -> tuple[SurveyQuestion, ...]:
    """A stored list of questions, the entries that aren't questions left out."""
    entries: Iterable[object] = raw if isinstance(raw, list | tuple) else ()
    return tuple(q for q in map(SurveyQuestion.read, entries) if q is not None)


def questions_of(survey: Survey) -> tuple[SurveyQuestion, ...]:
    return read_questions(survey.questions)


def _options(raw: object) -> tuple[str, ...]:
    """The text options, each once, in their order."""
    listed: Iterable[object] = raw if isinstance(raw, list | tuple) else ()
    return tuple(dict.fromkeys(o for o in listed if isinstance(o, str)))


def plain(words: str) -> str:
    """Words as compared: case and spacing aside."""
    return " ".join(words.split()).casefold()
