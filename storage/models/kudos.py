"""Kudos: public praise tied to the company's values, and the values themselves."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_field


class KudosValue(SQLModel, table=True):
    """One of the company's values, as kudos carry it: #customer-first."""

    __table_args__ = (UniqueConstraint("tenant_id", "tag"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    tag: str = Field(max_length=60)  # lowercased, without the #
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=500)
    created_at: datetime = utc_field()


class Kudos(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    giver_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    message: str = Field(max_length=1000)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    private: bool = False
    # Where it was posted in the org's kudos channel, once it was.
    posted: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = utc_field()


class KudosReceiver(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("kudos_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", max_length=200)
    kudos_id: int = Field(foreign_key="kudos.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
