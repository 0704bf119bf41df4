"""A person's record over a review period [start, end), where a performance review starts.

- Key results: theirs, of objectives whose period overlaps the review's (a quarter by its UTC
  days; a period that names no quarter, such as "ongoing", always); archived objectives' and
  dropped ones only if graded at their quarter's close. Each with its value at the end.
- Check-ins: the runs whose period started in the review's. Due: submitted and missed ones, and
  those still open or pending whose period ended by `end` (the sweep marks them missed); never
  skipped ones, nor one whose period is still running at `end`. Done: the submitted ones.
- Wins and blockers: the answers of those submitted runs, in their order, not skipped, "none"
  and the like left out.
- Kudos: the public ones they received; private kudos stay between giver and receivers.
- Feedback: the requests about them made in the period that they read themselves
  (`subject_reads_answers`: unasked feedback, requests of their own, or shared with them), with
  every answer they may read now: anonymous ones have no time to place them by.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from babel.numbers import get_decimal_symbol

from bot.checkins.blockers import blocker_in
from bot.core.i18n import catalog, current
from bot.core.messages import Card, Field, Section
from bot.goals.progress import format_value, progress
from bot.privacy.feedback_answers import subject_reads_answers
from bot.privacy.visibility import REQUESTER, SUBJECT
from storage.models import FeedbackRequest, Person
from storage.repository import Store
from storage.review_record import (
    FeedbackAnswerRow,
    KeyResultRow,
    ReviewRecordQueries,
    RunRow,
    ValueChange,
)

_, ngettext = catalog("bot.reviews")

WINS_KEY, BLOCKERS_KEY = "wins", "blockers"  # bot/checkins/questions.py
# Who gave kudos or feedback when no one is named: kept in English in the record (the export
# reads them so), said in the reader's language on the card.
SOMEONE, ANONYMOUS = "someone", "anonymous"
SHOWN = 15  # fields a section shows; the rest are counted
_DUE_WHEN_ENDED = ("open", "pending")


@dataclass(frozen=True)
class KeyResultLine:
    title: str
    start: str  # as shown, e.g. "45 min", "40%", "not done"
    end: str  # its value at the period's end (`value_at`)
    grade: float | None  # given when its quarter was closed
    progress: int  # whole percent at the period's end


@dataclass(frozen=True)
class PeriodRecord:
    key_results: tuple[KeyResultLine, ...]
    checkins_due: int
    checkins_done: int
    wins: tuple[str, ...]  # oldest first
    blockers: tuple[tuple[str, bool], ...]  # (blocker, cleared), oldest first (`blockers_of`)
    kudos: tuple[tuple[str, str], ...]  # (giver or "someone", message), oldest first
    feedback: tuple[tuple[str, str], ...]  # (giver or "anonymous", answers), oldest first


async def period_record(
    store: Store, tenant_id: str, person: Person, start: datetime, end: datetime
) -> PeriodRecord:
    """`person`'s record over [start, end), in seven statements whatever its size."""
    assert person.id is not None
    rows = ReviewRecordQueries(store.session, tenant_id, person.id, start, end)
    key_results = await rows.key_results()
    changes: dict[int, list[ValueChange]] = {}
    for change in await rows.value_changes([kr.id for kr in key_results]):
        changes.setdefault(change.key_result_id, []).append(change)
    runs = await rows.runs()
    answers = await rows.answers((WINS_KEY, BLOCKERS_KEY))
    due = [run for run in runs if _due(run, end)]
    return PeriodRecord(
        key_results=tuple(_line(kr, changes.get(kr.id, ()), end) for kr in key_results),
        checkins_due=len(due),
        checkins_done=sum(1 for run in due if run.status == "submitted"),
        wins=tuple(win for a in answers if a.question_key == WINS_KEY and (win := said_in(a.text))),
        blockers=blockers_of(a.text for a in answers if a.question_key == BLOCKERS_KEY),
        # An erased giver's kudos stay, with no one named.
        kudos=tuple((k.giver or SOMEONE, k.message) for k in await rows.public_kudos()),
        feedback=await _feedback(rows, person),
    )


def _due(run: RunRow, end: datetime) -> bool:
    if run.status in _DUE_WHEN_ENDED:
        return run.period_end <= end
    return run.status in ("submitted", "missed")


def value_at(kr: KeyResultRow, changes: Sequence[ValueChange], end: datetime) -> float | None:
    """A key result's value as `end` came: set by its latest change before `end`; else the
    value the first change after it found; a key result never changed has had its value all
    along; and its start where nothing says more."""
    before = [change for change in changes if change.changed_at < end]
    if before:
        return before[-1].new_value
    found = changes[0].old_value if changes else kr.current
    return kr.start if found is None else found


def _line(kr: KeyResultRow, changes: Sequence[ValueChange], end: datetime) -> KeyResultLine:
    value = value_at(kr, changes, end)
    return KeyResultLine(
        title=kr.title,
        start=format_value(kr.kind, kr.start, kr.unit),
        end=format_value(kr.kind, value, kr.unit),
        grade=kr.grade,
        progress=round(100 * progress(kr.kind, kr.start, kr.target, value)),
    )


def blockers_of(answers: Iterable[str | None]) -> tuple[tuple[str, bool], ...]:
    """Blockers answers in the order given, as (blocker, cleared). The same blocker again (case
    and spacing aside) goes on; it is cleared by a later answer of "none" and the like or of
    another blocker. Skipped answers say nothing and clear nothing; the last blocker, with
    nothing after it, is still open."""
    found: list[tuple[str, bool]] = []
    for text in answers:
        said = blocker_in(text)
        still_open = found[-1][0] if found and not found[-1][1] else None
        if still_open is not None and said is not None and _same(said, still_open):
            continue
        if still_open is not None:
            found[-1] = (still_open, True)
        if said is not None:
            found.append((said, False))
    return tuple(found)


def said_in(text: str | None) -> str | None:
    """An answer's words; None for "none" and the like, as the blockers question reads them."""
    return blocker_in(text)


def _same(one: str, other: str) -> bool:
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


async def _feedback(rows: ReviewRecordQueries, person: Person) -> tuple[tuple[str, str], ...]:
    """What the person reads of each request about them, as `app.export`'s feedback shows its
    subject: as the requester of their own (every named answer), as the subject of the others
    (released ones). Anonymous answers only once released, with no name, in the order of their
    words (their rows' order is random). An admin's right to read anyone's feedback is the
    role's, not the record's: it opens no request here."""
    readable = [
        request
        for request in await rows.feedback_requests()
        if subject_reads_answers(
            FeedbackRequest(
                tenant_id=rows.tenant_id,
                kind=request.kind,
                requester_id=request.requester_id,
                subject_id=rows.person_id,
                shared_with_subject=request.shared_with_subject,
            )
        )
    ]
    answers: dict[int, list[FeedbackAnswerRow]] = {}
    for answer in await rows.feedback_answers([request.id for request in readable]):
        answers.setdefault(answer.request_id, []).append(answer)
    shown: list[tuple[str, str]] = []
    for request in readable:
        view = REQUESTER if request.requester_id == person.id else SUBJECT
        given = answers.get(request.id, [])
        if request.anonymous:
            words = sorted(_words(a) for a in given if a.released)
            shown += [(ANONYMOUS, text) for text in words if text]
            continue
        for answer in given:
            text = _words(answer)
            if text and (answer.released or view == REQUESTER):
                shown.append((answer.giver or SOMEONE, text))
    return tuple(shown)


def _words(answer: FeedbackAnswerRow) -> str:
    """One giver's answers to a request's questions, those skipped left out."""
    return " / ".join(said for text in answer.answers if (said := " ".join(text.split())))


def record_card(record: PeriodRecord, title: str) -> Card:
    """The record, a section a group; an empty group says so."""
    due, done = record.checkins_due, record.checkins_done
    submitted = _("{done} of {due} submitted.").format(done=done, due=due)
    return Card(
        title,
        (
            _section(
                _("Key results"),
                [Field(line.title, _kr_words(line)) for line in record.key_results],
                _("No key results in this period."),
            ),
            Section(_("Check-ins"), text=submitted if due else _("No check-ins were due.")),
            _section(
                _("Wins"),
                # Translators: the label before each win in a person's record.
                [Field(_("Win"), win) for win in record.wins],
                _("No wins shared."),
            ),
            _section(
                _("Blockers"),
                [
                    Field(text, _("cleared") if cleared else _("still open"))
                    for text, cleared in record.blockers
                ],
                _("No blockers reported."),
            ),
            _section(
                _("Kudos"),
                [Field(_from(giver), message) for giver, message in record.kudos],
                _("No kudos received."),
            ),
            _section(
                _("Feedback"),
                [
                    Field(_("anonymous") if who == ANONYMOUS else who, text)
                    for who, text in record.feedback
                ],
                _("No feedback to read."),
            ),
        ),
    )


def _from(giver: str) -> str:
    return _("From someone") if giver == SOMEONE else _("From {giver}").format(giver=giver)


def _kr_words(line: KeyResultLine) -> str:
    """ "45 min → 32 min · 87% · grade 0.8"."""
    words = f"{line.start} → {line.end} · {line.progress}%"
    if line.grade is None:
        return words
    grade = f"{line.grade:.2f}".removesuffix("0").replace(".", get_decimal_symbol(current()))
    return f"{words} · " + _("grade {grade}").format(grade=grade)  # 0.7, 0.75, 1.0 (1,0 in de)


def _section(title: str, fields: Sequence[Field], empty: str) -> Section:
    if not fields:
        return Section(title, text=empty)
    more = len(fields) - SHOWN
    rest = _("And {count} more.").format(count=more) if more > 0 else ""
    return Section(title, tuple(fields[:SHOWN]), rest)
