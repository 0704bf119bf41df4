"""Pulse surveys: surveys, their rounds, the people asked, and anonymous responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import OpenOrClosed, SurveyStatus, status_field, utc_field


class Survey(SQLModel, table=True):
    """A pulse survey: its questions, its audience, and how often a round goes out."""

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    creator_id: int = Field(foreign_key="person.id")
    title: str = Field(max_length=200)
    # [{"kind": likert|enps|single|multi|text, "text", "options": [...], "key"}]: each one
    # SurveyQuestion.written(), read back with storage.survey_questions.questions_of.
    questions: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # {"kind": "everyone"} | {"kind": "team", "team": name} | {"kind": "org", "manager": id}
    audience: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    every_weeks: int | None = None  # None: one round only
    open_days: int = 3  # a round closes this long after it opens (or when all have answered)
    status: SurveyStatus = status_field("active")
    created_at: datetime = utc_field()


class SurveyRound(SQLModel, table=True):
    """One sending of a survey. Its slices are the groups results may be shown for, fixed
    when it opens: {slice id: {"name", "members": [person ids]}}; only groups of k or more."""

    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    number: int
    opened_at: datetime = utc_field()
    closes_at: datetime = utc_field()
    status: OpenOrClosed = status_field("open")
    k: int = 5
    slices: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SurveyInvite(SQLModel, table=True):
    """One person asked in one round. Only "answered" outlives the answering: the draft (the
    sole link from a person to their answers) is cleared when the response is stored."""

    __table_args__ = (UniqueConstraint("round_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    round_id: int = Field(foreign_key="surveyround.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    answered: bool = False
    asking: int | None = None
    asked_at: datetime | None = utc_field(default=None)
    draft: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reminded: bool = False


class SurveyResponse(SQLModel, table=True):
    """One anonymous response: no person, no time, a random id; only the round's slices
    (groups of k or more) the respondent belongs to, so results can be grouped."""

    id: str = Field(primary_key=True, max_length=40)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    round_id: int = Field(foreign_key="surveyround.id", index=True)
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    slices: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Disclosure(SQLModel, table=True):
    """One entry of the org's disclosure ledger: a group whose pulse results were shown, by
    the questions shown (each SurveyQuestion.identity) and the people asked (their ids as text;
    an erased person's id becomes a token of its own). Nothing says who answered."""

    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    key: str = Field(max_length=64)  # storage.pulse.ledger_key: each entry is written once
    questions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    audience: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    shown_at: datetime = utc_field()  # the close that first showed it
