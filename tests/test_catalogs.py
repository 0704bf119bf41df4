"""Every word the bot says in chat is in the catalogs, German and Spanish complete: a message
with no translation, or a translation whose placeholders aren't the message's, fails here.
`./dev catalogs` adds new messages to the catalogs, to be translated."""

from __future__ import annotations

import pytest

from app.catalogs import PACKAGES, extract, problems


@pytest.mark.parametrize("package", PACKAGES)
def test_every_message_has_a_translation(package: str) -> None:
    assert list(problems(package)) == []


def test_the_catalogs_are_not_empty() -> None:
    """Extraction finds the messages: a package that says things has some."""
    for package in ("bot.checkins", "bot.goals", "bot.pulse", "adapters"):
        assert len(extract(package)) > 30, package
