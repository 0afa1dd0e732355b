"""The database's schema: created and upgraded only by the migrations in ``db/migrations/versions``.

Every process that uses the database calls ``upgrade(url)`` at start (worker, API, CLI). On a fresh clone the
worker and the API do so at the same moment, so migrating holds a lock: on PostgreSQL an advisory lock taken in
the migration's transaction, on SQLite an exclusive lock on a file beside the database. The second process waits,
then finds the schema at head and does nothing.

    python -m db.schema                     upgrade the configured database (DATABASE_URL)
    python -m db.schema revision "message"  write a new migration for what the models changed (then review it)
"""

import fcntl
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import Connection, inspect, text

from db.programs import seed as seed_programs
from db.session import get_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"  # the schema as SQLModel's create_all made it before there were migrations
LOCK_KEY = 0x62696167616E  # the PostgreSQL advisory lock of "migrating biaogan's schema" ("biagan" in ASCII)


def upgrade(url: str) -> None:
    """Bring the database at ``url`` to the newest migration. Idempotent, and safe to call from several processes
    at once."""
    with _migrating(url) as connection:
        config = _config(connection)
        if _made_before_migrations(connection):
            command.stamp(config, BASELINE)
        command.upgrade(config, "head")
        seed_programs(connection)  # a new database starts with the Linyi program's definition as its version 1


def at_head(url: str) -> bool:
    """Whether the database at ``url`` has every migration applied."""
    with get_engine(url).connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == set(_scripts().get_heads())


def new_revision(message: str) -> Path:
    """Write a migration for what the models changed since head, compared on a scratch SQLite database."""
    scripts = _scripts()
    number = f"{len(list(scripts.walk_revisions())) + 1:04d}"
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'head.db'}"
        upgrade(url)
        with get_engine(url).begin() as connection:
            script = command.revision(_config(connection), message, autogenerate=True, rev_id=number)
        get_engine(url).dispose()
    if not isinstance(script, Script):  # a list only with several heads or branches, None only without a script
        raise RuntimeError(f"alembic wrote no single revision: {script!r}")
    return Path(script.path)


def _scripts() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS))


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@contextmanager
def _migrating(url: str) -> Iterator[Connection]:
    """A connection in a transaction, held by one process at a time."""
    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            yield connection
        return
    database = engine.url.database
    in_file = engine.dialect.name == "sqlite" and database not in (None, "", ":memory:")
    with _file_lock(Path(f"{database}.schema-lock")) if in_file else nullcontext(), engine.begin() as connection:
        yield connection


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # released when the file is closed, or the process dies
        yield


def _made_before_migrations(connection: Connection) -> bool:
    """A database whose tables SQLModel's create_all made has no migration history: it is at the baseline, which
    is recorded so that later migrations apply. One with only some of those tables cannot be placed. Tables not
    ours (a shared PostgreSQL database) do not count."""
    present = set(inspect(connection).get_table_names())
    if not present or "alembic_version" in present:
        return False
    baseline = set(_scripts().get_revision(BASELINE).module.TABLES)
    if not baseline & present:
        return False
    if missing := sorted(baseline - present):
        raise RuntimeError(
            f"{connection.engine.url!r} has tables but no migration history, and lacks {', '.join(missing)}: "
            "it was not made by this project, or only in part; move it aside and start again"
        )
    return True


if __name__ == "__main__":
    if sys.argv[1:2] == ["revision"] and len(sys.argv) == 3:
        print(f"wrote {new_revision(sys.argv[2])}; review it before committing")
    elif len(sys.argv) == 1:
        from config import get_settings

        upgrade(get_settings().database_url)
    else:
        sys.exit(__doc__)
