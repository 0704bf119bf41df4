"""Check-ins: one run per person and period, the question waiting, and the answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import PromptStatus, RunStatus, status_field, utc_field


class CheckinRun(SQLModel, table=True):
    """One person's check-in for one period. Unique per (person, period)."""

    __table_args__ = (
        UniqueConstraint("person_id", "period_start"),
        Index("ix_checkinrun_person_status", "person_id", "status"),
        # The scheduler's sweep: open runs whose period has ended are missed.
        Index("ix_checkinrun_status_period_end", "status", "period_end"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    person_id: int = Field(foreign_key="person.id")
    period_label: str = Field(max_length=40)  # local date of the period's opening, "2026-11-27"
    period_start: datetime = utc_field()
    period_end: datetime = utc_field()
    # pending (due, not yet sent) | open | submitted | missed | skipped
    status: RunStatus = status_field("open")
    # The question set as it stood when the run opened, so a mid-run goal edit can't shift it.
    questions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    round: int = 1  # bumped by "checkin edit": every question is asked again
    opened_at: datetime | None = utc_field(default=None)
    submitted_at: datetime | None = utc_field(default=None)
    # The scheduler is about to send the prompt: set and committed before the send, so a
    # replica taking over after a crash knows to ask the platform whether it arrived.
    sending_at: datetime | None = utc_field(default=None)
    prompted_at: datetime | None = utc_field(default=None)  # the platform accepted the prompt
    reminded_at: datetime | None = utc_field(default=None)


class PendingPrompt(SQLModel, table=True):
    """A question waiting for an answer. Its id round-trips through the platform."""

    __table_args__ = (
        Index("ix_pendingprompt_run_status", "run_id", "status"),
        # Housekeeping prunes an org's prompts of closed check-ins by age.
        Index("ix_pendingprompt_tenant_created", "tenant_id", "created_at"),
    )

    id: str = Field(primary_key=True, max_length=40)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    run_id: int = Field(foreign_key="checkinrun.id")
    question_key: str = Field(max_length=60)
    round: int = 1
    status: PromptStatus = status_field("waiting")
    # The platform's handle on the sent message, for disabling its buttons later.
    message_ref: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = utc_field()
    answered_at: datetime | None = utc_field(default=None)


class Answer(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("run_id", "question_key"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    run_id: int = Field(foreign_key="checkinrun.id", index=True)
    question_key: str = Field(max_length=60)
    round: int = 1
    number: float | None = None
    text: str | None = Field(default=None, sa_column=Column(Text))
    skipped: bool = False
    answered_at: datetime = utc_field()
