from django.db import migrations

from portal.accounts.roles import sync_role_permissions


class Migration(migrations.Migration):
    dependencies = [("services", "0003_directory"), ("accounts", "0004_organisation_hsds")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
