"""Who is acting, where, and when: what every command handler is given, in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storage.models import Person, Tenant
from storage.repository import Store

if TYPE_CHECKING:
    from bot.core.commands import CommandTable


@dataclass
class Context:
    store: Store
    tenant: Tenant
    person: Person
    now: datetime
    platform: str
    commands: CommandTable
    # This event linked the person to this platform account: nothing sent before reached it.
    first_contact: bool = False
    channel: dict[str, Any] | None = None  # a command typed in a channel: where
