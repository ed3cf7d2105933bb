"""The synthetic county behind `lantern seed`, one module per concern:

- scales: how big, and the monthly rates from the service designs;
- organisations: localities, organisations, teams and schools;
- population: young people, families, households, aliases and name tokens;
- history: years of involvements (call-in, missing, detached, social care);
- missing: looked-after placements, missing episodes, Return Home Interviews, the police's
  notification files and Philomena Protocol profiles;
- staff: demo users, synthetic colleagues, allocation, shares, restrictions;
- casework: the call-in service's records: requests and their decisions, cases,
  contacts, screenings, outcome tools, plans, reviews, feedback and closures;
- county: `generate()`, which runs them in order in one transaction.
"""

from .county import SeedRefused, SeedResult, check_database_is_safe, generate
from .scales import PUBLIC_SCALES, SCALES
from .staff import DEMO_PASSWORD, DEMO_USERS

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "PUBLIC_SCALES",
    "SCALES",
    "SeedRefused",
    "SeedResult",
    "check_database_is_safe",
    "generate",
]
