"""Portfolio pages."""

from django.utils.translation import gettext_lazy

# -- lists (kitos/lists.py) --------------------------------------------------------------
from kitos import options  # noqa: E402
from kitos.lists import ListView  # noqa: E402
from roles.tables import unit_options  # noqa: E402

from . import tables  # noqa: E402
from .filtersets import (  # noqa: E402
    IntegrationFilterSet,
    InterfaceFilterSet,
    ItSystemFilterSet,
    SystemUsageFilterSet,
)
from .models import Integration, Interface, ItSystem, SystemUsage
from .tables import supplier_options  # noqa: E402


class ItSystemListView(ListView):
    model = ItSystem
    filterset_class = ItSystemFilterSet
    columns = tables.SYSTEM_COLUMNS
    title = gettext_lazy("Systemkatalog")
    create_label = gettext_lazy("Nyt system i kataloget")
    export_entity = "systems"
    filter_options = {"rights_holder": supplier_options(ItSystem, "rights_holder")}


class SystemUsageListView(ListView):
    model = SystemUsage
    filterset_class = SystemUsageFilterSet
    columns = tables.USAGE_COLUMNS
    title = gettext_lazy("Systemer")
    create_label = gettext_lazy("Ny systemanvendelse")
    export_entity = "usages"
    filter_options = {
        "responsible_unit": unit_options, "within": unit_options, "used_within": unit_options,
        # The option lists: one query for all of them (kitos.options.filter_choices).
        **{name: options.filter_choices(SystemUsage.option_fields[name])
           for name in ("archive_type", "archive_location", "sensitive_data_types")},
    }
    panel_first = ("within", "lifecycle", "criticality", "has_system_owner")
    panel_hidden = ("responsible_unit",)
    filter_pickers = {"system": "it-systemer"}


class IntegrationListView(ListView):
    model = Integration
    filterset_class = IntegrationFilterSet
    columns = tables.INTEGRATION_COLUMNS
    title = gettext_lazy("Integrationer")
    create_label = gettext_lazy("Ny integration")
    export_entity = "integrations"


class InterfaceListView(ListView):
    model = Interface
    filterset_class = InterfaceFilterSet
    columns = tables.INTERFACE_COLUMNS
    title = gettext_lazy("Snitflader")
    create_label = gettext_lazy("Ny snitflade i kataloget")
    export_entity = "interfaces"
    filter_options = {
        "interface_type": options.filter_choices("interface_type"),
        "data_type": options.filter_choices("interface_data_type"),
    }
    filter_pickers = {"exposed_by": "it-systemer"}
