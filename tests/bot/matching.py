"""An adversarial requester's reading of feedback: matching anonymous answers word for word
against named ones, and against each other, to narrow down who wrote each.

Each giver is assumed to write the same words in every request, so identical texts are one
writer's. What the requester saw of each request is a `Seen`; `writers` says, for each
anonymous answer not matched to a named one, who could have written it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Seen:
    """One request as its requester saw it."""

    anonymous: bool
    givers: frozenset[str]
    named: Mapping[str, str]  # giver -> their words, for a named request's answers shown
    texts: frozenset[str]  # an anonymous request's answers shown


def writers(seen: Sequence[Seen]) -> dict[str, set[str]]:
    """Who may have written each anonymous answer that no named answer matches: the givers of
    every anonymous request it was shown on, less everyone whose words a named answer gave
    away, less the givers of any anonymous request all of whose answers were shown without it.
    """
    known = {text: giver for s in seen for giver, text in s.named.items()}
    unmasked = set(known.values())
    everyone: set[str] = set().union(*(s.givers for s in seen))
    found = {}
    for text in {t for s in seen if s.anonymous for t in s.texts} - set(known):
        candidates = everyone - unmasked
        for s in seen:
            if not s.anonymous:
                continue
            if text in s.texts:
                candidates &= s.givers
            elif len(s.texts) == len(s.givers):  # every giver's words shown, not these
                candidates -= s.givers
        found[text] = candidates
    return found
