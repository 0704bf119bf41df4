"""What the org and goals importers share (SPEC 2.1, 2.6): cells, CSV records, problems.

Bad input never raises: every problem becomes an `ImportProblem` with the file line it came
from, and the good rows go on. Whether a manager, owner or parent exists in the database is
for `org_import` and `goals_import` to decide.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar, overload

from bot.core.i18n import catalog

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

_, ngettext = catalog("bot.imports")


@dataclass(frozen=True)
class ImportProblem:
    line: int  # 1-based file line; a CSV row spanning lines reports its first
    reason: str


def find_cycles(parents: Mapping[K, K | None]) -> list[list[K]]:
    """Loops in a child -> parent map; each as [a, b] for a -> b -> a."""
    done: set[K] = set()
    cycles: list[list[K]] = []
    for start in parents:
        path: dict[K, int] = {}  # node -> its place on this walk
        node: K | None = start
        while node is not None and node in parents and node not in done and node not in path:
            path[node] = len(path)
            node = parents[node]
        if node is not None and node in path:
            cycles.append(list(path)[path[node] :])
        done.update(path)
    return cycles


def loop_text(cycle: list[K], first: K) -> str:
    """'b → a → b' for the cycle [a, b] told from b."""
    i = cycle.index(first)
    return " → ".join(str(node) for node in [*cycle[i:], *cycle[:i], first])


# -- single values: text -> value, or ValueError with a message for people -----------------

NAMED_LINES = 5  # of the other lines an ambiguous key is on
_EMAIL = re.compile(r"[^@\s<>,;]+@(?:[^@\s<>,;.]+\.)+[^@\s<>,;.]{2,}")
_YES, _NO = {"yes", "y", "true", "1", "done"}, {"no", "n", "false", "0", "not done"}


def rule(
    convert: Callable[[str], T], ok: Callable[[T], object], why: str, **values: str
) -> Callable[[str], T]:
    """`convert`, then reject what fails `ok`, saying `why`: text marked with N_, translated
    when said ("{raw}" stands for the cell, other placeholders for `values`)."""

    def check(raw: str) -> T:
        value = convert(raw)
        if not ok(value):
            raise ValueError(_(why).format(raw=raw[:40], **values))
        return value

    return check


def number(raw: str) -> float:
    try:
        value = float(raw.removesuffix("%"))  # "40%" is 40, whatever the metric
    except ValueError:
        raise ValueError(_("“{raw}” is not a number").format(raw=raw[:40])) from None
    if not math.isfinite(value) or abs(value) > 1e15:
        why = _("“{raw}” is not a usable number (too large, infinite or NaN)")
        raise ValueError(why.format(raw=raw[:40]))
    return value


def whole(raw: str) -> int:
    if not (value := number(raw)).is_integer():
        raise ValueError(_("“{raw}” is not a whole number").format(raw=raw[:40]))
    return int(value)


def text(limit: int) -> Callable[[str], str]:
    def check(raw: str) -> str:
        # Names and titles are one line: newlines, control characters and runs of spaces
        # become one space (PostgreSQL refuses NUL in text, too).
        cleaned = " ".join("".join(c if c.isprintable() else " " for c in raw).split())
        if raw and not cleaned:
            raise ValueError(_("has nothing printable in it"))
        if len(cleaned) > limit:
            raise ValueError(_("over {limit} characters").format(limit=limit))
        return cleaned

    return check


def yes_no(raw: str) -> bool:
    if raw.lower() not in _YES | _NO:
        raise ValueError(_("“{raw}” is not yes or no").format(raw=raw[:40]))
    return raw.lower() in _YES


def email(raw: str) -> str:
    if len(raw) > 320 or not raw.isprintable() or not _EMAIL.fullmatch(raw):
        raise ValueError(_("“{raw}” is not an email address").format(raw=raw[:40]))
    return raw.lower()


class Cells:
    """One row's non-empty values, converted one at a time; each failure is kept as a reason.
    `labels` name fields in words (marked with N_); a field without one is named as written."""

    def __init__(self, values: Mapping[str, str], labels: Mapping[str, str]) -> None:
        self.values, self.labels, self.reasons = values, labels, list[str]()

    @overload
    def get(self, name: str, convert: Callable[[str], T]) -> T | None: ...
    @overload
    def get(self, name: str, convert: Callable[[str], T], default: T) -> T: ...
    def get(self, name: str, convert: Callable[[str], T], default: T | None = None) -> T | None:
        raw = self.values.get(name, "")
        if not raw:
            return default
        try:
            return convert(raw)
        except ValueError as exc:
            self.reasons.append(f"{self._label(name)}: {exc}")
            return default

    def require(self, name: str, convert: Callable[[str], T]) -> T | None:
        if not self.values.get(name):
            self.reasons.append(missing(self._label(name)))
        return self.get(name, convert)

    def _label(self, name: str) -> str:
        return _(self.labels[name]) if name in self.labels else name


def missing(field: str) -> str:
    return _("{field} is missing").format(field=field)


def not_valid_csv(error: csv.Error) -> str:
    return _("not valid CSV: {error}").format(error=error)


# -- CSV ------------------------------------------------------------------------------------


def csv_records(
    text: str, required: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str]]], list[ImportProblem]]:
    """(line, {column: stripped cell}) per non-blank row; column names lower-cased."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    records: list[tuple[int, dict[str, str]]] = []
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        if absent := [name for name in required if name not in header]:
            reason = _("the header has no {columns} column").format(columns=", ".join(absent))
            return [], [ImportProblem(1, reason)]
        line = reader.line_num + 1
        for cells in reader:
            record = {
                name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)
            }
            if any(record.values()):
                records.append((line, record))
            line = reader.line_num + 1
    except csv.Error as exc:
        return records, [ImportProblem(reader.line_num or 1, not_valid_csv(exc))]
    return records, []


def ambiguous_lines(keyed: Iterable[tuple[int, str]], what: str = "") -> dict[int, str]:
    """Each line whose key appears on another line too, with the reason to skip it; `what` the
    key is: "" (an email, a plain key) or "key result".

    A few of the other lines are named, and the rest counted: an HRIS export where thousands
    share a placeholder ("n/a") would otherwise list thousands of lines on each of thousands.
    """
    lines_of: dict[str, list[int]] = {}
    for line, key in keyed:
        lines_of.setdefault(key, []).append(line)
    reasons: dict[int, str] = {}
    for key, lines in lines_of.items():
        for line in lines if len(lines) > 1 else ():
            others = [str(other) for other in lines[: NAMED_LINES + 1] if other != line]
            others = others[:NAMED_LINES]
            more = len(lines) - 1 - len(others)
            reason = _ambiguous(what, len(lines) - 1, more)
            reasons[line] = reason.format(key=key[:80], lines=", ".join(others), more=more)
    return reasons


def _ambiguous(what: str, others: int, more: int) -> str:
    """Why a line with an ambiguous key is skipped, before its placeholders are filled."""
    if what == "key result" and more:
        return ngettext(
            "ambiguous: key result {key} also on line {lines} and {more} more",
            "ambiguous: key result {key} also on lines {lines} and {more} more",
            others,
        )
    if what == "key result":
        return ngettext(
            "ambiguous: key result {key} also on line {lines}",
            "ambiguous: key result {key} also on lines {lines}",
            others,
        )
    if more:
        return ngettext(
            "ambiguous: {key} also on line {lines} and {more} more",
            "ambiguous: {key} also on lines {lines} and {more} more",
            others,
        )
    return ngettext(
        "ambiguous: {key} also on line {lines}", "ambiguous: {key} also on lines {lines}", others
    )
