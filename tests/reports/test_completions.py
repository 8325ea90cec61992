"""The completion report: numbers equal direct counts over the seeded rows, whatever the filters."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event

from tests.admin.builders import make_admin
from tests.factories import make_user
from tests.reports.helpers import NOW, TODAY, make_course, make_orgs, seed_learners
from training_app.learn.models import Enrolment
from training_app.reports import services
from training_app.reports.services import ReportFilters


@pytest.fixture
def seeded(db, demo_course):
    orgs = make_orgs(db)
    second = make_course(db)
    lesson = demo_course.modules[0].lessons[0]
    rows = seed_learners(db, [orgs.cbsa, orgs.lacolle, orgs.anam, orgs.cbp, None], [demo_course, second], 60,
                         first_lesson_id=lesson.id)
    return orgs, demo_course, second, rows


def _expected(rows, keep) -> dict:
    chosen = [r for r in rows if keep(r)]
    completed = [r for r in chosen if r.completed_at]
    scores = [r.score for r in chosen if r.certificate and r.score is not None]
    days = [(r.completed_at - r.enrolled_at).total_seconds() / 86400 for r in completed]
    return {
        "learners": len(chosen),
        "not_started": sum(r.progress == "not_started" for r in chosen),
        "in_progress": sum(r.progress == "in_progress" for r in chosen),
        "completed": len(completed),
        "valid": sum(r.certificate in ("valid", "expiring") for r in chosen),
        "expiring": sum(r.certificate == "expiring" for r in chosen),
        "expired": sum(r.certificate == "expired" for r in chosen),
        "revoked": sum(r.certificate == "revoked" for r in chosen),
        "average_score": (sum(scores) / len(scores)).quantize(Decimal("0.0001")) if scores else None,
        "median_days": Decimal(str(statistics.median(days))).quantize(Decimal("0.1")) if days else None,
    }


def _actual(group: services.GroupRow) -> dict:
    return {name: getattr(group, name) for name in ("learners", "not_started", "in_progress", "completed", "valid",
                                                    "expiring", "expired", "revoked", "average_score", "median_days")}


def test_report_numbers_equal_direct_counts_for_several_filter_combinations(db, seeded):
    orgs, course, second, rows = seeded
    admin = make_admin(db)
    since = date(2025, 6, 1)
    cases = [
        (ReportFilters(), lambda r: True),
        (ReportFilters(country="CA"), lambda r: r.country == "CA"),
        (ReportFilters(agency_id=orgs.cbsa.id), lambda r: r.agency_id == orgs.cbsa.id),
        (ReportFilters(post_id=orgs.lacolle.id), lambda r: r.organisation_id == orgs.lacolle.id),
        (ReportFilters(course_id=second.id, country="MX"), lambda r: r.course_id == second.id and r.country == "MX"),
        (ReportFilters(status="completed"), lambda r: r.progress == "completed"),
        (ReportFilters(status="in_progress", course_id=course.id),
         lambda r: r.progress == "in_progress" and r.course_id == course.id),
        (ReportFilters(status="not_started"), lambda r: r.progress == "not_started"),
        (ReportFilters(status="cert_expiring"), lambda r: r.certificate == "expiring"),
        (ReportFilters(status="cert_valid"), lambda r: r.certificate in ("valid", "expiring")),
        (ReportFilters(status="cert_expired", country="US"),
         lambda r: r.certificate == "expired" and r.country == "US"),
        (ReportFilters(status="cert_revoked"), lambda r: r.certificate == "revoked"),
        (ReportFilters(period="enrolled", since=since), lambda r: r.enrolled_at.date() >= since),
        (ReportFilters(period="completed", since=since, until=TODAY - timedelta(days=30)),
         lambda r: r.completed_at is not None and since <= r.completed_at.date() <= TODAY - timedelta(days=30)),
    ]
    for filters, keep in cases:
        result = services.summary(db, admin, filters, "country", TODAY)
        assert _actual(result.total) == _expected(rows, keep), filters
        for group in result.groups:
            in_group = [r for r in rows if keep(r) and r.country == group.key]
            assert _actual(group) == _expected(in_group, lambda r: True), (filters, group)


def test_groups_by_agency_and_by_course_add_up_to_the_total(db, seeded):
    orgs, course, second, rows = seeded
    admin = make_admin(db)
    by_agency = services.summary(db, admin, ReportFilters(), "agency", TODAY)
    assert {g.key: g.learners for g in by_agency.groups} == {
        str(orgs.cbsa.id): sum(r.agency_id == orgs.cbsa.id for r in rows),
        str(orgs.anam.id): sum(r.agency_id == orgs.anam.id for r in rows),
        str(orgs.cbp.id): sum(r.agency_id == orgs.cbp.id for r in rows),
        None: sum(r.agency_id is None for r in rows)}
    by_course = services.summary(db, admin, ReportFilters(), "course", TODAY)
    for group in by_course.groups:
        assert _actual(group) == _expected(rows, lambda r, g=group: str(r.course_id) == g.key)
    assert by_course.total.learners == len(rows)


def test_drill_down_lists_the_learners_of_one_group_by_page(db, seeded):
    orgs, course, second, rows = seeded
    admin = make_admin(db)
    filters = ReportFilters(group=("agency", str(orgs.cbsa.id)))
    page = services.learners_page(db, admin, filters, 1, TODAY)
    expected = [r for r in rows if r.agency_id == orgs.cbsa.id]
    assert page.total == len(expected)
    assert {(row.user_id, row.course_id) for row in page.items} == {(r.user_id, r.course_id) for r in expected}
    assert {row.progress for row in page.items} == {r.progress for r in expected}
    nobody = services.learners_page(db, admin, ReportFilters(group=("country", "none")), 1, TODAY)
    assert nobody.total == sum(r.country is None for r in rows)


def test_report_page_runs_the_same_queries_whatever_the_data_size(app, client, db, login, demo_course):
    orgs = make_orgs(db)
    admin = make_admin(db)
    login(admin)
    engine = app.extensions["db_engine"]
    counts: list[int] = []
    counting = []

    def count(*_args):
        if counting:
            counts[-1] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        for size in (3, 40):
            seed_learners(db, [orgs.cbsa, orgs.lacolle, orgs.anam], [demo_course], size, seed=size,
                          first_lesson_id=demo_course.modules[0].lessons[0].id)
            for group_by in ("country", "agency", "course"):
                counts.append(0)
                counting.append(True)
                assert client.get(f"/reports/completions?group_by={group_by}").status_code == 200
                counting.clear()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert counts[:3] == counts[3:], counts
    assert max(counts) <= 12, counts


def test_report_page_draws_a_chart_with_a_table_and_drills_down(client, db, login, seeded):
    orgs, course, second, rows = seeded
    login(make_admin(db))
    body = client.get("/reports/completions?group_by=country").get_data(as_text=True)
    assert '<svg class="chart" id="completion-chart" role="img"' in body
    assert '<title id="completion-chart-title">Completion rate by country</title>' in body
    assert "<desc id=\"completion-chart-desc\">" in body
    assert "<table class=\"report\">" in body and ">Canada</bdi></a>" in body and "No organisation" in body
    drill = client.get(f"/reports/completions/learners?group_by=agency&key={orgs.anam.id}").get_data(as_text=True)
    learner = next(r for r in rows if r.agency_id == orgs.anam.id)
    assert f"/reports/learners/{learner.user_id}" in drill


def test_report_page_speaks_french_and_spanish(client, db, login, seeded):
    login(make_admin(db, locale="fr"))
    body = client.get("/reports/completions").get_data(as_text=True)
    assert "Rapport d’achèvement" in body or "Rapport d'achèvement" in body
    assert "Taux d’achèvement par pays" in body or "Taux d'achèvement par pays" in body
    body = client.get("/reports/completions?lang=es&group_by=course").get_data(as_text=True)
    assert "Informe de conclusión" in body
    assert "Segundo curso" in body


def test_completed_today_counts_zero_days_and_median_is_exact(db, demo_course):
    admin = make_admin(db)
    for days in (1, 2, 10):
        user = make_user(db)
        db.add(Enrolment(user_id=user.id, course_id=demo_course.id, version=1, enrolled_at=NOW - timedelta(days=days),
                         completed_at=NOW))
    db.commit()
    result = services.summary(db, admin, ReportFilters(), "course", TODAY)
    assert result.total.median_days == Decimal("2.0")
    assert result.total.completion_rate == 1
