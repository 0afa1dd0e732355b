"""What every service is handed: the Temporal client and the settings (the database is reached through them)."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlmodel import Session
from temporalio.client import Client

from config import Settings
from db.session import get_engine


@dataclass(frozen=True)
class Context:
    client: Client
    settings: Settings

    @property
    def database_url(self) -> str:
        return self.settings.database_url

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(get_engine(self.settings.database_url)) as s:
            yield s
