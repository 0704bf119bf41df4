"""The whole cycle in the console: the admin sets a company objective on one line; someone new
joins on first contact, gets `help`, checks in, adds a personal objective with two key results
aligned under it through the form, and closes the quarter with grades; `checkin-bot export`
shows all of it."""

from __future__ import annotations

import json

from tests.console.conftest import Cli

NEW = "nia@demo.example"


def test_the_console_runs_the_whole_okr_cycle(cli: Cli) -> None:
    assert cli("demo").returncode == 0
    said = cli(
        "chat", "--as", "ada@demo.example", stdin='goals add "Win the mid-market" level company\n'
    ).stdout
    assert "Added #4 “Win the mid-market”: a company objective" in said

    checkin = ["help", "checkin now", "none", "shipped the importer", "4"]
    form = [
        "goals add",
        "Land ten mid-market logos",  # title
        "",  # this quarter
        "",  # personal
        "",  # me
        "#4",  # under #4
        "Mid-market logos",
        "0",
        "10",
        "logos",
        "",
        "Sales cycle",
        "90",
        "60",
        "days",
        "2",  # lower is better
        "",  # no third key result
    ]
    close = ["goals close", "7", "0.7", "75", "0.5", "Referrals close fastest", "1"]
    typed = "\n".join([*checkin, *form, *close]) + "\n"
    chat = cli("chat", "--as", NEW, stdin=typed)
    assert chat.returncode == 0, chat.stderr
    said = chat.stdout
    assert "checkin now" in said.split("you> help", 1)[1]
    assert "saved" in said.split("you> goals add", 1)[0]
    assert "Added #5 “Land ten mid-market logos”: a personal objective" in said
    assert "aligned under #4 “Win the mid-market”" in said
    assert "#5 “Land ten mid-market logos”: grade 0.60" in said

    exported = cli("export")
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    objectives = {o["number"]: o for o in data["objectives"]}
    assert objectives[4]["owner"] == "ada@demo.example" and objectives[4]["level"] == "company"
    mine = objectives[5]
    assert mine["owner"] == NEW and mine["parent"] == objectives[4]["id"]
    assert mine["grade"] == 0.6 and mine["learned"] == "Referrals close fastest"
    assert sorted(kr["grade"] for kr in mine["key_results"]) == [0.5, 0.7]
    assert NEW in [c["person"] for c in data["checkins"]]
