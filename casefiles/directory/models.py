"""The directory: departments (部门) and their role groups, and the applicants — enterprises
(法人, by USCC) and persons (自然人, by resident identity number)."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casefiles.directory import protected
from casefiles.directory.identifiers import (
    mask_mobile,
    mask_resident_id,
    resident_id_validator,
    uscc_validator,
    validate_resident_id,
    validate_uscc,
)

region_code_validator = RegexValidator(
    r"^(\d{6}|\d{9}|\d{12})$",
    _("An administrative division code has 6 digits (county), 9 (town) or 12 (village)."),
)
department_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$",
    _("Use letters, digits, hyphens and underscores (at most 32)."),
)


class Department(models.Model):
    """A government department (部门) at one level of the administration."""

    class Level(models.TextChoices):
        CITY = "city", _("City (市)")
        DISTRICT = "district", _("District (区)")
        TOWN = "town", _("Town or subdistrict (镇街)")
        PARK = "park", _("Park (园区)")

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[department_code_validator])
    name = models.CharField(pgettext_lazy("record field", "name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.CITY)
    region_code = models.CharField(_("administrative division code"), max_length=12, validators=[region_code_validator])
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[uscc_validator],
        help_text=_("The agency's own code (usually starting 11): printed on and signed into its licenses."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(pgettext_lazy("record field", "active"), default=True)
    seal = models.FileField(
        _("seal image"), upload_to="seals/", blank=True,
        help_text=_("PNG of the department's official seal, printed on its notices."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name

    def clean(self):
        super().clean()
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A department cannot be placed under itself or its own sub-department.")})
            ancestor = ancestor.parent

    def ancestors(self):
        """From the parent up to the root."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def descendant_ids(self):
        """Ids of every department below this one (the tree is small: a few hundred rows)."""
        children_of: dict[int, list[int]] = {}
        for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
            children_of.setdefault(parent_id, []).append(pk)
        found, frontier = [], [self.pk]
        while frontier:
            nxt = []
            for pk in frontier:
                for child in children_of.get(pk, []):
                    found.append(child)
                    nxt.append(child)
            frontier = nxt
        return found

    def group(self, role):
        """The auth group that holds ``role`` (see ``casefiles.directory.roles``) in this department."""
        return self.roles.select_related("group").get(role=role).group


class DepartmentRole(models.Model):
    """Links a department and a role to the auth group whose members hold it.

    The link, not the group's name, is the stable identity: renaming a department renames
    its groups without breaking anything that refers to them.
    """

    class Role(models.TextChoices):
        CLERK = "clerk", _("Clerk (受理)")
        REVIEWER = "reviewer", _("Reviewer (审查)")
        DECIDER = "decider", _("Decider (决定)")
        EDITOR = "editor", _("Content editor (编辑)")
        LEAD = "lead", _("Department lead (负责人)")

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=10, choices=Role.choices)
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="department_role")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["department", "role"], name="one_group_per_department_role")]
        ordering = ["department__code", "role"]
        verbose_name = _("department role")
        verbose_name_plural = _("department roles")

    def __str__(self):
        return f"{self.department} · {self.get_role_display()}"


class Enterprise(models.Model):
    """An enterprise or other organisation that applies (法人), known by its USCC.

    Its members are the users in ``members_group``; grants made to the group reach them all.
    """

    class Scale(models.TextChoices):
        LARGE = "large", _("Large")
        MEDIUM = "medium", _("Medium")
        SMALL = "small", _("Small")
        MICRO = "micro", _("Micro")

    # GB/T 4754-2017 sections (门类).
    class Industry(models.TextChoices):
        A = "A", _("Agriculture, forestry, animal husbandry and fishery")
        B = "B", _("Mining")
        C = "C", _("Manufacturing")
        D = "D", _("Electricity, heat, gas and water")
        E = "E", _("Construction")
        F = "F", _("Wholesale and retail")
        G = "G", _("Transport, storage and post")
        H = "H", _("Accommodation and catering")
        I = "I", _("Information transmission, software and IT services")  # noqa: E741
        J = "J", _("Finance")
        K = "K", _("Real estate")
        L = "L", _("Leasing and business services")
        M = "M", _("Scientific research and technical services")
        N = "N", _("Water, environment and public facilities")
        O = "O", _("Residential and other services")  # noqa: E741
        P = "P", _("Education")
        Q = "Q", _("Health and social work")
        R = "R", _("Culture, sports and entertainment")
        S = "S", _("Public administration and social organisations")
        T = "T", _("International organisations")

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[uscc_validator])
    name = models.CharField(pgettext_lazy("record field", "name"), max_length=200)
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    # From the registry (登记机关): the class of GB/T 4754 ("H6210"; its section is ``industry``),
    # the date of establishment and the registered capital. What the enterprise says of itself is
    # its declaration (casefiles.policies: 一企一档), kept apart and flagged as declared.
    industry_code = models.CharField(
        _("industry code (GB/T 4754)"), max_length=5, blank=True,
        validators=[RegexValidator(r"^[A-T](\d{2}(\d{1,2})?)?$", _("A section letter and up to four digits: H6210."))],
        help_text=_("The registry's class: a section letter and its digits (H6210 正餐服务)."))
    established_on = models.DateField(_("established on"), null=True, blank=True)
    registered_capital = models.DecimalField(_("registered capital (10,000 yuan)"), max_digits=14, decimal_places=2,
                                             null=True, blank=True)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, blank=True)
    region_code = models.CharField(_("administrative division code"), max_length=12, validators=[region_code_validator])
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    members_group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="enterprise", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.uscc = validate_uscc(self.uscc)
        if self.industry_code:
            self.industry = self.industry_code[:1]
        if self.members_group_id is None:
            self.members_group, _created = Group.objects.get_or_create(name=f"enterprise:{self.uscc}")
        super().save(*args, **kwargs)

    @property
    def members(self):
        return self.members_group.user_set.all()

    def add_member(self, user):
        user.groups.add(self.members_group)

    def remove_member(self, user):
        user.groups.remove(self.members_group)


class Person(protected.Protected, models.Model):
    """A citizen who applies (自然人). The identity number is shown masked outside case work.

    The identity number and the phone are encrypted at rest, each with its look-up digest
    (casefiles.directory.protected): find a person by ``lookup.person_with_id_number`` /
    ``person_with_mobile``, or ``filter(protected.matches("id_number", number))``; one identity
    number, one person (the digest is unique).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )
    name = models.CharField(pgettext_lazy("record field", "name"), max_length=100)
    id_number = protected.EncryptedTextField(_("resident identity number"), max_length=18,
                                             validators=[resident_id_validator],
                                             error_messages={"unique": _("A person with this resident identity number "
                                                                         "is registered already.")})
    id_number_hash = protected.DigestField(of="id_number", unique=True)
    phone = protected.EncryptedTextField(_("phone"), max_length=40, blank=True)
    phone_hash = protected.DigestField(of="phone", db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self):
        return f"{self.name} ({self.masked_id_number})"

    def save(self, *args, **kwargs):
        self.id_number = validate_resident_id(self.id_number)
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self):
        return mask_resident_id(self.id_number)

    @property
    def masked_phone(self):
        return mask_mobile(self.phone)
