"""The real CLI in a subprocess: one-off commands, and a running `checkin-bot serve`."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from tests.postgres import free_port

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 30.0  # generous: interpreters importing at once on a busy two-core machine


def cli_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """This environment without Slack and Teams settings, a fresh SQLite database, `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))}
    env |= {"PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path}/bot.db"}
    return env | settings


async def run_cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    """Runs the CLI without blocking the loop the mock platform answers on."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, output.decode()


@asynccontextmanager
async def running_server(env: dict[str, str], port: int | None = None) -> AsyncIterator[str]:
    """`checkin-bot serve` on loopback, once /healthz answers; its base URL.

    Fails if it is not up within STARTUP_SECONDS; on leaving, terminates it and waits for it.
    """
    port = port or free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        await until_healthy(server, base_url)
        yield base_url
    finally:
        if server.returncode is None:
            server.terminate()
        await asyncio.wait_for(server.wait(), 30)


async def until_healthy(
    process: asyncio.subprocess.Process,
    base_url: str,
    *,
    within: float = STARTUP_SECONDS,
    output: Callable[[], str] | None = None,
    fail: Callable[[str], BaseException] = AssertionError,
) -> None:
    """Until `base_url`/healthz answers 200. Raises `fail` (the tests' AssertionError, a
    benchmark's SystemExit) if the process exits first, saying what it wrote (`output`, else
    its piped stdout), or if it isn't up within `within` seconds."""
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                if output is not None:
                    said = output()
                else:
                    said = (await process.stdout.read()).decode() if process.stdout else ""
                raise fail(f"{base_url} exited early (exit code {process.returncode}):\n{said}")
            try:
                async with session.get(f"{base_url}/healthz") as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientConnectionError, TimeoutError):
                pass
            await asyncio.sleep(0.05)
    raise fail(f"{base_url} did not come up within {within:g} s")


def log_tail(log: Path) -> str:
    """The end of a served process's log file."""
    return log.read_text(errors="replace")[-3000:]
