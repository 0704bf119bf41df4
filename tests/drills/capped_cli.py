"""`python -m tests.drills.capped_cli PAGES [checkin-bot arguments]`: the real command line,
with every SQLite connection capped at PAGES pages (PRAGMA max_page_count), so that a write
needing more room fails as on a full disk: SQLITE_FULL, "database or disk is full"."""

from __future__ import annotations

import sys
from typing import Any

import storage.db
from app.cli import main


def cap(pages: int) -> None:
    """Every connection opened from now on is capped (engines look the hook up when made)."""
    pragmas = storage.db._sqlite_pragmas

    def capped(dbapi_connection: Any, _record: Any) -> None:
        pragmas(dbapi_connection, _record)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA max_page_count={pages:d}")
        cursor.close()

    storage.db._sqlite_pragmas = capped


if __name__ == "__main__":
    cap(int(sys.argv[1]))
    sys.exit(main(sys.argv[2:]))
