"""Builders for authoring tests: a trainer's own course, the text form of a page, images."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import select

from tests.factories import make_user
from training_app.authoring import document as doc
from training_app.authoring.models import CourseDraft
from training_app.security import Role


def new_course(client, db, login, slug: str = "seized-parrots", owner=None):
    """A trainer signed in with a new draft course of one module and one lesson; returns the trainer."""
    owner = owner or make_user(db, role=Role.TRAINER)
    login(owner)
    response = client.post_form("/authoring/courses", {"slug": slug, "topic": "wildlife", "title": "Seized parrots"})
    assert response.status_code == 302, response.get_data(as_text=True)
    response = client.post_form(f"/authoring/courses/{slug}/modules", {
        "module_id": "identify", "module_title": "Identify the birds", "first_lesson": "beaks"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return owner


def draft_row(db, slug: str) -> CourseDraft | None:
    db.expire_all()
    return db.scalars(select(CourseDraft).where(CourseDraft.slug == slug)).one_or_none()


def text_form(client, url: str) -> dict[str, str]:
    """Every input and textarea of the page's text form, as the browser would send them."""
    page = client.get(url).get_data(as_text=True)
    form = page[page.index('class="texts-form"'):]
    form = form[:form.index("</form>")]
    values = {name: _unescape(value) for name, value in
              re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)}
    values.update({name: _unescape(value.removeprefix("\r\n").removeprefix("\n")) for name, value in
                   re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.DOTALL)})
    values.pop("csrf_token", None)
    return values


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def field_name(path: tuple[str, ...], lang: str) -> str:
    return f"{doc.Field(path, ()).name}_{lang}"


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (640, 480), (30, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # camera maker
    exif[0x0112] = 6  # orientation: rotate
    exif[0x8825] = {1: "N", 2: (45.0, 25.0, 12.0), 3: "W", 4: (75.0, 41.0, 30.0)}  # GPS: Ottawa
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bomb() -> bytes:
    """A small PNG whose header declares 100,000 × 100,000 pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
            + chunk(b"IEND", b""))
