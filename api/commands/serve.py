"""``winnow serve`` and ``winnow migrate``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from api.commands.database import open_database
from api.demo import DemoCredential
from api.settings import Settings


def register(commands: Any) -> None:
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


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.demo import load_demo

    settings = Settings()
    engine = open_database(settings.database_url)
    try:
        # Jobs a lost worker was running are taken over once their lease expires (api.jobs).
        credentials = load_demo(engine) if args.demo else []
    finally:
        engine.dispose()
    _print_addresses(credentials, args.host, args.port)
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )
    return 0


def _print_addresses(credentials: Sequence[DemoCredential], host: str, port: int) -> None:
    """The web app's address first (where people start), demo accounts, then the API's docs."""
    shown = "localhost" if host in {"127.0.0.1", "0.0.0.0"} else host
    print(f"\nWeb app: http://{shown}:{port}/  (open it in your browser)", flush=True)
    if credentials:
        print("\nDemo accounts (passwords are new each start):", flush=True)
        for credential in credentials:
            print(f"  {credential.role:<10} {credential.email:<26} {credential.password}")
    print(f"\nAPI docs: http://{shown}:{port}/docs\n", flush=True)


def _migrate(_args: argparse.Namespace) -> int:
    open_database(Settings().database_url).dispose()
    print("database is at the latest schema")
    return 0
