"""The entity types privproxy's own detectors can produce, known without loading them.

`audit query --entity` uses this to tell a type that was never found (a true "no") from a typo.
A test checks the Presidio list against the registry a Guard really builds.
"""

from __future__ import annotations

import functools
import re

from ._resources import data_dir

# Presidio's predefined recognizers (every language and country) and the spaCy NER types it maps.
# Not EMAIL, ID or AGE: only Presidio's transformers NER produces those, and privproxy runs spaCy.
PRESIDIO_ENTITY_TYPES = frozenset(
    {
        "ABA_ROUTING_NUMBER",
        "AU_ABN",
        "AU_ACN",
        "AU_MEDICARE",
        "AU_TFN",
        "CA_POSTAL_CODE",
        "CA_SIN",
        "CREDIT_CARD",
        "CRYPTO",
        "DATE_TIME",
        "DE_BSNR",
        "DE_FUEHRERSCHEIN",
        "DE_HANDELSREGISTER",
        "DE_HEALTH_INSURANCE",
        "DE_ID_CARD",
        "DE_KFZ",
        "DE_LANR",
        "DE_PASSPORT",
        "DE_PLZ",
        "DE_SOCIAL_SECURITY",
        "DE_TAX_ID",
        "DE_TAX_NUMBER",
        "DE_VAT_ID",
        "EMAIL_ADDRESS",
        "ES_NIE",
        "ES_NIF",
        "ES_PASSPORT",
        "FI_PERSONAL_IDENTITY_CODE",
        "IBAN_CODE",
        "IN_AADHAAR",
        "IN_GSTIN",
        "IN_PAN",
        "IN_PASSPORT",
        "IN_VEHICLE_REGISTRATION",
        "IN_VOTER",
        "IP_ADDRESS",
        "IT_DRIVER_LICENSE",
        "IT_FISCAL_CODE",
        "IT_IDENTITY_CARD",
        "IT_PASSPORT",
        "IT_VAT_CODE",
        "KR_BRN",
        "KR_DRIVER_LICENSE",
        "KR_FRN",
        "KR_PASSPORT",
        "KR_RRN",
        "LOCATION",
        "MAC_ADDRESS",
        "MEDICAL_LICENSE",
        "NG_NIN",
        "NG_VEHICLE_REGISTRATION",
        "NRP",
        "ORGANIZATION",
        "PERSON",
        "PHONE_NUMBER",
        "PH_PASSPORT",
        "PH_TIN",
        "PH_UMID",
        "PL_PESEL",
        "SE_ORGANISATIONSNUMMER",
        "SE_PERSONNUMMER",
        "SG_NRIC_FIN",
        "SG_UEN",
        "TH_TNIN",
        "TR_LICENSE_PLATE",
        "TR_NATIONAL_ID",
        "UK_DRIVING_LICENCE",
        "UK_NHS",
        "UK_NINO",
        "UK_PASSPORT",
        "UK_POSTCODE",
        "UK_VEHICLE_REGISTRATION",
        "URL",
        "US_BANK_NUMBER",
        "US_CLAIM_NUMBER",
        "US_DRIVER_LICENSE",
        "US_HEALTH_INSURANCE_MEMBER_ID",
        "US_ITIN",
        "US_MBI",
        "US_NPI",
        "US_PASSPORT",
        "US_PRESCRIPTION_NUMBER",
        "US_PRIOR_AUTHORIZATION_NUMBER",
        "US_PROVIDER_TAX_ID",
        "US_REFERRAL_NUMBER",
        "US_SSN",
        "UUID",
        "ZA_COMPANY_REGISTRATION",
        "ZA_DRIVER_LICENSE",
        "ZA_ID_NUMBER",
        "ZA_INCOME_TAX_NUMBER",
        "ZA_LICENSE_PLATE",
        "ZA_MOBILE_NUMBER",
        "ZA_PASSPORT",
        "ZA_TELEPHONE_NUMBER",
        "ZA_TRAFFIC_REGISTER_NUMBER",
        "ZA_VAT_NUMBER",
    }
)

# The national-id types of one country that privproxy's own detectors report beside NATIONAL_ID.
COUNTRY_ID_TYPES = frozenset({"US_SSN", "UK_NINO", "FR_NIR", "DE_TAX_ID", "ES_DNI", "IT_FISCAL_CODE"})

_SUPPORTED = re.compile(r"^\s*-?\s*supported_entity:\s*['\"]?([A-Z0-9_]+)", re.MULTILINE)


@functools.lru_cache(maxsize=1)
def known_entity_types() -> frozenset[str]:
    """Presidio's types plus every type a shipped detector pack declares."""
    packs: set[str] = set()
    for path in data_dir("detectors").glob("*.yaml"):
        packs.update(_SUPPORTED.findall(path.read_text(encoding="utf-8")))
    return PRESIDIO_ENTITY_TYPES | packs
