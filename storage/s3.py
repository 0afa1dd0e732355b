"""Uploaded files in an S3-compatible object store (AWS S3, MinIO…), under ``<prefix>ab/cd/<sha256>``.

A PUT is atomic (a reader sees the whole object or none) and answered once the store has it durably, so there
is no temporary name to sweep. The same bytes put again are simply written again: that renews the object's
Last-Modified, which ``delete(unless_newer_than=…)`` reads as a fresh use, as the file store reads mtime.
"""

import time
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from config import BlobSettings
from storage import SHA256, BlobCorrupt, BlobMissing, digest

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MISSING = {"404", "NoSuchKey", "NotFound"}


def _missing(e: ClientError) -> bool:
    return str(e.response.get("Error", {}).get("Code")) in MISSING


class S3BlobStore:
    def __init__(self, client: "S3Client", bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def key(self, sha256: str) -> str:
        if not SHA256.match(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return f"{self.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def put(self, data: bytes) -> str:
        sha256 = digest(data)
        self.client.put_object(Bucket=self.bucket, Key=self.key(sha256), Body=data)
        return sha256

    def get(self, sha256: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as e:
            if _missing(e):
                raise BlobMissing(sha256) from None
            raise
        data = answer["Body"].read()
        if digest(data) != sha256:
            raise BlobCorrupt(f"the object kept as {sha256} no longer has that digest")
        return data

    def _head(self, sha256: str) -> dict[str, Any] | None:
        try:
            return dict(self.client.head_object(Bucket=self.bucket, Key=self.key(sha256)))
        except ClientError as e:
            if _missing(e):
                return None
            raise

    def exists(self, sha256: str) -> bool:
        return self._head(sha256) is not None

    def delete(self, sha256: str, *, unless_newer_than: float | None = None) -> bool:
        head = self._head(sha256)
        if head is None:
            return False
        if unless_newer_than is not None and time.time() - head["LastModified"].timestamp() < unless_newer_than:
            return False
        self.client.delete_object(Bucket=self.bucket, Key=self.key(sha256))
        return True

    def kept_before(self, cutoff: float) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"].rsplit("/", 1)[-1]
                if SHA256.match(name) and item["LastModified"].timestamp() < cutoff:
                    yield name

    def sweep_temporaries(self, older_than: float) -> int:
        return 0  # a PUT leaves nothing behind when its writer dies


def s3_store(blobs: BlobSettings) -> S3BlobStore:
    """One client per configuration, shared by every request of the process (boto3's clients are thread-safe)."""
    secret = blobs.s3_secret_access_key.get_secret_value() if blobs.s3_secret_access_key else None
    return _store(
        blobs.s3_endpoint_url, blobs.s3_region, blobs.s3_access_key_id, secret, blobs.s3_bucket, blobs.s3_prefix
    )


@lru_cache(maxsize=8)
def _store(
    endpoint_url: str | None, region: str, key_id: str | None, secret: str | None, bucket: str, prefix: str
) -> S3BlobStore:
    client = boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 5, "mode": "standard"}, s3={"addressing_style": "path"}),
    )
    return S3BlobStore(client, bucket, prefix)
