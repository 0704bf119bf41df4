"""The person a word in a feedback command means: a mention, an email, `me`, or a unique name."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.i18n import catalog
from bot.feedback.request_command import FeedbackError
from storage.models import Person, Tenant
from storage.repository import Store

_, ngettext = catalog("bot.feedback")


class Mentions:
    def __init__(
        self,
        store: Store,
        tenant: Tenant,
        person: Person,
        platform: str,
        people: Mapping[int, Person],
    ) -> None:
        self.store = store
        self.tenant = tenant
        self.person = person
        self.platform = platform
        self.people = people

    async def find(self, token: str) -> Person:
        """A person from a mention (<@U123>, <@U123|name>), an email, or a unique name."""
        people = self.people
        if token.startswith("<@") and token.endswith(">"):
            user = token[2:-1].split("|", 1)[0]
            identity = await self.store.identity(self.tenant.id, self.platform, user)
            if identity is not None and identity.person_id in people:
                return people[identity.person_id]
            raise FeedbackError(
                _("I don't know {person} yet: are they in the org import?").format(
                    person=_plain(token)
                )
            )
        if token.startswith("<mailto:") and token.endswith(">"):
            token = token[len("<mailto:") : -1].split("|", 1)[0]
        word = token.lstrip("@").strip().lower()
        if word in ("me", "myself"):
            return self.person
        if "@" in word:
            found = await self.store.person_by_email(self.tenant.id, word)
            if found is not None and found.active:
                return found
            raise FeedbackError(_("No one with the email {email} here.").format(email=word[:80]))
        matches = [
            p
            for p in people.values()
            if p.active
            and word
            and (
                p.email.lower().split("@")[0] == word
                or (p.name or "").lower().replace(" ", "") == word
                or (p.name or "").lower().split(" ")[0] == word
            )
        ]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise FeedbackError(
                _("More than one person is called {name}: use their email.").format(name=word[:40])
            )
        raise FeedbackError(
            _("I can't find {name}: mention them or use their email.").format(name=word[:40])
        )


def _plain(token: str) -> str:
    inner = token[2:-1]
    return inner.split("|", 1)[1] if "|" in inner else inner
