"""Reminders to a benefit's owner before each of its due dates (the measurement points,
BenefitDueDate, and the benefit's own final ``due_date``), through the alert machinery:
this module is the deadline source governance registers with ``alerts.sources``
(GovernanceConfig.ready), so the organisation's alert rules, the once-per-deadline
deliveries, the digest e-mail and the in-app notifications are the contracts' own.

- *Gevinstmåling forfalder* (AlertKind.BENEFIT_DUE): the rule's days before a due date
  (by default 30 and 7).
- *Gevinstmåling overskredet* (AlertKind.BENEFIT_OVERDUE): the rule's days after a due
  date that has passed without a measurement (by default the day after).

No reminder for a due date that is measured (``measured_for``: a measurement dated no
earlier than BenefitDueDate.MEASURED_WINDOW_DAYS before it, or any later one), nor for
the benefits of a closed or stopped project. A date that is both a measurement point and
the benefit's final due date is one deadline.

Recipient: the benefit's owner; without one (or when they have left or have no e-mail)
the project's owner; without that too, the organisation's admins (``without_owner``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alerts.choices import AlertKind
from alerts.my_deadlines import Due, Reason
from alerts.sources import DeadlineSource, SourceDeadline
from roles.models import Person

from .choices import ProjectPhase
from .models import Benefit, BenefitDueDate
from .querysets import measured_for

# A closed or stopped project's benefits are not chased any more.
FINISHED_PHASES = (ProjectPhase.CLOSED, ProjectPhase.STOPPED)


def _recipient(person_id, people, today) -> tuple | None:
    person = people.get(person_id)
    if person is None or not person.email or person.has_left(today):
        return None
    return (person.pk, person.email, person.user_id)


def benefit_deadlines(*, windows, today: datetime.date) -> list[SourceDeadline]:
    """The unmeasured due dates of live benefits within the rules' windows. Three
    queries (due dates, final due dates, benefits with their people)."""
    first = min(window[0] for window in windows.values())
    last = max(window[1] for window in windows.values())
    live = Benefit.objects.exclude(project__phase__in=FINISHED_PHASES)
    dates = defaultdict(set)
    for benefit_id, date in (
        BenefitDueDate.objects.filter(date__range=(first, last), benefit__in=live)
        .with_met().filter(is_met=False).values_list("benefit_id", "date")
    ):
        dates[benefit_id].add(date)
    for benefit_id, date in (
        live.filter(due_date__range=(first, last))
        .annotate(is_met=measured_for(OuterRef("pk"), OuterRef("due_date")))
        .filter(is_met=False).values_list("pk", "due_date")
    ):
        dates[benefit_id].add(date)
    if not dates:
        return []
    benefits = list(
        Benefit.objects.filter(pk__in=dates).values_list(
            "pk", "organisation_id", "title", "owner_id", "project__owner_id",
            "project__name",
        )
    )
    people = {
        person.pk: person
        for person in Person.objects.filter(
            pk__in={pid for row in benefits for pid in row[3:5] if pid}
        ).only("email", "user_id", "left_on")
    }
    content_type_id = ContentType.objects.get_for_model(Benefit).pk
    found = []
    for pk, organisation_id, title, owner_id, project_owner_id, project_name in benefits:
        recipient = _recipient(owner_id, people, today) or _recipient(
            project_owner_id, people, today
        )
        for date in sorted(dates[pk]):
            for kind, (start, end) in windows.items():
                if start <= date <= end:
                    found.append(SourceDeadline(
                        organisation_id=organisation_id, content_type_id=content_type_id,
                        object_id=pk, object_repr=f"{title} ({project_name})", kind=kind,
                        deadline=date, recipients=(recipient,) if recipient else (),
                    ))
    return found


PERSON_KIND = "benefit"
# How far back an unmeasured due date stays on the owner's list.
OVERDUE_LISTED_DAYS = 365


def person_benefit_deadlines(*, person, today: datetime.date, end: datetime.date) -> list[Due]:
    """The unmeasured due dates of the live benefits `person` owns (or, for a benefit
    without an owner, whose project they own), up to `end`; an overdue one stays on the
    list for a year. Two queries."""
    since = today - datetime.timedelta(days=OVERDUE_LISTED_DAYS)
    benefits = {
        benefit.pk: benefit
        for benefit in Benefit.objects.filter(organisation_id=person.organisation_id)
        .exclude(project__phase__in=FINISHED_PHASES)
        .filter(Q(owner=person) | Q(owner__isnull=True, project__owner=person))
        .select_related("project")
        .annotate(final_met=measured_for(OuterRef("pk"), OuterRef("due_date")))
    }
    if not benefits:
        return []
    dates = defaultdict(set)
    for benefit_id, date in (
        BenefitDueDate.objects.filter(benefit__in=list(benefits), date__range=(since, end))
        .with_met().filter(is_met=False).values_list("benefit_id", "date")
    ):
        dates[benefit_id].add(date)
    for benefit in benefits.values():
        if benefit.due_date and since <= benefit.due_date <= end and not benefit.final_met:
            dates[benefit.pk].add(benefit.due_date)
    due = []
    for benefit_id, days in dates.items():
        benefit = benefits[benefit_id]
        reason = (Reason(_("Gevinstejer")) if benefit.owner_id == person.pk
                  else Reason(_("Projektejer"), benefit.project.name))
        due += [Due(PERSON_KIND, benefit, date, today, [reason], key=date.isoformat())
                for date in days]
    return due


SOURCE = DeadlineSource(
    name="governance.benefits",
    kinds=frozenset({AlertKind.BENEFIT_DUE, AlertKind.BENEFIT_OVERDUE}),
    collect=benefit_deadlines,
    # Mail text is rendered in Danish; these are the msgids.
    decisions={
        AlertKind.BENEFIT_DUE: gettext_noop(
            "Mål gevinsten og registrér målingen på gevinstens side i kitos."
        ),
        AlertKind.BENEFIT_OVERDUE: gettext_noop(
            "Forfaldsdatoen er passeret uden en måling. Mål gevinsten og registrér "
            "målingen, eller flyt forfaldsdatoen."
        ),
    },
    person_deadlines=person_benefit_deadlines,
    person_kinds={PERSON_KIND: (gettext_noop("Gevinstmåling forfalder"), "benefit-due")},
)
