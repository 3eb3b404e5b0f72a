"""The registry of kinds: a domain plugs a kind in with a provider and ``register``."""

from search import documents as registry
from search import trimming


def test_a_later_issue_registers_a_kind_without_touching_the_backends(backend, ask, make_user):
    """The plug-in path for case files, materials and licenses: a provider and register()."""
    from casefiles.demo.directory import demo_uscc
    from casefiles.directory.models import Enterprise

    class EnterpriseProvider(registry.Provider):
        model = Enterprise

        def document(self, enterprise):
            return registry.SearchDocument(
                kind=self.kind, object_id=enterprise.pk, title=enterprise.name, code=enterprise.uscc,
                access=[trimming.group_principal(enterprise.members_group_id), *self.oversight()],
            )

    registry.register("enterprise", EnterpriseProvider())
    try:
        enterprise = Enterprise.objects.create(uscc=demo_uscc("91440400MA4WB3K1X"), name="珠海格创智能科技有限公司",
                                               legal_representative="陈思远", region_code="440400")
        backend.write(registry.provider("enterprise").documents())
        member = make_user("member")
        enterprise.add_member(member)
        assert [hit.key for hit in ask(backend, "格创", trimming.principals_for(member)).hits] == [f"enterprise:{enterprise.pk}"]
        assert ask(backend, "格创", trimming.principals_for(make_user("stranger"))).hits == []
    finally:
        registry.unregister("enterprise")
