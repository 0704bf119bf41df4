"""`review start "H2 2026" from 2026-07-01 to 2026-12-31 self manager peer due 2026-12-20
[for team Growth] [anonymous peers]`: an admin starts a cycle. Everyone in it is told what they
owe; `review status` shows admins and managers who is where."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, time, timedelta

from bot.checkins.cadence import local_to_utc, org_zone
from bot.core.commands import Context
from bot.core.i18n import N_, catalog, day, speaking_to
from bot.core.messages import Card, Field, Section, Text
from bot.core.outcome import Notice, Outcome
from bot.core.words import listed
from bot.org.tree import display_name, org_of
from bot.reviews.scheduled import REVIEW_REMINDERS, first_reminder
from bot.reviews.template import KINDS
from bot.reviews.templates import org_questions
from storage.models import Person, Review, ReviewCycle
from storage.settings import settings_of

_START = re.compile(
    r'^"(?P<name>[^"]{1,100})"\s+from\s+(?P<start>\d{4}-\d{2}-\d{2})\s+to\s+'
    r"(?P<end>\d{4}-\d{2}-\d{2})(?P<kinds>(?:\s+(?:self|manager|peers?))*)\s+due\s+"
    r"(?P<due>\d{4}-\d{2}-\d{2})(?:\s+for\s+(?:team\s+)?(?P<team>.+?))?"
    r"(?P<anonymous>\s+anonymous\s+peers)?$",
    re.IGNORECASE,
)
USAGE = N_(
    'Say it like: review start "H2 2026" from 2026-07-01 to 2026-12-31 self manager peer '
    "due 2026-12-20 (for team Growth, anonymous peers: both optional)"
)
SHOWN = 25
KIND_WORDS = {
    "self": N_("self reviews"),
    "manager": N_("manager reviews"),
    "peer": N_("peer reviews"),
}
STATUS_WORDS = {"pending": N_("not started"), "draft": N_("a draft"), "submitted": N_("submitted")}

_, ngettext = catalog("bot.reviews")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


async def start(ctx: Context, args: str) -> Outcome:
    if not ctx.person.is_admin:
        return _say(_("Only admins start review cycles."))
    found = _START.match(" ".join(args.replace("“", '"').replace("”", '"').split()))
    if found is None:
        return _say(_(USAGE))
    first, last, due = (_day(found.group(k)) for k in ("start", "end", "due"))
    if first is None or last is None or due is None:
        return _say(_("Write dates like 2026-07-01, real ones."))
    if last < first:
        return _say(_("The period ends before it starts."))
    zone = org_zone(settings_of(ctx.tenant))
    due_at = local_to_utc(due + timedelta(days=1), time(0), zone)
    if due_at <= ctx.now:
        return _say(
            _("{day} has passed: give a due date still to come.").format(day=due.isoformat())
        )
    name = found.group("name").strip()
    if await ctx.store.reviews.cycle_named(ctx.tenant.id, name) is not None:
        return _say(
            _("There is a cycle called “{name}” already: give this one another name.").format(
                name=name
            )
        )
    words = found.group("kinds").lower().split()
    kinds = [k for k in KINDS if k in {w.removesuffix("s") for w in words}] or list(KINDS)
    people = await ctx.store.people_by_id(ctx.tenant.id)
    team = None
    if found.group("team"):
        teams = {p.team.lower(): p.team for p in people.values() if p.team}
        team = teams.get(found.group("team").strip().lower())
        if team is None:
            known = ", ".join(sorted(teams.values())) or _("none yet")
            return _say(_("Which team? Teams: {teams}.").format(teams=known))
    cycle = ReviewCycle(
        tenant_id=ctx.tenant.id,
        name=name,
        starts_at=local_to_utc(first, time(0), zone),
        ends_at=local_to_utc(last + timedelta(days=1), time(0), zone),
        due_on=due.isoformat(),
        due_at=due_at,
        kinds=kinds,
        team=team,
        anonymous_peers=bool(found.group("anonymous")),
        questions=org_questions(ctx.tenant),
        created_by=ctx.person.id,
        created_at=ctx.now,
    )
    ctx.store.keep(cycle)
    await ctx.store.session.flush()
    members = [p for p in people.values() if p.active and (team is None or p.team == team)]
    notices = _open(ctx, cycle, members, people)
    await ctx.store.plan(
        ctx.tenant.id, REVIEW_REMINDERS, cycle.id or 0, first_reminder(cycle, ctx.now)
    )
    # Translators: joins the last two of a list: "Ana, Ben and Cy", "self reviews and peer reviews".
    joiner = _("and")
    what = listed([_(KIND_WORDS[k]) for k in kinds], joiner)
    count, due_words = len(members), _due_words(cycle)
    if team:
        said = ngettext(
            "Started “{name}” for the {team} team ({count} person): {what}, due {due}.",
            "Started “{name}” for the {team} team ({count} people): {what}, due {due}.",
            count,
        )
    else:
        said = ngettext(
            "Started “{name}” for {count} person: {what}, due {due}.",
            "Started “{name}” for {count} people: {what}, due {due}.",
            count,
        )
    return _say(said.format(name=name, team=team, count=count, what=what, due=due_words), notices)


def _open(
    ctx: Context, cycle: ReviewCycle, members: Sequence[Person], people: Mapping[int, Person]
) -> list[Notice]:
    """Each member's reviews, and a note to everyone saying what they owe, in their language."""
    owes: dict[int, list[str]] = {}  # whom to tell, and of which kinds of review they write
    for person in members:
        assert person.id is not None
        if "self" in cycle.kinds:
            _add(ctx, cycle, person.id, person.id, "self", "pending")
            owes.setdefault(person.id, []).append("self")
        if "peer" in cycle.kinds:
            owes.setdefault(person.id, []).append("peer")
        manager = people.get(person.manager_id or 0)
        if "manager" in cycle.kinds and manager is not None and manager.active:
            _add(ctx, cycle, person.id, manager.id or 0, "manager", "pending")
            owes.setdefault(manager.id or 0, [])
    notices = []
    for person_id, kinds in owes.items():
        theirs = [p for p in members if p.manager_id == person_id]
        with speaking_to(people[person_id], ctx.tenant):
            lines = [_("The review cycle “{name}” has started.").format(name=cycle.name)]
            if "self" in kinds:
                lines.append(
                    _(
                        "Your self review is due {due}: review self shows your record of the "
                        "period and the questions."
                    ).format(due=_due_words(cycle))
                )
            if "peer" in kinds:
                lines.append(
                    _("Name the peers who should review you (three or more): review peers @a @b @c")
                )
            if "manager" in cycle.kinds and theirs:
                lines.append(_yours(theirs))
        notices.append(Notice(person_id, [Text("\n".join(lines))]))
    return notices


def _yours(theirs: Sequence[Person]) -> str:
    """A manager's part: the people they review (five named at most)."""
    names = listed([display_name(p) for p in theirs[:5]], _("and"))
    if len(theirs) > 5:
        said = _(
            "You'll review {names} and more once their self reviews are in (or the due date "
            "passes): review status shows where they are."
        )
    else:
        said = _(
            "You'll review {names} once their self reviews are in (or the due date passes): "
            "review status shows where they are."
        )
    return said.format(names=names)


def _add(
    ctx: Context, cycle: ReviewCycle, subject: int, writer: int, kind: str, status: str
) -> None:
    ctx.store.keep(
        Review(
            tenant_id=ctx.tenant.id,
            cycle_id=cycle.id or 0,
            subject_id=subject,
            writer_id=writer,
            kind=kind,
            status=status,
            created_at=ctx.now,
        )
    )


def _due_words(cycle: ReviewCycle) -> str:
    """The due day, "Fri 20 Mar", in the language in force."""
    return day(date.fromisoformat(cycle.due_on))


async def status(ctx: Context, _args: str) -> Outcome:
    """Where each person of the open cycles stands: everyone for admins, the people under a
    manager for them, one's own for everyone else."""
    people = await ctx.store.people_by_id(ctx.tenant.id)
    me = ctx.person.id or 0
    seen = set(people) if ctx.person.is_admin else org_of(me, people) | {me}
    cycles = await ctx.store.reviews.open_cycles(ctx.tenant.id)
    if not cycles:
        return _say(_("No review cycle is open."))
    sections = []
    for cycle in cycles:
        reviews = await ctx.store.reviews.of_cycle(cycle.id or 0)
        subjects = sorted(
            ({r.subject_id for r in reviews} & seen) & set(people),
            key=lambda i: display_name(people[i]),
        )
        fields = [
            Field(display_name(people[s]), stage([r for r in reviews if r.subject_id == s]))
            for s in subjects
        ]
        more = len(fields) - SHOWN
        text = _("Due {day}.").format(day=_due_words(cycle))
        if more > 0:
            text += " " + _("And {count} more.").format(count=more)
        sections.append(Section(cycle.name, tuple(fields[:SHOWN]), text))
    return Outcome([Card(_("Reviews"), tuple(sections))])


def stage(reviews: Sequence[Review]) -> str:
    """One person's reviews in a few words: self, peers, manager."""
    parts = []
    self_review = next((r for r in reviews if r.kind == "self"), None)
    if self_review is not None:
        # Translators: in `review status`, their own review; {state}: "not started", "submitted"…
        parts.append(_("self {state}").format(state=_word(self_review.status)))
    peers = [r for r in reviews if r.kind == "peer"]
    if peers:
        if all(r.status == "nominated" for r in peers):
            parts.append(
                ngettext(
                    "{count} peer waiting for approval",
                    "{count} peers waiting for approval",
                    len(peers),
                ).format(count=len(peers))
            )
        else:
            done = sum(r.status == "submitted" for r in peers)
            # Translators: in `review status`: how many of the peers asked have answered.
            parts.append(_("peers {done} of {count} in").format(done=done, count=len(peers)))
    manager = next((r for r in reviews if r.kind == "manager"), None)
    if manager is not None:
        word = _word(manager.status)
        if manager.acknowledged_at is not None:
            word = _("shared and acknowledged")
        elif manager.shared_at is not None:
            word = _("shared")
        # Translators: in `review status`, the manager's review; {state}: "a draft", "shared"…
        parts.append(_("manager {state}").format(state=word))
    return " · ".join(parts) or _("nothing asked")


def _word(status: str) -> str:
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def _say(text: str, notices: list[Notice] | None = None) -> Outcome:
    return Outcome([Text(text)], notices or [])
