"""`settings org …`: an admin sets the org's notification defaults (quiet hours, kinds on or off
for everyone who hasn't chosen) and keeps kinds on (no one can turn them off), and the org's
language for people whose chat app speaks none of ours."""

from __future__ import annotations

from dataclasses import replace

from bot.core.commands import Context
from bot.core.i18n import LANGUAGES, N_, catalog, language_of
from bot.core.messages import Card, Field, Section, Text
from bot.core.outcome import Outcome
from bot.notify.away import ORG_KEY as AWAY_KEY
from bot.notify.away import signs_of
from bot.notify.policy import Kind, OrgDefaults
from bot.notify.settings_words import (
    KIND_LABELS,
    SettingsError,
    kind_named,
    language_name,
    on_or_off,
    quiet_from,
    quiet_line,
)
from bot.notify.stored import keep_org_defaults, org_defaults

_, ngettext = catalog("bot.notify")
USAGE = N_(
    "`settings org` shows the org's defaults; `settings org quiet 19:00-08:00` (or off), "
    "`settings org weekends on|off`, `settings org off kudos`, `settings org on kudos`, "
    "`settings org lock reminders` (on for everyone), `settings org unlock reminders`, "
    "`settings org language de` (en, de, es), `settings org away emoji :palm_tree: :ski:`, "
    "`settings org away words vacation, sabbatical`, `settings org away default`."
)
AWAY_USAGE = N_(
    "Say `settings org away emoji :palm_tree: :ski:`, `settings org away words vacation, "
    "sabbatical` or `settings org away default`."
)


async def org_settings(ctx: Context, args: str) -> Outcome:
    if not ctx.person.is_admin:
        return Outcome([Text(_("Only admins set the org's notification defaults."))])
    verb, _sep, rest = " ".join(args.split()).partition(" ")
    defaults = org_defaults(ctx.tenant)
    try:
        if not verb:
            return Outcome([org_card(ctx)])
        if verb.lower() == "language":
            return _language(ctx, rest)
        if verb.lower() == "away":
            return _away(ctx, rest)
        changed = _change(defaults, verb.lower(), rest)
    except SettingsError as error:
        return Outcome([Text(str(error))])
    if changed is None:
        return Outcome([Text(_(USAGE))])
    keep_org_defaults(ctx.tenant, changed)
    ctx.store.keep(ctx.tenant)
    return Outcome([Text(_("Saved for the org.")), org_card(ctx)])


def _change(defaults: OrgDefaults, verb: str, rest: str) -> OrgDefaults | None:
    if verb == "quiet":
        return replace(defaults, quiet=quiet_from(rest, defaults.quiet.weekends))
    if verb == "weekends":
        weekends = on_or_off(rest, "settings org weekends")
        return replace(defaults, quiet=replace(defaults.quiet, weekends=weekends))
    if verb in ("on", "off", "lock", "unlock"):
        kind = kind_named(rest)
        if verb == "on":
            return replace(defaults, off=defaults.off - {kind})
        if verb == "off":
            return replace(
                defaults, off=defaults.off | {kind}, locked_on=defaults.locked_on - {kind}
            )
        if verb == "lock":
            return replace(
                defaults, locked_on=defaults.locked_on | {kind}, off=defaults.off - {kind}
            )
        return replace(defaults, locked_on=defaults.locked_on - {kind})
    return None


def _language(ctx: Context, typed: str) -> Outcome:
    chosen = language_of(typed.strip().lower())
    if chosen is None:
        names = ", ".join(f"{code} ({language_name(code)})" for code in LANGUAGES)
        return Outcome([Text(_("I write in {names}.").format(names=names))])
    ctx.tenant.settings = {**ctx.tenant.settings, "language": chosen}
    ctx.store.keep(ctx.tenant)
    told = _(
        "The org's language is {language}: for people whose chat app speaks none of mine, "
        "and for what is posted in channels."
    ).format(language=language_name(chosen))
    return Outcome([Text(told)])


def _away(ctx: Context, rest: str) -> Outcome:
    """`settings org away emoji :palm_tree: :ski:`, `… away words vacation, sabbatical`,
    `… away default`: the signs of a status that says someone is away."""
    what, _sep, listed = rest.partition(" ")
    raw = dict(ctx.tenant.settings.get(AWAY_KEY) or {})
    if what.lower() == "emoji" and listed.split():
        raw["emoji"] = [f":{e.strip(':').lower()}:" for e in listed.split()]
    elif what.lower() == "words" and listed.strip():
        raw["words"] = [w.strip().lower() for w in listed.split(",") if w.strip()]
    elif what.lower() == "default":
        raw = {}
    else:
        return Outcome([Text(_(AWAY_USAGE))])
    ctx.tenant.settings = {**ctx.tenant.settings, AWAY_KEY: raw}
    ctx.store.keep(ctx.tenant)
    return Outcome([Text(_("Saved for the org.")), org_card(ctx)])


def org_card(ctx: Context) -> Card:
    defaults = org_defaults(ctx.tenant)
    kinds = []
    for kind in Kind:
        if kind in defaults.locked_on:
            state = _("on, kept on")
        else:
            state = _("off") if kind in defaults.off else _("on")
        kinds.append(Field(_(KIND_LABELS[kind]), state))
    language = ctx.tenant.settings.get("language")
    signs = signs_of(ctx.tenant)
    away = _("emoji {emoji}; words {words}").format(
        emoji=" ".join(sorted(signs.emoji)), words=", ".join(signs.words)
    )
    return Card(
        _("The org's notification defaults"),
        (
            Section(_("Quiet hours"), text=quiet_line(defaults.quiet)),
            Section(_("Messages"), tuple(kinds)),
            Section(
                _("Language"),
                text=language_name(language if isinstance(language, str) else "en"),
            ),
            Section(_("A status that says someone is away"), text=away),
        ),
        _(USAGE),
    )
