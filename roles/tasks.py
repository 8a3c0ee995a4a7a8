"""Celery tasks of the roles app: thin, take ids, reload and call a service."""

from __future__ import annotations

from celery import shared_task

from kitos.tasks import MAIL_RETRY

from .models import Person, RoleAssignment
from .services import responsibility_notice


@shared_task(name="roles.send_responsibility_notice", **MAIL_RETRY)
def send_responsibility_notice(
    person_id: int, assignment_ids: list[int], previous_id: int | None = None
) -> bool:
    """Tell a new holder which roles they took over (one e-mail per hand-over; a retry
    after a failed send sends that one mail again, nothing else)."""
    person = Person.objects.filter(pk=person_id).first()
    assignments = list(
        RoleAssignment.objects.filter(pk__in=assignment_ids, person_id=person_id).for_list()
    )
    if person is None or not assignments:
        return False
    previous = Person.objects.filter(pk=previous_id).first() if previous_id else None
    return responsibility_notice(person=person, assignments=assignments, previous=previous)
