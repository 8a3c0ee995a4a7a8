"""The standard role type "Contract manager" is called Kontraktansvarlig: role names are
shown as they are in the Danish UI. Only the untouched standard name is renamed; an
organisation's own wording is kept."""

from django.db import migrations

RENAMED = {"contract-manager": ("Contract manager", "Kontraktansvarlig")}


def rename(apps, schema_editor, *, reverse=False):
    RoleType = apps.get_model("roles", "RoleType")
    for code, (english, danish) in RENAMED.items():
        old, new = (danish, english) if reverse else (english, danish)
        RoleType.objects.filter(organisation=None, code=code, name=old).update(name=new)


class Migration(migrations.Migration):
    dependencies = [("roles", "0003_list_route_names")]

    operations = [
        migrations.RunPython(rename, lambda apps, editor: rename(apps, editor, reverse=True)),
    ]
