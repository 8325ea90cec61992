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
        return all(self.resolve(name, language) for language in self.by_language) if self.by_language else (
            name in self.shared
        )

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


@cache
def image_size(path: Path) -> tuple[int, int] | None:
    if image_problem(path):
        return None
    with Image.open(path) as image:
        return image.size
