from django.db import migrations

from portal.accounts.roles import sync_role_permissions


class Migration(migrations.Migration):
    """Creates the non-discrimination officer group (it holds no model permission:
    reports are reached through the office's screens only)."""

    dependencies = [("discrimination", "0001_initial"), ("accounts", "0002_role_groups")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
