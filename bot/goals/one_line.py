"""Goals written on one line, for scripts and power users:

    goals add "Grow self-serve revenue" for 2027-Q1 under #3 level team owner @ben
    goals kr #12 "New MRR" from 10000 to 20000 USD owner @ana
    goals kr #12 "Launch the beta" done

Options follow the title in any order; a title needs quotes only when it ends in words that
read as an option. Numbers are read as check-in answers are ("10k", "$3.5k", "40%")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.checkins.parsing.answers import Invalid, MetricSpec, Value
from bot.checkins.parsing.values import parse_kr_value
from bot.core.i18n import N_, catalog
from bot.goals.periods import Quarter, parse_quarter

_, ngettext = catalog("bot.goals")

MAX_TITLE = 500
# An opening quote and the quotes that close it: an apostrophe inside "Cy's goal" closes nothing.
_QUOTES = {'"': '"”', "“": '”"', "'": "'’", "‘": "’'", "«": "»", "„": "“”"}
_ID = re.compile(r"^#?(\d{1,9})$")
_CURRENCY_SYMBOLS = "$€£¥₹₩₽₺₪₫₴₦₱฿"
_CURRENCY_CODES = frozenset(
    [
        "usd",
        "eur",
        "gbp",
        "jpy",
        "chf",
        "cad",
        "aud",
        "inr",
        "cny",
        "sek",
        "nok",
        "dkk",
        "pln",
        "brl",
        "mxn",
        "nzd",
        "sgd",
        "hkd",
        "zar",
    ]
)
_BINARY_WORDS = frozenset({"done", "yes/no", "binary"})
# A range's bounds must not run into the next number: "10000 to 20000" is two.
_RANGE = re.compile(r"(?:^|\s)from\s+(\S+)\s+to\s+(\S+)(?:\s+(.*))?$", re.IGNORECASE)


_OPTIONS = N_("Options: for 2027-Q1, under #3, level team, owner @ana.")


class OneLineError(ValueError):
    """A line that can't be read; the message is shown to the person as is."""


@dataclass(frozen=True)
class ObjectiveLine:
    title: str
    quarter: Quarter | None = None
    parent_id: int | None = None
    level: str | None = None
    owner: str | None = None  # a mention, an email, "me" or a name, as typed


@dataclass(frozen=True)
class Measure:
    """A key result's numbers: binary (done or not), or from `start` to `target` in `unit`."""

    kind: str  # number | percent | currency | binary
    start: float
    target: float
    unit: str | None = None


@dataclass(frozen=True)
class KeyResultLine:
    objective_id: int
    title: str
    measure: Measure
    owner: str | None = None


def read_id(word: str) -> int | None:
    """'#12' or '12' -> 12."""
    found = _ID.match(word.strip())
    return int(found.group(1)) if found else None


def parse_objective_line(text: str) -> ObjectiveLine:
    title, options = _title_and_options(text, ("for", "under", "level", "owner"))
    quarter = parse_quarter(options["for"]) if "for" in options else None
    parent_id = None
    if "under" in options:
        parent_id = read_id(options["under"])
        if parent_id is None:
            raise OneLineError(
                _("“{word}” isn't an objective; write under #3.").format(word=options["under"][:20])
            )
    return ObjectiveLine(title, quarter, parent_id, options.get("level"), options.get("owner"))


def parse_key_result_line(text: str) -> KeyResultLine:
    first, _space, rest = text.strip().partition(" ")
    objective_id = read_id(first)
    if objective_id is None:
        raise OneLineError(
            _('Name the objective first: goals kr #12 "New MRR" from 10000 to 20000 USD')
        )
    rest, owner = _take_option(rest, "owner")
    quoted = _split_quoted(rest)
    title, tail = quoted if quoted is not None else ("", rest)
    found = _RANGE.search(tail)
    if found is not None:
        title = title or " ".join(tail[: found.start()].split())
        measure = read_measure(found.group(1), found.group(2), found.group(3) or "")
    else:
        words = tail.split()
        if not words or words[-1].lower() not in _BINARY_WORDS:
            raise OneLineError(
                _(
                    "Say how it's measured: from 10000 to 20000 USD, from 650 to 300 ms, or done "
                    "for one that is done or not."
                )
            )
        title = title or " ".join(words[:-1])
        measure = Measure("binary", 0.0, 1.0)
    return KeyResultLine(objective_id, _checked_title(title), measure, owner)


def read_measure(start_text: str, target_text: str, unit_text: str) -> Measure:
    """From 'start' to 'target' in 'unit': '10000' '20000' 'USD', '$10k' '$20k' '', '20%' '40%'."""
    unit = " ".join(unit_text.split())[:40] or None
    marks = start_text + target_text
    if unit == "%" or "%" in marks:
        kind, unit = "percent", None
    elif (unit or "").lower() in _CURRENCY_CODES:
        kind, unit = "currency", (unit or "").upper()
    elif unit is not None and unit in _CURRENCY_SYMBOLS:
        kind = "currency"
    elif any(symbol in marks for symbol in _CURRENCY_SYMBOLS):
        kind = "currency"
        unit = next(symbol for symbol in marks if symbol in _CURRENCY_SYMBOLS)
    else:
        kind = "number"
    start, target = _number(start_text), _number(target_text)
    if start == target:
        raise OneLineError(_("The start and the target are the same: nothing to move."))
    return Measure(kind, start, target, unit)


def _number(text: str) -> float:
    bare = text.strip().rstrip("%").lstrip(_CURRENCY_SYMBOLS)
    read = parse_kr_value(bare, MetricSpec("number", -1.0, 1.0, None))
    if isinstance(read, Value):
        return read.number
    reason = read.reason if isinstance(read, Invalid) else ""
    unusable = _("“{text}” isn't a number I can use.").format(text=text[:20])
    raise OneLineError(f"{unusable} {reason}".strip())


def _title_and_options(text: str, names: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """A title followed by `name value` options. A quoted title ends at its closing quote;
    an unquoted one at the first of the options, read back from the end of the line."""
    quoted = _split_quoted(text)
    if quoted is not None:
        title, rest = quoted
        words = rest.split()
        if len(words) % 2:
            unread = _("I can't read “{words}” after the title. {options}")
            raise OneLineError(unread.format(words=rest.strip()[:40], options=_(_OPTIONS)))
        options: dict[str, str] = {}
        for name, value in zip(words[::2], words[1::2], strict=True):
            if name.lower() not in names or name.lower() in options:
                unread = _("I can't read “{words}” after the title. {options}")
                raise OneLineError(unread.format(words=name[:20], options=_(_OPTIONS)))
            options[name.lower()] = value
        return _checked_title(title), options
    options = {}
    words = text.split()
    while len(words) >= 2 and words[-2].lower() in names and words[-2].lower() not in options:
        options[words[-2].lower()] = words[-1]
        words = words[:-2]
    return _checked_title(" ".join(words)), options


def _take_option(text: str, name: str) -> tuple[str, str | None]:
    """`name value` out of the text, where it is not inside the quoted title."""
    quoted = _split_quoted(text)
    head, tail = ("", text) if quoted is None else (text[: len(text) - len(quoted[1])], quoted[1])
    words = tail.split()
    for index, word in enumerate(words[:-1]):
        if word.lower() == name:
            rest = " ".join(words[:index] + words[index + 2 :])
            return f"{head} {rest}".strip(), words[index + 1]
    return text, None


def _split_quoted(text: str) -> tuple[str, str] | None:
    """A title in quotes at the start: (the title, what follows it). None when unquoted."""
    text = text.strip()
    if not text or text[0] not in _QUOTES:
        return None
    closing = _QUOTES[text[0]]
    for end in range(1, len(text)):
        if text[end] in closing and (end + 1 == len(text) or not text[end + 1].isalnum()):
            return " ".join(text[1:end].split()), text[end + 1 :]
    raise OneLineError(
        _("The title's quote isn't closed: put it in quotes, like \"Grow revenue\".")
    )


def _checked_title(title: str) -> str:
    if not title:
        raise OneLineError(_('Give it a title: goals add "Grow self-serve revenue"'))
    if len(title) > MAX_TITLE:
        raise OneLineError(
            _("That title is {length} characters; keep it under {most}.").format(
                length=len(title), most=MAX_TITLE
            )
        )
    return title
