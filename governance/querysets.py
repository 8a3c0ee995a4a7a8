"""Querysets of the governance models: scoped to the user's organisations
(``visible_to`` / ``editable_by``) with the ``for_list`` of each list page."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from kitos.tenancy import ScopedQuerySet

from .choices import ACTIVE_PHASES

# The fields of a status report shown with its project (latest_<name> on each row).
LATEST_STATUS_FIELDS = ("period", "time", "cost", "scope", "benefits")


class StrategicGoalQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "owner", "unit", "parent")


class ProjectQuerySet(ScopedQuerySet):
    def needing_roles(self, today):
        """The projects whose roles still matter (roles.responsibilities): not ended."""
        return self.filter(phase__in=ACTIVE_PHASES)

    def for_list(self):
        return self.select_related(
            "organisation", "responsible_unit", "owner", "manager"
        ).with_latest_status()

    def with_latest_status(self):
        """Annotate each project with its latest status report's period and traffic
        lights (``latest_period``, ``latest_time`` ...): subqueries, no query per row."""
        from .models import ProjectStatusReport

        latest = ProjectStatusReport.objects.filter(project=OuterRef("pk")).order_by("-period")
        return self.annotate(
            **{
                f"latest_{name}": Subquery(latest.values(name)[:1])
                for name in LATEST_STATUS_FIELDS
            }
        )


class ProjectStatusReportQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "project", "reported_by")


# -- steering groups and decisions ---------------------------------------------------------


class SteeringGroupQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "unit")


class MeetingQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "group")


class DecisionQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "group", "meeting", "project", "contract")

    def follow_up_overdue(self, today):
        """Decisions whose follow-up date has passed and whose follow-up is not done."""
        return self.filter(follow_up_date__lt=today, follow_up_done=False)
