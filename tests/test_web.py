"""Light on the wire: gzip for text, and static files cached for a year under content-hashed URLs."""

from __future__ import annotations

import gzip
import re


def test_html_is_gzipped_when_the_browser_accepts_it(client):
    plain = client.get("/login").get_data()
    response = client.get("/login", headers={"Accept-Encoding": "gzip, deflate"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.get_data()).decode().startswith("<!doctype html>")
    assert len(response.get_data()) < len(plain) / 2


def test_static_files_have_hashed_urls_cached_for_a_year(client):
    page = client.get("/login").get_data(as_text=True)
    url = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', page).group(1)
    with client.get(url, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["Content-Encoding"] == "gzip"
        assert b"--ink" in gzip.decompress(response.get_data())
