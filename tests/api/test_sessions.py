"""The web app's cookie session beside the bearer API: HttpOnly token, CSRF header on unsafe
requests, sign-out revokes it; bearer requests are unchanged."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.security import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from tests.api.builders import PASSWORD, Builder

SESSION_URL = "/api/v1/auth/session"


def _set_cookie_headers(response_headers: list[tuple[str, str]]) -> dict[str, str]:
    cookies = {}
    for name, value in response_headers:
        if name.lower() == "set-cookie":
            cookies[value.split("=", 1)[0]] = value
    return cookies


def test_a_session_keeps_the_token_in_an_http_only_cookie(
    client: TestClient, build: Builder
) -> None:
    account = build.user(name="Ana")
    response = client.post(SESSION_URL, data={"username": account.email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"expires_at", "csrf_token"}  # the token itself is never in the body
    cookies = _set_cookie_headers(response.headers.multi_items())
    session_cookie = cookies[SESSION_COOKIE].lower()
    assert "httponly" in session_cookie
    assert "samesite=strict" in session_cookie
    assert "path=/" in session_cookie
    assert "max-age=" in session_cookie
    csrf_cookie = cookies[CSRF_COOKIE].lower()
    assert "httponly" not in csrf_cookie
    assert client.cookies[CSRF_COOKIE] == body["csrf_token"]
    me = client.get("/api/v1/users/me")  # no Authorization header: the cookie signs it
    assert me.status_code == 200
    assert me.json()["email"] == account.email


def test_unsafe_cookie_requests_need_the_csrf_header(client: TestClient, build: Builder) -> None:
    account = build.user()
    csrf = client.post(SESSION_URL, data={"username": account.email, "password": PASSWORD}).json()[
        "csrf_token"
    ]
    review = {"title": "Cookies"}
    missing = client.post("/api/v1/reviews", json=review)
    assert missing.status_code == 403
    assert CSRF_HEADER in missing.json()["detail"]
    wrong = client.post("/api/v1/reviews", json=review, headers={CSRF_HEADER: "0" * 64})
    assert wrong.status_code == 403
    made = client.post("/api/v1/reviews", json=review, headers={CSRF_HEADER: csrf})
    assert made.status_code == 201, made.text
    # A bearer request needs no CSRF header, with or without a cookie beside it.
    other = build.user()
    bearer = client.post("/api/v1/reviews", json=review, headers=other.headers)
    assert bearer.status_code == 201
    listed = client.get("/api/v1/reviews", headers=other.headers).json()
    assert [r["id"] for r in listed] == [bearer.json()["id"]]  # the bearer wins over the cookie


def test_sign_out_revokes_the_session_and_clears_its_cookies(
    client: TestClient, build: Builder
) -> None:
    account = build.user()
    csrf = client.post(SESSION_URL, data={"username": account.email, "password": PASSWORD}).json()[
        "csrf_token"
    ]
    token = client.cookies[SESSION_COOKIE]
    assert client.delete(SESSION_URL).status_code == 403  # sign-out is unsafe too
    out = client.delete(SESSION_URL, headers={CSRF_HEADER: csrf})
    assert out.status_code == 204
    assert SESSION_COOKIE not in client.cookies
    assert CSRF_COOKIE not in client.cookies
    client.cookies.set(SESSION_COOKIE, token)  # an old cookie replayed
    again = client.get("/api/v1/users/me")
    assert again.status_code == 401
    assert again.json()["detail"] == "token has been revoked"


def test_a_wrong_password_sets_no_cookie(client: TestClient, build: Builder) -> None:
    account = build.user()
    response = client.post(SESSION_URL, data={"username": account.email, "password": "nope"})
    assert response.status_code == 401
    assert "set-cookie" not in response.headers
    assert client.get("/api/v1/users/me").status_code == 401
