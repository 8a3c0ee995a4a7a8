"""The import run table. It was created by the core before the layers were split and
kept its name: a database that has it keeps it and its rows, and its content type moves
to this app (same id); a new database gets it here."""

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
        ('kitos', '0001_layered_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        UnlessTablesExist(
            tables=["kitos_importrun"],
            operations=[
                migrations.CreateModel(
                    name='ImportRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='offentligt id')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                        ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='ændret')),
                        ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='startet')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='afsluttet')),
                        ('filename', models.CharField(max_length=255, verbose_name='filnavn')),
                        ('size', models.PositiveBigIntegerField(default=0, verbose_name='størrelse (bytes)')),
                        ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                        ('content', models.BinaryField(verbose_name='indhold')),
                        ('marked_content', models.BinaryField(blank=True, default=b'', verbose_name='fil med fejlene markeret')),
                        ('mode', models.CharField(choices=[('preview', 'Gennemsyn'), ('commit', 'Import')], default='preview', max_length=10, verbose_name='type')),
                        ('status', models.CharField(choices=[('queued', 'I kø'), ('running', 'Kører'), ('valid', 'Gennemset uden fejl'), ('invalid', 'Fejl fundet'), ('committed', 'Importeret'), ('rejected', 'Afvist'), ('failed', 'Fejlede')], db_index=True, default='queued', max_length=10, verbose_name='status')),
                        ('progress_done', models.PositiveIntegerField(default=0, verbose_name='rækker behandlet')),
                        ('progress_total', models.PositiveIntegerField(default=0, verbose_name='rækker i alt')),
                        ('counts', models.JSONField(blank=True, default=dict, verbose_name='optælling')),
                        ('report', models.JSONField(blank=True, default=dict, verbose_name='rapport')),
                        ('message', models.TextField(blank=True, verbose_name='besked')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='oprettet af')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kitos.organisation', verbose_name='organisation')),
                        ('preview_run', models.ForeignKey(blank=True, help_text='Det gennemsyn importen blev startet fra.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='commit_runs', to='imports.importrun', verbose_name='gennemsyn')),
                    ],
                    options={
                        'verbose_name': 'importkørsel',
                        'verbose_name_plural': 'importkørsler',
                        'db_table': 'kitos_importrun',
                        'ordering': ['-created_at', '-id'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['queued', 'running', 'valid', 'invalid', 'committed', 'rejected', 'failed'])), name='importrun_status_valid'), models.CheckConstraint(condition=models.Q(('mode__in', ['preview', 'commit'])), name='importrun_mode_valid'), models.CheckConstraint(condition=models.Q(('sha256__regex', '^[0-9a-f]{64}$')), name='importrun_sha256_hex')],
                    },
                    bases=(kitos.tenancy.EditPolicy, models.Model),
                ),
            ],
        ),
        rename_content_types(old_app="kitos", new_app="imports", models=["importrun"]),
    ]
