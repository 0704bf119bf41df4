"""What a scheduled job's handler is given and answers: no scheduling library in here, so the
engine's handlers can name these types without importing one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

# Whether the job is still this process's to run: its claim not taken over, its lease not out.
Fence = Callable[[], Awaitable[bool]]


async def _always() -> bool:
    return True


@dataclass(frozen=True)
class Due:
    """What a handler is told: which job, for whom, due when."""

    kind: str
    tenant_id: str
    subject_id: int
    due_at: datetime
    attempts: int
    job_id: int = 0
    # Asked right before anything goes out: a process frozen past its lease (a paused VM, a
    # long back-off) finds another replica took the job over, and sends nothing more.
    held: Fence = field(default=_always, compare=False, repr=False)
    # Who claimed it: with `job_id`, the fencing token a handler's writes check in the database
    # (storage.jobs.hold), so that a write made for a lost claim is not made at all.
    owner: str = ""


class ClaimLost(Exception):
    """The job's claim was taken over while it ran: whatever is left of it is not done here."""


# A handler does the job and answers when it is next due (None: never again).
Handler = Callable[[Due, datetime], Awaitable[datetime | None]]
# A batch handler does a claimed batch of one kind at once, for kinds that come in waves: it
# answers per job id the next due time, or the exception that job failed with (retried later).
# A job missing from the answer is retried too.
NextDue = datetime | None | Exception
BatchHandler = Callable[[Sequence[Due], datetime], Awaitable[Mapping[int, NextDue]]]
