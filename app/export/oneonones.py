"""The export's 1:1s: only in the export of one of its two people (`--as`), never in the
operator's, with the meetings and what that person may see of each agenda (their own notes,
not the other's)."""

from __future__ import annotations

from collections.abc import Sequence

from app.export.entries import Emails, Entry, iso
from bot.oneonones.agenda import visible
from storage.models import AgendaItem, OneOnOne, OneOnOneMeeting, Person


def oneonone_entries(
    series: Sequence[OneOnOne],
    meetings: Sequence[OneOnOneMeeting],
    items: Sequence[AgendaItem],
    email: Emails,
    viewer: Person,
) -> list[Entry]:
    return [
        {
            "with": email.get(s.other_id if s.starter_id == viewer.id else s.starter_id),
            "started_by": email.get(s.starter_id),
            "every_weeks": s.every_weeks,
            "weekday": s.weekday,
            "time": s.at,
            "timezone": s.timezone,
            "status": s.status,
            "meetings": [
                {
                    "starts_at": iso(m.starts_at),
                    "items": [
                        _item(i, email)
                        for i in items
                        if i.meeting_id == m.id and visible(i, viewer)
                    ],
                }
                for m in meetings
                if m.series_id == s.id
            ],
        }
        for s in series
    ]


def _item(item: AgendaItem, email: Emails) -> Entry:
    return {
        "kind": item.kind,
        "text": item.text,
        "source": item.source or None,
        "by": email.get(item.author_id),
        "done_at": iso(item.done_at),
        "at": iso(item.created_at),
    }
