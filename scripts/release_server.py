"""The release server as the scripts run it: on a free port of loopback,
with a fresh SQLite database and the demo host seeded, waited for until
`/healthz` answers. Shared by `api_fuzz.py` and `bench.py`."""
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def server_binary() -> Path:
    if bin_path := os.environ.get("SLOTLINE_SERVER_BIN"):
        return Path(bin_path).resolve()
    return Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")).resolve() / "release/server"


def site_root() -> Path:
    return Path(os.environ.get("LEPTOS_SITE_ROOT", REPO / "target/site")).resolve()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(data: Path, port: int, log, demo_password: str, **settings: str) -> subprocess.Popen:
    """The server on `port` with a fresh database in `data`, plus `settings`
    (environment variables); none of the caller's SLOTLINE_* / LEPTOS_* leak in."""
    binary = server_binary()
    if not os.access(binary, os.X_OK):
        raise RuntimeError(f"no server binary at {binary}: run `make build-release` or set SLOTLINE_SERVER_BIN")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLOTLINE_", "LEPTOS_")) and k != "RUST_LOG"}
    env.update(
        LEPTOS_SITE_ADDR=f"127.0.0.1:{port}",
        LEPTOS_SITE_ROOT=str(site_root()),
        SLOTLINE_PUBLIC_URL=f"http://127.0.0.1:{port}",
        SLOTLINE_DATA_DIR=str(data),
        SLOTLINE_DATABASE_URL=f"sqlite://{data}/slotline.db?mode=rwc",
        SLOTLINE_SEED_DEMO="1",
        SLOTLINE_DEMO_PASSWORD=demo_password,
        RUST_LOG="warn",
    )
    env.update(settings)
    return subprocess.Popen([binary], cwd=data, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as res:
                if res.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"GET /healthz did not answer 200 within {timeout:.0f} s")


def stop(server: subprocess.Popen) -> None:
    """Asks the server to stop, and makes it if it will not within 10 s."""
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
