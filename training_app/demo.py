"""First run of `serve`: reference agencies, shipped courses and demo accounts with random passwords."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from training_app.auth import services as accounts
from training_app.auth.models import Organisation
from training_app.db import get_session
from training_app.learn import importer
from training_app.learn.models import Course
from training_app.security import Role

DEMO_ACCOUNTS = (
    ("learner@demo.example", "Ana Martínez", Role.LEARNER, "MX", "ANAM", "es"),
    ("trainer@demo.example", "Émilie Tremblay", Role.TRAINER, "CA", "CBSA", "fr"),
    ("admin@demo.example", "Jordan Smith", Role.ADMIN, "US", "CBP", "en"),
)

DEMO_POSTS = (
    ("CA", "CBSA", "Lacolle"),
    ("MX", "ANAM", "Aduana de Nuevo Laredo"),
    ("US", "CBP", "Port of Laredo"),
)


def first_run(app: Flask, courses_dir: Path, with_demo: bool, echo: Callable[[str], None]) -> None:
    """Fill an empty installation; does nothing on the next runs. Commits."""
    db = get_session()
    accounts.ensure_reference_agencies(db)
    db.commit()
    if courses_dir.is_dir() and not db.scalar(select(func.count(Course.id))):
        # Each shipped course on its own: one with problems must not keep the others out.
        for root in importer.package_roots([courses_dir]):
            try:
                importer.import_paths(db, [root], app.config["MEDIA_PATH"])
            except importer.InvalidPackages as error:
                db.rollback()
                echo(f"Course {root.name} not loaded ({len(error.problems)} problems); "
                     f"see: training-app validate-courses {root}")
            else:
                db.commit()
                echo(f"Loaded course {root.name}.")
    if with_demo and accounts.count_users(db) == 0:
        _demo_accounts(db, echo)
        db.commit()


def _demo_accounts(db, echo: Callable[[str], None]) -> None:
    echo("Demo accounts (shown this once; passwords are random):")
    for email, name, role, country, agency, locale in DEMO_ACCOUNTS:
        organisation = accounts.find_agency(db, country, agency)
        password = secrets.token_urlsafe(12)
        accounts.create_user(db, email=email, password=password, name=name, role=role, locale=locale,
                             organisation=organisation)
        echo(f"  {role.value:8} {email}  {password}")
    for country, agency, post in DEMO_POSTS:
        parent = accounts.find_agency(db, country, agency)
        db.add(Organisation(parent=parent, country=country, kind="port_of_entry", name=post))
        if parent.invitation_code is None:
            parent.invitation_code = accounts.new_invitation_code()
            echo(f"  invitation code for {parent.code}: {parent.invitation_code}")
