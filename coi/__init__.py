"""coi: a searchable, citable corpus of Dutch country-of-origin information."""

import sys
import types
from typing import Any

__version__ = "0.1.0"

# Bump whenever parsing output can change: the index re-parses every document when it differs.
PARSER_VERSION = "2"  # 2: superscripts, side columns, paragraphs cut by a page, large headings (2026-12-02)


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def _whoosh_compat_without_urllib() -> None:
    """Import whoosh.compat without urllib.request. whoosh.compat, which every whoosh module imports, takes
    `urlretrieve` from urllib.request (with http.client and the email package: 30 ms, a tenth of a `coi search`
    process) for a download helper that whoosh never calls. While it is imported, urllib.request is a stand-in
    whose `urlretrieve` imports the real one when called; the stand-in is gone after, so any later
    `import urllib.request` gets the real module."""
    if "whoosh.compat" in sys.modules or "urllib.request" in sys.modules:
        return
    stand_in = types.ModuleType("urllib.request")
    stand_in.urlretrieve = _urlretrieve  # type: ignore[attr-defined]
    sys.modules["urllib.request"] = stand_in
    try:
        import whoosh.compat  # noqa: F401
    except ImportError:  # whoosh is missing: the modules that need it say so
        pass
    finally:
        if sys.modules.get("urllib.request") is stand_in:
            del sys.modules["urllib.request"]


_whoosh_compat_without_urllib()
