"""Images made safe with Pillow: verified, oriented, re-encoded without metadata, resized, stored by hash."""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
#: widths of the copies offered in srcset; an image is never enlarged
VARIANT_WIDTHS = (480, 960, 1600)


class ImageRejected(ValueError):
    """The file is not an image we accept; `code` says why (too_large, not_an_image, too_many_pixels)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class StoredImage:
    sha256: str
    extension: str
    width: int
    height: int
    variant_widths: tuple[int, ...]


def store_image(data: bytes, media_dir: Path) -> StoredImage:
    """Re-encode `data` and write it and its smaller copies under `media_dir`; nothing is written on refusal."""
    return prepare_image(data).store(media_dir)


@dataclass(frozen=True)
class PreparedImage:
    """An image re-encoded in memory, not yet written: its size can be weighed (a quota) before `store`."""

    sha256: str
    extension: str
    width: int
    height: int
    #: file name → bytes: the re-encoded image and each smaller copy
    files: dict[str, bytes]
    variant_widths: tuple[int, ...]

    @property
    def size(self) -> int:
        """Bytes the files take once written."""
        return sum(len(data) for data in self.files.values())

    def store(self, media_dir: Path) -> StoredImage:
        media_dir.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            _write(media_dir / name, data)
        return StoredImage(self.sha256, self.extension, self.width, self.height, self.variant_widths)


def prepare_image(data: bytes) -> PreparedImage:
    """Verify and re-encode `data` and its smaller copies in memory; raises ImageRejected, writes nothing."""
    if len(data) > MAX_BYTES:
        raise ImageRejected("too_large")
    image = _open(data)
    extension = FORMATS[image.format]
    image = ImageOps.exif_transpose(image)
    original = _encode(image, extension)
    sha = hashlib.sha256(original).hexdigest()
    variants = {width: _encode(_resized(image, width), extension)
                for width in VARIANT_WIDTHS if width < image.width}
    files = {f"{sha}.{extension}": original} | {f"{sha}-{width}.{extension}": encoded
                                                  for width, encoded in variants.items()}
    return PreparedImage(sha, extension, image.width, image.height, files, tuple(variants))


_PILLOW_ERRORS = (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
                  OSError, SyntaxError, ValueError)


def store_source(data: bytes, media_dir: Path) -> str:
    """Keep a course package's image byte for byte (never served) so export round-trips; returns its hash."""
    sha = hashlib.sha256(data).hexdigest()
    (media_dir / "source").mkdir(parents=True, exist_ok=True)
    _write(source_path(media_dir, sha), data)
    return sha


def source_path(media_dir: Path, sha: str) -> Path:
    return media_dir / "source" / sha


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data), formats=list(FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageRejected("too_many_pixels") from error  # Pillow's own limit, read from the header
        except _PILLOW_ERRORS as error:
            raise ImageRejected("not_an_image") from error
        # The declared size comes from the header, before any pixel is decoded.
        if probe.width * probe.height > MAX_PIXELS:
            raise ImageRejected("too_many_pixels")
        try:
            probe.verify()
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            image.load()
        except _PILLOW_ERRORS as error:
            raise ImageRejected("not_an_image") from error
    return image


def _resized(image: Image.Image, width: int) -> Image.Image:
    height = round(image.height * width / image.width)
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _encode(image: Image.Image, extension: str) -> bytes:
    """A fresh file from the pixels alone: no EXIF, GPS, XMP or comments survive."""
    out = io.BytesIO()
    if extension == "jpg":
        image.convert("RGB").save(out, "JPEG", quality=82, optimize=True, progressive=True)
    elif extension == "png":
        clean = image if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else image.convert("RGBA")
        clean.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=80, method=4)
    return out.getvalue()


def _write(path: Path, data: bytes) -> None:
    if not path.exists():  # content-addressed: the same name always holds the same bytes
        # A name of its own per write, so two uploads of one image never share a half-written file.
        tmp = path.with_name(f"{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            with tmp.open("wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            tmp.replace(path)
        except OSError:
            tmp.unlink(missing_ok=True)  # a full disk must not leave half a file behind
            raise
