"""The grant indexes of 0009 held every grant (280 MB at 4 million grants); the listings read
only the parallel approvals by group and the agents by user, a few per cent of them."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('casefiles', '0009_listing_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='casegrant',
            name='grant_group_reason_case',
        ),
        migrations.RemoveIndex(
            model_name='casegrant',
            name='grant_user_reason_case',
        ),
        migrations.AddIndex(
            model_name='casegrant',
            index=models.Index(condition=models.Q(('reason', 'parallel')), fields=['group', 'case'], name='grant_parallel_by_group'),
        ),
        migrations.AddIndex(
            model_name='casegrant',
            index=models.Index(condition=models.Q(('reason', 'agent')), fields=['user', 'case'], name='grant_agent_by_user'),
        ),
    ]
