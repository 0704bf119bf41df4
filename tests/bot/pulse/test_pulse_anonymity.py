"""Property: over random org trees, audiences and responses, nothing anyone can see through
`pulse results` reveals a group smaller than k, directly or by subtracting two results.

Each example builds an org in a tenant of its own, sends a survey through the real flow,
has a random subset answer, closes the round, then asks for every group's results as every
person in the org, and checks what was shown against the responses behind it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.core.messages import Card
from bot.privacy.pulse_slices import TOO_FEW, effective_k, shown_safely
from bot.pulse.flow import PulseFlow
from storage.db import Database
from storage.models import Person, SurveyResponse, SurveyRound, Tenant
from storage.repository import Store
from tests.seeded import SEEDED_AT

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
_tenants = itertools.count()


@st.composite
def orgs(draw: st.DrawFn) -> dict[str, object]:
    size = draw(st.integers(6, 30))
    # Person 0 is the admin and the root; everyone else reports to someone before them.
    managers = [None] + [draw(st.integers(0, n - 1)) for n in range(1, size)]
    teams = [draw(st.sampled_from(["A", "A", "B", "C", None])) for _ in range(size)]
    audience = draw(
        st.one_of(
            st.just(("everyone", None)),
            st.tuples(st.just("team"), st.sampled_from(["A", "B", "C"])),
            st.tuples(st.just("org"), st.integers(0, size - 1)),
        )
    )
    # Mostly answering, so that groups get big enough to show and to collide.
    turnout = st.sampled_from([True, True, True, False])
    answering = draw(st.lists(turnout, min_size=size, max_size=size))
    scores = draw(st.lists(st.integers(0, 10), min_size=size, max_size=size))
    k = draw(st.integers(1, 7))  # below 3 is clamped to 3
    return {
        "managers": managers,
        "teams": teams,
        "audience": audience,
        "answering": answering,
        "scores": scores,
        "k": k,
    }


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.long
@given(org=orgs())
async def test_no_visible_result_reveals_a_group_under_k(
    sqlite_db: Database, org: dict[str, object]
) -> None:
    tenant_id = f"console:t{next(_tenants)}"
    managers = org["managers"]
    teams = org["teams"]
    assert isinstance(managers, list) and isinstance(teams, list)
    async with sqlite_db.session() as session:
        session.add(
            Tenant(
                id=tenant_id,
                platform="console",
                external_id=tenant_id,
                settings={"pulse_k": org["k"]},
                created_at=SEEDED_AT,
            )
        )
        await session.flush()
        ids: list[int] = []
        for n, (manager, team) in enumerate(zip(managers, teams, strict=True)):
            person = Person(
                tenant_id=tenant_id,
                email=f"p{n}@x.com",
                name=f"P{n} Person",
                team=team,
                is_admin=n == 0,
                manager_id=ids[manager] if manager is not None else None,
                created_at=SEEDED_AT,
            )
            session.add(person)
            await session.flush()
            assert person.id is not None
            ids.append(person.id)

    kind, value = org["audience"]  # type: ignore[misc]
    target = {
        "everyone": "everyone",
        "team": f"team {value}",
        "org": "my org",
    }[kind]
    sender = ids[value] if kind == "org" else ids[0]
    async with sqlite_db.session() as session:
        flow = await _flow(session, tenant_id, sender)
        outcome = await flow.send(f"engagement to {target}")
    reply = outcome.replies[0].fallback_text()
    if not reply.startswith("Sent"):
        return  # an empty team, or a sender with no org: nothing was sent

    answering = org["answering"]
    scores = org["scores"]
    assert isinstance(answering, list) and isinstance(scores, list)
    for notice in outcome.notices:
        position = ids.index(notice.person_id)
        if not answering[position]:
            continue
        async with sqlite_db.session() as session:
            flow = await _flow(session, tenant_id, notice.person_id)
            invite = await flow.waiting()
            assert invite is not None
            for answer in (str(scores[position]), "4", "5", "a comment"):
                await flow.answer(invite, answer)
    async with sqlite_db.session() as session:
        (survey_round,) = (
            await session.exec(select(SurveyRound).where(SurveyRound.tenant_id == tenant_id))
        ).all()
        if survey_round.status == "open":
            flow = await _flow(session, tenant_id, sender)
            await flow.close(survey_round)
    async with sqlite_db.session() as session:
        survey_round = (
            await session.exec(select(SurveyRound).where(SurveyRound.tenant_id == tenant_id))
        ).one()
        responses = (
            await session.exec(
                select(SurveyResponse).where(SurveyResponse.round_id == survey_round.id)
            )
        ).all()
    respondents = {
        slice_id: frozenset(r.id for r in responses if slice_id in r.slices)
        for slice_id in survey_round.slices
    }
    names = {group["name"]: slice_id for slice_id, group in survey_round.slices.items()}

    k = effective_k(int(org["k"]))  # type: ignore[call-overload]
    seen: dict[str, frozenset[str]] = {}
    # Reading results writes nothing: one unit of work for all of them, one flow per viewer.
    async with sqlite_db.session() as session:
        for viewer in ids:
            flow = await _flow(session, tenant_id, viewer)
            for name, slice_id in names.items():
                query = f"{survey_round.survey_id} team {name.removeprefix('team ')}"
                shown = await flow.results(
                    query if slice_id != "all" else str(survey_round.survey_id)
                )
                message = shown.replies[0]
                if isinstance(message, Card) and "eNPS" in message.fallback_text():
                    members = respondents[slice_id]
                    assert len(members) >= k, f"{name}: {len(members)} responses shown, k={k}"
                    seen[name] = members
                elif isinstance(message, Card):
                    text = message.fallback_text()
                    hidden = (TOO_FEW, "single", "were asked", "show when")
                    assert any(reason in text.lower() for reason in hidden), text
    event(f"groups shown: {min(len(seen), 3)}{'+' if len(seen) >= 3 else ''}")
    assert shown_safely(list(seen.values()), k), {n: len(m) for n, m in seen.items()}


async def _flow(session: object, tenant_id: str, person_id: int) -> PulseFlow:
    store = Store(session)  # type: ignore[arg-type]
    tenant = await store.tenant(tenant_id)
    person = await store.person(tenant_id, person_id)
    assert tenant is not None and person is not None
    return PulseFlow(store, tenant, person, NOW)
