"""A real S3-compatible server on 127.0.0.1 for the tests: moto's, in server mode, in a process of its own."""

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import httpx
from pydantic import SecretStr

from config import BlobSettings
from tests.test_migrations import free_port, stop

KEY_ID, SECRET = "testing", "testing-secret"


@contextmanager
def moto_server(log: Path) -> Iterator[str]:
    """``moto_server`` on a free port of 127.0.0.1; its endpoint URL while it runs."""
    port = free_port()
    binary = Path(sys.executable).parent / "moto_server"
    with log.open("w") as out:
        process = subprocess.Popen([str(binary), "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/moto-api/", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        yield url
    finally:
        stop(process)


def bucket_on(endpoint_url: str) -> BlobSettings:
    """A fresh bucket on the server, as BIAOGAN_STORAGE=s3 names it."""
    bucket = f"biaogan-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3", endpoint_url=endpoint_url, region_name="us-east-1", aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET
    )
    client.create_bucket(Bucket=bucket)
    return BlobSettings(
        storage="s3",
        s3_endpoint_url=endpoint_url,
        s3_bucket=bucket,
        s3_access_key_id=KEY_ID,
        s3_secret_access_key=SecretStr(SECRET),
    )


def s3_env(blobs: BlobSettings) -> dict[str, str]:
    """The same configuration as the environment of a process (the API, the worker)."""
    assert blobs.s3_endpoint_url and blobs.s3_access_key_id and blobs.s3_secret_access_key
    return {
        "BIAOGAN_STORAGE": "s3",
        "BIAOGAN_S3_ENDPOINT_URL": blobs.s3_endpoint_url,
        "BIAOGAN_S3_BUCKET": blobs.s3_bucket,
        "BIAOGAN_S3_ACCESS_KEY_ID": blobs.s3_access_key_id,
        "BIAOGAN_S3_SECRET_ACCESS_KEY": blobs.s3_secret_access_key.get_secret_value(),
    }
