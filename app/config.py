"""Configuration from the environment, with an optional .env file (SPEC section 3)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from dotenv import dotenv_values

from storage.db import DEFAULT_URL


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_URL
    slack_bot_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_client_id: str = ""
    slack_client_secret: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_api_url: str = "https://slack.com/api/"
    microsoft_app_id: str = ""
    microsoft_app_password: str = field(default="", repr=False)
    microsoft_app_tenant_id: str = ""
    microsoft_app_type: str = "MultiTenant"
    secret_key: str = field(default="", repr=False)
    # Any MICROSOFT_* variable set, even empty: serve Teams (an empty app id means no auth).
    teams_requested: bool = False

    @property
    def slack_configured(self) -> bool:
        return bool(
            self.slack_bot_token
            or (self.slack_client_id and self.slack_client_secret)
            or self.slack_app_token
        )

    @property
    def teams_configured(self) -> bool:
        return bool(self.microsoft_app_id) or self.teams_requested

    @property
    def any_platform(self) -> bool:
        return self.slack_configured or self.teams_configured


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: str | None = ".env"
) -> Settings:
    """Real environment variables win over the .env file."""
    values: dict[str, str] = {}
    if env_file and os.path.exists(env_file):
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str, default: str = "") -> str:
        return values.get(name, "").strip() or default

    return Settings(
        database_url=get("DATABASE_URL", DEFAULT_URL),
        slack_bot_token=get("SLACK_BOT_TOKEN"),
        slack_signing_secret=get("SLACK_SIGNING_SECRET"),
        slack_client_id=get("SLACK_CLIENT_ID"),
        slack_client_secret=get("SLACK_CLIENT_SECRET"),
        slack_app_token=get("SLACK_APP_TOKEN"),
        slack_api_url=get("SLACK_API_URL", "https://slack.com/api/"),
        microsoft_app_id=get("MICROSOFT_APP_ID"),
        microsoft_app_password=get("MICROSOFT_APP_PASSWORD"),
        microsoft_app_tenant_id=get("MICROSOFT_APP_TENANT_ID"),
        microsoft_app_type=get("MICROSOFT_APP_TYPE", "MultiTenant"),
        secret_key=get("CHECKIN_SECRET_KEY"),
        teams_requested=any(name.startswith("MICROSOFT_APP_") for name in values),
    )
