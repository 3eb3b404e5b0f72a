import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from casefiles.directory.identifiers import (
    USCC_ALPHABET,
    USCC_AUTHORITIES,
    IdentifierError,
    mask_mobile,
    mask_resident_id,
    resident_id_check_character,
    resident_id_validator,
    uscc_check_character,
    uscc_validator,
    validate_resident_id,
    validate_uscc,
)

# Published codes (business licences and government registers).
VALID_USCC = [
    "91110000600037341L",  # stdnum's own vector
    "91350100M000100Y43",
    "11100000000013338W",  # a state organ (机构编制 / 机关), from the GB/T 36904 vector
    "11430000006122244L",
]


@pytest.mark.parametrize("code", VALID_USCC)
def test_known_codes_are_valid(code):
    assert validate_uscc(code) == code


def test_codes_are_normalised():
    assert validate_uscc(" 9111 0000-6000 37341l ") == "91110000600037341L"


@pytest.mark.parametrize("authority", ["A", "N", "Y"])
def test_codes_that_start_with_a_letter_are_accepted(authority):
    category = next(iter(USCC_AUTHORITIES[authority][1]))
    body = f"{authority}{category}440400MA4WB3K1X"
    assert validate_uscc(body + uscc_check_character(body)).startswith(authority)


@pytest.mark.parametrize(
    "code, error_code",
    [
        ("9111000060003734", "uscc_length"),
        ("91110000600037341LL", "uscc_length"),
        ("91110000600037341I", "uscc_character"),  # I is never used
        ("B1110000600037341L", "uscc_authority"),
        ("9911000060003734XX", "uscc_category"),  # 工商 has categories 1-3 only
        ("91AB0000600037341L", "uscc_region"),
        ("91110000600037341M", "uscc_checksum"),
        ("91110000600037342L", "uscc_checksum"),
    ],
)
def test_invalid_codes_say_why(code, error_code):
    with pytest.raises(IdentifierError) as caught:
        validate_uscc(code)
    assert caught.value.code == error_code
    assert str(caught.value)


def test_the_django_validator_gives_a_form_error():
    with pytest.raises(ValidationError) as caught:
        uscc_validator("91110000600037341M")
    assert "mistyped" in caught.value.messages[0] or "校验" in caught.value.messages[0]


authority_and_category = st.sampled_from(
    [authority + category for authority, (_, categories) in USCC_AUTHORITIES.items() for category in categories]
)
uscc_bodies = st.tuples(
    authority_and_category,
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(uscc_bodies)
def test_any_code_with_its_check_character_is_valid(body):
    assert validate_uscc(body + uscc_check_character(body)) == body + uscc_check_character(body)


@given(uscc_bodies, st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET))
def test_any_single_substitution_is_caught(body, position, replacement):
    code = body + uscc_check_character(body)
    mistyped = code[:position] + replacement + code[position + 1 :]
    if mistyped == code:
        return
    with pytest.raises(IdentifierError):
        validate_uscc(mistyped)


# --- resident identity numbers ----------------------------------------------------------

VALID_IDS = ["11010519491231002X", "440402199001011236", "430102198512150016"]


@pytest.mark.parametrize("number", VALID_IDS)
def test_known_identity_numbers_are_valid(number):
    assert validate_resident_id(number) == number


def test_lowercase_x_is_accepted():
    assert validate_resident_id("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    "number, error_code",
    [
        ("11010519491231002", "rid_length"),
        ("1101051949123100AX", "rid_format"),
        ("110105194912310021", "rid_checksum"),
        ("440402199002301235", "rid_birth_date"),  # 30 February
        ("999999199001011234", "rid_region"),
    ],
)
def test_invalid_identity_numbers_say_why(number, error_code):
    body = number[:17]
    if error_code in {"rid_birth_date", "rid_region"}:
        number = body + resident_id_check_character(body)  # a correct check character, wrong content
    with pytest.raises(IdentifierError) as caught:
        validate_resident_id(number)
    assert caught.value.code == error_code


def test_a_birth_date_in_the_future_is_refused():
    body = "44040220300101123"
    with pytest.raises(IdentifierError) as caught:
        validate_resident_id(body + resident_id_check_character(body), today=datetime.date(2026, 11, 21))
    assert caught.value.code == "rid_birth_date"


def test_people_born_before_their_division_existed_are_accepted():
    # 越秀区 (440104) dates from 1983; people born earlier received its code in 1984-85.
    body = "44010419500308351"
    assert validate_resident_id(body + resident_id_check_character(body))


def test_identity_validator_for_forms():
    with pytest.raises(ValidationError):
        resident_id_validator("110105194912310021")


identity_bodies = st.tuples(
    st.sampled_from(["110105", "440402", "440400", "310104", "430102"]),
    st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2020, 12, 31)).map(lambda d: d.strftime("%Y%m%d")),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
).map("".join)


@given(identity_bodies)
def test_any_identity_number_with_its_check_character_is_valid(body):
    number = body + resident_id_check_character(body)
    assert validate_resident_id(number) == number


@given(identity_bodies, st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_digit_substitution_is_caught(body, position, replacement):
    number = body + resident_id_check_character(body)
    mistyped = number[:position] + replacement + number[position + 1 :]
    if mistyped == number:
        return
    with pytest.raises(IdentifierError):
        validate_resident_id(mistyped)


def test_masking_hides_birth_date_and_sequence():
    assert mask_resident_id("440402199001011236") == "4404**********1236"
    assert mask_resident_id("") == ""


def test_masking_a_mobile_keeps_its_first_three_and_last_four_digits():
    assert mask_mobile("13800138002") == "138****8002"
    assert mask_mobile("0756-2212345") == "075****2345"  # a landline alike
    assert mask_mobile("12345") == "****"
    assert mask_mobile("") == ""
