from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.admin.builders import csv_file, make_admin, make_post, outbox
from tests.factories import make_agency, make_user
from training_app.admin import services
from training_app.admin.models import AuditEvent
from training_app.auth.models import User

HEADER = "email,name,role,country,agency,post,locale"
NOW = datetime(2026, 3, 2, tzinfo=UTC)


def _users(db) -> int:
    return db.scalar(select(func.count(User.id)))


def _check(client, data: bytes):
    # Encoded here: the test client spools a large body to a temporary file it never closes.
    boundary, body = encode_multipart({"csrf_token": client.csrf_token(),
                                       "file": FileStorage(io.BytesIO(data), "accounts.csv")})
    return client.post("/admin/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _token(page: str) -> str:
    return re.search(r'/admin/import/([\w-]+)/apply', page).group(1)


@pytest.mark.parametrize(("lang", "filename", "example"), [
    ("en", "accounts-import-template.csv", "Jordan Smith"),
    ("fr", "modele-importation-comptes.csv", "Émilie Tremblay"),
    ("es", "plantilla-importacion-cuentas.csv", "Ana Martínez"),
])
def test_template_has_machine_headers_and_an_example_in_each_language(client, db, login, lang, filename, example):
    login(make_admin(db))
    response = client.get(f"/admin/import/template.csv?lang={lang}")
    assert filename in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == HEADER.split(",") and rows[1][1] == example and len(rows) == 2


def test_dry_run_reports_every_bad_row_with_its_line_and_creates_nobody(client, db, login):
    make_agency(db, "CA", "CBSA")
    login(make_admin(db, locale="fr"))
    before = _users(db)
    data = csv_file(
        HEADER,
        "good@example.org,Good Officer,learner,CA,CBSA,,fr",
        'not-an-email,"Name on\ntwo lines",learner,CA,CBSA,,fr',    # lines 3-4
        "x@example.org,X,admin,CA,CBSA,,en",                         # line 5
        "y@example.org,Y,learner,CA,NOPE,,en",                       # line 6
        "good@example.org,Again,learner,CA,CBSA,,en",                # line 7
        "z@example.org,Z,chief,ZZ,CBSA,,xx",                         # line 8
    )
    response = _check(client, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Vérifier l’importation" in page and "/apply" not in page
    expected = {
        3: "L’adresse courriel n’est pas valide.",
        5: "Les comptes d’administrateur ne sont pas importés",
        6: "Aucune agence de ce pays n’a cet acronyme ou ce nom.",
        7: "Cette adresse courriel figure déjà à la ligne 2.",
        8: "Rôle inconnu",
    }
    rows = re.findall(r"<tr[^>]*>\s*<td>(\d+)</td>(.*?)</tr>", page, re.S)
    by_line = {int(line): body for line, body in rows}
    assert sorted(by_line) == [2, 3, 5, 6, 7, 8]
    for line, reason in expected.items():
        assert reason in by_line[line], line
    assert "Pays inconnu" in by_line[8] and "Langue inconnue" in by_line[8]
    assert "Créer" in by_line[2]
    assert _users(db) == before


def test_apply_with_bad_rows_creates_nobody(app, client, db, login):
    make_agency(db, "CA", "CBSA")
    admin = make_admin(db, locale="es")
    login(admin)
    before = _users(db)
    bad = csv_file(HEADER, "a@example.org,A,learner,CA,CBSA,,en", "b@example.org,,learner,CA,CBSA,,en")
    token = services.stash_import(app.config["INSTANCE_PATH"] / "imports", admin, bad, NOW)
    response = client.post_form(f"/admin/import/{token}/apply")
    assert response.status_code == 422
    assert "1 fila rechazada, así que no se importó nada." in response.get_data(as_text=True)
    assert _users(db) == before
    with pytest.raises(services.AdminError):
        services.apply_import(db, admin, bad, NOW)


@pytest.mark.parametrize("bom", [True, False])
def test_import_with_or_without_bom_creates_updates_and_invites(app, client, db, login, bom):
    cbsa = make_agency(db, "CA", "CBSA")
    post = make_post(db, cbsa, "Lacolle")
    existing = make_user(db, email="known@example.org", name="Known")
    login(make_admin(db))
    data = csv_file("Email,Name,Country,Agency,Post,Locale",  # any order, any case; role may be left out
                    "New@Example.org,Émilie Tremblay,CA,cbsa,lacolle,fr",
                    "known@example.org,,CA,CBSA,,", bom=bom)
    page = _check(client, data).get_data(as_text=True)
    response = client.post_form(f"/admin/import/{_token(page)}/apply")
    assert response.status_code == 302
    new = db.scalars(select(User).where(User.email == "new@example.org")).one()
    assert (new.name, new.organisation_id, new.locale, new.role) == ("Émilie Tremblay", post.id, "fr", "learner")
    db.refresh(existing)
    assert (existing.name, existing.organisation_id) == ("Known", cbsa.id)
    [mail] = outbox(app)
    assert mail["To"] == "new@example.org"
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert sorted(actions) == ["user.create", "user.update", "users.import"]
    assert client.post_form(f"/admin/import/{_token(page)}/apply").status_code == 404  # used once


@pytest.mark.parametrize(("data", "message"), [
    (b"\xff\xfeemail\r\n", "n’est pas un texte UTF-8"),
    (b"mail,name\r\na@example.org,A\r\n", "La première ligne doit nommer les colonnes"),
    (HEADER.encode() + b"\r\n", "Le fichier ne contient aucune ligne à importer."),
    (b"x" * (services.MAX_IMPORT_BYTES + 1), "Le fichier dépasse 5 Mo."),
    ((HEADER + "\r\n" + "a@example.org,A,,,,,\r\n" * (services.MAX_IMPORT_ROWS + 1)).encode(),
     "Le fichier contient plus de 20000 lignes."),
], ids=["not-utf8", "bad-header", "no-rows", "too-large", "too-many-rows"])
def test_unreadable_files_get_a_clear_message(client, db, login, data, message):
    login(make_admin(db, locale="fr"))
    response = _check(client, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True).replace("\u202f", "").replace("\xa0", "")
