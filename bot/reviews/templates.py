"""The org's review template: the default until an admin replaces it, with a YAML file
(`checkin-bot reviews template FILE`) or in chat (`review template add …`, `remove KEY`,
`reset`). A cycle copies the template as it starts; changing it leaves running cycles alone.

    questions:
      - key: impact
        text: "Impact: moves what matters"
        kind: rating          # 1 to 5; or text
        for: [self, manager]  # who answers it (default: all three)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from bot.core.commands import Context
from bot.core.i18n import N_, catalog
from bot.core.messages import Card, Field, Section, Text
from bot.core.outcome import Outcome
from bot.reviews.template import DEFAULT_QUESTIONS, KINDS, STATE, question_text
from storage.models import Tenant
from storage.settings import set_settings, settings_of

TEMPLATE_KEY = "review_questions"  # in the org's settings
MOST_QUESTIONS = 30
MOST_TEXT = 300
_KEY = re.compile(r"^[a-z0-9][a-z0-9_]{0,39}$")
_ADD = re.compile(
    r'^add\s+(?P<kind>rating|text)\s+"(?P<text>[^"]{1,300})"(?:\s+for\s+(?P<who>[a-z ,]+))?$',
    re.IGNORECASE,
)
ADD_USAGE = N_(
    'Say it like: review template add rating "Impact: moves what matters" for self manager'
)

_, ngettext = catalog("bot.reviews")


class TemplateError(ValueError):
    """A template that can't be used; the message says what and where. The problem is said in
    the language in force (English on the command line); where, "question 3", only on the
    command line, in English."""

    def __init__(self, problem: str, where: str = "") -> None:
        super().__init__(f"{where}: {problem}" if where else problem)
        self.problem = problem


def org_questions(tenant: Tenant) -> list[dict[str, Any]]:
    saved = settings_of(tenant).other.get(TEMPLATE_KEY)
    if isinstance(saved, list) and saved:
        try:
            return checked(saved)
        except TemplateError:
            pass  # written by hand wrongly: the default stands in
    return [dict(q) for q in DEFAULT_QUESTIONS]


def save_questions(tenant: Tenant, questions: Sequence[Mapping[str, Any]] | None) -> None:
    settings = settings_of(tenant)
    other = {k: v for k, v in settings.other.items() if k != TEMPLATE_KEY}
    if questions is not None:
        other[TEMPLATE_KEY] = [dict(q) for q in questions]
    set_settings(tenant, settings.but(other=other))


def read_yaml(text: str) -> list[dict[str, Any]]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        # Read from a file on the command line only: in English, as the operator's tools are.
        raise TemplateError(f"{where}not YAML ({getattr(error, 'problem', error)})") from None
    questions = document.get("questions") if isinstance(document, dict) else None
    if not isinstance(questions, list):
        raise TemplateError("the file needs a list under questions:")
    return checked(questions)


def checked(questions: Sequence[object]) -> list[dict[str, Any]]:
    """The questions as a cycle keeps them, or a TemplateError naming the first problem."""
    if not 1 <= len(questions) <= MOST_QUESTIONS:
        raise TemplateError(_("a template has 1 to {most} questions").format(most=MOST_QUESTIONS))
    kept: list[dict[str, Any]] = []
    for number, raw in enumerate(questions, start=1):
        where = f"question {number}"
        if not isinstance(raw, Mapping):
            raise TemplateError(_("give key, text and kind"), where)
        key, text, kind = raw.get("key"), raw.get("text"), raw.get("kind", "rating")
        who = raw.get("for", list(KINDS))
        if not isinstance(key, str) or not _KEY.match(key) or key == STATE:
            raise TemplateError(_("key is lowercase letters, digits and _, like impact"), where)
        if key in {q["key"] for q in kept}:
            raise TemplateError(_("the key {key} is used twice").format(key=key), where)
        if not isinstance(text, str) or not text.strip() or len(text) > MOST_TEXT:
            raise TemplateError(_("text is 1 to {most} characters").format(most=MOST_TEXT), where)
        if kind not in ("rating", "text"):
            raise TemplateError(_("kind is rating or text"), where)
        if not isinstance(who, list) or not who or not set(who) <= set(KINDS):
            raise TemplateError(_("for lists who answers it: self, manager, peer"), where)
        kept.append({"key": key, "text": text.strip(), "kind": kind, "for": list(who)})
    return kept


async def template(ctx: Context, args: str) -> Outcome:
    words = args.strip()
    if words and not ctx.person.is_admin:
        return _say(_("Only admins change the review template."))
    questions = org_questions(ctx.tenant)
    if words.lower() == "reset":
        save_questions(ctx.tenant, None)
        ctx.store.keep(ctx.tenant)
        return _say(_("The review template is the default again, for cycles started from now on."))
    if words.lower().startswith("remove "):
        key = words[7:].strip().lower()
        left = [q for q in questions if q["key"] != key]
        if len(left) == len(questions):
            return _say(_("The template has no question {key}.").format(key=key))
        if not left:
            return _say(_("A template keeps one question at least."))
        return _saved(
            ctx, left, _("Removed {key}. Cycles started from now on ask:").format(key=key)
        )
    if words:
        found = _ADD.match(" ".join(words.replace("“", '"').replace("”", '"').split()))
        if found is None:
            return _say(_(ADD_USAGE))
        who = [w for w in re.split(r"[\s,]+", (found.group("who") or "").lower()) if w]
        key = _key_for(found.group("text"), {q["key"] for q in questions})
        new = {"key": key, "text": found.group("text"), "kind": found.group("kind").lower()}
        new["for"] = [w.removesuffix("s") for w in who] or list(KINDS)
        try:
            added = checked([*questions, new])
        except TemplateError as error:
            return _say(error.problem[:1].upper() + error.problem[1:])
        return _saved(ctx, added, _("Added {key}. Cycles started from now on ask:").format(key=key))
    return Outcome([_card(questions)])


def _saved(ctx: Context, questions: list[dict[str, Any]], said: str) -> Outcome:
    save_questions(ctx.tenant, questions)
    ctx.store.keep(ctx.tenant)
    return Outcome([Text(said), _card(questions)])


def _key_for(text: str, taken: set[str]) -> str:
    base = "_".join(re.findall(r"[a-z0-9]+", text.lower()))[:30].strip("_") or "question"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def _card(questions: Sequence[Mapping[str, Any]]) -> Card:
    fields = tuple(
        # The key, the kind and who answers are the words an admin types: as they are.
        Field(f"{q['key']} ({q['kind']})", f"{question_text(q)} · {', '.join(q['for'])}")
        for q in questions
    )
    return Card(_("Review template"), (Section("", fields),))


def _say(text: str) -> Outcome:
    return Outcome([Text(text)])
