"""The Teams test doubles answer botbuilder's real client, adapter and token validator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any

import jwt
import pytest
from aiohttp import ClientSession, web
from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ErrorResponseException,
)
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    ChannelValidation,
    JwtTokenValidation,
    MicrosoftAppCredentials,
    SimpleCredentialProvider,
)

from tests.teams import activities
from tests.teams.activities import BOT_ID, TENANT, personal_conversation_id
from tests.teams.auth_server import KEYS_PATH, METADATA_PATH, AuthServer
from tests.teams.connector import MockConnector

APP_ID = BOT_ID.removeprefix("28:")


@pytest.fixture(scope="module")
def auth() -> Iterator[AuthServer]:
    with AuthServer() as server:
        yield server


@pytest.fixture
async def connector() -> AsyncIterator[MockConnector]:
    async with MockConnector() as mock:
        yield mock


def bot_auth(auth: AuthServer, **extra: Any) -> ConfigurationBotFrameworkAuthentication:
    config = SimpleNamespace(APP_ID=APP_ID, APP_PASSWORD="app-password", **auth.env(), **extra)
    return ConfigurationBotFrameworkAuthentication(
        config, credentials_factory=auth.credentials_factory(APP_ID)
    )


def anonymous_client(connector: MockConnector) -> ConnectorClient:
    return ConnectorClient(MicrosoftAppCredentials(None, None), base_url=connector.url)


# -- the mock Bot Connector ------------------------------------------------------------------


async def test_a_signed_message_reaches_the_bot_which_looks_up_and_answers_the_sender(
    auth: AuthServer, connector: MockConnector
) -> None:
    connector.add_member("29:alan", email="alan@example.com", name="Alan Turing", upn="alan@corp")
    adapter = CloudAdapter(bot_auth(auth))
    inbound = activities.message("hi", service_url=connector.url)
    token = auth.token(audience=APP_ID, service_url=connector.url)
    seen: dict[str, Any] = {}

    async def logic(context: TurnContext) -> None:
        member = await TeamsInfo.get_member(context, context.activity.from_property.id)
        seen["member"] = member
        seen["members"] = await TeamsInfo.get_members(context)
        await context.send_activity(f"Hello {member.given_name}")

    await adapter.process_activity(f"Bearer {token}", Activity().deserialize(inbound), logic)

    member = seen["member"]
    assert (member.id, member.name, member.email) == ("29:alan", "Alan Turing", "alan@example.com")
    assert member.user_principal_name == "alan@corp"
    assert member.aad_object_id == inbound["from"]["aadObjectId"]
    assert (member.tenant_id, member.user_role) == (TENANT, "user")
    assert [m.email for m in seen["members"]] == ["alan@example.com"]
    [reply] = connector.sent
    assert reply.conversation_id == inbound["conversation"]["id"]
    assert reply.reply_to == inbound["id"]
    assert reply.activity["text"] == "Hello Alan"
    # The bot → channel token was minted by the AuthServer, not login.microsoftonline.com.
    assert reply.authorization is not None
    claims = jwt.decode(reply.authorization.split()[1], options={"verify_signature": False})
    assert (claims["aud"], claims["appid"]) == ("https://api.botframework.com", APP_ID)
    assert auth.requests[:2] == [METADATA_PATH, KEYS_PATH]


async def test_an_unknown_member_is_a_404_like_teams(connector: MockConnector) -> None:
    client = anonymous_client(connector)
    with pytest.raises(ErrorResponseException) as raised:
        await client.conversations.get_conversation_member("a:1x", "29:nobody")
    assert raised.value.response.status_code == 404
    assert raised.value.error.error.code == "MemberNotFoundInConversation"


async def test_create_conversation_opens_the_users_personal_chat_and_sends_in_it(
    auth: AuthServer, connector: MockConnector
) -> None:
    adapter = CloudAdapter(bot_auth(auth))
    parameters = ConversationParameters(
        is_group=False,
        bot=ChannelAccount(id=BOT_ID),
        members=[ChannelAccount(id="29:grace")],
        tenant_id=TENANT,
        channel_data={"tenant": {"id": TENANT}},
    )
    opened: list[str] = []

    async def deliver(context: TurnContext) -> None:
        opened.append(context.activity.conversation.id)
        await context.send_activity("Time for your check-in")

    await adapter.create_conversation(
        APP_ID, deliver, parameters, channel_id="msteams", service_url=connector.url
    )

    expected = personal_conversation_id("29:grace")
    assert opened == [expected]
    assert expected.startswith("a:1")
    [created] = connector.created
    assert created["members"] == [{"id": "29:grace"}]
    # botbuilder-python spells it "tenantID"; Teams reads keys case-insensitively.
    assert created["tenantID"] == TENANT
    assert [m["text"] for m in connector.messages_to(expected)] == ["Time for your check-in"]
    # The same user gets the same chat again, like Teams.
    again = await anonymous_client(connector).conversations.create_conversation(parameters)
    assert again.id == expected


async def test_create_conversation_with_an_activity_answers_its_id(
    connector: MockConnector,
) -> None:
    parameters = ConversationParameters(
        bot=ChannelAccount(id=BOT_ID),
        members=[ChannelAccount(id="29:ada")],
        tenant_id=TENANT,
        activity=Activity(type="message", text="hello"),
    )
    result = await anonymous_client(connector).conversations.create_conversation(parameters)
    assert result.id == personal_conversation_id("29:ada")
    assert result.activity_id
    assert connector.messages_to(result.id) == [{"type": "message", "text": "hello"}]


async def test_updates_are_recorded_and_unknown_activities_are_404(
    connector: MockConnector,
) -> None:
    client = anonymous_client(connector)
    sent = await client.conversations.send_to_conversation(
        "a:1chat", Activity(type="message", text="v1")
    )
    updated = await client.conversations.update_activity(
        "a:1chat", sent.id, Activity(type="message", text="v2")
    )
    assert updated.id == sent.id
    assert connector.sent[0].activity_id == sent.id
    assert [(u.conversation_id, u.activity_id, u.activity["text"]) for u in connector.updates] == [
        ("a:1chat", sent.id, "v2")
    ]
    with pytest.raises(ErrorResponseException) as raised:
        await client.conversations.update_activity(
            "a:1chat", "999", Activity(type="message", text="v3")
        )
    assert raised.value.response.status_code == 404


async def test_fail_and_block_answer_like_teams(connector: MockConnector) -> None:
    client = anonymous_client(connector)
    connector.fail(1, status=429, retry_after=2, conversation="a:1busy")
    connector.block("a:1gone", code="MessageWritesBlocked")
    await client.conversations.send_to_conversation("a:1calm", Activity(type="message"))

    with pytest.raises(ErrorResponseException) as throttled:
        await client.conversations.send_to_conversation("a:1busy", Activity(type="message"))
    with pytest.raises(ErrorResponseException) as blocked:
        await client.conversations.send_to_conversation("a:1gone", Activity(type="message"))

    assert throttled.value.response.status_code == 429
    assert throttled.value.response.headers["Retry-After"] == "2"
    assert blocked.value.response.status_code == 403
    assert blocked.value.error.error.code == "MessageWritesBlocked"
    assert [s.conversation_id for s in connector.sent] == ["a:1calm"]
    assert connector.rejected == [("a:1busy", 429), ("a:1gone", 403)]


def test_inbound_activities_deserialize_as_teams_activities() -> None:
    url = "https://smba.example/emea/"
    submit = Activity().deserialize(activities.card_submit({"kr-1": "40"}, service_url=url))
    execute = Activity().deserialize(activities.card_execute({"run": 7}, service_url=url))
    install = Activity().deserialize(activities.installation_update("add", service_url=url))
    joined = Activity().deserialize(
        activities.conversation_update([BOT_ID, "29:alan"], service_url=url)
    )
    text = Activity().deserialize(activities.message("40%", service_url=url))

    assert (submit.type, submit.text, submit.value) == ("message", None, {"kr-1": "40"})
    assert (execute.type, execute.name) == ("invoke", "adaptiveCard/action")
    assert execute.value["action"] == {
        "type": "Action.Execute",
        "verb": "checkin",
        "data": {"run": 7},
    }
    assert (install.type, install.action) == ("installationUpdate", "add")
    assert [m.id for m in joined.members_added] == [BOT_ID, "29:alan"]
    assert text.local_timezone == "Europe/London"
    assert text.entities[0].type == "clientInfo"
    assert text.conversation.conversation_type == "personal"
    # Teams writes conversation.tenantId; botbuilder-python maps tenant_id to "tenantID", so the
    # attribute stays empty and the tenant must be read from channelData.
    assert text.conversation.tenant_id is None
    assert text.conversation.additional_properties == {"tenantId": TENANT}
    assert text.channel_data == {"tenant": {"id": TENANT}}
    assert text.conversation.id == personal_conversation_id("29:alan")


# -- the offline identity provider -------------------------------------------------------------


def teams_activity(service_url: str, channel_id: str = "msteams") -> Activity:
    activity = Activity().deserialize(activities.message("hi", service_url=service_url))
    activity.channel_id = channel_id
    return activity


async def test_a_token_from_the_auth_server_passes_botbuilders_validator(auth: AuthServer) -> None:
    url = "https://smba.example/emea/"
    token = auth.token(audience=APP_ID, service_url=url)

    result = await bot_auth(auth).authenticate_request(teams_activity(url), f"Bearer {token}")

    assert result.claims_identity.is_authenticated
    assert result.claims_identity.claims["aud"] == APP_ID
    assert result.claims_identity.claims["serviceurl"] == url
    assert result.audience == "https://api.botframework.com"


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("expired", jwt.ExpiredSignatureError, "Signature has expired"),
        ("wrong audience", PermissionError, "Invalid AppId passed on token: someone-else"),
        ("wrong key", jwt.InvalidSignatureError, "Signature verification failed"),
        ("wrong issuer", PermissionError, "Identity missing"),
        ("wrong service url", PermissionError, "Invalid 'serviceurl' claim"),
        ("unknown kid", IndexError, "list index out of range"),
        ("unendorsed channel", Exception, "Could not validate endorsement key"),
    ],
)
async def test_bad_tokens_are_rejected_with_these_errors(
    auth: AuthServer, case: str, error: type[Exception], message: str
) -> None:
    url = "https://smba.example/emea/"
    options: dict[str, Any] = {
        "expired": {"expires_in": -600},  # beyond the 5 minutes' leeway
        "wrong audience": {"audience": "someone-else"},
        "wrong key": {"key": "other"},
        "wrong issuer": {"issuer": "https://sts.windows.net/evil/"},
        "wrong service url": {"service_url": "https://evil.example/"},
        "unknown kid": {"kid": "no-such-key"},
    }.get(case, {})
    token = auth.token(**{"audience": APP_ID, "service_url": url, **options})
    channel = "slack" if case == "unendorsed channel" else "msteams"

    with pytest.raises(error) as raised:
        await bot_auth(auth).authenticate_request(teams_activity(url, channel), f"Bearer {token}")
    assert str(raised.value) == message


async def test_cloud_adapter_rejects_bad_tokens_with_401_or_500(
    auth: AuthServer,
) -> None:
    adapter = CloudAdapter(bot_auth(auth))

    async def messages(request: web.Request) -> web.StreamResponse:
        async def on_turn(context: TurnContext) -> None:
            return None

        response = await adapter.process(request, SimpleNamespace(on_turn=on_turn))
        return response or web.Response(status=200)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/api/messages"
    service_url = "https://smba.example/emea/"
    body = activities.message("hi", service_url=service_url)
    tokens = {
        "good": auth.token(audience=APP_ID, service_url=service_url),
        "wrong audience": auth.token(audience="someone-else", service_url=service_url),
        "expired": auth.token(audience=APP_ID, service_url=service_url, expires_in=-600),
        "wrong key": auth.token(audience=APP_ID, service_url=service_url, key="other"),
    }
    statuses: dict[str, int] = {}
    try:
        async with ClientSession() as session:
            for name, token in tokens.items():
                headers = {"Authorization": f"Bearer {token}"}
                async with session.post(url, json=body, headers=headers) as response:
                    statuses[name] = response.status
            async with session.post(url, json=body) as response:
                statuses["no header"] = response.status
    finally:
        await runner.cleanup()

    # Only PermissionError becomes 401; PyJWT's errors, and botbuilder's AttributeError on a
    # missing header (it validates "" and reads claims of None), escape as 500. Both reject.
    assert statuses == {
        "good": 201,
        "wrong audience": 401,
        "expired": 500,
        "wrong key": 500,
        "no header": 500,
    }


async def test_the_legacy_validator_uses_the_auth_server_through_its_class_setting(
    auth: AuthServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "https://smba.example/emea/"
    monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", auth.metadata_url)
    token = auth.token(audience=APP_ID, service_url=url)

    identity = await JwtTokenValidation.authenticate_request(
        teams_activity(url), f"Bearer {token}", SimpleCredentialProvider(APP_ID, "app-password")
    )

    assert identity.claims["aud"] == APP_ID
