"""Uploads and a killed API: the bytes are kept before the row, so a ``kill -9`` mid-upload leaves no row
without bytes; what it does leave (half-written ``.put-*`` files, bytes no row names) the worker's sweep takes,
and the sweep takes nothing else and can run again (and from several workers) to the same end."""

import asyncio
import os
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlmodel import select

from activities.uploads import sweep_uploads
from db.materials import Material, record_upload
from db.session import session_for
from services.identity import create_user
from storage import FileBlobStore, digest, file_store
from tests.api_process import ApiProcess, WorkerProcess
from tests.conftest import settings_for, unique
from tests.factory import COUNTY
from tests.samples import pdf

UPLOADS = 16
SIZE = 6 * 1024 * 1024  # each upload: large enough that writing it takes a while


def _row(database_url: str, sha256: str, at: datetime, application_id: str | None = None) -> str:
    material = Material(
        id=unique("M"),
        sha256=sha256,
        size=1,
        content_type="application/pdf",
        filename="f.pdf",
        owner_user_id=unique("u"),
        owner_name="兰山区人社局",
        owner_county=COUNTY,
        uploaded_at=at,
        application_id=application_id,
    )
    return record_upload(database_url, material).id


def temporaries(root: Path) -> list[Path]:
    return list(root.glob("*/*/.put-*"))


def rows_without_bytes(database_url: str, store: FileBlobStore, filename: str) -> list[str]:
    with session_for(database_url) as s:
        rows = s.exec(select(Material.id, Material.sha256).where(Material.filename == filename)).all()
    return [i for i, sha256 in rows if not store.exists(sha256)]


def test_the_sweep_takes_only_orphans_and_can_run_again(database_url, tmp_path):
    settings = settings_for(database_url, unique("sweep"), data_dir=tmp_path)
    store = file_store(settings.material_store_dir())
    now, hour_ago = datetime.now(UTC), datetime.now(UTC) - timedelta(hours=2)
    kept = store.put(pdf("kept"))
    named = _row(database_url, kept, now)
    ghost = _row(database_url, digest(b"bytes never written"), hour_ago)  # a row first, then a kill
    young_ghost = _row(database_url, digest(b"bytes on their way"), now)  # within the grace: left
    declared_ghost = _row(database_url, digest(b"named by an act"), hour_ago, application_id="A-x")
    unnamed = store.put(pdf("a kill between bytes and row"))
    fresh_unnamed = store.put(pdf("its row is on its way"))
    half = store.path(kept).parent / ".put-abc"
    half.write_bytes(b"half a file")
    for path in (half, store.path(unnamed)):
        os.utime(path, (hour_ago.timestamp(), hour_ago.timestamp()))

    swept = sweep_uploads(settings, now)
    assert (swept.temporaries, swept.rows_without_bytes, swept.unnamed_bytes) == (1, 1, 1)
    with session_for(database_url) as s:
        left = {m.id for m in s.exec(select(Material)).all()}
    assert ghost not in left and {named, young_ghost, declared_ghost} <= left
    assert not half.exists() and not store.exists(unnamed)
    assert store.exists(kept) and store.exists(fresh_unnamed)
    again = sweep_uploads(settings, now)
    assert (again.temporaries, again.rows_without_bytes, again.unnamed_bytes, again.expired) == (0, 0, 0, 0)


async def test_an_api_killed_mid_upload_leaves_nothing_the_worker_does_not_sweep(dev_env, database_url, tmp_path):
    settings = settings_for(
        database_url,
        unique("killed"),
        data_dir=tmp_path / "data",
        temporal_address=dev_env.client.service_client.config.target_host,
    )
    root = settings.material_store_dir()
    store = FileBlobStore(root)
    token = create_user(database_url, unique("clerk"), "county_bureau", COUNTY)
    api = await ApiProcess(settings, tmp_path / "api.log").start()
    bodies = [pdf(f"{n}-" + "x" * SIZE) for n in range(UPLOADS)]
    name = f"{unique('large')}.pdf"  # this test's uploads

    async def upload(http: httpx.AsyncClient, body: bytes) -> int | str:
        try:
            answer = await http.post("/materials", files={"file": (name, body)})
            return answer.status_code
        except httpx.TransportError as e:
            return type(e).__name__

    try:
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=api.url, headers=headers, timeout=60) as http:
            uploads = [asyncio.create_task(upload(http, b)) for b in bodies]
            deadline = time.monotonic() + 60
            while not temporaries(root):  # kill while a file is being written
                assert time.monotonic() < deadline and not all(u.done() for u in uploads), [u.result() for u in uploads]
                await asyncio.sleep(0.001)
            assert api.process is not None
            api.process.send_signal(signal.SIGKILL)
            api.process.wait()
            outcomes = await asyncio.gather(*uploads)
    finally:
        api.stop()
    assert any(o != 201 for o in outcomes), outcomes  # the kill cut some uploads short
    assert temporaries(root), "no half-written file was left to sweep"
    assert rows_without_bytes(database_url, store, name) == []  # the row comes only after its bytes

    # The worker (its own process, as in production) sweeps: grace and interval made short for the test.
    worker = WorkerProcess(
        settings,
        tmp_path / "worker.log",
        BIAOGAN_UPLOAD_TEMP_GRACE_MINUTES="0.01",
        BIAOGAN_UPLOAD_SWEEP_MINUTES="0.02",
    ).start()
    try:
        deadline = time.monotonic() + 90
        while temporaries(root):
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            await asyncio.sleep(0.2)
    finally:
        worker.stop()
    assert rows_without_bytes(database_url, store, name) == []
    with session_for(database_url) as s:
        kept = set(s.exec(select(Material.sha256)).all())
    assert {p.name for p in root.glob("*/*/*")} <= kept | {p.name for p in root.glob("*/*/.put-*")}
