"""The course page shows each module's quiz with the learner's attempts, and starts or resumes it."""

from __future__ import annotations

from tests.factories import make_user
from tests.quiz.helpers import quiz_of, start


def test_the_course_page_shows_each_quiz_and_resumes_the_open_attempt(client, db, login, demo_course):
    login(make_user(db, locale="es"))
    page = client.get("/courses/demo-course").get_data(as_text=True)
    assert "Revisar los cilindros" in page and "Revisar los documentos" in page
    assert page.count("Iniciar el cuestionario") == 2
    cylinders = quiz_of(demo_course, "cylinders")
    attempt = start(client, db, cylinders)
    page = client.get("/courses/demo-course").get_data(as_text=True)
    assert "Continuar el cuestionario" in page and "Intentos: 1 de 3" in page
    assert start(client, db, cylinders).id == attempt.id
