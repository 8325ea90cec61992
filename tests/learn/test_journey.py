from __future__ import annotations

import re
import shutil

from sqlalchemy import event, select

from tests.conftest import DEMO_PACKAGE, html_lang
from tests.factories import make_user
from training_app.learn import importer, services
from training_app.learn.models import Enrolment, LessonProgress


def _lesson_urls(course):
    return [f"/courses/{course.slug}/lessons/{lesson.slug}" for m in course.modules for lesson in m.lessons]


def test_learner_enrols_reads_every_lesson_switching_language_and_sees_progress(client, db, login, demo_course):
    learner = make_user(db, locale="fr")
    login(learner)
    catalogue = client.get("/courses").get_data(as_text=True)
    assert html_lang(catalogue) == "fr" and "/courses/demo-course" in catalogue
    response = client.post_form("/courses/demo-course/enrol")
    urls = _lesson_urls(demo_course)
    assert response.headers["Location"] == urls[0]
    for number, url in enumerate(urls):
        lang = "fr" if number < len(urls) // 2 else "es"
        page = client.get(f"{url}?lang={lang}").get_data(as_text=True)
        assert html_lang(page) == lang
        client.post_form(f"{url}/complete")
    done = db.scalars(select(LessonProgress).where(LessonProgress.user_id == learner.id)).all()
    assert len(done) == len(urls)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert html_lang(dashboard) == "es"  # the last choice is kept
    assert f"{len(urls)} de {len(urls)}" in dashboard, dashboard.split("<main")[1]


def test_completing_a_lesson_twice_records_it_once(client, db, login, demo_course):
    learner = make_user(db)
    login(learner)
    url = _lesson_urls(demo_course)[0]
    client.post_form(f"{url}/complete")
    client.post_form(f"{url}/complete")
    assert len(db.scalars(select(LessonProgress)).all()) == 1
    assert len(db.scalars(select(Enrolment)).all()) == 1


def test_continue_leads_to_the_first_unfinished_lesson(client, db, login, demo_course):
    login(make_user(db))
    urls = _lesson_urls(demo_course)
    client.post_form(f"{urls[0]}/complete")
    page = client.get("/courses/demo-course").get_data(as_text=True)
    continue_link = re.search(r'<a class="button" href="([^"]+)">Continue', page).group(1)
    assert continue_link == urls[1]


def test_lesson_markdown_is_rendered_safely_with_its_blocks(client, db, login, demo_course):
    login(make_user(db))
    page = client.get(_lesson_urls(demo_course)[0]).get_data(as_text=True)
    assert '<aside class="key-points">' in page
    assert "<script" not in page.split("</main>")[0].split('<main')[1]


def test_lesson_images_are_served_from_the_media_store(client, db, login, demo_course):
    login(make_user(db))
    pages = [client.get(url).get_data(as_text=True) for url in _lesson_urls(demo_course)]
    sources = [src for page in pages for src in re.findall(r'<img src="(/media/[^"]+)"', page)]
    assert sources, "the fixture has lesson images"
    with client.get(sources[0]) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"] in ("image/png", "image/jpeg", "image/webp")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]


def test_unknown_course_and_lesson_are_404(client, db, login, demo_course):
    login(make_user(db))
    assert client.get("/courses/nope").status_code == 404
    assert client.get("/courses/demo-course/lessons/nope").status_code == 404
    assert client.post_form("/courses/demo-course/lessons/nope/complete").status_code == 404


def test_pages_run_a_fixed_number_of_queries_whatever_the_progress(client, db, login, demo_course, app):
    """Statements per page, counted before and after the learner has read every lesson and taken a quiz:
    the same numbers (docs/performance.md gives them per page; each one costs a round trip)."""
    login(make_user(db))
    urls = ["/courses", "/courses/demo-course", _lesson_urls(demo_course)[0], "/dashboard"]
    client.post_form("/courses/demo-course/enrol")
    engine = app.extensions["db_engine"]

    def counted() -> dict[str, int]:
        counts: dict[str, int] = {}

        def count(*_args):
            counts[current] = counts.get(current, 0) + 1

        event.listen(engine, "before_cursor_execute", count)
        try:
            for current in urls:
                assert client.get(current).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return counts

    counted()  # the first view of a lesson renders its HTML (two more statements), then it is cached
    expected = {"/courses": 4, "/courses/demo-course": 5, urls[2]: 3, "/dashboard": 6}
    assert counted() == expected
    for url in _lesson_urls(demo_course):
        client.post_form(f"{url}/complete")
    client.post_form(f"/quizzes/{demo_course.modules[0].quiz.id}/attempts")
    assert counted() == expected


def test_missing_translation_shows_english_with_a_notice(client, db, login, app, tmp_path):
    package = tmp_path / "demo-course"
    shutil.copytree(DEMO_PACKAGE, package)
    shutil.rmtree(package / "es")
    course_yaml = package / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("languages: [en, fr, es]", "languages: [en, fr]"))
    importer.import_paths(db, [package], app.config["MEDIA_PATH"])
    db.commit()
    course = services.course_by_slug(db, "demo-course")
    lesson = course.modules[0].lessons[0]
    login(make_user(db, locale="es"))
    page = client.get(f"/courses/demo-course/lessons/{lesson.slug}").get_data(as_text=True)
    english = next(text for text in lesson.texts if text.locale == "en")
    assert english.title in page
    assert "Esta lección aún no está disponible en su idioma" in page
    assert '<article class="lesson" lang="en">' in page


def test_catalogue_filters_by_topic_and_language(client, db, login, demo_course):
    login(make_user(db))
    title = next(text.title for text in demo_course.texts if text.locale == "en")
    assert title in client.get(f"/courses?topic={demo_course.topic}&language=fr").get_data(as_text=True)
    other_topic = "wildlife" if demo_course.topic != "wildlife" else "timber"
    assert title not in client.get(f"/courses?topic={other_topic}").get_data(as_text=True)


def test_course_page_lists_lessons_in_the_page_language_with_the_learners_own_state(
        client, db, login, app, demo_course, tmp_path):
    first = make_user(db, locale="fr")
    login(first)
    client.post_form("/courses/demo-course/lessons/labels/complete")
    page = client.get("/courses/demo-course").get_data(as_text=True)
    read = re.search(r'<li><a href="/courses/demo-course/lessons/labels"><bdi>([^<]+)</bdi></a> '
                     r'<span class="badge state-done">Terminé</span></li>', page)
    assert read and read.group(1) == "Lire l&#39;étiquette d&#39;une bouteille"
    assert '<li><a href="/courses/demo-course/lessons/valves"><bdi>Robinets et raccords</bdi></a></li>' in page
    # The same course page for another learner, in Spanish: their own (empty) state, Spanish titles.
    client.post_form("/logout")
    login(make_user(db, locale="es"))
    page = client.get("/courses/demo-course").get_data(as_text=True)
    assert "state-done" not in page.split("<main")[1].split('id="sources"')[0]
    assert "Robinets et raccords" not in page
    # A new version's titles show at once: the cached list is keyed by version.
    package = tmp_path / "demo-course"
    shutil.copytree(DEMO_PACKAGE, package)
    course_yaml = package / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("version: 2", "version: 3"))
    lesson = package / "es" / "lessons" / "valves.md"
    old_title = re.search(r"^title: (.+)$", lesson.read_text(), re.M).group(1)
    lesson.write_text(lesson.read_text().replace(f"title: {old_title}", "title: Válvulas y conexiones (revisada)"))
    importer.import_paths(db, [package], app.config["MEDIA_PATH"])
    db.commit()
    page = client.get("/courses/demo-course").get_data(as_text=True)
    assert "Válvulas y conexiones (revisada)</bdi></a></li>" in page and f">{old_title}<" not in page
