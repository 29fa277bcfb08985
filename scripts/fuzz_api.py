"""Fuzz the served API with Schemathesis: no operation may answer 5xx.

Run: ``.venv/bin/python scripts/fuzz_api.py [--database URL] [--seed N] [--max-examples N]``
(``make test`` runs it on SQLite and on PostgreSQL). It migrates the database (a temporary SQLite
file by default; a PostgreSQL database given here is wiped), creates an admin who leads review 1
holding a few imported records, serves the app with uvicorn, and runs ``schemathesis run`` on
``/openapi.json`` with that admin's token and ``--checks not_a_server_error``. The seed is
printed first, so a failure can be replayed with ``--seed``. After the fuzzer's own writes it
replays ``GET /reviews/1/studies?status=all`` and the CSV export, which must answer 200.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlmodel import Session, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from api.db import make_engine  # noqa: E402
from api.migrate import upgrade_to_head  # noqa: E402
from api.permissions import Role  # noqa: E402
from api.schemas.reviews import ReviewCreate  # noqa: E402
from api.services.accounts import create_user, issue_token  # noqa: E402
from api.services.imports import import_file  # noqa: E402
from api.services.reviews import create_review  # noqa: E402
from api.tables import Membership, Source  # noqa: E402

# Operations left out: they revoke the fuzzer's own token, after which every call is a 401.
EXCLUDED = (
    "logout_api_v1_auth_token_delete",
    "revoke_my_token_api_v1_users_me_tokens__token_id__delete",
    "end_session_api_v1_auth_session_delete",
    "reset_password_api_v1_users__user_id__password_reset_post",
)
RECORDS = b"""TY  - JOUR
TI  - Exercise therapy for chronic low back pain
AU  - Smith, Jane
PY  - 2019
DO  - 10.1000/abc.1
ER  -

TY  - JOUR
TI  - Yoga for back pain
AU  - Doe, John
PY  - 2021
ER  -
"""


def seed_database(url: str) -> str:
    """Wipe and migrate *url*; an admin leading review 1 with two records. Returns a token."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade_to_head(url)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        admin = create_user(
            session, email="fuzz@example.org", name="Fuzz", password="fuzzing pw 123", is_admin=True
        )
        review = create_review(session, admin, ReviewCreate(title="Fuzzed review"))
        assert review.id is not None
        source = Source(review_id=review.id, name="MEDLINE")
        session.add(source)
        session.flush()
        assert source.id is not None
        import_file(session, review, admin, source_id=source.id, filename="a.ris", data=RECORDS)
        token = issue_token(session, admin, ttl=timedelta(hours=2)).access_token
    engine.dispose()
    return token


def serve(url: str, data_dir: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = {**os.environ, "WINNOW_DATABASE_URL": url, "WINNOW_DATA_DIR": str(data_dir)}
    command = [
        sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
        "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    origin = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{origin}/api/v1/health", timeout=1).status_code == 200:
                return process, origin
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the server did not start; see {log}")


def fuzz(url: str, seed: int, max_examples: int, max_time: int, workdir: Path) -> int:
    token = seed_database(url)
    data_dir = workdir / "data"
    data_dir.mkdir(exist_ok=True)
    log = workdir / "server.log"
    process, origin = serve(url, data_dir, log)
    try:
        command = [
            str(Path(sys.executable).parent / "schemathesis"), "run", f"{origin}/openapi.json",
            "--checks", "not_a_server_error", "--max-examples", str(max_examples),
            "--max-time", str(max_time), "--seed", str(seed), "--workers", "1",
            "--header", f"Authorization: Bearer {token}", "--generation-database", "none",
            "--request-timeout", "30", "--no-color", "--suppress-health-check", "all",
            "--warnings", "off",
            *(arg for operation in EXCLUDED for arg in ("--exclude-operation-id", operation)),
        ]  # fmt: skip
        code = subprocess.call(command, cwd=workdir)
        replayed = _replay(url, origin, token)
    finally:
        process.terminate()
        process.wait(timeout=30)
    if code != 0 or not replayed:
        print(f"fuzzing failed (seed {seed}); server log: {log}", file=sys.stderr)
        print(log.read_text()[-5000:], file=sys.stderr)
        return 1
    return 0


def _replay(url: str, origin: str, token: str) -> bool:
    """The pages that failed after fuzzer writes before: they must still answer 200. The
    fuzzer may have changed the admin's role in review 1 (or removed it): it leads it again."""
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        membership = session.exec(
            select(Membership).where(Membership.review_id == 1, Membership.user_id == 1)
        ).first() or Membership(review_id=1, user_id=1, role=Role.LEAD)
        membership.role = Role.LEAD
        session.add(membership)
    engine.dispose()
    ok = True
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("/reviews/1/studies?status=all", "/reviews/1/export?format=csv&status=all"):
        response = httpx.get(f"{origin}/api/v1{path}", headers=headers, timeout=120)
        print(f"replay GET {path}: {response.status_code}")
        ok = ok and response.status_code == 200
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", help="a PostgreSQL URL to wipe (default: temporary SQLite)")
    parser.add_argument("--seed", type=int, default=None, help="replay a run (printed by each run)")
    parser.add_argument("--max-examples", type=int, default=10, help="per operation")
    parser.add_argument("--max-time", type=int, default=150, help="seconds for the whole run")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    backend = "postgresql" if args.database else "sqlite"
    replay = f"scripts/fuzz_api.py --seed {seed}" + (" --database URL" if args.database else "")
    print(f"== API fuzzing on {backend}: seed {seed} (replay: {replay})")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = args.database or f"sqlite:///{workdir / 'fuzz.db'}"
        return fuzz(url, seed, args.max_examples, args.max_time, workdir)


if __name__ == "__main__":
    raise SystemExit(main())
