"""KLE taxonomy and KL's standard processing activities, read from KL's list
(portfolio/data/kl-behandlingsaktiviteter-kle.csv: number; activity; KLE main group; KLE
group; KLE level 3); and the one rule for when a tagged KLE number serves a task.

A number serves a KLE task when it is the same, a number under it (the task is the group
"27.12", the system is tagged with the topic "27.12.04") or a number above it (the system
covers the whole group the task is in). The duplicate check of new-system requests, the
usage list's ``kle_task`` filter and the landscape's duplicates and KLE coverage all use
``kle_match`` (in SQL) or ``kle_serves`` (in Python, the same rule)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce

from kitos.db import JoinedText, split_joined

from .models import ItSystem, KleNumber, SystemUsage

KL_ACTIVITIES_CSV = Path(__file__).resolve().parent / "data" / "kl-behandlingsaktiviteter-kle.csv"

# "15. 00. Organisering ..." or "15.00.05. Beskæftigelsesindsats ..." -> number, title
_KLE_LABEL = re.compile(r"^\s*(\d{2})\.\s*(?:(\d{2})\.\s*)?(?:(\d{2})\.\s*)?(.*?)\s*$")
_LOOSE_KLE_LABEL = re.compile(r"^\s*\d{1,2}\.\s*(\D.*?)\s*$")


def kle_ancestors(number: str) -> list[str]:
    """"15.00.05" -> ["15", "15.00"]."""
    parts = number.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def kle_match(numbers: list[str], prefix: str = "") -> Q:
    """KLE numbers (at `prefix`, the path to a KleNumber) that serve any of the tasks
    `numbers`: the same, under one of them or above one of them."""
    exact = set(numbers)
    for number in numbers:
        exact.update(kle_ancestors(number))
    condition = Q(**{f"{prefix}number__in": sorted(exact)})
    for number in numbers:
        condition |= Q(**{f"{prefix}number__startswith": f"{number}."})
    return condition


def kle_serves(tagged: str, task: str) -> bool:
    """``kle_match`` for one tagged number and one task, without the database."""
    return tagged == task or task.startswith(f"{tagged}.") or tagged.startswith(f"{task}.")


def parse_kle_label(label: str) -> tuple[str, str] | None:
    match = _KLE_LABEL.match(label or "")
    if not match:
        return None
    parts = [p for p in match.groups()[:3] if p]
    return ".".join(parts), match.group(4)


UNTITLED_GROUP = "(uden titel i KL's liste)"


@dataclass
class StandardActivity:
    number: str
    name: str
    kle_numbers: list[str] = field(default_factory=list)


def read_kl_list(path: Path = KL_ACTIVITIES_CSV):
    """The KLE nodes (number -> title) and the standard activities of KL's list."""
    nodes: dict[str, str] = {}
    activities: dict[str, StandardActivity] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)  # header
        for row in reader:
            if len(row) < 5 or not row[0].strip():
                continue
            number, name = row[0].strip(), " ".join(row[1].split())
            # A few rows leave the name empty; they still add KLE numbers to the activity
            # with the same number, so they must not be skipped.
            activity = activities.setdefault(number, StandardActivity(number, name))
            if not activity.name:
                activity.name = name
            leaf = parse_kle_label(row[4]) or parse_kle_label(row[3])
            for level, label in enumerate(row[2:5], start=1):
                parsed = parse_kle_label(label)
                loose = _LOOSE_KLE_LABEL.match(label) if parsed is None and leaf else None
                if loose:
                    # A mistyped number ("4. Uddannelse" for main group 54): the topic's
                    # own number says which node the title belongs to.
                    parsed = ".".join(leaf[0].split(".")[:level]), loose.group(1)
                if parsed:
                    nodes.setdefault(*parsed)
            if leaf and leaf[0] not in activity.kle_numbers:
                activity.kle_numbers.append(leaf[0])
    # Every topic hangs under its group, also where the file gives no title for the group
    # (08.25 appears only as a topic label in the group column).
    for number in list(nodes):
        parts = number.split(".")
        for length in range(1, len(parts)):
            nodes.setdefault(".".join(parts[:length]), UNTITLED_GROUP)
    return nodes, list(activities.values())


@transaction.atomic
def load_kle(path: Path = KL_ACTIVITIES_CSV) -> int:
    """Create the KLE nodes that do not exist yet (parents first). Returns how many."""
    nodes, _ = read_kl_list(path)
    existing = set(KleNumber.objects.values_list("number", flat=True))
    missing = sorted(set(nodes) - existing, key=lambda n: (n.count("."), n))
    by_number = {k.number: k for k in KleNumber.objects.all()}
    for number in missing:
        parent_number = number.rsplit(".", 1)[0] if "." in number else None
        by_number[number] = KleNumber.objects.create(
            number=number, title=nodes[number][:300], parent=by_number.get(parent_number)
        )
    return len(missing)


# -- a usage's tasks: the catalog system's KLE with the usage's local deviations ---------


def effective_kle(usage, system):
    """The KLE numbers a usage serves (OS2KITOS "Lokale KLE"): its catalog system's
    numbers minus those the usage opted out of (``kle_removed``) plus those it added
    (``kle_added``). `usage` and `system` are ids, or ``OuterRef(OuterRef(...))`` inside
    a query over usages (``with_effective_kle``): the one definition the usage page, the
    API and the export read."""
    inherited = ItSystem.kle_numbers.through.objects.filter(
        itsystem=system, klenumber=OuterRef("pk"))
    removed = SystemUsage.kle_removed.through.objects.filter(
        systemusage=usage, klenumber=OuterRef("pk"))
    added = SystemUsage.kle_added.through.objects.filter(
        systemusage=usage, klenumber=OuterRef("pk"))
    return KleNumber.objects.filter((Exists(inherited) & ~Exists(removed)) | Exists(added))


def usage_kle(usage):
    """`usage`'s effective KLE numbers, in number order."""
    return effective_kle(usage.pk, usage.system_id).order_by("number")


def effective_kle_numbers():
    """Over usages: their effective KLE numbers joined into one text (``kle_numbers``
    reads it back), one subquery per row; "" for none."""
    numbers = effective_kle(OuterRef(OuterRef("pk")), OuterRef(OuterRef("system_id")))
    # Grouped by a constant, i.e. not grouped: one row with all the numbers.
    joined = (numbers.order_by().annotate(group=Value(1)).values("group")
              .annotate(text=JoinedText("number")).values("text"))
    return Coalesce(Subquery(joined), Value(""), output_field=TextField())


def kle_numbers(joined: str | None) -> list[str]:
    """The numbers of ``effective_kle_numbers``, in number order."""
    return sorted(split_joined(joined))


def with_effective_kle(queryset):
    """Usages with ``effective_kle_numbers`` (lists, the API and the export)."""
    return queryset.annotate(effective_kle_numbers=effective_kle_numbers())
