"""The Children in Need census assessment factor codes of a request's
exploitation-related risks (lantern/referrals/cin_codes.py): the mapping,
the requests CSV's column and the request page."""

import csv
import io

import pytest
from django.urls import reverse

from lantern.referrals import views
from lantern.referrals.cin_codes import CIN_FACTORS, RISK_CIN_CODES, cin_codes, risks_with_codes
from lantern.referrals.models import Risk

pytestmark = pytest.mark.django_db


def test_every_risk_is_mapped_to_census_factors_that_exist():
    assert set(RISK_CIN_CODES) == set(Risk.values)
    for codes in RISK_CIN_CODES.values():
        assert set(codes) <= set(CIN_FACTORS)


@pytest.mark.parametrize(
    ("risks", "codes"),
    [
        ([Risk.MISSING], ["10A"]),
        ([Risk.CSE], ["11A"]),
        ([Risk.TRAFFICKING], ["12A"]),
        ([Risk.CCE], ["24A"]),
        ([Risk.COUNTY_LINES], ["13A", "24A"]),
        ([Risk.PEER_ON_PEER], ["18B", "19B"]),
        ([Risk.SERIOUS_YOUTH_VIOLENCE], ["18B"]),
        ([Risk.HARMFUL_SEXUAL_BEHAVIOUR], ["19B"]),
        ([Risk.WEAPONS, Risk.ONLINE_HARM], []),
        # Each code once, in the census's order.
        ([Risk.CCE, Risk.COUNTY_LINES, Risk.MISSING, Risk.CSE], ["10A", "11A", "13A", "24A"]),
    ],
)
def test_the_codes_of_risks(risks, codes):
    assert cin_codes(risks) == codes


def test_risks_with_codes_keeps_the_risks_order_and_labels():
    assert risks_with_codes([Risk.MISSING, Risk.WEAPONS]) == [
        ("Going missing", ["10A"]),
        ("Knife or weapon carrying", []),
    ]


def test_the_requests_csv_has_the_codes_beside_the_risks(client, service):
    assert views._CSV_HEADER.index("cin_factor_codes") == views._CSV_HEADER.index("presenting_risks") + 1
    service.request(service.young_person(last_name="Lines"), risks=[Risk.COUNTY_LINES, Risk.MISSING])
    service.request(service.young_person(last_name="Blade"), risks=[Risk.WEAPONS])
    client.force_login(service.manager)
    response = client.get(reverse("referrals:export"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_name = {row["young_person"].split()[-1]: row for row in rows}
    assert by_name["Lines"]["cin_factor_codes"] == "10A; 13A; 24A"
    assert by_name["Blade"]["cin_factor_codes"] == ""


def test_the_request_page_shows_the_codes_beside_the_risks(client, service):
    request = service.request(risks=[Risk.CCE, Risk.PEER_ON_PEER, Risk.WEAPONS])
    client.force_login(service.social_worker)
    response = client.get(reverse("referrals:detail", args=[request.pk]))
    text = " ".join(response.text.split())
    assert "Child criminal exploitation (Children in Need census factor 24A)" in text
    assert "(Children in Need census factors 18B, 19B)" in text
    assert "Knife or weapon carrying (" not in text
