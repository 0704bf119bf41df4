"""The command table: every command, typed in chat or sent as a slash command, is one row.

Each capability declares its rows once (the words, the handler, who it is for, its help line);
routing, `help`, the "not available" answers and the app manifest's slash commands are all
read from the table, so a command can't exist in one of them and not another.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.core.i18n import translate
from bot.core.outcome import Outcome
from storage.models import Person, Tenant
from storage.repository import Store


@dataclass
class Context:
    """Who is acting, where, and when: what every handler is given, in one unit of work."""

    store: Store
    tenant: Tenant
    person: Person
    now: datetime
    platform: str
    commands: CommandTable
    # This event linked the person to this platform account: nothing sent before reached it.
    first_contact: bool = False
    channel: dict[str, Any] | None = None  # a command typed in a channel: where
    # A feedback request's or a survey's question may be waiting for the person (False: read
    # ahead with the person, none is).
    asked_elsewhere: bool = True


Handler = Callable[[Context, str], Awaitable[Outcome]]
# Who a command is for; the handler checks it against the org (a manager's reports, admins).
Audience = Literal["anyone", "managers", "admins and managers", "channels"]

HELP = "help"
UNKNOWN = "unknown"  # a subcommand the command doesn't have
MAX_SHORT_WORDS = 12  # longer text is an answer that happens to start with a command word
MAX_LONG_WORDS = 400  # a feedback request or a survey names people and questions


@dataclass(frozen=True)
class HelpLine:
    example: str  # a command's words: English in every language
    meaning: str  # marked with N_ where it is written

    @property
    def said(self) -> str:
        """The meaning in the language in force."""
        return translate(self.meaning)


@dataclass(frozen=True)
class CommandRow:
    name: str  # "checkin"
    sub: str  # "now"; "" for a command without subcommands
    handler: Handler | None  # None: understood, but not in this version
    help: tuple[HelpLine, ...] = ()
    audience: Audience = "anyone"
    default: bool = False  # what the bare command means
    long: bool = False  # names people and questions: may run past a dozen words
    # Typed in chat, whether what follows the words is this command (None: anything). For words
    # an answer may start with ("my team shipped it"), so that only the command's forms count.
    typed: Callable[[str], bool] | None = None
    # Words the bare command takes in place of a subcommand ("goals 2026-Q4"), when they
    # match this; None: the bare command takes none.
    bare_args: re.Pattern[str] | None = None


@dataclass(frozen=True)
class SlashCommand:
    """A command as a platform's app manifest registers it (where it has slash commands)."""

    name: str
    description: str
    usage_hint: str
    escape: bool = False  # Slack sends mentions as <@U123|name> tokens


@dataclass(frozen=True)
class Command:
    name: str
    sub: str
    args: str = ""

    @property
    def words(self) -> str:
        return f"{self.name} {self.sub}".strip()


class CommandTable:
    def __init__(self, rows: Iterable[CommandRow], slash: Iterable[SlashCommand] = ()) -> None:
        self.rows = tuple(rows)
        self.slash = tuple(slash)
        self._rows = {(row.name, row.sub): row for row in self.rows}
        if len(self._rows) != len(self.rows):
            raise ValueError("a command is declared twice")
        self._subs: dict[str, list[str]] = {}
        for row in self.rows:
            self._subs.setdefault(row.name, []).append(row.sub)
        self._default = {row.name: row.sub for row in self.rows if row.default or not row.sub}
        if set(self._default) != set(self._subs):
            raise ValueError("every command needs a default subcommand")
        if {s.name for s in self.slash} - set(self._subs):
            raise ValueError("a slash command with no rows")

    @property
    def names(self) -> Sequence[str]:
        return tuple(self._subs)

    def row(self, command: Command) -> CommandRow | None:
        return self._rows.get((command.name, command.sub))

    def help_lines(self) -> tuple[HelpLine, ...]:
        return tuple(line for row in self.rows for line in row.help)

    def parse(self, name: str, text: str) -> Command | None:
        """A slash command's name and text -> Command, or None when `name` is not ours."""
        name = name.strip().lstrip("/").lower()
        if name not in self._subs:
            return None
        if name == HELP:
            return Command(HELP, "", text.strip())
        first, _, rest = " ".join(text.split()).partition(" ")
        sub = first.lower()
        if not sub:
            return Command(name, self._default[name])
        if sub not in self._subs[name]:
            if self._bare_args(name, text):
                return Command(name, self._default[name], " ".join(text.split()))
            return Command(name, UNKNOWN, text.strip())
        return Command(name, sub, rest)

    def _bare_args(self, name: str, text: str) -> bool:
        """Whether `text` is what the bare command `name` takes in place of a subcommand."""
        default = self._rows.get((name, self._default.get(name, "")))
        pattern = default.bare_args if default is not None else None
        return pattern is not None and pattern.fullmatch(" ".join(text.split())) is not None

    def in_text(self, text: str) -> Command | None:
        """A chat message that is a command, or None for anything else (such as an answer).

        Only exact command forms count, so an answer like "help needed from design" stays an
        answer.
        """
        words = text.strip().lstrip("/").split()
        if not words:
            return None
        name, second = words[0].lower(), words[1].lower() if len(words) > 1 else None
        row = self._rows.get((name, second)) if second is not None else None
        if row is None and second is not None and self._bare_args(name, " ".join(words[1:])):
            row = self._rows.get((name, self._default[name]))  # "kudos @ana …": its length rule
        if row is not None and row.typed is not None and not row.typed(" ".join(words[2:])):
            return None
        if len(words) > (MAX_LONG_WORDS if row is not None and row.long else MAX_SHORT_WORDS):
            return None
        if name == HELP:
            if second is None or (len(words) == 2 and second.lstrip("/") in self._subs):
                return Command(HELP, "", " ".join(words[1:]))
            return None
        if name not in self._subs:
            return None
        if second is not None and row is None and not self._bare_args(name, " ".join(words[1:])):
            return None
        return self.parse(name, " ".join(words[1:]))
