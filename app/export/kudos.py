"""The export's kudos: who gave them to whom, for what, with which values. A private kudos goes
only into the operator's export and the export of the people it names or its giver."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.export.entries import Emails, Entry, iso
from storage.models import Kudos, KudosReceiver, Person


def kudos_entries(
    kudos: Sequence[Kudos],
    receivers: Sequence[KudosReceiver],
    email: Emails,
    viewer: Person | None,
) -> list[Entry]:
    to: Mapping[int | None, list[int]] = _receivers(receivers)
    return [
        {
            "from": email.get(k.giver_id),
            "to": sorted(str(email.get(person)) for person in to.get(k.id, [])),
            "message": k.message,
            "values": list(k.tags),
            "private": k.private,
            "at": iso(k.created_at),
        }
        for k in kudos
        if viewer is None
        or not k.private
        or viewer.id == k.giver_id
        or viewer.id in to.get(k.id, [])
    ]


def _receivers(receivers: Sequence[KudosReceiver]) -> dict[int | None, list[int]]:
    found: dict[int | None, list[int]] = {}
    for row in receivers:
        found.setdefault(row.kudos_id, []).append(row.person_id)
    return found
