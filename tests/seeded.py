"""The time stamped on rows a test writes straight into the database, where the time is not
what the test is about. Rows the engine writes take the time from the test's clock."""

from datetime import UTC, datetime

SEEDED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
