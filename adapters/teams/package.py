"""`checkin-bot teams-package`: the Teams app package (manifest, 192 px color icon, 32 px
outline icon), zipped, ready to upload in Teams or the Teams admin center."""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

MANIFEST_VERSION = "1.30"
ACCENT = (0x2C, 0x2D, 0x30)
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
HOST = re.compile(r"^[A-Za-z0-9.-]+(:[0-9]+)?$")

# What Teams suggests as people type to the bot (at most 12).
COMMANDS = (
    ("checkin now", "Start this week's check-in"),
    ("checkin edit", "Go over your answers again"),
    ("goals", "Your goals and how they're going"),
    ("help", "Everything I can do"),
    ("checkin skip", "Skip this period"),
    ("checkin pause", "Pause check-ins through a date"),
    ("checkin resume", "Resume check-ins"),
    ("checkin schedule", "Set your days and time"),
    ("checkin team", "Your team's check-ins"),
    ("feedback", "Ask for or give feedback"),
    ("pulse", "Pulse surveys"),
    ("digest", "Weekly goal digest"),
)
# What Teams suggests when someone @mentions the bot in a channel or a group chat.
SHARED_COMMANDS = (
    ("digest subscribe", "A team's weekly goal digest here, every Monday"),
    ("digest unsubscribe", "No more weekly digest here"),
    ("digest now", "Preview the digest in your personal chat"),
)


class PackageError(ValueError):
    """Bad arguments; the message is shown as is."""


def manifest(app_id: str, host: str) -> dict[str, Any]:
    base = f"https://{host}"
    return {
        "$schema": "https://developer.microsoft.com/en-us/json-schemas/teams/"
        f"v{MANIFEST_VERSION}/MicrosoftTeams.schema.json",
        "manifestVersion": MANIFEST_VERSION,
        "version": "1.0.0",
        "id": app_id,
        "developer": {
            "name": "checkin-bot",
            "websiteUrl": base,
            "privacyUrl": f"{base}/privacy",
            "termsOfUseUrl": f"{base}/terms",
        },
        "name": {"short": "checkin-bot", "full": "checkin-bot: weekly goal check-ins"},
        "description": {
            "short": "Weekly goal check-ins, feedback and pulse surveys in chat",
            "full": "A short weekly check-in in your chat with the bot: update the key results "
            "you own in plain words, rate your confidence and name what blocks you. Managers "
            "see who checked in and what is blocked. Channels and group chats can get a "
            "weekly goal digest. Self-hosted.",
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal", "team", "groupChat"],
                "isNotificationOnly": False,
                "supportsFiles": False,
                "commandLists": [
                    {"scopes": ["personal"], "commands": _commands(COMMANDS)},
                    {"scopes": ["team", "groupChat"], "commands": _commands(SHARED_COMMANDS)},
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [host.split(":")[0]],
    }


def _commands(commands: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"title": title, "description": about} for title, about in commands[:12]]


def build_package(app_id: str, host: str = "checkin-bot.example.com") -> bytes:
    if not GUID.match(app_id or ""):
        raise PackageError(
            f"--app-id must be the bot's Microsoft app id, a GUID like "
            f"00000000-0000-0000-0000-000000000000 (got {app_id[:40]!r})"
        )
    if not HOST.match(host):
        raise PackageError(f"--host must be a host name like bot.example.com (got {host[:60]!r})")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest(app_id, host), indent=2))
        archive.writestr("color.png", color_icon())
        archive.writestr("outline.png", outline_icon())
    return buffer.getvalue()


def color_icon(size: int = 192) -> bytes:
    """A white check mark on the accent colour, full bleed."""
    return _png(
        size, lambda x, y: (255, 255, 255, 255) if _on_check(x, y, size) else (*ACCENT, 255)
    )


def outline_icon(size: int = 32) -> bytes:
    """Teams wants the outline icon white on transparent."""
    return _png(size, lambda x, y: (255, 255, 255, 255) if _on_check(x, y, size) else (0, 0, 0, 0))


def _on_check(x: int, y: int, size: int) -> bool:
    px, py = (x + 0.5) / size, (y + 0.5) / size
    strokes = (((0.25, 0.52), (0.42, 0.69)), ((0.42, 0.69), (0.76, 0.33)))
    return any(_distance(px, py, a, b) < 0.065 for a, b in strokes)


def _distance(px: float, py: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return float(((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5)


def _png(size: int, pixel: Callable[[int, int], tuple[int, int, int, int]]) -> bytes:
    """A minimal RGBA PNG (no image library needed for two small icons)."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(size)) for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )
