"""否决权上移: a refusal to accept waits in its own state for a second, senior person.

The new state runs the clock like the other open ones, so the partial indexes over the running
states (0009) are made again with it.
"""

from django.db import migrations, models

RUNNING = ["submitted", "non_acceptance_pending", "correction_requested", "accepted", "under_review", "denial_pending"]


class Migration(migrations.Migration):

    dependencies = [
        ("casefiles", "0016_notices_rendered_after_commit"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="casefile", name="case_running_due"),
        migrations.RemoveIndex(model_name="casefile", name="case_running_status_due"),
        migrations.AlterField(
            model_name="casefile",
            name="status",
            field=models.CharField(choices=[
                ("draft", "Draft"), ("submitted", "Submitted"),
                ("non_acceptance_pending", "Non-acceptance awaiting confirmation"),
                ("correction_requested", "Correction requested"), ("accepted", "Accepted"),
                ("under_review", "Under review"), ("denial_pending", "Denial awaiting second approval"),
                ("approved", "Approved"), ("denied", "Denied"), ("not_accepted", "Not accepted"),
                ("withdrawn", "Withdrawn"), ("concluded", "Concluded"),
            ], db_index=True, default="draft", max_length=24, verbose_name="status"),
        ),
        migrations.AddIndex(
            model_name="casefile",
            index=models.Index(condition=models.Q(("status__in", RUNNING)), fields=["promised_due", "submitted_at", "id"],
                               name="case_running_due"),
        ),
        migrations.AddIndex(
            model_name="casefile",
            index=models.Index(condition=models.Q(("status__in", RUNNING)),
                               fields=["status", "promised_due", "submitted_at", "id"], name="case_running_status_due"),
        ),
    ]
