"""The agenda of a steering group's next meeting: what waits for the group's decision.

One function, ``meeting_agenda``, answers it in a fixed number of queries:
- projects in the group's scope in phase *Analyse* (waiting for a go decision);
- new-system requests in the group's scope that the specialists have signed off
  (*Afventer beslutning*);
- the group's decisions whose follow-up date has passed and whose follow-up is not done;
- contracts in the group's scope whose current deadline (``Contract.current_deadline``:
  the notice deadline, *Opsigelsesfrist*, kept on the contract by contracts.deadlines, or
  the end of a contract that simply expires) falls between today and the next meeting
  + 30 days and on which no steering group has decided anything yet.
The scope is the whole organisation, or the group's unit and the units under it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce

from contracts.models import Contract

from .choices import ProjectPhase, RequestStatus
from .models import Decision, Meeting, NewSystemRequest, Project, SteeringGroup

# How far past the next meeting a contract's notice deadline is put on its agenda.
CONTRACT_HORIZON = datetime.timedelta(days=30)


@dataclass
class Agenda:
    next_meeting: Meeting | None
    horizon: datetime.date
    projects: list[Project]
    follow_ups: list[Decision]
    contracts: list[Contract]
    # New-system requests signed off by the specialists, waiting for the decision.
    requests: list[NewSystemRequest] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.projects or self.follow_ups or self.contracts or self.requests)


def _in_scope(queryset, group: SteeringGroup):
    queryset = queryset.filter(organisation_id=group.organisation_id)
    if group.unit_id:
        queryset = queryset.filter(responsible_unit__path__startswith=group.unit.path)
    return queryset


def meeting_agenda(group: SteeringGroup, *, today: datetime.date) -> Agenda:
    """What waits for `group`'s decision at its next meeting (from `today` on)."""
    next_meeting = (
        Meeting.objects.filter(group=group, date__gte=today).order_by("date").first()
    )
    horizon = (next_meeting.date if next_meeting else today) + CONTRACT_HORIZON
    projects = list(
        _in_scope(Project.objects.all(), group)
        .filter(phase=ProjectPhase.ANALYSIS)
        .select_related("responsible_unit")
        .order_by("name")
    )
    follow_ups = list(
        Decision.objects.filter(group=group).follow_up_overdue(today)
        .select_related("project", "contract")
        .order_by("follow_up_date", "title")
    )
    contracts = list(
        _in_scope(Contract.objects.all(), group)
        .annotate(deadline=Coalesce(F("notice_deadline"), F("next_end")))
        .filter(deadline__gte=today, deadline__lte=horizon)
        .exclude(Exists(Decision.objects.filter(contract=OuterRef("pk"))))
        .select_related("supplier", "responsible_unit")
        .order_by("deadline", "name")
    )
    requests = list(
        NewSystemRequest.objects.filter(
            organisation_id=group.organisation_id, status=RequestStatus.AWAITING_DECISION)
        .filter(**({"unit__path__startswith": group.unit.path} if group.unit_id else {}))
        .select_related("unit")
        .order_by("submitted_on", "title")
    )
    return Agenda(next_meeting, horizon, projects, follow_ups, contracts, requests)
