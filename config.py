"""One place for configuration: environment variables prefixed ``BIAOGAN_`` (and ``DATABASE_URL``)."""

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TASK_QUEUE = "biaogan"
ROOT = Path(__file__).resolve().parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BIAOGAN_", extra="ignore")

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = TASK_QUEUE
    database_url: str = Field(default="", validation_alias=AliasChoices("DATABASE_URL", "BIAOGAN_DATABASE_URL"))
    data_dir: Path = ROOT / "data"
    calendar_overrides: Path | None = None
    notice_working_days: int = Field(default=5, ge=1, le=30)
    notice_end_hour: int = Field(default=24, ge=1, le=24)
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    temporal_ui_port: int = 8233

    @model_validator(mode="after")
    def _default_database_beside_the_data(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'biaogan.db'}"
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
