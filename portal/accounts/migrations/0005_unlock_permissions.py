from django.db import migrations

from portal.accounts.roles import sync_role_permissions


class Migration(migrations.Migration):
    """City admins may see and clear failed sign-in records (django-axes) to unlock."""

    dependencies = [("accounts", "0004_organisation_hsds"), ("axes", "0010_accessattemptexpiration")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
