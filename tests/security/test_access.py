"""Access control (RELIABILITY.md §3.2, Z series). The route walks are generated from the URL map, so a
new route that takes an id cannot skip the access check, the 404 or the log line (G-3)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.security.conftest import (
    ADMIN_REACHES_EVERY_COURSE,
    app_rules,
    code,
    database_state,
    path_for,
    read_log,
    takes_owned_id,
)
from training_app.auth.models import User
from training_app.authoring import services as authoring
from training_app.db import utcnow
from training_app.quiz.models import Answer, Attempt
from training_app.security import Role

ROLES = [Role.LEARNER, Role.TRAINER, Role.ADMIN]
DENIED = {"access_denied", "forbidden"}


def _methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _send(client, method: str, path: str):
    return client.get(path) if method == "GET" else client.post_form(path, {})


def _logged_denial(app, since: int, path: str, rule) -> bool:
    """A refusal line for `path` (or, for a URL carrying a secret token, for its route)."""
    return any(line["event"] in DENIED and line.get("path") in (path, rule.rule) for line in read_log(app)[since:])


def test_Z0_every_route_argument_is_classified_as_owned_or_public(app, world):
    for rule in app_rules(app):
        path_for(app, rule, world)  # fails, naming the argument, for an id nobody classified


def test_Z0_anonymous_is_sent_to_sign_in_for_every_route_with_an_owned_id(app, client, db, world):
    wrong = []
    for rule in filter(lambda r: takes_owned_id(r, world), app_rules(app)):
        path = path_for(app, rule, world)
        for method in _methods(rule):
            response = _send(client, method, path)
            if response.status_code != 302 or "/login" not in response.headers["Location"]:
                wrong.append(f"{method} {path}: {response.status_code}")
    assert wrong == []


def test_Z1_learners_and_trainers_get_403_on_admin_routes_logged(app, client, db, login, world):
    admin_rules = [r for r in app_rules(app) if r.rule.startswith("/admin")]
    assert len(admin_rules) > 15
    wrong = []
    for user in (world.learner, world.trainer):
        login(user)
        for rule in admin_rules:
            path = path_for(app, rule, world)
            for method in _methods(rule):
                since = len(read_log(app))
                status = _send(client, method, path).status_code
                if status != 403 or not _logged_denial(app, since, path, rule):
                    wrong.append(f"{user.role} {method} {path}: {status}")
    assert wrong == []


def test_Z1_learners_get_403_in_the_trainer_area(app, client, db, login, world):
    login(world.learner)
    wrong = []
    for rule in (r for r in app_rules(app) if r.rule.startswith("/authoring")):
        path = path_for(app, rule, world)
        for method in _methods(rule):
            since = len(read_log(app))
            status = _send(client, method, path).status_code
            if status != 403 or not _logged_denial(app, since, path, rule):
                wrong.append(f"{method} {path}: {status}")
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_Z2_to_Z7_another_users_object_is_404_unchanged_and_logged(app, client, db, login, world, role):
    """Every route with an owned id × every role × another user's object (G-3: each refusal is logged)."""
    login(world.as_role(role))
    before = database_state(db)
    wrong, walked = [], 0
    for rule in filter(lambda r: takes_owned_id(r, world), app_rules(app)):
        if role == Role.ADMIN and rule.endpoint.startswith(ADMIN_REACHES_EVERY_COURSE):
            continue
        path = path_for(app, rule, world, "other")
        for method in _methods(rule):
            walked += 1
            since = len(read_log(app))
            status = _send(client, method, path).status_code
            if status not in (403, 404):
                wrong.append(f"{method} {path}: {status}")
            elif not _logged_denial(app, since, path, rule):
                wrong.append(f"{method} {path}: refused but not logged")
    assert walked > 20
    assert wrong == []
    assert database_state(db) == before


def test_Z2_neighbouring_certificate_codes_and_sequential_attempt_ids_are_404(client, db, login, world):
    login(world.learner)
    for attempt_id in (world.attempt.id - 1, world.attempt.id + 1, world.other_attempt.id):
        if attempt_id != world.attempt.id:
            assert client.get(f"/attempts/{attempt_id}").status_code == 404
    own = code(world.certificate)
    assert client.get(f"/certificates/{own}.pdf").status_code == 200
    neighbour = own[:-1] + ("A" if own[-1] != "A" else "B")
    assert client.get(f"/certificates/{neighbour}.pdf").status_code == 404


def test_Z3_another_learners_attempt_gets_no_answer_by_form_or_json(client, db, login, world):
    login(world.learner)
    question = world.other_attempt.snapshot["questions"][0]["id"]
    other = world.other_attempt.id
    assert client.post(f"/attempts/{other}/autosave", json={"answers": {question: "a"}},
                        headers={"X-CSRFToken": client.csrf_token()}).status_code == 404
    assert client.post_form(f"/attempts/{other}/answers", {"page": "1"}).status_code == 404
    assert client.post_form(f"/attempts/{other}/submit").status_code == 404
    db.expire_all()
    assert db.get(Attempt, other).submitted_at is None
    assert db.scalars(select(Answer).where(Answer.attempt_id == other)).all() == []


def test_Z4_another_learners_result_is_404(client, db, login, world):
    login(world.learner)
    assert client.get(f"/attempts/{world.other_attempt.id}/result").status_code == 404


def test_Z5_a_trainer_cannot_edit_another_course_nor_reach_its_parts_through_their_own(app, client, db, login,
                                                                                        world):
    with app.test_request_context():
        draft = authoring.load_draft(db, "t2-course", app.config["MEDIA_PATH"])
        authoring.add_module(db, draft, world.other_trainer, "secret-module", "T2's module", "secret-lesson",
                             now=utcnow())
        db.commit()
    login(world.trainer)
    before = database_state(db)
    assert client.post_form("/authoring/courses/t2-course/modules/secret-module",
                            {"title_en": "pwned"}).status_code == 404
    assert client.post_form("/authoring/courses/t2-course/delete/module/secret-module").status_code == 404
    # the parent–child mismatch: T1's own course in the URL, T2's module id after it
    assert client.get("/authoring/courses/t1-course/modules/secret-module").status_code == 404
    assert client.get("/authoring/courses/t1-course/lessons/secret-lesson").status_code == 404
    assert database_state(db) == before


def test_Z6_a_scoped_admin_cannot_reach_certificates_or_exports_outside_their_scope(app, client, db, login, world):
    login(world.admin)
    assert client.get(f"/admin/certificates/{code(world.other_certificate)}").status_code == 404
    assert client.get(f"/certificates/{code(world.other_certificate)}.pdf").status_code == 404
    listed = client.get("/admin/certificates").get_data(as_text=True)
    assert world.learner.name in listed and world.other_learner.name not in listed
    exported = client.post_form("/admin/users/export").get_data(as_text=True)
    assert world.learner.name in exported and world.other_learner.name not in exported


def test_Z7_an_unknown_or_unpublished_course_is_404_for_learners(client, db, login, world):
    login(world.learner)
    assert client.get("/courses/t2-course").status_code == 404  # a draft only: never published
    assert client.post_form("/courses/t2-course/enrol").status_code == 404


def test_Z8_extra_fields_cannot_set_role_activity_or_a_grade(client, db, login, world):
    login(world.learner)
    response = client.post_form("/account", {"name": "Léa T.", "locale": "fr", "role": "admin", "is_active": "0",
                                             "session_epoch": "99", "email": "boss@example.org",
                                             "scope_country": "CA"})
    assert response.status_code == 302
    db.expire_all()
    user = db.get(User, world.learner.id)
    assert (user.name, user.locale, user.role, user.is_active, user.scope_country) == (
        "Léa T.", "fr", Role.LEARNER, True, None)
    assert user.email != "boss@example.org"
    client.post_form(f"/attempts/{world.attempt.id}/submit", {"score": "1", "passed": "y", "correct": "a"})
    db.expire_all()
    attempt = db.get(Attempt, world.attempt.id)
    assert attempt.submitted_at is not None and attempt.passed is False and attempt.score == 0


def test_Z9_an_error_inside_the_access_check_fails_closed(app, client, db, login, world, monkeypatch):
    from training_app.quiz import services

    def broken(*_args, **_kwargs):
        raise RuntimeError("the permission check broke")

    monkeypatch.setattr(services, "own_attempt", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(world.learner)
    response = client.get(f"/attempts/{world.attempt.id}")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "permission check broke" not in body and "Traceback" not in body
    assert world.attempt.snapshot["questions"][0]["id"] not in body


def test_Z10_the_public_verification_page_shows_only_what_it_must(app, client, db, login, world):
    response = client.get(f"/verify/{code(world.certificate)}", headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert world.learner.name in body and world.learner.email not in body and "CBSA" not in body
    assert code(world.other_certificate) not in body and world.other_learner.name not in body
    assert "/certificates/" not in body  # no download links to any certificate
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")
    assert client.get("/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ").status_code == 404


def test_Z6_a_scoped_admin_cannot_act_on_a_user_outside_scope_even_by_forged_form(client, db, login, world):
    login(world.admin)
    response = client.post_form(f"/admin/users/{world.other_learner.id}/role", {"role": "admin"})
    assert response.status_code == 404
    db.expire_all()
    assert db.scalars(select(User.role).where(User.id == world.other_learner.id)).one() == Role.LEARNER
    assert client.post_form(f"/admin/users/{world.other_learner.id}/deactivate").status_code == 404
    db.expire_all()
    assert db.get(User, world.other_learner.id).is_active
