from __future__ import annotations

from sqlalchemy import select

from tests.admin.builders import link_in, make_admin, make_post, outbox
from tests.factories import PASSWORD, make_agency, make_user
from training_app.admin import services
from training_app.admin.models import AuditEvent
from training_app.auth.models import User
from training_app.security import Role


def _actions(db, user: User) -> list[str]:
    return list(db.scalars(select(AuditEvent.action).where(
        AuditEvent.target_type == "user", AuditEvent.target_id == user.id).order_by(AuditEvent.id)))


def test_users_list_searches_filters_and_paginates(client, db, login):
    cbsa = make_agency(db, "CA", "CBSA")
    anam = make_agency(db, "MX", "ANAM")
    make_user(db, name="Émilie Tremblay", organisation=make_post(db, cbsa))
    make_user(db, name="Ana Martínez", organisation=anam, role=Role.TRAINER)
    login(make_admin(db, locale="fr"))
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Comptes" in page and "Émilie Tremblay" in page and "Ana Martínez" in page
    page = client.get("/admin/users?q=martínez").get_data(as_text=True)
    assert "Ana Martínez" in page and "Émilie Tremblay" not in page
    page = client.get(f"/admin/users?agency={cbsa.id}").get_data(as_text=True)
    assert "Émilie Tremblay" in page and "Ana Martínez" not in page
    page = client.get("/admin/users?country=MX&role=trainer&active=yes").get_data(as_text=True)
    assert "Ana Martínez" in page and "Émilie Tremblay" not in page
    for _ in range(services.PER_PAGE):
        make_user(db, organisation=anam)
    page = client.get("/admin/users?country=MX&page=2").get_data(as_text=True)
    assert "Page 2 de 2" in page


def test_create_user_invites_them_in_their_language_to_choose_a_password(app, client, db, login):
    agency = make_agency(db, "MX", "ANAM")
    admin = make_admin(db)
    login(admin)
    response = client.post_form("/admin/users/new", {
        "email": "Ana.Martinez@Example.org", "name": "Ana Martínez", "organisation": str(agency.id),
        "role": "learner", "locale": "es"})
    assert response.status_code == 302
    user = db.scalars(select(User).where(User.email == "ana.martinez@example.org")).one()
    assert (user.name, user.organisation_id, user.role, user.locale) == ("Ana Martínez", agency.id, "learner", "es")
    assert _actions(db, user) == ["user.create"]
    [mail] = outbox(app)
    assert mail["To"] == "ana.martinez@example.org" and "Aduanas Verdes" in mail["Subject"]
    assert "contraseña" in mail.get_content()
    client.post_form("/logout")
    assert client.post_form(link_in(mail), {"password": PASSWORD, "confirm": PASSWORD}).status_code == 302
    assert client.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 302


def test_create_user_refuses_a_taken_email_in_french(client, db, login):
    taken = make_user(db)
    login(make_admin(db, locale="fr"))
    response = client.post_form("/admin/users/new", {"email": taken.email, "name": "X", "organisation": "",
                                                     "role": "learner", "locale": "fr"})
    assert response.status_code == 422
    assert "Un compte existe déjà avec cette adresse courriel." in response.get_data(as_text=True)


def test_edit_user_changes_name_organisation_and_locale(client, db, login):
    agency = make_agency(db)
    user = make_user(db, name="Old Name")
    login(make_admin(db))
    response = client.post_form(f"/admin/users/{user.id}", {"name": "New Name", "organisation": str(agency.id),
                                                            "locale": "fr"})
    assert response.status_code == 302
    db.refresh(user)
    assert (user.name, user.organisation_id, user.locale) == ("New Name", agency.id, "fr")
    assert _actions(db, user) == ["user.update"]


def test_role_change_is_in_the_audit_log(client, db, login):
    user = make_user(db)
    login(make_admin(db))
    client.post_form(f"/admin/users/{user.id}/role", {"role": "trainer", "scope_country": "",
                                                      "scope_organisation": ""})
    db.refresh(user)
    assert user.role == "trainer"
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "user.role_change")).one()
    assert (event.target_id, event.details["from"], event.details["to"]) == (user.id, "learner", "trainer")


def test_making_an_admin_sets_their_scope(client, db, login):
    agency = make_agency(db, "MX", "ANAM")
    user = make_user(db, organisation=agency)
    login(make_admin(db))
    client.post_form(f"/admin/users/{user.id}/role", {"role": "admin", "scope_country": "MX",
                                                      "scope_organisation": str(agency.id)})
    db.refresh(user)
    assert (user.role, user.scope_country, user.scope_organisation_id) == ("admin", "MX", agency.id)


def test_deactivation_signs_the_user_out_keeps_their_records_and_is_audited(app, client, db, login):
    user = make_user(db)
    theirs = app.test_client()
    theirs.post_form("/login", {"email": user.email, "password": PASSWORD})
    assert theirs.get("/dashboard").status_code == 200
    login(make_admin(db, locale="es"))
    response = client.post_form(f"/admin/users/{user.id}/deactivate", follow_redirects=True)
    assert "ya no puede iniciar sesión" in response.get_data(as_text=True)
    assert theirs.get("/dashboard").status_code == 302
    assert theirs.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 401
    db.refresh(user)
    assert user.is_active is False and db.get(User, user.id) is not None
    client.post_form(f"/admin/users/{user.id}/reactivate")
    db.refresh(user)
    assert user.is_active is True
    assert _actions(db, user) == ["user.deactivate", "user.reactivate"]


def test_admin_cannot_deactivate_or_demote_themselves(client, db, login):
    admin = make_admin(db, locale="fr")
    login(admin)
    page = client.post_form(f"/admin/users/{admin.id}/deactivate", follow_redirects=True).get_data(as_text=True)
    assert "Vous ne pouvez pas faire cela à votre propre compte." in page
    client.post_form(f"/admin/users/{admin.id}/role", {"role": "learner"})
    db.refresh(admin)
    assert admin.is_active and admin.role == "admin"


def test_password_reset_and_invitation_send_a_working_link(app, client, db, login):
    user = make_user(db, locale="fr")
    login(make_admin(db))
    client.post_form(f"/admin/users/{user.id}/password-reset")
    client.post_form(f"/admin/users/{user.id}/invitation")
    reset, invitation = outbox(app)
    assert "mot de passe" in reset.get_content()
    assert _actions(db, user) == ["user.password_reset", "user.invitation_resend"]
    client.post_form("/logout")
    new = "another long passphrase"
    assert client.post_form(link_in(invitation), {"password": new, "confirm": new}).status_code == 302
    assert client.post_form("/login", {"email": user.email, "password": new}).status_code == 302


def test_users_export_lists_the_filtered_accounts(client, db, login):
    make_user(db, name="Ana Martínez")
    make_user(db, name="Jordan Smith")
    login(make_admin(db, name="Admin", locale="fr"))
    response = client.post_form("/admin/users/export", {"q": "martínez"})
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeffNom complet,")
    assert "Ana Martínez" in body and "Jordan Smith" not in body
    assert db.scalars(select(AuditEvent.action)).all() == ["users.export"]
