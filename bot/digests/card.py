"""The digest in words: its card's sections and chart, and the headlines of its one-line
summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from statistics import fmean

from bot.core.i18n import N_, catalog, day_month
from bot.core.messages import Chart, Field, Section
from bot.digests.charts import line_chart
from bot.digests.week import SEVERITY, Goals, Quarter, Turned, Weeks, name_of, percent
from bot.goals.progress import progress_bar
from storage.digest import Member

SHOWN_OBJECTIVES = 10  # Slack shows up to ten fields side by side
SHOWN_AT_RISK = 10
CHART_SERIES = 5  # more objectives than this are charted as their average
# A key result's status as bot.goals.progress names it, in words for the card.
STATUS_WORDS = {
    "no status": N_("no status"),
    "on track": N_("on track"),
    "at risk": N_("at risk"),
    "off track": N_("off track"),
}

_, ngettext = catalog("bot.digests")


def objectives_section(goals: Goals) -> Section:
    title = _("Objectives")
    if not goals.objectives:
        return Section(title, text=_("No objectives for this quarter yet."))
    fields = []
    for objective in goals.objectives[:SHOWN_OBJECTIVES]:
        now, then = goals.now[objective.id], goals.then[objective.id]
        value = _("{bar} {percent}% · {change}").format(
            bar=_bar(now), percent=now, change=_points(now - then)
        )
        fields.append(Field(objective.title, value))
    text = _("Average {percent}%, {change} since last week.").format(
        percent=goals.average, change=_points(goals.change)
    )
    if len(goals.objectives) > SHOWN_OBJECTIVES:
        text += " " + _("The first {shown} of {count}:").format(
            shown=SHOWN_OBJECTIVES, count=len(goals.objectives)
        )
    return Section(title, tuple(fields), text)


def at_risk_section(turned: Sequence[Turned], people: Mapping[int, Member]) -> Section:
    title = _("Turned at risk or off track")
    if not turned:
        return Section(title, text=_("No key result turned at risk or off track this week."))
    fields = []
    for item in turned[:SHOWN_AT_RISK]:
        after = status_words(item.after)
        if item.before == "no status":
            status = _("{status} (first rated)").format(status=after)
        else:
            status = _("{status} (was {before})").format(
                status=after, before=status_words(item.before)
            )
        parts = [
            status,
            _("confidence {confidence}/10").format(confidence=item.confidence),
            _("{percent}% done").format(percent=percent(item.share)),
        ]
        owner = people.get(item.kr.owner_id or 0)
        if owner is not None:
            parts.append(name_of(owner))
        fields.append(Field(item.kr.title, " · ".join(parts)))
    more = len(turned) - SHOWN_AT_RISK
    return Section(
        title, tuple(fields), _("And {count} more.").format(count=more) if more > 0 else ""
    )


def wins_section(wins: Sequence[Field]) -> Section:
    if not wins:
        return Section(_("Top wins"), text=_("No wins shared yet this week."))
    return Section(_("Top wins"), tuple(wins))


def chart(goals: Goals, weeks: Weeks, quarter: Quarter) -> Chart:
    """Weekly points back from `now` to the quarter's start: each objective, or their average
    when there are more than CHART_SERIES."""
    charted = slice(-weeks.charted, None)
    labels = [day(when) for when in weeks.instants[charted]]
    objectives = goals.objectives
    if len(objectives) <= CHART_SERIES:
        title = _("Objective progress in {quarter} (%)").format(quarter=quarter.label)
        series = [
            (o.title, [100 * share for share in goals.weekly[o.id][charted]]) for o in objectives
        ]
    else:
        title = _("Average progress of {count} objectives in {quarter} (%)").format(
            count=len(objectives), quarter=quarter.label
        )
        every = zip(*goals.weekly.values(), strict=True)
        series = [(_("Average"), [100 * fmean(shares) for shares in every][charted])]
    return line_chart(title, labels, series, y_min=0, y_max=100)


def objectives_summary(goals: Goals, quarter: Quarter) -> str:
    count = len(goals.objectives)
    if not count:
        return _("no objectives for {quarter}").format(quarter=quarter.label)
    change = _("no change") if goals.change == 0 else _signed(goals.change)
    return ngettext(
        "{count} objective, avg {percent}% ({change})",
        "{count} objectives, avg {percent}% ({change})",
        count,
    ).format(count=count, percent=goals.average, change=change)


def turned_summary(turned: Sequence[Turned]) -> str:
    if not turned:
        return ""
    statuses = [
        status_words(status)
        for status in sorted({t.after for t in turned}, key=SEVERITY.__getitem__)
    ]
    either = statuses[0]
    for status in statuses[1:]:
        either = _("{first} or {second}").format(first=either, second=status)
    return ngettext(
        "{count} key result turned {statuses}", "{count} key results turned {statuses}", len(turned)
    ).format(count=len(turned), statuses=either)


def checked_in(done: int, due: int) -> str:
    if not due:
        return _("no check-ins due")
    return ngettext("{done} of {due} checked in", "{done} of {due} checked in", done).format(
        done=done, due=due
    )


def footer(now: datetime) -> str:
    return _("The week to {day}. Blockers go to managers only, never here.").format(
        day=day(now, year=True)
    )


def day(when: datetime, *, year: bool = False) -> str:
    return day_month(when.astimezone(UTC), year=year)


def status_words(status: str) -> str:
    """A key result's status ("at risk") in the language in force."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def _bar(whole_percent: int) -> str:
    return progress_bar(whole_percent / 100)


def _points(change: int) -> str:
    if change == 0:
        return _("no change")
    return ngettext("{change} pt", "{change} pts", abs(change)).format(change=_signed(change))


def _signed(number: int) -> str:
    return f"+{number}" if number > 0 else f"−{-number}"
