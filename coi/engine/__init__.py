"""Everything of coi that touches whoosh's internals: patches (`fixes`), query evaluation over posting blocks and
bitmaps (`evaluate`), column and deletion readers and the snippet highlighter (`readers`).

whoosh is pinned at 2.7.4, the canonical and last release; these modules read its private structures (the W3
codec's blocks, per-segment column files, the highlighter's token merging), so they are checked against that
version when coi starts to use the index, with a one-line message instead of a wrong answer later.
"""

from __future__ import annotations

import whoosh

from coi.errors import CoiError

WHOOSH_VERSION = "2.7.4"


class EngineVersionError(CoiError):
    """The installed whoosh is not the version coi's engine was written for."""


def check_version(found: str | None = None) -> None:
    """Fail with one line when whoosh is not the pinned version (`found`: the version to check, for tests)."""
    found = found or whoosh.versionstring()
    if found != WHOOSH_VERSION:
        raise EngineVersionError(
            f"coi needs whoosh {WHOOSH_VERSION}, found {found}; run: pip install 'whoosh=={WHOOSH_VERSION}'")


check_version()

from coi.engine import fixes  # noqa: E402  (after the check: the fixes patch version-specific classes)

fixes.apply()
