"""The words the bot says, in the language of whoever reads them.

Each capability keeps its own gettext catalogs beside its code (`bot/kudos/locale/de/LC_MESSAGES/
messages.po`), written and updated with Babel (`./dev catalogs`, which compiles each to the
`.mo` read here). The language in force is a context variable: the engine sets it to the acting
person's before handling their event, and whoever writes to someone else (a notice, a scheduled
reminder, a wave's prompt) speaks that person's language while building the message.

In code, a capability takes its translator once, `_, ngettext = catalog("bot.kudos")`, and writes
`_("Kudos from {giver}: {message}").format(...)`: placeholders are named and filled after
translation, so user text never meets a translator's format string. Text built at import time
(help lines, question templates) is marked with `N_` and translated where it is used.
"""

from __future__ import annotations

import gettext
import io
import math
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberFormatError, format_decimal, parse_decimal

if TYPE_CHECKING:  # a person and an org, as the storage keeps them (not imported at run time)
    from storage.models import Person, Tenant

DEFAULT = "en"
# The languages every message is written in; a person whose platform speaks another reads the
# org's default language.
LANGUAGES = ("en", "de", "es")
NAMES = {"en": "English", "de": "Deutsch", "es": "Español"}
DOMAIN = "messages"
# The capabilities with catalogs of their own (app/catalogs.py keeps them up to date). Text one
# capability marks and another shows (a help line) is found in any of them.
CATALOGS = (
    "bot.core",
    "bot.engine",
    "bot.checkins",
    "bot.goals",
    "bot.team",
    "bot.feedback",
    "bot.pulse",
    "bot.digests",
    "bot.kudos",
    "bot.oneonones",
    "bot.reviews",
    "bot.org",
    "bot.home",
    "bot.imports",
    "bot.privacy",
    "bot.notify",
)

_language: ContextVar[str] = ContextVar("language", default=DEFAULT)


def language_of(locale: str | None) -> str | None:
    """The language of a platform's locale ("de-DE", "es_MX", "de") among ours, or None."""
    return _language_of(locale) if locale else None


@lru_cache(maxsize=1024)
def _language_of(locale: str) -> str | None:
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    return parsed.language if parsed.language in LANGUAGES else None


def language_for(person: Person, tenant: Tenant | None = None) -> str:
    """The language someone reads: their own choice (`settings language`), else their platform's
    if we write it, else their org's default."""
    chosen = person.language if person.language in LANGUAGES else language_of(person.locale)
    if chosen is not None:
        return chosen
    org = tenant.settings.get("language") if tenant is not None else None
    return org if isinstance(org, str) and org in LANGUAGES else DEFAULT


def speaking_to(person: Person, tenant: Tenant | None = None) -> AbstractContextManager[str]:
    """Write messages in `person`'s language inside the block (a notice, a reminder)."""
    return speaking(language_for(person, tenant))


def current() -> str:
    """The language messages are being written in now."""
    return _language.get()


def use(language: str | None) -> str:
    """Write messages in `language` from now on, in this task (the engine, once it knows who is
    acting; the block of a `speaking` around it ends it)."""
    chosen = language if language in LANGUAGES else DEFAULT
    _language.set(chosen)
    return chosen


@contextmanager
def speaking(language: str | None) -> Iterator[str]:
    """Write messages in `language` (ours, else the default) inside the block."""
    chosen = language if language in LANGUAGES else DEFAULT
    token = _language.set(chosen)
    try:
        yield chosen
    finally:
        _language.reset(token)


def N_(message: str) -> str:
    """Marks text written at import time for the catalogs; it is translated where it is used."""
    return message


Translate = Callable[[str], str]
TranslatePlural = Callable[[str, str, int], str]


def catalog(package: str) -> tuple[Translate, TranslatePlural]:
    """The `_` and `ngettext` of one capability's catalogs (`package` is "bot.kudos")."""

    def translate(message: str) -> str:
        language = _language.get()
        if language == DEFAULT:
            return message  # the text as written: no catalog to look in
        return _translations(package, language).gettext(message)

    def translate_plural(singular: str, plural: str, n: int) -> str:
        language = _language.get()
        if language == DEFAULT:
            return singular if n == 1 else plural
        return _translations(package, language).ngettext(singular, plural, n)

    return translate, translate_plural


def translate(message: str) -> str:
    """Text marked with `N_` in any capability, in the language in force (a help line)."""
    language = _language.get()
    return message if language == DEFAULT else _everything(language).gettext(message)


@lru_cache(maxsize=64)  # keyed by the language asked for, ours or not
def _everything(language: str) -> gettext.NullTranslations:
    """Every capability's catalog for `language`, as one (each looked up in turn)."""
    merged = gettext.NullTranslations()
    for package in CATALOGS:
        merged.add_fallback(_load(package, language))
    return merged


@lru_cache(maxsize=256)
def _translations(package: str, language: str) -> gettext.NullTranslations:
    """One catalog, read once; English (and a missing file) is the text as written."""
    return _load(package, language)


def catalog_path(package: str, language: str, suffix: str = ".po") -> Path:
    """Where `package`'s catalog for `language` is kept: the `.po` that people edit, or the
    `.mo` that `./dev catalogs` compiles from it (what is read at run time)."""
    folder = Path(str(resources.files(package)))
    return folder / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def compiled(messages: Catalog) -> bytes:
    """A catalog as a `.mo` file; a fuzzy entry is not a translation yet, and reads as English."""
    out = io.BytesIO()
    write_mo(out, messages, use_fuzzy=False)
    return out.getvalue()


def _load(package: str, language: str) -> gettext.NullTranslations:
    """A fresh translations object for one catalog: its `.mo`, else its `.po` compiled here (a
    catalog being written), else none."""
    if language == DEFAULT:
        return gettext.NullTranslations()
    mo = catalog_path(package, language, ".mo")
    if mo.is_file():
        with mo.open("rb") as fp:
            return gettext.GNUTranslations(fp)
    po = catalog_path(package, language)
    if not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as fp:
        return gettext.GNUTranslations(io.BytesIO(compiled(read_po(fp, locale=language))))


def day(value: date) -> str:
    """A day as people write it in the language in force: "Fri 20 Nov", "Fr. 20. Nov.",
    "vie, 20 nov"."""
    return _day(value, _language.get())


@lru_cache(maxsize=1024)  # Babel takes 70 µs a day; a wave writes the same few thousands of times
def _day(value: date, language: str) -> str:
    pattern = "EEE d. MMM" if language == "de" else "EEE d MMM"
    return format_date(value, format=pattern, locale=language)


def day_month(value: date, *, year: bool = False) -> str:
    """A day of a month, with its year if asked: "23 Dec", "23. Dez.", "23 dic"."""
    language = _language.get()
    pattern = ("d. MMM" if language == "de" else "d MMM") + (" y" if year else "")
    return format_date(value, format=pattern, locale=language)


def moment(instant: datetime) -> str:
    """A day and time as it stands in `instant` (UTC): "Mon 2 Mar 10:00 UTC"."""
    return f"{day(instant)} {instant:%H:%M} UTC"


def fixed(value: float, digits: int) -> str:
    """`value` with exactly `digits` decimals (a grade "0.70", an average "4.0"), as the language
    writes it ("0,70")."""
    rounded = f"{value:.{digits}f}"
    if not math.isfinite(value):
        return rounded
    pattern = "0." + "0" * digits if digits else "0"
    return format_decimal(Decimal(rounded), format=pattern, locale=_language.get())


def decimal(value: float, digits: int = 1) -> str:
    """A number as the language writes it: 1,250.5 in English, 1.250,5 in German."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_language.get())


def read_decimal(text: str) -> float:
    """A number typed in the language in force ("1.250,5" in German); ValueError otherwise."""
    try:
        return float(parse_decimal(text.replace(" ", " ").strip(), locale=_language.get()))
    except NumberFormatError as error:
        raise ValueError(text) from error
