"""Whether a message the bot sends on its own goes to someone now: sent, dropped (a kind they
turned off), or held until their quiet hours end (the instant it may go)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Literal

from bot.checkins.cadence import person_cadence
from bot.notify.policy import quiet_until
from bot.notify.stored import KINDS, settings_of_person
from storage.models import Person, Tenant
from storage.settings import settings_of

Verdict = Literal["send", "drop"] | datetime
SEND: Verdict = "send"
DROP: Verdict = "drop"


def verdict(
    person: Person, tenant: Tenant, kinds: Collection[str], now: datetime, *, quiet: bool = True
) -> Verdict:
    """`quiet`: whether quiet hours hold anything back where this is sent."""
    settings = settings_of_person(person, tenant)
    if any(kind in KINDS and not settings.allows(KINDS[kind]) for kind in kinds):
        return DROP
    if not quiet:
        return SEND
    zone = person_cadence(person, settings_of(tenant)).zone
    return quiet_until(settings.quiet, zone, now) or SEND
