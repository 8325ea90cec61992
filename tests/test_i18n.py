"""The catalogs are complete and current: what the code says is what translators translated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).parent.parent
TRANSLATIONS = ROOT / "training_app" / "translations"


def _ids(catalog) -> set:
    return {m.id for m in catalog if m.id}


def _messages(catalog) -> dict:
    """msgid -> msgstr, with plural ids and forms as tuples (.mo and .po differ there)."""
    def plain(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {plain(m.id): plain(m.string) for m in catalog if m.id}


def test_pot_is_current(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "--quiet", "extract", "-F", "babel.cfg", "-k", "_l",
         "--add-comments=Translators:", "--no-wrap", "-o", str(fresh), "."],
        cwd=ROOT, check=True,
    )
    with fresh.open("rb") as new, (TRANSLATIONS / "messages.pot").open("rb") as committed:
        assert _ids(read_po(new)) == _ids(read_po(committed)), "run `training-app i18n extract`"


def test_french_and_spanish_are_complete_and_compiled():
    for lang in ("fr", "es"):
        with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
            po = read_po(f, locale=lang)
        with (TRANSLATIONS / "messages.pot").open("rb") as f:
            assert _ids(po) == _ids(read_po(f)), f"{lang}: run `training-app i18n extract`"
        untranslated = [m.id for m in po if m.id and (m.fuzzy or not all(
            m.string if isinstance(m.string, tuple) else [m.string]))]
        assert untranslated == [], f"{lang}: untranslated {untranslated[:5]}"
        with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb") as f:
            mo = read_mo(f)
        assert _messages(mo) == _messages(po), (
            f"{lang}: run `training-app i18n compile`")
