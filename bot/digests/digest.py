"""The weekly goal digest (SPEC 2.5): a team's objectives with progress bars and the change
since last week, key results that turned at risk or off track, top wins, who checked in, and a
chart of the quarter, and the week's kudos that aren't private. Never blockers: only the wins
answers are loaded at all.

It is meant for a channel: a one-line summary, and a card with the details. What the week was
is bot.digests.week; the card's words are bot.digests.card.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.i18n import catalog
from bot.core.messages import Card, Section
from bot.digests.card import (
    at_risk_section,
    chart,
    checked_in,
    footer,
    objectives_section,
    objectives_summary,
    turned_summary,
    wins_section,
)
from bot.digests.week import (
    WEEK,
    Goals,
    Quarter,
    Weeks,
    in_reading_order,
    participation,
    quarter_of,
    turned_at_risk,
    wins,
)
from bot.goals.history import GoalHistory
from bot.kudos.recognition import SHOWN_KUDOS, kudos_summary, recognition_section
from storage.digest import DigestRows, load_digest_rows
from storage.kudos import KudosShown, recognition

WINS_KEY = "wins"  # the closing question whose answers may be shared (bot/checkins/questions.py)

_, ngettext = catalog("bot.digests")


@dataclass(frozen=True)
class Digest:
    """`summary` is one line (posted on its own where a platform threads the card under it);
    `card` is all."""

    summary: str
    card: Card


async def build_digest(
    session: AsyncSession, tenant_id: str, team: str | None, now: datetime
) -> Digest:
    """The digest of `team` (Person.team; None for the whole org) for the week up to `now`."""
    quarter = quarter_of(now)
    rows = await load_digest_rows(
        session,
        tenant_id,
        team,
        quarter=quarter.label,
        since=min(quarter.start, now - WEEK),
        week_start=now - WEEK,
        now=now,
        answer_key=WINS_KEY,
    )
    kudos = await recognition(session, tenant_id, team, now - WEEK, now, SHOWN_KUDOS)
    return shape_digest(rows, team, quarter, now, kudos)


def shape_digest(
    rows: DigestRows,
    team: str | None,
    quarter: Quarter,
    now: datetime,
    kudos: tuple[Sequence[KudosShown], Mapping[str, str]] = ((), {}),
) -> Digest:
    name = team if team is not None else _("Everyone")
    history = GoalHistory(rows.objectives, rows.key_results, rows.changes)
    weeks = Weeks(quarter, now)
    goals = Goals(in_reading_order(rows.objectives), history.progress_at(weeks.instants))
    people = {member.id: member for member in rows.people}
    turned = turned_at_risk(rows.key_results, history, now)
    due, done = participation(rows.runs, people, now)
    card = Card(
        _("{team}: weekly digest").format(team=name),
        (
            objectives_section(goals),
            at_risk_section(turned, people),
            wins_section(wins(rows, done, people, now)),
            Section(_("Check-ins"), text=checked_in(len(done), due) + "."),
            recognition_section(*kudos),
        ),
        footer=footer(now),
        chart=chart(goals, weeks, quarter) if goals.objectives else None,
    )
    headlines = (
        objectives_summary(goals, quarter),
        checked_in(len(done), due),
        turned_summary(turned),
        kudos_summary(len(kudos[0])),
    )
    summary = _("{team} this week: {headlines}").format(
        team=name, headlines=", ".join(h for h in headlines if h)
    )
    return Digest(summary, card)
