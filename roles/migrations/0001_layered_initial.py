"""The roles app's schema in the layered layout (README: Architecture), in one step.

It replaces the app's migrations up to the layered layout: a database that applied
those has this one marked as applied and is not touched by it (models that moved to
another app keep their tables; see the moved_content_types migrations). A new
database gets the whole schema here."""

import django.db.models.deletion
import django.db.models.functions.text
import kitos.tenancy
import roles.models
import uuid
from django.conf import settings
from django.db import migrations, models

from kitos.db import same_organisation_fk


def reference_data(apps, schema_editor):
    from roles.reference import ensure_disciplines_and_role_types

    ensure_disciplines_and_role_types(apps)


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('roles', '0001_initial'),
        ('roles', '0002_same_organisation_fks'),
        ('roles', '0003_reference_data'),
        ('roles', '0004_person_calendar_token'),
    ]

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('kitos', '0001_layered_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Discipline',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('code', models.SlugField(max_length=60, verbose_name='kode')),
                ('name', models.CharField(max_length=200, verbose_name='navn')),
                ('description', models.TextField(blank=True, verbose_name='beskrivelse')),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='disciplines', to='kitos.organisation', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'fagområde',
                'verbose_name_plural': 'fagområder',
                'ordering': ['name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='OrganisationUnit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('name', models.CharField(max_length=200, verbose_name='navn')),
                ('local_code', models.CharField(blank=True, max_length=50, verbose_name='lokal kode')),
                ('ean', models.CharField(blank=True, max_length=13, verbose_name='EAN-nummer')),
                ('external_reference', models.CharField(blank=True, max_length=100, verbose_name='ekstern reference')),
                ('path', models.CharField(db_index=True, default='', editable=False, max_length=500)),
                ('depth', models.PositiveSmallIntegerField(default=0, editable=False)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='roles.organisationunit', verbose_name='overordnet enhed')),
            ],
            options={
                'verbose_name': 'organisationsenhed',
                'verbose_name_plural': 'organisationsenheder',
                'ordering': ['organisation', 'path'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='Person',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('name', models.CharField(max_length=200, verbose_name='navn')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                ('phone', models.CharField(blank=True, max_length=40, verbose_name='telefon')),
                ('title', models.CharField(blank=True, max_length=200, verbose_name='stilling')),
                ('left_on', models.DateField(blank=True, null=True, verbose_name='fratrådt')),
                ('external_reference', models.CharField(blank=True, max_length=100, verbose_name='ekstern reference')),
                ('calendar_token', models.CharField(default=roles.models.new_calendar_token, editable=False, max_length=64, unique=True, verbose_name='kalendernøgle')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation')),
                ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='persons', to='roles.organisationunit', verbose_name='enhed')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='persons', to=settings.AUTH_USER_MODEL, verbose_name='login')),
            ],
            options={
                'verbose_name': 'person',
                'verbose_name_plural': 'personer',
                'ordering': ['name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='Competency',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('level', models.CharField(choices=[('understanding', 'Forståelse'), ('skill', 'Færdighed'), ('teacher', 'Underviser')], max_length=20, verbose_name='niveau')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='bemærkning')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation')),
                ('discipline', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='competencies', to='roles.discipline', verbose_name='fagområde')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='competencies', to='roles.person', verbose_name='person')),
            ],
            options={
                'verbose_name': 'kompetence',
                'verbose_name_plural': 'kompetencer',
                'ordering': ['person__name', 'discipline__name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='RoleType',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('code', models.SlugField(max_length=60, verbose_name='kode')),
                ('name', models.CharField(max_length=200, verbose_name='navn')),
                ('description', models.TextField(blank=True, verbose_name='beskrivelse')),
                ('applies_to', models.CharField(choices=[('system_usage', 'Systemanvendelse'), ('contract', 'Kontrakt'), ('processing_activity', 'Behandlingsaktivitet'), ('data_processing_agreement', 'Databehandleraftale'), ('organisation_unit', 'Organisationsenhed'), ('organisation', 'Organisation')], max_length=40, verbose_name='gælder for')),
                ('is_specialist', models.BooleanField(default=False, verbose_name='specialistrolle')),
                ('is_required', models.BooleanField(default=False, help_text='Objekter af denne type bør altid have rollen besat.', verbose_name='påkrævet')),
                ('sort_order', models.PositiveSmallIntegerField(default=100, verbose_name='sortering')),
                ('discipline', models.ForeignKey(blank=True, help_text='Det fagområde rollen kræver kompetencer i.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='role_types', to='roles.discipline', verbose_name='fagområde')),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='role_types', to='kitos.organisation', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'rolle',
                'verbose_name_plural': 'roller',
                'ordering': ['applies_to', 'sort_order', 'name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='RoleAssignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('object_id', models.PositiveBigIntegerField(verbose_name='objekt-id')),
                ('start_date', models.DateField(blank=True, null=True, verbose_name='fra')),
                ('end_date', models.DateField(blank=True, null=True, verbose_name='til')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='bemærkning')),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype', verbose_name='objekttype')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='role_assignments', to='roles.person', verbose_name='person')),
                ('role_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assignments', to='roles.roletype', verbose_name='rolle')),
            ],
            options={
                'verbose_name': 'rolletildeling',
                'verbose_name_plural': 'rolletildelinger',
                'ordering': ['role_type__sort_order', 'person__name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.AddConstraint(
            model_name='discipline',
            constraint=models.UniqueConstraint(fields=('organisation', 'code'), name='discipline_unique_code'),
        ),
        migrations.AddConstraint(
            model_name='discipline',
            constraint=models.UniqueConstraint(condition=models.Q(('organisation__isnull', True)), fields=('code',), name='discipline_unique_standard_code'),
        ),
        migrations.AddConstraint(
            model_name='organisationunit',
            constraint=models.UniqueConstraint(fields=('organisation', 'parent', 'name'), name='unit_unique_name_per_parent'),
        ),
        migrations.AddConstraint(
            model_name='organisationunit',
            constraint=models.UniqueConstraint(condition=models.Q(('parent__isnull', True)), fields=('organisation', 'name'), name='unit_unique_name_at_top'),
        ),
        migrations.AddConstraint(
            model_name='organisationunit',
            constraint=models.UniqueConstraint(condition=models.Q(('local_code', ''), _negated=True), fields=('organisation', 'local_code'), name='unit_unique_code_per_org'),
        ),
        migrations.AddConstraint(
            model_name='organisationunit',
            constraint=models.CheckConstraint(condition=models.Q(('ean', ''), ('ean__regex', '^[0-9]{13}$'), _connector='OR'), name='unit_ean_13_digits'),
        ),
        migrations.AddConstraint(
            model_name='organisationunit',
            constraint=models.CheckConstraint(condition=models.Q(('parent', models.F('pk')), _negated=True), name='unit_not_own_parent'),
        ),
        migrations.AddConstraint(
            model_name='organisationunit',
            constraint=models.UniqueConstraint(fields=('id', 'organisation'), name='unit_id_org_unique'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('email'), models.F('organisation'), condition=models.Q(('email', ''), _negated=True), name='person_unique_email_per_org'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', False)), fields=('user', 'organisation'), name='person_unique_user_per_org'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.UniqueConstraint(fields=('id', 'organisation'), name='person_id_org_unique'),
        ),
        migrations.AddConstraint(
            model_name='competency',
            constraint=models.UniqueConstraint(fields=('person', 'discipline'), name='competency_unique_person_discipline'),
        ),
        migrations.AddConstraint(
            model_name='competency',
            constraint=models.CheckConstraint(condition=models.Q(('level__in', ['understanding', 'skill', 'teacher'])), name='competency_level_valid'),
        ),
        migrations.AddConstraint(
            model_name='roletype',
            constraint=models.UniqueConstraint(fields=('organisation', 'applies_to', 'code'), name='roletype_unique_code'),
        ),
        migrations.AddConstraint(
            model_name='roletype',
            constraint=models.UniqueConstraint(condition=models.Q(('organisation__isnull', True)), fields=('applies_to', 'code'), name='roletype_unique_standard_code'),
        ),
        migrations.AddConstraint(
            model_name='roletype',
            constraint=models.CheckConstraint(condition=models.Q(('applies_to__in', ['system_usage', 'contract', 'processing_activity', 'data_processing_agreement', 'organisation_unit', 'organisation'])), name='roletype_applies_to_valid'),
        ),
        migrations.AddIndex(
            model_name='roleassignment',
            index=models.Index(fields=['content_type', 'object_id'], name='roleassign_target_idx'),
        ),
        migrations.AddConstraint(
            model_name='roleassignment',
            constraint=models.CheckConstraint(condition=models.Q(('end_date__isnull', True), ('start_date__isnull', True), ('end_date__gte', models.F('start_date')), _connector='OR'), name='roleassignment_end_after_start'),
        ),
        migrations.AddConstraint(
            model_name='roleassignment',
            constraint=models.UniqueConstraint(condition=models.Q(('end_date__isnull', True)), fields=('person', 'role_type', 'content_type', 'object_id'), name='roleassignment_unique_open'),
        ),
        # PostgreSQL: linked rows belong to the same organisation (kitos/db.py).
        same_organisation_fk(
            name="unit_parent_same_org",
            table="roles_organisationunit",
            column="parent_id",
            ref_table="roles_organisationunit",
        ),
        same_organisation_fk(
            name="person_unit_same_org",
            table="roles_person",
            column="unit_id",
            ref_table="roles_organisationunit",
        ),
        same_organisation_fk(
            name="roleassignment_person_same_org",
            table="roles_roleassignment",
            column="person_id",
            ref_table="roles_person",
        ),
        same_organisation_fk(
            name="competency_person_same_org",
            table="roles_competency",
            column="person_id",
            ref_table="roles_person",
        ),
        migrations.RunPython(reference_data, migrations.RunPython.noop),
    ]
