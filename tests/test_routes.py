"""Every route, as anonymous, learner, trainer and admin: the status each one gets.

A route added without a row here fails `test_every_route_is_in_the_table`.
"""

from __future__ import annotations

import pytest

from tests.admin.routes import ROUTES as ADMIN_ROUTES
from tests.auth.routes import ROUTES as AUTH_ROUTES
from tests.authoring.routes import ROUTES as AUTHORING_ROUTES
from tests.certificates.routes import ROUTES as CERTIFICATE_ROUTES
from tests.factories import make_user
from tests.help.routes import ROUTES as HELP_ROUTES
from tests.learn.routes import ROUTES as LEARN_ROUTES
from tests.quiz.routes import ROUTES as QUIZ_ROUTES
from tests.reports.routes import ROUTES as REPORT_ROUTES
from tests.routes_common import ADMIN, ANON, LEARNER, TRAINER

#: (method, path, {who: status}); POSTs carry a valid CSRF token and an empty form. Each capability
#: keeps its rows in tests/<capability>/routes.py, with the demo course imported.
ROUTES = [*AUTH_ROUTES, *LEARN_ROUTES, *QUIZ_ROUTES, *CERTIFICATE_ROUTES, *ADMIN_ROUTES, *AUTHORING_ROUTES,
          *REPORT_ROUTES, *HELP_ROUTES]


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
