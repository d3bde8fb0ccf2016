"""Celery tasks of the sandbox: ids in, results on the Run row."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_process_init, worker_process_shutdown

from sandbox_runner.models import WORKER_LOST, Run
from sandbox_runner.pool import pool
from sandbox_runner.services import run_in_sandbox


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True, time_limit=300)
def execute_run(run_id: int) -> None:
    """Execute one queued run; receiving the message twice is harmless."""
    if not Run.objects.claim(run_id):
        # Redelivered after a worker died mid-run: fail the run, never rerun untrusted code.
        Run.objects.fail_if_running(run_id, message=WORKER_LOST)
        return
    run_in_sandbox(run_id=run_id)


@worker_process_init.connect
def start_warm_pool(**_kwargs) -> None:
    pool().fill()


@worker_process_shutdown.connect
def stop_warm_pool(**_kwargs) -> None:
    pool().close()
