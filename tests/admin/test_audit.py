from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from tests.admin.builders import make_admin
from tests.factories import make_user
from training_app.admin import services
from training_app.admin.models import AuditEvent

WHEN = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_audit_events_cannot_be_updated_or_deleted_in_the_database(db):
    admin = make_admin(db)
    event = services.record(db, admin, "user.update", target=admin, now=WHEN)
    db.commit()
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DatabaseError, match="append-only"):
            db.execute(text(statement))
        db.rollback()
    assert db.scalars(select(AuditEvent.action).where(AuditEvent.id == event.id)).one() == "user.update"


def test_record_keeps_the_target_name_and_its_organisation(db):
    admin = make_admin(db)
    user = make_user(db, name="Ana Martínez")
    event = services.record(db, admin, "user.deactivate", target=user, details={"n": 1}, now=WHEN)
    db.commit()
    assert (event.actor_id, event.target_type, event.target_id, event.target_label, event.details) == (
        admin.id, "user", user.id, "Ana Martínez", {"n": 1})


def test_audit_page_filters_by_action_actor_and_period(client, db, login):
    admin = make_admin(db, locale="fr", name="Émilie Tremblay")
    other = make_admin(db, name="Jordan Smith")
    learner = make_user(db, name="Ana Martínez")
    services.record(db, admin, "user.deactivate", target=learner, now=WHEN)
    services.record(db, other, "user.role_change", target=learner, now=datetime(2026, 5, 1, tzinfo=UTC))
    db.commit()
    login(admin)
    deactivated, role_changed = "<td>Compte désactivé</td>", "<td>Rôle modifié</td>"
    page = client.get("/admin/audit?lang=fr").get_data(as_text=True)
    assert "Journal d’audit" in page and deactivated in page and role_changed in page
    page = client.get("/admin/audit?action=user.role_change").get_data(as_text=True)
    assert role_changed in page and deactivated not in page
    page = client.get("/admin/audit?actor=tremblay").get_data(as_text=True)
    assert deactivated in page and role_changed not in page
    page = client.get("/admin/audit?since=2026-04-01&until=2026-05-01").get_data(as_text=True)
    assert role_changed in page and deactivated not in page


def test_audit_page_paginates(client, db, login):
    admin = make_admin(db)
    for _ in range(services.PER_PAGE + 1):
        services.record(db, admin, "user.update", target=admin, now=WHEN)
    db.commit()
    login(admin)
    assert "Page 1 of 2" in client.get("/admin/audit").get_data(as_text=True)
    page = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in page and page.count("<tr>") == 2  # the header and one event


def test_audit_export_is_formula_safe_translated_and_itself_recorded(client, db, login):
    admin = make_admin(db, locale="es")
    learner = make_user(db, name='=HYPERLINK("http://x","y")')
    services.record(db, admin, "user.deactivate", target=learner, now=WHEN)
    db.commit()
    login(admin)
    response = client.post_form("/admin/audit/export?lang=es", {"action": "user.deactivate"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "registro-de-auditoria" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:], newline="")))
    assert rows[0][:4] == ["Fecha y hora (UTC)", "Realizado por", "Realizado por (id)", "Acción"]
    assert rows[1][3] == "Cuenta desactivada"
    assert rows[1][6] == '\'=HYPERLINK("http://x","y")'
    assert len(rows) == 2
    assert db.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first() == "audit.export"
