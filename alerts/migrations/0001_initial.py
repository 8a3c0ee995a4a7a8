"""The alert tables. They were created by the contracts app before the layers were split
and kept their names: a database that has them keeps them and their rows, and their
content types move to this app (same ids); a new database gets them here."""

import django.core.validators
import django.db.models.deletion
import kitos.tenancy
import uuid
from django.conf import settings
from django.db import migrations, models

from kitos.db import UnlessTablesExist, rename_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('contracts', '0001_layered_initial'),
        ('kitos', '0001_layered_initial'),
        ('roles', '0001_layered_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        UnlessTablesExist(
            tables=["contracts_alertrule", "contracts_contractsubscription", "contracts_alertdigest", "contracts_alertdelivery"],
            operations=[
                migrations.CreateModel(
                    name='AlertDigest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='e-mail')),
                        ('sent_on', models.DateField(verbose_name='dato')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sendt')),
                        ('item_count', models.PositiveIntegerField(default=0, verbose_name='antal varsler')),
                    ],
                    options={
                        'verbose_name': 'varslingsmail',
                        'verbose_name_plural': 'varslingsmails',
                        'db_table': 'contracts_alertdigest',
                        'ordering': ['-sent_on', 'email'],
                        'constraints': [models.UniqueConstraint(fields=('email', 'sent_on'), name='digest_one_per_day')],
                    },
                ),
                migrations.CreateModel(
                    name='AlertRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                        ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                        ('kind', models.CharField(choices=[('notice_deadline', 'Frist for opsigelse / option'), ('retender_start', 'Start på genudbud'), ('contract_end', 'Kontraktens udløb (uden opsigelsesfrist)'), ('oversight_due', 'Tilsyn med databehandler')], max_length=20, verbose_name='frist')),
                        ('days_before', models.PositiveSmallIntegerField(validators=[django.core.validators.MaxValueValidator(730)], verbose_name='dage før')),
                        ('is_active', models.BooleanField(default=True, verbose_name='aktiv')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation')),
                    ],
                    options={
                        'verbose_name': 'varslingsregel',
                        'verbose_name_plural': 'varslingsregler',
                        'db_table': 'contracts_alertrule',
                        'ordering': ['organisation', 'kind', '-days_before'],
                    },
                    bases=(kitos.tenancy.EditPolicy, models.Model),
                ),
                migrations.CreateModel(
                    name='AlertDelivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField(verbose_name='objekt-id')),
                        ('object_repr', models.CharField(max_length=300, verbose_name='objekt')),
                        ('deadline', models.DateField(verbose_name='frist')),
                        ('email', models.EmailField(max_length=254, verbose_name='modtager')),
                        ('without_owner', models.BooleanField(default=False, help_text='Sendt til organisationens administratorer, fordi ingen har rollen.', verbose_name='mangler ansvarlig')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='oprettet')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='læst')),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype', verbose_name='objekttype')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='kitos.organisation', verbose_name='organisation')),
                        ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='roles.person', verbose_name='person')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='alert_deliveries', to=settings.AUTH_USER_MODEL, verbose_name='bruger')),
                        ('digest', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='deliveries', to='alerts.alertdigest', verbose_name='mail')),
                        ('rule', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deliveries', to='alerts.alertrule', verbose_name='regel')),
                    ],
                    options={
                        'verbose_name': 'varsel',
                        'verbose_name_plural': 'varsler',
                        'db_table': 'contracts_alertdelivery',
                        'ordering': ['-created_at', 'deadline'],
                    },
                ),
                migrations.CreateModel(
                    name='ContractSubscription',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                        ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                        ('contract', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='subscriptions', to='contracts.contract', verbose_name='kontrakt')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contract_subscriptions', to='roles.person', verbose_name='person')),
                    ],
                    options={
                        'verbose_name': 'abonnement på kontrakt',
                        'verbose_name_plural': 'abonnementer på kontrakter',
                        'db_table': 'contracts_contractsubscription',
                        'ordering': ['contract', 'person'],
                    },
                    bases=(kitos.tenancy.EditPolicy, models.Model),
                ),
                migrations.AddConstraint(
                    model_name='alertrule',
                    constraint=models.UniqueConstraint(fields=('organisation', 'kind', 'days_before'), name='alertrule_unique'),
                ),
                migrations.AddConstraint(
                    model_name='alertrule',
                    constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['notice_deadline', 'retender_start', 'contract_end', 'oversight_due'])), name='alertrule_kind_valid'),
                ),
                migrations.AddConstraint(
                    model_name='alertrule',
                    constraint=models.CheckConstraint(condition=models.Q(('days_before__lte', 730)), name='alertrule_days_at_most_two_years'),
                ),
                migrations.AddIndex(
                    model_name='alertdelivery',
                    index=models.Index(fields=['content_type', 'object_id'], name='delivery_target_idx'),
                ),
                migrations.AddIndex(
                    model_name='alertdelivery',
                    index=models.Index(fields=['user', 'read_at'], name='delivery_user_unread_idx'),
                ),
                migrations.AddConstraint(
                    model_name='alertdelivery',
                    constraint=models.UniqueConstraint(fields=('rule', 'content_type', 'object_id', 'deadline', 'email'), name='alert_delivery_exactly_once'),
                ),
                migrations.AddConstraint(
                    model_name='contractsubscription',
                    constraint=models.UniqueConstraint(fields=('contract', 'person'), name='subscription_unique_person_contract'),
                ),
            ],
        ),
        rename_content_types(old_app="contracts", new_app="alerts", models=["alertrule", "contractsubscription", "alertdigest", "alertdelivery"]),
    ]
