"""Writes for new-system requests (the buying process) and their specialist sign-offs:
keyword-only, atomic, permission-checked and audited, like governance.services. The
portal's forms, the API, the admin and the demo data all call these.

The request's way: *Kladde* → (submit) *Til vurdering*, with one pending sign-off per
specialist role → (the last role signs) *Afventer beslutning* → a steering group's
decision (``request_decided``, called by governance.services.decision_create /
decision_update): approved → *Godkendt* and a project in the portfolio; rejected →
*Afvist*; postponed or noted → still waiting. It may be withdrawn while open.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitos.audit import AuditAction, record_change
from kitos.services import create_object, delete_object, update_object
from kitos.tenancy import ADMIN, has_role
from roles.models import Person

from .choices import (
    DecisionOutcome,
    ProjectPhase,
    RequestStatus,
    SignOffRole,
    SignOffVerdict,
)
from .models import NewSystemRequest, RequestSignOff

# Fields only the request's own steps change (submit, sign-off, decision), never an edit.
WORKFLOW_FIELDS = ("status", "submitted_on", "project", "organisation")
M2M_FIELDS = ("kle_numbers", "goals", "principles")


def _m2m(lists: dict) -> dict | None:
    m2m = {name: list(objects) for name, objects in lists.items() if objects is not None}
    return m2m or None


def _set_status(actor, request: NewSystemRequest, status: str, **fields: Any) -> None:
    """Move the request to `status` (with `fields`), audited as a change of the request."""
    before = {"status": request.status, **{name: getattr(request, name) for name in fields}}
    request.status = status
    for name, value in fields.items():
        setattr(request, name, value)
    request.save(update_fields=["status", *fields, "updated_at"])
    changes = {
        name: [_text(old), _text(getattr(request, name))]
        for name, old in before.items() if old != getattr(request, name)
    }
    if changes:
        record_change(actor=actor, action=AuditAction.UPDATE, instance=request,
                      changes=changes)


def _text(value) -> Any:
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def _acting_person(actor, organisation_id) -> Person | None:
    """The actor's own person in the organisation, when their login has one."""
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "pk", None) is None:
        return None
    return Person.objects.filter(organisation_id=organisation_id, user_id=actor.pk).first()


def _lock(request: NewSystemRequest) -> None:
    """Lock the request's row until the step commits and read it as it is now: two
    specialists signing at once must not both see a pending role left."""
    list(NewSystemRequest.objects.select_for_update().filter(pk=request.pk)
         .order_by().values_list("pk", flat=True))
    request.refresh_from_db()


# -- requests ----------------------------------------------------------------------------


@transaction.atomic
def request_create(
    *, actor, organisation, title: str, kle_numbers=None, goals=None, principles=None,
    **fields: Any,
) -> NewSystemRequest:
    """A new request, as a draft (*Kladde*), with its KLE numbers, goals and principles."""
    for name in WORKFLOW_FIELDS:
        fields.pop(name, None)
    return create_object(
        actor=actor,
        instance=NewSystemRequest(organisation=organisation, title=title, **fields),
        m2m=_m2m({"kle_numbers": kle_numbers, "goals": goals, "principles": principles}),
    )


@transaction.atomic
def request_update(
    *, actor, request: NewSystemRequest, data: dict[str, Any] | None = None,
    kle_numbers=None, goals=None, principles=None,
) -> NewSystemRequest:
    """Change what a request asks for. Its status moves only through its steps (submit,
    sign-off, decision, withdraw), and a decided or withdrawn request stays as it was."""
    data = dict(data or {})
    for name in WORKFLOW_FIELDS:
        if name in data and data[name] != getattr(request, name):
            raise ValidationError(
                {name: _("Feltet ændres kun gennem anmodningens trin.")}
            )
        data.pop(name, None)
    if not request.is_open:
        raise ValidationError(
            _("Anmodningen er %(status)s og kan ikke længere ændres.")
            % {"status": request.get_status_display().lower()}
        )
    return update_object(
        actor=actor, instance=request, data=data,
        m2m=_m2m({"kle_numbers": kle_numbers, "goals": goals, "principles": principles}),
    )


@transaction.atomic
def request_submit(*, actor, request: NewSystemRequest) -> NewSystemRequest:
    """Send a draft to the specialists: *Til vurdering*, with one pending sign-off per
    specialist role."""
    request.check_editable_by(actor)
    _lock(request)
    if request.status != RequestStatus.DRAFT:
        raise ValidationError(_("Kun en kladde kan sendes til vurdering."))
    for role in SignOffRole.values:
        if not RequestSignOff.objects.filter(request=request, role=role).exists():
            create_object(
                actor=actor,
                instance=RequestSignOff(organisation_id=request.organisation_id,
                                        request=request, role=role),
            )
    _set_status(actor, request, RequestStatus.IN_REVIEW,
                submitted_on=timezone.localdate())
    return request


@transaction.atomic
def request_sign_off(
    *, actor, request: NewSystemRequest, role: str, verdict: str, comment: str = "",
    person: Person | None = None,
) -> RequestSignOff:
    """One specialist role's verdict on a request under review, signed by `person` or
    else the actor's own person when their login has one. When no role is pending any
    more, the request waits for a steering group's decision (*Afventer beslutning*)."""
    request.check_editable_by(actor)
    _lock(request)
    if role not in SignOffRole.values:
        raise ValidationError({"role": _("Rollen skal være en af specialistrollerne.")})
    if verdict not in SignOffVerdict.values or verdict == SignOffVerdict.PENDING:
        raise ValidationError(
            {"verdict": _("Vælg en vurdering: godkendt, godkendt med forbehold eller "
                          "indsigelse.")}
        )
    if request.status not in (RequestStatus.IN_REVIEW, RequestStatus.AWAITING_DECISION):
        raise ValidationError(
            _("Kun en anmodning til vurdering eller som afventer beslutning kan vurderes.")
        )
    sign_off = RequestSignOff.objects.filter(request=request, role=role).first()
    if sign_off is None:
        raise ValidationError({"role": _("Anmodningen venter ikke på en vurdering fra den "
                                         "rolle.")})
    sign_off = update_object(
        actor=actor, instance=sign_off,
        data={"verdict": verdict, "comment": comment or "", "signed_on": timezone.localdate(),
              "person": person or _acting_person(actor, request.organisation_id)},
    )
    pending = RequestSignOff.objects.filter(
        request=request, verdict=SignOffVerdict.PENDING
    ).exists()
    if not pending and request.status == RequestStatus.IN_REVIEW:
        _set_status(actor, request, RequestStatus.AWAITING_DECISION)
    return sign_off


@transaction.atomic
def request_withdraw(*, actor, request: NewSystemRequest) -> NewSystemRequest:
    """The requester withdraws an open request (*Trukket tilbage*)."""
    request.check_editable_by(actor)
    if not request.is_open:
        raise ValidationError(_("Kun en åben anmodning kan trækkes tilbage."))
    _set_status(actor, request, RequestStatus.WITHDRAWN)
    return request


@transaction.atomic
def request_delete(*, actor, request: NewSystemRequest) -> None:
    """Delete a draft (or, for an administrator, any request without decisions) with
    its sign-offs, each audited so that the deletions feed names them."""
    request.check_editable_by(actor)
    if request.status != RequestStatus.DRAFT and not has_role(
        actor, request.organisation_id, at_least=ADMIN
    ):
        raise PermissionDenied(
            _("Kun en kladde kan slettes; træk anmodningen tilbage i stedet.")
        )
    for sign_off in RequestSignOff.objects.filter(request=request):
        delete_object(actor=actor, instance=sign_off)
    delete_object(actor=actor, instance=request)


# -- the steering group's decision ---------------------------------------------------------


def request_decided(*, actor, decision, previous_outcome: str | None = None) -> None:
    """What a steering group's decision on a request does to it (the one rule, called
    by the decision services): approved → *Godkendt* and a project in the portfolio
    (phase *Besluttet*, from the request's title, need, unit, goals and costs);
    rejected → *Afvist*; postponed or noted → it keeps waiting."""
    if not decision.request_id:
        return
    request = decision.request
    _lock(request)
    final = (DecisionOutcome.APPROVED, DecisionOutcome.REJECTED)
    if previous_outcome in final and request.status in (RequestStatus.APPROVED,
                                                        RequestStatus.REJECTED):
        if decision.outcome != previous_outcome:
            raise ValidationError(
                {"outcome": _("Anmodningen er allerede afgjort af denne beslutning; "
                              "udfaldet kan ikke ændres.")}
            )
        return
    if decision.outcome not in final:
        return
    if request.status != RequestStatus.AWAITING_DECISION:
        raise ValidationError(
            {"request": _("Anmodningen afventer ikke en beslutning (den er %(status)s).")
             % {"status": request.get_status_display().lower()}}
        )
    if decision.outcome == DecisionOutcome.REJECTED:
        _set_status(actor, request, RequestStatus.REJECTED)
        return
    from .services import project_create  # the project services import the decision's

    project = project_create(
        actor=actor, organisation=request.organisation, name=request.title,
        purpose=request.need, phase=ProjectPhase.DECIDED,
        responsible_unit=request.unit, investment=request.expected_investment,
        yearly_operating_cost=request.expected_yearly_cost,
        goals=list(request.goals.all()),
    )
    _set_status(actor, request, RequestStatus.APPROVED, project=project)
