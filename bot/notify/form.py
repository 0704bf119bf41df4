"""`settings` as a form: quiet hours, each kind of message on or off (the org's locked ones
aren't offered), and the language. What matches the org's defaults is saved as "the default", so
that a later change of the org's reaches the person too."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time

from bot.checkins.cadence import CadenceError, parse_time
from bot.core.commands import Context
from bot.core.i18n import LANGUAGES, catalog, language_of
from bot.core.messages import Choice, Form, FormField, Text
from bot.core.outcome import Outcome
from bot.notify.policy import Choices, Kind, Quiet
from bot.notify.settings_words import KIND_LABELS, language_name
from bot.notify.stored import keep_choices, org_defaults, settings_of_person

_, ngettext = catalog("bot.notify")
FORM_ID = "settings"
DEFAULT = "default"


def is_settings_form(form_id: str) -> bool:
    return form_id == FORM_ID


def settings_form(ctx: Context) -> Form:
    settings, org = settings_of_person(ctx.person, ctx.tenant), org_defaults(ctx.tenant)
    on_off = (Choice(_("On"), "on"), Choice(_("Off"), "off"))
    weekends = (Choice(_("Quiet"), "on"), Choice(_("Not quiet"), "off"))
    fields = [
        FormField(
            "quiet_start",
            _("Quiet hours start (HH:MM, your time)"),
            initial=_hhmm(settings.quiet.start),
            optional=False,
        ),
        FormField(
            "quiet_end",
            _("Quiet hours end (HH:MM; the same as the start: none)"),
            initial=_hhmm(settings.quiet.end),
            optional=False,
        ),
        FormField(
            "weekends",
            _("Weekends"),
            "choice",
            weekends,
            "on" if settings.quiet.weekends else "off",
            False,
        ),
    ]
    for kind in Kind:
        if kind not in org.locked_on:
            state = "on" if settings.allows(kind) else "off"
            fields.append(
                FormField(kind.name.lower(), _(KIND_LABELS[kind]), "choice", on_off, state, False)
            )
    languages = (
        *(Choice(language_name(code), code) for code in LANGUAGES),
        Choice(_("My chat app's, else the org's"), DEFAULT),
    )
    chosen = ctx.person.language if ctx.person.language in LANGUAGES else DEFAULT
    fields.append(FormField("language", _("Language"), "choice", languages, chosen, False))
    return Form(
        FORM_ID,
        _("Notification settings"),
        tuple(fields),
        _("Save"),
        fallback=_("or type settings quiet 20:00-07:00, settings off kudos, settings language de."),
        alongside=True,
    )


async def submit_settings_form(ctx: Context, values: Mapping[str, str]) -> Outcome:
    errors: dict[str, str] = {}
    times = {}
    for key in ("quiet_start", "quiet_end"):
        try:
            times[key] = parse_time(values.get(key, ""))
        except CadenceError as error:
            errors[key] = str(error)
    if errors:
        return Outcome(form_errors=errors)
    org = org_defaults(ctx.tenant)
    quiet = Quiet(times["quiet_start"], times["quiet_end"], values.get("weekends") != "off")
    off = frozenset(kind for kind in Kind if values.get(kind.name.lower()) == "off") - org.locked_on
    choices = Choices(
        None if quiet == org.quiet else quiet,
        None if off == org.off - org.locked_on else off,
    )
    keep_choices(ctx.person, choices)
    typed = values.get("language", DEFAULT)
    ctx.person.language = language_of(typed) if typed != DEFAULT else None
    ctx.store.keep(ctx.person)
    return Outcome([Text(_("Saved your notification settings."))])


def _hhmm(at: time) -> str:
    return at.strftime("%H:%M")
