"""Reading the org file (SPEC 2.1): one person per CSV row, parsed and validated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from bot.checkins.cadence import ALLOWED_EVERY_WEEKS, WEEKDAYS, parse_days, parse_time, parse_zone
from bot.core.i18n import N_, catalog
from bot.imports.rows import (
    Cells,
    ImportProblem,
    ambiguous_lines,
    csv_records,
    email,
    rule,
    text,
    whole,
    yes_no,
)

_, ngettext = catalog("bot.imports")


@dataclass(frozen=True)
class PersonRow:
    line: int
    email: str
    name: str = ""
    manager_email: str | None = None
    team: str | None = None
    timezone: str | None = None
    country: str | None = None  # ISO 3166 alpha-2, "DE": whose public holidays they have
    checkin_days: str | None = None  # normalised: "mon,thu"
    checkin_time: str | None = None  # "HH:MM"
    cadence_weeks: int | None = None
    is_admin: bool = False
    # The Person fields this row sets. A column missing from the file leaves the field alone;
    # an empty cell clears it (back to the org default), except an empty name.
    provided: frozenset[str] = frozenset()


def _days(raw: str) -> str:
    return ",".join(WEEKDAYS[day] for day in parse_days(raw))


def _clock(raw: str) -> str:
    return parse_time(raw).strftime("%H:%M")


def _zone(raw: str) -> str:
    return parse_zone(raw).key


_country = rule(
    lambda raw: raw.strip().upper(),
    lambda code: len(code) == 2 and code.isascii() and code.isalpha(),
    N_("“{raw}” is not a country: use its two-letter ISO code, like DE or US"),
)


_weeks = rule(whole, ALLOWED_EVERY_WEEKS.__contains__, N_("check-ins repeat every 1, 2 or 4 weeks"))

_PERSON_FIELDS = {"name": "name", "manager_email": "manager_email", "team": "team",
                  "timezone": "timezone", "country": "country", "checkin_days": "checkin_days",
                  "checkin_time": "checkin_time", "cadence_weeks": "cadence_weeks",
                  "admin": "is_admin"}  # fmt: skip


def parse_org_csv(text: str) -> tuple[list[PersonRow], list[ImportProblem]]:
    records, problems = csv_records(text, required=("email",))
    ambiguous = ambiguous_lines(
        ((line, r["email"].lower()) for line, r in records if r["email"]), ""
    )
    rows: list[PersonRow] = []
    for line, record in records:
        if line in ambiguous:
            problems.append(ImportProblem(line, ambiguous[line]))
            continue
        row, reasons = _person(line, record)
        problems += [ImportProblem(line, reason) for reason in reasons]
        rows += [row] if row else []
    return rows, problems


def _person(line: int, record: Mapping[str, str]) -> tuple[PersonRow | None, list[str]]:
    cells = Cells(record, {})
    address = cells.require("email", email)
    provided = {field for column, field in _PERSON_FIELDS.items() if column in record}
    row = PersonRow(
        line, address or "", name=cells.get("name", text(200), ""),
        manager_email=cells.get("manager_email", email), team=cells.get("team", text(200)),
        timezone=cells.get("timezone", _zone), country=cells.get("country", _country),
        checkin_days=cells.get("checkin_days", _days),
        checkin_time=cells.get("checkin_time", _clock),
        cadence_weeks=cells.get("cadence_weeks", _weeks),
        is_admin=cells.get("admin", yes_no, False),
        provided=frozenset(provided - ({"name"} if not record.get("name") else set())),
    )  # fmt: skip
    if cells.reasons:
        return None, cells.reasons
    if row.manager_email == row.email:
        fixed = replace(row, manager_email=None, provided=row.provided - {"manager_email"})
        own = _("{email} can't be their own manager; manager left unchanged")
        return fixed, [own.format(email=row.email)]
    return row, []
