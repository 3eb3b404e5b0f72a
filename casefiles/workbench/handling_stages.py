"""The case page's "Handling stages" panel: each stage's handler (承办人) and clock, the forms to
assign, claim or transfer it that the user may use, and the history of its handlers. The rules
are ``casefiles.supervision.handlers``'; this only lays them out."""

from django.urls import reverse

from casefiles.supervision import clocks, handlers
from casefiles.supervision.models import Stage
from casefiles.workbench.forms import HandlerForm


def form_for(case, stage, action, data=None) -> HandlerForm:
    return HandlerForm(data, candidates=handlers.candidates(case, stage), reason_required=action == "transfer",
                       prefix=f"{stage}-{action}")


def stages_context(user, case, forms=None, today=None) -> dict:
    """``forms``: {(stage, action): a bound form to show again with its errors}."""
    forms = forms or {}
    held = handlers.current(case)
    offers = handlers.offers(user, case, held)
    open_stages = handlers.stages_open(case)
    current_stage = None if case.is_bundle else clocks.stage_of(case.status)
    stages = []
    for clock in clocks.stage_clocks(case, today=today):
        stage = Stage(clock.stage)
        may = offers.get(stage, set())
        entry = {
            "stage": stage, "label": stage.label, "clock": clock, "handler": held.get(stage),
            "is_current": stage == current_stage, "open": stage in open_stages, "may": may,
            "forms": {},
        }
        for action in ("assign", "transfer"):
            if action in may:
                entry["forms"][action] = forms.get((stage.value, action)) or form_for(case, stage, action)
        entry["urls"] = {action: reverse("casefiles_workbench:handler_action", args=[case.number, stage.value, action])
                         for action in may}
        stages.append(entry)
    return {"handling_stages": stages, "handler_history": list(handlers.history(case))}
