"""Every pure parser, fed hostile text: it raises nothing but its documented error (most raise
nothing at all and return problems or None), and what it returns is well-formed."""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.checkins import questions as q
from bot.checkins.cadence import (
    ALLOWED_EVERY_WEEKS,
    CadenceError,
    friendly_day,
    make_cadence,
    parse_days,
    parse_time,
    parse_zone,
    read_day,
)
from bot.checkins.interpret import Said, interpret
from bot.checkins.parsing import (
    Invalid,
    MetricSpec,
    NoChange,
    Parsed,
    Skipped,
    Value,
    parse_confidence,
    parse_kr_value,
    parse_mood,
    parse_multi_update,
)
from bot.command_table import COMMAND_TABLE
from bot.core.commands import Command
from bot.core.limits import MAX_FREE_TEXT
from bot.core.whole_numbers import MAX_ROW_ID, whole_number
from bot.imports.goals_file import LEVELS, METRICS, parse_goals
from bot.imports.holidays_file import parse_holidays
from bot.imports.org_file import parse_org_csv
from bot.imports.rows import ImportProblem
from bot.org.defaults import updated_defaults
from bot.pulse.questions import (
    BANK,
    MAX_OPTIONS,
    MAX_QUESTIONS,
    PulseError,
    custom_questions,
    read_answer,
    split_questions,
)
from bot.pulse.stats import ENPS, LIKERT, MULTI, SINGLE, TEXT
from storage.models import Answer, KeyResult
from storage.settings import OrgSettings
from storage.survey_questions import SurveyQuestion
from tests.fuzz.strategies import PIECES, either, has_control, hostile_text, piece

FUZZ = settings(max_examples=150, deadline=None)
PARSED = (Value, NoChange, Skipped, Invalid)
TODAY = date(2026, 3, 2)

# -- check-in answers (bot/checkins/parsing.py) ----------------------------------------------------

bounds = st.sampled_from([0.0, 1.0, 100.0, -50.0, 1e12, 0.5, 250.0])
specs = st.builds(
    MetricSpec,
    kind=st.sampled_from(["number", "percent", "currency", "binary"]),
    start=bounds,
    target=bounds,
    current=st.none() | bounds,
    unit=st.none() | st.sampled_from(["signups", "$", "EUR", "%", "<!channel>"]) | hostile_text,
)


def assert_well_formed(result: Parsed, spec: MetricSpec | None = None) -> None:
    assert isinstance(result, PARSED), result
    if isinstance(result, Invalid):
        # A friendly one-sentence re-ask: quoted input is cut short and stripped of controls.
        assert result.reason.strip() and len(result.reason) <= 300, result.reason
        assert not has_control(result.reason), result.reason
    if isinstance(result, Value):
        assert math.isfinite(result.number), result
        if spec is None:
            return
        if spec.kind == "binary":
            assert result.number in (0.0, 1.0), result
        elif spec.kind == "percent":
            low = min(0.0, spec.start, spec.target)
            high = max(100.0, spec.start, spec.target)
            assert low <= result.number <= high, result


@FUZZ
@given(hostile_text, specs)
def test_a_key_result_answer_is_always_a_well_formed_result(text: str, spec: MetricSpec) -> None:
    assert_well_formed(parse_kr_value(text, spec), spec)


@FUZZ
@given(hostile_text)
def test_confidence_and_mood_answers_are_always_well_formed(text: str) -> None:
    confidence, mood = parse_confidence(text), parse_mood(text)
    assert_well_formed(confidence)
    assert_well_formed(mood)
    if isinstance(confidence, Value):
        assert confidence.number in range(1, 11)
    if isinstance(mood, Value):
        assert mood.number in range(1, 6)


KRS = [
    ("signups", "Weekly signups", MetricSpec("number", 100, 500, 120, "signups")),
    ("nps", "NPS", MetricSpec("number", 20, 40, 28)),
    ("docs", "Docs published", MetricSpec("binary", 0, 1, None)),
    ("act", "Activation rate", MetricSpec("percent", 10, 40, None)),
    ("evil", "<!channel> &lt; revenue", MetricSpec("currency", 0, 1e6, None, "$")),
]


@FUZZ
@given(st.one_of(hostile_text, st.lists(piece, max_size=30).map(" ".join)))
def test_a_multi_update_names_only_real_key_results(text: str) -> None:
    result = parse_multi_update(text, KRS)
    if result is None:
        return
    specs_by_key = {key: spec for key, _, spec in KRS}
    assert set(result) <= set(specs_by_key), result
    for key, parsed in result.items():
        assert_well_formed(parsed, specs_by_key[key])


# -- commands (bot/core/commands.py) ---------------------------------------------------------------

TABLE = COMMAND_TABLE
SUBS = {name: {row.sub for row in TABLE.rows if row.name == name} for name in TABLE.names}
names = st.sampled_from([*TABLE.names, "/checkin", " /GOALS ", "Feedback", "nope"]) | hostile_text


def assert_command(command: Command) -> None:
    assert command.name in SUBS, command
    assert command.sub in (*SUBS[command.name], "unknown"), command
    assert isinstance(command.args, str)
    assert (TABLE.row(command) is None) == (command.sub == "unknown"), command


@FUZZ
@given(names, hostile_text)
def test_a_slash_command_is_ours_and_well_formed_or_none(name: str, text: str) -> None:
    command = TABLE.parse(name, text)
    ours = name.strip().lstrip("/").lower() in SUBS
    assert (command is not None) == ours
    if command is not None:
        assert_command(command)


@FUZZ
@given(st.one_of(hostile_text, st.builds(lambda n, t: f"{n} {t}", names, hostile_text)))
def test_a_command_typed_in_chat_is_exact_or_none(text: str) -> None:
    command = TABLE.in_text(text)
    if command is not None:
        assert_command(command)
        assert command.sub != "unknown"  # free text that merely starts with a command word


# -- cadence (bot/checkins/cadence.py) -------------------------------------------------------------


@FUZZ
@given(hostile_text)
def test_days_are_weekday_numbers_or_a_cadence_error(text: str) -> None:
    try:
        days = parse_days(text)
    except CadenceError as error:
        assert str(error)
        return
    assert days and list(days) == sorted(set(days)) and set(days) <= set(range(7))


@FUZZ
@given(st.one_of(hostile_text, st.builds("{}:{}".format, hostile_text, hostile_text)))
def test_a_time_is_a_time_of_day_or_a_cadence_error(text: str) -> None:
    try:
        assert isinstance(parse_time(text), time)
    except CadenceError as error:
        assert str(error)


def test_superscripts_and_digit_floods_are_not_a_time() -> None:
    # str.isdigit() says yes to "²", but int() says no, and int() refuses 5000 digits too:
    # both were a ValueError, not the CadenceError callers catch.
    for text in ("²:30", "09:³⁰", "9" * 5000 + ":30", "0" * 5000 + "9:30"):
        try:
            parse_time(text)
        except CadenceError:
            continue
        raise AssertionError(f"{text[:20]!r} was read as a time")


@FUZZ
@given(st.one_of(hostile_text, st.sampled_from(["UTC", "Europe/Berlin", "America", "../x"])))
def test_a_zone_is_a_zone_or_a_cadence_error(name: str) -> None:
    try:
        assert isinstance(parse_zone(name), ZoneInfo)
    except CadenceError as error:
        assert str(error)


@FUZZ
@given(hostile_text, st.dates(date(2000, 1, 1), date(2100, 1, 1)))
def test_a_day_is_a_date_or_none(word: str, today: date) -> None:
    day = read_day(word, today)
    assert day is None or isinstance(day, date)
    if day is not None and not re.fullmatch(r"\s*\d{4}-?\d{2}-?\d{2}\s*", word):
        assert today <= day <= today + timedelta(days=7), (word, day)
    assert isinstance(friendly_day(word), str)


@FUZZ
@given(hostile_text, hostile_text, st.integers(-5, 10), hostile_text)
def test_a_cadence_is_made_or_refused_with_a_cadence_error(
    days: str, at: str, every: int, zone: str
) -> None:
    try:
        cadence = make_cadence(days, at, every, zone)
    except CadenceError:
        return
    assert cadence.every_weeks in ALLOWED_EVERY_WEEKS and cadence.days


# -- import files (org, goals, holidays) -------------------------------------------------------


def plausible(good: st.SearchStrategy[str], *bad: str) -> st.SearchStrategy[str]:
    """Mostly a value the column holds well, sometimes a bad one, hostile text or nothing: so
    that whole rows get through and what they give can be checked."""

    def pick(choice: int, value: str, wrong: str, hostile: str) -> str:
        return {0: hostile, 1: "", 2: wrong}.get(choice, value)

    # sampled_from, not integers(): Hypothesis draws integer bounds far more often than 1 in 32.
    wrong = st.sampled_from(bad) if bad else hostile_text
    return st.builds(pick, st.sampled_from(range(32)), good, wrong, hostile_text)


def one(*values: str) -> st.SearchStrategy[str]:
    return st.sampled_from(values)


emails = st.integers(0, 10**6).map("p{}@x.com".format) | one("Ada@X.com", "x@y.org")
BAD_EMAILS = ("a@b", "<ada@x.com>", "a@@b.com", "ada@x.com\x00")
numbers_ok = one("0", "1", "100", "40%", "2.5", "1e15", "-5") | st.floats(-1e6, 1e6).map(repr)
BAD_NUMBERS = ("1e309", "nan", "inf", "1e16", "ten", "²")
ORG_COLUMNS = {
    "email": plausible(emails, *BAD_EMAILS),
    "name": plausible(one("Ada Admin", "<!channel>", "Zoë ✨", "a\tb\nc")),
    "manager_email": plausible(emails | one("ada@x.com"), *BAD_EMAILS),
    "team": plausible(one("Platform", "<@U1>")),
    "timezone": plausible(one("Europe/Berlin", "UTC"), "America", "Mars/Olympus", "../x"),
    "checkin_days": plausible(one("fri", "mon,thu", "mon-fri", "weekdays"), "funday", ","),
    "checkin_time": plausible(one("09:30", "9:30", "23:59"), "24:00", "²:30", "9"),
    "cadence_weeks": plausible(one("1", "2", "4", "2.0"), "3", "1e309", "²"),
    "admin": plausible(one("yes", "no", "true"), "maybe"),
}
objective_ids = st.integers(0, 50).map("o{}".format) | one("a/b.c", "grow")
GOAL_COLUMNS = {
    "objective_id": plausible(objective_ids, "-bad", "x" * 130, "a b"),
    "objective": plausible(one("Grow", "<!here> revenue", "a\x00b")),
    "period": plausible(one("2026-Q1"), "x" * 50),
    "level": plausible(one("company", "team", "person"), "galaxy"),
    "team": plausible(one("Platform")),
    "owner_email": plausible(emails, *BAD_EMAILS),
    "parent_id": plausible(objective_ids, "-bad"),
    "kr_id": plausible(st.integers(0, 10**6).map("kr{}".format), "-bad"),
    "key_result": plausible(one("Weekly signups", "NPS", "<!channel>")),
    "kr_owner_email": plausible(emails, *BAD_EMAILS),
    "metric": plausible(one("number", "percent", "%", "binary", "yes/no", "currency"), "vibes"),
    "start": plausible(numbers_ok, *BAD_NUMBERS),
    "target": plausible(numbers_ok, *BAD_NUMBERS),
    "current": plausible(numbers_ok | one("yes", "done"), *BAD_NUMBERS),
    "unit": plausible(one("signups", "$")),
    "weight": plausible(one("1", "2", "0.5"), "0", "-1"),
    "confidence": plausible(one("1", "10", "7"), "11", "7.5"),
}


def csv_text(columns: dict[str, st.SearchStrategy[str]], required: str) -> st.SearchStrategy[str]:
    """A header (the required column, then others shuffled, some left out) and rows of mostly
    plausible cells, written by the csv module; or hostile text through and through."""

    @st.composite
    def files(draw: st.DrawFn) -> str:
        others = draw(st.permutations([name for name in columns if name != required]))
        header = [required, *others[: draw(st.integers(0, len(others)))]]
        rows = draw(st.lists(st.tuples(*(columns[name] for name in header)), max_size=8))
        out = io.StringIO()
        csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(
            [header, *rows]
        )
        return out.getvalue()

    return either(files(), files(), files(), hostile_text)


def assert_problems(problems: list[ImportProblem]) -> None:
    for problem in problems:
        assert isinstance(problem, ImportProblem) and problem.line >= 1, problem
        assert problem.reason.strip() and len(problem.reason) <= 400, problem


@FUZZ
@given(csv_text(ORG_COLUMNS, "email"))
def test_an_org_file_gives_valid_people_and_line_numbered_problems(text: str) -> None:
    rows, problems = parse_org_csv(text)
    assert_problems(problems)
    for row in rows:
        assert "@" in row.email and row.email == row.email.lower() and row.email.isprintable()
        assert row.manager_email != row.email
        assert row.name.isprintable() and len(row.name) <= 200
        assert row.cadence_weeks in (None, 1, 2, 4)
        if row.timezone is not None:
            ZoneInfo(row.timezone)
        if row.checkin_time is not None:
            assert re.fullmatch(r"\d\d:\d\d", row.checkin_time)


odd_yaml_values = st.one_of(
    hostile_text,
    st.floats(),
    st.integers(-(10**30), 10**30),
    st.none(),
    st.booleans(),
    st.lists(st.just("x"), max_size=2),
    st.dictionaries(st.just("k"), st.just("v"), max_size=1),
)


def yaml_fields(columns: dict[str, str]) -> st.SearchStrategy[dict[str, Any]]:
    """The goals file's fields for one entry: each CSV column's values under its YAML name,
    a few left out, a few odd (lists, nulls, floats), a few unknown."""

    @st.composite
    def fields(draw: st.DrawFn) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        for column, name in columns.items():
            choice = draw(st.sampled_from(range(12)))
            if choice == 0:
                continue
            entry[name] = draw(odd_yaml_values if choice == 1 else GOAL_COLUMNS[column])
        if draw(st.sampled_from(range(8))) == 0:
            entry[draw(hostile_text)] = draw(odd_yaml_values)
        return entry

    return fields()


yaml_key_results = st.lists(
    yaml_fields({"kr_id": "id", "key_result": "title", "kr_owner_email": "owner",
                 "metric": "metric", "start": "start", "target": "target", "current": "current",
                 "unit": "unit", "weight": "weight", "confidence": "confidence"}),
    max_size=4,
)  # fmt: skip
yaml_objectives = st.lists(
    st.tuples(
        yaml_fields({"objective_id": "id", "objective": "title", "period": "period",
                     "level": "level", "team": "team", "owner_email": "owner",
                     "parent_id": "parent", "weight": "weight"}),
        either(yaml_key_results, yaml_key_results, yaml_key_results, odd_yaml_values),
    ).map(lambda pair: {**pair[0], "key_results": pair[1]}),
    max_size=4,
)  # fmt: skip
well_formed_yaml = st.builds(
    lambda period, objectives: yaml.safe_dump({"period": period, "objectives": objectives}),
    GOAL_COLUMNS["period"] | odd_yaml_values,
    yaml_objectives,
)
yaml_docs = either(
    well_formed_yaml,
    well_formed_yaml,
    well_formed_yaml,
    # What safe_dump never writes: aliases, tags, merges, deep nesting, cut-off documents.
    st.sampled_from([
        "[" * 600, "- " * 3000, "a: &a [*a]", "!!python/object:os.system x",
        "objectives: &o [{id: a, title: A, period: P, key_results: *o}]",
        "objectives:\n  - {<<: {id: a, title: A, period: P}, key_results: [{title: K, target: 1}]}",
        "objectives: [{id: a, title: !!binary aGk=, period: 2026-01-01,"
    " key_results: [{? [x] : 1}]}]",
        "period: P\nobjectives:\n  - id: a\n    title: 'unterminated",
    ]),
    hostile_text,
)  # fmt: skip


@FUZZ
@given(
    st.one_of(
        st.tuples(csv_text(GOAL_COLUMNS, "objective_id"), st.just("goals.csv")),
        st.tuples(yaml_docs, st.sampled_from(["goals.yaml", "g.YML"])),
        st.tuples(hostile_text, hostile_text),
    )
)
@pytest.mark.long
def test_a_goals_file_gives_valid_goals_and_line_numbered_problems(case: tuple[str, str]) -> None:
    text, filename = case
    objectives, key_results, problems = parse_goals(text, filename)
    assert_problems(problems)
    keys = {objective.key for objective in objectives}
    for objective in objectives:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,119}", objective.key)
        assert objective.title.isprintable() and objective.period.isprintable()
        assert objective.title and objective.period and objective.level in LEVELS.values()
        assert math.isfinite(objective.weight) and objective.weight > 0
        assert objective.parent_key is None or objective.parent_key != objective.key
    for kr in key_results:
        assert kr.objective_key in keys or kr.objective_key, kr
        assert kr.kind in METRICS.values() and kr.title.isprintable()
        current = [] if kr.current is None else [kr.current]
        assert all(math.isfinite(n) for n in [kr.start, kr.target, kr.weight, *current]), kr
        assert kr.weight > 0 and (kr.kind == "binary" or kr.start != kr.target)
        assert kr.confidence is None or 1 <= kr.confidence <= 10
        if kr.kind == "percent":
            assert min(kr.start, kr.target, *current) >= 0


@FUZZ
@given(
    csv_text(
        {
            "date": plausible(one("2026-12-25", "2024-02-29", "# note"), "2026-02-30"),
            "name": hostile_text,
        },
        "date",
    )
)
def test_a_holiday_file_gives_sorted_iso_dates_and_problems(text: str) -> None:
    days, problems = parse_holidays(text)
    assert_problems(problems)
    assert days == sorted(set(days)) and all(date.fromisoformat(day) for day in days)


# -- pulse questions and answers (bot/pulse/questions.py) --------------------------------------

KINDS = ["likert", "enps", "choice", "multi", "text", "nps", "scale", "single", "bogus"]
question_text = st.builds(
    lambda kind, body, options: f"{kind} {body}" + "".join(f" | {o}" for o in options),
    st.sampled_from(KINDS) | piece,
    hostile_text,
    st.lists(hostile_text | piece, max_size=12),
)
questions_text = st.one_of(
    st.lists(question_text, max_size=12).map("; ".join),
    hostile_text,
)


@FUZZ
@given(questions_text)
def test_custom_questions_are_valid_or_a_pulse_error(text: str) -> None:
    head, colon, rest = split_questions(text)
    assert head + colon + rest == text
    try:
        questions = custom_questions(text)
    except PulseError as error:
        assert str(error).strip()
        return
    assert 1 <= len(questions) <= MAX_QUESTIONS
    for question in questions:
        assert question.kind in (LIKERT, ENPS, SINGLE, MULTI, TEXT)
        assert question.text and len(question.text) <= 300
        if question.kind in (SINGLE, MULTI):
            options = question.options
            assert 2 <= len(options) <= MAX_OPTIONS and len(set(options)) == len(options)
        else:
            assert not question.options and "options" not in question.written()


bank_questions = [question for _, questions in BANK.values() for question in questions]
any_question = st.sampled_from(bank_questions) | questions_text.flatmap(
    lambda text: _first_question(text)
)


def _first_question(text: str) -> st.SearchStrategy[SurveyQuestion]:
    try:
        return st.just(custom_questions(text)[0])
    except PulseError:
        return st.sampled_from(bank_questions)


@FUZZ
@given(any_question, st.one_of(hostile_text, st.sampled_from(["²", "³", "١", "5", "0", "10"])))
def test_a_pulse_answer_is_a_valid_value_or_a_pulse_error(
    question: SurveyQuestion, text: str
) -> None:
    try:
        value = read_answer(question, text)
    except PulseError as error:
        assert str(error).strip()
        return
    kind = question.kind
    if value is None:
        return
    if kind == LIKERT:
        assert value in range(1, 6)
    elif kind == ENPS:
        assert value in range(0, 11)
    elif kind == SINGLE:
        assert value in question.options
    elif kind == MULTI:
        assert value and set(value) <= set(question.options)
    else:
        assert isinstance(value, str) and len(value) <= MAX_FREE_TEXT


def test_superscript_digits_are_no_answer_to_a_scale_or_a_choice() -> None:
    likert = SurveyQuestion(LIKERT, "Clear?")
    choice = SurveyQuestion(SINGLE, "Day?", ("Mon", "Fri"))
    for question in (likert, choice):
        for typed in ("²", "¹"):
            try:
                read_answer(question, typed)
            except PulseError:
                continue
            raise AssertionError(f"{typed!r} was taken as an answer")


# -- what a typed reply means (bot/checkins/interpret.py) ------------------------------------------

kr_models = st.builds(
    KeyResult,
    tenant_id=st.just("t"),
    key=st.just("k"),
    objective_id=st.just(1),
    title=hostile_text,
    kind=st.sampled_from(["number", "percent", "currency", "binary", "weird"]),
    start=bounds,
    target=bounds,
    current=st.none() | bounds,
    unit=st.none() | hostile_text,
    confidence=st.none() | st.integers(1, 10),
)
previous_answers = st.none() | st.builds(
    Answer,
    tenant_id=st.just("t"),
    run_id=st.just(1),
    question_key=st.just("k"),
    number=st.none() | bounds,
    text=st.none() | hostile_text,
    skipped=st.booleans(),
)
check_in_questions = st.fixed_dictionaries(
    {
        "key": st.just("k"),
        "kind": st.sampled_from([q.KR_VALUE, q.KR_CONFIDENCE, q.MOOD, q.FREE_TEXT, "other"]),
        "text": st.just("?"),
    }
)


@FUZZ
@given(check_in_questions, hostile_text, st.none() | kr_models, previous_answers)
def test_a_typed_reply_means_something_well_formed(
    question: dict[str, Any], text: str, kr: KeyResult | None, previous: Answer | None
) -> None:
    outcome = interpret(question, text, kr, previous)
    if isinstance(outcome, Said):
        assert outcome.text is None or isinstance(outcome.text, str)
        return
    assert isinstance(outcome, PARSED), outcome
    if isinstance(outcome, Invalid):
        assert outcome.reason.strip()
    if isinstance(outcome, Value):
        assert math.isfinite(outcome.number)


def test_the_strategies_carry_the_hostile_pieces() -> None:
    assert "<!channel>" in PIECES and "9" * 5000 in PIECES


@pytest.mark.parametrize(
    ("text", "most", "number"),
    [
        ("12", MAX_ROW_ID, 12),
        ("007", 10, 7),
        ("١٢", MAX_ROW_ID, 12),  # Arabic-Indic digits are digits
        ("²", MAX_ROW_ID, None),  # isdigit() says yes, int() says no
        ("9" * 5000, MAX_ROW_ID, None),  # int() refuses past 4300 digits
        (str(MAX_ROW_ID + 1), MAX_ROW_ID, None),  # no INTEGER column holds it
        ("11", 10, None),
        ("-1", 10, None),
        ("", 10, None),
        (" 1", 10, None),
    ],
)
def test_whole_numbers_from_outside(text: str, most: int, number: int | None) -> None:
    assert whole_number(text, most) == number


@FUZZ
@given(hostile_text, st.integers(0, 2**40))
def test_a_whole_number_is_in_range_or_none(text: str, most: int) -> None:
    number = whole_number(text, most)
    assert number is None or 0 <= number <= most


# -- `checkin-bot defaults` (bot/org/defaults.py) -------------------------------------------


@FUZZ
@given(
    st.none() | hostile_text,
    st.none() | hostile_text,
    st.none() | hostile_text,
    st.none() | st.integers(-(10**6), 10**6),
    st.none() | hostile_text,
    st.none() | st.floats(),  # argparse's type=float takes "nan" and "inf"
    st.none() | st.integers(-(10**6), 10**6),
)
def test_org_defaults_are_valid_or_a_cadence_error(
    team: str | None,
    days: str | None,
    at: str | None,
    every: int | None,
    zone: str | None,
    reminder_hours: float | None,
    pulse_k: int | None,
) -> None:
    try:
        settings = updated_defaults(
            OrgSettings(), team=team, days=days, at=at, every_weeks=every, timezone=zone,
            reminder_hours=reminder_hours, pulse_k=pulse_k,
        )  # fmt: skip
    except CadenceError as error:
        assert str(error)
        return
    written = settings.written()
    # An unset cadence is not written at all.
    teams = written.get("team_cadence", {})
    cadence = teams.get(team, {}) if team else written.get("cadence", {})
    assert not team or team in teams or not settings.team_cadence
    make_cadence(
        cadence.get("days", "fri"),
        cadence.get("time", "15:00"),
        int(cadence.get("every_weeks", 1)),
        cadence.get("timezone", "UTC"),
    )
    if "reminder_hours" in written:
        assert 0 < written["reminder_hours"] <= 7 * 24


def test_thousands_sharing_a_placeholder_email_get_short_reasons() -> None:
    """Each of N duplicates listed the N-1 others: 4,000 rows of "n/a" (an HRIS export's
    people without an address) made 92 MB of problems, 20,000 would have made 2.3 GB."""
    text = "email,name\n" + "".join(f"n/a,Person {n}\n" for n in range(20_000))
    rows, problems = parse_org_csv(text)
    assert rows == [] and len(problems) == 20_000
    assert problems[0].reason == "ambiguous: n/a also on lines 3, 4, 5, 6, 7 and 19994 more"
    assert max(len(problem.reason) for problem in problems) < 100


def test_an_ambiguous_key_is_quoted_cut_short() -> None:
    long_key = "a" * 5000
    _, problems = parse_org_csv(f"email\n{long_key}\n{long_key}\n")
    assert [len(problem.reason) < 200 for problem in problems] == [True, True]


def test_a_title_of_nothing_printable_is_a_problem_not_an_empty_title() -> None:
    """Found by the fuzzer: a title of NUL characters was cleaned to an empty title, accepted."""
    header = "objective_id,objective,period\n"
    objectives, _, problems = parse_goals(header + "o1,\x00\x00\x00,2026-Q1\n", "goals.csv")
    assert objectives == []
    assert [p.line for p in problems] == [2]
