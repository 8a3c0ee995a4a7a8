"""The weekly link check (beat) and the check of one link on request."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="references.check_links", acks_late=True)
def check_reference_links(urls: list[str] | None = None) -> dict:
    """Weekly (beat, Sunday night): check every link not checked for six days, each
    distinct link once with bounded concurrency and timeouts. With `urls`: just those.
    Idempotent: a second run finds nothing due."""
    return services.check_links(urls=urls)
