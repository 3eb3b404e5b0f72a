"""The index store of the database backend, the retry queue, and the synonym dictionary.

The full-text structures themselves are not Django fields: on SQLite two FTS5 tables
(``search_fts`` and ``search_fts_title``), on PostgreSQL tsvector and text-array columns with
GIN indexes on ``search_document``. Migration 0001 creates whichever the database has.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from search.synonym_rules import RuleError, parse_rule


class IndexedDocument(models.Model):
    """One ``SearchDocument`` as stored: what a hit shows, and what drift checks compare."""

    key = models.CharField(max_length=120, unique=True)  # "<kind>:<object id>"
    kind = models.CharField(max_length=20)
    object_id = models.CharField(max_length=64)
    # The static prior of a record: candidates stream in descending (priority, id) order, so
    # guides and policies come before case files, and newer records before older ones.
    priority = models.PositiveSmallIntegerField(default=1)
    code = models.CharField(max_length=200, blank=True)
    title = models.TextField()
    body = models.TextField(blank=True)
    department = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=32, blank=True)
    date = models.DateTimeField(null=True, blank=True)
    url = models.CharField(max_length=500, blank=True)
    facets = models.JSONField(default=dict, blank=True)
    access = models.JSONField(default=list)
    checksum = models.CharField(max_length=32)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Only the key is indexed here: every other lookup goes through the full-text tables
        # (and on PostgreSQL the (priority, id) order index of migration 0001). Each index
        # more is one more B-tree to update for each of a rebuild's hundreds of thousands of rows.
        db_table = "search_document"

    def __str__(self):
        return self.key


class PendingWrite(models.Model):
    """An index write that failed: replayed on the next write, or by ``search_index check --repair``.

    The record itself is never touched by a failed index write; only this note is left.
    """

    class Target(models.TextChoices):
        DATABASE = "database", _("Database index")
        ELASTICSEARCH = "elasticsearch", _("Elasticsearch")

    key = models.CharField(max_length=120)
    target = models.CharField(max_length=20, choices=Target.choices)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "search_pending_write"
        constraints = [models.UniqueConstraint(fields=["key", "target"], name="search_one_pending_write_per_target")]
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.target}: {self.key}"


class SynonymRule(models.Model):
    """One line of the everyday-words dictionary, in the Solr synonym format.

    ``开理发店, 开美发店 => 公共场所卫生许可`` maps what people say to the catalogue's term;
    ``医保, 医疗保障, 医疗保险`` makes words equivalent. Seeded from ``search/synonyms.txt``.
    """

    rule = models.CharField(_("rule"), max_length=500)
    note = models.CharField(_("note"), max_length=200, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    from_seed = models.BooleanField(_("from the seed file"), default=False, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "search_synonym_rule"
        ordering = ["rule"]
        verbose_name = _("synonym rule")
        verbose_name_plural = _("synonym rules")

    def __str__(self):
        return self.rule

    def clean(self):
        try:
            parse_rule(self.rule)
        except RuleError as error:
            raise ValidationError({"rule": str(error)}) from None
