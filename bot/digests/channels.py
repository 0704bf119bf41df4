"""`digest subscribe [team]` and `digest unsubscribe [team]`, typed in a channel: a team's
weekly goal digest posted there, on Monday morning in the org's time zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from bot.checkins.cadence import local_to_utc, org_zone
from bot.core.i18n import catalog, moment
from bot.core.messages import Text
from bot.core.ports import Phrased
from bot.org.tree import org_of
from storage.models import DigestSubscription, Person, Tenant
from storage.repository import Store
from storage.settings import OrgSettings, settings_of

DIGEST = "channel_digest"
DIGEST_WEEKDAY = 0  # Monday
DIGEST_TIME = time(9, 0)

_, ngettext = catalog("bot.digests")


def in_a_channel() -> Phrased:
    """Where `digest subscribe` is typed, in the language in force; how a command is typed in
    a channel is the platform's to say."""
    plain = _("Type this in the channel that should get the digest.")
    worded = _("Type this in the channel that should get the digest: {command}.")
    return Phrased(
        plain, words=lambda book: worded.format(command=book.channel_command("digest subscribe"))
    )


IN_A_CHANNEL = in_a_channel()  # in English


def next_digest(settings: OrgSettings, after: datetime) -> datetime:
    """The next Monday 09:00 in the org's time zone, strictly after `after`."""
    zone = org_zone(settings)
    day = after.astimezone(zone).date()
    for ahead in range(0, 8):
        candidate = day + timedelta(days=ahead)
        if candidate.weekday() == DIGEST_WEEKDAY:
            instant = local_to_utc(candidate, DIGEST_TIME, zone)
            if instant > after:
                return instant
    raise AssertionError("a Monday comes within eight days")


class DigestChannels:
    def __init__(self, store: Store, tenant: Tenant, person: Person, now: datetime) -> None:
        self.store = store
        self.subscriptions = store.subscriptions
        self.tenant = tenant
        self.person = person
        self.now = now

    async def subscribe(self, args: str, channel: dict[str, Any] | None) -> list[Text]:
        if not channel or not channel.get("key"):
            return [in_a_channel()]
        team, refusal = await self.team_for(args, "subscribe")
        if refusal:
            return [Text(refusal)]
        subscription = DigestSubscription(
            tenant_id=self.tenant.id,
            platform=self.tenant.platform,
            channel_key=str(channel["key"]),
            channel_name=str(channel.get("name") or "")[:200],
            channel=channel,
            team=team,
            team_key=(team or "").lower(),
            created_by=self.person.id,
            created_at=self.now,
        )
        what = _("the {team} digest").format(team=team) if team else _("the whole org's digest")
        where = subscription.channel_name or _("this channel")
        if not await self.store.insert_if_absent(subscription):
            return [Text(_("{channel} gets {digest} already.").format(channel=where, digest=what))]
        here = await self.subscriptions.in_channel(self.tenant.id, subscription.channel_key)
        saved = next(s for s in here if s.team_key == subscription.team_key)
        due = next_digest(settings_of(self.tenant), self.now)
        await self.store.plan(self.tenant.id, DIGEST, saved.id or 0, due)
        done = _(
            "Done: {channel} gets {digest} every Monday morning, the first on {when}. "
            "Blockers never go to a channel. digest now previews it in your DM."
        )
        return [Text(done.format(channel=where, digest=what, when=moment(due)))]

    async def unsubscribe(self, args: str, channel: dict[str, Any] | None) -> list[Text]:
        if not channel or not channel.get("key"):
            return [in_a_channel()]
        team, refusal = await self.team_for(args, "unsubscribe")
        if refusal:
            return [Text(refusal)]
        for subscription in await self.subscriptions.in_channel(
            self.tenant.id, str(channel["key"])
        ):
            if subscription.team_key == (team or "").lower():
                await self.store.unplan(DIGEST, subscription.id or 0)
                await self.store.delete(subscription)
                return [Text(_("Stopped: no more weekly digests of that team here."))]
        return [Text(_("This channel doesn't get that digest."))]

    async def team_for(self, args: str, verb: str) -> tuple[str | None, str | None]:
        """The team asked for (default: mine; `everyone` for the whole org, admins only), or
        why this person may not have its digest: it's for members, their managers, admins."""
        wanted = args.strip().removeprefix("team ").strip()
        people = await self.store.people(self.tenant.id)
        team_names = {p.team.lower(): p.team for p in people if p.team}
        if wanted.lower() in ("everyone", "all", "org"):
            if not self.person.is_admin:
                return None, _("Only admins can have the whole org's digest.")
            return None, None
        team = team_names.get(wanted.lower()) if wanted else self.person.team
        if team is None:
            known = ", ".join(sorted(team_names.values())) or _("none yet")
            return None, _("Which team? digest {verb} TEAM. Teams: {teams}.").format(
                verb=verb, teams=known
            )
        members = {p.id for p in people if p.team == team}
        mine = org_of(self.person.id or 0, {p.id or 0: p for p in people})
        if self.person.is_admin or self.person.team == team or members <= mine:
            return team, None
        return None, _("The {team} digest is for its members, their managers and admins.").format(
            team=team
        )
