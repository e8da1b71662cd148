from django.db import migrations

from portal.accounts.roles import sync_role_permissions


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial"), ("accounts", "0003_apitoken")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
