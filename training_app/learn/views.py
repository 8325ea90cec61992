"""The learner's pages: dashboard, catalogue, course page, lesson player, and course images."""

from __future__ import annotations

from collections import OrderedDict

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_from_directory, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from training_app.bidi import bdi
from training_app.certificates import services as certificates
from training_app.content import ImageSource, render_markdown
from training_app.db import get_session, utcnow
from training_app.forms import ActionForm
from training_app.learn import services
from training_app.learn.models import Media
from training_app.learn.outline import CourseOutline, LessonOutline
from training_app.media import CONTENT_TYPES
from training_app.quiz import services as quizzes
from training_app.security import FILE_CSP, deny

bp = Blueprint("learn", __name__)

TOPICS = {
    "wildlife": _l("Wildlife"),
    "timber": _l("Timber"),
    "ods": _l("Ozone-depleting substances and HFCs"),
    "hazardous_waste": _l("Hazardous waste"),
    "chemicals": _l("Chemicals and pesticides"),
    "cross_cutting": _l("Cross-cutting skills"),
}
STATES = {"not_started": _l("Not started"), "in_progress": _l("In progress"), "done": _l("Done")}


@bp.get("/")
def home():
    return redirect(url_for("learn.dashboard" if current_user.is_authenticated else "auth.login"))


@bp.get("/dashboard")
@login_required
def dashboard():
    db = get_session()
    enrolments = services.enrolments_of(db, current_user.id)
    courses = services.courses_by_ids(db, enrolments)
    finished = services.finished_lessons(db, current_user.id, [c.id for c in courses])
    passed = services.passed_quiz_ids(db, current_user.id)
    mine = [(course, services.progress_of(course, set(finished), passed, enrolments[course.id])) for course in courses]
    return render_template("learn/dashboard.html", mine=mine, activity=services.recent_activity(courses, finished),
                           my_certificates=certificates.certificates_of(db, current_user.id, utcnow().date()),
                           **_helpers())


@bp.get("/courses")
@login_required
def catalogue():
    topic = request.args.get("topic") if request.args.get("topic") in TOPICS else None
    language = request.args.get("language") if request.args.get("language") in ("en", "fr", "es") else None
    db = get_session()
    courses = services.catalogue(db, topic=topic, language=language)
    progress = services.catalogue_progress(db, current_user.id, courses)
    return render_template("learn/catalogue.html", courses=courses, progress=progress, topic=topic,
                           language=language, **_helpers())


@bp.get("/courses/<slug>")
@login_required
def show_course(slug: str):
    db = get_session()
    course = _course_or_404(db, slug)
    enrolment = services.enrolments_of(db, current_user.id).get(course.id)
    done = services.done_lesson_ids(db, current_user.id, [course.id])
    quiz_summaries = quizzes.summaries(db, current_user.id, [m.quiz for m in course.modules if m.quiz], utcnow())
    passed = {quiz_id for quiz_id, summary in quiz_summaries.items() if summary.has_passed}
    progress = services.progress_of(course, done, passed, enrolment)
    return render_template("learn/course_show.html", course=course, enrolment=enrolment, done=done,
                           progress=progress, quiz_summaries=quiz_summaries, form=ActionForm(),
                           lesson_links=_lesson_links(course, str(get_locale())), **_helpers())


@bp.post("/courses/<slug>/enrol")
@login_required
def enrol(slug: str):
    db = get_session()
    course = _course_or_404(db, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.enrol(db, current_user.id, course, utcnow())
    db.commit()
    first = services.ordered_lessons(course)[0]
    return redirect(url_for("learn.show_lesson", slug=slug, lesson_slug=first.slug))


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
@login_required
def show_lesson(slug: str, lesson_slug: str):
    db = get_session()
    course = _course_or_404(db, slug)
    lesson = _lesson_or_404(course, lesson_slug)
    lessons = services.ordered_lessons(course)
    index = lessons.index(lesson)
    text = services.localised(lesson.texts, str(get_locale()))
    body = _lesson_html(db, course, lesson, text.text.locale)
    is_done = lesson.id in services.done_lesson_ids(db, current_user.id, [course.id])
    module = next(m for m in course.modules if lesson in m.lessons)
    return render_template(
        "learn/lesson_show.html", course=course, module=module, lesson=lesson, text=text, body=body,
        previous=lessons[index - 1] if index else None, next=lessons[index + 1] if index + 1 < len(lessons) else None,
        position=index + 1, total=len(lessons), is_done=is_done, form=ActionForm(), **_helpers(),
    )


@bp.post("/courses/<slug>/lessons/<lesson_slug>/complete")
@login_required
def complete_lesson(slug: str, lesson_slug: str):
    db = get_session()
    course = _course_or_404(db, slug)
    lesson = _lesson_or_404(course, lesson_slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.complete_lesson(db, current_user.id, course, lesson, utcnow())
    db.commit()
    lessons = services.ordered_lessons(course)
    index = lessons.index(lesson)
    module = next(m for m in course.modules if lesson in m.lessons)
    if module.lessons[-1] is lesson and module.quiz is not None:
        return redirect(url_for("learn.show_course", slug=slug, _anchor=f"module-{module.slug}"))
    if index + 1 < len(lessons):
        return redirect(url_for("learn.show_lesson", slug=slug, lesson_slug=lessons[index + 1].slug))
    return redirect(url_for("learn.show_course", slug=slug))


@bp.get("/media/<name>")
def media_file(name: str):
    """Course images by content hash: immutable, never sniffed, never run as a page."""
    stem, _dot, extension = name.rpartition(".")
    if extension not in CONTENT_TYPES or not stem.replace("-", "").isalnum():
        abort(404)
    response = send_from_directory(current_app.config["MEDIA_PATH"], name, mimetype=CONTENT_TYPES[extension],
                                   max_age=31536000)
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


#: HTML that is the same for every learner, by (course, version, updated_at, …): a new version changes
#: the key, so a process never serves stale text; bounded, and each worker process keeps its own
_RENDERED: OrderedDict[tuple, object] = OrderedDict()
_RENDERED_MAX = 2048


def _rendered(key: tuple, build):
    """`build()`'s result, built once per process per key."""
    value = _RENDERED.get(key)
    if value is None:
        value = _RENDERED[key] = build()
        if len(_RENDERED) > _RENDERED_MAX:
            _RENDERED.popitem(last=False)
    return value


def _lesson_html(db, course: CourseOutline, lesson: LessonOutline, locale: str) -> Markup:
    def build() -> Markup:
        media = services.media_for(db, course.id)
        body = services.lesson_body(db, lesson.id, locale)
        # nh3 has sanitised the HTML (content/markdown.py), so it may be marked safe.
        return Markup(render_markdown(body, image_url=_image_url(media, locale)))  # noqa: S704  # nosec B704

    return _rendered(("lesson", course.id, course.version, course.updated_at, lesson.id, locale), build)


def _lesson_links(course: CourseOutline, locale: str) -> dict[int, tuple[tuple[int, Markup], ...]]:
    """Per module, (lesson id, `<li><a …>title</a>`) for the course page, without the learner's state.

    Rendering 50 links with their titles in Jinja was most of the course page's time.
    """
    def build() -> dict[int, tuple[tuple[int, Markup], ...]]:
        item = Markup('<li><a href="{}">{}</a>')
        return {module.id: tuple(
            (lesson.id, item.format(url_for("learn.show_lesson", slug=course.slug, lesson_slug=lesson.slug),
                                    bdi(services.localised(lesson.texts, locale).text.title)))
            for lesson in module.lessons) for module in course.modules}

    return _rendered(("links", course.id, course.version, course.updated_at, locale, request.script_root), build)


def _course_or_404(db, slug: str) -> CourseOutline:
    try:
        return services.course_by_slug(db, slug)
    except services.NotFound:
        deny("no_such_course", course=slug)


def _lesson_or_404(course: CourseOutline, lesson_slug: str) -> LessonOutline:
    try:
        return services.lesson_in(course, lesson_slug)
    except services.NotFound:
        deny("no_such_lesson", course=course.slug)


def _image_url(media: dict[tuple[str, str], Media], locale: str):
    """Rewrite `media/x.png` in lesson Markdown to the stored copy for this language."""

    def url(src: str) -> ImageSource | str:
        name = src.removeprefix("media/")
        row = media.get((name, locale)) or media.get((name, ""))
        if row is None:
            return src
        srcset = ", ".join(
            [f"{url_for('learn.media_file', name=f'{row.sha256}-{width}.{row.extension}')} {width}w"
             for width in row.variant_widths]
            + [f"{url_for('learn.media_file', name=f'{row.sha256}.{row.extension}')} {row.width}w"])
        return ImageSource(url_for("learn.media_file", name=f"{row.sha256}.{row.extension}"),
                           srcset if row.variant_widths else None, row.width, row.height)

    return url


def _helpers() -> dict:
    """What every learn template needs to pick texts in the page's language."""
    locale = str(get_locale())
    return {"TOPICS": TOPICS, "STATES": STATES,
            "tr": lambda texts: services.localised(texts, locale).text,
            "tr_fallback": lambda texts: services.localised(texts, locale).is_fallback}
