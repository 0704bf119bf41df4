"""Bot tokens in OAuth mode: read once and kept in process (bounded, never past the rotation
window), refreshed under a claim on the installation row, read again when Slack refuses one.

Against the mock Web API, whose refresh tokens are single-use as Slack's are, and a real
database (SQLite, and PostgreSQL where it says `any_db`). Replicas racing through whole bots:
test_token_replicas.py."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import event

from adapters.slack.app import SlackAdapter, SlackConfig
from adapters.slack.installations import DatabaseInstallationStore, token_rotation_client
from adapters.slack.pacing import SlackSendError
from adapters.slack.rotation import (
    ClaimedRotation,
    TokenRotationNotConfigured,
    TokenRotationPending,
)
from adapters.slack.token_cipher import TokenCipher
from adapters.slack.tokens import SlackTokens
from storage import slack_installs
from storage.db import Database
from tests.slack.conftest import SECRET
from tests.slack.mock_api import MockSlackApi

SECRET_KEY = "a passphrase"
OLD, REFRESH = "xoxe.xoxb-1-T1-old", "xoxe-1-T1-old"
IN_WINDOW = 600  # seconds to expiry: well inside the two hours before it
FAR = 43200

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


def installation(
    team: str = "T1",
    *,
    token: str = OLD,
    refresh: str | None = REFRESH,
    expires_in: int | None = IN_WINDOW,
    org_wide: bool = False,
) -> Installation:
    return Installation(
        app_id="A0CHECKIN",
        enterprise_id=team if org_wide else None,
        team_id=None if org_wide else team,
        bot_token=token,
        bot_id="B0CHECKIN",
        bot_user_id="UBOT",
        bot_scopes=["chat:write", "im:write"],
        bot_refresh_token=refresh,
        bot_token_expires_in=expires_in if refresh else None,
        user_id="U_GRACE",
        is_enterprise_install=org_wide,
    )


def store_on(database: Database) -> DatabaseInstallationStore:
    return DatabaseInstallationStore(database, TokenCipher.from_secret(SECRET_KEY))


def rotation_on(
    store: DatabaseInstallationStore, api: MockSlackApi, *, credentials: bool = True, **options: Any
) -> ClaimedRotation:
    return ClaimedRotation(
        store,
        client_id=api.client_id if credentials else None,
        client_secret=api.client_secret if credentials else None,
        client=token_rotation_client(api.url),
        **options,
    )


def tokens_on(
    store: DatabaseInstallationStore,
    api: MockSlackApi,
    *,
    clock: Callable[[], float] = time.time,
    size: int = 1000,
    max_age: float = 60.0,
    **rotation: Any,
) -> SlackTokens:
    claimed = rotation_on(store, api, **rotation)
    return SlackTokens(store, claimed, clock=clock, size=size, max_age=max_age)


async def installed(
    database: Database, api: MockSlackApi, team: str = "T1", **options: Any
) -> DatabaseInstallationStore:
    """The install saved by one store (another replica's, say); the mock knows its tokens."""
    row = installation(team, **options)
    api.add_team(
        team,
        row.bot_token or "",
        refresh_token=row.bot_refresh_token,
        expires_in=options.get("expires_in", IN_WINDOW),
    )
    store = store_on(database)
    await store.async_save(row)
    return store


@contextmanager
def installation_reads(database: Database) -> Iterator[list[str]]:
    """The statements that read an installation row, as the database is sent them."""
    reads: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "slackinstallation" in statement:
            reads.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", seen)
    try:
        yield reads
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", seen)


async def claim_of(database: Database, tenant_id: str = "slack:T1") -> tuple[Any, Any]:
    async with database.session() as session:
        row = await slack_installs.find_installation(session, tenant_id)
    assert row is not None
    return row.refresh_claimed_by, row.refresh_claim_until


async def leave_claim(database: Database, seconds: float, tenant_id: str = "slack:T1") -> None:
    """A claim, as a replica that died mid-refresh leaves it: taken and never cleared."""
    async with database.session() as session:
        row = await slack_installs.find_installation(session, tenant_id)
        assert row is not None and row.id is not None
        now = datetime.now(UTC)
        until = datetime.fromtimestamp(time.time() + seconds, UTC)
        assert await slack_installs.claim_refresh(
            session,
            row.id,
            seen_token=row.bot_token_enc,
            claimant="crashed-replica",
            now=now,
            until=until,
        )


# -- rotation in one process --------------------------------------------------------------------


async def test_a_token_about_to_expire_is_rotated_saved_and_never_logged(
    sqlite_db: Database, api: MockSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    store = await installed(sqlite_db, api)
    tokens = tokens_on(store, api)

    with caplog.at_level(logging.DEBUG):
        token = await tokens.token("T1")

    [refresh] = api.refreshes()
    assert refresh.ok and refresh.params["refresh_token"] == REFRESH
    new, new_refresh = refresh.response["access_token"], refresh.response["refresh_token"]
    assert token == new
    saved = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert saved is not None
    assert (saved.bot_token, saved.bot_refresh_token) == (new, new_refresh)
    assert saved.user_id == "U_GRACE"  # a rotation keeps the installer
    assert await claim_of(sqlite_db) == (None, None)
    assert "rotated the Slack bot token of slack:T1" in caplog.text
    for secret in (OLD, REFRESH, new, new_refresh, api.client_secret):
        assert secret not in caplog.text


async def test_a_fresh_token_is_read_once_then_served_from_memory(
    sqlite_db: Database, api: MockSlackApi
) -> None:
    store = await installed(sqlite_db, api, token="xoxb-fresh", expires_in=FAR)
    tokens = tokens_on(store, api)

    with installation_reads(sqlite_db) as reads:
        first = await asyncio.gather(*(tokens.token("T1") for _ in range(10)))
        later = [await tokens.token("T1") for _ in range(10)]

    assert set(first + later) == {"xoxb-fresh"}
    assert len(reads) == 1
    assert api.refreshes() == []


async def test_a_kept_token_is_read_again_once_its_rotation_window_opens(
    sqlite_db: Database, api: MockSlackApi
) -> None:
    # Ten minutes short of the window: kept that long at most, however long the cache keeps.
    store = await installed(sqlite_db, api, token="xoxb-fresh", expires_in=7200 + 600)
    now = [time.time()]
    tokens = tokens_on(store, api, clock=lambda: now[0], max_age=10 * 3600)

    with installation_reads(sqlite_db) as reads:
        await tokens.token("T1")
        now[0] += 590
        await tokens.token("T1")
        assert len(reads) == 1
        now[0] += 20
        await tokens.token("T1")
        assert len(reads) == 2


async def test_concurrent_calls_in_one_process_refresh_once(
    sqlite_db: Database, api: MockSlackApi
) -> None:
    store = await installed(sqlite_db, api)
    tokens = tokens_on(store, api)

    found = await asyncio.gather(*(tokens.token("T1") for _ in range(20)))

    [refresh] = api.refreshes()
    assert set(found) == {refresh.response["access_token"]}


async def test_a_tenant_gets_its_own_token_or_none(sqlite_db: Database, api: MockSlackApi) -> None:
    store = await installed(sqlite_db, api, "T1", token="xoxb-one", refresh=None)
    await installed(sqlite_db, api, "T2", token="xoxb-two", refresh=None)
    await installed(sqlite_db, api, "E1", token="xoxb-org", refresh=None, org_wide=True)
    tokens = tokens_on(store, api)

    assert await tokens.token("T1") == "xoxb-one"
    assert await tokens.token("T2") == "xoxb-two"
    assert await tokens.token("E1") == "xoxb-org"  # an org-wide install, by its org's id
    assert await tokens.token("T3") is None


async def test_an_expiring_token_without_client_credentials_is_a_clear_error(
    sqlite_db: Database, api: MockSlackApi
) -> None:
    tokens = tokens_on(await installed(sqlite_db, api), api, credentials=False)

    with pytest.raises(TokenRotationNotConfigured, match="client id and secret"):
        await tokens.token("T1")


async def test_a_failed_refresh_lets_go_of_its_claim_and_the_next_call_refreshes(
    sqlite_db: Database, api: MockSlackApi
) -> None:
    tokens = tokens_on(await installed(sqlite_db, api), api)
    api.fail("oauth.v2.access", 1, error="internal_error")

    with pytest.raises(SlackTokenRotationError):
        await tokens.token("T1")
    assert await claim_of(sqlite_db) == (None, None)
    token = await tokens.token("T1")

    assert [call.ok for call in api.refreshes()] == [False, True]
    assert token == api.refreshes()[-1].response["access_token"]


async def test_the_cache_keeps_its_size_dropping_the_least_recently_used(
    sqlite_db: Database, api: MockSlackApi
) -> None:
    store = await installed(sqlite_db, api, "T1", token="xoxb-one", refresh=None)
    for team in ("T2", "T3"):
        await installed(sqlite_db, api, team, token=f"xoxb-{team}", refresh=None)
    tokens = tokens_on(store, api, size=2)

    with installation_reads(sqlite_db) as reads:
        for team in ("T1", "T2", "T1", "T3"):  # T2 is the least recently used when T3 comes
            await tokens.token(team)
        assert len(reads) == 3
        await tokens.token("T1")
        assert len(reads) == 3
        await tokens.token("T2")
        assert len(reads) == 4


# -- claims -------------------------------------------------------------------------------------


async def test_a_claim_left_by_a_crashed_replica_is_taken_over_once_it_lapses(
    any_db: Database, api: MockSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    store = await installed(any_db, api)
    await leave_claim(any_db, 0.3)
    tokens = tokens_on(store, api, wait_seconds=5.0)

    started = time.monotonic()
    token = await tokens.token("T1")

    assert time.monotonic() - started >= 0.25  # it waited for the claim to lapse
    [refresh] = api.refreshes()
    assert refresh.ok and token == refresh.response["access_token"]
    assert await claim_of(any_db) == (None, None)
    assert "took over the lapsed token refresh of slack:T1" in caplog.text


async def test_a_replica_that_read_the_row_before_another_refreshed_it_does_not_refresh_again(
    any_db: Database, api: MockSlackApi
) -> None:
    store = await installed(any_db, api)
    stale = await store.stored_bot("slack:T1")
    assert stale is not None
    new = await tokens_on(store_on(any_db), api).token("T1")  # the other replica

    # Its claim is refused (the row no longer holds the token it read): it takes the new one.
    fresher = await rotation_on(store, api).fresh(stale)

    assert fresher is not None and fresher.bot.bot_token == new
    assert len(api.refreshes()) == 1


async def test_a_replica_that_read_the_row_before_another_claimed_it_waits_for_that_claim(
    any_db: Database, api: MockSlackApi
) -> None:
    store = await installed(any_db, api)
    stale = await store.stored_bot("slack:T1")
    assert stale is not None and stale.claimed_by is None
    await leave_claim(any_db, 60)  # the other replica, still refreshing

    fresher = await rotation_on(store, api, wait_seconds=0.2).fresh(stale)

    assert fresher is not None and fresher.bot.bot_token == OLD  # still valid meanwhile
    assert api.refreshes() == []
    assert (await claim_of(any_db))[0] == "crashed-replica"


async def test_a_live_claim_is_left_alone_and_the_still_valid_token_serves_meanwhile(
    sqlite_db: Database, api: MockSlackApi
) -> None:
    store = await installed(sqlite_db, api)
    await leave_claim(sqlite_db, 60)
    tokens = tokens_on(store, api, wait_seconds=0.2)

    assert await tokens.token("T1") == OLD
    assert api.refreshes() == []
    assert (await claim_of(sqlite_db))[0] == "crashed-replica"


async def test_an_expired_token_under_another_replicas_claim_is_an_error_to_retry(
    sqlite_db: Database, api: MockSlackApi
) -> None:
    store = await installed(sqlite_db, api, expires_in=-5)
    await leave_claim(sqlite_db, 60)
    tokens = tokens_on(store, api, wait_seconds=0.2)

    with pytest.raises(TokenRotationPending, match="crashed-replica"):
        await tokens.token("T1")
    assert api.refreshes() == []


# -- Slack refusing a token ---------------------------------------------------------------------


def adapter_on(database: Database, api: MockSlackApi) -> SlackAdapter:
    config = SlackConfig(
        api_url=api.url,
        signing_secret=SECRET,
        client_id=api.client_id,
        client_secret=api.client_secret,
        secret_key=SECRET_KEY,
    )
    return SlackAdapter(config, database)


async def test_invalid_auth_drops_the_kept_token_and_the_call_goes_again_with_the_stored_one(
    sqlite_db: Database, api: MockSlackApi
) -> None:
    await installed(sqlite_db, api, token="xoxb-first", refresh=None)
    adapter = adapter_on(sqlite_db, api)
    try:
        await adapter.api.call("T1", "users.info", user="U_ALAN")
        # Another replica's store writes a new token (a reinstall); Slack stops taking the old.
        await installed(sqlite_db, api, token="xoxb-second", refresh=None)
        api.revoke("xoxb-first", "invalid_auth")

        with installation_reads(sqlite_db) as reads:
            await adapter.api.call("T1", "users.info", user="U_ALAN")
            await adapter.api.call("T1", "users.info", user="U_ALAN")
    finally:
        await adapter.close()

    calls = [(call.token, call.response.get("error")) for call in api.called("users.info")]
    assert calls == [
        ("xoxb-first", None),
        ("xoxb-first", "invalid_auth"),
        ("xoxb-second", None),
        ("xoxb-second", None),
    ]
    assert len(reads) == 1


async def test_a_refused_token_still_stored_fails_the_call_and_is_read_again_next_time(
    sqlite_db: Database, api: MockSlackApi
) -> None:
    await installed(sqlite_db, api, token="xoxb-revoked", refresh=None)
    adapter = adapter_on(sqlite_db, api)
    try:
        await adapter.api.call("T1", "users.info", user="U_ALAN")
        api.revoke("xoxb-revoked", "token_revoked")
        with installation_reads(sqlite_db) as reads:
            with pytest.raises(SlackSendError, match="token_revoked"):
                await adapter.api.call("T1", "users.info", user="U_ALAN")
            assert len(reads) == 1  # read again at once, in case another token is stored now
            with pytest.raises(SlackSendError, match="token_revoked"):
                await adapter.api.call("T1", "users.info", user="U_ALAN")
            assert len(reads) == 2
    finally:
        await adapter.close()
