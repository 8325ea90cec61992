"""HTTP efficiency for weak links: gzip for text responses, and static files with content-hashed URLs
that browsers keep for a year."""

from __future__ import annotations

import gzip
import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, Response, request

#: text types worth compressing; images and PDFs are compressed already
COMPRESSIBLE = ("text/html", "text/css", "text/csv", "application/javascript", "text/javascript",
                "application/json", "image/svg+xml")
MIN_SIZE = 512


def init_app(app: Flask) -> None:
    static = Path(app.static_folder)

    @cache
    def fingerprint(filename: str) -> str:
        return hashlib.sha256((static / filename).read_bytes()).hexdigest()[:12]

    @app.url_defaults
    def versioned_static(endpoint: str, values: dict) -> None:
        # A new file gives a new URL, so the old one may be cached forever.
        if endpoint == "static" and "v" not in values and (static / values["filename"]).is_file():
            values["v"] = fingerprint(values["filename"])

    @app.after_request
    def compress_and_cache(response: Response) -> Response:
        if request.endpoint == "static":
            filename = (request.view_args or {}).get("filename", "")
            # Immutable only when the URL names this very file: during a rolling upgrade an old
            # process must not pin old CSS under a new URL.
            if request.args.get("v") and (static / filename).is_file() and request.args["v"] == fingerprint(filename):
                response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
            response.direct_passthrough = False  # our CSS and JS are small: read them, so they can be gzipped
        if (response.direct_passthrough or response.status_code < 200 or response.status_code == 204
                or "Content-Encoding" in response.headers
                or response.mimetype not in COMPRESSIBLE
                or "gzip" not in request.headers.get("Accept-Encoding", "")):
            return response
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        response.set_data(gzip.compress(data, compresslevel=6))
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        return response
