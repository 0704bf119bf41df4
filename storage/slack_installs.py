"""Queries for Slack installations and OAuth states. Tokens arrive and leave already encrypted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.insert import insert_if_absent
from storage.models import SlackInstallation, SlackOAuthState, Tenant

_TENANT_NAME_LENGTH = 200
# (tenant, app) is the row's identity; an update rewrites everything else.
_INSTALLATION_KEY = {"id", "tenant_id", "app_id"}


async def ensure_slack_tenant(
    session: AsyncSession, tenant_id: str, *, external_id: str, name: str, when: datetime
) -> None:
    """Create the tenant on its first install; a reinstall leaves its name and settings alone."""
    await insert_if_absent(
        session,
        Tenant(
            id=tenant_id,
            platform="slack",
            external_id=external_id,
            name=name[:_TENANT_NAME_LENGTH],
            created_at=when,
        ),
    )


async def tenant_name(session: AsyncSession, tenant_id: str) -> str | None:
    tenant = await session.get(Tenant, tenant_id)
    return None if tenant is None else tenant.name


async def save_installation(session: AsyncSession, row: SlackInstallation) -> None:
    """Insert, or overwrite the row of the same (tenant, app).

    A `None` installer keeps the stored one: a token rotation does not say who installed the app.
    """
    # Insert-or-update on the unique key, so two saves racing can't duplicate a row.
    if await insert_if_absent(session, row):
        return
    values = row.model_dump(exclude=_INSTALLATION_KEY)
    if row.installer_user_id is None:
        del values["installer_user_id"]
    await session.exec(
        update(SlackInstallation)
        .where(
            col(SlackInstallation.tenant_id) == row.tenant_id,
            col(SlackInstallation.app_id) == row.app_id,
        )
        .values(**values)
    )


async def find_installation(
    session: AsyncSession, tenant_id: str, app_id: str | None = None
) -> SlackInstallation | None:
    """The tenant's most recent installation, of any app unless `app_id` is given."""
    statement = select(SlackInstallation).where(col(SlackInstallation.tenant_id) == tenant_id)
    if app_id is not None:
        statement = statement.where(col(SlackInstallation.app_id) == app_id)
    statement = statement.order_by(col(SlackInstallation.installed_at).desc())
    return (await session.exec(statement)).first()


async def claim_refresh(
    session: AsyncSession,
    installation_id: int,
    *,
    seen_token: str,
    claimant: str,
    now: datetime,
    until: datetime,
) -> bool:
    """Take the refresh of the row's token, as long as it still holds `seen_token` and no other
    claim is live. One conditional UPDATE: of replicas racing for it, exactly one wins."""
    installation = SlackInstallation
    result = await session.exec(
        update(installation)
        .where(
            col(installation.id) == installation_id,
            col(installation.bot_token_enc) == seen_token,
            or_(
                col(installation.refresh_claim_until).is_(None),
                col(installation.refresh_claim_until) <= now,
            ),
        )
        .values(refresh_claimed_by=claimant, refresh_claim_until=until)
    )
    return bool(result.rowcount == 1)


async def save_refreshed_token(
    session: AsyncSession,
    installation_id: int,
    *,
    seen_token: str,
    token: str,
    refresh_token: str | None,
    expires_at: datetime | None,
) -> bool:
    """Write the refreshed token over `seen_token` and end the claim. False when the row holds
    another token by now (a reinstall): that one stays."""
    result = await session.exec(
        update(SlackInstallation)
        .where(
            col(SlackInstallation.id) == installation_id,
            col(SlackInstallation.bot_token_enc) == seen_token,
        )
        .values(
            bot_token_enc=token,
            bot_refresh_token_enc=refresh_token,
            bot_token_expires_at=expires_at,
            refresh_claimed_by=None,
            refresh_claim_until=None,
        )
    )
    return bool(result.rowcount == 1)


async def release_refresh_claim(session: AsyncSession, installation_id: int, claimant: str) -> None:
    """End `claimant`'s claim without a new token (the refresh failed): the next caller tries."""
    await session.exec(
        update(SlackInstallation)
        .where(
            col(SlackInstallation.id) == installation_id,
            col(SlackInstallation.refresh_claimed_by) == claimant,
        )
        .values(refresh_claimed_by=None, refresh_claim_until=None)
    )


async def delete_installations(session: AsyncSession, tenant_id: str) -> int:
    """Forget every installation of the tenant; its people and goals stay. Returns how many."""
    result = await session.exec(
        delete(SlackInstallation).where(col(SlackInstallation.tenant_id) == tenant_id)
    )
    return int(result.rowcount)


async def issue_oauth_state(
    session: AsyncSession, state: str, expires_at: datetime, now: datetime
) -> None:
    # Abandoned installs leave states behind: sweep the expired ones on the way.
    await session.exec(delete(SlackOAuthState).where(col(SlackOAuthState.expires_at) <= now))
    session.add(SlackOAuthState(state=state, expires_at=expires_at))


async def consume_oauth_state(session: AsyncSession, state: str, now: datetime) -> bool:
    """True once per unexpired state: the DELETE is the claim, so only one replica wins."""
    result = await session.exec(
        delete(SlackOAuthState).where(
            col(SlackOAuthState.state) == state,
            col(SlackOAuthState.expires_at) > now,
        )
    )
    return bool(result.rowcount == 1)
