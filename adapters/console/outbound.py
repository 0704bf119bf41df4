"""Printing the engine's messages to the terminal."""

from __future__ import annotations

from typing import Any, TextIO

from adapters.console.render import render
from bot.messages import Message
from bot.ports import Recipient


class ConsoleOutbox:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    async def send(self, to: Recipient, message: Message) -> dict[str, Any] | None:
        self.stream.write(render(message) + "\n")
        self.stream.flush()
        return None
