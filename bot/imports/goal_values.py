"""What a goals file's cells may hold (SPEC 2.6), and what is said about the goals it describes
when they don't hold together: a key result with no distance to go, a parent loop."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping

from bot.core.i18n import N_, catalog
from bot.imports.rows import loop_text, number, rule, whole, yes_no

LEVELS = {"company": "company", "team": "team", "person": "person"}
METRICS = {"number": "number", "percent": "percent", "%": "percent", "currency": "currency",
           "binary": "binary", "yes/no": "binary", "boolean": "binary"}  # fmt: skip

_, ngettext = catalog("bot.imports")

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,119}")


def one_of(table: Mapping[str, str]) -> Callable[[str], str]:
    names = ", ".join(dict.fromkeys(table.values()))
    why = N_("“{raw}” is not one of {names}")
    return rule(lambda raw: table.get(raw.lower(), ""), bool, why, names=names)


def slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slugged = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-")
    return slugged or "kr-" + hashlib.sha1(title.encode()).hexdigest()[:8]


def yes_no_number(raw: str) -> float:
    return float(yes_no(raw))


key_of = rule(
    str, _KEY.fullmatch, N_("“{raw}” is not a usable id; use letters, digits and - _ . /")
)
positive = rule(number, lambda v: v > 0, N_("must be more than 0"))
confidence = rule(whole, lambda v: 1 <= v <= 10, N_("“{raw}” is not from 1 to 10"))


def range_problems(kind: str, start: float, target: float, current: float | None) -> list[str]:
    """What is wrong with a key result's numbers taken together."""
    if kind != "binary" and start == target:
        both = _("start and target are both {value}; progress needs a distance")
        return [both.format(value=f"{start:g}")]
    if kind != "percent":
        return []
    values = [start, target] + ([current] if current is not None else [])
    if min(values) < 0:
        return [_("a percent can't be negative")]
    # A target past 100 % (say, 150 % of last year) lifts the ceiling; otherwise 100 is the top.
    if max(start, target) <= 100 and max(values) > 100:
        return [_("current {value}% is over 100%").format(value=f"{max(values):g}")]
    return []


def parent_loop(key: str, cycle: list[str]) -> str:
    loop = loop_text(cycle, key)
    return _("objective {key} is in a parent loop: {loop}").format(key=key, loop=loop)


def not_imported(objective: str) -> str:
    """Why a key result is skipped when its objective is."""
    return _("key result skipped: objective {key} was not imported").format(key=objective)
