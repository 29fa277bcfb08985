"""The ``winnow`` command: users, help, and ``serve --demo`` answering on a real port."""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from api.cli import main
from api.db import make_engine
from api.repositories.accounts import UserRepository
from api.security import verify_password


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("serve", "users", "migrate"):
        assert command in out


def test_users_create_reads_the_password_from_stdin(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WINNOW_DATABASE_URL", database_url)
    monkeypatch.setattr(sys, "stdin", io.StringIO("a very long secret\n"))
    code = main(
        ["users", "create", "Boss@Example.org", "--name", "The Boss", "--admin", "--password-stdin"]
    )
    assert code == 0
    assert "<boss@example.org> (admin)" in capsys.readouterr().out
    engine = make_engine(database_url)
    with Session(engine) as session:
        user = UserRepository(session).by_email("boss@example.org")
        assert user is not None
        assert user.is_admin
        assert user.name == "The Boss"
        assert verify_password(user.password_hash, "a very long secret")
    engine.dispose()


@pytest.mark.parametrize(
    "command",
    [
        ["users", "create", "first@example.org", "--name", "First", "--password-stdin"],
        ["export", "1"],
        ["prisma", "1"],
    ],
    ids=["users-create", "export", "prisma"],
)
@pytest.mark.usefixtures("database_url")  # runs on both lanes
def test_commands_on_a_fresh_database_migrate_it_first(
    empty_database_url: str,
    command: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WINNOW_DATABASE_URL", empty_database_url)
    monkeypatch.setattr(sys, "stdin", io.StringIO("a very long secret\n"))
    code = main(command)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if command[0] == "users":
        assert code == 0
        engine = make_engine(empty_database_url)
        with Session(engine) as session:
            assert UserRepository(session).by_email("first@example.org") is not None
        engine.dispose()
    else:  # migrated, then a clear refusal: there is no review 1 yet
        assert code == 1
        assert err.strip().splitlines() == ["winnow: error: review 1 not found"]


def test_a_database_that_cannot_be_opened_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WINNOW_DATABASE_URL", f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
    monkeypatch.setattr(sys, "stdin", io.StringIO("a very long secret\n"))
    assert main(["users", "create", "a@example.org", "--name", "A", "--password-stdin"]) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("winnow: error: cannot open or upgrade the database sqlite:///")
    assert line.endswith("check WINNOW_DATABASE_URL, then run 'winnow migrate'")


def test_users_create_refuses_duplicates_and_short_passwords(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WINNOW_DATABASE_URL", database_url)
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["users", "create", "a@example.org", "--name", "A", "--password-stdin"]) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    for expected in (0, 1):
        monkeypatch.setattr(sys, "stdin", io.StringIO("a very long secret\n"))
        assert (
            main(["users", "create", "a@example.org", "--name", "A", "--password-stdin"])
            == expected
        )
    assert "already exists" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("a very long secret\n"))
    assert main(["users", "create", "not-an-email", "--name", "A", "--password-stdin"]) == 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_credentials(process: subprocess.Popen[str], deadline: float) -> str:
    assert process.stdout is not None
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if "API docs:" in line:
            return "".join(lines)
        if not line and process.poll() is not None:
            break
    raise AssertionError("serve printed no credentials:\n" + "".join(lines))


def test_serve_demo_migrates_prints_working_credentials_and_answers(
    database_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    env = {**os.environ, "WINNOW_DATABASE_URL": database_url, "WINNOW_DATA_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        printed = _wait_for_credentials(process, time.monotonic() + 60)
        password = re.search(r"lead\s+lead@example.org\s+(\S+)", printed)
        assert password, printed
        # The web app's address comes first, the API docs last.
        web = printed.index(f"Web app: http://localhost:{port}/")
        assert web < printed.index("Demo accounts") < printed.index("API docs:")
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=5) as http:
            for _ in range(100):
                try:
                    health = http.get("/api/v1/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            assert health.json()["status"] == "ok"
            assert http.get("/docs").status_code == 200
            token = http.post(
                "/api/v1/auth/token",
                data={"username": "lead@example.org", "password": password.group(1)},
            )
            assert token.status_code == 200, token.text
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            reviews = http.get("/api/v1/reviews", headers=headers).json()
            assert [r["role"] for r in reviews] == ["lead"]
            members = http.get(f"/api/v1/reviews/{reviews[0]['id']}/members", headers=headers)
            assert {m["role"] for m in members.json()} == {
                "lead",
                "reviewer",
                "librarian",
                "viewer",
            }
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stdout is not None:
            process.stdout.close()


def _failed_logins_from(base: str, addresses: list[str]) -> list[int]:
    """One failed login per forwarded address (each for another account), in order."""
    statuses = []
    with httpx.Client(base_url=base, timeout=5) as http:
        for number, address in enumerate(addresses):
            response = http.post(
                "/api/v1/auth/token",
                data={"username": f"nobody{number}@example.org", "password": "wrong password"},
                headers={"X-Forwarded-For": address},
            )
            statuses.append(response.status_code)
    return statuses


@pytest.mark.parametrize(
    ("trusted", "expected"),
    [
        # The proxy (this test, on 127.0.0.1) is trusted: each client address has its own count.
        ("127.0.0.1", [401, 401, 429, 401]),
        # Only another proxy is trusted: the header is ignored and every failure is 127.0.0.1's.
        ("192.0.2.1", [401, 401, 429, 429]),
    ],
)
def test_serve_passes_forwarded_allow_ips_so_throttling_sees_client_addresses(
    database_url: str, tmp_path: Path, trusted: str, expected: list[int]
) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "WINNOW_DATABASE_URL": database_url,
        "WINNOW_DATA_DIR": str(tmp_path),
        "WINNOW_FORWARDED_ALLOW_IPS": trusted,
        "WINNOW_LOGIN_MAX_FAILURES_PER_ADDRESS": "2",
    }
    env.pop("FORWARDED_ALLOW_IPS", None)  # uvicorn's own variable would mask ours
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=tmp_path,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        clients = ["203.0.113.5", "203.0.113.5", "203.0.113.5", "203.0.113.6"]
        assert _failed_logins_from(base, clients) == expected
    finally:
        process.terminate()
        process.wait(timeout=20)
