"""The reporting tree: who is above whom, and who is in a manager's org."""

from __future__ import annotations

from collections.abc import Mapping

from storage.models import Person


def managers_of(person: Person, people: Mapping[int, Person]) -> set[int]:
    """Everyone above `person` in the reporting tree (a loop in the data stops the walk)."""
    above: set[int] = set()
    current = person.manager_id
    while current is not None and current not in above and current in people:
        above.add(current)
        current = people[current].manager_id
    return above


def org_of(manager_id: int, people: Mapping[int, Person]) -> set[int]:
    """Everyone who reports to `manager_id`, directly or further down (not the manager)."""
    reports: dict[int, list[int]] = {}
    for person_id, person in people.items():
        if person.manager_id is not None:
            reports.setdefault(person.manager_id, []).append(person_id)
    found: set[int] = set()
    waiting = list(reports.get(manager_id, []))
    while waiting:
        current = waiting.pop()
        if current in found or current == manager_id:
            continue
        found.add(current)
        waiting.extend(reports.get(current, []))
    return found


def display_name(person: Person) -> str:
    return person.name or person.email


def first_name(person: Person) -> str:
    return (person.name or person.email.split("@")[0]).split(" ")[0]
