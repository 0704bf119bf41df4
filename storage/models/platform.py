"""What the platforms hand us: events already handled, Slack installations, OAuth states."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_field


class ProcessedEvent(SQLModel, table=True):
    """Inbound events already handled: platforms retry, we act once. Kept for the org's
    retention, then pruned (bot/housekeeping)."""

    __table_args__ = (Index("ix_processedevent_tenant_received", "tenant_id", "received_at"),)

    tenant_id: str = Field(foreign_key="tenant.id", primary_key=True, max_length=200)
    platform: str = Field(primary_key=True, max_length=20)
    event_id: str = Field(primary_key=True, max_length=200)
    received_at: datetime = utc_field()


class SlackInstallation(SQLModel, table=True):
    """The latest bot installation of one Slack app in one workspace (or one org, if org-wide).

    Bot tokens only: the app asks for no user scopes, so user tokens are never stored.
    """

    __table_args__ = (UniqueConstraint("tenant_id", "app_id"),)

    id: int | None = Field(default=None, primary_key=True)
    # "slack:<team_id>", or "slack:<enterprise_id>" for an org-wide install.
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    app_id: str = Field(max_length=40)
    team_id: str | None = Field(default=None, max_length=40)
    enterprise_id: str | None = Field(default=None, max_length=40)
    is_enterprise_install: bool = False
    bot_user_id: str = Field(max_length=40)
    bot_id: str = Field(max_length=40)
    bot_scopes: str = Field(default="", sa_column=Column(Text, nullable=False))  # comma-separated
    # "fernet:…" (or "plain:…" when no CHECKIN_SECRET_KEY is set), never the bare token.
    bot_token_enc: str = Field(sa_column=Column(Text, nullable=False))
    bot_refresh_token_enc: str | None = Field(default=None, sa_column=Column(Text))
    bot_token_expires_at: datetime | None = utc_field(default=None)  # set when rotation is on
    installer_user_id: str | None = Field(default=None, max_length=40)
    installed_at: datetime = utc_field()
    # A replica refreshing the rotating token: others wait for its new token rather than spend
    # the single-use refresh token twice. Taken over once `refresh_claim_until` has passed.
    refresh_claimed_by: str | None = Field(default=None, max_length=100)
    refresh_claim_until: datetime | None = utc_field(default=None)


class SlackOAuthState(SQLModel, table=True):
    """An OAuth `state` in flight, shared by all replicas and consumed once (CSRF protection)."""

    state: str = Field(primary_key=True, max_length=200)
    # Nullable, unlike every other tenant_id: the workspace is only known once Slack calls back.
    tenant_id: str | None = Field(default=None, foreign_key="tenant.id", max_length=200)
    expires_at: datetime = utc_field(index=True)
