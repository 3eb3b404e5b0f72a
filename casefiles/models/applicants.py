from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from casefiles.identifiers import mask_resident_id, resident_id_validator, uscc_validator, validate_resident_id, validate_uscc

from .departments import region_code_validator


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
    name = models.CharField(_("name"), max_length=200)
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
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


class Person(models.Model):
    """A citizen who applies (自然人). The identity number is shown masked outside case work."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )
    name = models.CharField(_("name"), max_length=100)
    id_number = models.CharField(_("resident identity number"), max_length=18, unique=True, validators=[resident_id_validator])
    phone = models.CharField(_("phone"), max_length=40, blank=True)
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
