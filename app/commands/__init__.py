"""What each `checkin-bot` command does, one module per command (or family of commands).

`app.cli` imports a command's module only when that command runs, so none of them pays for
another's imports. `person erase` is `app.erase`, and `serve` is `app.server`."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input from the command line; the message is printed as is."""
