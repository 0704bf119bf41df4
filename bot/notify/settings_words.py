"""Reading and writing notification settings in words: kinds of message by the names people
type (English in every language, like every command word), quiet hours as "20:00-07:00", and
each setting as a line a person reads."""

from __future__ import annotations

import re

from bot.checkins.cadence import CadenceError, parse_time
from bot.core.i18n import N_, NAMES, catalog
from bot.notify.policy import Kind, Quiet

_, ngettext = catalog("bot.notify")

# The names of each kind a person may type, the first as the list shows it.
KIND_WORDS: dict[Kind, tuple[str, ...]] = {
    Kind.REMINDERS: ("reminders", "reminder", "check-in reminders", "checkin reminders"),
    Kind.BLOCKER_ALERTS: ("blocker alerts", "blocker alert", "blockers", "blocker"),
    Kind.FEEDBACK_REMINDERS: ("feedback reminders", "feedback reminder", "feedback"),
    Kind.PULSE_REMINDERS: ("pulse reminders", "pulse reminder", "pulse"),
    Kind.KUDOS: ("kudos", "kudos dms", "kudos dm"),
    Kind.ONEONONE_NUDGES: ("1:1 nudges", "1:1 nudge", "1:1", "1on1 nudges", "1on1", "1:1s"),
}
KIND_LABELS: dict[Kind, str] = {
    Kind.REMINDERS: N_("Check-in reminders"),
    Kind.BLOCKER_ALERTS: N_("Blocker alerts (managers)"),
    Kind.FEEDBACK_REMINDERS: N_("Feedback request reminders"),
    Kind.PULSE_REMINDERS: N_("Pulse survey reminders"),
    Kind.KUDOS: N_("Kudos DMs"),
    Kind.ONEONONE_NUDGES: N_("1:1 nudges"),
}
_RANGE = re.compile(r"^\s*([^\s–-]+)\s*(?:-|–|\s(?:to|bis|a|hasta)\s)\s*(\S+)\s*$")


class SettingsError(ValueError):
    """Words that aren't a setting; the message says what would be."""


def kind_named(words: str) -> Kind:
    typed = " ".join(words.lower().split())
    for kind, names in KIND_WORDS.items():
        if typed in names:
            return kind
    known = ", ".join(names[0] for names in KIND_WORDS.values())
    raise SettingsError(
        _("“{typed}” is not a kind of message. The kinds: {names}.").format(
            typed=words.strip()[:40], names=known
        )
    )


def quiet_from(words: str, weekends: bool) -> Quiet:
    """ "20:00-07:00" -> quiet hours from 20:00 to 07:00; "off" -> none at night."""
    typed = words.strip().lower()
    if typed in ("off", "none", "no"):
        return Quiet(Quiet().start, Quiet().start, weekends)
    found = _RANGE.match(typed)
    if found is None:
        raise SettingsError(
            _("Say quiet hours as from-to, like `settings quiet 20:00-07:00`, or `off`.")
        )
    try:
        start, end = parse_time(found.group(1)), parse_time(found.group(2))
    except CadenceError as error:
        raise SettingsError(str(error)) from error
    return Quiet(start, end, weekends)


def on_or_off(words: str, what: str) -> bool:
    typed = words.strip().lower()
    if typed in ("on", "yes", "quiet"):
        return True
    if typed in ("off", "no"):
        return False
    raise SettingsError(_("Say `{what} on` or `{what} off`.").format(what=what))


def quiet_line(quiet: Quiet) -> str:
    night = quiet.start != quiet.end
    start, end = quiet.start.strftime("%H:%M"), quiet.end.strftime("%H:%M")
    if night and quiet.weekends:
        return _("{start}–{end} your time, and weekends").format(start=start, end=end)
    if night:
        return _("{start}–{end} your time; weekends aren't quiet").format(start=start, end=end)
    if quiet.weekends:
        return _("weekends only")
    return _("none")


def language_name(language: str) -> str:
    return NAMES.get(language, language)
