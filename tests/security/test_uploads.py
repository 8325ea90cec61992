"""Trainer image uploads (RELIABILITY.md §3.6: U series), through the upload route and media.store_image."""

from __future__ import annotations

import io
import threading
import warnings
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from tests.factories import PASSWORD
from tests.security.conftest import read_log
from training_app.authoring import services as authoring
from training_app.media import ImageRejected, store_image

UPLOAD = "/authoring/courses/t1-course/media/upload"


def png(width: int = 40, height: int = 30, mode: str = "RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), "white" if mode != "1" else 1).save(out, "PNG", **save)
    return out.getvalue()


def bomb(side: int) -> bytes:
    """A 1-bit PNG of side × side: a few kilobytes on disk, side² pixels once decoded."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return png(side, side, mode="1", optimize=True)


def upload(client, data: bytes, filename: str, content_type: str = "image/png"):
    return client.post_form(UPLOAD, {"language": "", "file": (io.BytesIO(data), filename, content_type)},
                            content_type="multipart/form-data")


def stored_files(app) -> set[str]:
    return {p.name for p in Path(app.config["MEDIA_PATH"]).rglob("*") if p.is_file()}


@pytest.fixture
def trainer(client, login, world):
    login(world.trainer)
    return world.trainer


def test_U1_pixel_floods_are_refused_from_the_header_quickly(app, client, trainer):
    import time

    for side in (20_000, 12_000):
        data = bomb(side)
        assert len(data) < 200_000
        before = stored_files(app)
        start = time.perf_counter()
        response = upload(client, data, "flood.png")
        assert response.status_code == 422 and "too many pixels" in response.get_data(as_text=True)
        assert time.perf_counter() - start < 1
        assert stored_files(app) == before


@pytest.mark.parametrize(("data", "filename"), [
    (b"<?php system($_GET['c']); ?>", "evil.php.png"),
    (b"just some text, not an image", "shell.png"),
    (b"<html><script>alert(1)</script></html>", "page.jpg"),
    (b"GIF89a/*\x00\x00*/=alert(1)//;", "polyglot.gif"),
    (b"", "empty.png"),
])
def test_U2_U4_U6_files_that_are_not_decodable_images_are_refused(app, client, trainer, data, filename):
    before = stored_files(app)
    response = upload(client, data, filename)
    assert response.status_code == 422 and stored_files(app) == before


def test_U2_the_stored_name_and_type_come_from_the_decoded_image(app, client, trainer, db):
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "red").save(out, "JPEG")
    assert upload(client, out.getvalue(), "Photo.PNG").status_code == 302
    draft = authoring.load_draft(db, "t1-course", app.config["MEDIA_PATH"])
    (name, image), = draft.document["media"].items()
    assert name == "photo.jpg" and image["file"].endswith(".jpg")


def test_U3_svg_is_refused_whatever_its_name_or_type(app, client, trainer):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
    before = stored_files(app)
    for filename, content_type in (("x.svg", "image/svg+xml"), ("x.png", "image/svg+xml"), ("x.png", "image/png")):
        response = upload(client, svg, filename, content_type)
        assert response.status_code == 422 and "SVG" in response.get_data(as_text=True)
    assert stored_files(app) == before


def test_U3_served_images_are_sandboxed_typed_and_never_sniffed(app, client, world):
    response = client.get(f"/media/{world.media_name}")
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert client.get("/media/../../training_app/__init__.py").status_code == 404
    assert client.get("/media/x.html").status_code == 404
    response.close()


def test_U4_a_png_with_html_in_a_text_chunk_is_stored_without_it(app):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<html><script>alert(1)</script></html>")
    stored = store_image(png(pnginfo=info), Path(app.config["MEDIA_PATH"]))
    served = (Path(app.config["MEDIA_PATH"]) / f"{stored.sha256}.png").read_bytes()
    assert b"<script>" not in served


@pytest.mark.parametrize("filename", ["../../app.py", "..\\..\\x.png", "%2e%2e%2fx.png", "con.png",
                                      'x"\r\nSet-Cookie: a=b.png', "n" * 300 + ".png", "é ñ 中 \u202e.png"])
def test_U5_hostile_filenames_never_reach_the_disk(app, client, trainer, db, filename):
    root = Path(app.config["MEDIA_PATH"]).resolve()
    response = upload(client, png(), filename)
    assert response.status_code == 302
    draft = authoring.load_draft(db, "t1-course", app.config["MEDIA_PATH"])
    for name, image in draft.document["media"].items():
        assert len(name) <= 60 and all(c.isalnum() or c in "-." for c in name)
        assert (root / image["file"]).resolve().parent == root
    assert not any(".." in p.name or "\r" in p.name for p in root.rglob("*"))


def test_U6_a_body_over_the_limit_is_refused_before_it_is_read(app, client, trainer):
    app.config["MAX_CONTENT_LENGTH"] = 4096  # small, so the test client keeps the body in memory
    response = upload(client, b"\0" * 4097, "big.png")
    assert response.status_code == 413


def test_U6_a_truncated_png_is_refused(app, client, trainer):
    data = png(300, 300)
    assert upload(client, data[: len(data) // 2], "cut.png").status_code == 422


def test_U7_gps_and_exif_do_not_survive(app):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (45.0, 30.0, 0.0)}
    exif[0x010F] = "Camera maker"
    out = io.BytesIO()
    Image.new("RGB", (50, 40), "blue").save(out, "JPEG", exif=exif)
    stored = store_image(out.getvalue(), Path(app.config["MEDIA_PATH"]))
    with Image.open(Path(app.config["MEDIA_PATH"]) / f"{stored.sha256}.jpg") as image:
        assert not image.getexif()


def test_U8_only_png_jpeg_and_webp_are_decoded(app):
    for kind in ("GIF", "BMP", "TIFF", "ICO"):
        out = io.BytesIO()
        Image.new("RGB", (16, 16)).save(out, kind)
        with pytest.raises(ImageRejected):
            store_image(out.getvalue(), Path(app.config["MEDIA_PATH"]))


def noise(width: int, height: int, kind: str = "PNG", **save) -> bytes:
    """An image that does not compress: a PNG's stored size is close to width × height × 3."""
    import os

    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(out, kind, **save)
    return out.getvalue()


def test_U9_an_upload_past_the_quota_is_refused_and_leaves_nothing(app, client, db, trainer, world):
    from training_app.authoring.models import ImageUpload
    from training_app.media import prepare_image

    app.config["UPLOAD_QUOTA_BYTES"] = 200_000
    assert upload(client, noise(150, 150), "first.png").status_code == 302  # ~68 kB: under the quota
    before, used = stored_files(app), authoring.uploaded_bytes(db, trainer.id)
    left = 200_000 - used
    too_big_as_sent = noise(300, 300)
    too_big_once_stored = noise(1000, 300, "JPEG", quality=5)  # re-encoded at our quality, with two copies
    assert len(too_big_as_sent) > left > len(too_big_once_stored)
    assert prepare_image(too_big_once_stored).size > left
    for data in (too_big_as_sent, too_big_once_stored):
        response = upload(client, data, "second.png")
        assert response.status_code == 413
        assert "does not fit in your upload allowance" in response.get_data(as_text=True)
        assert stored_files(app) == before and authoring.uploaded_bytes(db, trainer.id) == used
    assert not list(Path(app.config["MEDIA_PATH"]).rglob("*.tmp"))
    draft = authoring.load_draft(db, "t1-course", app.config["MEDIA_PATH"])
    assert list(draft.document["media"]) == ["first.png"]
    assert any(line["event"] == "upload_quota_exceeded" for line in read_log(app))
    # Another trainer's quota is their own.
    other = app.test_client()
    assert other.post_form("/login", {"email": world.other_trainer.email, "password": PASSWORD}).status_code == 302
    response = other.post_form("/authoring/courses/t2-course/media/upload",
                               {"language": "", "file": (io.BytesIO(noise(170, 170)), "theirs.png", "image/png")},
                               content_type="multipart/form-data")
    assert response.status_code == 302
    db.expire_all()
    assert len(db.scalars(select(ImageUpload).where(ImageUpload.user_id == world.other_trainer.id)).all()) == 1


def test_U10_two_uploads_of_one_image_at_once_leave_one_whole_file(app, tmp_path):
    tmp_path = tmp_path / "race-media"
    data = png(400, 300)
    errors = []
    barrier = threading.Barrier(8)

    def store():
        barrier.wait()
        try:
            store_image(data, tmp_path)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=store) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert not list(tmp_path.glob("*.tmp"))
    assert len(list(tmp_path.glob("*.png"))) == 1


def test_L6_a_full_disk_leaves_no_partial_image(app, tmp_path, monkeypatch):
    folder = tmp_path / "full-media"
    """L-6 in miniature: the write fails half-way (ENOSPC); the temp file is removed, nothing is stored."""
    import errno

    real_open = Path.open

    def full(self, mode="r", *args, **kwargs):
        handle = real_open(self, mode, *args, **kwargs)
        if "w" in mode and self.suffix == ".tmp":
            def write(data, _write=handle.write):
                _write(data[:10])
                raise OSError(errno.ENOSPC, "No space left on device")
            handle.write = write
        return handle

    monkeypatch.setattr(Path, "open", full)
    with pytest.raises(OSError):
        store_image(png(), folder)
    assert list(folder.iterdir()) == []
