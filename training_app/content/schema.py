"""A small declarative schema for the package's YAML: known keys, required keys, value types.

`check()` reports every unknown key, missing key and wrongly typed value with its line, and says
whether the checked subtree was clean, so the deeper checks only look at data of the right shape.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .model import Problem
from .yamlio import Doc, KeyPath

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
SLUG_MAX_LENGTH = 64


def is_slug(value: object) -> bool:
    return isinstance(value, str) and len(value) <= SLUG_MAX_LENGTH and SLUG_RE.fullmatch(value) is not None


def slug_message(value: object) -> str:
    if isinstance(value, bool):
        # YAML 1.1 reads yes/no/on/off/true/false as booleans
        return f"{str(value).lower()} is read as true/false, not an id: quote it or choose another id"
    return (
        f"{describe(value)} is not a valid id: use lowercase letters, digits and hyphens "
        f"(at most {SLUG_MAX_LENGTH} characters)"
    )


def describe(value: object) -> str:
    """A value as an author would recognise it in a message."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return repr(value[:60])
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return str(value)


def label(path: KeyPath, data: Any = None) -> str:
    """`questions[first-look].choices` style name of a key path in `data`, for messages.

    A list item is named by its `id` when it has one, else by its 1-based position.
    """
    parts = []
    for key in path:
        if isinstance(key, int):
            item = data[key] if isinstance(data, list) and key < len(data) else None
            item_id = item.get("id") if isinstance(item, dict) else None
            parts.append(f"[{item_id}]" if isinstance(item_id, str) else f"[{key + 1}]")
        else:
            parts.append(f".{key}" if parts else str(key))
        data = data[key] if isinstance(data, (dict, list)) and _has(data, key) else None
    return "".join(parts)


def _has(data: dict[Any, Any] | list[Any], key: Any) -> bool:
    return key in data if isinstance(data, dict) else isinstance(key, int) and key < len(data)


class Spec:
    """Base class of the schema nodes."""


@dataclass(frozen=True)
class Scalar(Spec):
    name: str  # what a good value is, e.g. "a whole number of at least 1"
    test: Callable[[Any], bool]


@dataclass(frozen=True)
class Slug(Spec):
    pass


@dataclass(frozen=True)
class ListOf(Spec):
    item: Spec
    min_items: int = 0
    unique: bool = False


@dataclass(frozen=True)
class MapOf(Spec):
    """A mapping from ids (slugs) to values."""

    value: Spec
    min_items: int = 0


@dataclass(frozen=True)
class Record(Spec):
    required: Mapping[str, Spec]
    optional: Mapping[str, Spec] = field(default_factory=dict)


@dataclass(frozen=True)
class Switch(Spec):
    """A record whose keys depend on the value of one key (a question's `kind`)."""

    key: str
    records: Mapping[str, Record]


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


SLUG = Slug()
TEXT = Scalar("non-empty text", lambda v: isinstance(v, str) and v.strip() != "")
BOOL = Scalar("true or false", lambda v: isinstance(v, bool))
NUMBER = Scalar("a number", _is_number)
POSITIVE_NUMBER = Scalar("a number above 0", lambda v: _is_number(v) and v > 0)
NON_NEGATIVE_NUMBER = Scalar("a number of at least 0", lambda v: _is_number(v) and v >= 0)
POSITIVE_INT = Scalar("a whole number of at least 1", lambda v: _is_int(v) and v >= 1)
NON_NEGATIVE_INT = Scalar("a whole number of at least 0", lambda v: _is_int(v) and v >= 0)
DATE = Scalar("a date like 2026-11-01", lambda v: isinstance(v, date) and not isinstance(v, datetime))
URL = Scalar("an http:// or https:// address", lambda v: isinstance(v, str) and re.match(r"https?://\S+$", v))
FILE_NAME = Scalar(
    "a file name in media/",
    lambda v: isinstance(v, str) and v.strip() == v != "" and ".." not in v.split("/") and not v.startswith("/"),
)


def one_of(*values: str) -> Scalar:
    return Scalar("one of " + ", ".join(values), lambda v: isinstance(v, str) and v in values)


class Checker:
    """Checks a Doc against a Spec, appending Problems to `problems`."""

    def __init__(self, doc: Doc, problems: list[Problem], reference_language: str = "") -> None:
        self.doc = doc
        self.problems = problems
        self.reference_language = reference_language

    def label(self, path: KeyPath) -> str:
        return label(path, self.doc.data)

    def report(self, path: KeyPath, message: str) -> None:
        self.problems.append(Problem(self.doc.path, self.doc.line(*path), message))

    def check(self, spec: Spec, value: Any, path: KeyPath, reference: Any = None) -> bool:
        """True if `value` at `path` fits `spec`; `reference` is the source language's value, if any.

        With a reference, an optional key present in only one of the two is reported too, since
        every language must say the same things.
        """
        before = len(self.problems)
        if isinstance(spec, Scalar):
            if not spec.test(value):
                self.report(
                    path, f"'{self.label(path)}' must be {spec.name} (found {describe(value)}){_hint(spec, value)}"
                )
        elif isinstance(spec, Slug):
            if not is_slug(value):
                self.report(path, f"'{self.label(path)}': {slug_message(value)}")
        elif isinstance(spec, ListOf):
            self._list(spec, value, path)
        elif isinstance(spec, MapOf):
            self._map(spec, value, path, reference)
        elif isinstance(spec, Switch):
            self._switch(spec, value, path, reference)
        elif isinstance(spec, Record):
            self._record(spec, value, path, reference)
        return len(self.problems) == before

    def _list(self, spec: ListOf, value: Any, path: KeyPath) -> None:
        if not isinstance(value, list):
            self.report(path, f"'{self.label(path)}' must be a list (found {describe(value)})")
            return
        if len(value) < spec.min_items:
            self.report(path, f"'{self.label(path)}' must have at least {spec.min_items} item(s)")
        seen: set[Any] = set()
        for index, item in enumerate(value):
            if self.check(spec.item, item, (*path, index)) and spec.unique:
                if item in seen:
                    self.report((*path, index), f"'{self.label(path)}' lists {describe(item)} twice")
                seen.add(item)

    def _map(self, spec: MapOf, value: Any, path: KeyPath, reference: Any) -> None:
        if not isinstance(value, dict):
            self.report(path, f"'{self.label(path)}' must be a mapping (found {describe(value)})")
            return
        if len(value) < spec.min_items:
            self.report(path, f"'{self.label(path)}' must have at least {spec.min_items} item(s)")
        for key, item in value.items():
            if not is_slug(key):
                self.report((*path, key), f"key in '{self.label(path)}': {slug_message(key)}")
            else:
                self.check(spec.value, item, (*path, key), _get(reference, key))

    def _switch(self, spec: Switch, value: Any, path: KeyPath, reference: Any) -> None:
        if not isinstance(value, dict):
            self.report(path, f"'{self.label(path)}' must be a mapping (found {describe(value)})")
        elif spec.key not in value:
            self.report(path, f"missing key '{spec.key}' in '{self.label(path)}'")
        elif not isinstance(value[spec.key], str) or value[spec.key] not in spec.records:
            kinds = ", ".join(spec.records)
            found = describe(value[spec.key])
            self.report((*path, spec.key), f"'{self.label((*path, spec.key))}' must be one of {kinds} (found {found})")
        else:
            self._record(spec.records[value[spec.key]], value, path, reference)

    def _record(self, spec: Record, value: Any, path: KeyPath, reference: Any) -> None:
        where = f" in '{self.label(path)}'" if path else ""
        if not isinstance(value, dict):
            self.report(path, f"'{self.label(path)}' must be a mapping (found {describe(value)})")
            return
        known = {**spec.required, **spec.optional}
        for key in value:
            if key not in known:
                expected = ", ".join(known) or "nothing"
                hint = ""
                if value[key] is None and isinstance(key, str) and " " in key.strip():
                    hint = "; if this is text after a comma inside { }, put the whole text in quotes"
                self.report((*path, key), f"unknown key {describe(key)}{where} (expected: {expected}){hint}")
        for key in spec.required:
            if key not in value:
                self.report(path, f"missing key '{key}'{where}")
        reference_ok = isinstance(reference, dict)
        for key in spec.optional:
            if reference_ok and (key in value) != (key in reference):
                if key in value:
                    self.report((*path, key), f"extra key '{key}'{where} ({self.reference_language} has none)")
                else:
                    self.report(path, f"missing key '{key}'{where} ({self.reference_language} has one)")
        for key, item in value.items():
            if key in known:
                self.check(known[key], item, (*path, key), _get(reference, key))


def _hint(spec: Scalar, value: Any) -> str:
    if spec is TEXT and value is not None and not isinstance(value, (str, list, dict)):
        return ": YAML reads it as a number, date or true/false, so put it in quotes"
    return ""


def _get(reference: Any, key: Any) -> Any:
    return reference.get(key) if isinstance(reference, dict) else None
