"""Every command the bot answers, read from the capabilities that declare them.

The order is the order of `help`. A new capability adds its rows (and its slash command) here.
"""

from __future__ import annotations

from bot.checkins import commands as checkins
from bot.core.commands import CommandTable
from bot.digests import commands as digests
from bot.feedback import commands as feedback
from bot.goals import commands as goals
from bot.home import commands as home
from bot.kudos import commands as kudos
from bot.notify import commands as notify
from bot.oneonones import commands as oneonones
from bot.org import commands as org
from bot.pulse import commands as pulse
from bot.reviews import commands as reviews
from bot.team import commands as team

COMMAND_TABLE = CommandTable(
    (
        *checkins.COMMANDS,
        *goals.COMMANDS,
        *team.COMMANDS,
        *feedback.COMMANDS,
        *pulse.COMMANDS,
        *digests.COMMANDS,
        *kudos.COMMANDS,
        *oneonones.COMMANDS,
        *reviews.COMMANDS,
        *org.COMMANDS,
        *notify.COMMANDS,
        *home.COMMANDS,
    ),
    (checkins.SLASH, goals.SLASH, feedback.SLASH, pulse.SLASH, digests.SLASH, kudos.SLASH),
)
