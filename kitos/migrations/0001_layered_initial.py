"""The kitos app's schema in the layered layout (README: Architecture), in one step.

It replaces the app's migrations up to the layered layout: a database that applied
those has this one marked as applied and is not touched by it (models that moved to
another app keep their tables; see the moved_content_types migrations). A new
database gets the whole schema here."""

import django.db.models.deletion
import kitos.tenancy
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('kitos', '0001_initial'),
        ('kitos', '0002_initial'),
        ('kitos', '0003_api_tokens'),
        ('kitos', '0004_audit_keeps_history'),
        ('kitos', '0005_audit_organisation_kept'),
        ('kitos', '0006_list_preferences'),
        ('kitos', '0007_import_runs'),
        ('kitos', '0008_redundant_keys'),
        ('kitos', '0009_import_run_marked_content'),
    ]

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Organisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                ('name', models.CharField(max_length=200, verbose_name='navn')),
                ('slug', models.SlugField(max_length=60, unique=True, verbose_name='kort navn')),
                ('cvr', models.CharField(blank=True, max_length=8, verbose_name='CVR-nummer')),
            ],
            options={
                'verbose_name': 'organisation',
                'verbose_name_plural': 'organisationer',
                'db_table': 'roles_organisation',
                'ordering': ['name'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('cvr', ''), _negated=True), fields=('cvr',), name='organisation_cvr_unique'), models.CheckConstraint(condition=models.Q(('cvr', ''), ('cvr__regex', '^[0-9]{8}$'), _connector='OR'), name='organisation_cvr_8_digits')],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='navn')),
                ('prefix', models.CharField(db_index=True, max_length=12, verbose_name='begynder med')),
                ('key_hash', models.CharField(editable=False, max_length=64, unique=True)),
                ('scope', models.CharField(choices=[('read', 'Kun læse'), ('read_write', 'Læse og skrive')], default='read', max_length=12, verbose_name='rettighed')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='udløber')),
                ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='sidst brugt')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='tilbagekaldt')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='bruger')),
            ],
            options={
                'verbose_name': 'API-nøgle',
                'verbose_name_plural': 'API-nøgler',
                'ordering': ['-created_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(('scope__in', ['read', 'read_write'])), name='apitoken_scope_valid'), models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('user', 'name'), name='apitoken_unique_active_name_per_user')],
            },
        ),
        migrations.CreateModel(
            name='ListPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('list_key', models.CharField(max_length=60, verbose_name='liste')),
                ('columns', models.JSONField(default=list, verbose_name='kolonner')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='ændret')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='list_preferences', to=settings.AUTH_USER_MODEL, verbose_name='bruger')),
            ],
            options={
                'verbose_name': 'listevalg',
                'verbose_name_plural': 'listevalg',
                'ordering': ['user', 'list_key'],
                'constraints': [models.UniqueConstraint(fields=('user', 'list_key'), name='listpreference_unique_per_user_and_list')],
            },
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('reader', 'Læser'), ('editor', 'Redaktør'), ('admin', 'Administrator')], default='reader', max_length=10, verbose_name='rettighed')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='ændret')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL, verbose_name='bruger')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='kitos.organisation', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'medlemskab',
                'verbose_name_plural': 'medlemskaber',
                'db_table': 'roles_membership',
                'ordering': ['organisation', 'user'],
                'constraints': [models.UniqueConstraint(fields=('user', 'organisation'), name='membership_unique_user_org'), models.CheckConstraint(condition=models.Q(('role__in', ['reader', 'editor', 'admin'])), name='membership_role_valid')],
            },
            bases=(kitos.tenancy.EditPolicy, models.Model),
        ),
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('timestamp', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='tidspunkt')),
                ('actor_repr', models.CharField(blank=True, max_length=200, verbose_name='bruger (tekst)')),
                ('action', models.CharField(choices=[('create', 'Oprettet'), ('update', 'Ændret'), ('delete', 'Slettet')], max_length=10, verbose_name='handling')),
                ('source', models.CharField(choices=[('ui', 'Brugerflade'), ('api', 'API'), ('import', 'Import'), ('admin', 'Administration'), ('system', 'System')], max_length=10, verbose_name='kanal')),
                ('group_id', models.UUIDField(db_index=True, verbose_name='handlings-id')),
                ('object_id', models.PositiveBigIntegerField(verbose_name='objekt-id')),
                ('object_uuid', models.UUIDField(blank=True, null=True, verbose_name='objektets offentlige id')),
                ('object_repr', models.CharField(max_length=300, verbose_name='objekt')),
                ('changes', models.JSONField(blank=True, default=dict, verbose_name='ændringer')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='bruger')),
                ('content_type', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype', verbose_name='objekttype')),
                ('organisation', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='kitos.organisation', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'logpost',
                'verbose_name_plural': 'ændringslog',
                'ordering': ['-timestamp', '-id'],
                'indexes': [models.Index(fields=['content_type', 'object_id'], name='audit_object_idx'), models.Index(fields=['organisation', 'timestamp'], name='audit_org_time_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('action__in', ['create', 'update', 'delete'])), name='audit_action_valid')],
            },
        ),
    ]
