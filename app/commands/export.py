"""`checkin-bot export`: the org's export, as `app.export` builds it, written to standard
output or a JSON file, or as one CSV file per table into a directory (`app.export_csv`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from app.commands import UsageError
from app.export import export_org
from app.export_csv import csv_tables, write_tables
from bot.core.ports import Clock
from storage.db import Database


async def export(database: Database, args: argparse.Namespace, clock: Clock) -> int:
    try:
        data = await export_org(database, args.org, clock.now(), args.viewer)
    except LookupError as error:
        raise UsageError(str(error)) from None
    if args.format == "json" and not args.out:
        sys.stdout.write(_as_json(data))
        return 0
    try:
        if args.format == "csv":
            written = await asyncio.to_thread(write_tables, Path(args.out), csv_tables(data))
            print(f"wrote {len(written)} CSV files to {args.out}", file=sys.stderr)
        else:
            await asyncio.to_thread(Path(args.out).write_text, _as_json(data), encoding="utf-8")
            print(f"wrote {args.out}", file=sys.stderr)
    except OSError as error:
        raise UsageError(f"can't write {args.out}: {error.strerror or error}") from None
    return 0


def _as_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
