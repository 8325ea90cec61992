"""Locale selection and formatting helpers (Flask-Babel)."""

from __future__ import annotations

from urllib.parse import urlencode

from babel import dates, numbers
from flask import Flask, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

from training_app import bidi
from training_app.config import LANGUAGES

#: the name of each language in itself, for the language menu
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}


#: the conventions our officers write numbers and dates in: Canadian French, Mexican Spanish
FORMAT_LOCALES = {"en": "en_US", "fr": "fr_CA", "es": "es_MX"}


def format_locale() -> str:
    return FORMAT_LOCALES.get(str(get_locale()), "en_US")


def format_date(value, format: str = "medium") -> str:  # noqa: A002 - Babel's own name
    return dates.format_date(value, format=format, locale=format_locale())


def format_percent(value, decimal_quantization: bool = True) -> str:
    return numbers.format_percent(value, locale=format_locale(), decimal_quantization=decimal_quantization)


def format_decimal(value) -> str:
    return numbers.format_decimal(value, locale=format_locale())


def select_locale() -> str:
    """`?lang=` (kept in the session) › the user's preference › Accept-Language › English."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        return asked
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    return request.accept_languages.best_match(LANGUAGES) or "en"


def url_with_lang(lang: str) -> str:
    """The current URL with `lang` set, keeping the other query arguments."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", lang))
    return f"{request.path}?{urlencode(args)}"


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(LANGUAGE_NAMES=LANGUAGE_NAMES, url_with_lang=url_with_lang,
                                 get_locale=get_locale)
    app.jinja_env.filters.update(format_date=format_date, format_percent=format_percent,
                                 format_decimal=format_decimal, bdi=bidi.bdi, isolate=bidi.isolate)
