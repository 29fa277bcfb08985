"""Bad input gets one error shape, a precise message, and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from api.tables import Review
from tests.api.builders import Builder


def _reviews(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Review)).one())


def test_malformed_json_is_400_with_the_parser_message(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    lead = build.user()
    response = client.post(
        "/api/v1/reviews",
        content=b'{"title": "x",,}',
        headers={**lead.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "MalformedJSON"
    assert body["detail"].startswith("request body is not valid JSON")
    assert _reviews(engine) == 0


def test_missing_and_wrongly_typed_fields_are_named(client: TestClient, build: Builder) -> None:
    lead = build.user()
    missing = client.post("/api/v1/reviews", json={}, headers=lead.headers)
    assert missing.status_code == 422
    assert missing.json() == {"error": "InvalidInput", "detail": "body.title: Field required"}
    wrong = client.post("/api/v1/reviews", json={"title": ["a"]}, headers=lead.headers)
    assert "body.title: Input should be a valid string" in wrong.json()["detail"]


def test_oversized_json_body_is_413_and_changes_nothing(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    lead = build.user()
    huge = {"title": "x", "description": "a" * (70 * 1024)}  # limit in tests: 64 KB
    response = client.post("/api/v1/reviews", json=huge, headers=lead.headers)
    assert response.status_code == 413
    assert response.json() == {
        "error": "PayloadTooLarge",
        "detail": "request body exceeds the limit of 64 KB",
    }
    assert _reviews(engine) == 0


def test_oversized_chunked_body_is_413(client: TestClient, build: Builder, engine: Engine) -> None:
    lead = build.user()

    def chunks() -> Iterator[bytes]:
        yield b'{"title": "x", "description": "'
        for _ in range(80):
            yield b"a" * 1024
        yield b'"}'

    response = client.post(
        "/api/v1/reviews",
        content=chunks(),
        headers={**lead.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "PayloadTooLarge"
    assert _reviews(engine) == 0


def test_unknown_routes_and_methods_use_the_error_shape(client: TestClient) -> None:
    missing = client.get("/api/v1/nowhere")
    assert missing.status_code == 404
    assert missing.json() == {"error": "NotFound", "detail": "Not Found"}
    wrong_method = client.put("/api/v1/health")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"] == "MethodNotAllowed"


def test_path_ids_are_validated(client: TestClient, build: Builder) -> None:
    lead = build.user()
    response = client.get("/api/v1/reviews/abc", headers=lead.headers)
    assert response.status_code == 422
    assert "path.rid" in response.json()["detail"]
