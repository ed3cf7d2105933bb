"""Validators for identifiers and dates, with messages a practitioner understands."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

NHS_NUMBER_RE = re.compile(r"^\d{10}$")
UPN_RE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
# The check-letter alphabet of the Unique Pupil Number: A-Z without I, O and S.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
OLDEST_AGE_YEARS = 30


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def nhs_number_is_valid(value: str) -> bool:
    digits = normalise_nhs_number(value)
    if not NHS_NUMBER_RE.match(digits):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def validate_nhs_number(value: str) -> None:
    digits = normalise_nhs_number(value)
    if not NHS_NUMBER_RE.match(digits):
        raise ValidationError("Enter an NHS number with 10 digits, like 943 476 5919", code="nhs_format")
    if not nhs_number_is_valid(digits):
        raise ValidationError("Enter a valid NHS number: the check digit does not match", code="nhs_checksum")


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (DfE algorithm)."""
    total = 0
    for weight, char in enumerate(body, start=2):
        total += weight * (int(char) if char.isdigit() else UPN_LETTERS.index(char))
    return UPN_LETTERS[total % 23]


def validate_upn(value: str) -> None:
    upn = (value or "").strip().upper()
    if not UPN_RE.match(upn) or (not upn[12].isdigit() and upn[12] not in UPN_LETTERS):
        raise ValidationError(
            "Enter a Unique Pupil Number of 13 characters: a letter, 11 digits, then a digit or letter",
            code="upn_format",
        )
    if upn[0] != upn_check_letter(upn[1:]):
        raise ValidationError("Enter a valid Unique Pupil Number: the check letter does not match", code="upn_check")


def validate_date_of_birth(value: date) -> None:
    today = timezone.localdate()
    if value > today:
        raise ValidationError("Date of birth must be in the past", code="dob_future")
    try:
        oldest = today.replace(year=today.year - OLDEST_AGE_YEARS)
    except ValueError:  # 29 February
        oldest = today.replace(year=today.year - OLDEST_AGE_YEARS, day=28)
    if value < oldest:
        raise ValidationError(
            f"Date of birth must be within the last {OLDEST_AGE_YEARS} years: Lantern records young people",
            code="dob_too_old",
        )
