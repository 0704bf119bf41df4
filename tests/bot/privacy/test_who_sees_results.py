"""Who may see which group of a round's results: the one rule `pulse results` and the export
share."""

from __future__ import annotations

from typing import Any

import pytest

from bot.privacy.pulse_groups import EVERYONE, may_see_group, may_see_results
from storage.models import Person, Survey

# Mo manages Rae, who manages Sid and Sam; Sender sent the survey and manages no one.
PEOPLE = {
    1: Person(id=1, tenant_id="t", email="ada@x.com", is_admin=True),
    2: Person(id=2, tenant_id="t", email="mo@x.com"),
    3: Person(id=3, tenant_id="t", email="rae@x.com", manager_id=2),
    4: Person(id=4, tenant_id="t", email="sid@x.com", manager_id=3),
    5: Person(id=5, tenant_id="t", email="sam@x.com", manager_id=3),
    6: Person(id=6, tenant_id="t", email="sender@x.com"),
}
SURVEY = Survey(id=1, tenant_id="t", creator_id=6, title="Pulse")
WHOLE: dict[str, Any] = {"name": "everyone", "kind": EVERYONE, "members": [3, 4, 5]}
CORE: dict[str, Any] = {"name": "team Core", "kind": "team", "members": [4, 5]}


@pytest.mark.parametrize(
    ("viewer", "whole", "core"),
    [
        (1, True, True),  # an admin: every group
        (2, True, True),  # Mo: everyone asked reports to him
        (3, False, True),  # Rae: Core reports to her, she herself isn't her own report
        (4, False, False),  # Sid: no one reports to him
        (6, True, False),  # the sender: the whole audience only
    ],
)
def test_each_viewer_sees_the_groups_the_rule_allows(viewer: int, whole: bool, core: bool) -> None:
    person = PEOPLE[viewer]
    assert may_see_group(person, WHOLE, SURVEY, PEOPLE) is whole
    assert may_see_group(person, CORE, SURVEY, PEOPLE) is core
    assert may_see_results(person, SURVEY, PEOPLE) is (viewer != 4)
