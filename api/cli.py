"""The ``winnow`` command: serve the API, manage users, and run the core on files."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

from pydantic import TypeAdapter, ValidationError
from pydantic.networks import EmailStr
from sqlmodel import Session

from api.db import make_engine
from api.demo import DemoCredential
from api.errors import WinnowError
from api.schemas.accounts import MIN_PASSWORD_LENGTH
from api.settings import Settings

DESCRIPTION = """\
Winnow: evidence synthesis for systematic and rapid reviews.

Configuration comes from WINNOW_* environment variables (see the README); the database is
WINNOW_DATABASE_URL (default: sqlite:///./winnow.db)."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        code: int = args.run(args)
    except WinnowError as exc:
        print(f"winnow: error: {exc.detail}", file=sys.stderr)
        return 1
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="winnow", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    serve = commands.add_parser("serve", help="migrate the database and serve the API and web app")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (use several only with PostgreSQL)"
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="create a demo review and demo accounts, and print their passwords",
    )
    serve.set_defaults(run=_serve)

    migrate = commands.add_parser("migrate", help="upgrade the database schema to the latest")
    migrate.set_defaults(run=_migrate)

    users = commands.add_parser("users", help="manage accounts")
    user_commands = users.add_subparsers(title="user commands", metavar="COMMAND")
    create = user_commands.add_parser("create", help="create an account")
    create.add_argument("email", metavar="EMAIL")
    create.add_argument("--name", required=True, help="the person's display name")
    create.add_argument("--admin", action="store_true", help="may manage accounts")
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of prompting",
    )
    create.set_defaults(run=_create_user)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.demo import load_demo
    from api.jobs import fail_interrupted_jobs
    from api.migrate import upgrade_to_head

    settings = Settings()
    upgrade_to_head(settings.database_url)
    engine = make_engine(settings.database_url)
    failed = fail_interrupted_jobs(engine)
    if failed:
        print(f"marked {failed} interrupted job(s) failed", file=sys.stderr)
    if args.demo:
        _print_demo(load_demo(engine), args.host, args.port)
    engine.dispose()
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
    )
    return 0


def _print_demo(credentials: Sequence[DemoCredential], host: str, port: int) -> None:
    shown = "localhost" if host in {"127.0.0.1", "0.0.0.0"} else host
    print("\nDemo accounts (passwords are new each start):", flush=True)
    for credential in credentials:
        print(f"  {credential.role:<10} {credential.email:<26} {credential.password}")
    print(f"\nAPI docs: http://{shown}:{port}/docs\n", flush=True)


def _migrate(_args: argparse.Namespace) -> int:
    from api.migrate import upgrade_to_head

    upgrade_to_head(Settings().database_url)
    print("database is at the latest schema")
    return 0


def _create_user(args: argparse.Namespace) -> int:
    from api.services.accounts import create_user

    try:
        email = TypeAdapter(EmailStr).validate_python(args.email)
    except ValidationError:
        print(f"winnow: error: {args.email!r} is not a valid e-mail address", file=sys.stderr)
        return 2
    password = _read_password(args.password_stdin)
    if len(password) < MIN_PASSWORD_LENGTH:
        print(
            f"winnow: error: the password must have at least {MIN_PASSWORD_LENGTH} characters",
            file=sys.stderr,
        )
        return 2
    engine = make_engine(Settings().database_url)
    try:
        with Session(engine) as session, session.begin():
            user = create_user(
                session, email=email, name=args.name, password=password, is_admin=args.admin
            )
            print(f"created user {user.id} <{user.email}>{' (admin)' if user.is_admin else ''}")
    finally:
        engine.dispose()
    return 0


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise SystemExit("winnow: error: the passwords do not match")
    return first


if __name__ == "__main__":
    raise SystemExit(main())
