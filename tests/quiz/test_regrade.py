"""Audited regrades (RELIABILITY.md Q-7): a new answer key changes stored grades only when someone regrades,
from the CLI or the item analysis page; old grades are kept, certificates flagged, never changed."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from decimal import Decimal

from click.testing import CliRunner
from sqlalchemy import select

from tests.certificates.helpers import read_every_lesson
from tests.factories import PASSWORD, make_user
from tests.quiz.helpers import (
    certified_by_the_quiz,
    passed_paperwork,
    publish_version,
    quiz_of,
    right_json,
    take_quiz,
)
from tests.security.conftest import database_state
from training_app.admin.models import AuditEvent
from training_app.authoring.models import CourseEditor
from training_app.certificates.models import Certificate
from training_app.cli import main
from training_app.db import utcnow
from training_app.learn.models import Enrolment, Question, Quiz
from training_app.quiz import services
from training_app.quiz.models import Attempt
from training_app.security import Role

#: the new keys: two of the six points of check-cylinders change hands
NEW_KEYS = {"first-look": "valve", "colour-is-proof": True}


def _by_new_key(question):
    """Right by NEW_KEYS (so wrong by the key the attempt was taken with), right elsewhere."""
    return NEW_KEYS.get(question["id"], right_json(question))


def _cylinders(db, course) -> Quiz:
    db.expire_all()
    return db.get(Quiz, quiz_of(course, "cylinders").id)


def test_a_new_version_changes_no_stored_grade_and_a_dry_run_changes_nothing(app, db, demo_course, tmp_path):
    learner, right, certificate = certified_by_the_quiz(app, db, demo_course)
    other = take_quiz(db, make_user(db), quiz_of(demo_course, "cylinders"), _by_new_key)
    assert (right.score, right.passed, other.score, other.passed) == (1, True, Decimal("0.6666"), False)
    publish_version(app, db, tmp_path, "check-cylinders", NEW_KEYS)
    assert (db.get(Attempt, right.id).score, db.get(Attempt, other.id).score) == (1, Decimal("0.6666"))

    before = database_state(db)
    result = services.regrade(db, _cylinders(db, demo_course), None, utcnow(), apply=False)
    db.rollback()
    assert database_state(db) == before
    assert not result.applied and result.attempts == 2
    assert [(c.attempt_id, c.old_score, c.new_score, c.was_passed, c.is_passed, set(c.question_ids))
            for c in result.changes] == [
        (right.id, Decimal("1.0000"), Decimal("0.6666"), True, False, set(NEW_KEYS)),
        (other.id, Decimal("0.6666"), Decimal("1.0000"), False, True, set(NEW_KEYS)),
    ]
    assert (result.passed_to_failed, result.failed_to_passed) == (1, 1)
    assert result.certificate_ids == [certificate.id] and result.kept_question_ids == []


def test_apply_regrades_once_keeps_the_old_grade_audits_and_flags_the_certificate(app, db, demo_course, tmp_path):
    learner, attempt, certificate = certified_by_the_quiz(app, db, demo_course)
    signed = (certificate.signature, certificate.score)
    publish_version(app, db, tmp_path, "check-cylinders", NEW_KEYS)
    admin = make_user(db, role=Role.ADMIN)
    at = utcnow()
    result = services.regrade(db, _cylinders(db, demo_course), admin, at, apply=True)
    db.commit()
    assert result.applied and len(result.changes) == 1 and result.certificate_ids == [certificate.id]

    db.expire_all()
    attempt = db.get(Attempt, attempt.id)
    assert (attempt.score, attempt.passed) == (Decimal("0.6666"), False)
    assert attempt.results["questions"]["first-look"] == {"fraction": "0", "is_correct": False}
    assert attempt.results["points_earned"] == "4"
    [history] = attempt.regrade_history
    assert (history["score"], history["passed"], history["actor_id"]) == ("1.0000", True, admin.id)
    assert history["results"]["questions"]["first-look"] == {"fraction": "1", "is_correct": True}
    assert history["keys"] == {"first-look": {"correct": "label"}, "colour-is-proof": {"correct": False}}
    shown = {q["id"]: q for q in attempt.snapshot["questions"]}
    assert (shown["first-look"]["correct"], shown["colour-is-proof"]["correct"]) == ("valve", True)  # the review

    certificate = db.get(Certificate, certificate.id)
    assert abs(certificate.review_needed_at - at) < timedelta(seconds=1)
    assert certificate.revoked_at is None and (certificate.signature, certificate.score) == signed
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "quiz.regrade")).one()
    assert (event.actor_id, event.target_type, event.target_label) == (admin.id, "quiz", "check-cylinders")
    assert event.details == {"course": "demo-course", "version": 3, "attempts": 1, "changed": 1,
                             "passed_to_failed": 1, "failed_to_passed": 0, "certificates_flagged": 1,
                             "certificate_ids": [certificate.id], "completions": 0}

    before = database_state(db)
    again = services.regrade(db, _cylinders(db, demo_course), admin, utcnow(), apply=True)
    db.commit()
    assert again.changes == [] and again.certificate_ids == []
    after = database_state(db)
    assert {table: rows for table, rows in after.items() if table != "audit_events"} == {
        table: rows for table, rows in before.items() if table != "audit_events"}
    assert [e.details["changed"] for e in db.scalars(select(AuditEvent).where(
        AuditEvent.action == "quiz.regrade").order_by(AuditEvent.id))] == [1, 0]


def test_a_learner_who_passes_only_now_completes_the_course(app, db, demo_course, tmp_path):
    learner = make_user(db)
    read_every_lesson(db, learner, demo_course, utcnow())
    passed_paperwork(db, learner, demo_course)
    attempt = take_quiz(db, learner, quiz_of(demo_course, "cylinders"), _by_new_key)
    assert attempt.passed is False
    publish_version(app, db, tmp_path, "check-cylinders", NEW_KEYS)
    with app.app_context():
        result = services.regrade(db, _cylinders(db, demo_course), None, utcnow(), apply=True)
    db.commit()
    assert result.failed_to_passed == 1 and result.completions == 1 and result.certificate_ids == []
    assert db.scalars(select(Enrolment.completed_at).where(Enrolment.user_id == learner.id)).one() is not None
    assert db.scalars(select(Certificate).where(Certificate.user_id == learner.id)).one().review_needed_at is None


def test_questions_gone_or_changed_beyond_their_key_keep_their_grade(app, db, demo_course, tmp_path):
    attempt = take_quiz(db, make_user(db), quiz_of(demo_course, "cylinders"), right_json)
    publish_version(app, db, tmp_path, "check-cylinders", {"first-look": "valve"}, removed=("which-cylinder",))
    quiz = _cylinders(db, demo_course)
    # A key naming an option the attempt never showed, and a question now of another kind.
    red_flags = db.scalars(select(Question).where(Question.quiz_id == quiz.id, Question.slug == "red-flags")).one()
    red_flags.spec = {**red_flags.spec, "correct": ["new-cylinder", "an-option-added-later"]}
    colour = db.scalars(select(Question).where(Question.quiz_id == quiz.id, Question.slug == "colour-is-proof")).one()
    colour.spec = {"id": "colour-is-proof", "kind": "single_choice", "choices": ["yes", "no"], "correct": "no"}
    db.commit()
    result = services.regrade(db, _cylinders(db, demo_course), None, utcnow(), apply=True)
    db.commit()
    assert result.kept_question_ids == ["colour-is-proof", "red-flags", "which-cylinder"]
    [change] = result.changes
    assert change.question_ids == ("first-look",) and change.new_score == Decimal("0.8333")
    db.expire_all()
    kept = db.get(Attempt, attempt.id).results["questions"]
    assert kept["which-cylinder"] == kept["red-flags"] == kept["colour-is-proof"] == {"fraction": "1",
                                                                                      "is_correct": True}


def test_open_and_fake_attempts_are_left_alone(app, db, demo_course, tmp_path):
    learner = make_user(db)
    passed_paperwork(db, learner, demo_course)  # submitted, but with no snapshot to regrade from
    from tests.quiz.helpers import make_attempt

    open_attempt = make_attempt(db, learner, quiz_of(demo_course, "cylinders"), seed=1)
    publish_version(app, db, tmp_path, "check-paperwork", {"declared-goods": "goods"})
    result = services.regrade(db, db.get(Quiz, quiz_of(demo_course, "paperwork").id), None, utcnow(), apply=True)
    db.commit()
    assert result.changes == [] and result.attempts == 1
    db.expire_all()
    assert db.get(Attempt, open_attempt.id).submitted_at is None


def _run(app, *args):
    return CliRunner().invoke(main, list(args), env={"DATABASE_URL": app.config["DATABASE_URL"],
                                                     "TRAINING_APP_INSTANCE": str(app.config["INSTANCE_PATH"])})


def test_the_cli_prints_a_dry_run_by_default_and_applies_on_request(app, db, demo_course, tmp_path):
    learner, attempt, certificate = certified_by_the_quiz(app, db, demo_course)
    publish_version(app, db, tmp_path, "check-cylinders", NEW_KEYS)
    dry = _run(app, "regrade", "--course", "demo-course", "--quiz", "check-cylinders")
    assert dry.exit_code == 0, dry.output
    assert f"{attempt.id}  " in dry.output and "1.0000" in dry.output and "0.6666" in dry.output
    assert "1 of 1 submitted attempt(s) would change: 1 from passed to failed" in dry.output
    assert f"1 certificate(s) would be flagged for review (ids {certificate.id})." in dry.output
    assert "Nothing was changed." in dry.output
    db.expire_all()
    assert db.get(Attempt, attempt.id).score == 1

    applied = _run(app, "regrade", "--course", "demo-course", "--quiz", "check-cylinders", "--apply")
    assert applied.exit_code == 0, applied.output
    assert "1 of 1 submitted attempt(s) changed" in applied.output
    db.expire_all()
    assert db.get(Attempt, attempt.id).score == Decimal("0.6666")
    assert db.get(Certificate, certificate.id).review_needed_at is not None
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "quiz.regrade")).one().actor_id is None
    again = _run(app, "regrade", "--course", "demo-course", "--quiz", "check-cylinders", "--apply")
    assert "0 of 1 submitted attempt(s) changed" in again.output

    missing = _run(app, "regrade", "--course", "demo-course", "--quiz", "no-such-quiz")
    assert missing.exit_code != 0 and "No quiz 'no-such-quiz'" in missing.output


def test_an_administrator_sees_the_flag_on_the_certificate_pages(app, client, db, login, demo_course, tmp_path):
    learner, attempt, certificate = certified_by_the_quiz(app, db, demo_course)
    publish_version(app, db, tmp_path, "check-cylinders", NEW_KEYS)
    services.regrade(db, _cylinders(db, demo_course), None, utcnow(), apply=True)
    db.commit()
    login(make_user(db, role=Role.ADMIN))
    listed = client.get("/admin/certificates").get_data(as_text=True)
    assert "To review" in listed
    from training_app.certificates.services import display_code

    shown = client.get(f"/admin/certificates/{display_code(certificate.code)}").get_data(as_text=True)
    assert "a regrade of a quiz of this course changed whether this learner passes it" in shown
    assert "Revoke this certificate" in shown


def test_an_editor_previews_then_applies_the_regrade_from_the_item_analysis(app, client, db, login, demo_course,
                                                                            tmp_path):
    learner, attempt, certificate = certified_by_the_quiz(app, db, demo_course)
    publish_version(app, db, tmp_path, "check-cylinders", NEW_KEYS)
    trainer, outsider = make_user(db, role=Role.TRAINER), make_user(db, role=Role.TRAINER)
    db.add(CourseEditor(course_slug="demo-course", user_id=trainer.id, added_at=utcnow()))
    db.commit()
    quiz_id = quiz_of(demo_course, "cylinders").id

    elsewhere = app.test_client()
    elsewhere.post_form("/login", {"email": outsider.email, "password": PASSWORD})
    assert elsewhere.get(f"/reports/items/{quiz_id}/regrade").status_code == 404
    login(trainer)
    analysis = client.get(f"/reports/items/{quiz_id}").get_data(as_text=True)
    assert f'href="/reports/items/{quiz_id}/regrade"' in analysis
    preview = html.unescape(client.get(f"/reports/items/{quiz_id}/regrade").get_data(as_text=True))
    assert "1 of 1 submitted attempt would change." in preview
    assert "Passed before, failed now: 1" in preview and "Certificates to review: 1" in preview
    db.expire_all()
    assert db.get(Attempt, attempt.id).score == 1  # the preview wrote nothing
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"', preview).group(1)

    response = client.post_form(f"/reports/items/{quiz_id}/regrade", {"fingerprint": fingerprint})
    assert response.status_code == 302 and response.headers["Location"] == f"/reports/items/{quiz_id}"
    db.expire_all()
    assert db.get(Attempt, attempt.id).score == Decimal("0.6666")
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "quiz.regrade")).one().actor_id == trainer.id
    assert "1 attempt regraded." in client.get(f"/reports/items/{quiz_id}").get_data(as_text=True)

    # The same preview applied twice: it no longer names what applying would do, so nothing is applied.
    again = client.post_form(f"/reports/items/{quiz_id}/regrade", {"fingerprint": fingerprint})
    assert again.status_code == 409
    assert "No grade would change" in html.unescape(again.get_data(as_text=True))
    assert len(db.scalars(select(AuditEvent).where(AuditEvent.action == "quiz.regrade")).all()) == 1
    assert client.post_form(f"/reports/items/{quiz_id}/regrade", {}).status_code == 400
