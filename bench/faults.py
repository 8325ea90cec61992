"""Load and fault harness (RELIABILITY.md §4): every acknowledged write is in the database exactly once.

    python -m bench.faults            # SQLite and PostgreSQL, 200 learners (about 5 minutes)
    python -m bench.faults --quick    # SQLite only, 50 learners, short holds (about 2 minutes)

Each scenario runs against `training-app serve` (gunicorn) on 127.0.0.1, started and stopped here, and
is bounded in time. The client keeps a ledger of every write it sent (idempotency key, payload, outcome);
after the fault has cleared the ledger is compared with the database: lost = acknowledged writes that
are missing or different, duplicates = rows beyond one per key; every submitted grade must equal a
regrade of the stored answers. Results are printed and written to bench/results/faults[-quick].{json,md}.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from http.cookiejar import CookieJar
from pathlib import Path

from sqlalchemy import create_engine, make_url, select, text

from bench import seed as seeding
from bench.__main__ import free_port, wait_healthy

HERE = Path(__file__).parent
LOOPBACK = "127.0.0.1"
CLIENT_TIMEOUT = 60.0


# --- figures -------------------------------------------------------------------------------------------

@dataclass
class Result:
    scenario: str
    database: str
    requests: int = 0
    acknowledged: int = 0
    lost: int = 0
    duplicates: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    errors_5xx: int = 0
    errors_500: int = 0
    recovery_s: float | None = None
    passed: bool = False
    notes: list[str] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


@dataclass
class Entry:
    key: str
    payload: str
    status: int  # 0: no answer (connection refused or cut)
    seconds: float
    at: float


class Ledger:
    """What the client sent and what it was told, thread-safe."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self._lock = threading.Lock()

    def add(self, entry: Entry) -> None:
        with self._lock:
            self.entries.append(entry)

    def fill(self, result: Result, acknowledged: Callable[[Entry], bool]) -> None:
        result.requests = len(self.entries)
        result.acknowledged = sum(acknowledged(e) for e in self.entries)
        latencies = [e.seconds * 1000 for e in self.entries if e.status]
        result.p50_ms, result.p95_ms, result.p99_ms = (round(percentile(latencies, q), 1) for q in (0.5, 0.95, 0.99))
        result.errors_5xx = sum(e.status >= 500 for e in self.entries)
        result.errors_500 = sum(e.status == 500 for e in self.entries)


# --- the HTTP client: one per learner, like a browser ----------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect())
        self.token = ""

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str, str]:
        """(status, body, Location); status 0 when the server could not be reached or dropped the request."""
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(request, timeout=CLIENT_TIMEOUT) as response:  # noqa: S310 - loopback only
                return response.status, response.read().decode(errors="replace"), response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers.get("Location", "")
        except (OSError, urllib.error.URLError):
            return 0, "", ""

    def refresh_token(self, path: str = "/dashboard") -> None:
        _status, body, _location = self.request(path)
        match = re.search(r'<meta name="csrf-token" content="([^"]+)"', body)
        if match:
            self.token = match.group(1)

    def sign_in(self, email: str, password: str) -> None:
        self.refresh_token("/login")
        status, _body, _location = self.post_form("/login", {"email": email, "password": password})
        if status != 302:
            raise RuntimeError(f"sign-in of {email} answered {status}")
        self.refresh_token()  # a new session at sign-in: a new CSRF token

    def post_form(self, path: str, values: dict | None = None) -> tuple[int, str, str]:
        data = urllib.parse.urlencode({**(values or {}), "csrf_token": self.token}).encode()
        return self.request(path, data, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_json(self, path: str, document: dict) -> tuple[int, str, str]:
        return self.request(path, json.dumps(document).encode(), {
            "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": self.token})

    def post_file(self, path: str, values: dict, name: str, filename: str, data: bytes) -> tuple[int, str, str]:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
                 for key, value in {**values, "csrf_token": self.token}.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: image/png\r\n\r\n".encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def timed(ledger: Ledger, key: str, payload: str, call: Callable[[], tuple[int, str, str]]) -> tuple[int, str, str]:
    start = time.monotonic()
    answer = call()
    ledger.add(Entry(key, payload, answer[0], time.monotonic() - start, start))
    return answer


def together(jobs: list[Callable[[], None]]) -> None:
    """Run every job in its own thread, released at the same instant by a barrier."""
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], None]) -> None:
        barrier.wait()
        job()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def in_pool(jobs: list[Callable[[], None]], width: int = 8) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(width) as pool:
        for future in [pool.submit(job) for job in jobs]:
            future.result()


def retry(call: Callable[[], tuple[int, str, str]], ok: Callable[[int], bool], deadline: float,
          pause: float = 0.25) -> tuple[int, str, str]:
    """The client retry rule: resend the same request (same key) until it is acknowledged or time is up."""
    while True:
        answer = call()
        if ok(answer[0]) or time.monotonic() > deadline:
            return answer
        time.sleep(pause)


# --- the site: a seeded database and a gunicorn server -------------------------------------------------

@dataclass
class Site:
    kind: str
    url: str  # what the harness reads the truth from
    instance: Path
    media: Path
    emails: list[str]
    quiz_ids: list[int]
    certificate_code: str
    trainer_email: str
    drop: Callable[[], None] | None = None


def make_site(kind: str, workdir: Path, learners: int, postgres: str) -> Site:
    from training_app import create_app
    from training_app.auth import services as accounts
    from training_app.certificates import services as certificates
    from training_app.db import get_session, upgrade_schema, utcnow
    from training_app.learn import services as learn
    from training_app.learn.models import Course, Enrolment
    from training_app.security import Role

    instance = workdir / f"instance-{kind}"
    instance.mkdir()
    media = workdir / f"media-{kind}"
    media.mkdir()
    drop = None
    if kind == "sqlite":
        url = f"sqlite:///{instance / 'faults.sqlite3'}"
    else:
        server = make_url(postgres)
        name = f"faults_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)

        def drop() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    upgrade_schema(url)
    app = create_app({"DATABASE_URL": url, "TRAINING_APP_INSTANCE": instance, "TRAINING_APP_MEDIA": media,
                      "MEDIA_PATH": media, "SECRET_KEY": "s" * 32})
    with app.app_context():
        db = get_session()
        seeding.seed(db, media, workdir / f"package-{kind}", learners)
        course = learn.course_by_slug(db, seeding.SLUG)
        quiz_ids = [module.quiz.id for module in course.modules]
        trainer = accounts.create_user(db, email="trainer@bench.example", password=seeding.PASSWORD,
                                       name="Bench Trainer", role=Role.TRAINER, locale="en")
        # One learner holds a certificate, to check it still verifies after a restore (L-12).
        enrolment = db.scalars(select(Enrolment).limit(1)).one()
        enrolment.completed_at = utcnow()
        certificate = certificates.issue_certificate(db, enrolment, db.get(Course, course.id), utcnow())
        db.commit()
        code = certificates.display_code(certificate.code)
        trainer_email = trainer.email
    app.extensions["db_engine"].dispose()
    emails = [f"learner{n}@bench.example" for n in range(learners)]
    return Site(kind, url, instance, media, emails, quiz_ids, code, trainer_email, drop)


class Server:
    """`training-app serve` (gunicorn, sync workers) on a free loopback port."""

    def __init__(self, site: Site, database_url: str | None = None, workers: int = 2, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://{LOOPBACK}:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": database_url or site.url, "TRAINING_APP_INSTANCE": str(site.instance),
                    "TRAINING_APP_MEDIA": str(site.media), "SECRET_KEY": "s" * 32, **env}
        self.log = open(site.instance / f"server-{self.port}.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from training_app.cli import main; main()", "serve", "--no-demo", "--host",
             LOOPBACK, "--port", str(self.port), "--workers", str(workers), "--courses", str(site.instance / "none")],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_healthy(f"{self.base}/healthz", timeout=60)

    def workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def signed_in(base: str, emails: list[str], password: str = seeding.PASSWORD) -> list[Browser]:
    browsers = [Browser(base) for _ in emails]
    in_pool([lambda b=b, e=e: b.sign_in(e, password) for b, e in zip(browsers, emails, strict=True)])
    return browsers


# --- the truth on the server ------------------------------------------------------------------------

def attempts_of(url: str, quiz_id: int) -> dict[int, list[dict]]:
    """Attempts at one quiz by user id, with their stored answers."""
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT id, user_id, snapshot, submitted_at, score, passed FROM attempts WHERE quiz_id = :q"),
            {"q": quiz_id}).mappings().all()
        answers = connection.execute(text(
            "SELECT a.attempt_id, a.question_id, a.value, a.saved_at FROM answers a "
            "JOIN attempts t ON t.id = a.attempt_id WHERE t.quiz_id = :q"), {"q": quiz_id}).mappings().all()
    engine.dispose()
    stored: dict[int, dict] = {}
    for answer in answers:
        value = answer["value"] if isinstance(answer["value"], dict) else json.loads(answer["value"])
        stored.setdefault(answer["attempt_id"], {})[answer["question_id"]] = value["answer"]
    by_user: dict[int, list[dict]] = {}
    for row in rows:
        snapshot = row["snapshot"] if isinstance(row["snapshot"], dict) else json.loads(row["snapshot"])
        by_user.setdefault(row["user_id"], []).append(
            {**row, "snapshot": snapshot, "answers": stored.get(row["id"], {})})
    return by_user


def regrade_mismatches(attempts: list[dict]) -> int:
    """Submitted attempts whose stored score differs from a regrade of their stored answers."""
    from decimal import ROUND_FLOOR, Decimal

    from training_app.quiz import grading

    wrong = 0
    for attempt in attempts:
        if attempt["submitted_at"] is None:
            continue
        result = grading.grade(attempt["snapshot"]["questions"], attempt["answers"])
        exact = Decimal(result.score.numerator) / Decimal(result.score.denominator)
        expected = exact.quantize(Decimal("0.0001"), rounding=ROUND_FLOOR)
        passed = result.score >= Fraction(attempt["snapshot"]["pass_mark"])
        if Decimal(str(attempt["score"])) != expected or bool(attempt["passed"]) != passed:
            wrong += 1
    return wrong


def integrity(url: str) -> str:
    if url.startswith("sqlite"):
        with sqlite3.connect(make_url(url).database) as connection:
            return connection.execute("PRAGMA integrity_check").fetchone()[0]
    engine = create_engine(url)
    with engine.connect() as connection:
        tables = connection.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar()
    engine.dispose()
    return "ok" if tables else "no tables"


def attempt_id_of(location: str) -> int | None:
    match = re.search(r"/attempts/(\d+)", location)
    return int(match.group(1)) if match else None


def start_attempts(browsers: list[Browser], quiz_id: int) -> list[int]:
    ids: list[int | None] = [None] * len(browsers)

    def start(index: int) -> None:
        _status, _body, location = browsers[index].post_form(f"/quizzes/{quiz_id}/attempts")
        ids[index] = attempt_id_of(location)

    in_pool([lambda i=i: start(i) for i in range(len(browsers))])
    if None in ids:
        raise RuntimeError("an attempt could not be started")
    return ids  # type: ignore[return-value]


def autosave_all(browsers: list[Browser], attempt_ids: list[int], url: str, quiz_id: int, ledger: Ledger) -> None:
    """Answer every question of each attempt by autosave (JSON), retrying what was not acknowledged."""
    snapshots = {a["id"]: a["snapshot"] for user in attempts_of(url, quiz_id).values() for a in user}

    def save(browser: Browser, attempt_id: int) -> None:
        for question in snapshots[attempt_id]["questions"]:
            choice = random.choice(question["choices"])  # noqa: S311 - test data
            retry(lambda q=question, c=choice: timed(
                ledger, f"{attempt_id}:{q['id']}", c,
                lambda: browser.post_json(f"/attempts/{attempt_id}/autosave", {"answers": {q["id"]: c}})),
                lambda status: status == 200, time.monotonic() + 30)

    in_pool([lambda b=b, a=a: save(b, a) for b, a in zip(browsers, attempt_ids, strict=True)])


def lost_autosaves(ledger: Ledger, url: str, quiz_id: int) -> int:
    """Keys whose last acknowledged value is not the stored one."""
    last: dict[str, tuple[float, str]] = {}
    for entry in ledger.entries:
        if entry.status == 200 and entry.at >= last.get(entry.key, (-1.0, ""))[0]:
            last[entry.key] = (entry.at, entry.payload)
    stored = {f"{a['id']}:{q}": v for user in attempts_of(url, quiz_id).values() for a in user
              for q, v in a["answers"].items()}
    return sum(stored.get(key) != value for key, (_at, value) in last.items())


def submit_burst(browsers: list[Browser], attempt_ids: list[int], ledger: Ledger, retries_until: float | None = None,
                 during: Callable[[], None] | None = None) -> None:
    """Each learner sends the final submit twice at once (a double click), released together."""
    def submit(browser: Browser, attempt_id: int) -> None:
        def once() -> tuple[int, str, str]:
            return timed(ledger, str(attempt_id), "submit", lambda: browser.post_form(f"/attempts/{attempt_id}/submit"))

        if retries_until is None:
            once()
        else:
            retry(once, lambda status: status == 302, retries_until)

    jobs = [lambda b=b, a=a: submit(b, a) for b, a in zip(browsers, attempt_ids, strict=True) for _ in range(2)]
    if during is not None:
        jobs.append(during)
    together(jobs)


def check_submits(result: Result, ledger: Ledger, url: str, quiz_id: int, users: int) -> None:
    by_user = attempts_of(url, quiz_id)
    attempts = {a["id"]: a for user in by_user.values() for a in user}
    acknowledged = {e.key for e in ledger.entries if e.status == 302}
    result.lost = sum(attempts.get(int(key), {}).get("submitted_at") is None for key in acknowledged)
    result.duplicates = sum(len(rows) - 1 for rows in by_user.values())
    mismatches = regrade_mismatches(list(attempts.values()))
    if mismatches:
        result.notes.append(f"{mismatches} grades differ from a regrade")
    unsubmitted = sum(a["submitted_at"] is None for a in attempts.values())
    if unsubmitted:
        result.notes.append(f"{unsubmitted} attempts left unsubmitted")
    result.passed = (result.lost == 0 and result.duplicates == 0 and result.errors_500 == 0 and not mismatches
                     and len(by_user) == users)


def certificates_per_learner(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        worst = connection.execute(text(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM certificates GROUP BY user_id, course_id, cycle) c"
        )).scalar()
    engine.dispose()
    return worst or 0


# --- scenarios --------------------------------------------------------------------------------------

def l1_l2(site: Site, server: Server, users: int) -> list[Result]:
    """L-2: everyone starts the same quiz at once (twice: two tabs); L-1: everyone submits it twice at once."""
    browsers = signed_in(server.base, site.emails[:users])
    quiz_id = site.quiz_ids[0]
    starts, l2 = Ledger(), Result("L-2 exam start spike (2 tabs each)", site.kind)
    jobs = [lambda b=b: timed(starts, str(id(b)), "start", lambda: b.post_form(f"/quizzes/{quiz_id}/attempts"))
            for b in browsers for _ in range(2)]
    together(jobs)
    starts.fill(l2, lambda e: e.status == 302)
    by_user = attempts_of(site.url, quiz_id)
    l2.duplicates = sum(len(rows) - 1 for rows in by_user.values())
    l2.lost = users - len(by_user)
    l2.passed = l2.lost == 0 and l2.duplicates == 0 and l2.errors_5xx == 0

    attempt_ids = start_attempts(browsers, quiz_id)  # resumes the attempt each learner already has
    saves = Ledger()
    autosave_all(browsers, attempt_ids, site.url, quiz_id, saves)
    submits, l1 = Ledger(), Result("L-1 final submit spike (each sent twice)", site.kind)
    load = os.getloadavg()[0]  # the load generator shares the 2 cores: other jobs skew the figures
    submit_burst(browsers, attempt_ids, submits)
    submits.fill(l1, lambda e: e.status == 302)
    check_submits(l1, submits, site.url, quiz_id, users)
    lost_saves = lost_autosaves(saves, site.url, quiz_id)
    l1.lost += lost_saves
    l1.notes.append(f"{len(saves.entries)} autosaves before it, {lost_saves} lost; load average {load:.1f} at start")
    if l1.p95_ms >= 2000:
        l1.passed = False
        l1.notes.append("p95 over the 2 s target")
    return [l2, l1]


def l5_sqlite_locked(site: Site, server: Server, users: int, hold: float, busy_timeout: float) -> Result:
    """Another process holds an exclusive SQLite lock while a submit burst arrives."""
    label = "within" if hold < busy_timeout else "beyond"
    result = Result(f"L-5 SQLite locked {hold:.0f} s ({label} the {busy_timeout:.0f} s busy timeout)", site.kind)
    quiz_id = site.quiz_ids[1 if hold < busy_timeout else 2]
    browsers = signed_in(server.base, site.emails[:users])
    attempt_ids = start_attempts(browsers, quiz_id)
    autosave_all(browsers, attempt_ids, site.url, quiz_id, Ledger())
    locker = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True)\n"
        "time.sleep(float(sys.argv[2])); c.execute('COMMIT')"),
        make_url(site.url).database, str(hold)], stdout=subprocess.PIPE, text=True)
    locker.stdout.readline()
    released = time.monotonic() + hold
    ledger = Ledger()
    submit_burst(browsers, attempt_ids, ledger, retries_until=time.monotonic() + hold + 60)
    locker.wait(timeout=hold + 10)
    ledger.fill(result, lambda e: e.status == 302)
    check_submits(result, ledger, site.url, quiz_id, users)
    late = [e.at + e.seconds for e in ledger.entries if e.status == 302 and e.at + e.seconds >= released]
    result.recovery_s = round(max(0.0, min(late) - released), 2) if late else 0.0
    result.notes.append(f"{sum(e.status == 503 for e in ledger.entries)} answered 503 and were retried")
    return result


def l6_disk_full(site: Site, server: Server, tmpfs: bool) -> Result:
    """A trainer uploads a photo while the media disk is full; then the disk is freed."""
    result = Result("L-6 disk full on upload" + ("" if tmpfs else " (simulated: unwritable media dir)"), site.kind)
    browser = signed_in(server.base, [site.trainer_email])[0]
    slug = "full-disk-course"
    browser.refresh_token("/authoring")
    browser.post_form("/authoring/courses", {"slug": slug, "topic": "ods", "title": "Disk"})
    photo = _noise_png(700, 500)
    filler = site.media / "filler.bin"
    if tmpfs:
        with filler.open("wb") as out:  # fill the disk, leaving less than the photo needs
            try:
                while True:
                    out.write(b"\0" * 65536)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
        filler.write_bytes(filler.read_bytes()[: -(len(photo) // 4)])
    else:
        site.media.chmod(0o500)
    ledger = Ledger()
    upload = f"/authoring/courses/{slug}/media/upload"
    status, body, _location = timed(ledger, "upload-full", "photo", lambda: browser.post_file(
        upload, {"language": ""}, "file", "seized.png", photo))
    leftovers = [p.name for p in site.media.rglob("*") if p.suffix == ".tmp"]
    missing = _images_without_files(site, slug)
    result.notes.append(f"while full: HTTP {status}; {len(leftovers)} temp files left; "
                        f"{len(missing)} images named without a file")
    friendly = status in (500, 503, 507) and "Traceback" not in body
    freed = time.monotonic()
    if tmpfs:
        filler.unlink()
    else:
        site.media.chmod(0o755)
    status_after, _body, _location = timed(ledger, "upload-freed", "photo", lambda: browser.post_file(
        upload, {"language": ""}, "file", "seized.png", photo))
    result.recovery_s = round(time.monotonic() - freed, 2)
    ledger.fill(result, lambda e: e.status == 302)
    result.lost = len(missing) + len(_images_without_files(site, slug))
    result.passed = friendly and not leftovers and not missing and status_after == 302
    return result


def _images_without_files(site: Site, slug: str) -> list[str]:
    engine = create_engine(site.url)
    with engine.connect() as connection:
        document = connection.execute(text("SELECT document FROM course_drafts WHERE slug = :s"), {"s": slug}).scalar()
    engine.dispose()
    if document is None:
        return []
    document = document if isinstance(document, dict) else json.loads(document)
    return [image["file"] for image in document.get("media", {}).values()
            if not (site.media / image["file"]).exists()]


def _noise_png(width: int, height: int) -> bytes:
    """A PNG of random pixels: it does not compress, so it needs about width × height × 3 bytes."""
    rows = b"".join(b"\0" + os.urandom(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def l8_worker_killed(site: Site, server: Server, users: int) -> Result:
    """SIGKILL one gunicorn worker while a submit burst is being served; clients retry what was cut."""
    result = Result("L-8 worker killed mid-request", site.kind)
    quiz_id = site.quiz_ids[3]
    browsers = signed_in(server.base, site.emails[:users])
    attempt_ids = start_attempts(browsers, quiz_id)
    autosave_all(browsers, attempt_ids, site.url, quiz_id, Ledger())
    killed: dict[str, float] = {}

    def kill_one() -> None:
        time.sleep(0.15)
        workers = server.workers()
        if workers:
            os.kill(workers[0], signal.SIGKILL)
            killed["at"] = time.monotonic()
            killed["pid"] = workers[0]

    ledger = Ledger()
    submit_burst(browsers, attempt_ids, ledger, retries_until=time.monotonic() + 60, during=kill_one)
    ledger.fill(result, lambda e: e.status == 302)
    check_submits(result, ledger, site.url, quiz_id, users)
    cut = sum(e.status == 0 for e in ledger.entries)
    result.notes.append(f"worker {killed.get('pid')} killed; {cut} requests cut and retried")
    after = [e.at + e.seconds for e in ledger.entries if e.status == 302 and e.at > killed.get("at", 0)]
    respawned = time.monotonic() + 10
    while len(server.workers()) < 2 and time.monotonic() < respawned:
        time.sleep(0.1)
    result.recovery_s = round(min(after) - killed["at"], 2) if after and "at" in killed else None
    if "at" not in killed:
        result.passed = False
        result.notes.append("no worker to kill")
    return result


def steady_autosaves(browsers: list[Browser], attempt_ids: list[int], snapshots: dict, ledger: Ledger,
                     seconds: float, pause: float = 0.1) -> None:
    """Each learner autosaves one question after another for `seconds`, retrying each until acknowledged."""
    stop = time.monotonic() + seconds

    def loop(browser: Browser, attempt_id: int) -> None:
        questions = snapshots[attempt_id]["questions"]
        n = 0
        while time.monotonic() < stop:
            question = questions[n % len(questions)]
            choice = question["choices"][n % len(question["choices"])]
            retry(lambda q=question, c=choice: timed(
                ledger, f"{attempt_id}:{q['id']}", c,
                lambda: browser.post_json(f"/attempts/{attempt_id}/autosave", {"answers": {q["id"]: c}})),
                lambda status: status == 200, stop + 30)
            n += 1
            time.sleep(pause)

    threads = [threading.Thread(target=loop, args=(b, a)) for b, a in zip(browsers, attempt_ids, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class TcpProxy:
    """A loopback TCP relay in front of PostgreSQL that can be cut (every connection dropped, new ones refused)."""

    def __init__(self, target_port: int) -> None:
        self.target = (LOOPBACK, target_port)
        self.port = free_port()
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((LOOPBACK, self.port))
        listener.listen(128)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        self.listener.close()
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def l4_postgres_unreachable(site: Site, users: int, outage: float, postgres_port: int) -> Result:
    """PostgreSQL becomes unreachable mid-attempt (a relay in front of it is cut), then comes back."""
    result = Result(f"L-4 PostgreSQL unreachable {outage:.0f} s mid-attempt", site.kind)
    proxy = TcpProxy(postgres_port)
    proxied = make_url(site.url).set(host=LOOPBACK, port=proxy.port).render_as_string(hide_password=False)
    server = Server(site, database_url=proxied)
    try:
        quiz_id = site.quiz_ids[4]
        browsers = signed_in(server.base, site.emails[:users])
        attempt_ids = start_attempts(browsers, quiz_id)
        snapshots = {a["id"]: a["snapshot"] for user in attempts_of(site.url, quiz_id).values() for a in user}
        ledger = Ledger()
        timeline: dict[str, float] = {}

        def fault() -> None:
            time.sleep(3)
            proxy.cut()
            timeline["cut"] = time.monotonic()
            time.sleep(outage)
            proxy.restore()
            timeline["restored"] = time.monotonic()

        faulter = threading.Thread(target=fault)
        faulter.start()
        steady_autosaves(browsers, attempt_ids, snapshots, ledger, seconds=outage + 9)
        faulter.join()
        ledger.fill(result, lambda e: e.status == 200)
        result.lost = lost_autosaves(ledger, site.url, quiz_id)
        per_key = Counter(f"{a['id']}:{q}" for user in attempts_of(site.url, quiz_id).values() for a in user
                          for q in a["answers"])
        result.duplicates = sum(n - 1 for n in per_key.values())
        after = [e.at + e.seconds for e in ledger.entries if e.status == 200 and e.at >= timeline["restored"]]
        result.recovery_s = round(min(after) - timeline["restored"], 2) if after else None
        statuses = Counter(e.status for e in ledger.entries if e.status != 200)
        result.notes.append("refused during the outage: " + (", ".join(
            f"{n}×{status or 'no answer'}" for status, n in sorted(statuses.items())) or "none"))
        result.passed = (result.lost == 0 and result.duplicates == 0 and result.errors_500 == 0
                         and result.recovery_s is not None and statuses.get(503, 0) > 0)
    finally:
        server.stop()
        proxy.cut()
    return result


def l12_backup_restore(site: Site, server: Server, users: int, workdir: Path) -> Result:
    """`training-app backup` during steady autosaves, `restore` into a new instance, start the app on it."""
    result = Result("L-12 online backup and restore drill", site.kind)
    cli = [sys.executable, "-c", "from training_app.cli import main; main()"]
    if "backup" not in subprocess.run([*cli, "--help"], capture_output=True, text=True, env=server.env).stdout:
        result.notes.append("skipped: `training-app backup` does not exist yet")
        return result
    if site.kind != "sqlite":
        result.notes.append("skipped: PostgreSQL is backed up with pg_dump/pg_restore (docs/operations.md)")
        result.passed = True
        return result
    quiz_id = site.quiz_ids[5]
    browsers = signed_in(server.base, site.emails[:users])
    attempt_ids = start_attempts(browsers, quiz_id)
    snapshots = {a["id"]: a["snapshot"] for user in attempts_of(site.url, quiz_id).values() for a in user}
    ledger, archive, taken = Ledger(), workdir / "drill.tar", {}

    def back_up() -> None:
        time.sleep(2)
        taken["start"] = time.monotonic()
        done = subprocess.run([*cli, "backup", str(archive)], capture_output=True, text=True, env=server.env)
        taken["end"] = time.monotonic()
        taken["output"] = (done.stdout + done.stderr).strip()[-300:]
        taken["code"] = done.returncode

    backer = threading.Thread(target=back_up)
    backer.start()
    steady_autosaves(browsers, attempt_ids, snapshots, ledger, seconds=6)
    backer.join()
    ledger.fill(result, lambda e: e.status == 200)
    if taken["code"] != 0:
        result.notes.append(f"backup failed: {taken['output']}")
        return result
    restored_instance = workdir / "restored"
    restored_url = f"sqlite:///{restored_instance / 'restored.sqlite3'}"
    env = {**server.env, "TRAINING_APP_INSTANCE": str(restored_instance), "DATABASE_URL": restored_url,
           "TRAINING_APP_MEDIA": str(restored_instance / "media")}
    done = subprocess.run([*cli, "restore", str(archive)], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        result.notes.append(f"restore failed: {(done.stdout + done.stderr).strip()[-300:]}")
        return result
    # Every autosave acknowledged before the backup began is in the restored database.
    before = {e.key for e in ledger.entries if e.status == 200 and e.at + e.seconds < taken["start"]}
    stored = {f"{a['id']}:{q}" for user in attempts_of(restored_url, quiz_id).values() for a in user
              for q in a["answers"]}
    result.lost = len(before - stored)
    check = integrity(restored_url)
    restored_site = Site(site.kind, restored_url, restored_instance, restored_instance / "media", site.emails,
                         site.quiz_ids, site.certificate_code, site.trainer_email)
    started = time.monotonic()
    other = Server(restored_site, database_url=restored_url)
    try:
        result.recovery_s = round(time.monotonic() - started, 2)
        status, body, _location = Browser(other.base).request(f"/verify/{site.certificate_code}")
        verified = status == 200 and "Valid" in body
        signed = signed_in(other.base, site.emails[:1])[0].request("/dashboard")[0] == 200
    finally:
        other.stop()
    result.notes.append(f"backup took {taken['end'] - taken['start']:.2f} s under load; integrity_check {check}; "
                        f"certificate verifies: {verified}; sign-in works: {signed}; "
                        f"{len(before)} autosaves acknowledged before it")
    result.passed = result.lost == 0 and check == "ok" and verified and signed and result.errors_500 == 0
    return result


def l13_migrations(site: Site) -> Result:
    """Alembic downgrade one revision and upgrade again on the seeded, exercised database."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from training_app.db import alembic_config

    result = Result("L-13 migration upgrade → downgrade → upgrade", site.kind)
    config = alembic_config(site.url)
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    previous = script.get_revision(head).down_revision
    tables = ["users", "organisations", "enrolments", "lesson_progress", "attempts", "answers", "certificates"]

    def checksums() -> dict[str, tuple[int, int]]:
        engine = create_engine(site.url)
        sums = {}
        with engine.connect() as connection:
            for table in tables:
                rows = connection.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()  # noqa: S608
                sums[table] = (len(rows), zlib.crc32(repr([tuple(map(str, row)) for row in rows]).encode()))
        engine.dispose()
        return sums

    start = time.monotonic()
    before = checksums()
    steps = []
    for target in (previous, head):
        (command.downgrade if target == previous else command.upgrade)(config, target)
        steps.append(checksums() == before)
    result.recovery_s = round(time.monotonic() - start, 2)
    rows = sum(n for n, _sum in before.values())
    result.requests = result.acknowledged = rows
    result.lost = 0 if all(steps) else rows
    from training_app import create_app

    app = create_app({"DATABASE_URL": site.url, "TRAINING_APP_INSTANCE": site.instance, "SECRET_KEY": "s" * 32})
    client = app.test_client()
    healthy = client.get("/healthz").status_code == 200
    app.extensions["db_engine"].dispose()
    result.notes.append(f"{head} → {previous} → {head}; {rows} rows in {len(tables)} key tables; "
                        f"checksums equal after each step: {steps}; app healthy after: {healthy}")
    result.passed = all(steps) and healthy
    return result


# --- running it --------------------------------------------------------------------------------------

def mount_tmpfs(path: Path) -> bool:
    """A 4 MB tmpfs at `path` if this process may mount one (root); False otherwise."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(path)],
                          capture_output=True, text=True)
    return done.returncode == 0


def run_database(kind: str, args, workdir: Path) -> list[Result]:
    site = make_site(kind, workdir, args.learners, args.postgres)
    results: list[Result] = []
    media_backup = None
    try:
        if kind == "sqlite":
            # L-6 needs the media folder on a tiny disk: move the seeded media onto a tmpfs.
            media_backup = workdir / "media-seeded"
            shutil.copytree(site.media, media_backup)
            args.tmpfs = mount_tmpfs(site.media)
            if args.tmpfs:
                shutil.copytree(media_backup, site.media, dirs_exist_ok=True)
        server = Server(site, workers=args.workers)
        try:
            results += l1_l2(site, server, args.learners)
            report(results[-2:])
            if kind == "sqlite":
                results.append(l5_sqlite_locked(site, server, args.small, hold=3, busy_timeout=15))
                report(results[-1:])
                if not args.quick:
                    results.append(l5_sqlite_locked(site, server, args.small, hold=18, busy_timeout=15))
                    report(results[-1:])
                results.append(l6_disk_full(site, server, args.tmpfs))
                report(results[-1:])
            results.append(l8_worker_killed(site, server, args.small))
            report(results[-1:])
            results.append(l12_backup_restore(site, server, 10, workdir))
            report(results[-1:])
        finally:
            server.stop()
        if kind == "postgresql":
            port = make_url(site.url).port or 5432
            results.append(l4_postgres_unreachable(site, args.small, outage=5, postgres_port=port))
            report(results[-1:])
        results.append(l13_migrations(site))
        report(results[-1:])
        results.append(Result(f"database integrity after the run: {integrity(site.url)}", kind,
                              duplicates=max(0, certificates_per_learner(site.url) - 1),
                              passed=integrity(site.url) == "ok" and certificates_per_learner(site.url) <= 1))
    finally:
        if kind == "sqlite" and getattr(args, "tmpfs", False):
            subprocess.run(["umount", str(site.media)], check=False)
        if site.drop:
            site.drop()
    return results


def report(results: list[Result]) -> None:
    for r in results:
        recovery = "" if r.recovery_s is None else f" recovery {r.recovery_s} s"
        print(f"  [{'PASS' if r.passed else 'FAIL'}] {r.database} {r.scenario}: {r.requests} requests, "
              f"{r.acknowledged} acknowledged, lost {r.lost}, duplicates {r.duplicates}, "
              f"p50/p95/p99 {r.p50_ms}/{r.p95_ms}/{r.p99_ms} ms, 5xx {r.errors_5xx} (500: {r.errors_500})"
              f"{recovery}" + "".join(f"\n      {note}" for note in r.notes), flush=True)


def table(results: list[Result]) -> str:
    lines = ["| database | scenario | requests | ack | lost | dup | p50 ms | p95 ms | p99 ms | 5xx (500) "
             "| recovery s | result | notes |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for r in results:
        lines.append(f"| {r.database} | {r.scenario} | {r.requests} | {r.acknowledged} | {r.lost} | {r.duplicates} | "
                     f"{r.p50_ms} | {r.p95_ms} | {r.p99_ms} | {r.errors_5xx} ({r.errors_500}) | "
                     f"{'' if r.recovery_s is None else r.recovery_s} | {'pass' if r.passed else 'FAIL'} | "
                     f"{'; '.join(r.notes)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="SQLite only, 50 learners, no long lock")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        help="a server where a throwaway database can be created (it must be on 127.0.0.1)")
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of the server under test")
    parser.add_argument("--output", type=Path, default=HERE / "results")
    args = parser.parse_args()
    if make_url(args.postgres).host not in (LOOPBACK, "localhost"):
        sys.exit("the harness only runs against 127.0.0.1")
    if args.quick:
        args.databases, args.learners = "sqlite", 50
    args.small = min(args.learners, 50)
    random.seed(secrets.randbits(32))
    started = time.monotonic()
    results: list[Result] = []
    workdir = Path(tempfile.mkdtemp(prefix="faults-"))
    for kind in args.databases.split(","):
        print(f"{kind}: seeding {args.learners} learners…", flush=True)
        results += run_database(kind, args, workdir)
    if all(r.passed for r in results):
        shutil.rmtree(workdir)
    else:
        print(f"kept for inspection (server logs in instance-*/server-*.log): {workdir}")
    markdown = table(results)
    print(markdown)
    print(f"total {time.monotonic() - started:.0f} s")
    args.output.mkdir(exist_ok=True)
    name = "faults-quick" if args.quick else "faults"
    (args.output / f"{name}.json").write_text(json.dumps([asdict(r) for r in results], indent=2))
    (args.output / f"{name}.md").write_text(markdown + "\n")
    if not all(r.passed or r.notes and r.notes[0].startswith("skipped") for r in results):
        sys.exit("a scenario failed: see the table")


if __name__ == "__main__":
    main()
