"""`checkin-bot reviews export`: a Markdown and a PDF document per person reviewed, each holding
what the reader may see; the PDF opened and its text checked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.commands import UsageError
from app.commands.reviews import export_reviews
from app.reviews_export import review_documents, to_markdown
from app.reviews_pdf import to_pdf, unicode_font
from storage.repository import Store
from tests.bot.org_world import TENANT, World
from tests.bot.reviews.test_review_cycle import whole_cycle, world

__all__ = ["world"]  # the fixture


async def documents_for(world: World, email: str | None) -> dict[str, str]:
    async with world.database.session() as session:
        store = Store(session)
        cycle = await store.reviews.cycle_named(TENANT, "Q1 2026")
        assert cycle is not None
        viewer = None if email is None else await store.person_by_email(TENANT, email)
        documents = await review_documents(store, cycle, viewer)
    return {d.person.email: to_markdown(d) for d in documents}


async def test_each_reader_gets_the_documents_they_may_see(world: World) -> None:
    await whole_cycle(world)
    everything = await documents_for(world, None)
    assert set(everything) == {f"{p}@x.com" for p in ("ada", "mo", "ana", "ben", "cy", "dee")}
    anas = everything["ana@x.com"]
    assert anas.startswith("# Ana Lopez: Q1 2026")
    for part in ("## The record", "## Self review", "## Peer review: Ben Peer", "Mo Manager"):
        assert part in anas
    assert "shipped the &lt;b&gt;importer&lt;/b&gt;" in anas  # people's words, escaped
    assert "Acknowledged on 2 Mar 2026: “thank you, fair”" in anas

    own = await documents_for(world, "ana@x.com")
    assert list(own) == ["ana@x.com"]
    assert "Peer review: Peer 1" in own["ana@x.com"] and "Ben Peer" not in own["ana@x.com"]
    mos = await documents_for(world, "mo@x.com")
    assert set(mos) == {"mo@x.com", "ana@x.com", "ben@x.com", "cy@x.com", "dee@x.com"}
    assert "Peer review: Ben Peer" in mos["ana@x.com"]
    bens = await documents_for(world, "ben@x.com")
    assert set(bens) == {"ben@x.com", "ana@x.com"}
    assert "## Your peer review" in bens["ana@x.com"] and "Self review" not in bens["ana@x.com"]
    assert "## The record" not in bens["ana@x.com"]


async def test_the_files_written_open_and_say_it_all(world: World, tmp_path: Path) -> None:
    await whole_cycle(world)
    out = tmp_path / "reviews"
    assert await export_reviews(world.database, TENANT, "Q1 2026", "ana@x.com", str(out)) == 0
    assert sorted(p.name for p in out.iterdir()) == ["ana-x.com.md", "ana-x.com.pdf"]
    pdf = PdfReader(io.BytesIO((out / "ana-x.com.pdf").read_bytes()))
    text = " ".join((page.extract_text() or "") for page in pdf.pages)
    for words in ("Ana Lopez: Q1 2026", "The record", "Self review", "write things down"):
        assert words in " ".join(text.split())
    with pytest.raises(
        UsageError, match="no review cycle called “H3” in slack:T1; cycles: “Q1 2026”"
    ):
        await export_reviews(world.database, TENANT, "H3", None, str(out))
    with pytest.raises(UsageError, match="no one with the email"):
        await export_reviews(world.database, TENANT, "Q1 2026", "nobody@x.com", str(out))


async def test_a_name_in_any_script_reaches_the_pdf_where_a_font_has_it(world: World) -> None:
    await whole_cycle(world)
    async with world.database.session() as session:
        store = Store(session)
        cycle = await store.reviews.cycle_named(TENANT, "Q1 2026")
        assert cycle is not None
        [document] = [
            d for d in await review_documents(store, cycle, None) if d.person.email == "ana@x.com"
        ]
    document.add("p", "Zoë Çelik, Łukasz, 李雷")
    font = unicode_font()
    text = PdfReader(io.BytesIO(to_pdf(document, font))).pages[-1].extract_text() or ""
    if font is not None:
        assert "Zoë Çelik, Łukasz" in text
    else:  # Latin-1 only: the rest prints as ?
        assert "Zoë Çelik, ?ukasz, ??" in text
