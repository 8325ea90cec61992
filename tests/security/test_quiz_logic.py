"""Quiz business logic under attack (RELIABILITY.md §3.8: Q series)."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from tests.factories import PASSWORD, make_user
from training_app.db import utcnow
from training_app.quiz.models import Answer, Attempt


def _choice_questions(attempt: Attempt) -> list[dict]:
    """The attempt's single- and multiple-choice questions, in the order shown."""
    return [q for q in attempt.snapshot["questions"] if q["kind"] in ("single_choice", "multiple_response")]


def _pick(question: dict, index: int) -> object:
    """An answer choosing option `index`, as the question's kind sends it."""
    choice = question["choices"][index]
    return [choice] if question["kind"] == "multiple_response" else choice


def _autosave(client, attempt_id: int, answers: dict):
    return client.post(f"/attempts/{attempt_id}/autosave", json={"answers": answers},
                       headers={"X-CSRFToken": client.csrf_token()})


def _parallel(app, user, count: int, request) -> list[int]:
    clients = [app.test_client() for _ in range(count)]
    for client in clients:
        client.post_form("/login", {"email": user.email, "password": PASSWORD})
    barrier, statuses = threading.Barrier(count), []

    def run(client):
        token = client.csrf_token()
        barrier.wait()
        statuses.append(request(client, token).status_code)

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_Q1_parallel_final_submits_grade_once(app, db, world):
    statuses = _parallel(app, world.learner, 6, lambda client, token: client.post(
        f"/attempts/{world.attempt.id}/submit", data={"csrf_token": token}))
    assert statuses == [302] * 6
    db.expire_all()
    attempts = db.scalars(select(Attempt).where(Attempt.user_id == world.learner.id,
                                                Attempt.quiz_id == world.attempt.quiz_id)).all()
    assert len(attempts) == len({a.number for a in attempts}) and sum(a.id == world.attempt.id for a in attempts) == 1
    assert db.get(Attempt, world.attempt.id).submitted_at is not None


def test_Q2_parallel_starts_make_one_attempt(app, db, world):
    quiz = world.course.modules[1].quiz
    learner = make_user(db)
    statuses = _parallel(app, learner, 6, lambda client, token: client.post(
        f"/quizzes/{quiz.id}/attempts", data={"csrf_token": token}))
    assert statuses == [302] * 6
    db.expire_all()
    open_attempts = db.scalar(select(func.count(Attempt.id)).where(
        Attempt.user_id == learner.id, Attempt.quiz_id == quiz.id, Attempt.submitted_at.is_(None)))
    assert open_attempts == 1


def test_Q3_an_autosave_after_submit_changes_nothing(client, db, login, world):
    login(world.learner)
    question = _choice_questions(world.attempt)[0]
    choice = _pick(question, 0)
    assert _autosave(client, world.attempt.id, {question["id"]: choice}).status_code == 200
    client.post_form(f"/attempts/{world.attempt.id}/submit")
    late = _autosave(client, world.attempt.id, {question["id"]: _pick(question, -1)})
    assert late.status_code == 409
    db.expire_all()
    stored = db.scalars(select(Answer.value).where(Answer.attempt_id == world.attempt.id)).all()
    assert stored == [{"answer": choice}]


def test_Q4_answers_to_questions_outside_the_attempt_are_refused(client, db, login, world):
    login(world.learner)
    response = _autosave(client, world.attempt.id, {"not-in-this-attempt": "a"})
    assert response.status_code == 422 and response.json["code"] == "unknown_question"
    assert db.scalar(select(func.count(Answer.attempt_id)).where(Answer.attempt_id == world.attempt.id)) == 0


def test_Q5_tampered_answers_are_refused_never_graded_as_right(client, db, login, world):
    login(world.learner)
    questions = [q for q in _choice_questions(world.attempt) if q["kind"] == "single_choice"]
    questions += [q for q in world.attempt.snapshot["questions"] if q not in questions]
    other_choice_ids = {c for q in questions[1:] for c in q.get("choices", [])} - set(questions[0].get("choices", []))
    for tampered in ([questions[0]["choices"][0]] * 20, "x" * 1_000_000, {"$gt": ""},
                     next(iter(other_choice_ids), "zz")):
        response = _autosave(client, world.attempt.id, {questions[0]["id"]: tampered})
        assert response.status_code in (400, 413, 422), tampered if len(str(tampered)) < 50 else "1 MB"
    client.post_form(f"/attempts/{world.attempt.id}/submit")
    db.expire_all()
    assert db.get(Attempt, world.attempt.id).score == 0


def test_Q6_after_the_time_limit_only_answers_saved_in_time_count(client, db, login, world):
    attempt = db.get(Attempt, world.attempt.id)
    attempt.deadline_at = utcnow() - timedelta(seconds=1)
    db.commit()
    login(world.learner)
    question = _choice_questions(attempt)[0]
    response = _autosave(client, attempt.id, {question["id"]: _pick(question, 0)})
    assert response.status_code == 409 and response.json["code"] == "time_up"
    client.post_form(f"/attempts/{attempt.id}/submit")
    db.expire_all()
    assert db.get(Attempt, attempt.id).score == 0


def test_Q8_each_autosave_overwrites_only_its_own_question(client, db, login, world):
    """Without sequence numbers the last write per question wins; a replay of one question's old value
    cannot touch any other answer (RELIABILITY.md Q-8: see docs/reliability.md for what is left)."""
    login(world.learner)
    first, second = _choice_questions(world.attempt)[:2]
    _autosave(client, world.attempt.id, {first["id"]: _pick(first, 0), second["id"]: _pick(second, 0)})
    _autosave(client, world.attempt.id, {second["id"]: _pick(second, 1)})
    _autosave(client, world.attempt.id, {first["id"]: _pick(first, 0)})  # the replayed payload
    db.expire_all()
    stored = dict(db.execute(select(Answer.question_id, Answer.value).where(
        Answer.attempt_id == world.attempt.id)).all())
    assert stored[second["id"]] == {"answer": _pick(second, 1)}
