"""Words more than one platform's phrasebook (bot.core.ports.Phrasebook) says alike."""

from __future__ import annotations

from bot.core.i18n import catalog

_, ngettext = catalog("adapters")


def on_any_platform(command: str) -> str:
    """How `command` is typed in a channel, on each platform one deployment may serve: people
    are told both ways wherever they ask."""
    return _(
        "in Slack as /{command} (a private channel needs /invite @checkin first), "
        "in Teams with @checkin in front"
    ).format(command=command)
