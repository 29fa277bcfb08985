"""Settings from the environment (prefix ``WINNOW_``), read only in the shell."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.db import POOL_RESERVE, POOL_SIZE

DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WINNOW_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./winnow.db"
    data_dir: Path = Path("./data")
    secret_key: str = ""
    max_upload_mb: int = Field(default=50, ge=1)
    # JSON bodies are small; uploads go through multipart and get the upload limit instead.
    max_json_kb: int = Field(default=1024, ge=1)
    token_ttl_hours: int = Field(default=24 * 7, ge=1)
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=20, ge=1)
    login_failure_window_minutes: int = Field(default=15, ge=1)
    eutils_url: str = DEFAULT_EUTILS_URL
    ncbi_api_key: str = ""
    ncbi_email: str = ""
    # Reviews with at least this many records are deduplicated in a background job (202 + job).
    dedup_job_min_records: int = Field(default=20_000, ge=1)
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto uvicorn believes (comma-separated
    # addresses or networks, "*" for any): login throttling then counts the real client address.
    forwarded_allow_ips: str = "127.0.0.1"
    # PostgreSQL connections each server process keeps (requests use all but POOL_RESERVE, kept
    # for background work): workers x (this + MAX_OVERFLOW) must stay under max_connections.
    db_pool_size: int = Field(default=POOL_SIZE, ge=POOL_RESERVE + 1)
    # A running job's lease: a job whose worker stopped renewing it this long is taken over.
    job_lease_seconds: int = Field(default=60, ge=5)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


@lru_cache
def get_settings() -> Settings:
    return Settings()
