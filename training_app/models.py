"""Every capability's tables, imported in one place for Alembic and the schema test."""


def import_all() -> None:
    import training_app.auth.models  # noqa: F401
