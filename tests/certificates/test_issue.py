from __future__ import annotations

import stat
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.certificates.helpers import TITLES, complete, pass_quizzes, read_every_lesson
from tests.factories import make_user
from tests.together import all_at_once
from training_app.certificates import services, signing
from training_app.certificates.models import Certificate
from training_app.learn import services as learn
from training_app.learn.models import Course, CourseText, Enrolment, Lesson, LessonText, Module


def _count(db: Session) -> int:
    return db.scalar(select(func.count(Certificate.id)))


def test_completing_the_last_lesson_issues_one_signed_certificate(app, client, db, login, demo_course):
    learner = make_user(db, name="Ana Martínez Peña", locale="es")
    pass_quizzes(db, learner, demo_course, scores=(Decimal("0.9"), Decimal("0.8")))
    login(learner)
    lessons = learn.ordered_lessons(demo_course)
    for lesson in lessons:
        client.post_form(f"/courses/demo-course/lessons/{lesson.slug}/complete")
    client.post_form(f"/courses/demo-course/lessons/{lessons[-1].slug}/complete")  # a second click
    certificate = db.scalars(select(Certificate)).one()
    assert certificate.user_id == learner.id and certificate.cycle == 1
    assert certificate.learner_name == "Ana Martínez Peña"
    assert certificate.course_titles == TITLES
    assert certificate.course_version == 2
    assert certificate.score == Decimal("0.85")
    assert certificate.issuer == app.config["ISSUER_NAME"]
    assert certificate.expires_on == services.add_months(certificate.completed_on, 24)
    with app.app_context():
        key = services.current_issuer().key
    assert signing.is_signed_by(key.public, services.signed_fields(certificate), certificate.signature)


def test_concurrent_completions_issue_one_certificate(app, db, demo_course):
    learner = make_user(db)
    pass_quizzes(db, learner, demo_course)
    read_every_lesson(db, learner, demo_course, datetime.now(UTC))
    engine = app.extensions["db_engine"]

    def finish(_index: int) -> None:
        with app.app_context(), Session(engine, expire_on_commit=False) as session:
            course = learn.course_by_slug(session, "demo-course")
            learn.update_completion(session, learner.id, course, datetime.now(UTC))
            session.commit()

    all_at_once(4, finish)
    assert _count(db) == 1


def test_issuing_twice_for_one_completion_returns_the_same_certificate(app, db, demo_course):
    learner = make_user(db)
    first = complete(app, db, learner, demo_course)
    enrolment = db.scalars(select(Enrolment)).one()
    with app.app_context():
        again = services.issue_certificate(db, enrolment, demo_course, datetime.now(UTC))
    db.commit()
    assert again.id == first.id and _count(db) == 1


def test_code_has_140_random_bits_in_an_unambiguous_alphabet(app, db, demo_course):
    codes = {services.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 28 and set(code) <= set(services.CODE_ALPHABET) for code in codes)
    assert not set("01IO") & set(services.CODE_ALPHABET) and len(services.CODE_ALPHABET) == 32
    code = next(iter(codes))
    shown = services.display_code(code)
    assert shown.count("-") == 6 and all(len(group) == 4 for group in shown.split("-"))
    assert services.normalise_code(shown.lower()) == code
    assert services.normalise_code(f" {code[:10]} {code[10:]} ") == code
    assert services.normalise_code(code[:-1]) is None and services.normalise_code(code[:-1] + "0") is None


def test_expiry_adds_calendar_months():
    assert services.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert services.add_months(date(2026, 11, 26), 24) == date(2028, 11, 26)
    assert services.add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


def test_score_is_the_average_of_the_best_passing_attempts(app, db, demo_course):
    learner = make_user(db)
    pass_quizzes(db, learner, demo_course, scores=(Decimal("0.7"), Decimal("0.8")))
    pass_quizzes(db, learner, demo_course, scores=(Decimal("0.9"), Decimal("0.75")))
    assert services.course_score(db, learner.id, demo_course) == Decimal("0.85")


def test_score_is_none_for_a_course_without_quiz(app, db, client, login):
    course = Course(slug="no-quiz", version=1, topic="ods", languages=["en"], estimated_minutes=5,
                    certificate_validity_months=12, last_verified_on=date(2026, 1, 1), sources=[])
    course.texts = [CourseText(locale="en", title="Reading only", summary="", description="")]
    module = Module(slug="only", position=1)
    course.modules = [module]
    db.add(course)
    db.flush()
    lesson = Lesson(course_id=course.id, module_id=module.id, slug="one", position=1)
    lesson.texts = [LessonText(locale="en", title="One", body="Text.")]
    db.add(lesson)
    db.commit()
    learner = make_user(db)
    login(learner)
    client.post_form("/courses/no-quiz/lessons/one/complete")
    certificate = db.scalars(select(Certificate)).one()
    assert certificate.score is None
    assert certificate.course_titles == {"en": "Reading only"}
    assert certificate.expires_on == services.add_months(certificate.completed_on, 12)


def test_signing_key_is_created_once_and_private(tmp_path):
    folder = tmp_path / "keys"
    folder.mkdir()
    first = signing.load_or_create(folder)
    second = signing.load_or_create(folder)
    assert first.key_id == second.key_id
    assert stat.S_IMODE((folder / signing.KEY_FILE).stat().st_mode) == 0o600
    assert list(folder.iterdir()) == [folder / signing.KEY_FILE]


def test_completion_date_is_the_enrolments(app, db, demo_course):
    learner = make_user(db)
    certificate = complete(app, db, learner, demo_course, on=date(2026, 1, 31))
    assert certificate.completed_on == date(2026, 1, 31)
    assert certificate.expires_on == date(2028, 1, 31)
    assert certificate.issued_at - datetime.combine(date(2026, 1, 31), datetime.min.time(), UTC) < timedelta(days=1)


def test_racing_issuers_insert_one_certificate_and_log_it_once(app, db, demo_course):
    """Past the enrolment's compare-and-set, two issuers racing on one completion: the unique cycle settles
    it, and only the one whose row was stored writes `certificate.issue` (PostgreSQL gives no rowcount)."""
    learner = make_user(db)
    complete(app, db, learner, demo_course)
    db.execute(Certificate.__table__.delete())
    db.commit()
    engine = app.extensions["db_engine"]

    def issue(_index: int) -> None:
        with app.app_context(), Session(engine, expire_on_commit=False) as session:
            enrolment = session.scalars(select(Enrolment).where(Enrolment.user_id == learner.id)).one()
            services.issue_certificate(session, enrolment, session.get(Course, demo_course.id), datetime.now(UTC))
            session.commit()

    log = Path(app.config["SECURITY_LOG"])
    before = log.read_text(encoding="utf-8").count('"certificate.issue"') if log.exists() else 0
    all_at_once(2, issue)
    assert _count(db) == 1
    assert log.read_text(encoding="utf-8").count('"certificate.issue"') == before + 1
