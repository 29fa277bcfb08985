"""Every review route x every role: outsiders get 404, members lacking the permission 403.

The tables below must name every route under ``/reviews/{rid}``; a new route fails these tests
until it declares its permission through ``api.deps.require`` and is added here."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.main import API_PREFIX, ROUTERS
from api.permissions import ROLE_PERMISSIONS, Permission, Role
from tests.api.builders import Account, Builder

P = Permission
EXPECTED_PERMISSION: dict[tuple[str, str], Permission] = {
    ("GET", "/reviews/{rid}"): P.READ,
    ("PATCH", "/reviews/{rid}"): P.MANAGE_REVIEW,
    ("GET", "/reviews/{rid}/members"): P.READ,
    ("PUT", "/reviews/{rid}/members/{user_id}"): P.MANAGE_REVIEW,
    ("DELETE", "/reviews/{rid}/members/{user_id}"): P.MANAGE_REVIEW,
    ("POST", "/reviews/{rid}/sources"): P.MANAGE_SOURCES,
    ("GET", "/reviews/{rid}/sources"): P.READ,
    ("GET", "/reviews/{rid}/sources/{source_id}"): P.READ,
    ("PATCH", "/reviews/{rid}/sources/{source_id}"): P.MANAGE_SOURCES,
}


@dataclass
class World:
    build: Builder
    lead: Account
    review_id: int
    members: dict[Role, Account]
    outsider: Account


_names = itertools.count(1)
Request = tuple[str, dict[str, Any] | None]


def _plain(world: World) -> dict[str, Any]:
    return {"rid": world.review_id}


def _new_member(world: World) -> dict[str, Any]:
    return {
        "rid": world.review_id,
        "user_id": world.build.member(world.lead, world.review_id, "viewer").id,
    }


def _new_user(world: World) -> dict[str, Any]:
    return {"rid": world.review_id, "user_id": world.build.user().id}


def _source(world: World) -> dict[str, Any]:
    source = world.build.source(world.lead, world.review_id, f"Source {next(_names)}")
    return {"rid": world.review_id, "source_id": source["id"]}


# How to make a valid request for each route: the path parameters and the JSON body.
REQUESTS: dict[tuple[str, str], tuple[Callable[[World], dict[str, Any]], Callable[[], Any]]] = {
    ("GET", "/reviews/{rid}"): (_plain, lambda: None),
    ("PATCH", "/reviews/{rid}"): (_plain, lambda: {"title": f"Renamed {next(_names)}"}),
    ("GET", "/reviews/{rid}/members"): (_plain, lambda: None),
    ("PUT", "/reviews/{rid}/members/{user_id}"): (_new_user, lambda: {"role": "reviewer"}),
    ("DELETE", "/reviews/{rid}/members/{user_id}"): (_new_member, lambda: None),
    ("POST", "/reviews/{rid}/sources"): (_plain, lambda: {"name": f"Source {next(_names)}"}),
    ("GET", "/reviews/{rid}/sources"): (_plain, lambda: None),
    ("GET", "/reviews/{rid}/sources/{source_id}"): (_source, lambda: None),
    ("PATCH", "/reviews/{rid}/sources/{source_id}"): (_source, lambda: {"notes": "checked"}),
}


def _review_routes() -> Iterator[tuple[str, str, APIRoute]]:
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and "{rid}" in route.path:
                for method in sorted(route.methods or ()):
                    yield method, route.path, route


def _declared_permissions(dependant: Dependant) -> list[Permission]:
    found = []
    for dependency in dependant.dependencies:
        permission = getattr(dependency.call, "required_permission", None)
        if permission is not None:
            found.append(permission)
        found.extend(_declared_permissions(dependency))
    return found


def test_every_review_route_declares_exactly_the_expected_permission() -> None:
    routes = {(method, path): route for method, path, route in _review_routes()}
    assert set(routes) == set(EXPECTED_PERMISSION), "add new review routes to the tables here"
    assert set(REQUESTS) == set(EXPECTED_PERMISSION)
    for key, route in routes.items():
        assert _declared_permissions(route.dependant) == [EXPECTED_PERMISSION[key]], key


def test_role_table_matches_the_documented_roles() -> None:
    assert ROLE_PERMISSIONS[Role.LEAD] == frozenset(Permission)
    assert ROLE_PERMISSIONS[Role.REVIEWER] == {P.READ, P.SCREEN, P.EXTRACT}
    assert ROLE_PERMISSIONS[Role.LIBRARIAN] == {P.READ, P.MANAGE_SOURCES}
    assert ROLE_PERMISSIONS[Role.VIEWER] == {P.READ}


@pytest.fixture
def world(build: Builder) -> World:
    lead = build.user()
    review_id = build.review(lead)["id"]
    members: dict[Role, Account] = {Role.LEAD: lead}
    for role in (Role.REVIEWER, Role.LIBRARIAN, Role.VIEWER):
        members[role] = build.member(lead, review_id, role.value)
    return World(build, lead, review_id, members, build.user())


def _call(client: TestClient, method: str, path: str, world: World, who: Account) -> Any:
    params_for, body_for = REQUESTS[(method, path)]
    url = API_PREFIX + path.format(**params_for(world))
    return client.request(method, url, json=body_for(), headers=who.headers)


@pytest.mark.parametrize(("method", "path"), sorted(EXPECTED_PERMISSION))
def test_role_matrix(client: TestClient, world: World, method: str, path: str) -> None:
    permission = EXPECTED_PERMISSION[(method, path)]
    for role, account in world.members.items():
        response = _call(client, method, path, world, account)
        if permission in ROLE_PERMISSIONS[role]:
            assert response.status_code < 300, (role, response.text)
        else:
            assert response.status_code == 403, (role, response.text)
            assert response.json()["error"] == "Forbidden"
            assert f"({role.value})" in response.json()["detail"]
    outsider = _call(client, method, path, world, world.outsider)
    assert outsider.status_code == 404, outsider.text
    assert outsider.json() == {"error": "NotFound", "detail": f"review {world.review_id} not found"}


@pytest.mark.parametrize(("method", "path"), sorted(EXPECTED_PERMISSION))
def test_a_missing_review_looks_exactly_like_a_foreign_one(
    client: TestClient, world: World, method: str, path: str
) -> None:
    params_for, body_for = REQUESTS[(method, path)]
    params = {**params_for(world), "rid": 999_999}
    response = client.request(
        method, API_PREFIX + path.format(**params), json=body_for(), headers=world.lead.headers
    )
    assert response.status_code == 404
    assert response.json() == {"error": "NotFound", "detail": "review 999999 not found"}


def test_an_admin_who_is_not_a_member_gets_404(client: TestClient, world: World) -> None:
    admin = world.build.user(admin=True)
    response = client.get(f"{API_PREFIX}/reviews/{world.review_id}", headers=admin.headers)
    assert response.status_code == 404


def test_anonymous_requests_to_review_routes_get_401(client: TestClient, world: World) -> None:
    for method, path in EXPECTED_PERMISSION:
        params_for, body_for = REQUESTS[(method, path)]
        url = API_PREFIX + path.format(**params_for(world))
        response = client.request(method, url, json=body_for())
        assert response.status_code == 401, (method, path)
