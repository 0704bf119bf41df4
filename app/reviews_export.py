"""`checkin-bot reviews export "H2 2026" [--as EMAIL] --out DIR`: one document per person
reviewed, as Markdown and as PDF, with their record of the period and the reviews the reader
may see. Without --as it is the operator's: everything.

What a reader sees of a person's reviews, as in the chat:
- the person: their own record and self review; their manager's review once shared, with their
  peers' answers unnamed, and only when three or more answered;
- the manager who writes their review, and admins: all of it, peers named unless the cycle
  keeps them anonymous;
- a peer: their own review of the person, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.org.tree import display_name
from bot.reviews.record import PeriodRecord, period_record
from bot.reviews.template import questions_for
from bot.reviews.writing import peers_visible
from storage.models import Person, Review, ReviewCycle
from storage.repository import Store

Block = tuple[str, str]  # (h1 | h2 | h3 | p | item, text)


@dataclass
class Document:
    person: Person
    blocks: list[Block] = field(default_factory=list)

    def add(self, kind: str, text: str) -> None:
        self.blocks.append((kind, text))


async def review_documents(
    store: Store, cycle: ReviewCycle, viewer: Person | None
) -> list[Document]:
    people = {p.id: p for p in await store.people(cycle.tenant_id) if p.id is not None}
    reviews = await store.reviews.of_cycle(cycle.id or 0)
    documents = []
    for subject_id in sorted({r.subject_id for r in reviews}):
        subject = people.get(subject_id)
        if subject is None:
            continue
        theirs = [r for r in reviews if r.subject_id == subject_id]
        role = _role(viewer, subject, theirs)
        if role is None:
            continue
        record = None
        if role != "peer":
            record = await period_record(
                store, cycle.tenant_id, subject, cycle.starts_at, cycle.ends_at
            )
        documents.append(_document(cycle, subject, theirs, people, record, role, viewer))
    return documents


def _role(viewer: Person | None, subject: Person, reviews: Sequence[Review]) -> str | None:
    """How the reader stands to the person: operator, admin, manager, self, peer, or None."""
    if viewer is None:
        return "operator"
    if viewer.is_admin:
        return "admin"
    if viewer.id == subject.id:
        return "self"
    if any(r.kind == "manager" and r.writer_id == viewer.id for r in reviews):
        return "manager"
    if any(r.kind == "peer" and r.writer_id == viewer.id for r in reviews):
        return "peer"
    return None


def _document(
    cycle: ReviewCycle,
    subject: Person,
    reviews: Sequence[Review],
    people: Mapping[int, Person],
    record: PeriodRecord | None,
    role: str,
    viewer: Person | None,
) -> Document:
    doc = Document(subject)
    last_day = cycle.ends_at - timedelta(days=1)
    doc.add("h1", f"{display_name(subject)}: {cycle.name}")
    doc.add("p", f"The period {cycle.starts_at:%-d %b %Y} to {last_day:%-d %b %Y}.")
    if record is not None:
        _record(doc, record)
    submitted = [r for r in reviews if r.status == "submitted"]
    self_review = next((r for r in submitted if r.kind == "self"), None)
    manager = next((r for r in submitted if r.kind == "manager"), None)
    peers = [r for r in submitted if r.kind == "peer"]
    if role == "peer":
        peers = [r for r in peers if viewer is not None and r.writer_id == viewer.id]
        _answers(doc, "Your peer review", cycle, "peer", peers[0].answers if peers else None)
        return doc
    _answers(doc, "Self review", cycle, "self", self_review.answers if self_review else None)
    if role == "self" and (manager is None or manager.shared_at is None):
        doc.add("h2", "Manager review")
        doc.add("p", "Not shared with you yet.")
        return doc
    _peers(doc, cycle, peers, people, named=role != "self" and not cycle.anonymous_peers)
    writer = people.get(manager.writer_id or 0) if manager is not None else None
    title = f"Manager review by {display_name(writer)}" if writer else "Manager review"
    _answers(doc, title, cycle, "manager", manager.answers if manager else None)
    if manager is not None and manager.acknowledged_at is not None:
        said = f": “{manager.comment}”" if manager.comment else "."
        doc.add("p", f"Acknowledged on {manager.acknowledged_at:%-d %b %Y}{said}")
    return doc


def _record(doc: Document, record: PeriodRecord) -> None:
    doc.add("h2", "The record")
    doc.add("h3", "Key results")
    for line in record.key_results:
        grade = f", grade {line.grade:.1f}" if line.grade is not None else ""
        doc.add("item", f"{line.title}: {line.start} → {line.end}, {line.progress}%{grade}")
    if not record.key_results:
        doc.add("p", "No key results in this period.")
    doc.add("h3", "Check-ins")
    doc.add("p", f"{record.checkins_done} of {record.checkins_due} submitted.")
    groups: tuple[tuple[str, list[str], str], ...] = (
        ("Wins", list(record.wins), "No wins shared."),
        (
            "Blockers",
            [f"{t} ({'cleared' if c else 'still open'})" for t, c in record.blockers],
            "No blockers reported.",
        ),
        ("Kudos", [f"From {g}: {m}" for g, m in record.kudos], "No kudos received."),
        ("Feedback", [f"{w}: {t}" for w, t in record.feedback], "No feedback to read."),
    )
    for title, texts, empty in groups:
        doc.add("h3", title)
        for text in texts:
            doc.add("item", text)
        if not texts:
            doc.add("p", empty)


def _answers(
    doc: Document, title: str, cycle: ReviewCycle, kind: str, answers: Mapping[str, Any] | None
) -> None:
    doc.add("h2", title)
    if answers is None:
        doc.add("p", "Not submitted.")
        return
    for question in questions_for(cycle.questions, kind):
        doc.add("h3", str(question["text"]))
        doc.add("p", str(answers.get(str(question["key"]), "—")))


def _peers(
    doc: Document,
    cycle: ReviewCycle,
    peers: Sequence[Review],
    people: Mapping[int, Person],
    *,
    named: bool,
) -> None:
    if not peers:
        return
    if not peers_visible(len(peers), named=named):
        doc.add("h2", "Peer reviews")
        doc.add("p", f"{len(peers)} answered: fewer than three, so not shown without names.")
        return
    ordered = sorted(peers, key=lambda r: r.id or 0) if named else _unordered(peers)
    for n, review in enumerate(ordered, start=1):
        writer = people.get(review.writer_id or 0)
        who = display_name(writer) if named and writer is not None else f"Peer {n}"
        _answers(doc, f"Peer review: {who}", cycle, "peer", review.answers)


def _unordered(peers: Sequence[Review]) -> list[Review]:
    """Unnamed answers in an order that tells nothing: by what they say."""
    return sorted(peers, key=lambda r: repr(sorted(r.answers.items())))


def file_stem(person: Person) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", person.email.lower()).strip("-.") or f"person-{person.id}"


def to_markdown(doc: Document) -> str:
    lines: list[str] = []
    for kind, text in doc.blocks:
        plain = _markdown_text(text)
        if kind in ("h1", "h2", "h3"):
            lines.extend(["", "#" * int(kind[1]) + " " + plain, ""])
        elif kind == "item":
            lines.append(f"- {plain}")
        else:
            lines.extend(["", plain, ""])
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _markdown_text(text: str) -> str:
    """People's words as Markdown shows them as written: its marks escaped, no raw HTML."""
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_{}\[\]()#+!|~-])", r"\\\1", text)
