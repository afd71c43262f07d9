"""The 43 forces of England and Wales, one local policing body for each, and the publication types.

The code relies on these rows (a response belongs to a body, an inspection names its forces and types), so they are
created by ``migrate`` and a production install needs nothing else. Every body starts inactive: ``manage.py
setup_office`` (or the admin) marks the ones a deployment serves. No addresses are set here: each office gives its
own shared inbox when it is set up.

The data is a frozen copy of the bodies as they stood in 2024-2025 (PFCCs, mayors with PCC functions, the Common
Council of the City of London); later changes are made by later migrations or in the admin, never by editing this.

Idempotent: each row is looked up by its name and created only when missing. A database that ``loaddemo`` already
filled, or whose rows an administrator has edited since, is left as it is.

Reverse: a no-op. The rows may have existed before this migration ran, and inspections, responses and users refer
to them (``on_delete=PROTECT``).
"""

from typing import Any

from django.db import migrations

#: (name, slug): the 43 territorial police forces, by the short names HMICFRS uses.
FORCES: list[tuple[str, str]] = [
    ("Avon and Somerset", "avon-and-somerset"),
    ("Bedfordshire", "bedfordshire"),
    ("Cambridgeshire", "cambridgeshire"),
    ("Cheshire", "cheshire"),
    ("City of London", "city-of-london"),
    ("Cleveland", "cleveland"),
    ("Cumbria", "cumbria"),
    ("Derbyshire", "derbyshire"),
    ("Devon and Cornwall", "devon-and-cornwall"),
    ("Dorset", "dorset"),
    ("Durham", "durham"),
    ("Dyfed-Powys", "dyfed-powys"),
    ("Essex", "essex"),
    ("Gloucestershire", "gloucestershire"),
    ("Greater Manchester", "greater-manchester"),
    ("Gwent", "gwent"),
    ("Hampshire and Isle of Wight", "hampshire-and-isle-of-wight"),
    ("Hertfordshire", "hertfordshire"),
    ("Humberside", "humberside"),
    ("Kent", "kent"),
    ("Lancashire", "lancashire"),
    ("Leicestershire", "leicestershire"),
    ("Lincolnshire", "lincolnshire"),
    ("Merseyside", "merseyside"),
    ("Metropolitan Police Service", "metropolitan-police-service"),
    ("Norfolk", "norfolk"),
    ("North Wales", "north-wales"),
    ("North Yorkshire", "north-yorkshire"),
    ("Northamptonshire", "northamptonshire"),
    ("Northumbria", "northumbria"),
    ("Nottinghamshire", "nottinghamshire"),
    ("South Wales", "south-wales"),
    ("South Yorkshire", "south-yorkshire"),
    ("Staffordshire", "staffordshire"),
    ("Suffolk", "suffolk"),
    ("Surrey", "surrey"),
    ("Sussex", "sussex"),
    ("Thames Valley", "thames-valley"),
    ("Warwickshire", "warwickshire"),
    ("West Mercia", "west-mercia"),
    ("West Midlands", "west-midlands"),
    ("West Yorkshire", "west-yorkshire"),
    ("Wiltshire", "wiltshire"),
]

#: (force, kind, name, short name): one local policing body per force.
BODIES: list[tuple[str, str, str, str]] = [
    ("Avon and Somerset", "pcc", "Avon and Somerset Police and Crime Commissioner", "Avon and Somerset OPCC"),
    ("Bedfordshire", "pcc", "Bedfordshire Police and Crime Commissioner", "Bedfordshire OPCC"),
    ("Cambridgeshire", "pcc", "Cambridgeshire and Peterborough Police and Crime Commissioner", "Cambridgeshire OPCC"),
    ("Cheshire", "pcc", "Cheshire Police and Crime Commissioner", "Cheshire OPCC"),
    ("City of London", "common_council", "Common Council of the City of London", "City of London Police Authority"),
    ("Cleveland", "pcc", "Cleveland Police and Crime Commissioner", "Cleveland OPCC"),
    ("Cumbria", "pfcc", "Cumbria Police, Fire and Crime Commissioner", "Cumbria OPFCC"),
    ("Derbyshire", "pcc", "Derbyshire Police and Crime Commissioner", "Derbyshire OPCC"),
    (
        "Devon and Cornwall",
        "pcc",
        "Devon, Cornwall and the Isles of Scilly Police and Crime Commissioner",
        "Devon and Cornwall OPCC",
    ),
    ("Dorset", "pcc", "Dorset Police and Crime Commissioner", "Dorset OPCC"),
    ("Durham", "pcc", "Durham Police and Crime Commissioner", "Durham OPCC"),
    ("Dyfed-Powys", "pcc", "Dyfed-Powys Police and Crime Commissioner", "Dyfed-Powys OPCC"),
    ("Essex", "pfcc", "Essex Police, Fire and Crime Commissioner", "Essex PFCC"),
    ("Gloucestershire", "pcc", "Gloucestershire Police and Crime Commissioner", "Gloucestershire OPCC"),
    ("Greater Manchester", "mayor", "Greater Manchester Combined Authority (Mayor)", "GMCA Police and Crime"),
    ("Gwent", "pcc", "Gwent Police and Crime Commissioner", "Gwent OPCC"),
    (
        "Hampshire and Isle of Wight",
        "pcc",
        "Hampshire and Isle of Wight Police and Crime Commissioner",
        "Hampshire and Isle of Wight OPCC",
    ),
    ("Hertfordshire", "pcc", "Hertfordshire Police and Crime Commissioner", "Hertfordshire OPCC"),
    ("Humberside", "pcc", "Humberside Police and Crime Commissioner", "Humberside OPCC"),
    ("Kent", "pcc", "Kent Police and Crime Commissioner", "Kent OPCC"),
    ("Lancashire", "pcc", "Lancashire Police and Crime Commissioner", "Lancashire OPCC"),
    (
        "Leicestershire",
        "pcc",
        "Leicester, Leicestershire and Rutland Police and Crime Commissioner",
        "Leicestershire OPCC",
    ),
    ("Lincolnshire", "pcc", "Lincolnshire Police and Crime Commissioner", "Lincolnshire OPCC"),
    ("Merseyside", "pcc", "Merseyside Police and Crime Commissioner", "Merseyside OPCC"),
    ("Metropolitan Police Service", "mayor", "Mayor's Office for Policing and Crime", "MOPAC"),
    ("Norfolk", "pcc", "Norfolk Police and Crime Commissioner", "Norfolk OPCC"),
    ("North Wales", "pcc", "North Wales Police and Crime Commissioner", "North Wales OPCC"),
    ("North Yorkshire", "mayor", "York and North Yorkshire Mayor", "York and North Yorkshire Policing, Fire and Crime"),
    ("Northamptonshire", "pfcc", "Northamptonshire Police, Fire and Crime Commissioner", "Northamptonshire OPFCC"),
    ("Northumbria", "pcc", "Northumbria Police and Crime Commissioner", "Northumbria OPCC"),
    ("Nottinghamshire", "pcc", "Nottinghamshire Police and Crime Commissioner", "Nottinghamshire OPCC"),
    ("South Wales", "pcc", "South Wales Police and Crime Commissioner", "South Wales OPCC"),
    ("South Yorkshire", "mayor", "South Yorkshire Mayoral Combined Authority (Mayor)", "SYMCA Policing and Crime"),
    (
        "Staffordshire",
        "pfcc",
        "Staffordshire Police, Fire and Crime Commissioner",
        "Staffordshire Commissioner's Office",
    ),
    ("Suffolk", "pcc", "Suffolk Police and Crime Commissioner", "Suffolk OPCC"),
    ("Surrey", "pcc", "Surrey Police and Crime Commissioner", "Surrey OPCC"),
    ("Sussex", "pcc", "Sussex Police and Crime Commissioner", "Sussex OPCC"),
    ("Thames Valley", "pcc", "Thames Valley Police and Crime Commissioner", "Thames Valley OPCC"),
    ("Warwickshire", "pcc", "Warwickshire Police and Crime Commissioner", "Warwickshire OPCC"),
    ("West Mercia", "pcc", "West Mercia Police and Crime Commissioner", "West Mercia OPCC"),
    ("West Midlands", "pcc", "West Midlands Police and Crime Commissioner", "West Midlands OPCC"),
    ("West Yorkshire", "mayor", "West Yorkshire Mayor", "West Yorkshire Mayor (Policing and Crime)"),
    ("Wiltshire", "pcc", "Wiltshire and Swindon Police and Crime Commissioner", "Wiltshire OPCC"),
]

#: (name, slug)
PUBLICATION_TYPES: list[tuple[str, str]] = [
    ("PEEL", "peel"),
    ("Thematic", "thematic"),
    ("Joint", "joint"),
    ("Custody", "custody"),
    ("Crime data integrity", "crime-data-integrity"),
    ("Child protection", "child-protection"),
    ("Spotlight", "spotlight"),
    ("Super-complaint", "super-complaint"),
    ("Vetting", "vetting"),
    ("Counter-corruption", "counter-corruption"),
]


def create_reference_data(apps: Any, schema_editor: Any) -> None:
    db = schema_editor.connection.alias
    Force = apps.get_model("inspections", "Force")
    LocalPolicingBody = apps.get_model("inspections", "LocalPolicingBody")
    PublicationType = apps.get_model("inspections", "PublicationType")
    forces = {}
    for name, slug in FORCES:
        forces[name] = Force.objects.using(db).get_or_create(name=name, defaults={"slug": slug})[0]
    for force, kind, name, short_name in BODIES:
        LocalPolicingBody.objects.using(db).get_or_create(
            name=name,
            defaults={"kind": kind, "short_name": short_name, "force": forces[force], "active": False},
        )
    for name, slug in PUBLICATION_TYPES:
        PublicationType.objects.using(db).get_or_create(name=name, defaults={"slug": slug})


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_alter_inspection_published_on"),
    ]

    operations = [
        migrations.RunPython(create_reference_data, migrations.RunPython.noop),
    ]
