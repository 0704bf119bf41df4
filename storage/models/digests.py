"""Channels subscribed to a team's weekly goal digest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_field


class DigestSubscription(SQLModel, table=True):
    """A channel that gets a team's weekly goal digest (team None: the whole org)."""

    __table_args__ = (UniqueConstraint("tenant_id", "channel_key", "team_key"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    platform: str = Field(max_length=20)
    channel_key: str = Field(max_length=300)  # the platform's id of the channel
    channel_name: str = Field(default="", max_length=200)
    channel: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    team: str | None = Field(default=None, max_length=200)
    team_key: str = Field(default="", max_length=200)  # team lowercased; "" for the whole org
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = utc_field()
