"""The org: tenants, their people, and how each platform knows a person."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_field


class Tenant(SQLModel, table=True):
    id: str = Field(
        primary_key=True, max_length=200
    )  # "slack:T024BE7LD", "teams:<tenant>", "console:local"
    platform: str = Field(max_length=20)
    external_id: str = Field(max_length=200)
    name: str = Field(default="", max_length=200)
    # Org settings: default cadence, the check-in question set, extra admins.
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = utc_field()


class Person(SQLModel, table=True):
    # A team's people: digests, `checkin team`, pulse audiences.
    __table_args__ = (
        UniqueConstraint("tenant_id", "email"),
        Index("ix_person_tenant_id_team", "tenant_id", "team"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    email: str = Field(max_length=320)
    name: str = Field(default="", max_length=200)
    manager_id: int | None = Field(default=None, foreign_key="person.id")
    team: str | None = Field(default=None, max_length=200)
    timezone: str | None = Field(default=None, max_length=64)  # IANA name; None = org default
    locale: str | None = Field(default=None, max_length=35)  # "de-DE", as the platform tells
    language: str | None = Field(default=None, max_length=8)  # "de", their own choice
    country: str | None = Field(default=None, max_length=2)  # ISO 3166 "DE": public holidays
    # Their notification choices over the org's defaults (bot.notify): quiet hours, kinds off.
    notify: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    # Their chat status said they are away, until then (read ahead of their prompts, when).
    away_until: datetime | None = utc_field(default=None)
    status_read_at: datetime | None = utc_field(default=None)
    checkin_days: str | None = Field(default=None, max_length=40)  # "mon,thu"; None = default
    checkin_time: str | None = Field(default=None, max_length=5)  # "09:30"; None = default
    cadence_weeks: int | None = Field(default=None)  # 1, 2 or 4; None = default
    is_admin: bool = False
    active: bool = True
    paused_until: str | None = Field(default=None, max_length=10)  # local ISO date, inclusive
    reminders: bool = True
    # A manager who reads their team's blockers in the weekly view only, not as DMs.
    weekly_blockers: bool = False
    # `my manager is @ana` waits for Ana to confirm: the manager asked, until she answers.
    manager_asked_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = utc_field()


class PlatformIdentity(SQLModel, table=True):
    """How a person is known on one platform. Ids are namespaced, never guessed from their shape."""

    __table_args__ = (UniqueConstraint("tenant_id", "platform", "external_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    person_id: int = Field(foreign_key="person.id", index=True)
    platform: str = Field(max_length=20)
    external_user_id: str = Field(max_length=200)
    # Where to reach them proactively (DM channel id, Teams conversation reference).
    conversation: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    reachable: bool = True
