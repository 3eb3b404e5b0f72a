"""The message centre (站内消息): one inbox per user (casefiles.notifications.models.Message)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import casefiles.notifications.models


class Migration(migrations.Migration):

    dependencies = [
        ("casefiles", "0018_real_name_levels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Message",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("case", "Case update"), ("alert", "Alert"), ("reminder", "Reminder"),
                                                   ("policy", "Policy"), ("system", "System notice")],
                                          max_length=24, verbose_name="kind")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("body", models.TextField(blank=True, help_text="Plain text; shown with its line breaks", verbose_name="message text")),
                ("link", models.CharField(blank=True, max_length=500,
                                          validators=[casefiles.notifications.models.validate_site_path], verbose_name="link")),
                ("created_at", models.DateTimeField(verbose_name="sent at")),
                ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read at")),
                ("case", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                           related_name="messages", to="casefiles.casefile", verbose_name="case file")),
                ("recipient", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="inbox_messages",
                                                to=settings.AUTH_USER_MODEL, verbose_name="recipient")),
            ],
            options={
                "verbose_name": "message",
                "verbose_name_plural": "messages",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["recipient", "-created_at", "-id"], name="message_inbox"),
                    models.Index(condition=models.Q(("read_at__isnull", True)), fields=["recipient", "-created_at", "-id"],
                                 name="message_unread"),
                ],
            },
        ),
    ]
