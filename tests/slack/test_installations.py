"""Slack installations and OAuth states over a real SQLite file (token rotation: test_tokens.py)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import text

from adapters.slack.installations import DatabaseInstallationStore
from adapters.slack.oauth_state import DatabaseOAuthStateStore
from adapters.slack.token_cipher import TokenCipher, TokenDecryptionError
from storage.db import Database
from storage.models import Tenant
from tests.conftest import FakeClock
from tests.template_databases import SqliteTemplate

SECRET = "correct horse battery staple"


@pytest.fixture
def database(sqlite_db: Database) -> Database:
    return sqlite_db


@pytest.fixture
def store(database: Database) -> DatabaseInstallationStore:
    return DatabaseInstallationStore(database, TokenCipher.from_secret(SECRET))


def installation(
    team_id: str = "T1",
    *,
    token: str = "xoxb-team-one-token",
    refresh_token: str | None = None,
    expires_in: int | None = None,
    user_token: str | None = None,
) -> Installation:
    return Installation(
        app_id="A1",
        team_id=team_id,
        team_name=f"Team {team_id}",
        bot_token=token,
        bot_id=f"B{team_id}",
        bot_user_id=f"U{team_id}BOT",
        bot_scopes=["chat:write", "im:write"],
        bot_refresh_token=refresh_token,
        bot_token_expires_in=expires_in,
        user_id=f"U{team_id}ADMIN",
        user_token=user_token,
        user_scopes=["identify"] if user_token else "",
    )


async def stored_columns(database: Database, tenant_id: str) -> list[dict[str, Any]]:
    async with database.engine.connect() as connection:
        result = await connection.execute(
            text("SELECT * FROM slackinstallation WHERE tenant_id = :tenant"), {"tenant": tenant_id}
        )
        return [dict(row) for row in result.mappings()]


# -- installations ------------------------------------------------------------------------


async def test_saved_installation_is_found_again_with_its_bot_fields(
    store: DatabaseInstallationStore, database: Database
) -> None:
    await store.async_save(installation("T1"))

    found = await store.async_find_installation(enterprise_id=None, team_id="T1")
    bot = await store.async_find_bot(enterprise_id=None, team_id="T1")

    assert found is not None and bot is not None
    assert (found.bot_token, found.bot_id, found.bot_user_id) == (
        "xoxb-team-one-token",
        "BT1",
        "UT1BOT",
    )
    assert (found.app_id, found.team_id, found.team_name, found.user_id) == (
        "A1",
        "T1",
        "Team T1",
        "UT1ADMIN",
    )
    assert list(found.bot_scopes or []) == ["chat:write", "im:write"]
    assert (bot.bot_token, bot.team_id, bot.is_enterprise_install) == (
        "xoxb-team-one-token",
        "T1",
        False,
    )
    async with database.session() as session:
        tenant = await session.get(Tenant, "slack:T1")
    assert tenant is not None
    assert (tenant.platform, tenant.external_id, tenant.name) == ("slack", "T1", "Team T1")


async def test_token_columns_hold_ciphertext_that_decrypts_back_when_a_secret_is_set(
    store: DatabaseInstallationStore, database: Database
) -> None:
    await store.async_save(installation(refresh_token="xoxe-1-refresh", expires_in=43200))

    [row] = await stored_columns(database, "slack:T1")

    for column, token in (
        ("bot_token_enc", "xoxb-team-one-token"),
        ("bot_refresh_token_enc", "xoxe-1-refresh"),
    ):
        assert row[column].startswith("fernet:")
        assert token not in row[column]
        assert TokenCipher.from_secret(SECRET).decrypt(row[column]) == token


async def test_reading_tokens_with_another_secret_is_an_error_naming_the_env_var(
    store: DatabaseInstallationStore, database: Database
) -> None:
    await store.async_save(installation())

    for cipher in (TokenCipher.from_secret("another secret"), TokenCipher.from_secret(None)):
        other = DatabaseInstallationStore(database, cipher)
        with pytest.raises(TokenDecryptionError, match="CHECKIN_SECRET_KEY"):
            await other.async_find_bot(enterprise_id=None, team_id="T1")


async def test_without_a_secret_tokens_are_stored_plain_and_one_warning_says_so(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    store = DatabaseInstallationStore(database, TokenCipher.from_secret(None))

    with caplog.at_level(logging.WARNING):
        await store.async_save(installation("T1"))
        await store.async_save(installation("T2", token="xoxb-team-two-token"))

    [row] = await stored_columns(database, "slack:T1")
    assert row["bot_token_enc"] == "plain:xoxb-team-one-token"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["set CHECKIN_SECRET_KEY to encrypt Slack tokens at rest"]
    found = await store.async_find_bot(enterprise_id=None, team_id="T2")
    assert found is not None and found.bot_token == "xoxb-team-two-token"


async def test_each_workspace_finds_only_its_own_bot(store: DatabaseInstallationStore) -> None:
    await store.async_save(installation("T1", token="xoxb-one"))
    await store.async_save(installation("T2", token="xoxb-two"))

    one = await store.async_find_bot(enterprise_id=None, team_id="T1")
    two = await store.async_find_installation(enterprise_id=None, team_id="T2")

    assert one is not None and one.bot_token == "xoxb-one"
    assert two is not None and two.bot_token == "xoxb-two"
    assert await store.async_find_bot(enterprise_id=None, team_id="T3") is None
    assert await store.async_find_installation(enterprise_id=None, team_id="T3") is None
    assert await store.async_find_bot(enterprise_id=None, team_id=None) is None


async def test_reinstalling_replaces_the_token_in_the_same_row(
    store: DatabaseInstallationStore, database: Database
) -> None:
    await store.async_save(installation(token="xoxb-first"))
    await store.async_save(installation(token="xoxb-second"))

    bot = await store.async_find_bot(enterprise_id=None, team_id="T1")

    assert bot is not None and bot.bot_token == "xoxb-second"
    assert len(await stored_columns(database, "slack:T1")) == 1


async def test_a_user_token_in_an_installation_is_dropped(
    store: DatabaseInstallationStore, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        await store.async_save(installation(user_token="xoxp-user-token"))

    found = await store.async_find_installation(enterprise_id=None, team_id="T1")

    assert found is not None and found.user_token is None
    [row] = await stored_columns(database, "slack:T1")
    assert not any("xoxp" in str(value) for value in row.values())
    assert "xoxp-user-token" not in caplog.text


async def test_only_the_installer_has_an_installation_when_bolt_asks_per_user(
    store: DatabaseInstallationStore,
) -> None:
    await store.async_save(installation())

    mine = await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="UT1ADMIN")
    theirs = await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U9")

    assert mine is not None and theirs is None


async def test_an_org_wide_install_is_one_tenant_for_the_whole_enterprise(
    store: DatabaseInstallationStore, database: Database
) -> None:
    org = Installation(
        app_id="A1",
        enterprise_id="E1",
        enterprise_name="Grid Corp",
        bot_token="xoxb-org-token",
        bot_id="BE1",
        bot_user_id="UE1BOT",
        user_id="UE1ADMIN",
        is_enterprise_install=True,
    )
    await store.async_save(org)

    bot = await store.async_find_bot(enterprise_id="E1", team_id="T7", is_enterprise_install=True)

    assert bot is not None and bot.bot_token == "xoxb-org-token"
    assert await store.async_find_bot(enterprise_id="E1", team_id="T7") is None
    async with database.session() as session:
        tenant = await session.get(Tenant, "slack:E1")
    assert tenant is not None and tenant.name == "Grid Corp"


async def test_uninstalling_deletes_only_that_workspaces_installation(
    store: DatabaseInstallationStore, database: Database
) -> None:
    await store.async_save(installation("T1", token="xoxb-one"))
    await store.async_save(installation("T2", token="xoxb-two"))

    await store.async_delete_all(enterprise_id=None, team_id="T1")

    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is None
    assert await stored_columns(database, "slack:T1") == []
    two = await store.async_find_bot(enterprise_id=None, team_id="T2")
    assert two is not None and two.bot_token == "xoxb-two"
    async with database.session() as session:
        assert await session.get(Tenant, "slack:T1") is not None  # people and goals stay


async def test_revoked_bot_token_deletes_the_bot_but_a_revoked_user_token_does_not(
    store: DatabaseInstallationStore,
) -> None:
    await store.async_save(installation("T1"))

    await store.async_delete_installation(enterprise_id=None, team_id="T1", user_id="UT1ADMIN")
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is not None

    await store.async_delete_bot(enterprise_id=None, team_id="T1")
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is None


# -- OAuth state --------------------------------------------------------------------------


async def test_an_oauth_state_is_accepted_once_by_any_replica(
    sqlite_template: SqliteTemplate, tmp_path: Path, clock: FakeClock
) -> None:
    shared = sqlite_template.copy_to(tmp_path / "shared.db")
    first, second = Database(shared), Database(shared)
    try:
        state = await DatabaseOAuthStateStore(first, now=clock.now).async_issue()
        other_replica = DatabaseOAuthStateStore(second, now=clock.now)

        assert await other_replica.async_consume(state) is True
        assert await other_replica.async_consume(state) is False
        assert await DatabaseOAuthStateStore(first, now=clock.now).async_consume(state) is False
        assert await other_replica.async_consume("never-issued") is False
    finally:
        await first.dispose()
        await second.dispose()


async def test_an_oauth_state_expires_after_ten_minutes(
    database: Database, clock: FakeClock
) -> None:
    states = DatabaseOAuthStateStore(database, now=clock.now)
    early, late = await states.async_issue(), await states.async_issue()

    clock.advance(minutes=9)
    assert await states.async_consume(early) is True
    clock.advance(minutes=2)
    assert await states.async_consume(late) is False


async def test_concurrent_consumes_of_one_state_let_exactly_one_through(
    database: Database, clock: FakeClock
) -> None:
    states = DatabaseOAuthStateStore(database, now=clock.now)
    state = await states.async_issue()

    results = await asyncio.gather(*(states.async_consume(state) for _ in range(5)))

    assert sorted(results) == [False, False, False, False, True]
