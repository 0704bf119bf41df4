"""A small demo org, seeded on the first run so a newcomer can check in within a minute.

Its names only: the command line's defaults read them without loading the database code that
`app.demo.seed` needs."""

from __future__ import annotations

DEMO_TENANT = "console:local"
DEMO_USER = "alan@demo.example"
