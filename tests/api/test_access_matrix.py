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
from api.settings import Settings
from tests.api import extraction_fixtures as xf
from tests.api.builders import Account, Builder, insert_duplicate_pair, screening_records
from tests.fakes.eutils_server import FakeEutilsServer

P = Permission
EXPECTED_PERMISSION: dict[tuple[str, str], Permission] = {
    ("GET", "/reviews/{rid}"): P.READ,
    ("PATCH", "/reviews/{rid}"): P.MANAGE_REVIEW,
    ("GET", "/reviews/{rid}/members"): P.READ,
    ("POST", "/reviews/{rid}/members"): P.MANAGE_REVIEW,
    ("POST", "/reviews/{rid}/records/remove"): P.MANAGE_SOURCES,
    ("POST", "/reviews/{rid}/records/restore"): P.MANAGE_SOURCES,
    ("PUT", "/reviews/{rid}/members/{user_id}"): P.MANAGE_REVIEW,
    ("DELETE", "/reviews/{rid}/members/{user_id}"): P.MANAGE_REVIEW,
    ("POST", "/reviews/{rid}/sources"): P.MANAGE_SOURCES,
    ("GET", "/reviews/{rid}/sources"): P.READ,
    ("GET", "/reviews/{rid}/sources/{source_id}"): P.READ,
    ("PATCH", "/reviews/{rid}/sources/{source_id}"): P.MANAGE_SOURCES,
    ("DELETE", "/reviews/{rid}/sources/{source_id}"): P.MANAGE_SOURCES,
    ("DELETE", "/reviews/{rid}/imports/{batch_id}"): P.MANAGE_SOURCES,
    ("POST", "/reviews/{rid}/imports"): P.MANAGE_SOURCES,
    ("GET", "/reviews/{rid}/imports"): P.READ,
    ("POST", "/reviews/{rid}/imports/pubmed"): P.MANAGE_SOURCES,
    ("GET", "/reviews/{rid}/records"): P.READ,
    ("GET", "/reviews/{rid}/records/{record_id}"): P.READ,
    ("GET", "/reviews/{rid}/records/{record_id}/history"): P.READ,
    ("PATCH", "/reviews/{rid}/records/{record_id}"): P.MANAGE_SOURCES,
    ("POST", "/reviews/{rid}/dedup"): P.MANAGE_SOURCES,
    ("GET", "/reviews/{rid}/duplicates"): P.READ,
    ("POST", "/reviews/{rid}/duplicates/{link_id}"): P.MANAGE_SOURCES,
    ("POST", "/reviews/{rid}/duplicates/{link_id}/undo"): P.MANAGE_SOURCES,
    ("GET", "/reviews/{rid}/screening/{stage}/next"): P.SCREEN,
    ("POST", "/reviews/{rid}/records/{record_id}/decisions"): P.SCREEN,
    ("GET", "/reviews/{rid}/records/{record_id}/decisions"): P.READ,
    ("GET", "/reviews/{rid}/conflicts"): P.MANAGE_REVIEW,
    ("POST", "/reviews/{rid}/records/{record_id}/resolution"): P.SCREEN,
    ("GET", "/reviews/{rid}/agreement"): P.READ,
    ("GET", "/reviews/{rid}/progress"): P.READ,
    ("GET", "/reviews/{rid}/screening/methods"): P.READ,
    ("GET", "/reviews/{rid}/decisions/export"): P.MANAGE_REVIEW,
    ("GET", "/reviews/{rid}/exclusion-reasons"): P.READ,
    ("POST", "/reviews/{rid}/exclusion-reasons"): P.MANAGE_REVIEW,
    ("POST", "/reviews/{rid}/records/{record_id}/notes"): P.SCREEN,
    ("GET", "/reviews/{rid}/records/{record_id}/notes"): P.READ,
    ("PUT", "/reviews/{rid}/records/{record_id}/full-text"): P.RETRIEVE,
    ("DELETE", "/reviews/{rid}/records/{record_id}/full-text/not-retrieved"): P.RETRIEVE,
    ("GET", "/reviews/{rid}/retrieval"): P.READ,
    ("POST", "/reviews/{rid}/retrieval/match"): P.RETRIEVE,
    ("GET", "/reviews/{rid}/records/{record_id}/full-text"): P.READ,
    ("GET", "/reviews/{rid}/studies"): P.READ,
    ("GET", "/reviews/{rid}/studies/{sid}"): P.READ,
    ("POST", "/reviews/{rid}/studies/{sid}/reports"): P.MANAGE_REVIEW,
    ("GET", "/reviews/{rid}/prisma"): P.READ,
    ("GET", "/reviews/{rid}/prisma.csv"): P.READ,
    ("GET", "/reviews/{rid}/prisma.svg"): P.READ,
    ("GET", "/reviews/{rid}/export"): P.MANAGE_REVIEW,
    ("GET", "/reviews/{rid}/archive"): P.MANAGE_REVIEW,
    ("GET", "/reviews/{rid}/audit"): P.MANAGE_REVIEW,
    ("PUT", "/reviews/{rid}/extraction/form"): P.MANAGE_REVIEW,
    ("GET", "/reviews/{rid}/extraction/form"): P.READ,
    ("PUT", "/reviews/{rid}/studies/{sid}/extraction"): P.EXTRACT,
    ("GET", "/reviews/{rid}/studies/{sid}/extraction"): P.EXTRACT,
    ("POST", "/reviews/{rid}/studies/{sid}/extraction/verification"): P.EXTRACT,
    ("GET", "/reviews/{rid}/extraction/conflicts"): P.MANAGE_REVIEW,
    ("POST", "/reviews/{rid}/studies/{sid}/extraction/consensus"): P.MANAGE_REVIEW,
    ("GET", "/reviews/{rid}/studies/{sid}/extraction/entries"): P.MANAGE_REVIEW,
    ("GET", "/reviews/{rid}/extraction/export"): P.MANAGE_REVIEW,
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


_invited: dict[str, str] = {}


def _new_user_to_invite(world: World) -> dict[str, Any]:
    _invited["email"] = world.build.user().email
    return {"rid": world.review_id}


def _source(world: World) -> dict[str, Any]:
    source = world.build.source(world.lead, world.review_id, f"Source {next(_names)}")
    return {"rid": world.review_id, "source_id": source["id"]}


def _screen_record(world: World) -> dict[str, Any]:
    [record_id] = screening_records(
        world.build.engine, world.review_id, [("A trial", "An abstract")]
    )
    _last["record_id"] = record_id
    return {"rid": world.review_id, "record_id": record_id}


def _ta_stage(world: World) -> dict[str, Any]:
    return {"rid": world.review_id, "stage": "title_abstract"}


def _screen_conflict(world: World) -> dict[str, Any]:
    """A record two other reviewers disagree on; the REVIEWER member is its designated resolver."""
    params = _screen_record(world)
    voters = [world.build.member(world.lead, world.review_id, "reviewer") for _ in range(2)]
    resolver = world.members[Role.REVIEWER].id
    response = world.build.client.patch(
        f"{API_PREFIX}/reviews/{world.review_id}",
        json={"settings": {"resolvers": [resolver]}},
        headers=world.lead.headers,
    )
    assert response.status_code == 200, response.text
    for voter, decision in zip(voters, ("include", "exclude"), strict=True):
        world.build.client.post(
            f"{API_PREFIX}/reviews/{world.review_id}/records/{params['record_id']}/decisions",
            json={"stage": "title_abstract", "decision": decision},
            headers=voter.headers,
        )
    return params


def _stored_pdf(world: World) -> dict[str, Any]:
    params = _screen_record(world)
    response = world.build.client.put(
        f"{API_PREFIX}/reviews/{world.review_id}/records/{params['record_id']}/full-text",
        files={"file": ("paper.pdf", b"%PDF-1.4 matrix", "application/pdf")},
        headers=world.lead.headers,
    )
    assert response.status_code == 200, response.text
    return params


def _not_retrieved(world: World) -> dict[str, Any]:
    params = _screen_record(world)
    response = world.build.client.put(
        f"{API_PREFIX}/reviews/{world.review_id}/records/{params['record_id']}/full-text",
        json={"status": "not_retrieved"},
        headers=world.lead.headers,
    )
    assert response.status_code == 200, response.text
    return params


def _study(world: World) -> dict[str, Any]:
    _screen_record(world)
    studies = world.build.client.get(
        f"{API_PREFIX}/reviews/{world.review_id}/studies", headers=world.lead.headers
    ).json()["items"]
    return {"rid": world.review_id, "sid": studies[0]["id"]}


_last: dict[str, int] = {}
_TA_VOTE = {"stage": "title_abstract", "decision": "include"}


def _duplicate_pair(status: str) -> Callable[[World], dict[str, Any]]:
    def params(world: World) -> dict[str, Any]:
        source = world.build.source(world.lead, world.review_id, f"Source {next(_names)}")
        link_id = insert_duplicate_pair(world.build.engine, world.review_id, source["id"], status)
        return {"rid": world.review_id, "link_id": link_id}

    return params


_upload_to: dict[str, int] = {}  # the source the next import request names
_RIS = b"TY  - JOUR\nTI  - A matrix trial\nAU  - Lee, K\nER  - \n"


@dataclass(frozen=True)
class Upload:
    """A multipart body: *data* as the file, *source_field* naming the latest source made."""

    data: bytes
    source_field: str


def _body(body: Any) -> dict[str, Any]:
    if isinstance(body, Upload):
        form = {body.source_field: str(_upload_to["source_id"])}
        return {"data": form, "files": {"file": ("matrix.ris", body.data, "text/plain")}}
    return {"json": body}


def _import_source(world: World) -> dict[str, Any]:
    source = world.build.source(world.lead, world.review_id, f"Source {next(_names)}")
    _upload_to["source_id"] = source["id"]
    return {"rid": world.review_id}


def _imported_record(world: World) -> dict[str, Any]:
    _import_source(world)
    response = world.build.client.post(
        f"{API_PREFIX}/reviews/{world.review_id}/imports",
        **_body(Upload(_RIS, "source_id")),
        headers=world.lead.headers,
    )
    assert response.status_code == 201, response.text
    records = world.build.client.get(
        f"{API_PREFIX}/reviews/{world.review_id}/records",
        params={"batch_id": response.json()["id"]},
        headers=world.lead.headers,
    )
    return {"rid": world.review_id, "record_id": records.json()["items"][0]["id"]}


def _import_batch(world: World) -> dict[str, Any]:
    _import_source(world)
    response = world.build.client.post(
        f"{API_PREFIX}/reviews/{world.review_id}/imports",
        **_body(Upload(_RIS, "source_id")),
        headers=world.lead.headers,
    )
    assert response.status_code == 201, response.text
    return {"rid": world.review_id, "batch_id": response.json()["id"]}


_removable: dict[str, int] = {}


def _record_to_remove(world: World) -> dict[str, Any]:
    _removable["id"] = _imported_record(world)["record_id"]
    return {"rid": world.review_id}


def _removed_record(world: World) -> dict[str, Any]:
    path = _record_to_remove(world)
    response = world.build.client.post(
        f"{API_PREFIX}/reviews/{world.review_id}/records/remove",
        json={"record_ids": [_removable["id"]], "removed": "other", "reason": "out of scope"},
        headers=world.lead.headers,
    )
    assert response.status_code == 200, response.text
    return path


@pytest.fixture
def settings(settings: Settings) -> Iterator[Settings]:
    """PubMed import jobs started by these tests fetch from a local fake, never from NCBI."""
    with FakeEutilsServer(enforce_rate=False) as eutils:
        yield settings.model_copy(update={"eutils_url": eutils.base_url})


# How to make a valid request for each route: the path parameters and the JSON body.
REQUESTS: dict[tuple[str, str], tuple[Callable[[World], dict[str, Any]], Callable[[], Any]]] = {
    ("GET", "/reviews/{rid}"): (_plain, lambda: None),
    ("PATCH", "/reviews/{rid}"): (_plain, lambda: {"title": f"Renamed {next(_names)}"}),
    ("GET", "/reviews/{rid}/members"): (_plain, lambda: None),
    ("POST", "/reviews/{rid}/members"): (
        _new_user_to_invite,
        lambda: {"email": _invited["email"], "role": "reviewer"},
    ),
    ("PUT", "/reviews/{rid}/members/{user_id}"): (_new_user, lambda: {"role": "reviewer"}),
    ("POST", "/reviews/{rid}/records/remove"): (
        _record_to_remove,
        lambda: {"record_ids": [_removable["id"]], "removed": "automation", "reason": "tool"},
    ),
    ("POST", "/reviews/{rid}/records/restore"): (
        _removed_record,
        lambda: {"record_ids": [_removable["id"]]},
    ),
    ("DELETE", "/reviews/{rid}/members/{user_id}"): (_new_member, lambda: None),
    ("POST", "/reviews/{rid}/sources"): (_plain, lambda: {"name": f"Source {next(_names)}"}),
    ("GET", "/reviews/{rid}/sources"): (_plain, lambda: None),
    ("GET", "/reviews/{rid}/sources/{source_id}"): (_source, lambda: None),
    ("PATCH", "/reviews/{rid}/sources/{source_id}"): (_source, lambda: {"notes": "checked"}),
    ("DELETE", "/reviews/{rid}/sources/{source_id}"): (_source, lambda: None),
    ("DELETE", "/reviews/{rid}/imports/{batch_id}"): (_import_batch, lambda: None),
    ("POST", "/reviews/{rid}/imports"): (_import_source, lambda: Upload(_RIS, "source_id")),
    ("GET", "/reviews/{rid}/imports"): (_plain, lambda: None),
    ("POST", "/reviews/{rid}/imports/pubmed"): (
        _import_source,
        lambda: {"query": "matrix", "source_id": _upload_to["source_id"]},
    ),
    ("GET", "/reviews/{rid}/records"): (_plain, lambda: None),
    ("GET", "/reviews/{rid}/records/{record_id}"): (_imported_record, lambda: None),
    ("GET", "/reviews/{rid}/records/{record_id}/history"): (_imported_record, lambda: None),
    ("PATCH", "/reviews/{rid}/records/{record_id}"): (
        _imported_record,
        lambda: {"doi": "https://doi.org/10.5555/matrix", "pmid": None},
    ),
    ("POST", "/reviews/{rid}/dedup"): (_plain, lambda: None),
    ("GET", "/reviews/{rid}/duplicates"): (_plain, lambda: None),
    ("POST", "/reviews/{rid}/duplicates/{link_id}"): (
        _duplicate_pair("pending"),
        lambda: {"decision": "rejected"},
    ),
    ("POST", "/reviews/{rid}/duplicates/{link_id}/undo"): (_duplicate_pair("auto"), lambda: None),
    ("GET", "/reviews/{rid}/screening/{stage}/next"): (_ta_stage, lambda: None),
    ("POST", "/reviews/{rid}/records/{record_id}/decisions"): (_screen_record, lambda: _TA_VOTE),
    ("GET", "/reviews/{rid}/records/{record_id}/decisions"): (_screen_record, lambda: None),
    ("GET", "/reviews/{rid}/conflicts"): (_plain, lambda: None),
    ("POST", "/reviews/{rid}/records/{record_id}/resolution"): (
        _screen_conflict,
        lambda: {"stage": "title_abstract", "decision": "include", "reason": "matrix"},
    ),
    ("GET", "/reviews/{rid}/agreement"): (_plain, lambda: None),
    ("GET", "/reviews/{rid}/progress"): (_plain, lambda: None),
    ("GET", "/reviews/{rid}/screening/methods"): (_plain, lambda: None),
    ("GET", "/reviews/{rid}/decisions/export"): (_plain, lambda: None),
    ("GET", "/reviews/{rid}/exclusion-reasons"): (_plain, lambda: None),
    ("POST", "/reviews/{rid}/exclusion-reasons"): (
        _plain,
        lambda: {"stage": "full_text", "label": f"Reason {next(_names)}"},
    ),
    ("POST", "/reviews/{rid}/records/{record_id}/notes"): (_screen_record, lambda: {"text": "n"}),
    ("GET", "/reviews/{rid}/records/{record_id}/notes"): (_screen_record, lambda: None),
    ("PUT", "/reviews/{rid}/records/{record_id}/full-text"): (
        _screen_record,
        lambda: {"status": "not_retrieved"},
    ),
    ("GET", "/reviews/{rid}/records/{record_id}/full-text"): (_stored_pdf, lambda: None),
    ("DELETE", "/reviews/{rid}/records/{record_id}/full-text/not-retrieved"): (
        _not_retrieved,
        lambda: None,
    ),
    ("GET", "/reviews/{rid}/retrieval"): (_plain, lambda: None),
    ("POST", "/reviews/{rid}/retrieval/match"): (_plain, lambda: {"filenames": ["a.pdf"]}),
    ("GET", "/reviews/{rid}/studies"): (_plain, lambda: None),
    ("GET", "/reviews/{rid}/studies/{sid}"): (_study, lambda: None),
    ("POST", "/reviews/{rid}/studies/{sid}/reports"): (
        _study,
        lambda: {"record_ids": [_last["record_id"]]},
    ),
    ("GET", "/reviews/{rid}/prisma"): (_plain, lambda: None),
    ("GET", "/reviews/{rid}/audit"): (_plain, lambda: None),
    ("GET", "/reviews/{rid}/prisma.csv"): (_plain, lambda: None),
    ("GET", "/reviews/{rid}/prisma.svg"): (_plain, lambda: None),
    ("GET", "/reviews/{rid}/export"): (_plain, lambda: None),
    ("GET", "/reviews/{rid}/archive"): (_plain, lambda: None),
    ("PUT", "/reviews/{rid}/extraction/form"): (_plain, lambda: xf.FORM_BODY),
    ("GET", "/reviews/{rid}/extraction/form"): (xf.with_form, lambda: None),
    ("PUT", "/reviews/{rid}/studies/{sid}/extraction"): (xf.study_with_form, lambda: xf.VALUES),
    ("GET", "/reviews/{rid}/studies/{sid}/extraction"): (xf.study_with_form, lambda: None),
    ("POST", "/reviews/{rid}/studies/{sid}/extraction/verification"): (
        xf.study_to_verify,
        lambda: {},
    ),
    ("GET", "/reviews/{rid}/extraction/conflicts"): (xf.with_form, lambda: None),
    ("POST", "/reviews/{rid}/studies/{sid}/extraction/consensus"): (
        xf.study_with_two_extractions,
        lambda: {"values": {}},
    ),
    ("GET", "/reviews/{rid}/studies/{sid}/extraction/entries"): (
        xf.study_with_two_extractions,
        lambda: None,
    ),
    ("GET", "/reviews/{rid}/extraction/export"): (xf.with_form, lambda: None),
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
    assert ROLE_PERMISSIONS[Role.REVIEWER] == {P.READ, P.SCREEN, P.EXTRACT, P.RETRIEVE}
    assert ROLE_PERMISSIONS[Role.LIBRARIAN] == {P.READ, P.MANAGE_SOURCES, P.RETRIEVE}
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
    return client.request(method, url, **_body(body_for()), headers=who.headers)


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
        method, API_PREFIX + path.format(**params), **_body(body_for()), headers=world.lead.headers
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
        response = client.request(method, url, **_body(body_for()))
        assert response.status_code == 401, (method, path)
