from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class CasefilesConfig(AppConfig):
    name = "casefiles"
    verbose_name = _("Case files")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # late: they import models, not loaded when Django imports this module (AppConfig.ready).
        # Imported for what they register: signal receivers, and the components' hooks on the
        # case workflow (which imports none of them: docs/architecture.md).
        from casefiles import signals  # noqa: F401
        from casefiles.agents import hooks as agent_hooks  # noqa: F401
        from casefiles.bundles import hooks as bundle_hooks  # noqa: F401
        from casefiles.access import indexing as case_indexing
        from casefiles.forms import hooks as form_hooks  # noqa: F401  (and the license's contents)
        from casefiles.handling import workflow
        from casefiles.directory import search_hooks
        from casefiles.journal import records
        from casefiles.licenses import hooks as license_hooks  # noqa: F401  (and the license journal)
        from casefiles.licenses import indexing as license_indexing
        from casefiles.materials import hooks as material_hooks  # noqa: F401
        from casefiles.materials import indexing as material_indexing
        from casefiles.members import enterprises as member_journal  # noqa: F401  (the members journal)
        from casefiles.notices import hooks as notice_hooks  # noqa: F401
        from casefiles.notifications import hooks as notification_hooks  # noqa: F401
        from casefiles.realname import hooks as realname_hooks  # noqa: F401  (and the real-name journal)
        # After the notifications': a submission's message comes before those of the steps 秒批 takes.
        from casefiles.expedited import hooks as expedited_hooks  # noqa: F401
        from casefiles.evaluations import hooks as evaluation_hooks  # 好差评: notices' 扫码评价, guide figures, statistics, the pass
        from casefiles.policies import hooks as policy_hooks

        # Each component registers its own kind of search document, in this order (case, material, license).
        case_indexing.register_kinds()
        material_indexing.register_kinds()
        license_indexing.register_kinds()
        search_hooks.register()
        evaluation_hooks.register_guide_page()  # 好差评 on the guide pages (cms.models.guide.GUIDE_CONTEXT)
        evaluation_hooks.register_statistics()  # 满意度 and 整改按期率 among supervision's figures
        evaluation_hooks.register_supervision_pass()  # the rectifications' lights and alerts in the pass
        policy_hooks.register_publication()  # 惠企政策: pushes and 免申即享 on publication
        policy_hooks.register_supervision_pass()  # 免申即享's daily pass and the weekly digests
        policy_hooks.register_statistics()  # 免申即享's figures among supervision's
        missing = workflow.missing_hooks() + ([] if records.principals_resolved() else ["the journal's principals"])
        if missing:
            raise ImproperlyConfigured(f"the case workflow's table asks for hooks nobody registered: {', '.join(missing)}")
