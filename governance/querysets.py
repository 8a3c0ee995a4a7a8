"""Querysets of the governance models: scoped to the user's organisations
(``visible_to`` / ``editable_by``) with the ``for_list`` of each list page."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from kitos.tenancy import ScopedQuerySet

from .choices import ACTIVE_PHASES, BenefitKind

ECONOMIC = BenefitKind.ECONOMIC

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


# -- benefits ------------------------------------------------------------------------------


class BenefitQuerySet(ScopedQuerySet):
    """Benefits with their realisation computed in one place (``with_realisation``): the
    list, the detail page, the API and the portfolio view all read these annotations."""

    def for_list(self):
        return self.select_related(
            "organisation", "project", "project__responsible_unit", "owner"
        ).with_realisation()

    def with_realisation(self):
        """Annotate ``realised`` (the latest measurement's value), ``realised_on`` (its
        date) and ``realised_share`` ((realised − baseline) / (target − baseline); null
        without a measurement, a baseline or when target equals baseline — never a
        division by zero)."""
        from django.db.models import Case, DecimalField, F, FloatField, Q, Value, When
        from django.db.models.functions import Cast

        from .models import BenefitMeasurement

        latest = BenefitMeasurement.objects.filter(benefit=OuterRef("pk")).order_by(
            "-measured_on"
        )
        money = DecimalField(max_digits=16, decimal_places=2)
        return self.annotate(
            realised=Subquery(latest.values("value")[:1]),
            realised_on=Subquery(latest.values("measured_on")[:1]),
        ).annotate(
            realised_share=Case(
                When(
                    Q(realised__isnull=False) & Q(baseline__isnull=False)
                    & ~Q(target=F("baseline")),
                    # As floats: SQLite divides whole-numbered decimals as integers.
                    then=Cast(F("realised") - F("baseline"), FloatField())
                    / Cast(F("target") - F("baseline"), FloatField()),
                ),
                default=Value(None),
                output_field=FloatField(),
            ),
            # Economic benefits' kroner, for the totals of expected vs realised.
            economic_target=Case(
                When(kind=ECONOMIC, then=F("target")), default=Value(None),
                output_field=money,
            ),
            economic_realised=Case(
                When(kind=ECONOMIC, then=F("realised")), default=Value(None),
                output_field=money,
            ),
        )

    def overdue_without_measurement(self, today):
        """Benefits whose due date has passed without any measurement."""
        return self.filter(due_date__lt=today, measurements__isnull=True)


class BenefitMeasurementQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "benefit", "measured_by")


# -- steering groups and decisions ---------------------------------------------------------


class SteeringGroupQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "unit")


class MeetingQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "group")


class DecisionQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related(
            "organisation", "group", "meeting", "project", "contract", "request", "principle"
        )

    def follow_up_overdue(self, today):
        """Decisions whose follow-up date has passed and whose follow-up is not done."""
        return self.filter(follow_up_date__lt=today, follow_up_done=False)


class NewSystemRequestQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related(
            "organisation", "unit", "requested_by", "project"
        ).prefetch_related("kle_numbers")


class RequestSignOffQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "request", "person")


class PrincipleQuerySet(ScopedQuerySet):
    def current(self):
        """The versions in force: active and not replaced by a newer version."""
        return self.filter(active=True, replaced_by__isnull=True)

    def for_list(self):
        return self.select_related("organisation", "owner", "previous")


class ArchitectureReviewQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related(
            "organisation", "principle", "project", "request", "usage__system", "reviewer"
        )



def measured_for(benefit, date):
    """Whether the benefit (an expression, e.g. OuterRef("benefit")) is measured for a
    due date (another expression): a measurement dated no earlier than
    BenefitDueDate.MEASURED_WINDOW_DAYS before it. One rule for the page, the API and
    the reminders."""
    import datetime

    from django.db.models import DateField, Exists, ExpressionWrapper

    from .models import BenefitDueDate, BenefitMeasurement

    window = datetime.timedelta(days=BenefitDueDate.MEASURED_WINDOW_DAYS)
    return Exists(
        BenefitMeasurement.objects.filter(
            benefit=benefit,
            measured_on__gte=ExpressionWrapper(date - window, output_field=DateField()),
        )
    )


class BenefitDueDateQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "benefit").with_met()

    def with_met(self):
        """Annotate ``is_met``: the benefit is measured for the date (measured_for)."""
        return self.annotate(is_met=measured_for(OuterRef("benefit"), OuterRef("date")))
