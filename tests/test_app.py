from __future__ import annotations

from sqlalchemy import create_engine

from tests.conftest import html_lang
from tests.factories import make_user
from training_app import create_app


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def _app_without_database(tmp_path):
    # A PostgreSQL port where nothing listens: the database is down.
    return create_app({"DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=1",
                       "TRAINING_APP_INSTANCE": tmp_path, "SECRET_KEY": "x" * 32})


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    response = _app_without_database(tmp_path).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}


def test_pages_show_a_translated_error_when_the_database_is_down(tmp_path):
    client = _app_without_database(tmp_path).test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:0"  # a signed-in visitor makes the app ask the database
    response = client.get("/dashboard?lang=fr")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "Le service est momentanément indisponible" in body
    assert "Traceback" not in body


def test_login_page_in_each_language(client):
    for lang, word in (("en", "Sign in"), ("fr", "Se connecter"), ("es", "Iniciar sesión")):
        body = client.get(f"/login?lang={lang}").get_data(as_text=True)
        assert html_lang(body) == lang
        assert word in body


def test_language_choice_is_kept_in_the_session(client):
    client.get("/login?lang=fr")
    assert html_lang(client.get("/login").get_data(as_text=True)) == "fr"


def test_accept_language_is_used_without_a_choice(client):
    body = client.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert html_lang(body) == "es"


def test_unknown_page_is_a_translated_404(client):
    response = client.get("/no/such/page?lang=es")
    assert response.status_code == 404
    assert "Esta página no existe." in response.get_data(as_text=True)


def test_security_headers_on_every_response(client, db, login):
    for response in (client.get("/login"), client.get("/healthz"), client.get("/nowhere")):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    login(make_user(db))
    assert client.get("/dashboard").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, db, login):
    response = login(make_user(db))
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secret_key_is_generated_once_into_the_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    first = create_app({"DATABASE_URL": url, "TRAINING_APP_INSTANCE": tmp_path})
    second = create_app({"DATABASE_URL": url, "TRAINING_APP_INSTANCE": tmp_path})
    assert first.secret_key == second.secret_key and len(first.secret_key) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_models_and_migrations_agree(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from training_app.db import Base
    from training_app.models import import_all

    import_all()
    engine = create_engine(app.config["DATABASE_URL"])
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_form_fields_carry_no_empty_attributes(client):
    body = client.get("/login").get_data(as_text=True)
    assert '="None"' not in body
    assert 'required type="email"' in body
