"""The engine: events in, one unit of work each, messages out."""

from bot.core.ports import Sent
from bot.engine.engine import Engine

__all__ = ["Engine", "Sent"]
