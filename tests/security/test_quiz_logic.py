"""Quiz business logic under attack (RELIABILITY.md §3.8: Q series)."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from tests.factories import PASSWORD, make_user
from tests.quiz.helpers import certified_by_the_quiz, publish_version
from tests.security.conftest import database_state
from training_app.admin.models import AuditEvent
from training_app.certificates.models import Certificate
from training_app.db import utcnow
from training_app.learn.models import Quiz
from training_app.quiz.grading import score_question
from training_app.quiz.models import Answer, Attempt
from training_app.quiz.services import regrade
from training_app.security import Role


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


def test_Q7_a_new_answer_key_changes_grades_only_through_an_audited_regrade(app, db, demo_course, tmp_path):
    learner, attempt, certificate = certified_by_the_quiz(app, db, demo_course)
    publish_version(app, db, tmp_path, "check-cylinders", {"first-look": "valve", "colour-is-proof": True})
    db.expire_all()
    assert (db.get(Attempt, attempt.id).score, db.get(Attempt, attempt.id).passed) == (1, True)  # no silent change
    quiz = db.get(Quiz, attempt.quiz_id)

    before = database_state(db)
    dry = regrade(db, quiz, None, utcnow(), apply=False)
    db.rollback()
    assert [(c.attempt_id, c.was_passed, c.is_passed) for c in dry.changes] == [(attempt.id, True, False)]
    assert dry.certificate_ids == [certificate.id] and database_state(db) == before

    admin = make_user(db, role=Role.ADMIN)
    applied = regrade(db, quiz, admin, utcnow(), apply=True)
    db.commit()
    assert applied.fingerprint == dry.fingerprint
    db.expire_all()
    regraded = db.get(Attempt, attempt.id)
    assert (regraded.score, regraded.passed, regraded.regrade_history[0]["score"]) == (Decimal("0.6666"), False,
                                                                                        "1.0000")
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "quiz.regrade")).one()
    assert event.actor_id == admin.id and event.details["changed"] == 1 and event.details["certificates_flagged"] == 1
    flagged = db.get(Certificate, certificate.id)
    assert flagged.review_needed_at is not None and flagged.revoked_at is None
    # Flagged, not altered: the signed fields and the signature are as issued.
    assert (flagged.signature, flagged.score, flagged.code) == (certificate.signature, certificate.score,
                                                                certificate.code)

    again = regrade(db, quiz, admin, utcnow(), apply=True)
    db.commit()
    db.expire_all()
    assert again.changes == [] and len(db.get(Attempt, attempt.id).regrade_history) == 1


def _numbered(client, attempt_id: int, answers: dict, seqs: dict):
    return client.post(f"/attempts/{attempt_id}/autosave", json={"answers": answers, "seq": seqs},
                       headers={"X-CSRFToken": client.csrf_token()})


def _stored(db, attempt_id: int) -> dict[str, tuple[object, int | None]]:
    db.expire_all()
    return {row.question_id: (row.value["answer"], row.seq)
            for row in db.scalars(select(Answer).where(Answer.attempt_id == attempt_id))}


def test_Q8_a_replayed_older_autosave_keeps_the_newer_answer(client, db, login, world):
    login(world.learner)
    question = _choice_questions(world.attempt)[0]
    older, newer = _pick(question, 0), _pick(question, 1)
    assert _numbered(client, world.attempt.id, {question["id"]: older}, {question["id"]: 1}).status_code == 200
    assert _numbered(client, world.attempt.id, {question["id"]: newer}, {question["id"]: 2}).status_code == 200
    for replayed_seq in (1, 2):  # the captured payload, then a forged one claiming the same number
        replay = _numbered(client, world.attempt.id, {question["id"]: older}, {question["id"]: replayed_seq})
        assert replay.status_code == 409
        assert replay.json == {"code": "stale", "stale": {question["id"]: 2}}  # what quiz.js reads, quietly
    assert _stored(db, world.attempt.id) == {question["id"]: (newer, 2)}
    client.post_form(f"/attempts/{world.attempt.id}/submit")
    db.expire_all()
    graded = db.get(Attempt, world.attempt.id).results["questions"][question["id"]]
    assert graded["fraction"] == str(score_question(question, newer)) != str(score_question(question, older))


def test_Q8_a_stale_answer_in_a_payload_leaves_the_others_of_it_saved(client, db, login, world):
    login(world.learner)
    first, second = _choice_questions(world.attempt)[:2]
    _numbered(client, world.attempt.id, {first["id"]: _pick(first, 1)}, {first["id"]: 5})
    response = _numbered(client, world.attempt.id, {first["id"]: _pick(first, 0), second["id"]: _pick(second, 0)},
                         {first["id"]: 4, second["id"]: 1})
    assert response.status_code == 409 and response.json["stale"] == {first["id"]: 5}
    assert _stored(db, world.attempt.id) == {first["id"]: (_pick(first, 1), 5), second["id"]: (_pick(second, 0), 1)}


def test_Q8_racing_numbered_autosaves_keep_the_highest_number(app, db, world):
    """Six saves of one question, numbered 1 to 6, sent at once: whatever order they land in, the
    sixth one's answer stays (the compare-and-set is one statement, under the attempt's row lock)."""
    question = _choice_questions(world.attempt)[0]
    clients = [app.test_client() for _ in range(6)]
    for client in clients:
        client.post_form("/login", {"email": world.learner.email, "password": PASSWORD})
    barrier, statuses = threading.Barrier(len(clients)), []

    def run(client, seq):
        token = client.csrf_token()
        barrier.wait()
        statuses.append(client.post(f"/attempts/{world.attempt.id}/autosave", headers={"X-CSRFToken": token},
                                    json={"answers": {question["id"]: _pick(question, seq % 2)},
                                          "seq": {question["id"]: seq}}).status_code)

    threads = [threading.Thread(target=run, args=(client, seq)) for seq, client in enumerate(clients, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(statuses)) in ([200], [200, 409]) and len(statuses) == 6
    assert _stored(db, world.attempt.id) == {question["id"]: (_pick(question, 0), 6)}


def test_Q8_autosaves_without_a_number_still_save_as_before(client, db, login, world):
    """Older pages send no numbers: the last write per question wins, and the stored number stays, so a
    numbered replay older than it is still refused. A replay touches only its own question."""
    login(world.learner)
    first, second = _choice_questions(world.attempt)[:2]
    _numbered(client, world.attempt.id, {first["id"]: _pick(first, 0), second["id"]: _pick(second, 0)},
              {first["id"]: 3, second["id"]: 3})
    assert _autosave(client, world.attempt.id, {second["id"]: _pick(second, 1)}).status_code == 200
    assert _autosave(client, world.attempt.id, {first["id"]: _pick(first, 0)}).status_code == 200
    assert _numbered(client, world.attempt.id, {second["id"]: _pick(second, 0)}, {second["id"]: 2}).status_code == 409
    assert _stored(db, world.attempt.id) == {first["id"]: (_pick(first, 0), 3), second["id"]: (_pick(second, 1), 3)}


def test_Q8_malformed_numbers_are_refused_and_change_nothing(client, db, login, world):
    login(world.learner)
    question = _choice_questions(world.attempt)[0]
    for seq in (0, -1, 2**31, True, "2", 1.5, None):
        response = _numbered(client, world.attempt.id, {question["id"]: _pick(question, 0)}, {question["id"]: seq})
        assert response.status_code == 400 and response.json["code"] == "malformed", seq
    response = client.post(f"/attempts/{world.attempt.id}/autosave", headers={"X-CSRFToken": client.csrf_token()},
                           json={"answers": {question["id"]: _pick(question, 0)}, "seq": [1]})
    assert response.status_code == 400
    assert _stored(db, world.attempt.id) == {}
