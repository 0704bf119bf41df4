"""`checkin-bot serve`: one aiohttp server for Slack (and later Teams), plus health checks."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
from collections.abc import AsyncIterator, Mapping
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from sqlalchemy import text

from adapters.slack.app import SlackAdapter, SlackConfig
from adapters.teams.app import TeamsAdapter, TeamsConfig
from app.config import Settings
from app.routing import PlatformDirectory, PlatformOutbox
from app.scheduling import build_scheduler
from bot.core.ports import Clock, Directory, ListsAccounts, Outbox, ReadsStatus
from bot.engine import Engine
from storage.db import Database

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # Slack and Bot Framework payloads are far smaller
ENGINE = web.AppKey("engine", Engine)


def slack_config(settings: Settings) -> SlackConfig:
    return SlackConfig(
        api_url=settings.slack_api_url,
        bot_token=settings.slack_bot_token,
        signing_secret=settings.slack_signing_secret,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        app_token=settings.slack_app_token,
        secret_key=settings.secret_key,
    )


def teams_config(settings: Settings) -> TeamsConfig:
    return TeamsConfig(
        app_id=settings.microsoft_app_id,
        app_password=settings.microsoft_app_password,
        app_tenant_id=settings.microsoft_app_tenant_id,
        app_type=settings.microsoft_app_type,
    )


def build_web_app(
    settings: Settings,
    database: Database,
    clock: Clock | None = None,
    *,
    teams_credentials: Any = None,
) -> web.Application:
    outboxes: dict[str, Outbox] = {}
    directories: dict[str, Directory] = {}
    listers: dict[str, ListsAccounts] = {}
    statuses: dict[str, ReadsStatus] = {}
    slack = SlackAdapter(slack_config(settings), database) if settings.slack_configured else None
    if slack is not None:
        outboxes["slack"] = slack.outbox
        directories["slack"] = listers["slack"] = slack.directory
        statuses["slack"] = slack.statuses
    teams = (
        TeamsAdapter(teams_config(settings), database, teams_credentials)
        if settings.teams_configured
        else None
    )
    if teams is not None:
        outboxes["teams"] = teams.outbox
        directories["teams"] = listers["teams"] = teams.roster
    directory = PlatformDirectory(directories, listers, statuses)
    engine = Engine(database, PlatformOutbox(outboxes), clock, directory)
    app = web.Application(client_max_size=MAX_BODY)
    app[ENGINE] = engine

    async def healthz(_: web.Request) -> web.Response:
        try:
            async with database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            log.warning("health check: the database does not answer", exc_info=True)
            return web.json_response({"status": "error", "database": "unreachable"}, status=503)
        return web.json_response({"status": "ok", "database": "ok"})

    app.router.add_get("/healthz", healthz)
    if slack is not None:
        slack.attach(engine)
        app.add_routes(slack.routes())

        async def start_slack(_: web.Application) -> None:
            await slack.start()

        async def close_slack(_: web.Application) -> None:
            await slack.close()

        app.on_startup.append(start_slack)
        app.on_cleanup.append(close_slack)
    if teams is not None:
        teams.attach(engine)
        app.add_routes(teams.routes())

        async def teams_keys(app: web.Application) -> AsyncIterator[None]:
            await teams.warm_up()
            refresher = asyncio.create_task(teams.keep_keys_fresh())
            yield
            refresher.cancel()

        app.cleanup_ctx.append(teams_keys)
    return app


class ParserRefusalsInOneLine(logging.LoggerAdapter[logging.Logger]):
    """aiohttp's server log, for requests its HTTP parser refuses in one line.

    aiohttp answers a request it cannot parse (a chunk size that is no number, a chunk longer
    than its size, a broken header) with a 400 of its own, before any handler runs, and logs
    it with `logger.exception`: a traceback at ERROR for what is the client's mistake. Here
    that is one WARNING line, as adapters/request_body.py has for a client that hangs up;
    every other exception is logged as aiohttp logs it.

    It reaches aiohttp through the runner's `logger` parameter (passed on to each
    RequestHandler), aiohttp's own hook for this, rather than a logging.Filter on
    `aiohttp.server`, which would change every aiohttp server in the process and rewrite
    records after they were made.
    """

    def exception(
        self,
        msg: object,
        *args: object,
        exc_info: Any = True,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
        **kwargs: object,
    ) -> None:
        error = exc_info if isinstance(exc_info, BaseException) else sys.exc_info()[1]
        if not isinstance(error, HttpProcessingError):
            super().exception(
                msg,
                *args,
                exc_info=exc_info,
                stack_info=stack_info,
                stacklevel=stacklevel,
                extra=extra,
                **kwargs,
            )
            return
        # The parser's message goes on to quote the bytes it choked on, over several lines.
        reason = (error.message.splitlines() or [""])[0].rstrip(":")[:120]
        self.warning(
            "%s: answered %d, the HTTP parser refused it (%s: %s)",
            str(msg) % args if args else msg,
            error.code,
            type(error).__name__,
            reason,
        )


def app_runner(app: web.Application) -> web.AppRunner:
    """The runner `serve` runs the app on. Its handlers are not cancelled when a client hangs
    up (aiohttp's default, unlike its test server's): they see the body cut short instead."""
    server_log = ParserRefusalsInOneLine(logging.getLogger("aiohttp.server"))
    return web.AppRunner(app, access_log=None, logger=server_log)


async def serve(
    settings: Settings, database: Database, host: str, port: int, *, scheduler: bool = True
) -> int:
    app = build_web_app(settings, database)
    if scheduler:
        ticking = build_scheduler(app[ENGINE])

        async def run_scheduler(_: web.Application) -> AsyncIterator[None]:
            ticking.start()
            yield
            ticking.stop()

        app.cleanup_ctx.append(run_scheduler)
    runner = app_runner(app)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    # What start-up made (modules, the app, its clients) lives as long as the process: kept out
    # of the collector's full passes, which a digest's hundred thousand rows set off, so that
    # those don't walk it all again each time (bench/digest.py).
    gc.freeze()
    print(f"checkin-bot is listening on http://{host}:{port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
    return 0
