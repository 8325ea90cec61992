"""Every route, as anonymous, learner, trainer and admin: the status each one gets.

A route added without a row here fails `test_every_route_is_in_the_table`.
"""

from __future__ import annotations

import pytest

from tests.factories import make_user
from training_app.security import Role

ANON, LEARNER, TRAINER, ADMIN = "anonymous", Role.LEARNER, Role.TRAINER, Role.ADMIN

#: (method, path, {who: status}); POSTs carry a valid CSRF token and an empty form
ROUTES = [
    ("GET", "/", {ANON: 302, LEARNER: 302, TRAINER: 302, ADMIN: 302}),
    ("GET", "/healthz", {ANON: 200, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("GET", "/login", {ANON: 200, LEARNER: 302, TRAINER: 302, ADMIN: 302}),
    ("POST", "/login", {ANON: 422, LEARNER: 302, TRAINER: 302, ADMIN: 302}),
    ("POST", "/logout", {ANON: 302, LEARNER: 302, TRAINER: 302, ADMIN: 302}),
    ("GET", "/register", {ANON: 200, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("POST", "/register", {ANON: 422, LEARNER: 422, TRAINER: 422, ADMIN: 422}),
    ("GET", "/dashboard", {ANON: 302, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("GET", "/account", {ANON: 302, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("POST", "/account", {ANON: 302, LEARNER: 422, TRAINER: 422, ADMIN: 422}),
    ("GET", "/account/password", {ANON: 302, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("POST", "/account/password", {ANON: 302, LEARNER: 422, TRAINER: 422, ADMIN: 422}),
    ("GET", "/password/forgot", {ANON: 200, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("POST", "/password/forgot", {ANON: 422, LEARNER: 422, TRAINER: 422, ADMIN: 422}),
    ("GET", "/password/reset/not-a-token", {ANON: 400, LEARNER: 400, TRAINER: 400, ADMIN: 400}),
    ("POST", "/password/reset/not-a-token", {ANON: 400, LEARNER: 400, TRAINER: 400, ADMIN: 400}),
    ("GET", "/courses", {ANON: 302, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("GET", "/courses/demo-course", {ANON: 302, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("GET", "/courses/no-such-course", {ANON: 302, LEARNER: 404, TRAINER: 404, ADMIN: 404}),
    ("POST", "/courses/demo-course/enrol", {ANON: 302, LEARNER: 302, TRAINER: 302, ADMIN: 302}),
    ("GET", "/courses/demo-course/lessons/labels", {ANON: 302, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("POST", "/courses/demo-course/lessons/labels/complete",
     {ANON: 302, LEARNER: 302, TRAINER: 302, ADMIN: 302}),
    ("GET", "/media/0000.png", {ANON: 404, LEARNER: 404, TRAINER: 404, ADMIN: 404}),
]


def test_every_route_is_in_the_table(app):
    covered = {(method, _rule_of(app, path)) for method, path, _ in ROUTES}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, rule.rule) in covered, f"add {method} {rule.rule} to ROUTES"


def _rule_of(app, path: str) -> str:
    adapter = app.url_map.bind("localhost")
    method = "GET"
    for candidate in ("GET", "POST"):
        try:
            endpoint, _args = adapter.match(path, method=candidate)
            method = candidate
            break
        except Exception:  # noqa: BLE001, S112 - try the next method
            continue
    return next(r.rule for r in app.url_map.iter_rules() if r.endpoint == endpoint and method in r.methods)


@pytest.mark.parametrize("who", [ANON, LEARNER, TRAINER, ADMIN])
def test_route_statuses(client, db, login, who, demo_course):
    user = None if who == ANON else make_user(db, role=who)
    wrong = []
    for method, path, expected in ROUTES:
        if user is not None:
            login(user)
        if method == "GET":
            status = client.get(path).status_code
        else:
            status = client.post_form(path, {}).status_code
        if status != expected[who]:
            wrong.append(f"{method} {path}: {status}, expected {expected[who]}")
    assert wrong == []
