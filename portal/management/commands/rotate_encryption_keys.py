from django.core.management.base import BaseCommand

from portal.encryption import reencrypt_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the newest key of FIELD_ENCRYPTION_KEYS. "
        "Put the new key first, keep the old ones after it, run this, then drop the old keys."
    )

    def handle(self, *args: object, **options: object) -> None:
        total = reencrypt_all()
        self.stdout.write(f"Re-encrypted {total} value(s) with the newest key.")
