"""Notices rendered after the transition commits (casefiles.notices.documents): a notice's ``sha256`` is
now the hash of what it says (``casefiles.notices.documents.digest``), fixed when it is issued; the PDF's
own moves to ``pdf_sha256``, and the PDF may be missing until it is rendered."""

import casefiles.notices.models
from django.db import migrations, models


def content_hashes(apps, schema_editor):
    from casefiles.notices.documents import digest

    Notice = apps.get_model("casefiles", "Notice")
    for notice in Notice.objects.order_by("pk").iterator(chunk_size=500):
        Notice.objects.filter(pk=notice.pk).update(pdf_sha256=notice.sha256, sha256=digest(notice.kind, notice.number, notice.content))


class Migration(migrations.Migration):

    dependencies = [
        ("casefiles", "0015_sealed_journals"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="pdf_sha256",
            field=models.CharField(blank=True, help_text="SHA-256 of the PDF, once rendered", max_length=64),
        ),
        migrations.AlterField(
            model_name="notice",
            name="sha256",
            field=models.CharField(help_text="SHA-256 of what the notice says (casefiles.notices.documents.digest)", max_length=64),
        ),
        migrations.AlterField(
            model_name="notice",
            name="pdf",
            field=models.FileField(blank=True, max_length=255, upload_to=casefiles.notices.models.notice_path, verbose_name="PDF"),
        ),
        migrations.RunPython(content_hashes, migrations.RunPython.noop),
    ]
