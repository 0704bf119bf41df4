"""An answer reads each row once: no SELECT runs twice with the same parameters in one event's
unit of work, through a whole check-in. (Opening a run reads it back after inserting it: that
one may repeat.)"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

from sqlalchemy import event

from bot.core.events import CommandInvoked, TextReceived
from bot.engine import Engine
from storage.db import Database
from tests.bot.conftest import Org
from tests.conftest import RecordingOutbox


async def test_no_select_repeats_within_an_event(
    engine: Engine, org: Org, sqlite_db: Database, outbox: RecordingOutbox
) -> None:
    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _cursor: Any, statement: str, params: Any, _x: Any, _many: bool) -> None:
        seen.append((statement, repr(params)))

    event.listen(sqlite_db.engine.sync_engine, "before_cursor_execute", record)
    ids = itertools.count()
    replies = ["400", "7", "same", "same", "no", "9", "waiting on design review", "shipped", "4"]
    said = [("command", "now"), *(("text", reply) for reply in replies), ("text", "help")]
    counts = []
    for kind, text in said:
        seen.clear()
        event_id = f"e{next(ids)}"
        handled = await engine.handle(
            CommandInvoked(org.alan, "checkin", text, event_id)
            if kind == "command"
            else TextReceived(org.alan, text, event_id),
            deliver=False,
        )
        selects = Counter(s for s in seen if s[0].lstrip().upper().startswith("SELECT"))
        if kind == "text":
            assert [s for s, n in selects.items() if n > 1] == [], text
            # Who is writing is one read: the org, the account and its person together.
            first = [statement for statement, _ in seen[:4]]
            alone = [s for s in first if _reads_only(s, ("person", "platformidentity"))]
            assert alone == [], (text, alone)
            # With no feedback or survey question waiting (read with the person), neither is
            # looked for.
            rows_read = [statement.split()[1] for statement, _ in selects]
            assert not [r for r in rows_read if r.startswith(("feedbackinvite.", "surveyinvite."))]
        counts.append(len(seen))
        await engine.deliver(org.alan, handled.replies, handled.closed, handled.notices)
    assert "Check-in saved" in outbox.texts()[-2]
    # 22 before the org, the account and the person were read together (with whether a
    # feedback or survey question waits), the open run with its waiting prompt, and a run's key
    # results at once.
    assert max(counts) <= 16, counts  # `checkin now`, which opens the run
    typed = [n for n, (kind, _) in zip(counts, said, strict=True) if kind == "text"]
    assert max(typed) <= 12, (
        typed
    )  # 17 for a typed answer before  # 31 before each unit of work kept what it had read


def _reads_only(statement: str, tables: tuple[str, ...]) -> bool:
    """Whether a SELECT reads from one of `tables` alone (no join)."""
    source = " ".join(statement.upper().split()).partition(" FROM ")[2].split(" WHERE ")[0]
    return "JOIN" not in source and source.strip().lower() in tables
