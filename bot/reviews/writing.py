"""Writing reviews: `review self`, `review peer @ana`, `review manager @ana` each show what the
writer may see (their own record; for a manager, the report's record, self review and peers'
answers) and the questions as a form, saved as a draft until submitted. Then `review share @ana`
and `review ack [comment]`."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.commands import Context
from bot.core.messages import Card, Field, Form, Message, Section, Text
from bot.core.outcome import Notice, Outcome
from bot.core.whole_numbers import whole_number
from bot.org.tree import display_name
from bot.privacy.feedback_answers import Release, release
from bot.reviews.record import period_record, record_card
from bot.reviews.template import (
    DRAFT,
    STATE,
    SUBMIT,
    missing,
    questions_for,
    read_answers,
    review_form,
)
from storage.models import Person, Review, ReviewCycle

FORM_PREFIX = "rv_"
MAX_COMMENT = 2000


def is_review_form(form_id: str) -> bool:
    return form_id.startswith(FORM_PREFIX)


async def _people(ctx: Context) -> dict[int, Person]:
    return await ctx.store.people_by_id(ctx.tenant.id)


async def _mine(
    ctx: Context, kind: str, subject: Person | None = None
) -> tuple[Review, ReviewCycle] | None:
    """The person's latest review of this kind (about `subject`) in an open cycle."""
    for review in reversed(await ctx.store.reviews.by_writer(ctx.tenant.id, ctx.person.id or 0)):
        if review.kind == kind and (subject is None or review.subject_id == subject.id):
            cycle = await ctx.store.reviews.cycle(ctx.tenant.id, review.cycle_id)
            if cycle is not None:
                return review, cycle
    return None


async def write_self(ctx: Context, _args: str) -> Outcome:
    found = await _mine(ctx, "self")
    if found is None:
        return _say("You have no self review to write: no open cycle asks one of you.")
    review, cycle = found
    if review.status == "submitted":
        return _say(f"You submitted your self review for “{cycle.name}”.")
    record = await period_record(
        ctx.store, ctx.tenant.id, ctx.person, cycle.starts_at, cycle.ends_at
    )
    card = record_card(record, f"Your record for “{cycle.name}”")
    form = review_form(_form_id(review), "Self review", cycle.questions, "self", review.answers)
    return Outcome([card, form])


async def write_peer(ctx: Context, subject: Person) -> Outcome:
    found = await _mine(ctx, "peer", subject)
    who = display_name(subject)
    if found is None:
        return _say(f"No one asked you to review {who}.")
    review, cycle = found
    if review.status == "nominated":
        return _say(f"{who}'s manager hasn't approved the peers yet; you'll be asked then.")
    if review.status == "submitted":
        return _say(f"You submitted your review of {who}.")
    title = f"Peer review of {who}"
    return Outcome([review_form(_form_id(review), title, cycle.questions, "peer", review.answers)])


async def write_manager(ctx: Context, subject: Person) -> Outcome:
    found = await _mine(ctx, "manager", subject)
    who = display_name(subject)
    if found is None:
        return _say(f"You aren't asked to review {who}.")
    review, cycle = found
    reviews = await ctx.store.reviews.about(cycle.id or 0, subject.id or 0)
    self_review = next((r for r in reviews if r.kind == "self"), None)
    waiting = self_review is not None and self_review.status != "submitted"
    if waiting and ctx.now < cycle.due_at:
        return _say(
            f"{who}'s self review isn't in yet. You can write yours once it is, or after "
            f"{cycle.due_on}."
        )
    if review.status == "submitted":
        return _say(f"You submitted your review of {who}. review share {subject.email} shares it.")
    people = await _people(ctx)
    record = await period_record(ctx.store, ctx.tenant.id, subject, cycle.starts_at, cycle.ends_at)
    shown: list[Message] = [record_card(record, f"{who}'s record for “{cycle.name}”")]
    if self_review is not None and self_review.status == "submitted":
        shown.append(answers_card(f"{who}'s self review", cycle, "self", self_review.answers))
    shown.extend(peers_card(cycle, reviews, people, named=not cycle.anonymous_peers))
    title = f"Your review of {who}"
    shown.append(review_form(_form_id(review), title, cycle.questions, "manager", review.answers))
    return Outcome(shown)


async def review_form_named(ctx: Context, form_id: str) -> Form | None:
    """A review's form, drawn afresh for its writer (a button that opens it)."""
    review = await ctx.store.reviews.review(
        ctx.tenant.id, whole_number(form_id.removeprefix(FORM_PREFIX)) or 0
    )
    if review is None or review.writer_id != ctx.person.id:
        return None
    cycle = await ctx.store.reviews.cycle(ctx.tenant.id, review.cycle_id)
    if cycle is None or cycle.status != "open" or review.status in ("nominated", "submitted"):
        return None
    subject = await ctx.store.person(ctx.tenant.id, review.subject_id)
    who = display_name(subject) if subject is not None else "them"
    titles = {"self": "Self review", "peer": f"Peer review of {who}"}
    title = titles.get(review.kind, f"Your review of {who}")
    return review_form(form_id, title, cycle.questions, review.kind, review.answers)


async def submit_review_form(ctx: Context, form_id: str, values: Mapping[str, str]) -> Outcome:
    review_id = whole_number(form_id.removeprefix(FORM_PREFIX))
    review = await ctx.store.reviews.review(ctx.tenant.id, review_id or 0)
    if review is None or review.writer_id != ctx.person.id or review.status == "nominated":
        return _say("That form isn't yours, or it has expired.")
    cycle = await ctx.store.reviews.cycle(ctx.tenant.id, review.cycle_id)
    if cycle is None or cycle.status != "open":
        return _say("That review cycle has closed. Nothing was saved.")
    if review.status == "submitted":
        return _say("You submitted that review already; it stays as it was.")
    answers, errors = read_answers(cycle.questions, review.kind, values)
    submitting = values.get(STATE, DRAFT) == SUBMIT
    if submitting and not errors:
        for key in missing(cycle.questions, review.kind, answers):
            errors[key] = "Answer this to submit, or keep the review as a draft."
    if errors:
        return Outcome(form_errors=errors)
    review.answers = answers
    if not submitting:
        review.status = "draft"
        ctx.store.keep(review)
        return _say("Saved as a draft. Open it again to finish and submit it.")
    review.status, review.submitted_at = "submitted", ctx.now
    ctx.store.keep(review)
    return await _submitted(ctx, cycle, review)


async def _submitted(ctx: Context, cycle: ReviewCycle, review: Review) -> Outcome:
    subject = await ctx.store.person(ctx.tenant.id, review.subject_id)
    who = display_name(subject) if subject is not None else "them"
    if review.kind == "self":
        reviews = await ctx.store.reviews.about(cycle.id or 0, review.subject_id)
        manager = next((r for r in reviews if r.kind == "manager"), None)
        notices = []
        if manager is not None and manager.writer_id is not None:
            told = (
                f"{who} submitted their self review: review manager {ctx.person.email} to "
                "write yours."
            )
            notices.append(Notice(manager.writer_id, [Text(told)]))
        return _say("Submitted your self review. Your manager can read it now.", notices)
    if review.kind == "manager" and subject is not None:
        return _say(f"Submitted. review share {subject.email} shares it with {who}.")
    return _say(f"Submitted your review of {who}. Thank you.")


async def share(ctx: Context, subject: Person) -> Outcome:
    found = await _mine(ctx, "manager", subject)
    who = display_name(subject)
    if found is None:
        return _say(f"You aren't asked to review {who}.")
    review, cycle = found
    if review.status != "submitted":
        return _say(f"Submit your review of {who} first: review manager {subject.email}")
    if review.shared_at is not None:
        return _say(f"You shared it with {who} already.")
    review.shared_at = ctx.now
    ctx.store.keep(review)
    reviews = await ctx.store.reviews.about(cycle.id or 0, subject.id or 0)
    people = await _people(ctx)
    title = f"{display_name(ctx.person)}'s review of you for “{cycle.name}”"
    shared: list[Message] = [answers_card(title, cycle, "manager", review.answers)]
    shared.extend(peers_card(cycle, reviews, people, named=False))
    shared.append(Text("review ack, with a comment if you like, tells your manager you read it."))
    return _say(f"Shared your review with {who}.", [Notice(subject.id or 0, shared)])


async def acknowledge(ctx: Context, args: str) -> Outcome:
    comment = " ".join(args.split())
    if len(comment) > MAX_COMMENT:
        return _say(f"That's {len(comment)} characters; a comment fits in {MAX_COMMENT}.")
    reviews = await ctx.store.reviews.about_me(ctx.tenant.id, ctx.person.id or 0)
    shared = [r for r in reviews if r.kind == "manager" and r.shared_at and not r.acknowledged_at]
    if not shared:
        return _say("No review shared with you is waiting for an answer.")
    review = shared[-1]
    review.acknowledged_at, review.comment = ctx.now, comment
    ctx.store.keep(review)
    said = f" They said: {comment}" if comment else ""
    told = Text(f"{display_name(ctx.person)} read and acknowledged your review.{said}")
    notices = [Notice(review.writer_id, [told])] if review.writer_id is not None else []
    return _say("Thanks: your manager knows you read it.", notices)


def answers_card(title: str, cycle: ReviewCycle, kind: str, answers: Mapping[str, Any]) -> Card:
    fields = tuple(
        Field(str(q["text"]), str(answers.get(str(q["key"]), "—")))
        for q in questions_for(cycle.questions, kind)
    )
    return Card(title, (Section("", fields),))


def peers_card(
    cycle: ReviewCycle, reviews: Sequence[Review], people: Mapping[int, Person], *, named: bool
) -> list[Card]:
    """The peers' answers: with names (the manager, unless the cycle keeps peers anonymous), or
    without, and only when three or more answered, as anonymous feedback is shown."""
    answered = [r for r in reviews if r.kind == "peer" and r.status == "submitted"]
    if not answered:
        return []
    if not peers_visible(len(answered), named=named):
        return [Card("Peer reviews", (Section("", text=_too_few(len(answered))),))]
    if not named:
        answered = random.sample(answered, len(answered))  # in no order that tells who
    sections = []
    for n, review in enumerate(answered, start=1):
        writer = people.get(review.writer_id or 0)
        title = display_name(writer) if named and writer is not None else f"Peer {n}"
        fields = tuple(
            Field(str(q["text"]), str(review.answers.get(str(q["key"]), "—")))
            for q in questions_for(cycle.questions, "peer")
        )
        sections.append(Section(title, fields))
    return [Card("Peer reviews", tuple(sections))]


def peers_visible(answered: int, *, named: bool) -> bool:
    """Whether peers' answers may be shown: with names always (to their manager, admins), without
    only as anonymous feedback is, three or more at once."""
    if named:
        return True
    return release(anonymous=True, released=0, pending=answered, closing=True) is Release.SHOW


def _too_few(count: int) -> str:
    return (
        f"{count} peer{'s' if count != 1 else ''} answered: fewer than three, so their answers "
        "aren't shown without names."
    )


def _form_id(review: Review) -> str:
    return f"{FORM_PREFIX}{review.id}"


def _say(text: str, notices: list[Notice] | None = None) -> Outcome:
    return Outcome([Text(text)], notices or [])
