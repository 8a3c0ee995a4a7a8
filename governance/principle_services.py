"""Writes for principles (with their versions) and architecture reviews: keyword-only,
atomic, validated, permission-checked and audited. The portal's forms, the API, the
admin and the demo data all call these."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitos.services import create_object, delete_object, update_object

from .choices import ReviewVerdict
from .models import ArchitectureReview, NewSystemRequest, Principle, Project

# The fields a new version copies from the version it replaces unless told otherwise.
VERSIONED_FIELDS = ("code", "title", "area", "text", "rationale", "implications", "owner")
# The field of an architecture review naming each kind of subject.
SUBJECT_FIELDS = {Project: "project", NewSystemRequest: "request"}

# -- principles ------------------------------------------------------------------------------


def principle_create(*, actor, organisation, title: str, **fields: Any) -> Principle:
    """A new principle (version 1 unless told otherwise)."""
    return create_object(
        actor=actor, instance=Principle(organisation=organisation, title=title, **fields)
    )


def principle_update(*, actor, principle: Principle, data: dict[str, Any]) -> Principle:
    """Change a principle's fields in place (corrections); a change of substance is a
    new version (principle_new_version), so that reviews keep what they were made
    against. The version chain itself is not edited here."""
    for locked in ("previous", "version", "organisation"):
        if locked in data and data[locked] != getattr(principle, locked):
            raise ValidationError(
                {locked: _("Versionskæden ændres ved at oprette en ny version.")}
            )
    return update_object(actor=actor, instance=principle, data=data)


@transaction.atomic
def principle_delete(*, actor, principle: Principle) -> None:
    """Delete a principle. One that has been reviewed against, that a later version
    replaces or that a decision is about is kept (the reviews are the record of what
    was checked); make it inactive instead."""
    if principle.reviews.exists():
        raise ValidationError(
            _("Princippet “%(principle)s” kan ikke slettes, fordi der er vurderinger mod "
              "det. Gør det inaktivt i stedet.") % {"principle": principle}
        )
    previous = principle.previous
    delete_object(actor=actor, instance=principle)
    if previous is not None and principle.active and not previous.active:
        # Withdrawing the newest version puts the one it replaced back in force.
        update_object(actor=actor, instance=previous, data={"active": True})


@transaction.atomic
def principle_new_version(
    *, actor, principle: Principle, valid_from=None, **changes: Any
) -> Principle:
    """Make version n+1 of a current principle: it copies the version it replaces with
    `changes` applied and points at it; the old version stays, inactive, with its
    reviews, and the new one is the principle in force."""
    principle.check_editable_by(actor)
    locked = Principle.objects.select_for_update().get(pk=principle.pk)
    if Principle.objects.filter(previous=locked).exists():
        raise ValidationError(
            _("Der findes allerede en nyere version af princippet; lav den nye version ud "
              "fra den.")
        )
    unknown = set(changes) - set(VERSIONED_FIELDS)
    if unknown:
        raise ValidationError(
            {name: _("Feltet kan ikke sættes på en ny version.") for name in unknown}
        )
    values = {name: getattr(locked, name) for name in VERSIONED_FIELDS}
    values.update(changes)
    if locked.active:
        update_object(actor=actor, instance=locked, data={"active": False})
    new = create_object(
        actor=actor,
        instance=Principle(
            organisation_id=locked.organisation_id, previous=locked,
            version=locked.version + 1, active=True,
            valid_from=valid_from or timezone.localdate(), **values,
        ),
    )
    principle.refresh_from_db()
    return new


# -- architecture reviews --------------------------------------------------------------------


def subject_field(subject) -> str:
    """The field of a review naming `subject` (a project, a request or a system usage)."""
    if subject is None:
        raise ValidationError(
            _("En vurdering gælder netop ét projekt, én anmodning eller én systemanvendelse.")
        )
    for model, name in SUBJECT_FIELDS.items():
        if isinstance(subject, model):
            return name
    if subject._meta.label == "portfolio.SystemUsage":
        return "usage"
    raise ValidationError(_("Kun projekter, anmodninger og systemanvendelser vurderes."))


@transaction.atomic
def review_record(
    *, actor, principle: Principle, subject, verdict: str, reason: str = "",
    reviewed_on=None, reviewer=None,
) -> ArchitectureReview:
    """Record the verdict of `subject` against `principle`: a new review, or the
    principle's existing review of the subject replaced (the audit log keeps the earlier
    verdict). An accepted deviation needs its reason; principle, subject and reviewer
    belong to one organisation."""
    field = subject_field(subject)
    if principle.organisation_id != subject.organisation_id:
        raise ValidationError({"principle": _("Skal høre til samme organisation.")})
    if verdict == ReviewVerdict.DEVIATION_ACCEPTED and not (reason or "").strip():
        raise ValidationError(
            {"reason": _("En accepteret afvigelse skal have en begrundelse.")}
        )
    values = {
        "verdict": verdict, "reason": (reason or "").strip(),
        "reviewed_on": reviewed_on or timezone.localdate(), "reviewer": reviewer,
    }
    existing = (
        ArchitectureReview.objects.select_for_update()
        .filter(principle=principle, **{field: subject}).first()
    )
    if existing is not None:
        return update_object(actor=actor, instance=existing, data=values)
    return create_object(
        actor=actor,
        instance=ArchitectureReview(
            organisation_id=subject.organisation_id, principle=principle,
            **{field: subject}, **values,
        ),
    )


def review_update(
    *, actor, review: ArchitectureReview, data: dict[str, Any]
) -> ArchitectureReview:
    """Change a review's verdict, reason, date or reviewer; its principle and subject
    stay (review another subject or principle with review_record)."""
    for fixed in ("principle", "project", "request", "usage", "organisation"):
        if fixed in data and data[fixed] != getattr(review, fixed):
            raise ValidationError(
                {fixed: _("En vurdering kan ikke flyttes; opret en ny vurdering.")}
            )
    if data.get("verdict", review.verdict) == ReviewVerdict.DEVIATION_ACCEPTED and not (
        data.get("reason", review.reason) or ""
    ).strip():
        raise ValidationError(
            {"reason": _("En accepteret afvigelse skal have en begrundelse.")}
        )
    return update_object(actor=actor, instance=review, data=data)


def review_delete(*, actor, review: ArchitectureReview) -> None:
    delete_object(actor=actor, instance=review)


@transaction.atomic
def review_subject(
    *, actor, subject, verdicts: Iterable[tuple[Principle, str, str]], reviewed_on=None,
    reviewer=None,
) -> list[ArchitectureReview]:
    """Review `subject` against several principles at once ((principle, verdict, reason)
    rows; a row without a verdict is skipped): all rows are written or none."""
    reviews = []
    errors: dict[str, list[str]] = {}
    for principle, verdict, reason in verdicts:
        if not verdict:
            continue
        try:
            with transaction.atomic():
                reviews.append(review_record(
                    actor=actor, principle=principle, subject=subject, verdict=verdict,
                    reason=reason, reviewed_on=reviewed_on, reviewer=reviewer,
                ))
        except ValidationError as error:
            label = str(principle)
            for message in error.messages:
                errors.setdefault(label, []).append(message)
    if errors:
        raise ValidationError(
            [f"{label}: {message}" for label, messages in errors.items()
             for message in messages]
        )
    return reviews
