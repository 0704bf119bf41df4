"""The digest of the seeded quarter in each language, against reviewed golden files: the card's
titles, sections, labels, summary line, dates and the chart's words, as plain text and as Slack
and Teams show it (English is test_digest_golden's; here it is written once more beside the
others, to read them side by side).

UPDATE_GOLDEN=1 rewrites the files from this run; review the diff by eye before keeping it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.slack.render import render_message
from adapters.teams.render import render_card
from bot.core.i18n import speaking
from bot.digests.digest import Digest, build_digest
from storage.db import Database
from tests.bot.digests.seed import NOW, TENANT, seed_quarter
from tests.conftest import FakeClock
from tests.golden import as_json, assert_golden

GOLDEN = Path(__file__).parent / "golden"
IMAGE_PLACEHOLDER = "data:image/png;base64,<PNG>"
LANGUAGES = ("en", "de", "es")


@pytest.fixture
async def digests(sqlite_db: Database, clock: FakeClock) -> dict[str, Digest]:
    clock.advance(weeks=4)
    assert clock.now() == NOW
    await seed_quarter(sqlite_db)
    built = {}
    async with sqlite_db.session() as session:
        for language in LANGUAGES:
            with speaking(language):
                built[language] = await build_digest(session, TENANT, "Platform", clock.now())
    return built


def _text(digest: Digest) -> str:
    return f"{digest.summary}\n\n---\n\n{digest.card.fallback_text()}\n"


async def test_the_english_digest_is_the_one_test_digest_golden_reviewed(
    digests: dict[str, Digest],
) -> None:
    assert _text(digests["en"]) == (GOLDEN / "platform.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_digest_in_text_matches_golden(digests: dict[str, Digest], language: str) -> None:
    with speaking(language):  # as a platform without cards renders it, for its reader
        text = _text(digests[language])
    assert_golden(GOLDEN, f"digest.{language}.txt", text)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_digest_in_slack_blocks_matches_golden(
    digests: dict[str, Digest], language: str
) -> None:
    with speaking(language):
        blocks = render_message(digests[language].card)
    assert_golden(GOLDEN, f"digest.{language}.slack.json", as_json(blocks))


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_digest_in_a_teams_card_matches_golden(
    digests: dict[str, Digest], language: str
) -> None:
    with speaking(language):
        card = render_card(digests[language].card)
    for element in card["body"]:
        if element.get("type") == "Image":
            element["url"] = IMAGE_PLACEHOLDER
    assert_golden(GOLDEN, f"digest.{language}.teams.json", as_json(card))


async def test_german_and_spanish_digests_say_it_in_their_words(
    digests: dict[str, Digest],
) -> None:
    german, spanish = _text(digests["de"]), _text(digests["es"])
    assert digests["de"].summary.startswith("Platform diese Woche: 4 Ziele, Ø 73 % (+1)")
    assert "Platform: Wochen-Digest" in german and "Jetzt gefährdet oder vom Kurs ab" in german
    assert "Fortschritt der Ziele in 2026-Q4 (%)" in german and "72,7 (23. Dez.)" in german
    assert "Die Woche bis zum 23. Dez. 2026." in german
    assert digests["es"].summary.startswith("Platform esta semana: 4 objetivos, media 73 % (+1)")
    assert "Platform: resumen semanal" in spanish and "Principales logros" in spanish
    assert "72,7 (23 dic)" in spanish and "La semana hasta el 23 dic 2026." in spanish
    assert digests["de"].card.chart is not None and digests["es"].card.chart is not None
    assert digests["de"].card.chart.alt.startswith("Fortschritt der Ziele in 2026-Q4 (%).")
