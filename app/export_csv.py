"""`checkin-bot export --format csv`: the JSON export flattened into one CSV table per file.

The content is exactly `app.export.export_org`'s; this module only lays it out in rows. A row
whose parent has no children yet (a check-in with no answers, a request with no answers, a
group whose results aren't shown) still gets one row, with the child's columns empty, so that
nothing in the JSON goes missing from the tables.

Written as UTF-8 with a byte order mark: without it Excel reads a CSV file in the machine's
legacy code page and garbles every accent and emoji; other spreadsheets and csv readers (with
encoding "utf-8-sig") take the mark in their stride.
"""

from __future__ import annotations

import csv
import errno
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from app.export_rows import Row, Table, kudos_table, oneonones_table

ENCODING: Final = "utf-8-sig"
# A spreadsheet runs a cell starting with one of these as a formula; people's text is no formula.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def csv_tables(data: Mapping[str, Any]) -> dict[str, Table]:
    """The export as tables, by file name."""
    return {
        "export.csv": _about(data),
        "people.csv": _people(data["people"]),
        "objectives.csv": _objectives(data["objectives"]),
        "key_results.csv": _key_results(data["objectives"]),
        "key_result_history.csv": _key_result_history(data["objectives"]),
        "checkins.csv": _checkins(data["checkins"]),
        "feedback.csv": _feedback(data["feedback"]),
        "surveys.csv": _surveys(data["surveys"]),
        "survey_comments.csv": _survey_comments(data["surveys"]),
        "kudos.csv": kudos_table(data["kudos"]),
        "one_on_ones.csv": oneonones_table(data["oneonones"]),
    }


def write_tables(directory: Path, tables: Mapping[str, Table]) -> list[Path]:
    """Writes each table to its file in `directory` (made if missing), replacing only files of
    those names; each appears whole or not at all."""
    if directory.exists() and not directory.is_dir():
        raise NotADirectoryError(
            errno.ENOTDIR, "it is a file; --format csv writes one file per table into a directory"
        )
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        path = directory / name
        partial = directory / f".{name}.partial"
        try:
            with partial.open("w", encoding=ENCODING, newline="") as file:
                writer = csv.DictWriter(file, fieldnames=table.columns)
                writer.writeheader()
                writer.writerows({k: cell(v) for k, v in row.items()} for row in table.rows)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        written.append(path)
    return written


def cell(value: Any) -> str:
    """One value as spreadsheet text: empty for none, true/false, and text that would start a
    formula behind a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _about(data: Mapping[str, Any]) -> Table:
    org = data["org"]
    row = {
        "org": org["id"],
        "org_name": org["name"],
        "platform": org["platform"],
        "viewer": data["viewer"],
        "exported_at": data["exported_at"],
    }
    return Table(tuple(row), [row])


def _people(people: Iterable[Mapping[str, Any]]) -> Table:
    columns = (
        "email", "name", "manager", "team", "timezone", "checkin_days", "checkin_time",
        "cadence_weeks", "admin", "active",
    )  # fmt: skip
    rows = [
        {
            **{c: p[c] for c in columns},
            "accounts": ", ".join(
                f"{a['platform']}:{a['user']}" + ("" if a["reachable"] else " (unreachable)")
                for a in p["accounts"]
            ),
        }
        for p in people
    ]
    return Table((*columns, "accounts"), rows)


def _objectives(objectives: Iterable[Mapping[str, Any]]) -> Table:
    columns = ("id", "title", "period", "level", "team", "owner", "parent", "weight", "progress")
    return Table(columns, [{c: o[c] for c in columns} for o in objectives])


def _key_results(objectives: Iterable[Mapping[str, Any]]) -> Table:
    columns = (
        "id", "title", "owner", "metric", "start", "target", "current", "unit", "weight",
        "confidence", "active", "status", "progress",
    )  # fmt: skip
    rows = [
        {"objective": o["id"], **{c: kr[c] for c in columns}}
        for o in objectives
        for kr in o["key_results"]
    ]
    return Table(("objective", *columns), rows)


def _key_result_history(objectives: Iterable[Mapping[str, Any]]) -> Table:
    columns = ("field", "old", "new", "at", "by", "source", "checkin_period")
    rows = [
        {"objective": o["id"], "key_result": kr["id"], **{c: h[c] for c in columns}}
        for o in objectives
        for kr in o["key_results"]
        for h in kr["history"]
    ]
    return Table(("objective", "key_result", *columns), rows)


def _checkins(checkins: Iterable[Mapping[str, Any]]) -> Table:
    """One row per answer; a check-in with none (missed, or not started) as one row."""
    run_columns = ("person", "period", "period_start", "period_end", "status", "submitted_at")
    answer_columns = ("question", "number", "text", "skipped", "answered_at")
    rows = [
        {**{c: run[c] for c in run_columns}, **{c: answer.get(c) for c in answer_columns}}
        for run in checkins
        for answer in _or_one_empty(run["answers"])
    ]
    return Table((*run_columns, *answer_columns), rows)


def _feedback(requests: Iterable[Mapping[str, Any]]) -> Table:
    """One row per answer and question (answer 1 is one giver's answers, question by
    question); anonymous answers have no giver and no time. What a column's viewer may not
    see (`seen_as`) stays empty."""
    request_columns = (
        "kind", "requester", "subject", "anonymous", "status", "due", "seen_as",
        "shared_with_subject", "givers_asked", "answered",
    )  # fmt: skip
    rows = []
    for request in requests:
        about = {
            "request": request["id"],
            **{c: request.get(c) for c in request_columns},
            "givers_asked": _joined(request.get("givers_asked")),
        }
        if not request["answers"]:
            rows.append(about)
        for number, answer in enumerate(request["answers"], start=1):
            for question, text in _paired(request["questions"], answer["answers"]):
                rows.append(
                    {
                        **about,
                        "answer": number,
                        "giver": answer.get("giver"),
                        "at": answer.get("at"),
                        "question": question,
                        "text": text,
                    }
                )
    return Table(("request", *request_columns, "answer", "giver", "at", "question", "text"), rows)


_SURVEY_COLUMNS: Final = (
    "survey", "title", "sent_by", "audience", "round", "round_status", "opened_at", "closes_at",
    "k", "group", "invited", "shown", "responded", "note",
)  # fmt: skip
_QUESTION_COLUMNS: Final = ("question", "kind", "count", "mean", "enps", "distribution")


def _surveys(surveys: Iterable[Mapping[str, Any]]) -> Table:
    """One row per survey, round, group and question: aggregates only, as the JSON has them.
    A group with no results shown (hidden, or the round still open) is one row with a note."""
    rows = []
    for survey, survey_round, group in _groups(surveys):
        about: Row = {
            "survey": survey["id"],
            "title": survey["title"],
            "sent_by": survey["sent_by"],
            "audience": " ".join(f"{k}={v}" for k, v in survey["audience"].items()),
        }
        if survey_round is not None:
            about |= {
                "round": survey_round["number"],
                "round_status": survey_round["status"],
                "opened_at": survey_round["opened_at"],
                "closes_at": survey_round["closes_at"],
                "k": survey_round["k"],
            }
        if group is not None:
            about |= {
                "group": group["name"],
                "invited": group["invited"],
                "shown": group["shown"],
                "responded": group.get("responded"),
                "note": group.get("note"),
            }
        questions = [] if group is None else group.get("questions", [])
        if not questions:
            rows.append(about)
        for question in questions:
            rows.append(
                {
                    **about,
                    "question": question["question"],
                    "kind": question["kind"],
                    "count": question["count"],
                    "mean": question["mean"],
                    "enps": question["enps"],
                    "distribution": _distribution(question["distribution"]),
                }
            )
    return Table((*_SURVEY_COLUMNS, *_QUESTION_COLUMNS), rows)


def _survey_comments(surveys: Iterable[Mapping[str, Any]]) -> Table:
    """Free-text answers of the shown groups, one per row, in the order given."""
    rows = [
        {
            "survey": survey["id"],
            "round": survey_round["number"],
            "group": group["name"],
            "question": question["question"],
            "comment": comment,
        }
        for survey, survey_round, group in _groups(surveys)
        if survey_round is not None and group is not None
        for question in group.get("questions", [])
        for comment in question["comments"]
    ]
    return Table(("survey", "round", "group", "question", "comment"), rows)


def _groups(
    surveys: Iterable[Mapping[str, Any]],
) -> Iterable[tuple[Mapping[str, Any], Mapping[str, Any] | None, Mapping[str, Any] | None]]:
    """(survey, round, group) for every group; None for a survey with no round yet."""
    for survey in surveys:
        if not survey["rounds"]:
            yield survey, None, None
        for survey_round in survey["rounds"]:
            for group in survey_round["groups"]:
                yield survey, survey_round, group


def _distribution(counts: Mapping[str, int]) -> str:
    """`1:0; 2:1; 3:4`. Semicolons, not spaces: choice options may hold spaces, never `;`."""
    return "; ".join(f"{bucket}:{n}" for bucket, n in counts.items())


def _joined(emails: Sequence[str] | None) -> str | None:
    return None if emails is None else " ".join(emails)


def _or_one_empty(children: Sequence[Mapping[str, Any]]) -> Sequence[Mapping[str, Any]]:
    return children or [{}]


def _paired(questions: Sequence[str], texts: Sequence[str]) -> Iterable[tuple[str, str]]:
    """Each question with its answer; an answer cut short has empty text for the rest."""
    for index, question in enumerate(questions):
        yield question, texts[index] if index < len(texts) else ""
