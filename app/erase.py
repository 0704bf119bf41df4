"""`checkin-bot person erase EMAIL`: shows what erasing someone would do, asks on a terminal
(or takes --yes), then does it in one transaction and says what it did."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from bot.checkins.scheduled import PROMPT, REMINDER
from bot.digests.channels import DIGEST
from bot.feedback.flow import FEEDBACK_CLOSE, FEEDBACK_REMINDER
from bot.housekeeping.scheduled import HOUSEKEEPING
from bot.notify.scheduled import HELD
from bot.oneonones.setup import ONEONONE
from bot.org.scheduled import ORG_SYNC
from bot.pulse.flow import PULSE_CLOSE, PULSE_REMINDER, PULSE_ROUND
from bot.reviews.scheduled import REVIEW_REMINDERS
from storage.db import Database
from storage.erase import AmbiguousEmail, Erasure, JobKinds, erase_person, person_to_erase
from storage.repository import Store

# Which scheduled jobs are about what, as app.scheduling wires them.
JOB_KINDS = JobKinds(
    person=(PROMPT, REMINDER, HELD),
    feedback_request=(FEEDBACK_REMINDER, FEEDBACK_CLOSE),
    survey=(PULSE_ROUND,),
    survey_round=(PULSE_REMINDER, PULSE_CLOSE),
    subscription=(DIGEST,),
    oneonone=(ONEONONE,),
    review_cycle=(REVIEW_REMINDERS,),
    org=(HOUSEKEEPING, ORG_SYNC),
)


class _NotFound(LookupError):
    pass


class _UnknownOrg(LookupError):
    pass


class _DryRun(Exception):
    """Rolls the plan's unit of work back: the plan is the erase itself, undone."""

    def __init__(self, erasure: Erasure) -> None:
        self.erasure = erasure


async def erase_command(
    database: Database, tenant_id: str, email: str, *, yes: bool, stdin: TextIO = sys.stdin
) -> int:
    try:
        if not yes:
            plan = await _erase(database, tenant_id, email, dry_run=True)
            print(f"Erasing {plan.email} from {tenant_id} would do this:")
            _print_lines(plan)
            if not stdin.isatty():
                _fail(
                    "nothing was changed: confirm on a terminal, "
                    "or run it again with --yes to erase without asking"
                )
                return 2
            if not await _confirmed(plan.email):
                print("Nothing was changed.")
                return 1
        done = await _erase(database, tenant_id, email, dry_run=False)
    except _UnknownOrg as error:
        _fail(str(error))
        return 2
    except (_NotFound, AmbiguousEmail) as error:
        _fail(str(error))
        return 1
    except SQLAlchemyError as error:
        reason = str(error).splitlines()[0][:300]
        _fail(f"erasing {email} failed, so nothing was changed ({type(error).__name__}: {reason})")
        return 1
    _print_lines(done)
    print(f"{done.email} is erased from {tenant_id}.")
    return 0


async def _erase(database: Database, tenant_id: str, email: str, *, dry_run: bool) -> Erasure:
    try:
        async with database.session() as session:
            if await Store(session).tenant(tenant_id) is None:
                raise _UnknownOrg(f"no org called {tenant_id!r} in this database")
            person = await person_to_erase(session, tenant_id, email)
            if person is None:
                raise _NotFound(f"no one with the email {email} in {tenant_id}; nothing was erased")
            erasure = await erase_person(session, person, JOB_KINDS)
            if dry_run:
                raise _DryRun(erasure)
    except _DryRun as planned:
        return planned.erasure
    return erasure


async def _confirmed(email: str) -> bool:
    question = f"Erase {email}? This can't be undone. Type yes to go on: "
    try:
        answer = await asyncio.to_thread(input, question)
    except EOFError:
        return False
    return answer.strip().lower() == "yes"


def _print_lines(erasure: Erasure) -> None:
    for line in erasure.lines:
        print(f"  {line}")


def _fail(message: str) -> None:
    print(f"checkin-bot: {message}", file=sys.stderr)
