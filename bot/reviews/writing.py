"""Writing reviews: `review self`, `review peer @ana`, `review manager @ana` each show what the
writer may see (their own record; for a manager, the report's record, self review and peers'
answers) and the questions as a form, saved as a draft until submitted. Then `review share @ana`
and `review ack [comment]` (bot.reviews.sharing)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.commands import Context
from bot.core.i18n import catalog, speaking_to
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
    question_text,
    questions_for,
    read_answers,
    review_form,
)
from storage.models import Person, Review, ReviewCycle

FORM_PREFIX = "rv_"

_, ngettext = catalog("bot.reviews")


def is_review_form(form_id: str) -> bool:
    return form_id.startswith(FORM_PREFIX)


async def _people(ctx: Context) -> dict[int, Person]:
    return await ctx.store.people_by_id(ctx.tenant.id)


async def mine(
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
    found = await mine(ctx, "self")
    if found is None:
        return _say(_("You have no self review to write: no open cycle asks one of you."))
    review, cycle = found
    if review.status == "submitted":
        return _say(_("You submitted your self review for “{cycle}”.").format(cycle=cycle.name))
    record = await period_record(
        ctx.store, ctx.tenant.id, ctx.person, cycle.starts_at, cycle.ends_at
    )
    card = record_card(record, _("Your record for “{cycle}”").format(cycle=cycle.name))
    title = _("Self review")
    form = review_form(_form_id(review), title, cycle.questions, "self", review.answers)
    return Outcome([card, form])


async def write_peer(ctx: Context, subject: Person) -> Outcome:
    found = await mine(ctx, "peer", subject)
    who = display_name(subject)
    if found is None:
        return _say(_("No one asked you to review {name}.").format(name=who))
    review, cycle = found
    if review.status == "nominated":
        return _say(
            _("{name}'s manager hasn't approved the peers yet; you'll be asked then.").format(
                name=who
            )
        )
    if review.status == "submitted":
        return _say(_("You submitted your review of {name}.").format(name=who))
    title = _("Peer review of {name}").format(name=who)
    return Outcome([review_form(_form_id(review), title, cycle.questions, "peer", review.answers)])


async def write_manager(ctx: Context, subject: Person) -> Outcome:
    found = await mine(ctx, "manager", subject)
    who = display_name(subject)
    if found is None:
        return _say(_("You aren't asked to review {name}.").format(name=who))
    review, cycle = found
    reviews = await ctx.store.reviews.about(cycle.id or 0, subject.id or 0)
    self_review = next((r for r in reviews if r.kind == "self"), None)
    waiting = self_review is not None and self_review.status != "submitted"
    if waiting and ctx.now < cycle.due_at:
        return _say(
            _(
                "{name}'s self review isn't in yet. You can write yours once it is, or after {day}."
            ).format(name=who, day=cycle.due_on)
        )
    if review.status == "submitted":
        return _say(
            _("You submitted your review of {name}. review share {email} shares it.").format(
                name=who, email=subject.email
            )
        )
    people = await _people(ctx)
    record = await period_record(ctx.store, ctx.tenant.id, subject, cycle.starts_at, cycle.ends_at)
    title = _("{name}'s record for “{cycle}”").format(name=who, cycle=cycle.name)
    shown: list[Message] = [record_card(record, title)]
    if self_review is not None and self_review.status == "submitted":
        title = _("{name}'s self review").format(name=who)
        shown.append(answers_card(title, cycle, "self", self_review.answers))
    shown.extend(peers_card(cycle, reviews, people, named=not cycle.anonymous_peers))
    title = _("Your review of {name}").format(name=who)
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
    # Translators: stands for a person reviewed who is gone: "Peer review of them".
    who = display_name(subject) if subject is not None else _("them")
    titles = {"self": _("Self review"), "peer": _("Peer review of {name}").format(name=who)}
    title = titles.get(review.kind, _("Your review of {name}").format(name=who))
    return review_form(form_id, title, cycle.questions, review.kind, review.answers)


async def submit_review_form(ctx: Context, form_id: str, values: Mapping[str, str]) -> Outcome:
    review_id = whole_number(form_id.removeprefix(FORM_PREFIX))
    review = await ctx.store.reviews.review(ctx.tenant.id, review_id or 0)
    if review is None or review.writer_id != ctx.person.id or review.status == "nominated":
        return _say(_("That form isn't yours, or it has expired."))
    cycle = await ctx.store.reviews.cycle(ctx.tenant.id, review.cycle_id)
    if cycle is None or cycle.status != "open":
        return _say(_("That review cycle has closed. Nothing was saved."))
    if review.status == "submitted":
        return _say(_("You submitted that review already; it stays as it was."))
    answers, errors = read_answers(cycle.questions, review.kind, values)
    submitting = values.get(STATE, DRAFT) == SUBMIT
    if submitting and not errors:
        for key in missing(cycle.questions, review.kind, answers):
            errors[key] = _("Answer this to submit, or keep the review as a draft.")
    if errors:
        return Outcome(form_errors=errors)
    review.answers = answers
    if not submitting:
        review.status = "draft"
        ctx.store.keep(review)
        return _say(_("Saved as a draft. Open it again to finish and submit it."))
    review.status, review.submitted_at = "submitted", ctx.now
    ctx.store.keep(review)
    return await _submitted(ctx, cycle, review)


async def _submitted(ctx: Context, cycle: ReviewCycle, review: Review) -> Outcome:
    subject = await ctx.store.person(ctx.tenant.id, review.subject_id)
    who = display_name(subject) if subject is not None else _("them")
    if review.kind == "self":
        reviews = await ctx.store.reviews.about(cycle.id or 0, review.subject_id)
        manager = next((r for r in reviews if r.kind == "manager"), None)
        writer = None
        if manager is not None and manager.writer_id is not None:
            writer = await ctx.store.person(ctx.tenant.id, manager.writer_id)
        notices = []
        if writer is not None and writer.id is not None:
            with speaking_to(writer, ctx.tenant):
                told = _(
                    "{name} submitted their self review: review manager {email} to write yours."
                ).format(name=display_name(ctx.person), email=ctx.person.email)
            notices.append(Notice(writer.id, [Text(told)]))
        return _say(_("Submitted your self review. Your manager can read it now."), notices)
    if review.kind == "manager" and subject is not None:
        return _say(
            _("Submitted. review share {email} shares it with {name}.").format(
                email=subject.email, name=who
            )
        )
    return _say(_("Submitted your review of {name}. Thank you.").format(name=who))


def answers_card(title: str, cycle: ReviewCycle, kind: str, answers: Mapping[str, Any]) -> Card:
    fields = tuple(
        Field(question_text(q), str(answers.get(str(q["key"]), "—")))
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
        return [Card(_("Peer reviews"), (Section("", text=_too_few(len(answered))),))]
    if not named:
        answered = random.sample(answered, len(answered))  # in no order that tells who
    sections = []
    for n, review in enumerate(answered, start=1):
        writer = people.get(review.writer_id or 0)
        title = (
            display_name(writer)
            if named and writer is not None
            else _("Peer {number}").format(number=n)
        )
        fields = tuple(
            Field(question_text(q), str(review.answers.get(str(q["key"]), "—")))
            for q in questions_for(cycle.questions, "peer")
        )
        sections.append(Section(title, fields))
    return [Card(_("Peer reviews"), tuple(sections))]


def peers_visible(answered: int, *, named: bool) -> bool:
    """Whether peers' answers may be shown: with names always (to their manager, admins), without
    only as anonymous feedback is, three or more at once."""
    if named:
        return True
    return release(anonymous=True, released=0, pending=answered, closing=True) is Release.SHOW


def _too_few(count: int) -> str:
    return ngettext(
        "{count} peer answered: fewer than three, so their answers aren't shown without names.",
        "{count} peers answered: fewer than three, so their answers aren't shown without names.",
        count,
    ).format(count=count)


def _form_id(review: Review) -> str:
    return f"{FORM_PREFIX}{review.id}"


def _say(text: str, notices: list[Notice] | None = None) -> Outcome:
    return Outcome([Text(text)], notices or [])
