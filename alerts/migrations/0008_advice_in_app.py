"""An advice's send becomes an in-app alert: AlertDelivery gets `advice_sent`, its rule
may be empty (one or the other), one entry per send and user."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0007_advice'),
    ]

    operations = [
        migrations.AddField(
            model_name='alertdelivery',
            name='advice_sent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='alerts.advicesent', verbose_name='sendt advis'),
        ),
        migrations.AlterField(
            model_name='alertdelivery',
            name='rule',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='deliveries', to='alerts.alertrule', verbose_name='regel'),
        ),
        migrations.AddConstraint(
            model_name='alertdelivery',
            constraint=models.UniqueConstraint(condition=models.Q(('advice_sent__isnull', False)), fields=('advice_sent', 'user'), name='alert_delivery_advice_once_per_user', violation_error_message='Brugeren har allerede fået dette advis.'),
        ),
        migrations.AddConstraint(
            model_name='alertdelivery',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('advice_sent__isnull', True), ('rule__isnull', False)), models.Q(('advice_sent__isnull', False), ('rule__isnull', True)), _connector='OR'), name='alert_delivery_rule_or_advice', violation_error_message='Et varsel kommer enten fra en regel eller fra et advis.'),
        ),
    ]
