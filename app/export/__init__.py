"""`checkin-bot export`: the org's people, goals with history, check-ins, feedback, survey
aggregates, kudos and (for one of their two people) 1:1s, as JSON. Anonymous feedback goes
out as its requester sees it, and surveys only as the aggregates their rounds allowed.

With a viewer, only what that person may see in the bot (`bot.privacy.visibility`); without one, the
operator's export: everything (whoever runs it on the server holds the database anyway).

This module reads the org in a fixed number of statements and puts the sections together; each
section is built in its own module. `app.commands.export` writes the result out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from app.export.checkins import checkin_entries
from app.export.entries import Entry
from app.export.feedback import feedback_entries, load_feedback
from app.export.goals import objective_entries
from app.export.kudos import kudos_entries
from app.export.oneonones import oneonone_entries
from app.export.people import people_entries
from app.export.surveys import load_surveys, survey_entries
from bot.privacy.visibility import people_seen
from storage.db import Database
from storage.models import Person
from storage.repository import Store


async def export_org(
    database: Database, tenant_id: str, now: datetime, viewer_email: str | None = None
) -> Entry:
    """The org's data; with `viewer_email`, only what that person may see.

    A fixed number of queries, however many people, requests and rounds there are.
    """
    async with database.session() as session:
        store = Store(session)
        tenant = await store.tenant(tenant_id)
        if tenant is None:
            raise LookupError(f"no org called {tenant_id!r} in this database")
        people = await store.people(tenant_id)
        viewer = None if viewer_email is None else find_viewer(people, viewer_email, tenant_id)
        objectives = await store.objectives(tenant_id, with_archived=True)
        key_results = await store.all_key_results(tenant_id)
        changes = await store.changes(tenant_id)
        runs = await store.runs(tenant_id)
        identities = await store.identities(tenant_id)
        answers = await store.all_answers(tenant_id)
        feedback = await load_feedback(session, tenant_id)
        surveys = await load_surveys(session, tenant_id)
        kudos, receivers = await store.kudos.everything(tenant_id)
        # 1:1s are their two people's alone: only in one of their exports.
        oneonones = (
            await store.oneonones.everything_of(tenant_id, viewer.id or 0)
            if viewer is not None
            else ((), (), ())
        )

    email = {p.id: p.email for p in people}
    by_id = {p.id: p for p in people if p.id is not None}
    seen = set(by_id) if viewer is None else people_seen(viewer, by_id)
    return {
        "org": {"id": tenant.id, "name": tenant.name, "platform": tenant.platform},
        "viewer": None if viewer is None else viewer.email,
        "exported_at": now.isoformat(),
        "people": people_entries(people, identities, seen, email),
        "objectives": objective_entries(objectives, key_results, changes, runs, email),
        "checkins": checkin_entries(runs, answers, seen, email),
        "feedback": feedback_entries(feedback, email, viewer),
        "surveys": survey_entries(surveys, email, viewer, by_id),
        "kudos": kudos_entries(kudos, receivers, email, viewer),
        "oneonones": [] if viewer is None else oneonone_entries(*oneonones, email, viewer),
    }


def find_viewer(people: Sequence[Person], wanted: str, tenant_id: str) -> Person:
    """The person whose export this is, by email whatever its case; exactly as typed wins
    when two people differ in case alone."""
    wanted = wanted.strip()
    found = [p for p in people if p.email.lower() == wanted.lower()]
    exact = [p for p in found if p.email == wanted]
    if len(found) > 1 and len(exact) != 1:
        listed = ", ".join(sorted(p.email for p in found))
        raise LookupError(f"{len(found)} people match {wanted}: {listed}; give it exactly")
    if not found:
        raise LookupError(f"no one with the email {wanted} in {tenant_id}")
    person = exact[0] if exact else found[0]
    if not person.active:
        raise LookupError(
            f"{person.email} is no longer active in {tenant_id}, so the bot shows them nothing; "
            "leave out --as for the whole org"
        )
    return person
