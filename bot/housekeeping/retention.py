"""How long bookkeeping is kept: the org's choice (`checkin-bot defaults --retention-days`)."""

from __future__ import annotations

from datetime import timedelta

from storage.settings import OrgSettings

DEFAULT_RETENTION_DAYS = 30
# A day covers every platform's redelivery of an event (Slack's retries come within minutes).
MIN_RETENTION_DAYS, MAX_RETENTION_DAYS = 1, 3650


class RetentionError(ValueError):
    pass


def checked_retention(days: int) -> int:
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise RetentionError(
            f"Bookkeeping is kept between {MIN_RETENTION_DAYS} day and {MAX_RETENTION_DAYS} "
            f"days (the default is {DEFAULT_RETENTION_DAYS})."
        )
    return days


def retention(settings: OrgSettings) -> timedelta:
    return timedelta(days=settings.retention_days or DEFAULT_RETENTION_DAYS)
