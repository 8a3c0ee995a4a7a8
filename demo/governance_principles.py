"""seed_demo's principles and architecture reviews: the municipality's principles for
IT architecture, data and contracts/suppliers (after the Fællesoffentlige
arkitekturprincipper and KL's guidance), one of them in a second version, and reviews of
the demo's projects and system usages with every verdict."""

from __future__ import annotations

import datetime

from governance.choices import PrincipleArea, ReviewVerdict
from governance.models import Principle, Project
from governance.principle_services import (
    principle_create,
    principle_new_version,
    review_record,
)
from kitos.tenancy import SYSTEM

ARCH, DATA, CONTRACT = PrincipleArea.ARCHITECTURE, PrincipleArea.DATA, PrincipleArea.CONTRACT

# (code, title, area, text, rationale, implications)
PRINCIPLES = (
    ("A1", "Genbrug før køb før udvikling", ARCH,
     "Vi genbruger løsninger, kommunen eller det fællesoffentlige allerede har, før vi "
     "køber nyt, og køber standardløsninger, før vi udvikler selv.",
     "Færre systemer at drive, betale for og sikre; kendte løsninger giver mindre risiko.",
     "Enhver anmodning om et nyt system viser, hvilke systemer der allerede bruges til "
     "samme KLE-opgaver."),
    ("A2", "Åbne standarder", ARCH,
     "Løsninger understøtter åbne, dokumenterede standarder for data og grænseflader.",
     "Åbne standarder gør det muligt at skifte leverandør og at dele data.",
     "Krav om OIO-standarder og dokumenterede API'er indgår i alle udbud."),
    ("A3", "Sikkerhed og privatliv er indbygget", ARCH,
     "Informationssikkerhed og databeskyttelse er tænkt ind fra start, ikke lagt på til "
     "sidst.",
     "Det er billigere og sikrere at bygge beskyttelsen ind end at lappe bagefter.",
     "Risikovurdering og DPIA-screening før beslutning om anskaffelse."),
    ("A4", "Løsninger bruger fælles infrastruktur", ARCH,
     "Vi bruger den fællesoffentlige og fælleskommunale infrastruktur (MitID, NemLog-in, "
     "Digital Post, Serviceplatformen, Fælleskommunal Rammearkitektur).",
     "Fælles komponenter løser tværgående behov én gang.",
     "Nye systemer integrerer via Serviceplatformen og understøtter fælles log-in."),
    ("A5", "Cloud, når det giver mening", ARCH,
     "Vi foretrækker driftede standardløsninger (SaaS), når de opfylder krav til "
     "sikkerhed, databeskyttelse og exit.",
     "Mindre egen drift og hurtigere opdateringer.",
     "Databehandleraftale og tredjelandsvurdering før ibrugtagning."),
    ("D1", "Data registreres én gang", DATA,
     "Data registreres ét sted og genbruges derfra; grunddata bruges, hvor de findes.",
     "Dobbeltregistrering giver fejl og spild.",
     "Systemer henter CPR, CVR, adresser og matrikler fra grunddataregistrene."),
    ("D2", "Data har en ejer", DATA,
     "Alle væsentlige data har en dataejer, der svarer for kvalitet, adgang og sletning.",
     "Uden ejer bliver ingen ansvarlige for data.",
     "Dataejer registreres i kitos for hvert dataaktiv."),
    ("D3", "Data kan hentes ud i et åbent format", DATA,
     "Kommunens data kan til enhver tid trækkes ud i et dokumenteret, åbent format.",
     "Data er kommunens; de skal kunne flyttes og genbruges.",
     "Krav om dataudtræk indgår i kontrakten og afprøves før idriftsættelse."),
    ("D4", "Data slettes efter reglerne", DATA,
     "Personoplysninger slettes, når formålet er opfyldt, efter kommunens slettepolitik.",
     "Databeskyttelsesforordningen kræver det.",
     "Systemer skal kunne slette automatisk efter fastsatte frister."),
    ("K1", "Exit-strategi i alle kontrakter", CONTRACT,
     "Alle it-kontrakter har en exit-plan med overdragelse af data og bistand ved "
     "ophør.",
     "Uden exit-plan bliver kommunen bundet til leverandøren.",
     "Exit-bilag er obligatorisk i udbud og direkte tildelinger."),
    ("K2", "Kontrakter har en kontraktejer", CONTRACT,
     "Hver kontrakt har en navngiven kontraktejer, der følger op på leverancer og "
     "frister.",
     "Opsigelsesfrister og prisreguleringer må ikke overses.",
     "Kontraktejer registreres i kitos; varsler sendes til ejeren."),
    ("K3", "Leverandøren følges op mindst én gang om året", CONTRACT,
     "Væsentlige leverandører har et årligt opfølgningsmøde med dokumenteret "
     "servicemål-opfølgning.",
     "Opfølgning sikrer, at kommunen får det, der er betalt for.",
     "Referat og SLA-rapport gemmes på kontrakten."),
    ("K4", "Licenser og rettigheder ejes af kommunen", CONTRACT,
     "Kommunen ejer eller har brugsret til det, der udvikles for kommunens penge.",
     "Fri brug og videreudvikling uden ny licens.",
     "Rettighedsbestemmelser gennemgås af kontraktansvarlig før underskrift."),
)
# Nabo Kommune keeps a shorter list.
NABO_CODES = ("A1", "A2", "D1", "D3", "K1", "K2")
# The principle that got a second version, and what changed.
SECOND_VERSION = ("K1", {
    "text": "Alle it-kontrakter har en exit-plan med overdragelse af data i et åbent "
            "format, bistand ved ophør og en afprøvet exit-test inden for det første "
            "kontraktår.",
    "implications": "Exit-bilag er obligatorisk; exit-testen følges op af "
                    "kontraktejeren.",
})
REASONS = (
    "Leverandøren har ikke et åbent API endnu; aftalt i køreplan for næste år.",
    "Midlertidig løsning i overgangsperioden; udfases ved næste udbud.",
    "Det fællesoffentlige alternativ dækker ikke behovet; vurderet af it-arkitekten.",
)


def seed_principles(seeder) -> None:
    """The organisation's principles and the reviews of its projects and usages."""
    organisation = seeder.organisation
    if Principle.objects.filter(organisation=organisation).exists():
        return
    small = seeder.plan.slug != "demo"
    rows = [row for row in PRINCIPLES if not small or row[0] in NABO_CODES]
    start = datetime.date(seeder.today.year - 2, 1, 1)
    principles = {}
    for code, title, area, text, rationale, implications in rows:
        principles[code] = principle_create(
            actor=SYSTEM, organisation=organisation, code=code, title=title, area=area,
            text=text, rationale=rationale, implications=implications, valid_from=start,
            owner=seeder.rng_for("governance", "principle", code).choice(seeder.persons),
        )
    _seed_reviews(seeder, list(principles.values()))
    code, changes = SECOND_VERSION
    if code in principles:
        principles[code] = principle_new_version(
            actor=SYSTEM, principle=principles[code],
            valid_from=seeder.today - datetime.timedelta(days=60), **changes,
        )
        # The new version's reviews: some subjects reviewed again, some not yet.
        _seed_reviews(seeder, [principles[code]], step=2)


def _seed_reviews(seeder, principles, *, step: int = 1) -> None:
    """Reviews of the projects and a few usages against each principle, with every
    verdict; subjects spread over the forvaltninger (the compliance matrix)."""
    organisation = seeder.organisation
    projects = list(Project.objects.filter(organisation=organisation).order_by("name"))
    subjects = projects[::max(1, step * 2)][:8] + list(seeder.usages[:6:step])
    verdicts = (ReviewVerdict.COMPLIES, ReviewVerdict.COMPLIES, ReviewVerdict.COMPLIES,
                ReviewVerdict.DEVIATION_ACCEPTED, ReviewVerdict.NOT_COMPLIANT)
    for p_index, principle in enumerate(principles):
        rng = seeder.rng_for("governance", "reviews", principle.code, principle.version)
        for s_index, subject in enumerate(subjects):
            if (p_index + s_index) % 3 == 2:  # not every subject against every principle
                continue
            verdict = verdicts[(p_index * 7 + s_index) % len(verdicts)]
            review_record(
                actor=SYSTEM, principle=principle, subject=subject, verdict=verdict,
                reason=rng.choice(REASONS) if verdict != ReviewVerdict.COMPLIES else "",
                reviewed_on=seeder.today - datetime.timedelta(days=rng.randint(5, 400)),
                reviewer=rng.choice(seeder.persons),
            )
