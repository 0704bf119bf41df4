"""The numbers of a pulse survey round: per-question distributions, means, eNPS, participation.

Pure arithmetic over answers that are already anonymous. Which of these numbers a viewer may
see is decided in bot.privacy.pulse_slices, never here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from bot.core.i18n import catalog

LIKERT: Final = "likert"
ENPS: Final = "enps"
SINGLE: Final = "single"
MULTI: Final = "multi"
TEXT: Final = "text"
KINDS: Final = (LIKERT, ENPS, SINGLE, MULTI, TEXT)

LIKERT_SCALE: Final = range(1, 6)
ENPS_SCALE: Final = range(0, 11)
PROMOTER_MIN: Final = 9
DETRACTOR_MAX: Final = 6

# likert/enps: int; single: the chosen option; multi: the chosen options; text: the comment.
Answer = int | str | Sequence[str]
Bucket = int | str

_, ngettext = catalog("bot.pulse")


@dataclass(frozen=True)
class QuestionResult:
    """One question's numbers for one slice of respondents.

    `distribution` lists every bucket, zero counts included and in scale or option order, so a
    chart keeps the same bars round after round. For MULTI it counts respondents choosing each
    option, so it may add up to more than `count`.
    """

    kind: str
    count: int
    distribution: Mapping[Bucket, int] = field(default_factory=lambda: MappingProxyType({}))
    mean: float | None = None  # likert and enps only
    enps: int | None = None  # enps only
    comments: tuple[str, ...] = ()  # text only, in the order given


@dataclass(frozen=True)
class Participation:
    """How many of those invited answered: "6 of 8 answered (75 %)"."""

    responded: int
    invited: int

    def __post_init__(self) -> None:
        if not 0 <= self.responded <= self.invited:
            raise ValueError(f"{self.responded} of {self.invited} answered is not possible")

    @property
    def rate(self) -> int | None:
        """Whole percent, half rounded up; None when no one was invited (no rate to speak of)."""
        return _percent(self.responded, self.invited) if self.invited else None

    @property
    def text(self) -> str:
        """In the language in force."""
        if self.rate is None:
            return ngettext(
                "{responded} of {invited} answered",
                "{responded} of {invited} answered",
                self.responded,
            ).format(responded=self.responded, invited=self.invited)
        return ngettext(
            "{responded} of {invited} answered ({rate} %)",
            "{responded} of {invited} answered ({rate} %)",
            self.responded,
        ).format(responded=self.responded, invited=self.invited, rate=self.rate)


def enps(scores: Iterable[int]) -> int | None:
    """% promoters (9–10) − % detractors (0–6), from −100 to 100; None without scores.

    Rounded half away from zero (12.5 → 13, −12.5 → −13) in integer arithmetic: round() on a
    float rounds half to even, so equal ties would go different ways from round to round.
    """
    checked = [_score(score, ENPS_SCALE, ENPS) for score in scores]
    if not checked:
        return None
    promoters = sum(1 for score in checked if score >= PROMOTER_MIN)
    detractors = sum(1 for score in checked if score <= DETRACTOR_MAX)
    return _percent(promoters - detractors, len(checked))


def summarize(kind: str, answers: Iterable[Answer], options: Sequence[str] = ()) -> QuestionResult:
    """One question's numbers from its answers; a value the question can't have is a ValueError.

    Answers are validated when given, so an error here means stored answers and question no
    longer agree (say, an option was renamed): better a loud error than a quietly wrong chart.
    """
    given = list(answers)
    if kind in (LIKERT, ENPS, TEXT) and options:
        raise ValueError(f"{kind} questions have no options")
    if kind == LIKERT:
        return _scale_result(LIKERT, LIKERT_SCALE, given)
    if kind == ENPS:
        return _scale_result(ENPS, ENPS_SCALE, given)
    if kind == SINGLE:
        return _single_result(_unique(options), given)
    if kind == MULTI:
        return _multi_result(_unique(options), given)
    if kind == TEXT:
        return QuestionResult(TEXT, len(given), comments=tuple(_comment(a) for a in given))
    raise ValueError(f"unknown question kind {kind!r}; expected one of {', '.join(KINDS)}")


def _scale_result(kind: str, scale: range, answers: list[Answer]) -> QuestionResult:
    scores = [_score(answer, scale, kind) for answer in answers]
    counts: dict[Bucket, int] = dict.fromkeys(scale, 0)
    for score in scores:
        counts[score] += 1
    return QuestionResult(
        kind,
        len(scores),
        MappingProxyType(counts),
        mean=sum(scores) / len(scores) if scores else None,
        enps=enps(scores) if kind == ENPS else None,
    )


def _single_result(options: tuple[str, ...], answers: list[Answer]) -> QuestionResult:
    counts: dict[Bucket, int] = dict.fromkeys(options, 0)
    for answer in answers:
        counts[_option(answer, options)] += 1
    return QuestionResult(SINGLE, len(answers), MappingProxyType(counts))


def _multi_result(options: tuple[str, ...], answers: list[Answer]) -> QuestionResult:
    counts: dict[Bucket, int] = dict.fromkeys(options, 0)
    for answer in answers:
        if isinstance(answer, int | str):
            raise ValueError(f"{answer!r} is not a list of options")
        # A respondent either chose an option or not; a repeated value counts once.
        for chosen in {_option(value, options) for value in answer}:
            counts[chosen] += 1
    return QuestionResult(MULTI, len(answers), MappingProxyType(counts))


def _score(value: object, scale: range, kind: str) -> int:
    # bool is an int in Python; True must not pass as a score of 1.
    if isinstance(value, bool) or not isinstance(value, int) or value not in scale:
        raise ValueError(f"{value!r} is not a {kind} score ({scale[0]} to {scale[-1]})")
    return value


def _option(value: object, options: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{value!r} is not one of the options {list(options)}")
    return value


def _comment(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a text answer")
    return value


def _unique(options: Sequence[str]) -> tuple[str, ...]:
    if len(set(options)) != len(options):
        raise ValueError(f"options repeat: {list(options)}")
    return tuple(options)


def _percent(part: int, whole: int) -> int:
    """100 * part / whole rounded half away from zero, without floats."""
    magnitude = (200 * abs(part) + whole) // (2 * whole)
    return magnitude if part >= 0 else -magnitude
