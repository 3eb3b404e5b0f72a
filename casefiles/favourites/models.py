"""A favourite (收藏): one user, one page of the catalogue (a guide, a bundle or a policy)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Favourite(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="favourites")
    # Kept when the page is unpublished (the user's list hides it) and gone when the page is deleted.
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE,
                             related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("record field", "created"), auto_now_add=True)

    class Meta:
        verbose_name = _("favourite")
        verbose_name_plural = _("favourites")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "page"], name="favourite_once_per_page")]

    def __str__(self):
        return f"{self.user_id} ♡ {self.page_id}"
