"""Messages held back by someone's quiet hours, until they end."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from storage.types import utc_field


class HeldMessage(SQLModel, table=True):
    """What the bot would have sent a person during their quiet hours: sent once they end, unless
    its purpose passed by then (`purpose` names what it is about, "checkin_run:12")."""

    __table_args__ = (Index("ix_heldmessage_person_release", "person_id", "release_at"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    person_id: int = Field(foreign_key="person.id")
    release_at: datetime = utc_field()
    kinds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    purpose: str | None = Field(default=None, max_length=100)
    messages: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = utc_field()
