"""The attack fixture of RELIABILITY.md §3.2: two learners in different countries, two trainers with a
draft each, an administrator scoped to one country, and objects of each (attempts, certificates,
an import waiting to be applied). Every id-taking route is walked with it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.admin.builders import make_admin
from tests.certificates.helpers import complete
from tests.factories import make_agency, make_user
from tests.quiz.helpers import make_attempt
from training_app.admin import services as admin_services
from training_app.auth.models import Organisation, User
from training_app.authoring import services as authoring
from training_app.certificates import services as certificates
from training_app.certificates.models import Certificate
from training_app.db import Base, utcnow
from training_app.learn.models import Course
from training_app.models import import_all
from training_app.quiz.models import Attempt
from training_app.reports import services as reports
from training_app.security import Role


@dataclass
class World:
    ca: Organisation
    mx: Organisation
    learner: User  # L1, Canada: "own" objects are L1's
    other_learner: User  # L2, Mexico
    trainer: User  # T1, edits t1-course
    other_trainer: User  # T2, edits t2-course
    admin: User  # scoped to Canada
    other_admin: User  # unscoped
    course: Course
    attempt: Attempt
    other_attempt: Attempt
    certificate: Certificate
    other_certificate: Certificate
    import_token: str
    other_import_token: str
    media_name: str
    api_token_id: int
    other_api_token_id: int

    def as_role(self, role: str) -> User:
        return {Role.LEARNER: self.learner, Role.TRAINER: self.trainer, Role.ADMIN: self.admin}[role]


@pytest.fixture
def world(app, db, demo_course) -> World:
    ca = make_agency(db, "CA", "CBSA")
    mx = make_agency(db, "MX", "ANAM")
    learner = make_user(db, organisation=ca, name="Léa Tremblay")
    other_learner = make_user(db, organisation=mx, name="Ana Martínez")
    trainer = make_user(db, role=Role.TRAINER, organisation=ca)
    other_trainer = make_user(db, role=Role.TRAINER, organisation=mx)
    admin = make_admin(db, country="CA", organisation=ca)
    other_admin = make_admin(db)
    course = db.scalars(select(Course).where(Course.slug == "demo-course")).one()
    certificate = complete(app, db, learner, course)
    other_certificate = complete(app, db, other_learner, course)
    quiz = course.modules[0].quiz
    attempt = make_attempt(db, learner, quiz, seed=1)
    other_attempt = make_attempt(db, other_learner, quiz, seed=2)
    with app.test_request_context():
        for owner, slug in ((trainer, "t1-course"), (other_trainer, "t2-course")):
            authoring.create_course(db, owner, slug, "wildlife", f"Course of {owner.name}", now=utcnow())
        db.commit()
    folder = Path(app.config["INSTANCE_PATH"]) / "imports"
    row = b"email,name\r\nnew.person@example.org,New Person\r\n"
    import_token = admin_services.stash_import(folder, admin, row, utcnow())
    other_import_token = admin_services.stash_import(folder, other_admin, row, utcnow())
    media_name = next(Path(app.config["MEDIA_PATH"]).glob("*.png")).name
    token_ids = [reports.create_token(db, owner, "robot", None, utcnow())[0].id for owner in (admin, other_admin)]
    db.commit()
    return World(ca, mx, learner, other_learner, trainer, other_trainer, admin, other_admin, course, attempt,
                 other_attempt, certificate, other_certificate, import_token, other_import_token, media_name,
                 *token_ids)


def code(certificate: Certificate) -> str:
    return certificates.display_code(certificate.code)


#: each id a route takes that names someone's object: (own value, another's value) for L1, T1 and the
#: Canadian admin; "another's" belongs to none of them (L2, T2, a Mexican account, another admin)
def owned_arguments(w: World) -> dict[tuple[str, str], tuple[object, object]]:
    return {
        ("quiz", "attempt_id"): (w.attempt.id, w.other_attempt.id),
        ("certificates", "code"): (code(w.certificate), code(w.other_certificate)),
        ("admin", "user_id"): (w.learner.id, w.other_learner.id),
        ("admin", "organisation_id"): (w.ca.id, w.mx.id),
        ("admin", "token"): (w.import_token, w.other_import_token),
        ("authoring", "slug"): ("t1-course", "t2-course"),
        ("reports", "user_id"): (w.learner.id, w.other_learner.id),
        ("reports", "quiz_id"): (w.course.modules[0].quiz.id,) * 2,  # T1 edits no published course
        ("reports", "token_id"): (w.api_token_id, w.other_api_token_id),
    }


#: ids that name nothing anyone owns: public courses, parts of a draft (reached only through its
#: course), languages, public files; the same value for every identity
def public_arguments(w: World) -> dict[tuple[str, str], object]:
    quiz = w.course.modules[0].quiz
    return {
        ("learn", "slug"): "demo-course",
        ("learn", "lesson_slug"): "labels",
        ("learn", "name"): w.media_name,
        ("static", "filename"): "css/app.css",
        ("quiz", "quiz_id"): quiz.id,
        ("auth", "token"): "no-such-token",
        ("authoring", "module_id"): "identify",
        ("authoring", "lesson_id"): "beaks",
        ("authoring", "quiz_id"): "check-birds",
        ("authoring", "question_id"): "q1",
        ("authoring", "case_id"): "c1",
        ("authoring", "lang"): "fr",
        ("authoring", "what"): "lesson",
        ("authoring", "ids"): "beaks",
        ("authoring", "user_id"): w.other_trainer.id,
    }


#: routes open to anyone holding the value (the public verification page works by its random code)
PUBLIC_BY_CODE = {"certificates.verify_code"}
#: administrators edit and analyse every course by design (authoring.services.can_edit)
ADMIN_REACHES_EVERY_COURSE = ("authoring.", "reports.item_analysis", "reports.export_items", "reports.regrade_")


def path_for(app, rule, w: World, whose: str = "own") -> str:
    """The URL of `rule` with real values; `whose` picks own or another's object for owned ids."""
    blueprint = rule.endpoint.partition(".")[0] if "." in rule.endpoint else rule.endpoint
    owned, public = owned_arguments(w), public_arguments(w)
    values = {}
    for argument in rule.arguments:
        if rule.endpoint in PUBLIC_BY_CODE:
            values[argument] = code(w.certificate)
        elif (blueprint, argument) in owned:
            values[argument] = owned[(blueprint, argument)][0 if whose == "own" else 1]
        elif (blueprint, argument) in public:
            values[argument] = public[(blueprint, argument)]
        else:
            raise AssertionError(f"{rule.rule} takes <{argument}>: add it to owned_arguments or public_arguments "
                                 "in tests/security/conftest.py")
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def takes_owned_id(rule, w: World) -> bool:
    blueprint = rule.endpoint.partition(".")[0]
    return rule.endpoint not in PUBLIC_BY_CODE and any(
        (blueprint, argument) in owned_arguments(w) for argument in rule.arguments)


def app_rules(app, method: str | None = None) -> list:
    return sorted((rule for rule in app.url_map.iter_rules()
                   if method is None or method in rule.methods), key=lambda rule: rule.rule)


def read_log(app) -> list[dict]:
    path = Path(app.config["SECURITY_LOG"])
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as log:
        return [json.loads(line) for line in log]


def database_state(db: Session) -> dict[str, list]:
    """Every row of every table, to show that a refused request changed nothing."""
    import_all()
    db.expire_all()
    state = {}
    for table in Base.metadata.sorted_tables:
        rows = db.execute(text(f'SELECT * FROM "{table.name}"')).all()  # noqa: S608 - names from our metadata
        state[table.name] = sorted(repr(tuple(row)) for row in rows)
    db.rollback()
    return state
