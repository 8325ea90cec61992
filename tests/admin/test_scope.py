"""A scoped administrator sees and manages only their country or agency, on every screen and export."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from tests.admin.builders import csv_file, make_admin, make_post
from tests.factories import make_agency, make_user
from training_app.admin import services
from training_app.admin.models import AuditEvent
from training_app.auth.models import Organisation, User
from training_app.db import utcnow
from training_app.security import Role


@pytest.fixture
def world(db):
    """Two agencies in Canada (one with a post), one in Mexico, a learner in each, and one without."""
    cbsa = make_agency(db, "CA", "CBSA")
    eccc = make_agency(db, "CA", "ECCC", kind="environment")
    anam = make_agency(db, "MX", "ANAM")
    lacolle = make_post(db, cbsa, "Lacolle")
    return {
        "cbsa": cbsa, "eccc": eccc, "anam": anam, "lacolle": lacolle,
        "at_lacolle": make_user(db, name="At Lacolle", organisation=lacolle),
        "at_eccc": make_user(db, name="At ECCC", organisation=eccc),
        "at_anam": make_user(db, name="At ANAM", organisation=anam),
        "nowhere": make_user(db, name="Nowhere"),
    }


def _names(db, admin) -> set[str]:
    return set(db.scalars(select(User.name).where(services.scope_filter(admin), User.role != Role.ADMIN)))


def test_scope_filter_by_country_agency_or_nothing(db, world):
    assert _names(db, make_admin(db)) == {"At Lacolle", "At ECCC", "At ANAM", "Nowhere"}
    assert _names(db, make_admin(db, "CA")) == {"At Lacolle", "At ECCC"}
    assert _names(db, make_admin(db, "CA", scope=world["cbsa"])) == {"At Lacolle"}
    assert _names(db, make_admin(db, "MX")) == {"At ANAM"}
    in_cbsa = set(db.scalars(select(Organisation.name).where(
        services.scope_filter(make_admin(db, "CA", scope=world["cbsa"]), Organisation.id))))
    assert in_cbsa == {"CBSA agency", "Lacolle"}


def test_scoped_admin_lists_and_exports_only_their_scope(client, db, login, world):
    admin = make_admin(db, "CA", scope=world["cbsa"], organisation=world["cbsa"])
    services.record(db, None, "user.deactivate", target=world["at_anam"], now=utcnow())
    services.record(db, None, "user.reactivate", target=world["at_lacolle"], now=utcnow())
    db.commit()
    login(admin)
    users = client.get("/admin/users").get_data(as_text=True)
    assert "At Lacolle" in users and "At ECCC" not in users and "At ANAM" not in users and "Nowhere" not in users
    export = client.post_form("/admin/users/export").get_data(as_text=True)
    assert "At Lacolle" in export and "At ECCC" not in export and "At ANAM" not in export
    organisations = client.get("/admin/organisations").get_data(as_text=True)
    assert "Lacolle" in organisations and "ECCC" not in organisations and "ANAM" not in organisations
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "At Lacolle" in audit and "At ANAM" not in audit
    audit_export = client.post_form("/admin/audit/export").get_data(as_text=True)
    assert "At Lacolle" in audit_export and "At ANAM" not in audit_export
    assert client.get(f"/admin/users?agency={world['anam'].id}").status_code == 200


def test_scoped_admin_gets_404_for_anything_outside_their_scope(client, db, login, world):
    login(make_admin(db, "CA"))
    outside_user, outside_org = world["at_anam"], world["anam"]
    for method, path in [
        ("GET", f"/admin/users/{outside_user.id}"), ("POST", f"/admin/users/{outside_user.id}"),
        ("POST", f"/admin/users/{outside_user.id}/role"), ("POST", f"/admin/users/{outside_user.id}/deactivate"),
        ("POST", f"/admin/users/{outside_user.id}/reactivate"),
        ("POST", f"/admin/users/{outside_user.id}/password-reset"),
        ("POST", f"/admin/users/{outside_user.id}/invitation"),
        ("GET", f"/admin/users/{world['nowhere'].id}"),
        ("GET", f"/admin/organisations/{outside_org.id}"), ("POST", f"/admin/organisations/{outside_org.id}"),
        ("POST", f"/admin/organisations/{outside_org.id}/invitation-code"),
        ("POST", f"/admin/organisations/{outside_org.id}/invitation-code/remove"),
    ]:
        response = client.get(path) if method == "GET" else client.post_form(path, {"name": "x", "role": "admin"})
        assert response.status_code == 404, (method, path)
    db.refresh(outside_user)
    assert outside_user.is_active and outside_user.role == "learner"
    assert db.scalars(select(AuditEvent)).all() == []


def test_scoped_admin_cannot_move_a_user_out_of_scope_or_create_one_outside(client, db, login, world):
    login(make_admin(db, "CA", locale="fr"))
    user = world["at_eccc"]
    response = client.post_form(f"/admin/users/{user.id}", {"name": user.name, "organisation": str(world["anam"].id),
                                                            "locale": "en"})
    assert response.status_code == 422
    db.refresh(user)
    assert user.organisation_id == world["eccc"].id
    response = client.post_form("/admin/users/new", {"email": "n@example.org", "name": "N", "organisation": "",
                                                     "role": "learner", "locale": "en"})
    assert response.status_code == 422
    assert db.scalars(select(User).where(User.email == "n@example.org")).one_or_none() is None


def test_scoped_admin_cannot_grant_a_wider_scope(client, db, login, world):
    admin = make_admin(db, "CA", scope=world["cbsa"], locale="es")
    login(admin)
    user = world["at_lacolle"]
    for scope_country, scope_organisation in (("", ""), ("CA", ""), ("CA", str(world["eccc"].id)),
                                              ("MX", str(world["anam"].id))):
        response = client.post_form(f"/admin/users/{user.id}/role", {
            "role": "admin", "scope_country": scope_country, "scope_organisation": scope_organisation})
        assert response.status_code == 422, (scope_country, scope_organisation)
    db.refresh(user)
    assert user.role == "learner"
    client.post_form(f"/admin/users/{user.id}/role", {"role": "admin", "scope_country": "CA",
                                                      "scope_organisation": str(world["cbsa"].id)})
    db.refresh(user)
    assert (user.role, user.scope_country, user.scope_organisation_id) == ("admin", "CA", world["cbsa"].id)


def test_scoped_admin_cannot_touch_an_administrator_with_a_wider_scope(client, db, login, world):
    boss = make_admin(db, organisation=world["cbsa"])  # unscoped, but a member of CBSA
    login(make_admin(db, "CA", locale="fr"))
    page = client.post_form(f"/admin/users/{boss.id}/deactivate", follow_redirects=True).get_data(as_text=True)
    assert "Cet administrateur gère plus que vous." in page
    db.refresh(boss)
    assert boss.is_active


def test_scoped_admin_import_rejects_rows_outside_scope(client, db, login, world):
    login(make_admin(db, "CA", locale="en"))
    data = csv_file("email,name,country,agency",
                    "new@example.org,New,MX,ANAM",
                    f"{world['at_anam'].email},Renamed,,",
                    "other@example.org,Other,,")
    page = client.post_form("/admin/import", {"file": (io.BytesIO(data), "a.csv")},
                            content_type="multipart/form-data").get_data(as_text=True)
    assert page.count("Outside the part of the organisation you manage.") == 2
    assert "Give a country and an agency" in page
