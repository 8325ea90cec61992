"""Drafts: access, translation status, concurrent edits, publishing over learners' attempts, exports."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from tests.authoring.helpers import draft_row, field_name, new_course, text_form
from tests.factories import make_user
from tests.quiz.helpers import make_attempt
from training_app.admin.models import AuditEvent
from training_app.authoring import document as doc
from training_app.db import utcnow
from training_app.learn.models import Course, LessonText, QuestionText, Quiz
from training_app.quiz import services as quiz_services
from training_app.quiz.models import Attempt
from training_app.security import Role

LESSON = "/authoring/courses/seized-parrots/lessons/beaks"


def _write_lesson(client, values: dict[str, str], **changes: str):
    """Post the lesson's text form with some fields changed: keys like title_fr, body_en."""
    data = dict(values)
    for key, value in changes.items():
        part, lang = key.rsplit("_", 1)
        data[field_name(("lessons", "beaks", part), lang)] = value
    return client.post_form(LESSON, data)


def test_trainer_cannot_see_or_edit_another_trainers_course(client, db, login):
    new_course(client, db, login)
    other = make_user(db, role=Role.TRAINER)
    client.post_form("/logout")
    login(other)
    assert client.get("/authoring/courses/seized-parrots").status_code == 404
    assert client.get(LESSON).status_code == 404
    assert client.post_form(LESSON, {}).status_code == 404
    assert client.post_form("/authoring/courses/seized-parrots/publish", {}).status_code == 404
    assert "seized-parrots" not in client.get("/authoring").get_data(as_text=True)


def test_learner_gets_403_in_the_trainer_area(client, db, login):
    login(make_user(db))
    assert client.get("/authoring").status_code == 403


def test_owner_shares_the_course_with_another_trainer(client, db, login):
    owner = new_course(client, db, login)
    other = make_user(db, role=Role.TRAINER)
    assert client.post_form("/authoring/courses/seized-parrots/editors", {"email": other.email}).status_code == 302
    client.post_form("/logout")
    login(other)
    assert client.get(LESSON).status_code == 200
    assert client.post_form(f"/authoring/courses/seized-parrots/editors/{owner.id}/remove").status_code == 403


def test_changing_english_flags_french_and_spanish_for_review(client, db, login):
    new_course(client, db, login)
    values = text_form(client, LESSON)
    response = _write_lesson(client, values, title_en="Beaks", body_en="Look at the beak.",
                             title_fr="Les becs", body_fr="Regardez le bec.",
                             title_es="Los picos", body_es="Observe el pico.")
    assert response.status_code == 302
    row = draft_row(db, "seized-parrots")
    body = doc.Field(("lessons", "beaks", "body"), ("lesson", "beaks"))
    assert {lang: doc.field_status(row.document, row.translated_from, body, lang) for lang in doc.LANGUAGES} == {
        "en": "complete", "fr": "complete", "es": "complete"}

    response = _write_lesson(client, text_form(client, LESSON), body_en="Look at the beak and the feet.")
    assert response.status_code == 302
    row = draft_row(db, "seized-parrots")
    assert doc.field_status(row.document, row.translated_from, body, "fr") == "needs_review"
    assert doc.field_status(row.document, row.translated_from, body, "es") == "needs_review"
    title = doc.Field(("lessons", "beaks", "title"), ("lesson", "beaks"))
    assert doc.field_status(row.document, row.translated_from, title, "fr") == "complete"

    page = client.get("/authoring/courses/seized-parrots/translations?lang=fr").get_data(as_text=True)
    assert "À réviser" in page
    client.post_form("/authoring/courses/seized-parrots/translations/confirm", {"key": body.key, "lang": "fr"})
    response = _write_lesson(client, text_form(client, LESSON), body_es="Observe el pico y las patas.")
    row = draft_row(db, "seized-parrots")
    assert doc.field_status(row.document, row.translated_from, body, "fr") == "complete"
    assert doc.field_status(row.document, row.translated_from, body, "es") == "complete"


def test_concurrent_edit_of_one_field_is_refused_and_shows_both(client, db, login):
    new_course(client, db, login)
    opened = text_form(client, LESSON)  # the first trainer opens the form…
    assert _write_lesson(client, text_form(client, LESSON), body_en="Text saved by someone else.").status_code == 302
    client.get("/authoring?lang=es")
    response = _write_lesson(client, opened, body_en="My own text.")  # …and saves from the stale form
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Este texto cambió desde que lo abrió" in page
    assert "Text saved by someone else." in page and "My own text." in page
    row = draft_row(db, "seized-parrots")
    assert row.document["texts"]["en"]["lessons"]["beaks"]["body"] == "Text saved by someone else."


def test_edits_of_different_fields_from_stale_forms_both_stay(client, db, login):
    new_course(client, db, login)
    opened = text_form(client, LESSON)
    _write_lesson(client, text_form(client, LESSON), body_en="Body by the first trainer.")
    assert _write_lesson(client, opened, summary_en="Summary by the second.").status_code == 302
    texts = draft_row(db, "seized-parrots").document["texts"]["en"]["lessons"]["beaks"]
    assert (texts["body"], texts["summary"]) == ("Body by the first trainer.", "Summary by the second.")


def test_publish_makes_a_version_and_an_open_attempt_stays_gradable(app, client, db, login, demo_course):
    learner = make_user(db)
    quiz = db.get(Quiz, demo_course.modules[0].quiz.id)
    attempt = make_attempt(db, learner, quiz, seed=1)
    shown_prompt = attempt.snapshot["questions"][0]["words"]["prompt"]
    admin = make_user(db, role=Role.ADMIN)
    login(admin)
    url = "/authoring/courses/demo-course/quizzes/check-cylinders/questions/first-look"
    values = text_form(client, url)
    values[field_name(("quizzes", "check-cylinders", "questions", "first-look", "prompt"), "en")] = "What first?"
    assert client.post_form(url, values).status_code == 302

    response = client.post_form("/authoring/courses/demo-course/publish", {"confirm_incomplete": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.expire_all()
    course = db.scalars(select(Course).where(Course.slug == "demo-course")).one()
    assert course.version == 3
    words = {t.locale: t.words for t in db.scalars(select(QuestionText).where(
        QuestionText.question_id == quiz.questions[0].id))}
    assert words["en"]["prompt"] == "What first?"
    assert words["fr"]["prompt"] != "What first?"  # still the French published before, now to review
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "course.publish")).one().details["version"] == 3

    attempt = db.get(Attempt, attempt.id)
    assert attempt.snapshot["questions"][0]["words"]["prompt"] == shown_prompt
    assert quiz_services.submit(db, attempt, utcnow())
    db.commit()
    assert attempt.score is not None and attempt.submitted_at is not None


def test_publish_refuses_a_draft_the_validator_rejects_in_spanish(client, db, login):
    new_course(client, db, login)
    client.get("/authoring?lang=es")
    response = client.post_form("/authoring/courses/seized-parrots/publish", {"confirm_incomplete": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "problemas que corregir antes de poder publicarlo" in page
    assert "seized-parrots/course.yaml" in page
    assert db.scalars(select(Course).where(Course.slug == "seized-parrots")).one_or_none() is None


def test_admin_setting_forbids_publishing_an_incomplete_language(client, db, login, demo_course):
    login(make_user(db, role=Role.ADMIN))
    assert client.post_form("/authoring/settings", {"require_complete": "y"}).status_code == 302
    url = "/authoring/courses/demo-course/lessons/labels"
    values = text_form(client, url)
    values[field_name(("lessons", "labels", "title"), "en")] = "Labels, revised"
    client.post_form(url, values)
    response = client.post_form("/authoring/courses/demo-course/publish?lang=fr", {"confirm_incomplete": "y"})
    assert response.status_code == 422
    assert "Un administrateur exige que toutes les langues soient complètes" in response.get_data(as_text=True)
    assert db.scalars(select(Course.version).where(Course.slug == "demo-course")).one() == 2


def test_incomplete_language_is_left_out_of_the_published_version(client, db, login, demo_course):
    login(make_user(db, role=Role.ADMIN))
    url = "/authoring/courses/demo-course/lessons/labels"
    values = text_form(client, url)
    values[field_name(("lessons", "labels", "title"), "es")] = ""
    client.post_form(url, values)
    response = client.post_form("/authoring/courses/demo-course/publish", {})
    assert response.status_code == 422  # the warning must be acknowledged
    assert client.post_form("/authoring/courses/demo-course/publish", {"confirm_incomplete": "y"}).status_code == 302
    db.expire_all()
    course = db.scalars(select(Course).where(Course.slug == "demo-course")).one()
    assert course.languages == ["en", "fr"]
    lesson_id = demo_course.modules[0].lessons[0].id
    assert {t.locale for t in db.scalars(select(LessonText).where(LessonText.lesson_id == lesson_id))} == {"en", "fr"}


def test_preview_shows_the_draft_as_a_learner_reads_it_in_french(client, db, login, demo_course):
    login(make_user(db, role=Role.ADMIN))
    url = "/authoring/courses/demo-course/lessons/labels"
    values = text_form(client, url)
    values[field_name(("lessons", "labels", "body"), "fr")] = "## Étiquettes\n\nTexte du brouillon."
    client.post_form(url, values)
    page = client.get("/authoring/courses/demo-course/preview/fr/lessons/labels").get_data(as_text=True)
    assert '<html lang="fr">' in page and "Texte du brouillon." in page
    assert "Leçon 1 sur 3" in page
    assert "Texte du brouillon." not in client.get("/courses/demo-course/lessons/labels?lang=fr").get_data(as_text=True)
    quiz = client.get("/authoring/courses/demo-course/preview/es/quizzes/check-cylinders").get_data(as_text=True)
    assert '<html lang="es">' in quiz and "Pregunta 1 de 5" in quiz


def test_course_exports_as_a_zip_package(client, db, login, demo_course):
    login(make_user(db, role=Role.ADMIN))
    response = client.get("/authoring/courses/demo-course/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.get_data())).namelist()
    assert "demo-course/course.yaml" in names and "demo-course/fr/lessons/labels.md" in names
    assert "demo-course/media/cylinder-label.png" in names


def test_deleting_a_lesson_is_recorded_in_the_audit_log(client, db, login):
    new_course(client, db, login)
    client.post_form("/authoring/courses/seized-parrots/modules/identify/lessons",
                     {"lesson_id": "feathers", "lesson_title": "Feathers"})
    assert client.post_form("/authoring/courses/seized-parrots/delete/lesson/feathers").status_code == 302
    assert draft_row(db, "seized-parrots").document["modules"][0]["lessons"] == ["beaks"]
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "course.delete_item")).one()
    assert event.details == {"course": "seized-parrots", "what": "lesson", "ids": ["feathers"]}
