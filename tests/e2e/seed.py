"""The browser suite's data, made with the application's own services on the instance the server will use:
accounts of every role in each language, course editors, and a learner whose progress, attempts and
certificates give every page type something to show."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from training_app import create_app
from training_app.auth import services as accounts
from training_app.authoring import services as authoring
from training_app.certificates import services as certificates
from training_app.db import get_session, utcnow
from training_app.learn import services as learn
from training_app.quiz import services as quizzes
from training_app.security import Role

PASSWORD = "correct horse battery staple"
DEMO_PACKAGE = Path(__file__).resolve().parents[1] / "fixtures" / "packages" / "demo-course"
DEMO = "demo-course"
#: the agency of each language's accounts: the reports filter by its country
AGENCIES = {"en": ("US", "CBP"), "fr": ("CA", "CBSA"), "es": ("MX", "ANAM")}
#: each language's trainer journey edits and publishes its own shipped course, so runs never meet
TRAINER_COURSES = {"en": "ods-hfcs", "fr": "hazardous-waste", "es": "wildlife-timber"}
NAMES = {"en": "Jordan Lee", "fr": "Émilie Gagnon", "es": "Ana López"}


@dataclass
class World:
    """What the tests need to find the seeded rows' pages."""

    quiz_ids: dict[str, int] = field(default_factory=dict)
    results: dict[str, int] = field(default_factory=dict)
    certificate: str = ""
    revoked_certificate: str = ""
    certified: dict[str, str] = field(default_factory=dict)
    #: each language's quizzer: quiz slug -> (open attempt id, its number of pages)
    open_attempts: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    learner_id: int = 0
    organisation_id: int = 0


def email(kind: str, lang: str | None = None) -> str:
    return f"{kind}-{lang}@e2e.example" if lang else f"{kind}@e2e.example"


def correct_answers() -> dict[str, dict[str, Any]]:
    """The demo course's questions by id (kind and correct answer), read from its package."""
    found = {}
    for path in sorted((DEMO_PACKAGE / "quizzes").glob("*.yaml")):
        for question in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            found[question["id"]] = question
    return found


def database_url(instance: Path) -> str:
    """The server's default database in its instance folder (SQLite is enough for the browser suite)."""
    return f"sqlite:///{instance / 'training_app.sqlite3'}"


def seed(instance: Path) -> World:
    app = create_app({"TRAINING_APP_INSTANCE": instance, "DATABASE_URL": database_url(instance)})
    world = World()
    with app.app_context():
        db = get_session()
        now = utcnow()
        accounts.ensure_reference_agencies(db)
        agency = {lang: accounts.find_agency(db, *AGENCIES[lang]) for lang in AGENCIES}
        world.organisation_id = agency["fr"].id

        def user(kind: str, lang: str, role: Role = Role.LEARNER, name: str | None = None):
            return accounts.create_user(db, email=email(kind, lang), password=PASSWORD, name=name or NAMES[lang],
                                        role=role, locale=lang, organisation=agency[lang])

        accounts.create_user(db, email=email("admin"), password=PASSWORD, name="Sam Rivera", role=Role.ADMIN,
                             locale="en", organisation=agency["en"])
        author = user("author", "fr", Role.TRAINER, "Claire Roy")
        sweep = user("sweep", "en", name="Morgan Diaz")
        revoked = user("revoked", "es", name="Luis Pérez")
        for lang in AGENCIES:
            user("learner", lang)
            user("keyboard", lang)
            user("trainer", lang, Role.TRAINER)
            certified = user("certified", lang)
            user("quizzer", lang)
            user("hostile", lang)  # reads the hostile course of test_security.py
            db.flush()
            authoring.add_editor(db, TRAINER_COURSES[lang], email("trainer", lang), now)
            world.certified[lang] = _complete_demo(db, certified.id, lang, now)[0]
        user("csrf", "en", name="Riley Chen")  # the victim of test_security.py's cross-site posts
        renamed = user("renamed", "en", name="Casey Brooks")  # gives themselves a hostile name in test_security.py
        db.flush()
        authoring.add_editor(db, DEMO, author.email, now)
        _complete_demo(db, renamed.id, "en", now)  # so the reports list them
        world.learner_id = sweep.id
        world.certificate, world.results = _complete_demo(db, sweep.id, "en", now)
        world.revoked_certificate = _complete_demo(db, revoked.id, "es", now)[0]
        certificate = certificates.by_code(db, world.revoked_certificate)
        certificates.revoke(db, certificate, "Issued by mistake (test data).", None, now)
        course = learn.course_by_slug(db, DEMO)
        world.quiz_ids = {module.quiz.slug: module.quiz.id for module in course.modules if module.quiz}
        for lang in AGENCIES:
            quizzer = accounts.user_by_email(db, email("quizzer", lang))
            world.open_attempts[lang] = {}
            for slug, quiz_id in world.quiz_ids.items():
                attempt = quizzes.start_attempt(db, quizzer.id, quizzes.quiz_in_course(db, quiz_id), lang, now)
                world.open_attempts[lang][slug] = (attempt.id, len(quizzes.pages(attempt.snapshot)))
        db.commit()
    app.extensions["db_engine"].dispose()
    return world


def _complete_demo(db, user_id: int, lang: str, now) -> tuple[str, dict[str, int]]:
    """Read every lesson and pass every quiz of the demo course; returns the certificate code and attempts."""
    course = learn.course_by_slug(db, DEMO)
    for lesson in learn.ordered_lessons(course):
        learn.complete_lesson(db, user_id, course, lesson, now)
    results = {}
    for quiz_id in [module.quiz.id for module in course.modules if module.quiz]:
        found = quizzes.quiz_in_course(db, quiz_id)
        attempt = quizzes.start_attempt(db, user_id, found, lang, now)
        quizzes.save_answers(db, attempt, {q["id"]: right_answer(q) for q in attempt.snapshot["questions"]}, now)
        quizzes.submit(db, attempt, now)
        results[found.quiz.slug] = attempt.id
    held = certificates.certificates_of(db, user_id, now.date())
    assert held, "passing every quiz of the demo course must issue a certificate"
    return held[0].certificate.code, results


def right_answer(question: dict[str, Any]) -> Any:
    """The answer the autosave endpoint takes for a question's correct answer."""
    correct = question["correct"]
    if question["kind"] == "hotspot":
        return correct[0]  # choosing the region from the list, as a keyboard user does
    return correct
