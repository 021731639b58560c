"""Signals the careers app sends; apps above it (resumes) listen, so careers imports none of them."""

from django.dispatch import Signal

# Sent after commit when roles changed: `role_ids` (a sorted list) or None for the whole catalog.
roles_changed = Signal()
