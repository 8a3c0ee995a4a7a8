"""The contracts app's schema in the layered layout (README: Architecture), in one step.

It replaces the app's migrations up to the layered layout: a database that applied
those has this one marked as applied and is not touched by it (models that moved to
another app keep their tables; see the moved_content_types migrations). A new
database gets the whole schema here."""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import kitos.tenancy
import uuid
from django.db import migrations, models

from kitos.db import same_organisation_fk


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('contracts', '0001_initial'),
        ('contracts', '0002_initial'),
        ('contracts', '0003_initial'),
        ('contracts', '0004_same_organisation_fks'),
        ('contracts', '0005_contract_deadlines'),
        ('contracts', '0006_alerts'),
        ('contracts', '0007_supplier_cvr_per_scope'),
        ('contracts', '0008_redundant_keys'),
    ]

    dependencies = [
        ('kitos', '0001_layered_initial'),
        ('portfolio', '0001_layered_initial'),
        ('roles', '0001_layered_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Contract',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('name', models.CharField(max_length=250, verbose_name='navn')),
                ('contract_number', models.CharField(blank=True, max_length=100, verbose_name='kontraktnummer')),
                ('contract_type', models.CharField(blank=True, choices=[('main', 'Hovedkontrakt'), ('supplement', 'Tillægskontrakt'), ('service', 'Serviceaftale'), ('licence', 'Licens'), ('operation', 'Drift'), ('data_processing', 'Databehandleraftale')], max_length=20, verbose_name='kontrakttype')),
                ('procurement_form', models.CharField(blank=True, choices=[('ski', 'SKI-aftale'), ('eu_tender', 'EU-udbud'), ('below_threshold', 'Udbud under tærskelværdi'), ('direct', 'Direkte tildeling'), ('other', 'Andet')], max_length=20, verbose_name='udbudsform')),
                ('criticality', models.CharField(blank=True, choices=[('low', 'Lav'), ('medium', 'Middel'), ('high', 'Høj'), ('critical', 'Kritisk')], max_length=10, verbose_name='kritikalitet')),
                ('notes', models.TextField(blank=True, verbose_name='noter')),
                ('external_reference', models.CharField(blank=True, max_length=100, verbose_name='ekstern reference')),
                ('concluded_on', models.DateField(blank=True, null=True, verbose_name='indgået')),
                ('start_date', models.DateField(blank=True, null=True, verbose_name='startdato')),
                ('expiry_date', models.DateField(blank=True, help_text='Sidste dag i den aktuelle periode, inkl. brugte optioner. Tom: løbende.', null=True, verbose_name='udløbsdato')),
                ('irrevocable_until', models.DateField(blank=True, null=True, verbose_name='uopsigelig til')),
                ('notice_months', models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(120)], verbose_name='opsigelsesvarsel (måneder)')),
                ('notice_to_end_of', models.CharField(blank=True, choices=[('month', 'Løbende måned'), ('quarter', 'Kvartal'), ('year', 'År')], max_length=10, verbose_name='opsigelse til udgangen af')),
                ('extension_months', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(240)], verbose_name='option: forlængelse (måneder)')),
                ('extensions_total', models.PositiveSmallIntegerField(default=0, verbose_name='antal optioner')),
                ('extensions_used', models.PositiveSmallIntegerField(default=0, verbose_name='brugte optioner')),
                ('renewal_months', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(240)], verbose_name='stiltiende fornyelse (måneder)')),
                ('terminated_on', models.DateField(blank=True, null=True, verbose_name='opsagt til')),
                ('lead_months', models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(120)], verbose_name='udbudstid (måneder)')),
                ('acquisition_cost', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='anskaffelsespris')),
                ('yearly_cost', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='årlig driftsudgift')),
                ('currency', models.CharField(default='DKK', max_length=3, verbose_name='valuta')),
                ('status', models.CharField(choices=[('future', 'Fremtidig'), ('active', 'Aktiv'), ('in_notice', 'I opsigelse'), ('expired', 'Udløbet'), ('terminated', 'Ophørt')], db_index=True, default='active', editable=False, max_length=12, verbose_name='status')),
                ('next_end', models.DateField(blank=True, db_index=True, editable=False, null=True, verbose_name='næste mulige ophør')),
                ('notice_deadline', models.DateField(blank=True, db_index=True, editable=False, null=True, verbose_name='sidste frist for opsigelse')),
                ('retender_start', models.DateField(blank=True, db_index=True, editable=False, null=True, verbose_name='seneste start på genudbud')),
                ('deadlines_computed_on', models.DateField(blank=True, editable=False, null=True, verbose_name='frister beregnet')),
                ('integrations', models.ManyToManyField(blank=True, related_name='contracts', to='portfolio.integration', verbose_name='integrationer')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation')),
                ('parent', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='contracts.contract', verbose_name='overordnet kontrakt')),
                ('responsible_unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='responsible_for_contracts', to='roles.organisationunit', verbose_name='ansvarlig enhed')),
                ('supplier', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contracts', to='portfolio.supplier', verbose_name='leverandør')),
            ],
            options={
                'verbose_name': 'kontrakt',
                'verbose_name_plural': 'kontrakter',
                'ordering': ['name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='ContractCoverage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('is_main', models.BooleanField(default=False, verbose_name='hovedkontrakt for systemet')),
                ('contract', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='coverage', to='contracts.contract', verbose_name='kontrakt')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='kitos.organisation')),
                ('usage', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='contract_links', to='portfolio.systemusage', verbose_name='systemanvendelse')),
            ],
            options={
                'verbose_name': 'kontraktdækning',
                'verbose_name_plural': 'kontraktdækninger',
                'ordering': ['contract', 'usage'],
            },
        ),
        migrations.AddField(
            model_name='contract',
            name='usages',
            field=models.ManyToManyField(blank=True, related_name='contracts', through='contracts.ContractCoverage', to='portfolio.systemusage', verbose_name='systemanvendelser'),
        ),
        migrations.CreateModel(
            name='CostLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1990), django.core.validators.MaxValueValidator(2100)], verbose_name='år')),
                ('kind', models.CharField(choices=[('acquisition', 'Anskaffelse'), ('operation', 'Drift'), ('other', 'Andet')], default='operation', max_length=15, verbose_name='art')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='beløb (kr.)')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='bemærkning')),
                ('contract', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cost_lines', to='contracts.contract', verbose_name='kontrakt')),
                ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cost_lines', to='roles.organisationunit', verbose_name='enhed')),
            ],
            options={
                'verbose_name': 'omkostningslinje',
                'verbose_name_plural': 'omkostningslinjer',
                'ordering': ['contract', 'year', 'unit'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.AddConstraint(
            model_name='contractcoverage',
            constraint=models.UniqueConstraint(fields=('contract', 'usage'), name='coverage_unique'),
        ),
        migrations.AddConstraint(
            model_name='contractcoverage',
            constraint=models.UniqueConstraint(condition=models.Q(('is_main', True)), fields=('usage',), name='coverage_one_main_per_usage'),
        ),
        migrations.AddConstraint(
            model_name='contract',
            constraint=models.UniqueConstraint(condition=models.Q(('contract_number', ''), _negated=True), fields=('organisation', 'contract_number'), name='contract_unique_number_per_org'),
        ),
        migrations.AddConstraint(
            model_name='contract',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), models.F('organisation'), name='contract_unique_name_per_org'),
        ),
        migrations.AddConstraint(
            model_name='contract',
            constraint=models.CheckConstraint(condition=models.Q(('expiry_date__isnull', True), ('start_date__isnull', True), ('expiry_date__gte', models.F('start_date')), _connector='OR'), name='contract_expiry_after_start'),
        ),
        migrations.AddConstraint(
            model_name='contract',
            constraint=models.CheckConstraint(condition=models.Q(('irrevocable_until__isnull', True), ('start_date__isnull', True), ('irrevocable_until__gte', models.F('start_date')), _connector='OR'), name='contract_irrevocable_after_start'),
        ),
        migrations.AddConstraint(
            model_name='contract',
            constraint=models.CheckConstraint(condition=models.Q(('extensions_used__lte', models.F('extensions_total'))), name='contract_extensions_used_le_total'),
        ),
        migrations.AddConstraint(
            model_name='contract',
            constraint=models.CheckConstraint(condition=models.Q(('extensions_total', 0), ('extension_months__isnull', False), _connector='OR'), name='contract_extensions_need_length'),
        ),
        migrations.AddConstraint(
            model_name='contract',
            constraint=models.CheckConstraint(condition=models.Q(('acquisition_cost__isnull', True), ('acquisition_cost__gte', 0), _connector='OR'), name='contract_acquisition_cost_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='contract',
            constraint=models.CheckConstraint(condition=models.Q(('yearly_cost__isnull', True), ('yearly_cost__gte', 0), _connector='OR'), name='contract_yearly_cost_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='contract',
            constraint=models.CheckConstraint(condition=models.Q(('parent', models.F('pk')), _negated=True), name='contract_not_own_parent'),
        ),
        migrations.AddConstraint(
            model_name='contract',
            constraint=models.UniqueConstraint(fields=('id', 'organisation'), name='contract_id_org_unique'),
        ),
        migrations.AddConstraint(
            model_name='costline',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='costline_amount_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='costline',
            constraint=models.CheckConstraint(condition=models.Q(('year__gte', 1990), ('year__lte', 2100)), name='costline_year_range'),
        ),
        migrations.AddConstraint(
            model_name='costline',
            constraint=models.UniqueConstraint(fields=('contract', 'unit', 'year', 'kind'), name='costline_unique_per_unit_year_kind'),
        ),
        migrations.AddConstraint(
            model_name='costline',
            constraint=models.UniqueConstraint(condition=models.Q(('unit__isnull', True)), fields=('contract', 'year', 'kind'), name='costline_unique_per_year_kind_no_unit'),
        ),
        # PostgreSQL: linked rows belong to the same organisation (kitos/db.py).
        same_organisation_fk(
            name="contract_responsible_unit_same_org",
            table="contracts_contract",
            column="responsible_unit_id",
            ref_table="roles_organisationunit",
        ),
        same_organisation_fk(
            name="contract_parent_same_org",
            table="contracts_contract",
            column="parent_id",
            ref_table="contracts_contract",
        ),
        same_organisation_fk(
            name="coverage_contract_same_org",
            table="contracts_contractcoverage",
            column="contract_id",
            ref_table="contracts_contract",
        ),
        same_organisation_fk(
            name="coverage_usage_same_org",
            table="contracts_contractcoverage",
            column="usage_id",
            ref_table="portfolio_systemusage",
        ),
    ]
