"""Slack's words for what only Slack's people know how to do (bot.core.ports.Phrasebook)."""

from __future__ import annotations

from adapters.phrases import on_any_platform
from bot.core.i18n import catalog

_, ngettext = catalog("adapters")


class SlackPhrasebook:
    def channel_command(self, command: str) -> str:
        return on_any_platform(command)

    def let_me_in(self) -> str:
        return _("Invite me there (/invite @checkin)")


PHRASEBOOK = SlackPhrasebook()
