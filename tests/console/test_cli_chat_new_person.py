"""`checkin-bot chat --as EMAIL` for someone the console org doesn't know yet: they join it on
first contact, as in a workspace; an email that isn't one, or a Slack or Teams org, is refused.
And managers in the console chat: two people of one console org, one asking, one confirming."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.console.conftest import Cli

HEADER = "email,name,manager_email,team\n"


def people(cli: Cli, org: str = "console:local") -> dict[str, dict[str, Any]]:
    exported = cli("export", "--org", org)
    assert exported.returncode == 0, exported.stderr
    return {p["email"]: p for p in json.loads(exported.stdout)["people"]}


def test_someone_new_joins_the_console_org_on_first_contact_and_checks_in(cli: Cli) -> None:
    assert cli("demo").returncode == 0
    chat = cli("chat", "--as", "Newbie@Demo.Example", stdin="checkin now\nmy manager\n")
    assert chat.returncode == 0, chat.stderr
    assert "I don't know" not in chat.stdout and "Traceback" not in chat.stderr
    assert "Hi " in chat.stdout  # greeted, like anyone opening the chat
    assert "Anything blocking you?" in chat.stdout  # no key results: straight to blockers
    assert "Your manager: none set." in chat.stdout
    newbie = people(cli)["newbie@demo.example"]
    # The org's default cadence (nothing of their own) and no manager, as on Slack or Teams.
    assert newbie["manager"] is None and newbie["team"] is None and newbie["admin"] is False
    assert (newbie["checkin_days"], newbie["checkin_time"], newbie["cadence_weeks"]) == (
        None,
        None,
        None,
    )
    assert newbie["accounts"] == [
        {"platform": "console", "user": "newbie@demo.example", "reachable": True}
    ]
    again = cli("chat", "--as", "newbie@demo.example", stdin="my team\n")
    assert again.returncode == 0 and "You're in no team." in again.stdout
    assert list(people(cli)).count("newbie@demo.example") == 1


@pytest.mark.parametrize("typed", ["newbie", "newbie@", "new bie@demo.example", "<a@b.example>"])
def test_something_that_isnt_an_email_is_refused_clearly(cli: Cli, typed: str) -> None:
    assert cli("demo").returncode == 0
    before = people(cli)
    result = cli("chat", "--as", typed, stdin="checkin now\n")
    assert result.returncode == 2, result
    assert "is not an email address: chat --as takes one" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert people(cli) == before


@pytest.mark.parametrize("org", ["slack:T9", "teams:tenant-9"])
def test_in_a_slack_or_teams_org_someone_new_is_still_refused(cli: Cli, org: str) -> None:
    (cli.folder / "org.csv").write_text(HEADER + "ann@acme.test,Ann,,Eng\n")
    assert cli("org", "import", "org.csv", "--org", org).returncode == 0
    result = cli("chat", "--as", "nobody@acme.test", "--org", org, stdin="checkin now\n")
    assert result.returncode == 2, result
    assert f"no one with the email nobody@acme.test in {org}" in result.stderr
    assert list(people(cli, org)) == ["ann@acme.test"]


def test_in_the_console_one_person_asks_and_the_other_confirms_by_typing(cli: Cli) -> None:
    assert cli("demo").returncode == 0
    asked = cli("chat", "--as", "alan@demo.example", stdin="my manager is @margaret\n")
    assert asked.returncode == 0, asked.stderr
    assert "Asked Margaret Hamilton to confirm they're your manager." in asked.stdout
    # The question is shown, addressed to Margaret, with how to answer it from her chat.
    assert "[to margaret@demo.example; chat --as margaret@demo.example to answer]" in asked.stdout
    assert "Alan Turing (alan@demo.example) says you are their manager. Are you?" in asked.stdout
    assert "[Confirm]  [Decline]" in asked.stdout
    assert "Or type: my reports confirm alan@demo.example (or decline)." in asked.stdout

    answered = cli(
        "chat",
        "--as",
        "margaret@demo.example",
        stdin="my reports\nmy reports confirm alan@demo.example\n",
    )
    assert answered.returncode == 0, answered.stderr
    assert "No one reports to you here." in answered.stdout
    assert "Confirmed: Alan Turing reports to you now." in answered.stdout
    assert "[to alan@demo.example]\nMargaret Hamilton confirmed: you report to them now." in (
        answered.stdout
    )
    assert "[to grace@demo.example]\nAlan Turing no longer reports to you" in answered.stdout
    assert people(cli)["alan@demo.example"]["manager"] == "margaret@demo.example"


def test_in_the_console_an_admin_sets_a_team_and_a_manager_by_email(cli: Cli) -> None:
    assert cli("demo").returncode == 0
    result = cli(
        "chat",
        "--as",
        "ada@demo.example",
        stdin="org team katherine@demo.example Growth\n"
        "org manager @katherine is margaret@demo.example\n"
        "org manager @nobody is @ada\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Done: Katherine Johnson is in the team Growth now (was: Engineering)." in result.stdout
    assert "[to katherine@demo.example]\nAda Lovelace put you in the team Growth." in result.stdout
    assert "Done: Katherine Johnson reports to Margaret Hamilton now" in result.stdout
    assert "I don't know @nobody in this org." in result.stdout
    katherine = people(cli)["katherine@demo.example"]
    assert (katherine["team"], katherine["manager"]) == ("Growth", "margaret@demo.example")
    refused = cli("chat", "--as", "alan@demo.example", stdin="org team me Growth\n")
    assert "Only admins change managers and teams. The admins here: Ada Lovelace." in (
        refused.stdout
    )
