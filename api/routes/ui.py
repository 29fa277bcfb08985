"""The reviewer's web app: HTML shells for the pages and the static files under ``/ui``.

The app is plain HTML/CSS/JS in ``api/ui`` calling the public JSON API; nothing here reads data."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from api.schemas.ids import DbId
from api.services.errors import NotFound

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
# Assets are addressed as /ui/v-<content hash>/...: such a URL never changes meaning, so the
# browser may keep it for a year; the page shells are revalidated on every load instead.
_IMMUTABLE = "public, max-age=31536000, immutable"
_REVALIDATE = "no-cache"
_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; frame-src 'self' blob:; "
    "object-src 'self' blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
}

router = APIRouter(include_in_schema=False)
ReviewIdPath = Annotated[DbId, PathParam()]


@lru_cache(maxsize=1)
def assets_version() -> str:
    """A short hash of every UI file, so a new release gets new asset URLs."""
    digest = hashlib.sha256()
    for path in sorted(UI_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(UI_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return "v-" + digest.hexdigest()[:12]


@lru_cache(maxsize=1)
def _shell_html() -> str:
    template = (UI_DIR / "index.html").read_text(encoding="utf-8")
    return template.replace("{{ASSETS}}", f"/ui/{assets_version()}")


def _shell(status_code: int = 200) -> HTMLResponse:
    headers = {
        "Cache-Control": _REVALIDATE,
        "Content-Security-Policy": _CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    return HTMLResponse(_shell_html(), status_code=status_code, headers=headers)


def browser_not_found(request: Request) -> Response | None:
    """A browser asking for a page that does not exist gets the app, which says "Not found",
    with status 404; the API and static files keep their JSON errors."""
    path = request.url.path
    if path.startswith(("/api/", "/ui/")) or "text/html" not in request.headers.get("accept", ""):
        return None
    return _shell(status_code=404)


@router.get("/")
def home(accept: Annotated[str, Header()] = "") -> Response:
    """Browsers get the app's home page; API clients are pointed at the OpenAPI docs."""
    if "text/html" in accept:
        return _shell()
    return RedirectResponse("/docs")


@router.get("/login")
def login_page() -> HTMLResponse:
    return _shell()


@router.get("/set-password")
def set_password_page() -> HTMLResponse:
    return _shell()


@router.get("/admin/users")
def accounts_page() -> HTMLResponse:
    return _shell()


@router.get("/reviews/{rid}")
def review_page(rid: ReviewIdPath) -> HTMLResponse:
    return _shell()


@router.get("/reviews/{rid}/{page:path}")
def review_subpage(rid: ReviewIdPath, page: str) -> HTMLResponse:
    return _shell()


@router.get("/ui/{asset:path}")
def asset(asset: str) -> FileResponse:
    """A static file; versioned URLs are cached for good, bare ones revalidated."""
    version, _, rest = asset.partition("/")
    cache = _IMMUTABLE if version == assets_version() else _REVALIDATE
    relative = rest if version.startswith("v-") else asset
    path = (UI_DIR / relative).resolve()
    if not path.is_file() or not path.is_relative_to(UI_DIR) or path.name == "index.html":
        raise NotFound("file", relative)
    media_type = _MEDIA_TYPES.get(path.suffix)
    headers = {"Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    return FileResponse(path, media_type=media_type, headers=headers)
