"""Demo data for the ``loaddemo`` management command: pure data, no Django imports.

Everything here is either a public fact (the 43 forces, their local policing bodies, the Norfolk PEEL 2023-2025
report's dates, grades and finding counts) restated in our own words, or fictional-but-plausible material for the
demo. Every e-mail address and website lives on the reserved ``.example`` TLD.

Dates of the extra demo inspections are relative to "today" (``published_days_ago``) so that the demo always shows
every deadline state; the statutory last day is ``published + 55 days`` and the HMICFRS form deadline
``published + 56 days``.
"""

from __future__ import annotations

import re
from typing import Any, Final, Literal, TypedDict

#: HMICFRS titles use an en dash; spelled as an escape so the source stays ASCII.
EN_DASH: Final[str] = "\u2013"

# --------------------------------------------------------------------------------------------------------------------
# Forces
# --------------------------------------------------------------------------------------------------------------------

#: The 43 territorial police forces of England and Wales, by the short names HMICFRS uses.
FORCES: list[str] = [
    "Avon and Somerset",
    "Bedfordshire",
    "Cambridgeshire",
    "Cheshire",
    "City of London",
    "Cleveland",
    "Cumbria",
    "Derbyshire",
    "Devon and Cornwall",
    "Dorset",
    "Durham",
    "Dyfed-Powys",
    "Essex",
    "Gloucestershire",
    "Greater Manchester",
    "Gwent",
    "Hampshire and Isle of Wight",
    "Hertfordshire",
    "Humberside",
    "Kent",
    "Lancashire",
    "Leicestershire",
    "Lincolnshire",
    "Merseyside",
    "Metropolitan Police Service",
    "Norfolk",
    "North Wales",
    "North Yorkshire",
    "Northamptonshire",
    "Northumbria",
    "Nottinghamshire",
    "South Wales",
    "South Yorkshire",
    "Staffordshire",
    "Suffolk",
    "Surrey",
    "Sussex",
    "Thames Valley",
    "Warwickshire",
    "West Mercia",
    "West Midlands",
    "West Yorkshire",
    "Wiltshire",
]

#: The force the demo deployment serves.
DEMO_FORCE: Final[str] = "Norfolk"

# --------------------------------------------------------------------------------------------------------------------
# Local policing bodies (as of 2024-2025)
# --------------------------------------------------------------------------------------------------------------------

BodyKindValue = Literal["pcc", "pfcc", "mayor", "common_council"]


class BodyData(TypedDict):
    force: str
    kind: BodyKindValue
    name: str
    short_name: str
    shared_inbox: str
    website_url: str


def _body(
    force: str, kind: BodyKindValue, name: str, short_name: str, domain: str = "", mailbox: str = "opcc"
) -> BodyData:
    """One body row. ``domain`` is a fictional host on the reserved ``.example`` TLD; by default
    ``<force-slug>-<kind>.example`` (e.g. ``norfolk-pcc.example``)."""
    if not domain:
        domain = f"{re.sub(r'[^a-z0-9]+', '-', force.lower()).strip('-')}-{kind}.example"
    return {
        "force": force,
        "kind": kind,
        "name": name,
        "short_name": short_name,
        "shared_inbox": f"{mailbox}@{domain}",
        "website_url": f"https://{domain}/",
    }


#: One local policing body per force. PFCCs: Cumbria (fire governance from 2024), Essex, Northamptonshire,
#: Staffordshire. Mayors with PCC functions: London (MOPAC), Greater Manchester, West Yorkshire, South Yorkshire
#: (from May 2024) and York and North Yorkshire (from May 2024, also fire). City of London: the Common Council.
BODIES: list[BodyData] = [
    _body(
        "Avon and Somerset",
        "pcc",
        "Avon and Somerset Police and Crime Commissioner",
        "Avon and Somerset OPCC",
        "avon-somerset-pcc.example",
    ),
    _body("Bedfordshire", "pcc", "Bedfordshire Police and Crime Commissioner", "Bedfordshire OPCC"),
    _body(
        "Cambridgeshire",
        "pcc",
        "Cambridgeshire and Peterborough Police and Crime Commissioner",
        "Cambridgeshire OPCC",
    ),
    _body("Cheshire", "pcc", "Cheshire Police and Crime Commissioner", "Cheshire OPCC"),
    _body(
        "City of London",
        "common_council",
        "Common Council of the City of London",
        "City of London Police Authority",
        "city-of-london-police-authority.example",
        mailbox="policeauthority",
    ),
    _body("Cleveland", "pcc", "Cleveland Police and Crime Commissioner", "Cleveland OPCC"),
    _body("Cumbria", "pfcc", "Cumbria Police, Fire and Crime Commissioner", "Cumbria OPFCC"),
    _body("Derbyshire", "pcc", "Derbyshire Police and Crime Commissioner", "Derbyshire OPCC"),
    _body(
        "Devon and Cornwall",
        "pcc",
        "Devon, Cornwall and the Isles of Scilly Police and Crime Commissioner",
        "Devon and Cornwall OPCC",
        "devon-cornwall-pcc.example",
    ),
    _body("Dorset", "pcc", "Dorset Police and Crime Commissioner", "Dorset OPCC"),
    _body("Durham", "pcc", "Durham Police and Crime Commissioner", "Durham OPCC"),
    _body("Dyfed-Powys", "pcc", "Dyfed-Powys Police and Crime Commissioner", "Dyfed-Powys OPCC"),
    _body("Essex", "pfcc", "Essex Police, Fire and Crime Commissioner", "Essex PFCC"),
    _body(
        "Gloucestershire",
        "pcc",
        "Gloucestershire Police and Crime Commissioner",
        "Gloucestershire OPCC",
    ),
    _body(
        "Greater Manchester",
        "mayor",
        "Greater Manchester Combined Authority (Mayor)",
        "GMCA Police and Crime",
        "greater-manchester-ca.example",
        mailbox="policeandcrime",
    ),
    _body("Gwent", "pcc", "Gwent Police and Crime Commissioner", "Gwent OPCC"),
    _body(
        "Hampshire and Isle of Wight",
        "pcc",
        "Hampshire and Isle of Wight Police and Crime Commissioner",
        "Hampshire and Isle of Wight OPCC",
        "hampshire-iow-pcc.example",
    ),
    _body(
        "Hertfordshire", "pcc", "Hertfordshire Police and Crime Commissioner", "Hertfordshire OPCC", "herts-pcc.example"
    ),
    _body("Humberside", "pcc", "Humberside Police and Crime Commissioner", "Humberside OPCC"),
    _body("Kent", "pcc", "Kent Police and Crime Commissioner", "Kent OPCC"),
    _body("Lancashire", "pcc", "Lancashire Police and Crime Commissioner", "Lancashire OPCC"),
    _body(
        "Leicestershire",
        "pcc",
        "Leicester, Leicestershire and Rutland Police and Crime Commissioner",
        "Leicestershire OPCC",
    ),
    _body("Lincolnshire", "pcc", "Lincolnshire Police and Crime Commissioner", "Lincolnshire OPCC"),
    _body("Merseyside", "pcc", "Merseyside Police and Crime Commissioner", "Merseyside OPCC"),
    _body(
        "Metropolitan Police Service",
        "mayor",
        "Mayor's Office for Policing and Crime",
        "MOPAC",
        "mopac.example",
        mailbox="s55",
    ),
    _body("Norfolk", "pcc", "Norfolk Police and Crime Commissioner", "Norfolk OPCC"),
    _body("North Wales", "pcc", "North Wales Police and Crime Commissioner", "North Wales OPCC"),
    _body(
        "North Yorkshire",
        "mayor",
        "York and North Yorkshire Mayor",
        "York and North Yorkshire Policing, Fire and Crime",
        "york-north-yorkshire-ca.example",
        mailbox="policingfireandcrime",
    ),
    _body(
        "Northamptonshire",
        "pfcc",
        "Northamptonshire Police, Fire and Crime Commissioner",
        "Northamptonshire OPFCC",
        "northamptonshire-pfcc.example",
    ),
    _body("Northumbria", "pcc", "Northumbria Police and Crime Commissioner", "Northumbria OPCC"),
    _body(
        "Nottinghamshire",
        "pcc",
        "Nottinghamshire Police and Crime Commissioner",
        "Nottinghamshire OPCC",
        "nottinghamshire-pcc.example",
    ),
    _body("South Wales", "pcc", "South Wales Police and Crime Commissioner", "South Wales OPCC"),
    _body(
        "South Yorkshire",
        "mayor",
        "South Yorkshire Mayoral Combined Authority (Mayor)",
        "SYMCA Policing and Crime",
        "south-yorkshire-mca.example",
        mailbox="policingandcrime",
    ),
    _body(
        "Staffordshire",
        "pfcc",
        "Staffordshire Police, Fire and Crime Commissioner",
        "Staffordshire Commissioner's Office",
        "staffordshire-pfcc.example",
    ),
    _body("Suffolk", "pcc", "Suffolk Police and Crime Commissioner", "Suffolk OPCC"),
    _body("Surrey", "pcc", "Surrey Police and Crime Commissioner", "Surrey OPCC"),
    _body("Sussex", "pcc", "Sussex Police and Crime Commissioner", "Sussex OPCC"),
    _body("Thames Valley", "pcc", "Thames Valley Police and Crime Commissioner", "Thames Valley OPCC"),
    _body("Warwickshire", "pcc", "Warwickshire Police and Crime Commissioner", "Warwickshire OPCC"),
    _body("West Mercia", "pcc", "West Mercia Police and Crime Commissioner", "West Mercia OPCC"),
    _body(
        "West Midlands",
        "pcc",
        "West Midlands Police and Crime Commissioner",
        "West Midlands OPCC",
        "west-midlands-pcc.example",
    ),
    _body(
        "West Yorkshire",
        "mayor",
        "West Yorkshire Mayor",
        "West Yorkshire Mayor (Policing and Crime)",
        "west-yorkshire-ca.example",
        mailbox="policingandcrime",
    ),
    _body("Wiltshire", "pcc", "Wiltshire and Swindon Police and Crime Commissioner", "Wiltshire OPCC"),
]

#: The body the demo deployment serves (its row in BODIES is the one to mark ``active``).
DEMO_BODY_NAME: Final[str] = "Norfolk Police and Crime Commissioner"

# --------------------------------------------------------------------------------------------------------------------
# Publication types and the office-use checklist
# --------------------------------------------------------------------------------------------------------------------

PUBLICATION_TYPES: list[str] = [
    "PEEL",
    "Thematic",
    "Joint",
    "Custody",
    "Crime data integrity",
    "Child protection",
    "Spotlight",
    "Super-complaint",
    "Vetting",
    "Counter-corruption",
]


class ChecklistStepData(TypedDict):
    key: str
    label: str
    required: bool
    order: int
    evidence_hint: str


CHECKLIST_STEPS: list[ChecklistStepData] = [
    {
        "key": "forwarded_to_chief_constable",
        "label": "Response forwarded to the chief constable",
        "required": True,
        "order": 10,
        "evidence_hint": "Who it was sent to, e.g. the chief constable's staff officer",
    },
    {
        "key": "forwarded_to_panel",
        "label": "Response forwarded to the Police and Crime Panel",
        "required": True,
        "order": 20,
        "evidence_hint": "Who it was sent to, e.g. the panel's scrutiny officer",
    },
    {
        "key": "published_on_website",
        "label": "Response published on the OPCC website",
        "required": True,
        "order": 30,
        "evidence_hint": "The published URL",
    },
    {
        "key": "submitted_to_portal",
        "label": "Response submitted to the HMICFRS monitoring portal",
        "required": True,
        "order": 40,
        "evidence_hint": "The portal reference",
    },
    {
        "key": "copied_to_home_secretary",
        "label": "Copy sent to the Home Secretary",
        "required": False,
        "order": 50,
        "evidence_hint": "Date sent and the Home Office mailbox or reference",
    },
]

# --------------------------------------------------------------------------------------------------------------------
# The reference inspection: Norfolk PEEL 2023-2025 (published 24 September 2024)
# --------------------------------------------------------------------------------------------------------------------

#: Facts from the reference response; every piece of prose is a summary in our own words.
#: Keys: title, published_on, publication_types, forces, report_url, key_findings, grades [(area, grade)],
#: recommendations [], areas_for_improvement [17], afi_explanations [17], cc_invited_on, comments_due,
#: cc_comments_received_on, cc_comments, body_comments, response_to_cc, checklist_done {step key: ISO date},
#: checklist_evidence {step key: evidence}, response_published_on, response_published_url.
NORFOLK_PEEL: dict[str, Any] = {
    "title": f"Police effectiveness, efficiency and legitimacy {EN_DASH} An inspection of Norfolk Constabulary",
    "published_on": "2024-09-24",
    "publication_types": ["PEEL"],
    "forces": ["Norfolk"],
    "report_url": "https://justiceinspectorates.gov.uk",
    "key_findings": (
        f"This PEEL assessment, made under the 2023{EN_DASH}2025 framework, grades Norfolk Constabulary in nine "
        "areas of policing. The inspectorate now puts more weight on the outcomes forces achieve for the public, "
        "so these grades are not directly comparable with those from the previous cycle.\n\n"
        "Crime recording is a clear strength and is graded outstanding, helped by a dedicated team that audits "
        "reports of crime and antisocial behaviour. The force still prevents and deters crime well, engages closely "
        "with its varied communities and uses antisocial behaviour powers firmly, though the way it records "
        "antisocial behaviour needs attention. Stop and search is generally used fairly, with grounds usually "
        "recorded properly and strong external scrutiny.\n\n"
        "A concerted review has raised investigation standards and supervision. The force charges suspects more "
        "often than most forces, but it does not yet reliably secure the right outcome for every victim. Its "
        "response to the public needs to improve: attendance is too slow at every priority level and too many "
        "non-emergency calls are abandoned, while emergency calls are answered quickly but narrowly miss the "
        "national target.\n\n"
        "Protecting vulnerable people and managing offenders both require improvement. Demand in the "
        "multi-agency safeguarding hub is not well controlled, information is not always passed to partners and "
        "standard-risk domestic abuse cases lack oversight. Early concerns about managing registered sex offenders "
        "and safeguarding children online were dealt with promptly by reducing workloads.\n\n"
        "Day-to-day business is well run and leaders get good-quality performance information, but the force has "
        "been slow to invest in technology that could raise productivity and help it absorb changing demand."
    ),
    "grades": [
        ("Recording data about crime", "outstanding"),
        ("Preventing crime", "good"),
        ("Treatment of the public and use of police powers", "adequate"),
        ("Investigating crime", "adequate"),
        ("Developing a positive workplace", "adequate"),
        ("Leadership and force management", "adequate"),
        ("Responding to the public", "requires_improvement"),
        ("Protecting vulnerable people", "requires_improvement"),
        ("Managing offenders", "requires_improvement"),
    ],
    "recommendations": [],
    "areas_for_improvement": [
        "Record equality data more completely.",
        "Record use of force accurately and address disproportionality and injuries caused.",
        "Attend incidents within the force's own target times.",
        "Cut the number of abandoned 101 calls.",
        "Manage incidents graded for a response within 24 hours better.",
        "Allocate investigations to staff with the right skills and experience.",
        "Achieve appropriate outcomes for victims more consistently.",
        "Make more use of preventative orders, alongside bail, to protect vulnerable people.",
        "Strengthen governance and oversight of every domestic abuse incident.",
        "Give the multi-agency safeguarding hub enough trained staff for its demand.",
        "Lower the number of offenders each offender manager supervises.",
        "Train everyone managing sexual and violent offenders in specialist digital tools.",
        "Have the online child safeguarding team reassess a suspect's risk whenever it changes.",
        "Make sure supervisors are trained and skilled for their role.",
        "Make the professional development review process effective and valued.",
        "Do more to understand, manage and reduce demand.",
        "Keep investing in new technology to increase productivity.",
    ],
    "afi_explanations": [
        "The Commissioner has raised the limits of the national crime recording system with the Chief Constable and "
        "will review progress on equality data at the quarterly accountability meeting.",
        "The force is auditing use-of-force returns to test their accuracy; the OPCC will receive the findings and "
        "the resulting action plan.",
        "Attendance times are now a standing item in the performance report to the Commissioner, broken down by "
        "priority grade.",
        "The force is scoping technology for non-emergency contact; the Commissioner has asked for monthly 101 "
        "abandonment figures and for the effect of the online-reporting message to be measured.",
        "A revised policy for scheduled (24-hour) incidents is being drafted; the OPCC will review it before launch.",
        "The force is reviewing how crimes are allocated against investigator skills, with supporting training "
        "through its investigation standards programme.",
        "Outcomes for victims will be examined at the OPCC's victims' services board alongside victim satisfaction "
        "data.",
        "Supervisors are being reminded of preventative orders through guidance and briefings; the Commissioner will "
        "seek data on their use at the next accountability meeting.",
        "The force is extending supervisory review to standard-risk domestic abuse cases; the OPCC will follow this "
        "through the domestic abuse partnership board.",
        "A review of the multi-agency safeguarding hub is under way; the Commissioner will discuss its staffing and "
        "partner capacity with the safeguarding partnerships.",
        "Investment in the public protection unit has already reduced caseloads; the OPCC will track the ratio each "
        "quarter.",
        "Specialist digital tools training has been scheduled for all offender managers; completion will be "
        "reported to the Commissioner.",
        "The team's risk reassessment procedure has been updated and staffing increased; the OPCC will seek "
        "assurance through the next audit.",
        "A refreshed first-line supervisor development programme is being introduced across the force.",
        "The force is simplifying its professional development review process after consulting officers and staff.",
        "The force's demand management plan will be reviewed by the OPCC as part of the annual budget and precept "
        "setting process.",
        "The Commissioner supports investment in automation and digital contact, subject to affordability in the "
        "medium-term financial plan.",
    ],
    "cc_invited_on": "2024-09-26",
    "comments_due": "2024-10-25",
    "cc_comments_received_on": "2024-10-24",
    "cc_comments": (
        "The Chief Constable sees the report as recognising many strengths and largely accepts the areas for "
        "improvement. He points to sustained good performance in preventing crime and antisocial behaviour, praise "
        "for neighbourhood policing and partnership problem-solving, better-recorded and well-scrutinised stop and "
        "search, and clear progress on investigation standards and victim contact, backed by high positive outcome "
        "and charge rates.\n\n"
        "On contact, he notes that emergency calls are answered among the fastest in the country, just short of the "
        "national target, and explains that fuller triage and advice, introduced after the 2021 inspection, lengthen "
        "non-emergency waiting times; he intends to reduce abandoned calls and is scoping technology to help. He "
        "accepts the concerns about the safeguarding hub, domestic abuse risk assessment and information sharing, "
        "reports that a review of the hub has begun, and says early concerns about sex offender management and "
        "online child safeguarding have been resolved through investment.\n\n"
        "He accepts that the force must invest more in digital solutions, welcomes the findings on leadership, data "
        "quality and affordable financial plans, and cautions that most improvements need investment in people or "
        "technology, that moving staff would weaken other services, and that policing needs more funding."
    ),
    "body_comments": (
        "The Commissioner welcomes the recognition of outstanding crime recording and good crime prevention, the "
        "specialist service given to victims of rape and serious sexual offences, the force's engagement with victims "
        "and stakeholders, and its strong safeguarding governance, and accepts that the areas for improvement point "
        "to weaknesses worth addressing.\n\n"
        "The Commissioner attributes gaps in equality data largely to the national recording system and will keep "
        "discussing a future system with the Chief Constable; questions whether unusual use-of-force figures reflect "
        "under-recording and is reassured by the force's work to check them; commits the office to making the stop "
        "and search scrutiny panel more accessible; and expects the national neighbourhood policing commitment and "
        "better training to reduce abstraction of neighbourhood officers.\n\n"
        "On contact, the Commissioner supports technology for non-emergency calls, wants to learn whether the "
        "online-reporting message drives abandonment, and queries the evidence behind an emergency-call target no "
        "force meets. The Commissioner challenges the remark about inexperienced investigators given strong "
        "detection rates, and notes that improvements in the safeguarding hub depend on partners' capacity, which "
        "will be raised across the criminal justice system."
    ),
    "response_to_cc": (
        "The Commissioner thanks the Chief Constable for a full and candid response and shares the view that the "
        "report describes a force with many strengths. Progress against all 17 areas for improvement will be "
        "followed through the regular accountability meetings, with particular attention to non-emergency call "
        "handling, the safeguarding hub review and investment in technology."
    ),
    "checklist_done": {
        "forwarded_to_chief_constable": "2024-11-14",
        "forwarded_to_panel": "2024-11-15",
        "published_on_website": "2024-11-15",
        "submitted_to_portal": "2024-11-18",
    },
    "checklist_evidence": {
        "forwarded_to_chief_constable": "Emailed to the Chief Constable's staff officer",
        "forwarded_to_panel": "Emailed to the Norfolk Police and Crime Panel scrutiny officer",
        "published_on_website": "https://norfolk-pcc.example/s55/peel-2024",
        "submitted_to_portal": "MON-2024-NFK-0917",
    },
    "response_published_on": "2024-11-15",
    "response_published_url": "https://norfolk-pcc.example/s55/peel-2024",
}

# --------------------------------------------------------------------------------------------------------------------
# Extra demo inspections, dated relative to today
# --------------------------------------------------------------------------------------------------------------------

FindingKindValue = Literal["recommendation", "afi", "cause_of_concern"]
DemoState = Literal["due_in_40", "due_in_5", "due_today", "overdue", "published_not_submitted", "national_thematic"]


class FindingData(TypedDict, total=False):
    kind: FindingKindValue  # required in practice
    number: int  # required in practice
    text: str  # required in practice
    explanation: str  # the demo body's s55(5B) explanation; absent = left unexplained by the demo


#: published_days_ago for each state (statutory last day = published + 55 days).
STATE_PUBLISHED_DAYS_AGO: dict[str, int] = {
    "due_in_40": 15,
    "due_in_5": 50,
    "due_today": 55,
    "overdue": 62,
    "published_not_submitted": 45,
    "national_thematic": 20,
}

#: Keys of each entry: title, published_days_ago, publication_types, forces (list or "ALL"), report_url,
#: key_findings, findings [FindingData], state; optional ``response`` dict describing how far the demo body has got:
#: cc_invited_days_ago, cc_comments_received_days_ago, cc_comments, body_comments, response_to_cc,
#: published_days_ago, published_url, checklist_done_days_ago {step key: days ago}, checklist_evidence {step key: text}.
DEMO_INSPECTIONS: list[dict[str, Any]] = [
    {
        "title": "Report on an unannounced inspection visit to police custody suites in Norfolk and Suffolk",
        "published_days_ago": 15,
        "publication_types": ["Custody", "Joint"],
        "forces": ["Norfolk", "Suffolk"],
        "report_url": "https://hmicfrs.example/publications/custody-norfolk-suffolk/",
        "key_findings": (
            "Detainees were generally treated respectfully in clean suites, but oversight of the use of force in "
            "custody was weak and some detainees waited too long for healthcare."
        ),
        "findings": [
            {
                "kind": "cause_of_concern",
                "number": 1,
                "text": "Governance of use of force in custody is not effective enough to assure leaders that force "
                "is always necessary and proportionate.",
            },
            {
                "kind": "recommendation",
                "number": 1,
                "text": "The forces should put in place robust oversight of every use of force in custody, "
                "including regular review of footage.",
            },
            {
                "kind": "recommendation",
                "number": 2,
                "text": "The forces and their healthcare provider should make sure detainees are seen promptly "
                "by a healthcare professional when they need to be.",
            },
            {
                "kind": "afi",
                "number": 1,
                "text": "Record the reasons for removing detainees' clothing in every case.",
            },
            {
                "kind": "afi",
                "number": 2,
                "text": "Offer all detainees information about their rights in a format they understand.",
            },
        ],
        "state": "due_in_40",
        "response": {"cc_invited_days_ago": 12},
    },
    {
        "title": "Spotlight report: how well Norfolk Constabulary responds to reports of missing people",
        "published_days_ago": 50,
        "publication_types": ["Spotlight"],
        "forces": ["Norfolk"],
        "report_url": "https://hmicfrs.example/publications/spotlight-missing-people-norfolk/",
        "key_findings": (
            "The constabulary risk-assesses most missing person reports well, but return interviews are not "
            "always used to reduce the risk of children going missing again."
        ),
        "findings": [
            {
                "kind": "afi",
                "number": 1,
                "text": "Make better use of return home interview information to prevent repeat missing episodes.",
                "explanation": "The OPCC will ask the constabulary for an update on information sharing with the "
                "county council's return interview service at the next accountability meeting.",
            },
            {
                "kind": "afi",
                "number": 2,
                "text": "Make sure supervisors review risk assessments at each set interval.",
            },
        ],
        "state": "due_in_5",
        "response": {
            "cc_invited_days_ago": 45,
            "cc_comments_received_days_ago": 20,
            "cc_comments": "The Chief Constable welcomes the report and has asked the missing persons lead to "
            "refresh the force's guidance on reviewing risk.",
            "body_comments": "The Commissioner welcomes the recognition of good initial risk assessment and will "
            "follow the two areas for improvement closely.",
        },
    },
    {
        "title": f"An inspection of vetting, misconduct and counter-corruption {EN_DASH} Norfolk Constabulary",
        "published_days_ago": 55,
        "publication_types": ["Vetting", "Counter-corruption"],
        "forces": ["Norfolk"],
        "report_url": "https://hmicfrs.example/publications/vetting-counter-corruption-norfolk/",
        "key_findings": (
            "Vetting decisions were mostly sound and well recorded, but the counter-corruption unit lacks the "
            "capacity to assess all the intelligence it receives."
        ),
        "findings": [
            {
                "kind": "recommendation",
                "number": 1,
                "text": "By the end of the year, the chief constable should make sure the counter-corruption unit "
                "has enough trained staff to assess all corruption intelligence promptly.",
                "explanation": "The Chief Constable has approved two additional intelligence analyst posts; the "
                "Commissioner will monitor recruitment and the backlog through the quarterly performance report.",
            },
            {
                "kind": "recommendation",
                "number": 2,
                "text": "The chief constable should make sure vetting clearance is renewed before it expires for "
                "every member of the workforce.",
                "explanation": "A renewal tracker is now reviewed monthly by the head of professional standards; "
                "the OPCC will receive the figures each quarter.",
            },
            {
                "kind": "afi",
                "number": 1,
                "text": "Monitor the use of force IT systems more proactively to detect misuse.",
            },
        ],
        "state": "due_today",
        "response": {
            "cc_invited_days_ago": 50,
            "cc_comments_received_days_ago": 10,
            "cc_comments": "The Chief Constable accepts both recommendations and has already funded more capacity "
            "in the counter-corruption unit.",
            "body_comments": "The Commissioner welcomes the findings on vetting and supports the investment in "
            "counter-corruption capacity.",
            "response_to_cc": "The Commissioner thanks the Chief Constable and will track delivery of both "
            "recommendations.",
        },
    },
    {
        "title": "National child protection inspection: Norfolk Constabulary",
        "published_days_ago": 62,
        "publication_types": ["Child protection"],
        "forces": ["Norfolk"],
        "report_url": "https://hmicfrs.example/publications/child-protection-norfolk/",
        "key_findings": (
            "Officers show real commitment to protecting children, but the quality of initial assessments and "
            "referrals to partner agencies is inconsistent."
        ),
        "findings": [
            {
                "kind": "recommendation",
                "number": 1,
                "text": "Within six months, the constabulary should make sure officers record the voice and "
                "views of the child in every child protection referral.",
                "explanation": "Body-worn video prompts and a revised referral template were introduced last month; "
                "the OPCC will dip-sample referrals with the safeguarding partnership.",
            },
            {
                "kind": "recommendation",
                "number": 2,
                "text": "The constabulary should make sure strategy discussions take place promptly whenever a "
                "child may be at risk of significant harm.",
            },
            {
                "kind": "recommendation",
                "number": 3,
                "text": "The constabulary should improve supervisory oversight of child abuse investigations.",
                "explanation": "Investigation supervisors now review every child abuse case at set points; "
                "compliance is reported to the Commissioner each quarter.",
            },
            {
                "kind": "afi",
                "number": 1,
                "text": "Improve the timeliness of responses to children reported missing from care.",
            },
        ],
        "state": "overdue",
        "response": {
            "cc_invited_days_ago": 58,
            "cc_comments_received_days_ago": 20,
            "cc_comments": "The Chief Constable accepts the recommendations and has set up a child protection "
            "improvement board.",
        },
    },
    {
        "title": "An inspection of how well Norfolk Constabulary records crime: crime data integrity",
        "published_days_ago": 45,
        "publication_types": ["Crime data integrity"],
        "forces": ["Norfolk"],
        "report_url": "https://hmicfrs.example/publications/crime-data-integrity-norfolk/",
        "key_findings": (
            "The constabulary records the great majority of reported crime correctly, but some reports of "
            "behavioural crimes linked to domestic abuse are missed."
        ),
        "findings": [
            {
                "kind": "recommendation",
                "number": 1,
                "text": "Within three months, the constabulary should make sure reports of controlling or coercive "
                "behaviour are recorded as crimes when they should be.",
                "explanation": "Refresher training for control room and domestic abuse staff has been delivered; "
                "the force crime registrar will audit recording monthly and report to the OPCC.",
            },
            {
                "kind": "recommendation",
                "number": 2,
                "text": "The constabulary should make sure crimes are recorded within 24 hours of the report "
                "being received.",
                "explanation": "Daily review of incidents awaiting a crime decision has been introduced; timeliness "
                "is now part of the Commissioner's performance dashboard.",
            },
            {
                "kind": "afi",
                "number": 1,
                "text": "Make sure cancelled crime records are authorised in line with the Home Office rules.",
                "explanation": "Cancellation decisions are now made only by the force crime registrar's team.",
            },
        ],
        "state": "published_not_submitted",
        "response": {
            "cc_invited_days_ago": 40,
            "cc_comments_received_days_ago": 20,
            "cc_comments": "The Chief Constable is pleased that the inspection found recording accuracy high and "
            "has acted on both recommendations.",
            "body_comments": "The Commissioner welcomes the report's findings on accurate crime recording and "
            "will oversee the audit of controlling or coercive behaviour recording.",
            "response_to_cc": "The Commissioner thanks the Chief Constable for acting on the recommendations so "
            "quickly.",
            "published_days_ago": 3,
            "published_url": "https://norfolk-pcc.example/s55/crime-data-integrity",
            "checklist_done_days_ago": {
                "forwarded_to_chief_constable": 4,
                "forwarded_to_panel": 3,
                "published_on_website": 3,
                "copied_to_home_secretary": 2,
            },
            "checklist_evidence": {
                "published_on_website": "https://norfolk-pcc.example/s55/crime-data-integrity",
            },
        },
    },
    {
        "title": "An inspection of how well the police manage digital forensic demand",
        "published_days_ago": 20,
        "publication_types": ["Thematic"],
        "forces": "ALL",
        "report_url": "https://hmicfrs.example/publications/digital-forensic-demand/",
        "key_findings": (
            "Across England and Wales, backlogs of devices awaiting examination delay investigations and leave "
            "victims waiting, and few forces understand their future digital forensic demand."
        ),
        "findings": [
            {
                "kind": "recommendation",
                "number": 1,
                "text": "By the end of next year, chief constables should make sure their forces understand current "
                "and future digital forensic demand and plan capacity to meet it.",
            },
            {
                "kind": "recommendation",
                "number": 2,
                "text": "Chief constables should make sure devices are triaged so that the most urgent examinations "
                "are prioritised and victims are kept informed.",
            },
            {
                "kind": "recommendation",
                "number": 3,
                "text": "Chief constables should make sure digital forensic units meet the required quality "
                "standards for their accreditation.",
            },
        ],
        "state": "national_thematic",
    },
]

# --------------------------------------------------------------------------------------------------------------------
# Demo users of the Norfolk body (passwords are set by loaddemo, not stored here)
# --------------------------------------------------------------------------------------------------------------------


class DemoUserData(TypedDict):
    username: str
    role: Literal["admin", "editor", "viewer"]
    first_name: str
    last_name: str
    email: str
    body: str


DEMO_USERS: list[DemoUserData] = [
    {
        "username": "admin",
        "role": "admin",
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "priya.shah@norfolk-pcc.example",
        "body": DEMO_BODY_NAME,
    },
    {
        "username": "editor",
        "role": "editor",
        "first_name": "Tom",
        "last_name": "Hayward",
        "email": "tom.hayward@norfolk-pcc.example",
        "body": DEMO_BODY_NAME,
    },
    {
        "username": "viewer",
        "role": "viewer",
        "first_name": "Grace",
        "last_name": "Okafor",
        "email": "grace.okafor@norfolk-pcc.example",
        "body": DEMO_BODY_NAME,
    },
]
