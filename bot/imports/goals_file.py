"""Reading the goals file (SPEC 2.6): objectives and key results from CSV or YAML, validated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import PurePath

import yaml

from bot.core.i18n import N_, catalog
from bot.imports.goal_values import (
    LEVELS,
    METRICS,
    confidence,
    key_of,
    not_imported,
    one_of,
    parent_loop,
    positive,
    range_problems,
    slug,
    yes_no_number,
)
from bot.imports.rows import (
    Cells,
    ImportProblem,
    ambiguous_lines,
    csv_records,
    email,
    find_cycles,
    missing,
    number,
    text,
)

_, ngettext = catalog("bot.imports")


@dataclass(frozen=True)
class ObjectiveRow:
    line: int
    key: str
    title: str
    period: str
    level: str = "team"
    team: str | None = None
    owner_email: str | None = None
    parent_key: str | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class KeyResultRow:
    line: int
    key: str
    objective_key: str
    title: str
    owner_email: str | None = None  # None: the objective's owner
    kind: str = "number"
    start: float = 0.0
    target: float = 1.0
    current: float | None = None
    unit: str | None = None
    weight: float = 1.0
    confidence: int | None = None


# -- the goals file, as written and then validated ------------------------------------------


@dataclass(frozen=True)
class _Draft:
    """An objective or key result as written, before validation: only non-empty values."""

    line: int
    fields: Mapping[str, str]
    objective_line: int = 0  # for a key result: the line that defined its objective, if any


_OBJECTIVE_LABELS = {"id": N_("objective id"), "title": N_("objective title")}
_KR_LABELS = {"id": N_("key result id"), "title": N_("key result title"),
              "owner": N_("key result owner"), "objective": N_("objective id")}  # fmt: skip
_CSV_OBJECTIVE = {"objective": "title", "period": "period", "level": "level", "team": "team",
                  "owner_email": "owner", "parent_id": "parent"}  # fmt: skip
_CSV_KEY_RESULT = {"kr_id": "id", "key_result": "title", "kr_owner_email": "owner",
                   "metric": "metric", "start": "start", "target": "target", "current": "current",
                   "unit": "unit", "weight": "weight", "confidence": "confidence"}  # fmt: skip
_YAML_OBJECTIVE = frozenset({"id", "title", "period", "level", "team", "owner", "parent", "weight"})
_YAML_KEY_RESULT = frozenset(_CSV_KEY_RESULT.values())
_NULL = "tag:yaml.org,2002:null"
_Drafts = tuple[list[_Draft], list[_Draft], list[ImportProblem]]


def parse_goals(
    text: str, filename: str
) -> tuple[list[ObjectiveRow], list[KeyResultRow], list[ImportProblem]]:
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        return _validate_goals(*_csv_goal_drafts(text))
    if suffix in (".yaml", ".yml"):
        return _validate_goals(*_yaml_goal_drafts(text))
    reason = _("“{name}” is not a .csv, .yaml or .yml file").format(name=filename[-60:])
    return [], [], [ImportProblem(1, reason)]


def _csv_goal_drafts(text: str) -> _Drafts:
    records, problems = csv_records(text, required=("objective_id",))
    objectives: list[_Draft] = []
    key_results: list[_Draft] = []
    for line, record in records:
        key = record["objective_id"]
        objective = {name: record[c] for c, name in _CSV_OBJECTIVE.items() if record.get(c)}
        key_result = {name: record[c] for c, name in _CSV_KEY_RESULT.items() if record.get(c)}
        if not key:
            problems.append(ImportProblem(line, missing("objective_id")))
            continue
        # A row may leave the objective columns empty to add a key result to it.
        if objective:
            objectives.append(_Draft(line, {"id": key, **objective}))
        if key_result:
            key_results.append(
                _Draft(line, {**key_result, "objective": key}, line if objective else 0)
            )
        if not objective and not key_result:
            reason = _("nothing to import for objective {key}").format(key=key[:40])
            problems.append(ImportProblem(line, reason))
    return objectives, key_results, problems


def _yaml_goal_drafts(text: str) -> _Drafts:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return [], [], [ImportProblem(line, _not_yaml(str(exc.problem)))]
    except yaml.YAMLError as exc:
        return [], [], [ImportProblem(1, _not_yaml(" ".join(str(exc).split())))]
    except RecursionError:
        return [], [], [ImportProblem(1, _("not valid YAML: nested too deeply"))]
    problems: list[ImportProblem] = []
    top = _yaml_mapping(root, frozenset({"period"}), frozenset({"objectives"}), problems)
    nodes = top[1].get("objectives") if top else None
    if top is None or not isinstance(nodes, yaml.SequenceNode):
        expected = _("expected a mapping with an objectives: list")
        return [], [], [*problems, ImportProblem(1, expected)]
    objectives: list[_Draft] = []
    key_results: list[_Draft] = []
    for node in nodes.value:
        objective = _yaml_mapping(node, _YAML_OBJECTIVE, frozenset({"key_results"}), problems)
        if objective is None:
            continue
        fields, lists = objective
        line = node.start_mark.line + 1
        period = {"period": top[0]["period"]} if "period" in top[0] else {}
        objectives.append(_Draft(line, {**period, **fields}))
        for kr_node in getattr(lists.get("key_results"), "value", []):
            key_result = _yaml_mapping(kr_node, _YAML_KEY_RESULT, frozenset(), problems)
            if key_result is not None:
                draft = {**key_result[0], "objective": fields.get("id", "")}
                key_results.append(_Draft(kr_node.start_mark.line + 1, draft, line))
    return objectives, key_results, problems


def _not_yaml(problem: str) -> str:
    return _("not valid YAML: {problem}").format(problem=problem)


def _yaml_mapping(
    node: yaml.Node | None,
    scalars: frozenset[str],
    lists: frozenset[str],
    problems: list[ImportProblem],
) -> tuple[dict[str, str], dict[str, yaml.SequenceNode]] | None:
    """A mapping's scalar values as stripped text and its list values as nodes."""
    line = node.start_mark.line + 1 if node is not None else 1
    if not isinstance(node, yaml.MappingNode):
        problems.append(ImportProblem(line, _("expected a mapping of field: value")))
        return None
    values: dict[str, str] = {}
    nested: dict[str, yaml.SequenceNode] = {}
    for key_node, value_node in node.value:
        name = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
        if name in scalars and isinstance(value_node, yaml.ScalarNode):
            if value_node.tag != _NULL and value_node.value.strip():
                values[name] = value_node.value.strip()
        elif name in lists and isinstance(value_node, yaml.SequenceNode):
            nested[name] = value_node
        elif name in scalars | lists and value_node.tag != _NULL:
            must = (
                _("{field} must be a list")
                if name in lists
                else _("{field} must be a single value")
            )
            problems.append(ImportProblem(line, must.format(field=name)))
        elif name not in scalars | lists:
            unknown = _("unknown field “{field}” ignored").format(field=name[:40])
            problems.append(ImportProblem(line, unknown))
    return values, nested


def _validate_goals(
    objective_drafts: list[_Draft], kr_drafts: list[_Draft], problems: list[ImportProblem]
) -> tuple[list[ObjectiveRow], list[KeyResultRow], list[ImportProblem]]:
    objectives: dict[str, ObjectiveRow] = {}
    failed_lines: set[int] = set()
    failed_keys: set[str] = set()
    for draft in objective_drafts:
        row, reasons = _objective(draft)
        first = objectives.get(row.key) if row else None
        if row and first and replace(row, line=first.line) != first:
            differs = _("objective {key} is defined differently on line {line}")
            reasons = [differs.format(key=row.key, line=first.line)]
        if row is None or reasons:
            problems += [ImportProblem(draft.line, reason) for reason in reasons]
            failed_lines.add(draft.line)
            failed_keys.add(draft.fields.get("id", ""))
        else:
            objectives.setdefault(row.key, row)
    for cycle in find_cycles({key: row.parent_key for key, row in objectives.items()}):
        for key in cycle:
            problems.append(ImportProblem(objectives[key].line, parent_loop(key, cycle)))
            failed_lines.add(objectives.pop(key).line)
            failed_keys.add(key)
    key_results: list[KeyResultRow] = []
    for draft in kr_drafts:
        key = draft.fields["objective"]
        if draft.objective_line in failed_lines or (key in failed_keys and key not in objectives):
            if draft.line not in failed_lines:
                shown = key[:40] or _("(no id)")
                problems.append(ImportProblem(draft.line, not_imported(shown)))
            continue
        kr, reasons = _key_result(draft)
        problems += [ImportProblem(draft.line, reason) for reason in reasons]
        key_results += [kr] if kr else []
    ambiguous = ambiguous_lines(((kr.line, kr.key) for kr in key_results), "key result")
    problems += [ImportProblem(line, reason) for line, reason in ambiguous.items()]
    key_results = [kr for kr in key_results if kr.line not in ambiguous]
    return list(objectives.values()), key_results, sorted(problems, key=lambda p: p.line)


def _objective(draft: _Draft) -> tuple[ObjectiveRow | None, list[str]]:
    cells = Cells(draft.fields, _OBJECTIVE_LABELS)
    key = cells.require("id", key_of)
    title = cells.require("title", text(500))
    period = cells.require("period", text(40))
    row = ObjectiveRow(
        draft.line, key or "", title or "", period or "",
        level=cells.get("level", one_of(LEVELS), "team"),
        team=cells.get("team", text(200)), owner_email=cells.get("owner", email),
        parent_key=cells.get("parent", key_of), weight=cells.get("weight", positive, 1.0),
    )  # fmt: skip
    return (None, cells.reasons) if cells.reasons else (row, [])


def _key_result(draft: _Draft) -> tuple[KeyResultRow | None, list[str]]:
    cells = Cells(draft.fields, _KR_LABELS)
    objective = cells.require("objective", key_of)
    title = cells.require("title", text(500))
    kind = cells.get("metric", one_of(METRICS), "number")
    binary = kind == "binary"
    row = KeyResultRow(
        draft.line, cells.get("id", key_of) or f"{objective}/{slug(title or '')}", objective or "",
        title or "", owner_email=cells.get("owner", email), kind=kind,
        start=0.0 if binary else cells.get("start", number, 0.0),
        target=1.0 if binary else (cells.require("target", number) or 0.0),
        current=cells.get("current", yes_no_number if binary else number),
        unit=cells.get("unit", text(40)), weight=cells.get("weight", positive, 1.0),
        confidence=cells.get("confidence", confidence),
    )  # fmt: skip
    reasons = cells.reasons or range_problems(row.kind, row.start, row.target, row.current)
    return (None, reasons) if reasons else (row, [])
