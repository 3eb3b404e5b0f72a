"""Real-name levels (实名认证等级): each verification of a person, with its own sealed journal.

The database refuses UPDATE and DELETE on the verifications' journal events, as on the case and
license journals (0006, 0015).
"""

import casefiles.realname.models
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from casefiles.migrations._vendor_sql import append_only


class Migration(migrations.Migration):

    dependencies = [
        ('casefiles', '0017_non_acceptance_pending'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Verification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reference', models.CharField(default=casefiles.realname.models.new_reference, editable=False, max_length=24, unique=True, verbose_name='reference')),
                ('level', models.CharField(choices=[('registered', 'Real-name registration (实名注册)'), ('identity_provider', 'Real-name check by the provincial unified identity (统一身份认证)'), ('in_person', 'Real-name check in person (线下核验)')], max_length=20, verbose_name='real-name level')),
                ('method', models.CharField(choices=[('mobile', 'Identity number and a verified mobile number'), ('oidc', 'Provincial unified identity (OpenID Connect)'), ('window', 'Identity document checked at a service window')], max_length=12, verbose_name='method')),
                ('evidence', models.CharField(blank=True, help_text="The document checked, or the provider's issuer and subject.", max_length=300, verbose_name='evidence')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='verified at')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                ('status', models.GeneratedField(db_persist=True, expression=models.Case(models.When(revoked_at__isnull=True, then=models.Value('in_force')), default=models.Value('revoked')), output_field=models.CharField(max_length=8))),
                ('journal_head', models.CharField(blank=True, editable=False, max_length=64)),
                ('journal_length', models.PositiveIntegerField(default=0, editable=False)),
                ('journal_seal', models.CharField(blank=True, editable=False, max_length=64)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='verifications', to='casefiles.person', verbose_name='person')),
                ('verified_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='verified by')),
            ],
            options={
                'verbose_name': 'real-name verification',
                'verbose_name_plural': 'real-name verifications',
                'ordering': ['person', '-created_at'],
            },
        ),
        migrations.CreateModel(
            name='VerificationEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sequence', models.PositiveIntegerField()),
                ('prev_hash', models.CharField(blank=True, max_length=64)),
                ('hash', models.CharField(max_length=64)),
                ('key_id', models.CharField(blank=True, max_length=16)),
                ('action', models.CharField(max_length=20)),
                ('data', models.JSONField(blank=True, default=dict)),
                ('created_at', models.DateTimeField()),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('verification', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='casefiles.verification')),
            ],
            options={
                'ordering': ['verification', 'sequence'],
            },
        ),
        migrations.AddConstraint(
            model_name='verification',
            constraint=models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('person', 'level', 'method'), name='one_standing_verification_per_method'),
        ),
        migrations.AddConstraint(
            model_name='verificationevent',
            constraint=models.UniqueConstraint(fields=('verification', 'sequence'), name='one_verification_event_per_sequence'),
        ),
        append_only("casefiles_verificationevent", "real-name journal"),
    ]
