"""The one exception hierarchy of coi. The CLI turns these into one-line messages and exit codes."""


class CoiError(Exception):
    """Base class: a failure that is reported to the user as one line, never as a traceback."""

    exit_code = 1


class InputError(CoiError):
    """A document cannot be read: empty, binary, unreadable or vanished."""


class SidecarError(CoiError):
    """A metadata file (TOML) beside a document is malformed or has a wrong field."""


class UsageError(CoiError):
    """A value given by the user is wrong (bad query, bad filter, bad option)."""

    exit_code = 2


class IndexBusyError(CoiError):
    """Another `coi index` holds the writer lock."""

    exit_code = 3


class IndexMissingError(CoiError):
    """There is no index (of this version of coi) to search."""


class UnknownIdError(CoiError):
    """No passage or document has the id asked for."""
