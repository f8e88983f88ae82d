#!/usr/bin/env python3
"""Property test of REST API v1: no request, valid or not, is answered 5xx.

Starts the Slotline server (SLOTLINE_SERVER_BIN, default
target/release/server; its site at LEPTOS_SITE_ROOT, default target/site) on
a free port with a fresh SQLite database and the demo host seeded, logs in
as that host and makes an API key through the server functions the Zapier
tests use (/api/log_in, /api/create_api_key), checks that /api/openapi.json
validates against the OpenAPI meta-schema, then runs schemathesis over every
operation in it with that key: valid and invalid (fuzzed) data, a fixed
number of examples per operation, derandomized, and only the check
`not_a_server_error` (any 4xx is fine). Beside the values it generates,
schemathesis is offered ones the API accepts (the demo's event type ids and
slugs, free starts, days around today, awkward time zones) so that requests
reach the slot and booking code rather than stopping at validation. Exits
non-zero on any 5xx, printing the request as curl and the server's last log
lines.

scripts/setup.sh installs schemathesis into API_FUZZ_VENV (default
~/.cache/slotline/api-fuzz-venv); this script re-runs itself under that
venv's Python. Run alone (`make test-api-fuzz` does so with the release
build):

    SLOTLINE_SERVER_BIN=target/debug/server ./scripts/api_fuzz.py

Extra arguments go to `schemathesis run`, after this script's own, e.g.
`--max-examples 200` or `--include-path /api/v1/bookings`.
"""

import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from release_server import free_port, start_server, stop, wait_healthy

REPO = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("API_FUZZ_VENV", Path.home() / ".cache/slotline/api-fuzz-venv"))
DEMO_EMAIL = "demo@slotline.test"  # app/src/ssr/services/accounts.rs `seed_demo`
DEMO_PASSWORD = "api-fuzz-demo-password"
EXAMPLES_PER_OPERATION = 100  # about 45 s for the whole run on 2 cores
# Two with DST, one whose DST moves 30 minutes, +5:45, +14 and -11.
TIME_ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
              "Pacific/Kiritimati", "Pacific/Pago_Pago"]
WEBHOOK_EVENTS = ["booking.created", "booking.cancelled", "booking.rescheduled", "payment.received", "contact.created"]

try:
    import schemathesis
except ImportError:
    if Path(sys.prefix).resolve() != VENV.resolve() and (VENV / "bin/python").exists():
        os.execv(VENV / "bin/python", [str(VENV / "bin/python"), __file__, *sys.argv[1:]])
    sys.exit(f"schemathesis is not installed in {VENV}: run scripts/setup.sh")


def call_server_fn(base: str, name: str, args: dict, cookie: str | None = None):
    """POSTs a Leptos server function's form body to /api/{name}; returns the response, whatever its status."""
    headers = {"content-type": "application/x-www-form-urlencoded", "accept": "application/json"}
    if cookie:
        headers["cookie"] = cookie
    body = urllib.parse.urlencode(args, quote_via=urllib.parse.quote).encode()
    request = urllib.request.Request(f"{base}/api/{name}", data=body, headers=headers, method="POST")
    try:
        return urllib.request.urlopen(request, timeout=15)
    except urllib.error.HTTPError as err:
        return err


def api_key(base: str) -> str:
    """Logs in as the demo host and makes an API key with every scope; returns the raw `sl_live_…` key."""
    res = call_server_fn(base, "log_in", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    cookies = [c.split(";")[0].strip() for c in res.headers.get_all("set-cookie") or []]
    cookie = "; ".join(c for c in cookies if "=" in c and not c.endswith("="))
    if not 200 <= res.status < 400 or not cookie:
        raise RuntimeError(f"POST /api/log_in answered {res.status} without a session cookie: {res.read()!r}")
    res = call_server_fn(base, "create_api_key", {"name": "API fuzz", "expires_in_days": ""}, cookie)
    body = res.read()
    if not 200 <= res.status < 400:
        raise RuntimeError(f"POST /api/create_api_key answered {res.status}: {body!r}")
    return json.loads(body)["key"]


def get_json(base: str, key: str, path: str):
    request = urllib.request.Request(f"{base}{path}", headers={"X-API-Key": key})
    with urllib.request.urlopen(request, timeout=15) as res:
        return json.load(res)


def accepted_values(base: str, key: str) -> dict[str, list]:
    """Values by parameter name that the API accepts, read from it where they are the demo's own."""
    event_types = get_json(base, key, "/api/v1/event-types")
    today = datetime.date.today()
    days = [str(today + datetime.timedelta(days=n)) for n in (-1, 0, 1, 7, 30, 31, 32, 90)]
    week = f"eventTypeId={event_types[0]['id']}&from={days[2]}&to={days[3]}&timeZone=UTC"
    slots = get_json(base, key, f"/api/v1/availability?{week}")["slots"]
    starts = [slot["start"] for slot in slots[:: max(1, len(slots) // 4)]]
    emails = ["invitee@example.com", DEMO_EMAIL]
    phones = ["+4915112345678", "015112345678"]
    return {
        "eventTypeId": [t["id"] for t in event_types],
        "host": ["demo"],
        # Availability's `event` is a slug, a webhook's one of the event keys.
        "event": [t["slug"] for t in event_types] + WEBHOOK_EVENTS,
        "targetUrl": ["https://hooks.example.com/slotline"],
        "duration": sorted({d for t in event_types for d in t["durations"]}),
        "from": days,
        "to": days,
        "timeZone": TIME_ZONES,
        "start": starts,
        "startTime": starts,
        "email": emails,
        "inviteeEmail": emails,
        "phone": phones,
        "inviteePhone": phones,
    }


def schemathesis_config(values: dict[str, list]) -> str:
    """schemathesis.toml offering `values` for the query, path, header and JSON body fields of those names,
    70 % of the time (schemathesis generates the rest)."""
    bindings = {name: name for name in values} | {f"body.{name}": name for name in values}
    bindings |= {f"body.invitee.{name}": name for name in ("email", "phone", "timeZone")}
    lines = [f"[dictionaries.{json.dumps(name)}]\nvalues = {json.dumps(entries)}" for name, entries in values.items()]
    lines.append("[parameters]")
    lines += [f"{json.dumps(k)} = {{ dictionary = {json.dumps(v)}, probability = 0.7 }}" for k, v in bindings.items()]
    return "\n".join(lines) + "\n"


def fuzz(base: str, key: str, tmp: Path, extra: list[str]) -> int:
    """Validates the OpenAPI document, then runs schemathesis; returns its exit code."""
    openapi = f"{base}/api/openapi.json"
    schemathesis.openapi.from_url(openapi).validate()
    print(f"{openapi} validates against the OpenAPI meta-schema", flush=True)
    config = tmp / "schemathesis.toml"
    config.write_text(schemathesis_config(accepted_values(base, key)))
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(config), "run", openapi,
        "--url", base,
        "--header", f"X-API-Key: {key}",
        "--checks", "not_a_server_error",
        "--mode", "all",
        "--max-examples", str(EXAMPLES_PER_OPERATION),
        "--generation-deterministic",
        "--request-timeout", "30",
        "--no-color",
        *extra,
    ]
    return subprocess.run(command, cwd=tmp).returncode  # its caches (.hypothesis, .schemathesis) go with tmp


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stops the server and cleans up
    started = time.monotonic()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="slotline-api-fuzz-") as tmp:
        log_path = Path(tmp) / "server.log"
        with log_path.open("wb") as log:
            server = start_server(Path(tmp), port, log, DEMO_PASSWORD, SLOTLINE_API_REQUESTS_PER_MINUTE="100000")
        try:
            wait_healthy(base, server)
            code = fuzz(base, api_key(base), Path(tmp), sys.argv[1:])
        except Exception as err:  # any failure to set up, or an invalid document, fails the test
            print(f"api-fuzz: {type(err).__name__}: {err}", file=sys.stderr)
            code = 1
        finally:
            stop(server)
        if code:
            last_lines = log_path.read_text(errors="replace").splitlines()[-40:]
            print("api-fuzz: the server's last log lines:", *last_lines, sep="\n")
    print(f"api-fuzz: {'FAILED' if code else 'passed'} in {time.monotonic() - started:.0f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
