"""One activity per accepted act: the read-model projection and the inbox rows in one transaction, then any
e-mail or webhook. (Before it, each act ran ``project`` and ``notify`` apart: two activities, two transactions
and two more workflow tasks for every act; workflows started before the change still use those.)"""

from temporalio import activity

from activities.notify import deliver_outside, write_inbox
from activities.read_model import project_into
from config import ChannelSettings
from contracts.application import ActRecorded, ActRecording
from contracts.notify import NotifyRequest
from db.numbers import number_in, numbered_text
from db.session import get_engine
from state.domain import Act


def notice_of(r: ActRecording) -> NotifyRequest:
    p = r.projection
    return NotifyRequest(
        application_id=p.application_id,
        seq=p.act.seq,
        act=p.act.act,
        state=p.state,
        level=p.level,
        county=p.county,
        institution_name=p.institution_name,
        reason=p.act.reason,
        deadline=r.deadline,
        addressee=str(p.act.details.get("to", "")) if p.act.act == Act.urge else "",
    )


class RecordActivities:
    def __init__(self, database_url: str, channels: ChannelSettings):
        self.database_url = database_url
        self.channels = channels

    @activity.defn
    def record_act(self, r: ActRecording) -> ActRecorded:
        notice = notice_of(r)
        with get_engine(self.database_url).begin() as connection:
            written = project_into(connection, r.projection)
            notice.number = number_in(connection, notice.application_id)
            notice.reason = numbered_text(connection, notice.reason)
            inbox = write_inbox(connection, notice, self.channels, activity.info().current_attempt_scheduled_time)
        deliver_outside(self.database_url, self.channels, notice, inbox)
        return ActRecorded(event_written=written, notified=inbox.delivered)
