"""A platform's send rate, shared by every replica sending to the same workspace or tenant."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class SendBudget(SQLModel, table=True):
    """One timeline of send slots per (workspace, kind of call), with the rate found for it.

    Replicas reserve slots on it a few at a time, so together they send at the rate the
    platform holds the workspace to, found from the 429s any of them gets. Times are seconds
    since the epoch, as each replica's clock reads them.
    """

    # "slack:T1" or "teams:<tenant id>"; not a foreign key: a send may precede the org's row.
    tenant_id: str = Field(primary_key=True, max_length=200)
    method: str = Field(primary_key=True, max_length=60)  # "chat.postMessage", "tenant"
    per_minute: float  # the rate found so far
    refused_at: float | None = None  # the rate a 429 last answered (None: none yet)
    quiet_until: float = 0.0  # 429s before this are the same moment's: one cut for them
    next_slot: float = 0.0  # the first slot nobody has reserved
    last_reserved: float | None = None  # when slots were last reserved, for the probe's growth
