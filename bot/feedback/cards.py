"""What feedback shows people: `feedback help`, a giver's question, the answers card, and why
anonymous answers stay hidden."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from bot.checkins.cadence import friendly_day
from bot.core.i18n import N_, catalog
from bot.core.messages import Card, Question, Section
from bot.core.messages import Field as CardField
from bot.feedback.questions import asked
from bot.org.tree import display_name, first_name
from bot.privacy.feedback_answers import ANONYMOUS_MINIMUM
from storage.models import FeedbackAnswer, FeedbackInvite, FeedbackRequest, Person

PROMPT_PREFIX: Final = "fb_"

_, ngettext = catalog("bot.feedback")

FEEDBACK_HELP: tuple[tuple[str, str], ...] = (
    ("feedback request @ana from @ben @cy @dee", N_("ask three people for feedback on Ana")),
    ("… anonymous", N_("answers without names, shown once three have answered")),
    (
        "… due friday",
        N_("when answers are due (a date like 2026-12-04 works too); a week if unsaid"),
    ),
    ("feedback request me from @ben", N_("feedback on yourself")),
    ("feedback give @ana", N_("feedback Ana didn't ask for, with your name")),
    ("feedback inbox", N_("what you owe, what you asked for, what you got")),
    ("feedback inbox 12", N_("read the answers to request 12 again")),
    ("feedback share 12", N_("let the person request 12 is about read its answers")),
)


def feedback_help() -> Card:
    fields = tuple(CardField(command, _(meaning)) for command, meaning in FEEDBACK_HELP)
    text = _(
        "You can ask about yourself, and managers about the people who report to them, "
        "directly or further down. Admins can ask about anyone."
    )
    return Card(_("Feedback"), (Section("", fields, text),))


def question_prompt(
    request: FeedbackRequest,
    invite: FeedbackInvite,
    requester: Person,
    subject: Person,
    index: int,
    first_shown: bool,
) -> Question:
    """Question `index` for a giver, in the language in force; the first says who asks, about
    whom, who will know, and for an anonymous request when (and whether) the answers will be
    shown."""
    intro = None
    if index == 0 and request.kind == "given":
        intro = _("Feedback for {subject}. It goes to them with your name.").format(
            subject=display_name(subject)
        )
    elif index == 0:
        secret = (
            _("Anonymous: {requester} may see what you write, never that you wrote it.").format(
                requester=first_name(requester)
            )
            + " "
            + when_shown(request, first_shown)
            if request.anonymous
            else _("{requester} will see your name with your answers.").format(
                requester=first_name(requester)
            )
        )
        due = friendly_day(request.due_on or "")
        if requester.id == subject.id:
            value = _("{requester} would value your feedback on their own work, by {due}.")
        else:
            value = _("{requester} would value your feedback on {subject}, by {due}.")
        said = value.format(
            requester=display_name(requester), subject=display_name(subject), due=due
        )
        intro = f"{said} {secret}"
    return Question(
        prompt_id=f"{PROMPT_PREFIX}{invite.id}_{index}",
        text=asked(request.questions[index]),
        hint=_("Type your answer; skip skips this question."),
        position=index + 1,
        total=len(request.questions),
        intro=intro,
    )


def when_shown(request: FeedbackRequest, first_shown: bool) -> str:
    """When an anonymous answer given now will be shown, whatever happens next; no counts, so
    a giver learns nothing of how many others answered. `first_shown`: the first answers of
    the request were shared already."""
    due = friendly_day(request.due_on or "")
    if first_shown:
        return _(
            "The first answers were shared already, so yours will be shown only if at least "
            "{minimum} more, yours included, come in by {due}; if not, no one sees them and they "
            "are deleted."
        ).format(minimum=ANONYMOUS_MINIMUM, due=due)
    return _(
        "Answers are shown once at least {minimum} people have answered; if fewer do by {due}, "
        "no one sees them and they are deleted."
    ).format(minimum=ANONYMOUS_MINIMUM, due=due)


def answers_card(
    request: FeedbackRequest,
    subject: Person,
    answers: Sequence[FeedbackAnswer],
    closed: bool,
    givers: Mapping[int, str],
    for_requester: bool = True,
) -> Card:
    """Released answers, in the language in force; anonymous ones numbered, named ones with
    their giver's name. The requester is told how to share them with the subject, if they
    haven't."""
    sections = []
    for number, answer in enumerate(answers, start=1):
        fields = tuple(
            CardField(asked(question), text or _("(skipped)"))
            for question, text in zip(request.questions, answer.answers, strict=False)
        )
        if request.anonymous:
            title = _("Answer {number}").format(number=number)
        else:
            title = givers.get(answer.giver_id or 0, _("Someone"))
        sections.append(Section(title, fields))
    if request.kind == "given":
        giver = givers.get(answers[0].giver_id or 0, _("someone"))
        title = _("Feedback for you from {giver}").format(giver=giver)
    else:
        title = _("Feedback on {subject} (#{number})").format(
            subject=display_name(subject), number=request.id
        )
    footer = ""
    if request.anonymous and not closed:
        footer = _(
            "Further answers arrive together when the request closes, if there are at "
            "least {minimum} of them."
        ).format(minimum=ANONYMOUS_MINIMUM)
    elif (
        for_requester
        and request.kind == "request"
        and request.subject_id != request.requester_id
        and not request.shared_with_subject
    ):
        footer = _("To let {subject} read these, type feedback share {number}.").format(
            subject=first_name(subject), number=request.id
        )
    return Card(title, tuple(sections), footer=footer)


def held_back(request: FeedbackRequest, count: int) -> str:
    """Why the one or two answers after the first release stay hidden at the close."""
    return ngettext(
        "Your anonymous feedback request #{number} closed with {count} more answer after the "
        "first ones. Fewer than {minimum} came in after them, so they stay hidden, and have been "
        "deleted unread: shown apart, they would tell who wrote them.",
        "Your anonymous feedback request #{number} closed with {count} more answers after the "
        "first ones. Fewer than {minimum} came in after them, so they stay hidden, and have been "
        "deleted unread: shown apart, they would tell who wrote them.",
        count,
    ).format(number=request.id, count=count, minimum=ANONYMOUS_MINIMUM)


def closed_unseen(subject: Person, answered: int) -> str:
    """Why an anonymous request closed with too few answers shows none."""
    return ngettext(
        "Your anonymous feedback request about {subject} closed with {count} answer: fewer "
        "than {minimum}, so none can be shown without giving away who wrote them. They have been "
        "deleted unread.",
        "Your anonymous feedback request about {subject} closed with {count} answers: fewer "
        "than {minimum}, so none can be shown without giving away who wrote them. They have been "
        "deleted unread.",
        answered,
    ).format(subject=first_name(subject), count=answered, minimum=ANONYMOUS_MINIMUM)
