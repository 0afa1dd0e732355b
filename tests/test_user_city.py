"""Users belong to a city (地区定义): a user made before the column gets 临沂市 from the migration (SQLite and
PostgreSQL), and a user made now gets the deployment's city from the model."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import Session

from db.schema import _config, at_head, upgrade
from db.session import get_engine
from db.users import User
from state.domain import Role
from tests.conftest import scratch_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'cities.db'}"
        yield url
        get_engine(url).dispose()
        return
    with scratch_postgres("city") as url:
        yield url


def test_users_made_before_belong_to_linyi_and_new_ones_to_the_deployment_s_city(empty_url):
    with get_engine(empty_url).begin() as connection:
        command.upgrade(_config(connection), "0025_issued_documents")
        connection.execute(
            text(
                "INSERT INTO api_user (id, name, role, token_hash, created_at)"
                " VALUES ('before', '兰山区人社局', 'county_bureau', 'h-before', :at)"
            ),
            {"at": datetime(2026, 12, 1, tzinfo=UTC)},
        )
    assert not at_head(empty_url)
    upgrade(empty_url)
    assert at_head(empty_url)
    with Session(get_engine(empty_url)) as s:
        s.add(User(id="now", name="市人社局", role=Role.admin, token_hash="h-now", created_at=datetime.now(UTC)))
        s.commit()
        before, now = s.get(User, "before"), s.get(User, "now")
        assert before is not None and now is not None
        assert (before.city, now.city) == ("临沂市", "临沂市")
    with get_engine(empty_url).begin() as connection:
        command.downgrade(_config(connection), "0025_issued_documents")
        columns = connection.execute(text("SELECT * FROM api_user")).keys()
    assert "city" not in columns
