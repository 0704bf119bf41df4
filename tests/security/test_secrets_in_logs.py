"""No secret is ever logged: every logger at DEBUG, through installs, token rotation, sends,
Socket Mode, Teams turns and the error paths (a 500 from Slack, a revoked token, a database
that isn't there), and in the output of the real `checkin-bot serve` run with CHECKIN_DEBUG=1.

slack_sdk logs every Web API request body and response at DEBUG (headers it redacts itself);
for oauth.v2.access those are refresh tokens and fresh bot tokens. Bolt's client, which makes
installs, and every client that rotates tokens log on a logger kept at INFO
(adapters.slack.installations.token_rotation_client), so not even DEBUG shows them."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import DummyCookieJar
from aiohttp.test_utils import TestClient, TestServer

from adapters.slack.installations import DatabaseInstallationStore, token_rotation_client
from adapters.slack.rotation import ClaimedRotation
from adapters.slack.token_cipher import TokenCipher, TokenDecryptionError
from app.config import Settings
from app.server import ENGINE, build_web_app
from bot.core.messages import Text
from bot.core.ports import Recipient
from storage.db import Database, DatabaseUrlError
from tests.conftest import FakeClock, until
from tests.fuzz.apps import APP_PASSWORD, running_bot
from tests.postgres import free_port
from tests.seeded import SEEDED_AT
from tests.serve_process import ROOT, cli_env, run_cli
from tests.slack.conftest import SECRET, TOKEN, seed
from tests.slack.mock_api import MockSlackApi
from tests.slack.payloads import FORM, JSON, message_event, signed_headers, slash_command
from tests.teams.activities import message

BOT_TOKEN = "xoxb-4242-secret-bot-token-do-not-log"
REFRESH = "xoxe-1-secret-refresh-token-do-not-log"
CLIENT_SECRET = "client-secret-c0ffee-do-not-log"
APP_TOKEN = "xapp-1-A0CHECKIN-secret-app-token-do-not-log"
SECRET_KEY = "checkin secret key passphrase do-not-log"
DB_PASSWORD = "db-pa55-do-not-log"
STATE_COOKIE = "slack-app-oauth-state"
# Any Slack token at all: bot, user, refresh, rotated (xoxe.xoxb-…), app-level, config.
SLACK_TOKEN = re.compile(r"\bxox[a-z]?[.-][\w.-]{6,}|\bxapp-[\w-]{6,}")
JWT = re.compile(r"\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}")


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything every logger says, from DEBUG up."""
    with caplog.at_level(logging.DEBUG):
        yield caplog


def assert_no_secrets(text: str, *secrets: str) -> None:
    assert text, "nothing was logged: is the capture working?"
    for secret in secrets:
        assert secret not in text, f"{secret!r} is in the log"
    assert not SLACK_TOKEN.search(text), SLACK_TOKEN.search(text)


# -- Slack, one workspace ------------------------------------------------------------------------


async def test_sends_retries_bad_signatures_and_a_revoked_token_log_no_secret(
    sqlite_db: Database,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    logs: pytest.LogCaptureFixture,
) -> None:
    async with running_bot(sqlite_db, clock, monkeypatch) as bot:
        slack, api = bot.slack, bot.slack.api
        await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
        await slack.next_post(0)
        api.fail("chat.postMessage", 1, status=500)  # retried, and logged
        seen = len(slack.posts("U_ALAN"))
        await slack.event(message_event("signups 400, nps 35", user="U_ALAN"))
        await slack.next_post(seen)
        # A bad signature: bolt says so in the log.
        body = slash_command("/checkin", "now", user="U_ALAN")
        headers = signed_headers("not-the-secret", body, content_type=FORM)
        await slack.client.post("/slack/events", data=body, headers=headers)
        api.revoke(TOKEN, "invalid_auth")
        await slack.event(message_event("7", user="U_ALAN"))
        await until(lambda: any(c.response.get("error") == "invalid_auth" for c in api.calls))
        await asyncio.sleep(0.1)  # the failure is logged after the call
    assert "invalid_auth" in logs.text
    assert_no_secrets(logs.text, TOKEN, SECRET, APP_PASSWORD)


# -- Slack, OAuth: install, rotation in bolt and in scheduled sends ------------------------------


@pytest.fixture
async def oauth_slack(sqlite_db: Database, clock: FakeClock) -> AsyncIterator[Any]:
    async with MockSlackApi(client_id="111.222", client_secret=CLIENT_SECRET) as api:
        api.add_user("U_ALAN", team="T1", email="alan@example.com")
        api.add_user("U2ALAN", team="T2", email="alan@example.com")
        # Both install with tokens that expire in 10 minutes, so both get rotated.
        for code, team, token in (("c1", "T1", BOT_TOKEN), ("c2", "T2", BOT_TOKEN + "-2")):
            api.set_oauth(code, team, token, refresh_token=REFRESH + team, expires_in=600)
        settings = Settings(
            slack_client_id=api.client_id,
            slack_client_secret=CLIENT_SECRET,
            slack_signing_secret=SECRET,
            slack_api_url=api.url,
            secret_key=SECRET_KEY,
        )
        app = build_web_app(settings, sqlite_db, clock)
        server = TestServer(app, host="127.0.0.1", port=0)
        async with TestClient(server, cookie_jar=DummyCookieJar()) as client:
            yield api, client, app


async def install(client: TestClient[Any, Any], code: str) -> None:
    begun = await client.get("/slack/install", allow_redirects=False)
    state = begun.cookies[STATE_COOKIE].value
    done = await client.get(
        "/slack/oauth_redirect",
        params={"code": code, "state": state},
        headers={"Cookie": f"{STATE_COOKIE}={state}"},
        allow_redirects=False,
    )
    assert done.status == 200, await done.text()


async def test_installs_and_token_rotation_log_no_token_and_no_client_secret(
    oauth_slack: Any, sqlite_db: Database, logs: pytest.LogCaptureFixture
) -> None:
    api, client, app = oauth_slack
    await install(client, "c1")
    await install(client, "c2")
    await seed(sqlite_db, "slack:T1", SEEDED_AT)
    await seed(sqlite_db, "slack:T2", SEEDED_AT)
    # T1: a send with no request to hang it on (a scheduled one) rotates the token itself.
    await app[ENGINE].outbox.send(Recipient("slack", "T1", "U_ALAN"), Text("Hello"))
    # T2: it is rotated while an inbound request is authorized (on our API URL: bolt's own
    # rotator called slack.com, whatever SLACK_API_URL said).
    body = slash_command("/checkin", "now", user="U2ALAN", team="T2")
    response = await client.post("/slack/events", data=body, headers=signed(body, FORM))
    assert response.status == 200
    await until(lambda: len(api.called("oauth.v2.access")) >= 4)
    await until(lambda: any(c.ok for c in api.called("chat.postMessage")))
    rotations = [c for c in api.called("oauth.v2.access") if "refresh_token" in c.params]
    assert len(rotations) == 2, "both tokens were rotated"
    # A reader with the wrong CHECKIN_SECRET_KEY: the error names the variable, not the key.
    with pytest.raises(TokenDecryptionError) as wrong_key:
        await DatabaseInstallationStore(
            sqlite_db, TokenCipher.from_secret("another key")
        ).async_find_bot(enterprise_id=None, team_id="T1")
    logging.getLogger("test").error("%s", wrong_key.value)
    issued = [
        call.response.get(field, "")
        for call in api.called("oauth.v2.access")
        for field in ("access_token", "refresh_token")
    ]
    assert len([token for token in issued if token]) == 8
    assert_no_secrets(logs.text, CLIENT_SECRET, SECRET, SECRET_KEY, *issued)


async def test_the_rotation_for_scheduled_sends_logs_nothing_secret_even_on_failure(
    oauth_slack: Any, sqlite_db: Database, logs: pytest.LogCaptureFixture
) -> None:
    api, client, _ = oauth_slack
    await install(client, "c1")
    api.fail("oauth.v2.access", 1, error="invalid_refresh_token")
    store = DatabaseInstallationStore(sqlite_db, TokenCipher.from_secret(SECRET_KEY))
    stored = await store.stored_bot("slack:T1")
    assert stored is not None
    rotation = ClaimedRotation(
        store,
        client_id="111.222",
        client_secret=CLIENT_SECRET,
        client=token_rotation_client(api.url),
    )
    with pytest.raises(Exception, match="invalid_refresh_token") as failed:
        await rotation.fresh(stored)
    logging.getLogger("test").error("rotation failed", exc_info=failed.value)
    assert_no_secrets(logs.text, CLIENT_SECRET, REFRESH + "T1", BOT_TOKEN)


def signed(body: str, content_type: str) -> dict[str, str]:
    return signed_headers(SECRET, body, content_type=content_type)


# -- Slack, Socket Mode ------------------------------------------------------------------------


async def test_socket_mode_logs_no_app_token(
    sqlite_db: Database, clock: FakeClock, logs: pytest.LogCaptureFixture
) -> None:
    async with MockSlackApi() as api:
        api.add_team("T1", TOKEN)
        settings = Settings(slack_bot_token=TOKEN, slack_app_token=APP_TOKEN, slack_api_url=api.url)
        app = build_web_app(settings, sqlite_db, clock)
        async with TestClient(TestServer(app, host="127.0.0.1", port=0)):
            await api.socket_connected(timeout=5)
    assert api.called("apps.connections.open")
    assert_no_secrets(logs.text, APP_TOKEN, TOKEN)


# -- Teams ---------------------------------------------------------------------------------------


async def test_teams_turns_and_their_failures_log_no_app_password(
    sqlite_db: Database,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    logs: pytest.LogCaptureFixture,
) -> None:
    async with running_bot(sqlite_db, clock, monkeypatch) as bot:
        teams, url = bot.teams, bot.teams.connector.url
        token = bot.teams_token(url)
        await teams.post(message("checkin now", service_url=url), token)
        await teams.next_message(0)
        teams.connector.fail(1, status=500)
        seen = len(teams.connector.sent)
        await teams.post(message("400", service_url=url), token)
        await teams.next_message(seen)
        await teams.post(message("help", service_url=url), "not-a-token")
    assert "rejected a Teams request" in logs.text
    assert_no_secrets(logs.text, APP_PASSWORD, token)
    # Nor the bot's own tokens for the Connector (the mock saw them in Authorization).
    assert all(sent.authorization for sent in teams.connector.sent)
    assert not JWT.search(logs.text), JWT.search(logs.text)


# -- the database --------------------------------------------------------------------------------


async def test_a_database_that_isnt_there_is_logged_without_its_password(
    clock: FakeClock, logs: pytest.LogCaptureFixture
) -> None:
    url = f"postgresql://checkin:{DB_PASSWORD}@127.0.0.1:{free_port()}/checkin"
    database = Database(url)
    app = build_web_app(Settings(database_url=url), database, clock)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        assert (await client.get("/healthz")).status == 503
    await database.dispose()
    for broken in (
        f"postgresql://checkin:{DB_PASSWORD}@127.0.0.1:port/db",
        f"mysql://u:{DB_PASSWORD}@h/db",
    ):
        with pytest.raises(DatabaseUrlError) as error:
            Database(broken)
        logging.getLogger("test").error("%s", error.value)
    assert "does not answer" in logs.text
    assert_no_secrets(logs.text, DB_PASSWORD)


@pytest.mark.parametrize("debug", ["", "1"])
async def test_the_cli_names_no_password_when_the_database_is_away(
    tmp_path: Path, debug: str
) -> None:
    """The one-line error, and with CHECKIN_DEBUG=1 the whole traceback."""
    env = cli_env(tmp_path, CHECKIN_DEBUG=debug)
    for url in (
        f"postgresql://checkin:{DB_PASSWORD}@127.0.0.1:{free_port()}/checkin",
        f"postgresql://checkin:{DB_PASSWORD}@127.0.0.1:port/checkin",
    ):
        code, output = await run_cli(env, "--database", url, "db", "upgrade")
        assert code != 0 and ("checkin-bot:" in output or "Traceback" in output)
        assert DB_PASSWORD not in output, output


# -- the real server, every logger at DEBUG ------------------------------------------------------


async def test_checkin_bot_serve_at_debug_prints_no_secret(tmp_path: Path) -> None:
    """CHECKIN_DEBUG=1 sets every logger to DEBUG: what an operator turns on to find a fault."""
    async with MockSlackApi() as api:
        api.add_team("T1", BOT_TOKEN)
        api.add_user("U_ALAN", team="T1", email="alan@example.com")
        env = cli_env(
            tmp_path,
            CHECKIN_DEBUG="1",
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=api.url,
            CHECKIN_SECRET_KEY=SECRET_KEY,
            MICROSOFT_APP_ID="0d8c7a55-3b7e-4c1f-9d2a-5e6f7a8b9c0d",
            MICROSOFT_APP_PASSWORD=APP_PASSWORD,
            # Never fetched: the Teams request below has no token.
            TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=f"http://127.0.0.1:{free_port()}/none",
        )
        (tmp_path / "org.csv").write_text("email,name\nalan@example.com,Alan\n")
        code, output = await run_cli(
            env, "org", "import", str(tmp_path / "org.csv"), "--org", "slack:T1"
        )
        assert code == 0, output
        log_file = tmp_path / "serve.log"
        port = free_port()
        with log_file.open("wb") as sink:
            server = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port),
                env=env, stdout=sink, stderr=sink, cwd=ROOT,
            )  # fmt: skip
            try:
                await serve_some_requests(f"http://127.0.0.1:{port}", api)
            finally:
                server.terminate()
                await asyncio.wait_for(server.wait(), 30)
    output = log_file.read_text(errors="replace")
    assert "DEBUG" in output and "chat.postMessage" in output
    assert_no_secrets(output, BOT_TOKEN, SECRET, SECRET_KEY, APP_PASSWORD)


async def serve_some_requests(base: str, api: MockSlackApi) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(f"{base}/healthz") as response:
                    if response.status == 200:
                        break
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)
        body = slash_command("/checkin", "now", user="U_ALAN")
        async with session.post(f"{base}/slack/events", data=body, headers=signed(body, FORM)):
            pass
        await until(lambda: any(c.ok for c in api.called("chat.postMessage")))
        body = message_event("signups 400", user="U_ALAN")
        async with session.post(f"{base}/slack/events", data=body, headers=signed(body, JSON)):
            pass
        headers = {"Content-Type": "application/json"}
        activity = message("help", service_url="http://127.0.0.1:9/")
        async with session.post(f"{base}/api/messages", json=activity, headers=headers) as r:
            assert r.status == 401
        await until(lambda: len([c for c in api.called("chat.postMessage") if c.ok]) >= 2)
