"""The stamp of the directory's state, for the in-memory search index of each process
(services/search_index.py): a trigger gives it a new random value whenever a statement
changes services_servicefacts or services_closure. Random rather than counted, so that
no later state takes the stamp of an earlier one, not even after a backup is restored."""

from django.db import migrations, models

FORWARD = """
INSERT INTO services_searchindexversion (id, value) VALUES (1, gen_random_uuid());
CREATE FUNCTION services_search_index_restamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO services_searchindexversion (id, value) VALUES (1, gen_random_uuid())
        ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value;
    RETURN NULL;
END
$$;
CREATE TRIGGER services_servicefacts_restamp
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON services_servicefacts
    FOR EACH STATEMENT EXECUTE FUNCTION services_search_index_restamp();
CREATE TRIGGER services_closure_restamp
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON services_closure
    FOR EACH STATEMENT EXECUTE FUNCTION services_search_index_restamp();
"""

BACKWARD = """
DROP TRIGGER services_closure_restamp ON services_closure;
DROP TRIGGER services_servicefacts_restamp ON services_servicefacts;
DROP FUNCTION services_search_index_restamp();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0005_service_facts"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchIndexVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.UUIDField()),
            ],
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
