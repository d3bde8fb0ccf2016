"""Signals other apps listen to, so the lessons app never imports them."""

from django.dispatch import Signal

# Sent after an import that changed something has committed; kwargs: report (ImportReport).
catalog_imported = Signal()
