"""Signals the roadmap app sends."""

from django.dispatch import Signal

# Sent at the end of `load_catalog`, inside its transaction, with `report` (a LoadReport). Bulk
# writes in a load send no model signals, so whoever caches the catalog listens to this one.
catalog_loaded = Signal()
