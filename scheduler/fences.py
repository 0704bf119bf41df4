"""The check a job makes right before it acts for its claim ("do I still hold it?"), asked by
many jobs at once and answered in one read.

A wave sends hundreds of prompts, each after checking its own job's claim: one session and one
SELECT a send. Checks asked at the same moment are gathered here and answered together, by one
SELECT for all of them. Each is still answered after it was asked, from the database as it is
then, so the fencing is as strict as one read per check.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from storage.db import Database
from storage.jobs import held_of


class HeldChecks:
    def __init__(
        self, database: Database, owner: Callable[[], str], clock: Callable[[], datetime]
    ) -> None:
        self.database = database
        self.owner = owner  # asked at each read: the scheduler's, as it is then
        self.clock = clock
        self._asked: dict[int, list[asyncio.Future[bool]]] = {}
        self._answering: asyncio.Task[None] | None = None
        self.reads = 0  # how many reads answered the checks (for tests and benchmarks)

    async def held(self, job_id: int) -> bool:
        """Whether this replica still holds the job's claim."""
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._asked.setdefault(job_id, []).append(answer)
        if self._answering is None or self._answering.done():
            self._answering = asyncio.create_task(self._answer())
        return await answer

    async def _answer(self) -> None:
        await asyncio.sleep(0)  # the checks asked at this moment join this read
        asked, self._asked = self._asked, {}
        self._answering = None  # checks asked from now on get a read of their own
        self.reads += 1
        held: set[int] | None = None
        failure: Exception | None = None
        try:
            async with self.database.session() as session:
                held = await held_of(session, list(asked), self.owner(), self.clock())
        except Exception as error:
            failure = error
        finally:  # every check gets its answer, its error, or (this read cancelled) cancelled
            for job_id, answers in asked.items():
                for answer in answers:
                    if answer.done():
                        continue
                    if held is not None:
                        answer.set_result(job_id in held)
                    elif failure is not None:
                        answer.set_exception(failure)
                    else:
                        answer.cancel()
