"""The snapshot an attempt keeps, language fallback, later course edits, and the learner's standing per quiz."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import render_template
from sqlalchemy import delete, select

from tests.factories import make_user
from tests.quiz.helpers import make_attempt, question_of, quiz_of
from training_app.db import utcnow
from training_app.forms import ActionForm
from training_app.learn import services as learn
from training_app.learn.models import Media, Question, QuestionText
from training_app.quiz import services
from training_app.quiz.draw import draw_questions


def test_the_snapshot_keeps_questions_as_shown_with_what_the_grader_needs(db, demo_course):
    found = services.quiz_in_course(db, quiz_of(demo_course, "cylinders").id)
    snapshot = services.build_snapshot(db, found.quiz, demo_course.id, seed=42, locale="fr")
    bank = {"questions": [question.spec for question in found.quiz.questions], "cases": found.quiz.cases}
    drawn = draw_questions(bank, 42)
    assert [q["id"] for q in snapshot["questions"]] == [d.question_id for d in drawn]
    for question, order in zip(snapshot["questions"], drawn, strict=True):
        assert question["shown"] == list(order.option_order)
    assert snapshot["title"] == "Vérifier les bouteilles" and snapshot["pass_mark"] == "0.8000"

    single = next(q for q in snapshot["questions"] if q["kind"] == "single_choice")
    assert single["choices"] == single["shown"] and single["correct"] == "label" and single["points"] == 1
    assert single["words"]["choices"]["label"] == {"text": "L'étiquette",
                                                   "feedback": "Exact : commencez par l'étiquette."}
    multiple = next(q for q in snapshot["questions"] if q["kind"] == "multiple_response")
    assert multiple["points"] == 2 and multiple["scoring"] == "partial"

    label = db.scalars(select(Media).where(Media.name == "cylinder-label.png")).one()
    hotspot = next(q for q in snapshot["questions"] if q["kind"] == "hotspot")
    assert (hotspot["width"], hotspot["height"]) == (label.width, label.height)
    assert hotspot["image"]["file"] == f"{label.sha256}.{label.extension}"
    images = next(q for q in snapshot["questions"] if q["kind"] == "image_choice")["images"]
    assert set(images) == {"a", "b"} and all(image["width"] and image["file"] for image in images.values())

    assert services.build_snapshot(db, found.quiz, demo_course.id, seed=42, locale="fr") == snapshot


def test_a_case_keeps_its_text_and_images_and_shares_a_page(db, demo_course):
    found = services.quiz_in_course(db, quiz_of(demo_course, "paperwork").id)
    snapshot = services.build_snapshot(db, found.quiz, demo_course.id, seed=3, locale="es")
    case = snapshot["cases"]["battery-truck"]
    assert case["text"].startswith("Un camión") and case["lang"] == "es"
    assert case["media"][0]["alt"] and case["media"][0]["file"].endswith(".png")
    grouped = [page for page in services.pages(snapshot) if page[0]["case"] == "battery-truck"]
    assert [[q["id"] for q in page] for page in grouped] == [["declared-goods", "next-step"]]


def test_missing_french_words_fall_back_to_english_never_blank(db, demo_course):
    found = services.quiz_in_course(db, quiz_of(demo_course, "cylinders").id)
    first_look = next(q for q in found.quiz.questions if q.slug == "first-look")
    colour = next(q for q in found.quiz.questions if q.slug == "colour-is-proof")
    db.execute(delete(QuestionText).where(QuestionText.question_id == first_look.id, QuestionText.locale == "fr"))
    french = next(text for text in colour.texts if text.locale == "fr")
    french.words = {**french.words, "explanation": ""}
    db.commit()
    db.expire_all()
    found = services.quiz_in_course(db, found.quiz.id)
    snapshot = services.build_snapshot(db, found.quiz, demo_course.id, seed=1, locale="fr")
    by_id = {q["id"]: q for q in snapshot["questions"]}
    assert by_id["first-look"]["lang"] == "en"
    assert by_id["first-look"]["words"]["prompt"] == "What do you check first on a cylinder?"
    assert by_id["colour-is-proof"]["lang"] == "fr"
    assert by_id["colour-is-proof"]["words"]["prompt"].startswith("La couleur")
    assert by_id["colour-is-proof"]["words"]["explanation"].startswith("Colour codes are not binding")


def test_editing_the_course_later_never_changes_a_grade(client, db, login, demo_course):
    learner = make_user(db, locale="fr")
    login(learner)
    attempt = make_attempt(db, learner, quiz_of(demo_course, "cylinders"), seed=5, locale="fr")
    single = question_of(attempt, "single_choice")
    services.save_answers(db, attempt, {single["id"]: "label"}, utcnow())
    db.commit()
    # A new version makes "valve" the answer and rewords the question.
    question = db.scalars(select(Question).where(Question.slug == "first-look")).one()
    question.spec = {**question.spec, "correct": "valve"}
    for text in question.texts:
        text.words = {**text.words, "prompt": "Reworded"}
    db.commit()
    assert services.submit(db, attempt, utcnow()) is True
    db.commit()
    assert attempt.results["questions"]["first-look"] == {"fraction": "1", "is_correct": True}
    result = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Que vérifiez-vous d&#39;abord sur une bouteille ?" in result or "Que vérifiez-vous d'abord" in result
    assert "Reworded" not in result


def test_summaries_give_attempts_best_score_and_the_wait(db, demo_course):
    learner = make_user(db)
    paperwork = quiz_of(demo_course, "paperwork")
    now = utcnow()
    attempt = make_attempt(db, learner, paperwork, seed=1, now=now - timedelta(minutes=30))
    services.save_answers(db, attempt, {"declared-goods": "waste", "next-step": "true"},
                          now - timedelta(minutes=29))
    services.submit(db, attempt, now - timedelta(minutes=4))
    db.commit()
    summary = services.summaries(db, learner.id, [paperwork], now)[paperwork.id]
    assert summary.attempts_used == 1 and summary.attempts_left is None
    assert summary.best_score == Decimal("0.5000") and summary.has_passed is False
    assert summary.wait_minutes_left == 6 and summary.can_start is False
    assert summary.last_result_id == attempt.id and summary.open_attempt_id is None
    later = services.summaries(db, learner.id, [paperwork], now + timedelta(minutes=7))[paperwork.id]
    assert later.wait_until is None and later.can_start is True


def test_the_course_page_partial_shows_title_attempts_and_best_score_in_french(app, db, demo_course):
    learner = make_user(db, locale="fr")
    cylinders = quiz_of(demo_course, "cylinders")
    attempt = make_attempt(db, learner, cylinders, seed=2)
    services.save_answers(db, attempt, {"first-look": "label"}, utcnow())
    services.submit(db, attempt, utcnow())
    db.commit()
    summaries = services.summaries(db, learner.id, [cylinders], utcnow())
    module = next(module for module in demo_course.modules if module.quiz is cylinders)
    with app.test_request_context("/courses/demo-course?lang=fr"):
        page = render_template("quiz/_module_quiz.html", module=module, csrf_field=ActionForm().csrf_token(id=False),
                               quiz_summaries=summaries,
                               tr=lambda texts: learn.localised(texts, "fr").text)
    assert "Vérifier les bouteilles" in page
    assert "Tentatives : 1 sur 3" in page and "meilleure note : 16" in page
    assert "Refaire le questionnaire" in page and f"/attempts/{attempt.id}/result" in page
