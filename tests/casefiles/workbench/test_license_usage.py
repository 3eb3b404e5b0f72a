"""The 用证率 report's districts named by their departments, in Chinese."""

from types import SimpleNamespace

from django.utils import translation

from casefiles.directory.models import Department
from casefiles.workbench.licenses import _district_names


def test_a_city_departments_region_is_the_city_at_city_level(department):
    with translation.override("zh-hans"):
        assert _district_names([SimpleNamespace(key="440400")]) == {"440400": "珠海市（市级）"}


def test_a_district_departments_region_is_the_district(db):
    Department.objects.create(code="XZSJ", name="珠海市香洲区市场监督管理局", region_code="440402",
                              level=Department.Level.DISTRICT)
    assert _district_names([SimpleNamespace(key="440402")]) == {"440402": "珠海市香洲区"}
