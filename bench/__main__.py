"""One-command load benchmark: the platform against a bare Flask ceiling, on SQLite and PostgreSQL.

    python -m bench                 # full run (about 12 minutes), writes bench/results/latest.{json,md}
    python -m bench --quick         # smoke test: SQLite, 1 connection, 3 s per scenario (CI runs this)

Everything runs on 127.0.0.1. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from http.cookiejar import CookieJar
from pathlib import Path

from sqlalchemy import create_engine, event, make_url, text

from bench import seed as seeding
from bench.ceiling.app import seed as seed_ceiling

HERE = Path(__file__).parent
STATS = HERE / "stats.lua"


@dataclass
class Figures:
    scenario: str
    database: str
    connections: int
    target: str  # "ours" | "ceiling" | "render" (timed alone, no ratio)
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    bytes_per_response: int
    errors: int
    queries_per_request: int | None = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - 127.0.0.1 only
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def wrk(url: str, connections: int, seconds: int, cookie: str | None = None) -> dict:
    command = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
               "-s", str(STATS), url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"BENCH (.+)", output)
    if not match:
        raise RuntimeError(f"wrk printed no figures:\n{output}")
    return {key: int(value) for key, value in (pair.split("=") for pair in match.group(1).split())}


def figures(raw_runs: list[dict], **labels) -> Figures:
    def median(key: str) -> float:
        return statistics.median(run[key] for run in raw_runs)

    rps = statistics.median(run["requests"] / (run["duration_us"] / 1e6) for run in raw_runs)
    errors = sum(run[k] for run in raw_runs for k in run if k.startswith("errors_"))
    return Figures(rps=round(rps, 1), p50_ms=round(median("p50_us") / 1000, 2),
                   p95_ms=round(median("p95_us") / 1000, 2), p99_ms=round(median("p99_us") / 1000, 2),
                   bytes_per_response=int(median("bytes") / max(median("requests"), 1)), errors=errors, **labels)


def sign_in(base: str, email: str, password: str) -> str:
    """Sign in over HTTP like a browser; returns the Cookie header value."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    opener.open(f"{base}/login", data=data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def first_pdf_renders(base: str, path: str, cookie: str, cache: Path, database: str, times: int) -> Figures:
    """The certificate PDF with its file cache emptied before each request: what its first download costs."""
    samples, size = [], 0
    for n in range(times):
        shutil.rmtree(cache, ignore_errors=True)
        lang = ("en", "fr", "es")[n % 3]
        request = urllib.request.Request(f"{base}{path}?lang={lang}", headers={"Cookie": cookie})  # noqa: S310
        start = time.perf_counter()
        with urllib.request.urlopen(request) as response:  # noqa: S310 - our own server on 127.0.0.1
            size = len(response.read())
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()

    def at(share: float) -> float:
        return round(samples[min(len(samples) - 1, int(share * len(samples)))], 2)

    return Figures(scenario="certificate PDF, first render (cache emptied each time)", database=database,
                   connections=1, target="render", rps=round(1000 / statistics.median(samples), 1),
                   p50_ms=at(0.5), p95_ms=at(0.95), p99_ms=at(0.99), bytes_per_response=size, errors=0)


def query_counts(database_url: str, instance: Path, paths: dict[str, str], email: str) -> dict[str, int]:
    """SQL statements per request for each scenario, counted in-process."""
    from training_app import create_app

    app = create_app({"DATABASE_URL": database_url, "TRAINING_APP_INSTANCE": instance,
                      "SECRET_KEY": secrets.token_hex(16)})
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": email, "password": seeding.PASSWORD, "csrf_token": token})
    counts: dict[str, int] = {}
    engine = app.extensions["db_engine"]
    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    for name, path in paths.items():
        client.get(path)  # warm: what is cached per process (outlines, lesson HTML) is not counted again
        statements.clear()
        client.get(path)
        counts[name] = len(statements)
    event.remove(engine, "before_cursor_execute", count)
    engine.dispose()
    return counts


def run_database(kind: str, args, workdir: Path) -> list[Figures]:
    instance = workdir / f"instance-{kind}"
    instance.mkdir()
    if kind == "sqlite":
        url = f"sqlite:///{instance / 'bench.sqlite3'}"
        ceiling_url = f"sqlite:///{instance / 'ceiling.sqlite3'}"
        drop = None
    else:
        server = make_url(args.postgres)
        name = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = ceiling_url = server.set(database=name).render_as_string(hide_password=False)

        def drop() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    processes: list[subprocess.Popen] = []
    try:
        from training_app import create_app
        from training_app.db import get_session, upgrade_schema

        upgrade_schema(url)
        secret = secrets.token_hex(32)
        app = create_app({"DATABASE_URL": url, "TRAINING_APP_INSTANCE": instance, "SECRET_KEY": secret})
        with app.app_context():
            seeded = seeding.seed(get_session(), app.config["MEDIA_PATH"], workdir / kind, args.learners)
            sessions = [learner_session(app, user_id) for user_id in seeded.user_ids]
        app.extensions["db_engine"].dispose()
        email = seeded.email
        seed_ceiling(ceiling_url)

        ours_port, ceiling_port = free_port(), free_port()
        env = {**os.environ, "DATABASE_URL": url, "TRAINING_APP_INSTANCE": str(instance),
               "SECRET_KEY": secret, "CEILING_DATABASE_URL": ceiling_url}
        processes.append(subprocess.Popen(
            [sys.executable, "-c", "from training_app.cli import main; main()", "serve", "--no-demo",
             "--workers", "2", "--port", str(ours_port), "--courses", str(workdir / "none")], env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL))
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{ceiling_port}", "--log-level", "warning",
             "bench.ceiling.app:create_app()"], env=env, cwd=HERE.parent, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL))
        ours, ceiling = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{ceiling_port}"
        wait_healthy(f"{ours}/healthz")
        wait_healthy(f"{ceiling}/page")
        cookie = sign_in(ours, email, seeding.PASSWORD)
        lesson = f"/courses/{seeding.SLUG}/lessons/m4-lesson-2"
        scenarios = {
            "login page": ("/login", None),
            "lesson page": (lesson, cookie),
            "course page": (f"/courses/{seeding.SLUG}", cookie),
            "dashboard": ("/dashboard", cookie),
            "catalogue": ("/courses", cookie),
            "quiz attempt page": (f"/attempts/{seeded.attempt_ids[0]}?page=1", cookie),
            "certificate PDF": (f"/certificates/{seeded.certificate_code}.pdf", cookie),
        }
        counts = query_counts(url, instance, {name: path for name, (path, _) in scenarios.items()}, email)
        results: list[Figures] = [first_pdf_renders(ours, scenarios["certificate PDF"][0], cookie,
                                                    instance / "cache" / "certificates", kind,
                                                    times=6 if args.quick else 30)]
        for connections, runs in args.plan:
            for path, auth in scenarios.values():  # warm-up
                wrk(ours + path, connections, 1, auth)
            ceiling_runs = []
            ours_runs: dict[str, list[dict]] = {name: [] for name in scenarios}
            for _ in range(runs):  # alternate, so machine drift hits both alike
                ceiling_runs.append(wrk(ceiling + "/query", connections, args.seconds))
                for name, (path, auth) in scenarios.items():
                    ours_runs[name].append(wrk(ours + path, connections, args.seconds, auth))
            results.append(figures(ceiling_runs, scenario="ceiling: one indexed query", database=kind,
                                   connections=connections, target="ceiling", queries_per_request=1))
            for name, runs_of_name in ours_runs.items():
                results.append(figures(runs_of_name, scenario=name, database=kind, connections=connections,
                                       target="ours", queries_per_request=counts[name]))
            results += post_scenarios(ours_port, seeded, sessions, connections, args, kind, len(args.plan))
            print(f"  {kind}, {connections} connection(s): done", flush=True)
        return results
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if drop:
            drop()


def learner_session(app, user_id: int) -> tuple[str, str]:
    """(Cookie header, CSRF token) of a signed-in learner, made with the server's key as a sign-in would."""
    from itsdangerous import URLSafeTimedSerializer

    raw, now = secrets.token_hex(20), int(time.time())
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": f"{user_id}:0", "_fresh": True, "started_at": now, "seen_at": now, "csrf_token": raw})
    token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
    return f"session={value}", token


def post_scenarios(port: int, seeded, sessions, connections: int, args, kind: str, levels: int) -> list[Figures]:
    """Autosave (each connection its own learner) and submit-and-grade (each attempt submitted once)."""
    from bench import driver

    def request(path: str, session: tuple[str, str], body: bytes, content_type: str) -> driver.Request:
        cookie, token = session
        return driver.Request(path, body, {"Cookie": cookie, "X-CSRFToken": token, "Content-Type": content_type})

    # The last learners' attempts stay open for autosave; the others are submitted, each once.
    keep_open = 8
    autosaves = [
        [request(f"/attempts/{seeded.attempt_ids[-k]}/autosave", sessions[-k],
                 json.dumps({"answers": {"q0": "abcd"[n % 4]}}).encode(), "application/json")
         for n in range(100_000)]
        for k in range(1, connections + 1)
    ]
    autosave = driver.run(port, autosaves, args.seconds)
    # Each level of connections submits its own share of the attempts, each attempt once.
    share = (len(seeded.attempt_ids) - 1 - keep_open) // levels
    first = 1 + share * (0 if connections == 1 else 1)
    mine = list(range(first, first + share))
    submits = [[request(f"/attempts/{seeded.attempt_ids[k]}/submit", sessions[k],
                        f"csrf_token={sessions[k][1]}".encode(), "application/x-www-form-urlencoded")
                for k in mine[thread::connections]] for thread in range(connections)]
    submit = driver.run(port, submits, args.seconds * 3, ok=lambda status: status in (302, 303))
    return [
        Figures(scenario=name, database=kind, connections=connections, target="ours",
                rps=round(outcome.requests / outcome.seconds, 1), p50_ms=outcome.percentile(0.5),
                p95_ms=outcome.percentile(0.95), p99_ms=outcome.percentile(0.99),
                bytes_per_response=outcome.bytes // max(outcome.requests, 1), errors=outcome.errors)
        for name, outcome in (("quiz autosave", autosave), ("quiz submit and grade (each once)", submit))
    ]


def table(results: list[Figures]) -> str:
    lines = ["| database | conns | scenario | req/s | ours/ceiling | p50 ms | p95 ms | p99 ms | bytes | SQL/req "
             "| errors |", "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    ceilings = {(r.database, r.connections): r.rps for r in results if r.target == "ceiling"}
    for r in results:
        ratio = f"{r.rps / ceilings[(r.database, r.connections)]:.0%}" if r.target == "ours" else ""
        lines.append(f"| {r.database} | {r.connections} | {r.scenario} | {r.rps:,.0f} | {ratio} | {r.p50_ms} | "
                     f"{r.p95_ms} | {r.p99_ms} | {r.bytes_per_response:,} | {r.queries_per_request} | {r.errors} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="SQLite only, 1 connection, 3 s per scenario")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        help="a server and database to create a throwaway benchmark database from")
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--output", type=Path, default=HERE / "results")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    if args.quick:
        args.databases, args.seconds, args.learners, args.plan = "sqlite", 3, 100, [(1, 1)]
    else:
        # 1 connection: one 10 s run (latency); 8 connections: three 10 s runs, the median reported.
        args.seconds, args.plan = 10, [(1, 1), (8, 3)]
    results: list[Figures] = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.databases.split(","):
            print(f"benchmarking on {kind}…", flush=True)
            results += run_database(kind, args, Path(tmp))
    markdown = table(results)
    print(markdown)
    args.output.mkdir(exist_ok=True)
    name = "quick" if args.quick else "latest"
    (args.output / f"{name}.json").write_text(json.dumps([asdict(r) for r in results], indent=2))
    (args.output / f"{name}.md").write_text(markdown + "\n")
    if any(r.errors for r in results):
        sys.exit("errors during the run: see the table")


if __name__ == "__main__":
    main()
