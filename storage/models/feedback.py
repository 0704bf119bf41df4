"""Feedback: requests, the givers asked, and their answers (anonymous ones untraceable)."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import OpenOrClosed, status_field, utc_field


class FeedbackRequest(SQLModel, table=True):
    """Feedback about a subject: asked of givers by a requester, or given unasked ("given")."""

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    kind: str = Field(default="request", max_length=20)  # request | given
    requester_id: int = Field(foreign_key="person.id", index=True)
    subject_id: int = Field(foreign_key="person.id", index=True)
    anonymous: bool = False
    questions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    due_on: str | None = Field(default=None, max_length=10)  # local ISO date, inclusive
    due_at: datetime | None = utc_field(default=None)  # the end of due_on in the requester's zone
    shared_with_subject: bool = False
    status: OpenOrClosed = status_field("open")
    created_at: datetime = utc_field()
    closed_at: datetime | None = utc_field(default=None)


class FeedbackInvite(SQLModel, table=True):
    """One giver asked for feedback. The only place a giver is linked to a request: whether
    they answered (for the reminder) and, while they answer, their draft. When an anonymous
    request closes, its invitations are written again with only who was asked."""

    __table_args__ = (UniqueConstraint("request_id", "giver_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    request_id: int = Field(foreign_key="feedbackrequest.id", index=True)
    giver_id: int = Field(foreign_key="person.id", index=True)
    answered: bool = False
    # While answering: the question asked (its index) and the answers so far; cleared on submit.
    asking: int | None = None
    asked_at: datetime | None = utc_field(default=None)
    draft: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reminded: bool = False


def new_answer_id() -> str:
    """A random answer id: it says nothing of when or by whom the answer was written."""
    return "fa_" + secrets.token_urlsafe(12)


class FeedbackAnswer(SQLModel, table=True):
    """One giver's answers. Anonymous ones carry no giver, no time, and a random id, and are
    written again in a random order at each release and at the close, so neither the row nor
    its position says who wrote it or when."""

    id: str = Field(primary_key=True, max_length=40)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    request_id: int = Field(foreign_key="feedbackrequest.id", index=True)
    giver_id: int | None = Field(default=None, foreign_key="person.id")
    answers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    released: bool = False  # shown to the requester (anonymous answers wait for three)
    created_at: datetime | None = utc_field(default=None)  # None when anonymous
