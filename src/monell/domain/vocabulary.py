"""The codes Monell speaks in.

Every code here is part of the public contract (incident files, JSON output, other tools):
add members, never rename them.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """USPS codes for the 50 states and the District of Columbia (the § 1983 forums we cover)."""

    AL = "AL"
    AK = "AK"
    AZ = "AZ"
    AR = "AR"
    CA = "CA"
    CO = "CO"
    CT = "CT"
    DE = "DE"
    DC = "DC"
    FL = "FL"
    GA = "GA"
    HI = "HI"
    ID = "ID"
    IL = "IL"
    IN = "IN"
    IA = "IA"
    KS = "KS"
    KY = "KY"
    LA = "LA"
    ME = "ME"
    MD = "MD"
    MA = "MA"
    MI = "MI"
    MN = "MN"
    MS = "MS"
    MO = "MO"
    MT = "MT"
    NE = "NE"
    NV = "NV"
    NH = "NH"
    NJ = "NJ"
    NM = "NM"
    NY = "NY"
    NC = "NC"
    ND = "ND"
    OH = "OH"
    OK = "OK"
    OR = "OR"
    PA = "PA"
    RI = "RI"
    SC = "SC"
    SD = "SD"
    TN = "TN"
    TX = "TX"
    UT = "UT"
    VT = "VT"
    VA = "VA"
    WA = "WA"
    WV = "WV"
    WI = "WI"
    WY = "WY"


class AgencyKind(StrEnum):
    MUNICIPAL_POLICE = "municipal_police"
    COUNTY_SHERIFF = "county_sheriff"
    STATE_POLICE = "state_police"
    JAIL_OR_PRISON = "jail_or_prison"
    SCHOOL_POLICE = "school_police"
    TRANSIT_POLICE = "transit_police"
    FEDERAL = "federal"
    PRIVATE_SECURITY = "private_security"
    OTHER = "other"


class GovernmentLevel(StrEnum):
    MUNICIPAL = "municipal"
    COUNTY = "county"
    STATE = "state"
    FEDERAL = "federal"
    PRIVATE = "private"


# Kinds whose level follows from the kind itself; the others (a jail may be the county's or the
# state's, a campus force a school district's or a state university's) must say their level.
LEVEL_IMPLIED_BY_KIND: dict[AgencyKind, GovernmentLevel] = {
    AgencyKind.MUNICIPAL_POLICE: GovernmentLevel.MUNICIPAL,
    AgencyKind.COUNTY_SHERIFF: GovernmentLevel.COUNTY,
    AgencyKind.STATE_POLICE: GovernmentLevel.STATE,
    AgencyKind.FEDERAL: GovernmentLevel.FEDERAL,
    AgencyKind.PRIVATE_SECURITY: GovernmentLevel.PRIVATE,
}


class Custody(StrEnum):
    """Where the person stood when harmed: it picks the amendment that governs force."""

    FREE = "free"
    ARRESTED = "arrested"
    PRETRIAL_DETAINEE = "pretrial_detainee"
    CONVICTED_PRISONER = "convicted_prisoner"


class Conduct(StrEnum):
    """What the officers did; each code becomes one claim with the same id."""

    EXCESSIVE_FORCE = "excessive_force"
    FALSE_ARREST = "false_arrest"
    UNLAWFUL_SEARCH = "unlawful_search"
    MALICIOUS_PROSECUTION = "malicious_prosecution"
    FABRICATION_OF_EVIDENCE = "fabrication_of_evidence"
    FAILURE_TO_INTERVENE = "failure_to_intervene"
    DENIAL_OF_MEDICAL_CARE = "denial_of_medical_care"
    FIRST_AMENDMENT_RETALIATION = "first_amendment_retaliation"
    DEADLY_FORCE = "deadly_force"


class CriminalCaseStatus(StrEnum):
    NONE = "none"
    PENDING = "pending"
    CONVICTED = "convicted"
    ACQUITTED = "acquitted"
    DISMISSED = "dismissed"


class Amendment(StrEnum):
    FIRST = "first"
    FOURTH = "fourth"
    EIGHTH = "eighth"
    FOURTEENTH = "fourteenth"


class DefendantRole(StrEnum):
    OFFICER_INDIVIDUAL = "officer_individual"
    OFFICER_OFFICIAL_CAPACITY = "officer_official_capacity"
    MUNICIPALITY = "municipality"
    DEPARTMENT = "department"
    STATE = "state"
    FEDERAL_OFFICER = "federal_officer"
    PRIVATE_PARTY = "private_party"


class QualifiedImmunity(StrEnum):
    AVAILABLE = "available"
    NOT_AVAILABLE = "not_available"
    NOT_APPLICABLE = "not_applicable"


class Severity(StrEnum):
    BLOCKER = "blocker"
    WARNING = "warning"
    INFO = "info"


class FlagCode(StrEnum):
    SOL_EXPIRED = "sol_expired"
    SOL_NEAR = "sol_near"
    TOLLING_APPLIED = "tolling_applied"
    HECK_BAR_RISK = "heck_bar_risk"
    BIVENS_NOT_1983 = "bivens_not_1983"
    STATE_NOT_PERSON = "state_not_person"
    NO_STATE_ACTION = "no_state_action"
    DEPARTMENT_NOT_SUABLE = "department_not_suable"
    QUALIFIED_IMMUNITY = "qualified_immunity"
    NO_PUNITIVE_AGAINST_MUNICIPALITY = "no_punitive_against_municipality"
    UNKNOWN_LAW = "unknown_law"
    # Beyond the minimum set: how far to trust the data behind an answer.
    LAW_DISPUTED = "law_disputed"
    LAW_UNVERIFIED = "law_unverified"
    CLAIM_NOT_ACCRUED = "claim_not_accrued"
    ACCRUAL_ASSUMED = "accrual_assumed"
    CLAIM_ELEMENT_MISSING = "claim_element_missing"
    # Issue 14: the shortest clocks, prisoners, deaths and federal officers.
    NOTICE_OF_CLAIM_LAPSED = "notice_of_claim_lapsed"
    NOTICE_OF_CLAIM_NEAR = "notice_of_claim_near"
    PLRA_EXHAUSTION = "plra_exhaustion"
    PLRA_PHYSICAL_INJURY = "plra_physical_injury"
    PLRA_FEE_CAP = "plra_fee_cap"
    DEATH_CASE = "death_case"
    FTCA_ROUTE = "ftca_route"


class Confidence(StrEnum):
    """How far a row of law data was checked (../shared/data/reference/SOURCES.md)."""

    CONFIRMED = "confirmed"
    SINGLE_SOURCE = "single_source"
    DISPUTED = "disputed"
    UNVERIFIED = "unverified"


class DeadlineKind(StrEnum):
    STATUTE_OF_LIMITATIONS = "statute_of_limitations"
    # A state-law count's own clocks against a public entity or officer (issue 14).
    NOTICE_OF_CLAIM = "notice_of_claim"
    STATE_LIMITATIONS = "state_limitations"


class StateClaimKind(StrEnum):
    """A state-law count that travels with a § 1983 claim (issue 14)."""

    BATTERY = "battery"
    FALSE_IMPRISONMENT = "false_imprisonment"
    MALICIOUS_PROSECUTION = "malicious_prosecution"
    STATE_CIVIL_RIGHTS = "state_civil_rights"


class TollingKind(StrEnum):
    MINORITY = "minority"


class CitationStatus(StrEnum):
    """Outcome of checking one printed citation (shared with `monell cite verify`)."""

    FOUND = "found"
    MISMATCH = "mismatch"
    NOT_IN_CORPUS = "not_in_corpus"
    INVALID = "invalid"
    # Statutes and rules are not in a case-law corpus; shown as unverified unless the data
    # row that names them was confirmed against the statute text.
    NOT_A_CASE = "not_a_case"


class AuthorityKind(StrEnum):
    CASE = "case"
    STATUTE = "statute"
    RULE = "rule"
