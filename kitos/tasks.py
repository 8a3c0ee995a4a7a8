"""Project-level Celery tasks."""

from celery import shared_task


@shared_task(name="kitos.ping", acks_late=True, ignore_result=False)
def ping() -> str:
    """Answered by any live worker: `/healthz?worker=1` uses it to prove the queue works."""
    return "pong"
