"""`settings`: what the bot may send someone and when, and the language it writes in.

`settings` shows them all (and, where the platform shows forms, a form to change them);
`settings quiet 20:00-07:00`, `settings weekends off`, `settings off kudos`, `settings on kudos`,
`settings language de` and `settings default` change one. Admins set the org's defaults and
lock kinds on with `settings org …`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from babel import Locale

from bot.core.commands import CommandRow, Context, HelpLine
from bot.core.i18n import LANGUAGES, N_, catalog, language_for, language_of, speaking_to
from bot.core.messages import Card, Field, Section, Text
from bot.core.outcome import Outcome
from bot.notify.form import settings_form
from bot.notify.org_commands import org_settings
from bot.notify.policy import Choices, Kind
from bot.notify.settings_words import (
    KIND_LABELS,
    SettingsError,
    kind_named,
    language_name,
    on_or_off,
    quiet_from,
    quiet_line,
)
from bot.notify.stored import choices_of, keep_choices, org_defaults, settings_of_person

_, ngettext = catalog("bot.notify")


async def show(ctx: Context, _args: str) -> Outcome:
    """The list, and a form beside it for platforms that show forms whole (a modal, a card)."""
    return Outcome([settings_card(ctx), settings_form(ctx)])


def settings_card(ctx: Context) -> Card:
    person, tenant = ctx.person, ctx.tenant
    settings, choices, org = (
        settings_of_person(person, tenant),
        choices_of(person),
        org_defaults(tenant),
    )
    whose = _("yours") if choices.quiet is not None else _("your org's default")
    kinds = []
    for kind in Kind:
        if kind in org.locked_on:
            state = _("on (your org keeps it on)")
        else:
            state = _("on") if settings.allows(kind) else _("off")
        kinds.append(Field(_(KIND_LABELS[kind]), state))
    language = language_for(person, tenant)
    source = (
        _("your choice")
        if person.language in LANGUAGES
        else (_("from your chat app") if language_of(person.locale) else _("your org's default"))
    )
    return Card(
        _("Your notification settings"),
        (
            Section(_("Quiet hours"), text=f"{quiet_line(settings.quiet)} ({whose})"),
            Section(_("Messages"), tuple(kinds)),
            Section(_("Language"), text=f"{language_name(language)} ({source})"),
        ),
        _(
            "Nothing but your own replies reaches you in quiet hours: it waits for them to end. "
            "Change with `settings quiet 20:00-07:00`, `settings weekends off`, "
            "`settings off kudos`, `settings on kudos`, `settings language de` (en, de, es), "
            "or `settings default`."
        ),
    )


async def quiet(ctx: Context, args: str) -> Outcome:
    now = settings_of_person(ctx.person, ctx.tenant).quiet
    return _changed(ctx, lambda c: replace(c, quiet=quiet_from(args, now.weekends)))


async def weekends(ctx: Context, args: str) -> Outcome:
    now = settings_of_person(ctx.person, ctx.tenant).quiet

    def change(choices: Choices) -> Choices:
        return replace(choices, quiet=replace(now, weekends=on_or_off(args, "settings weekends")))

    return _changed(ctx, change)


async def turn_on(ctx: Context, args: str) -> Outcome:
    return await _turn(ctx, args, on=True)


async def turn_off(ctx: Context, args: str) -> Outcome:
    return await _turn(ctx, args, on=False)


async def _turn(ctx: Context, args: str, *, on: bool) -> Outcome:
    try:
        kind = kind_named(args)
    except SettingsError as error:
        return Outcome([Text(str(error))])
    if not on and kind in org_defaults(ctx.tenant).locked_on:
        return Outcome(
            [Text(_("Your org keeps {kind} on for everyone.").format(kind=_(KIND_LABELS[kind])))]
        )
    off = set(settings_of_person(ctx.person, ctx.tenant).off)
    off = off - {kind} if on else off | {kind}
    return _changed(ctx, lambda c: replace(c, off=frozenset(off)))


async def language(ctx: Context, args: str) -> Outcome:
    typed = args.strip().lower()
    if typed == "default":
        ctx.person.language = None
    elif language_of(typed) is None:
        names = ", ".join(f"{code} ({language_name(code)})" for code in LANGUAGES)
        return Outcome([Text(_("I write in {names}.").format(names=names))])
    else:
        ctx.person.language = language_of(typed)
    ctx.store.keep(ctx.person)
    with speaking_to(ctx.person, ctx.tenant) as chosen:
        # The language's own name as a sentence says it: "español", "Deutsch", "English".
        said = Locale.parse(chosen).get_language_name(chosen) or language_name(chosen)
        told = _("I'll write to you in {language} from now on.").format(language=said)
    return Outcome([Text(told)])


async def default(ctx: Context, _args: str) -> Outcome:
    keep_choices(ctx.person, Choices())
    ctx.store.keep(ctx.person)
    return Outcome(
        [
            Text(_("Your notification settings follow your org's defaults again.")),
            settings_card(ctx),
        ]
    )


def _changed(ctx: Context, change: Callable[[Choices], Choices]) -> Outcome:
    try:
        choices = change(choices_of(ctx.person))
    except SettingsError as error:
        return Outcome([Text(str(error))])
    keep_choices(ctx.person, choices)
    ctx.store.keep(ctx.person)
    return Outcome([Text(_("Saved.")), settings_card(ctx)])


COMMANDS = (
    CommandRow(
        "settings",
        "show",
        show,
        (
            HelpLine(
                "settings / settings default",
                N_("your quiet hours, the messages you get and your language / the org's again"),
            ),
        ),
        default=True,
    ),
    CommandRow(
        "settings",
        "quiet",
        quiet,
        (
            HelpLine(
                "settings quiet 20:00-07:00 / settings weekends off / settings off kudos / "
                "settings on kudos / settings language de",
                N_("change one of them (en, de, es)"),
            ),
        ),
    ),
    CommandRow("settings", "weekends", weekends),
    CommandRow("settings", "on", turn_on),
    CommandRow("settings", "off", turn_off),
    CommandRow("settings", "language", language),
    CommandRow("settings", "default", default),
    CommandRow(
        "settings",
        "org",
        org_settings,
        (
            HelpLine(
                "settings org",
                N_("admins: the org's quiet hours, messages on or off by default, kinds kept on"),
            ),
        ),
    ),
)
