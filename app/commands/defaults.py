"""`checkin-bot defaults`: the org's (or a team's) check-in cadence, reminder delay and pulse
anonymity threshold."""

from __future__ import annotations

import argparse
from datetime import datetime

from app.commands import UsageError
from bot.checkins.cadence import CadenceError
from bot.checkins.replanning import plan_states, replan_changed
from bot.org.defaults import updated_defaults
from storage.db import Database
from storage.repository import Store
from storage.settings import set_settings, settings_of


async def save_defaults(database: Database, args: argparse.Namespace, now: datetime) -> int:
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
                retention_days=args.retention_days,
            )
        except CadenceError as error:
            raise UsageError(str(error)) from None
        people = await store.people(args.org)
        before = plan_states(people, settings_of(tenant))
        set_settings(tenant, settings)
        session.add(tenant)
        # Only those whose cadence changed, and only prompts not due or being sent.
        moved = await replan_changed(store, before, people, settings, now)
    scope = f"team {args.team}" if args.team else args.org
    print(
        f"check-in defaults for {scope} saved; next prompt planned again for {moved} of "
        f"{len(people)} people (the others' cadence is unchanged, or their prompt is due now)"
    )
    if args.pulse_k is not None:
        print(f"pulse results for {args.org} show groups of {args.pulse_k} or more from now on")
    if args.retention_days is not None:
        print(
            f"bookkeeping of {args.org} is kept {args.retention_days} days; what people wrote "
            "is kept until they are erased"
        )
    return 0
