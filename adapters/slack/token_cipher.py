"""Slack tokens at rest: encrypted with a key derived from CHECKIN_SECRET_KEY, or, without one,
stored plainly with a warning."""

from __future__ import annotations

import base64
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

logger = logging.getLogger(__name__)

SECRET_ENV = "CHECKIN_SECRET_KEY"

_PLAIN = "plain:"
_FERNET = "fernet:"
# PBKDF2, not HKDF: CHECKIN_SECRET_KEY may be a passphrase rather than 32 random bytes, and HKDF
# does no key stretching, so a leaked database would let weak passphrases be guessed quickly.
# The salt is fixed (and public) so every replica and every restart derives the same key from
# the same secret with nothing else to store; one secret per deployment means a per-row salt
# would buy nothing against precomputation that an app-specific salt does not.
_KDF_SALT = b"checkin-bot/slack-tokens/v1"
_KDF_ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256; paid once per process


class TokenDecryptionError(RuntimeError):
    """A stored token cannot be read with the configured key."""


@lru_cache(maxsize=4)
def _fernet_key(secret: str) -> bytes:
    kdf = PBKDF2HMAC(
        algorithm=hashes.SHA256(), length=32, salt=_KDF_SALT, iterations=_KDF_ITERATIONS
    )
    return base64.urlsafe_b64encode(kdf.derive(secret.encode("utf-8")))


class TokenCipher:
    """Turns tokens into what the database holds ("fernet:…" or "plain:…") and back."""

    def __init__(self, fernet: Fernet | None) -> None:
        self._fernet = fernet
        self._warned = False

    @classmethod
    def from_secret(cls, secret: str | None) -> TokenCipher:
        return cls(Fernet(_fernet_key(secret)) if secret else None)

    def encrypt(self, token: str) -> str:
        if self._fernet is None:
            if not self._warned:
                logger.warning("set %s to encrypt Slack tokens at rest", SECRET_ENV)
                self._warned = True
            return _PLAIN + token
        return _FERNET + self._fernet.encrypt(token.encode("utf-8")).decode("ascii")

    def decrypt(self, stored: str) -> str:
        # Rows saved before a key was set stay readable; the next save encrypts them.
        if stored.startswith(_PLAIN):
            return stored.removeprefix(_PLAIN)
        if not stored.startswith(_FERNET):
            raise TokenDecryptionError("a stored Slack token has an unknown format")
        if self._fernet is None:
            raise TokenDecryptionError(
                f"Slack tokens in the database are encrypted: set {SECRET_ENV} to their key"
            )
        try:
            plain = self._fernet.decrypt(stored.removeprefix(_FERNET).encode("ascii"))
        except InvalidToken:
            raise TokenDecryptionError(
                f"cannot decrypt a stored Slack token: {SECRET_ENV} is not the key it was "
                "saved with"
            ) from None
        return plain.decode("utf-8")
