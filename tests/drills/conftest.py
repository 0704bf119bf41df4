"""Failure drills: the bot under the failures it must survive (SPEC section 5, reliability),
each a test of the default suite, bounded in time.

- `test_database_outage.py`: PostgreSQL goes away mid-wave under a real `checkin-bot serve`,
  and comes back; everyone is prompted exactly once.
- `test_platform_errors.py`: Slack, then Teams, answer 500s and 429s for a while mid-wave;
  everything arrives once.
- `test_disk_full.py`: SQLite's disk fills up; an answer that can't be stored says so and
  leaves nothing half-written, and `org import` fails in one line.
- A replica SIGKILLed mid-wave is drilled in `tests/scheduler/test_replicas.py`
  (`test_a_replica_killed_mid_wave_is_taken_over_without_skipping_anyone`), with two replicas
  sharing a wave beside it.

Failures last a few seconds here: several times the intervals they exercise (the scheduler's
1 s tick, the prompt writer's retries of about 2 s, the platform clients' backoffs), which
takes each drill down the same paths as a long one. `DRILL_FULL=1` runs them full length: the
database down for a minute, a minute of platform errors:

    DRILL_FULL=1 .venv/bin/pytest -q -s tests/drills
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.postgres import PostgresServer, start_server
from tests.scheduler.test_replicas import CLIENT_ID, CLIENT_SECRET
from tests.slack.mock_api import MockSlackApi

FULL = os.environ.get("DRILL_FULL") == "1"


def seconds(ci: float, full: float) -> float:
    """How long a failure lasts: short in the default suite, as named with DRILL_FULL=1."""
    return full if FULL else ci


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of the drill's own, which it may take down: the shared one
    (`postgres_server`) serves the other tests."""
    server = start_server()
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries are missing; .ci/run installs them")
        pytest.skip("no PostgreSQL server binaries here (apt-get install postgresql)")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def api() -> AsyncIterator[MockSlackApi]:
    """The mock Slack Web API, stamping messages with the real time for a serve process."""
    async with MockSlackApi(client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as mock:
        mock.follow_wall_clock()
        yield mock
