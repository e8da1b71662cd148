from django.db import migrations

from portal.accounts.roles import sync_role_permissions


class Migration(migrations.Migration):
    """City admins assign translators and reviewers to languages."""

    dependencies = [("i18n", "0001_initial"), ("accounts", "0005_unlock_permissions")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
