"""``biaogan``: run the service on embedded defaults, walk a demo application, manage users.

biaogan up [--workers N]    dev server (SQLite file under data/) + N workers (default 1) + API, until Ctrl-C
biaogan worker              the worker alone (same as ``python worker.py``)
biaogan api                 the HTTP API alone (uvicorn; forwarded headers only from BIAOGAN_TRUSTED_PROXIES)
biaogan demo                one city-level application through the whole pipeline
biaogan users create …      a user and their bearer token (printed as the last line); with --login and
                            --password-stdin they also sign in to the web pages; with --external-subject
                            through 统一身份认证
biaogan import-titles FILE  titles awarded before the system, from CSV (validated; all or nothing)
biaogan period define …     a period (十四五, 十五五…); biaogan quota set …: its quotas (admin token; recorded)
biaogan programs schema|check FILE|publish FILE --reason …   评定项目定义 (programs/definitions/*.toml)
biaogan keys rotate         a new key for the workflow payloads (the older ones still decrypt)
biaogan diagram             the state machine as a Mermaid diagram (README)
biaogan regions schema      the region file's JSON Schema; biaogan regions check FILE: validate one (README)
"""

import argparse
import asyncio
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import NoReturn

import regions.commands
from config import ROOT, Settings, get_settings, venv_binary
from workflows import search_attributes as sa


def _reachable(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_for(address: str, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not _reachable(address):
        if time.monotonic() > deadline:
            sys.exit(f"{what} did not come up on {address} within {seconds:.0f}s")
        time.sleep(0.3)


def dev_server_command(settings: Settings) -> list[str]:
    host, _, port = settings.temporal_address.rpartition(":")
    cmd = [
        venv_binary("temporal"),
        "server",
        "start-dev",
        "--db-filename",
        str(settings.data_dir / "temporal.db"),
        "--ip",
        host,
        "--port",
        port,
        "--ui-port",
        str(settings.temporal_ui_port),
        "--namespace",
        settings.temporal_namespace,
        "--log-level",
        "warn",
    ]
    for key in sa.ALL:
        cmd += ["--search-attribute", f"{key.name}=Keyword"]
    return cmd


SERVICE_ENV = "service.env"
# Not settings: never carried from the service's environment to the CLI's.
_FOR_THE_CLI = ("BIAOGAN_", "DATABASE_URL")


def write_service_env(settings: Settings, environ: Mapping[str, str]) -> Path:
    """``<data dir>/service.env``: the running service's effective settings (mode 0600: it may hold secrets), one
    ``NAME=value`` a line, shell-quoted (``set -a; . data/service.env`` works too), for the CLI to read."""
    values = {k: v for k, v in environ.items() if k.startswith(_FOR_THE_CLI)}
    values |= {
        "BIAOGAN_DATA_DIR": str(settings.data_dir.resolve()),
        "DATABASE_URL": settings.database_url,
        "BIAOGAN_TEMPORAL_ADDRESS": settings.temporal_address,
        "BIAOGAN_TEMPORAL_NAMESPACE": settings.temporal_namespace,
        "BIAOGAN_TASK_QUEUE": settings.task_queue,
        "BIAOGAN_API_HOST": settings.api_host,
        "BIAOGAN_API_PORT": str(settings.api_port),
    }
    path = settings.data_dir / SERVICE_ENV
    tmp = path.with_name(f".{SERVICE_ENV}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("# written by `biaogan up`: the running service's settings, read by the other biaogan commands\n")
        f.writelines(f"{k}={shlex.quote(v)}\n" for k, v in sorted(values.items()))
    os.replace(tmp, path)
    return path


def read_service_env(environ: MutableMapping[str, str] = os.environ) -> Path | None:
    """Take the running service's settings from ``service.env`` in the data directory (``BIAOGAN_DATA_DIR``, or
    the default ``data/``), where the shell does not set them itself; the file read, or None."""
    path = Path(environ.get("BIAOGAN_DATA_DIR") or ROOT / "data") / SERVICE_ENV
    if not path.is_file():
        return None
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = shlex.split(line)[0].partition("=")
            if name.startswith(_FOR_THE_CLI):
                environ.setdefault(name, value)
    return path


def say(message: str) -> None:
    print(message, flush=True)


class Component:
    """A child process of ``biaogan up``. The dev runner keeps running: a component that dies (a crash, an OOM
    kill, ``kill -9``) is started again after a backoff (1, 2, 4 … 30 s; back to 1 s once it has stayed up a
    minute), and both are logged. Only Ctrl-C (or SIGTERM to ``biaogan up``) stops them."""

    BACKOFF = (1, 2, 4, 8, 16, 30)
    STEADY_SECONDS = 60

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.name, self.command, self.env = name, command, env
        self.crashes = 0
        self.restart_at: float | None = None
        self.process = self._spawn()

    def _spawn(self) -> subprocess.Popen:
        self.started = time.monotonic()
        return subprocess.Popen(self.command, env=self.env)

    def tend(self) -> None:
        """Notice an exit and schedule the restart; restart when its time has come."""
        now = time.monotonic()
        if self.restart_at is None:
            code = self.process.poll()
            if code is None:
                return
            if now - self.started >= self.STEADY_SECONDS:
                self.crashes = 0
            delay = self.BACKOFF[min(self.crashes, len(self.BACKOFF) - 1)]
            self.crashes += 1
            self.restart_at = now + delay
            say(
                f"• {self.name} (pid {self.process.pid}) exited with code {code}; "
                f"restarting in {delay}s (restart {self.crashes})"
            )
        elif now >= self.restart_at:
            self.restart_at = None
            self.process = self._spawn()
            say(f"• {self.name} restarted (pid {self.process.pid})")

    def terminate(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()

    def wait(self) -> None:
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def up(args: argparse.Namespace) -> None:
    settings = get_settings()
    # The data directory holds personal data (the read model, Temporal's database) and the payload key: files
    # made from here on, by this process and its children, are the user's alone.
    os.umask(0o077)
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    settings.data_dir.chmod(0o700)
    _upgrade_schema(settings)  # before anything starts: a failed migration leaves nothing running
    _ensure_payload_key(settings)
    say(f"• settings for the other biaogan commands in {write_service_env(settings, os.environ)}")
    children: list[Component] = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def stop(*_: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second Ctrl-C does not cut the clean stop short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        if _reachable(settings.temporal_address):
            say(f"• Temporal already running on {settings.temporal_address}; using it")
        else:
            say(f"• Temporal dev server on {settings.temporal_address} (data {settings.data_dir / 'temporal.db'})")
            children.append(Component("Temporal dev server", dev_server_command(settings), env))
            _wait_for(settings.temporal_address, "the Temporal dev server")
        say(f"  Temporal UI: http://{settings.temporal_address.rpartition(':')[0]}:{settings.temporal_ui_port}")
        for worker in worker_components(args.workers, settings, env):
            children.append(worker)
            say(
                f"• {worker.name} on task queue {settings.task_queue!r}, read model {settings.database_url} "
                f"(pid {worker.process.pid})"
            )
        _ensure_filing_schedule(settings)
        if not args.no_api:
            _start_api(settings, env, children)
        say("• running; a component that stops is restarted; Ctrl-C stops everything")
        while True:
            time.sleep(0.5)
            for c in children:
                c.tend()
    finally:  # Ctrl-C, SIGTERM, or a component that never came up: stop them all, the last started first
        for c in reversed(children):
            c.terminate()
        for c in reversed(children):
            c.wait()


def worker_envs(count: int, settings: Settings, env: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    """Name and environment of each of ``count`` workers on the same task queue: one is "worker"; several are
    "worker 1", "worker 2", … and worker i serves its health and metrics (when configured) on the configured
    port + i - 1, so that they do not fight over one port."""
    if count == 1:
        return [("worker", env)]
    workers = []
    for i in range(count):
        own = dict(env)
        for name, port in (
            ("BIAOGAN_WORKER_HEALTH_PORT", settings.worker_health_port),
            ("BIAOGAN_WORKER_METRICS_PORT", settings.worker_metrics_port),
        ):
            if port is not None:
                own[name] = str(port + i)
        workers.append((f"worker {i + 1}", own))
    return workers


def worker_components(count: int, settings: Settings, env: dict[str, str]) -> list[Component]:
    """The workers, started: each tended (restarted with backoff) on its own."""
    command = [sys.executable, str(ROOT / "worker.py")]
    return [Component(name, command, own) for name, own in worker_envs(count, settings, env)]


def _upgrade_schema(settings: Settings) -> None:
    from db.schema import upgrade

    upgrade(settings.database_url)
    print(f"• read model schema up to date ({settings.database_url})")


def _ensure_payload_key(settings: Settings) -> None:
    from clients.codec import key_file, load_keys

    keys = load_keys(settings)
    where = "BIAOGAN_PAYLOAD_KEYS" if settings.payload_keys is not None else str(key_file(settings))
    say(f"• workflow payloads encrypted with key {keys[-1][0]!r} ({where})")


def _ensure_filing_schedule(settings: Settings) -> None:
    from clients.connection import run_with_client
    from clients.filing import ensure_filing_schedule
    from workflows.filing_schedule import SCHEDULE_ID

    run_with_client(settings, lambda client: ensure_filing_schedule(client, settings))
    print(f"• yearly filing schedule {SCHEDULE_ID!r} in place (also opens this year's filings when due)")


def api_command(settings: Settings) -> list[str]:
    """uvicorn serving the API as ``settings`` say. Forwarded headers (X-Forwarded-For, -Proto) are believed only
    from ``limits.trusted_proxies``; with none (the default) uvicorn ignores them, so the rate limit and the logs
    see the real peer (uvicorn on its own would believe any caller on 127.0.0.1)."""
    trusted = settings.limits.trusted_proxies
    proxies = ["--proxy-headers", "--forwarded-allow-ips", ",".join(trusted)] if trusted else ["--no-proxy-headers"]
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "app:create_app",
        "--factory",
        "--host",
        settings.api_host,
        "--port",
        str(settings.api_port),
        *proxies,
        "--log-level",
        "warning",
    ]


def api(args: argparse.Namespace) -> None:
    """The API alone, in the foreground (the container's command): uvicorn as ``api_command`` builds it."""
    command = api_command(get_settings())
    os.execv(command[0], command)


def _start_api(settings: Settings, env: dict[str, str], children: list[Component]) -> None:
    from services.identity import ensure_admin

    token = ensure_admin(settings.database_url)
    address = f"{settings.api_host}:{settings.api_port}"
    say(f"• API on http://{address}/api/v1 (OpenAPI: http://{address}/docs)")
    children.append(Component("API", api_command(settings), env))
    _wait_for(address, "the API", 30)
    if token:
        say("• admin token (shown once; store it):")
        say(token)


def users(args: argparse.Namespace) -> None:
    from db.schema import upgrade
    from services.identity import AccountError, add_login, add_user, check_new_login, external_subject

    def refused(e: AccountError) -> NoReturn:
        sys.exit(f"error: {e.rule}: {e.message}")

    settings = get_settings()
    upgrade(settings.database_url)
    try:
        external = external_subject(settings.oidc.oidc_issuer, args.external_subject)
    except AccountError as e:
        refused(e)
    password = None
    if args.password_stdin or args.login:
        if not (args.password_stdin and args.login):
            sys.exit("error: --login and --password-stdin go together (the password is read from standard input)")
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            check_new_login(settings.database_url, args.login, password)  # before the user exists
        except AccountError as e:
            refused(e)
    try:
        made = add_user(
            settings.database_url,
            args.name,
            args.role,
            args.county,
            args.department,
            external=external,
            city=args.city,
            province=args.province,
        )
    except AccountError as e:
        refused(e)
    if password is not None:
        try:
            add_login(settings.database_url, made.id, args.login, password)
        except AccountError as e:  # taken meanwhile: the user exists, with a token but no login
            refused(e)
    signs_in = f", who signs in to the pages as {args.login.strip().lower()!r}" if password is not None else ""
    if external is not None:
        signs_in += f", and through 统一身份认证 as {external.subject!r}"
    print(f"created {args.role} {args.name!r}{signs_in}; bearer token:")
    print(made.token)


def import_titles(args: argparse.Namespace) -> None:
    from db.historic_import import import_titles as run_import
    from db.schema import upgrade

    def progress(done: int, total: int) -> None:
        bar = "#" * (30 * done // max(total, 1))
        print(f"\r[{bar:<30}] {done}/{total}", end="", flush=True)

    settings = get_settings()
    upgrade(settings.database_url)
    report = run_import(args.file, settings.database_url, progress)
    print()
    if report.errors:
        for error in report.errors:
            print(error, file=sys.stderr)
        sys.exit(f"{len(report.errors)} problem(s); nothing was imported")
    print(f"{report.written} imported, {report.skipped} already there")


def keys(args: argparse.Namespace) -> None:
    from clients.codec import PayloadKeyError, key_file, rotate

    settings = get_settings()
    try:
        key_id = rotate(settings)
    except PayloadKeyError as e:
        sys.exit(f"error: {e}")
    print(f"new payload key {key_id!r} in {key_file(settings)}: it encrypts from the next start of each process;")
    print("older keys stay there to decrypt what they encrypted (never delete them while histories need them)")


def demo(args: argparse.Namespace) -> None:
    from demo import main as run_demo

    run_demo(get_settings())


def diagram(args: argparse.Namespace) -> None:
    from state.diagram import mermaid

    print(mermaid())


def worker(args: argparse.Namespace) -> None:
    import worker as worker_module

    asyncio.run(worker_module.main())


def _positive(value: str) -> int:
    count = int(value)
    if not 1 <= count <= 64:
        raise argparse.ArgumentTypeError(f"expected 1..64 workers, got {value}")
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="biaogan", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("up", help="run dev server, worker and API on embedded defaults")
    p.add_argument("--no-api", action="store_true", help="do not start the HTTP API")
    p.add_argument("--workers", type=_positive, default=1, help="worker processes on the same task queue (default 1)")
    p.set_defaults(func=up)
    sub.add_parser("worker", help="run the worker only").set_defaults(func=worker)
    sub.add_parser("api", help="run the HTTP API only (uvicorn)").set_defaults(func=api)
    sub.add_parser("demo", help="walk one city-level application through the pipeline").set_defaults(func=demo)
    sub.add_parser("diagram", help="print the state machine as Mermaid").set_defaults(func=diagram)
    import programs_cli
    import quota_cli

    quota_cli.add_commands(sub)
    regions.commands.add_commands(sub)
    programs_cli.add_commands(sub)
    imp = sub.add_parser("import-titles", help="import titles awarded before the system from CSV (all or nothing)")
    imp.add_argument("file")
    imp.set_defaults(func=import_titles)
    k = sub.add_parser("keys", help="the workflow payload keys").add_subparsers(dest="keys_command", required=True)
    k.add_parser("rotate", help="add a new key to the key file (the newest encrypts)").set_defaults(func=keys)
    u = sub.add_parser("users", help="manage users").add_subparsers(dest="users_command", required=True)
    c = u.add_parser("create", help="create a user and print their token (last line)")
    c.add_argument("--name", required=True)
    c.add_argument(
        "--role",
        required=True,
        choices=["county_bureau", "city_reviewer", "department", "inspector", "supervisor", "admin"],
    )
    c.add_argument("--county")
    c.add_argument("--department", choices=["hrss", "drc", "civil_affairs"])
    c.add_argument("--city", help="the city they work for, of the region files (default: the deployment's)")
    c.add_argument(
        "--province",
        action="store_true",
        help="a province-level account (省级: no city, reads every city); supervisor or admin only",
    )
    c.add_argument("--login", help="the name they sign in to the web pages with (needs --password-stdin)")
    c.add_argument("--password-stdin", action="store_true", help="read their password from the first line of stdin")
    c.add_argument(
        "--external-subject",
        help="their subject (sub) at 统一身份认证, under BIAOGAN_OIDC_ISSUER: they sign in to the pages through it",
    )
    c.set_defaults(func=users)
    args = parser.parse_args(argv)
    if args.command not in ("up", "diagram", "regions"):  # `up` writes the file the others read
        read_service_env()
    args.func(args)


if __name__ == "__main__":
    main()
