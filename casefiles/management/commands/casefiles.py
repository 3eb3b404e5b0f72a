from django.core.management.base import BaseCommand, CommandError
from django_tasks.base import TaskResultStatus

from casefiles.agents import authorisations as agents
from casefiles.cases import tallies
from casefiles.evaluations import reminders
from casefiles.handling import workflow
from casefiles.licenses import lifecycle
from casefiles.notices import documents
from casefiles.supervision import alerts


class Command(BaseCommand):
    help = ("casefiles tick: the periodic duties (run every few minutes from cron or a systemd timer). "
            "casefiles tally [--repair]: compare the case tallies with a count of the cases (and set them from it).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["tick", "tally"])
        parser.add_argument("--repair", action="store_true", help="tally: set the tallies from a count of the cases")

    def handle(self, *args, action, repair=False, **options):
        if action == "tally":
            return self.tally(repair)
        accepted = workflow.apply_deemed_acceptance()
        for number in accepted:
            self.stdout.write(f"{number}: accepted by operation of law (Art. 32)")
        expired = lifecycle.expire_due()
        rescheduled = workflow.reschedule_stopped_clocks()
        authorisations = agents.expire_due()
        folded = tallies.fold()
        rendered = documents.render_pending()
        reminded = reminders.send_due()
        self.stdout.write(
            f"{len(accepted)} case(s) deemed accepted, {expired} license(s) expired, "
            f"{rescheduled} stopped clock(s) carried forward, {authorisations} agent authorisation(s) expired, "
            f"{folded} tally row(s) folded, {rendered} notice PDF(s) rendered, {reminded} review reminder(s) sent"
        )
        self.supervise()

    def supervise(self):
        """电子监察: the pass runs in a worker (in this process with the embedded backend, or while
        the broker is away); one not taken is caught up by the next tick."""
        result = alerts.enqueue()
        if result is None:
            self.stdout.write("supervision pass not enqueued (see the log): the next tick catches up")
        elif result.status == TaskResultStatus.SUCCESSFUL:
            done = result.return_value
            self.stdout.write(
                f"supervision: {done['changes']} change(s) of light, {done['alerts']} alert(s) sent, "
                f"{done['cards']} card(s) made, {done['escalated']} order(s) escalated, {done['digests']} digest(s) sent"
            )
        elif result.status == TaskResultStatus.FAILED:
            self.stderr.write("supervision pass failed (see the log): the next tick catches up")
        else:
            self.stdout.write(f"supervision pass queued for the worker ({result.id})")

    def tally(self, repair):
        drift = tallies.check()
        for (department, status), (tallied, counted) in sorted(drift.items()):
            self.stdout.write(f"department {department} · {status}: tally {tallied}, cases {counted}")
        if repair:
            pairs = tallies.rebuild()
            self.stdout.write(f"tallies set from the cases: {pairs} (department, status) pair(s)")
        elif drift:
            raise CommandError(f"{len(drift)} tally(ies) differ from the cases: run with --repair")
        else:
            self.stdout.write("the tallies agree with the cases")
