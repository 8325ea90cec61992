"""Completion reports, learner transcripts, item analysis and API tokens.

Every query is limited to the administrator's scope (admin.services.scope_filter) and aggregates in SQL:
no Python loop ever runs over learners, so a report costs the same few queries at any size.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.functions import FunctionElement

from training_app.admin.services import record, scope_filter
from training_app.auth.models import Organisation, User
from training_app.authoring.models import CourseEditor
from training_app.certificates.models import Certificate
from training_app.learn.models import (
    Course,
    CourseText,
    Enrolment,
    Module,
    ModuleText,
    Question,
    QuestionText,
    Quiz,
)
from training_app.quiz.models import Answer, Attempt
from training_app.reports.models import ApiToken
from training_app.security import Role

STATUSES = ("not_started", "in_progress", "completed", "cert_valid", "cert_expiring", "cert_expired",
            "cert_revoked")
GROUPS = ("country", "agency", "course")
PERIODS = ("enrolled", "completed")
#: the drill-down key of learners with no organisation (no country, no agency)
NO_GROUP = "none"
PER_PAGE = 50
API_MAX_LIMIT = 1000
#: classical item analysis compares the top and bottom 27% of learners by total score
EXTREME_GROUP_SHARE = 27
#: a split (language or country) with fewer first attempts than this is shown but never flagged
MIN_SPLIT_ATTEMPTS = 20
#: a question is flagged when one language's facility is this much below the easiest language's
LANGUAGE_GAP = Decimal("0.20")
CHOICE_KINDS = ("single_choice", "image_choice", "true_false", "multiple_response")


class ReportError(ValueError):
    """A domain error the views turn into a translated message; `code` names which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# --- SQL helpers -------------------------------------------------------------------------------------

class days_between(FunctionElement):  # noqa: N801 - reads as the SQL function it stands for
    """Fractional days from the first datetime column to the second, on SQLite and PostgreSQL."""

    type = Float()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler, **kw) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(julianday({end}) - julianday({start}))"


@compiles(days_between, "postgresql")
def _days_postgresql(element: days_between, compiler, **kw) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)"


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _decimal(value: Any, places: str = "0.0001") -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal(places))


# --- Completion report -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportFilters:
    """What the completion report, its exports and the API select; None filters nothing."""

    country: str | None = None
    agency_id: int | None = None
    post_id: int | None = None
    course_id: int | None = None
    #: which date `since` and `until` apply to: "enrolled" or "completed"
    period: str = "enrolled"
    since: date | None = None
    until: date | None = None  # inclusive
    status: str | None = None
    #: "expiring" means valid and expiring within this many days
    expiring_days: int = 60
    #: the drill-down: (group_by, key) of one group of the summary
    group: tuple[str, str] | None = None
    user_id: int | None = None

    def described(self) -> dict[str, Any]:
        """The filters set, as ids, codes and ISO dates (for the audit log)."""
        values = {"country": self.country, "agency_id": self.agency_id, "post_id": self.post_id,
                  "course_id": self.course_id, "status": self.status,
                  "since": self.since.isoformat() if self.since else None,
                  "until": self.until.isoformat() if self.until else None,
                  "group": ":".join(self.group) if self.group else None}
        if self.since or self.until:
            values["period"] = self.period
        if self.status == "cert_expiring":
            values["expiring_days"] = self.expiring_days
        return {key: value for key, value in values.items() if value is not None}


_Org = aliased(Organisation, name="org")
_Parent = aliased(Organisation, name="parent_org")
_Cert = aliased(Certificate, name="cert")
_Newer = aliased(Certificate, name="newer_cert")


def _facts(admin: User | None, filters: ReportFilters, today: date) -> Select:
    """One row per enrolment in `admin`'s scope (None: no scope) matching `filters`: who, where, progress,
    certificate, score, days."""
    started = or_(Enrolment.completed_at.is_not(None), Enrolment.started_at.is_not(None))
    progress = case((Enrolment.completed_at.is_not(None), "completed"), (started, "in_progress"),
                    else_="not_started")
    valid = and_(_Cert.id.is_not(None), _Cert.revoked_at.is_(None), _Cert.expires_on >= today)
    expiring = and_(valid, _Cert.expires_on <= today + timedelta(days=filters.expiring_days))
    expired = and_(_Cert.id.is_not(None), _Cert.revoked_at.is_(None), _Cert.expires_on < today)
    revoked = _Cert.revoked_at.is_not(None)
    certificate = case((revoked, "revoked"), (expired, "expired"), (valid, "valid"), else_=None)
    # The latest cycle only: an older certificate of the same course is history.
    latest = ~exists().where(_Newer.user_id == _Cert.user_id, _Newer.course_id == _Cert.course_id,
                             _Newer.cycle > _Cert.cycle)
    stmt = (
        select(
            Enrolment.id.label("enrolment_id"), Enrolment.user_id.label("user_id"),
            Enrolment.course_id.label("course_id"), User.name.label("name"), User.email.label("email"),
            _Org.country.label("country"), func.coalesce(_Org.parent_id, _Org.id).label("agency_id"),
            func.coalesce(_Parent.name, _Org.name).label("agency"),
            case((_Parent.id.is_not(None), _Org.name), else_=None).label("post"),
            Enrolment.enrolled_at.label("enrolled_at"), Enrolment.completed_at.label("completed_at"),
            progress.label("progress"), certificate.label("certificate"),
            case((expiring, 1), else_=0).label("expiring"),
            _Cert.code.label("certificate_code"), _Cert.expires_on.label("expires_on"),
            _Cert.score.label("score"),
            days_between(Enrolment.enrolled_at, Enrolment.completed_at).label("days"),
        )
        .select_from(Enrolment).join(User, User.id == Enrolment.user_id)
        .outerjoin(_Org, _Org.id == User.organisation_id).outerjoin(_Parent, _Parent.id == _Org.parent_id)
        .outerjoin(_Cert, and_(_Cert.user_id == Enrolment.user_id, _Cert.course_id == Enrolment.course_id, latest))
    )
    conditions: list[ColumnElement[bool]] = []
    if admin is not None:
        conditions.append(scope_filter(admin, User.organisation_id))
    if filters.country:
        conditions.append(_Org.country == filters.country)
    if filters.agency_id is not None:
        conditions.append(or_(_Org.id == filters.agency_id, _Org.parent_id == filters.agency_id))
    if filters.post_id is not None:
        conditions.append(_Org.id == filters.post_id)
    if filters.course_id is not None:
        conditions.append(Enrolment.course_id == filters.course_id)
    if filters.user_id is not None:
        conditions.append(Enrolment.user_id == filters.user_id)
    column = Enrolment.completed_at if filters.period == "completed" else Enrolment.enrolled_at
    if filters.since:
        conditions.append(column >= _start_of(filters.since))
    if filters.until:
        conditions.append(column < _start_of(filters.until + timedelta(days=1)))
    status = {
        "not_started": and_(Enrolment.completed_at.is_(None), ~started),
        "in_progress": and_(Enrolment.completed_at.is_(None), started),
        "completed": Enrolment.completed_at.is_not(None),
        "cert_valid": valid, "cert_expiring": expiring, "cert_expired": expired, "cert_revoked": revoked,
    }.get(filters.status or "")
    if status is not None:
        conditions.append(status)
    if filters.group is not None:
        conditions.append(_group_condition(*filters.group))
    return stmt.where(*conditions)


def _group_condition(group_by: str, key: str) -> ColumnElement[bool]:
    if group_by == "country":
        return _Org.country.is_(None) if key == NO_GROUP else _Org.country == key
    if group_by == "agency":
        if key == NO_GROUP:
            return _Org.id.is_(None)
        agency_id = int(key) if key.isdigit() else -1
        return or_(_Org.id == agency_id, _Org.parent_id == agency_id)
    return Enrolment.course_id == (int(key) if key.isdigit() else -1)


@dataclass(frozen=True)
class GroupRow:
    """One line of the summary: a country, an agency or a course (key None: no organisation)."""

    key: str | None
    learners: int
    not_started: int
    in_progress: int
    completed: int
    average_score: Decimal | None
    scored: int
    median_days: Decimal | None
    valid: int
    expiring: int
    expired: int
    revoked: int

    @property
    def completion_rate(self) -> Decimal:
        return Decimal(self.completed / self.learners).quantize(Decimal("0.0001")) if self.learners else Decimal(0)

    @property
    def drill_key(self) -> str:
        return self.key if self.key is not None else NO_GROUP


@dataclass(frozen=True)
class Summary:
    group_by: str
    groups: list[GroupRow]
    total: GroupRow


def _group_key(facts, group_by: str) -> ColumnElement:
    return {"country": facts.c.country, "agency": facts.c.agency_id, "course": facts.c.course_id}[group_by]


def summary(db: Session, admin: User, filters: ReportFilters, group_by: str, today: date) -> Summary:
    """Counts, completion, average score and median days to complete per group, and in all: three queries."""
    facts = _facts(admin, filters, today).subquery("facts")
    key = _group_key(facts, group_by)
    medians = _medians(db, facts, key)
    rows = db.execute(
        # "Not started" is what is left: the progress column's subqueries then run once a row, not thrice.
        select(key, func.count(), _count_if(facts.c.progress == "in_progress"), func.count(facts.c.completed_at),
               func.sum(facts.c.score), func.count(facts.c.score), _count_if(facts.c.certificate == "valid"),
               func.coalesce(func.sum(facts.c.expiring), 0), _count_if(facts.c.certificate == "expired"),
               _count_if(facts.c.certificate == "revoked"))
        .group_by(key)
    ).all()
    groups = [_group_row(row, medians.get(row[0])) for row in rows]
    # The total adds the groups up (scores as sums, so the average is exact); only its median needs SQL.
    totals = [sum((row[i] or 0) for row in rows) for i in range(1, 10)]
    total = _group_row([None, *totals], _medians(db, facts, None).get(None))
    return Summary(group_by, groups, total)


def _group_row(row: Sequence[Any], median: float | None) -> GroupRow:
    key, learners, in_progress, completed, score_sum, scored, valid, expiring, expired, revoked = row
    not_started = int(learners) - int(in_progress) - int(completed)
    average = Decimal(str(score_sum)) / int(scored) if scored else None
    return GroupRow(None if key is None else str(key), int(learners), int(not_started), int(in_progress),
                    int(completed), _decimal(average), int(scored), _decimal(median, "0.1"), int(valid),
                    int(expiring), int(expired), int(revoked))


def _medians(db: Session, facts, key: ColumnElement | None) -> dict[Any, float]:
    """The median of days to complete per group key (or in all, under None), by window functions."""
    partition = {"partition_by": key} if key is not None else {}
    ranked = (select((key if key is not None else literal(None)).label("key"), facts.c.days.label("days"),
                     func.row_number().over(order_by=facts.c.days, **partition).label("rank"),
                     func.count().over(**partition).label("n"))
              .where(facts.c.days.is_not(None)).subquery("ranked"))
    middle = or_(ranked.c.rank == (ranked.c.n + 1) // 2, ranked.c.rank == (ranked.c.n + 2) // 2)
    rows = db.execute(select(ranked.c.key, func.avg(ranked.c.days)).where(middle).group_by(ranked.c.key))
    return {row[0]: row[1] for row in rows}


@dataclass(frozen=True)
class LearnerRow:
    """One enrolment of the drill-down, the export and the API."""

    enrolment_id: int
    user_id: int
    course_id: int
    name: str
    email: str
    country: str | None
    agency: str | None
    post: str | None
    enrolled_at: datetime
    completed_at: datetime | None
    progress: str
    certificate: str | None
    expiring: bool
    certificate_code: str | None
    expires_on: date | None
    score: Decimal | None
    days: Decimal | None


def _learner_columns(facts) -> Select:
    return select(facts.c.enrolment_id, facts.c.user_id, facts.c.course_id, facts.c.name, facts.c.email,
                  facts.c.country, facts.c.agency, facts.c.post, facts.c.enrolled_at, facts.c.completed_at,
                  facts.c.progress, facts.c.certificate, facts.c.expiring, facts.c.certificate_code,
                  facts.c.expires_on, facts.c.score, facts.c.days)


def _learner(row: Sequence[Any]) -> LearnerRow:
    values = list(row)
    values[12] = bool(values[12])
    values[15], values[16] = _decimal(values[15]), _decimal(values[16], "0.1")
    return LearnerRow(*values)


@dataclass(frozen=True)
class Page:
    items: list[LearnerRow]
    number: int
    pages: int
    total: int


def learners_page(db: Session, admin: User, filters: ReportFilters, number: int, today: date) -> Page:
    """One page of the matching enrolments, by learner name: two queries."""
    facts = _facts(admin, filters, today).subquery("facts")
    total = db.scalar(select(func.count()).select_from(facts)) or 0
    pages = max(1, math.ceil(total / PER_PAGE))
    number = min(max(1, number), pages)
    rows = db.execute(_learner_columns(facts).order_by(func.lower(facts.c.name), facts.c.user_id,
                                                       facts.c.course_id)
                      .limit(PER_PAGE).offset((number - 1) * PER_PAGE))
    return Page([_learner(row) for row in rows], number, pages, total)


def learner_rows(db: Session, admin: User | None, filters: ReportFilters, today: date) -> Iterator[LearnerRow]:
    """Every matching enrolment, by country, agency and name, fetched in batches (exports)."""
    facts = _facts(admin, filters, today).subquery("facts")
    stmt = _learner_columns(facts).order_by(facts.c.country, facts.c.agency, func.lower(facts.c.name),
                                            facts.c.user_id, facts.c.course_id)
    for row in db.execute(stmt.execution_options(yield_per=2000)):
        yield _learner(row)


def learners_after(db: Session, admin: User, filters: ReportFilters, after: int, limit: int,
                   today: date) -> list[LearnerRow]:
    """The next `limit` matching enrolments by id after the cursor `after` (the API's keyset pages)."""
    facts = _facts(admin, filters, today).subquery("facts")
    rows = db.execute(_learner_columns(facts).where(facts.c.enrolment_id > after)
                      .order_by(facts.c.enrolment_id).limit(limit))
    return [_learner(row) for row in rows]


# --- Names for the filters, groups and rows ----------------------------------------------------------

def course_titles(db: Session, locale: str) -> dict[int, str]:
    """Every course's title in `locale` (English where missing), by id, in one query."""
    titles: dict[int, dict[str, str]] = defaultdict(dict)
    for course_id, text_locale, title in db.execute(select(CourseText.course_id, CourseText.locale,
                                                           CourseText.title)):
        titles[course_id][text_locale] = title
    return {course_id: by_locale.get(locale) or by_locale.get("en") or next(iter(by_locale.values()))
            for course_id, by_locale in titles.items()}


def courses(db: Session) -> list[Course]:
    return list(db.scalars(select(Course).order_by(Course.slug)))


def organisation_names(db: Session, ids: Sequence[int]) -> dict[int, str]:
    """Agency names by id (for group labels), in one query."""
    numbers = [int(i) for i in ids if i is not None and str(i).isdigit()]
    if not numbers:
        return {}
    return dict(db.execute(select(Organisation.id, func.coalesce(Organisation.code, Organisation.name))
                           .where(Organisation.id.in_(numbers))).tuples().all())


# --- Learner transcript ------------------------------------------------------------------------------

@dataclass(frozen=True)
class TranscriptAttempt:
    quiz_id: int
    module_position: int
    title: str
    number: int
    locale: str
    started_at: datetime
    submitted_at: datetime | None
    score: Decimal | None
    passed: bool | None


@dataclass
class TranscriptCourse:
    enrolment: LearnerRow
    attempts: list[TranscriptAttempt] = field(default_factory=list)


@dataclass(frozen=True)
class Transcript:
    learner: User
    courses: list[TranscriptCourse]
    certificates: list[Certificate]


def transcript_subject(db: Session, viewer: User, user_id: int) -> User | None:
    """The learner if `viewer` may read their transcript (themself, or an admin in scope), else None."""
    if viewer.id == user_id:
        return viewer
    if viewer.role != Role.ADMIN:
        return None
    return db.scalars(select(User).where(User.id == user_id, scope_filter(viewer))).one_or_none()


def transcript(db: Session, viewer: User, learner: User, today: date) -> Transcript:
    """Every course, attempt, score and certificate of one learner: three queries."""
    # One's own transcript needs no scope; an admin reads through theirs (transcript_subject checked it).
    facts = _facts(None if viewer.id == learner.id else viewer, ReportFilters(user_id=learner.id),
                   today).subquery("facts")
    rows = db.execute(_learner_columns(facts).order_by(facts.c.enrolled_at, facts.c.course_id))
    by_course = {row.course_id: TranscriptCourse(row) for row in map(_learner, rows)}
    attempts = db.execute(
        select(Attempt.quiz_id, Module.position, Attempt.snapshot["title"].as_string(), Attempt.number,
               Attempt.locale, Attempt.started_at, Attempt.submitted_at, Attempt.score, Attempt.passed,
               Module.course_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id).join(Module, Module.id == Quiz.module_id)
        .where(Attempt.user_id == learner.id).order_by(Module.position, Attempt.number)
    )
    for *values, course_id in attempts:
        if course_id in by_course:
            by_course[course_id].attempts.append(TranscriptAttempt(*values))
    certificates = list(db.scalars(select(Certificate).where(Certificate.user_id == learner.id)
                                   .order_by(Certificate.issued_at.desc(), Certificate.id.desc())))
    return Transcript(learner, list(by_course.values()), certificates)


# --- Item analysis -----------------------------------------------------------------------------------

def editable_course_slugs(db: Session, user: User) -> set[str] | None:
    """The courses whose item analysis `user` may read: None for every course (admins), else theirs."""
    if user.role == Role.ADMIN:
        return None
    if user.role != Role.TRAINER:
        return set()
    return set(db.scalars(select(CourseEditor.course_slug).where(CourseEditor.user_id == user.id)))


@dataclass(frozen=True)
class QuizChoice:
    quiz_id: int
    course_id: int
    course_title: str
    module_position: int
    title: str


def analysable_quizzes(db: Session, user: User, locale: str) -> list[QuizChoice]:
    """The quizzes of the courses `user` may analyse, by course and module: two queries."""
    allowed = editable_course_slugs(db, user)
    stmt = (select(Quiz.id, Course.id, Module.position, Module.id)
            .join(Module, Module.id == Quiz.module_id).join(Course, Course.id == Module.course_id)
            .order_by(Course.slug, Module.position))
    if allowed is not None:
        stmt = stmt.where(Course.slug.in_(allowed))
    rows = db.execute(stmt).all()
    titles = course_titles(db, locale)
    module_titles = _module_titles(db, [row[3] for row in rows], locale)
    return [QuizChoice(quiz_id, course_id, titles.get(course_id, ""), position, module_titles.get(module_id, ""))
            for quiz_id, course_id, position, module_id in rows]


def _module_titles(db: Session, module_ids: list[int], locale: str) -> dict[int, str]:
    found: dict[int, dict[str, str]] = defaultdict(dict)
    for module_id, text_locale, title in db.execute(select(ModuleText.module_id, ModuleText.locale, ModuleText.title)
                                                    .where(ModuleText.module_id.in_(module_ids))):
        found[module_id][text_locale] = title
    return {module_id: t.get(locale) or t.get("en") or "" for module_id, t in found.items()}


def analysable_quiz(db: Session, user: User, quiz_id: int) -> Quiz | None:
    """The quiz if `user` may read its item analysis, else None (the view answers 404)."""
    stmt = (select(Quiz).join(Module, Module.id == Quiz.module_id).join(Course, Course.id == Module.course_id)
            .where(Quiz.id == quiz_id))
    allowed = editable_course_slugs(db, user)
    if allowed is not None:
        stmt = stmt.where(Course.slug.in_(allowed))
    return db.scalars(stmt).one_or_none()


@dataclass(frozen=True)
class ItemStats:
    """Facility and discrimination of one question in one split (all, a language or a country)."""

    attempts: int
    facility: Decimal | None
    discrimination: Decimal | None
    #: the wrong answer chosen most often, as stored (a choice id, true/false, a number…), and how often
    wrong_answer: Any = None
    wrong_count: int = 0
    wrong_total: int = 0


@dataclass
class ItemRow:
    slug: str
    kind: str
    position: int
    #: {locale: words} of the question, for its prompt and option labels
    words: dict[str, dict]
    overall: ItemStats
    by_language: dict[str, ItemStats]
    by_country: dict[str, ItemStats]
    #: the language in which the question is much harder than in the easiest one, if any
    harder_in: str | None = None


@dataclass(frozen=True)
class ItemAnalysis:
    quiz: Quiz
    attempts: int
    items: list[ItemRow]


def item_analysis(db: Session, viewer: User, quiz: Quiz) -> ItemAnalysis:
    """Per question: facility, discrimination and the most-chosen wrong answer, in all and by language and
    country, over each learner's first submitted attempt (in the viewer's scope); five queries."""
    population = _population(viewer, quiz.id)
    dialect = db.get_bind().dialect.name
    stats = _split_counts(db, population, dialect)
    wrong = _wrong_answers(db, population, dialect)
    questions = list(db.scalars(select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position)))
    words: dict[int, dict[str, dict]] = defaultdict(dict)
    for text in db.scalars(select(QuestionText).where(QuestionText.question_id.in_([q.id for q in questions]))):
        words[text.question_id][text.locale] = text.words
    total = db.scalar(select(func.count()).select_from(population.subquery())) or 0
    items = []
    for question in questions:
        correct = _correct_answers(question)
        split = {dimension: {value: _item_stats(counts, wrong.get((dimension, value, question.slug), {}),
                                                question.kind, correct)
                             for (value, slug), counts in stats[dimension].items() if slug == question.slug}
                 for dimension in stats}
        overall = split["all"].get("all") or ItemStats(0, None, None)
        row = ItemRow(question.slug, question.kind, question.position, words[question.id], overall,
                      dict(sorted(split["language"].items())), dict(sorted(split["country"].items())))
        row.harder_in = _harder_language(row.by_language)
        items.append(row)
    return ItemAnalysis(quiz, total, items)


def _population(viewer: User, quiz_id: int) -> Select:
    """Each learner's first submitted attempt at the quiz: id, score, language, country, results."""
    stmt = (select(Attempt.id.label("id"), Attempt.score.label("score"), Attempt.locale.label("language"),
                   func.coalesce(Organisation.country, NO_GROUP).label("country"), Attempt.results.label("results"))
            .join(User, User.id == Attempt.user_id).outerjoin(Organisation, Organisation.id == User.organisation_id)
            .where(Attempt.quiz_id == quiz_id, Attempt.number == 1, Attempt.submitted_at.is_not(None),
                   Attempt.results.is_not(None)))
    if viewer.role == Role.ADMIN:
        stmt = stmt.where(scope_filter(viewer, User.organisation_id))
    return stmt


def _question_results(population, dialect: str):
    """(table of the attempt's per-question results, its key column, its is-correct condition)."""
    if dialect == "postgresql":
        each = func.json_each(population.c.results.op("->")(literal_column("'questions'"))
                              ).table_valued("key", "value")
        return each, each.c.key, each.c.value.op("->>")(literal_column("'is_correct'")) == "true"
    each = func.json_each(population.c.results, "$.questions").table_valued("key", "value")
    return each, each.c.key, func.json_extract(each.c.value, "$.is_correct") == 1


SPLITS = ("all", "language", "country")
_COUNTS = ("upper", "upper_correct", "lower", "lower_correct")


def _split_counts(db: Session, population: Select, dialect: str) -> dict[str, dict[tuple[str, str], dict[str, int]]]:
    """Per split ("all", "language", "country"), per (split value, question): attempts, correct, and the
    upper and lower 27% groups' attempts and correct, the groups ranked by total score within the split.

    One query: the attempts' results are expanded once, with the three rankings side by side, and counted
    per (language, country, question); the splits are sums of those few rows.
    """
    order = {"order_by": (Attempt.score.desc(), Attempt.id)}
    values = {"all": literal("all"), "language": population.selected_columns.language,
              "country": population.selected_columns.country}
    windows = []
    for split in SPLITS:
        partition = {} if split == "all" else {"partition_by": values[split]}
        windows += [func.row_number().over(**order, **partition).label(f"rank_{split}"),
                    func.count().over(**partition).label(f"n_{split}")]
    ranked = population.add_columns(*windows).subquery("ranked")
    each, question, is_correct = _question_results(ranked, dialect)
    counted = []
    for split in SPLITS:
        rank, n = ranked.c[f"rank_{split}"], ranked.c[f"n_{split}"]
        extreme = (n * EXTREME_GROUP_SHARE + 99) // 100
        upper, lower = rank <= extreme, rank > n - extreme
        counted += [_count_if(upper), _count_if(and_(upper, is_correct)), _count_if(lower),
                    _count_if(and_(lower, is_correct))]
    rows = db.execute(
        select(ranked.c.language, ranked.c.country, question, func.count(), _count_if(is_correct), *counted)
        .select_from(ranked).join(each, true()).group_by(ranked.c.language, ranked.c.country, question)
    )
    stats: dict[str, dict[tuple[str, str], dict[str, int]]] = {split: {} for split in SPLITS}
    for language, country, slug, n, correct, *extremes in rows:
        for index, (split, value) in enumerate((("all", "all"), ("language", language), ("country", country))):
            counts = stats[split].setdefault((str(value), slug), dict.fromkeys(("n", "correct", *_COUNTS), 0))
            counts["n"] += int(n)
            counts["correct"] += int(correct)
            for name, count in zip(_COUNTS, extremes[4 * index:4 * index + 4], strict=True):
                counts[name] += int(count)
    return stats


def _wrong_answers(db: Session, population: Select, dialect: str) -> dict[tuple[str, str, str], dict[Any, int]]:
    """How often each wrong answer was given, per (dimension, split value, question), from one grouped query."""
    attempts = population.subquery("population")
    each, question, is_correct = _question_results(attempts, dialect)
    if dialect == "postgresql":
        answer = Answer.value.op("->>")(literal_column("'answer'"))
    else:
        answer = func.json_extract(Answer.value, "$.answer")
    rows = db.execute(
        select(attempts.c.language, attempts.c.country, question, answer, func.count())
        .select_from(attempts).join(each, true())
        .join(Answer, and_(Answer.attempt_id == attempts.c.id, Answer.question_id == question))
        .where(~is_correct, answer.is_not(None))
        .group_by(attempts.c.language, attempts.c.country, question, answer)
    )
    counts: dict[tuple[str, str, str], dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    for language, country, slug, value, count in rows:
        for key in (("all", "all", slug), ("language", language, slug), ("country", country, slug)):
            counts[key][value] += count
    return counts


def _correct_answers(question: Question) -> set[str]:
    correct = question.spec.get("correct")
    values = correct if isinstance(correct, list) else [correct]
    return {_answer_key(value) for value in values}


def _answer_key(value: Any) -> str:
    """One stored answer as comparable text: PostgreSQL gives "true", SQLite 1, Python True."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _item_stats(counts: dict[str, int], wrong: dict[Any, int], kind: str, correct: set[str]) -> ItemStats:
    facility = _ratio(counts["correct"], counts["n"])
    upper, lower = _ratio(counts["upper_correct"], counts["upper"]), _ratio(counts["lower_correct"], counts["lower"])
    discrimination = (upper - lower) if upper is not None and lower is not None and counts["n"] >= 2 else None
    chosen = _wrong_options(wrong, kind, correct)
    top = max(chosen.items(), key=lambda pair: (pair[1], pair[0]), default=(None, 0))
    return ItemStats(counts["n"], facility, discrimination, top[0], top[1], counts["n"] - counts["correct"])


def _wrong_options(wrong: dict[Any, int], kind: str, correct: set[str]) -> dict[str, int]:
    """Counts by option: a multiple response's wrong answers count each option picked that is not correct."""
    options: dict[str, int] = defaultdict(int)
    for value, count in wrong.items():
        if kind == "true_false":
            options["true" if value in (1, "1", "true", True) else "false"] += count
        elif kind == "multiple_response":
            for option in json.loads(value) if isinstance(value, str) else []:
                if option not in correct:
                    options[option] += count
        elif kind in ("single_choice", "image_choice", "numeric"):
            options[str(value)] += count
    return options


def _ratio(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else None


def _harder_language(by_language: dict[str, ItemStats]) -> str | None:
    measured = {lang: s.facility for lang, s in by_language.items()
                if s.facility is not None and s.attempts >= MIN_SPLIT_ATTEMPTS}
    if len(measured) < 2:
        return None
    hardest = min(measured, key=measured.get)
    return hardest if max(measured.values()) - measured[hardest] >= LANGUAGE_GAP else None


# --- API tokens --------------------------------------------------------------------------------------

TOKEN_PREFIX = "gct_"  # noqa: S105 - a public marker that makes leaked tokens easy to scan for


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_of(db: Session, admin: User) -> list[ApiToken]:
    return list(db.scalars(select(ApiToken).where(ApiToken.user_id == admin.id)
                           .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def create_token(db: Session, admin: User, name: str, expires_on: date | None, now: datetime) -> tuple[ApiToken, str]:
    """A new token for `admin`; returns the row and the token, shown once and stored hashed. Caller commits."""
    if expires_on is not None and expires_on <= now.date():
        raise ReportError("expiry_past")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=admin.id, name=name.strip(), token_hash=_hash(token), prefix=token[:12], created_at=now,
                   expires_at=_start_of(expires_on + timedelta(days=1)) if expires_on else None)
    db.add(row)
    db.flush()
    record(db, admin, "api_token.create", target=row, subject=admin, details={"token_id": row.id}, now=now)
    return row, token


def revoke_token(db: Session, admin: User, token_id: int, now: datetime) -> None:
    """Revoke one of `admin`'s tokens at once; an unknown or another's token raises "not_found". Caller commits."""
    row = db.scalars(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == admin.id)).one_or_none()
    if row is None:
        raise ReportError("not_found")
    claimed = db.execute(update(ApiToken).where(ApiToken.id == row.id, ApiToken.revoked_at.is_(None))
                         .values(revoked_at=now)).rowcount
    if claimed:
        record(db, admin, "api_token.revoke", target=row, subject=admin, details={"token_id": row.id}, now=now)


def token_user(db: Session, token: str, now: datetime) -> User | None:
    """The active administrator a bearer token acts as, or None (unknown, revoked, expired, or no admin now)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = db.scalars(select(ApiToken).where(ApiToken.token_hash == _hash(token))).one_or_none()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and now >= row.expires_at):
        return None
    user = db.get(User, row.user_id)
    if user is None or not user.is_active or user.role != Role.ADMIN:
        return None
    return user


def export_recorded(db: Session, admin: User, report: str, table: str, file_format: str, filters: dict[str, Any],
                    now: datetime) -> None:
    """Record a report export in the audit log. The caller commits before streaming."""
    record(db, admin, "report.export", subject=admin, now=now,
           details={"report": report, "table": table, "format": file_format, **filters})
