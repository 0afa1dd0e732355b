"""What an application's page links to: its printable documents (as the API would serve them now) and the files
that stand, each at the page routes of web/routes/documents.py (served with the session, not a token)."""

from typing import Any

from contracts.application import ApplicationView
from services.declarations import current_materials
from state.domain import Stage

PREVIEWABLE = ("application/pdf", "image/png", "image/jpeg")
ANNOUNCED = (Stage.announced, Stage.plaque_awarded, Stage.revoked)


def document_links(view: ApplicationView) -> list[tuple[str, str]]:
    """(title, page address) of the PDFs this application has now, as the API would serve them."""
    base = f"/applications/{view.application_id}/documents"
    links = [("申报表", f"{base}/declaration.pdf")]
    if view.round_id and view.notice is not None:
        links.append(("公示名单", f"{base}/notice-list.pdf"))
    elif view.state == Stage.publicized:
        links.append(("公示名单", "/api/v1/public/notices.pdf"))  # the board's, public
    if view.announcement_doc_no is not None and view.state in ANNOUNCED:
        links.append(("公布文件", f"{base}/announcement.pdf"))
    if view.plaque_no is not None and view.state == Stage.plaque_awarded:
        links.append(("奖牌证书", f"{base}/certificate.pdf"))
    return links


def material_rows(view: ApplicationView) -> list[dict[str, Any]]:
    """Every file the acts submitted, oldest first, each with its page addresses; a file a correction replaced
    (补正) stays listed, marked ``replaced``."""
    base = f"/applications/{view.application_id}/materials"
    submitted = [a.materials for a in view.acts]
    standing = {m.material_id for m in current_materials(submitted)}
    return [
        {
            "m": m,
            "title": m.title or m.item,
            "replaced": m.material_id not in standing,
            "download": f"{base}/{m.material_id}",
            "preview": f"{base}/{m.material_id}/preview" if m.content_type in PREVIEWABLE else None,
        }
        for files in submitted
        for m in files
    ]
