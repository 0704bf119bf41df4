"""A person's record over a review period, on SQLite and on a real PostgreSQL: a hand-made half
year of goals, check-ins, kudos and feedback, and everything from before, after, about someone
else, or not theirs to read left out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event

from bot.reviews.record import KeyResultLine, PeriodRecord, blockers_of, period_record, record_card
from storage.db import Database
from storage.models import (
    Answer,
    CheckinRun,
    FeedbackAnswer,
    FeedbackRequest,
    KeyResult,
    KeyResultChange,
    Kudos,
    KudosReceiver,
    Objective,
    Person,
)
from storage.models.feedback import new_answer_id
from storage.repository import Store
from tests.seeded import SEEDED_AT

ORG = "slack:TREVIEW"
START, END = datetime(2026, 7, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)  # H2 2026


def day(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=UTC)


# Key results by objective (key, period, archived, owner): the values it was changed to and
# when, then its columns (KR_COLUMNS; those left off take their defaults).
KR_COLUMNS = ("title", "kind", "start", "target", "current", "unit", "grade", "active")
KRS: list[tuple[str, str, bool, str, list[tuple[Any, ...]]]] = [
    ("support", "2026-Q3", False, "ana", [
        ([(day(7, 20), 40), (day(9, 10), 32)],
         "First reply time", "number", 45, 30, 32, "min", 0.8),
    ]),
    ("old plan", "2026-Q3", True, "ana", [
        ([(day(8, 5), 1)], "Legacy cleanup", "binary", 0, 1, 1, None, 1.0),
        ([], "Dropped idea", "number", 0, 5),  # archived, never graded
    ]),
    ("self-serve", "2026-Q4", False, "ana", [
        ([(day(10, 15), 50), (day(12, 1), 60), (day(1, 10, 2027), 75)],
         "Docs coverage", "percent", 40, 80, 75),
        ([], "Onboarding guide", "binary", 0, 1),
        ([], "NPS", "number", 20, 40, 25),  # set once, never changed
        ([], "Retired metric", "number", 0, 9, None, None, None, False),
    ]),
    ("on call", "2026-Q4", False, "sam", [([], "Pager load", "number", 9, 3)]),
    ("craft", "ongoing", False, "ana", [([(day(11, 1), 4)], "Mentoring", "number", 0, 10, 4)]),
    ("spring", "2026-Q2", False, "ana", [([], "Spring cleanup", "binary", 0, 1)]),
    ("next", "2027-Q1", False, "ana", [([], "Next year", "binary", 0, 1)]),
]  # fmt: skip
# Runs: the period's opening, status, the wins and blockers answers if submitted, and whose.
RUNS = [
    ("2026-06-29", "submitted", "June launch", "Old blocker", "ana"),  # before the period
    ("2026-07-06", "submitted", "Shipped the new inbox", "Waiting on legal", "ana"),
    ("2026-07-13", "missed", "", "", "ana"),
    ("2026-07-20", "submitted", "none", "  waiting on LEGAL ", "ana"),
    ("2026-08-03", "submitted", "Cut reply time to 40 min", "Flaky CI", "ana"),
    ("2026-08-10", "skipped", "", "", "ana"),
    ("2026-09-07", "open", "", "", "ana"),  # ended unanswered, not swept to missed yet: due
    ("2026-11-02", "submitted", "", "None.", "ana"),
    ("2026-12-14", "submitted", "Docs at 60%", "Budget sign-off", "ana"),
    ("2026-12-30", "open", "", "", "ana"),  # still running as the period ends: not due yet
    ("2027-01-04", "submitted", "New year", "none", "ana"),  # after
    ("2026-07-06", "submitted", "Sam's win", "Sam's blocker", "sam"),
]
# Kudos: message, giver (None: erased), receiver, when, private.
KUDOS = [
    ("the failover drill", "sam", "ana", day(8, 1), False),
    ("the on-call handover", None, "ana", day(10, 3), False),
    ("a private thank-you", "mia", "ana", day(9, 1), True),
    ("last spring's launch", "mia", "ana", day(6, 20), False),
    ("Sam's talk", "mia", "sam", day(9, 5), False),
]
# Feedback: requester, subject, when, kind, shared with the subject, and the answers (giver, or
# None when anonymous; the answers; released).
FEEDBACK: list[tuple[str, str, datetime, str, bool, list[tuple[str | None, list[str], bool]]]] = [
    ("ana", "ana", day(7, 15), "request", False, [
        ("sam", ["Clear writing", " More demos"], True),
        ("kai", ["", "Pair more"], True),
        ("mia", ["", ""], True),
    ]),
    ("mia", "ana", day(8, 20), "request", True, [
        ("kai", ["Great mentor"], True), ("sam", ["Not released yet"], False),
    ]),
    ("mia", "ana", day(9, 1), "request", False, [("sam", ["For Mia alone"], True)]),
    ("ana", "ana", day(10, 1), "request", False, [
        (None, ["Shares credit"], True),
        (None, ["Calm under pressure"], True),
        (None, ["Asks good questions"], True),
        (None, ["Held back"], False),
    ]),
    ("sam", "ana", day(11, 10), "given", False, [("sam", ["Thanks for the review"], True)]),
    ("ana", "ana", day(6, 1), "request", False, [("sam", ["Before the period"], True)]),
    ("ana", "sam", day(7, 20), "request", False, [("kai", ["About Sam"], True)]),
]  # fmt: skip


async def seed(database: Database) -> None:
    """Ana's half year (H2 2026), with Sam's, Mia's and Kai's rows around it."""
    async with database.session() as session:
        await Store(session).ensure_tenant(ORG, "slack", "TREVIEW", SEEDED_AT)
        ids: dict[str, int] = {}

        async def add(model: Any, **columns: Any) -> Any:
            row = model(tenant_id=ORG, **columns)
            session.add(row)
            await session.flush()
            return row.id

        for name in ("Ana Lopez", "Sam Lee", "Mia Park", "Kai Ito"):
            first = name.split()[0].lower()
            email = f"{first}@example.com"
            ids[first] = await add(Person, email=email, name=name, created_at=SEEDED_AT)

        for key, period, archived, owner, krs in KRS:
            named = {"key": key, "title": key, "period": period, "created_at": SEEDED_AT}
            objective = await add(Objective, archived=archived, **named)
            for values, *kr in krs:
                columns = dict(zip(KR_COLUMNS, kr, strict=False))
                owned = {"objective_id": objective, "owner_id": ids[owner], "updated_at": SEEDED_AT}
                kr_id = await add(KeyResult, key=columns["title"], **owned, **columns)
                olds = [columns["start"], *(value for _, value in values)]
                for (at, new), old in zip(values, olds, strict=False):
                    change = {"old_value": old, "new_value": new, "changed_at": at}
                    await add(
                        KeyResultChange, key_result_id=kr_id, field="value", source="chat", **change
                    )

        for label, status, wins, blockers, who in RUNS:
            opens = datetime.fromisoformat(label).replace(hour=8, tzinfo=UTC)
            period = {"period_start": opens, "period_end": opens + timedelta(days=3)}
            run = await add(
                CheckinRun, person_id=ids[who], period_label=label, status=status, **period
            )
            for key, text in (("wins", wins), ("blockers", blockers)):
                if status == "submitted":
                    await add(Answer, run_id=run, question_key=key, text=text, answered_at=opens)

        for message, giver, to, at, private in KUDOS:
            giver_id = ids[giver] if giver else None
            kudos = await add(
                Kudos, giver_id=giver_id, message=message, private=private, created_at=at
            )
            await add(KudosReceiver, kudos_id=kudos, person_id=ids[to])

        for by, about, at, kind, shared, answers in FEEDBACK:
            anonymous = all(giver is None for giver, _, _ in answers)
            how = {"kind": kind, "anonymous": anonymous, "shared_with_subject": shared}
            request = await add(
                FeedbackRequest, requester_id=ids[by], subject_id=ids[about], created_at=at, **how
            )
            for n, (giver, said, released) in enumerate(answers, start=1):
                giver_id = ids[giver] if giver else None
                written = None if anonymous else at + timedelta(days=n)
                shown = {"answers": said, "released": released, "created_at": written}
                await add(
                    FeedbackAnswer,
                    id=new_answer_id(),
                    request_id=request,
                    giver_id=giver_id,
                    **shown,
                )


async def record_of(database: Database, tenant: str = ORG) -> PeriodRecord:
    """Ana's record in `tenant`, read in seven statements at most."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))  # (connection, cursor, statement, ...)

    async with database.session() as session:
        store = Store(session)
        ana = await store.person_by_email(ORG, "ana@example.com")
        assert ana is not None
        event.listen(database.engine.sync_engine, "before_cursor_execute", count)
        try:
            record = await period_record(store, tenant, ana, START, END)
        finally:
            event.remove(database.engine.sync_engine, "before_cursor_execute", count)
    assert len(statements) <= 7
    return record


H2_RECORD = PeriodRecord(
    key_results=(
        KeyResultLine("First reply time", "45 min", "32 min", 0.8, 87),
        KeyResultLine("Legacy cleanup", "not done", "done", 1.0, 100),
        KeyResultLine("Docs coverage", "40%", "60%", None, 50),
        KeyResultLine("Onboarding guide", "not done", "not done", None, 0),
        KeyResultLine("NPS", "20", "25", None, 25),
        KeyResultLine("Mentoring", "0", "4", None, 40),
    ),
    checkins_due=7,
    checkins_done=5,
    wins=("Shipped the new inbox", "Cut reply time to 40 min", "Docs at 60%"),
    blockers=(("Waiting on legal", True), ("Flaky CI", True), ("Budget sign-off", False)),
    kudos=(("Sam Lee", "the failover drill"), ("someone", "the on-call handover")),
    feedback=(
        ("Sam Lee", "Clear writing / More demos"),
        ("Kai Ito", "Pair more"),
        ("Kai Ito", "Great mentor"),
        ("anonymous", "Asks good questions"),
        ("anonymous", "Calm under pressure"),
        ("anonymous", "Shares credit"),
        ("Sam Lee", "Thanks for the review"),
    ),
)


async def test_the_record_holds_the_half_year_and_nothing_else(any_db: Database) -> None:
    await seed(any_db)
    assert await record_of(any_db) == H2_RECORD


async def test_another_tenant_is_given_nothing_of_this_record(any_db: Database) -> None:
    await seed(any_db)
    async with any_db.session() as session:
        await Store(session).ensure_tenant("slack:TOTHER", "slack", "TOTHER", SEEDED_AT)
    assert await record_of(any_db, "slack:TOTHER") == PeriodRecord((), 0, 0, (), (), (), ())


def test_the_card_shows_each_group() -> None:
    assert record_card(H2_RECORD, "H2 2026: Ana Lopez").fallback_text() == CARD


CARD = """H2 2026: Ana Lopez

Key results
  First reply time: 45 min → 32 min · 87% · grade 0.8
  Legacy cleanup: not done → done · 100% · grade 1.0
  Docs coverage: 40% → 60% · 50%
  Onboarding guide: not done → not done · 0%
  NPS: 20 → 25 · 25%
  Mentoring: 0 → 4 · 40%

Check-ins
5 of 7 submitted.

Wins
  Win: Shipped the new inbox
  Win: Cut reply time to 40 min
  Win: Docs at 60%

Blockers
  Waiting on legal: cleared
  Flaky CI: cleared
  Budget sign-off: still open

Kudos
  From Sam Lee: the failover drill
  From someone: the on-call handover

Feedback
  Sam Lee: Clear writing / More demos
  Kai Ito: Pair more
  Kai Ito: Great mentor
  anonymous: Asks good questions
  anonymous: Calm under pressure
  anonymous: Shares credit
  Sam Lee: Thanks for the review"""


def test_an_empty_record_says_so_and_a_long_group_is_cut_at_fifteen() -> None:
    wins = tuple(f"win {n}" for n in range(1, 18))
    card = record_card(PeriodRecord((), 0, 0, wins, (), (), ()), "Empty")
    text = card.fallback_text()
    assert "No key results in this period." in text and "No check-ins were due." in text
    assert "No blockers reported." in text and "No kudos received." in text
    assert "No feedback to read." in text
    [wins_section] = [s for s in card.sections if s.title == "Wins"]
    assert len(wins_section.fields) == 15 and wins_section.text == "And 2 more."


def test_a_blocker_clears_when_nothing_or_another_follows() -> None:
    said = ["A", " a ", None, "none", "B", "A", "n/a", "n/a", "C"]
    assert blockers_of(said) == (("A", True), ("B", True), ("A", True), ("C", False))
    assert blockers_of(["none", "No."]) == ()
