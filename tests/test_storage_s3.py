"""The storage contract, the same for both backends: files on the local disk and an S3-compatible object store
(moto's server on 127.0.0.1, spoken to over HTTP by boto3 as MinIO or AWS would be)."""

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from config import BlobSettings
from storage import BlobCorrupt, BlobMissing, BlobStore, FileBlobStore, digest, open_store
from storage.s3 import S3BlobStore
from tests.s3server import bucket_on, moto_server
from tests.samples import pdf


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory) -> Iterator[str]:
    with moto_server(tmp_path_factory.mktemp("moto") / "moto.log") as url:
        yield url


@pytest.fixture(params=["file", "s3"])
def store(request, tmp_path) -> BlobStore:
    if request.param == "file":
        return open_store(BlobSettings(), tmp_path / "materials")
    return open_store(bucket_on(request.getfixturevalue("s3_endpoint")), tmp_path)


def corrupt(store: BlobStore, sha256: str) -> None:
    """Other bytes under the file's name, as a disk or a bucket gone wrong would hold."""
    if isinstance(store, FileBlobStore):
        store.path(sha256).write_bytes(b"not what was put")
    else:
        assert isinstance(store, S3BlobStore)
        store.client.put_object(Bucket=store.bucket, Key=store.key(sha256), Body=b"not what was put")


def test_open_store_follows_the_configuration(store):
    assert isinstance(store, FileBlobStore | S3BlobStore)


def test_put_get_exists_delete(store):
    data = pdf("contract")
    sha256 = store.put(data)
    assert sha256 == digest(data)
    assert store.exists(sha256) and store.get(sha256) == data
    assert store.delete(sha256) is True
    assert not store.exists(sha256)
    with pytest.raises(BlobMissing):
        store.get(sha256)
    assert store.delete(sha256) is False


def test_the_same_bytes_put_twice_are_kept_once_and_renewed(store):
    data = pdf("twice")
    assert store.put(data) == store.put(data)
    assert store.get(digest(data)) == data
    # just put: a sweep that spares fresh files leaves it; one that spares nothing takes it
    assert store.delete(digest(data), unless_newer_than=3600) is False
    assert store.exists(digest(data))
    time.sleep(1.1)  # S3 keeps Last-Modified to the second
    assert store.delete(digest(data), unless_newer_than=1) is True


def test_bytes_that_no_longer_hash_to_their_name_are_told(store):
    sha256 = store.put(pdf("corrupt"))
    corrupt(store, sha256)
    with pytest.raises(BlobCorrupt):
        store.get(sha256)


def test_a_name_that_is_not_a_digest_is_refused(store):
    with pytest.raises(ValueError):
        store.exists("../../etc/passwd")


def test_half_written_files_are_swept_once_old(tmp_path):
    store = FileBlobStore(tmp_path)
    sha256 = store.put(pdf("kept"))
    folder = store.path(sha256).parent
    old, fresh = folder / ".put-old", folder / ".put-fresh"
    old.write_bytes(b"half")
    fresh.write_bytes(b"half")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert store.sweep_temporaries(older_than=3600) == 1
    assert not old.exists() and fresh.exists() and store.exists(sha256)
    assert store.sweep_temporaries(older_than=3600) == 0  # idempotent


def test_an_s3_configuration_needs_a_bucket():
    with pytest.raises(ValueError, match="BIAOGAN_S3_BUCKET"):
        BlobSettings(storage="s3")
    assert isinstance(open_store(BlobSettings(), Path("/nonexistent")), FileBlobStore)


def test_the_store_lists_what_was_put_before_a_time(store):
    sha256 = store.put(pdf("listed"))
    assert sha256 in set(store.kept_before(time.time() + 5))
    assert sha256 not in set(store.kept_before(time.time() - 3600))
    assert store.sweep_temporaries(older_than=0) == 0  # nothing half-written
