"""Competence targets, the training plan and versioned role guidelines; role types may
be held on integrations, data assets, suppliers, catalog systems and benefits; the
standard role types It drift, Integrationsansvarlig, Dataejer/Dataansvarlig (data
assets), Leverandøransvarlig, Katalogansvarlig and Gevinstejer (roles.reference)."""

import django.db.models.deletion
import django.utils.timezone
import kitos.tenancy
import uuid
from django.db import migrations, models

from kitos.db import same_organisation_fk


def reference_data(apps, schema_editor):
    from roles.reference import ensure_disciplines_and_role_types

    # Idempotent: creates only the disciplines and role types that are missing.
    ensure_disciplines_and_role_types(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('kitos', '0005_saved_view'),
        ('roles', '0005_project_role_target'),
    ]

    operations = [
        migrations.CreateModel(
            name='CompetencyTarget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('level', models.CharField(choices=[('understanding', 'Forståelse'), ('skill', 'Færdighed'), ('teacher', 'Underviser')], max_length=20, verbose_name='målniveau')),
                ('tier', models.CharField(blank=True, choices=[('central_staff', 'Central stab'), ('forvaltning', 'Forvaltning'), ('department', 'Afdeling')], max_length=20, verbose_name='niveau i organisationen')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='bemærkning')),
            ],
            options={
                'verbose_name': 'kompetencemål',
                'verbose_name_plural': 'kompetencemål',
                'ordering': ['discipline__name', 'unit__path', 'role_type__name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='RoleGuideline',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                ('guidelines', models.TextField(verbose_name='retningslinjer')),
                ('goals', models.TextField(blank=True, verbose_name='mål')),
                ('valid_from', models.DateField(default=django.utils.timezone.localdate, verbose_name='gældende fra')),
            ],
            options={
                'verbose_name': 'retningslinjer for rolle',
                'verbose_name_plural': 'retningslinjer for roller',
                'ordering': ['role_type__name', '-version'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='TrainingPlanItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('target_level', models.CharField(choices=[('understanding', 'Forståelse'), ('skill', 'Færdighed'), ('teacher', 'Underviser')], max_length=20, verbose_name='målniveau')),
                ('due_date', models.DateField(blank=True, null=True, verbose_name='senest')),
                ('status', models.CharField(choices=[('planned', 'Planlagt'), ('in_progress', 'I gang'), ('done', 'Gennemført'), ('cancelled', 'Aflyst')], db_index=True, default='planned', max_length=20, verbose_name='status')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='bemærkning')),
            ],
            options={
                'verbose_name': 'uddannelsesplanpunkt',
                'verbose_name_plural': 'uddannelsesplan',
                'ordering': [models.OrderBy(models.F('due_date'), nulls_last=True), 'person__name', 'discipline__name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.RemoveConstraint(
            model_name='roletype',
            name='roletype_applies_to_valid',
        ),
        migrations.AlterField(
            model_name='roletype',
            name='applies_to',
            field=models.CharField(choices=[('system_usage', 'Systemanvendelse'), ('contract', 'Kontrakt'), ('processing_activity', 'Behandlingsaktivitet'), ('data_processing_agreement', 'Databehandleraftale'), ('organisation_unit', 'Organisationsenhed'), ('organisation', 'Organisation'), ('project', 'Projekt'), ('integration', 'Integration'), ('data_asset', 'Dataaktiv'), ('supplier', 'Leverandør'), ('it_system', 'Katalogpost (it-system)'), ('benefit', 'Gevinst')], max_length=40, verbose_name='gælder for'),
        ),
        migrations.AddConstraint(
            model_name='roletype',
            constraint=models.CheckConstraint(condition=models.Q(('applies_to__in', ['system_usage', 'contract', 'processing_activity', 'data_processing_agreement', 'organisation_unit', 'organisation', 'project', 'integration', 'data_asset', 'supplier', 'it_system', 'benefit'])), name='roletype_applies_to_valid', violation_error_message='Rollen skal gælde for en af de mulige typer objekter.'),
        ),
        migrations.AddField(
            model_name='competencytarget',
            name='discipline',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='targets', to='roles.discipline', verbose_name='fagområde'),
        ),
        migrations.AddField(
            model_name='competencytarget',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='competencytarget',
            name='role_type',
            field=models.ForeignKey(blank=True, help_text='Målet gælder de personer, der har rollen i dag.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='competency_targets', to='roles.roletype', verbose_name='rolle'),
        ),
        migrations.AddField(
            model_name='competencytarget',
            name='unit',
            field=models.ForeignKey(blank=True, help_text='Målet gælder enhedens og underliggende enheders personer.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='competency_targets', to='roles.organisationunit', verbose_name='enhed'),
        ),
        migrations.AddField(
            model_name='roleguideline',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='roleguideline',
            name='role_type',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='guidelines', to='roles.roletype', verbose_name='rolle'),
        ),
        migrations.AddField(
            model_name='trainingplanitem',
            name='discipline',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='training_plan_items', to='roles.discipline', verbose_name='fagområde'),
        ),
        migrations.AddField(
            model_name='trainingplanitem',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='trainingplanitem',
            name='person',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='training_plan_items', to='roles.person', verbose_name='person'),
        ),
        migrations.AddConstraint(
            model_name='competencytarget',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('role_type__isnull', True), ('unit__isnull', False)), models.Q(('role_type__isnull', False), ('unit__isnull', True)), _connector='OR'), name='competencytarget_unit_or_role_type', violation_error_message='Et kompetencemål gælder enten en enhed eller en rolle (én af dem).'),
        ),
        migrations.AddConstraint(
            model_name='competencytarget',
            constraint=models.UniqueConstraint(condition=models.Q(('unit__isnull', False)), fields=('organisation', 'discipline', 'unit'), name='competencytarget_unique_unit', violation_error_message='Enheden har allerede et kompetencemål i dette fagområde.'),
        ),
        migrations.AddConstraint(
            model_name='competencytarget',
            constraint=models.UniqueConstraint(condition=models.Q(('role_type__isnull', False)), fields=('organisation', 'discipline', 'role_type'), name='competencytarget_unique_role_type', violation_error_message='Rollen har allerede et kompetencemål i dette fagområde.'),
        ),
        migrations.AddConstraint(
            model_name='competencytarget',
            constraint=models.CheckConstraint(condition=models.Q(('level__in', ['understanding', 'skill', 'teacher'])), name='competencytarget_level_valid', violation_error_message='Niveauet skal være et af de mulige.'),
        ),
        migrations.AddConstraint(
            model_name='competencytarget',
            constraint=models.CheckConstraint(condition=models.Q(('tier', ''), ('tier__in', ['central_staff', 'forvaltning', 'department']), _connector='OR'), name='competencytarget_tier_valid', violation_error_message='Niveauet i organisationen skal være et af de mulige.'),
        ),
        migrations.AddConstraint(
            model_name='roleguideline',
            constraint=models.UniqueConstraint(fields=('organisation', 'role_type', 'version'), name='roleguideline_unique_version', violation_error_message='Rollen har allerede retningslinjer i den version.'),
        ),
        migrations.AddConstraint(
            model_name='roleguideline',
            constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='roleguideline_version_positive', violation_error_message='Versionen skal være 1 eller derover.'),
        ),
        migrations.AddConstraint(
            model_name='trainingplanitem',
            constraint=models.CheckConstraint(condition=models.Q(('target_level__in', ['understanding', 'skill', 'teacher'])), name='trainingplanitem_level_valid', violation_error_message='Niveauet skal være et af de mulige.'),
        ),
        migrations.AddConstraint(
            model_name='trainingplanitem',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['planned', 'in_progress', 'done', 'cancelled'])), name='trainingplanitem_status_valid', violation_error_message='Status skal være en af de mulige.'),
        ),
        migrations.AddConstraint(
            model_name='trainingplanitem',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['planned', 'in_progress'])), fields=('person', 'discipline', 'target_level'), name='trainingplanitem_unique_open', violation_error_message='Personen har allerede et åbent punkt i uddannelsesplanen for det fagområde og niveau.'),
        ),
            # PostgreSQL: linked rows belong to the same organisation (kitos/db.py).
        same_organisation_fk(
            name="competencytarget_unit_same_org",
            table="roles_competencytarget",
            column="unit_id",
            ref_table="roles_organisationunit",
        ),
        same_organisation_fk(
            name="trainingplanitem_person_same_org",
            table="roles_trainingplanitem",
            column="person_id",
            ref_table="roles_person",
        ),
        migrations.RunPython(reference_data, migrations.RunPython.noop),
    ]
