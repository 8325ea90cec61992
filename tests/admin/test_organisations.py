from __future__ import annotations

from sqlalchemy import select

from tests.admin.builders import make_admin
from tests.factories import PASSWORD, make_agency
from training_app.admin.models import AuditEvent
from training_app.auth.models import Organisation


def test_create_an_agency_then_a_post_in_it(client, db, login):
    login(make_admin(db))
    response = client.post_form("/admin/organisations/new", {"parent": "", "country": "CA", "kind": "wildlife",
                                                             "code": "CWS", "name": "Canadian Wildlife Service"})
    assert response.status_code == 302
    agency = db.scalars(select(Organisation).where(Organisation.code == "CWS")).one()
    client.post_form("/admin/organisations/new", {"parent": str(agency.id), "country": "US",
                                                  "kind": "regional_office", "code": "", "name": "Québec"})
    post = db.scalars(select(Organisation).where(Organisation.name == "Québec")).one()
    assert (post.parent_id, post.country) == (agency.id, "CA")  # a post is in its agency's country
    assert db.scalars(select(AuditEvent.action)).all() == ["organisation.create", "organisation.create"]


def test_a_post_kind_for_an_agency_is_refused_in_spanish(client, db, login):
    login(make_admin(db, locale="es"))
    response = client.post_form("/admin/organisations/new", {"parent": "", "country": "MX",
                                                             "kind": "port_of_entry", "name": "X"})
    assert response.status_code == 422
    assert "Este tipo no corresponde" in response.get_data(as_text=True)


def test_edit_an_organisation(client, db, login):
    agency = make_agency(db)
    login(make_admin(db))
    client.post_form(f"/admin/organisations/{agency.id}", {"name": "Renamed", "code": "CBSA", "kind": "other"})
    db.refresh(agency)
    assert (agency.name, agency.kind) == ("Renamed", "other")


def test_invitation_codes_can_be_made_regenerated_and_removed(client, db, login):
    agency = make_agency(db, invitation_code="old-code")
    login(make_admin(db))
    client.post_form(f"/admin/organisations/{agency.id}/invitation-code")
    db.refresh(agency)
    new_code = agency.invitation_code
    assert new_code not in (None, "old-code")
    client.post_form("/logout")

    def register(code: str, email: str) -> int:
        return client.post_form("/register", {"invitation_code": code, "name": "N", "email": email,
                                              "locale": "en", "password": PASSWORD, "confirm": PASSWORD}).status_code

    assert register("old-code", "a@example.org") == 422
    assert register(new_code, "b@example.org") == 302
    client.post_form("/logout")
    login(make_admin(db))
    client.post_form(f"/admin/organisations/{agency.id}/invitation-code/remove")
    db.refresh(agency)
    assert agency.invitation_code is None
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "organisation.invitation_code")).all()
    assert [e.details["change"] for e in events] == ["new", "removed"]
    assert all(new_code not in str(e.details) for e in events)
