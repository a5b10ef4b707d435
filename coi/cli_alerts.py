"""`coi alert …`: saved searches that report what is new (a face over coi.alerts)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from coi.cli import CoiGroup, _filter_options, _index_dir


def format_run(run: object) -> str:
    """One alert's run as a person reads it: what is new, one passage a line pair."""
    from coi.alerts import AlertRun

    assert isinstance(run, AlertRun)
    n = len(run.reported)
    if run.first and not n:
        head = f"{run.alert.name}: first run, {run.matching} matching passage{'s' * (run.matching != 1)} noted " \
               f"(reported from the next run on; --backfill reports them now)"
    else:
        head = f"{run.alert.name}: {n} new or changed passage{'s' * (n != 1)}"
    out = [head]
    for r in run.reported:
        label = "changed" if r.change == "changed" else "new"
        out.append(f"  [{label}] {r.locator} — {r.title or r.id} ({r.date or 'z.d.'})")
        out.append(f"      {r.snippet.replace('**', '')[:200]}")
        out.append(f"      id: {r.id}")
    return "\n".join(out)


@click.group("alert", cls=CoiGroup)
def alert_group() -> None:
    """Saved searches that report new and changed passages after each `coi index`, with an Atom feed each.

    Example: coi alert add azerbeidzjan-lhbtiq 'LHBTIQ bescherming' --country Azerbeidzjan
    """


@alert_group.command("add")
@click.argument("name")
@click.argument("query")
@_filter_options
@click.option("--from", "date_from", metavar="DATE", help="On or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "date_to", metavar="DATE", help="On or before DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--backfill", is_flag=True, help="Report (and put in the feed) what matches already.")
def add_cmd(name: str, query: str, types: tuple[str, ...], not_type: tuple[str, ...], topics: tuple[str, ...],
            not_topic: tuple[str, ...], countrys: tuple[str, ...], not_country: tuple[str, ...],
            sources: tuple[str, ...], not_source: tuple[str, ...], date_from: str | None,
            date_to: str | None, backfill: bool) -> None:
    """Save a search under NAME (the same query language and filters as `coi search`).

    Example: coi alert add syrie-terugkeer 'terugkeer veiligheid' --country Syrië --from 2023
    """
    from coi.alerts import Alert, add_alert

    filters = {"types": types, "not_types": not_type, "topics": topics, "not_topics": not_topic,
               "countries": countrys, "not_countries": not_country, "sources": sources, "not_sources": not_source}
    run = add_alert(_index_dir(), Alert(name, query, {k: v for k, v in filters.items() if v}, date_from, date_to),
                    backfill=backfill)
    click.echo(f"saved alert {run.alert.describe()}; `coi index` reports what is new for it from now on")
    click.echo(format_run(run))


@alert_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def list_cmd(as_json: bool) -> None:
    """The saved alerts.

    Example: coi alert list
    """
    from coi.alerts import load_alerts

    alerts = load_alerts(_index_dir())
    if as_json:
        click.echo(json.dumps([{"name": a.name, "query": a.query, "filters": a.filters, "from": a.date_from,
                                "to": a.date_to, "created": a.created} for a in alerts.values()],
                              ensure_ascii=False, indent=2))
        return
    for a in sorted(alerts.values(), key=lambda a: a.name):
        click.echo(a.describe())
    if not alerts:
        click.echo("no alerts yet; add one with: coi alert add NAME QUERY [filters]")


@alert_group.command("show")
@click.argument("name")
def show_cmd(name: str) -> None:
    """One alert: its search, when it last ran, and what it reported lately.

    Example: coi alert show azerbeidzjan-lhbtiq
    """
    from coi.alerts import alert_state, get_alert

    alert = get_alert(_index_dir(), name)
    click.echo(alert.describe())
    state = alert_state(_index_dir(), name) or {}
    click.echo(f"  last run: {state.get('last_run', 'never')}; passages noted: {len(state.get('seen', {}))}")
    for e in state.get("entries", [])[:20]:
        click.echo(f"  {e['reported'][:10]} [{e['change']}] {e['locator']} — {e['title'] or e['id']}  ({e['id']})")


@alert_group.command("remove")
@click.argument("name")
def remove_cmd(name: str) -> None:
    """Forget an alert, what it reported and its feed.

    Example: coi alert remove azerbeidzjan-lhbtiq
    """
    from coi.alerts import remove_alert

    remove_alert(_index_dir(), name)
    click.echo(f"removed alert {name}")


@alert_group.command("run")
@click.argument("names", nargs=-1)
@click.option("--backfill", is_flag=True, help="On an alert's first run (one whose state was removed), report what "
              "matches already.")
@click.option("--feeds", "feeds_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write the Atom feeds here (default: INDEX/feeds).")
@click.option("--base-url", help="Link feed entries to this `coi serve` address (…/p/ID) instead of the source.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def run_cmd(names: tuple[str, ...], backfill: bool, feeds_dir: Path | None, base_url: str | None,
            as_json: bool) -> None:
    """Report the passages new or changed since each alert's last run (`coi index` does this after indexing).

    Example: coi alert run --json
    """
    from coi.alerts import run_alerts

    runs = run_alerts(_index_dir(), list(names) or None, backfill=backfill, feeds_dir=feeds_dir, base_url=base_url)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in runs], ensure_ascii=False, indent=2))
        return
    for r in runs:
        click.echo(format_run(r))
    if not runs:
        click.echo("no alerts yet; add one with: coi alert add NAME QUERY [filters]")
