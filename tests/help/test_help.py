"""The help pages: in three languages, linked from every page's footer and from the screens they explain."""

from __future__ import annotations

import re

import pytest

from tests.conftest import html_lang
from tests.factories import make_user
from training_app.security import Role

PAGES = {
    "/help/learners": {"en": "If the connection drops", "fr": "Si la connexion est coupée",
                       "es": "Si se pierde la conexión"},
    "/help/trainers": {"en": "Upload photos", "fr": "Téléverser des photos", "es": "Cargar fotografías"},
    "/help/administrators": {"en": "Revoke a certificate", "fr": "Révoquer un certificat",
                             "es": "Revocar una constancia"},
}


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
@pytest.mark.parametrize("path", list(PAGES))
def test_help_page_reads_in_the_chosen_language(client, path, lang):
    response = client.get(f"{path}?lang={lang}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and html_lang(page) == lang
    assert PAGES[path][lang] in page


def test_help_quotes_the_buttons_as_the_screens_name_them(client):
    french = client.get("/help/learners?lang=fr").get_data(as_text=True)
    assert "« Commencer le questionnaire »" in french and "« Reprendre le questionnaire »" in french
    spanish = client.get("/help/administrators?lang=es").get_data(as_text=True)
    assert "“Aplicar estos cambios”" in spanish


def test_every_page_footer_links_to_help(client, db, login):
    for page in (client.get("/login"), client.get("/verify")):
        assert 'href="/help"' in page.get_data(as_text=True).split('class="site-footer"')[1]
    login(make_user(db))
    footer = client.get("/dashboard").get_data(as_text=True).split('class="site-footer"')[1]
    assert 'href="/help"' in footer


def test_screens_link_to_the_help_section_they_need(client, db, login):
    assert 'href="/help/learners#verify"' in client.get("/verify").get_data(as_text=True)
    login(make_user(db, role=Role.ADMIN))
    assert 'href="/help/administrators#import"' in client.get("/admin/import").get_data(as_text=True)
    assert 'href="/help/trainers"' in client.get("/authoring").get_data(as_text=True)


def test_help_sections_linked_from_the_screens_exist(client):
    for path, anchor in (("/help/learners", "connection"), ("/help/learners", "verify"),
                         ("/help/trainers", "photos"), ("/help/administrators", "import"),
                         ("/help/administrators", "revoke")):
        page = client.get(path).get_data(as_text=True)
        assert re.search(rf'<h2 id="{anchor}">', page), (path, anchor)
