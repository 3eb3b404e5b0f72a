"""Check characters of the identifiers applicants give us.

- 统一社会信用代码 (unified social credit code, USCC), GB 32100-2015: registration
  authority, category, 6-digit administrative division, 9-character organisation code and a
  check character over the first 17 (weights 3^i mod 31 over a 31-character alphabet).
- 公民身份号码 (resident identity number), GB 11643-1999: 6-digit division, birth date,
  sequence, ISO 7064 MOD 11-2 check character.

Each check raises ``IdentifierError`` with a message a person can act on; the Django
validators translate it into a form error.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# GB 32100 registration authority → its category codes (with later amendments: the
# military (A) and agricultural collective economic organisations (N)).
USCC_AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "外国律师事务所驻华代表机构",
            "3": "司法鉴定机构",
            "4": "仲裁委员会",
            "5": "公证处",
            "6": "基层法律服务所",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": ("旅游", {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"}),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}


class IdentifierError(ValueError):
    """An identifier that cannot be right; ``message`` says why in the user's language."""

    def __init__(self, message, code, params=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = params or {}

    def __str__(self):
        return str(self.message) % self.params if self.params else str(self.message)

    def as_validation_error(self):
        return ValidationError(self.message, code=self.code, params=self.params)


def _compact(value: str) -> str:
    return "".join(str(value).split()).replace("-", "").upper()


def uscc_check_character(first17: str) -> str:
    return uscc.calc_check_digit(first17)


def validate_uscc(value: str) -> str:
    """Return the normalised code, or raise ``IdentifierError``."""
    code = _compact(value)
    if len(code) != 18:
        raise IdentifierError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            "uscc_length",
            {"length": len(code)},
        )
    for char in code:
        if char not in USCC_ALPHABET:
            raise IdentifierError(
                _("“%(char)s” cannot appear in a unified social credit code (I, O, S, V and Z are never used)."),
                "uscc_character",
                {"char": char},
            )
    authority, category = code[0], code[1]
    if authority not in USCC_AUTHORITIES:
        raise IdentifierError(
            _("“%(char)s” is not a registration authority code of GB 32100 (1–9, A, N or Y)."),
            "uscc_authority",
            {"char": authority},
        )
    if category not in USCC_AUTHORITIES[authority][1]:
        raise IdentifierError(
            _("“%(category)s” is not a category code of registration authority “%(authority)s”."),
            "uscc_category",
            {"category": category, "authority": authority},
        )
    if not code[2:8].isdigit():
        raise IdentifierError(
            _("Characters 3 to 8 of a unified social credit code are the six-digit administrative division code."),
            "uscc_region",
        )
    if code[17] != uscc_check_character(code[:17]):
        raise IdentifierError(
            _("The check character does not match: the unified social credit code has been mistyped."),
            "uscc_checksum",
        )
    return code


def resident_id_check_character(first17: str) -> str:
    return ric.calc_check_digit(first17 + "0")


def validate_resident_id(value: str, today: datetime.date | None = None) -> str:
    """Return the normalised 18-character resident identity number, or raise ``IdentifierError``."""
    number = _compact(value)
    if len(number) != 18:
        raise IdentifierError(
            _("A resident identity number has 18 characters; this one has %(length)d."),
            "rid_length",
            {"length": len(number)},
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdentifierError(
            _("A resident identity number is 17 digits followed by a digit or X."),
            "rid_format",
        )
    if number[17] != resident_id_check_character(number[:17]):
        raise IdentifierError(
            _("The check character does not match: the identity number has been mistyped."),
            "rid_checksum",
        )
    try:
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise IdentifierError(
            _("Digits 7 to 14 of an identity number are a birth date; %(digits)s is not a date."),
            "rid_birth_date",
            {"digits": number[6:14]},
        ) from None
    today = today or timezone.localdate()
    if birth > today or birth.year < 1900:
        raise IdentifierError(
            _("The birth date %(date)s in this identity number is not possible."),
            "rid_birth_date",
            {"date": birth.isoformat()},
        )
    if not _is_division_code(number[:6]):
        raise IdentifierError(
            _("%(region)s is not an administrative division code."),
            "rid_region",
            {"region": number[:6]},
        )
    return number


def _is_division_code(code: str) -> bool:
    # Any division that has ever existed: numbers were first issued in 1984-85, so a person
    # born before a division was created can still carry its code (stdnum's birth-year
    # check would refuse them).
    from stdnum import numdb

    return any("county" in props for _part, props in numdb.get("cn/loc").info(code))


_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile(value: str) -> str:
    """A mainland mobile number as its 11 digits (spaces, hyphens, brackets and +86 dropped)."""
    digits = re.sub(r"[\s\-()]", "", str(value or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not _MOBILE.match(digits):
        raise IdentifierError(_("Enter a mobile phone number of 11 digits, e.g. 13800138000."), "invalid_mobile")
    return digits


def mask_resident_id(number: str) -> str:
    """Shown outside case work: the first four and last four characters only."""
    if not number:
        return ""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_mobile(number: str) -> str:
    """A phone number shown to whoever may not see it whole: the first three and last four
    characters (``138****8000``); a short one not at all."""
    number = str(number or "").strip()
    if not number:
        return ""
    return number[:3] + "****" + number[-4:] if len(number) >= 7 else "****"


def uscc_validator(value):
    try:
        validate_uscc(value)
    except IdentifierError as error:
        raise error.as_validation_error() from None


def resident_id_validator(value):
    try:
        validate_resident_id(value)
    except IdentifierError as error:
        raise error.as_validation_error() from None
