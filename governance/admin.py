"""Admin for goals, projects (with the systems and contracts they affect) and status
reports, writing through the same services as the portal and the API."""

from django.contrib import admin

from kitos.admin_base import KitosModelAdmin, LinkInline, LinkSetFormSet, editable_values

from .benefit_due_services import due_date_create, due_date_delete, due_date_update
from .models import (
    Benefit,
    BenefitDueDate,
    BenefitMeasurement,
    Decision,
    Meeting,
    Project,
    ProjectContract,
    ProjectStatusReport,
    ProjectSystem,
    SteeringGroup,
    SteeringGroupMember,
    StrategicGoal,
)
from .services import (
    benefit_create,
    benefit_delete,
    benefit_update,
    decision_create,
    decision_delete,
    decision_update,
    goal_create,
    goal_delete,
    goal_update,
    measurement_create,
    measurement_delete,
    measurement_update,
    meeting_create,
    meeting_delete,
    meeting_update,
    project_create,
    project_delete,
    project_update,
    status_report_create,
    status_report_delete,
    status_report_update,
    steering_group_create,
    steering_group_delete,
    steering_group_update,
)

RelatedOnly = admin.RelatedOnlyFieldListFilter


@admin.register(StrategicGoal)
class StrategicGoalAdmin(KitosModelAdmin):
    list_display = ("title", "organisation", "unit", "start_year", "end_year", "owner")
    list_filter = (("organisation", RelatedOnly),)
    search_fields = ("title", "description")
    list_select_related = ("organisation", "unit", "owner")
    autocomplete_fields = ("owner", "unit", "parent")

    def create(self, actor, obj, m2m, **links):
        return goal_create(actor=actor, **editable_values(obj))

    def update(self, actor, obj, data, m2m, **links):
        return goal_update(actor=actor, goal=obj, data=data)

    def remove(self, actor, obj):
        goal_delete(actor=actor, goal=obj)


class ProjectSystemFormSet(LinkSetFormSet):
    def service_arguments(self, rows):
        return {"systems": [(row["usage"], row["effect"]) for row in rows]}


class ProjectContractFormSet(LinkSetFormSet):
    def service_arguments(self, rows):
        return {"contracts": [(row["contract"], row["effect"]) for row in rows]}


class ProjectSystemInline(LinkInline):
    model = ProjectSystem
    formset = ProjectSystemFormSet
    autocomplete_fields = ("usage",)
    list_select_related = ("project", "usage__system")


class ProjectContractInline(LinkInline):
    model = ProjectContract
    formset = ProjectContractFormSet
    autocomplete_fields = ("contract",)
    list_select_related = ("project", "contract")


@admin.register(Project)
class ProjectAdmin(KitosModelAdmin):
    list_display = ("name", "organisation", "phase", "responsible_unit", "investment")
    list_filter = ("phase", ("organisation", RelatedOnly))
    search_fields = ("name", "purpose")
    list_select_related = ("organisation", "responsible_unit")
    autocomplete_fields = ("responsible_unit", "units", "owner", "manager", "goals")
    inlines = (ProjectSystemInline, ProjectContractInline)

    def create(self, actor, obj, m2m, **links):
        return project_create(actor=actor, **editable_values(obj), **m2m, **links)

    def update(self, actor, obj, data, m2m, **links):
        return project_update(actor=actor, project=obj, data=data or None, **m2m, **links)

    def remove(self, actor, obj):
        project_delete(actor=actor, project=obj)


@admin.register(ProjectStatusReport)
class ProjectStatusReportAdmin(KitosModelAdmin):
    list_display = ("project", "period", "time", "cost", "scope", "benefits")
    list_filter = ("time", "cost", ("organisation", RelatedOnly))
    search_fields = ("project__name", "text")
    list_select_related = ("project", "organisation")
    autocomplete_fields = ("project", "reported_by")
    exclude = ("organisation",)

    def create(self, actor, obj, m2m, **links):
        values = editable_values(obj) if obj.organisation_id else {
            field.name: getattr(obj, field.name) for field in obj._meta.concrete_fields
            if field.editable and not field.primary_key and field.name != "organisation"
        }
        values.pop("organisation", None)
        return status_report_create(actor=actor, **values)

    def update(self, actor, obj, data, m2m, **links):
        return status_report_update(actor=actor, report=obj, data=data)

    def remove(self, actor, obj):
        status_report_delete(actor=actor, report=obj)


# -- benefits ------------------------------------------------------------------------------


def _own_values(obj) -> dict:
    """A new object's editable fields without its organisation (it belongs where its
    parent object does)."""
    return {
        field.name: getattr(obj, field.name) for field in obj._meta.concrete_fields
        if field.editable and not field.primary_key and field.name != "organisation"
    }


@admin.register(Benefit)
class BenefitAdmin(KitosModelAdmin):
    list_display = ("title", "project", "kind", "target", "due_date", "owner")
    list_filter = ("kind", ("organisation", RelatedOnly))
    search_fields = ("title", "measure", "project__name")
    list_select_related = ("project", "owner", "organisation")
    autocomplete_fields = ("project", "owner", "goals")
    exclude = ("organisation",)

    def create(self, actor, obj, m2m, **links):
        return benefit_create(actor=actor, **_own_values(obj), **m2m)

    def update(self, actor, obj, data, m2m, **links):
        return benefit_update(actor=actor, benefit=obj, data=data, **m2m)

    def remove(self, actor, obj):
        benefit_delete(actor=actor, benefit=obj)


@admin.register(BenefitMeasurement)
class BenefitMeasurementAdmin(KitosModelAdmin):
    list_display = ("benefit", "measured_on", "value", "measured_by")
    list_filter = (("organisation", RelatedOnly),)
    search_fields = ("benefit__title", "note")
    list_select_related = ("benefit", "measured_by", "organisation")
    autocomplete_fields = ("benefit", "measured_by")
    exclude = ("organisation",)

    def create(self, actor, obj, m2m, **links):
        return measurement_create(actor=actor, **_own_values(obj))

    def update(self, actor, obj, data, m2m, **links):
        return measurement_update(actor=actor, measurement=obj, data=data)

    def remove(self, actor, obj):
        measurement_delete(actor=actor, measurement=obj)


# -- steering groups, meetings and decisions ------------------------------------------------


class SteeringGroupMemberFormSet(LinkSetFormSet):
    def service_arguments(self, rows):
        return {"members": [(row["person"], row["role"]) for row in rows]}


class SteeringGroupMemberInline(LinkInline):
    model = SteeringGroupMember
    formset = SteeringGroupMemberFormSet
    autocomplete_fields = ("person",)
    list_select_related = ("group", "person")


@admin.register(SteeringGroup)
class SteeringGroupAdmin(KitosModelAdmin):
    list_display = ("name", "organisation", "unit", "active")
    list_filter = ("active", ("organisation", RelatedOnly))
    search_fields = ("name", "mandate")
    list_select_related = ("organisation", "unit")
    autocomplete_fields = ("unit",)
    inlines = (SteeringGroupMemberInline,)

    def create(self, actor, obj, m2m, **links):
        return steering_group_create(actor=actor, **editable_values(obj), **links)

    def update(self, actor, obj, data, m2m, **links):
        return steering_group_update(actor=actor, group=obj, data=data or None, **links)

    def remove(self, actor, obj):
        steering_group_delete(actor=actor, group=obj)


@admin.register(Meeting)
class MeetingAdmin(KitosModelAdmin):
    list_display = ("group", "date", "place")
    list_filter = (("organisation", RelatedOnly),)
    search_fields = ("group__name", "place", "notes")
    list_select_related = ("group", "organisation")
    autocomplete_fields = ("group",)
    exclude = ("organisation",)

    def create(self, actor, obj, m2m, **links):
        return meeting_create(actor=actor, **_own_values(obj))

    def update(self, actor, obj, data, m2m, **links):
        return meeting_update(actor=actor, meeting=obj, data=data)

    def remove(self, actor, obj):
        meeting_delete(actor=actor, meeting=obj)


@admin.register(Decision)
class DecisionAdmin(KitosModelAdmin):
    list_display = ("title", "group", "outcome", "decided_on", "follow_up_date",
                    "follow_up_done")
    list_filter = ("outcome", "follow_up_done", ("organisation", RelatedOnly))
    search_fields = ("title", "rationale")
    list_select_related = ("group", "organisation")
    autocomplete_fields = ("group", "meeting", "project", "contract", "binding_units")
    exclude = ("organisation",)

    def create(self, actor, obj, m2m, **links):
        return decision_create(actor=actor, **_own_values(obj), **m2m)

    def update(self, actor, obj, data, m2m, **links):
        return decision_update(actor=actor, decision=obj, data=data or None, **m2m)

    def remove(self, actor, obj):
        decision_delete(actor=actor, decision=obj)


# -- new-system requests (the buying process) -----------------------------------------------

from .models import NewSystemRequest, RequestSignOff  # noqa: E402  (appended section)
from .request_services import (  # noqa: E402
    request_create,
    request_delete,
    request_sign_off,
    request_update,
)


@admin.register(NewSystemRequest)
class NewSystemRequestAdmin(KitosModelAdmin):
    """Requests are edited here like in the portal; their status moves only through
    their steps (submit and sign-off in the portal or the API, a decision)."""

    list_display = ("title", "organisation", "status", "unit", "submitted_on", "project")
    list_filter = ("status", ("organisation", RelatedOnly))
    search_fields = ("title", "need")
    list_select_related = ("organisation", "unit", "project")
    autocomplete_fields = ("unit", "requested_by", "goals")
    readonly_fields = ("status", "submitted_on", "project")

    def create(self, actor, obj, m2m, **links):
        values = {name: value for name, value in editable_values(obj).items()
                  if name not in ("status", "submitted_on", "project")}
        return request_create(actor=actor, **values, **m2m)

    def update(self, actor, obj, data, m2m, **links):
        data = {name: value for name, value in (data or {}).items()
                if name not in ("status", "submitted_on", "project")}
        return request_update(actor=actor, request=obj, data=data or None, **m2m)

    def remove(self, actor, obj):
        request_delete(actor=actor, request=obj)


@admin.register(RequestSignOff)
class RequestSignOffAdmin(KitosModelAdmin):
    """Sign-offs are made when a request is submitted; here a role's verdict is given."""

    list_display = ("request", "role", "verdict", "person", "signed_on")
    list_filter = ("role", "verdict", ("organisation", RelatedOnly))
    search_fields = ("request__title", "comment")
    list_select_related = ("request", "person")
    fields = ("request", "role", "verdict", "comment", "person", "signed_on")
    readonly_fields = ("request", "role", "person", "signed_on")

    def has_add_permission(self, request):
        return False

    def update(self, actor, obj, data, m2m, **links):
        data = data or {}
        return request_sign_off(actor=actor, request=obj.request, role=obj.role,
                                verdict=data.get("verdict", obj.verdict),
                                comment=data.get("comment", obj.comment))
# -- a benefit's due dates (measurement points) ---------------------------------------------


@admin.register(BenefitDueDate)
class BenefitDueDateAdmin(KitosModelAdmin):
    list_display = ("benefit", "date", "expected_value")
    list_filter = (("organisation", RelatedOnly),)
    search_fields = ("benefit__title", "note")
    list_select_related = ("benefit", "organisation")
    autocomplete_fields = ("benefit",)
    exclude = ("organisation",)

    def create(self, actor, obj, m2m, **links):
        return due_date_create(actor=actor, **_own_values(obj))

    def update(self, actor, obj, data, m2m, **links):
        return due_date_update(actor=actor, due_date=obj, data=data)

    def remove(self, actor, obj):
        due_date_delete(actor=actor, due_date=obj)
# -- principles and architecture reviews ----------------------------------------------------

from django.forms import ModelForm  # noqa: E402

from .models import ArchitectureReview, Principle  # noqa: E402
from .principle_services import (  # noqa: E402
    principle_create,
    principle_delete,
    principle_update,
    review_delete,
    review_record,
    review_update,
)


@admin.register(Principle)
class PrincipleAdmin(KitosModelAdmin):
    list_display = ("title", "code", "area", "version", "active", "organisation", "owner")
    list_filter = ("area", "active", ("organisation", RelatedOnly))
    search_fields = ("title", "code", "text")
    list_select_related = ("organisation", "owner")
    autocomplete_fields = ("owner",)
    # The version chain is made by "new version" in the portal and the API.
    readonly_fields = ("version", "previous")

    def create(self, actor, obj, m2m, **links):
        values = editable_values(obj)
        values.pop("previous", None)
        return principle_create(actor=actor, **values)

    def update(self, actor, obj, data, m2m, **links):
        return principle_update(actor=actor, principle=obj, data=data)

    def remove(self, actor, obj):
        principle_delete(actor=actor, principle=obj)


class ArchitectureReviewAdminForm(ModelForm):
    def clean(self):
        cleaned = super().clean()
        # The review belongs to its principle's organisation (the field is not shown),
        # so that the model's same-organisation rule compares with it.
        principle = cleaned.get("principle")
        if principle is not None:
            self.instance.organisation_id = principle.organisation_id
        return cleaned


@admin.register(ArchitectureReview)
class ArchitectureReviewAdmin(KitosModelAdmin):
    form = ArchitectureReviewAdminForm
    list_display = ("principle", "project", "request", "usage", "verdict", "reviewed_on")
    list_filter = ("verdict", ("organisation", RelatedOnly))
    search_fields = ("principle__title", "reason")
    list_select_related = ("principle", "project", "request", "usage__system", "organisation")
    autocomplete_fields = ("principle", "project", "usage", "reviewer")
    raw_id_fields = ("request",)
    exclude = ("organisation",)

    def create(self, actor, obj, m2m, **links):
        subject = obj.project or obj.request or obj.usage
        return review_record(
            actor=actor, principle=obj.principle, subject=subject, verdict=obj.verdict,
            reason=obj.reason, reviewed_on=obj.reviewed_on, reviewer=obj.reviewer,
        )

    def update(self, actor, obj, data, m2m, **links):
        return review_update(actor=actor, review=obj, data=data)

    def remove(self, actor, obj):
        review_delete(actor=actor, review=obj)
