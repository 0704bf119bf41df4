"""A form in the terminal: its fields asked one at a time, then sent back whole, as a modal or a
card would send it. A blank line keeps what a field says already; leaving the first field of a
part blank (a key result's title) skips the rest of that part; `cancel` (or quit) drops the form."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import TextIO

from adapters.console.render import clean
from bot.core.i18n import catalog
from bot.core.messages import Form, FormField

CANCEL_WORDS = {"cancel", "/cancel", "quit", "exit", "/quit", "/exit"}
MAX_ROUNDS = 5  # a form sent back to fix this many times is dropped: nothing more to ask

_, ngettext = catalog("adapters")


class Cancelled(Exception):
    """The person typed cancel, or input ended, part-way through a form."""


class ConsoleForms:
    """Fills a form from lines of input and submits it until it is accepted."""

    def __init__(self, stdin: TextIO, stdout: TextIO, interactive: bool) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = interactive

    async def fill(
        self,
        form: Form,
        submit: Callable[[dict[str, str]], Awaitable[Mapping[str, str]]],
    ) -> None:
        """Ask every field, submit; ask again the fields it was sent back for, until accepted."""
        intro = _("{title}: a form, one field at a time. cancel drops it.")
        self._write(intro.format(title=clean(form.title)))
        fields = form.fields
        values: dict[str, str] = {}
        try:
            for _round in range(MAX_ROUNDS):
                values.update(await self._ask(fields, values))
                errors = await submit(values)
                if not errors:
                    return
                self._write(_("Some answers need another look:"))
                for why in errors.values():
                    self._write(f"- {clean(why)}")
                fields = tuple(f for f in form.fields if f.key in errors)
                if not fields:
                    return
            self._write(_("Nothing was saved: the form still had mistakes."))
        except Cancelled:
            self._write(_("Nothing was saved from that form."))

    async def _ask(
        self, fields: tuple[FormField, ...], earlier: Mapping[str, str]
    ) -> dict[str, str]:
        values: dict[str, str] = {}
        skipped: set[str] = set()
        for field in fields:
            if field.group and field.group in skipped:
                values[field.key] = ""
                continue
            answer = await self._one(field, earlier.get(field.key) or field.initial)
            values[field.key] = answer
            first_of_group = field.group and field.key == _first_key(fields, field.group)
            if first_of_group and not answer and not field.initial:
                skipped.add(field.group)
        return values

    async def _one(self, field: FormField, shown: str) -> str:
        lines = [clean(field.label)]
        if field.choices:
            lines += [f"   {n}) {clean(c.label)}" for n, c in enumerate(field.choices, 1)]
        if shown:
            label = next((c.label for c in field.choices if c.value == shown), shown)
            lines.append("   " + _("(blank keeps: {answer})").format(answer=clean(label)))
        self._write("\n".join(lines))
        while True:
            typed = await self._line()
            if not typed:
                return shown  # what a modal or a card sends for a field left as it was
            if not field.choices:
                return typed
            chosen = _choice(field, typed)
            if chosen is not None:
                return chosen
            again = _("Type a number from 1 to {last}, or leave it blank.")
            self._write("   " + again.format(last=len(field.choices)))

    async def _line(self) -> str:
        if self.interactive:
            self.stdout.write("form> ")
            self.stdout.flush()
        line = await asyncio.to_thread(self.stdin.readline)
        if not line:
            raise Cancelled
        text = line.rstrip("\r\n")
        if not self.interactive:
            self._write(f"form> {text}")
        if text.strip().lower() in CANCEL_WORDS:
            raise Cancelled
        return text.strip()

    def _write(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()


def _first_key(fields: tuple[FormField, ...], group: str) -> str:
    return next(f.key for f in fields if f.group == group)


def _choice(field: FormField, typed: str) -> str | None:
    """A choice by its number in the list, its label or its value, or the first word of its
    label ("#4" for "#4 Win the mid-market")."""
    if typed.isdecimal() and 1 <= int(typed) <= len(field.choices):
        return field.choices[int(typed) - 1].value
    word = typed.lower()
    for choice in field.choices:
        if word in (choice.label.lower(), choice.value.lower()):
            return choice.value
    for choice in field.choices:
        if choice.label.lower().startswith(word + " "):
            return choice.value
    return None
