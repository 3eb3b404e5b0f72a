"""Personal data encrypted at rest (个人信息保护法): identity numbers and mobile numbers.

A protected column holds a versioned token — ``pii1:`` and a Fernet token (AES-128-CBC with
HMAC-SHA256: authenticated, and the same number encrypts differently every time) — and is
decrypted when a row is loaded (``EncryptedTextField``, ``EncryptedJSONField``). Nothing can
be found by such a column, so each one that is looked up has a digest column beside it
(``DigestField``): a keyed HMAC-SHA256 of the value, compacted (``compact``), written on every
save. Every look-up goes through it::

    Person.objects.filter(protected.matches("id_number", number))
    # = filter(id_number_hash__in=protected.digests(number))

A filter on the encrypted column itself (other than for blank or NULL) is refused with a
``FieldError`` that says so, rather than silently finding nothing.

**Keys.** ``settings.YIWANG_PII_KEYS``, a list of secrets (env ``YIWANG_PII_KEYS``, comma-
separated; required in production). From each, HKDF-SHA256 derives an encryption key and a
digest key. The first encrypts and digests; every one of them decrypts, and a look-up matches
a digest under any of them, so that rows not yet rewritten after a rotation are still read
and found. ``manage.py personal_data check`` reports the rows not under the first key (or
not readable at all); ``personal_data rekey`` rewrites them (``check``, ``rekey`` below).
docs/personal-data.md has the procedure.
"""

import base64
import functools
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.db import connections, models, router
from django.db.models import Q
from django.db.models.lookups import Exact, IsNull

PREFIX = "pii1:"  # the token's format; a later one gets its own prefix, and both are read


class Unreadable(ValueError):
    """A token that no key of ``YIWANG_PII_KEYS`` decrypts."""


# --- keys ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Key:
    fernet: Fernet
    mac: bytes


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"yiwang personal data " + purpose).derive(
        secret.encode())


@functools.lru_cache(maxsize=8)
def _keyring(secrets: tuple[str, ...]) -> tuple[tuple[_Key, ...], MultiFernet]:
    keys = tuple(_Key(Fernet(base64.urlsafe_b64encode(_derive(secret, b"encryption"))), _derive(secret, b"digest"))
                 for secret in secrets)
    return keys, MultiFernet([key.fernet for key in keys])


def _configured():
    secrets = tuple(str(secret) for secret in (getattr(settings, "YIWANG_PII_KEYS", None) or ()) if secret)
    if not secrets:
        raise ImproperlyConfigured("YIWANG_PII_KEYS must name at least one key: it encrypts identity and mobile numbers")
    return _keyring(secrets)


def keyring() -> tuple[_Key, ...]:
    """The keys, the current one first (read from the settings each time: tests change them)."""
    return _configured()[0]


# --- tokens ----------------------------------------------------------------------------------------

def is_token(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def encrypt(text) -> str:
    """``text`` as a token under the current key; blank stays blank (it is nobody's number)."""
    if text is None or text == "":
        return text
    return PREFIX + keyring()[0].fernet.encrypt(str(text).encode()).decode("ascii")


def decrypt(value):
    """The text of a token; a value that is no token (blank, or written before encryption) as it is."""
    if not is_token(value):
        return value
    try:
        return _configured()[1].decrypt(value[len(PREFIX):].encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise Unreadable(
            "An encrypted personal-data column cannot be decrypted with any key of YIWANG_PII_KEYS "
            "(was a key removed before `manage.py personal_data rekey` ran?): see `manage.py personal_data check`"
        ) from None


CURRENT, OLD_KEY, PLAIN, UNREADABLE = "current", "old key", "not encrypted", "unreadable"


def state(value) -> str:
    """How a stored value stands: under the current key, an older key, not encrypted, unreadable."""
    if value is None or value == "":
        return CURRENT
    if not is_token(value):
        return PLAIN
    token = value[len(PREFIX):].encode("ascii", "replace")
    ring = keyring()
    for index, key in enumerate(ring):
        try:
            key.fernet.decrypt(token)
        except InvalidToken:
            continue
        return CURRENT if index == 0 else OLD_KEY
    return UNREADABLE


# --- digests ---------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\-()（）]")


def compact(value) -> str:
    """What a digest is taken of: without spaces, hyphens and brackets, upper case, a mainland
    mobile without its +86 — so that ``138 0013 8000`` finds ``13800138000``, ``…123x`` ``…123X``."""
    text = _SEPARATORS.sub("", str(value or "")).upper()
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086") and len(text) == 15:
        text = text[4:]
    return text


def _mac(key: _Key, text: str) -> str:
    return hmac.new(key.mac, text.encode(), hashlib.sha256).hexdigest()


def digest(value) -> str:
    """The look-up digest of ``value`` under the current key ("" for blank)."""
    text = compact(value)
    return _mac(keyring()[0], text) if text else ""


def digests(value) -> list[str]:
    """The digests of ``value`` under every key: what a look-up matches (rows not yet rekeyed too)."""
    text = compact(value)
    return [_mac(key, text) for key in keyring()] if text else []


def matches(name: str, value) -> Q:
    """The rows whose protected column ``name`` holds ``value``, by its digest column ``<name>_hash``.
    A blank ``value`` matches nothing."""
    found = digests(value)
    return Q(**{f"{name}_hash__in": found}) if found else Q(pk__in=[])


# --- fields ----------------------------------------------------------------------------------------

def _blank(value) -> bool:
    return value is None or value == ""


class _BlankExact(Exact):
    """``field=""`` (or None) only: whether a protected column is blank is no secret."""

    def __init__(self, lhs, rhs):
        if not _blank(rhs):
            target = getattr(lhs, "target", None)
            name = f"{target.model.__name__}.{target.name}" if target is not None else "This column"
            raise FieldError(
                f"{name} is encrypted: look it up by its digest column, e.g. "
                f"filter(protected.matches({getattr(target, 'name', 'name')!r}, value)) (casefiles.directory.protected)"
            )
        super().__init__(lhs, rhs)


class _Protected:
    """What the encrypted fields share: only a blank or NULL test may filter by them."""

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _BlankExact
        if lookup_name == "isnull":
            return IsNull
        return None  # Django answers with "Unsupported lookup … for EncryptedTextField"

    def get_transform(self, lookup_name):
        return None


class EncryptedTextField(_Protected, models.TextField):
    """Text stored as a token (see the module's docstring); ``max_length`` bounds what is typed."""

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if _blank(value) else encrypt(value)

    def formfield(self, **kwargs):
        # A number is typed on one line: a CharField's field, not a TextField's textarea.
        return models.Field.formfield(self, **{"max_length": self.max_length, **kwargs})


class EncryptedJSONField(_Protected, models.TextField):
    """A JSON document stored as one token (a notice's particulars)."""

    description = "Encrypted JSON"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return json.loads(decrypt(value))

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value  # a fixture's text

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), ensure_ascii=False, sort_keys=True)


class DigestField(models.CharField):
    """The look-up digest of the protected column ``of`` of the same row, written on every save
    (``pre_save``, bulk_create included). Never typed, never shown."""

    description = "Digest of a protected column"

    def __init__(self, *args, of: str, **kwargs):
        self.of = of
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["of"] = self.of
        for key, value in (("max_length", 64), ("blank", True), ("default", "")):
            if kwargs.get(key) == value:
                del kwargs[key]
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = digest(getattr(model_instance, self.of))
        setattr(model_instance, self.attname, value)
        return value


def digest_fields(model) -> list[DigestField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, DigestField)]


def encrypted_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if isinstance(f, (EncryptedTextField, EncryptedJSONField))]


class Protected:
    """Mixed into a model with protected columns: saving some fields saves their digests too,
    and a unique digest is checked under every key and reported on the column it digests."""

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            update_fields = set(update_fields)
            update_fields |= {f.name for f in digest_fields(type(self)) if f.of in update_fields}
        super().save(*args, update_fields=update_fields, **kwargs)

    def validate_unique(self, exclude=None):
        exclude = set(exclude or ())
        unique = [f for f in digest_fields(type(self)) if f.unique]
        errors = {}
        try:
            super().validate_unique(exclude=exclude | {f.name for f in unique})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for digested in unique:
            if digested.of in exclude or _blank(getattr(self, digested.of)):
                continue
            others = type(self)._default_manager.filter(matches(digested.of, getattr(self, digested.of)))
            if self.pk is not None:
                others = others.exclude(pk=self.pk)
            if others.exists():
                source = self._meta.get_field(digested.of)
                errors.setdefault(digested.of, []).append(ValidationError(
                    source.error_messages["unique"], code="unique",
                    params={"model_name": self._meta.verbose_name, "field_label": source.verbose_name}))
        if errors:
            raise ValidationError(errors)


# --- check and rekey -------------------------------------------------------------------------------

@dataclass
class ColumnReport:
    """One protected column: how many rows stand how, and some of those that do not stand right."""

    table: str
    column: str
    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list] = field(default_factory=dict)  # state → some primary keys

    @property
    def problems(self) -> int:
        return sum(count for name, count in self.counts.items() if name != CURRENT)

    def add(self, name: str, pk) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1
        if name != CURRENT:
            found = self.examples.setdefault(name, [])
            if len(found) < 5:
                found.append(pk)


STALE_DIGEST = "digest not under the current key"


@dataclass(frozen=True)
class _Columns:
    model: type
    encrypted: tuple  # fields
    digests: tuple  # DigestFields

    @property
    def names(self) -> list[str]:
        return [f.column for f in (*self.encrypted, *self.digests)]


def protected_models(app_label: str = "casefiles", app_registry=None) -> list[_Columns]:
    """Every model of the app with protected columns (the models of a migration's state too)."""
    found = []
    for model in (app_registry or apps).get_app_config(app_label).get_models():
        encrypted = encrypted_fields(model)
        if encrypted:
            found.append(_Columns(model, tuple(encrypted), tuple(digest_fields(model))))
    return found


def _raw_rows(model, columns: list[str], batch_size: int):
    """(pk, raw values…) of every row, as stored (no decryption), a batch at a time by primary key."""
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    pk = model._meta.pk.column
    select = ", ".join(quote(name) for name in [pk, *columns])
    last = None
    while True:
        where, params = (f" WHERE {quote(pk)} > %s", [last]) if last is not None else ("", [])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {select} FROM {quote(model._meta.db_table)}{where} ORDER BY {quote(pk)} LIMIT %s",
                           [*params, batch_size])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _plain(raw, column_field):
    """A stored value as the model reads it: decrypted, and a JSON document parsed."""
    value = decrypt(raw)
    if isinstance(column_field, EncryptedJSONField) and isinstance(value, str):
        return json.loads(value)
    return value


def check(batch_size: int = 1000, app_registry=None) -> list[ColumnReport]:
    """How every protected column stands: a token under the current key is right; one under an
    older key, a value not encrypted, a token no key reads, a digest not under the current key
    (or not of its column's value) are not."""
    reports = []
    for table in protected_models(app_registry=app_registry):
        model = table.model
        by_column = {f.name: ColumnReport(model._meta.db_table, f.column) for f in (*table.encrypted, *table.digests)}
        for rows in _raw_rows(model, table.names, batch_size):
            for pk, *values in rows:
                stored = dict(zip([f.name for f in (*table.encrypted, *table.digests)], values))
                plain = {}
                for column_field in table.encrypted:
                    found = state(stored[column_field.name])
                    by_column[column_field.name].add(found, pk)
                    if found != UNREADABLE:
                        plain[column_field.name] = _plain(stored[column_field.name], column_field)
                for digested in table.digests:
                    if digested.of not in plain:
                        continue  # its column is unreadable: reported there
                    right = digest(plain[digested.of])
                    by_column[digested.name].add(CURRENT if stored[digested.name] == right else STALE_DIGEST, pk)
        reports += by_column.values()
    return reports


def rewrite(model, batch_size: int = 500, *, everything: bool = False) -> tuple[int, list]:
    """Write every row of ``model`` whose protected columns are not all under the current key
    (``everything``: every row) anew: tokens and digests under the current key. Returns how
    many rows were rewritten and the primary keys of those no key reads (left as they are).

    Used by ``personal_data rekey`` and by the migration that first encrypted the columns (with
    its own state's model: ``model`` may be a historical one)."""
    encrypted = encrypted_fields(model)
    digested = digest_fields(model)
    names = [f.name for f in (*encrypted, *digested)]
    columns = [f.column for f in (*encrypted, *digested)]
    manager = model._base_manager
    rewritten, unreadable = 0, []
    for rows in _raw_rows(model, columns, batch_size):
        for pk, *values in rows:
            stored = dict(zip(names, values))
            states = {f.name: state(stored[f.name]) for f in encrypted}
            if UNREADABLE in states.values():
                unreadable.append(pk)
                continue
            plain = {f.name: _plain(stored[f.name], f) for f in encrypted}
            fresh = {f.name: digest(plain[f.of]) for f in digested if f.of in plain}
            if not everything and set(states.values()) == {CURRENT} and all(
                    stored[name] == value for name, value in fresh.items()):
                continue
            manager.filter(pk=pk).update(**plain, **fresh)  # the fields encrypt as they write
            rewritten += 1
    return rewritten, unreadable


def rekey(batch_size: int = 500) -> tuple[int, list]:
    """After a rotation: every protected row under the current key. (rows rewritten, unreadable
    rows as "table:pk")."""
    total, unreadable = 0, []
    for table in protected_models():
        count, lost = rewrite(table.model, batch_size)
        total += count
        unreadable += [f"{table.model._meta.db_table}:{pk}" for pk in lost]
    return total, unreadable


def write_plain(model, batch_size: int = 500) -> None:
    """Undo the encryption of ``model``'s protected columns (a migration's way back): each
    decrypted and written as it reads, past the fields."""
    encrypted = encrypted_fields(model)
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = %s" for f in encrypted)
    pk = model._meta.pk.column
    for rows in _raw_rows(model, [f.column for f in encrypted], batch_size):
        with connection.cursor() as cursor:
            for row_pk, *values in rows:
                cursor.execute(f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote(pk)} = %s",
                               [*(decrypt(value) for value in values), row_pk])
