"""How the app's files are served: page shells, versioned assets, caching, and nothing else."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.routes.ui import assets_version
from api.settings import Settings


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """No database behind it: serving the app's files never touches one."""
    folder = tmp_path_factory.mktemp("serving")
    url = f"sqlite:///{folder / 'unused.db'}"
    return TestClient(create_app(settings=Settings(database_url=url, data_dir=folder)))


def test_pages_are_the_shell_with_versioned_assets(client: TestClient) -> None:
    for path in ["/login", "/reviews/3", "/reviews/3/screen/full_text"]:
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-cache"
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert f'src="/ui/{assets_version()}/js/app.js"' in response.text


def test_the_root_is_the_app_for_browsers_and_the_docs_for_api_clients(client: TestClient) -> None:
    browser = client.get("/", headers={"Accept": "text/html,*/*"})
    assert browser.status_code == 200
    assert "<main" in browser.text
    api_client = client.get("/", headers={"Accept": "application/json"}, follow_redirects=False)
    assert api_client.status_code == 307
    assert api_client.headers["location"] == "/docs"


def test_versioned_assets_are_cached_for_good_and_bare_ones_revalidated(client: TestClient) -> None:
    versioned = client.get(f"/ui/{assets_version()}/js/app.js")
    assert versioned.status_code == 200
    assert versioned.headers["content-type"].startswith("text/javascript")
    assert "immutable" in versioned.headers["cache-control"]
    stale = client.get("/ui/v-000000000000/css/app.css")
    assert stale.status_code == 200
    assert stale.headers["cache-control"] == "no-cache"


def test_only_files_inside_the_ui_folder_are_served(client: TestClient) -> None:
    for path in ["/ui/../routes/ui.py", "/ui/%2e%2e/settings.py", "/ui/index.html", "/ui/nope.js"]:
        response = client.get(path)
        assert response.status_code == 404, path
    assert client.get("/reviews/0").status_code == 422


def test_a_browser_asking_for_an_unknown_page_gets_the_apps_not_found_page(
    client: TestClient,
) -> None:
    html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    for path in ["/nope", "/reviews/abc", "/reviews/3x/settings"]:
        page = client.get(path, headers=html)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html")
        assert f'src="/ui/{assets_version()}/js/app.js"' in page.text
    # API clients, the API itself and static files keep the one JSON error shape.
    assert client.get("/nope", headers={"Accept": "application/json"}).json()["error"] == "NotFound"
    api = client.get("/api/v1/nope", headers=html)
    assert (api.status_code, api.json()["error"]) == (404, "NotFound")
    assert client.get("/ui/nope.js", headers=html).json()["error"] == "NotFound"
