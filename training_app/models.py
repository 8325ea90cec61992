"""Every capability's tables, imported in one place for Alembic and the schema test."""


def import_all() -> None:
    import training_app.admin.models  # noqa: F401
    import training_app.auth.models  # noqa: F401
    import training_app.authoring.models  # noqa: F401
    import training_app.certificates.models  # noqa: F401
    import training_app.learn.models  # noqa: F401
    import training_app.mail_models  # noqa: F401
    import training_app.quiz.models  # noqa: F401
    import training_app.reports.models  # noqa: F401
