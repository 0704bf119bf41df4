"""The export's people: each with their manager, team, cadence and platform accounts."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from app.export.entries import Emails, Entry
from storage.models import Person, PlatformIdentity


def people_entries(
    people: Sequence[Person],
    identities: Sequence[PlatformIdentity],
    seen: Collection[int | None],
    email: Emails,
) -> list[Entry]:
    accounts: dict[int, list[Entry]] = {}
    for identity in identities:
        accounts.setdefault(identity.person_id, []).append(
            {
                "platform": identity.platform,
                "user": identity.external_user_id,
                "reachable": identity.reachable,
            }
        )
    return [
        {
            "email": p.email,
            "name": p.name,
            "manager": email.get(p.manager_id),
            "team": p.team,
            "timezone": p.timezone,
            "checkin_days": p.checkin_days,
            "checkin_time": p.checkin_time,
            "cadence_weeks": p.cadence_weeks,
            "admin": p.is_admin,
            "active": p.active,
            "accounts": accounts.get(p.id or 0, []),
        }
        for p in people
        if p.id in seen
    ]
