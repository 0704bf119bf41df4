"""The review template: shown to anyone, changed by admins in chat or from a YAML file through
`checkin-bot reviews template`; a cycle asks the questions the template had when it started."""

from __future__ import annotations

import pytest

from bot.core.messages import Card, Form
from bot.reviews.templates import TemplateError, read_yaml
from storage.db import Database
from tests.bot.org_world import World, seed_world
from tests.console.conftest import Cli, cli

START = 'start "Q1" from 2026-01-01 to 2026-03-31 self manager due 2026-03-20'
__all__ = ["cli"]  # the fixture
YAML = """questions:
  - {key: impact, text: "Impact: moves what matters", kind: rating, for: [self, manager]}
  - {key: story, text: "The story of your quarter", kind: text, for: [self]}
"""


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    return await seed_world(
        sqlite_db,
        {"ada": ("Ada Admin", None, True, None), "ana": ("Ana Lopez", "ada", False, None)},
    )


def keys(world: World, who: str) -> list[str]:
    card = world.messages_to(who)[-1]
    assert isinstance(card, Card), card
    return [f.label.split()[0] for f in card.sections[0].fields]


async def test_admins_change_the_template_and_a_cycle_keeps_what_it_started_with(
    world: World,
) -> None:
    await world.command("ana", "review", "template")
    assert keys(world, "ana") == [
        "delivery", "collaboration", "craft", "growth", "went_well", "to_grow",
    ]  # fmt: skip
    await world.command("ana", "review", "template reset")
    assert world.last("ana") == "Only admins change the review template."

    await world.command("ada", "review", 'template add rating "Customer focus" for self manager')
    assert "Added customer_focus." in world.to("ada")[-2]
    await world.command("ada", "review", "template remove craft")
    assert "craft" not in keys(world, "ada") and "customer_focus" in keys(world, "ada")
    await world.command("ada", "review", START)
    await world.command("ada", "review", "template reset")
    assert "default again" in world.last("ada")

    await world.command("ana", "review", "self")
    form = world.messages_to("ana")[-1]
    assert isinstance(form, Form)
    asked = [f.key for f in form.fields]
    assert "customer_focus" in asked and "craft" not in asked  # as the cycle started


async def test_a_template_that_cant_be_used_says_why(world: World) -> None:
    await world.command("ada", "review", "template add rating Customer focus")
    assert world.last("ada").startswith("Say it like: review template add rating")
    await world.command("ada", "review", 'template add rating "X" for bosses')
    assert "For lists who answers it" in world.last("ada")
    await world.command("ada", "review", "template remove nothing_here")
    assert world.last("ada") == "The template has no question nothing_here."
    for text, problem in (
        ("questions: [", "line 1: not YAML"),
        ("questions: 3", "a list under questions"),
        ("questions:\n  - {key: Bad Key, text: x}", "question 1: key is lowercase"),
        ("questions:\n  - {key: a, text: x}\n  - {key: a, text: y}", "used twice"),
        ("questions:\n  - {key: a, text: x, kind: essay}", "kind is rating or text"),
    ):
        with pytest.raises(TemplateError, match=problem):
            read_yaml(text)


def test_the_command_line_replaces_the_template_from_a_file(cli: Cli) -> None:
    assert cli("demo").returncode == 0
    (cli.folder / "questions.yaml").write_text(YAML)
    done = cli("reviews", "template", "questions.yaml", "--org", "console:local")
    assert done.returncode == 0, done.stderr
    assert "console:local: review cycles started from now on ask 2 questions" in done.stdout
    (cli.folder / "bad.yaml").write_text("questions:\n  - {key: a}\n")
    bad = cli("reviews", "template", "bad.yaml", "--org", "console:local")
    assert bad.returncode != 0
    assert "bad.yaml: question 1: text is 1 to 300 characters; nothing changed" in bad.stderr
