"""Moments as the procedure shows them: Asia/Shanghai time (api.present.local, below the API for the services)."""

from datetime import UTC, datetime

from state.calendar import TZ


def local(moment: datetime) -> datetime:
    """Asia/Shanghai time. SQLite hands back naive datetimes, which the read model writes in UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TZ)
