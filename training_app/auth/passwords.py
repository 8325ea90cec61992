"""Which passwords may be set (ASVS 6.2): pure functions, no Flask and no session.

A password is stored and checked in Unicode NFC, so `é` typed as one code point or as `e` + accent is the
same password. Nothing is cut or case-folded for the hash; the rules below compare a *folded* copy
(lower case, accents removed) so that `Douane`, `DOUANE` and `douané` are all caught.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

MIN_PASSWORD_LENGTH = 12
#: what a form accepts, in code points: generous, so a long passphrase typed in NFD (two code points for
#: each accented letter) still fits; argon2 costs the same for any length
MAX_PASSWORD_LENGTH = 1000

#: words tied to this site and its users' trade, refused anywhere in any password, written folded (lower
#: case, no accents): the product's name ("Green Customs Training"), customs and wildlife enforcement in our
#: three languages, and "password" in English, French and Spanish. Documented in docs/admin-guide.md.
CONTEXT_WORDS = (
    "green", "customs", "training",
    "douane", "aduana", "cites", "wildlife",
    "password", "motdepasse", "contrasena",
)
#: a person's words (name, e-mail, organisation) count from this many letters, so "Ana" or "de" refuse nothing
MIN_PERSONAL_WORD = 4

_TRAILING_NON_LETTERS = re.compile(r"[\W\d_]+$")
_NON_LETTERS = re.compile(r"[\W\d_]+")
_WORD = re.compile(rf"[^\W\d_]{{{MIN_PERSONAL_WORD},}}")


def normalise_password(password: str) -> str:
    """The form that is hashed and verified: NFC, nothing else changed."""
    return unicodedata.normalize("NFC", password)


def fold(text: str) -> str:
    """Lower case without accents, for comparing words: "Émilie Straße" → "emilie strasse"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@cache
def common_passwords() -> frozenset[str]:
    """About 94,000 passwords, words and names that attackers try first, lower case.

    zxcvbn's frequency lists (MIT licence): the 30,000 most frequent passwords of leaked-password corpora,
    plus the English words, first names and surnames those lists leave to their own dictionaries (zxcvbn
    keeps each token in one list only, so "michael" is a name there, not a password). Shipped with the
    package, read offline, once per process.
    """
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.casefold() for words in FREQUENCY_LISTS.values() for word in words)


def personal_words(*texts: str | None) -> frozenset[str]:
    """The folded words of `MIN_PERSONAL_WORD` letters or more in a name, an e-mail's local part, an
    organisation's name or acronym: what a password of that person may not contain."""
    return frozenset(word for text in texts if text for word in _WORD.findall(fold(text)))


def password_problem(password: str, *, context: Iterable[str]) -> str | None:
    """Why `password` may not be set, as an AccountError code, or None when it may.

    `context` holds the person's own words (`personal_words`). The rules, the first that fails answers:
    1. "password_common": the folded password, or the same without the digits and symbols at its end
       (`Password123`, `sunshine2025!`), is in `common_passwords()`;
    2. "password_site_word": it contains one of CONTEXT_WORDS, also counting its letters only
       (`mot de passe`, `d.o.u.a.n.e`);
    3. "password_personal": it contains one of the person's words, counted the same way;
    4. "password_too_short": it has fewer than MIN_PASSWORD_LENGTH characters.
    No composition rule; nothing is cut.
    """
    normal = normalise_password(password)
    folded = fold(normal)
    stem = _TRAILING_NON_LETTERS.sub("", folded)
    if folded in common_passwords() or (stem and stem in common_passwords()):
        return "password_common"
    forms = (folded, _NON_LETTERS.sub("", folded))
    if any(word in form for word in CONTEXT_WORDS for form in forms):
        return "password_site_word"
    if any(word in form for word in context for form in forms):
        return "password_personal"
    if len(normal) < MIN_PASSWORD_LENGTH:
        return "password_too_short"
    return None
