"""Saved searches that report what is new: after each re-index, the passages that match an alert now and that it
has not reported before, or whose text changed since; published as one Atom feed per alert.

Alerts live beside the index they search: their definitions in `alerts.toml` (small, readable, written
atomically), what each has reported in `alerts/NAME.json` (passage id -> digest of its text, so a passage is
reported once per text: not again after `coi index --full`, a move or a rebuild, which change whoosh's document
numbers but not passage ids or texts), and feeds in `feeds/NAME.xml`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from coi.errors import CoiError, UnknownIdError, UsageError

ALERTS_FILE = "alerts.toml"
STATE_DIR = "alerts"
FEEDS_DIR = "feeds"
KEEP_DAYS = 90  # feed entries are kept this long
NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
FILTER_KEYS = ("types", "topics", "countries", "sources", "not_types", "not_topics", "not_countries",
               "not_sources")


class AlertError(CoiError):
    """An alerts file, or an alert's state, that cannot be read."""


class UnknownAlertError(AlertError, UnknownIdError):
    """No alert has the name asked for."""


@dataclass(frozen=True)
class Alert:
    """A saved search: a query and filters, as `coi search` takes them."""

    name: str
    query: str
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # Filters' tuple fields that are set
    date_from: str | None = None  # as typed: YYYY, YYYY-MM or YYYY-MM-DD
    date_to: str | None = None
    created: str = ""

    def search_filters(self) -> Any:
        from coi.search import Filters, parse_date_bound

        return Filters(**{k: tuple(v) for k, v in self.filters.items()},
                       date_from=parse_date_bound(self.date_from, end=False) if self.date_from else None,
                       date_to=parse_date_bound(self.date_to, end=True) if self.date_to else None)

    def describe(self) -> str:
        bits = [f"{k.replace('_', '-')}={','.join(v)}" for k, v in self.filters.items() if v]
        bits += [f"from={self.date_from}"] if self.date_from else []
        bits += [f"to={self.date_to}"] if self.date_to else []
        return f"{self.name}: {self.query!r}" + (f" ({'; '.join(bits)})" if bits else "")


@dataclass(frozen=True)
class Reported:
    """A passage an alert reports: new, or changed since it was last reported."""

    id: str
    change: str  # "new" | "changed"
    title: str | None
    date: str | None
    locator: str
    snippet: str
    citation: str
    link: str | None
    reported: str  # when (ISO time, UTC)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "change": self.change, "title": self.title, "date": self.date,
                "locator": self.locator, "snippet": self.snippet, "citation": self.citation, "link": self.link,
                "reported": self.reported}


@dataclass(frozen=True)
class AlertRun:
    """What one run of one alert found."""

    alert: Alert
    reported: tuple[Reported, ...]
    matching: int  # passages that match now
    first: bool  # the alert's first run (nothing is new then, unless backfilled)
    feed: Path | None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.alert.name, "query": self.alert.query, "matching": self.matching,
                "first_run": self.first, "feed": str(self.feed) if self.feed else None,
                "new": [r.as_dict() for r in self.reported]}


# ------------------------------------------------------------------------------------------- definitions

def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def load_alerts(index_dir: Path) -> dict[str, Alert]:
    """The alerts saved with the index in `index_dir` (none when there is no alerts file)."""
    path = index_dir / ALERTS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise AlertError(f"{path}: cannot be read ({exc})") from None
    out = {}
    for name, body in data.get("alert", {}).items():
        try:
            out[name] = Alert(name=name, query=str(body["query"]),
                              filters={k: tuple(map(str, body[k])) for k in FILTER_KEYS if body.get(k)},
                              date_from=body.get("from"), date_to=body.get("to"), created=str(body.get("created", "")))
        except (KeyError, TypeError) as exc:
            raise AlertError(f"{path}: alert {name!r} is malformed ({exc})") from None
    return out


def save_alerts(index_dir: Path, alerts: dict[str, Alert]) -> None:
    lines = ["# Saved searches of `coi alert`; `coi alert add/remove` keep this file.", ""]
    for a in sorted(alerts.values(), key=lambda a: a.name):
        lines.append(f"[alert.{a.name}]")
        lines.append(f"query = {_toml_string(a.query)}")
        for key, values in a.filters.items():
            if values:
                lines.append(f"{key} = [{', '.join(_toml_string(v) for v in values)}]")
        if a.date_from:
            lines.append(f"from = {_toml_string(a.date_from)}")
        if a.date_to:
            lines.append(f"to = {_toml_string(a.date_to)}")
        lines.append(f"created = {_toml_string(a.created)}")
        lines.append("")
    _write_atomically(index_dir / ALERTS_FILE, "\n".join(lines))


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise UsageError(f"alert name {name!r}: use lowercase letters, digits, - and _ (at most 64), "
                         f"starting with a letter or digit, e.g. azerbeidzjan-lhbtiq")
    return name


def add_alert(index_dir: Path, alert: Alert, backfill: bool = False) -> AlertRun:
    """Save an alert and run it for the first time, which notes what matches now (reported only if
    `backfill`), so that the next `coi index` reports what is new since the alert was added. Refused when the name
    is taken or malformed, or the query or a filter does not parse."""
    from coi import store
    from coi.search import check_query

    check_name(alert.name)
    check_query(alert.query)  # the query language's own message
    alert.search_filters()  # dates
    store.current(index_dir)  # an alert is saved with an index that exists
    alerts = load_alerts(index_dir)
    if alert.name in alerts:
        raise UsageError(f"alert {alert.name!r} exists already; remove it first or choose another name")
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    alert = Alert(alert.name, alert.query, {k: v for k, v in alert.filters.items() if v}, alert.date_from,
                  alert.date_to, stamp)
    alerts[alert.name] = alert
    save_alerts(index_dir, alerts)
    return run_alerts(index_dir, [alert.name], backfill=backfill)[0]


def get_alert(index_dir: Path, name: str) -> Alert:
    alerts = load_alerts(index_dir)
    if name not in alerts:
        known = ", ".join(sorted(alerts)) or "none yet (coi alert add NAME QUERY)"
        raise UnknownAlertError(f"no alert named {name!r}; alerts: {known}")
    return alerts[name]


def remove_alert(index_dir: Path, name: str) -> None:
    """Forget an alert, what it reported and its feed."""
    alerts = load_alerts(index_dir)
    get_alert(index_dir, name)
    del alerts[name]
    save_alerts(index_dir, alerts)
    for path in (index_dir / STATE_DIR / f"{name}.json", index_dir / FEEDS_DIR / f"{name}.xml"):
        path.unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------------ running

def alert_state(index_dir: Path, name: str) -> dict[str, Any] | None:
    path = index_dir / STATE_DIR / f"{name}.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    except FileNotFoundError:
        return None
    except (ValueError, OSError) as exc:
        raise AlertError(f"{path}: cannot be read ({exc}); remove it to start the alert afresh") from None


def run_alerts(index_dir: Path, names: list[str] | None = None, backfill: bool = False,
               feeds_dir: Path | None = None, base_url: str | None = None,
               keep_days: int = KEEP_DAYS, only_if_changed: bool = False) -> list[AlertRun]:
    """Run alerts (all, or those named): report the passages that match now and were not reported before, or
    whose text changed; write each alert's feed. The first run of an alert reports nothing unless `backfill`."""
    from coi import store
    from coi.search import Searcher

    alerts = load_alerts(index_dir)
    chosen = [get_alert(index_dir, n) for n in names] if names else sorted(alerts.values(), key=lambda a: a.name)
    index_stamp = store.stamp(index_dir)
    ran_on = index_dir / STATE_DIR / "ran-on"  # the index every alert last ran on
    if only_if_changed:  # after a `coi index` run: an alert that ran on this very index has nothing new
        with contextlib.suppress(OSError):
            if ran_on.read_text(encoding="utf-8") == index_stamp:
                return []
        chosen = [a for a in chosen if (alert_state(index_dir, a.name) or {}).get("index") != index_stamp]
    if not chosen:
        return []
    now = dt.datetime.now(dt.UTC)
    stamp = now.isoformat(timespec="seconds")
    feeds = feeds_dir or index_dir / FEEDS_DIR
    runs = []
    with Searcher(index_dir) as searcher:
        for alert in chosen:
            state = alert_state(index_dir, alert.name)
            first = state is None
            seen: dict[str, str] = dict(state["seen"]) if state else {}
            matches = searcher.alert_matches(alert.query, alert.search_filters())  # [(docnum, id, digest)]
            reported = []
            for docnum, ident, digest in matches:
                old = seen.get(ident)
                if old == digest:
                    continue
                if old is not None or not first or backfill:
                    hit = searcher.hit_for(docnum, alert.query)
                    reported.append(Reported(
                        id=ident, change="changed" if old is not None else "new", title=hit.title, date=hit.date,
                        locator=hit.locator, snippet=hit.snippet, citation=hit.citation,
                        link=f"{base_url.rstrip('/')}/p/{quote(ident, safe='')}" if base_url else _source_link(hit),
                        reported=stamp))
                seen[ident] = digest
            entries = [e for e in (state or {}).get("entries", [])
                       if dt.datetime.fromisoformat(e["reported"]) >= now - dt.timedelta(days=keep_days)]
            entries = [r.as_dict() for r in reported] + entries
            feed = feeds / f"{alert.name}.xml"
            _write_atomically(feed, atom_feed(alert, entries, stamp))
            _write_atomically(index_dir / STATE_DIR / f"{alert.name}.json", json.dumps(
                {"last_run": stamp, "index": index_stamp, "seen": seen, "entries": entries}, ensure_ascii=False))
            runs.append(AlertRun(alert, tuple(reported), len(matches), first, feed))
    if {a.name for a in chosen} == set(alerts):
        _write_atomically(ran_on, index_stamp)
    return runs


def _source_link(hit: Any) -> str | None:
    from coi.cite import official_url

    return getattr(hit, "source_url", None) or official_url(hit.doc_id)


def feed_for(index_dir: Path, name: str, base_url: str | None = None) -> str:
    """An alert's feed as it stands (what its runs reported), its entries linked to `base_url`'s passage pages
    when given (as `coi serve` serves it)."""
    alert = get_alert(index_dir, name)
    state = alert_state(index_dir, name) or {}
    entries = state.get("entries", [])
    if base_url:
        entries = [e | {"link": f"{base_url.rstrip('/')}/p/{quote(e['id'], safe='')}"} for e in entries]
    return atom_feed(alert, entries, state.get("last_run") or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))


def atom_feed(alert: Alert, entries: list[dict[str, Any]], updated: str) -> str:
    """An Atom 1.0 feed (RFC 4287) of an alert's reported passages, newest first."""
    from xml.etree import ElementTree as ET

    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)
    feed = ET.Element(f"{{{ns}}}feed")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    sub(feed, "id", f"urn:coi:alert:{alert.name}")
    sub(feed, "title", f"coi alert {alert.name}: {alert.query}")
    sub(feed, "updated", updated)
    sub(sub(feed, "author"), "name", "coi")
    sub(feed, "generator", "coi")
    for e in entries:
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:coi:passage:{e['id']}:{e['reported']}")
        change = "Gewijzigd" if e["change"] == "changed" else "Nieuw"
        sub(entry, "title", f"{change}: {e['locator']} — {e['title'] or e['id']}")
        sub(entry, "updated", e["reported"])
        if e.get("date"):
            sub(entry, "published", f"{e['date']}T00:00:00Z")
        if e.get("link"):
            sub(entry, "link", href=e["link"])
        sub(entry, "summary", e["snippet"].replace("**", ""))
        sub(entry, "content", f"{e['snippet'].replace('**', '')}\n\n{e['citation']}\n{e['id']}", type="text")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
