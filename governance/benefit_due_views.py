"""A benefit's due dates (measurement points) on its Målinger tab: the rows the tab
shows, and the create, edit and delete forms (saved through benefit_due_services)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from kitos.detail import (
    ObjectCreateView,
    ObjectDeleteView,
    ObjectUpdateView,
    ParentTabMixin,
    ScopedModelForm,
)

from .benefit_due_services import due_date_create, due_date_delete, due_date_update
from .models import Benefit, BenefitDueDate


class BenefitDueDateForm(ScopedModelForm):
    class Meta:
        model = BenefitDueDate
        fields = ["date", "expected_value", "note"]


@dataclass
class DueRow:
    """One due date as the tab lists it; `due_date` is None for the benefit's own final
    due date (edited on the benefit itself)."""

    date: datetime.date
    expected_value: Decimal | None
    note: str
    is_met: bool
    is_overdue: bool
    due_date: BenefitDueDate | None = None


def due_rows(user, benefit: Benefit) -> list[DueRow]:
    """The benefit's due dates with the final one, nearest first. Two queries."""
    today = timezone.localdate()
    points = list(
        BenefitDueDate.objects.visible_to(user).filter(benefit=benefit).with_met()
    )
    rows = [
        DueRow(point.date, point.expected_value, point.note, point.is_met,
               not point.is_met and point.date < today, point)
        for point in points
    ]
    if benefit.due_date and benefit.due_date not in {point.date for point in points}:
        window = datetime.timedelta(days=BenefitDueDate.MEASURED_WINDOW_DAYS)
        met = benefit.measurements.filter(measured_on__gte=benefit.due_date - window).exists()
        rows.append(DueRow(benefit.due_date, benefit.target, "", met,
                           not met and benefit.due_date < today))
    return sorted(rows, key=lambda row: row.date)


class DueDateMixin(ParentTabMixin):
    model = BenefitDueDate
    form_class = BenefitDueDateForm
    parent_field, parent_tab = "benefit", "maalinger"


class BenefitDueDateCreateView(DueDateMixin, ObjectCreateView):
    """A due date of a benefit (from the benefit's Målinger tab)."""

    parent_model = Benefit

    def save(self, form):
        return due_date_create(actor=self.request.user, benefit=self.parent,
                               **form.field_data())


class BenefitDueDateUpdateView(DueDateMixin, ObjectUpdateView):
    related = ("benefit",)

    def save(self, form):
        return due_date_update(actor=self.request.user, due_date=self.object,
                               data=form.field_data())


class BenefitDueDateDeleteView(DueDateMixin, ObjectDeleteView):
    def delete(self, obj):
        due_date_delete(actor=self.request.user, due_date=obj)
