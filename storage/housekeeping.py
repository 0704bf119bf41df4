"""The bookkeeping rows that outlive their use, and the statements that prune them.

What people wrote and what reports rely on is never here: check-ins and their answers, goals
and key-result history, feedback, survey rounds and responses, the disclosure ledger,
kudos, 1:1s and reviews are kept until a person is erased. What is here only ever served the
moment: an event's id kept to act on a platform's redelivery once, a prompt's id and message
handle once its check-in has closed, a message held for quiet hours long past its release, a
quarter's nudge claim once the quarter is over, an OAuth state past its expiry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Delete, delete, select, tuple_
from sqlmodel import SQLModel, col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    CheckinRun,
    GoalNudge,
    HeldMessage,
    PendingPrompt,
    ProcessedEvent,
    SlackOAuthState,
)

BATCH = 2_000  # rows a statement deletes at most: a write lock held briefly, then let go
# A quarter's nudge claim is needed until the quarter is over, whatever the retention.
NUDGE_CLAIM_KEPT = timedelta(days=120)


@dataclass(frozen=True)
class Prune:
    """One kind of bookkeeping: its name (as reported) and a statement deleting a batch."""

    name: str
    statement: Delete


def prunes(tenant_id: str, cutoff: datetime, now: datetime, size: int = BATCH) -> Iterator[Prune]:
    """What to prune for an org: rows older than `cutoff`, in batches of `size`."""
    closed_runs = select(col(CheckinRun.id)).where(
        col(CheckinRun.tenant_id) == tenant_id, col(CheckinRun.status) != "open"
    )
    yield Prune(
        "handled events",
        _batch(
            ProcessedEvent,
            ("tenant_id", "platform", "event_id"),
            col(ProcessedEvent.tenant_id) == tenant_id,
            col(ProcessedEvent.received_at) < cutoff,
            size=size,
        ),
    )
    yield Prune(
        "prompts of closed check-ins",
        _batch(
            PendingPrompt,
            ("id",),
            col(PendingPrompt.tenant_id) == tenant_id,
            col(PendingPrompt.created_at) < cutoff,
            col(PendingPrompt.run_id).in_(closed_runs),
            size=size,
        ),
    )
    yield Prune(
        "held messages long past their release",
        _batch(
            HeldMessage,
            ("id",),
            col(HeldMessage.tenant_id) == tenant_id,
            col(HeldMessage.release_at) < cutoff,
            size=size,
        ),
    )
    yield Prune(
        "quarter nudge claims",
        _batch(
            GoalNudge,
            ("id",),
            col(GoalNudge.tenant_id) == tenant_id,
            col(GoalNudge.sent_at) < min(cutoff, now - NUDGE_CLAIM_KEPT),
            size=size,
        ),
    )
    # States of any org (one is only tied to an org once Slack calls back): expired is useless.
    yield Prune(
        "expired OAuth states",
        _batch(SlackOAuthState, ("state",), col(SlackOAuthState.expires_at) <= now, size=size),
    )


def _batch(
    model: type[SQLModel], keys: tuple[str, ...], *where: ColumnElement[bool], size: int
) -> Delete:
    """Deletes at most `size` rows matching `where`, chosen by their primary key."""
    table = model.__table__  # type: ignore[attr-defined]
    columns = [table.c[key] for key in keys]
    chosen = select(*columns).where(*where).limit(size)
    if len(columns) == 1:
        return delete(table).where(columns[0].in_(chosen))
    return delete(table).where(tuple_(*columns).in_(chosen))


async def prune_batch(session: AsyncSession, prune: Prune) -> int:
    """One batch deleted; how many rows went."""
    result = await (await session.connection()).execute(prune.statement)
    return int(result.rowcount or 0)
