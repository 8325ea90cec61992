"""Answers a page could not have sent, and requests on attempts that are not open to them: each is refused
with a translated message and changes nothing."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_user
from tests.quiz.helpers import (
    autosave,
    make_attempt,
    page_of,
    question_of,
    quiz_of,
    right_fields,
    save_page,
    seed_drawing,
    start,
    stored_answers,
)
from training_app.db import utcnow
from training_app.quiz.forms import field_name
from training_app.quiz.models import Answer, Attempt


@pytest.fixture
def cylinders(client, db, login, demo_course):
    """A French learner's open attempt at the cylinders quiz, with one answer saved."""
    learner = make_user(db, locale="fr")
    login(learner)
    attempt = start(client, db, quiz_of(demo_course, "cylinders"))
    single = question_of(attempt, "single_choice")
    assert autosave(client, attempt.id, {single["id"]: single["correct"]}).status_code == 200
    return attempt


@pytest.fixture
def paperwork(client, db, login, demo_course):
    """A Spanish learner's open attempt at the paperwork quiz that shows its numeric, matching and ordering."""
    learner = make_user(db, locale="es")
    login(learner)
    return make_attempt(db, learner, quiz_of(demo_course, "paperwork"), seed=seed_drawing("co2e", "inspection-steps"),
                        locale="es")


def _refused(response, status: int, message: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert message in html.unescape(response.get_data(as_text=True))


def test_an_option_of_another_question_is_refused(client, db, cylinders):
    before = stored_answers(db, cylinders)
    single, multiple = question_of(cylinders, "single_choice"), question_of(cylinders, "multiple_response")
    response = autosave(client, cylinders.id, {single["id"]: multiple["choices"][0]})
    assert response.status_code == 422
    assert response.get_json() == {
        "code": "unknown_choice", "question_id": single["id"],
        "error": "Cette réponse ne fait pas partie des choix offerts pour cette question."}
    assert stored_answers(db, cylinders) == before


def test_one_bad_answer_refuses_the_whole_save(client, db, cylinders):
    before = stored_answers(db, cylinders)
    multiple, true_false = question_of(cylinders, "multiple_response"), question_of(cylinders, "true_false")
    response = autosave(client, cylinders.id, {true_false["id"]: "true", multiple["id"]: ["invoice", "invoice"]})
    assert response.get_json()["code"] == "duplicate_choice"
    assert stored_answers(db, cylinders) == before


def test_a_click_outside_the_image_is_refused(client, db, cylinders):
    before = stored_answers(db, cylinders)
    hotspot = question_of(cylinders, "hotspot")
    response = autosave(client, cylinders.id, {hotspot["id"]: {"x": hotspot["width"] + 1, "y": 10}})
    assert response.get_json()["error"] == "Le clic était à l’extérieur de l’image. Cliquez sur l’image elle-même."
    assert stored_answers(db, cylinders) == before


def test_tampered_hotspot_fields_are_refused_on_the_page(client, db, cylinders):
    before = stored_answers(db, cylinders)
    hotspot = question_of(cylinders, "hotspot")
    page = page_of(cylinders, hotspot["id"])
    x, y = field_name(hotspot["id"], "x"), field_name(hotspot["id"], "y")
    _refused(save_page(client, cylinders, page, {x: "12px", y: "4"}), 422, "Entrez un nombre, par exemple")
    _refused(save_page(client, cylinders, page, {x: "50"}), 422, "Cette réponse n’a pas pu être lue.")
    _refused(save_page(client, cylinders, page, {x: "50", y: "-3"}), 422, "Le clic était à l’extérieur de l’image.")
    assert stored_answers(db, cylinders) == before
    # Without JavaScript an earlier click stays in the hidden fields: the region picked from the list wins.
    assert save_page(client, cylinders, page, {x: "50", y: "70", field_name(hotspot["id"]): "un-number"}
                     ).status_code == 302
    assert stored_answers(db, cylinders) == {**before, hotspot["id"]: "un-number"}


def test_a_tampered_page_number_is_refused(client, db, cylinders):
    before = stored_answers(db, cylinders)
    _refused(save_page(client, cylinders, 99, {}), 400, "Cette page du questionnaire n’existe pas.")
    _refused(save_page(client, cylinders, "deux", {}), 400, "Cette page du questionnaire n’existe pas.")
    assert client.get(f"/attempts/{cylinders.id}?page=99").status_code == 404
    assert stored_answers(db, cylinders) == before


def test_a_question_outside_the_attempt_is_refused(client, db, cylinders):
    response = autosave(client, cylinders.id, {"co2e": "1.43"})
    assert response.status_code == 422
    assert response.get_json()["error"] == "Cette question ne fait pas partie de votre tentative."
    assert client.post(f"/attempts/{cylinders.id}/autosave", data="answers", headers={
        "X-CSRFToken": client.csrf_token(), "Content-Type": "application/json"}).status_code == 400


def test_a_non_number_is_refused_and_shown_again_to_be_fixed(client, db, paperwork):
    numeric = question_of(paperwork, "numeric")
    response = save_page(client, paperwork, page_of(paperwork, numeric["id"]), {field_name(numeric["id"]): "uno"})
    _refused(response, 422, "Escriba un número, por ejemplo 1.43 o 1,43.")
    assert 'value="uno"' in response.get_data(as_text=True)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert stored_answers(db, paperwork) == {}


def test_out_of_range_orderings_and_matches_are_refused(client, db, paperwork):
    cases = [
        ({"ppe": 9, "photograph": 2, "sample": 3, "seal": 4}, "unknown_choice"),
        ({"ppe": 1, "photograph": 1, "sample": 3, "seal": 4}, "duplicate_choice"),
        ({"ppe": 1, "photograph": 2}, "incomplete"),
        ({"ppe": "first", "photograph": 2, "sample": 3, "seal": 4}, "malformed"),
        ({"ppe": 1, "photograph": 2, "sample": 3, "seal": 4, "lunch": 5}, "unknown_choice"),
    ]
    for positions, code in cases:
        response = autosave(client, paperwork.id, {"inspection-steps": positions})
        assert (response.status_code, response.get_json()["code"]) == (422, code), positions
    incomplete = save_page(client, paperwork, page_of(paperwork, "inspection-steps"),
                           {field_name("inspection-steps", "ppe"): "1"})
    _refused(incomplete, 422, "Asigne un número a cada paso, o deje todos en blanco.")
    assert autosave(client, paperwork.id, {"declared-goods": "annex-a"}).get_json()["code"] == "unknown_choice"
    assert stored_answers(db, paperwork) == {}


def test_answers_after_the_time_limit_are_refused(client, db, cylinders):
    before = stored_answers(db, cylinders)
    cylinders.deadline_at = utcnow() - timedelta(seconds=1)
    db.commit()
    true_false = question_of(cylinders, "true_false")
    response = autosave(client, cylinders.id, {true_false["id"]: "false"})
    assert response.status_code == 409 and response.get_json()["code"] == "time_up"
    page = save_page(client, cylinders, page_of(cylinders, true_false["id"]), right_fields(true_false),
                     follow_redirects=True)
    assert "Le délai est écoulé : les réponses données après celui-ci ne sont pas comptées." in html.unescape(
        page.get_data(as_text=True))
    assert stored_answers(db, cylinders) == before


def test_answers_to_a_submitted_attempt_are_refused(client, db, cylinders):
    client.post_form(f"/attempts/{cylinders.id}/submit")
    before = stored_answers(db, cylinders)
    true_false = question_of(cylinders, "true_false")
    response = autosave(client, cylinders.id, {true_false["id"]: "false"})
    assert response.status_code == 409
    assert response.get_json()["error"] == ("Cette tentative a été soumise : ses réponses ne peuvent plus être "
                                            "modifiées.")
    page = save_page(client, cylinders, 1, right_fields(true_false), follow_redirects=True)
    assert "Cette tentative a été soumise" in html.unescape(page.get_data(as_text=True))
    assert stored_answers(db, cylinders) == before


def test_another_learners_attempt_is_not_found(app, client, db, login, cylinders, demo_course):
    before = stored_answers(db, cylinders)
    intruder = app.test_client()
    other = make_user(db, locale="es")
    intruder.post_form("/login", {"email": other.email, "password": "correct horse battery staple"})
    single = question_of(cylinders, "single_choice")
    assert intruder.get(f"/attempts/{cylinders.id}").status_code == 404
    assert intruder.get(f"/attempts/{cylinders.id}/result").status_code == 404
    assert save_page(intruder, cylinders, 1, right_fields(single)).status_code == 404
    assert autosave(intruder, cylinders.id, {single["id"]: single["correct"]}).status_code == 404
    assert intruder.post_form(f"/attempts/{cylinders.id}/submit").status_code == 404
    assert intruder.get("/attempts/9999").status_code == 404
    db.refresh(cylinders)
    assert cylinders.submitted_at is None and stored_answers(db, cylinders) == before
    assert db.scalars(select(Attempt).where(Attempt.user_id == other.id)).all() == []


def test_a_post_without_its_csrf_token_is_refused(client, db, cylinders):
    true_false = question_of(cylinders, "true_false")
    response = client.post(f"/attempts/{cylinders.id}/autosave", json={"answers": {true_false["id"]: "true"}})
    assert response.status_code == 400
    assert client.post(f"/attempts/{cylinders.id}/submit").status_code == 400
    assert len(db.scalars(select(Answer)).all()) == 1
