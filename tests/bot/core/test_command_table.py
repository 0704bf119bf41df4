"""The command table: words to rows, exactly as people type them, and `help` read from it."""

from __future__ import annotations

import pytest

from bot.command_table import COMMAND_TABLE
from bot.core.commands import Command, CommandRow, CommandTable, HelpLine

TABLE = COMMAND_TABLE

# The help list people know, in its order; every line comes from one row of the table.
HELP = [
    ("checkin now", "start this period's check-in (or the next one early)"),
    ("checkin edit", "go over this period's answers again"),
    ("checkin skip", "skip this period's check-in"),
    ("checkin pause 2026-12-31", "no check-ins through that day"),
    ("checkin resume", "check-ins again"),
    ("checkin schedule mon,thu 09:30", "your days and time (add: every 2 weeks)"),
    ("checkin reminders off", "no reminder nudges (on to undo)"),
    ("goals / goals 2026-Q3", "your goals this quarter, or another quarter's"),
    (
        "goals add",
        "a new objective, as a form "
        '(or on one line: goals add "Grow revenue" for 2027-Q1 under #3)',
    ),
    (
        'goals kr #12 "New MRR" from 10000 to 20000 USD',
        "a key result for objective #12 (… done: one done or not)",
    ),
    (
        "goals edit #12 / goals archive #12 / goals restore #12 / goals align #12 under #3",
        "change, archive or align an objective",
    ),
    ("goals tree", "every objective, company to team to person"),
    ("goals close", "close the quarter: final values, grades, what you learned"),
    ("checkin team / goals team", "managers: the team's week (status, blockers) and goals"),
    (
        "checkin blockers weekly / now",
        "managers: your team's blockers in checkin team only, or a DM as each comes",
    ),
    ("feedback request @ana from @ben @cy", "ask for feedback (add: anonymous, due friday)"),
    ("feedback give @ana", "tell someone something, unasked"),
    ("feedback inbox", "feedback you owe and feedback you got"),
    ("feedback share 12", "let the person request 12 is about read its answers"),
    ("pulse send engagement to my org", "an anonymous pulse survey (admins and managers)"),
    ("pulse results", "a survey's results, once it has closed"),
    (
        "digest subscribe / digest unsubscribe",
        "typed in a channel: your team's goal digest there every Monday, or no more",
    ),
    ("digest now", "this week's goal digest of your team, in your DM"),
    ("kudos @ana for shipping it #customer-first", "praise, with the company's values"),
    (
        "kudos values / kudos cap 5",
        "the company's values (admins: kudos values add …) / admins: a day's kudos each",
    ),
    (
        "kudos channel / kudos channel off",
        "admins, typed in a channel: kudos posted there, or no more",
    ),
    (
        "kudos stats [team] [2026-Q4]",
        "managers and admins: kudos given and received, per person and per value",
    ),
    ("1on1", "your 1:1s and when each meets next"),
    (
        "1on1 with @ana every 2 weeks tue 10:00",
        "a recurring 1:1, in your time zone; Ana confirms it",
    ),
    (
        "1on1 confirm @ben / 1on1 decline @ben",
        "answer a 1:1 Ben asked for, where there are no buttons",
    ),
    ("1on1 add [@ana] Talk about the roadmap", "a point on your next 1:1's agenda"),
    ("1on1 note [@ana] …", "a note only you see"),
    (
        "1on1 action [@ana] send the draft / 1on1 done 12",
        "an action item, on every agenda until done / done",
    ),
    ("1on1 agenda [@ana] / 1on1 history @ana", "the next agenda / past 1:1s"),
    ("1on1 stop @ana", "end a 1:1, history kept"),
    ("review status", "where each review stands (admins, managers: their people)"),
    (
        'review start "H2 2026" from 2026-07-01 to 2026-12-31 self manager peer due 2026-12-20',
        "admins: a review cycle (for team X, anonymous peers: optional)",
    ),
    ("review self", "your record of the period, and your self review"),
    (
        "review peers @a @b @c",
        "name your peers; managers: review peers @ana approve (or choose @x @y @z)",
    ),
    ("review peer @ana", "your review of Ana as her peer"),
    (
        "review manager @ana / review share @ana",
        "managers: Ana's record, self review and peers, and yours / share it with her",
    ),
    ("review ack [comment]", "you read the review shared with you"),
    (
        'review template / review template add rating "Impact" for self manager',
        "the questions a new cycle asks; admins: add, remove KEY, reset",
    ),
    ("my manager / my team", "who you report to, and your team"),
    ("my manager is @ana", "ask Ana to confirm she's your manager"),
    ("my reports", "who reports to you; confirm or decline who asked"),
    ("org manager @ben is @ana", "admins: Ben reports to Ana (none: to no one)"),
    ("org team @ben Growth", "admins: Ben's team (none: no team)"),
    (
        "settings / settings default",
        "your quiet hours, the messages you get and your language / the org's again",
    ),
    (
        "settings quiet 20:00-07:00 / settings weekends off / settings off kudos / "
        "settings on kudos / settings language de",
        "change one of them (en, de, es)",
    ),
    (
        "settings org",
        "admins: the org's quiet hours, messages on or off by default, kinds kept on",
    ),
    ("home", "your check-in, what's waiting for you, your team and goals"),
    ("help", "this list"),
]


def test_help_lists_the_tables_lines_in_order() -> None:
    assert [(line.example, line.meaning) for line in TABLE.help_lines()] == HELP


def test_help_names_every_command_there_is() -> None:
    """Each row that does something is in `help`, by the words that reach it; the subcommand
    help pages (`feedback help`…) are what `help` itself is for."""
    shown = [phrase.strip() for line in TABLE.help_lines() for phrase in line.example.split(" / ")]
    for row in TABLE.rows:
        if row.handler is None or row.sub == "help":
            continue
        words = row.name if row.default or not row.sub else f"{row.name} {row.sub}"
        assert any(f"{phrase} ".startswith(f"{words} ") for phrase in shown), words


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("/checkin", "", Command("checkin", "now")),
        ("checkin", "  NOW  ", Command("checkin", "now")),
        ("/checkin", "pause 2026-12-31", Command("checkin", "pause", "2026-12-31")),
        ("/goals", "", Command("goals", "mine")),
        ("/goals", "team", Command("goals", "team")),
        ("/goals", "2026-q3", Command("goals", "mine", "2026-q3")),
        ("/goals", "Q3 2026", Command("goals", "mine", "Q3 2026")),
        ("/goals", "the moon", Command("goals", "unknown", "the moon")),
        ("/feedback", "", Command("feedback", "help")),
        ("/pulse", "", Command("pulse", "help")),
        ("/digest", "", Command("digest", "help")),
        ("/digest", "subscribe Growth", Command("digest", "subscribe", "Growth")),
        ("/checkin", "dance wildly", Command("checkin", "unknown", "dance wildly")),
        ("/help", "checkin", Command("help", "", "checkin")),
        ("/home", "", Command("home", "")),
        ("/nope", "now", None),
    ],
)
def test_a_slash_command_finds_its_row(name: str, text: str, expected: Command | None) -> None:
    assert TABLE.parse(name, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("checkin now", Command("checkin", "now")),
        ("/checkin", Command("checkin", "now")),
        ("goals", Command("goals", "mine")),
        ("goals 2026-Q3", Command("goals", "mine")),
        ('goals add "Grow" for 2027-Q1', Command("goals", "add")),
        ("help", Command("help", "")),
        ("help pulse", Command("help", "", "pulse")),
        ("home", Command("home", "")),
        # Answers that start with a command word stay answers.
        ("help needed from design", None),
        ("checkin went fine thanks", None),
        ("home office all week", None),
        # Managers and teams: only their own forms, as "my team …" starts answers too.
        ("my manager is @ana", Command("my", "manager")),
        ("my manager is <@U123|ana>", Command("my", "manager")),
        ("my manager ana@example.com", Command("my", "manager")),
        ("my manager", Command("my", "manager")),
        ("my team", Command("my", "team")),
        ("my reports confirm ben@example.com", Command("my", "reports")),
        ("org manager @ben is @ana", Command("org", "manager")),
        ("org team <@U1> Growth", Command("org", "team")),
        ("my manager is out this week", None),
        ("my manager is away", None),
        ("my team shipped the release", None),
        ("my reports are late", None),
        ("org team is great", None),
        ("goals are on track", None),
        ("goals 2026-Q3 were great", None),
        ("goals " + "word " * 12, None),
        # Feedback requests and surveys name people and questions: they may run long.
        ("feedback request @ana from " + "@p " * 20, Command("feedback", "request")),
        ("pulse send to my org: " + "likert Q; " * 20, Command("pulse", "send")),
        ("400", None),
        ("", None),
    ],
)
def test_typed_text_is_a_command_only_in_its_exact_forms(
    text: str, expected: Command | None
) -> None:
    command = TABLE.in_text(text)
    if expected is None or command is None:
        assert command == expected
    else:
        assert (command.name, command.sub) == (expected.name, expected.sub)


def test_every_row_is_reachable_and_only_unavailable_rows_have_no_handler() -> None:
    for row in TABLE.rows:
        command = TABLE.parse(row.name, row.sub)
        assert command is not None and TABLE.row(command) is row, row
    unavailable = {(row.name, row.sub) for row in TABLE.rows if row.handler is None}
    assert unavailable == {("goals", "update"), ("digest", "help")}


def test_a_table_refuses_a_command_declared_twice_or_without_a_default() -> None:
    row = CommandRow("x", "a", None, (HelpLine("x a", "a"),), default=True)
    with pytest.raises(ValueError, match="twice"):
        CommandTable([row, row])
    with pytest.raises(ValueError, match="default"):
        CommandTable([CommandRow("x", "a", None)])
