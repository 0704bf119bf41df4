"""The digest of a seeded quarter as each platform shows it, against reviewed golden files.

UPDATE_GOLDEN=1 rewrites the files from this run; review the diff by eye before keeping it.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from adapters.slack.render import render_message
from adapters.teams.render import render_card
from bot.digests.digest import Digest, build_digest
from storage.db import Database
from tests.bot.digests.seed import NOW, TENANT, seed_quarter
from tests.conftest import FakeClock
from tests.golden import as_json
from tests.golden import assert_golden as check_golden

GOLDEN = Path(__file__).parent / "golden"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMAGE_PLACEHOLDER = "data:image/png;base64,<PNG>"


@pytest.fixture
async def digest(sqlite_db: Database, clock: FakeClock) -> Digest:
    clock.advance(weeks=4)
    assert clock.now() == NOW
    await seed_quarter(sqlite_db)
    async with sqlite_db.session() as session:
        return await build_digest(session, TENANT, "Platform", clock.now())


def assert_golden(name: str, actual: str) -> None:
    check_golden(GOLDEN, name, actual)


async def test_text_fallback_matches_golden(digest: Digest) -> None:
    text = f"{digest.summary}\n\n---\n\n{digest.card.fallback_text()}\n"
    assert_golden("platform.txt", text)


async def test_slack_blocks_match_golden(digest: Digest) -> None:
    assert_golden("platform.slack.json", as_json(render_message(digest.card)))


async def test_teams_card_matches_golden_with_a_real_png(digest: Digest) -> None:
    card = render_card(digest.card)
    images = [element for element in card["body"] if element.get("type") == "Image"]
    assert len(images) == 1
    prefix, _, data = images[0]["url"].partition(",")
    assert prefix == "data:image/png;base64"
    assert base64.b64decode(data).startswith(PNG_SIGNATURE)
    images[0]["url"] = IMAGE_PLACEHOLDER
    assert_golden("platform.teams.json", as_json(card))


async def test_the_card_carries_a_real_png(digest: Digest) -> None:
    assert digest.card.chart is not None
    assert digest.card.chart.png.startswith(PNG_SIGNATURE)
