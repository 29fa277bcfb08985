"""Signed, expiring, single-use links (set a password: an invitation or a reset).

A link carries the user, its purpose, its expiry and a fingerprint of the password hash the
account had when the link was made, signed with HMAC-SHA256. Setting a password changes the hash,
so the link then no longer verifies: single use without storing anything. The key is
``WINNOW_SECRET_KEY``; when unset, a random key is kept in the data directory (which every
worker already shares, for the PDFs) and made on first use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from api.settings import Settings

_KEY_FILE = "secret_key"


class BadLink(ValueError):
    """A link that was altered, has expired, or was already used."""


@dataclass(frozen=True, slots=True)
class LinkClaims:
    user_id: int
    purpose: str
    expires_at: datetime
    fingerprint: str


def secret_key(settings: Settings) -> bytes:
    if settings.secret_key:
        return settings.secret_key.encode()
    path = settings.data_dir / _KEY_FILE
    if not path.exists():
        _write_new_key(path)
    return path.read_bytes().strip()


def _write_new_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # O_EXCL: two workers starting at once keep whichever key was written first
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(48))


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:24]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(claims: LinkClaims, key: bytes) -> str:
    body = json.dumps(
        {
            "u": claims.user_id,
            "p": claims.purpose,
            "e": int(claims.expires_at.timestamp()),
            "f": claims.fingerprint,
        },
        separators=(",", ":"),
    ).encode()
    payload = _b64(body)
    return f"{payload}.{_b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())}"


def verify(token: str, key: bytes, *, now: datetime) -> LinkClaims:
    """The claims of an intact, unexpired link (the fingerprint is the caller's to check)."""
    payload, _, signature = token.partition(".")
    try:
        expected = hmac.new(key, payload.encode(), hashlib.sha256).digest()
        if not signature or not hmac.compare_digest(expected, _unb64(signature)):
            raise BadLink("this link is not valid; ask for a new one")
        body = json.loads(_unb64(payload))
        claims = LinkClaims(
            user_id=int(body["u"]),
            purpose=str(body["p"]),
            expires_at=datetime.fromtimestamp(int(body["e"]), tz=UTC),
            fingerprint=str(body["f"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, BadLink):
            raise
        raise BadLink("this link is not valid; ask for a new one") from exc
    if claims.expires_at <= now:
        raise BadLink("this link has expired; ask for a new one")
    return claims
