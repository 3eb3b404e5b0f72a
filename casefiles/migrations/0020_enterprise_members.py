"""An enterprise's members: memberships with a role, invitations by SMS, requests to join,
and each enterprise's members journal (casefiles.members).

The users already in an enterprise's members group become its members as handlers (经办人):
staff put them there to act for the enterprise, never to manage who else does, so no one is
made an administrator (管理员) by this migration — an enterprise without one is claimed at the
window (docs/enterprises.md). Every enterprise gets its roster (the journal's owner), empty.
The database refuses UPDATE and DELETE on the members journal, as on the others (0006, 0015).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from casefiles.migrations._vendor_sql import append_only


def members_from_groups(apps, schema_editor):
    Enterprise = apps.get_model("casefiles", "Enterprise")
    Membership = apps.get_model("casefiles", "Membership")
    Roster = apps.get_model("casefiles", "Roster")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for enterprise in Enterprise.objects.order_by("pk").iterator(chunk_size=500):
        Roster.objects.get_or_create(enterprise_id=enterprise.pk, defaults={"uscc": enterprise.uscc})
        user_ids = User.objects.filter(groups__id=enterprise.members_group_id).values_list("pk", flat=True)
        Membership.objects.bulk_create(
            [Membership(enterprise_id=enterprise.pk, user_id=user_id, role="handler") for user_id in user_ids],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('casefiles', '0019_messages'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Roster',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uscc', models.CharField(editable=False, max_length=18, unique=True)),
                ('journal_head', models.CharField(blank=True, editable=False, max_length=64)),
                ('journal_length', models.PositiveIntegerField(default=0, editable=False)),
                ('journal_seal', models.CharField(blank=True, editable=False, max_length=64)),
                ('enterprise', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='roster', to='casefiles.enterprise')),
            ],
            options={
                'verbose_name': 'members roster',
                'verbose_name_plural': 'members rosters',
            },
        ),
        migrations.CreateModel(
            name='Invitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('mobile', models.CharField(max_length=20, verbose_name='mobile phone')),
                ('role', models.CharField(choices=[('administrator', 'Administrator (管理员)'), ('handler', 'Handler (经办人)')], default='handler', max_length=16, verbose_name='role')),
                ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='sent')),
                ('expires_at', models.DateTimeField(verbose_name='expires')),
                ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked')),
                ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='accepted by')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='casefiles.enterprise', verbose_name='enterprise')),
                ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='invited by')),
            ],
            options={
                'verbose_name': 'invitation',
                'verbose_name_plural': 'invitations',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['enterprise', 'created_at'], name='invitation_by_enterprise')],
            },
        ),
        migrations.CreateModel(
            name='JoinRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('join', 'Request to join'), ('claim', 'Claim to administer')], default='join', max_length=8, verbose_name='kind')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='requested')),
                ('outcome', models.CharField(blank=True, choices=[('', 'Pending'), ('approved', 'Approved'), ('declined', 'Declined'), ('withdrawn', 'Withdrawn')], default='', max_length=10, verbose_name='outcome')),
                ('role', models.CharField(blank=True, choices=[('administrator', 'Administrator (管理员)'), ('handler', 'Handler (经办人)')], max_length=16, verbose_name='role given')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided')),
                ('reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='join_requests', to='casefiles.enterprise', verbose_name='enterprise')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enterprise_join_requests', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
            ],
            options={
                'verbose_name': 'request to join an enterprise',
                'verbose_name_plural': 'requests to join an enterprise',
                'ordering': ['-created_at', '-pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('outcome', '')), fields=('enterprise', 'user'), name='one_pending_join_request')],
            },
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('administrator', 'Administrator (管理员)'), ('handler', 'Handler (经办人)')], default='handler', max_length=16, verbose_name='role')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='member since')),
                ('added_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='added by')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='casefiles.enterprise', verbose_name='enterprise')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enterprise_memberships', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'membership',
                'verbose_name_plural': 'memberships',
                'ordering': ['enterprise', 'created_at', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('enterprise', 'user'), name='one_membership_per_enterprise_user')],
            },
        ),
        migrations.CreateModel(
            name='MemberEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sequence', models.PositiveIntegerField()),
                ('prev_hash', models.CharField(blank=True, max_length=64)),
                ('hash', models.CharField(max_length=64)),
                ('key_id', models.CharField(blank=True, max_length=16)),
                ('action', models.CharField(max_length=24)),
                ('role', models.CharField(blank=True, max_length=16)),
                ('data', models.JSONField(blank=True, default=dict)),
                ('created_at', models.DateTimeField()),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('member', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('roster', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='casefiles.roster')),
            ],
            options={
                'ordering': ['roster', 'sequence'],
                'constraints': [models.UniqueConstraint(fields=('roster', 'sequence'), name='one_member_event_per_sequence')],
            },
        ),
        migrations.RunPython(members_from_groups, migrations.RunPython.noop),
        append_only("casefiles_memberevent", "members journal"),
    ]
