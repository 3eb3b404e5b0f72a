"""What search asks of the domains: answers from whatever they registered, empty when nobody did."""

import pytest

from search import hooks


@pytest.fixture
def no_domains(monkeypatch):
    monkeypatch.setattr(hooks, "_oversight", [])
    monkeypatch.setattr(hooks, "_department_labels", [])


def test_hooks_nobody_filled_answer_empty(no_domains):
    assert hooks.oversight() == []
    assert hooks.department_labels(["SCJGJ"]) == {}


def test_every_registered_domain_is_asked_once(no_domains):
    def supervisors():
        return ["group:7"]

    hooks.register_oversight(supervisors)
    hooks.register_oversight(supervisors)
    hooks.register_oversight(lambda: ["group:9", "group:7"])
    assert hooks.oversight() == ["group:7", "group:9"]

    hooks.register_department_labels(lambda codes: {code: f"局 {code}" for code in codes if code == "SCJGJ"})
    hooks.register_department_labels(lambda codes: {"SCJGJ": "another name", "WJJ": "珠海市卫生健康局"})
    assert hooks.department_labels(code for code in ("SCJGJ", "WJJ", "XYZ")) == {
        "SCJGJ": "局 SCJGJ", "WJJ": "珠海市卫生健康局",
    }
