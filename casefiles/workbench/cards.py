"""红黄牌's page in the admin: the yellow and red cards of each department for a period, with
their counts (one aggregate), and the cards themselves. Supervisors see every department,
department staff their own. The rules are casefiles.supervision.cards'."""

from datetime import datetime, time, timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from casefiles.directory.models import Department
from casefiles.supervision import cards
from casefiles.supervision.models import Card
from casefiles.workbench.orders import _departments, may_see_orders


class CardFilterForm(forms.Form):
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), required=False, queryset=Department.objects.none())
    since = forms.DateField(label=pgettext_lazy("date range", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments(user)


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


@require_GET
def card_list(request):
    user = request.user
    if not may_see_orders(user):
        raise PermissionDenied
    form = CardFilterForm(request.GET or None, user=user)
    departments = list(_departments(user))
    data, status = {}, 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
        else:
            status = 400
    since, until = _start_of(data.get("since")), _start_of(data.get("until") + timedelta(days=1) if data.get("until") else None)
    tally = cards.counts(since, until)
    rows = [{"department": d, **tally.get(d.pk, {"yellow": 0, "red": 0})} for d in departments]
    rows.sort(key=lambda row: (-row["red"], -row["yellow"], row["department"].code))
    shown = cards.visible_cards(user, data.get("department"), since, until)
    return TemplateResponse(request, "casefiles/workbench/cards.html", {
        "header_title": _("Cards (红黄牌)"), "form": form, "counts": rows,
        "cards": [{"card": card, "rule": cards.rule_label(card.rule)}
                  for card in shown[:300]],
        "rules": [{"name": Card.Colour(rule.colour).label, "colour": rule.colour, "description": rule.description}
                  for rule in cards.RULES.values()],
    }, status=status)
