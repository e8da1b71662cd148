import uuid

from django.db import migrations, models


def give_each_an_id(apps, schema_editor):  # type: ignore[no-untyped-def]
    organisation_model = apps.get_model("accounts", "Organisation")
    for organisation in organisation_model.objects.filter(hsds_id__isnull=True):
        organisation.hsds_id = uuid.uuid4()
        organisation.save(update_fields=["hsds_id"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_apitoken")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="hsds_id",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(give_each_an_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organisation",
            name="hsds_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="HSDS identifier"
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="description",
            field=models.TextField(blank=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="public email address"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="website",
            field=models.URLField(blank=True, verbose_name="website"),
        ),
    ]
