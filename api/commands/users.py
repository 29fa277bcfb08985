"""``winnow users create``."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic.networks import EmailStr
from sqlmodel import Session

from api.commands.database import open_database
from api.schemas.accounts import MIN_PASSWORD_LENGTH
from api.settings import Settings


def register(commands: Any) -> None:
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
    engine = open_database(Settings().database_url)
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
