"""Replicas of `checkin-bot serve` for the benchmarks: real processes on one database.

Each is `python -m app serve` on a loopback port, started as tests/serve_process.py starts it,
with its output in a log file (a pipe nobody reads would block it). The first may run under
cProfile (`python -m cProfile -o FILE -m app serve`), which writes its profile when the process
ends on SIGTERM as serve does. On two cores, two replicas in one event loop would share one
core; as processes they are as deployed.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.postgres import free_port
from tests.serve_process import log_tail, until_healthy

STARTUP_SECONDS = 60.0  # several interpreters importing at once on a busy two-core machine


@dataclass(frozen=True)
class Replica:
    process: asyncio.subprocess.Process
    url: str
    log: Path


@asynccontextmanager
async def replicas(
    env: dict[str, str], count: int, folder: Path, *, profile_to: Path | None = None
) -> AsyncIterator[list[Replica]]:
    """`count` serve processes with `env`, once every /healthz answers; terminated and waited
    for on leaving. The first runs under cProfile when `profile_to` is given."""
    started: list[Replica] = []
    try:
        for n in range(count):
            port = free_port()
            log = folder / f"serve-{n}.log"
            profiler = ["-m", "cProfile", "-o", str(profile_to)] if profile_to and n == 0 else []
            command = [*profiler, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)]
            with log.open("wb") as output:
                process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    *command,
                    env=env,
                    stdout=output,
                    stderr=asyncio.subprocess.STDOUT,
                )
            started.append(Replica(process, f"http://127.0.0.1:{port}", log))
        await asyncio.gather(
            *(
                until_healthy(
                    replica.process,
                    replica.url,
                    within=STARTUP_SECONDS,
                    output=lambda log=replica.log: log_tail(log),
                    fail=SystemExit,
                )
                for replica in started
            )
        )
        yield started
    finally:
        for replica in started:
            if replica.process.returncode is None:
                replica.process.terminate()
        for replica in started:
            await asyncio.wait_for(replica.process.wait(), 60)


def logged(logs: list[Path]) -> Counter[str]:
    """The replicas' warnings and errors, counted by what they say: values (`key=value`) and
    numbers masked, as they differ from one line to the next."""
    counts: Counter[str] = Counter()
    for log in logs:
        if not log.exists():
            continue
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith(("WARNING", "ERROR", "CRITICAL")):
                counts[re.sub(r"=\S+|\d+", "#", line)[:140]] += 1
    return counts
