"""`checkin-bot teams-package`: the Teams app package (manifest and icons, zipped) to a file."""

from __future__ import annotations

import asyncio
from pathlib import Path

from adapters.teams.package import PackageError, build_package
from app.commands import UsageError


async def write_teams_package(app_id: str, host: str, out: str) -> int:
    try:
        package = build_package(app_id, host)
    except PackageError as error:
        raise UsageError(str(error)) from None
    try:
        await asyncio.to_thread(Path(out).write_bytes, package)
    except OSError as error:
        raise UsageError(f"can't write {out}: {error.strerror or error}") from None
    print(f"wrote {out}: upload it in Teams (Apps > Manage your apps > Upload an app)")
    return 0
