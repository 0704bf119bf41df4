"""The person a word in an org command means: a mention, an email, `me`, or a unique name.

The same words as a feedback request takes (bot/feedback/mentions.py): the engine's mention
token <@USER> (docs/architecture.md; the engine links the people mentioned before a command
runs), and in the console, where no one can be mentioned, an email or @name.
"""

from __future__ import annotations

import re

from bot.core.commands import Context
from bot.core.i18n import N_, catalog
from storage.models import Person

_, ngettext = catalog("bot.org")

# A word that names a person, not any word: "my manager is out today" is an answer.
_PERSON_WORD = re.compile(r"<@[^>]+>|<mailto:[^>]+>|@\S+|[^\s@<>]+@[^\s@<>]+|me|myself", re.I)
# The words of a command, a mention with a label that has spaces (<@U1|Ana Ruiz>) kept whole.
_WORDS = re.compile(r"<[^>]*>|\S+")
SUGGEST = N_(
    "Mention them or use their email. People join the org when they first write to me, or "
    "when an admin imports the org (checkin-bot org import) or syncs it (checkin-bot org sync)."
)


class OrgError(Exception):
    """A clear answer for the person: nothing was changed."""


def words_of(text: str) -> list[str]:
    return _WORDS.findall(text)


def names_a_person(word: str) -> bool:
    return _PERSON_WORD.fullmatch(word) is not None


async def find_person(ctx: Context, word: str) -> Person:
    """The active person of this org `word` names; OrgError with a suggestion otherwise."""
    if word.startswith("<@") and word.endswith(">"):
        user, _bar, label = word[2:-1].partition("|")
        identity = await ctx.store.identity(ctx.tenant.id, ctx.platform, user)
        found = await ctx.store.person(ctx.tenant.id, identity.person_id) if identity else None
        return _active(found, f"@{label or user}")
    if word.startswith("<mailto:") and word.endswith(">"):
        word = word[len("<mailto:") : -1].split("|", 1)[0]
    name = word.lstrip("@").strip().lower()
    if name in ("me", "myself"):
        return ctx.person
    if "@" in name:
        return _active(await ctx.store.person_by_email(ctx.tenant.id, name), name)
    matches = [
        person
        for person in await ctx.store.people(ctx.tenant.id)
        if person.active
        and name
        and name
        in (
            person.email.lower().split("@")[0],
            (person.name or "").lower().replace(" ", ""),
            (person.name or "").lower().split(" ")[0],
        )
    ]
    if len(matches) > 1:
        twins = _("More than one person is called @{name}: use their email.")
        raise OrgError(twins.format(name=name[:40]))
    return _active(matches[0] if matches else None, f"@{name}")


def _active(person: Person | None, shown: str) -> Person:
    if person is None:
        unknown = _("I don't know {who} in this org.").format(who=shown[:80])
        raise OrgError(f"{unknown} {_(SUGGEST)}")
    if not person.active:
        gone = _("{person} is no longer active in this org.")
        raise OrgError(gone.format(person=person.name or person.email))
    return person
