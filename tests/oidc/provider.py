"""A real OpenID provider for the tests: panva's oidc-provider (node, tests/oidc/provider.mjs) on 127.0.0.1.

``install()`` runs ``npm ci --prefix tests/oidc`` once, when its node_modules is absent (the versions are the
committed package-lock.json's). ``running(clients, accounts)`` starts a provider with those clients and accounts and
yields its issuer; it is stopped at the block's end.
"""

import json
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def install() -> None:
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        subprocess.run(["npm", "ci", "--prefix", str(HERE), "--no-audit", "--no-fund"], check=True, timeout=600)


@contextmanager
def running(clients: list[dict[str, Any]], accounts: dict[str, dict[str, str]]) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as folder:
        config = Path(folder) / "config.json"
        config.write_text(json.dumps({"clients": clients, "accounts": accounts}, ensure_ascii=False))
        log = (Path(folder) / "provider.log").open("w")
        process = subprocess.Popen(
            ["node", str(HERE / "provider.mjs"), str(config)], stdout=subprocess.PIPE, stderr=log, text=True
        )
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            if not first:
                process.wait(timeout=10)
                raise RuntimeError(f"the OpenID provider did not start: {(Path(folder) / 'provider.log').read_text()}")
            yield str(json.loads(first)["issuer"])
        finally:
            process.terminate()
            process.wait(timeout=10)
            log.close()
