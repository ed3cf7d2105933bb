"""The Children in Need census's assessment factor codes for the
exploitation-related risks a call-in request names, so that the council's
census return and Lantern's records speak the same language: shown beside
the risks on the request page and exported with them in the requests CSV.

Only the census factors about extra-familial harm are used here: 10A going
missing, 11A child sexual exploitation, 12A trafficking, 13A gangs, 24A child
criminal exploitation, 18B child-on-child physical abuse and 19B
child-on-child sexual abuse. A risk with no such factor maps to nothing
rather than to a guess: the social worker's assessment, not this list,
decides the census factors recorded.
"""

from collections.abc import Iterable

from .models import Risk

CIN_FACTORS: dict[str, str] = {
    "10A": "Going missing",
    "11A": "Child sexual exploitation",
    "12A": "Trafficking",
    "13A": "Gangs",
    "18B": "Child-on-child abuse: physical",
    "19B": "Child-on-child abuse: sexual",
    "24A": "Child criminal exploitation",
}

RISK_CIN_CODES: dict[str, tuple[str, ...]] = {
    # The census factor of the same name.
    Risk.CCE: ("24A",),
    # County lines is criminal exploitation by gangs or organised networks
    # moving drugs and money: both factors apply.
    Risk.COUNTY_LINES: ("13A", "24A"),
    Risk.CSE: ("11A",),
    # Violence between young people is child-on-child physical abuse; it is
    # gang-related only where the assessment says so.
    Risk.SERIOUS_YOUTH_VIOLENCE: ("18B",),
    # Carrying a knife has no factor of its own: what lies behind it (gangs,
    # exploitation) is a risk of its own on the request.
    Risk.WEAPONS: (),
    # Harmful sexual behaviour towards other children is child-on-child
    # sexual abuse.
    Risk.HARMFUL_SEXUAL_BEHAVIOUR: ("19B",),
    # Peer-on-peer abuse, relationship abuse included, may be physical or
    # sexual: both child-on-child factors.
    Risk.PEER_ON_PEER: ("18B", "19B"),
    # Online harm is a route to harm, not a kind of it: the kind (sexual
    # exploitation, for example) is named as a risk of its own.
    Risk.ONLINE_HARM: (),
    # Trafficking and modern slavery are the census's trafficking factor.
    Risk.TRAFFICKING: ("12A",),
    Risk.MISSING: ("10A",),
    # Substance misuse and radicalisation are census factors outside the
    # exploitation set this service records, assessed by social care.
    Risk.SUBSTANCE_MISUSE: (),
    Risk.RADICALISATION: (),
}

_ORDER = {code: index for index, code in enumerate(sorted(CIN_FACTORS, key=lambda code: (int(code[:-1]), code)))}


def cin_codes(risks: Iterable[str]) -> list[str]:
    """The census factor codes for these risk values, each once, in the
    census's numeric order (10A before 24A)."""
    codes = {code for risk in risks for code in RISK_CIN_CODES.get(risk, ())}
    return sorted(codes, key=_ORDER.__getitem__)


def risks_with_codes(risks: Iterable[str]) -> list[tuple[str, list[str]]]:
    """Each risk's label with its census factor codes, for the request page."""
    labels = dict(Risk.choices)
    return [(str(labels.get(risk, risk)), list(RISK_CIN_CODES.get(risk, ()))) for risk in risks]
