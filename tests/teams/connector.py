"""A mock Bot Connector (the serviceUrl a Teams bot talks to) on 127.0.0.1, an ephemeral port.

Give `connector.url` to botbuilder as the activity's serviceUrl, or to
`ConnectorClient(credentials, base_url=connector.url)`. It answers the v3 conversation routes the
way Teams does (ResourceResponse ids, TeamsChannelAccount members, `a:1…` personal chats, new
channel threads, `{"error": {"code", "message"}}` bodies), records every write with its
Authorization header, and fails, rate-limits or blocks on demand. A team's roster comes page by
page (`pagedmembers`, with a continuation token) and can be rate-limited on its own
(`limit_roster`), answering 429 with Retry-After. Writes can be held to Teams' limits per tenant
(`limit_tenant`) and per conversation (`limit_conversations`), which the bot is not told of.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

from aiohttp import web

from tests.teams.activities import BOT_ID, TENANT, display_name, personal_conversation_id
from tests.teams.activities import aad_object_id as default_aad_object_id
from tests.teams.connector_limits import CONVERSATION_WINDOWS, Throttle, Windows

BLOCKED_MESSAGE = "The bot is blocked or was removed from this conversation."


@dataclass
class Sent:
    conversation_id: str
    activity: dict[str, Any]
    authorization: str | None
    reply_to: str | None = None
    activity_id: str | None = None  # the id this mock gave it (or, for updates, was given)
    new_post: bool = False  # the first post of a new thread in a channel
    at: float = 0.0  # when it was taken, on the connector's clock


@dataclass
class _Failure:
    status: int
    retry_after: float | None
    conversation: str | None


@dataclass
class _Outage:
    """Writes fail until `until` (time.monotonic()), answering `statuses` in turn."""

    until: float
    statuses: tuple[int, ...]
    retry_after: float | None
    served: int = 0


class MockConnector:
    def __init__(self) -> None:
        self.url = ""
        self.sent: list[Sent] = []
        self.updates: list[Sent] = []
        self.created: list[dict[str, Any]] = []
        self.rejected: list[tuple[str, int]] = []  # (conversation id, status) of refused writes
        self._members: dict[str, dict[str, Any]] = {}
        self._failures: deque[_Failure] = deque()
        self._outage: _Outage | None = None
        self._blocked: dict[str, str] = {}
        self._activities: dict[str, set[str]] = {}
        self._ids = itertools.count(1_700_000_100_001)
        self._runner: web.AppRunner | None = None
        self._teams: dict[str, list[str]] = {}
        self._roster_limit: tuple[float, int] | None = None  # (seconds a call, burst)
        self._roster_whole = False
        self._roster_tokens = 0.0
        self._roster_updated = 0.0
        self.roster_calls: list[RosterCall] = []
        self.clock: Callable[[], float] = time.monotonic  # what the write limits count on
        self.throttle = Throttle()
        # Each member's personal chat with the bot, and its tenant: Teams knows a
        # conversation's tenant, and botbuilder leaves it out of what the bot sends.
        self._chat_tenants: dict[str, str] = {}

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        conversation = "/v3/conversations/{conversation_id}"
        app.router.add_post("/v3/conversations", self._create_conversation)
        app.router.add_post(f"{conversation}/activities", self._send)
        app.router.add_post(f"{conversation}/activities/{{reply_to}}", self._send)
        app.router.add_put(f"{conversation}/activities/{{activity_id}}", self._update)
        app.router.add_get(f"{conversation}/members", self._members_list)
        app.router.add_get(f"{conversation}/pagedmembers", self._paged_members)
        app.router.add_get(f"{conversation}/members/{{member_id}}", self._member)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- set-up ------------------------------------------------------------------------------

    def add_member(
        self,
        user_id: str,
        *,
        email: str,
        name: str = "",
        tenant: str = TENANT,
        aad_object_id: str | None = None,
        upn: str | None = None,
        role: str = "user",
    ) -> None:
        """A member of the tenant; `role` "guest" for a guest (Teams' userRole)."""
        full_name = name or display_name(user_id)
        given, _, surname = full_name.partition(" ")
        self._members[user_id] = {
            "id": user_id,
            "name": full_name,
            "givenName": given,
            "surname": surname or None,
            "email": email,
            "userPrincipalName": upn or email,
            "aadObjectId": aad_object_id or default_aad_object_id(user_id),
            "tenantId": tenant,
            "userRole": role,
        }
        self._chat_tenants[personal_conversation_id(user_id)] = tenant

    def add_team(self, team_id: str, members: list[str]) -> None:
        """A team the bot is in, with these members (added with add_member) on its roster. A
        roster asked of a conversation that is no such team lists every member."""
        self._teams[team_id] = list(members)

    def limit_roster(
        self, per_second: float, *, burst: int = 1, whole_seconds: bool = False
    ) -> None:
        """Roster pages faster than this get a 429 with Retry-After, a token bucket as Teams'
        own limits are: when the next page would pass, to the millisecond, or in whole
        seconds as Teams writes it."""
        self._roster_limit = (1.0 / per_second, burst)
        self._roster_whole = whole_seconds
        self._roster_tokens, self._roster_updated = float(burst), time.monotonic()

    def limit_tenant(self, per_second: int = 50, *, whole_seconds: bool = False) -> None:
        """Teams' 50 writes a second per tenant, or `per_second` (see Throttle)."""
        self.throttle.limit_tenants(per_second, whole_seconds=whole_seconds)

    def limit_conversations(
        self, windows: Windows = CONVERSATION_WINDOWS, *, whole_seconds: bool = False
    ) -> None:
        """Teams' 7 writes a second to one conversation, 8 in 2 s, 60 in 30 s, 1800 an hour."""
        self.throttle.limit_conversations(windows, whole_seconds=whole_seconds)

    def fail(
        self,
        times: int,
        *,
        status: int = 429,
        retry_after: float | None = 1,
        conversation: str | None = None,
    ) -> None:
        """The next `times` writes (to `conversation` only, if given) answer `status`.

        Writes are activity POSTs and PUTs (and create_conversation with an activity). A
        fractional Retry-After (for fast tests) is fine for POSTs; on a PUT, urllib3 inside the
        default ConnectorClient rejects it (InvalidHeader) unless `let_pacer_retry(client)`.
        """
        for _ in range(times):
            self._failures.append(_Failure(status, retry_after, conversation))

    def fail_for(
        self,
        seconds: float,
        *,
        statuses: tuple[int, ...] = (500, 429),
        retry_after: float | None = 1,
    ) -> None:
        """For the next `seconds`, every write fails: an outage or a throttling storm that
        lasts a while, however many writes it sees. The answers take `statuses` in turn, a 429
        with Retry-After `retry_after`."""
        self._outage = _Outage(time.monotonic() + seconds, statuses, retry_after)

    def block(self, conversation_id: str, *, code: str = "ConversationBlockedByUser") -> None:
        """Writes there answer 403, as when the user blocked or uninstalled the bot; and so
        does reading its roster, as when the bot was removed from a team."""
        self._blocked[conversation_id] = code

    def messages_to(self, conversation_id: str) -> list[dict[str, Any]]:
        return [sent.activity for sent in self.sent if sent.conversation_id == conversation_id]

    def new_posts(self, channel_id: str) -> list[Sent]:
        """Top-level posts in a channel: each one starts its own thread."""
        return [sent for sent in self.sent if sent.new_post and sent.conversation_id == channel_id]

    def replies_in(self, channel_id: str) -> list[Sent]:
        """Messages sent into the channel's threads (conversation "<channel>;messageid=<root>")."""
        return [sent for sent in self.sent if sent.conversation_id.startswith(f"{channel_id};")]

    # -- routes ------------------------------------------------------------------------------

    async def _create_conversation(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        if body is None:
            return _error(400, "BadSyntax", "The request body is not JSON.")
        self.created.append(body)
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id")
        if body.get("isGroup") and channel:
            return self._start_thread(request, body, str(channel))
        members = body.get("members") or []
        bot = (body.get("bot") or {}).get("id") or BOT_ID
        tenant = _tenant_of(body)
        if body.get("isGroup") or len(members) != 1 or not members[0].get("id"):
            return _error(400, "BadArgument", "A personal chat needs exactly one member.")
        if not tenant:
            return _error(400, "BadArgument", "The tenant id is missing.")
        conversation_id = personal_conversation_id(members[0]["id"], bot_id=bot)
        answer: dict[str, Any] = {"id": conversation_id}
        activity = body.get("activity")
        if isinstance(activity, dict) and activity.get("type"):
            refused = self._refusal(conversation_id, tenant)
            if refused is not None:
                return refused
            answer["activityId"] = self._record(conversation_id, activity, request, None)
        return web.json_response(answer, status=201)

    def _start_thread(
        self, request: web.Request, body: dict[str, Any], channel_id: str
    ) -> web.Response:
        """A new post in a channel: Teams needs the post itself, and answers with the thread's
        conversation id and the post's id."""
        activity = body.get("activity")
        if not isinstance(activity, dict) or not activity.get("type"):
            return _error(400, "BadSyntax", "Incorrect conversation creation parameters")
        refused = self._refusal(channel_id, _tenant_of(body))
        if refused is not None:
            return refused
        activity_id = self._record(channel_id, activity, request, None, new_post=True)
        thread = f"{channel_id};messageid={activity_id}"
        return web.json_response({"id": thread, "activityId": activity_id}, status=201)

    async def _send(self, request: web.Request) -> web.Response:
        conversation_id = request.match_info["conversation_id"]
        reply_to = request.match_info.get("reply_to")
        activity = await _json_body(request)
        if activity is None or not activity.get("type"):
            return _error(400, "BadSyntax", "An activity with a type is required.")
        refused = self._refusal(conversation_id, self._tenant_in(conversation_id, activity))
        if refused is not None:
            return refused
        activity_id = self._record(conversation_id, activity, request, reply_to)
        return web.json_response({"id": activity_id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        conversation_id = request.match_info["conversation_id"]
        activity_id = request.match_info["activity_id"]
        activity = await _json_body(request)
        if activity is None or not activity.get("type"):
            return _error(400, "BadSyntax", "An activity with a type is required.")
        refused = self._refusal(conversation_id, self._tenant_in(conversation_id, activity))
        if refused is not None:
            return refused
        if activity_id not in self._activities.get(conversation_id, set()):
            return _error(404, "ActivityNotFoundInConversation", "Unknown activity.")
        self.updates.append(
            Sent(conversation_id, activity, request.headers.get("Authorization"), None, activity_id)
        )
        return web.json_response({"id": activity_id})

    async def _members_list(self, request: web.Request) -> web.Response:
        return web.json_response(list(self._members.values()))

    async def _paged_members(self, request: web.Request) -> web.Response:
        """One page of the roster: `pageSize` members (Teams takes 50 to 500), then a
        continuation token naming where the next page starts."""
        conversation = request.match_info["conversation_id"]
        call = RosterCall(conversation, dict(request.query))
        self.roster_calls.append(call)
        if conversation in self._blocked:  # the bot was removed from the team
            call.status = 403
            return _error(403, self._blocked[conversation], BLOCKED_MESSAGE)
        wait = self._roster_wait()
        if wait is not None:
            call.status = 429
            seconds = str(max(1, math.ceil(wait))) if self._roster_whole else f"{wait:.3f}"
            headers = {"Retry-After": seconds}
            return _error(429, "TooManyRequests", "Too many requests.", headers)
        try:
            size = min(max(int(request.query.get("pageSize") or 200), 50), 500)
        except ValueError:
            return _error(400, "BadArgument", "pageSize is not a number.")
        ids = self._teams.get(conversation, list(self._members))
        start = 0
        if request.query.get("continuationToken"):
            start = _page_start(request.query["continuationToken"])
            if start is None:
                return _error(400, "BadArgument", "The continuation token is not valid.")
        page = [self._members[i] for i in ids[start : start + size] if i in self._members]
        answer: dict[str, Any] = {"members": page}
        if start + size < len(ids):
            answer["continuationToken"] = _page_token(start + size)
        return web.json_response(answer)

    def _roster_wait(self) -> float | None:
        """Seconds until a roster page would pass the limit; None when it passes now."""
        if self._roster_limit is None:
            return None
        interval, burst = self._roster_limit
        now = time.monotonic()
        self._roster_tokens = min(
            float(burst), self._roster_tokens + (now - self._roster_updated) / interval
        )
        self._roster_updated = now
        if self._roster_tokens < 1.0 - 1e-9:
            return (1.0 - self._roster_tokens) * interval
        self._roster_tokens -= 1.0
        return None

    async def _member(self, request: web.Request) -> web.Response:
        member = self._members.get(request.match_info["member_id"])
        if member is None:
            return _error(404, "MemberNotFoundInConversation", "The member was not found.")
        return web.json_response(member)

    # -- helpers -----------------------------------------------------------------------------

    def _refusal(self, conversation_id: str, tenant: str | None = None) -> web.Response | None:
        code = self._blocked.get(conversation_id)
        if code is not None:
            self.rejected.append((conversation_id, 403))
            return _error(403, code, BLOCKED_MESSAGE)
        outage = self._outage
        if outage is not None and time.monotonic() < outage.until:
            status = outage.statuses[outage.served % len(outage.statuses)]
            outage.served += 1
            self.rejected.append((conversation_id, status))
            throttled = status == 429 and outage.retry_after is not None
            headers = {"Retry-After": f"{outage.retry_after:g}"} if throttled else {}
            code = "TooManyRequests" if status == 429 else "ServiceError"
            return _error(status, code, f"Failed with {status}.", headers)
        for failure in self._failures:
            if failure.conversation in (None, conversation_id):
                self._failures.remove(failure)
                self.rejected.append((conversation_id, failure.status))
                headers = {}
                if failure.retry_after is not None:
                    headers["Retry-After"] = f"{failure.retry_after:g}"
                code = "TooManyRequests" if failure.status == 429 else "ServiceError"
                return _error(failure.status, code, f"Failed with {failure.status}.", headers)
        wait = self.throttle.wait(conversation_id, tenant, self.clock())
        if wait is not None:
            self.rejected.append((conversation_id, 429))
            headers = {"Retry-After": self.throttle.retry_after(wait)}
            return _error(429, "TooManyRequests", "Too many requests.", headers)
        return None

    def _tenant_in(self, conversation_id: str, activity: dict[str, Any]) -> str | None:
        conversation = activity.get("conversation")
        named = _tenant_of(conversation) if isinstance(conversation, dict) else None
        return _tenant_of(activity) or named or self._chat_tenants.get(conversation_id)

    def _record(
        self,
        conversation_id: str,
        activity: dict[str, Any],
        request: web.Request,
        reply_to: str | None,
        *,
        new_post: bool = False,
    ) -> str:
        activity_id, now = str(next(self._ids)), self.clock()
        self._activities.setdefault(conversation_id, set()).add(activity_id)
        authorization = request.headers.get("Authorization")
        self.sent.append(
            Sent(conversation_id, activity, authorization, reply_to, activity_id, new_post, now)
        )
        return activity_id


@dataclass
class RosterCall:
    conversation_id: str
    query: dict[str, str]
    status: int = 200


def _page_token(start: int) -> str:
    return base64.b64encode(f"page:{start}".encode()).decode()


def _page_start(token: str) -> int | None:
    try:
        prefix, _, start = base64.b64decode(token, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(start) if prefix == "page" and start.isdigit() else None


def _tenant_of(body: dict[str, Any]) -> str | None:
    # botbuilder-python writes "tenantID"; the .NET service reads JSON keys case-insensitively.
    for key, value in body.items():
        if key.lower() == "tenantid" and value:
            return str(value)
    tenant = ((body.get("channelData") or {}).get("tenant") or {}).get("id")
    return str(tenant) if tenant else None


async def _json_body(request: web.Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(
        {"error": {"code": code, "message": message}}, status=status, headers=headers
    )
