"""Accounts run from the web app: administrators create, deactivate and reset them; a lead
invites an unknown address; one-time signed links set passwords."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.settings import Settings
from api.signing import LinkClaims, password_fingerprint, secret_key, sign
from api.tables import User, utc_now
from tests.api.builders import PASSWORD, Builder

NEW_PASSWORD = "a brand new passphrase"


def _token(link: dict[str, Any]) -> str:
    url: str = link["url"]
    assert url.startswith("/set-password#token=")
    return url.split("#token=", 1)[1]


def _login(client: TestClient, email: str, password: str) -> int:
    response = client.post("/api/v1/auth/token", data={"username": email, "password": password})
    return response.status_code


def _set(client: TestClient, token: str, password: str = NEW_PASSWORD) -> Any:
    return client.post("/api/v1/auth/password", json={"token": token, "password": password})


def test_an_account_made_without_a_password_gets_a_one_time_link(
    client: TestClient, build: Builder
) -> None:
    admin = build.user(admin=True)
    made = client.post(
        "/api/v1/users",
        json={"email": "Rae@Example.org", "name": "Rae Reviewer"},
        headers=admin.headers,
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["has_password"] is False
    token = _token(body["password_link"])
    assert _login(client, "rae@example.org", "") == 422  # no password can match
    assert _login(client, "rae@example.org", "anything at all") == 401

    check = client.post("/api/v1/auth/password-link", json={"token": token})
    assert check.status_code == 200
    assert (check.json()["email"], check.json()["purpose"]) == ("rae@example.org", "invitation")
    assert _set(client, token, "short").status_code == 422
    assert _set(client, token).status_code == 204
    assert _login(client, "rae@example.org", NEW_PASSWORD) == 200
    used = _set(client, token, "another passphrase!")
    assert used.status_code == 400
    assert used.json()["detail"] == "this link was already used; ask for a new one"

    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert "not valid" in _set(client, tampered).json()["detail"]
    listed = client.get("/api/v1/users", headers=admin.headers).json()
    assert {u["email"]: u["has_password"] for u in listed}["rae@example.org"] is True


def test_an_expired_link_is_refused(client: TestClient, build: Builder, settings: Settings) -> None:
    someone = build.user()
    with Session(build.engine) as session:
        user = session.get(User, someone.id)
        assert user is not None
        fingerprint = password_fingerprint(user.password_hash)
    claims = LinkClaims(someone.id, "reset", utc_now() - timedelta(minutes=1), fingerprint)
    expired = _set(client, sign(claims, secret_key(settings)))
    assert expired.status_code == 400
    assert expired.json()["detail"] == "this link has expired; ask for a new one"
    assert _login(client, someone.email, PASSWORD) == 200


def test_deactivation_ends_sessions_and_blocks_sign_in_until_reactivated(
    client: TestClient, build: Builder
) -> None:
    admin, someone = build.user(admin=True), build.user()
    url = f"/api/v1/users/{someone.id}"
    assert client.patch(url, json={"is_active": False}, headers=someone.headers).status_code == 403
    off = client.patch(url, json={"is_active": False}, headers=admin.headers)
    assert off.status_code == 200, off.text
    assert off.json()["is_active"] is False
    revoked = client.get("/api/v1/users/me", headers=someone.headers)
    assert revoked.status_code == 401
    assert _login(client, someone.email, PASSWORD) == 401
    on = client.patch(url, json={"is_active": True, "name": "Back Again"}, headers=admin.headers)
    assert on.json()["name"] == "Back Again"
    assert _login(client, someone.email, PASSWORD) == 200
    myself = client.patch(
        f"/api/v1/users/{admin.id}", json={"is_active": False}, headers=admin.headers
    )
    assert myself.status_code == 409
    assert client.patch("/api/v1/users/999999", json={}, headers=admin.headers).status_code == 404


def test_a_reset_stops_the_old_password_and_gives_a_link(
    client: TestClient, build: Builder
) -> None:
    admin, someone = build.user(admin=True), build.user()
    reset = client.post(f"/api/v1/users/{someone.id}/password-reset", headers=admin.headers)
    assert reset.status_code == 200, reset.text
    assert _login(client, someone.email, PASSWORD) == 401
    assert client.get("/api/v1/users/me", headers=someone.headers).status_code == 401
    assert _set(client, _token(reset.json())).status_code == 204
    assert _login(client, someone.email, NEW_PASSWORD) == 200
    by_other = client.post(f"/api/v1/users/{admin.id}/password-reset", headers=someone.headers)
    assert by_other.status_code == 401  # their token was revoked by the reset


def test_a_lead_invites_an_unknown_address_and_the_invitee_joins(
    client: TestClient, build: Builder
) -> None:
    lead, admin = build.user(), build.user(admin=True)
    rid = build.review(lead)["id"]
    url = f"/api/v1/reviews/{rid}/members"
    invited = client.post(
        url,
        json={"email": "new.person@example.org", "role": "reviewer", "name": "New Person"},
        headers=lead.headers,
    )
    assert invited.status_code == 200, invited.text
    body = invited.json()
    assert (body["name"], body["role"]) == ("New Person", "reviewer")
    assert _set(client, _token(body["invitation"])).status_code == 204
    response = client.post(
        "/api/v1/auth/token",
        data={"username": "new.person@example.org", "password": NEW_PASSWORD},
    )
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    assert [r["id"] for r in client.get("/api/v1/reviews", headers=headers).json()] == [rid]
    again = client.post(
        url, json={"email": "new.person@example.org", "role": "viewer"}, headers=lead.headers
    )
    assert "invitation" not in again.json()

    gone = build.user()
    client.patch(f"/api/v1/users/{gone.id}", json={"is_active": False}, headers=admin.headers)
    refused = client.post(url, json={"email": gone.email, "role": "viewer"}, headers=lead.headers)
    assert refused.status_code == 409
    assert "deactivated" in refused.json()["detail"]
