"""Demo data: Police Scotland's 13 local policing divisions, staff in every role (with known
TOTP secrets so people can try signing in), and about fifty realistic cases created through the
real intake pipeline."""

import base64
import hashlib
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from onedoor.accounts.models import Role, Team
from onedoor.accounts.services import user_create
from onedoor.core.models import Area

DEMO_PASSWORD = "onedoor-demo-2026"  # noqa: S105 - documented demo credential, never for production

# (code, name, postcode areas, rural)
DIVISIONS = [
    ("A", "North East", "AB", True),
    ("C", "Forth Valley", "FK", False),
    ("D", "Tayside", "DD PH", True),
    ("E", "Edinburgh City", "EH", False),
    ("G", "Greater Glasgow", "G", False),
    ("J", "The Lothians and Scottish Borders", "TD", True),
    ("K", "Renfrewshire and Inverclyde", "PA", False),
    ("L", "Argyll and West Dunbartonshire", "", True),
    ("N", "Highlands and Islands", "IV KW HS ZE", True),
    ("P", "Fife", "KY", False),
    ("Q", "Lanarkshire", "ML", False),
    ("U", "Ayrshire", "KA", False),
    ("V", "Dumfries and Galloway", "DG", True),
]

# (username, first, last, role, team name or None, collar number)
STAFF = [
    ("advisor", "Aisha", "Khan", Role.ADVISOR, None, "SA1021"),
    ("advisor2", "Callum", "Reid", Role.ADVISOR, None, "SA1044"),
    ("officer", "Morag", "Campbell", Role.OFFICER, "Edinburgh City response", "E4471"),
    ("officer2", "Tomasz", "Nowak", Role.OFFICER, "Greater Glasgow response", "G2210"),
    ("supervisor", "Fiona", "MacLeod", Role.SUPERVISOR, "Edinburgh City response", "E1002"),
    ("auditor", "David", "Brown", Role.AUDITOR, None, ""),
    ("admin", "Sam", "Taylor", Role.ADMIN, None, ""),
]
# A response team in every division, and the resolution team (which takes reports by phone).
TEAMS = [(f"{name} response", code) for code, name, _postcodes, _rural in DIVISIONS] + [("Tayside resolution team", "D")]


def demo_totp_secret(username: str) -> str:
    """A fixed, documented secret per demo account (never use demo accounts in production)."""
    digest = hashlib.sha256(f"onedoor-demo:{username}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def demo_logins_text() -> str:
    lines = ["", f"Demo staff logins (password for all: {DEMO_PASSWORD}):"]
    lines.append(f"  {'username':<11} {'role':<11} TOTP secret (add to an authenticator app, or run: .venv/bin/onedoor totp USERNAME)")
    for username, _first, _last, role, _team, _collar in STAFF:
        lines.append(f"  {username:<11} {role:<11} {demo_totp_secret(username)}")
    return "\n".join(lines)


# (text, channel, answers, location)
CONTACTS = [
    ("Someone is trying to kick my front door in right now, I'm hiding upstairs with my kids.", "web", {"in_danger_now": True, "happened": "now"}, "14 Leith Walk, Edinburgh EH6 5DA"),
    ("my ex is outside the house shouting he will kill me, he has been drinking", "sms", {"happened": "now"}, "Dundee DD3 6HU"),
    ("There's a man lying in the road at the junction, not moving, cars swerving round him", "chat", {}, "King Street, Aberdeen AB24 5AA"),
    ("Two lads fighting outside the chip shop, one has a bottle", "web", {"happened": "now", "weapons": True}, "Sauchiehall Street, Glasgow G2 3EW"),
    ("My bike was stolen from outside the library yesterday between 2 and 4pm. It was locked. I need a crime number for insurance.", "web", {"happened": "earlier"}, "Perth PH1 5AA"),
    ("Hello, my car wing mirror was smashed overnight in the street. No idea who did it.", "email", {"happened": "earlier"}, "Stirling FK8 2AA"),
    ("I have received a text claiming to be from my bank asking me to move money to a safe account. I have not replied.", "email", {}, "Kirkcaldy KY1 1XX"),
    ("My elderly mother was phoned by someone pretending to be police and she handed over her bank card to a courier this morning.", "web", {"happened": "today"}, "Ayr KA7 1AA"),
    ("Neighbours playing loud music every night until 3am for the last month.", "web", {"happened": "earlier"}, "Motherwell ML1 1AA"),
    ("I lost my wallet on the bus this afternoon, brown leather, has my driving licence.", "web", {"happened": "today"}, "Edinburgh EH1 1YZ"),
    ("My 15 year old daughter hasn't come home from school and isn't answering her phone. It's now 11pm.", "phone", {"happened": "today"}, "Paisley PA1 1AA"),
    ("Someone keeps turning up at my work and following me home. It has happened five times in two weeks and I'm scared.", "web", {"happened": "earlier"}, "Falkirk FK1 1AA"),
    ("I want to report that my partner controls all my money and checks my phone. I can only email when he is at work.", "email", {"happened": "earlier"}, "Inverness IV1 1AA"),
    ("Graffiti sprayed on the bus shelter again, racist words this time.", "web", {"happened": "today"}, "Dumfries DG1 1AA"),
    ("Is it legal to fly a drone over my neighbour's garden?", "web", {}, ""),
    ("What should I do if I find a needle in the park?", "chat", {}, "Glasgow G12 8AA"),
    ("Youths throwing stones at passing cars from the bridge right now", "whatsapp", {"happened": "now"}, "Livingston EH54 6AA"),
    ("A man exposed himself to me on the footpath by the canal about 20 minutes ago. He went towards the town centre.", "web", {"happened": "within_hour"}, "Falkirk FK2 7AA"),
    ("My neighbour, an 86 year old man who lives alone, hasn't been seen for three days and his curtains are closed.", "phone", {}, "Elgin IV30 1AA"),
    ("I think the house across the road is being used to deal drugs, cars coming and going all night.", "web", {"happened": "earlier"}, "Kilmarnock KA1 1AA"),
    ("My friend just messaged saying she wants to end it all and has taken pills. She lives alone.", "sms", {"happened": "now"}, "Dundee DD1 4HN"),
    ("Shoplifter just ran out of our store with two bottles of whisky, heading up the high street.", "phone", {"happened": "now", "offender_present": False}, "Hawick TD9 9AA"),
    ("Parcel stolen from my doorstep, the courier photo shows it was delivered at 1pm.", "web", {"happened": "today"}, "Hamilton ML3 6AA"),
    ("Somebody has been sending me abusive messages online because I am gay. They know where I live.", "social", {"happened": "earlier"}, "Aberdeen AB10 1AA"),
    ("Car crashed into a wall, driver seems injured and confused, smoke coming from the engine", "voice", {"injured": True, "happened": "now"}, "A9 near Pitlochry PH16"),
    ("I found a bank card on the pavement outside the post office.", "counter", {}, "Oban, Argyll"),
    ("Dog barking all day in flat upstairs, owner out at work.", "web", {}, "Glasgow G31 2AA"),
    ("My son is 14 and an older man has been giving him money and cigarettes and asking him to carry packages.", "web", {"happened": "earlier"}, "Greenock PA15 1AA"),
    ("My van was broken into last night and all my tools were taken.", "web", {"happened": "earlier"}, "Glenrothes KY6 2AA"),
    ("There's a horse loose on the road, traffic is stopping", "phone", {"happened": "now"}, "Lockerbie DG11 2AA"),
    ("I was assaulted on a night out last Saturday, punched in the face. I have photos of my injuries.", "web", {"happened": "earlier"}, "Edinburgh EH2 2AA"),
    ("Email from someone saying they have a video of me and want bitcoin or they will send it to my contacts.", "email", {}, "Stirling FK9 4AA"),
    ("A woman is screaming in the flat next door and I can hear things being thrown. It's been going on for ten minutes.", "phone", {"happened": "now", "in_danger_now": True}, "Glasgow G42 7AA"),
    ("I want to give information anonymously about someone selling fake cigarettes from a garage.", "web", {}, "Coatbridge ML5 3AA"),
    ("My disabled brother is being bullied by people in his block, they took his money again today.", "web", {"happened": "today"}, "Irvine KA12 8AA"),
    ("Caravan broken into at the holiday park, nothing taken.", "web", {"happened": "earlier"}, "Stranraer DG9 7AA"),
    ("A car has been parked across my driveway for two days.", "web", {}, "Bathgate EH48 1AA"),
    ("Man acting strangely at the railway station, talking about jumping in front of a train.", "chat", {"happened": "now"}, "Stirling FK8 1AA"),
    ("Lost my phone in a taxi last night, it is a black iPhone.", "web", {"happened": "earlier"}, "Aberdeen AB11 6AA"),
    ("I'd like to know how to get a copy of a police report for my insurer.", "email", {}, ""),
    ("Quad bikes tearing up the playing fields every evening, kids play there.", "web", {"happened": "earlier"}, "Cumbernauld G67 1AA"),
    ("Someone stole diesel from my tractor overnight.", "phone", {"happened": "earlier"}, "Turriff AB53 4AA"),
    ("My ex keeps posting my private photos online after I told him to stop.", "web", {"happened": "earlier"}, "Kirkcaldy KY2 5AA"),
    ("Smashed window at the community centre, glass everywhere.", "open311", {}, "Dunfermline KY12 7AA"),
    ("Mój mąż mnie bije i grozi mi. Boję się wrócić do domu.", "sms", {}, "Edinburgh EH11 2AA"),
    ("Group of men drinking and shouting abuse at people going into the mosque.", "web", {"happened": "today"}, "Glasgow G41 1AA"),
    ("Fraudulent purchases on my credit card, about £900, the bank told me to report it.", "web", {"happened": "earlier"}, "Livingston EH54 8AA"),
    ("There is a fire in the bins behind the shops and kids are running away.", "whatsapp", {"happened": "now"}, "Kilmarnock KA3 1AA"),
    ("My grandad with dementia walked out of the care home an hour ago and we can't find him.", "phone", {"happened": "within_hour"}, "Inverness IV2 3AA"),
    ("Abandoned car with no plates at the end of our road for a week.", "web", {}, "Airdrie ML6 6AA"),
]

NAMES = ["Jane Doe", "Alan Smith", "Priya Patel", "Ewan Fraser", "Kasia Wiśniewska", "Mohammed Ali", "Iona MacDonald", "Liam O'Neill"]


@transaction.atomic
def demo_load(*, seed: int = 2026) -> dict:
    """Load the demo data once; a second call changes nothing."""
    if Area.objects.filter(kind=Area.Kind.FORCE).exists():
        return {"created": False}
    from onedoor.cases.models import Case, CaseStatus
    from onedoor.cases.services import Actor, case_add_public_update, case_allocate, case_change_status
    from onedoor.intake.services import InboundMessage, Reporter, intake_receive
    from onedoor.people.markers import marker_place

    rng = random.Random(seed)
    force = Area.objects.create(code="PS", name="Police Scotland", kind=Area.Kind.FORCE)
    divisions = {
        code: Area.objects.create(code=code, name=name, kind=Area.Kind.DIVISION, parent=force, postcode_areas=postcodes, rural=rural)
        for code, name, postcodes, rural in DIVISIONS
    }
    teams = {name: Team.objects.create(name=name, division=divisions[code]) for name, code in TEAMS}
    users = {}
    for username, first, last, role, team, collar in STAFF:
        users[username], _secret = user_create(
            username=username, password=DEMO_PASSWORD, role=role, first_name=first, last_name=last,
            email=f"{username}@onedoor.example", team=teams.get(team), collar_number=collar,
            totp_secret_b32=demo_totp_secret(username),
        )
    now = timezone.now()
    created = 0
    # One vulnerability marker, so the Markers page and a "records:" line have something to show:
    # contacts from the first reporter's email are assessed with it.
    first_name = NAMES[0]
    marker_place(
        actor=users["supervisor"], kind="email", value=f"{first_name.split()[0].lower()}.0@example.com",
        category="domestic_abuse", reason="Demo: MARAC referral (made-up data)",
        review_by=timezone.localdate() + timedelta(days=180),
    )
    officers = {divisions["E"].pk: users["officer"], divisions["G"].pk: users["officer2"]}
    for index, (text, channel, answers, location) in enumerate(CONTACTS):
        anonymous = index % 5 == 3
        name = NAMES[index % len(NAMES)]
        reporter = None if anonymous else Reporter(
            name=name, email=f"{name.split()[0].lower()}.{index}@example.com", preferred_contact="email", preferred_language="en",
        )
        received_at = now - timedelta(minutes=rng.randint(5, 60 * 24 * 4))
        if answers.get("happened") == "now":
            received_at = now - timedelta(minutes=rng.randint(2, 40))
        result = intake_receive(
            message=InboundMessage(
                channel=channel, text=text, answers=answers, location_text=location, anonymous=anonymous,
                reporter=reporter, received_at=received_at, provider_message_id=f"demo-{index}",
            ),
            actor_label="demo-data",
        )
        created += 1
        case = result.case
        # Only to an officer of the case's own division: the demo has officers in Edinburgh and
        # Glasgow, so cases elsewhere wait in the queue, as they would for that division's team.
        officer = officers.get(case.area_id)
        if index % 4 == 0 and case.grade != "immediate" and officer is not None:
            actor = Actor(user=users["advisor"])
            case_allocate(case=case, actor=actor, officer=officer)
            case_change_status(case=case, actor=actor, status=CaseStatus.IN_PROGRESS)
            case_add_public_update(
                case=Case.objects.get(pk=case.pk), actor=Actor(user=officer),
                text="An officer has been assigned to your report and will contact you.",
            )
        elif index % 9 == 5:
            case_change_status(case=case, actor=Actor(user=users["advisor2"]), status=CaseStatus.RESOLVED,
                               note="We have recorded this and given advice.")
    return {"created": True, "cases": created}
