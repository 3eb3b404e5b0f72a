"""好差评 on the supervision pass: the rectifications' lights and their alerts
(``rectifications.sweep_lights``), registered on ``supervision.alerts`` (which imports nothing
of the evaluations). Imported by ``CasefilesConfig.ready``."""

from casefiles.evaluations import rectifications
from casefiles.supervision import alerts

alerts.also_run("rectifications", rectifications.sweep_lights)
