"""Behaviour of bot.privacy.pulse_slices: which result slices are shown, and that no subtraction of
shown slices isolates fewer than k respondents."""

import itertools
from collections import Counter
from collections.abc import Hashable, Iterator, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy import pulse_slices as anonymity
from bot.privacy.pulse_slices import Decision, Slice, choose_slices, effective_k, shown_safely

FAST = settings(max_examples=200, deadline=None)
Members = frozenset[Hashable]


def people(*ranges: range) -> Members:
    return frozenset(person for r in ranges for person in r)


def shown_names(decisions: Sequence[Decision]) -> list[str]:
    return [d.slice.name for d in decisions if d.shown]


def test_a_team_under_k_is_hidden_with_the_contract_phrase() -> None:
    [decision] = choose_slices([Slice("Platform", people(range(4)))], k=5)
    assert not decision.shown
    assert decision.reason == "not enough responses to keep answers anonymous"


def test_a_team_of_six_is_shown() -> None:
    [decision] = choose_slices([Slice("Platform", people(range(6)))], k=5)
    assert decision.shown
    assert decision.reason is None


def test_k_defaults_to_five() -> None:
    decisions = choose_slices([Slice("Four", people(range(4))), Slice("Five", people(range(5)))])
    assert shown_names(decisions) == ["Five"]


def test_an_empty_slice_is_hidden() -> None:
    [decision] = choose_slices([Slice("Nobody yet", frozenset())], k=5)
    assert decision.reason == anonymity.TOO_FEW


SUBTRACTED_5 = (
    "hidden: next to the other results shown, it would single out fewer than 5 people's answers"
)


def test_a_team_leaving_two_of_its_parent_is_hidden_and_names_no_other_group() -> None:
    engineering = Slice("Engineering", people(range(8)))
    platform = Slice("Platform", people(range(6)))
    decisions = choose_slices([engineering, platform], k=5)
    assert shown_names(decisions) == ["Engineering"]
    # Naming the group it would be set against would tell the viewer where to look.
    assert decisions[1].reason == SUBTRACTED_5
    assert "Engineering" not in (decisions[1].reason or "")


def test_the_slice_listed_first_wins() -> None:
    engineering = Slice("Engineering", people(range(8)))
    platform = Slice("Platform", people(range(6)))
    decisions = choose_slices([platform, engineering], k=5)
    assert shown_names(decisions) == ["Platform"]
    assert decisions[1].reason == SUBTRACTED_5


def test_a_parent_of_twelve_and_a_team_of_six_are_both_shown() -> None:
    decisions = choose_slices(
        [Slice("Engineering", people(range(12))), Slice("Platform", people(range(6)))], k=5
    )
    assert shown_names(decisions) == ["Engineering", "Platform"]


def test_overlapping_audiences_are_shown_when_each_side_differs_by_k_or_more() -> None:
    berlin = Slice("Berlin", people(range(10)))
    engineers = Slice("Engineers", people(range(5, 15)))  # 5 in common, 5 apart on each side
    assert shown_names(choose_slices([berlin, engineers], k=5)) == ["Berlin", "Engineers"]


def test_overlapping_audiences_are_hidden_when_either_side_differs_by_under_k() -> None:
    berlin = Slice("Berlin", people(range(10)))
    close = Slice("Engineers", people(range(3, 13)))  # 3 apart on each side
    one_sided = Slice("Engineers", people(range(2, 10), range(20, 26)))  # 2 apart, and 6
    for other in (close, one_sided):
        decisions = choose_slices([berlin, other], k=5)
        assert shown_names(decisions) == ["Berlin"]
        assert decisions[1].reason == SUBTRACTED_5


def test_the_same_people_under_two_names_are_both_shown() -> None:
    everyone = Slice("Everyone", people(range(7)))
    engineering = Slice("Engineering", people(range(7)))
    assert shown_names(choose_slices([everyone, engineering], k=5)) == ["Everyone", "Engineering"]


@pytest.mark.parametrize(
    ("k", "applied"), [(-2, 3), (0, 3), (1, 3), (2, 3), (3, 3), (5, 5), (9, 9)]
)
def test_k_below_three_is_raised_to_three(k: int, applied: int) -> None:
    assert effective_k(k) == applied


def test_choosing_with_k_below_three_protects_groups_of_two() -> None:
    decisions = choose_slices(
        [
            Slice("Pair", people(range(2))),
            Slice("Trio", people(range(10, 13))),
            Slice("Five", people(range(20, 25))),
            Slice("Three of Five", people(range(20, 23))),
        ],
        k=1,
    )
    assert shown_names(decisions) == ["Trio", "Five"]
    assert decisions[0].reason == anonymity.TOO_FEW
    assert "fewer than 3 people's answers" in (decisions[3].reason or "")


# A department: its manager (0) and two teams of five that do not include the manager.
DEPARTMENT = Slice("Design", people(range(11)))
TEAM_A = Slice("Brand", people(range(1, 6)))
TEAM_B = Slice("Product design", people(range(6, 11)))


def test_a_department_shown_with_all_its_teams_would_reveal_its_manager() -> None:
    decisions = choose_slices([TEAM_A, TEAM_B, DEPARTMENT], k=5)
    assert shown_names(decisions) == ["Brand", "Product design"]
    assert decisions[2].reason == SUBTRACTED_5


def test_the_last_team_is_hidden_when_the_department_comes_first() -> None:
    decisions = choose_slices([DEPARTMENT, TEAM_A, TEAM_B], k=5)
    assert shown_names(decisions) == ["Design", "Brand"]
    assert decisions[2].reason == SUBTRACTED_5


def test_a_department_with_k_people_outside_its_teams_is_shown_with_them() -> None:
    department = Slice("Design", people(range(15)))  # manager and 4 others outside the teams
    decisions = choose_slices([department, TEAM_A, TEAM_B], k=5)
    assert shown_names(decisions) == ["Design", "Brand", "Product design"]


def test_parts_covering_all_but_two_of_a_group_are_not_all_shown() -> None:
    # Inside Office: Early and Late cover all but 12 and 13; Core overlaps both.
    office = Slice("Office", people(range(14)))
    core = Slice("Core", people(range(3, 9)))
    early = Slice("Early", people(range(6)))
    late = Slice("Late", people(range(6, 12)))
    decisions = choose_slices([office, core, early, late], k=3)
    assert shown_names(decisions) == ["Office", "Core", "Early"]
    assert decisions[3].reason == SUBTRACTED_5.replace("5", "3")


def test_shown_safely_checks_every_rule() -> None:
    parts = [TEAM_A.members, TEAM_B.members]
    assert shown_safely(parts, 5)
    assert not shown_safely([*parts, DEPARTMENT.members], 5)
    assert not shown_safely([people(range(4))], 5)
    assert not shown_safely([people(range(8)), people(range(6))], 5)
    assert shown_safely([people(range(12)), people(range(6))], 5)
    assert shown_safely([people(range(3))], 1)  # k is raised to 3, so 3 is enough
    assert not shown_safely([people(range(2))], 1)
    assert not shown_safely([people(range(10)), people(range(8, 18))], 5)
    assert shown_safely([], 5)


def test_an_overlap_that_adding_and_subtracting_would_isolate_is_protected() -> None:
    # Berlin + Engineers − Everyone = the 2 Berlin engineers; no single difference shows it.
    everyone = Slice("Everyone", people(range(18)))
    berlin = Slice("Berlin", people(range(10)))
    engineers = Slice("Engineers", people(range(8, 18)))
    decisions = choose_slices([everyone, berlin, engineers], k=5)
    assert shown_names(decisions) == ["Everyone", "Berlin"]
    assert decisions[2].reason == SUBTRACTED_5


def test_crossing_slices_sharing_under_k_are_not_both_shown_even_alone() -> None:
    # The price of the cell rule: 2 in common can't be computed from these two alone.
    berlin = Slice("Berlin", people(range(10)))
    engineers = Slice("Engineers", people(range(8, 18)))
    assert shown_names(choose_slices([berlin, engineers], k=5)) == ["Berlin"]


def test_a_middle_manager_in_two_teams_is_not_revealed_by_their_managers_org() -> None:
    # Pat leads Mo and four others; Mo leads five. Every difference of two is 5 or 0, yet
    # Pat's team + Mo's team − Pat's org = Mo.
    pats_team = Slice("Pat's team", frozenset({"pat", "mo", "a1", "a2", "a3", "a4"}))
    mos_team = Slice("Mo's team", frozenset({"mo", "b1", "b2", "b3", "b4", "b5"}))
    pats_org = Slice("Pat's org", pats_team.members | mos_team.members)
    decisions = choose_slices([pats_team, pats_org, mos_team], k=5)
    assert shown_names(decisions) == ["Pat's team", "Pat's org"]
    assert decisions[2].reason == SUBTRACTED_5


def test_an_org_of_hundreds_with_nested_slices_is_decided() -> None:
    # 8 directors, each over 6 managers of 6 reports: 345 people, 58 nested slices.
    slices, next_id = [], 1
    everyone: set[int] = {0}
    for d in range(8):
        director, next_id = next_id, next_id + 1
        org = {director}
        for m in range(6):
            team = set(range(next_id, next_id + 7))
            next_id += 7
            org |= team
            slices.append(Slice(f"team {d}.{m}", frozenset(team)))
        slices.append(Slice(f"org {d}", frozenset(org)))
        everyone |= org
    decisions = choose_slices([Slice("Everyone", frozenset(everyone)), *slices], k=5)
    shown = [d.slice.members for d in decisions if d.shown]
    assert shown_safely(shown, 5)
    # Every team is shown; each org would give away its director, so none is.
    assert sum(d.shown for d in decisions) == 1 + 48


# --- Properties over random orgs, audiences and respondents -----------------------------------


def disjoint_choices(
    inside: Sequence[Members], covered: Members = frozenset()
) -> Iterator[Members]:
    """Every union of pairwise-disjoint slices from `inside`, by brute force."""
    if not inside:
        yield covered
        return
    first, rest = inside[0], inside[1:]
    yield from disjoint_choices(rest, covered)
    if covered.isdisjoint(first):
        yield from disjoint_choices(rest, covered | first)


def violations(shown: Sequence[Members], k: int) -> list[str]:
    """The three rules, spelled out the slow way."""
    found = [f"{len(s)} < {k}" for s in shown if len(s) < k]
    for i, a in enumerate(shown):
        for j, b in enumerate(shown):
            if i != j and 0 < len(a - b) < k:
                found.append(f"slice {i} − slice {j} leaves {len(a - b)}")
        inside = [s for j, s in enumerate(shown) if j != i and s <= a]
        for union in disjoint_choices(inside):
            if 0 < len(a - union) < k:
                found.append(f"slice {i} minus disjoint slices inside it leaves {len(a - union)}")
    return found


def small_cells(shown: Sequence[Members], k: int) -> list[int]:
    """Sizes under k of the groups of people in exactly the same shown slices."""
    everyone = frozenset().union(*shown)
    patterns = [tuple(i for i, s in enumerate(shown) if person in s) for person in everyone]
    return sorted(n for n in Counter(patterns).values() if n < k)


def small_signed_sums(shown: Sequence[Members], k: int) -> list[str]:
    """Groups of 1 to k−1 people isolated by adding and subtracting up to three shown slices."""
    found = []
    for size in (2, 3):
        for chosen in itertools.combinations(range(len(shown)), size):
            for signs in itertools.product((1, -1), repeat=size):
                total: Counter[Hashable] = Counter()
                for index, sign in zip(chosen, signs, strict=True):
                    total.update(dict.fromkeys(shown[index], sign))
                weights = set(total.values()) - {0}
                group = [p for p, w in total.items() if w]
                if weights in ({1}, {-1}) and 0 < len(group) < k:
                    found.append(f"{signs} · slices {chosen} isolate {len(group)}")
    return found


@st.composite
def pulse_rounds(draw: st.DrawFn) -> tuple[list[Slice], int]:
    """An org tree, audiences cut from it, who answered, k, and the order slices are listed."""
    size = draw(st.integers(5, 40))
    manager_of = {p: draw(st.integers(0, p - 1)) for p in range(1, size)}
    reports: dict[int, set[int]] = {p: set() for p in range(size)}
    for person, manager in manager_of.items():
        reports[manager].add(person)

    def below(manager: int) -> set[int]:
        return set().union(*({r} | below(r) for r in reports[manager]))

    managers = sorted(p for p in range(size) if reports[p])
    audiences = [set(range(size))]
    for _ in range(draw(st.integers(0, 8))):
        manager = draw(st.sampled_from(managers))
        team, org = reports[manager], below(manager)
        shape = draw(st.sampled_from(["team", "org", "org and its orgs", "org in parts", "random"]))
        if shape == "team":
            audiences.append(draw(st.sampled_from([team, team | {manager}])))
        elif shape == "org":
            audiences.append(draw(st.sampled_from([org, org | {manager}])))
        elif shape == "org and its orgs":
            # A manager's org with each report's org inside it: the manager-reveal shape.
            audiences.append(org | {manager})
            audiences.extend(below(r) | {r} for r in sorted(team))
        elif shape == "org in parts":
            # Disjoint groups covering all of a group but a few people (say, by office).
            whole = draw(st.sampled_from([org | {manager}, set(range(size))]))
            shuffled = draw(st.permutations(sorted(whole)))
            kept = shuffled[draw(st.integers(0, min(3, len(shuffled)))) :]
            cuts = sorted(draw(st.lists(st.integers(0, len(kept)), min_size=1, max_size=2)))
            audiences.append(whole)
            bounds = [0, *cuts, len(kept)]
            audiences.extend(set(kept[a:b]) for a, b in itertools.pairwise(bounds))
        else:
            audiences.append(draw(st.sets(st.integers(0, size - 1))))
    # Mostly high turnout, so that plenty of slices reach k and rules 2 and 3 get exercised.
    missing = draw(st.sets(st.integers(0, size - 1), max_size=size // 3))
    respondents = set(range(size)) - missing
    k = draw(st.integers(3, 7))
    slices = [Slice(f"audience {i}", frozenset(a & respondents)) for i, a in enumerate(audiences)]
    return draw(st.permutations(slices)), k


@FAST
@given(pulse_rounds())
def test_no_subtraction_of_shown_slices_reveals_fewer_than_k(
    round_: tuple[list[Slice], int],
) -> None:
    slices, k = round_
    decisions = choose_slices(slices, k)
    assert [d.slice for d in decisions] == slices
    shown = [d.slice.members for d in decisions if d.shown]
    assert violations(shown, k) == []
    assert small_cells(shown, k) == []
    assert small_signed_sums(shown, k) == []
    assert shown_safely(shown, k)


@FAST
@given(pulse_rounds())
def test_a_slice_is_hidden_only_when_it_would_leave_a_cell_under_k(
    round_: tuple[list[Slice], int],
) -> None:
    slices, k = round_
    shown_before: list[Members] = []
    for decision in choose_slices(slices, k):
        members = decision.slice.members
        together = [*shown_before, members]
        assert decision.shown == (len(members) >= k and small_cells(together, k) == [])
        assert (decision.reason is None) == decision.shown
        assert (decision.reason == anonymity.TOO_FEW) == (len(members) < k)
        if decision.shown:
            shown_before.append(members)
