"""Races the database must settle: twenty submits of one attempt grade it once; concurrent starts make one attempt."""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, make_user
from tests.quiz.helpers import answer_every_page_right, make_attempt, quiz_of, start
from tests.together import all_at_once
from training_app.db import utcnow
from training_app.quiz import services
from training_app.quiz.models import Attempt

THREADS = 20


def _signed_in_clients(app, user, count: int) -> list:
    clients = []
    for _ in range(count):
        other = app.test_client()
        assert other.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 302
        clients.append(other)
    return clients


def test_twenty_concurrent_submits_through_the_app_grade_once(app, client, db, login, demo_course):
    learner = make_user(db)
    login(learner)
    attempt = start(client, db, quiz_of(demo_course, "cylinders"))
    answer_every_page_right(client, attempt)
    clients = _signed_in_clients(app, learner, THREADS)
    tokens = [other.csrf_token() for other in clients]
    claims = []

    def count_claims(_conn, cursor, statement, *_args) -> None:
        # What the database itself reports: how many submits set submitted_at on a still open attempt.
        if statement.startswith("UPDATE attempts SET submitted_at") and "submitted_at IS NULL" in statement \
                and cursor.rowcount == 1:
            claims.append(statement)

    engine = app.extensions["db_engine"]
    event.listen(engine, "after_cursor_execute", count_claims)
    try:
        statuses = all_at_once(THREADS, lambda i: clients[i].post(
            f"/attempts/{attempt.id}/submit", data={"csrf_token": tokens[i]}).status_code)
    finally:
        event.remove(engine, "after_cursor_execute", count_claims)
    assert statuses == [302] * THREADS
    assert len(claims) == 1
    db.refresh(attempt)
    assert attempt.passed is True and attempt.score == 1


def test_twenty_concurrent_submit_calls_with_their_own_sessions_grade_once(app, db, demo_course):
    learner = make_user(db)
    attempt = make_attempt(db, learner, quiz_of(demo_course, "cylinders"), seed=7)
    engine = app.extensions["db_engine"]

    def submit(_index: int) -> bool:
        with Session(engine, expire_on_commit=False) as session:
            mine = services.own_attempt(session, attempt.id, learner.id)
            graded = services.submit(session, mine, utcnow())
            session.commit()
            return graded

    assert sorted(all_at_once(THREADS, submit)) == [False] * (THREADS - 1) + [True]
    db.refresh(attempt)
    assert attempt.submitted_at is not None and attempt.results is not None


def test_concurrent_starts_make_one_open_attempt(app, db, demo_course):
    learner = make_user(db)
    clients = _signed_in_clients(app, learner, 8)
    tokens = [other.csrf_token() for other in clients]
    quiz = quiz_of(demo_course, "cylinders")
    locations = all_at_once(len(clients), lambda i: clients[i].post(
        f"/quizzes/{quiz.id}/attempts", data={"csrf_token": tokens[i]}).headers["Location"])
    attempts = db.scalars(select(Attempt)).all()
    assert len(attempts) == 1
    assert set(locations) == {f"/attempts/{attempts[0].id}"}
