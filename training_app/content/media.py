"""Which media files a package has, whether Pillow can open them, and their sizes."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from PIL import Image


class MediaIndex:
    """Shared media plus per-language media (which wins for its language)."""

    def __init__(self, shared: Mapping[str, Path], by_language: Mapping[str, Mapping[str, Path]]) -> None:
        self.shared = shared
        self.by_language = by_language

    def resolve(self, name: str, language: str) -> Path | None:
        return self.by_language.get(language, {}).get(name) or self.shared.get(name)

    def exists_everywhere(self, name: str) -> bool:
        """True if every language gets a file for `name`."""
        if name in self.shared:
            return True
        return bool(self.by_language) and all(name in files for files in self.by_language.values())

    def size(self, name: str) -> tuple[int, int] | None:
        """Width and height in pixels of the first file found for `name`, if it opens."""
        paths = [self.shared.get(name), *(files.get(name) for files in self.by_language.values())]
        path = next((path for path in paths if path is not None), None)
        return image_size(path) if path else None


def image_problem(path: Path) -> str | None:
    """Why Pillow cannot open an image, or None if it can."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns about a moderately oversized image; treat it as broken too
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.verify()
    except Exception as error:  # Pillow raises many kinds (OSError, SyntaxError, ValueError, ...)
        return f"Pillow cannot open this image ({type(error).__name__}: {error})"
    return None


def image_size(path: Path) -> tuple[int, int] | None:
    """Width and height of an image, or None if Pillow cannot open it."""
    stat = path.stat()
    return _image_size(path, stat.st_mtime_ns, stat.st_size)


@cache
def _image_size(path: Path, mtime_ns: int, size: int) -> tuple[int, int] | None:
    # mtime and size are in the cache key so that an edited image is measured again
    if image_problem(path):
        return None
    with Image.open(path) as image:
        return image.size
