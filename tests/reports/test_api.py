"""The read-only API: tokens made in the UI, Bearer auth, scope, pages, and the OpenAPI document."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.admin.builders import make_admin
from tests.factories import make_user
from tests.reports.helpers import make_orgs, seed_learners
from training_app.admin.models import AuditEvent
from training_app.db import utcnow
from training_app.reports import services
from training_app.reports.models import ApiToken
from training_app.security import Role


def _create_token(client, name="Ministry", expires_on="") -> str:
    response = client.post_form("/reports/tokens", {"name": name, "expires_on": expires_on})
    assert response.status_code == 201, response.get_data(as_text=True)
    return re.search(r'id="new-token" type="text" readonly value="(gct_[^"]+)"', response.get_data(as_text=True))[1]


def _get(client, path: str, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(path, headers=headers)


def _seed(db, demo_course, count=6):
    orgs = make_orgs(db)
    return orgs, seed_learners(db, [orgs.cbsa, orgs.lacolle, orgs.anam, orgs.cbp], [demo_course], count,
                               first_lesson_id=demo_course.modules[0].lessons[0].id)


def test_token_is_shown_once_stored_hashed_works_and_is_refused_once_revoked(client, db, login, demo_course):
    orgs, seeded = _seed(db, demo_course)
    admin = make_admin(db)
    login(admin)
    token = _create_token(client)
    row = db.scalars(select(ApiToken)).one()
    assert token not in (row.token_hash, row.prefix) and row.prefix == token[:12]
    assert token not in client.get("/reports/tokens").get_data(as_text=True)
    client.post_form("/logout")

    response = _get(client, "/api/v1/completions", token)
    assert response.status_code == 200
    assert len(response.json["data"]) == len(seeded)
    assert _get(client, "/api/v1/completions/summary?group_by=course", token).json["total"]["learners"] == len(seeded)

    login(admin)
    assert client.post_form(f"/reports/tokens/{row.id}/revoke").status_code == 302
    response = _get(client, "/api/v1/completions", token)
    assert response.status_code == 401 and response.json["error"] == "unauthorized"
    assert "Bearer" in response.headers["WWW-Authenticate"]
    actions = set(db.scalars(select(AuditEvent.action)))
    assert {"api_token.create", "api_token.revoke"} <= actions


def test_expired_and_unknown_tokens_and_cookie_sessions_are_refused(client, db, login, demo_course):
    _seed(db, demo_course)
    admin = make_admin(db)
    now = utcnow()
    _row, token = services.create_token(db, admin, "Short-lived", now.date() + timedelta(days=1), now)
    db.commit()
    assert services.token_user(db, token, now) is not None
    assert services.token_user(db, token, now + timedelta(days=3)) is None
    assert _get(client, "/api/v1/completions", "gct_not-a-real-token").status_code == 401
    assert _get(client, "/api/v1/completions", None).status_code == 401
    login(admin)  # a signed-in browser without a token is not an API client
    assert _get(client, "/api/v1/completions", None).status_code == 401


def test_a_token_stops_working_when_its_admin_is_no_longer_one(client, db, demo_course):
    admin = make_admin(db)
    now = utcnow()
    _row, token = services.create_token(db, admin, "Reports", None, now)
    db.commit()
    admin.role = Role.TRAINER
    db.commit()
    assert _get(client, "/api/v1/completions", token).status_code == 401


def test_scoped_token_sees_only_its_admins_scope(client, db, demo_course):
    orgs, seeded = _seed(db, demo_course, count=8)
    admin = make_admin(db, country="CA", scope=orgs.cbsa)
    _row, token = services.create_token(db, admin, "CBSA", None, utcnow())
    db.commit()
    data = _get(client, "/api/v1/completions?limit=1000", token).json["data"]
    assert {row["user_id"] for row in data} == {r.user_id for r in seeded if r.agency_id == orgs.cbsa.id}
    assert {row["country"] for row in data} == {"CA"}
    summary = _get(client, "/api/v1/completions/summary?group_by=country", token).json
    assert [group["key"] for group in summary["groups"]] == ["CA"]
    # Asking for another agency gives nothing, never its rows.
    assert _get(client, f"/api/v1/completions?agency={orgs.anam.id}", token).status_code == 400


def test_pages_follow_the_cursor_to_the_end(client, db, demo_course):
    _orgs, seeded = _seed(db, demo_course, count=7)
    admin = make_admin(db)
    _row, token = services.create_token(db, admin, "Pages", None, utcnow())
    db.commit()
    seen, cursor = [], None
    for _page in range(10):
        response = _get(client, "/api/v1/completions?limit=3" + (f"&cursor={cursor}" if cursor else ""), token).json
        seen += [row["enrolment_id"] for row in response["data"]]
        cursor = response["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == len(seeded)
    assert _get(client, "/api/v1/completions?limit=0", token).status_code == 400
    assert _get(client, "/api/v1/completions?cursor=abc", token).json["error"] == "invalid_parameter"


def test_openapi_document_describes_every_field_the_api_returns(client, db, demo_course):
    _seed(db, demo_course)
    admin = make_admin(db)
    _row, token = services.create_token(db, admin, "Docs", None, utcnow())
    db.commit()
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    schemas = spec["components"]["schemas"]
    page = _get(client, "/api/v1/completions", token).json
    summary = _get(client, "/api/v1/completions/summary?group_by=agency", token).json
    _check(page, schemas["CompletionPage"], schemas)
    _check(summary, schemas["Summary"], schemas)
    for parameter in spec["paths"]["/completions"]["get"]["parameters"]:
        assert _get(client, f"/api/v1/completions?{parameter['name']}=", token).status_code in (200, 400)


def _check(value, schema: dict, schemas: dict) -> None:
    """Every documented property is present (and no undocumented one), recursively, with the right type."""
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    python = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
              "boolean": bool, "null": type(None)}
    assert isinstance(value, tuple(python[t] for t in types if t)), (value, schema)
    if isinstance(value, dict) and "properties" in schema:
        assert set(value) == set(schema["properties"]), (set(value) ^ set(schema["properties"]))
        for name, sub in schema["properties"].items():
            _check(value[name], sub, schemas)
    if isinstance(value, list) and "items" in schema:
        assert value, "a documented list must have items to check"
        for item in value:
            _check(item, schema["items"], schemas)


def test_tokens_page_is_for_admins_and_a_past_expiry_is_refused_in_french(client, db, login):
    login(make_user(db, role=Role.TRAINER))
    assert client.get("/reports/tokens").status_code == 403
    client.post_form("/logout")
    login(make_admin(db, locale="fr"))
    response = client.post_form("/reports/tokens", {"name": "Vieux", "expires_on": "2020-01-01"})
    assert response.status_code == 422
    assert "Choisissez une date d’expiration" in response.get_data(as_text=True)
