"""The answer of 验真 (POST /api/v1/public/verify), for the API and the page alike."""

from datetime import date, datetime

from pydantic import BaseModel, Field


class SealOut(BaseModel):
    organ: str = Field(description="the organ that sealed it (its certificate's name)")
    signed_at: datetime | None = Field(description="when it was sealed, as the signature says")


class KnownDocument(BaseModel):
    kind: str = Field(description="what it is, in Chinese: 公布文件, 撤销决定, 奖牌证书, 备案表, 公示名单")
    document_no: str | None = Field(description="its 文号 (a certificate: the plaque's number)")
    issued_on: date | None
    sha256: str | None = Field(description="the SHA-256 of the document as kept (null: drawn on each request)")


class Verified(BaseModel):
    valid: bool = Field(
        description="a file: every seal intact, trusted and covering the whole file; only a 文号: whether the system "
        "issued a document of that number (as `issued`)"
    )
    seals: list[SealOut] = []
    sha256: str | None = Field(None, description="the SHA-256 of the file sent")
    document: KnownDocument | None = Field(
        None, description="what the system knows of the file by its SHA-256 (or, with only a 文号, of that number)"
    )
    number: str | None = None
    issued: bool | None = Field(None, description="whether a document of that 文号 was issued")
