"""Commands typed in chat or sent as slash commands: the same words on every platform."""

from __future__ import annotations

from dataclasses import dataclass

COMMANDS = ("checkin", "goals", "feedback", "pulse", "digest", "home", "help")

# Subcommands each command knows; the first is what the bare command means.
SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "checkin": (
        "now",
        "edit",
        "skip",
        "pause",
        "resume",
        "schedule",
        "reminders",
        "team",
        "blockers",
        "help",
    ),
    "goals": ("mine", "team", "add", "update", "help"),
    "feedback": ("help", "request", "give", "inbox", "share"),
    "pulse": ("help", "send", "results"),
    "digest": ("help", "subscribe", "unsubscribe", "now"),
    "home": ("",),
    "help": ("",),
}

# What this version can do; the rest is recognised and answered with a clear note.
AVAILABLE = {
    ("checkin", "now"),
    ("checkin", "edit"),
    ("checkin", "help"),
    ("checkin", "skip"),
    ("checkin", "pause"),
    ("checkin", "resume"),
    ("checkin", "schedule"),
    ("checkin", "reminders"),
    ("checkin", "team"),
    ("checkin", "blockers"),
    ("goals", "team"),
    ("feedback", "help"),
    ("feedback", "request"),
    ("feedback", "give"),
    ("feedback", "inbox"),
    ("feedback", "share"),
    ("pulse", "help"),
    ("pulse", "send"),
    ("pulse", "results"),
    ("goals", "mine"),
    ("goals", "help"),
    ("digest", "now"),
    ("digest", "subscribe"),
    ("digest", "unsubscribe"),
    ("home", ""),
    ("help", ""),
}


LONG_COMMANDS = ("feedback", "pulse")
LONG_SUBS = ("request", "send")
MAX_LONG_WORDS = 400


@dataclass(frozen=True)
class Command:
    name: str
    sub: str
    args: str = ""

    @property
    def available(self) -> bool:
        return (self.name, self.sub) in AVAILABLE

    @property
    def words(self) -> str:
        return f"{self.name} {self.sub}".strip()


def parse_command(name: str, text: str) -> Command | None:
    """A slash command's name and text -> Command, or None when `name` is not ours."""
    name = name.strip().lstrip("/").lower()
    if name not in SUBCOMMANDS:
        return None
    first, _, rest = " ".join(text.split()).partition(" ")
    sub = first.lower()
    if name == "help":
        return Command("help", "", text.strip())
    if not sub:
        return Command(name, SUBCOMMANDS[name][0])
    if sub not in SUBCOMMANDS[name]:
        return Command(name, "unknown", text.strip())
    return Command(name, sub, rest)


def command_in_text(text: str) -> Command | None:
    """A chat message that is a command, or None for anything else (such as an answer).

    Only exact command forms count, so an answer like "help needed from design" stays an answer.
    """
    words = text.strip().lstrip("/").split()
    if not words:
        return None
    name = words[0].lower()
    # Answers are short sentences that may start with a command word; feedback and pulse
    # commands name people and questions, and run long.
    long_form = name in LONG_COMMANDS and len(words) > 1 and words[1].lower() in LONG_SUBS
    if len(words) > (MAX_LONG_WORDS if long_form else 12):
        return None
    if name == "help":
        if len(words) == 1 or (len(words) == 2 and words[1].lower().lstrip("/") in COMMANDS):
            return Command("help", "", " ".join(words[1:]))
        return None
    if name not in SUBCOMMANDS:
        return None
    if len(words) > 1 and words[1].lower() not in SUBCOMMANDS[name]:
        return None
    return parse_command(name, " ".join(words[1:]))
