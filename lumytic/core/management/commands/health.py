"""`manage.py health`: report broker, queues, the outbox and beat; exit 1 when unhealthy."""

import json

from django.core.management.base import BaseCommand, CommandError

from lumytic.core.health import ROLES, run_checks


class Command(BaseCommand):
    help = (
        "Check the database, the broker (and the messages waiting in each task queue), the "
        "oldest unsent email and beat's last run. Exits with status 1 when something is wrong, "
        "for a supervisor or health timer (deploy/systemd)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--role",
            choices=ROLES,
            help="only what this process needs: web (database, broker), worker (+ oldest "
            "unsent email), beat (+ last beat run). Default: everything.",
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, role=None, **options):
        report = run_checks(role)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            state = "healthy" if report.healthy else "UNHEALTHY"
            self.stdout.write(f"{state}" + (f" (role {role})" if role else ""))
            for check in report.checks:
                self.stdout.write(
                    f"  {'ok  ' if check.ok else 'FAIL'}  {check.name}: {check.detail}"
                )
        if not report.healthy:
            failed = ", ".join(check.name for check in report.checks if not check.ok)
            raise CommandError(f"unhealthy: {failed}", returncode=1)
