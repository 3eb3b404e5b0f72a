from django.core.management.base import BaseCommand

from casefiles import agents, licenses, workflow


class Command(BaseCommand):
    help = "casefiles tick: the periodic duties (run every few minutes from cron or a systemd timer)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["tick"])

    def handle(self, *args, action, **options):
        accepted = workflow.apply_deemed_acceptance()
        for number in accepted:
            self.stdout.write(f"{number}: accepted by operation of law (Art. 32)")
        expired = licenses.expire_due()
        rescheduled = workflow.reschedule_stopped_clocks()
        authorisations = agents.expire_due()
        self.stdout.write(
            f"{len(accepted)} case(s) deemed accepted, {expired} license(s) expired, "
            f"{rescheduled} stopped clock(s) carried forward, {authorisations} agent authorisation(s) expired"
        )
