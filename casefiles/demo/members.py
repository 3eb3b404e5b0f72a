"""The demo's enterprise members (casefiles.members): 珠海海湾餐饮管理有限公司 has an administrator
(``enterprise2``) and a handler (``enterprise2-handler``, 吴嘉欣, who also handles for
珠海格创智能科技有限公司 and so chooses whom she acts for); the persons of ``citizen1`` and
``citizen2`` have mobile numbers, to be invited by — each proven, as a registration proves it
(``casefiles.demo.registration``). Documented in docs/demo.md."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from casefiles.demo.directory import DEMO_PASSWORD, ENTERPRISES, PERSONS, demo_resident_id, demo_uscc
from casefiles.demo.registration import prove_demo_mobiles
from casefiles.directory import lookup, protected
from casefiles.directory.models import Enterprise, Person
from casefiles.members import enterprises
from casefiles.members.models import Role

HAIWAN = demo_uscc(ENTERPRISES[1][0][:17])  # 珠海海湾餐饮管理有限公司
GECHUANG = demo_uscc(ENTERPRISES[0][0][:17])  # 珠海格创智能科技有限公司

HANDLER = ("enterprise2-handler", "吴嘉欣", "44040219920505246", "13800138002")
MOBILES = {"citizen1": "13800138011", "citizen2": "13800138012"}


@transaction.atomic
def load_members() -> dict[str, object]:
    User = get_user_model()
    haiwan, gechuang = Enterprise.objects.get(uscc=HAIWAN), Enterprise.objects.get(uscc=GECHUANG)
    administrator = User.objects.get(username="enterprise2")
    username, name, id_body, mobile = HANDLER
    handler, created = User.objects.get_or_create(username=username, defaults={"first_name": name})
    if created:
        handler.password = make_password(DEMO_PASSWORD)
        handler.save(update_fields=["password"])
    number = demo_resident_id(id_body)
    Person.objects.update_or_create(id_number_hash__in=protected.digests(number),
                                    defaults={"id_number": number, "name": name, "phone": mobile, "user": handler})
    for body, _name, person_username in PERSONS:
        if person_username in MOBILES:
            person = lookup.person_with_id_number(demo_resident_id(body))
            if person is not None:  # saved, not updated: the phone's digest goes with it
                person.phone = MOBILES[person_username]
                person.save(update_fields=["phone"])
    prove_demo_mobiles()  # a mobile number on an account counts only once proven (allauth's phone verification)
    enterprises.appoint(haiwan, administrator, Role.ADMINISTRATOR)
    enterprises.appoint(haiwan, handler, Role.HANDLER)
    enterprises.appoint(gechuang, handler, Role.HANDLER)
    return {"administrator": administrator, "handler": handler}
