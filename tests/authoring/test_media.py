"""Uploaded photos: metadata gone, and anything unsafe refused before a byte is stored."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image
from sqlalchemy import select

from tests.authoring.helpers import draft_row, jpeg_with_gps, new_course, png_bomb
from tests.factories import PASSWORD, make_user
from training_app.authoring import services
from training_app.authoring.models import ImageUpload
from training_app.db import utcnow
from training_app.media import MAX_BYTES, ImageRejected, prepare_image
from training_app.security import Role


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
        services.upload_image(db, draft, owner, "big.jpg", stream, "", app.config["MEDIA_PATH"], now=utcnow(),
                              quota=app.config["UPLOAD_QUOTA_BYTES"])
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


# --- the per-user upload quota -------------------------------------------------------------------------


def _noise(width: int, height: int, kind: str = "PNG", **save) -> bytes:
    """An image that compresses badly, so its size is predictable and every call gives other bytes."""
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(out, kind, **save)
    return out.getvalue()


def _uploads(db, user) -> list[ImageUpload]:
    db.expire_all()
    return list(db.scalars(select(ImageUpload).where(ImageUpload.user_id == user.id)))


def _on_disk(app, upload: ImageUpload) -> int:
    return sum(path.stat().st_size for path in app.config["MEDIA_PATH"].glob(f"{upload.sha256}*"))


def test_uploads_within_the_quota_are_counted_once_per_image(app, client, db, login):
    owner = new_course(client, db, login)
    photo = _noise(600, 200)  # wider than 480: a smaller copy is made and counted too
    assert _upload(client, "seized-parrots", photo, "first.png").status_code == 302
    (upload,) = _uploads(db, owner)
    assert upload.size_bytes == _on_disk(app, upload) > 300_000
    assert _upload(client, "seized-parrots", photo, "again.png").status_code == 302
    assert [row.size_bytes for row in _uploads(db, owner)] == [upload.size_bytes]  # the same file, counted once
    assert services.uploaded_bytes(db, owner.id) == upload.size_bytes
    page = client.get("/authoring/courses/seized-parrots/media").get_data(as_text=True)
    assert f"Your uploads take {round(upload.size_bytes / 2**20, 1)} MB of your 200 MB allowance." in page


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_upload_past_the_quota_is_refused_and_leaves_nothing(app, client, db, login, lang):
    owner = new_course(client, db, login)
    assert _upload(client, "seized-parrots", _noise(200, 200), "first.png").status_code == 302
    used = services.uploaded_bytes(db, owner.id)
    second = _noise(200, 200)
    app.config["UPLOAD_QUOTA_BYTES"] = used + len(second) // 2
    revision, before = draft_row(db, "seized-parrots").revision, _stored_files(app)
    client.get(f"/authoring?lang={lang}")
    response = _upload(client, "seized-parrots", second, "second.png")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert {"en": "This image does not fit in your upload allowance",
            "fr": "Cette image ne tient pas dans votre espace de téléversement"}[lang] in page
    assert _stored_files(app) == before and not list(app.config["MEDIA_PATH"].glob("*.tmp"))
    assert len(_uploads(db, owner)) == 1
    row = draft_row(db, "seized-parrots")
    assert row.revision == revision and list(row.document["media"]) == ["first.png"]


def test_the_re_encoded_size_is_what_counts(app, client, db, login):
    """A coarse JPEG is re-encoded at our quality, with smaller copies: that grown size is what is weighed."""
    owner = new_course(client, db, login)
    sent = _noise(1000, 300, "JPEG", quality=5)
    grown = prepare_image(sent).size
    assert grown > 2 * len(sent)
    app.config["UPLOAD_QUOTA_BYTES"] = (len(sent) + grown) // 2
    before = _stored_files(app)
    assert _upload(client, "seized-parrots", sent, "grainy.jpg").status_code == 413
    assert _stored_files(app) == before and _uploads(db, owner) == []
    app.config["UPLOAD_QUOTA_BYTES"] = grown
    assert _upload(client, "seized-parrots", sent, "grainy.jpg").status_code == 302
    assert [row.size_bytes for row in _uploads(db, owner)] == [grown]


def test_another_trainers_quota_is_their_own(app, client, db, login):
    first = new_course(client, db, login)
    assert _upload(client, "seized-parrots", _noise(200, 200), "mine.png").status_code == 302
    app.config["UPLOAD_QUOTA_BYTES"] = services.uploaded_bytes(db, first.id)  # full
    assert _upload(client, "seized-parrots", _noise(20, 20), "more.png").status_code == 413
    other_client = app.test_client()
    second = make_user(db, role=Role.TRAINER)
    assert other_client.post_form("/login", {"email": second.email, "password": PASSWORD}).status_code == 302
    assert other_client.post_form("/authoring/courses", {"slug": "other-course", "topic": "wildlife",
                                                         "title": "Other"}).status_code == 302
    assert _upload(other_client, "other-course", _noise(150, 150), "theirs.png").status_code == 302
    assert len(_uploads(db, second)) == 1 and len(_uploads(db, first)) == 1
