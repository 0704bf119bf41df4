"""`checkin-bot defaults`: the org's (or a team's) check-in cadence, reminder delay and pulse
anonymity threshold."""

from __future__ import annotations

import argparse

from app.commands import UsageError
from bot.checkins.cadence import CadenceError
from bot.checkins.scheduled import PROMPT
from bot.org.defaults import updated_defaults
from storage.db import Database
from storage.jobs import drop_jobs
from storage.repository import Store
from storage.settings import set_settings, settings_of


async def save_defaults(database: Database, args: argparse.Namespace) -> int:
    async with database.session() as session:
        store = Store(session)
        tenant = await store.tenant(args.org)
        if tenant is None:
            raise UsageError(f"no org called {args.org!r} in this database")
        try:
            settings = updated_defaults(
                settings_of(tenant),
                team=args.team,
                days=args.days,
                at=args.time,
                every_weeks=args.every,
                timezone=args.timezone,
                reminder_hours=args.reminder_hours,
                pulse_k=args.pulse_k,
            )
        except CadenceError as error:
            raise UsageError(str(error)) from None
        set_settings(tenant, settings)
        session.add(tenant)
        # Everyone's next prompt is planned again from the new defaults on the next tick.
        await drop_jobs(session, args.org, PROMPT)
    scope = f"team {args.team}" if args.team else args.org
    print(f"check-in defaults for {scope} saved; the scheduler re-plans the next prompts")
    if args.pulse_k is not None:
        print(f"pulse results for {args.org} show groups of {args.pulse_k} or more from now on")
    return 0
