"""A PDF as the services hand it to the API and the pages: its bytes, the name it is served under and, for a
document kept as issued (公布文件, 撤销决定), its SHA-256 — the ETag on every way it is served."""

from dataclasses import dataclass

PDF = "application/pdf"


@dataclass(frozen=True)
class Pdf:
    content: bytes
    name: str  # the file name it is served under
    sha256: str | None = None  # a document kept as issued: the same bytes every time

    @property
    def headers(self) -> dict[str, str]:
        """Shown in the browser under its name; a kept document's SHA-256 as its ETag."""
        headers = {"Content-Disposition": f'inline; filename="{self.name}"'}
        if self.sha256:
            headers["ETag"] = f'"{self.sha256}"'
        return headers
