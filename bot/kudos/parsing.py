"""A kudos as people type it: `kudos @ana @ben for shipping the onboarding flow #customer-first
private`. The receivers come first (mentions, emails or names), then the message; value tags
(#customer-first) may sit anywhere in the message and stay in it; `private` at the very end keeps
it out of the channel. Unknown tags are matched to the org's values ("did you mean …")."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.i18n import catalog

MAX_MESSAGE = 1000
MAX_RECEIVERS = 20
_TAG = re.compile(r"(?<![\w#])#([a-z0-9][a-z0-9_-]{0,59})(?![\w-])", re.IGNORECASE)
# A receiver: a platform mention (<@U123> or <@U123|name>), an email, or @name.
_RECEIVER = re.compile(
    r"<@[^>\s]{1,200}>|<mailto:[^>\s]{1,320}>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+|@[\w.\-']{1,80}"
)
_PRIVATE = re.compile(r"(?:^|\s)\(?private\)?\s*$", re.IGNORECASE)

_, ngettext = catalog("bot.kudos")


class KudosError(ValueError):
    """A kudos that can't be read; the message is shown to the person as is, at the `part`
    that is wrong where a form has one (who, message, values)."""

    def __init__(self, text: str, part: str = "message") -> None:
        super().__init__(text)
        self.part = part


@dataclass(frozen=True)
class KudosLine:
    receivers: tuple[str, ...]  # as typed: mentions, emails, @names
    message: str
    tags: tuple[str, ...]  # lowercased, in order, once each
    private: bool


def parse_kudos(text: str) -> KudosLine:
    words = text.split()
    receivers: list[str] = []
    while words and _RECEIVER.fullmatch(words[0]):
        if words[0] not in receivers:
            receivers.append(words[0])
        words = words[1:]
    if not receivers:
        raise KudosError(
            _("Say who it's for first: kudos @ana @ben for shipping the onboarding flow"), "who"
        )
    rest = " ".join(words)
    private = bool(_PRIVATE.search(rest))
    if private:
        rest = _PRIVATE.sub("", rest).strip()
    message = rest.removeprefix("for ").strip() if rest.lower().startswith("for ") else rest
    if not message:
        raise KudosError(_("Say what it's for: kudos @ana for shipping the onboarding flow"))
    return _line(receivers, message, private)


def kudos_from_parts(who: str, message: str, values: str, private: bool) -> KudosLine:
    """A kudos as a form gives it: who (mentions, emails or names, with commas or not), what
    for, and its values (#tags, with or without the #)."""
    receivers: list[str] = []
    for word in re.split(r"[\s,;]+", who.strip()):
        if not word:
            continue
        named = word if _RECEIVER.fullmatch(word) else f"@{word.lstrip('@')}"
        if not _RECEIVER.fullmatch(named):
            raise KudosError(
                _("“{word}” isn't a name, a mention or an email.").format(word=word[:40]), "who"
            )
        if named not in receivers:
            receivers.append(named)
    if not receivers:
        raise KudosError(_("Say who it's for."), "who")
    text = " ".join(message.split())
    if not text:
        raise KudosError(_("Say what it's for."))
    present = {tag.lower() for tag in _TAG.findall(text)}
    for word in re.split(r"[\s,;]+", values.strip()):
        tag = word.lstrip("#")
        if not tag:
            continue
        if not _TAG.fullmatch(f"#{tag}"):
            raise KudosError(
                _("“{word}” isn't a value tag, like #customer-first.").format(word=word[:40]),
                "values",
            )
        if tag.lower() not in present:
            text += f" #{tag}"
            present.add(tag.lower())
    return _line(receivers, text, private)


def _line(receivers: list[str], message: str, private: bool) -> KudosLine:
    if len(receivers) > MAX_RECEIVERS:
        raise KudosError(
            _("A kudos names at most {most} people.").format(most=MAX_RECEIVERS), "who"
        )
    if len(message) > MAX_MESSAGE:
        raise KudosError(
            _("That's {length} characters; a kudos fits in {most}.").format(
                length=len(message), most=MAX_MESSAGE
            )
        )
    tags = tuple(dict.fromkeys(tag.lower() for tag in _TAG.findall(message)))
    return KudosLine(tuple(receivers), message, tags, private)


def unknown_tags(tags: Sequence[str], known: Sequence[str]) -> list[str]:
    """A sentence per tag the org has no value for, with the closest value when there is one."""
    lines = []
    for tag in tags:
        if tag in known:
            continue
        close = difflib.get_close_matches(tag, known, n=1, cutoff=0.6)
        if close:
            line = _("#{tag} isn't one of the company's values. Did you mean #{value}?")
        else:
            line = _("#{tag} isn't one of the company's values.")
        lines.append(line.format(tag=tag, value=close[0] if close else ""))
    return lines
