"""An offline Bot Framework identity provider: OpenID metadata, a JWKS and signed channel tokens.

botbuilder fetches the metadata with a blocking `requests.get` inside the event loop, so this
server answers from its own thread (`ThreadingHTTPServer` on 127.0.0.1, an ephemeral port),
never from the test's loop.

Wiring, as found in botbuilder 4.17: `ConfigurationBotFrameworkAuthentication(config)` reads
*attributes of a config object* with getattr (not os.environ): APP_ID, APP_PASSWORD, APP_TYPE,
APP_TENANTID, CHANNEL_SERVICE, VALIDATE_AUTHORITY, TO_CHANNEL_FROM_BOT_LOGIN_URL,
TO_CHANNEL_FROM_BOT_OAUTH_SCOPE, TO_BOT_FROM_CHANNEL_TOKEN_ISSUER, OAUTH_URL,
TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL, TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL, CALLER_ID.
Any of the TO_*/OAUTH_URL/CALLER_ID keys switches `BotFrameworkAuthenticationFactory` to the
parameterized authentication, which validates a channel token by: issuer in
[TO_BOT_FROM_CHANNEL_TOKEN_ISSUER], key `kid` from the JWKS behind
TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL, the channelId among the key's `endorsements` (checked
only when the key lists any), RS256, exp/nbf with 5 minutes' leeway, `aud` == APP_ID, and the
`serviceurl` claim (lower case; no other spelling is read) == the activity's serviceUrl.

Outbound tokens come from MSAL, which accepts only https authorities, so a bot under test needs
`credentials_factory=auth.credentials_factory(app_id)` to mint them here instead.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Self

import jwt
from botframework.connector.auth import (
    JwtTokenExtractor,
    MicrosoftAppCredentials,
    ServiceClientCredentialsFactory,
)
from cryptography.hazmat.primitives.asymmetric import rsa

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
CHANNEL_SCOPE = "https://api.botframework.com"
METADATA_PATH = "/v1/.well-known/openidconfiguration"
KEYS_PATH = "/v1/.well-known/keys"


class AuthServer:
    issuer: str = BOT_FRAMEWORK_ISSUER

    def __init__(self, *, endorsements: tuple[str, ...] = ("msteams", "emulator")) -> None:
        self.endorsements = list(endorsements)
        self.kid = uuid.uuid4().hex
        self.base_url = ""
        self.metadata_url = ""
        self.requests: list[str] = []  # paths fetched, to show what botbuilder asked for
        self._key = _new_key()
        self._other_key: rsa.RSAPrivateKey | None = None
        self.new_kid = ""  # a key published after start-up (`rotate`), as Microsoft does
        self._new_key: rsa.RSAPrivateKey | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        self.metadata_url = self.base_url + METADATA_PATH
        # botbuilder caches metadata per URL for a day; a reused port must not see old keys.
        JwtTokenExtractor.metadataCache.pop(self.metadata_url, None)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        JwtTokenExtractor.metadataCache.pop(self.metadata_url, None)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- what a bot is configured with --------------------------------------------------------

    def env(self) -> dict[str, str]:
        """Settings for `ConfigurationBotFrameworkAuthentication`'s config object.

        Set them as attributes (e.g. `SimpleNamespace(APP_ID=…, **auth.env())`); botbuilder does
        not read them from the environment itself.
        """
        return {
            "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": self.metadata_url,
            "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER": self.issuer,
            # Emulator and skill tokens are checked against this one; keep it offline too.
            "TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL": self.metadata_url,
            "TO_CHANNEL_FROM_BOT_OAUTH_SCOPE": CHANNEL_SCOPE,
            # Only MSAL reads this, and MSAL refuses http: outbound needs credentials_factory().
            "TO_CHANNEL_FROM_BOT_LOGIN_URL": f"{self.base_url}/botframework.com",
        }

    def token(
        self,
        *,
        audience: str,
        service_url: str,
        expires_in: int = 3600,
        issuer: str | None = None,
        key: Literal["own", "other", "new"] = "own",
        kid: str | None = None,
        with_kid: bool = True,
    ) -> str:
        """A channel → bot token as Teams sends it in `Authorization: Bearer …`; `kid` names
        another key than the server's, and `with_kid=False` names none. `key="new"` signs with
        the key `rotate` published, named by its own kid."""
        now = int(time.time())
        claims = {
            "serviceurl": service_url,
            "nbf": now - 5,
            "exp": now + expires_in,
            "iss": issuer or self.issuer,
            "aud": audience,
        }
        signer = {"own": self._key, "other": self._other(), "new": self._new_key}[key]
        assert signer is not None, "rotate() publishes the new key first"
        kid = kid or (self.new_kid if key == "new" else self.kid)
        headers = {"kid": kid, "x5t": kid} if with_kid else {}
        return jwt.encode(claims, signer, algorithm="RS256", headers=headers)

    def rotate(self) -> str:
        """Publish a second signing key beside the first, as Microsoft does before it signs
        with one; its kid."""
        self._new_key = _new_key()
        self.new_kid = uuid.uuid4().hex
        return self.new_kid

    def keys_fetched(self) -> int:
        return self.requests.count(KEYS_PATH)

    def credentials_factory(self, app_id: str) -> ServiceClientCredentialsFactory:
        """Bot → channel credentials that sign here instead of asking login.microsoftonline.com."""
        return _LocalCredentialsFactory(self, app_id)

    def bot_token(self, app_id: str) -> str:
        now = int(time.time())
        claims = {
            "aud": CHANNEL_SCOPE,
            "iss": f"{self.base_url}/botframework.com/",
            "appid": app_id,
            "nbf": now - 5,
            "exp": now + 3600,
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    # -- documents served ----------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.base_url}/v1/.well-known/authorize",
            "jwks_uri": self.base_url + KEYS_PATH,
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        }

    def jwks(self) -> dict[str, Any]:
        published = [(self.kid, self._key)]
        if self._new_key is not None:
            published.append((self.new_kid, self._new_key))
        return {"keys": [self._jwk(kid, key) for kid, key in published]}

    def _jwk(self, kid: str, key: rsa.RSAPrivateKey) -> dict[str, Any]:
        numbers = key.public_key().public_numbers()
        return {
            "kty": "RSA",
            "use": "sig",
            "kid": kid,
            "x5t": kid,
            "n": _b64_int(numbers.n),
            "e": _b64_int(numbers.e),
            "endorsements": list(self.endorsements),
        }

    def _other(self) -> rsa.RSAPrivateKey:
        if self._other_key is None:
            self._other_key = _new_key()
        return self._other_key


class _LocalCredentials(MicrosoftAppCredentials):  # type: ignore[misc]
    def __init__(self, auth: AuthServer, app_id: str) -> None:
        super().__init__(app_id, "unused-password")
        self._auth = auth

    def get_access_token(self, force_refresh: bool = False) -> str:
        return self._auth.bot_token(self.microsoft_app_id)


class _LocalCredentialsFactory(ServiceClientCredentialsFactory):  # type: ignore[misc]
    def __init__(self, auth: AuthServer, app_id: str) -> None:
        self._auth = auth
        self._app_id = app_id

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == self._app_id

    async def is_authentication_disabled(self) -> bool:
        return not self._app_id

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> MicrosoftAppCredentials:
        if app_id != self._app_id:
            raise PermissionError("Invalid app_id")
        return _LocalCredentials(self._auth, app_id)


def _handler(auth: AuthServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            auth.requests.append(self.path)
            if self.path == METADATA_PATH:
                self._json(200, auth.metadata())
            elif self.path == KEYS_PATH:
                self._json(200, auth.jwks())
            else:
                self._json(404, {"error": "not found"})

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    return Handler


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64_int(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
