"""The gdpr app's schema in the layered layout (README: Architecture), in one step.

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


def reference_data(apps, schema_editor):
    from gdpr.reference import ensure_data_categories

    ensure_data_categories(apps)


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('gdpr', '0001_initial'),
        ('gdpr', '0002_initial'),
        ('gdpr', '0003_initial'),
        ('gdpr', '0004_same_organisation_fks'),
        ('gdpr', '0005_reference_data'),
        ('gdpr', '0006_processing_unique_standard_number'),
    ]

    dependencies = [
        ('contracts', '0001_layered_initial'),
        ('kitos', '0001_layered_initial'),
        ('portfolio', '0001_layered_initial'),
        ('roles', '0001_layered_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='DataAsset',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('name', models.CharField(max_length=200, verbose_name='navn')),
                ('description', models.TextField(blank=True, verbose_name='beskrivelse')),
                ('classification', models.CharField(blank=True, choices=[('public', 'Offentlig'), ('internal', 'Intern'), ('confidential', 'Fortrolig'), ('secret', 'Hemmelig')], max_length=15, verbose_name='klassifikation')),
                ('retention', models.CharField(blank=True, max_length=300, verbose_name='opbevaringsperiode')),
                ('external_reference', models.CharField(blank=True, max_length=100, verbose_name='ekstern reference')),
                ('integrations', models.ManyToManyField(blank=True, related_name='data_assets', to='portfolio.integration', verbose_name='overføres via integrationer')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation')),
                ('owning_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='data_assets', to='roles.organisationunit', verbose_name='dataejende enhed')),
            ],
            options={
                'verbose_name': 'dataaktiv',
                'verbose_name_plural': 'dataaktiver',
                'ordering': ['name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='DataAssetUsage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('use', models.CharField(choices=[('stores', 'Opbevarer'), ('uses', 'Anvender'), ('exposes', 'Udstiller')], default='stores', max_length=10, verbose_name='anvendelse')),
                ('asset', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='usage_links', to='gdpr.dataasset')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='kitos.organisation')),
                ('usage', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='data_asset_links', to='portfolio.systemusage')),
            ],
            options={
                'verbose_name': 'dataaktiv i system',
                'verbose_name_plural': 'dataaktiver i systemer',
                'ordering': ['asset', 'usage'],
            },
        ),
        migrations.AddField(
            model_name='dataasset',
            name='usages',
            field=models.ManyToManyField(blank=True, related_name='data_assets', through='gdpr.DataAssetUsage', to='portfolio.systemusage', verbose_name='systemer'),
        ),
        migrations.CreateModel(
            name='DataCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('code', models.SlugField(max_length=60, verbose_name='kode')),
                ('name', models.CharField(max_length=200, verbose_name='navn')),
                ('kind', models.CharField(choices=[('non_personal', 'Ikke personoplysninger'), ('ordinary', 'Almindelige personoplysninger (art. 6)'), ('sensitive', 'Følsomme personoplysninger (art. 9)'), ('cpr', 'CPR-nummer'), ('criminal', 'Strafbare forhold (art. 10)')], max_length=20, verbose_name='art')),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='data_categories', to='kitos.organisation', verbose_name='organisation')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='gdpr.datacategory', verbose_name='overordnet kategori')),
            ],
            options={
                'verbose_name': 'datakategori',
                'verbose_name_plural': 'datakategorier',
                'ordering': ['kind', 'name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.AddField(
            model_name='dataasset',
            name='categories',
            field=models.ManyToManyField(blank=True, related_name='assets', to='gdpr.datacategory', verbose_name='datakategorier'),
        ),
        migrations.CreateModel(
            name='DataProcessingAgreement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('name', models.CharField(max_length=250, verbose_name='navn')),
                ('concluded_on', models.DateField(blank=True, null=True, verbose_name='indgået')),
                ('ended_on', models.DateField(blank=True, null=True, verbose_name='ophørt')),
                ('third_country_transfer', models.BooleanField(default=False, verbose_name='overførsel til tredjeland')),
                ('transfer_basis', models.CharField(blank=True, choices=[('adequacy', 'Tilstrækkelighedsafgørelse (art. 45)'), ('scc', 'EU-standardkontraktbestemmelser (art. 46)'), ('bcr', 'Bindende virksomhedsregler (art. 47)'), ('dpf', 'EU-U.S. Data Privacy Framework'), ('derogation', 'Undtagelse (art. 49)'), ('none', 'Intet grundlag')], max_length=15, verbose_name='overførselsgrundlag')),
                ('oversight_method', models.CharField(blank=True, choices=[('self', 'Egen kontrol'), ('isae3000', 'ISAE 3000-erklæring'), ('isae3402_1', 'ISAE 3402 type 1'), ('isae3402_2', 'ISAE 3402 type 2'), ('physical', 'Fysisk tilsyn'), ('written', 'Skriftlig kontrol')], max_length=15, verbose_name='tilsynsmetode')),
                ('oversight_interval', models.CharField(blank=True, choices=[('6', 'Halvårligt'), ('12', 'Årligt'), ('24', 'Hvert andet år')], max_length=3, verbose_name='tilsynsinterval')),
                ('next_oversight_date', models.DateField(blank=True, db_index=True, null=True, verbose_name='næste tilsyn')),
                ('document_url', models.URLField(blank=True, max_length=500, verbose_name='link til aftalen')),
                ('notes', models.TextField(blank=True, verbose_name='noter')),
                ('external_reference', models.CharField(blank=True, max_length=100, verbose_name='ekstern reference')),
                ('contract', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='data_processing_agreements', to='contracts.contract', verbose_name='kontrakt')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation')),
                ('processor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='data_processing_agreements', to='portfolio.supplier', verbose_name='databehandler')),
                ('usages', models.ManyToManyField(blank=True, related_name='data_processing_agreements', to='portfolio.systemusage', verbose_name='systemanvendelser')),
            ],
            options={
                'verbose_name': 'databehandleraftale',
                'verbose_name_plural': 'databehandleraftaler',
                'ordering': ['name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='OversightRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('date', models.DateField(verbose_name='dato')),
                ('method', models.CharField(choices=[('self', 'Egen kontrol'), ('isae3000', 'ISAE 3000-erklæring'), ('isae3402_1', 'ISAE 3402 type 1'), ('isae3402_2', 'ISAE 3402 type 2'), ('physical', 'Fysisk tilsyn'), ('written', 'Skriftlig kontrol')], max_length=15, verbose_name='metode')),
                ('result', models.CharField(blank=True, choices=[('no_remarks', 'Ingen bemærkninger'), ('minor', 'Mindre bemærkninger'), ('major', 'Væsentlige bemærkninger'), ('not_received', 'Ikke modtaget')], max_length=15, verbose_name='resultat')),
                ('report_url', models.URLField(blank=True, max_length=500, verbose_name='link til rapport')),
                ('notes', models.TextField(blank=True, verbose_name='noter')),
                ('agreement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='oversight_records', to='gdpr.dataprocessingagreement', verbose_name='databehandleraftale')),
            ],
            options={
                'verbose_name': 'tilsyn',
                'verbose_name_plural': 'tilsyn',
                'ordering': ['agreement', '-date'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='ProcessingActivity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('name', models.CharField(max_length=300, verbose_name='navn')),
                ('standard_number', models.CharField(blank=True, help_text="Nummeret i KL's liste over standardbehandlingsaktiviteter.", max_length=10, verbose_name='KL-nummer')),
                ('purpose', models.TextField(blank=True, verbose_name='formål')),
                ('legal_basis_art6', models.CharField(blank=True, choices=[('6.1.a', 'Art. 6, stk. 1, litra a – samtykke'), ('6.1.b', 'Art. 6, stk. 1, litra b – kontrakt'), ('6.1.c', 'Art. 6, stk. 1, litra c – retlig forpligtelse'), ('6.1.d', 'Art. 6, stk. 1, litra d – vitale interesser'), ('6.1.e', 'Art. 6, stk. 1, litra e – offentlig myndighedsudøvelse'), ('6.1.f', 'Art. 6, stk. 1, litra f – legitime interesser')], max_length=10, verbose_name='retsgrundlag (art. 6)')),
                ('legal_basis_art9', models.CharField(blank=True, choices=[('9.2.a', 'Art. 9, stk. 2, litra a – udtrykkeligt samtykke'), ('9.2.b', 'Art. 9, stk. 2, litra b – ansættelsesret og social sikring'), ('9.2.c', 'Art. 9, stk. 2, litra c – vitale interesser'), ('9.2.f', 'Art. 9, stk. 2, litra f – retskrav'), ('9.2.g', 'Art. 9, stk. 2, litra g – væsentlig samfundsmæssig interesse'), ('9.2.h', 'Art. 9, stk. 2, litra h – sundhed og social behandling'), ('9.2.i', 'Art. 9, stk. 2, litra i – folkesundhed'), ('9.2.j', 'Art. 9, stk. 2, litra j – arkiv, forskning og statistik')], max_length=10, verbose_name='retsgrundlag (art. 9)')),
                ('legal_basis_text', models.TextField(blank=True, verbose_name='hjemmel (lovgivning)')),
                ('data_subjects', models.TextField(blank=True, verbose_name='kategorier af registrerede')),
                ('recipients', models.TextField(blank=True, verbose_name='modtagere')),
                ('third_country_transfer', models.BooleanField(default=False, verbose_name='overførsel til tredjeland')),
                ('transfer_countries', models.CharField(blank=True, max_length=300, verbose_name='tredjelande')),
                ('transfer_basis', models.CharField(blank=True, choices=[('adequacy', 'Tilstrækkelighedsafgørelse (art. 45)'), ('scc', 'EU-standardkontraktbestemmelser (art. 46)'), ('bcr', 'Bindende virksomhedsregler (art. 47)'), ('dpf', 'EU-U.S. Data Privacy Framework'), ('derogation', 'Undtagelse (art. 49)'), ('none', 'Intet grundlag')], max_length=15, verbose_name='overførselsgrundlag')),
                ('retention', models.TextField(blank=True, verbose_name='opbevaring og sletning')),
                ('security_measures', models.TextField(blank=True, verbose_name='sikkerhedsforanstaltninger')),
                ('dpia_needed', models.CharField(choices=[('yes', 'Ja'), ('no', 'Nej'), ('unknown', 'Ikke vurderet')], default='unknown', max_length=10, verbose_name='konsekvensanalyse nødvendig')),
                ('dpia_done', models.BooleanField(default=False, verbose_name='konsekvensanalyse udført')),
                ('dpia_date', models.DateField(blank=True, null=True, verbose_name='konsekvensanalyse dato')),
                ('risk_level', models.CharField(blank=True, choices=[('low', 'Lav'), ('medium', 'Middel'), ('high', 'Høj')], max_length=10, verbose_name='risikoniveau')),
                ('external_reference', models.CharField(blank=True, max_length=100, verbose_name='ekstern reference')),
                ('data_assets', models.ManyToManyField(blank=True, related_name='processing_activities', to='gdpr.dataasset', verbose_name='dataaktiver')),
                ('data_categories', models.ManyToManyField(blank=True, related_name='processing_activities', to='gdpr.datacategory', verbose_name='kategorier af personoplysninger')),
                ('kle_numbers', models.ManyToManyField(blank=True, related_name='processing_activities', to='portfolio.klenumber', verbose_name='KLE-numre')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation')),
                ('responsible_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='processing_activities', to='roles.organisationunit', verbose_name='ansvarlig enhed')),
                ('usages', models.ManyToManyField(blank=True, related_name='processing_activities', to='portfolio.systemusage', verbose_name='anvendte systemer')),
            ],
            options={
                'verbose_name': 'behandlingsaktivitet',
                'verbose_name_plural': 'behandlingsaktiviteter',
                'ordering': ['name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='SubProcessor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('service', models.CharField(blank=True, max_length=300, verbose_name='ydelse')),
                ('country', models.CharField(default='DK', max_length=2, verbose_name='behandlingsland')),
                ('transfer_basis', models.CharField(blank=True, choices=[('adequacy', 'Tilstrækkelighedsafgørelse (art. 45)'), ('scc', 'EU-standardkontraktbestemmelser (art. 46)'), ('bcr', 'Bindende virksomhedsregler (art. 47)'), ('dpf', 'EU-U.S. Data Privacy Framework'), ('derogation', 'Undtagelse (art. 49)'), ('none', 'Intet grundlag')], max_length=15, verbose_name='overførselsgrundlag')),
                ('agreement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sub_processors', to='gdpr.dataprocessingagreement', verbose_name='databehandleraftale')),
                ('supplier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sub_processing', to='portfolio.supplier', verbose_name='underdatabehandler')),
            ],
            options={
                'verbose_name': 'underdatabehandler',
                'verbose_name_plural': 'underdatabehandlere',
                'ordering': ['agreement', 'supplier__name'],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.AddConstraint(
            model_name='dataassetusage',
            constraint=models.UniqueConstraint(fields=('asset', 'usage', 'use'), name='assetusage_unique'),
        ),
        migrations.AddConstraint(
            model_name='datacategory',
            constraint=models.UniqueConstraint(fields=('organisation', 'code'), name='datacategory_unique_code'),
        ),
        migrations.AddConstraint(
            model_name='datacategory',
            constraint=models.UniqueConstraint(condition=models.Q(('organisation__isnull', True)), fields=('code',), name='datacategory_unique_standard_code'),
        ),
        migrations.AddConstraint(
            model_name='datacategory',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['non_personal', 'ordinary', 'sensitive', 'cpr', 'criminal'])), name='datacategory_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='dataasset',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), models.F('organisation'), name='dataasset_unique_name_per_org'),
        ),
        migrations.AddConstraint(
            model_name='dataasset',
            constraint=models.UniqueConstraint(fields=('id', 'organisation'), name='dataasset_id_org_unique'),
        ),
        migrations.AddConstraint(
            model_name='dataprocessingagreement',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), models.F('organisation'), name='dpa_unique_name_per_org'),
        ),
        migrations.AddConstraint(
            model_name='dataprocessingagreement',
            constraint=models.CheckConstraint(condition=models.Q(('ended_on__isnull', True), ('concluded_on__isnull', True), ('ended_on__gte', models.F('concluded_on')), _connector='OR'), name='dpa_ended_after_concluded'),
        ),
        migrations.AddConstraint(
            model_name='oversightrecord',
            constraint=models.UniqueConstraint(fields=('agreement', 'date', 'method'), name='oversight_unique_per_day_method'),
        ),
        migrations.AddConstraint(
            model_name='processingactivity',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), models.F('organisation'), name='processing_unique_name_per_org'),
        ),
        migrations.AddConstraint(
            model_name='processingactivity',
            constraint=models.UniqueConstraint(condition=models.Q(('standard_number', ''), _negated=True), fields=('organisation', 'standard_number'), name='processing_unique_standard_number_per_org'),
        ),
        migrations.AddConstraint(
            model_name='processingactivity',
            constraint=models.CheckConstraint(condition=models.Q(('dpia_done', False), models.Q(('dpia_needed', 'no'), _negated=True), _connector='OR'), name='processing_dpia_done_implies_needed'),
        ),
        migrations.AddConstraint(
            model_name='processingactivity',
            constraint=models.CheckConstraint(condition=models.Q(('dpia_date__isnull', True), ('dpia_done', True), _connector='OR'), name='processing_dpia_date_needs_done'),
        ),
        migrations.AddConstraint(
            model_name='subprocessor',
            constraint=models.UniqueConstraint(fields=('agreement', 'supplier', 'country'), name='subprocessor_unique'),
        ),
        migrations.AddConstraint(
            model_name='subprocessor',
            constraint=models.CheckConstraint(condition=models.Q(('country__regex', '^[A-Z]{2}$')), name='subprocessor_country_iso2'),
        ),
        # PostgreSQL: linked rows belong to the same organisation (kitos/db.py).
        same_organisation_fk(
            name="dataasset_owning_unit_same_org",
            table="gdpr_dataasset",
            column="owning_unit_id",
            ref_table="roles_organisationunit",
        ),
        same_organisation_fk(
            name="assetusage_asset_same_org",
            table="gdpr_dataassetusage",
            column="asset_id",
            ref_table="gdpr_dataasset",
        ),
        same_organisation_fk(
            name="assetusage_usage_same_org",
            table="gdpr_dataassetusage",
            column="usage_id",
            ref_table="portfolio_systemusage",
        ),
        same_organisation_fk(
            name="processing_responsible_unit_same_org",
            table="gdpr_processingactivity",
            column="responsible_unit_id",
            ref_table="roles_organisationunit",
        ),
        same_organisation_fk(
            name="dpa_contract_same_org",
            table="gdpr_dataprocessingagreement",
            column="contract_id",
            ref_table="contracts_contract",
        ),
        migrations.RunPython(reference_data, migrations.RunPython.noop),
    ]
