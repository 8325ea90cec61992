"""Page weight of each learner page type, in the three languages, over the shipped courses.

    python -m bench.page_weight [--courses courses]

Weight = the HTML plus every stylesheet and script it links (uncompressed), images aside. Runs in a
throwaway instance; prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import re
import secrets
import tempfile
from pathlib import Path

from training_app import create_app
from training_app.auth import services as accounts
from training_app.db import get_session, upgrade_schema
from training_app.learn import importer, services

ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')


def page_weight(client, url: str) -> tuple[int, int]:
    """(HTML bytes, HTML + linked CSS and JS bytes)."""
    html = client.get(url).get_data()
    total = len(html)
    for path in set(ASSET.findall(html.decode())):
        with client.get(path) as response:
            total += len(response.get_data())
    return len(html), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--courses", type=Path, default=Path("courses"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        upgrade_schema(url)
        app = create_app({"DATABASE_URL": url, "TRAINING_APP_INSTANCE": tmp, "SECRET_KEY": secrets.token_hex(16)})
        with app.app_context():
            db = get_session()
            for root in importer.package_roots([args.courses]):
                try:
                    importer.import_paths(db, [root], app.config["MEDIA_PATH"])
                    db.commit()
                except importer.InvalidPackages:
                    db.rollback()
            password = secrets.token_urlsafe(16)
            accounts.create_user(db, email="bench@example.org", password=password, name="Bench")
            db.commit()
            courses = services.catalogue(db)
            lessons = [(course.slug, lesson.slug) for course in courses for lesson in services.ordered_lessons(
                services.course_by_slug(db, course.slug))]
        anonymous = app.test_client()
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
        client.post("/login", data={"email": "bench@example.org", "password": password, "csrf_token": token})
        print("| page | lang | HTML (bytes) | HTML + CSS + JS (bytes) |")
        print("| --- | --- | ---: | ---: |")
        for lang in ("en", "fr", "es"):
            html, total = page_weight(anonymous, f"/login?lang={lang}")
            print(f"| login | {lang} | {html:,} | {total:,} |")
            rows = [("dashboard", "/dashboard"), ("catalogue", "/courses")]
            rows += [("course page (largest)", f"/courses/{slug}") for slug in {c for c, _ in lessons}]
            rows += [("lesson (largest)", f"/courses/{c}/lessons/{lesson}") for c, lesson in lessons]
            best: dict[str, tuple[int, int]] = {}
            for name, path in rows:
                weight = page_weight(client, f"{path}?lang={lang}")
                if name not in best or weight[1] > best[name][1]:
                    best[name] = weight
            for name, (html, total) in best.items():
                print(f"| {name} | {lang} | {html:,} | {total:,} |")


if __name__ == "__main__":
    main()
