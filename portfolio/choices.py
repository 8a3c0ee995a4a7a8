"""Choices for the system catalog and system usages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BusinessType(models.TextChoices):
    ESDH = "esdh", _("ESDH og journalisering")
    ECONOMY = "economy", _("Økonomi")
    PAYROLL_HR = "payroll_hr", _("Løn og HR")
    CITIZEN_SERVICE = "citizen_service", _("Borgerservice")
    SOCIAL = "social", _("Social og sundhed")
    CHILDREN = "children", _("Børn og unge")
    SCHOOL = "school", _("Skole og dagtilbud")
    EMPLOYMENT = "employment", _("Beskæftigelse")
    TECHNICAL = "technical", _("Teknik og miljø")
    GIS = "gis", _("GIS og kort")
    INFRASTRUCTURE = "infrastructure", _("Infrastruktur og drift")
    COLLABORATION = "collaboration", _("Kommunikation og samarbejde")
    SELF_SERVICE = "self_service", _("Selvbetjening")
    IDENTITY = "identity", _("Identitet og adgang")
    BI = "bi", _("Data og BI")
    CULTURE = "culture", _("Kultur og fritid")
    OTHER = "other", _("Andet")


class LicenceModel(models.TextChoices):
    PROPRIETARY = "proprietary", _("Proprietær")
    OPEN_SOURCE = "open_source", _("Open source")


class Lifecycle(models.TextChoices):
    UNDECIDED = "undecided", _("Ikke besluttet")
    PLANNED = "planned", _("Planlagt")
    PHASING_IN = "phasing_in", _("Under indfasning")
    OPERATIONAL = "operational", _("I drift")
    PHASING_OUT = "phasing_out", _("Under udfasning")
    RETIRED = "retired", _("Ikke i drift")


# Lifecycles in which a usage counts as in use ("operational-ish" in DOMAIN.md).
ACTIVE_LIFECYCLES = (Lifecycle.PHASING_IN, Lifecycle.OPERATIONAL, Lifecycle.PHASING_OUT)
# Usages still in some use: a retired system needs no owner or agreement any more.
LIVE_LIFECYCLES = tuple(value for value in Lifecycle.values if value != Lifecycle.RETIRED)


class Criticality(models.TextChoices):
    LOW = "low", _("Lav")
    MEDIUM = "medium", _("Middel")
    HIGH = "high", _("Høj")
    CRITICAL = "critical", _("Kritisk")


class DataClassification(models.TextChoices):
    PUBLIC = "public", _("Offentlig")
    INTERNAL = "internal", _("Intern")
    CONFIDENTIAL = "confidential", _("Fortrolig")
    SECRET = "secret", _("Hemmelig")


class Hosting(models.TextChoices):
    ON_PREMISE = "on_premise", _("On premise")
    EXTERNAL = "external", _("Ekstern hosting")
    SAAS = "saas", _("SaaS / cloud")
    HYBRID = "hybrid", _("Hybrid")


class UserCount(models.TextChoices):
    """OS2KITOS's bands of expected users (ItSystemUsage.UserCount)."""

    BELOW_10 = "below_10", _("Under 10")
    FROM_10 = "10_49", _("10–49")
    FROM_50 = "50_99", _("50–99")
    FROM_100 = "100_499", _("100–499")
    FROM_500 = "500_plus", _("500 eller flere")


# The lower and upper bound (None: no upper bound) of each band, as OS2KITOS's API
# gives the expected number of users.
USER_COUNT_BOUNDS = {
    UserCount.BELOW_10: (0, 9), UserCount.FROM_10: (10, 49), UserCount.FROM_50: (50, 99),
    UserCount.FROM_100: (100, 499), UserCount.FROM_500: (500, None),
}


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nej")
    UNKNOWN = "unknown", _("Ved ikke")


class YesNoPartially(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nej")
    PARTIALLY = "partially", _("Delvist")


class ArchiveDuty(models.TextChoices):
    """OS2KITOS's archive duty of a usage (Rigsarkivet's bevaringsvurdering); blank is
    "not decided yet"."""

    B = "B", _("Data og dokumenter bevares (B)")
    K = "K", _("Data og dokumenter kasseres (K)")
    BK = "BK", _("Data bevares, men dokumenter kan kasseres (B+K)")
    BD = "BD", _("Data bevares, men en delmængde af dokumenter kan kasseres (B+D)")
    KD = "KD", _("Data kasseres, og en delmængde af dokumenter kan kasseres (K+D)")
    KB = "KB", _("Data kasseres, men dokumenter skal bevares (K+B)")
    DK = "DK", _("Dele af data bevares + dokumenter kasseres (D+K)")
    DD = "DD", _("Dele af data bevares + delmængde kasseres (D+D)")
    NO_GUIDANCE = "no_guidance", _("Ingen vejledning")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Lav risiko")
    MEDIUM = "medium", _("Mellem risiko")
    HIGH = "high", _("Høj risiko")


class TimeAssessment(models.TextChoices):
    """Gartner's TIME model for application portfolio decisions."""

    TOLERATE = "tolerate", _("Tolerate – behold")
    INVEST = "invest", _("Invest – invester")
    MIGRATE = "migrate", _("Migrate – migrer")
    ELIMINATE = "eliminate", _("Eliminate – afvikl")


class IntegrationDirection(models.TextChoices):
    ONE_WAY = "one_way", _("Envejs (kilde → modtager)")
    TWO_WAY = "two_way", _("Tovejs")


class InterfaceType(models.TextChoices):
    REST = "rest", _("REST")
    SOAP = "soap", _("SOAP")
    FILE = "file", _("Filoverførsel")
    DATABASE = "database", _("Database")
    SERVICEPLATFORMEN = "serviceplatformen", _("Serviceplatformen")
    MESSAGE = "message", _("Beskedfordeler / kø")
    MANUAL = "manual", _("Manuel")
    OTHER = "other", _("Andet")


# Interface types that count as standard: open, documented protocols any supplier can
# implement (REST, SOAP) and the national integration platforms (Serviceplatformen, the
# Beskedfordeler / a message queue). File transfer, direct database access, manual
# handling, "other" and no type given tie an integration to one supplier's formats or
# schema: the landscape's supplier dependence counts them as proprietary. The one place
# this is decided; the integration list's `standard_interface` filter reads it too.
STANDARD_INTERFACE_TYPES = (
    InterfaceType.REST, InterfaceType.SOAP, InterfaceType.SERVICEPLATFORMEN,
    InterfaceType.MESSAGE,
)


class Frequency(models.TextChoices):
    REALTIME = "realtime", _("Realtid")
    HOURLY = "hourly", _("Hver time")
    DAILY = "daily", _("Dagligt")
    WEEKLY = "weekly", _("Ugentligt")
    MONTHLY = "monthly", _("Månedligt")
    ON_DEMAND = "on_demand", _("Efter behov")


class ArchiveDutyRecommendation(models.TextChoices):
    """Rigsarkivet's recommendation for a catalog system (OS2KITOS
    ``RecommendedArchiveDutyChoice``): what should become of its data and documents. Blank
    is "not decided"; "Ingen vejledning" says Rigsarkivet gives none."""

    B = "B", _("Data og dokumenter bevares (B)")
    K = "K", _("Data og dokumenter kasseres (K)")
    BK = "BK", _("Data bevares, men dokumenter kan kasseres (B+K)")
    BD = "BD", _("Data bevares, men en delmængde af dokumenter kan kasseres (B+D)")
    KD = "KD", _("Data kasseres, og en delmængde af dokumenter kan kasseres (K+D)")
    KB = "KB", _("Data kasseres, men dokumenter skal bevares (K+B)")
    DK = "DK", _("Dele af data bevares + dokumenter kasseres (D+K)")
    DD = "DD", _("Dele af data bevares + delmængde kasseres (D+D)")
    NO_RECOMMENDATION = "none", _("Ingen vejledning")
