"""A pulse round's groups, by the pure rules of bot.privacy.pulse_groups: the org's k, which
groups a round fixes and which are too small, which a response counts in, what the close
decides, who may send a survey to whom, and which group a viewer is shown first."""

from __future__ import annotations

from typing import Any

import pytest

from bot.privacy.pulse_groups import (
    EVERYONE,
    decide_groups,
    first_group_seen,
    groups_counted,
    in_order,
    may_send_surveys,
    may_survey,
    org_k,
    round_groups,
    too_few_asked,
)
from storage.models import Person, Survey, SurveyResponse
from storage.settings import OrgSettings

# Ada (admin) manages Mo and Lu. Mo's org is team Core (5 people); Lu's is team Ops (2).
PEOPLE = {
    1: Person(id=1, tenant_id="t", email="ada@x.com", name="Ada A", is_admin=True),
    2: Person(id=2, tenant_id="t", email="mo@x.com", name="Mo M", manager_id=1),
    3: Person(id=3, tenant_id="t", email="lu@x.com", name="Lu L", manager_id=1),
    **{
        n: Person(id=n, tenant_id="t", email=f"c{n}@x.com", team="Core", manager_id=2)
        for n in range(10, 15)
    },
    20: Person(id=20, tenant_id="t", email="o20@x.com", team="Ops", manager_id=3),
    21: Person(id=21, tenant_id="t", email="o21@x.com", team="Ops", manager_id=3),
}
CORE = {10, 11, 12, 13, 14}
OPS = {20, 21}
AUDIENCE = {2, 3, *CORE, *OPS}
SURVEY = Survey(id=1, tenant_id="t", creator_id=1, title="Pulse")


@pytest.mark.parametrize(
    ("settings", "k"),
    [
        ({}, 5),  # the default
        ({"pulse_k": 7}, 7),  # an org may raise it
        ({"pulse_k": 3}, 3),
        ({"pulse_k": 1}, 3),  # never below 3
        ({"pulse_k": "4"}, 4),
        ({"pulse_k": "lots"}, 5),  # unreadable: the default
        ({"pulse_k": None}, 5),
    ],
)
def test_the_orgs_k(settings: dict[str, Any], k: int) -> None:
    assert org_k(OrgSettings.read(settings)) == k


def test_a_round_fixes_the_audience_each_team_and_each_org_marking_small_ones() -> None:
    groups = round_groups({"kind": "everyone"}, AUDIENCE, PEOPLE, k=5)
    assert {g: (v["name"], v["members"], v.get("too_small", False)) for g, v in groups.items()} == {
        EVERYONE: ("everyone", sorted(AUDIENCE), False),
        "team:Core": ("team Core", sorted(CORE), False),
        "team:Ops": ("team Ops", sorted(OPS), True),
        "org:2": ("Mo's org", sorted(CORE), False),
        "org:3": ("Lu's org", sorted(OPS), True),
    }


def test_a_group_that_is_the_whole_audience_is_not_repeated() -> None:
    groups = round_groups({"kind": "team", "team": "Core"}, CORE, PEOPLE, k=5)
    assert list(groups) == [EVERYONE]
    assert groups[EVERYONE]["name"] == "team Core"


@pytest.mark.parametrize(
    ("person", "counted"),
    [
        (10, [EVERYONE, "team:Core", "org:2"]),
        (20, [EVERYONE]),  # Ops and Lu's org are too small: not even recorded
        (2, [EVERYONE]),
        (99, []),  # not asked
    ],
)
def test_a_response_counts_only_in_groups_that_could_ever_be_shown(
    person: int, counted: list[str]
) -> None:
    groups = round_groups({"kind": "everyone"}, AUDIENCE, PEOPLE, k=5)
    assert groups_counted(groups, person) == counted


def test_the_whole_audience_is_decided_first_then_bigger_groups() -> None:
    groups = round_groups({"kind": "everyone"}, AUDIENCE, PEOPLE, k=5)
    assert in_order(groups) == [EVERYONE, "org:2", "team:Core", "org:3", "team:Ops"]


def responses(groups: dict[str, Any], people: set[int]) -> list[SurveyResponse]:
    return [
        SurveyResponse(id=f"sr_{n}", tenant_id="t", round_id=1, slices=groups_counted(groups, n))
        for n in sorted(people)
    ]


@pytest.mark.parametrize(
    ("answered", "shown"),
    [
        # All answered: everyone (9) is shown, and Core (5) is not: the two differ by 4 < k.
        (AUDIENCE, {EVERYONE}),
        # Only Core answered: everyone is Core's 5, shown. Core's answers are the same, but
        # the people asked differ by 4: set against another round, that could single out.
        (CORE, {EVERYONE}),
        # Four of Core: too few anywhere.
        ({10, 11, 12, 13}, set()),
        (set(), set()),
    ],
)
def test_the_close_decides_every_group_once(answered: set[int], shown: set[str]) -> None:
    groups = round_groups({"kind": "everyone"}, AUDIENCE, PEOPLE, k=5)
    decided = decide_groups(groups, responses(groups, answered), k=5)
    assert {g for g, v in decided.items() if v["shown"]} == shown
    assert all(v["reason"] is None for v in decided.values() if v["shown"])
    assert all(decided[g]["reason"] == too_few_asked(5) for g in ("team:Ops", "org:3"))
    kept = {
        g: {key: x for key, x in v.items() if key not in ("shown", "reason")}
        for g, v in decided.items()
    }
    assert kept == groups  # the groups themselves are as the round fixed them


@pytest.mark.parametrize(
    ("viewer", "first"),
    [
        (1, EVERYONE),  # the admin (and sender): the whole audience
        (2, "org:2"),  # Mo: his own org, the biggest group he may see
        (3, "org:3"),  # Lu: hers, even though it shows nothing
        (10, EVERYONE),  # no group of theirs: the whole audience, which they may not see
    ],
)
def test_the_first_group_a_viewer_is_shown(viewer: int, first: str) -> None:
    groups = round_groups({"kind": "everyone"}, AUDIENCE, PEOPLE, k=5)
    assert first_group_seen(PEOPLE[viewer], groups, SURVEY, PEOPLE) == first


@pytest.mark.parametrize(
    ("sender", "members", "may_send", "may_ask"),
    [
        (1, AUDIENCE | {1}, True, True),  # an admin: anyone, everyone
        (1, OPS, True, True),
        (2, CORE, True, True),  # Mo: his own org
        (2, {10, 11}, True, True),  # or part of it
        (2, CORE | {20}, True, False),  # not beyond it: he would see their results
        (2, CORE | {2}, True, False),  # nor himself, so never everyone
        (3, CORE, True, False),  # Lu: not Mo's org
        (10, {11, 12}, False, False),  # no reports: no surveys
    ],
)
def test_who_may_send_a_survey_to_whom(
    sender: int, members: set[int], may_send: bool, may_ask: bool
) -> None:
    assert may_send_surveys(PEOPLE[sender], PEOPLE) is may_send
    assert may_survey(PEOPLE[sender], members, PEOPLE) is may_ask
