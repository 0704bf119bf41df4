"""`checkin-bot reviews template FILE`: the org's review questions from a YAML file, for the
cycles started from now on. `checkin-bot reviews export "H2 2026" [--as EMAIL] --out DIR`: a
Markdown and a PDF document per person reviewed."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from app.commands import UsageError
from app.export import find_viewer
from app.reviews_export import Document, file_stem, review_documents, to_markdown
from app.reviews_pdf import to_pdf, unicode_font
from bot.reviews.templates import TemplateError, read_yaml, save_questions
from storage.db import Database
from storage.repository import Store


async def review_template(database: Database, org: str, file: str) -> int:
    try:
        text = await asyncio.to_thread(Path(file).read_text, encoding="utf-8-sig")
    except OSError as error:
        raise UsageError(f"can't read {file}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{file} is not UTF-8 text") from None
    try:
        questions = read_yaml(text)
    except TemplateError as error:
        raise UsageError(f"{file}: {error}; nothing changed") from None
    async with database.session() as session:
        store = Store(session)
        tenant = await store.tenant(org)
        if tenant is None:
            raise UsageError(f"no org called {org!r} in this database")
        save_questions(tenant, questions)
        store.keep(tenant)
    print(f"{org}: review cycles started from now on ask {len(questions)} questions")
    return 0


async def export_reviews(
    database: Database, org: str, name: str, viewer_email: str | None, out: str
) -> int:
    async with database.session() as session:
        store = Store(session)
        if await store.tenant(org) is None:
            raise UsageError(f"no org called {org!r} in this database")
        cycle = await store.reviews.cycle_named(org, name)
        if cycle is None:
            known = ", ".join(f"“{c.name}”" for c in await store.reviews.cycles(org)) or "none yet"
            raise UsageError(f"no review cycle called “{name}” in {org}; cycles: {known}")
        viewer = None
        if viewer_email is not None:
            try:
                viewer = find_viewer(await store.people(org), viewer_email, org)
            except LookupError as error:
                raise UsageError(str(error)) from None
        documents = await review_documents(store, cycle, viewer)
    folder = Path(out)
    font = unicode_font()
    written = await asyncio.to_thread(_write, folder, documents, font)
    whose = f" that {viewer_email} may see" if viewer_email else ""
    print(f"wrote {written} documents{whose} to {folder} (Markdown and PDF)")
    if font is None:
        print(
            "no Unicode font found (install fonts-dejavu-core, or set CHECKIN_PDF_FONT): the PDFs "
            "show characters outside Latin-1 as ?; the Markdown files have them all",
            file=sys.stderr,
        )
    return 0


def _write(folder: Path, documents: list[Document], font: Path | None) -> int:
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; --out names a folder")
    folder.mkdir(parents=True, exist_ok=True)
    for document in documents:
        stem = file_stem(document.person)
        (folder / f"{stem}.md").write_text(to_markdown(document), encoding="utf-8")
        (folder / f"{stem}.pdf").write_bytes(to_pdf(document, font))
    return len(documents)
