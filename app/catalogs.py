"""The message catalogs: what each capability says, extracted from its code with Babel, and its
German and Spanish catalogs brought up to date (`./dev catalogs`).

A new message lands in each catalog with no translation; `python -m app.catalogs --check` (and
the test suite) fails until it has one. A message no longer in the code leaves the catalogs.
Each `.po` is compiled to the `.mo` read at run time (reading a `.po` takes Babel a second).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.core.i18n import CATALOGS, DEFAULT, DOMAIN, LANGUAGES, catalog_path, compiled

# Every package whose words reach people in chat, each with catalogs of its own.
PACKAGES = (*CATALOGS, "adapters")
TRANSLATED = tuple(language for language in LANGUAGES if language != DEFAULT)
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def folder(package: str) -> Path:
    return Path(str(resources.files(package)))


def extract(package: str) -> Catalog:
    """The messages `package`'s code says (its subpackages' too, but not other capabilities')."""
    template = Catalog(domain=DOMAIN)
    root = folder(package)
    others = {folder(other) for other in PACKAGES if other != package}
    for filename, line, message, comments, context in extract_from_dir(
        str(root), keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        path = root / filename
        if any(other in path.parents for other in others):
            continue
        template.add(message, locations=[(filename, line)], auto_comments=comments, context=context)
    return template


def read(package: str, language: str) -> Catalog:
    path = catalog_path(package, language)
    if not path.is_file():
        return Catalog(
            locale=language,
            domain=DOMAIN,
            project="checkin-bot",
            version="",
            copyright_holder="",
            msgid_bugs_address="",
            last_translator="",
            language_team="",
            fuzzy=False,
        )
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


def update(package: str) -> list[Path]:
    """Bring `package`'s catalogs up to date with its code; the paths written."""
    template = extract(package)
    written = []
    for language in TRANSLATED:
        messages = read(package, language)
        messages.update(template, no_fuzzy_matching=True, update_creation_date=False)
        messages.obsolete.clear()
        path = catalog_path(package, language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as po:
            write_po(po, messages, width=100, include_lineno=False)
        catalog_path(package, language, ".mo").write_bytes(compiled(messages))
        written.append(path)
    return written


def problems(package: str) -> Iterator[str]:
    """What is missing or wrong in `package`'s catalogs: a message with no translation, or a
    translation whose placeholders aren't the message's."""
    template = extract(package)
    for language in TRANSLATED:
        messages = read(package, language)
        for message in template:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            found = messages.get(key, message.context)
            where = f"{package} ({language})"
            if found is None or found.fuzzy or not _translated(found.string):
                yield f"{where}: no translation for {key!r}"
                continue
            for allowed, translated, exact in _pairs(message.id, found.string):
                names = _names(translated)
                if names != allowed if exact else not names <= allowed:
                    yield f"{where}: placeholders differ in {translated!r} for {key!r}"
        mo = catalog_path(package, language, ".mo")
        if not mo.is_file() or mo.read_bytes() != compiled(messages):
            yield f"{package} ({language}): {mo.name} is not compiled from the .po: ./dev catalogs"


def _translated(string: object) -> bool:
    if isinstance(string, str):
        return bool(string)
    return isinstance(string, tuple | list) and all(string)


def _pairs(ids: object, strings: object) -> Iterator[tuple[set[str], str, bool]]:
    """Each translation with the placeholders it may use, and whether it must use them all (a
    plural's forms may leave the count out: "ein Ziel")."""
    if isinstance(ids, str) and isinstance(strings, str):
        yield _names(ids), strings, True
    elif isinstance(ids, tuple | list) and isinstance(strings, tuple | list):
        allowed = set().union(*(_names(form) for form in ids))
        for translated in strings:
            yield allowed, translated, False


def _names(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.catalogs", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report what is missing")
    parser.add_argument("packages", nargs="*", default=list(PACKAGES))
    args = parser.parse_args(argv)
    if not args.check:
        for package in args.packages:
            for path in update(package):
                print(f"updated {path}")
    found = [problem for package in args.packages for problem in problems(package)]
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
