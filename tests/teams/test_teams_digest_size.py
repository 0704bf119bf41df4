"""A digest as one Teams message stays under a channel post's size limit: the biggest digest the
engine shapes (every section full, long titles, a five-line chart) keeps its chart, made smaller
when it must; a chart that can't fit at all is left out, with a line saying so."""

from __future__ import annotations

import base64
import io
import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image

from adapters.teams.render_digest import CHART_LEFT_OUT, MAX_POST_BYTES, digest_activity
from bot.core.messages import Text
from bot.digests.digest import Digest, shape_digest
from bot.digests.week import quarter_of
from storage.digest import Change, DigestRows, Member, Reply, Run
from storage.models import KeyResult, Objective
from tests.seeded import SEEDED_AT

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TENANT = "teams:tenant-1"
NOW = datetime(2026, 12, 23, 12, 0, tzinfo=UTC)  # a Wednesday, twelve weeks into 2026-Q4
WEEK = timedelta(weeks=1)
# What sending adds around the activity (conversation, from, recipient, serviceUrl) is kept
# free by the renderer; measured here on the activity as rendered.
SEND_ENVELOPE = 1_024
LONG = "with a title long enough to fill the line and then some more words about it " * 3


def big_digest(objective_count: int, *, seed: int = 7) -> Digest:
    """Objectives with long titles, four key results each that all turned off track this week
    after a quarter of jagged weekly updates, and twelve people with long wins."""
    rng = random.Random(seed)
    people = [Member(n, f"Person {n} Surname", f"p{n}@x.test", True, None) for n in range(12)]
    objectives, key_results, changes = [], [], []
    for o in range(objective_count):
        objectives.append(
            Objective(
                id=o + 1, tenant_id=TENANT, key=f"o{o}", title=f"Objective {o} {LONG}",
                period="2026-Q4", team="Platform", owner_id=o % 12,
                created_at=SEEDED_AT,
            )
        )  # fmt: skip
        for k in range(4):
            kr_id = o * 4 + k + 1
            key_results.append(
                KeyResult(
                    id=kr_id, tenant_id=TENANT, key=f"kr{kr_id}", objective_id=o + 1,
                    title=f"Key result {kr_id} {LONG}", start=0, target=100,
                    current=rng.uniform(0, 100), confidence=2, owner_id=k % 12,
                    updated_at=SEEDED_AT,
                )
            )  # fmt: skip
            for week in range(12):
                when = NOW - WEEK * (12 - week) + timedelta(hours=1)
                changes.append(Change(kr_id, "value", when, rng.uniform(0, 100)))
            changes.append(Change(kr_id, "confidence", NOW - timedelta(days=2), 8))
    changes.sort(key=lambda c: (c.key_result_id, c.field, c.changed_at))
    started, submitted = NOW - timedelta(days=2), NOW - timedelta(days=1)
    runs = [Run(n, n, "submitted", started, submitted) for n in range(12)]
    wins = [Reply(n, f"Win number {n} {LONG}", False) for n in range(12)]
    rows = DigestRows(people, objectives, key_results, changes, runs, wins)
    return shape_digest(rows, "Platform", quarter_of(NOW), NOW)


def size(activity: dict[str, Any]) -> int:
    return len(json.dumps(activity))


def images(activity: dict[str, Any]) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = activity["attachments"][0]["content"]["body"]
    return [element for element in body if element["type"] == "Image"]


def png_of(image: dict[str, Any]) -> bytes:
    prefix, _, data = image["url"].partition(",")
    assert prefix == "data:image/png;base64"
    return base64.b64decode(data)


@pytest.mark.parametrize("objective_count", [5, 40])
def test_the_biggest_digest_fits_one_channel_post_with_its_chart(objective_count: int) -> None:
    digest = big_digest(objective_count)
    assert digest.card.chart is not None
    activity = digest_activity(Text(digest.summary), digest.card)
    assert size(activity) + SEND_ENVELOPE <= MAX_POST_BYTES
    [image] = images(activity)
    assert png_of(image).startswith(PNG_SIGNATURE)
    words = json.dumps(activity)
    assert "Objective 0 with a title" in words and "Win number" in words
    assert activity["summary"].startswith("Platform this week:")


def test_a_chart_too_big_for_the_room_left_is_made_smaller() -> None:
    digest = big_digest(5)
    assert digest.card.chart is not None
    wide = replace(digest.card.chart, png=_scaled(digest.card.chart.png, 1.6))
    activity = digest_activity(Text(digest.summary), replace(digest.card, chart=wide))
    [image] = images(activity)
    shown = png_of(image)
    assert shown.startswith(PNG_SIGNATURE) and len(shown) < len(wide.png)
    assert size(activity) + SEND_ENVELOPE <= MAX_POST_BYTES


def test_a_chart_that_cannot_fit_is_left_out_with_a_line_saying_so() -> None:
    digest = big_digest(5)
    assert digest.card.chart is not None
    noise = replace(digest.card.chart, png=_noise(400, 300))
    activity = digest_activity(Text(digest.summary), replace(digest.card, chart=noise))
    assert images(activity) == []
    assert CHART_LEFT_OUT in json.dumps(activity)
    assert size(activity) + SEND_ENVELOPE <= MAX_POST_BYTES


def _scaled(png: bytes, factor: float) -> bytes:
    with Image.open(io.BytesIO(png)) as opened:
        image = opened.convert("RGB")
    image = image.resize((round(image.width * factor), round(image.height * factor)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _noise(width: int, height: int) -> bytes:
    rng = random.Random(1)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
