"""Indexes for the listings (casefiles.access.permissions, the workbench inbox): running and decided
cases by due date, and a user's granted cases by reason read from the index alone. Measured
on 1,000,000 cases with bench/cases_listing.py (docs/casefiles.md, "Performance")."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('casefiles', '0008_staff_admin_access'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='casefile',
            index=models.Index(condition=models.Q(('status__in', ['submitted', 'correction_requested', 'accepted', 'under_review', 'denial_pending'])), fields=['promised_due', 'submitted_at', 'id'], name='case_running_due'),
        ),
        migrations.AddIndex(
            model_name='casefile',
            index=models.Index(condition=models.Q(('status__in', ['submitted', 'correction_requested', 'accepted', 'under_review', 'denial_pending'])), fields=['status', 'promised_due', 'submitted_at', 'id'], name='case_running_status_due'),
        ),
        migrations.AddIndex(
            model_name='casefile',
            index=models.Index(condition=models.Q(('status__in', ['approved', 'denied'])), fields=['promised_due', 'submitted_at', 'id'], name='case_decided_due'),
        ),
        migrations.AddIndex(
            model_name='casegrant',
            index=models.Index(fields=['group', 'reason', 'case'], name='grant_group_reason_case'),
        ),
        migrations.AddIndex(
            model_name='casegrant',
            index=models.Index(fields=['user', 'reason', 'case'], name='grant_user_reason_case'),
        ),
    ]
