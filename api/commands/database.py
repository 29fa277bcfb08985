"""The database every command opens: migrated to the latest schema first, as ``winnow serve``."""

from __future__ import annotations

from alembic.util import CommandError
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from api.db import make_engine
from api.services.errors import WinnowError


def open_database(database_url: str) -> Engine:
    """An engine on *database_url* after upgrading its schema to the latest revision, so that a
    command on a fresh database finds its tables. A database that cannot be reached or upgraded
    is a one-line error (WinnowError), not a traceback."""
    from api.migrate import upgrade_to_head

    try:
        upgrade_to_head(database_url)
    except (SQLAlchemyError, CommandError) as error:
        shown = make_url(database_url).render_as_string(hide_password=True)
        cause = getattr(error, "orig", None) or error  # the driver's message, when there is one
        reason = str(cause).strip().splitlines()
        raise WinnowError(
            f"cannot open or upgrade the database {shown} ({reason[0] if reason else error!r}); "
            "check WINNOW_DATABASE_URL, then run 'winnow migrate'"
        ) from error
    return make_engine(database_url)
