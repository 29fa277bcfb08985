"""Password hashing (argon2) and bearer tokens (random, stored as SHA-256)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so a login takes as long whether the account exists or not.
_DUMMY_HASH = _hasher.hash("winnow-dummy-password")
TOKEN_PREFIX = "wn_"
# The web app's sign-in: the token in an HttpOnly cookie scripts cannot read, and beside it a
# readable CSRF value the app echoes in a header on every unsafe request.
SESSION_COOKIE = "winnow_session"
CSRF_COOKIE = "winnow_csrf"
CSRF_HEADER = "X-CSRF-Token"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits: a fast unsalted hash already makes a leaked table useless.
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_for(token: str) -> str:
    """The CSRF value bound to a session token: derived one way, so knowing it reveals nothing
    of the token, and a value planted by another site cannot match a session it does not know."""
    return hashlib.sha256(b"winnow-csrf:" + token.encode()).hexdigest()


def csrf_matches(token: str, sent: str | None) -> bool:
    return sent is not None and hmac.compare_digest(csrf_for(token), sent)
