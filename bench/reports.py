"""Report benchmark: a large organisation seeded in bulk, then the completion report, its exports and item
analysis timed on SQLite and PostgreSQL.

    python -m bench.reports                       # 100,000 learners, SQLite then PostgreSQL
    python -m bench.reports --learners 5000 --only sqlite
    python -m bench.reports --only sqlite --reuse-sqlite FILE   # re-time a database seeded before

Seeds the shipped courses (courses/) through the real importer, then, with Core bulk inserts: 45
organisations in three countries, the learners, their enrolments, lesson progress, quiz attempts with
per-question results and answers, and certificates (millions of rows). Times, through the real views and the
real command: the filtered report page, the unfiltered one, a drill-down page, the full CSV and XLSX exports
(in a child process, for its peak memory), and an item analysis page. Prints a Markdown table and writes it
to bench/results/reports.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, func, insert, make_url, select, text, update
from sqlalchemy.orm import Session

from training_app import create_app
from training_app.auth import services as accounts
from training_app.auth.models import Organisation, User
from training_app.certificates.models import Certificate
from training_app.certificates.services import add_months, new_code
from training_app.db import upgrade_schema
from training_app.learn import importer
from training_app.learn.models import Course, Enrolment, Lesson, LessonProgress, Module, Question, Quiz
from training_app.quiz.models import Answer, Attempt
from training_app.security import Role

HERE = Path(__file__).parent
ROOT = HERE.parent
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
CHUNK = 20_000
PASSWORD = secrets.token_urlsafe(16)
#: learners' languages by country: Canada bilingual, Mexico mostly Spanish, the US mostly English
LOCALES = {"CA": (("en", 0.6), ("fr", 0.4)), "MX": (("es", 0.9), ("en", 0.1)), "US": (("en", 0.85), ("es", 0.15))}
AGENCIES = {"CA": ("CBSA", "ECCC", "CWS"), "MX": ("ANAM", "PROFEPA", "SEMARNAT"), "US": ("CBP", "EPA", "FWS")}
DRAWN = 10


def _pick(rng: random.Random, weighted) -> str:
    roll, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if roll < total:
            return value
    return weighted[-1][0]


class Seeder:
    """Bulk rows with explicit ids, so children reference parents without reading them back."""

    def __init__(self, db: Session, learners: int, seed: int = 2026) -> None:
        self.db = db
        self.learners = learners
        self.rng = random.Random(seed)
        self.counts: dict[str, int] = {}
        self.pending: dict[type, list[dict]] = {}

    def add(self, model: type, row: dict) -> None:
        rows = self.pending.setdefault(model, [])
        rows.append(row)
        if len(rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Insert every pending row, parents before children."""
        for table in (User, Enrolment, Attempt, LessonProgress, Answer, Certificate):
            rows = self.pending.get(table) or []
            if rows:
                self.db.execute(insert(table), rows)
                self.counts[table.__tablename__] = self.counts.get(table.__tablename__, 0) + len(rows)
                rows.clear()
        self.db.commit()

    def run(self) -> None:
        db, rng = self.db, self.rng
        posts = self._organisations()
        courses = self._courses()
        password_hash = accounts.hash_password(PASSWORD)
        user_id = (db.scalar(select(func.max(User.id))) or 0) + 1
        enrolment_id, attempt_id = 1, 1
        for number in range(self.learners):
            country = ("CA", "MX", "US")[number % 3]
            locale = _pick(rng, LOCALES[country])
            ability = rng.betavariate(5, 2)
            self.add(User, {"id": user_id, "email": f"learner{number}@bench.example", "name": f"Learner {number}",
                            "password_hash": password_hash, "role": "learner", "locale": locale,
                            "organisation_id": rng.choice(posts[country]), "is_active": True, "session_epoch": 0,
                            "created_at": NOW - timedelta(days=800)})
            chosen = [c for c in courses if (c["slug"] == "foundations" and rng.random() < 0.9)]
            chosen += rng.sample([c for c in courses if c["slug"] != "foundations"], rng.choice((0, 1, 1, 2)))
            for course in chosen:
                attempt_id = self._enrolment(user_id, enrolment_id, attempt_id, course, locale, ability)
                enrolment_id += 1
            user_id += 1
        self.flush()

    def _organisations(self) -> dict[str, list[int]]:
        posts: dict[str, list[int]] = {}
        for country, codes in AGENCIES.items():
            for code in codes:
                agency = Organisation(country=country, kind="customs", code=code, name=f"{code} ({country})")
                self.db.add(agency)
                self.db.flush()
                ids = [agency.id]
                for n in range(4):
                    post = Organisation(parent_id=agency.id, country=country, kind="port_of_entry",
                                        name=f"{code} post {n + 1}")
                    self.db.add(post)
                    self.db.flush()
                    ids.append(post.id)
                posts.setdefault(country, []).extend(ids)
        self.db.commit()
        return posts

    def _courses(self) -> list[dict]:
        db = self.db
        courses = []
        for course in db.scalars(select(Course).order_by(Course.slug)):
            modules = []
            for module in db.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position)):
                lessons = list(db.scalars(select(Lesson.id).where(Lesson.module_id == module.id)
                                          .order_by(Lesson.position)))
                quiz = db.scalars(select(Quiz).where(Quiz.module_id == module.id)).one_or_none()
                questions = ([(q.slug, q.kind, q.spec) for q in db.scalars(
                    select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position))]
                    if quiz else [])
                modules.append({"lessons": lessons, "quiz": quiz.id if quiz else None, "questions": questions,
                                "pass_mark": float(quiz.pass_mark) if quiz else 0})
            courses.append({"id": course.id, "slug": course.slug, "modules": modules,
                            "validity": course.certificate_validity_months})
        return courses

    def _enrolment(self, user_id: int, enrolment_id: int, attempt_id: int, course: dict, locale: str,
                   ability: float) -> int:
        rng = self.rng
        enrolled_at = NOW - timedelta(days=rng.randint(1, 900), minutes=rng.randint(0, 1440))
        state = _pick(rng, (("not_started", 0.15), ("in_progress", 0.30), ("completed", 0.55)))
        modules = course["modules"]
        done_modules = len(modules) if state == "completed" else (
            rng.randint(0, len(modules) - 1) if state == "in_progress" else 0)
        at = enrolled_at
        started_at = None
        for index, module in enumerate(modules):
            if index > done_modules or (index == done_modules and state != "in_progress"):
                break
            lessons = module["lessons"] if index < done_modules else module["lessons"][:rng.randint(
                1, len(module["lessons"]))]
            for lesson_id in lessons:
                at += timedelta(hours=rng.randint(1, 72))
                started_at = started_at or at
                self.add(LessonProgress, {"user_id": user_id, "lesson_id": lesson_id, "completed_at": at})
            if module["quiz"] and index < done_modules:
                attempt_id, at = self._attempts(user_id, attempt_id, module, locale, ability, at)
        completed_at = at if state == "completed" else None
        self.add(Enrolment, {"id": enrolment_id, "user_id": user_id, "course_id": course["id"], "version": 1,
                             "enrolled_at": enrolled_at, "started_at": started_at, "completed_at": completed_at})
        if completed_at:
            completed_on = completed_at.date()
            self.add(Certificate, {
                "code": new_code(), "user_id": user_id, "course_id": course["id"], "cycle": 1,
                "learner_name": f"Learner {user_id}", "course_titles": {"en": course["slug"]}, "course_version": 1,
                "completed_on": completed_on, "score": Decimal(rng.randint(80, 100)) / 100,
                "expires_on": add_months(completed_on, course["validity"]), "issuer": "Bench", "issued_at": at,
                "key_id": "bench", "signature": "bench",
                **({"revoked_at": at + timedelta(days=3), "revoked_reason": "Issued in error"}
                   if rng.random() < 0.01 else {})})
        return attempt_id

    def _attempts(self, user_id: int, attempt_id: int, module: dict, locale: str, ability: float,
                  at: datetime) -> tuple[int, datetime]:
        """Attempts until one passes (at most three), each with results and answers for the drawn questions."""
        rng = self.rng
        for number in (1, 2, 3):
            drawn = rng.sample(module["questions"], min(DRAWN, len(module["questions"])))
            results, right, answers = {}, 0, []
            for slug, kind, spec in drawn:
                # A few questions read harder in one language, as a weak translation would make them.
                chance = ability + 0.1 * number - (0.25 if locale == "es" and zlib.crc32(slug.encode()) % 7 == 0 else 0)
                is_correct = rng.random() < chance
                right += is_correct
                results[slug] = {"fraction": "1" if is_correct else "0", "is_correct": is_correct}
                answer = _answer(rng, kind, spec, is_correct)
                if answer is not None:
                    answers.append({"attempt_id": attempt_id, "question_id": slug, "value": {"answer": answer},
                                    "saved_at": at})
            score = Decimal(right) / len(drawn)
            passed = score >= Decimal(str(module["pass_mark"])) or number == 3
            at += timedelta(minutes=rng.randint(5, 40))
            self.add(Attempt, {
                "id": attempt_id, "user_id": user_id, "quiz_id": module["quiz"], "number": number, "seed": attempt_id,
                "locale": locale, "snapshot": {"version": 1, "locale": locale, "title": "Quiz",
                                               "questions": [{"id": slug} for slug, _k, _s in drawn]},
                "started_at": at - timedelta(minutes=10), "submitted_at": at,
                "score": score.quantize(Decimal("0.0001")),
                "passed": passed, "results": {"points_earned": str(right), "points_possible": str(len(drawn)),
                                              "questions": results}})
            for row in answers:  # after their attempt: a full batch is inserted parents first
                self.add(Answer, row)
            attempt_id += 1
            if passed:
                break
        return attempt_id, at


def _answer(rng: random.Random, kind: str, spec: dict, is_correct: bool):
    correct = spec.get("correct")
    if kind in ("single_choice", "image_choice"):
        choices = list(spec["choices"])
        wrong = [c for c in choices if c != correct]
        return correct if is_correct or not wrong else wrong[min(len(wrong) - 1, int(rng.random() ** 2 * len(wrong)))]
    if kind == "true_false":
        return correct if is_correct else not correct
    if kind == "multiple_response":
        right = list(correct)
        return right if is_correct else right[:-1] + [rng.choice([c for c in spec["choices"] if c not in right]
                                                                 or right)]
    return None  # matching, ordering, numeric, hotspot: results only


# --- timing --------------------------------------------------------------------------------------------

def _median_seconds(action, runs: int = 3) -> float:
    action()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _export(url: str, instance: Path, file_format: str, output: Path) -> tuple[float, float, int]:
    """Run `training-app report completions` in a child process: seconds, peak RSS (MB), rows written."""
    env = {**os.environ, "DATABASE_URL": url, "TRAINING_APP_INSTANCE": str(instance),
           "SECRET_KEY": "bench-" + secrets.token_hex(8)}
    start = time.perf_counter()
    command = [sys.executable, "-c", "from training_app.cli import main; main()", "report", "completions",
               "--format", file_format, "--output", str(output)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    out = process.stdout.read().decode()
    process.stdout.close()
    if status != 0:
        raise RuntimeError(f"export failed: {out}")
    return elapsed, usage.ru_maxrss / 1024, int(out.split()[0])


def measure(url: str, workdir: Path, learners: int, reuse: bool = False) -> tuple[dict[str, int], list]:
    """Seed (unless `reuse`: a database this script seeded before, re-timed after a change), then time."""
    upgrade_schema(url)
    instance = workdir / "instance"
    app = create_app({"DATABASE_URL": url, "TRAINING_APP_INSTANCE": instance, "SECRET_KEY": secrets.token_hex(16)})
    engine = app.extensions["db_engine"]
    figures: list[tuple[str, str]] = []
    with Session(engine) as db:
        if reuse:
            db.execute(update(User).where(User.email == "admin@bench.example")
                       .values(password_hash=accounts.hash_password(PASSWORD)))
            db.commit()
            counts = {model.__tablename__: db.scalar(select(func.count()).select_from(model))
                      for model in (User, Enrolment, Attempt, LessonProgress, Answer, Certificate)}
        else:
            counts = seed(db, app, url, learners, figures)
        foundations = db.scalar(select(Course.slug).where(Course.slug == "foundations"))
        quiz_id = db.scalar(select(Quiz.id).join(Module, Module.id == Quiz.module_id).join(Course)
                            .where(Course.slug == foundations).order_by(Module.position).limit(1))
        agency = db.scalar(select(Organisation.id).where(Organisation.code == "CBSA", Organisation.country == "CA")
                           .order_by(Organisation.id.desc()).limit(1))
    client = app.test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").get_data(as_text=True))[1]
    response = client.post("/login", data={"email": "admin@bench.example", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.status_code

    def page(path: str):
        def get():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return get

    pages = [
        ("report page, filtered (country CA, course foundations, by agency)",
         "/reports/completions?country=CA&course=foundations&group_by=agency", 3),
        ("report page, filtered (certificate expiring within 60 days, by country)",
         "/reports/completions?status=cert_expiring", 3),
        ("report page, everything (by course)", "/reports/completions?group_by=course", 3),
        ("drill-down page (one agency, page 2)",
         f"/reports/completions/learners?group_by=agency&key={agency}&page=2", 3),
        ("item analysis page (first foundations quiz)", f"/reports/items/{quiz_id}", 1),
    ]
    for label, path, runs in pages:
        figures.append((label, f"{_median_seconds(page(path), runs=runs):.2f} s"))
    for file_format in ("csv", "xlsx"):
        output = workdir / f"completions.{file_format}"
        seconds, peak, rows = _export(url, instance, file_format, output)
        figures.append((f"full {file_format.upper()} export ({rows:,} enrolments), command line",
                        f"{seconds:.1f} s, peak RSS {peak:.0f} MB, {output.stat().st_size / 1e6:.0f} MB file"))
    engine.dispose()
    return counts, figures


def seed(db: Session, app, url: str, learners: int, figures: list) -> dict[str, int]:
    """The shipped courses through the importer, the bench admin, then the bulk rows; returns rows per table."""
    packages = sorted(p for p in (ROOT / "courses").iterdir() if p.is_dir())
    importer.import_paths(db, packages, app.config["MEDIA_PATH"])
    db.commit()
    accounts.create_user(db, email="admin@bench.example", password=PASSWORD, name="Bench admin",
                         role=Role.ADMIN, locale="en", organisation=None)
    db.commit()
    start = time.perf_counter()
    seeder = Seeder(db, learners)
    seeder.run()
    seeded = time.perf_counter() - start
    if url.startswith("postgresql"):
        for table in ("users", "enrolments", "attempts", "answers", "certificates", "lesson_progress"):
            db.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed names
                            f"(SELECT max(id) FROM {table}))"))
    db.execute(text("ANALYZE"))
    db.commit()
    figures.append(("seeded rows (bulk Core inserts)", f"{sum(seeder.counts.values()):,} in {seeded:.0f} s"))
    return seeder.counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="Measure one database only.")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "reports.md")
    parser.add_argument("--reuse-sqlite", type=Path, help="Re-time this SQLite file, seeded by an earlier run.")
    arguments = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as folder:
        workdir = Path(folder)
        if arguments.only != "postgresql":
            (workdir / "sqlite").mkdir()
            database = arguments.reuse_sqlite or workdir / "sqlite" / "bench.sqlite3"
            counts, figures = measure(f"sqlite:///{database}", workdir / "sqlite", arguments.learners,
                                      reuse=arguments.reuse_sqlite is not None)
            results.append(("SQLite", counts, figures))
            print(_table(arguments.learners, results), flush=True)
        if arguments.only != "sqlite":
            server = make_url(arguments.postgres)
            name = f"bench_reports_{uuid.uuid4().hex[:8]}"
            admin = create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                (workdir / "postgres").mkdir()
                url = server.set(database=name).render_as_string(hide_password=False)
                counts, figures = measure(url, workdir / "postgres", arguments.learners)
                results.append(("PostgreSQL", counts, figures))
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    table = _table(arguments.learners, results)
    print(table)
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(table, encoding="utf-8")


def _table(learners: int, results) -> str:
    lines = [f"Measured {date.today():%Y-%m-%d} on the 2-core machine: {learners:,} learners, the shipped courses.", "",
             "| database | measure | figure |", "| --- | --- | --- |"]
    for database, counts, figures in results:
        rows = ", ".join(f"{table} {count:,}" for table, count in sorted(counts.items()))
        lines.append(f"| {database} | rows seeded | {rows} |")
        lines += [f"| {database} | {label} | {value} |" for label, value in figures]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
