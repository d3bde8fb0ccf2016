"""Celery tasks of the sandbox: ids in, results on the Run row; and the periodic housekeeping."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_process_init, worker_process_shutdown
from django.conf import settings

from sandbox_runner import services
from sandbox_runner.models import WORKER_LOST, Run
from sandbox_runner.pool import pool

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True, time_limit=300)
def execute_run(run_id: int) -> None:
    """Execute one queued run; receiving the message twice is harmless."""
    if not Run.objects.claim(run_id):
        # Redelivered after a worker died mid-run: fail the run, never rerun untrusted code.
        Run.objects.fail_if_running(run_id, message=WORKER_LOST)
        return
    try:
        services.run_in_sandbox(run_id=run_id)
    except Exception:
        # Whatever broke (the database, the file storage), the learner sees an ended run at once.
        logger.exception("Run %s failed on this site's side", run_id)
        Run.objects.fail_unfinished(run_id, message=services.SITE_FAILURE)


@shared_task(ignore_result=True, time_limit=120)
def fail_stale_runs() -> int:
    """Fail runs whose worker vanished or that no worker picked up; return how many."""
    return services.fail_stale_runs()


@shared_task(ignore_result=True, time_limit=3600)
def delete_old_runs_and_uploads() -> dict[str, int]:
    """Delete runs past their retention and expired uploads, with their files; return the counts."""
    counts = {
        "runs": services.delete_old_runs(days=settings.SANDBOX_RUN_RETENTION_DAYS),
        "uploads": services.delete_expired_uploads(),
    }
    logger.info("Deleted %(runs)s old runs and %(uploads)s expired uploads", counts)
    return counts


@worker_process_init.connect
def start_warm_pool(**_kwargs) -> None:
    pool().fill()


@worker_process_shutdown.connect
def stop_warm_pool(**_kwargs) -> None:
    pool().close()
