"""What bundles (一件事) add to the case workflow: a bundle's status follows its parts, in the
transaction of the part's step; the parts wait for the licenses their siblings issue (证照联办)."""

from casefiles.bundles import applications, joint
from casefiles.handling import workflow
from casefiles.materials import requirements


def parent_follows(ctx, event):
    if ctx.case.parent_id:
        applications.follow(ctx.case, ctx.user, event)


workflow.on_recorded(parent_follows)


# 证照联办: a part waiting for a sibling's license is not missing that material, is approved only
# once the license exists, and uses it as soon as the sibling's approval issued it.
requirements.also_satisfied(joint.awaited_requirement_ids)
workflow.register_guard("awaited_licenses_issued", joint.awaited_licenses_issued)
workflow.on_recorded(joint.use_issued)  # after the approval's effects: its license is issued by then
