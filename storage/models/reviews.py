"""Performance review cycles: a cycle (its period, kinds of review, questions and due date),
and each review written in it: a person's self review, their manager's, and their peers'."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_field


class ReviewCycle(SQLModel, table=True):
    """`review start "H2 2026" from … to … self manager peer due …`: the questions are the
    template's as the cycle started, so a later template change leaves it as it was."""

    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    name: str = Field(max_length=100)
    starts_at: datetime = utc_field()  # the period reviewed, [starts_at, ends_at)
    ends_at: datetime = utc_field()
    due_on: str = Field(max_length=10)  # local ISO date, inclusive
    due_at: datetime = utc_field()  # the end of due_on in the org's zone
    kinds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    team: str | None = Field(default=None, max_length=200)  # None: everyone
    anonymous_peers: bool = False  # managers see peers' answers without names too
    questions: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: str = Field(default="open", max_length=16)  # open | closed
    # The reminders sent: "" none yet, then reminded (before the due date), due, late.
    stage: str = Field(default="", max_length=16)
    created_by: int | None = Field(default=None, foreign_key="person.id", index=True)
    created_at: datetime = utc_field()


class Review(SQLModel, table=True):
    """One review of `subject_id` by `writer_id`: self, manager or peer. A peer review starts
    nominated (by the subject), and is asked of the peer once the manager approves it."""

    __table_args__ = (UniqueConstraint("cycle_id", "subject_id", "writer_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    cycle_id: int = Field(foreign_key="reviewcycle.id", index=True)
    subject_id: int = Field(foreign_key="person.id", index=True)
    # None once the writer was erased: what they wrote stays for the person it is about.
    writer_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    kind: str = Field(max_length=16)  # self | manager | peer
    status: str = Field(default="pending", max_length=16)  # nominated | pending | draft | submitted
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    submitted_at: datetime | None = utc_field(default=None)
    shared_at: datetime | None = utc_field(
        default=None
    )  # a manager review, shared with its subject
    acknowledged_at: datetime | None = utc_field(default=None)
    comment: str = Field(default="", max_length=2000)  # the subject's, acknowledging it
    created_at: datetime = utc_field()
