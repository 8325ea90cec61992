"""A course in the database back into a course package (the runtime truth, as files)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from training_app.content import (
    Case,
    CoursePackage,
    CourseText,
    DrawRule,
    LessonText,
    ModuleText,
    Quiz,
    QuizText,
    Source,
    Translation,
)
from training_app.content import Module as PackageModule
from training_app.learn.models import Course, Media
from training_app.media import source_path


class UnknownCourse(LookupError):
    pass


def package_from_db(db: Session, slug: str, media_dir: Path) -> CoursePackage:
    course = db.scalars(select(Course).where(Course.slug == slug)).one_or_none()
    if course is None:
        raise UnknownCourse(slug)
    media = db.scalars(select(Media).where(Media.course_id == course.id)).all()
    languages = tuple(course.languages)
    quizzes = {
        module.quiz.slug: Quiz(
            id=module.quiz.slug, pass_mark=float(module.quiz.pass_mark),
            questions=tuple(question.spec for question in module.quiz.questions),
            draw=module.quiz.draw, draw_rules=tuple(DrawRule(**rule) for rule in module.quiz.draw_rules),
            max_attempts=module.quiz.max_attempts, time_limit_minutes=module.quiz.time_limit_minutes,
            wait_minutes=module.quiz.wait_minutes, review=module.quiz.review,
            cases=tuple(Case(id=c["id"], questions=tuple(c["questions"]), media=tuple(c.get("media", ())))
                        for c in module.quiz.cases),
        )
        for module in course.modules if module.quiz
    }
    texts = {lang: _translation(course, lang, media, media_dir) for lang in languages}
    return CoursePackage(
        path=Path(slug), slug=course.slug, version=course.version, topic=course.topic, languages=languages,
        estimated_minutes=course.estimated_minutes,
        certificate_validity_months=course.certificate_validity_months,
        last_verified_on=course.last_verified_on,
        sources=tuple(Source(**source) for source in course.sources),
        modules=tuple(PackageModule(id=m.slug, lessons=tuple(lesson.slug for lesson in m.lessons),
                                    quiz=m.quiz.slug if m.quiz else None) for m in course.modules),
        quizzes=quizzes, texts=texts,
        media={m.name: source_path(media_dir, m.source_sha256) for m in media if m.locale == ""},
    )


def _translation(course: Course, lang: str, media: list[Media], media_dir: Path) -> Translation:
    def text_of(rows):
        return next(row for row in rows if row.locale == lang)

    course_text = text_of(course.texts)
    return Translation(
        language=lang,
        course=CourseText(
            title=course_text.title, summary=course_text.summary, description=course_text.description,
            modules={m.slug: ModuleText(title=text_of(m.texts).title, summary=text_of(m.texts).summary)
                     for m in course.modules},
        ),
        lessons={
            lesson.slug: LessonText(title=text_of(lesson.texts).title, body=text_of(lesson.texts).body,
                                    summary=text_of(lesson.texts).summary)
            for m in course.modules for lesson in m.lessons
        },
        quizzes={
            m.quiz.slug: QuizText(
                title=text_of(m.quiz.texts).title,
                questions={q.slug: text_of(q.texts).words for q in m.quiz.questions},
                cases=text_of(m.quiz.texts).cases,
            )
            for m in course.modules if m.quiz
        },
        media={m.name: source_path(media_dir, m.source_sha256) for m in media if m.locale == lang},
    )
