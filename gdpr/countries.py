"""Countries where processors and sub-processors handle data: ISO 3166-1 alpha-2 codes with
Danish names, and which of them are inside the EU/EEA. Everything outside the EU/EEA is a
*third country* (GDPR chapter V): a transfer there needs a basis, unless the Commission
has found the country adequate (art. 45).

The list covers the EU/EEA, the countries with an adequacy decision and the countries
processors commonly use; any other valid code is still accepted where a country is stored
(the models check only the format) and is shown by its code.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

EU_EEA = frozenset(
    {
        # EU
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
        # EEA
        "IS", "LI", "NO",
    }
)

# Countries with an adequacy decision of the European Commission (art. 45). The United
# States is adequate only for companies certified under the EU-U.S. Data Privacy
# Framework, so a transfer there still needs its basis recorded.
ADEQUATE = frozenset(
    {"AD", "AR", "CA", "CH", "FO", "GB", "GG", "IL", "IM", "JE", "JP", "KR", "NZ", "UY"}
)

COUNTRY_NAMES = {
    "AD": _("Andorra"),
    "AE": _("De Forenede Arabiske Emirater"),
    "AL": _("Albanien"),
    "AM": _("Armenien"),
    "AR": _("Argentina"),
    "AT": _("Østrig"),
    "AU": _("Australien"),
    "BA": _("Bosnien-Hercegovina"),
    "BD": _("Bangladesh"),
    "BE": _("Belgien"),
    "BG": _("Bulgarien"),
    "BR": _("Brasilien"),
    "BY": _("Hviderusland"),
    "CA": _("Canada"),
    "CH": _("Schweiz"),
    "CL": _("Chile"),
    "CN": _("Kina"),
    "CO": _("Colombia"),
    "CY": _("Cypern"),
    "CZ": _("Tjekkiet"),
    "DE": _("Tyskland"),
    "DK": _("Danmark"),
    "EE": _("Estland"),
    "EG": _("Egypten"),
    "ES": _("Spanien"),
    "FI": _("Finland"),
    "FO": _("Færøerne"),
    "FR": _("Frankrig"),
    "GB": _("Storbritannien"),
    "GE": _("Georgien"),
    "GG": _("Guernsey"),
    "GL": _("Grønland"),
    "GR": _("Grækenland"),
    "HK": _("Hongkong"),
    "HR": _("Kroatien"),
    "HU": _("Ungarn"),
    "ID": _("Indonesien"),
    "IE": _("Irland"),
    "IL": _("Israel"),
    "IM": _("Isle of Man"),
    "IN": _("Indien"),
    "IS": _("Island"),
    "IT": _("Italien"),
    "JE": _("Jersey"),
    "JP": _("Japan"),
    "KE": _("Kenya"),
    "KR": _("Sydkorea"),
    "LI": _("Liechtenstein"),
    "LK": _("Sri Lanka"),
    "LT": _("Litauen"),
    "LU": _("Luxembourg"),
    "LV": _("Letland"),
    "MA": _("Marokko"),
    "MD": _("Moldova"),
    "MK": _("Nordmakedonien"),
    "MT": _("Malta"),
    "MX": _("Mexico"),
    "MY": _("Malaysia"),
    "NG": _("Nigeria"),
    "NL": _("Nederlandene"),
    "NO": _("Norge"),
    "NZ": _("New Zealand"),
    "PE": _("Peru"),
    "PH": _("Filippinerne"),
    "PK": _("Pakistan"),
    "PL": _("Polen"),
    "PT": _("Portugal"),
    "QA": _("Qatar"),
    "RO": _("Rumænien"),
    "RS": _("Serbien"),
    "RU": _("Rusland"),
    "SA": _("Saudi-Arabien"),
    "SE": _("Sverige"),
    "SG": _("Singapore"),
    "SI": _("Slovenien"),
    "SK": _("Slovakiet"),
    "TH": _("Thailand"),
    "TR": _("Tyrkiet"),
    "TW": _("Taiwan"),
    "UA": _("Ukraine"),
    "US": _("USA"),
    "UY": _("Uruguay"),
    "VN": _("Vietnam"),
    "ZA": _("Sydafrika"),
}


def country_name(code: str) -> str:
    """The Danish name of a country code; an unlisted code is shown as it is."""
    return str(COUNTRY_NAMES.get(code, code))


def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name, for select boxes."""
    return sorted(((code, str(name)) for code, name in COUNTRY_NAMES.items()),
                  key=lambda pair: pair[1])


def is_third_country(code: str) -> bool:
    """Outside the EU/EEA (an empty code is no country, so not a third country)."""
    return bool(code) and code not in EU_EEA


def needs_transfer_basis(code: str) -> bool:
    """A transfer to this country needs its own basis (SCC, BCR, DPF, art. 49 ...):
    a third country without an adequacy decision for all recipients."""
    return is_third_country(code) and code not in ADEQUATE
