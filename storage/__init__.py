"""Where uploaded files are kept: one small interface, content-addressed by SHA-256.

``put(bytes) -> sha256``, ``get(sha256) -> bytes``, ``exists(sha256)``, ``delete(sha256)``. The default keeps each
file under the data directory at ``<root>/ab/cd/<sha256>`` (the first two pairs of hex digits as directories), written
to a temporary file and renamed into place, so a reader never sees half a file; the same bytes are kept once.
``storage.s3.S3BlobStore`` keeps them in an S3-compatible object store instead (every API process and worker on
every machine sees the same files); ``open_store`` picks one by configuration (``BIAOGAN_STORAGE``).
``sweep_temporaries`` removes what a killed writer left half-written (the worker's sweep, activities/uploads.py).
"""

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from config import BlobSettings

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobMissing(LookupError):
    """No file is kept under this digest."""


class BlobCorrupt(RuntimeError):
    """The kept bytes no longer hash to their name."""


class BlobStore(Protocol):
    def put(self, data: bytes) -> str: ...

    def get(self, sha256: str) -> bytes: ...

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str, *, unless_newer_than: float | None = None) -> bool: ...

    def sweep_temporaries(self, older_than: float) -> int: ...

    def kept_before(self, cutoff: float) -> Iterator[str]: ...


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileBlobStore:
    """Files under ``root``: ``root/ab/cd/<sha256>``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        sha256 = digest(data)
        target = self.path(sha256)
        if target.exists():
            try:
                os.utime(target)  # a fresh use: an expiry sweep leaves recently used files alone
                return sha256
            except FileNotFoundError:
                pass  # swept just now: written again below
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMPORARY)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha256

    def get(self, sha256: str) -> bytes:
        try:
            data = self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise BlobMissing(sha256) from None
        if digest(data) != sha256:
            raise BlobCorrupt(f"the file kept as {sha256} no longer has that digest")
        return data

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def delete(self, sha256: str, *, unless_newer_than: float | None = None) -> bool:
        """Remove the file; with ``unless_newer_than`` (seconds), keep one put (or re-put) more recently than that.
        True when a file was removed."""
        target = self.path(sha256)
        try:
            if unless_newer_than is not None and time.time() - target.stat().st_mtime < unless_newer_than:
                return False
            target.unlink()
        except FileNotFoundError:
            return False
        return True

    def sweep_temporaries(self, older_than: float) -> int:
        """Remove the ``.put-*`` files of writers that never finished (a process killed mid-write) once older than
        ``older_than`` seconds (a live writer's file is younger). Returns how many went."""
        removed, cutoff = 0, time.time() - older_than
        for tmp in self.root.glob(f"*/*/{TEMPORARY}*"):
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed += 1
            except FileNotFoundError:
                pass  # another sweep took it
        return removed

    def kept_before(self, cutoff: float) -> Iterator[str]:
        """The digests of the files last put before ``cutoff`` (epoch seconds)."""
        for path in self.root.glob("*/*/*"):
            try:
                if SHA256.match(path.name) and path.stat().st_mtime < cutoff:
                    yield path.name
            except FileNotFoundError:
                pass


TEMPORARY = ".put-"


@lru_cache(maxsize=16)
def file_store(root: Path) -> FileBlobStore:
    return FileBlobStore(root)


def open_store(blobs: "BlobSettings", root: Path) -> BlobStore:
    """The store the configuration names: files under ``root``, or the S3 bucket."""
    if blobs.storage == "s3":
        from storage.s3 import s3_store

        return s3_store(blobs)
    return file_store(root)
