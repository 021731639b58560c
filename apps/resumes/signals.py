"""Signals the resumes app sends, so the apps above it can react without resumes importing them."""

from django.dispatch import Signal

# Sent with `resume=` inside the deleting transaction, before the resume row is deleted: an app that
# keeps data derived from the resume's text erases it (apps/privacy/receivers.py).
resume_erasing = Signal()
