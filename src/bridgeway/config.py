"""Settings, built once per entry point and passed in (never read at import time)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-secret-change-me"
DEV_KEK = "dev-only-key-encryption-key-change-me"


class Settings(BaseSettings):
    """Every setting Bridgeway reads, from BRIDGEWAY_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="BRIDGEWAY_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///bridgeway.db"
    data_dir: Path = Path("../shared/data")
    var_dir: Path = Path("var")
    base_url: str = "http://127.0.0.1:8000"
    secret_key: str = DEV_SECRET
    key_encryption_key: str = DEV_KEK
    session_max_age_seconds: int = 60 * 60 * 8
    login_max_failures: int = 5
    login_lockout_seconds: int = 15 * 60
    max_request_bytes: int = 2 * 1024 * 1024
    max_upload_bytes: int = 10 * 1024 * 1024
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "bridgeway@localhost"
    secure_cookies: bool = False
    default_locale: Literal["en", "fr"] = "en"
    http_fetch_allow: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.environment == "production":
            if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
                raise ValueError(
                    "BRIDGEWAY_SECRET_KEY must be set to a random value of 32+ characters in production"
                )
            if self.key_encryption_key == DEV_KEK or len(self.key_encryption_key) < 32:
                raise ValueError(
                    "BRIDGEWAY_KEY_ENCRYPTION_KEY must be set to a random value of 32+ characters in production"
                )
        return self

    @property
    def evidence_dir(self) -> Path:
        """Where evidence files are stored under content-addressed names."""
        return self.var_dir / "evidence"

    @property
    def outbox_dir(self) -> Path:
        """Where e-mail is written when no SMTP host is configured."""
        return self.var_dir / "outbox"


def get_settings() -> Settings:
    """Build settings from the environment (call once per entry point)."""
    return Settings()
