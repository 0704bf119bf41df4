"""`checkin-bot reviews export`: a Markdown and a PDF document per person reviewed, each holding
what the reader may see; the PDF opened and its text checked."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.commands import UsageError
from app.commands.reviews import export_reviews
from app.reviews_export import review_documents, to_markdown
from app.reviews_pdf import to_pdf, unicode_font
from storage.models import Answer, CheckinRun, KeyResult, KeyResultChange, Objective
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


async def ana_has_a_quarter(world: World) -> None:
    """A graded key result, a check-in with a win and a blocker, a kudos, and feedback she
    asked about herself, all in Q1 2026."""
    now = world.clock.now()
    async with world.database.session() as session:
        objective = Objective(
            tenant_id=TENANT, key="grow", title="Grow", period="2026-Q1", level="person",
            owner_id=world.ids["ana"], created_at=now,
        )  # fmt: skip
        session.add(objective)
        await session.flush()
        kr = KeyResult(
            tenant_id=TENANT, key="signups", objective_id=objective.id or 0,
            owner_id=world.ids["ana"], title="Weekly signups", start=100, target=500,
            current=380, grade=0.7, updated_at=now,
        )  # fmt: skip
        session.add(kr)
        await session.flush()
        session.add(
            KeyResultChange(
                tenant_id=TENANT, key_result_id=kr.id or 0, field="value", old_value=100,
                new_value=380, source="checkin", changed_at=now - timedelta(days=20),
            )
        )  # fmt: skip
        run = CheckinRun(
            tenant_id=TENANT, person_id=world.ids["ana"], period_label="2026-02-20",
            period_start=now - timedelta(days=10), period_end=now - timedelta(days=3),
            status="submitted", submitted_at=now - timedelta(days=9),
        )  # fmt: skip
        session.add(run)
        await session.flush()
        for key, text in (("wins", "launched the referral flow"), ("blockers", "the legal review")):
            session.add(
                Answer(tenant_id=TENANT, run_id=run.id or 0, question_key=key, text=text,
                       answered_at=now - timedelta(days=9))
            )  # fmt: skip
    await world.say("ben", "kudos <@U_ANA> for the calm launch")
    await world.command("ana", "feedback", "request me from <@U_CY>")
    for answer in ("Clear priorities", "Say no more often"):
        await world.say("cy", answer)


async def test_the_pdf_holds_the_record_and_every_review_she_may_see(
    world: World, tmp_path: Path
) -> None:
    await ana_has_a_quarter(world)
    await whole_cycle(world)
    await export_reviews(world.database, TENANT, "Q1 2026", "ana@x.com", str(tmp_path))
    pdf = PdfReader(io.BytesIO((tmp_path / "ana-x.com.pdf").read_bytes()))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
    for words in (
        "Weekly signups: 100 → 380, 70%, grade 0.7",
        "1 of 1 submitted",
        "launched the referral flow",
        "the legal review (still open)",
        "From Ben Peer: the calm launch",
        "Cy Peer: Clear priorities",
        "Self review",
        "Peer review: Peer 1",
        "Manager review by Mo Manager",
        "a strong half",
        "Acknowledged on 2 Mar 2026",
    ):
        assert words in text, words
