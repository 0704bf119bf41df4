"""The tables. Every row belongs to a tenant: a Slack workspace, a Teams tenant, or the console."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def _when(**kwargs: Any) -> Any:
    """An aware UTC timestamp column."""
    return Field(sa_type=UTCDateTime, **kwargs)


# A tenant setting that names people: ids of the managers who read blockers weekly only.
WEEKLY_BLOCKERS = "weekly_blockers"


class Tenant(SQLModel, table=True):
    id: str = Field(
        primary_key=True, max_length=200
    )  # "slack:T024BE7LD", "teams:<tenant>", "console:local"
    platform: str = Field(max_length=20)
    external_id: str = Field(max_length=200)
    name: str = Field(default="", max_length=200)
    # Org settings: default cadence, the check-in question set, extra admins.
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _when()


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
    checkin_days: str | None = Field(default=None, max_length=40)  # "mon,thu"; None = default
    checkin_time: str | None = Field(default=None, max_length=5)  # "09:30"; None = default
    cadence_weeks: int | None = Field(default=None)  # 1, 2 or 4; None = default
    is_admin: bool = False
    active: bool = True
    paused_until: str | None = Field(default=None, max_length=10)  # local ISO date, inclusive
    reminders: bool = True
    created_at: datetime = _when()


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


class Objective(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    key: str = Field(max_length=200)  # the stable id used by imports
    title: str = Field(max_length=500)
    period: str = Field(max_length=40)  # "2026-Q4"
    level: str = Field(default="team", max_length=20)  # company | team | person
    team: str | None = Field(default=None, max_length=200)
    owner_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="objective.id")
    weight: float = 1.0
    created_at: datetime = _when()


class KeyResult(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    key: str = Field(max_length=200)
    objective_id: int = Field(foreign_key="objective.id", index=True)
    owner_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    title: str = Field(max_length=500)
    kind: str = Field(default="number", max_length=20)  # number | percent | currency | binary
    start: float = 0.0
    target: float = 1.0
    current: float | None = None
    unit: str | None = Field(default=None, max_length=40)
    weight: float = 1.0
    confidence: int | None = None  # 1..10; the status follows from it
    # What the last goals import said, so a re-import changes a number only if the file did.
    imported_current: float | None = None
    imported_confidence: int | None = None
    active: bool = True
    updated_at: datetime = _when()


class KeyResultChange(SQLModel, table=True):
    """History: every change of a key result's value or confidence, by whom, from where."""

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    key_result_id: int = Field(foreign_key="keyresult.id", index=True)
    field: str = Field(max_length=20)  # value | confidence
    old_value: float | None = None
    new_value: float | None = None
    author_id: int | None = Field(default=None, foreign_key="person.id")
    checkin_run_id: int | None = Field(default=None, foreign_key="checkinrun.id")
    source: str = Field(max_length=20)  # checkin | import | chat
    changed_at: datetime = _when()


class CheckinRun(SQLModel, table=True):
    """One person's check-in for one period. Unique per (person, period)."""

    __table_args__ = (
        UniqueConstraint("person_id", "period_start"),
        Index("ix_checkinrun_person_status", "person_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    person_id: int = Field(foreign_key="person.id")
    period_label: str = Field(max_length=40)  # local date of the period's opening, "2026-11-27"
    period_start: datetime = _when()
    period_end: datetime = _when()
    # pending (due, not yet sent) | open | submitted | missed | skipped
    status: str = Field(default="open", max_length=20)
    # The question set as it stood when the run opened, so a mid-run goal edit can't shift it.
    questions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    round: int = 1  # bumped by "checkin edit": every question is asked again
    opened_at: datetime | None = _when(default=None)
    submitted_at: datetime | None = _when(default=None)
    # The scheduler is about to send the prompt: set and committed before the send, so a
    # replica taking over after a crash knows to ask the platform whether it arrived.
    sending_at: datetime | None = _when(default=None)
    prompted_at: datetime | None = _when(default=None)  # the platform accepted the prompt
    reminded_at: datetime | None = _when(default=None)


class PendingPrompt(SQLModel, table=True):
    """A question waiting for an answer. Its id round-trips through the platform."""

    __table_args__ = (Index("ix_pendingprompt_run_status", "run_id", "status"),)

    id: str = Field(primary_key=True, max_length=40)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    run_id: int = Field(foreign_key="checkinrun.id")
    question_key: str = Field(max_length=60)
    round: int = 1
    status: str = Field(default="waiting", max_length=20)  # waiting | answered | superseded
    # The platform's handle on the sent message, for disabling its buttons later.
    message_ref: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = _when()
    answered_at: datetime | None = _when(default=None)


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
    answered_at: datetime = _when()


class ProcessedEvent(SQLModel, table=True):
    """Inbound events already handled: platforms retry, we act once."""

    tenant_id: str = Field(foreign_key="tenant.id", primary_key=True, max_length=200)
    platform: str = Field(primary_key=True, max_length=20)
    event_id: str = Field(primary_key=True, max_length=200)
    received_at: datetime = _when()


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
    bot_token_expires_at: datetime | None = _when(default=None)  # set when rotation is on
    installer_user_id: str | None = Field(default=None, max_length=40)
    installed_at: datetime = _when()


class SlackOAuthState(SQLModel, table=True):
    """An OAuth `state` in flight, shared by all replicas and consumed once (CSRF protection)."""

    state: str = Field(primary_key=True, max_length=200)
    # Nullable, unlike every other tenant_id: the workspace is only known once Slack calls back.
    tenant_id: str | None = Field(default=None, foreign_key="tenant.id", max_length=200)
    expires_at: datetime = _when(index=True)


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
    due_at: datetime = _when()
    lease_until: datetime | None = _when(default=None)
    claimed_by: str | None = Field(default=None, max_length=100)
    attempts: int = 0


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
    due_at: datetime | None = _when(default=None)  # the end of due_on in the requester's zone
    shared_with_subject: bool = False
    status: str = Field(default="open", max_length=20)  # open | closed
    created_at: datetime = _when()


class FeedbackInvite(SQLModel, table=True):
    """One giver asked for feedback. The only place a giver is linked to a request: whether
    they answered (for the reminder) and, while they answer, their draft."""

    __table_args__ = (UniqueConstraint("request_id", "giver_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    request_id: int = Field(foreign_key="feedbackrequest.id", index=True)
    giver_id: int = Field(foreign_key="person.id", index=True)
    answered: bool = False
    # While answering: the question asked (its index) and the answers so far; cleared on submit.
    asking: int | None = None
    asked_at: datetime | None = _when(default=None)
    draft: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reminded: bool = False


class FeedbackAnswer(SQLModel, table=True):
    """One giver's answers. Anonymous ones carry no giver, no time, and a random id, so neither
    the row nor its position says who wrote it or when."""

    id: str = Field(primary_key=True, max_length=40)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    request_id: int = Field(foreign_key="feedbackrequest.id", index=True)
    giver_id: int | None = Field(default=None, foreign_key="person.id")
    answers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    released: bool = False  # shown to the requester (anonymous answers wait for three)
    created_at: datetime | None = _when(default=None)  # None when anonymous


class Survey(SQLModel, table=True):
    """A pulse survey: its questions, its audience, and how often a round goes out."""

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    creator_id: int = Field(foreign_key="person.id")
    title: str = Field(max_length=200)
    # [{"key", "kind": likert|enps|single|multi|text, "text", "options": [...]}]
    questions: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # {"kind": "everyone"} | {"kind": "team", "team": name} | {"kind": "org", "manager": id}
    audience: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    every_weeks: int | None = None  # None: one round only
    open_days: int = 3  # a round closes this long after it opens (or when all have answered)
    status: str = Field(default="active", max_length=20)  # active | stopped
    created_at: datetime = _when()


class SurveyRound(SQLModel, table=True):
    """One sending of a survey. Its slices are the groups results may be shown for, fixed
    when it opens: {slice id: {"name", "members": [person ids]}}; only groups of k or more."""

    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    number: int
    opened_at: datetime = _when()
    closes_at: datetime = _when()
    status: str = Field(default="open", max_length=20)  # open | closed
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
    asked_at: datetime | None = _when(default=None)
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
    created_at: datetime = _when()
