import pytest


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached pages outlive a test's rolled-back transaction: every test starts without them."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def department(db):
    from casefiles.models import Department

    return Department.objects.create(code="SCJGJ", name="珠海市市场监督管理局", region_code="440400")


@pytest.fixture
def make_user(db, django_user_model):
    def make(username="someone", **fields):
        return django_user_model.objects.create_user(username=username, password="pw-for-tests-only", **fields)

    return make
