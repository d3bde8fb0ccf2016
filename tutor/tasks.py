"""The tutor's periodic housekeeping."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from tutor import services

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True, time_limit=1800)
def delete_old_questions() -> int:
    """Delete logged questions older than TUTOR_QUESTION_RETENTION_DAYS; return how many (a retry deletes only what is left)."""
    deleted = services.delete_old_questions(days=settings.TUTOR_QUESTION_RETENTION_DAYS)
    logger.info("Deleted %s tutor questions past their retention", deleted)
    return deleted
