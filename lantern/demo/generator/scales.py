"""How big a synthetic county is. The monthly rates are the figures in the
service designs (DOMAIN.md) for one county; `rate_factor` scales them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    young_people: int
    years: int
    # Multiplies the county's monthly rates (70 call-in requests, 113 young
    # people missing, ...). The demo county is small but as busy as a needy
    # district, so that every worker holds a realistic caseload.
    rate_factor: float
    localities: int
    schools: int


# The county's figures, per month, before `rate_factor`.
CALL_IN_REQUESTS_PER_MONTH = 70
CALL_IN_ACCEPTANCE = 0.375  # TYSS works with 35-40% of the cases it is asked into
# What becomes of a request (weights, per thousand): accepted at the rate above;
# the rest are signposted to another offer, declined or withdrawn.
CALL_IN_OUTCOMES = {
    "accepted": int(CALL_IN_ACCEPTANCE * 1000),
    "signposted": 300,
    "declined": 220,
    "withdrawn": 105,
}
# The Adolescent Risk Team takes cases straight from social care, not through
# TYSS's requests: about an eighth as many as TYSS accepts.
ART_CASES_PER_MONTH = CALL_IN_REQUESTS_PER_MONTH * CALL_IN_ACCEPTANCE * 0.12
MISSING_YOUNG_PEOPLE_PER_MONTH = 113
# 450 individuals a quarter are met by detached youth workers; about a third
# give a name and become a record, the rest stay anonymous counts.
DETACHED_NAMED_PER_MONTH = 50
# Social-care cases with a lead practitioner that TYSS is not called into.
OTHER_SOCIAL_CARE_CASES_PER_MONTH = 22

# The caseload capacity of a youth support worker or senior practitioner.
FAMILIES_PER_WORKER = 7

SCALES: dict[str, Scale] = {
    # Hidden: for tests.
    "tiny": Scale("tiny", young_people=150, years=1, rate_factor=0.12, localities=6, schools=6),
    "demo": Scale("demo", young_people=1_500, years=3, rate_factor=0.35, localities=6, schools=30),
    "county": Scale("county", young_people=20_000, years=5, rate_factor=1.0, localities=6, schools=120),
    "region": Scale("region", young_people=200_000, years=5, rate_factor=10.0, localities=12, schools=600),
}
PUBLIC_SCALES = ("demo", "county", "region")
