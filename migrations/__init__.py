"""Alembic migrations (configured in pyproject.toml)."""
