"""Every administration screen in the three languages."""

from __future__ import annotations

import pytest

from tests.admin.builders import make_admin
from tests.conftest import html_lang
from tests.factories import make_agency, make_user

#: (path, English, French, Spanish) words each screen shows
SCREENS = [
    ("/admin/users", "Create an account", "Créer un compte", "Crear una cuenta"),
    ("/admin/users/new", "Create and invite", "Créer et inviter", "Crear e invitar"),
    ("/admin/users/{user}", "Deactivate the account", "Désactiver le compte", "Desactivar la cuenta"),
    ("/admin/organisations", "Add an agency or a post", "Ajouter une agence ou un poste",
     "Agregar una dependencia o una oficina"),
    ("/admin/organisations/new", "A post belongs to an agency", "Un poste relève d’une agence",
     "Una oficina pertenece a una dependencia"),
    ("/admin/organisations/{organisation}", "Invitation code", "Code d’invitation", "Código de invitación"),
    ("/admin/import", "Download the template (CSV)", "Télécharger le modèle (CSV)", "Descargar la plantilla (CSV)"),
    ("/admin/audit", "Audit log", "Journal d’audit", "Registro de auditoría"),
]


@pytest.mark.parametrize(("path", "en", "fr", "es"), SCREENS)
def test_screen_in_three_languages(client, db, login, path, en, fr, es):
    organisation = make_agency(db)
    user = make_user(db, organisation=organisation)
    login(make_admin(db))
    for lang, words in (("en", en), ("fr", fr), ("es", es)):
        response = client.get(path.format(user=user.id, organisation=organisation.id) + f"?lang={lang}")
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and html_lang(body) == lang
        assert words in body, lang


def test_admin_link_is_shown_to_admins_only(client, db, login):
    login(make_user(db))
    assert "/admin/users" not in client.get("/dashboard").get_data(as_text=True)
    client.post_form("/logout")
    login(make_admin(db))
    assert 'href="/admin/users"' in client.get("/dashboard?lang=fr").get_data(as_text=True)
