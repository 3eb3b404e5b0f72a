"""GB/T 4754: the migration's divisions under their sections, and more classes loaded from a CSV."""

from django.core.management import call_command

from cms.models import Industry


def test_the_migration_loads_every_division_under_its_section(db):
    assert Industry.objects.filter(parent__isnull=True).count() == 20
    assert Industry.objects.get(code="H62").parent.code == "H"
    assert Industry.objects.get(code="H6210").parent.code == "H621"


def test_classes_are_loaded_under_their_longest_known_prefix(db, tmp_path):
    data = tmp_path / "gbt4754.csv"
    data.write_text("C1311,稻谷加工\nC131,谷物磨制\n", encoding="utf-8")
    call_command("industries", "load", str(data))
    assert Industry.objects.get(code="C1311").parent.code == "C131"
    assert Industry.objects.get(code="C131").parent.code == "C13"
