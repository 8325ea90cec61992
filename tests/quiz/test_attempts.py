"""The attempt lifecycle through the app: start, save page by page and by autosave, resume, submit once, review."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from tests.conftest import html_lang
from tests.factories import make_user
from tests.quiz.helpers import (
    answer_every_page_right,
    autosave,
    make_attempt,
    page_of,
    question_of,
    quiz_of,
    right_fields,
    right_json,
    save_page,
    seed_drawing,
    seeds_drawing_every_question,
    start,
    stored_answers,
)
from training_app.db import utcnow
from training_app.learn.models import Enrolment
from training_app.quiz.models import Answer, Attempt
from training_app.quiz.services import pages


def test_learner_takes_a_quiz_in_french_and_passes_with_a_full_review(client, db, login, demo_course):
    learner = make_user(db, locale="fr")
    login(learner)
    attempt = start(client, db, quiz_of(demo_course, "cylinders"))
    assert attempt.locale == "fr" and attempt.number == 1 and attempt.deadline_at is not None
    assert db.scalars(select(Enrolment).where(Enrolment.user_id == learner.id)).one()  # starting enrols

    first = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert html_lang(first) == "fr"
    assert attempt.snapshot["questions"][0]["words"]["prompt"] in first
    assert "Enregistrer et continuer" in first and "Temps restant" in first

    answer_every_page_right(client, attempt)
    finish = client.get(f"/attempts/{attempt.id}?page={len(pages(attempt.snapshot)) + 1}").get_data(as_text=True)
    assert "Toutes les questions ont une réponse." in finish

    response = client.post_form(f"/attempts/{attempt.id}/submit")
    assert response.headers["Location"] == f"/attempts/{attempt.id}/result"
    db.refresh(attempt)
    assert attempt.submitted_at is not None and attempt.score == Decimal("1.0000") and attempt.passed is True
    assert set(attempt.results["questions"]) == {q["id"] for q in attempt.snapshot["questions"]}

    result = html.unescape(client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True))
    assert "Votre note : 100" in result and "Vous avez réussi ce questionnaire." in result
    assert "Les couleurs ne sont pas normalisées." not in result  # feedback only for the options chosen
    assert "L'étiquette nomme le frigorigène ; la couleur, non." in result  # the explanation, in French
    assert "Exact : commencez par l'étiquette." in result


def test_score_only_review_shows_the_score_in_spanish_but_no_answers(client, db, login, demo_course):
    login(make_user(db, locale="es"))
    attempt = start(client, db, quiz_of(demo_course, "paperwork"))
    client.post_form(f"/attempts/{attempt.id}/submit")
    result = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert html_lang(result) == "es"
    assert "Su calificación: 0" in result and "No aprobó este cuestionario." in result
    assert "Este cuestionario solo muestra su calificación, no las respuestas." in result
    explanations = [q["words"]["explanation"] for q in attempt.snapshot["questions"]]
    assert not any(explanation.strip() in result for explanation in explanations)


def test_a_case_is_shown_beside_its_questions_on_one_page(client, db, login, demo_course):
    login(make_user(db, locale="fr"))
    attempt = start(client, db, quiz_of(demo_course, "paperwork"))
    case_page = next(number for number, questions in enumerate(pages(attempt.snapshot), 1)
                     if questions[0]["case"] == "battery-truck")
    body = client.get(f"/attempts/{attempt.id}?page={case_page}").get_data(as_text=True)
    assert "Un camion déclare « batteries usagées pour réemploi »." in body
    assert 'alt="Des palettes de batteries de voiture empilées sur un camion plateau"' in body
    assert body.count('data-question="') == 2


def test_every_kind_renders_its_inputs_without_javascript(client, db, login, demo_course):
    learner = make_user(db)
    login(learner)
    bodies = []
    for module, seed in (("cylinders", 1), *(("paperwork", seed) for seed in seeds_drawing_every_question())):
        attempt = make_attempt(db, learner, quiz_of(demo_course, module), seed=seed)
        bodies += [client.get(f"/attempts/{attempt.id}?page={n}").get_data(as_text=True)
                   for n in range(1, len(pages(attempt.snapshot)) + 1)]
        client.post_form(f"/attempts/{attempt.id}/submit")
    page = "".join(bodies)
    for kind in ("single_choice", "multiple_response", "true_false", "matching", "ordering", "numeric",
                 "image_choice", "hotspot"):
        assert f'data-kind="{kind}"' in page, kind
    assert 'type="checkbox" name="q_red-flags"' in page
    assert '<select id="q_match-treaty__cfc-12" name="q_match-treaty__cfc-12">' in page
    assert '<select id="q_inspection-steps__ppe" name="q_inspection-steps__ppe">' in page
    assert 'inputmode="decimal"' in page
    assert 'alt="A plain green cylinder"' in page  # image choice: radio buttons with images and alt text
    assert 'type="radio" name="q_find-name" value="un-number"' in page  # the hotspot's region list
    assert 'alt="A refrigerant cylinder label"' in page


def test_autosave_upserts_one_row_per_question_and_resumes_elsewhere(app, client, db, login, demo_course):
    learner = make_user(db, locale="es")
    login(learner)
    attempt = start(client, db, quiz_of(demo_course, "cylinders"))
    single = question_of(attempt, "single_choice")
    hotspot = question_of(attempt, "hotspot")
    wrong = next(choice for choice in single["choices"] if choice != single["correct"])
    assert autosave(client, attempt.id, {single["id"]: wrong}).get_json() == {"saved": True}
    assert autosave(client, attempt.id, {single["id"]: single["correct"]}).status_code == 200
    assert autosave(client, attempt.id, {hotspot["id"]: right_json(hotspot)}).status_code == 200
    assert stored_answers(db, attempt) == {single["id"]: single["correct"], hotspot["id"]: {"x": 140, "y": 75}}

    # The browser closes; the learner signs in on another computer and gets the same attempt back.
    elsewhere = app.test_client()
    elsewhere.post_form("/login", {"email": learner.email, "password": "correct horse battery staple"})
    assert start(elsewhere, db, quiz_of(demo_course, "cylinders")).id == attempt.id
    body = elsewhere.get(f"/attempts/{attempt.id}?page={page_of(attempt, single['id'])}").get_data(as_text=True)
    assert re.search(rf'value="{single["correct"]}" checked', body)
    assert len(db.scalars(select(Attempt)).all()) == 1


def test_form_saves_keep_answers_and_the_navigator_goes_to_the_page_asked(client, db, login, demo_course):
    learner = make_user(db)
    login(learner)
    attempt = make_attempt(db, learner, quiz_of(demo_course, "paperwork"), seed=seed_drawing("co2e"))
    numeric = question_of(attempt, "numeric")
    page = page_of(attempt, numeric["id"])
    response = save_page(client, attempt, page, right_fields(numeric), go="1")
    assert response.headers["Location"] == f"/attempts/{attempt.id}?page=1"
    assert stored_answers(db, attempt) == {numeric["id"]: "1.43"}
    body = client.get(f"/attempts/{attempt.id}?page={page}").get_data(as_text=True)
    assert 'value="1.43"' in body
    number = [q["id"] for q in attempt.snapshot["questions"]].index(numeric["id"]) + 1
    assert f'aria-label="Question {number}, answered"' in body


def test_second_submit_changes_nothing(client, db, login, demo_course):
    login(make_user(db))
    attempt = start(client, db, quiz_of(demo_course, "cylinders"))
    answer_every_page_right(client, attempt)
    client.post_form(f"/attempts/{attempt.id}/submit")
    db.refresh(attempt)
    first = (attempt.submitted_at, attempt.score, attempt.results)
    # "Back" and submit again, and a stale page that still tries to save an answer.
    assert client.post_form(f"/attempts/{attempt.id}/submit").status_code == 302
    save_page(client, attempt, 1, {})
    db.refresh(attempt)
    assert (attempt.submitted_at, attempt.score, attempt.results) == first


def test_passing_every_quiz_after_the_lessons_completes_the_course(client, db, login, demo_course):
    learner = make_user(db)
    login(learner)
    for module in demo_course.modules:
        for lesson in module.lessons:
            client.post_form(f"/courses/demo-course/lessons/{lesson.slug}/complete")
    enrolment = db.scalars(select(Enrolment).where(Enrolment.user_id == learner.id)).one()
    assert enrolment.completed_at is None
    for module in ("cylinders", "paperwork"):
        attempt = start(client, db, quiz_of(demo_course, module))
        answer_every_page_right(client, attempt)
        client.post_form(f"/attempts/{attempt.id}/submit")
        db.refresh(attempt)
        assert attempt.passed is True, attempt.results
    db.refresh(enrolment)
    assert enrolment.completed_at is not None


def test_a_late_submit_grades_only_what_was_saved_in_time(client, db, login, demo_course):
    login(make_user(db, locale="fr"))
    attempt = start(client, db, quiz_of(demo_course, "cylinders"))
    single, true_false = question_of(attempt, "single_choice"), question_of(attempt, "true_false")
    autosave(client, attempt.id, {single["id"]: single["correct"]})
    attempt.deadline_at = utcnow() - timedelta(seconds=1)  # the time limit runs out…
    db.scalars(select(Answer)).one().saved_at = attempt.deadline_at - timedelta(minutes=1)  # …after this save
    db.commit()

    late = autosave(client, attempt.id, {true_false["id"]: "false"})
    assert late.status_code == 409 and "Le délai est écoulé" in late.get_json()["error"]
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "Le délai est écoulé" in page and "Soumettre et voir mon résultat" in page
    client.post_form(f"/attempts/{attempt.id}/submit")
    db.refresh(attempt)
    assert stored_answers(db, attempt) == {single["id"]: single["correct"]}
    assert attempt.results["questions"][single["id"]]["is_correct"] is True
    assert attempt.score == Decimal("0.1666")  # 1 point of 6, floored


def test_resuming_an_attempt_whose_time_ran_out_grades_it(client, db, login, demo_course):
    login(make_user(db, locale="fr"))
    quiz = quiz_of(demo_course, "cylinders")
    attempt = start(client, db, quiz)
    attempt.deadline_at = utcnow() - timedelta(minutes=1)
    db.commit()
    response = client.post_form(f"/quizzes/{quiz.id}/attempts")
    assert response.headers["Location"] == f"/attempts/{attempt.id}/result"
    db.refresh(attempt)
    assert attempt.submitted_at is not None and attempt.passed is False


def test_the_wait_between_attempts_is_enforced_in_french(client, db, login, demo_course):
    login(make_user(db, locale="fr"))
    quiz = quiz_of(demo_course, "paperwork")  # wait_minutes: 10
    attempt = start(client, db, quiz)
    client.post_form(f"/attempts/{attempt.id}/submit")
    response = client.post_form(f"/quizzes/{quiz.id}/attempts", follow_redirects=True)
    assert "Vous pourrez refaire ce questionnaire dans 10 minutes." in response.get_data(as_text=True)
    assert len(db.scalars(select(Attempt)).all()) == 1


def test_no_attempt_starts_beyond_the_maximum(client, db, login, demo_course):
    login(make_user(db, locale="es"))
    quiz = quiz_of(demo_course, "cylinders")  # max_attempts: 3
    for number in (1, 2, 3):
        attempt = start(client, db, quiz)
        assert attempt.number == number
        client.post_form(f"/attempts/{attempt.id}/submit")
    response = client.post_form(f"/quizzes/{quiz.id}/attempts", follow_redirects=True)
    assert "Ha usado todos sus intentos en este cuestionario." in response.get_data(as_text=True)
    assert len(db.scalars(select(Attempt)).all()) == 3


def test_each_attempt_draws_from_its_own_random_seed(client, db, login, demo_course):
    login(make_user(db))
    quiz = quiz_of(demo_course, "cylinders")
    seeds = set()
    for _ in range(3):
        attempt = start(client, db, quiz)
        seeds.add(attempt.seed)
        client.post_form(f"/attempts/{attempt.id}/submit")
    assert len(seeds) == 3
