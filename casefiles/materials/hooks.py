"""What materials add to the case workflow: the conditions on a case's materials (named guards
of the table) and, on a correction notice, the rejection of the materials it lists."""

from casefiles.handling import workflow
from casefiles.materials import requirements

for guard in (requirements.has_required_materials, requirements.has_every_material_in_hand,
              requirements.tolerant_acceptance_possible, requirements.deferred_materials_supplied):
    workflow.register_guard(guard.__name__, guard)
workflow.on_step("request_correction", requirements.reject_listed)
