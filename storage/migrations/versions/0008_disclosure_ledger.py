"""the org's disclosure ledger of pulse results shown, filled from the rounds closed so far; and
closed rounds keep no trace of who answered or in which order

Revision ID: 0008
Revises: 0007
"""

import hashlib
import json
import random
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

survey = sa.table("survey", sa.column("id", sa.Integer), sa.column("questions", sa.JSON))
survey_round = sa.table(
    "surveyround",
    sa.column("id", sa.Integer),
    sa.column("tenant_id", sa.String),
    sa.column("survey_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("closes_at", storage.types.UTCDateTime(timezone=True)),
    sa.column("slices", sa.JSON),
)
invite = sa.table("surveyinvite", sa.column("round_id", sa.Integer))
response = sa.table(
    "surveyresponse",
    sa.column("id", sa.String),
    sa.column("tenant_id", sa.String),
    sa.column("round_id", sa.Integer),
    sa.column("answers", sa.JSON),
    sa.column("slices", sa.JSON),
)
CHOICE_KINDS = {"single", "multi"}
KINDS = {"likert", "enps", "single", "multi", "text"}


def _json(raw: object) -> object:
    return json.loads(raw) if isinstance(raw, str) else raw  # SQLite: JSON comes back as text


def _plain(words: str) -> str:
    return " ".join(words.split()).casefold()


def _identity(entry: object) -> str | None:
    """storage.survey_questions.SurveyQuestion.identity, as of this revision."""
    if not isinstance(entry, dict) or entry.get("kind") not in KINDS:
        return None
    if not isinstance(entry.get("text"), str):
        return None
    options = entry.get("options") if entry["kind"] in CHOICE_KINDS else []
    listed = dict.fromkeys(o for o in options or [] if isinstance(o, str))
    raw = json.dumps(
        [entry["kind"], _plain(entry["text"]), sorted(_plain(o) for o in listed)],
        ensure_ascii=False,
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _key(questions: list[str], audience: list[str]) -> str:
    """storage.pulse.ledger_key, as of this revision."""
    return hashlib.sha256(json.dumps([questions, audience]).encode()).hexdigest()


def upgrade() -> None:
    op.create_table(
        "disclosure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("shown_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "key"),
    )
    op.create_index("ix_disclosure_tenant_id", "disclosure", ["tenant_id"])
    connection = op.get_bind()
    ledger = sa.table(
        "disclosure",
        sa.column("tenant_id", sa.String),
        sa.column("key", sa.String),
        sa.column("questions", sa.JSON),
        sa.column("audience", sa.JSON),
        sa.column("shown_at", storage.types.UTCDateTime(timezone=True)),
    )
    questions = {
        survey_id: sorted({i for i in map(_identity, _json(raw) or []) if i is not None})
        for survey_id, raw in connection.execute(sa.select(survey.c.id, survey.c.questions))
    }
    closed = connection.execute(
        sa.select(
            survey_round.c.id,
            survey_round.c.tenant_id,
            survey_round.c.survey_id,
            survey_round.c.closes_at,
            survey_round.c.slices,
        ).where(survey_round.c.status == "closed")
    ).all()
    written: set[tuple[str, str]] = set()
    for round_id, tenant_id, survey_id, closes_at, raw in closed:
        shown = questions.get(survey_id, [])
        groups = _json(raw) or {}
        for group in groups.values() if shown else ():
            if not group.get("shown"):
                continue
            audience = sorted({str(m) for m in group.get("members", [])})
            key = _key(shown, audience)
            if (tenant_id, key) in written:
                continue
            written.add((tenant_id, key))
            when = closes_at or datetime(1970, 1, 1, tzinfo=UTC)
            connection.execute(
                ledger.insert().values(
                    tenant_id=tenant_id, key=key, questions=shown, audience=audience, shown_at=when
                )
            )
        _seal(connection, round_id)


def _seal(connection: sa.Connection, round_id: int) -> None:
    """What storage.pulse.PulseStore.seal_round does at a close, for rounds closed before it."""
    connection.execute(invite.delete().where(invite.c.round_id == round_id))
    rows = connection.execute(
        sa.select(response.c.tenant_id, response.c.answers, response.c.slices).where(
            response.c.round_id == round_id
        )
    ).all()
    connection.execute(response.delete().where(response.c.round_id == round_id))
    copies = [
        {
            "id": "sr_" + secrets.token_urlsafe(12),
            "tenant_id": tenant_id,
            "round_id": round_id,
            "answers": _json(answers),
            "slices": _json(slices),
        }
        for tenant_id, answers, slices in rows
    ]
    random.SystemRandom().shuffle(copies)
    for copy in copies:
        connection.execute(response.insert().values(**copy))


def downgrade() -> None:
    op.drop_index("ix_disclosure_tenant_id", table_name="disclosure")
    op.drop_table("disclosure")
