import pytest

from casefiles.demo.directory import demo_resident_id, demo_uscc
from casefiles.directory.models import Person

NEW_USCC = demo_uscc("91440400MA5NEWC01")  # an enterprise nobody registered yet


@pytest.fixture(autouse=True)
def outbox():
    from casefiles.accounts import sms

    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def registered(world):
    """``world`` plus an enterprise its administrator registered online, and people with mobiles."""
    from casefiles.members import enterprises

    w = world
    w.boss = w_user(w, "boss", "林晓燕", "44040219800101123", "13800138001")
    w.clerk_person = w_user(w, "wu", "吴嘉欣", "44040219920505246", "13800138002")
    w.outsider = w_user(w, "outsider", "何志强", "44040219880808351", "13800138003")
    w.new = enterprises.register(w.boss, NEW_USCC, "珠海新海湾科技有限公司", "林晓燕").enterprise
    return w


def w_user(world, username, name, id_body, mobile):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username, password="pw-for-tests-only", first_name=name)
    Person.objects.create(name=name, id_number=demo_resident_id(id_body), phone=mobile, user=user)
    return user


@pytest.fixture(autouse=True)
def in_english():
    """The refusals' words, read in the source language."""
    from django.utils import translation

    with translation.override("en"):
        yield
