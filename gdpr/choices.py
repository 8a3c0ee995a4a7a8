"""Choices for data, processing activities and data processing agreements."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataCategoryKind(models.TextChoices):
    NON_PERSONAL = "non_personal", _("Ikke personoplysninger")
    ORDINARY = "ordinary", _("Almindelige personoplysninger (art. 6)")
    SENSITIVE = "sensitive", _("Følsomme personoplysninger (art. 9)")
    CPR = "cpr", _("CPR-nummer")
    CRIMINAL = "criminal", _("Strafbare forhold (art. 10)")


# Kinds that make a DPIA relevant (DOMAIN.md gap rule "sensitive data without DPIA").
SENSITIVE_KINDS = (DataCategoryKind.SENSITIVE, DataCategoryKind.CPR, DataCategoryKind.CRIMINAL)


class AssetUse(models.TextChoices):
    STORES = "stores", _("Opbevarer")
    USES = "uses", _("Anvender")
    EXPOSES = "exposes", _("Udstiller")


class LegalBasisArt6(models.TextChoices):
    A = "6.1.a", _("Art. 6, stk. 1, litra a – samtykke")
    B = "6.1.b", _("Art. 6, stk. 1, litra b – kontrakt")
    C = "6.1.c", _("Art. 6, stk. 1, litra c – retlig forpligtelse")
    D = "6.1.d", _("Art. 6, stk. 1, litra d – vitale interesser")
    E = "6.1.e", _("Art. 6, stk. 1, litra e – offentlig myndighedsudøvelse")
    F = "6.1.f", _("Art. 6, stk. 1, litra f – legitime interesser")


class LegalBasisArt9(models.TextChoices):
    A = "9.2.a", _("Art. 9, stk. 2, litra a – udtrykkeligt samtykke")
    B = "9.2.b", _("Art. 9, stk. 2, litra b – ansættelsesret og social sikring")
    C = "9.2.c", _("Art. 9, stk. 2, litra c – vitale interesser")
    F = "9.2.f", _("Art. 9, stk. 2, litra f – retskrav")
    G = "9.2.g", _("Art. 9, stk. 2, litra g – væsentlig samfundsmæssig interesse")
    H = "9.2.h", _("Art. 9, stk. 2, litra h – sundhed og social behandling")
    I = "9.2.i", _("Art. 9, stk. 2, litra i – folkesundhed")  # noqa: E741
    J = "9.2.j", _("Art. 9, stk. 2, litra j – arkiv, forskning og statistik")


class TransferBasis(models.TextChoices):
    ADEQUACY = "adequacy", _("Tilstrækkelighedsafgørelse (art. 45)")
    SCC = "scc", _("EU-standardkontraktbestemmelser (art. 46)")
    BCR = "bcr", _("Bindende virksomhedsregler (art. 47)")
    DPF = "dpf", _("EU-U.S. Data Privacy Framework")
    DEROGATION = "derogation", _("Undtagelse (art. 49)")
    NONE = "none", _("Intet grundlag")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Lav")
    MEDIUM = "medium", _("Middel")
    HIGH = "high", _("Høj")


class DpiaNeed(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nej")
    UNKNOWN = "unknown", _("Ikke vurderet")


class OversightMethod(models.TextChoices):
    SELF = "self", _("Egen kontrol")
    ISAE_3000 = "isae3000", _("ISAE 3000-erklæring")
    ISAE_3402_1 = "isae3402_1", _("ISAE 3402 type 1")
    ISAE_3402_2 = "isae3402_2", _("ISAE 3402 type 2")
    PHYSICAL = "physical", _("Fysisk tilsyn")
    WRITTEN = "written", _("Skriftlig kontrol")


class OversightInterval(models.TextChoices):
    """How often the processor is supervised; the value is the number of months."""

    HALF_YEARLY = "6", _("Halvårligt")
    YEARLY = "12", _("Årligt")
    EVERY_SECOND_YEAR = "24", _("Hvert andet år")


class OversightResult(models.TextChoices):
    NO_REMARKS = "no_remarks", _("Ingen bemærkninger")
    MINOR = "minor", _("Mindre bemærkninger")
    MAJOR = "major", _("Væsentlige bemærkninger")
    NOT_RECEIVED = "not_received", _("Ikke modtaget")
