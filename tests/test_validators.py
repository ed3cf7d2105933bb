import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lantern.people.validators import (
    UPN_LETTERS,
    nhs_number_is_valid,
    upn_check_letter,
    validate_date_of_birth,
    validate_nhs_number,
    validate_upn,
)


def with_check_digit(nine: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else nine + str(check)


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_valid_nhs_numbers(number):
    validate_nhs_number(number)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("9434765918", "nhs_checksum"),
        ("943476591", "nhs_format"),
        ("94347659190", "nhs_format"),
        ("abcdefghij", "nhs_format"),
    ],
)
def test_invalid_nhs_numbers_say_why(number, code):
    with pytest.raises(ValidationError) as error:
        validate_nhs_number(number)
    assert error.value.code == code


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_nhs_checksum_accepts_its_own_digit_and_no_other(nine):
    number = with_check_digit(nine)
    if number is None:
        assert not any(nhs_number_is_valid(nine + str(d)) for d in range(10))
        return
    assert nhs_number_is_valid(number)
    wrong = [nine + str(d) for d in range(10) if str(d) != number[-1]]
    assert not any(nhs_number_is_valid(w) for w in wrong)


@given(st.text(alphabet="0123456789", min_size=11, max_size=11), st.sampled_from("0123456789" + UPN_LETTERS))
def test_upn_with_its_check_letter_is_valid_and_another_letter_is_not(digits, last):
    body = digits + last
    validate_upn(upn_check_letter(body) + body)
    other = next(letter for letter in UPN_LETTERS if letter != upn_check_letter(body))
    with pytest.raises(ValidationError):
        validate_upn(other + body)


@pytest.mark.parametrize("upn", ["", "A12345678901", "112345678901A", "I12345678901A"])
def test_malformed_upns(upn):
    with pytest.raises(ValidationError):
        validate_upn(upn)


def test_date_of_birth_in_the_future_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_date_of_birth(timezone.localdate() + dt.timedelta(days=1))
    assert error.value.code == "dob_future"


def test_date_of_birth_over_thirty_years_ago_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_date_of_birth(timezone.localdate() - dt.timedelta(days=31 * 366))
    assert error.value.code == "dob_too_old"


def test_plausible_date_of_birth_is_accepted():
    validate_date_of_birth(timezone.localdate() - dt.timedelta(days=16 * 365))
