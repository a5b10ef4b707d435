"""coi: a searchable, citable corpus of Dutch country-of-origin information."""

__version__ = "0.1.0"

# Bump whenever parsing output can change: the index re-parses every document when it differs.
PARSER_VERSION = "1"
