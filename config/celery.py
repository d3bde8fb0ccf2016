"""The Celery application; settings come from Django's, under the CELERY_ prefix."""

from __future__ import annotations

import os
import warnings

from celery import Celery
from celery.exceptions import SecurityWarning

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Sandbox workers start as root on purpose: root gives each sandbox a throwaway
# unprivileged uid and its own cgroups, and learners' code never runs as root. Messages
# are JSON only (no pickle), which is what Celery's warning about root is guarding.
warnings.filterwarnings("ignore", message="You're running the worker with superuser privileges", category=SecurityWarning)

app = Celery("lessonbox")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
