"""Learner transcripts and item analysis: who may read them, and what they say."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tests.admin.builders import make_admin
from tests.factories import make_user
from tests.reports.helpers import NOW, TODAY, add_attempt, make_certificate, make_orgs
from training_app.auth.models import User
from training_app.authoring.models import CourseEditor
from training_app.learn.models import Enrolment
from training_app.quiz.models import Attempt
from training_app.reports import services
from training_app.security import Role


def _learner_with_history(db, demo_course, organisation):
    learner = make_user(db, organisation=organisation, name="Chloé Tremblay", locale="fr")
    quiz_id = demo_course.modules[0].quiz.id
    db.add(Enrolment(user_id=learner.id, course_id=demo_course.id, version=2, enrolled_at=NOW, completed_at=NOW))
    add_attempt(db, learner, quiz_id, "fr", {"first-look": False, "colour-is-proof": True}, {"first-look": "colour"})
    add_attempt(db, learner, quiz_id, "fr", {"first-look": True, "colour-is-proof": True}, {}, number=2)
    db.add(make_certificate(learner, demo_course, NOW, TODAY.replace(year=2028), Decimal("0.9")))
    db.commit()
    return learner


def test_transcript_lists_courses_attempts_and_certificates_for_the_learner_and_admins_in_scope(
        client, db, login, demo_course):
    orgs = make_orgs(db)
    learner = _learner_with_history(db, demo_course, orgs.cbsa)
    login(learner)
    body = client.get("/reports/transcript").get_data(as_text=True)
    assert "Relevé de Chloé Tremblay" in body
    assert body.count("Vérifier les bouteilles") >= 0  # the quiz title comes from the attempt's snapshot
    assert "Check the cylinders" in body and "50" in body and "100" in body
    assert "Valide" in body and "@media print" not in body  # print rules live in reports.css
    assert client.get(f"/reports/learners/{learner.id}").status_code == 200

    other = make_user(db, organisation=orgs.cbsa)
    assert client.get(f"/reports/learners/{other.id}").status_code == 404

    client.post_form("/logout")
    login(make_admin(db, country="CA", locale="es"))
    body = client.get(f"/reports/learners/{learner.id}").get_data(as_text=True)
    assert "Historial de Chloé Tremblay" in body
    client.post_form("/logout")
    login(make_admin(db, country="MX"))
    assert client.get(f"/reports/learners/{learner.id}").status_code == 404


def _seed_item_attempts(db, demo_course, orgs):
    """30 English attempts mostly right and 30 French attempts mostly wrong at first-look (choosing colour)."""
    quiz_id = demo_course.modules[0].quiz.id
    for number in range(60):
        locale = "en" if number < 30 else "fr"
        organisation = orgs.cbsa if number % 2 else orgs.anam
        learner = make_user(db, organisation=organisation, locale=locale)
        strong = number % 3 != 0
        first_right = (number % 10 != 0) if locale == "en" else (number % 10 < 3)
        results = {"first-look": first_right, "colour-is-proof": strong, "red-flags": strong}
        answers = {"first-look": "label" if first_right else ("colour" if number % 4 else "valve"),
                   "colour-is-proof": not strong,
                   "red-flags": ["new-cylinder", "blend-name"] if strong else ["new-cylinder", "invoice"]}
        add_attempt(db, learner, quiz_id, locale, results, answers)
    db.commit()
    return quiz_id


def test_item_analysis_measures_facility_discrimination_wrong_answers_and_flags_a_language(db, demo_course):
    orgs = make_orgs(db)
    quiz_id = _seed_item_attempts(db, demo_course, orgs)
    analysis = services.item_analysis(db, make_admin(db), services.analysable_quiz(db, make_admin(db), quiz_id))
    assert analysis.attempts == 60
    items = {item.slug: item for item in analysis.items}
    first = items["first-look"]
    en_right = sum(1 for n in range(30) if n % 10 != 0)
    fr_right = sum(1 for n in range(30, 60) if n % 10 < 3)
    assert first.overall.attempts == 60
    assert first.overall.facility == (Decimal(en_right + fr_right) / 60).quantize(Decimal("0.0001"))
    assert first.by_language["en"].facility == (Decimal(en_right) / 30).quantize(Decimal("0.0001"))
    assert first.by_language["fr"].facility == (Decimal(fr_right) / 30).quantize(Decimal("0.0001"))
    assert first.harder_in == "fr"
    assert first.overall.wrong_answer == "colour"
    assert first.by_country.keys() == {"CA", "MX"}
    assert items["colour-is-proof"].overall.wrong_answer == "true"
    assert items["red-flags"].overall.wrong_answer == "invoice"
    # Strong learners get colour-is-proof right and weak ones wrong: it discriminates fully.
    assert items["colour-is-proof"].overall.discrimination == 1
    assert items["colour-is-proof"].harder_in is None


def _expected_discrimination(attempts, slug):
    """Upper minus lower 27% group's share right at `slug`, the groups by score then id: the oracle."""
    ranked = sorted(attempts, key=lambda a: (-a.score, a.id))
    size = (len(ranked) * 27 + 99) // 100

    def share(group):
        return Decimal(sum(a.results["questions"][slug]["is_correct"] for a in group)) / len(group)

    return (share(ranked[:size]).quantize(Decimal("0.0001"))
            - share(ranked[len(ranked) - size:]).quantize(Decimal("0.0001")))


def test_item_analysis_ranks_each_language_and_country_within_itself(db, demo_course):
    orgs = make_orgs(db)
    quiz_id = _seed_item_attempts(db, demo_course, orgs)
    analysis = services.item_analysis(db, make_admin(db), services.analysable_quiz(db, make_admin(db), quiz_id))
    attempts = db.scalars(select(Attempt).where(Attempt.quiz_id == quiz_id)).all()
    country = {user.id: user.organisation.country for user in db.scalars(select(User))
               if user.organisation is not None}
    seeded = [item for item in analysis.items if item.overall.attempts]
    assert len(seeded) == 3
    for item in seeded:
        assert item.overall.discrimination == _expected_discrimination(attempts, item.slug)
        for lang, stats in item.by_language.items():
            group = [a for a in attempts if a.locale == lang]
            assert stats.attempts == len(group)
            assert stats.discrimination == _expected_discrimination(group, item.slug), (item.slug, lang)
        for code, stats in item.by_country.items():
            group = [a for a in attempts if country.get(a.user_id) == code]
            assert stats.attempts == len(group)
            assert stats.discrimination == _expected_discrimination(group, item.slug), (item.slug, code)


def test_item_analysis_page_in_spanish_and_who_may_read_it(client, db, login, demo_course):
    orgs = make_orgs(db)
    quiz_id = _seed_item_attempts(db, demo_course, orgs)
    trainer = make_user(db, role=Role.TRAINER, locale="es")
    login(trainer)
    assert client.get(f"/reports/items/{quiz_id}").status_code == 404
    db.add(CourseEditor(course_slug="demo-course", user_id=trainer.id, is_owner=True, added_at=NOW))
    db.commit()
    body = client.get(f"/reports/items/{quiz_id}").get_data(as_text=True)
    assert "Análisis de preguntas" in body and "Mucho más difícil en un idioma (Francés)" in body
    assert client.get("/reports/items").status_code == 200
    response = client.post_form(f"/reports/items/{quiz_id}/export", {"format": "csv"})
    assert response.status_code == 200 and "first-look" not in response.get_data(as_text=True)[:200]
    client.post_form("/logout")
    login(make_user(db))
    assert client.get(f"/reports/items/{quiz_id}").status_code == 403


def test_scoped_admin_item_analysis_counts_only_their_scope(db, demo_course):
    orgs = make_orgs(db)
    quiz_id = _seed_item_attempts(db, demo_course, orgs)
    admin = make_admin(db, country="MX")
    analysis = services.item_analysis(db, admin, services.analysable_quiz(db, admin, quiz_id))
    assert analysis.attempts == 30
    assert all(set(item.by_country) <= {"MX"} for item in analysis.items)


def test_transcripts_are_linked_from_the_dashboard_and_the_admin_user_page(client, db, login):
    from tests.factories import make_user
    from training_app.security import Role

    learner = make_user(db, locale="fr")
    login(learner)
    assert 'href="/reports/transcript">Mon relevé</a>' in client.get("/dashboard").get_data(as_text=True)
    client.post_form("/logout")
    login(make_user(db, role=Role.ADMIN, locale="es"))
    page = client.get(f"/admin/users/{learner.id}").get_data(as_text=True)
    assert f'href="/reports/learners/{learner.id}">Historial</a>' in page
    assert client.get(f"/reports/learners/{learner.id}").status_code == 200
