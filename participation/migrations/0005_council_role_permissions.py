from django.db import migrations

from portal.accounts.roles import sync_role_permissions


class Migration(migrations.Migration):
    dependencies = [("participation", "0004_council"), ("accounts", "0005_unlock_permissions")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
