from django.core.management.base import BaseCommand

from lumytic.accounts.roles import ROLES, sync_roles


class Command(BaseCommand):
    help = "Create the staff role groups and give each exactly the permissions of its role."

    def handle(self, *args, **options):
        changes = sync_roles()
        for change in changes:
            self.stdout.write(f"Updated {change}")
        self.stdout.write(self.style.SUCCESS(f"{len(ROLES)} roles in sync."))
