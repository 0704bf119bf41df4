"""A kudos as a form: what `kudos` alone opens, and what a platform's "Give kudos" shortcut on a
message opens with the message's author already named. A modal, a card, or questions in turn,
as the platform shows forms."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.commands import Context
from bot.core.i18n import N_, catalog
from bot.core.messages import Choice, Form, FormField
from bot.core.outcome import Outcome
from bot.kudos.giving import Refused, give
from bot.kudos.parsing import KudosError, kudos_from_parts

FORM_ID = "k_give"
_FOR = ":"
PRIVACY = (
    Choice(N_("Everyone: the kudos channel too"), "public"),
    Choice(N_("Only the people named"), "private"),
)
FALLBACK = N_("open the form, or write it on one line: kudos @ana for shipping it #customer-first")

_, ngettext = catalog("bot.kudos")


def kudos_form_id(who: str = "") -> str:
    """The form's id, with who it is for as the platform writes a mention (<@U123>)."""
    return f"{FORM_ID}{_FOR}{who}" if who else FORM_ID


def is_kudos_form(form_id: str) -> bool:
    return form_id == FORM_ID or form_id.startswith(FORM_ID + _FOR)


async def kudos_form(ctx: Context, form_id: str = FORM_ID) -> Form:
    who = form_id.partition(_FOR)[2]
    values = await ctx.store.kudos.values(ctx.tenant.id)
    tags = ", ".join(f"#{v.tag}" for v in values)
    who_label = _("Who is it for? (names, mentions or emails)")
    fields = [
        FormField("who", who_label, "people", (), who, False),
        FormField("message", _("What for?"), optional=False),
    ]
    if values:
        shows = _("Company values it shows ({tags})").format(tags=tags)
        fields.append(FormField("values", shows[:200]))
    privacy = tuple(Choice(_(choice.label), choice.value) for choice in PRIVACY)
    fields.append(FormField("privacy", _("Who sees it"), "choice", privacy, "public"))
    return Form(form_id, _("Give kudos"), tuple(fields), _("Send"), fallback=_(FALLBACK))


async def submit_kudos_form(ctx: Context, values: Mapping[str, str]) -> Outcome:
    try:
        line = kudos_from_parts(
            values.get("who", ""),
            values.get("message", ""),
            values.get("values", ""),
            values.get("privacy") == "private",
        )
    except KudosError as error:
        return _at(values, error.part, str(error))
    given = await give(ctx, line)
    return _at(values, given.part, given.text) if isinstance(given, Refused) else given


def _at(values: Mapping[str, str], part: str, text: str) -> Outcome:
    """The form back with `text` at its field; at the message when the form has no such field
    (an org with no values has no values field)."""
    return Outcome(form_errors={part if part in values else "message": text})
