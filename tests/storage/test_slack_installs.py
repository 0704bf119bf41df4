"""Slack installation and OAuth-state queries on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage import slack_installs
from storage.db import Database
from storage.models import SlackInstallation, SlackOAuthState, Tenant
from tests.seeded import SEEDED_AT

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def installation(
    team_id: str = "T1",
    *,
    app_id: str = "A1",
    token: str = "fernet:one",
    refresh: str | None = None,
    installer: str | None = "UADMIN",
    installed_at: datetime = NOW,
) -> SlackInstallation:
    return SlackInstallation(
        tenant_id=f"slack:{team_id}",
        app_id=app_id,
        team_id=team_id,
        bot_user_id=f"U{team_id}BOT",
        bot_id=f"B{team_id}",
        bot_scopes="chat:write",
        bot_token_enc=token,
        bot_refresh_token_enc=refresh,
        bot_token_expires_at=NOW + timedelta(hours=12) if refresh else None,
        installer_user_id=installer,
        installed_at=installed_at,
    )


async def install(database: Database, row: SlackInstallation) -> None:
    async with database.session() as session:
        await slack_installs.ensure_slack_tenant(
            session,
            row.tenant_id,
            external_id=row.team_id or "",
            name=f"Team {row.team_id}",
            when=row.installed_at,
        )
        await slack_installs.save_installation(session, row)


async def find(
    database: Database, tenant_id: str, app_id: str | None = None
) -> SlackInstallation | None:
    async with database.session() as session:
        return await slack_installs.find_installation(session, tenant_id, app_id)


# -- installations ------------------------------------------------------------------------


async def test_saving_again_updates_the_one_row_and_keeps_the_installer_when_none_is_given(
    any_db: Database,
) -> None:
    await install(any_db, installation(token="fernet:old", refresh="fernet:refresh"))
    await install(any_db, installation(token="fernet:new", refresh=None, installer=None))

    async with any_db.session() as session:
        rows = (await session.exec(select(SlackInstallation))).all()
    assert len(rows) == 1
    [row] = rows
    assert (row.bot_token_enc, row.installer_user_id) == ("fernet:new", "UADMIN")
    assert (row.bot_refresh_token_enc, row.bot_token_expires_at) == (None, None)


async def test_ensuring_a_tenant_twice_keeps_the_first_name_and_fits_the_column(
    any_db: Database,
) -> None:
    async with any_db.session() as session:
        await slack_installs.ensure_slack_tenant(
            session, "slack:T1", external_id="T1", name="x" * 300, when=SEEDED_AT
        )
        await slack_installs.ensure_slack_tenant(
            session, "slack:T1", external_id="T1", name="y", when=SEEDED_AT
        )
        name = await slack_installs.tenant_name(session, "slack:T1")
        tenant = await session.get(Tenant, "slack:T1")
        missing = await slack_installs.tenant_name(session, "slack:T9")

    assert name == "x" * 200
    assert tenant is not None and (tenant.platform, tenant.external_id) == ("slack", "T1")
    assert missing is None


async def test_each_tenant_finds_and_deletes_only_its_own_installations(
    any_db: Database,
) -> None:
    await install(any_db, installation("T1", token="fernet:one"))
    await install(any_db, installation("T2", token="fernet:two"))

    one, two = await find(any_db, "slack:T1"), await find(any_db, "slack:T2")
    assert one is not None and one.bot_token_enc == "fernet:one"
    assert two is not None and two.bot_token_enc == "fernet:two"
    assert await find(any_db, "slack:T3") is None

    async with any_db.session() as session:
        deleted = await slack_installs.delete_installations(session, "slack:T1")

    assert deleted == 1
    assert await find(any_db, "slack:T1") is None
    assert await find(any_db, "slack:T2") is not None


async def test_the_latest_installation_is_found_unless_an_app_is_named(
    any_db: Database,
) -> None:
    await install(any_db, installation(app_id="A1", token="fernet:a1", installed_at=NOW))
    later = NOW + timedelta(days=1)
    await install(any_db, installation(app_id="A2", token="fernet:a2", installed_at=later))

    latest, first = await find(any_db, "slack:T1"), await find(any_db, "slack:T1", "A1")

    assert latest is not None and latest.bot_token_enc == "fernet:a2"
    assert first is not None and first.bot_token_enc == "fernet:a1"
    assert await find(any_db, "slack:T2", "A1") is None


# -- claims on refreshing a rotating token ------------------------------------------------------


async def claim(
    database: Database, claimant: str, *, seen: str = "fernet:one", now: datetime = NOW
) -> bool:
    row = await find(database, "slack:T1")
    assert row is not None and row.id is not None
    async with database.session() as session:
        return await slack_installs.claim_refresh(
            session,
            row.id,
            seen_token=seen,
            claimant=claimant,
            now=now,
            until=now + timedelta(seconds=30),
        )


async def test_of_concurrent_claims_on_separate_sessions_exactly_one_wins(any_db: Database) -> None:
    await install(any_db, installation(refresh="fernet:refresh"))

    results = await asyncio.gather(*(claim(any_db, f"replica-{n}") for n in range(5)))

    assert sorted(results) == [False, False, False, False, True]
    row = await find(any_db, "slack:T1")
    assert row is not None and row.refresh_claimed_by == f"replica-{results.index(True)}"
    assert row.refresh_claim_until == NOW + timedelta(seconds=30)


async def test_a_claim_needs_the_token_as_read_and_no_live_claim_and_lapses(
    any_db: Database,
) -> None:
    await install(any_db, installation(refresh="fernet:refresh"))

    assert await claim(any_db, "late", seen="fernet:older") is False
    assert await claim(any_db, "first") is True
    assert await claim(any_db, "second", now=NOW + timedelta(seconds=29)) is False
    assert await claim(any_db, "second", now=NOW + timedelta(seconds=30)) is True


async def test_a_refreshed_token_is_saved_over_the_one_read_and_ends_the_claim(
    any_db: Database,
) -> None:
    await install(any_db, installation(refresh="fernet:refresh"))
    assert await claim(any_db, "me") is True
    row = await find(any_db, "slack:T1")
    assert row is not None and row.id is not None
    expires = NOW + timedelta(hours=12)

    async with any_db.session() as session:
        stale = await slack_installs.save_refreshed_token(
            session,
            row.id,
            seen_token="fernet:older",
            token="x",
            refresh_token="y",
            expires_at=None,
        )
        saved = await slack_installs.save_refreshed_token(
            session,
            row.id,
            seen_token="fernet:one",
            token="fernet:new",
            refresh_token="fernet:new-refresh",
            expires_at=expires,
        )

    assert (stale, saved) == (False, True)
    row = await find(any_db, "slack:T1")
    assert row is not None
    assert (row.bot_token_enc, row.bot_refresh_token_enc) == ("fernet:new", "fernet:new-refresh")
    assert row.bot_token_expires_at == expires
    assert (row.refresh_claimed_by, row.refresh_claim_until) == (None, None)


async def test_only_its_claimant_lets_go_of_a_claim(any_db: Database) -> None:
    await install(any_db, installation(refresh="fernet:refresh"))
    assert await claim(any_db, "me") is True
    row = await find(any_db, "slack:T1")
    assert row is not None and row.id is not None

    async with any_db.session() as session:
        await slack_installs.release_refresh_claim(session, row.id, "someone-else")
    assert await claim(any_db, "third") is False
    async with any_db.session() as session:
        await slack_installs.release_refresh_claim(session, row.id, "me")
    assert await claim(any_db, "third") is True


# -- OAuth states -------------------------------------------------------------------------


async def issue(database: Database, state: str, expires_at: datetime, now: datetime) -> None:
    async with database.session() as session:
        await slack_installs.issue_oauth_state(session, state, expires_at, now)


async def consume(database: Database, state: str, now: datetime = NOW) -> bool:
    async with database.session() as session:
        return await slack_installs.consume_oauth_state(session, state, now)


async def test_a_state_is_consumed_once_and_never_after_it_expires(any_db: Database) -> None:
    await issue(any_db, "fresh", NOW + timedelta(minutes=10), NOW)
    await issue(any_db, "stale", NOW + timedelta(minutes=10), NOW)

    assert await consume(any_db, "fresh") is True
    assert await consume(any_db, "fresh") is False
    assert await consume(any_db, "never-issued") is False
    assert await consume(any_db, "stale", NOW + timedelta(minutes=10)) is False


async def test_issuing_a_state_sweeps_the_expired_ones(any_db: Database) -> None:
    await issue(any_db, "old", NOW + timedelta(minutes=10), NOW)
    later = NOW + timedelta(minutes=10)
    await issue(any_db, "new", later + timedelta(minutes=10), later)

    async with any_db.session() as session:
        states = (await session.exec(select(SlackOAuthState.state))).all()
    assert states == ["new"]


async def test_concurrent_consumes_on_separate_sessions_let_exactly_one_through(
    any_db: Database,
) -> None:
    await issue(any_db, "contested", NOW + timedelta(minutes=10), NOW)

    results = await asyncio.gather(*(consume(any_db, "contested") for _ in range(5)))

    assert sorted(results) == [False, False, False, False, True]
