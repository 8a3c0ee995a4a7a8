# The usage record's stored values in the new vocabularies, and its option lists. A
# migration of its own: in one transaction with 0007's schema changes, PostgreSQL refuses
# the deferred CREATE INDEX statements after these UPDATEs ("pending trigger events").

from django.db import migrations

# Old user-count bands -> OS2KITOS's bands (the old upper bounds were the next band's
# lower bound, so "10-50" is 10–49 and so on).
USER_COUNTS = {"lt10": "below_10", "10-50": "10_49", "50-100": "50_99",
               "100-500": "100_499", "gt500": "500_plus"}
# Old archive duties -> OS2KITOS's: "partial" preservation is parts of data kept and a
# subset discarded (D+D); "no archive duty" means the data may be discarded (K);
# "undecided" is OS2KITOS's blank.
ARCHIVE_DUTIES = {"partial": "DD", "none": "K", "undecided": ""}


def convert_values(apps, schema_editor):
    """The stored values in the new vocabularies. socially_critical was a boolean: the
    column type change cast it to 'true'/'false'; true is Ja, false was only the default,
    so it becomes unanswered."""
    usage = apps.get_model("portfolio", "SystemUsage")
    usage.objects.filter(socially_critical="true").update(socially_critical="yes")
    usage.objects.exclude(socially_critical__in=["yes", "no", "unknown"]).update(
        socially_critical="")
    for old, new in USER_COUNTS.items():
        usage.objects.filter(user_count=old).update(user_count=new)
    for old, new in ARCHIVE_DUTIES.items():
        usage.objects.filter(archive_duty=old).update(archive_duty=new)


def convert_back(apps, schema_editor):
    usage = apps.get_model("portfolio", "SystemUsage")
    usage.objects.filter(socially_critical="yes").update(socially_critical="true")
    usage.objects.exclude(socially_critical="true").update(socially_critical="false")
    for old, new in USER_COUNTS.items():
        usage.objects.filter(user_count=new).update(user_count=old)
    usage.objects.filter(archive_duty="DD").update(archive_duty="partial")
    usage.objects.exclude(archive_duty__in=["B", "K", "partial"]).exclude(
        archive_duty="").update(archive_duty="undecided")


def load_option_lists(apps, schema_editor):
    """The usage's option lists with their standard entries (kitos.options)."""
    from kitos.options import ensure_options
    from portfolio.option_lists import USAGE_KINDS

    ensure_options(apps, USAGE_KINDS)


class Migration(migrations.Migration):

    dependencies = [
        ('portfolio', '0007_usage_record'),
    ]

    operations = [
        migrations.RunPython(convert_values, convert_back),
        migrations.RunPython(load_option_lists, migrations.RunPython.noop),
    ]
