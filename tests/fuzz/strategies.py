"""Hostile text for the fuzz tests: control characters, huge and odd numbers, Unicode digits
and scripts, Slack and Teams markup, and very long runs."""

from __future__ import annotations

import unicodedata
from typing import TypeVar

from hypothesis import strategies as st

T = TypeVar("T")


def either(*options: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """One of `options`, each as likely as the next. st.one_of flattens options that are one_of
    themselves, so an option with many alternatives would crowd out the rest."""
    return st.sampled_from(options).flatmap(lambda option: option)


# Pieces people (or attackers) type that have tripped parsers before, or could.
PIECES = (
    "<!channel>", "<!here>", "<!everyone>", "<@U_ALAN>", "<@U123|bob>", "<#C1|general>",
    "<https://evil.example|click>", "<mailto:a@b.c|a@b.c>", "&lt;", "&gt;", "&amp;", "&#60;",
    "@channel", "@here", "<at>Alan</at>", "[x](https://evil.example)", "**", "`", "\\",
    "\x00", "\x07", "\x1b[2J", "\r\n", "\r", "\t", "\x85", "\u2028", "\u202e", "\u200b",
    "\u200f", "\ufeff", "\ufe0f", "\u00a0", "\u2009",
    "🙂", "👍🏽", "🇳🇴", "✅", "❌", "😞", "שלום", "مرحبا", "日本語",
    "1e309", "-1e309", "1e-400", "NaN", "nan", "inf", "-inf", "-5", "-0", "+7", "0x1F", "1_000",
    "9" * 40, "9" * 5000, "²", "³", "½", "١٢", "߀", "𝟗", "Ⅻ", "٪", "−3",
    "100%", "%", "$", "€1,000", "1,000,000", "1,5", "3.5k", "2bn",
    ",", ";", "|", ":", "=", "-", "/", " and ", "'", '"', "“", "”", "#",
    "done", "same", "skip", "none", "yes", "no", "n/a", "today", "tomorrow", "friday",
    "every", "weeks", "for", "days", "on", "at", "to", "from", "due", "anonymous", "me",
    "09:30", "24:00", "9:5", "²:30", "2026-12-04", "9999-12-31", "0000-01-01", "mon-fri",
    "weekdays", "Europe/Berlin", "America", "../etc", "signups", "nps", "docs",
    "likert", "enps", "choice", "multi", "text", "team", "everyone", "my org",
    "checkin", "goals", "feedback", "pulse", "digest", "help", "home", "now", "request",
    "give", "share", "send", "results", "subscribe", "unsubscribe", "schedule", "pause",
)  # fmt: skip

# Indexes, not the pieces: a strategy repr with 5000 nines in it is slow and useless.
piece = st.sampled_from(range(len(PIECES))).map(PIECES.__getitem__)
any_char_text = st.text(max_size=40)  # every code point but surrogates: controls included
words = st.lists(piece | any_char_text, max_size=14)
numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.integers(-(10**400), 10**400).map(str),
    st.floats().map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
long_runs = st.builds(
    lambda part, times: part * times,
    st.sampled_from(["a", "9", "a ", "9,", "<!channel> ", "🙂", "\x00", "mon,", "x|", "; "]),
    st.integers(200, 12_000),
)

hostile_text = either(
    any_char_text,
    words.map(" ".join),
    words.map("".join),
    numbers,
    st.builds(lambda n, word: f"{n} {word}", numbers, piece),
    long_runs,
)


def has_control(text: str) -> bool:
    """Control, format (bidi, zero-width) or line/paragraph separator characters."""
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)
