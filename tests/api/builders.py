"""Plain builder functions for API tests: users go straight into the DB, the rest via the API."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.services.accounts import create_user

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@dataclass
class Account:
    id: int
    email: str
    headers: dict[str, str]


class Builder:
    def __init__(self, client: TestClient, engine: Engine) -> None:
        self.client = client
        self.engine = engine

    def user(self, *, admin: bool = False, name: str = "") -> Account:
        email = f"user{next(_counter)}@example.org"
        with Session(self.engine) as session, session.begin():
            user = create_user(
                session,
                email=email,
                name=name or email.split("@")[0],
                password=PASSWORD,
                is_admin=admin,
            )
            user_id = user.id
        assert user_id is not None
        return Account(id=user_id, email=email, headers=self.login(email))

    def login(self, email: str, password: str = PASSWORD) -> dict[str, str]:
        response = self.client.post(
            "/api/v1/auth/token", data={"username": email, "password": password}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def review(self, lead: Account, **fields: Any) -> dict[str, Any]:
        body = {"title": "Exercise for low back pain", **fields}
        response = self.client.post("/api/v1/reviews", json=body, headers=lead.headers)
        assert response.status_code == 201, response.text
        review: dict[str, Any] = response.json()
        return review

    def member(self, lead: Account, review_id: int, role: str) -> Account:
        account = self.user()
        response = self.client.put(
            f"/api/v1/reviews/{review_id}/members/{account.id}",
            json={"role": role},
            headers=lead.headers,
        )
        assert response.status_code == 200, response.text
        return account

    def source(self, account: Account, review_id: int, name: str = "MEDLINE") -> dict[str, Any]:
        response = self.client.post(
            f"/api/v1/reviews/{review_id}/sources", json={"name": name}, headers=account.headers
        )
        assert response.status_code == 201, response.text
        source: dict[str, Any] = response.json()
        return source
