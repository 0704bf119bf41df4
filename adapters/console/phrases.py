"""The terminal's words (bot.core.ports.Phrasebook): it has no channels of its own, so it tells
people how the chat platforms do it."""

from __future__ import annotations

from adapters.phrases import on_any_platform
from bot.core.i18n import catalog

_, ngettext = catalog("adapters")


class ConsolePhrasebook:
    def channel_command(self, command: str) -> str:
        return on_any_platform(command)

    def let_me_in(self) -> str:
        return _("Add me there")


PHRASEBOOK = ConsolePhrasebook()
