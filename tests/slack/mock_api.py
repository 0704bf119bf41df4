"""A mock Slack Web API and Socket Mode endpoint on 127.0.0.1, an ephemeral port.

Point `AsyncWebClient(base_url=api.url)` (or SLACK_API_URL) at it. It reads form, query and JSON
bodies the way Slack does (JSON only for the methods that accept it), checks bot tokens against
`add_team`, answers with Slack's shapes and error codes, and can fail or rate-limit on demand.
Rotating tokens work as Slack's do: a refresh token (oauth.v2.access, grant_type=refresh_token)
is good once, and a bot token stops working when it expires (token_expired); the one it was
refreshed from keeps working until its own expiry. `refreshes` lists the refreshes asked for.
Messages it stores keep their metadata and read back through conversations.history; their
timestamps follow a clock of its own, which `advance` moves on. Files go up as Slack's do now:
files.getUploadURLExternal, a POST of the bytes to the URL it gives (served here too, recorded
as the call "upload"), files.completeUploadExternal.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import itertools
import json
import math
import re
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Self
from zoneinfo import ZoneInfo

from aiohttp import BodyPartReader, WSMsgType, web

from tests.slack.payloads import APP_ID, BOT_ID, BOT_USER

DEFAULT_SCOPES = "chat:write,im:write,im:history,commands,users:read,users:read.email,files:write"
# Slack parses a JSON body only for methods documented to accept one; others see no arguments.
JSON_METHOD_PREFIXES = ("chat.", "views.", "conversations.")
# These authenticate with client credentials or an app-level token, not a workspace bot token.
NO_BOT_TOKEN = {"oauth.v2.access", "apps.connections.open", "tooling.tokens.rotate"}
# Message timestamps start here (2023-11-14T22:13:20Z), 100 µs apart unless `advance`d.
EPOCH = 1_700_000_000
# Slack ignores metadata whose event_type holds anything else, with a warning.
EVENT_TYPE = re.compile(r"[A-Za-z0-9_-]+")
# The POST of a file's bytes to its upload URL, as it shows in `calls` and for `fail`.
UPLOAD = "upload"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None
    at: float  # the mock's `clock` (time.monotonic() unless set) when it arrived
    team: str | None = None
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.response.get("ok") is True


@dataclass
class _Team:
    id: str
    bot_user: str
    bot_id: str = BOT_ID


@dataclass
class _Channel:
    private: bool
    member: bool
    archived: bool


@dataclass
class UploadedFile:
    """A file from files.getUploadURLExternal on: its bytes once posted, where it was shared
    once completed."""

    id: str
    team: str
    filename: str
    length: int
    alt_txt: str | None
    data: bytes | None = None
    title: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str | None = None
    completed: bool = False


@dataclass
class _Limit:
    """A token bucket: `burst` calls at once, refilled at one call every `interval` seconds."""

    interval: float
    burst: int
    per_channel: bool
    whole_seconds: bool


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass
class _Failure:
    status: int
    retry_after: float | None
    error: str | None


@dataclass
class _Outage:
    """Calls fail until `until` (time.monotonic()), answering `statuses` in turn."""

    until: float
    statuses: tuple[int, ...]
    retry_after: float | None
    served: int = 0


class SlackError(Exception):
    def __init__(self, error: str, *messages: str) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)


class MockSlackApi:
    def __init__(self, *, client_id: str = "111.222", client_secret: str = "client-secret") -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.url = ""
        self.files_url = ""
        self.socket_url = ""
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.files: dict[str, UploadedFile] = {}
        self.socket_acks: list[dict[str, Any]] = []
        self.socket_errors: list[str] = []
        self.socket_connections = 0
        self._teams: dict[str, _Team] = {}
        self._tokens: dict[str, str] = {}
        self._revoked: dict[str, str] = {}
        self._users: dict[str, dict[str, Any]] = {}
        # Channels added with add_channel: whether private, and whether the bot is a member.
        # A channel id the test never added is open to the bot, as before.
        self._channels: dict[str, _Channel] = {}
        self._oauth: dict[str, dict[str, Any]] = {}
        self._refresh: dict[str, str] = {}
        self._expires: dict[str, float] = {}  # bot token -> when it expires (time.time())
        self._delays: dict[str, float] = {}
        self._used_config_refresh: set[str] = set()
        self._failures: dict[str, deque[_Failure]] = defaultdict(deque)
        self._fail_after: dict[str, int] = defaultdict(int)
        self._outages: dict[str, _Outage] = {}
        self._limits: dict[str, list[_Limit]] = defaultdict(list)
        self._buckets: dict[tuple[str | None, str, str | None], _Bucket] = {}
        # What rate limits and `Call.at` read; a benchmark may run it faster than real time.
        self.clock: Callable[[], float] = time.monotonic
        self._serial = itertools.count(1)
        self._clock_us = EPOCH * 1_000_000
        self._stamped_us = 0
        self.wall_clock = False
        # conversations.history's most messages a page; Slack cuts it to 15 for commercially
        # distributed apps outside the Marketplace.
        self.history_max = 999
        self._runner: web.AppRunner | None = None
        self._socket: web.WebSocketResponse | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self._connected = asyncio.Condition()
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._handlers: dict[str, Callable[[dict[str, Any], _Team], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.update": self._update_message,
            "chat.postEphemeral": self._post_ephemeral,
            "conversations.open": self._open_conversation,
            "conversations.join": self._join,
            "conversations.history": self._history,
            "views.open": self._open_view,
            "views.publish": self._publish_view,
            "views.update": self._update_view,
            "users.info": self._user_info,
            "users.list": self._user_list,
            "users.profile.get": self._profile,
            "users.lookupByEmail": self._lookup_by_email,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/socket", self._socket_endpoint)
        app.router.add_post("/upload/v1/{file_id}", self._upload)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/api/"
        self.files_url = f"http://127.0.0.1:{port}/upload/v1/"
        self.socket_url = f"ws://127.0.0.1:{port}/socket"

    async def stop(self) -> None:
        for ack in self._acks.values():
            ack.cancel()
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- set-up ------------------------------------------------------------------------------

    def called(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def add_team(
        self,
        team: str,
        token: str,
        *,
        bot_user: str = BOT_USER,
        refresh_token: str | None = None,
        expires_in: float | None = None,
    ) -> None:
        """A workspace (or an org, for an org-wide install) and its bot token; with
        `refresh_token`, a rotating one that expires in `expires_in` seconds."""
        self._teams[team] = _Team(team, bot_user)
        self._tokens[token] = team
        if refresh_token is not None:
            self._refresh[refresh_token] = team
            self._expires[token] = time.time() + (expires_in or 43200)

    def refreshes(self) -> list[Call]:
        """The oauth.v2.access calls that asked to refresh a bot token, answered or not."""
        return [
            call
            for call in self.called("oauth.v2.access")
            if call.params.get("grant_type") == "refresh_token"
        ]

    def delay(self, method: str, seconds: float) -> None:
        """Every call of `method` takes `seconds` longer to answer, as a slow Slack would."""
        self._delays[method] = seconds

    def add_user(
        self,
        user_id: str,
        *,
        team: str = "T1",
        email: str,
        name: str = "",
        tz: str = "Europe/London",
        admin: bool = False,
        guest: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        locale: str = "en-US",
        invited: bool = False,
    ) -> None:
        """A user of `team`; `guest` a single-channel guest (Slack's is_ultra_restricted);
        `locale` answered only to include_locale, as Slack does; `invited` an invitation not
        accepted yet. Adding a user id again replaces that user (a change in the directory)."""
        now = datetime.now(ZoneInfo(tz))
        offset = now.utcoffset()
        real_name = name or user_id
        self._users[user_id] = {
            "id": user_id,
            "team_id": team,
            "name": real_name.lower().replace(" ", "."),
            "deleted": deleted,
            "real_name": real_name,
            "tz": tz,
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "is_bot": is_bot,
            "is_app_user": False,
            "is_restricted": guest,
            "is_ultra_restricted": guest,
            "is_admin": admin,
            "is_owner": False,
            "is_invited_user": invited,
            "locale": locale,
            "updated": int(time.time()),
            "profile": {
                "real_name": real_name,
                "display_name": real_name.split(" ")[0],
                "email": email,
                "team": team,
            },
        }

    def set_status(self, user_id: str, emoji: str = "", text: str = "", expires: int = 0) -> None:
        """A user's status, as they set it in Slack; `expires` Unix seconds, 0 for never."""
        profile = self._users[user_id]["profile"]
        profile.update(status_emoji=emoji, status_text=text, status_expiration=expires)

    def add_channel(
        self, channel: str, *, private: bool = False, member: bool = False, archived: bool = False
    ) -> None:
        """A channel the bot can post in only as a member; a public one it may join."""
        self._channels[channel] = _Channel(private, member, archived)

    def revoke(self, token: str, error: str = "token_revoked") -> None:
        """Later calls with this token answer `error` (token_revoked, token_expired, ...)."""
        self._revoked[token] = error

    def set_oauth(
        self,
        code: str,
        team: str,
        token: str,
        *,
        bot_user: str = BOT_USER,
        user: str = "U1",
        scope: str = DEFAULT_SCOPES,
        team_name: str = "",
        refresh_token: str | None = None,
        expires_in: int | None = None,
        org_wide: bool = False,
    ) -> None:
        """oauth.v2.access with this code installs the app in `team` with bot token `token`;
        with `org_wide`, `team` is an Enterprise Grid org installed as a whole."""
        self.add_team(
            team, token, bot_user=bot_user, refresh_token=refresh_token, expires_in=expires_in
        )
        answer: dict[str, Any] = {
            "access_token": token,
            "token_type": "bot",
            "scope": scope,
            "bot_user_id": bot_user,
            "app_id": APP_ID,
            "team": {"id": team, "name": team_name or f"Team {team}"},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": user},
        }
        if org_wide:
            org = {"id": team, "name": team_name or f"Org {team}"}
            answer |= {"team": None, "enterprise": org, "is_enterprise_install": True}
        if refresh_token is not None:
            answer |= {"refresh_token": refresh_token, "expires_in": expires_in or 43200}
        self._oauth[code] = answer

    def fail(
        self,
        method: str,
        times: int,
        *,
        status: int = 429,
        retry_after: float | None = 1,
        error: str | None = None,
        after: int = 0,
    ) -> None:
        """The next `times` calls of `method` fail (the first `after` of them succeeding)."""
        self._fail_after[method] = after
        for _ in range(times):
            self._failures[method].append(_Failure(status, retry_after, error))

    def fail_for(
        self,
        method: str,
        seconds: float,
        *,
        statuses: tuple[int, ...] = (500, 429),
        retry_after: float | None = 1,
    ) -> None:
        """For the next `seconds`, every call of `method` fails: a platform outage or a
        throttling storm that lasts a while, however many calls it sees. The answers take
        `statuses` in turn, a 429 with Retry-After `retry_after`."""
        self._outages[method] = _Outage(time.monotonic() + seconds, statuses, retry_after)

    def advance(self, **delta: float) -> None:
        """Messages posted from now on are stamped this much later, as if the time went by."""
        self._clock_us += timedelta(**delta) // timedelta(microseconds=1)

    def now(self) -> datetime:
        """The mock's time: the next message is stamped 100 µs after it."""
        micros = max(self._clock_us, self._stamped_us) - EPOCH * 1_000_000
        return datetime.fromtimestamp(EPOCH, UTC) + timedelta(microseconds=micros)

    def limit(
        self,
        method: str,
        per_second: float,
        *,
        burst: int = 1,
        per_channel: bool = False,
        whole_seconds: bool = False,
    ) -> None:
        """Like Slack, per workspace (and per channel with `per_channel`, as chat.postMessage's
        one a second in each channel): calls faster than this get a 429 with Retry-After.

        A token bucket: `burst` calls may come at once, then one every 1/per_second seconds.
        Retry-After says when the next call would pass, to the millisecond, or rounded up to a
        whole second with `whole_seconds`, the way Slack writes it. Limits add up: a call must
        pass each of its method's, and one refused takes no token from any.
        """
        self._limits[method].append(_Limit(1.0 / per_second, burst, per_channel, whole_seconds))

    # -- Web API -----------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params, token = await self._read(request, method)
        call = Call(method, params, token, self.clock())
        self.calls.append(call)
        headers: dict[str, str] = {}
        if method in self._delays:
            await asyncio.sleep(self._delays[method])
        try:
            call.team = self._authenticate(method, token)
            self._injected_failure(method, headers)
            self._rate_limit(method, call.team, params, headers)
            handler = self._handlers.get(method) or self._special(method)
            team = self._teams.get(call.team or "") or _Team(call.team or "T1", BOT_USER)
            body = {"ok": True} | handler(params, team)
        except _HttpFailure as failure:
            call.status = failure.status
            if failure.status >= 500:
                html = _SERVER_ERROR.format(status=failure.status)
                return web.Response(
                    status=failure.status, text=html, content_type="text/html", headers=headers
                )
            error = "ratelimited" if failure.status == 429 else f"http_{failure.status}"
            call.response = {"ok": False, "error": error}
            return web.json_response(call.response, status=failure.status, headers=headers)
        except SlackError as refusal:
            body = {"ok": False, "error": refusal.error}
            if refusal.messages:
                body["response_metadata"] = {"messages": refusal.messages}
        call.response = body
        return web.json_response(body, headers=headers)

    async def _read(self, request: web.Request, method: str) -> tuple[dict[str, Any], str | None]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json()
            if method.startswith(JSON_METHOD_PREFIXES) and isinstance(body, dict):
                params |= body
        elif request.can_read_body:
            form = await request.post()
            params |= {key: value for key, value in form.items() if isinstance(value, str)}
        token = params.pop("token", None)
        authorization = request.headers.get("Authorization", "")
        if authorization.startswith("Bearer "):
            token = authorization.removeprefix("Bearer ").strip()
        elif authorization.startswith("Basic "):
            try:
                pair = base64.b64decode(authorization.removeprefix("Basic ")).decode()
            except (binascii.Error, UnicodeDecodeError):
                pair = ":"
            params["client_id"], _, params["client_secret"] = pair.partition(":")
        return params, token

    def _authenticate(self, method: str, token: str | None) -> str | None:
        if method == "apps.connections.open":
            # It wants the app-level token, never a bot token.
            if not token:
                raise SlackError("not_authed")
            if not token.startswith("xapp-"):
                raise SlackError("not_allowed_token_type")
        if method in NO_BOT_TOKEN:
            return None
        if not token:
            raise SlackError("not_authed")
        if token in self._revoked:
            raise SlackError(self._revoked[token])
        if not self._teams:
            return "T1"
        if token not in self._tokens:
            raise SlackError("invalid_auth")
        if time.time() >= self._expires.get(token, math.inf):
            raise SlackError("token_expired")
        return self._tokens[token]

    def _injected_failure(self, method: str, headers: dict[str, str]) -> None:
        outage = self._outages.get(method)
        if outage is not None and time.monotonic() < outage.until:
            status = outage.statuses[outage.served % len(outage.statuses)]
            outage.served += 1
            if status == 429 and outage.retry_after is not None:
                headers["Retry-After"] = _seconds(outage.retry_after)
            raise _HttpFailure(status)
        if not self._failures[method]:
            return
        if self._fail_after[method] > 0:
            self._fail_after[method] -= 1
            return
        failure = self._failures[method].popleft()
        if failure.error is not None:
            raise SlackError(failure.error)
        if failure.retry_after is not None:
            headers["Retry-After"] = _seconds(failure.retry_after)
        raise _HttpFailure(failure.status)

    def _rate_limit(
        self, method: str, team: str | None, params: dict[str, Any], headers: dict[str, str]
    ) -> None:
        if method not in self._limits:
            return
        now = self.clock()
        channel = str(params.get("channel") or "")
        waits: list[tuple[float, _Limit]] = []
        buckets: list[_Bucket] = []
        for limit in self._limits[method]:
            key = (team, method, channel if limit.per_channel else None)
            bucket = self._buckets.setdefault(key, _Bucket(float(limit.burst), now))
            bucket.tokens = min(
                float(limit.burst), bucket.tokens + (now - bucket.updated) / limit.interval
            )
            bucket.updated = now
            buckets.append(bucket)
            if bucket.tokens < 1.0 - 1e-9:
                waits.append(((1.0 - bucket.tokens) * limit.interval, limit))
        if waits:
            wait, limit = max(waits, key=lambda pair: pair[0])
            headers["Retry-After"] = (
                str(max(1, math.ceil(wait))) if limit.whole_seconds else _seconds(wait)
            )
            raise _HttpFailure(429)
        for bucket in buckets:
            bucket.tokens -= 1.0

    def _special(self, method: str) -> Callable[[dict[str, Any], _Team], dict[str, Any]]:
        specials = {
            "apps.connections.open": self._connections_open,
            "oauth.v2.access": self._oauth_access,
            "tooling.tokens.rotate": self._rotate_config_token,
        }
        if method not in specials:
            raise SlackError("unknown_method")
        return specials[method]

    def follow_wall_clock(self) -> None:
        """Stamp messages with the real time, for a bot process that reads its own clock."""
        self.wall_clock = True

    def _next_ts(self) -> str:
        base = int(time.time() * 1_000_000) if self.wall_clock else self._clock_us
        micros = self._stamped_us = max(base, self._stamped_us) + 100
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    # -- methods -----------------------------------------------------------------------------

    def _auth_test(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        return {
            "url": f"https://{team.id.lower()}.slack.com/",
            "team": f"Team {team.id}",
            "user": "checkin",
            "team_id": team.id,
            "user_id": team.bot_user,
            "bot_id": team.bot_id,
            "is_enterprise_install": False,
        }

    def _post_message(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        channel = _channel(params, allow_user=True)
        self._check_member(channel)
        thread_ts = str(params["thread_ts"]) if params.get("thread_ts") else None
        if thread_ts is not None and (channel, thread_ts) not in self.messages:
            raise SlackError("thread_not_found")
        blocks = _blocks(params, limit=50)
        text = str(params.get("text") or "")
        if not text and not blocks:
            raise SlackError("no_text")
        if len(text) > 40000:
            raise SlackError("msg_too_long")
        metadata, warnings = _metadata(params)
        ts = self._next_ts()
        message = {
            "type": "message",
            "text": text,
            "user": team.bot_user,
            "bot_id": team.bot_id,
            "app_id": APP_ID,
            "team": team.id,
            "ts": ts,
            "blocks": blocks,
        }
        if metadata is not None:
            message["metadata"] = metadata
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
        self.messages[(channel, ts)] = message
        answer = {"channel": channel, "ts": ts, "message": message}
        if warnings:
            answer |= {"warning": ",".join(warnings), "response_metadata": {"warnings": warnings}}
        return answer

    def _update_message(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        channel = _channel(params, allow_user=False)
        ts = str(params.get("ts") or "")
        message = self.messages.get((channel, ts))
        if message is None:
            raise SlackError("message_not_found")
        if "text" in params:
            message["text"] = str(params["text"])
        if "blocks" in params:
            message["blocks"] = _blocks(params, limit=50)
        metadata, _ = _metadata(params)
        if metadata is not None:
            message["metadata"] = metadata
        return {"channel": channel, "ts": ts, "text": message["text"], "message": message}

    def _post_ephemeral(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        _channel(params, allow_user=False)
        if not params.get("user"):
            raise SlackError("user_not_in_channel")
        if not params.get("text") and not _blocks(params, limit=50):
            raise SlackError("no_text")
        return {"message_ts": self._next_ts()}

    def _check_member(self, channel: str) -> None:
        found = self._channels.get(channel)
        if found is None:
            return
        if found.archived:
            raise SlackError("is_archived")
        if not found.member:
            # Slack hides a private channel from a non-member altogether.
            raise SlackError("channel_not_found" if found.private else "not_in_channel")

    def _join(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        channel = str(params.get("channel") or "")
        found = self._channels.get(channel)
        if found is None or found.private:
            raise SlackError(
                "channel_not_found" if found is None else "method_not_supported_for_channel_type"
            )
        if found.archived:
            raise SlackError("is_archived")
        found.member = True
        return {"channel": {"id": channel, "is_member": True}}

    def _open_conversation(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        users = params.get("users") or ""
        ids = users if isinstance(users, list) else [u for u in str(users).split(",") if u]
        if not ids:
            raise SlackError("users_list_not_supplied")
        if len(ids) == 1:
            return {"channel": {"id": f"D{ids[0]}"}}
        return {"channel": {"id": "G" + "".join(sorted(ids))}}

    def _history(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        """Newest first, `limit` to a page; a cursor names the first message of the next."""
        channel = str(params.get("channel") or "")
        mine = [m for (c, _), m in self.messages.items() if c == channel and m["team"] == team.id]
        if not channel.startswith("D") and not mine:
            raise SlackError("channel_not_found")
        inclusive = _flag(params.get("inclusive"))
        oldest = _micros(params.get("oldest") or "0", "invalid_ts_oldest")
        latest = _micros(params.get("latest") or "9999999999", "invalid_ts_latest")
        try:
            limit = int(params.get("limit") or 100)
        except (TypeError, ValueError):
            raise SlackError("invalid_limit") from None
        limit = min(limit if limit > 0 else 100, self.history_max)
        start = _from_cursor(str(params["cursor"])) if params.get("cursor") else latest

        def within(ts: int) -> bool:
            after = ts >= oldest if inclusive else ts > oldest
            before = ts <= latest if inclusive else ts < latest
            return after and before and ts <= start

        stamped = sorted(
            ((_micros(m["ts"], "invalid_ts"), m) for m in mine), key=lambda p: p[0], reverse=True
        )
        found = [message for ts, message in stamped if within(ts)]
        with_metadata = _flag(params.get("include_all_metadata"))
        page = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
            for m in found[:limit]
        ]
        answer: dict[str, Any] = {"messages": page, "has_more": len(found) > limit}
        answer |= {"pin_count": 0, "channel_actions_ts": None, "channel_actions_count": 0}
        if len(found) > limit:
            answer["response_metadata"] = {"next_cursor": _to_cursor(found[limit]["ts"])}
        return answer

    def _open_view(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        trigger_id = params.get("trigger_id")
        if not trigger_id:
            raise SlackError("invalid_arguments", "[ERROR] missing required field: trigger_id")
        if trigger_id == "expired":
            raise SlackError("expired_trigger_id")
        return {"view": self._store_view(_view(params, "modal"), team)}

    def _publish_view(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        if not params.get("user_id"):
            raise SlackError("invalid_arguments", "[ERROR] missing required field: user_id")
        return {"view": self._store_view(_view(params, "home"), team)}

    def _update_view(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        view_id = params.get("view_id")
        stored = self.views.get(str(view_id))
        if stored is None:
            raise SlackError("not_found")
        if params.get("hash") and params["hash"] != stored["hash"]:
            raise SlackError("hash_conflict")
        view = _view(params, stored["type"])
        return {"view": self._store_view(view, team, view_id=stored["id"])}

    def _store_view(
        self, view: dict[str, Any], team: _Team, *, view_id: str | None = None
    ) -> dict[str, Any]:
        view_id = view_id or f"V{next(self._serial):08d}"
        stored = {
            "id": view_id,
            "team_id": team.id,
            "type": view.get("type"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "state": {"values": {}},
            "hash": uuid.uuid4().hex[:16],
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": APP_ID,
            "app_installed_team_id": team.id,
            "bot_id": team.bot_id,
        }
        self.views[view_id] = stored
        return stored

    def _user_info(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        if not params.get("user"):
            raise SlackError("invalid_arguments", "[ERROR] missing required field: user")
        user = self._users.get(str(params["user"]))
        if user is None or user["team_id"] != team.id:
            raise SlackError("user_not_found")
        return {"user": _with_locale(user, params)}

    def _profile(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        user = self._users.get(str(params.get("user") or ""))
        if user is None or user["team_id"] != team.id:
            raise SlackError("user_not_found")
        return {"profile": {"status_emoji": "", "status_text": "", **user["profile"]}}

    def _user_list(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        """The workspace's users, deleted ones too, by id; `limit` a page (at most 1,000), and
        a cursor naming the first user of the next page, base64 as Slack's are."""
        try:
            limit = int(params.get("limit") or 0)
        except (TypeError, ValueError):
            raise SlackError("invalid_limit") from None
        limit = min(limit, 1000) if limit > 0 else 1000
        users = sorted(
            (u for u in self._users.values() if u["team_id"] == team.id), key=lambda u: u["id"]
        )
        start = 0
        if params.get("cursor"):
            first = _from_user_cursor(str(params["cursor"]))
            start = next((i for i, u in enumerate(users) if u["id"] >= first), len(users))
        page = users[start : start + limit]
        rest = users[start + limit :]
        return {
            "members": [_with_locale(user, params) for user in page],
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": _to_user_cursor(rest[0]["id"]) if rest else ""},
        }

    def _lookup_by_email(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        email = str(params.get("email") or "").lower()
        for user in self._users.values():
            if user["team_id"] == team.id and user["profile"]["email"].lower() == email:
                return {"user": _with_locale(user, params)}
        raise SlackError("users_not_found")

    # -- files -------------------------------------------------------------------------------

    def _upload_url(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        filename = str(params.get("filename") or "")
        length = str(params.get("length") or "")
        if not filename or not length.isdigit() or int(length) == 0:
            raise SlackError("missing_argument")
        alt_txt = params.get("alt_txt")
        if alt_txt is not None and len(str(alt_txt)) > 1000:
            raise SlackError("alt_txt_too_large")
        file_id = f"F{next(self._serial):08d}"
        self.files[file_id] = UploadedFile(
            file_id, team.id, filename, int(length), None if alt_txt is None else str(alt_txt)
        )
        return {"upload_url": f"{self.files_url}{file_id}", "file_id": file_id}

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL: raw bytes or a multipart form; no token, the URL is the key."""
        file_id = request.match_info["file_id"]
        call = Call(UPLOAD, {"file_id": file_id}, None, self.clock())
        self.calls.append(call)
        headers: dict[str, str] = {}
        try:
            self._injected_failure(UPLOAD, headers)
        except (_HttpFailure, SlackError) as failure:
            call.status = failure.status if isinstance(failure, _HttpFailure) else 400
            return web.Response(status=call.status, text="upload failed", headers=headers)
        data = await _file_bytes(request)
        file = self.files.get(file_id)
        call.params["length"] = len(data)
        if file is None or file.completed:
            call.status = 404
            return web.Response(status=404, text="not found")
        # Stricter than Slack is known to be: bytes that differ from the length declared.
        if len(data) != file.length:
            call.status = 400
            return web.Response(status=400, text=f"expected {file.length} bytes")
        file.data = data
        call.response = {"ok": True}
        return web.Response(text=f"OK - {len(data)}")

    def _complete_upload(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        items = _decoded(params.get("files") or "null")
        if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
            raise SlackError("invalid_arguments", "[ERROR] missing required field: files")
        found = [self.files.get(str(item.get("id"))) for item in items]
        files = [f for f in found if f is not None and f.team == team.id]
        # Only uploaded files complete, and only once (error names are the mock's own).
        if len(files) < len(items) or any(f.data is None or f.completed for f in files):
            raise SlackError("file_not_found")
        channel = str(params["channel_id"]) if params.get("channel_id") else None
        if channel is not None:
            _channel({"channel": channel}, allow_user=False)
            self._check_member(channel)
        thread_ts = str(params["thread_ts"]) if params.get("thread_ts") else None
        if thread_ts is not None and (channel is None or (channel, thread_ts) not in self.messages):
            raise SlackError("invalid_thread_ts")
        for file, item in zip(files, items, strict=True):
            file.title = str(item.get("title") or file.filename)
            file.channel, file.thread_ts, file.completed = channel, thread_ts, True
            file.initial_comment = params.get("initial_comment")
        if channel is not None:
            self._share(channel, thread_ts, files, team)
        return {"files": [{"id": f.id, "title": f.title} for f in files]}

    def _share(
        self, channel: str, thread_ts: str | None, files: list[UploadedFile], team: _Team
    ) -> None:
        """Shared files show in the conversation as a message of the bot's."""
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "subtype": "file_share",
            "text": files[0].initial_comment or "",
            "user": team.bot_user,
            "bot_id": team.bot_id,
            "team": team.id,
            "ts": ts,
            "files": [{"id": f.id, "title": f.title, "name": f.filename} for f in files],
        }
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
        self.messages[(channel, ts)] = message

    def _connections_open(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        return {"url": self.socket_url}

    def _oauth_access(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        if params.get("client_id") != self.client_id:
            raise SlackError("invalid_client_id")
        if params.get("client_secret") != self.client_secret:
            raise SlackError("bad_client_secret")
        if params.get("grant_type") == "refresh_token":
            return self._rotate_bot_token(str(params.get("refresh_token") or ""))
        answer = self._oauth.pop(str(params.get("code") or ""), None)
        if answer is None:
            raise SlackError("invalid_code")
        return answer

    def _rotate_bot_token(self, refresh_token: str) -> dict[str, Any]:
        team_id = self._refresh.pop(refresh_token, None)
        if team_id is None:
            raise SlackError("invalid_refresh_token")
        n = next(self._serial)
        token, new_refresh = f"xoxe.xoxb-1-{team_id}-{n}", f"xoxe-1-{team_id}-{n}"
        self._tokens[token] = team_id
        self._refresh[new_refresh] = team_id
        self._expires[token] = time.time() + 43200
        return {
            "app_id": APP_ID,
            "scope": DEFAULT_SCOPES,
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": self._teams[team_id].bot_user,
            "refresh_token": new_refresh,
            "expires_in": 43200,
            "team": {"id": team_id, "name": f"Team {team_id}"},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _rotate_config_token(self, params: dict[str, Any], team: _Team) -> dict[str, Any]:
        refresh_token = str(params.get("refresh_token") or "")
        if not refresh_token.startswith("xoxe-") or refresh_token in self._used_config_refresh:
            raise SlackError("invalid_refresh_token")
        self._used_config_refresh.add(refresh_token)
        n, now = next(self._serial), int(time.time())
        return {
            "token": f"xoxe.xoxp-1-config-{n}",
            "refresh_token": f"xoxe-1-config-{n}",
            "team_id": "T1",
            "user_id": "U1",
            "iat": now,
            "exp": now + 43200,
        }

    # -- Socket Mode -------------------------------------------------------------------------

    # The timeouts are part of the helper's contract: a test never waits unbounded.
    async def socket_connected(
        self,
        timeout: float = 10,  # noqa: ASYNC109
        *,
        connections: int = 1,
    ) -> None:
        """Wait until a client is connected, the `connections`-th since start at least."""

        def ready() -> bool:
            return self._socket is not None and self.socket_connections >= connections

        async with self._connected:
            await asyncio.wait_for(self._connected.wait_for(ready), timeout)
        assert not self.socket_errors, self.socket_errors

    async def socket_send(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        timeout: float = 5,  # noqa: ASYNC109
    ) -> dict[str, Any] | None:
        """Push an envelope as Slack does; the client's ack, or None when none came in time."""
        if self._socket is None or self._socket.closed:
            raise RuntimeError("no Socket Mode client is connected")
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": _accepts_response_payload(envelope_type, payload),
        }
        if envelope_type == "events_api":
            envelope |= {"retry_attempt": 0, "retry_reason": ""}
        ack = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = ack
        await self._socket.send_str(json.dumps(envelope))
        try:
            return await asyncio.wait_for(ack, timeout)
        except TimeoutError:
            return None
        finally:
            self._acks.pop(envelope_id, None)

    async def socket_disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the client to reconnect, as Slack does every few hours."""
        if self._socket is not None:
            await self._socket.send_json({"type": "disconnect", "reason": reason})

    async def _socket_endpoint(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(timeout=1.0)
        await ws.prepare(request)
        self._sockets.add(ws)
        self._socket = ws
        self.socket_connections += 1
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self._sockets),
                "debug_info": {
                    "host": "applink-mock",
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": APP_ID},
            }
        )
        async with self._connected:
            self._connected.notify_all()
        try:
            # Pings are answered by aiohttp (autoping); only text frames reach this loop.
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._on_socket_text(message.data)
                else:
                    self.socket_errors.append(f"unexpected frame {message.type!r}")
        finally:
            self._sockets.discard(ws)
            if self._socket is ws:
                self._socket = None
        return ws

    def _on_socket_text(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            self.socket_errors.append(f"not JSON: {text[:80]!r}")
            return
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        if not envelope_id:
            self.socket_errors.append(f"not an ack: {text[:80]!r}")
            return
        self.socket_acks.append(message)
        ack = self._acks.get(envelope_id)
        if ack is None:
            self.socket_errors.append(f"ack for an unknown envelope {envelope_id}")
        elif not ack.done():
            ack.set_result(message)


class _HttpFailure(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


_SERVER_ERROR = "<html><body><h1>{status}: the server is having a moment</h1></body></html>"


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{max(value, 0.001):.3f}"


def _channel(params: dict[str, Any], *, allow_user: bool) -> str:
    channel = str(params.get("channel") or "")
    if allow_user and channel.startswith("U"):
        return f"D{channel}"
    if not channel or channel[0] not in "CDG":
        raise SlackError("channel_not_found")
    return channel


def _decoded(value: Any) -> Any:
    # Form bodies carry blocks and views as JSON strings; JSON bodies carry them as objects.
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise SlackError("invalid_arguments", "[ERROR] not valid JSON") from None
    return value


async def _file_bytes(request: web.Request) -> bytes:
    if not request.content_type.startswith("multipart/"):
        return await request.read()
    reader = await request.multipart()
    async for part in reader:
        if isinstance(part, BodyPartReader) and part.filename is not None:
            return bytes(await part.read())
    return b""


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _micros(ts: Any, error: str) -> int:
    """A Slack timestamp ("1700000000.000100", or whole seconds) in microseconds."""
    seconds, _, fraction = str(ts).partition(".")
    if not seconds.isdigit() or not (fraction == "" or fraction.isdigit()) or len(fraction) > 6:
        raise SlackError(error)
    return int(seconds) * 1_000_000 + int(fraction.ljust(6, "0"))


def _to_cursor(ts: str) -> str:
    # Slack's history cursors look like this too: base64 of "next_ts:<micros>".
    return base64.b64encode(f"next_ts:{_micros(ts, 'invalid_ts')}".encode()).decode()


def _from_cursor(cursor: str) -> int:
    try:
        prefix, _, micros = base64.b64decode(cursor, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise SlackError("invalid_cursor") from None
    if prefix != "next_ts" or not micros.isdigit():
        raise SlackError("invalid_cursor")
    return int(micros)


def _to_user_cursor(user: str) -> str:
    return base64.b64encode(f"user:{user}".encode()).decode()


def _from_user_cursor(cursor: str) -> str:
    try:
        prefix, _, user = base64.b64decode(cursor, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise SlackError("invalid_cursor") from None
    if prefix != "user" or not user:
        raise SlackError("invalid_cursor")
    return user


def _with_locale(user: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """A user object as answered: Slack leaves the locale out unless include_locale."""
    if _flag(params.get("include_locale")):
        return user
    return {key: value for key, value in user.items() if key != "locale"}


def _metadata(params: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    """The message metadata given, if any, and Slack's warnings when it ignores it."""
    if not params.get("metadata"):
        return None, []
    metadata = _decoded(params["metadata"])
    if not isinstance(metadata, dict):
        return None, ["invalid_metadata_schema"]
    event_type, payload = metadata.get("event_type"), metadata.get("event_payload")
    if not isinstance(event_type, str) or not EVENT_TYPE.fullmatch(event_type):
        return None, ["invalid_metadata_schema"]
    if not isinstance(payload, dict):
        return None, ["invalid_metadata_schema"]
    return {"event_type": event_type, "event_payload": payload}, []


def _blocks(params: dict[str, Any], *, limit: int) -> list[Any]:
    blocks = _decoded(params.get("blocks") or [])
    if not isinstance(blocks, list) or len(blocks) > limit:
        raise SlackError("invalid_blocks", f"[ERROR] no more than {limit} items allowed")
    for block in blocks:
        if not isinstance(block, dict) or "type" not in block:
            raise SlackError("invalid_blocks", "[ERROR] a block needs a type")
        text = (block.get("text") or {}).get("text") or ""
        if block["type"] == "section" and len(text) > 3000:
            raise SlackError("invalid_blocks", "[ERROR] must be less than 3001 characters")
    return blocks


def _view(params: dict[str, Any], kind: str) -> dict[str, Any]:
    view = _decoded(params.get("view"))
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments", "[ERROR] missing required field: view")
    problems = []
    if view.get("type") != kind:
        problems.append(f"[ERROR] must be '{kind}' [json-pointer:/view/type]")
    for part in ("title", "submit", "close"):
        if len(((view.get(part) or {}).get("text")) or "") > 24:
            problems.append(f"[ERROR] must be less than 25 characters [json-pointer:/view/{part}]")
    if len(view.get("blocks") or []) > 100:
        problems.append("[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]")
    if len(view.get("private_metadata") or "") > 3000:
        problems.append(
            "[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]"
        )
    if problems:
        raise SlackError("invalid_arguments", *problems)
    return view


def _accepts_response_payload(envelope_type: str, payload: dict[str, Any]) -> bool:
    # As Slack: a command's or a view submission's ack may carry a response, an event's may not.
    if envelope_type == "slash_commands":
        return True
    return envelope_type == "interactive" and payload.get("type") in (
        "view_submission",
        "block_suggestion",
    )
