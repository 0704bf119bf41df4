"""Scheduled work: one row per (kind, subject), claimed by one replica at a time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_field


class ScheduledJob(SQLModel, table=True):
    """Work due at an instant: a check-in prompt, a reminder, later digests and pulses.

    One row per (kind, subject). Replicas claim due rows atomically with a lease, so each
    runs once, and a claim left by a crashed process is taken over when its lease runs out.
    """

    __table_args__ = (
        UniqueConstraint("kind", "subject_id"),
        Index("ix_scheduledjob_due", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    kind: str = Field(max_length=40)  # checkin_prompt | checkin_reminder | ...
    subject_id: int  # the person (or subscription, survey ...) the job is about
    due_at: datetime = utc_field()
    lease_until: datetime | None = utc_field(default=None)
    claimed_by: str | None = Field(default=None, max_length=100)
    attempts: int = 0
