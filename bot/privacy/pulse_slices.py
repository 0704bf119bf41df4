"""Which slices of a pulse round's results may be shown without exposing anyone's answers.

A slice is a named group of respondents (everyone, a team, a manager's org) whose answers are
reported together. Members are opaque keys that the caller derives from the group attributes
stored with each anonymous response. They must be the slice's *respondents*, not its audience:
only answers can be subtracted.

The guarantee, with k' = effective_k(k). Group the respondents of the shown slices by exactly
which shown slices they belong to (a "cell"). Every cell is empty or has at least k' people.
Each number shown for a slice (answer counts, the sums behind means and eNPS, comments) adds up
person by person. So anything computed by adding and subtracting shown results describes a
union of cells: nobody, or at least k' people. In particular:

1. every shown slice has at least k' respondents;
2. for shown slices A and B, A − B is empty or has at least k' people (nested or overlapping);
3. a shown slice minus any non-overlapping shown slices inside it is empty or at least k': a
   department shown with all of its teams does not give away its manager's answer;
4. sums that add an overlap back are covered too: Berlin + Engineers − Everyone never
   isolates fewer than k' Berlin engineers.

The price: two crossing slices whose overlap has 1 to k'−1 people are never both shown, even
where no third slice would let someone compute that overlap. For nested-or-disjoint slices
(org trees), the cell rule is exactly rules 1–3.

Not covered here: a viewer who knows some members' answers already, and results of other
rounds and surveys (`bot.privacy.disclosures` sets those against each other, by who was asked).
Decide once per round, after the round closes, with every slice anyone may see, in one fixed
order. Then store the decisions. Choosing per request in each viewer's order would let someone
ask twice, in two orders, and subtract.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from bot.core.i18n import N_

DEFAULT_K: Final = 5
MIN_K: Final = 3
# Reasons are stored in English; bot.privacy.said says them in the reader's language.
TOO_FEW: Final = N_("not enough responses to keep answers anonymous")
SUBTRACTED: Final = N_(
    "hidden: next to the other results shown, it would single out fewer than {k} people's answers"
)
_IN_NO_SLICE: Final[frozenset[int]] = frozenset()


@dataclass(frozen=True)
class Slice:
    name: str
    members: frozenset[Hashable]


@dataclass(frozen=True)
class Decision:
    slice: Slice
    shown: bool
    reason: str | None = None  # plain text for the viewer, only when hidden


def effective_k(k: int) -> int:
    """The threshold actually applied: an org may raise k, but below 3 anonymity is a fiction."""
    return max(k, MIN_K)


def choose_slices(slices: Sequence[Slice], k: int = DEFAULT_K) -> list[Decision]:
    """Greedy in the given order: a slice is shown iff every cell stays empty or k' strong.

    An earlier slice is never hidden because of a later one, so the caller lists first the
    slices that matter most.
    """
    guard = Guard(k)
    decisions = []
    for candidate in slices:
        reason = guard.why_hidden(candidate.members)
        if reason is None:
            guard.show(candidate.members)
        decisions.append(Decision(candidate, reason is None, reason))
    return decisions


class Guard:
    """The groups shown so far, and the test the next one must pass: shown too, every cell
    stays empty or k' strong. Its reasons name no other group: saying which group a result
    would be subtracted from tells the viewer where to look."""

    def __init__(self, k: int, subtracted: str = SUBTRACTED) -> None:
        self.k = effective_k(k)
        self.subtracted = subtracted.format(k=self.k)
        self._cells = _Cells()

    def why_hidden(self, members: frozenset[Hashable]) -> str | None:
        """None when a group of these members may be shown; else why not, for the viewer."""
        if len(members) < self.k:
            return TOO_FEW
        split = self._cells.split_by(members)
        for cell, inside in split.items():
            # Members in no shown group are in no report: only the part inside counts.
            outside = self._cells.size(cell) - inside if cell else 0
            if 0 < inside < self.k or 0 < outside < self.k:
                return self.subtracted
        return None

    def show(self, members: frozenset[Hashable]) -> None:
        """Count a group as shown (checked by `why_hidden`, or shown before this guard)."""
        self._cells.add(Slice("", members))


def shown_safely(shown: Sequence[frozenset[Hashable]], k: int) -> bool:
    """Whether a final set of shown slices keeps the guarantee (every slice and cell ≥ k')."""
    k = effective_k(k)
    cells = _Cells()
    for index, members in enumerate(shown):
        cells.add(Slice(str(index), members))
    return all(len(members) >= k for members in shown) and all(n >= k for n in cells.sizes())


class _Cells:
    """The shown slices so far, and their respondents grouped by which of them they are in."""

    def __init__(self) -> None:
        self.shown: list[Slice] = []
        self._cell_of: dict[Hashable, frozenset[int]] = {}  # person -> indices into shown
        self._size: Counter[frozenset[int]] = Counter()

    def split_by(self, members: Iterable[Hashable]) -> Counter[frozenset[int]]:
        """How many of `members` are in each cell; _IN_NO_SLICE counts those in none so far."""
        return Counter(self._cell_of.get(person, _IN_NO_SLICE) for person in members)

    def size(self, cell: frozenset[int]) -> int:
        return self._size[cell]

    def sizes(self) -> Iterable[int]:
        return self._size.values()

    def add(self, slice_: Slice) -> None:
        index = len(self.shown)
        self.shown.append(slice_)
        grown: dict[frozenset[int], frozenset[int]] = {}
        for person in slice_.members:
            old = self._cell_of.get(person, _IN_NO_SLICE)
            new = grown.setdefault(old, old | {index})
            self._cell_of[person] = new
            self._size[new] += 1
            if old:
                self._size[old] -= 1
                if not self._size[old]:
                    del self._size[old]
