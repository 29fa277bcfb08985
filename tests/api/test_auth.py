"""Logging in, tokens, expiry, revocation and brute-force throttling."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from api.repositories.accounts import UserRepository
from api.services.accounts import issue_token
from api.tables import ApiToken, LoginFailure
from tests.api.builders import PASSWORD, Builder

TOKEN_URL = "/api/v1/auth/token"


def _login(client: TestClient, email: str, password: str) -> tuple[int, dict[str, str]]:
    response = client.post(TOKEN_URL, data={"username": email, "password": password})
    return response.status_code, response.json()


def test_login_returns_a_bearer_token_that_identifies_the_user(
    client: TestClient, build: Builder
) -> None:
    account = build.user(name="Ana")
    status, body = _login(client, account.email, PASSWORD)
    assert status == 200
    assert body["token_type"] == "bearer"
    assert body["access_token"].startswith("wn_")
    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["email"] == account.email
    assert me.json()["name"] == "Ana"


def test_login_is_case_insensitive_on_email(client: TestClient, build: Builder) -> None:
    account = build.user()
    status, _ = _login(client, account.email.upper(), PASSWORD)
    assert status == 200


def test_wrong_password_and_unknown_email_get_the_same_401(
    client: TestClient, build: Builder
) -> None:
    account = build.user()
    wrong = client.post(TOKEN_URL, data={"username": account.email, "password": "nope-nope-nope"})
    unknown = client.post(TOKEN_URL, data={"username": "ghost@example.org", "password": "x" * 12})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.json() == {
            "error": "Unauthorized",
            "detail": "incorrect e-mail or password",
        }


def test_tokens_are_stored_hashed(client: TestClient, build: Builder, engine: Engine) -> None:
    account = build.user()
    token = account.headers["Authorization"].removeprefix("Bearer ")
    with Session(engine) as session:
        hashes = session.exec(select(ApiToken.token_hash)).all()
    assert token not in hashes
    assert all(len(h) == 64 for h in hashes)


def test_requests_without_or_with_a_bad_token_get_401(client: TestClient) -> None:
    missing = client.get("/api/v1/users/me")
    assert missing.status_code == 401
    assert "missing bearer token" in missing.json()["detail"]
    assert missing.headers["www-authenticate"] == "Bearer"
    bad = client.get("/api/v1/users/me", headers={"Authorization": "Bearer wn_forged"})
    assert bad.status_code == 401
    assert bad.json()["detail"] == "invalid token"


def test_logout_revokes_only_the_current_token(client: TestClient, build: Builder) -> None:
    account = build.user()
    other = build.login(account.email)
    assert client.delete(TOKEN_URL, headers=account.headers).status_code == 204
    after = client.get("/api/v1/users/me", headers=account.headers)
    assert after.status_code == 401
    assert after.json()["detail"] == "token has been revoked"
    assert client.get("/api/v1/users/me", headers=other).status_code == 200


def test_a_user_can_list_and_revoke_their_tokens(client: TestClient, build: Builder) -> None:
    account = build.user()
    second = build.login(account.email)
    tokens = client.get("/api/v1/users/me/tokens", headers=account.headers).json()
    assert len(tokens) == 2
    assert all("access_token" not in t and "token_hash" not in t for t in tokens)
    newest = tokens[0]["id"]
    assert (
        client.delete(f"/api/v1/users/me/tokens/{newest}", headers=account.headers).status_code
        == 204
    )
    assert client.get("/api/v1/users/me", headers=second).status_code == 401
    listed = client.get("/api/v1/users/me/tokens", headers=account.headers).json()
    assert listed[0]["revoked_at"] is not None


def test_a_user_cannot_revoke_someone_elses_token(client: TestClient, build: Builder) -> None:
    owner, intruder = build.user(), build.user()
    token_id = client.get("/api/v1/users/me/tokens", headers=owner.headers).json()[0]["id"]
    response = client.delete(f"/api/v1/users/me/tokens/{token_id}", headers=intruder.headers)
    assert response.status_code == 404
    assert client.get("/api/v1/users/me", headers=owner.headers).status_code == 200


def test_expired_tokens_get_401(client: TestClient, build: Builder, engine: Engine) -> None:
    account = build.user()
    with Session(engine) as session, session.begin():
        user = UserRepository(session).by_email(account.email)
        assert user is not None
        issued = issue_token(session, user, ttl=timedelta(seconds=-1))
    response = client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {issued.access_token}"}
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "token has expired; log in again"


def test_deactivated_users_are_refused(client: TestClient, build: Builder, engine: Engine) -> None:
    account = build.user()
    with Session(engine) as session, session.begin():
        user = UserRepository(session).by_email(account.email)
        assert user is not None
        user.is_active = False
    assert client.get("/api/v1/users/me", headers=account.headers).status_code == 401
    status, body = _login(client, account.email, PASSWORD)
    assert (status, body["detail"]) == (401, "this account is deactivated")


def _failures(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(LoginFailure)).one())


def test_repeated_failures_lock_the_account_for_a_while(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    account = build.user()
    for _ in range(3):  # the test settings allow 3 failures per account
        assert _login(client, account.email, "wrong-password!")[0] == 401
    assert _failures(engine) == 3
    response = client.post(TOKEN_URL, data={"username": account.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "too many failed logins for this account" in response.json()["detail"]
    assert int(response.headers["retry-after"]) > 0


def test_repeated_failures_from_one_address_are_slowed_across_accounts(
    client: TestClient, build: Builder
) -> None:
    victims = [build.user() for _ in range(3)]
    for victim in victims[:2]:
        for _ in range(2):
            assert _login(client, victim.email, "wrong-password!")[0] == 401
    assert _login(client, "nobody@example.org", "wrong-password!")[0] == 401
    status, body = _login(client, victims[2].email, PASSWORD)
    assert status == 429
    assert "for this address" in body["detail"]


def test_a_successful_login_clears_the_account_failures(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    account = build.user()
    for _ in range(2):
        _login(client, account.email, "wrong-password!")
    assert _login(client, account.email, PASSWORD)[0] == 200
    for _ in range(2):
        assert _login(client, account.email, "wrong-password!")[0] == 401
    assert _login(client, account.email, PASSWORD)[0] == 200


def test_using_a_token_records_when_it_was_last_used(client: TestClient, build: Builder) -> None:
    account = build.user()
    before = client.get("/api/v1/users/me/tokens", headers=account.headers).json()
    # The listing request itself is the first use; it is recorded after that response.
    assert before[0]["last_used_at"] is None
    after = client.get("/api/v1/users/me/tokens", headers=account.headers).json()
    assert after[0]["last_used_at"] is not None
