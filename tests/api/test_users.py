"""Administrators manage accounts; input errors change nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from api.tables import User
from tests.api.builders import Builder


def _user_count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(User)).one())


def test_an_admin_creates_a_user_who_can_then_log_in(client: TestClient, build: Builder) -> None:
    admin = build.user(admin=True)
    response = client.post(
        "/api/v1/users",
        json={"email": "New.Person@Example.org", "name": "New Person", "password": "a long secret"},
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == "new.person@example.org"
    assert body["is_admin"] is False
    assert "password" not in body
    assert "password_hash" not in body
    assert build.login("new.person@example.org", "a long secret")


def test_only_admins_create_or_list_users(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    user = build.user()
    before = _user_count(engine)
    response = client.post(
        "/api/v1/users",
        json={"email": "x@example.org", "name": "X", "password": "a long secret"},
        headers=user.headers,
    )
    assert response.status_code == 403
    assert response.json() == {"error": "Forbidden", "detail": "only an administrator may do this"}
    assert client.get("/api/v1/users", headers=user.headers).status_code == 403
    assert _user_count(engine) == before


def test_duplicate_email_is_409_and_changes_nothing(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    admin = build.user(admin=True)
    existing = build.user()
    before = _user_count(engine)
    response = client.post(
        "/api/v1/users",
        json={"email": existing.email.upper(), "name": "Again", "password": "a long secret"},
        headers=admin.headers,
    )
    assert response.status_code == 409
    assert response.json()["detail"] == f"a user with e-mail {existing.email} already exists"
    assert _user_count(engine) == before


def test_invalid_user_fields_name_the_field(client: TestClient, build: Builder) -> None:
    admin = build.user(admin=True)
    cases = {
        "body.email": {"email": "not-an-email", "name": "X", "password": "a long secret"},
        "body.password": {"email": "a@example.org", "name": "X", "password": "short"},
        "body.name": {"email": "a@example.org", "name": "   ", "password": "a long secret"},
        "body.role": {
            "email": "a@example.org",
            "name": "X",
            "password": "a long secret",
            "role": "boss",
        },
    }
    for field, body in cases.items():
        response = client.post("/api/v1/users", json=body, headers=admin.headers)
        assert response.status_code == 422, field
        assert response.json()["error"] == "InvalidInput"
        assert field in response.json()["detail"], response.json()


def test_admin_lists_users(client: TestClient, build: Builder) -> None:
    admin = build.user(admin=True)
    other = build.user()
    emails = [u["email"] for u in client.get("/api/v1/users", headers=admin.headers).json()]
    assert admin.email in emails
    assert other.email in emails
