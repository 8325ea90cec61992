"""`training-app cleanup`: what it deletes, what it spares, and abandoned attempts graded once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select

from tests.factories import make_user
from tests.quiz.helpers import make_attempt, quiz_of, right_json
from training_app.auth.models import LoginThrottle, PasswordResetToken
from training_app.certificates.models import Certificate
from training_app.cli import main
from training_app.db import utcnow
from training_app.quiz import services as quizzes
from training_app.quiz.models import Answer, Attempt
from training_app.reports.models import ApiToken


def _env(app) -> dict[str, str]:
    return {"DATABASE_URL": app.config["DATABASE_URL"], "TRAINING_APP_INSTANCE": str(app.config["INSTANCE_PATH"]),
            "SECRET_KEY": app.config["SECRET_KEY"]}


def _cleanup(app) -> str:
    result = CliRunner().invoke(main, ["cleanup"], env=_env(app))
    assert result.exit_code == 0, result.output
    return result.output


def test_cleanup_deletes_what_can_no_longer_be_used_and_keeps_the_rest(app, db):
    user = make_user(db)
    now = utcnow()
    db.add_all([
        PasswordResetToken(user_id=user.id, token_hash="a" * 64, created_at=now - timedelta(hours=2),
                           expires_at=now - timedelta(hours=1)),
        PasswordResetToken(user_id=user.id, token_hash="b" * 64, created_at=now, expires_at=now + timedelta(hours=1)),
        LoginThrottle(key="ip:10.0.0.1", failures=4, window_started_at=now - timedelta(minutes=16)),
        LoginThrottle(key="ip:10.0.0.2", failures=4, window_started_at=now - timedelta(minutes=5)),
        ApiToken(user_id=user.id, name="old", token_hash="c" * 64, prefix="c", created_at=now - timedelta(days=90),
                 expires_at=now - timedelta(days=31)),
        ApiToken(user_id=user.id, name="revoked", token_hash="d" * 64, prefix="d", created_at=now - timedelta(days=90),
                 revoked_at=now - timedelta(days=31)),
        ApiToken(user_id=user.id, name="just expired", token_hash="e" * 64, prefix="e",
                 created_at=now - timedelta(days=30), expires_at=now - timedelta(days=1)),
        ApiToken(user_id=user.id, name="valid", token_hash="f" * 64, prefix="f", created_at=now),
    ])
    db.commit()
    output = _cleanup(app)
    assert ("Cleanup: 1 expired password-reset links, 1 old sign-in counters, 2 expired or revoked API tokens, "
            "0 abandoned attempts graded.") in output
    db.expire_all()
    assert db.scalars(select(PasswordResetToken.token_hash)).all() == ["b" * 64]
    assert db.scalars(select(LoginThrottle.key)).all() == ["ip:10.0.0.2"]
    assert sorted(db.scalars(select(ApiToken.name))) == ["just expired", "valid"]


def test_cleanup_grades_an_abandoned_timed_attempt_from_the_answers_saved_in_time(app, db, demo_course):
    learner = make_user(db)
    quiz = quiz_of(demo_course, "cylinders")  # 15 minutes
    started = utcnow() - timedelta(minutes=20)
    attempt = make_attempt(db, learner, quiz, seed=1, now=started)
    questions = attempt.snapshot["questions"]
    quizzes.save_answers(db, attempt, {q["id"]: right_json(q) for q in questions[:-1]}, started + timedelta(minutes=5))
    # An answer stored after the deadline (a request that arrived late) must not count.
    db.add(Answer(attempt_id=attempt.id, question_id=questions[-1]["id"], value={"answer": right_json(questions[-1])},
                  saved_at=attempt.deadline_at + timedelta(seconds=1)))
    open_untimed = make_attempt(db, make_user(db), quiz_of(demo_course, "paperwork"), seed=2, now=started)
    db.commit()

    assert "1 abandoned attempts graded" in _cleanup(app)
    db.expire_all()
    graded = db.get(Attempt, attempt.id)
    assert graded.submitted_at is not None and graded.score < 1
    assert graded.results["questions"][questions[-1]["id"]]["fraction"] == "0"
    assert db.get(Attempt, open_untimed.id).submitted_at is None  # no time limit: the learner may come back
    first = (graded.submitted_at, graded.score)

    assert "0 abandoned attempts graded" in _cleanup(app)
    db.expire_all()
    assert (db.get(Attempt, attempt.id).submitted_at, db.get(Attempt, attempt.id).score) == first


def test_two_cleanups_at_once_grade_each_abandoned_attempt_once(app, db, demo_course):
    quiz = quiz_of(demo_course, "cylinders")
    started = utcnow() - timedelta(minutes=20)
    attempts = []
    for seed in range(6):
        attempt = make_attempt(db, make_user(db), quiz, seed=seed, now=started)
        quizzes.save_answers(db, attempt, {q["id"]: right_json(q) for q in attempt.snapshot["questions"]},
                             started + timedelta(minutes=1))
        attempts.append(attempt.id)
    db.commit()

    command = [sys.executable, "-c", "from training_app.cli import main; main()", "cleanup"]
    runs = [subprocess.Popen(command, env={**os.environ, **_env(app)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    graded = [int(output.split(" abandoned attempts graded")[0].rsplit(" ", 1)[-1]) for output in outputs]
    assert sum(graded) == len(attempts), outputs
    db.expire_all()
    assert all(db.get(Attempt, attempt_id).passed for attempt_id in attempts)
    # A pass completes the module, not the course (its lessons are unread): no certificate appears.
    assert db.scalars(select(Certificate)).all() == []
