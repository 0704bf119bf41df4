"""The scheduler's handlers for check-ins: one person's prompt and reminder
(bot/checkins/prompting.py), and a wave of many at once (bot/checkins/wave.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.checkins.prompting import PROMPT, REMINDER, Prompter
from bot.checkins.wave import SENDERS, Wave
from bot.core.ports import Sender
from scheduler.due import Due, NextDue

__all__ = ["PROMPT", "REMINDER", "ScheduledCheckins"]


class ScheduledCheckins(Prompter):
    def __init__(self, engine: Sender, senders: int = SENDERS) -> None:
        super().__init__(engine)
        self.wave = Wave(self, senders)

    async def prompt_many(self, dues: Sequence[Due], now: datetime) -> dict[int, NextDue]:
        """A claimed batch of prompts at once (bot/checkins/wave.py)."""
        return await self.wave.prompt(dues, now)
