"""A guide states the real-name level its applications need (实名认证等级: casefiles.realname); every
guide so far needs registration, the floor."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cms", "0004_industries_and_scales"),
    ]

    operations = [
        migrations.AddField(
            model_name="serviceitempage",
            name="real_name_level",
            field=models.CharField(choices=[("registered", "Real-name registration (实名注册)"), ("identity_provider", "Real-name check by the provincial unified identity (统一身份认证)"), ("in_person", "Real-name check in person (线下核验)")], default="registered", help_text="What the person who applies must have reached; one of a lower level is told what to do.", max_length=20, verbose_name="real-name level needed (实名认证等级)"),
        ),
    ]
