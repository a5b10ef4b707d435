"""`coi index` as a library call: the store (`coi.store`) and the updater (`coi.update`) do the work; this
module only names the entry points that scripts and benchmarks use."""

from __future__ import annotations

from coi.update import IndexSummary, index_corpus, update_index

__all__ = ["IndexSummary", "index_corpus", "update_index"]
