"""What people type never reaches a log through the database: a failed statement's error, and
the statements logged at DEBUG, quote the SQL but not its values."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storage.db import Database, create_engine

TYPED = "my manager is the blocker, honestly"


async def test_a_failed_statement_does_not_quote_its_values(
    sqlite_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG)
    try:
        with pytest.raises(DBAPIError) as failed:
            async with sqlite_db.session() as session:
                statement = text("INSERT INTO answer (run_id, text) VALUES (:run, :said)")
                await session.exec(statement.bindparams(run=999_999, said=TYPED))
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.NOTSET)
    assert "INSERT INTO answer" in str(failed.value)
    assert TYPED not in str(failed.value)
    assert "INSERT INTO answer" in caplog.text  # the statements were logged...
    assert TYPED not in caplog.text  # ...without what was typed


def test_postgresql_hides_them_too() -> None:
    engine = create_engine("postgresql://checkin@127.0.0.1:1/checkin")
    assert engine.sync_engine.hide_parameters
