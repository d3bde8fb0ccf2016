"""Signals other apps listen to, so the lessons app never imports them."""

from django.dispatch import Signal

# Sent after an import that changed something has committed; kwargs: report (ImportReport),
# whose changed_lessons names the lessons added or rewritten.
catalog_imported = Signal()
