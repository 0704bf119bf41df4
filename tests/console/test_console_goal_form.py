"""`goals add` in the console: the form asked one field at a time, its mistakes asked again,
and cancel (or the end of input) saving nothing."""

from __future__ import annotations

from tests.console.conftest import Cli

# Title, quarter, level, owner, parent; then key result 1 (title, start, target, unit,
# direction), key result 2 (a title only: done or not), and no third.
ADD = [
    "goals add",
    "Ship the mobile app",
    "",
    "",
    "",
    "4",
    "Monthly active users",
    "1000",
    "lots",
    "users",
    "",
    "Launch in the stores",
    "",
    "",
    "",
    "",
    "",
]


def test_a_form_in_the_console_is_asked_field_by_field_and_fixed_where_wrong(cli: Cli) -> None:
    cli("demo")
    typed = [*ADD, "5000", "goals", "goals tree"]
    said = cli("chat", stdin="\n".join(typed) + "\n").stdout

    assert "New objective: a form, one field at a time" in said
    assert "   1) Personal\n" in said and "2) Team" not in said  # Alan manages no one
    assert "Some answers need another look:\n- “lots” isn't a number" in said
    assert "Added #4 “Ship the mobile app”: a personal objective for " in said
    assert "aligned under #3 “Grow recurring revenue”. " in said
    assert "Key results: 2 added." in said
    tree = said[said.rindex("== Goals, ") :]
    assert "  #4 Ship the mobile app (personal, Alan Turing)" in tree  # under #3
    mine = said[said.rindex("== Your goals, ") : said.rindex("== Goals, ")]
    assert "Monthly active users: 1,000 users of 5,000 users" in mine
    assert "Launch in the stores: not done" in mine


def test_cancel_in_a_form_saves_nothing(cli: Cli) -> None:
    cli("demo")
    said = cli("chat", stdin="goals add\nHalf a thought\ncancel\ngoals tree\n").stdout
    assert "Nothing was saved from that form." in said
    assert "Half a thought" not in said.split("Nothing was saved")[1]


def test_input_ending_in_a_form_saves_nothing(cli: Cli) -> None:
    cli("demo")
    said = cli("chat", stdin="goals add\nHalf a thought\n").stdout
    assert "Nothing was saved from that form." in said


def test_settings_in_the_console_are_a_list_and_commands_not_a_form(cli: Cli) -> None:
    cli("demo")
    said = cli("chat", stdin="settings\nsettings off kudos\n").stdout
    assert "Your notification settings" in said and "Kudos DMs: off" in said
    assert "a form, one field at a time" not in said
