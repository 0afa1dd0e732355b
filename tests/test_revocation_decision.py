"""The revocation workflow's activities on their own (activities/revocation.py): the 撤销决定 rendered and kept once
(the same bytes on a retry, so the same SHA-256), the read model written idempotently, and the institution told by
e-mail at the contact on record, with the 文号 and the ground in Chinese, once however often the activity runs."""

from datetime import UTC, date, datetime

from sqlmodel import Session
from temporalio.testing import ActivityEnvironment

from activities.revocation import RevocationActivities
from config import ChannelSettings
from contracts.revocation import Proposal, RevocationState, RevocationSubject, RevocationView, SubjectKind
from db.revocations import Revocation
from db.session import get_engine
from services.declarations import store_for
from state.domain import Actor, Level, RevocationReason, Role
from tests.conftest import settings_for, unique
from tests.filing.receivers import SmtpReceiver


def _decided(email: str) -> RevocationView:
    subject = RevocationSubject(
        kind=SubjectKind.historic,
        subject_id=unique("9"),
        level=Level.county,
        county="兰山区",
        institution_name="兰山区某某职业培训学校",
        institution_type="training",
        credit_code="91371302MA3C4XY818",
        announcement_doc_no="兰人社发〔2021〕3号",
        announced_on=date(2021, 6, 1),
        contact=email,
        email=email,
    )
    inspector = Actor(user_id="u-inspector", name="市督查员", role=Role.inspector)
    proposal = Proposal(unique("P"), subject, RevocationReason.violation, "经查实，存在违规收费问题", inspector)
    return RevocationView(
        proposal=proposal,
        proposed_at=datetime(2026, 12, 1, 2, tzinfo=UTC),
        state=RevocationState.revoked,
        document_no="兰山人社字〔2026〕7号",
        decided_on=date(2026, 12, 7),
    )


def test_the_decision_is_kept_once_and_the_institution_is_mailed_once(database_url):
    with SmtpReceiver() as smtp:
        channels = ChannelSettings(smtp_host="127.0.0.1", smtp_port=smtp.port, public_base_url="https://bg.example")
        settings = settings_for(database_url, unique("q"), channels=channels)
        activities = RevocationActivities(settings, client=None)  # type: ignore[arg-type]  # no workflow driven here
        env = ActivityEnvironment()
        decided = _decided("peixun@linyi.example")
        first, again = env.run(activities.issue_decision, decided), env.run(activities.issue_decision, decided)
        assert first == again and store_for(settings).exists(first)
        decided.document_sha256 = first
        env.run(activities.record_revocation, decided)
        env.run(activities.record_revocation, decided)  # a retried write leaves one row
        with Session(get_engine(database_url)) as s:
            row = s.get(Revocation, decided.proposal.proposal_id)
            assert row is not None and row.state == "revoked" and row.document_sha256 == first

        told = env.run(activities.notify_institution, decided)
        env.run(activities.notify_institution, decided)  # retried: nobody is told twice
        assert told.emailed == 1 and told.delivered == 1  # the mail, and the county bureau's inbox
        assert [m.recipients for m in smtp.mails] == [["peixun@linyi.example"]]
        mail = smtp.mails[0].message
        assert (
            mail["Subject"]
            == "【撤销决定】兰山区某某职业培训学校县级就业服务质量标杆机构称号已撤销（兰山人社字〔2026〕7号）"
        )
        text = mail.get_content()
        assert "发生违法违规违纪问题" in text and "兰山人社字〔2026〕7号" in text and "2026年12月7日" in text
        assert "https://bg.example/revocations" in text
