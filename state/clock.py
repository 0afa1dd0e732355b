"""Asia/Shanghai: every date the procedure speaks of is a Shanghai date (at 16:00 UTC it is already tomorrow)."""

from datetime import date, datetime, timedelta, timezone

# A fixed offset, not ZoneInfo: China has had no DST since 1991, and ZoneInfo is not safe in the workflow sandbox.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def shanghai_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()
