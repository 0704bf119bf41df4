"""What an answer can be, and the reading every parser starts with: the text normalised, its
decoration dropped, the words that mean "skip" or "no change", and the user's words quoted back
in a re-ask. The words are the language in force's and English (`lexicon`)."""

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal, TypeAlias

from bot.checkins.parsing.lexicon import here
from bot.core.i18n import catalog

_, ngettext = catalog("bot.checkins")

MetricKind = Literal["number", "percent", "currency", "binary"]


@dataclass(frozen=True)
class MetricSpec:
    kind: MetricKind
    start: float
    target: float
    current: float | None  # None = never reported
    unit: str | None = None  # e.g. "signups", "$", "EUR"


@dataclass(frozen=True)
class Value:
    number: float


@dataclass(frozen=True)
class NoChange:  # "same", "no change", "unchanged", "as before", "=" ...
    pass


@dataclass(frozen=True)
class Skipped:  # "skip", "pass", "n/a", "-" ...
    pass


@dataclass(frozen=True)
class Invalid:
    reason: str  # a friendly one-sentence re-ask, shown to the user


Parsed: TypeAlias = Value | NoChange | Skipped | Invalid
KeyResult: TypeAlias = tuple[str, str, MetricSpec]  # (key, title, spec)

# An answer is one value; anything longer is prose, and the caps keep every step cheap.
MAX_ANSWER = 200
_QUOTE_LIMIT = 40


_YES_MARKS, _NO_MARKS = frozenset("✅✔☑✓"), frozenset("❌✖✗✘❎")
# Typographic spaces between digit groups are thousands separators ("1 250" in French);
# a plain space is not, because "400 500" is more likely two numbers than 400500.
_GROUP_SPACE = re.compile(r"(?<=\d)[\u00a0\u2009\u202f](?=\d{3}(?!\d))")
_DECOR = frozenset({"So", "Sk", "Me", "Cc"})  # emoji, modifiers, keycaps, control characters


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", _GROUP_SPACE.sub(here().group, text)).casefold()
    text = text.replace("\u2212", "-").replace("’", "'")
    # Bidi marks, zero-width joiners and variation selectors are invisible but split tokens.
    return "".join(
        ch for ch in text if unicodedata.category(ch) != "Cf" and not "\ufe00" <= ch <= "\ufe0f"
    )


def core_of(norm: str) -> str:
    """Drop emoji and edge punctuation so "🎉 400!" and "Done ✅" read as their words."""
    kept = "".join(" " if unicodedata.category(ch) in _DECOR else ch for ch in norm)
    core = " ".join(kept.split()).rstrip(" .!?…,;:'\"”»)]").lstrip(" '\"“«([¡¿").strip()
    # A lone check mark or cross is an answer in itself, not decoration.
    marks = set(norm)
    yes, no = bool(marks & _YES_MARKS), bool(marks & _NO_MARKS)
    return core if core or yes == no else ("done" if yes else "no")


def quote(text: str) -> str:
    # Control and bidi characters would garble the bot's own sentence around the quote.
    flat = "".join(ch for ch in text[:MAX_ANSWER] if unicodedata.category(ch) not in {"Cc", "Cf"})
    flat = " ".join(flat.split())
    shortened = flat if len(flat) <= _QUOTE_LIMIT else flat[: _QUOTE_LIMIT - 1] + "…"
    # Translators: the marks around words quoted back to the person ("„abc“" in German).
    return _("“{text}”").format(text=shortened)


def status_of(core: str) -> Parsed | None:
    words = here()
    if core in words.skip:
        return Skipped()
    # "still n/a" says nothing moved, so it is a no-change rather than a skip.
    if core in words.no_change or any(
        core.removeprefix(still) in words.skip | words.no_change
        for still in words.still
        if core.startswith(still)
    ):
        return NoChange()
    return None
