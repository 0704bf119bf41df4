"""What feedback shows people: `feedback help`, a giver's question, the answers card, and why
anonymous answers stay hidden."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from bot.checkins.cadence import friendly_day
from bot.core.messages import Card, Question, Section
from bot.core.messages import Field as CardField
from bot.org.tree import display_name, first_name
from bot.privacy.feedback_answers import ANONYMOUS_MINIMUM
from storage.models import FeedbackAnswer, FeedbackInvite, FeedbackRequest, Person

PROMPT_PREFIX: Final = "fb_"

FEEDBACK_HELP: tuple[tuple[str, str], ...] = (
    ("feedback request @ana from @ben @cy @dee", "ask three people for feedback on Ana"),
    ("… anonymous", "answers without names, shown once three have answered"),
    ("… due friday", "when answers are due (a date like 2026-12-04 works too); a week if unsaid"),
    ("feedback request me from @ben", "feedback on yourself"),
    ("feedback give @ana", "feedback Ana didn't ask for, with your name"),
    ("feedback inbox", "what you owe, what you asked for, what you got"),
    ("feedback inbox 12", "read the answers to request 12 again"),
    ("feedback share 12", "let the person request 12 is about read its answers"),
)


def feedback_help() -> Card:
    fields = tuple(CardField(command, meaning) for command, meaning in FEEDBACK_HELP)
    text = (
        "You can ask about yourself, and managers about the people who report to them, "
        "directly or further down. Admins can ask about anyone."
    )
    return Card("Feedback", (Section("", fields, text),))


def question_prompt(
    request: FeedbackRequest,
    invite: FeedbackInvite,
    requester: Person,
    subject: Person,
    index: int,
    first_shown: bool,
) -> Question:
    """Question `index` for a giver; the first says who asks, about whom, who will know, and
    for an anonymous request when (and whether) the answers will be shown."""
    intro = None
    if index == 0 and request.kind == "given":
        intro = f"Feedback for {display_name(subject)}. It goes to them with your name."
    elif index == 0:
        secret = (
            f"Anonymous: {first_name(requester)} may see what you write, never that you wrote "
            "it. " + when_shown(request, first_shown)
            if request.anonymous
            else f"{first_name(requester)} will see your name with your answers."
        )
        about = "their own work" if requester.id == subject.id else display_name(subject)
        intro = (
            f"{display_name(requester)} would value your feedback on {about}, by "
            f"{friendly_day(request.due_on or '')}. {secret}"
        )
    return Question(
        prompt_id=f"{PROMPT_PREFIX}{invite.id}_{index}",
        text=request.questions[index],
        hint="Type your answer; skip skips this question.",
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
        return (
            "The first answers were shared already, so yours will be shown only if at least "
            f"{ANONYMOUS_MINIMUM} more, yours included, come in by {due}; if not, no one sees "
            "them and they are deleted."
        )
    return (
        f"Answers are shown once at least {ANONYMOUS_MINIMUM} people have answered; if fewer "
        f"do by {due}, no one sees them and they are deleted."
    )


def answers_card(
    request: FeedbackRequest,
    subject: Person,
    answers: Sequence[FeedbackAnswer],
    closed: bool,
    givers: Mapping[int, str],
    for_requester: bool = True,
) -> Card:
    """Released answers; anonymous ones numbered, named ones with their giver's name. The
    requester is told how to share them with the subject, if they haven't."""
    sections = []
    for number, answer in enumerate(answers, start=1):
        who = "Anonymous" if request.anonymous else givers.get(answer.giver_id or 0, "Someone")
        fields = tuple(
            CardField(question, text or "(skipped)")
            for question, text in zip(request.questions, answer.answers, strict=False)
        )
        title = f"{who}" if not request.anonymous else f"Answer {number}"
        sections.append(Section(title, fields))
    if request.kind == "given":
        title = f"Feedback for you from {givers.get(answers[0].giver_id or 0, 'someone')}"
    else:
        title = f"Feedback on {display_name(subject)} (#{request.id})"
    footer = ""
    if request.anonymous and not closed:
        footer = (
            "Further answers arrive together when the request closes, if there are at "
            f"least {ANONYMOUS_MINIMUM} of them."
        )
    elif (
        for_requester
        and request.kind == "request"
        and request.subject_id != request.requester_id
        and not request.shared_with_subject
    ):
        footer = f"To let {first_name(subject)} read these, type feedback share {request.id}."
    return Card(title, tuple(sections), footer=footer)


def held_back(request: FeedbackRequest, count: int) -> str:
    """Why the one or two answers after the first release stay hidden at the close."""
    answers = "answer" if count == 1 else "answers"
    return (
        f"Your anonymous feedback request #{request.id} closed with {count} more {answers} "
        "after the first "
        f"ones. Fewer than {ANONYMOUS_MINIMUM} came in after them, so they stay hidden, and "
        "have been deleted unread: shown apart, they would tell who wrote them."
    )


def closed_unseen(subject: Person, answered: int) -> str:
    """Why an anonymous request closed with too few answers shows none."""
    return (
        "Your anonymous feedback request about "
        f"{first_name(subject)} closed with "
        f"{answered} answer{'s' if answered != 1 else ''}: fewer than "
        f"{ANONYMOUS_MINIMUM}, so none can be shown without giving away "
        "who wrote them. They have been deleted unread."
    )
