"""A meeting's agenda as one of its two people sees it: what the record brought up since the last
meeting (for a manager and their report), the talking points, the action items still open from
before and this meeting's, and the reader's own private notes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from bot.core.i18n import N_, catalog, day_month
from bot.core.messages import Card, Field, Section
from bot.oneonones.times import when_for, zone_of
from bot.org.tree import display_name
from storage.agenda_record import record_since
from storage.models import AgendaItem, OneOnOne, OneOnOneMeeting, Person, Tenant
from storage.repository import Store

SHOWN = 15  # items per section; the rest are counted
HOW = N_(
    "1on1 add … puts a point on it, 1on1 note … a note only you see, 1on1 action … an action "
    "item, 1on1 done N marks action item N done."
)

_, ngettext = catalog("bot.oneonones")


def other_of(series: OneOnOne, person_id: int) -> int:
    return series.other_id if series.starter_id == person_id else series.starter_id


def manager_and_report(
    series: OneOnOne, people: Mapping[int, Person]
) -> tuple[Person, Person] | None:
    """The pair as manager and report, when one reports to the other."""
    starter, other = people.get(series.starter_id), people.get(series.other_id)
    if starter is None or other is None:
        return None
    if other.manager_id == starter.id:
        return starter, other
    if starter.manager_id == other.id:
        return other, starter
    return None


async def seed(
    store: Store,
    tenant: Tenant,
    series: OneOnOne,
    meeting: OneOnOneMeeting,
    people: Mapping[int, Person],
    now: datetime,
) -> None:
    """Bring the record since the meeting before (for the first: since the 1:1 was set up, or
    one period before it) onto this meeting's agenda, each item once."""
    pair = manager_and_report(series, people)
    if pair is None or meeting.id is None:
        return
    earlier = [
        m for m in await store.oneonones.meetings(series.id or 0) if m.starts_at < meeting.starts_at
    ]
    since = (
        earlier[-1].starts_at
        if earlier
        else series.created_at - timedelta(weeks=series.every_weeks)
    )
    for found in await record_since(store.session, tenant.id, *pair, since, now):
        await store.oneonones.seed(
            AgendaItem(
                tenant_id=tenant.id,
                meeting_id=meeting.id,
                kind="seeded",
                text=found.text,
                source=found.source,
                seed_key=found.key,
                only_for_id=found.only_for,
                created_at=now,
            )
        )


async def agenda_card(
    store: Store,
    tenant: Tenant,
    series: OneOnOne,
    meeting: OneOnOneMeeting,
    viewer: Person,
    people: Mapping[int, Person],
) -> Card:
    items = list(await store.oneonones.items([meeting.id or 0]))
    carried = [
        item
        for item in await store.oneonones.open_actions(series.id or 0, meeting.starts_at)
        if item.meeting_id != meeting.id
    ]
    other = people.get(other_of(series, viewer.id or 0))
    with_whom = display_name(other) if other is not None else _("someone")
    when = when_for(meeting.starts_at, zone_of(tenant, viewer))
    title = _("1:1 with {other} · {when}").format(other=with_whom, when=when)
    notes = [i for i in items if i.kind == "note" and i.author_id == viewer.id]
    sections = [
        _section(_("From the record"), [_seeded(i) for i in items if _seeded_for(i, viewer)]),
        _section(_("Talking points"), [_point(i, people) for i in items if i.kind == "point"]),
        _section(
            _("Action items"),
            [_action(i, people) for i in [*carried, *(i for i in items if i.kind == "action")]],
        ),
        _section(_("Your private notes"), [Field(_("Note"), i.text) for i in notes]),
    ]
    shown = tuple(s for s in sections if s is not None)
    if not shown:
        shown = (Section(_("Agenda"), text=_("Nothing on the agenda yet.")),)
    return Card(title, shown, footer=_(HOW))


def visible(item: AgendaItem, viewer: Person) -> bool:
    """Whether the reader may see this item: a note only its writer, a seeded item with a
    reader of its own only them; the rest both."""
    if item.kind == "note":
        return item.author_id == viewer.id
    return item.only_for_id is None or item.only_for_id == viewer.id


def item_fields(
    items: Sequence[AgendaItem], viewer: Person, people: Mapping[int, Person]
) -> list[Field]:
    """A past meeting's items the reader may see, as history lists them."""
    fields = []
    for item in items:
        if not visible(item, viewer):
            continue
        if item.kind == "seeded":
            fields.append(_seeded(item))
        elif item.kind == "action":
            fields.append(_action(item, people))
        elif item.kind == "note":
            fields.append(Field(_("Your note"), item.text))
        else:
            fields.append(_point(item, people))
    return fields


def _seeded_for(item: AgendaItem, viewer: Person) -> bool:
    return item.kind == "seeded" and visible(item, viewer)


def _seeded(item: AgendaItem) -> Field:
    return Field(item.text, _("from the record: {source}").format(source=item.source))


def _point(item: AgendaItem, people: Mapping[int, Person]) -> Field:
    return Field(f"#{item.id} {item.text}", _("from {author}").format(author=_author(item, people)))


def _action(item: AgendaItem, people: Mapping[int, Person]) -> Field:
    author = _author(item, people)
    if item.done_at:
        state = _("done {day} · {author}").format(day=day_month(item.done_at), author=author)
    else:
        since = day_month(item.created_at)
        state = _("open since {day} · {author}").format(day=since, author=author)
    return Field(f"#{item.id} {item.text}", state)


def _author(item: AgendaItem, people: Mapping[int, Person]) -> str:
    author = people.get(item.author_id or 0)
    return display_name(author) if author is not None else _("someone")


def _section(title: str, fields: list[Field]) -> Section | None:
    if not fields:
        return None
    more = len(fields) - SHOWN
    rest = ngettext("And {n} more.", "And {n} more.", more).format(n=more) if more > 0 else ""
    return Section(title, tuple(fields[:SHOWN]), rest)
