"""Metadata kept beside a document (`name.toml` next to `name.pdf`): it overrides what the parser found."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coi.errors import SidecarError
from coi.model import DocType, Person

_SCALARS = {"doc_id", "title", "source", "source_url"}
_KNOWN = _SCALARS | {"doc_type", "date", "countries", "identifiers", "dates", "people"}


@dataclass(frozen=True)
class Sidecar:
    """The fields a sidecar may set; None (or empty) where it says nothing."""

    path: Path | None = None
    raw: bytes = b""
    doc_id: str | None = None
    doc_type: DocType | None = None
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    source_url: str | None = None
    countries: tuple[str, ...] = ()
    identifiers: dict[str, str] = field(default_factory=dict)
    dates: dict[str, dt.date] = field(default_factory=dict)
    people: tuple[Person, ...] = ()


def sidecar_path(document: Path) -> Path:
    """Where the sidecar of a document lives."""
    return document.with_suffix(".toml")


def read_sidecar(document: Path) -> Sidecar:
    """The sidecar of `document`, or an empty one. A malformed file is a SidecarError naming file and line."""
    path = sidecar_path(document)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Sidecar()
    except OSError as exc:
        raise SidecarError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SidecarError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise SidecarError(f"{path}: malformed TOML: {exc}") from None
    text = raw.decode("utf-8-sig")
    return _validate(data, path, raw, text)


def _line_of(text: str, key: str) -> str:
    for i, line in enumerate(text.splitlines(), 1):
        if re.match(rf"^\s*(\[\s*)?{re.escape(key)}\s*[=\]]", line):
            return f"line {i}: "
    return ""


def _fail(path: Path, text: str, key: str, message: str) -> SidecarError:
    return SidecarError(f"{path}: {_line_of(text, key.split('.')[-1])}field {key!r} {message}")


def _as_date(value: Any, path: Path, text: str, key: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(path, text, key, f"must be a date like 2021-06-16, not {value!r}")


def _validate(data: dict[str, Any], path: Path, raw: bytes, text: str) -> Sidecar:
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise _fail(path, text, unknown[0], f"is unknown; known fields: {', '.join(sorted(_KNOWN))}")
    values: dict[str, Any] = {}
    for key in _SCALARS & set(data):
        if not isinstance(data[key], str) or not data[key].strip():
            raise _fail(path, text, key, f"must be a non-empty string, not {data[key]!r}")
        values[key] = data[key].strip()
    if "doc_type" in data:
        try:
            values["doc_type"] = DocType(data["doc_type"])
        except ValueError:
            kinds = ", ".join(t.value for t in DocType)
            raise _fail(path, text, "doc_type", f"must be one of {kinds}, not {data['doc_type']!r}") from None
    if "date" in data:
        values["date"] = _as_date(data["date"], path, text, "date")
    if "countries" in data:
        c = data["countries"]
        if not isinstance(c, list) or not all(isinstance(x, str) for x in c):
            raise _fail(path, text, "countries", f"must be a list of strings, not {c!r}")
        values["countries"] = tuple(c)
    if "identifiers" in data:
        ids = data["identifiers"]
        if not isinstance(ids, dict):
            raise _fail(path, text, "identifiers", "must be a table ([identifiers])")
        for k, v in ids.items():
            if not isinstance(v, (str, int)) or isinstance(v, bool):
                raise _fail(path, text, f"identifiers.{k}", f"must be a string, not {v!r}")
        values["identifiers"] = {k: str(v) for k, v in ids.items()}
    if "dates" in data:
        ds = data["dates"]
        if not isinstance(ds, dict):
            raise _fail(path, text, "dates", "must be a table ([dates])")
        values["dates"] = {k: _as_date(v, path, text, f"dates.{k}") for k, v in ds.items()}
    if "people" in data:
        values["people"] = tuple(_person(p, path, text) for p in _list(data["people"], path, text))
    return Sidecar(path=path, raw=raw, **values)


def _list(value: Any, path: Path, text: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(path, text, "people", "must be an array of tables ([[people]])")
    return value


def _person(p: Any, path: Path, text: str) -> Person:
    if not isinstance(p, dict) or not isinstance(p.get("role"), str):
        raise _fail(path, text, "people", f"entries need at least a 'role' string, not {p!r}")
    allowed = {"name", "role", "party", "office"}
    extra = set(p) - allowed
    if extra or not all(isinstance(v, str) for v in p.values()):
        raise _fail(path, text, "people", f"entries take string fields {sorted(allowed)}, not {p!r}")
    return Person(name=p.get("name", ""), role=p["role"], party=p.get("party"), office=p.get("office"))
