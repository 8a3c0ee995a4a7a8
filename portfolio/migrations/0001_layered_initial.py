"""The portfolio app's schema in the layered layout (README: Architecture), in one step.

It replaces the app's migrations up to the layered layout: a database that applied
those has this one marked as applied and is not touched by it (models that moved to
another app keep their tables; see the moved_content_types migrations). A new
database gets the whole schema here."""

import django.db.models.deletion
import django.db.models.functions.text
import kitos.tenancy
import uuid
from django.db import migrations, models

from kitos.db import same_organisation_fk


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('portfolio', '0001_initial'),
        ('portfolio', '0002_initial'),
        ('portfolio', '0003_same_organisation_fks'),
    ]

    dependencies = [
        ('kitos', '0001_layered_initial'),
        ('roles', '0001_layered_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='KleNumber',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=12, unique=True, verbose_name='KLE-nummer')),
                ('title', models.CharField(max_length=300, verbose_name='titel')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='children', to='portfolio.klenumber', verbose_name='overordnet')),
            ],
            options={
                'verbose_name': 'KLE-nummer',
                'verbose_name_plural': 'KLE-numre',
                'ordering': ['number'],
            },
        ),
        migrations.CreateModel(
            name='Supplier',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('is_local', models.BooleanField(default=False, help_text='Lokale poster ses kun af den ejende organisation.', verbose_name='lokal')),
                ('name', models.CharField(max_length=200, verbose_name='navn')),
                ('cvr', models.CharField(blank=True, max_length=8, verbose_name='CVR-nummer')),
                ('country', models.CharField(default='DK', max_length=2, verbose_name='land')),
                ('website', models.URLField(blank=True, verbose_name='hjemmeside')),
                ('external_reference', models.CharField(blank=True, max_length=100, verbose_name='ekstern reference')),
                ('owner_organisation', models.ForeignKey(blank=True, help_text='Organisationen der vedligeholder posten. Tom: national post.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='ejende organisation')),
            ],
            options={
                'verbose_name': 'leverandør',
                'verbose_name_plural': 'leverandører',
                'db_table': 'contracts_supplier',
                'ordering': ['name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='ItSystem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('is_local', models.BooleanField(default=False, help_text='Lokale poster ses kun af den ejende organisation.', verbose_name='lokal')),
                ('name', models.CharField(max_length=200, verbose_name='navn')),
                ('previous_names', models.CharField(blank=True, max_length=500, verbose_name='tidligere navne')),
                ('description', models.TextField(blank=True, verbose_name='beskrivelse')),
                ('business_type', models.CharField(blank=True, choices=[('esdh', 'ESDH og journalisering'), ('economy', 'Økonomi'), ('payroll_hr', 'Løn og HR'), ('citizen_service', 'Borgerservice'), ('social', 'Social og sundhed'), ('children', 'Børn og unge'), ('school', 'Skole og dagtilbud'), ('employment', 'Beskæftigelse'), ('technical', 'Teknik og miljø'), ('gis', 'GIS og kort'), ('infrastructure', 'Infrastruktur og drift'), ('collaboration', 'Kommunikation og samarbejde'), ('self_service', 'Selvbetjening'), ('identity', 'Identitet og adgang'), ('bi', 'Data og BI'), ('culture', 'Kultur og fritid'), ('other', 'Andet')], max_length=30, verbose_name='forretningstype')),
                ('url', models.URLField(blank=True, verbose_name='hjemmeside')),
                ('licence_model', models.CharField(choices=[('proprietary', 'Proprietær'), ('open_source', 'Open source')], default='proprietary', max_length=20, verbose_name='licensmodel')),
                ('external_reference', models.CharField(blank=True, max_length=100, verbose_name='ekstern reference')),
                ('owner_organisation', models.ForeignKey(blank=True, help_text='Organisationen der vedligeholder posten. Tom: national post.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='ejende organisation')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='children', to='portfolio.itsystem', verbose_name='overordnet system')),
                ('kle_numbers', models.ManyToManyField(blank=True, related_name='systems', to='portfolio.klenumber', verbose_name='KLE-numre')),
                ('rights_holder', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='systems', to='portfolio.supplier', verbose_name='rettighedshaver / leverandør')),
            ],
            options={
                'verbose_name': 'it-system',
                'verbose_name_plural': 'it-systemer',
                'ordering': ['name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='SystemUsage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('local_name', models.CharField(blank=True, max_length=200, verbose_name='lokalt navn')),
                ('local_id', models.CharField(blank=True, max_length=100, verbose_name='lokalt id')),
                ('version', models.CharField(blank=True, max_length=100, verbose_name='version')),
                ('lifecycle', models.CharField(choices=[('undecided', 'Ikke besluttet'), ('planned', 'Planlagt'), ('phasing_in', 'Under indfasning'), ('operational', 'I drift'), ('phasing_out', 'Under udfasning'), ('retired', 'Ikke i drift')], db_index=True, default='undecided', max_length=20, verbose_name='livscyklus')),
                ('go_live_date', models.DateField(blank=True, null=True, verbose_name='ibrugtagningsdato')),
                ('retirement_date', models.DateField(blank=True, null=True, verbose_name='udfasningsdato')),
                ('criticality', models.CharField(blank=True, choices=[('low', 'Lav'), ('medium', 'Middel'), ('high', 'Høj'), ('critical', 'Kritisk')], max_length=10, verbose_name='forretningskritikalitet')),
                ('socially_critical', models.BooleanField(default=False, verbose_name='samfundskritisk')),
                ('data_classification', models.CharField(blank=True, choices=[('public', 'Offentlig'), ('internal', 'Intern'), ('confidential', 'Fortrolig'), ('secret', 'Hemmelig')], max_length=15, verbose_name='dataklassifikation')),
                ('hosting', models.CharField(blank=True, choices=[('on_premise', 'On premise'), ('external', 'Ekstern hosting'), ('saas', 'SaaS / cloud'), ('hybrid', 'Hybrid')], max_length=15, verbose_name='hosting')),
                ('user_count', models.CharField(blank=True, choices=[('lt10', 'Under 10'), ('10-50', '10–50'), ('50-100', '50–100'), ('100-500', '100–500'), ('gt500', 'Over 500')], max_length=10, verbose_name='antal brugere')),
                ('contains_ai', models.CharField(choices=[('yes', 'Ja'), ('no', 'Nej'), ('unknown', 'Ved ikke')], default='unknown', max_length=10, verbose_name='indeholder AI')),
                ('archive_duty', models.CharField(blank=True, choices=[('B', 'B – bevaring'), ('K', 'K – kassation'), ('partial', 'Delvis bevaring'), ('none', 'Ingen arkivpligt'), ('undecided', 'Ikke afklaret')], max_length=10, verbose_name='arkivpligt')),
                ('time_assessment', models.CharField(blank=True, choices=[('tolerate', 'Tolerate – behold'), ('invest', 'Invest – invester'), ('migrate', 'Migrate – migrer'), ('eliminate', 'Eliminate – afvikl')], max_length=10, verbose_name='TIME-vurdering')),
                ('time_reason', models.TextField(blank=True, verbose_name='begrundelse for TIME-vurdering')),
                ('notes', models.TextField(blank=True, verbose_name='noter')),
                ('reference_url', models.URLField(blank=True, max_length=500, verbose_name='link til dokumentation')),
                ('external_reference', models.CharField(blank=True, max_length=100, verbose_name='ekstern reference')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation')),
                ('responsible_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='responsible_for_usages', to='roles.organisationunit', verbose_name='ansvarlig enhed')),
                ('system', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='usages', to='portfolio.itsystem', verbose_name='it-system')),
            ],
            options={
                'verbose_name': 'systemanvendelse',
                'verbose_name_plural': 'systemanvendelser',
                'ordering': ['system__name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='Integration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('name', models.CharField(max_length=200, verbose_name='navn')),
                ('description', models.TextField(blank=True, verbose_name='beskrivelse')),
                ('direction', models.CharField(choices=[('one_way', 'Envejs (kilde → modtager)'), ('two_way', 'Tovejs')], default='one_way', max_length=10, verbose_name='retning')),
                ('interface_type', models.CharField(blank=True, choices=[('rest', 'REST'), ('soap', 'SOAP'), ('file', 'Filoverførsel'), ('database', 'Database'), ('serviceplatformen', 'Serviceplatformen'), ('message', 'Beskedfordeler / kø'), ('manual', 'Manuel'), ('other', 'Andet')], max_length=20, verbose_name='snitfladetype')),
                ('frequency', models.CharField(blank=True, choices=[('realtime', 'Realtid'), ('hourly', 'Hver time'), ('daily', 'Dagligt'), ('weekly', 'Ugentligt'), ('monthly', 'Månedligt'), ('on_demand', 'Efter behov')], max_length=10, verbose_name='frekvens')),
                ('external_reference', models.CharField(blank=True, max_length=100, verbose_name='ekstern reference')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='outgoing_integrations', to='portfolio.systemusage', verbose_name='afsender')),
                ('target', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='incoming_integrations', to='portfolio.systemusage', verbose_name='modtager')),
            ],
            options={
                'verbose_name': 'integration',
                'verbose_name_plural': 'integrationer',
                'ordering': ['name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='SystemUsageUnit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='kitos.organisation')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='usage_links', to='roles.organisationunit')),
                ('usage', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='unit_links', to='portfolio.systemusage')),
            ],
            options={
                'verbose_name': 'anvendende enhed',
                'verbose_name_plural': 'anvendende enheder',
                'ordering': ['usage', 'unit'],
            },
        ),
        migrations.AddField(
            model_name='systemusage',
            name='using_units',
            field=models.ManyToManyField(blank=True, related_name='used_systems', through='portfolio.SystemUsageUnit', to='roles.organisationunit', verbose_name='anvendende enheder'),
        ),
        migrations.AddConstraint(
            model_name='klenumber',
            constraint=models.CheckConstraint(condition=models.Q(('number__regex', '^[0-9]{2}(\\.[0-9]{2}){0,2}$')), name='kle_number_format'),
        ),
        migrations.AddConstraint(
            model_name='supplier',
            constraint=models.UniqueConstraint(condition=models.Q(models.Q(('cvr', ''), _negated=True), ('is_local', False)), fields=('cvr',), name='supplier_cvr_unique'),
        ),
        migrations.AddConstraint(
            model_name='supplier',
            constraint=models.UniqueConstraint(condition=models.Q(models.Q(('cvr', ''), _negated=True), ('is_local', True)), fields=('cvr', 'owner_organisation'), name='supplier_cvr_unique_local'),
        ),
        migrations.AddConstraint(
            model_name='supplier',
            constraint=models.CheckConstraint(condition=models.Q(('cvr', ''), ('cvr__regex', '^[0-9]{8}$'), _connector='OR'), name='supplier_cvr_8_digits'),
        ),
        migrations.AddConstraint(
            model_name='supplier',
            constraint=models.CheckConstraint(condition=models.Q(('country__regex', '^[A-Z]{2}$')), name='supplier_country_iso2'),
        ),
        migrations.AddConstraint(
            model_name='supplier',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), condition=models.Q(('cvr', ''), ('is_local', False)), name='supplier_unique_name_without_cvr'),
        ),
        migrations.AddConstraint(
            model_name='itsystem',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), condition=models.Q(('is_local', False)), name='itsystem_unique_shared_name'),
        ),
        migrations.AddConstraint(
            model_name='itsystem',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), models.F('owner_organisation'), condition=models.Q(('is_local', True)), name='itsystem_unique_local_name'),
        ),
        migrations.AddConstraint(
            model_name='itsystem',
            constraint=models.CheckConstraint(condition=models.Q(('parent', models.F('pk')), _negated=True), name='itsystem_not_own_parent'),
        ),
        migrations.AddConstraint(
            model_name='integration',
            constraint=models.CheckConstraint(condition=models.Q(('source', models.F('target')), _negated=True), name='integration_source_not_target'),
        ),
        migrations.AddConstraint(
            model_name='integration',
            constraint=models.UniqueConstraint(fields=('source', 'target', 'name'), name='integration_unique_name_per_pair'),
        ),
        migrations.AddConstraint(
            model_name='systemusageunit',
            constraint=models.UniqueConstraint(fields=('usage', 'unit'), name='usage_unit_unique'),
        ),
        migrations.AddConstraint(
            model_name='systemusage',
            constraint=models.UniqueConstraint(fields=('organisation', 'system'), name='usage_unique_system_per_org'),
        ),
        migrations.AddConstraint(
            model_name='systemusage',
            constraint=models.CheckConstraint(condition=models.Q(('retirement_date__isnull', True), ('go_live_date__isnull', True), ('retirement_date__gte', models.F('go_live_date')), _connector='OR'), name='usage_retirement_after_go_live'),
        ),
        migrations.AddConstraint(
            model_name='systemusage',
            constraint=models.CheckConstraint(condition=models.Q(('lifecycle__in', ['undecided', 'planned', 'phasing_in', 'operational', 'phasing_out', 'retired'])), name='usage_lifecycle_valid'),
        ),
        migrations.AddConstraint(
            model_name='systemusage',
            constraint=models.UniqueConstraint(fields=('id', 'organisation'), name='usage_id_org_unique'),
        ),
        # PostgreSQL: linked rows belong to the same organisation (kitos/db.py).
        same_organisation_fk(
            name="usage_responsible_unit_same_org",
            table="portfolio_systemusage",
            column="responsible_unit_id",
            ref_table="roles_organisationunit",
        ),
        same_organisation_fk(
            name="usageunit_usage_same_org",
            table="portfolio_systemusageunit",
            column="usage_id",
            ref_table="portfolio_systemusage",
        ),
        same_organisation_fk(
            name="usageunit_unit_same_org",
            table="portfolio_systemusageunit",
            column="unit_id",
            ref_table="roles_organisationunit",
        ),
        same_organisation_fk(
            name="integration_source_same_org",
            table="portfolio_integration",
            column="source_id",
            ref_table="portfolio_systemusage",
        ),
        same_organisation_fk(
            name="integration_target_same_org",
            table="portfolio_integration",
            column="target_id",
            ref_table="portfolio_systemusage",
        ),
    ]
