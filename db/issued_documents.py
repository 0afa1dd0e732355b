"""Documents the organs issue that are sealed on first request and kept (奖牌证书, 备案表 as filed, 公示名单 as it
stood): one row per (purpose, subject), the sealed bytes' SHA-256 in the blob store. The first to keep one wins;
whoever came second serves the winner's bytes, so every request for it answers the same bytes and ETag."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel, col, select

from db.session import insert_ignore, session_for


class IssuedDocument(SQLModel, table=True):
    __tablename__ = "issued_documents"

    purpose: str = Field(primary_key=True)  # certificate, filing_form, notice_list
    subject: str = Field(primary_key=True)  # the application, the county's year and version, the list's content
    sha256: str = Field(index=True)
    organ: str  # the organ that sealed it
    sealed_at: datetime
    document_no: str | None = Field(default=None, index=True)  # the plaque's number for a certificate
    issued_on: date | None = None


def kept(database_url: str, purpose: str, subject: str) -> IssuedDocument | None:
    with session_for(database_url) as s:
        return s.get(IssuedDocument, (purpose, subject))


def keep(database_url: str, row: IssuedDocument) -> IssuedDocument:
    """The row kept for (purpose, subject): this one, or the one another request kept first."""
    with session_for(database_url) as s:
        if insert_ignore(s, IssuedDocument, row.model_dump(), ["purpose", "subject"]):
            s.commit()
            return row
        s.rollback()
        found = s.get(IssuedDocument, (row.purpose, row.subject))
        assert found is not None
        return found


def by_sha256(database_url: str, sha256: str) -> IssuedDocument | None:
    with session_for(database_url) as s:
        return s.exec(select(IssuedDocument).where(col(IssuedDocument.sha256) == sha256)).first()


def by_number(database_url: str, document_no: str) -> IssuedDocument | None:
    with session_for(database_url) as s:
        return s.exec(select(IssuedDocument).where(col(IssuedDocument.document_no) == document_no)).first()
