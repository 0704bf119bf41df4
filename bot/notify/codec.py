"""Messages as JSON, for those held until someone's quiet hours end: each dataclass with its
type's name, its tuples as lists, a chart's PNG as base64."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Sequence
from typing import Any

from bot.core import messages as kinds
from bot.core.messages import Message

TYPE = "type"
BYTES = "base64"
# The message types a held message may hold, and the parts they are made of.
TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        kinds.Text,
        kinds.Choice,
        kinds.Question,
        kinds.Field,
        kinds.Section,
        kinds.Chart,
        kinds.Card,
        kinds.FormField,
        kinds.Form,
    )
}


def encoded(messages: Sequence[Message]) -> list[Any]:
    return [_encode(message) for message in messages]


def decoded(raw: Sequence[Any]) -> list[Message]:
    return [_decode(item) for item in raw]


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if name not in TYPES:
            raise TypeError(f"a {name} can't be held")
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {TYPE: name, **fields}
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if isinstance(value, bytes):
        return {BYTES: base64.b64encode(value).decode("ascii")}
    return value


def _decode(raw: Any) -> Any:
    if isinstance(raw, list):
        return tuple(_decode(item) for item in raw)
    if isinstance(raw, dict) and BYTES in raw:
        return base64.b64decode(raw[BYTES])
    if isinstance(raw, dict) and raw.get(TYPE) in TYPES:
        parts = {key: _decode(value) for key, value in raw.items() if key != TYPE}
        return TYPES[raw[TYPE]](**parts)
    return raw
