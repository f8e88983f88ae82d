#!/usr/bin/env python3
"""`make bench`: Slotline's performance figures in one run, printed as one
table with the date and the machine, and written as JSON to
target/bench/bench.json.

The parts, all run by default (`BENCH_ONLY=http,sizes` runs only those):

- http: the release server (SLOTLINE_SERVER_BIN, default
  target/release/server; its site at LEPTOS_SITE_ROOT, default target/site)
  on a free port with a fresh SQLite database and the demo host seeded.
  wrk (installed with apt-get when missing) loads the booking page
  /demo/intro (rendered on the server), the stylesheet under /pkg (named
  as the page names it) and /healthz, each for 10 s over 10 connections,
  every request with `Accept-Encoding: br, gzip` as a browser sends it.
  Requests/s and p99 of each, also as a ratio to /healthz's (a database
  query, the floor of what the server does); the server's memory (RSS)
  idle and after the load.
- sizes: the files in the site's pkg dir a page may load (not the .d.ts
  declarations), grouped as a browser loads them (the islands bundle a
  public page loads; the app's main module, split loader and per-page
  chunks the dashboard loads; the stylesheet): raw,
  gzip -9 and, when the build precompressed it, brotli (.br siblings);
  each file's figures go to the JSON. What each public page fetches is
  measured in a browser by end2end/tests/wasm-budget.spec.ts.
- booking_burst, busy_host, webhook_latency, hubspot_sync,
  booking_with_hubspot_down:
  `cargo bench -p server --bench <part>`, collecting the `BENCH_JSON`
  lines each prints. webhook_latency books 300 times and hubspot_sync 200
  (about 3 minutes less than their defaults); WEBHOOK_BENCH_BOOKINGS and
  HUBSPOT_BENCH_BOOKINGS override them.

A part that fails is reported and the others still run; the exit status is
then 1.
"""

import datetime
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from release_server import REPO, free_port, site_root, start_server, stop, wait_healthy

TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")).resolve()
CARGO_BENCHES = [
    "booking_burst",
    "busy_host",
    "webhook_latency",
    "hubspot_sync",
    "booking_with_hubspot_down",
]
PARTS = ["http", "sizes", *CARGO_BENCHES]
BROWSER_HEADERS = {"Accept-Encoding": "br, gzip"}
WRK_ARGS = ["-t2", "-c10", "-d10s", "--latency"]
Rows = list[tuple[str, str, str]]  # the table's: figure, value, ratio to /healthz


def selected_parts() -> list[str]:
    only = [p.strip() for p in os.environ.get("BENCH_ONLY", "").split(",") if p.strip()]
    if unknown := [p for p in only if p not in PARTS]:
        sys.exit(f"bench: BENCH_ONLY names unknown parts {unknown}; the parts are {', '.join(PARTS)}")
    return only or PARTS


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    mem_kib = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE)
    return {
        "cpus": len(os.sched_getaffinity(0)),  # what `nproc` counts
        "cpu_model": model.group(1).strip() if model else "unknown",
        "memory_gib": round(int(mem_kib.group(1)) / 1024**2, 1) if mem_kib else None,
    }


# --- http ---------------------------------------------------------------


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "wrk"]
    if subprocess.run(install, env=env).returncode != 0:
        # A fresh machine's package lists may not know wrk yet.
        subprocess.run(["apt-get", "update"], env=env, check=True)
        subprocess.run(install, env=env, check=True)


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    kib = re.search(r"^VmRSS:\s*(\d+) kB", status, re.MULTILINE)
    if not kib:
        raise RuntimeError(f"no VmRSS for process {pid}")
    return int(kib.group(1)) / 1024


def asset_path(base: str) -> str:
    """The /pkg stylesheet (or, without one, script) the booking page links to, as a browser finds it."""
    with urllib.request.urlopen(f"{base}/demo/intro", timeout=10) as res:
        html = res.read().decode()
    for extension in ("css", "js"):
        if found := re.search(rf"""["'](/pkg/[^"'?#\s]+\.{extension})["'?#]""", html):
            return found.group(1)
    raise RuntimeError("the booking page names no /pkg stylesheet or script")


def wrk_duration_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def wrk(url: str) -> dict:
    headers = [arg for name, value in BROWSER_HEADERS.items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(["wrk", *WRK_ARGS, *headers, url], capture_output=True, text=True, check=True).stdout
    rps = re.search(r"^Requests/sec:\s*([\d.]+)", out, re.MULTILINE)
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.MULTILINE)
    if not (rps and p99):
        raise RuntimeError(f"unexpected wrk output for {url}:\n{out}")
    if failed := re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out):
        raise RuntimeError(f"{url} answered {failed.group(1)} requests with an error status:\n{out}")
    errors = re.search(r"Socket errors:.*", out)
    return {
        "requests_per_s": float(rps.group(1)),
        "p99_ms": wrk_duration_ms(p99.group(1)),
        "socket_errors": errors.group(0) if errors else None,
    }


def http_part(report: dict, rows: Rows) -> None:
    ensure_wrk()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="slotline-bench-") as tmp:
        log_path = Path(tmp) / "server.log"
        with log_path.open("wb") as log:
            server = start_server(Path(tmp), port, log, "bench-demo-password")
        try:
            wait_healthy(base, server)
            time.sleep(1)  # past start-up's migrations and seeding
            idle = rss_mib(server.pid)
            paths = {"booking_page": "/demo/intro", "static_asset": asset_path(base), "healthz": "/healthz"}
            loads = {}
            for name, path in paths.items():
                print(f"bench: wrk {' '.join(WRK_ARGS)} {base}{path}", flush=True)
                loads[name] = {"path": path, **wrk(f"{base}{path}")}
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with {server.returncode} under load")
            loaded = rss_mib(server.pid)
        except Exception:
            print("bench: the server's last log lines:", *log_path.read_text(errors="replace").splitlines()[-20:],
                  sep="\n", file=sys.stderr)
            raise
        finally:
            stop(server)
    floor = loads["healthz"]
    labels = {"booking_page": "booking page, SSR", "static_asset": "static asset", "healthz": "a database query"}
    for name, load in loads.items():
        load["requests_per_s_vs_healthz"] = load["requests_per_s"] / floor["requests_per_s"]
        load["p99_vs_healthz"] = load["p99_ms"] / floor["p99_ms"]
        rows.append((
            f"{labels[name]}: GET {load['path']}",
            f"{load['requests_per_s']:,.0f} req/s, p99 {load['p99_ms']:.2f} ms",
            f"{load['requests_per_s_vs_healthz']:.2f}× req/s, {load['p99_vs_healthz']:.2f}× p99",
        ))
    report["http"] = loads
    report["rss_mib"] = {"idle": idle, "after_load": loaded}
    rows.append(("server RSS idle", f"{idle:.1f} MiB", ""))
    rows.append(("server RSS after the load", f"{loaded:.1f} MiB", ""))


# --- sizes --------------------------------------------------------------


def kib(n: int) -> str:
    return f"{n / 1024:,.1f} KiB"


def file_size(file: Path) -> dict:
    data = file.read_bytes()
    brotli = file.with_name(file.name + ".br")
    return {
        "file": file.name,
        "raw": len(data),
        "gzip": len(gzip.compress(data, compresslevel=9)),
        "brotli": brotli.stat().st_size if brotli.is_file() else None,
    }


def size_value(sizes: list[dict]) -> str:
    value = f"{kib(sum(s['raw'] for s in sizes))} raw, {kib(sum(s['gzip'] for s in sizes))} gzip"
    if sizes and all(s["brotli"] is not None for s in sizes):
        value += f", {kib(sum(s['brotli'] for s in sizes))} br"
    return value


def sizes_part(report: dict, rows: Rows) -> None:
    pkg = site_root() / "pkg"
    # Not the precompressed siblings, nor wasm-bindgen's TypeScript declarations (no page loads them).
    files = sorted(f for f in pkg.glob("*") if f.is_file() and f.suffix not in (".br", ".gz", ".ts"))
    if not files:
        raise RuntimeError(f"no files in {pkg}: run `make build-release` or set LEPTOS_SITE_ROOT")
    sizes = [file_size(f) for f in files]
    report["sizes"] = sizes
    # A public page loads the islands bundle, nothing else; the signed-in
    # app loads its main module, script and split loader, then its pages' chunks.
    groups = [
        ("islands wasm + JS (all a public page loads)", lambda n: n.startswith("islands.") and n.endswith((".wasm", ".js"))),
        ("app main wasm + JS", lambda n: n.startswith("slotline.") and n.endswith((".wasm", ".js"))),
        ("app split loader JS", lambda n: n.startswith("__wasm_split.") and n.endswith(".js")),
        ("app page chunks (loaded on demand)", lambda n: n.startswith(("split_", "chunk_")) and n.endswith(".wasm")),
        ("stylesheet", lambda n: n.endswith(".css")),
    ]
    for label, matches in groups:
        group = [s for s in sizes if matches(s["file"])]
        if group:
            count = f" ({len(group)} files)" if len(group) > 1 else ""
            rows.append((f"size of {label}{count}", size_value(group), ""))
    code = [s for s in sizes if s["file"].endswith((".wasm", ".js"))]
    rows.append(("size of all wasm + JS", size_value(code), ""))


# --- cargo benches ------------------------------------------------------


def describe(figures: dict) -> str:
    """`p50 12.3 ms, p99 40.1 ms, n 250` from a BENCH_JSON line's fields."""
    parts = []
    for key, value in figures.items():
        if key.endswith("_ms"):
            parts.append(f"{key.removesuffix('_ms')} {value:.1f} ms")
        elif isinstance(value, float):
            parts.append(f"{key} {value:.3g}")
        else:
            parts.append(f"{key} {value}")
    return ", ".join(parts)


def cargo_bench_part(name: str, report: dict, rows: Rows) -> None:
    env = dict(os.environ)
    env.setdefault("WEBHOOK_BENCH_BOOKINGS", "300")
    env.setdefault("HUBSPOT_BENCH_BOOKINGS", "200")
    command = ["cargo", "bench", "-p", "server", "--bench", name]
    print(f"bench: {' '.join(command)}", flush=True)
    with subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True) as bench:
        for line in bench.stdout:
            print(line, end="", flush=True)
            if line.startswith("BENCH_JSON "):
                figures = json.loads(line.removeprefix("BENCH_JSON "))
                figure = figures.pop("name")
                report.setdefault("benches", {})[figure] = figures
                rows.append((figure, describe(figures), ""))
    if bench.returncode != 0:
        raise RuntimeError(f"`{' '.join(command)}` exited with {bench.returncode}")


# --- the run ------------------------------------------------------------


def print_table(report: dict, rows: Rows) -> None:
    m = report["machine"]
    print(f"\nSlotline benchmarks, {report['date']} on {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB")
    header = ("figure", "value", "vs /healthz")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stops the server
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "failed": [],
    }
    rows = []
    for part in selected_parts():
        try:
            if part == "http":
                http_part(report, rows)
            elif part == "sizes":
                sizes_part(report, rows)
            else:
                cargo_bench_part(part, report, rows)
        except Exception as err:  # a failed part is reported; the others still run
            print(f"bench: {part} FAILED: {type(err).__name__}: {err}", file=sys.stderr)
            report["failed"].append(part)
            rows.append((part, "FAILED", ""))
    print_table(report, rows)
    out = TARGET / "bench/bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nbench: written to {out}")
    if report["failed"]:
        print(f"bench: FAILED: {', '.join(report['failed'])}", file=sys.stderr)
    return 1 if report["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
