"""A citizen who registered herself, as anyone may on the portal (casefiles.registration): 陈晓明,
mobile 13800138000, proven by a code — so REGISTERED by mobile — with the demo password. She
signs in by her mobile number and password or by a code texted to it (the console backend prints
it in development). Documented in docs/demo.md.

Every demo person with an account and a mobile number has proven it: allauth's phone
verification would otherwise stop their sign-in with a password at the code page
(``prove_demo_mobiles``). Idempotent, as ``levels.record`` is.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from casefiles.demo.directory import DEMO_PASSWORD, demo_resident_id
from casefiles.directory.models import Person
from casefiles.realname import levels
from casefiles.registration import claims
from casefiles.registration.adapter import sms_evidence

SELF_REGISTERED = ("citizen3", "陈晓明", "44040219930715432", "13800138000")  # user name, name, identity number, mobile


def prove_demo_mobiles() -> None:
    """A standing REGISTERED-by-mobile verification for every person with an account and a mobile."""
    for person in Person.objects.filter(user__isnull=False).exclude(phone=""):
        if not claims.mobile_proven(person):
            levels.record(person, levels.REGISTERED, method=levels.MOBILE, evidence=sms_evidence(person.phone))


@transaction.atomic
def load_self_registered() -> Person:
    username, name, id_body, mobile = SELF_REGISTERED
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"first_name": name})
    if created:
        user.password = make_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    person = Person.objects.filter(user=user).first()
    if person is None:  # as her registration made it: the record, then the proof of the mobile
        person = claims.attach(user, name=name, id_number=demo_resident_id(id_body), mobile=mobile)
    levels.record(person, levels.REGISTERED, method=levels.MOBILE, evidence=sms_evidence(mobile))
    return person
