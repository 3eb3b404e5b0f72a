"""The components moved code, not data: a database at the migration head of before the move
upgrades with ``migrate`` alone — same tables, nothing copied, its rows read by the moved models."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from casefiles.directory.models import Department, Enterprise
from casefiles.demo.directory import demo_uscc

# The tables of the case-file models at migration 0017 (the head when the components were made).
TABLES_AT_0017 = {
    "casefiles_activity", "casefiles_authorisation", "casefiles_calendarday", "casefiles_calendaryear",
    "casefiles_caseevent", "casefiles_casefile", "casefiles_casefilegroupobjectpermission",
    "casefiles_casefileuserobjectpermission", "casefiles_casegrant", "casefiles_casenumbercounter",
    "casefiles_casetally", "casefiles_clockpause", "casefiles_department", "casefiles_departmentrole",
    "casefiles_enterprise", "casefiles_license", "casefiles_licenseevent", "casefiles_licenseshare",
    "casefiles_licensetype", "casefiles_licenseuse", "casefiles_material", "casefiles_notice",
    "casefiles_person", "casefiles_signingkey",
}
HEAD_BEFORE_THE_MOVE = ("casefiles", "0017_non_acceptance_pending")
# The tables added since, each by a migration of its own.
TABLES_ADDED = {
    "casefiles_verification", "casefiles_verificationevent",  # 0018_real_name_levels
    "casefiles_message",  # 0019_messages: the message centre (站内消息)
    "casefiles_membership", "casefiles_invitation", "casefiles_joinrequest",  # 0020_enterprise_members
    "casefiles_roster", "casefiles_memberevent",
    "casefiles_postapprovalcheck",  # 0022_post_approval_checks_and_revocation_notices: 告知承诺's 核查
    "casefiles_assignment", "casefiles_caselight", "casefiles_lightchange",  # 0023_supervision: 电子监察
    "casefiles_order", "casefiles_card", "casefiles_digest",
    "casefiles_evaluation", "casefiles_rectification", "casefiles_exclusion",  # 0025_evaluations: 好差评
    "casefiles_reminder", "casefiles_windowvisit",
    "casefiles_qualification", "casefiles_qualificationheld", "casefiles_declaration",  # 0026_policies: 惠企政策
    "casefiles_subscription", "casefiles_policypush", "casefiles_policydigest", "casefiles_benefit",
    "casefiles_dailypass",
    "casefiles_favourite",  # 0027_favourites: 收藏
}


def test_every_model_keeps_its_table(db):
    tables = {model._meta.db_table for model in apps.get_app_config("casefiles").get_models()}
    assert tables == TABLES_AT_0017 | TABLES_ADDED
    assert TABLES_AT_0017 <= set(connection.introspection.table_names())


def test_the_models_need_no_migration(db):
    call_command("makemigrations", "casefiles", "--check", "--dry-run", verbosity=0)  # SystemExit(1) if they did


# Serialized, as every transactional test here: the next test finds the rows the migrations made.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_from_before_the_move_migrates_forward_keeping_its_rows():
    executor = MigrationExecutor(connection)
    executor.migrate([("casefiles", "0016_notices_rendered_after_commit")])
    old = executor.loader.project_state(("casefiles", "0016_notices_rendered_after_commit")).apps
    department = old.get_model("casefiles", "Department").objects.create(code="zh-test", name="迁移测试局", region_code="440400")
    members = old.get_model("auth", "Group").objects.create(name="迁移测试有限公司 members")
    old.get_model("casefiles", "Enterprise").objects.create(
        uscc=demo_uscc("91440400MA4UM8K21"), name="迁移测试有限公司", members_group=members,
    )

    executor = MigrationExecutor(connection)
    executor.migrate([HEAD_BEFORE_THE_MOVE])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # and on through the migrations that came after it
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # and on, through what came after the move
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []  # at the head: nothing left to run

    assert Department.objects.get(pk=department.pk).name == "迁移测试局"
    assert Enterprise.objects.get(uscc=demo_uscc("91440400MA4UM8K21")).name == "迁移测试有限公司"


# Serialized like the test above: the rows it makes are gone afterwards.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_0021_encrypts_the_identity_and_mobile_numbers_already_there_and_undoes_it():
    import datetime

    from cms.models import ServiceItemPage
    from cms.sitetree import ensure_department_page
    from casefiles.cases.models import CaseFile
    from casefiles.demo.directory import demo_resident_id
    from casefiles.directory import lookup
    from casefiles.licenses.models import License
    from casefiles.members.models import Invitation
    from casefiles.notices.models import Notice

    before, after = ("casefiles", "0020_enterprise_members"), ("casefiles", "0021_personal_data_encrypted")
    number, mobile, uscc = demo_resident_id("44040219900101123"), "13800138000", demo_uscc("91440400MA4UM8K21")
    department = Department.objects.create(code="zh-pii", name="加密测试局", region_code="440400", uscc="11440400MB2C92390J")
    item = ensure_department_page(department).add_child(instance=ServiceItemPage(
        title="加密测试事项", slug="pii", item_code="11440400MB2C92390J4440111009000", statutory_days=20, promised_days=10))

    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state(before).apps
    group = old.get_model("auth", "Group").objects.create(name="enterprise:pii-test")
    enterprise = old.get_model("casefiles", "Enterprise").objects.create(
        uscc=uscc, name="加密测试有限公司", legal_representative="某人", region_code="440400", members_group=group)
    people = [old.get_model("casefiles", "Person").objects.create(name=f"张伟{n}", id_number=demo_resident_id(body),
                                                                  phone=f"1380013800{n}")
              for n, body in enumerate(["44040219900101123", "44040219880808123", "44040219850505123"])]
    person = people[0]
    case = old.get_model("casefiles", "CaseFile").objects.create(
        number="44040020260101000001", item_id=item.pk, item_code=item.item_code, item_title=item.title,
        department_id=department.pk, person_id=person.pk, applicant_name="张伟0", applicant_code=number,
        contact_phone=mobile, status="submitted")
    business = old.get_model("casefiles", "CaseFile").objects.create(
        number="44040020260101000002", item_id=item.pk, item_code=item.item_code, item_title=item.title,
        department_id=department.pk, enterprise_id=enterprise.pk, applicant_name="加密测试有限公司", applicant_code=uscc,
        status="submitted")
    old.get_model("casefiles", "Notice").objects.create(case_id=case.pk, kind="acceptance", number="受字〔2026〕第1号",
                                                        sha256="0" * 64, content={"applicant_code": number, "item": "加密测试事项"})
    kind = old.get_model("casefiles", "LicenseType").objects.create(code="11100000000013338W025", name="食品经营许可证")
    key = old.get_model("casefiles", "SigningKey").objects.create(key_id="pii-test", department_id=department.pk,
                                                                  public_key="x", private_key="x")
    old.get_model("casefiles", "License").objects.create(
        identifier="1.2.156.3005.2.11100000000013338W025.11440400MB2C92390J.20260000001.001.X", number="JY1",
        license_type_id=kind.pk, holder_name="张伟0", holder_code=number, holder_code_type="111", person_id=person.pk,
        issuer_id=department.pk, issuer_name="加密测试局", issuer_code="11440400MB2C92390J",
        issue_date=datetime.date(2026, 1, 1), valid_from=datetime.date(2026, 1, 1), signing_key_id=key.pk, signature="x")
    old.get_model("casefiles", "Invitation").objects.create(
        enterprise_id=enterprise.pk, mobile=mobile, token_hash="1" * 64,
        expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc))

    def stored():
        with connection.cursor() as cursor:
            found = []
            for table, columns in (("casefiles_person", "id_number, phone"),
                                   ("casefiles_casefile", "applicant_code, contact_phone"),
                                   ("casefiles_notice", "content"), ("casefiles_license", "holder_code"),
                                   ("casefiles_invitation", "mobile")):
                cursor.execute(f"SELECT {columns} FROM {table}")
                found += [str(value) for row in cursor.fetchall() for value in row]
            return " ".join(found)

    assert number in stored() and mobile in stored()
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([after])
    raw = stored()
    assert number not in raw and mobile not in raw and uscc not in raw and "1380013800" not in raw
    new = executor.loader.project_state(after).apps
    assert new.get_model("casefiles", "Person").objects.get(pk=person.pk).id_number == number

    executor = MigrationExecutor(connection)
    executor.migrate([before])  # undone: the numbers in clear again, in their own columns
    assert number in stored() and mobile in stored()
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert number not in stored()
    assert lookup.person_with_id_number(number).pk == person.pk
    assert lookup.person_with_mobile(f"+86 {people[2].phone}").pk == people[2].pk
    assert CaseFile.objects.get(pk=case.pk).contact_phone == mobile
    assert CaseFile.objects.get(pk=business.pk).applicant_code == uscc
    assert Notice.objects.get(case_id=case.pk).content == {"applicant_code": number, "item": "加密测试事项"}
    assert License.objects.get(person_id=person.pk).holder_code == number
    assert Invitation.objects.get(enterprise_id=enterprise.pk).mobile == mobile
    # The tallies' triggers were made again on the remade table: a new case still counts.
    from casefiles.cases.models import CaseTally

    counted = CaseTally.objects.filter(department_id=department.pk).count()
    CaseFile.objects.filter(pk=case.pk).update(status="accepted")
    assert CaseTally.objects.filter(department_id=department.pk).count() == counted + 2
