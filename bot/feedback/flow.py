"""Feedback: requests about a subject, answered by givers in chat; unasked feedback; the inbox.

Who may ask (SPEC 2.3): anyone about themselves, a manager about their reports down the tree,
an admin about anyone. Anonymous requests need three givers besides the requester and the
subject, and hold the answers back until three have answered; after that first release, the
rest come out together when the request closes, so the moment an answer appears never points
at who wrote it, and only if they are three or more: one or two shown apart from the first
ones would point at the last to answer. An anonymous answer is stored without its giver; the
invitation only says "answered", for the reminder.
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.checkins.cadence import friendly_day, local_to_utc, person_cadence, read_day
from bot.core.messages import Card, Message, Question, Section, Text
from bot.core.messages import Field as CardField
from bot.core.outcome import Notice, Outcome
from bot.core.whole_numbers import whole_number
from bot.org.tree import display_name, first_name, managers_of
from storage.feedback import FeedbackStore
from storage.jobs import upsert_job
from storage.models import FeedbackAnswer, FeedbackInvite, FeedbackRequest, Person, Tenant
from storage.repository import Store

ANONYMOUS_MINIMUM = 3
DEFAULT_DUE_DAYS = 7
MAX_GIVERS = 20
MAX_ANSWER = 4000
REQUEST_QUESTIONS = (
    "What is {name} doing well that they should keep doing?",
    "What could {name} do differently to have more impact?",
)
GIVE_QUESTIONS = ("What would you like to tell {name}?",)
PROMPT_PREFIX = "fb_"
FEEDBACK_REMINDER = "feedback_reminder"
FEEDBACK_CLOSE = "feedback_close"
REQUEST_USAGE = "feedback request @person from @giver @giver [anonymous] [due 2026-12-04]"
GIVE_USAGE = "feedback give @person"

_TOKEN = re.compile(r"<[^>]*>|\S+")
_SKIP = {"skip", "pass", "-"}


class FeedbackError(Exception):
    """A request that can't be made, in words for the person making it."""


class FeedbackFlow:
    """One person's side of feedback, in one unit of work."""

    def __init__(
        self, store: Store, tenant: Tenant, person: Person, now: datetime, platform: str
    ) -> None:
        self.store = store
        self.feedback = FeedbackStore(store.session)
        self.tenant = tenant
        self.person = person
        self.now = now
        self.platform = platform

    # -- asking ------------------------------------------------------------------------------

    async def request(self, args: str) -> Outcome:
        try:
            subject, givers, anonymous, due = await self._parse_request(args)
            self._check_may_ask(subject, await self._people())
            self._check_givers(subject, givers, anonymous)
        except FeedbackError as error:
            return Outcome([Text(str(error))])
        due_on = due or self._today() + timedelta(days=DEFAULT_DUE_DAYS)
        request = FeedbackRequest(
            tenant_id=self.tenant.id,
            requester_id=_id(self.person),
            subject_id=_id(subject),
            anonymous=anonymous,
            questions=[q.format(name=first_name(subject)) for q in REQUEST_QUESTIONS],
            due_on=due_on.isoformat(),
            due_at=self._end_of(due_on),
            created_at=self.now,
        )
        invites = await self.feedback.add_request(request, [_id(g) for g in givers])
        await self._schedule(request)
        notices = [
            Notice(invite.giver_id, await self._ask(request, invite, self.person, subject, 0))
            for invite in invites
        ]
        about = "yourself" if subject.id == self.person.id else subject.name or subject.email
        names = ", ".join(g.name or g.email for g in givers)
        how = (
            "Anonymous: you'll see the answers, never who wrote which, once at least "
            f"{ANONYMOUS_MINIMUM} have answered."
            if anonymous
            else "You'll get each answer as it comes in."
        )
        due_day = friendly_day(due_on.isoformat())
        asked = f"Asked {names} for feedback on {about}, due {due_day}. {how}"
        unreachable = [display_name(g) for g in givers if not await self._reachable(g)]
        if unreachable:
            asked += (
                f" Not reachable yet: {', '.join(unreachable)}. They'll see the request the "
                "first time they message me."
            )
        return Outcome([Text(asked)], notices)

    async def _reachable(self, person: Person) -> bool:
        return any(i.reachable for i in await self.store.identities_of(person))

    async def give(self, args: str) -> Outcome:
        tokens = _TOKEN.findall(args)
        if len(tokens) != 1:
            return Outcome([Text(f"Say who the feedback is for: {GIVE_USAGE}")])
        try:
            subject = await self._resolve(tokens[0])
        except FeedbackError as error:
            return Outcome([Text(str(error))])
        if subject.id == self.person.id:
            return Outcome([Text("Feedback for yourself? Try a check-in instead: checkin now.")])
        request = FeedbackRequest(
            tenant_id=self.tenant.id,
            kind="given",
            requester_id=_id(self.person),
            subject_id=_id(subject),
            questions=[q.format(name=first_name(subject)) for q in GIVE_QUESTIONS],
            created_at=self.now,
        )
        [invite] = await self.feedback.add_request(request, [_id(self.person)])
        return Outcome(await self._ask(request, invite, self.person, subject, 0))

    async def _schedule(self, request: FeedbackRequest) -> None:
        """One reminder a day before it is due (or halfway there, if that's sooner), and the
        close at the end of the due day."""
        assert request.due_at is not None
        remind_at = request.due_at - timedelta(days=1)
        if remind_at < self.now + timedelta(hours=1):
            remind_at = self.now + (request.due_at - self.now) / 2
        session, tenant = self.store.session, self.tenant.id
        await upsert_job(session, tenant, FEEDBACK_REMINDER, _id(request), remind_at)
        await upsert_job(session, tenant, FEEDBACK_CLOSE, _id(request), request.due_at)

    # -- answering ---------------------------------------------------------------------------

    async def waiting(self) -> FeedbackInvite | None:
        """The invitation whose question this person was asked most recently, if any."""
        return await self.feedback.answering(self.tenant.id, _id(self.person))

    async def invite_for_prompt(self, prompt_id: str) -> FeedbackInvite | None:
        """The invitation a feedback question's id names, if it is this person's."""
        number = whole_number(prompt_id.removeprefix(PROMPT_PREFIX).split("_", 1)[0])
        if number is None:
            return None
        invite = await self.feedback.invite(self.tenant.id, number)
        return invite if invite is not None and invite.giver_id == self.person.id else None

    async def start(self, invite: FeedbackInvite) -> list[Message]:
        """Ask (again) the question this invitation is at; from the top if not started."""
        request = await self.feedback.request(self.tenant.id, invite.request_id)
        if request is None or request.status != "open" or invite.answered:
            return [Text("That feedback request is closed. Thank you all the same!")]
        requester, subject = await self._pair(request)
        return await self._ask(request, invite, requester, subject, invite.asking or 0)

    async def answer(self, invite: FeedbackInvite, text: str) -> Outcome:
        request = await self.feedback.request(self.tenant.id, invite.request_id)
        if request is None or request.status != "open" or invite.answered:
            invite.asking = None
            self.store.session.add(invite)
            return Outcome([Text("That feedback request has closed. Thank you all the same!")])
        said = " ".join(text.split()) if len(text) <= MAX_ANSWER else None
        if said is None:
            return Outcome([Text(f"That's a long one: keep it under {MAX_ANSWER} characters?")])
        index = invite.asking or 0
        invite.draft = [*invite.draft[:index], "" if said.lower() in _SKIP else said]
        requester, subject = await self._pair(request)
        if index + 1 < len(request.questions):
            return Outcome(await self._ask(request, invite, requester, subject, index + 1))
        if not any(invite.draft):
            invite.draft = []
            invite.asking = None
            self.store.session.add(invite)
            return Outcome(
                [Text("Nothing to send: every answer was skipped. Ask me again any time.")]
            )
        return await self._submit(request, invite, requester, subject)

    async def _submit(
        self,
        request: FeedbackRequest,
        invite: FeedbackInvite,
        requester: Person,
        subject: Person,
    ) -> Outcome:
        answer = FeedbackAnswer(
            id="fa_" + secrets.token_urlsafe(12),
            tenant_id=request.tenant_id,
            request_id=_id(request),
            giver_id=None if request.anonymous else invite.giver_id,
            answers=list(invite.draft),
            created_at=None if request.anonymous else self.now,
        )
        invite.answered, invite.asking, invite.asked_at, invite.draft = True, None, None, []
        self.store.session.add_all([answer, invite])
        await self.store.session.flush()
        thanks = (
            f"Thanks! Your feedback for {first_name(subject)} is on its way."
            if request.kind == "given"
            else f"Thanks! {first_name(requester)} will see your feedback"
            + (" without your name." if request.anonymous else ".")
        )
        return Outcome([Text(thanks)], await self._release(request))

    # -- releasing answers ---------------------------------------------------------------------

    async def _release(self, request: FeedbackRequest, closing: bool = False) -> list[Notice]:
        """Show the requester what may be shown now; close the request once all have answered."""
        invites = await self.feedback.invites_of(request)
        if all(invite.answered for invite in invites):
            request.status, closing = "closed", True
            self.store.session.add(request)
        answers = list(await self.feedback.answers(request))
        pending = [a for a in answers if not a.released]
        if not pending:
            return []
        if request.anonymous:
            released_before = any(a.released for a in answers)
            if not released_before and len(answers) < ANONYMOUS_MINIMUM:
                return []  # never fewer than three at once, never before three
            if released_before and not closing:
                return []  # later answers wait for the close, so timing tells nothing
            if released_before and len(pending) < ANONYMOUS_MINIMUM:
                # Shown apart from the first ones, one or two answers would be known to come
                # from the one or two who answered last.
                return [Notice(request.requester_id, [Text(_held_back(request, len(pending)))])]
            random.shuffle(pending)
        for answer in pending:
            answer.released = True
            self.store.session.add(answer)
        _, subject = await self._pair(request)
        card = await self._answers_card(request, subject, pending, closing)
        audience = {request.subject_id} if request.kind == "given" else {request.requester_id}
        if request.shared_with_subject:
            audience.add(request.subject_id)
        return [Notice(person, [card]) for person in sorted(audience)]

    async def close(self, request: FeedbackRequest) -> list[Notice]:
        """The due date passed: release what is held, and end the request."""
        if request.status != "open":
            return []
        request.status = "closed"
        self.store.session.add(request)
        notices = await self._release(request, closing=True)
        answered = await self.feedback.answered_count(request)
        if request.anonymous and answered < ANONYMOUS_MINIMUM:
            _, subject = await self._pair(request)
            notices.append(
                Notice(
                    request.requester_id,
                    [
                        Text(
                            "Your anonymous feedback request about "
                            f"{first_name(subject)} closed with "
                            f"{answered} answer{'s' if answered != 1 else ''}: fewer than "
                            f"{ANONYMOUS_MINIMUM}, so none can be shown without giving away "
                            "who wrote them."
                        )
                    ],
                )
            )
        return notices

    async def reminders(self, request: FeedbackRequest) -> list[Notice]:
        """One nudge to each giver who hasn't answered yet."""
        if request.status != "open":
            return []
        requester, subject = await self._pair(request)
        notices = []
        for invite in await self.feedback.invites_of(request):
            if invite.answered or invite.reminded:
                continue
            invite.reminded = True
            self.store.session.add(invite)
            intro = (
                f"A reminder: {first_name(requester)} would value your feedback on "
                f"{display_name(subject)} by {friendly_day(request.due_on or '')}."
            )
            asked = await self._ask(request, invite, requester, subject, invite.asking or 0)
            notices.append(Notice(invite.giver_id, [Text(intro), *asked]))
        return notices

    async def share(self, args: str) -> Outcome:
        """The requester lets the subject read a request's answers."""
        number = whole_number(args.strip().lstrip("#"))
        request = None if number is None else await self.feedback.request(self.tenant.id, number)
        if request is None or request.requester_id != self.person.id or request.kind != "request":
            return Outcome([Text("Share which request? feedback share NUMBER, from your inbox.")])
        if request.subject_id == self.person.id or request.shared_with_subject:
            return Outcome([Text("They can see those answers already.")])
        request.shared_with_subject = True
        self.store.session.add(request)
        _, subject = await self._pair(request)
        released = [a for a in await self.feedback.answers(request) if a.released]
        notices = []
        if released:
            card = await self._answers_card(request, subject, released, request.status != "open")
            notices.append(Notice(request.subject_id, [card]))
        return Outcome([Text(f"Shared with {display_name(subject)}.")], notices)

    # -- the inbox ---------------------------------------------------------------------------

    async def owed(self) -> list[CardField]:
        """Feedback requests waiting for this person's answers, one line each."""
        lines = []
        for invite in await self.feedback.owed_by(self.tenant.id, _id(self.person)):
            request = await self.feedback.request(self.tenant.id, invite.request_id)
            if request is None or request.kind != "request":
                continue
            requester, subject = await self._pair(request)
            about = "their own work" if requester.id == subject.id else display_name(subject)
            due = friendly_day(request.due_on or "")
            lines.append(
                CardField(f"Feedback on {about}", f"for {display_name(requester)}, due {due}")
            )
        return lines

    async def inbox_outcome(self) -> Outcome:
        return Outcome(await self.inbox())

    async def inbox(self) -> list[Message]:
        owed = []
        for invite in await self.feedback.owed_by(self.tenant.id, _id(self.person)):
            request = await self.feedback.request(self.tenant.id, invite.request_id)
            if request is None or request.kind != "request":
                continue
            requester, subject = await self._pair(request)
            owed.append(
                CardField(
                    f"#{request.id} about {display_name(subject)}",
                    f"asked by {display_name(requester)}, due {friendly_day(request.due_on or '')}",
                )
            )
        received = []
        for request in await self.feedback.requests_by(self.tenant.id, _id(self.person)):
            requester, subject = await self._pair(request)
            answered = await self.feedback.answered_count(request)
            shown = sum(1 for a in await self.feedback.answers(request) if a.released)
            if request.kind == "given":
                if request.subject_id != self.person.id or not shown:
                    continue
                received.append(
                    CardField(f"#{request.id} from {display_name(requester)}", "unasked")
                )
                continue
            invited = len(await self.feedback.invites_of(request))
            state = f"{answered} of {invited} answered, {shown} shown"
            if request.anonymous:
                state += ", anonymous"
            if request.status != "open":
                state += ", closed"
            received.append(CardField(f"#{request.id} about {display_name(subject)}", state))
        sections = (
            Section("You owe", tuple(owed), "" if owed else "Nothing: you're all caught up."),
            Section(
                "You asked for or received", tuple(received), "" if received else "Nothing yet."
            ),
        )
        footer = "Type feedback request, feedback give @person, or feedback share NUMBER."
        return [Card("Feedback inbox", sections, footer=footer)]

    # -- helpers -----------------------------------------------------------------------------

    async def _ask(
        self,
        request: FeedbackRequest,
        invite: FeedbackInvite,
        requester: Person,
        subject: Person,
        index: int,
    ) -> list[Message]:
        invite.asking, invite.asked_at = index, self.now
        self.store.session.add(invite)
        intro = None
        if index == 0 and request.kind == "given":
            intro = f"Feedback for {display_name(subject)}. It goes to them with your name."
        elif index == 0:
            secret = (
                f"Anonymous: {first_name(requester)} sees what you write, never that you wrote it."
                if request.anonymous
                else f"{first_name(requester)} will see your name with your answers."
            )
            about = "their own work" if requester.id == subject.id else display_name(subject)
            intro = (
                f"{display_name(requester)} would value your feedback on {about}, by "
                f"{friendly_day(request.due_on or '')}. {secret}"
            )
        return [
            Question(
                prompt_id=f"{PROMPT_PREFIX}{invite.id}_{index}",
                text=request.questions[index],
                hint="Type your answer; skip skips this question.",
                position=index + 1,
                total=len(request.questions),
                intro=intro,
            )
        ]

    async def _answers_card(
        self,
        request: FeedbackRequest,
        subject: Person,
        answers: Sequence[FeedbackAnswer],
        closed: bool,
    ) -> Card:
        givers = await self._names({a.giver_id for a in answers if a.giver_id is not None})
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
        elif request.kind == "request" and request.subject_id != request.requester_id:
            footer = f"To let {first_name(subject)} read these, type feedback share {request.id}."
        return Card(title, tuple(sections), footer=footer)

    async def _parse_request(self, args: str) -> tuple[Person, list[Person], bool, date | None]:
        tokens = _TOKEN.findall(args)
        lowered = [t.lower() for t in tokens]
        if "from" not in lowered or lowered.index("from") != 1:
            raise FeedbackError(f"Say who it's about and who to ask: {REQUEST_USAGE}")
        subject = await self._resolve(tokens[0])
        givers: list[Person] = []
        anonymous, due = False, None
        rest = tokens[2:]
        index = 0
        while index < len(rest):
            word = rest[index].lower()
            if word in ("anonymous", "anonymously", "anon"):
                anonymous = True
            elif word == "due":
                if index + 1 >= len(rest):
                    raise FeedbackError("Due when? For example: due 2026-12-04 or due friday.")
                due = self._due(rest[index + 1])
                index += 1
            else:
                person = await self._resolve(rest[index])
                if person.id not in {g.id for g in givers}:
                    givers.append(person)
            index += 1
        return subject, givers, anonymous, due

    def _check_may_ask(self, subject: Person, people: Mapping[int, Person]) -> None:
        if self.person.is_admin or subject.id == self.person.id:
            return
        if _id(self.person) in managers_of(subject, people):
            return
        raise FeedbackError(
            f"You can ask for feedback on yourself or on people who report to you; "
            f"{display_name(subject)} doesn't. An admin can ask about anyone."
        )

    def _check_givers(self, subject: Person, givers: Sequence[Person], anonymous: bool) -> None:
        if not givers:
            raise FeedbackError(f"Who should give the feedback? {REQUEST_USAGE}")
        if len(givers) > MAX_GIVERS:
            raise FeedbackError(f"That's a lot of people: ask at most {MAX_GIVERS} at a time.")
        if any(g.id == subject.id for g in givers):
            raise FeedbackError(f"{display_name(subject)} can't give feedback on themselves here.")
        if anonymous:
            others = [g for g in givers if g.id != self.person.id]
            if len(others) != len(givers):
                raise FeedbackError(
                    "You can't be a giver on your own anonymous request: your answer would "
                    "narrow down everyone else's."
                )
            if len(others) < ANONYMOUS_MINIMUM:
                raise FeedbackError(
                    f"An anonymous request needs at least {ANONYMOUS_MINIMUM} givers, so no "
                    "answer can be traced back. Add more people, or drop anonymous."
                )

    async def _resolve(self, token: str) -> Person:
        """A person from a mention (<@U123>, <@U123|name>), an email, or a unique name."""
        people = await self._people()
        if token.startswith("<@") and token.endswith(">"):
            user = token[2:-1].split("|", 1)[0]
            identity = await self.store.identity(self.tenant.id, self.platform, user)
            if identity is not None and identity.person_id in people:
                return people[identity.person_id]
            raise FeedbackError(f"I don't know {_plain(token)} yet: are they in the org import?")
        if token.startswith("<mailto:") and token.endswith(">"):
            token = token[len("<mailto:") : -1].split("|", 1)[0]
        word = token.lstrip("@").strip().lower()
        if word in ("me", "myself"):
            return self.person
        if "@" in word:
            found = await self.store.person_by_email(self.tenant.id, word)
            if found is not None and found.active:
                return found
            raise FeedbackError(f"No one with the email {word[:80]} here.")
        matches = [
            p
            for p in people.values()
            if p.active
            and word
            and (
                p.email.lower().split("@")[0] == word
                or (p.name or "").lower().replace(" ", "") == word
                or (p.name or "").lower().split(" ")[0] == word
            )
        ]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise FeedbackError(f"More than one person is called {word[:40]}: use their email.")
        raise FeedbackError(f"I can't find {word[:40]}: mention them or use their email.")

    def _due(self, word: str) -> date:
        today = self._today()
        day = read_day(word, today)
        if day is None:
            raise FeedbackError(
                f"I can't read the date {word[:20]}: try 2026-12-04, friday or tomorrow."
            )
        if day < today:
            raise FeedbackError(f"{friendly_day(day.isoformat())} has passed: pick a later day.")
        if day > today + timedelta(days=90):
            raise FeedbackError("Pick a due date within the next 90 days.")
        return day

    def _zone_today(self) -> tuple[Any, date]:
        zone = person_cadence(self.person, self.tenant.settings).zone
        return zone, self.now.astimezone(zone).date()

    def _today(self) -> date:
        return self._zone_today()[1]

    def _end_of(self, day: date) -> datetime:
        zone, _ = self._zone_today()
        return local_to_utc(day + timedelta(days=1), time(0, 0), zone)

    async def _people(self) -> dict[int, Person]:
        return {_id(p): p for p in await self.store.people(self.tenant.id)}

    async def _names(self, ids: set[int]) -> dict[int, str]:
        people = await self._people()
        return {i: display_name(people[i]) for i in ids if i in people}

    async def _pair(self, request: FeedbackRequest) -> tuple[Person, Person]:
        requester = await self.store.person(self.tenant.id, request.requester_id)
        subject = await self.store.person(self.tenant.id, request.subject_id)
        assert requester is not None and subject is not None, "people are never deleted"
        return requester, subject


def _id(row: Person | FeedbackRequest) -> int:
    assert row.id is not None
    return row.id


def _plain(token: str) -> str:
    inner = token[2:-1]
    return inner.split("|", 1)[1] if "|" in inner else inner


def _held_back(request: FeedbackRequest, count: int) -> str:
    answers = "answer" if count == 1 else "answers"
    return (
        f"Your anonymous feedback request #{request.id} closed with {count} more {answers} "
        "after the first "
        f"ones. Fewer than {ANONYMOUS_MINIMUM} came in after them, so they stay hidden: shown "
        "apart, they would tell who wrote them."
    )
