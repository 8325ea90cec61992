"""The framework ceiling: a bare Flask + Jinja app on the same server and database as ours.

`/page` renders a ~5 KB Jinja page; `/query` renders it after one indexed SELECT over a 20,000-row
table. Run with gunicorn like the platform: `gunicorn -w 2 'bench.ceiling.app:create_app()'`, with
CEILING_DATABASE_URL set.
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

ROWS = 20_000
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>{% for p in paragraphs %}<p>{{ p }}</p>{% endfor %}</main></body></html>"""
PARAGRAPHS = ["Refrigerant cylinders must carry a label naming the refrigerant; colour alone proves nothing. " * 2] * 25


def seed(url: str) -> None:
    """A 20,000-row table with an index, made once."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS ceiling_items"))
        connection.execute(text("CREATE TABLE ceiling_items (id INTEGER PRIMARY KEY, slug VARCHAR(40), title TEXT)"))
        connection.execute(text("CREATE INDEX ix_ceiling_items_slug ON ceiling_items (slug)"))
        connection.execute(text("INSERT INTO ceiling_items (id, slug, title) VALUES (:id, :slug, :title)"),
                           [{"id": i, "slug": f"item-{i}", "title": f"Item {i}"} for i in range(ROWS)])
    engine.dispose()


def create_app() -> Flask:
    app = Flask(__name__)
    engine = create_engine(os.environ["CEILING_DATABASE_URL"])

    @app.get("/page")
    def page():
        return render_template_string(PAGE, title="Ceiling", paragraphs=PARAGRAPHS)

    @app.get("/query")
    def query():
        with engine.connect() as connection:
            title = connection.execute(text("SELECT title FROM ceiling_items WHERE slug = :slug"),
                                       {"slug": "item-12345"}).scalar_one()
        return render_template_string(PAGE, title=title, paragraphs=PARAGRAPHS)

    return app
