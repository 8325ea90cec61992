"""Uploaded photos: metadata gone, and anything unsafe refused before a byte is stored."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.authoring.helpers import draft_row, jpeg_with_gps, new_course, png_bomb
from training_app.authoring import services
from training_app.db import utcnow
from training_app.media import MAX_BYTES, ImageRejected


def _upload(client, slug: str, data: bytes, filename: str, language: str = ""):
    return client.post_form(f"/authoring/courses/{slug}/media/upload",
                            {"file": (io.BytesIO(data), filename), "language": language},
                            content_type="multipart/form-data")


def _stored_files(app) -> set:
    media = app.config["MEDIA_PATH"]
    return {path.name for path in media.rglob("*") if path.is_file()} if media.exists() else set()


def test_photo_with_gps_is_stored_without_any_exif(app, client, db, login):
    new_course(client, db, login)
    response = _upload(client, "seized-parrots", jpeg_with_gps(), "Parrots at the port.JPG")
    assert response.status_code == 302
    image = draft_row(db, "seized-parrots").document["media"]["parrots-at-the-port.jpg"]
    assert image["uploaded"] is True
    # The orientation was applied to the pixels (640×480 turned upright), then dropped with everything else.
    assert (image["width"], image["height"]) == (480, 640)
    for name in [image["file"], *(f"{image['file'][:-4]}-{width}.jpg" for width in image["variants"])]:
        with Image.open(app.config["MEDIA_PATH"] / name) as stored:
            assert dict(stored.getexif()) == {}
            assert "exif" not in stored.info and "xmp" not in stored.info
            assert b"Canon" not in (app.config["MEDIA_PATH"] / name).read_bytes()


@pytest.mark.parametrize(("data", "filename", "message"), [
    (png_bomb(), "huge.png", "too many pixels"),
    (b"#!/bin/sh\nrm -rf /\n" * 20, "photo.jpg", "not a JPEG, PNG or WebP"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "drawing.svg", "SVG drawings are not accepted"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "renamed.png", "SVG drawings are not accepted"),
    (jpeg_with_gps()[:300], "truncated.jpg", "not a JPEG, PNG or WebP"),
])
def test_unsafe_upload_is_refused_before_anything_is_stored(app, client, db, login, data, filename, message):
    new_course(client, db, login)
    revision = draft_row(db, "seized-parrots").revision
    before = _stored_files(app)
    response = _upload(client, "seized-parrots", data, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _stored_files(app) == before
    row = draft_row(db, "seized-parrots")
    assert row.revision == revision and row.document["media"] == {}


def test_oversized_file_is_refused_unread(app, client, db, login):
    owner = new_course(client, db, login)
    draft = services.load_draft(db, "seized-parrots", app.config["MEDIA_PATH"])
    stream = io.BytesIO(b"\xff\xd8" + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ImageRejected) as refused:
        services.upload_image(db, draft, owner, "big.jpg", stream, "", app.config["MEDIA_PATH"], now=utcnow())
    assert refused.value.code == "too_large"
    assert stream.tell() == MAX_BYTES + 1  # read no further than the limit
    assert draft_row(db, "seized-parrots").document["media"] == {}


def test_svg_is_refused_with_a_french_message(client, db, login):
    new_course(client, db, login)
    client.get("/authoring?lang=fr")
    response = _upload(client, "seized-parrots", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "logo.svg")
    assert response.status_code == 422
    assert "Les dessins SVG ne sont pas acceptés" in response.get_data(as_text=True)


def test_uploaded_image_needs_alt_text_in_three_languages_before_publishing(app, client, db, login):
    new_course(client, db, login)
    _upload(client, "seized-parrots", jpeg_with_gps(), "parrot.jpg")
    page = client.get("/authoring/courses/seized-parrots/publish?lang=es").get_data(as_text=True)
    assert "Describa estas imágenes en inglés, francés y español antes de publicar" in page
    assert "parrot.jpg" in page
