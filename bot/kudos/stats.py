"""`kudos stats [team] [quarter]`: for managers (about the people under them) and admins (about
anyone): kudos given and received per person, and per company value, in a quarter. Counts
only: a private kudos counts, and no message is ever shown here."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, time

from bot.checkins.cadence import local_to_utc, org_zone
from bot.core.commands import Context
from bot.core.i18n import N_, catalog
from bot.core.messages import Card, Field, Section, Text
from bot.core.outcome import Outcome
from bot.core.words import listed
from bot.goals.periods import PeriodError, Quarter, current_quarter, parse_quarter
from bot.kudos.recognition import kudos_count
from bot.org.tree import display_name, org_of
from storage.models import Person
from storage.settings import settings_of

_QUARTERISH = re.compile(r"^(\d{4}[\s\-/]*q\d+|q\d+(?:[\s\-/]*\d{4})?)$")
SHOWN_PEOPLE = 20
SHOWN_UNRECOGNISED = 10
NOT_YOURS = N_("kudos stats is for managers, about the people under them, and for admins.")

_, ngettext = catalog("bot.kudos")


async def kudos_stats(ctx: Context, args: str) -> Outcome:
    try:
        team_words, quarter = _read(args, current_quarter(ctx.person, ctx.tenant, ctx.now))
    except PeriodError as error:
        return _say(str(error))
    people = await ctx.store.people_by_id(ctx.tenant.id)
    mine = org_of(ctx.person.id or 0, people)
    if not ctx.person.is_admin and not mine:
        return _say(_(NOT_YOURS))
    if team_words:
        teams = {p.team.lower(): p.team for p in people.values() if p.team}
        team = teams.get(team_words.lower())
        if team is None:
            known = ", ".join(sorted(teams.values())) or _("none yet")
            return _say(
                _("Which team? kudos stats TEAM [quarter]. Teams: {teams}.").format(teams=known)
            )
        scope = {i for i, p in people.items() if p.team == team}
        if not ctx.person.is_admin and not scope <= mine:
            return _say(
                _("The {team} kudos stats are for the managers of all of it, and admins.").format(
                    team=team
                )
            )
        title = _("Kudos in {quarter}: {team}").format(quarter=quarter.label, team=team)
    else:
        scope = set(people) if ctx.person.is_admin else mine
        everyone = _("Kudos in {quarter}: everyone") if ctx.person.is_admin else None
        title = (everyone or _("Kudos in {quarter}: your org")).format(quarter=quarter.label)
    start, end = _bounds(ctx, quarter)
    kudos, receivers = await ctx.store.kudos.between(ctx.tenant.id, start, end)
    values = {v.tag: v for v in await ctx.store.kudos.values(ctx.tenant.id)}
    received: Counter[int] = Counter(person for _kudos, person in receivers if person in scope)
    touched = {k for k, person in receivers if person in scope}
    given: Counter[int] = Counter(g for _kudos, g, _tags in kudos if g in scope)
    touched |= {k for k, g, _tags in kudos if g in scope}
    tags: Counter[str] = Counter(
        t for k, _giver, ts in kudos if k in touched for t in ts if t in values
    )
    lines = _people_fields(people, scope, given, received)
    unrecognised = sorted(
        display_name(people[i]) for i in scope if people[i].active and not received[i]
    )
    text = ngettext(
        "{kudos}, {count} people recognised.", "{kudos}, {count} people recognised.", len(received)
    ).format(kudos=kudos_count(len(touched)), count=len(received))
    if unrecognised:
        shown = unrecognised[:SHOWN_UNRECOGNISED]
        more = len(unrecognised) - len(shown)
        if more > 0:
            shown.append(_("{count} more").format(count=more))
        text += " " + _("None yet for {people}.").format(people=listed(shown))
    sections = [Section(_("People"), tuple(lines[:SHOWN_PEOPLE]), text)]
    value_fields = tuple(
        Field(f"{values[tag].name} #{tag}", str(count)) for tag, count in tags.most_common()
    )
    no_values = "" if value_fields else _("No values given.")
    sections.append(Section(_("Values"), value_fields, no_values))
    footer = _("Counts include private kudos; their words stay with the people they name.")
    return Outcome([Card(title, tuple(sections), footer=footer)])


def _read(args: str, default: Quarter) -> tuple[str, Quarter]:
    """The team's words and the quarter, which may come last as one word or two (Q1 2027)."""
    words = args.split()
    for size in (2, 1):
        tail = " ".join(words[-size:])
        if len(words) >= size and _quarter_like(tail):
            return " ".join(words[:-size]), parse_quarter(tail)
    return " ".join(words), default


def _quarter_like(text: str) -> bool:
    """Meant as a quarter, even if not a valid one (2027-Q5 gets told why)."""
    return _QUARTERISH.match(text.lower()) is not None


def _bounds(ctx: Context, quarter: Quarter) -> tuple[datetime, datetime]:
    """The quarter from midnight to midnight in the org's time zone."""
    zone = org_zone(settings_of(ctx.tenant))
    return (
        local_to_utc(quarter.first_day, time(0), zone),
        local_to_utc(quarter.next().first_day, time(0), zone),
    )


def _people_fields(
    people: Mapping[int, Person], scope: set[int], given: Counter[int], received: Counter[int]
) -> list[Field]:
    counted = [i for i in scope if given[i] or received[i]]
    counted.sort(key=lambda i: (-received[i], -given[i], display_name(people[i])))
    return [
        Field(
            display_name(people[i]),
            _("received {received} · given {given}").format(received=received[i], given=given[i]),
        )
        for i in counted
    ]


def _say(text: str) -> Outcome:
    return Outcome([Text(text)])
