"""What a batch (批次公布, workflows/announcement.py) does outside itself: have its applications join it (all or
none), read where they stand, announce them, render and keep its 公布文件, and write the read model.

A workflow cannot send an update to another workflow, so the joins and announcements go through the client here
(like activities/places.py). Each is safe to retry: an application accepts the same join or announcement again."""

from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

import documents
from activities.sealing import ANNOUNCEMENT, sealed_content
from config import Settings
from contracts.announcement import (
    AnnounceMembers,
    AnnouncementView,
    JoinAnnouncement,
    JoinBatch,
    LeaveAnnouncement,
    Member,
    MembersRequest,
    ProgramWords,
    RenderAnnouncement,
)
from contracts.application import ViewRequest
from contracts.refusals import RefusalKind, details_of, refusal_kind, refuse
from contracts.rules.applications import APPLICATION_NOT_FOUND
from db.announcements import write_announcement
from db.programs import learn_type_labels
from documents.announcement import opening_paragraph
from state.domain import Level, type_key
from state.labels import CITY, LEVELS, addressees, issuing_organs, level_title, type_label
from workflows.application import ApplicationWorkflow, workflow_id_for


def _refusal(error: BaseException, application_id: str) -> ApplicationError:
    """The application's refusal as it said it; an application that is not there, as such."""
    cause = error.cause if isinstance(error, WorkflowUpdateFailedError) else error
    kind = refusal_kind(cause) if cause is not None else None
    if kind is not None and isinstance(cause, ApplicationError):
        return refuse(kind, cause.message, **details_of(cause))
    return refuse(RefusalKind.not_found, APPLICATION_NOT_FOUND, application_id=application_id)


def document_for(r: RenderAnnouncement) -> documents.Announcement:
    """The batch's 公布文件: the level's issuing organs (of its city), the 文号 drawn for it, the day of its last
    signature; another program's in its own words (r.words)."""
    county = r.county if r.level == Level.county else None
    place = (r.city or CITY) if r.level == Level.city else r.county or ""
    listed = [m for m in r.members if not m.left]
    organs = issuing_organs(r.level, county, city=r.city or None, departments=r.departments)
    objections = any(m.objections for m in listed)
    if r.words is None:
        title = f"关于公布{place}{level_title(r.level, full=True)}名单的通知"
        opening = opening_paragraph(len(listed), LEVELS[r.level], objections)
        closing: list[str] = []
    else:
        named = r.words.full_title
        title = f"关于公布{named if named.startswith(place) else place + named}名单的通知"
        opening = program_opening(len(listed), r.words, objections)
        closing = [f"希望被认定的{r.words.title_word}珍惜荣誉，充分发挥示范带动作用。"]
    return documents.Announcement(
        organs=organs,
        doc_number=r.document_no,
        title=title,
        addressees=addressees(r.level, r.departments),
        institutions=[
            documents.ListedInstitution(
                name=m.institution_name,
                institution_type=type_label(m.institution_type),
                county=m.county,
                level=LEVELS[r.level],
            )
            for m in listed
        ],
        signed_on=r.signed_on,
        level=LEVELS[r.level],
        opening=[opening],
        closing=closing,
        city=r.city or CITY,
    )


def program_opening(count: int, words: ProgramWords, objections: bool) -> str:
    notice = "公示期间收到的异议经调查核实，异议不成立" if objections else "公示期满无异议"
    return (
        f"按照{words.product_name}工作安排，经申报、审核、公示等程序，{notice}，"
        f"决定认定以下{count}家单位为{words.full_title}，现予以公布。"
    )


class AnnouncementActivities:
    def __init__(self, client: Client, settings: Settings):
        self.client = client
        self.settings = settings

    def _handle(self, application_id: str):  # type: ignore[no-untyped-def]
        return self.client.get_workflow_handle(workflow_id_for(application_id))

    @activity.defn
    async def join_batch(self, r: JoinBatch) -> list[Member]:
        """Every application joins, or none stays: on the first refusal the ones that joined are let go."""
        plan, joined = r.plan, []
        for application_id in plan.application_ids:
            join = JoinAnnouncement(plan.announcement_id, plan.level, plan.county, plan.notice_closed_required)
            try:
                joined.append(
                    await self._handle(application_id).execute_update(ApplicationWorkflow.join_announcement, join)
                )
            except (WorkflowUpdateFailedError, RPCError) as e:
                if isinstance(e, RPCError) and e.status != RPCStatusCode.NOT_FOUND:
                    raise  # Temporal unreachable: retried, and a join accepted before is accepted again
                for member in joined:
                    await self._handle(member.application_id).execute_update(
                        ApplicationWorkflow.leave_announcement, LeaveAnnouncement(plan.announcement_id)
                    )
                raise _refusal(e, application_id) from None
        return joined

    @activity.defn
    async def members(self, r: MembersRequest) -> list[Member]:
        """Where each application stands now (its state, its notice, the objections lodged against it)."""
        found = []
        for application_id in r.application_ids:
            view = await self._handle(application_id).query(ApplicationWorkflow.view, ViewRequest())
            found.append(
                Member(
                    application_id=view.application_id,
                    institution_name=view.institution.name,
                    institution_type=type_key(view.institution.type),
                    county=view.county,
                    state=view.state,
                    notice_closed=view.notice_closed,
                    objections=len(view.objections),
                )
            )
        return found

    @activity.defn
    async def announce_members(self, r: AnnounceMembers) -> list[str]:
        """Announce each application; the ones that refuse (no longer under a closed notice) are left out."""
        announced = []
        for application_id in r.application_ids:
            try:
                await self._handle(application_id).execute_update(ApplicationWorkflow.announce, r.act)
            except WorkflowUpdateFailedError:  # refused: no longer under a closed notice
                continue
            except RPCError as e:
                if e.status != RPCStatusCode.NOT_FOUND:
                    raise  # Temporal unreachable: the activity is retried
                continue  # its workflow has ended meanwhile (withdrawn, rejected)
            announced.append(application_id)
        return announced

    @activity.defn
    def render_announcement(self, r: RenderAnnouncement) -> str:
        """Render the 公布文件, seal it by each of the three organs (lead first: one PAdES signature each) and keep it
        in the blob store: its SHA-256 (a retry answers the one kept first: activities/sealing.py)."""
        if r.words is not None:  # another program's types, as its definition names them
            learn_type_labels(self.settings.database_url)
        document = document_for(r)
        pdf = documents.announcement(document)
        kept = sealed_content(
            self.settings,
            ANNOUNCEMENT,
            document.organs,
            pdf,
            document_no=document.doc_number,
            issued_on=document.signed_on,
        )
        return kept.sha256

    @activity.defn
    def project_announcement(self, view: AnnouncementView) -> None:
        write_announcement(self.settings.database_url, view)
