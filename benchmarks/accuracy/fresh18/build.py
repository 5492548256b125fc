#!/usr/bin/env python3
"""Build the 'fresh18' privacy-filter evaluation corpus (eighteenth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

The parser, checks, dev/test split and statistics live in the shared module
``benchmarks/accuracy/_corpus_tools.py``. This script only holds the prompts,
assigns the ids ``v-0001`` … and writes fresh18.jsonl next to this file with
split seed 1818. All values are synthetic and written here as literals.

Run:  python build.py [--stats]   (needs python-stdnum and phonenumbers)
"""

import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus_tools import add_prompt, build

SPLIT_SEED = 1818
ID_PREFIX = "v"
HERE = Path(__file__).resolve().parent
PROMPTS = []
add = functools.partial(add_prompt, PROMPTS)


# ---------------------------------------------------------------------------
# group pii — English
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "watersure-plus-home-dialysis",
    "form",
    """
Can you check this WaterSure Plus application before I post it to Severn Trent? Dad does his dialysis at home now and the water bill has gone through the roof. Tidy the wording in the "reason" box but keep every number exactly as it is.

WaterSure Plus – application form
Account holder: Mr ⟦P:Desmond Achterberg⟧
Supply address: ⟦A:Flat 2, 41 Beeston Road, Nottingham NG7 2JQ⟧
Customer reference: ⟦ACC:9004 417 362⟧
Contact number: ⟦T:0115 978 4402⟧      Mobile: ⟦T:07824 306119⟧
Email: ⟦E:d.achterberg@btinternet.example⟧
Date of birth: ⟦DOB:17/08/1951⟧
NHS number of the person with the condition: ⟦ID@GB:506 960 0419⟧
Qualifying benefit: Pension Credit (Guarantee Credit)
Medical condition: ⟦MC:end-stage kidney failure⟧, on ⟦MC:home haemodialysis⟧ four times a week since March
Reason (in your own words): machine uses about 500 litres a session and we wash bedding every day because of his ⟦MC:incontinence⟧
Completed by: ⟦P:Priya Achterberg⟧ (daughter), ⟦E:priya.ach@outlook.example⟧
""",
)
add(
    "pii",
    "en",
    "panto-child-performance-licences",
    "csv",
    """
I'm chaperone coordinator for the Hebden Players panto (Cinderella, first night 6 December 2025). The council wants a child performance licence for every cast member who is under 16 on the first night. From the sheet below, list who still needs one, then draft a short email to those parents asking for two passport photos and the head-teacher's letter. Leave the medical column out of the email.

cast_name,role,dob,school,parent,parent_mobile,medical
⟦P:Tilly Sowerby⟧,Mouse 1,⟦DOB:2015-02-11⟧,Riverside Primary,⟦P:Gemma Sowerby⟧,⟦T:07961 203448⟧,⟦MC:asthma⟧ - ⟦MED:Salamol⟧ inhaler in her bag
⟦P:Arlo Pickles⟧,Mouse 2,⟦DOB:2016-09-30⟧,Riverside Primary,⟦P:Nadine Pickles⟧,⟦T:07582 119034⟧,
⟦P:Marnie Hussain-Lowe⟧,Dandini's page,⟦DOB:2010-12-07⟧,Calder High,⟦P:Rehana Hussain⟧,⟦T:07411 665207⟧,⟦MC:type 1 diabetes⟧ (pump)
⟦P:Jago Thistlethwaite⟧,Buttons' understudy,⟦DOB:2009-11-02⟧,Calder High,⟦P:Ruth Thistlethwaite⟧,⟦T:07817 340992⟧,
⟦P:Bea Oduya⟧,Fairy chorus,⟦DOB:2013-06-24⟧,Hebden Royd CE,⟦P:Kofi Oduya⟧,⟦T:07538 826145⟧,⟦MC:nut allergy⟧ - ⟦MED:Jext⟧ pen with chaperone
""",
)
add(
    "pii",
    "en",
    "postfix-maillog-surgery-reminders",
    "kv-log",
    """
Our surgery's appointment-reminder e-mails keep bouncing. Here is a slice of /var/log/mail.log from the relay. Which patient addresses do we need to correct in the clinical system, and is the deferred one our fault or theirs?

Mar  4 08:02:11 relay1 postfix/cleanup[20411]: 6F2A41C0E7: warning: header Subject: Reminder for ⟦P:Bernadette Farrelly⟧: your ⟦MC:asthma⟧ review on Thu 6 March from localhost[127.0.0.1]; from=<reminders@ashgrovesurgery.example> to=<⟦E:bfarrelly62@eircom.example⟧>
Mar  4 08:02:13 relay1 postfix/smtp[20415]: 6F2A41C0E7: to=<⟦E:bfarrelly62@eircom.example⟧>, relay=mx1.eircom.example[198.51.100.23]:25, delay=1.9, dsn=5.1.1, status=bounced (host mx1.eircom.example[198.51.100.23] said: 550 5.1.1 <⟦E:bfarrelly62@eircom.example⟧>: Recipient address rejected: User unknown)
Mar  4 08:02:40 relay1 postfix/cleanup[20411]: 7A0B31C0F2: warning: header Subject: Reminder for ⟦P:Tomasz Wieczorek⟧: blood test (fasting) on Fri 7 March from localhost[127.0.0.1]; from=<reminders@ashgrovesurgery.example> to=<⟦E:t.wieczorek@gmial.example⟧>
Mar  4 08:02:41 relay1 postfix/smtp[20415]: 7A0B31C0F2: to=<⟦E:t.wieczorek@gmial.example⟧>, relay=none, delay=0.4, dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=gmial.example type=AAAA: Host not found)
Mar  4 08:03:05 relay1 postfix/smtp[20419]: 8C4D21C101: to=<⟦E:june.okwuosa@virginmedia.example⟧>, relay=mx.virginmedia.example[203.0.113.88]:25, delay=305, dsn=4.7.0, status=deferred (host said: 421 4.7.0 Temporary rate limit, try again later)
Mar  4 08:03:05 relay1 postfix/qmgr[1702]: 8C4D21C101: from=<reminders@ashgrovesurgery.example>, size=4120, nrcpt=1 (queue active)
""",
)
add(
    "pii",
    "en",
    "fivem-rp-staff-applications",
    "json",
    """
I help run a GTA roleplay server (FiveM) and we're recruiting moderators. Staff must be 18+. Go through these staff applications exported from our form bot, tell me who is under 18 today and who is fine, and write a short, friendly rejection DM for the under-18s that doesn't mention their birthday back to them.

[
  {"app_id": 3312, "discord": "⟦U:vic_tortuga⟧", "steam": "⟦U:VicTortuga88⟧", "real_name": "⟦P:Victor Almanza⟧", "dob": "⟦DOB:2007-05-19⟧", "ip": "⟦IP:73.158.41.202⟧", "char": "Benny Falco, mechanic", "notes": ""},
  {"app_id": 3313, "discord": "⟦U:lilbeanz.wav⟧", "steam": "⟦U:beanzzz_2010⟧", "real_name": "⟦P:Kaylee Droste⟧", "dob": "⟦DOB:2010-01-08⟧", "ip": "⟦IP:98.212.17.66⟧", "char": "Officer Pam Rollins", "notes": "says she has ⟦MC:ADHD⟧ so the 300-word backstory is hard"},
  {"app_id": 3314, "discord": "⟦U:grimwald_⟧", "steam": "⟦U:Grimwald⟧", "real_name": "⟦P:Marcus Oyelaran⟧", "dob": "⟦DOB:1999-10-27⟧", "ip": "⟦IP:2600:1700:5a4e:7c10:9d2:41ff:fe03:be21⟧", "char": "Dr. Silas Crane, EMS", "notes": "streams on Twitch"},
  {"app_id": 3315, "discord": "⟦U:nova.bby⟧", "steam": "⟦U:novabby⟧", "real_name": "⟦P:Ana Sofia Batres⟧", "dob": "⟦DOB:2008-12-31⟧", "ip": "⟦IP:73.158.41.202⟧", "char": "Luz Ortega, taxi driver", "notes": "same IP as 3312?"}
]
""",
)
add(
    "pii",
    "en",
    "cruise-travel-insurance-medical-screening",
    "form",
    """
Please help me fill in the "pre-existing conditions" part of this travel insurance screening properly. We're going on an Alaska cruise in June and I don't want them to refuse a claim because I worded something wrong. Here's what I've typed so far:

Policyholder: ⟦P:Carol Ann Whitacre⟧      DOB ⟦DOB:03/22/1954⟧
Traveling companion: ⟦P:Dale Whitacre⟧    DOB ⟦DOB:11/05/1951⟧
Address: ⟦A:2218 Linden Ave, Apt 3B, Dayton, OH 45410⟧
Phone: ⟦T:(937) 555-0162⟧
Policy #: ⟦ACC:TGP-0731-448826⟧
Conditions (last 5 years):
- ⟦P:Carol⟧: ⟦MC:atrial fibrillation⟧ dx 2021, on ⟦MED:Eliquis⟧ and ⟦MED:metoprolol⟧; ⟦MC:knee replacement⟧ 2023
- ⟦P:Dale⟧: ⟦MC:type 2 diabetes⟧ (⟦MED:Jardiance⟧, ⟦MED:metformin⟧), ⟦MC:COPD⟧ – uses ⟦MED:Trelegy⟧, no oxygen
Premium paid with Visa ⟦CC:4845 0601 2792 8682⟧, exp 09/27
""",
)
add(
    "pii",
    "en",
    "locksmith-voicemail-transcript",
    "prose",
    """
These are the voicemail transcriptions from our locksmith line overnight (the phone system writes them out, badly). Turn each into a job card: name, address, callback number, urgency. Flag anything safety-related.

1) 11:48 PM — "Hi uh this is ⟦P:Rhonda Gaskins⟧ I'm locked out of my house at ⟦A:4127 North Spaulding Avenue⟧ that's in Albany Park, my purse is inside with my phone so call me back on my neighbor's phone ⟦T:773-555-0139⟧, his name is ⟦P:Eddie⟧. My daughter is inside asleep, she's eight, and she's ⟦MC:diabetic⟧, her ⟦MED:insulin⟧ is due at two so please hurry."
2) 1:15 AM — "Yeah it's ⟦P:Kwame⟧ from the bakery on Lawrence, back door lock snapped, not urgent, call ⟦T:(312) 555-0188⟧ after six."
3) 3:02 AM — "This is Mrs. ⟦P:Delgado⟧ no sorry ⟦P:Marisela Delgado-Ruiz⟧, ⟦A:2950 West Leland, unit 1⟧, I think someone tried to break in, the deadbolt is all scratched, I'm okay but I'm scared, ⟦T:872 555 0117⟧."
""",
)
add(
    "pii",
    "en",
    "creche-handwritten-collection-sheet",
    "markdown-table",
    """
I typed up today's handwritten collection sheet from the crèche (some of it is hard to read, I've put [?] where I'm guessing). Can you spot anyone collected by a person who is NOT on their authorised-collector list below, and draft a polite note to those parents?

| child | time out | collected by | signature | note |
|---|---|---|---|---|
| ⟦P:Oisín Ó Dálaigh⟧ | 15:40 | ⟦P:Gráinne⟧ (mam) | ⟦P:G. Ní Dhálaigh⟧ | ⟦MC:eczema⟧ cream put on at 2 |
| ⟦P:Fiadh Brennock⟧ | 16:05 | Uncle ⟦P:Shay⟧ [?] | ⟦P:S Brennock⟧ | |
| ⟦P:Tadhg Mulready⟧ | 16:30 | ⟦P:Noreen Mulready⟧ | ⟦P:N. Mulready⟧ | gave ⟦MED:Calpol⟧ 5ml at 1.15, temp 38.1 |
| ⟦P:Ruby-Mae Coakley⟧ | 17:55 | ⟦P:Declan Foy⟧ | ⟦P:D Foy⟧ | dad's partner? |

Authorised collectors (from the registration forms):
- ⟦P:Oisín⟧: ⟦P:Gráinne Ní Dhálaigh⟧ ⟦T:087 264 1193⟧, ⟦P:Colm Ó Dálaigh⟧ ⟦T:086 449 0072⟧
- ⟦P:Fiadh⟧: ⟦P:Sinéad Brennock⟧ ⟦T:085 731 2260⟧, ⟦P:Brian Brennock⟧
- ⟦P:Tadhg⟧: ⟦P:Noreen Mulready⟧ ⟦T:083 192 5584⟧
- ⟦P:Ruby-Mae⟧: ⟦P:Leanne Coakley⟧ ⟦T:089 407 6631⟧ only (court order re father – see file)
""",
)
add(
    "pii",
    "en",
    "supabase-auth-users-curling-club",
    "sql",
    """
We moved our curling club's booking app to Supabase. This is what I get back from the SQL editor. Why is raw_user_meta_data null for the last user, and how do I write a trigger that copies full_name into public.profiles on sign-up?

select id, email, phone, raw_user_meta_data, last_sign_in_at, last_sign_in_ip from auth.users order by created_at;

 id                                   | email                        | phone        | raw_user_meta_data                                      | last_sign_in_at        | last_sign_in_ip
--------------------------------------+------------------------------+--------------+---------------------------------------------------------+------------------------+-----------------
 0f6c2e5a-4a1b-4d3e-9b7e-2c1f0a9d8e71 | ⟦E:heather.mcclung@shaw.example⟧ | ⟦T:+14035550143⟧ | {"full_name": "⟦P:Heather McClung⟧", "team": "Skip"}      | 2025-01-18 19:02:11+00 | ⟦IP:68.146.201.37⟧
 5b2d91c4-77e0-4f6a-8a2b-d91e3c44f0a2 | ⟦E:rajwinder.gill@telus.example⟧ | ⟦T:+14035550187⟧ | {"full_name": "⟦P:Rajwinder Gill⟧", "team": "Lead"}       | 2025-01-19 08:44:53+00 | ⟦IP:2001:56a:7d4e:2a00:c1d2:9e3f:440b:17a5⟧
 a9e31f07-0c5d-4b8e-b6a1-3f2e7d90c6b4 | ⟦E:pierre.lachapelle@gmail.example⟧ |              |                                                         | 2025-01-20 22:10:07+00 | ⟦IP:24.64.118.252⟧
(3 rows)
""",
)
add(
    "pii",
    "en",
    "rural-fire-service-volunteer-application",
    "form",
    """
I'm joining the local RFS brigade. Can you proofread my membership application and tell me if anything is missing before I hand it to the captain on Tuesday?

Full name: ⟦P:Lachlan Dominic Tierney⟧
Preferred name: ⟦P:Lachie⟧
Date of birth: ⟦DOB:14 July 1988⟧
Residential address: ⟦A:Lot 7, 1180 Bylong Valley Way, Rylstone NSW 2849⟧
Postal address: ⟦A:PO Box 212, Rylstone NSW 2849⟧
Mobile: ⟦T:0427 618 305⟧     Home: ⟦T:(02) 6379 1184⟧
Email: ⟦E:lachie.tierney@bigpond.example⟧
NSW driver licence no.: ⟦DL:18 304 772⟧   Class: HR
Working With Children Check: ⟦ACC:WWC2248817E⟧
Medical declaration: I have ⟦MC:mild hearing loss⟧ in my left ear and ⟦MC:hay fever⟧, take ⟦MED:Telfast⟧ in spring.
Emergency contact: ⟦P:Bronwyn Tierney⟧ (wife) ⟦T:0438 902 557⟧
""",
)
add(
    "pii",
    "en",
    "broadband-kyc-ocr-address-proof",
    "form",
    """
The broadband company rejected my KYC saying "details mismatch". I scanned my documents with an OCR app, here is the raw text. Can you compare the name, date of birth and address across the three and tell me exactly where they differ?

--- Aadhaar (OCR) ---
Government of India
⟦P:Sneha  Ramakrishnan⟧
DOB: ⟦DOB:09/04/1993⟧      FEMALE
⟦ID@IN:2997 2908 4967⟧
Address: D/O ⟦P:K Ramakrishnan⟧, ⟦A:Flat 3B, 2nd Floor, Sai Krupa Apartments, 14th Cross, Malleshwaram, Bengaluru, Karnataka - 560003⟧

--- PAN card (OCR) ---
INCOME TAX DEPARTMENT
⟦P:SNEHA RAMAKRISHNAN⟧
⟦P:K RAMAKRISHNAN⟧
⟦DOB:09/04/1993⟧
Permanent Account Number
⟦ID@IN:AGRPR4471K⟧

--- Electricity bill (BESCOM, OCR) ---
Name : Smt. ⟦P:Sneha R⟧
Addr : ⟦A:Flat 3-B, Sai Krupa Apts, 14 Cross, Malleswaram, Bangalore 560 003⟧
RR No: ⟦ACC:MLW-44719⟧   Mob: ⟦T:98452 31706⟧
""",
)
add(
    "pii",
    "en",
    "tuition-centre-roster-singapore",
    "csv",
    """
I run a small maths tuition centre in Tampines. Make a WhatsApp broadcast list from this roster (parent name + number only), grouped by Saturday slot, and a separate note for the tutors with only the children's first names and the allergy column.

slot,student,level,school,parent,parent_hp,allergy
Sat 9am,⟦P:Ethan Goh Jun Wei⟧,P5,Tampines North Pri,⟦P:Goh Siew Ling⟧,⟦T:+65 9123 4870⟧,
Sat 9am,⟦P:Aisyah binte Rahmat⟧,P5,Junyuan Pri,⟦P:Rahmat bin Ismail⟧,⟦T:+65 8234 5519⟧,⟦MC:seafood allergy⟧
Sat 11am,⟦P:Kavya Subramaniam⟧,P6,Poi Ching,⟦P:Lakshmi Subramaniam⟧,⟦T:+65 9786 0243⟧,
Sat 11am,⟦P:Ryan Tan⟧,P6,Tampines North Pri,⟦P:Tan Boon Keat⟧,⟦T:+65 9012 6638⟧,⟦MC:G6PD deficiency⟧ - no naphthalene/mothballs in the room
""",
)
add(
    "pii",
    "en",
    "lagos-estate-visitor-gate-log",
    "kv-log",
    """
Our estate in Lekki uses a visitor-code app and the security company sent us this export after a resident complained a visitor was let in without a code. Summarise what happened with the 19:42 entry and draft a message to the facility manager.

2025-02-14T18:55:02+01:00 gate=G1 event=code_ok host_flat="⟦A:Block C, Flat 6, Ocean Pearl Estate⟧" host="⟦P:Adaeze Nwankwo-Bello⟧" host_phone="⟦T:+234 803 412 7765⟧" visitor="⟦P:Tunde Adeyemi⟧" visitor_phone="⟦T:+234 816 220 9034⟧" plate="KJA 482 HQ"
2025-02-14T19:42:37+01:00 gate=G1 event=manual_override guard=G-017 reason="visitor said code expired" host_flat="⟦A:Block A, Flat 2, Ocean Pearl Estate⟧" host="⟦P:Oluwaseun Fashola⟧" host_phone="⟦T:+234 909 551 0487⟧" visitor="⟦P:Emeka⟧" visitor_phone="" plate=""
2025-02-14T19:43:10+01:00 gate=G1 event=call_host result=no_answer host_phone="⟦T:+234 909 551 0487⟧"
2025-02-14T21:10:55+01:00 gate=G1 event=exit visitor="⟦P:Emeka⟧" host_flat="⟦A:Block A, Flat 2, Ocean Pearl Estate⟧"
""",
)
add(
    "pii",
    "en",
    "mpesa-reversal-dispute-kenya",
    "prose",
    """
Help me write a clear complaint to Safaricom customer care. I'm not good with formal English.

My name is ⟦P:Wanjiru Kamau Njeri⟧, my M-PESA line is ⟦T:+254 712 408 337⟧. On 3rd February I sent KSh 18,500 to the wrong number, ⟦T:+254 722 960 115⟧ (registered name shows "⟦P:JOSEPH OTIENO⟧"), instead of my landlord Mr. ⟦P:Peter Mwangi⟧ on ⟦T:+254 733 271 840⟧. The transaction code is SB34K9XQ2P. I called 234 and they said the reversal was "declined by recipient". I have been going to Kenyatta hospital for my ⟦MC:high blood pressure⟧ every week and I need this money for the ⟦MED:amlodipine⟧ and rent. I stay at ⟦A:Kahawa West, Jacaranda Road, House No. 14⟧.
""",
)
add(
    "pii",
    "en",
    "pharmacy-refill-form-http-capture",
    "http",
    """
Our pharmacy's refill form returns a 422 and I can't see why. I copied the request from Chrome DevTools (Network → Copy → Copy request headers + payload). What's wrong with the body?

POST /api/v2/refills HTTP/1.1
Host: refills.oakhollowpharmacy.example
Content-Type: application/json
Origin: https://oakhollowpharmacy.example
X-Request-ID: 7f1e0b6c-29aa-4a5e-a3e1-0c8b22f6d4e1

{
  "patient": {"first_name": "⟦P:Loretta⟧", "last_name": "⟦P:Fairbanks-Ngata⟧", "dob": "⟦DOB:1962-07-04⟧", "phone": "⟦T:503-555-0126⟧", "email": "⟦E:lfairbanks62@comcast.example⟧", "patient_id": "⟦MRN:OH-00488127⟧"},
  "items": [
    {"rx_number": "6104772", "drug": "⟦MED:levothyroxine⟧ 75 mcg", "qty": 90},
    {"rx_number": "6104773", "drug": "⟦MED:Lexapro⟧ 10 mg", "qty": "30"},
    {"rx_number": "", "drug": "⟦MED:Flonase⟧", "qty": 1}
  ],
  "pickup": "drive-thru",
  "notes": "for my ⟦MC:hypothyroidism⟧ & ⟦MC:anxiety⟧, please text when ready"
}
""",
)

add(
    "pii",
    "en",
    "meals-on-wheels-driver-app-logcat",
    "kv-log",
    """
Our volunteer drivers' app for the meals-on-wheels round crashes on the "mark delivered" screen. This is the logcat around the crash from one driver's phone. Is it the null allergen list? Also, should we really be logging the whole client object like this?

02-27 12:14:09.331 12044 12044 D RoundVM: loadStop stopId=88213 seq=4
02-27 12:14:09.348 12044 12044 D RoundVM: client=Client(id=cl_41877, name=⟦P:Bethan Iorwerth⟧, phone=⟦T:+447912 448 103⟧, address=⟦A:22 Heol y Deri, Rhiwbina, Cardiff CF14 6HB⟧, note="key with Mr ⟦P:Pugh⟧ at no.24 if no answer", allergens=null, diet="⟦MC:coeliac⟧, soft food (⟦MC:dysphagia⟧)")
02-27 12:14:09.350 12044 12044 D RoundVM: driver=Volunteer(id=vol_2291, name=⟦P:Gethin Rowlands⟧, vehicle=own car)
02-27 12:14:11.902 12044 12044 E AndroidRuntime: FATAL EXCEPTION: main
02-27 12:14:11.902 12044 12044 E AndroidRuntime: Process: org.cardiffmeals.driver, PID: 12044
02-27 12:14:11.902 12044 12044 E AndroidRuntime: java.lang.NullPointerException: Attempt to invoke interface method 'int java.util.List.size()' on a null object reference
02-27 12:14:11.902 12044 12044 E AndroidRuntime:     at org.cardiffmeals.driver.ui.stop.AllergenChipGroup.bind(AllergenChipGroup.kt:41)
02-27 12:14:11.902 12044 12044 E AndroidRuntime:     at org.cardiffmeals.driver.ui.stop.StopFragment.onDeliveredClicked(StopFragment.kt:212)
""",
)
add(
    "pii",
    "en",
    "charity-site-trustees-yaml",
    "yaml",
    """
Our little charity's website is built with Jekyll and the trustees page reads from _data/trustees.yml. I want to stop publishing home addresses and personal mobiles but keep a contact route. Can you rewrite the file so only name, role and a generic charity email are shown, and tell me which template lines to change?

- name: ⟦P:Marjorie Fenwick-Holt⟧
  role: Chair
  email: ⟦E:marjorie.fh@talktalk.example⟧
  phone: ⟦T:07703 516842⟧
  address: ⟦A:The Old Forge, Church Lane, Great Ayton, TS9 6HL⟧
  bio: Retired district nurse; has lived with ⟦MC:MS⟧ for twenty years and set up the carers' café.
- name: ⟦P:Hamza Siddiqui⟧
  role: Treasurer
  email: ⟦E:hamza.siddiqui84@gmail.example⟧
  phone: ⟦T:07388 204917⟧
  address: ⟦A:14 Ormesby Bank, Middlesbrough TS7 9EF⟧
- name: Revd Canon ⟦P:Alison Tweddle⟧
  role: Trustee
  email: office@greatayton-carers.example
  phone: ""
""",
)
add(
    "pii",
    "en",
    "cycling-sportive-crash-email-thread",
    "prose",
    """
Can you turn this email thread into a proper incident report for the club committee and British Cycling insurance? Keep it factual, strip the emotional bits, and list the actions.

From: ⟦P:Nia Pritchard⟧ <⟦E:nia.pritchard@hotmail.example⟧>
To: Club Secretary <secretary@valeofclwydcc.example>
Subject: Re: Re: Re: Sunday's sportive – ⟦P:Owain⟧'s crash

Thanks ⟦P:Graham⟧. Quick update from the hospital: ⟦P:Owain⟧ has a ⟦MC:fractured left collarbone⟧ and mild ⟦MC:concussion⟧. They kept him in overnight because he's on ⟦MED:apixaban⟧ for his ⟦MC:AF⟧ and they wanted a second CT. Hospital number is ⟦MRN:G1872340⟧ if the insurers ask. His BC membership is ⟦ACC:BC-0551902⟧. Please send anything to our home address, ⟦A:Bryn Awel, 3 Ffordd Las, Rhuthun LL15 1PB⟧, not his work.

⟦P:Nia⟧

> On Mon, 10 Mar, ⟦P:Graham Hesketh⟧ <⟦E:g.hesketh@btopenworld.example⟧> wrote:
> ⟦P:Nia⟧, so sorry to hear this. For the insurance form I need: full name, DOB, membership no., where it happened, witnesses. The marshal at the Llandegla descent was ⟦P:Sioned Evans⟧ (⟦T:07866 310452⟧), she saw it. Also did anyone take his bike?
>
>> On Sun, 9 Mar, ⟦P:Nia Pritchard⟧ wrote:
>> ⟦P:Graham⟧, ⟦P:Owain Pritchard⟧ (DOB ⟦DOB:02/11/1967⟧) came off on the gravel at the bottom of the Llandegla descent around 10:40. The ambulance took him to Glan Clwyd. ⟦P:Dafydd Roberts⟧ from the Mold club has his bike, ⟦T:07453 118927⟧. I'm at the hospital, call me on ⟦T:07928 663015⟧.
>>
>>> On Sun, 9 Mar, ⟦P:Sioned Evans⟧ <⟦E:sioned.evans.rhyl@gmail.example⟧> wrote:
>>> ⟦P:Graham⟧ – rider down at the Llandegla descent, number 214, I think it's ⟦P:Owain Pritchard⟧ from your club. He's conscious and talking but says he can't lift his left arm and doesn't remember the bend. I've called 999 (ref 4471 on the incident log). Two riders stopped with him: ⟦P:Ffion⟧ (⟦T:07385 904216⟧) and a chap from Wrexham Roads who didn't give his name. His wife's number from his emergency card is ⟦T:07928 663015⟧. The gravel at the bottom is really bad, someone needs to tell the organisers before the next wave comes through.
""",
)
add(
    "pii",
    "en",
    "rideshare-trip-disputes-export",
    "csv",
    """
We're a small rideshare company and our trip-dispute queue is a mess. From this export, decide for each ticket whether to refund the rider, pay the driver the cleaning fee, or both, and draft one short reply template per outcome. Riders' phone numbers must not go into anything the drivers see.

ticket,trip_date,rider_name,rider_phone,issue,driver_first,driver_id,status
TD-20931,2025-03-01,⟦P:Shaniqua Boatwright⟧,⟦T:(404) 555-0193⟧,"driver took the long way, charged $41 instead of ~$25",⟦P:Abdi⟧,D-7710,open
TD-20934,2025-03-01,⟦P:Colton Reyes-Fairchild⟧,⟦T:(678) 555-0112⟧,"cleaning fee $150 is ridiculous, I was sick because I'm ⟦MC:pregnant⟧ (morning sickness), not drunk",⟦P:Abdi⟧,D-7710,open
TD-20940,2025-03-02,⟦P:Mei-Ling Chao⟧,⟦T:(470) 555-0166⟧,"driver refused my service dog, I'm ⟦MC:blind⟧ and this is illegal",⟦P:Precious⟧,D-8034,escalated
TD-20941,2025-03-02,⟦P:Bobby Joe Tillman⟧,⟦T:(404) 555-0137⟧,"charged twice for the VA hospital trip",⟦P:Precious⟧,D-8034,open
""",
)
add(
    "pii",
    "en",
    "hospital-charity-care-application",
    "form",
    """
I got a $14,200 bill from the ER after my appendix surgery and I don't have insurance right now. The hospital has a financial assistance ("charity care") program. Can you check my application answers and write the short hardship letter they ask for at the end?

Patient: ⟦P:Jordan Tyrell Mabry⟧
Date of birth: ⟦DOB:June 9, 1996⟧
SSN: ⟦ID@US:356-20-8100⟧
Guarantor account #: ⟦ACC:40017735521⟧
Address: ⟦A:1816 E 34th St, Apt 2, Kansas City, MO 64109⟧
Phone: ⟦T:816-555-0154⟧
Household: me and my daughter ⟦P:Amaya⟧ (4)
Monthly income: $1,920 (part-time, warehouse) – lost hours after surgery
Reason for visit: ⟦MC:acute appendicitis⟧, laparoscopic appendectomy, 2 nights
Other medical: ⟦MC:sickle cell trait⟧, ⟦MC:depression⟧ (on ⟦MED:sertraline⟧, paying cash)
Hardship letter: (please write)
""",
)
add(
    "pii",
    "en",
    "hockey-tournament-billet-form",
    "form",
    """
We're billeting two U13 players from Minnesota for the Winter Classic in Red Deer. The team manager sent their info below. Can you make a one-page "house info" sheet for them and a checklist of what I still need (medical consent?), and tell me whether I need their passport numbers for anything once they're here?

BILLET FAMILY: ⟦P:Shauna⟧ and ⟦P:Trevor Makowsky⟧, ⟦A:58 Lancaster Drive, Red Deer, AB T4R 2P6⟧, ⟦T:403-555-0108⟧

PLAYER 1: ⟦P:Cooper Lindahl⟧ – DOB ⟦DOB:2012-03-15⟧ – US passport ⟦PASS:A48291736⟧ – ⟦MC:peanut allergy⟧, carries ⟦MED:Auvi-Q⟧ – parent ⟦P:Kristin Lindahl⟧ ⟦T:(612) 555-0144⟧
PLAYER 2: ⟦P:Mateo Arceneaux⟧ – DOB ⟦DOB:2012-11-28⟧ – US passport ⟦PASS:597304812⟧ – ⟦MC:asthma⟧ (⟦MED:albuterol⟧ before games) – parent ⟦P:Danielle Arceneaux⟧ ⟦T:(651) 555-0179⟧
Team manager: ⟦P:Rick Haugen⟧, ⟦E:rhaugen.hockey@gmail.example⟧
""",
)
add(
    "pii",
    "en",
    "rsl-club-membership-renewals",
    "csv",
    """
Renewals are due for our RSL sub-branch. From this export, make a list of who hasn't paid, a mail-merge list for the ones with no email (postal only) and a count of life members. Also flag anyone turning 90 this year so we can do a card (this year is 2025).

member_no,surname,given,dob,address,suburb,pc,phone,email,paid,life
⟦ACC:10442⟧,⟦P:McAllister⟧,⟦P:Norman⟧,⟦DOB:21/05/1935⟧,⟦A:Unit 4/17 Warrigal Rd⟧,⟦A:Hughesdale⟧,⟦A:3166⟧,⟦T:(03) 9568 2210⟧,,N,Y
⟦ACC:10519⟧,⟦P:Papadopoulos⟧,⟦P:Eleni⟧,⟦DOB:04/10/1958⟧,⟦A:9 Poath Rd⟧,⟦A:Murrumbeena⟧,⟦A:3163⟧,⟦T:0412 884 306⟧,⟦E:eleni.papa58@optusnet.example⟧,Y,N
⟦ACC:10603⟧,⟦P:Nguyen⟧,⟦P:Van Thanh⟧,⟦DOB:30/01/1949⟧,⟦A:2/88 Atkinson St⟧,⟦A:Chadstone⟧,⟦A:3148⟧,⟦T:0401 552 917⟧,,N,N
⟦ACC:10188⟧,⟦P:Birch⟧,⟦P:Dorothy "Dot"⟧,⟦DOB:12/12/1935⟧,⟦A:Lot 3 Carrajung Rd⟧,⟦A:Woodside⟧,⟦A:3874⟧,,,Y,Y
""",
)
add(
    "pii",
    "en",
    "matrimonial-biodata-india",
    "prose",
    """
My mother wants me to send this biodata to a matrimony site. Please format it nicely as a one-page profile (no horoscope chart), make the "about me" sound less stiff, and tell me which details I should NOT put on a public site.

Name: ⟦P:Ananya Venkataraman⟧
Born on ⟦DOB:14th February 1995⟧ at 06:40 AM, Coimbatore
Height: 5'4"   Complexion: wheatish
Education: B.E. (PSG Tech), MS (Purdue)
Job: Data engineer, Chennai
Father: Shri ⟦P:R. Venkataraman⟧ (retd. bank manager); Mother: Smt. ⟦P:Kamala Venkataraman⟧
Address: ⟦A:No. 27, 3rd Main Road, Gandhi Nagar, Adyar, Chennai 600020⟧
Contact: ⟦T:+91 98400 61725⟧ (father), ⟦E:ananya.venkat95@gmail.example⟧
Health: ⟦MC:PCOS⟧, controlled with ⟦MED:metformin⟧ (mother insists I mention it)
About me: I am simple girl with traditional values and modern outlook. I like Carnatic music and trekking.
""",
)
add(
    "pii",
    "en",
    "upi-tutor-payout-webhook",
    "json",
    """
Our tutoring marketplace pays tutors by UPI through the payout API. This webhook came back "failed" and the tutor is angry. Explain the failure reason in plain words and draft a reply to her in Hinglish-free simple English.

{
  "event": "payout.failed",
  "payload": {
    "payout": {
      "id": "pout_Q4sT8nLkq2Xr9a",
      "amount": 1250000,
      "currency": "INR",
      "mode": "UPI",
      "purpose": "payout",
      "fund_account": {
        "account_type": "vpa",
        "vpa": {"address": "⟦ACC:meenakshi.iyer92@okhdfcbank⟧"},
        "contact": {"name": "⟦P:Meenakshi Iyer⟧", "email": "⟦E:meenakshi.iyer.tutor@gmail.example⟧", "contact": "⟦T:9884417203⟧"}
      },
      "status": "failed",
      "status_details": {"reason": "beneficiary_vpa_invalid", "description": "The VPA provided is invalid or inactive."},
      "notes": {"tutor_id": "T-20931", "backup_bank": "⟦ACC:50100347721946⟧ / HDFC0001823"}
    }
  }
}
""",
)
add(
    "pii",
    "en",
    "nysc-redeployment-medical-grounds",
    "prose",
    """
Please help me rewrite this letter so it sounds formal and convincing. It is for NYSC redeployment on health grounds.

To the State Coordinator, NYSC Kebbi State.

Sir, I am ⟦P:Chinonso Ifeoma Eze⟧ with state code ⟦ACC:KB/24B/1047⟧, posted to Government Day Secondary School, Zuru. I was born on ⟦DOB:23 August 1999⟧ and I have ⟦MC:sickle cell disease⟧ (HbSS). I take ⟦MED:hydroxyurea⟧ and ⟦MED:folic acid⟧ daily and I had two crisis admissions since camp because of the heat and the distance from a teaching hospital. My haematologist at UNTH Enugu, Dr. ⟦P:Obinna Nwachukwu⟧, wrote the attached report. I am requesting redeployment to Enugu State. My phone number is ⟦T:+234 806 339 1428⟧ and my mother Mrs. ⟦P:Ngozi Eze⟧ can be reached on ⟦T:+234 703 118 5590⟧. Thank you sir.
""",
)
add(
    "pii",
    "en",
    "chama-contributions-ledger",
    "csv",
    """
I'm treasurer of our women's chama in Nakuru. Below is February's contributions sheet copied from Google Sheets (it pasted as tabs). Who has not paid the full KSh 2,000, who owes a loan repayment, and can you draft a polite reminder in English I can send on the group?

No	Member	M-Pesa No	Paid	Loan bal	Comment
1	⟦P:Mary Wairimu⟧	⟦T:+254 722 481 906⟧	2000	0	
2	⟦P:Grace Chebet Koech⟧	⟦T:+254 711 305 227⟧	1500	4500	said she will top up Friday
3	⟦P:Esther Atieno⟧	⟦T:+254 790 662 148⟧	2000	12000	in hospital with ⟦MC:typhoid⟧, give her time
4	Mama ⟦P:Njoki⟧	⟦T:+254 733 907 514⟧	0	0	travelled upcountry
5	⟦P:Faith Wambui Kariuki⟧	⟦T:+254 768 220 431⟧	2000	3000	
""",
)
add(
    "pii",
    "en",
    "car-alarm-neighbour-text",
    "prose",
    """
Make this text sound less angry but still firm: "⟦P:Marcus⟧, it's ⟦P:Deb⟧ from 4B. Your Charger's alarm went off at 3am AGAIN and my husband ⟦P:Lou⟧ is on ⟦MC:chemo⟧, he needs his sleep. Please fix it or I'm calling the HOA."
""",
)
add(
    "pii",
    "en",
    "grommets-school-note",
    "prose",
    """
Turn this into a short formal note for the school office: my son ⟦P:Reuben Ashdown-Kerr⟧ (Year 2, DOB ⟦DOB:03/03/2018⟧) is having his ⟦MC:grommets⟧ removed at the Royal Berkshire on Thursday and will be off until Monday, and he shouldn't swim for two weeks.
""",
)

add(
    "pii",
    "en",
    "freepbx-cdr-law-office",
    "csv",
    '''
Our law office's phone system (FreePBX) exported last week's call detail records. I need a list of missed calls from clients that nobody returned (no outbound call to the same number afterwards), with the caller name if the CNAM shows one. Internal extensions are 2xx.

calldate,clid,src,dst,dcontext,disposition,duration
2025-03-03 09:14:22,"""⟦P:WINSLOW BRENDA⟧"" <⟦T:6155550132⟧>",⟦T:6155550132⟧,201,from-trunk,NO ANSWER,0
2025-03-03 09:40:05,"""Reception"" <200>",200,⟦T:6155550132⟧,from-internal,ANSWERED,312
2025-03-03 11:02:47,"""⟦P:OKONJO T⟧"" <⟦T:6295550118⟧>",⟦T:6295550118⟧,204,from-trunk,NO ANSWER,0
2025-03-04 16:55:31,"""WIRELESS CALLER"" <⟦T:6155550175⟧>",⟦T:6155550175⟧,201,from-trunk,BUSY,0
2025-03-05 08:31:09,"""⟦P:DELACROIX-PUGH M⟧"" <⟦T:6155550146⟧>",⟦T:6155550146⟧,202,from-trunk,NO ANSWER,0
2025-03-05 10:12:40,"""Attorney ⟦P:Kim⟧"" <202>",202,⟦T:6155550146⟧,from-internal,ANSWERED,95
''',
)
add(
    "pii",
    "en",
    "smart-thermostat-support-export",
    "json",
    """
I work in support for a smart-heating company. A customer asked us to prove we flagged her as vulnerable after her boiler went off during the cold snap. This is the account export from our admin tool. Can you write her a short reply explaining what the flags mean and what we did, without pasting the raw JSON?

{
  "account": {
    "id": "acc_7Q2kX9",
    "holder": {"name": "⟦P:Philippa Grange⟧", "email": "⟦E:pip.grange@sky.example⟧", "phone": "⟦T:01904 622518⟧", "login": "⟦U:pipgrange54⟧"},
    "property": {"address": "⟦A:3 Bootham Terrace, York YO30 7BW⟧", "heating": "combi", "hubs": 1},
    "priority": {"vulnerable": true, "reasons": ["⟦MC:multiple sclerosis⟧", "⟦MC:Raynaud's⟧", "lives alone"], "added_by": "agent:⟦U:sam.k⟧", "added_at": "2025-01-08T10:21:44Z"}
  },
  "devices": [
    {"type": "thermostat", "serial": "HV-TRM-00A4-7781", "fw": "6.1.12", "last_seen": "2025-01-09T06:02:10Z"},
    {"type": "boiler_module", "serial": "HV-BM-00A4-1190", "fw": "3.4.0", "fault": "F28 ignition lockout"}
  ],
  "contacts": [{"name": "⟦P:Oliver Grange⟧", "relation": "son", "phone": "⟦T:07459 330162⟧"}]
}
""",
)
add(
    "pii",
    "en",
    "gaa-club-injury-benefit-claim",
    "form",
    """
I'm the club secretary and I'm filling in the GAA Injury Benefit Fund claim for one of our minors who broke his wrist in a training match. Can you check I've answered every section in the right format and draft the two-line description of the incident?

Section A – Player
Name: ⟦P:Cathal Mac Giolla Phádraig⟧
Date of birth: ⟦DOB:19 May 2008⟧
Address: ⟦A:Ard na Gréine, Baile an Mhuilinn, Co. Chiarraí, V92 K6P3⟧
Membership no.: ⟦ACC:KY-0418-2231⟧
Parent/guardian: ⟦P:Máire Mhic Giolla Phádraig⟧   Tel: ⟦T:087 915 3367⟧
PPSN (player): ⟦ID@IE:3222886M⟧
Section B – Injury
Date: 22/02/2025   Training match v. Dingle U17
Injury: ⟦MC:displaced fracture of the right distal radius⟧, reduced in UHK, cast 6 weeks
Treating doctor: Dr ⟦P:Fionnuala Hegarty⟧, orthopaedics
Section C – Club officer
⟦P:Donncha Ó Sé⟧, Club Secretary, ⟦T:066 915 2284⟧
""",
)
add(
    "pii",
    "en",
    "medical-card-review-letter",
    "prose",
    """
My mother got a letter saying her medical card is up for review and she's terrified she'll lose it. Could you help me write the covering letter to the PCRS? Facts: she's ⟦P:Bridget Fahy⟧, a widow, born ⟦DOB:4 April 1949⟧ (⟦DOB:04/04/1949⟧ on the form), lives at ⟦A:12 Bóthar na Trá, Salthill, Galway H91 X2C7⟧, PPS number ⟦ID@IE:0488568IW⟧, medical card number ⟦ACC:M004417285⟧. Her only income is the State Pension (Contributory) paid into ⟦IBAN:IE89 AIBK 9409 6131 2288 47⟧. She has ⟦MC:COPD⟧ and ⟦MC:osteoporosis⟧, and she's on ⟦MED:Spiriva⟧, ⟦MED:Fosamax⟧ and ⟦MED:Calcichew⟧. I'm her son ⟦P:Ciarán Fahy⟧, ⟦T:+353 86 204 7719⟧.
""",
)
add(
    "pii",
    "en",
    "dojo-belt-grading-go-seed",
    "code",
    """
This Go seed script for our karate dojo's grading app fails with "duplicate key value violates unique constraint members_email_key". Can you spot why and make it idempotent (upsert)?

package main

var members = []Member{
	{Name: "⟦P:Tyrese Holloway⟧", Email: "⟦E:tyrese.holloway@yahoo.example⟧", DOB: "⟦DOB:2011-06-18⟧", Belt: "green", Phone: "⟦T:+1 919-555-0164⟧"},
	{Name: "⟦P:Sakura Bellingham⟧", Email: "⟦E:sbellingham@duke.example⟧", DOB: "⟦DOB:1987-01-29⟧", Belt: "brown", Phone: "⟦T:+1 919-555-0109⟧", Medical: "⟦MC:epilepsy⟧ - no head contact"},
	{Name: "⟦P:Eli Bellingham⟧", Email: "⟦E:sbellingham@duke.example⟧", DOB: "⟦DOB:2014-11-03⟧", Belt: "yellow", Phone: "⟦T:+1 919-555-0109⟧"},
	{Name: "Sensei", Email: "dojo@triangle-karate.example", Belt: "black"},
}

func seed(db *sql.DB) error {
	for _, m := range members {
		if _, err := db.Exec(`INSERT INTO members (name, email, dob, belt, phone, medical) VALUES ($1,$2,$3,$4,$5,$6)`,
			m.Name, m.Email, m.DOB, m.Belt, m.Phone, m.Medical); err != nil {
			return err
		}
	}
	return nil
}
""",
)
add(
    "pii",
    "en",
    "city-recreation-registration-audit-log",
    "kv-log",
    """
A parent says someone changed her son's skating-lesson registration without her permission. This is the audit trail from our city's recreation registration system. Who changed what, from where, and was it a staff account or the family account?

2025-02-03T19:22:41-05:00 actor=family:⟦U:kgauthier_ott⟧ ip=⟦IP:142.114.52.190⟧ action=login result=success
2025-02-03T19:24:07-05:00 actor=family:⟦U:kgauthier_ott⟧ ip=⟦IP:142.114.52.190⟧ action=register participant="⟦P:Théo Gauthier⟧" participant_dob=⟦DOB:2017-08-21⟧ course=SKATE-L3-SAT0900 facility="Walter Baker Arena"
2025-02-06T08:10:15-05:00 actor=staff:rec_frontdesk_07 ip=10.20.4.31 action=view participant="⟦P:Théo Gauthier⟧"
2025-02-06T22:47:53-05:00 actor=family:⟦U:kgauthier_ott⟧ ip=⟦IP:184.147.9.22⟧ action=login result=success ua="Mobile Safari"
2025-02-06T22:49:30-05:00 actor=family:⟦U:kgauthier_ott⟧ ip=⟦IP:184.147.9.22⟧ action=transfer participant="⟦P:Théo Gauthier⟧" from=SKATE-L3-SAT0900 to=SKATE-L3-WED1730 note="per ⟦P:Marc⟧"
2025-02-07T09:02:11-05:00 actor=family:⟦U:kgauthier_ott⟧ ip=⟦IP:142.114.52.190⟧ action=update_contact field=emergency_phone old=⟦T:613-555-0191⟧ new=⟦T:613-555-0127⟧
""",
)
add(
    "pii",
    "en",
    "wheelchair-service-repair-request",
    "form",
    """
Can you write this up as a clear repair request email to the wheelchair service? I've filled in what the online form asked but it keeps timing out, so I'll email it.

Service user: ⟦P:Aled Hughes-Mortimer⟧
NHS number: ⟦ID@GB:292 961 7365⟧
DOB: ⟦DOB:29.10.1979⟧
Address: ⟦A:Ground floor flat, 8 Cefn Coed Road, Cyncoed, Cardiff CF23 6AQ⟧
Phone: ⟦T:029 2075 3418⟧ / ⟦T:07932 158 640⟧
Diagnosis: ⟦MC:spinal cord injury⟧ (T6, complete), ⟦MC:pressure sore⟧ history
Chair: powered, Quickie Q500 M, serial on the frame
Problem: left drive motor cuts out on slopes, joystick error code 2 flashes; cushion cover torn
Urgency: I can't get to my ⟦MC:dialysis⟧ sessions without it (Mon/Wed/Fri)
""",
)
add(
    "pii",
    "en",
    "dance-recital-costume-order",
    "csv",
    """
Please total up this costume order for our dance studio's spring recital by class, and work out the balance each family still owes (costume $68 each, $25 deposit already taken). The last mum asked me to charge the balance on her card ⟦CC:5390 7157 0668 8439⟧, exp 11/26 — please remind me NOT to keep that in the spreadsheet.

class,dancer,dob,size,parent,phone,paid_deposit
Tiny Tots Ballet,⟦P:Sloane Abernathy⟧,⟦DOB:2020-05-02⟧,CXS,⟦P:Whitney Abernathy⟧,⟦T:(801) 555-0124⟧,Y
Tiny Tots Ballet,⟦P:Everly Nakamura-Price⟧,⟦DOB:2020-08-17⟧,CS,⟦P:Ken Nakamura⟧,⟦T:(385) 555-0187⟧,Y
Jazz 2,⟦P:Brooklynn Oaks⟧,⟦DOB:2015-12-24⟧,CL,⟦P:Tamsin Oaks⟧,⟦T:(801) 555-0151⟧,N
Hip Hop Teens,⟦P:Journee Fifita⟧,⟦DOB:2011-03-09⟧,AS,⟦P:Mele Fifita⟧,⟦T:(801) 555-0178⟧,Y
""",
)

add(
    "pii",
    "en",
    "dorm-roommate-mediation-thread",
    "prose",
    """
I'm a resident assistant. Can you condense this email chain into a neutral mediation summary for my hall director (facts, each side's requests, agreed next steps)? Please keep health details to the minimum needed.

-----Original Message-----
From: ⟦P:Kayla Brandt⟧ <⟦E:kbrandt27@umich.example⟧>
Sent: Tuesday, February 11, 2025 11:52 PM
To: ⟦P:Jordan Whitfield⟧ <⟦E:jwhitfield@umich.example⟧>
Subject: RE: room 417 situation

⟦P:Jordan⟧, I'm not trying to be difficult. I told ⟦P:Destiny⟧ in September that I have ⟦MC:bipolar II⟧ and I'm on ⟦MED:lithium⟧, which means I HAVE to sleep by midnight or things go bad fast. ⟦P:Destiny⟧ having her boyfriend ⟦P:Tre⟧ over until 2am four nights a week is not a "vibe" issue for me, it's a health issue. My student ID is ⟦ACC:51873306⟧ if the housing office needs it for a room change, and my mom (⟦P:Laurie Brandt⟧, ⟦T:(248) 555-0192⟧) is already asking questions.

-----Original Message-----
From: ⟦P:Jordan Whitfield⟧
Sent: Tuesday, February 11, 2025 9:14 PM
To: ⟦P:Kayla Brandt⟧; ⟦P:Destiny Harlow-Greene⟧ <⟦E:dharlowg@umich.example⟧>
Subject: room 417 situation

Hi both, I'm your RA. I've heard from each of you separately and I'd like the three of us to meet Thursday at 7pm in the Markley Hall lounge. ⟦P:Kayla⟧, you mentioned you might want a room change; ⟦P:Destiny⟧, you mentioned ⟦P:Kayla⟧ turns the heat all the way up and locks the door when you're out. Let's talk it all through.

-----Original Message-----
From: ⟦P:Destiny Harlow-Greene⟧
Sent: Monday, February 10, 2025 4:30 PM
To: ⟦P:Jordan Whitfield⟧
Subject: need to talk

Hey ⟦P:Jordan⟧. Honestly I'm exhausted. I have ⟦MC:ADHD⟧ too and I take ⟦MED:Vyvanse⟧ so I get she has stuff going on, but she locked me out twice and I had to call DPS at 1am. My student ID is ⟦ACC:51902247⟧, I'd like this on record. I'm not moving, I have a single-parent situation at home (my dad ⟦P:Curtis Harlow⟧ can't take me back) and I need to stay on north campus for my job at the library.
""",
)
add(
    "pii",
    "en",
    "mobile-notary-signing-appointment",
    "prose",
    """
I'm a mobile notary in San Diego. Draft a confirmation text and a short checklist for tomorrow's refinance signing from these notes, and tell me whether I should be writing the signer's licence number in my journal (California rules).

Signer: ⟦P:Guadalupe "Lupe" Renteria-Soto⟧, ⟦A:4418 Mount Alifan Dr, San Diego, CA 92111⟧, cell ⟦T:619-555-0181⟧. ID she'll show: CA driver license ⟦DL:D4417928⟧ (backup: US passport ⟦PASS:566120394⟧). Co-signer: her husband ⟦P:Arturo Soto⟧, he's recovering from a ⟦MC:stroke⟧ and signs slowly with his left hand, so book 90 minutes. Lender: Pacific Crest Mortgage, loan # PCM-2025-118204. Title company contact ⟦P:Janelle Okafor⟧ ⟦T:(858) 555-0164⟧. My fee ($175) goes on her Amex ⟦CC:3739 428961 91501⟧, she approved it by phone.
""",
)
add(
    "pii",
    "en",
    "eor-contractor-onboarding-export",
    "markdown-table",
    """
We use an employer-of-record for our overseas contractors and their onboarding export is below. Finance wants a table with only name, country, start date and monthly fee, and a separate note listing which rows are missing a tax/national id. Can you do both? Don't copy the id column into the finance table.

| contractor | country | id type | national / tax id | DOB | personal email | start | fee (USD) |
|---|---|---|---|---|---|---|---|
| ⟦P:João Pedro Albuquerque⟧ | Brazil | CPF | ⟦ID@BR:363.680.015-93⟧ | ⟦DOB:1991-02-14⟧ | ⟦E:jp.albuquerque@uol.example⟧ | 2025-04-01 | 5,400 |
| ⟦P:Ximena Ortega Pacheco⟧ | Mexico | CURP | ⟦ID@MX:OEPX940722MJCRCM40⟧ | ⟦DOB:1994-07-22⟧ | ⟦E:ximena.op@gmail.example⟧ | 2025-04-01 | 4,900 |
| ⟦P:Valentina Muñoz Riquelme⟧ | Chile | RUT | ⟦ID@CL:12.181.248-7⟧ | ⟦DOB:1989-09-30⟧ | ⟦E:vmunozr@vtr.example⟧ | 2025-04-15 | 5,100 |
| ⟦P:Thabo Mokoena⟧ | South Africa | ID number | ⟦ID@ZA:9006165486083⟧ | ⟦DOB:1990-06-16⟧ | ⟦E:thabo.mokoena@webmail.example⟧ | 2025-04-01 | 4,200 |
| ⟦P:Kang Min-seo⟧ | South Korea | RRN | ⟦ID@KR:970308-2147176⟧ | ⟦DOB:1997-03-08⟧ | ⟦E:minseo.kang@naver.example⟧ | 2025-05-02 | 6,000 |
| ⟦P:Sato Haruto⟧ | Japan | My Number | ⟦ID@JP:1996 4836 9051⟧ | ⟦DOB:1993-12-01⟧ | ⟦E:haruto.sato93@gmail.example⟧ | 2025-05-02 | 6,300 |
| ⟦P:Nur Aisyah binti Kamarudin⟧ | Malaysia | MyKad | ⟦ID@MY:951102-10-6852⟧ | ⟦DOB:1995-11-02⟧ | ⟦E:aisyah.kamarudin@yahoo.example⟧ | 2025-04-15 | 3,800 |
| ⟦P:Emre Yıldırım⟧ | Türkiye | TCKN | ⟦ID@TR:84949828406⟧ | ⟦DOB:1988-05-19⟧ | ⟦E:emre.yildirim@outlook.example⟧ | 2025-04-01 | 4,600 |
| ⟦P:Ayesha Qureshi⟧ | Pakistan | CNIC | ⟦ID@PK:35202-7882816-4⟧ | ⟦DOB:1996-08-25⟧ | ⟦E:ayesha.qureshi96@gmail.example⟧ | 2025-05-02 | 3,500 |
| ⟦P:Pimchanok Srisuk⟧ | Thailand | PIN | ⟦ID@TH:2-4025-07778-46-9⟧ | ⟦DOB:1992-04-13⟧ | ⟦E:pimchanok.s@hotmail.example⟧ | 2025-04-15 | 3,900 |
| ⟦P:Li Jiaqi⟧ | China | Resident ID | ⟦ID@CN:310104199305125862⟧ | ⟦DOB:1993-05-12⟧ | ⟦E:jiaqi.li@163.example⟧ | 2025-05-02 | 5,800 |
| ⟦P:Arjun Menon⟧ | India | PAN | | ⟦DOB:1990-01-07⟧ | ⟦E:arjun.menon@rediffmail.example⟧ | 2025-05-02 | 4,400 |
""",
)
add(
    "pii",
    "en",
    "ehic-exchange-students-health-centre",
    "csv",
    """
Our university health centre wants incoming exchange students registered before the semester. I collected their EHIC (European Health Insurance Card) details in a form. Can you check each row has all EHIC fields filled (name, DOB, personal identification number, institution, card number, expiry) and list what's missing per student? Then draft the email to the students with gaps.

surname;given_names;date_of_birth;personal_id_no;institution_id;card_id;expiry;home_email
⟦P:Åkesson⟧;⟦P:Linnea⟧;⟦DOB:17/04/1999⟧;⟦ID@SE:990417-2484⟧;1000 - Försäkringskassan;⟦ACC:80752000010034472915⟧;12/03/2029;⟦E:linnea.akesson@student.lu.example⟧
⟦P:Laaksonen⟧;⟦P:Eetu Juhani⟧;⟦DOB:05/10/2000⟧;⟦ID@FI:051000A7350⟧;0246 - Kela;;30/09/2027;⟦E:eetu.laaksonen@tuni.example⟧
⟦P:Delvaux⟧;⟦P:Manon⟧;⟦DOB:27/02/2001⟧;⟦ID@BE:01.02.27-808.95⟧;500 - Solidaris;⟦ACC:80560000009921837465⟧;31/12/2026;⟦E:manon.delvaux@uclouvain.example⟧
⟦P:Pichler⟧;⟦P:Lukas⟧;⟦DOB:30/06/2000⟧;⟦ID@AT:7039 300600⟧;1100 - ÖGK;⟦ACC:80040110004417239987⟧;;⟦E:lukas.pichler@tuwien.example⟧
⟦P:Brunner⟧;⟦P:Noemi⟧;;⟦ID@CH:756.4247.8949.98⟧;01234 - CSS;⟦ACC:80756000000388104427⟧;31/08/2028;⟦E:noemi.brunner@uzh.example⟧
⟦P:Papathanasiou⟧;⟦P:Danai⟧;⟦DOB:09/12/1999⟧;⟦ID@GR:09129909645⟧;EOPYY;;;⟦E:danai.papath@auth.example⟧
""",
)
add(
    "pii",
    "en",
    "resp-cesg-application-canada",
    "prose",
    """
I'm opening an RESP for my daughter at the credit union and want to double-check the grant (CESG/CLB) part before the appointment. Does this look right, and do I need her SIN before they can apply for the grant? My details: ⟦P:Amandeep Kaur Grewal⟧, born ⟦DOB:February 3, 1990⟧, SIN ⟦ID@CA:118 719 236⟧, ⟦A:7342 128 Street, Unit 15, Surrey, BC V3W 1R4⟧, ⟦T:604-555-0133⟧. Beneficiary: ⟦P:Simran Grewal⟧, born ⟦DOB:September 18, 2023⟧, SIN ⟦ID@CA:446-170-029⟧ (just arrived in the mail). Primary caregiver is me; her dad ⟦P:Harjit⟧ isn't on the plan. Our family net income last year was about $48,000, so I think we qualify for the Canada Learning Bond too.
""",
)
add(
    "pii",
    "en",
    "school-nurse-translation-one-liner",
    "prose",
    """
Translate into Spanish for the school nurse: ⟦P:Tom Reilly⟧'s ⟦MED:Ventolin⟧ is in the front pocket of his bag, he has ⟦MC:asthma⟧ and gets wheezy after PE.
""",
)


# ---------------------------------------------------------------------------
# group pii — other languages
# ---------------------------------------------------------------------------
add(
    "pii",
    "da",
    "roklub-indmeldelse",
    "form",
    """
Hej, kan du hjælpe mig med indmeldelsesblanketten til roklubben for min søn? Jeg er i tvivl om, hvad der bør stå under "helbredsoplysninger", og om en forening overhovedet må bede om CPR-nummer.

Medlemmets navn: ⟦P:Magnus Vestergaard Holm⟧
Fødselsdato: ⟦DOB:12.06.2011⟧
CPR-nr.: ⟦ID@DK:120611-5773⟧
Adresse: ⟦A:Strandvejen 214, 1. th., 2920 Charlottenlund⟧
Forældres tlf.: ⟦T:28 91 44 07⟧ (mor, ⟦P:Mette Vestergaard⟧), ⟦T:40 17 62 95⟧ (far, ⟦P:Jesper Holm⟧)
E-mail: ⟦E:mette.vestergaard@mail.tele.example⟧
Svømmeprøve (600 m): bestået juni 2024
Helbred: ⟦MC:astma⟧, tager ⟦MED:Bricanyl⟧ før træning; er ⟦MC:ordblind⟧, så skriftlige beskeder skal helst også siges højt.
""",
)
add(
    "pii",
    "da",
    "toemrer-tilbud-svar",
    "prose",
    """
Kan du skrive et kort og venligt svar til tømreren, hvor jeg accepterer tilbuddet, men beder om, at de først starter efter uge 16? Her er hans mail:

"Hej ⟦P:Louise⟧
Tak for en god snak i går. Som aftalt sender jeg tilbud på nyt køkken og nyt gulv i stuen i lejligheden på ⟦A:Nørrebrogade 112, 3. tv., 2200 København N⟧. Samlet pris 148.500 kr. inkl. moms. Vi kan starte mandag i uge 14. Nøglen kan afleveres hos din nabo, fru ⟦P:Kjærgaard⟧ på 3. th., som du nævnte.
Mvh
⟦P:Bjarke Lindholm⟧
Nordvest Tømrer & Snedker ApS
⟦T:+45 22 63 80 41⟧"

Til svaret: jeg hedder ⟦P:Louise Damgaard⟧, mit nummer er ⟦T:31 58 02 76⟧, og grunden til udsættelsen er, at jeg er ⟦MC:gravid⟧ og har termin i starten af april, så jeg vil ikke have støv og larm lige der.
""",
)
add(
    "pii",
    "no",
    "baatplass-leieavtale",
    "form",
    """
Kan du lese gjennom leieavtalen for båtplass i båtforeningen og si om noe mangler før jeg signerer? Jeg har fylt inn mine opplysninger:

Leietaker: ⟦P:Ingrid Sørbø Haugland⟧
Fødselsnummer: ⟦ID@NO:030976 47827⟧
Adresse: ⟦A:Ringstabekkveien 41 B, 1358 Jar⟧
Mobil: ⟦T:924 18 305⟧
E-post: ⟦E:ingrid.haugland@online.example⟧
Båt: Askeladden C61 Cruiser, 19 fot
Plass nr.: B-17, sesongen 2025
Kontonummer for tilbakebetaling av depositum: ⟦ACC:1503.27.48119⟧
Medlemsnummer i foreningen: ⟦ACC:M-2209⟧
Merknad: Jeg har ⟦MC:leddgikt⟧ i hendene, så jeg ønsker plass nær landgangen.
""",
)
add(
    "pii",
    "no",
    "frisor-timebok-uke",
    "markdown-table",
    """
Jeg driver en liten frisørsalong. Kan du lage en ryddig ukeplan ut fra timeboka under, og skrive en SMS-mal for påminnelse dagen før? Merknadene skal ikke med i SMS-en.

| dag | tid | kunde | tlf | behandling | merknad |
|---|---|---|---|---|---|
| tir | 09:00 | ⟦P:Kari Nordby⟧ | ⟦T:481 22 907⟧ | klipp + farge | ⟦MC:allergisk mot PPD⟧ – bruk den PPD-frie fargen |
| tir | 11:30 | ⟦P:Ole-Martin Bakken⟧ | ⟦T:915 04 362⟧ | herreklipp | sitter i ⟦MC:rullestol⟧, ta den nederste stolen |
| ons | 10:00 | ⟦P:Fatima Ali Hassan⟧ | ⟦T:468 31 720⟧ | føning | |
| tor | 14:00 | ⟦P:Synnøve Rustad⟧ | ⟦T:22 14 67 30⟧ | permanent | går på ⟦MC:cellegift⟧, tynt hår – vær forsiktig |
""",
)
add(
    "pii",
    "cs",
    "kotlikova-dotace-zadost",
    "form",
    """
Dobrý den, pomůžete mi zkontrolovat žádost o kotlíkovou dotaci pro maminku? Kraj nám ji vrátil s tím, že chybí údaje. Tady je, co jsem vyplnila:

Žadatel: ⟦P:Věra Procházková⟧
Rodné číslo: ⟦ID@CZ:565219/8761⟧
Datum narození: ⟦DOB:19. 2. 1956⟧
Adresa trvalého pobytu: ⟦A:Lipová 318, 739 61 Třinec⟧
Místo realizace: ⟦A:Horní Lomná č. p. 57, 739 91 Jablunkov⟧
Telefon: ⟦T:604 218 377⟧
Číslo účtu pro výplatu: ⟦ACC:2400417288/2010⟧
Odůvodnění: maminka loni prodělala ⟦MC:mozkovou mrtvici⟧ a má ⟦MC:astma⟧, kouř ze starého kotle na uhlí jí velmi škodí.
Vyplnila: ⟦P:Jana Procházková⟧ (dcera), ⟦E:jana.prochazkova@seznam.example⟧
""",
)
add(
    "pii",
    "cs",
    "predavaci-protokol-bytu",
    "form",
    """
Prosím o přepsání tohoto předávacího protokolu do čisté podoby, je to přepis z ručně psaného formuláře. Stavy měřidel nech přesně tak, jak jsou.

PŘEDÁVACÍ PROTOKOL K BYTU
Pronajímatel: Ing. ⟦P:Radek Sýkora⟧, tel. ⟦T:+420 777 402 916⟧
Nájemkyně: ⟦P:Tereza Malá⟧, nar. ⟦DOB:3. 11. 1997⟧, tel. ⟦T:736 120 584⟧, e-mail ⟦E:tereza.mala@email.example⟧
Byt: ⟦A:Křižíkova 488/62, 186 00 Praha 8 – Karlín, byt č. 14, 3. patro⟧
Elektroměr: 048 117,6 kWh   Plynoměr: 2 391,04 m³   Voda studená: 118,3 m³   teplá: 61,9 m³
Klíče: 2× vchod, 2× byt, 1× schránka, 1× sklep
Závady: prasklá dlaždice v koupelně, nefunkční zásuvka v kuchyni
Klíče předány paní ⟦P:Tereze Malé⟧ dne 1. 3. 2025. Kauce 36 000 Kč uhrazena.
Podpisy: ⟦P:R. Sýkora⟧ / ⟦P:T. Malá⟧
""",
)
add(
    "pii",
    "lt",
    "sildymo-kompensacijos-prasymas",
    "prose",
    """
Sveiki, padėkite parašyti prašymą savivaldybei dėl būsto šildymo išlaidų kompensacijos mano mamai. Duomenys: pareiškėja ⟦P:Aldona Kazlauskienė⟧, asmens kodas ⟦ID@LT:44810254652⟧, gimusi ⟦DOB:1948 m. spalio 25 d.⟧, gyvena ⟦A:Taikos pr. 87-34, LT-51120 Kaunas⟧, tel. ⟦T:+370 612 48307⟧. Kartu gyvena sūnus ⟦P:Mindaugas Kazlauskas⟧, jis serga ⟦MC:epilepsija⟧ ir gauna netekto darbingumo išmoką. Pensija pervedama į sąskaitą ⟦IBAN:LT58 7300 0005 1422 8847⟧. Prašymą pasirašysiu aš, dukra ⟦P:Rasa Kazlauskaitė⟧, nes mama blogai mato dėl ⟦MC:glaukomos⟧.
""",
)
add(
    "pii",
    "lt",
    "vandens-skolos-mokejimo-grafikas",
    "prose",
    """
Padėkite parašyti mandagų prašymą „Vilniaus vandenims“ išdėstyti skolą dalimis. Mano duomenys: ⟦P:Jurgita Petrauskienė⟧, ⟦A:Žirmūnų g. 64-12, LT-09131 Vilnius⟧, kliento kodas ⟦ACC:2100418873⟧, tel. ⟦T:8 686 20441⟧, el. paštas ⟦E:jurgita.petrauskiene@gmail.example⟧. Skola – 486,20 Eur. Priežastis: vasarį netekau darbo, o vyrui ⟦P:Tomui⟧ diagnozavo ⟦MC:storosios žarnos vėžį⟧, jis gydomas ⟦MED:kapecitabinu⟧ ir dirbti negali. Galėčiau mokėti po 60 Eur per mėnesį nuo balandžio.
""",
)
add(
    "pii",
    "lv",
    "brivpusdienu-atvieglojuma-pieteikums",
    "form",
    """
Lūdzu, palīdzi aizpildīt pieteikumu ēdināšanas maksas atvieglojumam skolā un uzraksti īsu ziņu skolas virtuvei par meitas diētu (bez personas koda un konta numura).

Bērna vārds, uzvārds: ⟦P:Elza Kalniņa⟧
Personas kods: ⟦ID@LV:080316-26417⟧
Dzimšanas datums: ⟦DOB:2016. gada 8. martā⟧
Skola, klase: Jūrmalas Pumpuru vidusskola, 3.b
Vecāks: ⟦P:Inese Kalniņa⟧, tālr. ⟦T:29 418 753⟧, e-pasts ⟦E:inese.kalnina@inbox.example⟧
Adrese: ⟦A:Dubultu prospekts 41-7, Jūrmala, LV-2015⟧
Konts atmaksai: ⟦IBAN:LV67 HABA 0554 0159 4832 2⟧
Statuss: trūcīgas ģimenes izziņa līdz 31.08.2025
Īpašā diēta: ⟦MC:1. tipa cukura diabēts⟧, ogļhidrātu skaitīšana; ja cukurs krīt, dot ⟦MED:glikozes tabletes⟧.
""",
)
add(
    "pii",
    "lv",
    "dienas-centrs-senioriem-pieteikums",
    "prose",
    """
Palīdzi, lūdzu, uzrakstīt pieteikumu sociālajam dienestam, lai manu vecmāmiņu uzņem senioru dienas centrā. Dati: ⟦P:Aina Ozola⟧, dzimusi ⟦DOB:1939. gada 17. novembrī⟧, personas kods ⟦ID@LV:171139-19613⟧, dzīvo ⟦A:Tērbatas ielā 53-9, Rīgā, LV-1011⟧. Viņai ir ⟦MC:Alcheimera slimība⟧ sākuma stadijā, lieto ⟦MED:Memantīnu⟧, dienā viena mājās palikt vairs nevar. Kontaktpersona esmu es, mazmeita ⟦P:Kristīne Ozola⟧, ⟦T:+371 26 730 418⟧. Pieteikumu adresē vadītājai ⟦P:Zanei Liepiņai⟧.
""",
)
add(
    "pii",
    "et",
    "lasteaia-ruhma-sunnipaevad",
    "csv",
    """
Olen lasteaia Mesimummu rühma õpetaja. Tee sellest nimekirjast sünnipäevakalender kuude kaupa (ainult eesnimi ja päev), et saaksime sünnipäevalaulu planeerida. Allergiad pane eraldi nimekirja köögi jaoks. Telefoninumbrid jäta mõlemast välja.

nimi;sünniaeg;lapsevanem;telefon;allergia
⟦P:Karl-Erik Kuusk⟧;⟦DOB:21.05.2020⟧;⟦P:Triin Kuusk⟧;⟦T:5341 2097⟧;
⟦P:Liisa Mänd⟧;⟦DOB:30.11.2019⟧;⟦P:Andres Mänd⟧;⟦T:5620 4418⟧;⟦MC:pähkliallergia⟧, ⟦MED:EpiPen⟧ kapis
⟦P:Rasmus Õunapuu⟧;⟦DOB:04.02.2020⟧;⟦P:Kadri Õunapuu⟧;⟦T:+372 5811 3074⟧;⟦MC:laktoositalumatus⟧
⟦P:Mia-Liis Rebane⟧;⟦DOB:14.08.2019⟧;⟦P:Marko Rebane⟧;⟦T:5198 6602⟧;
""",
)
add(
    "pii",
    "et",
    "tootoend-pangale",
    "form",
    """
Olen väikefirma raamatupidaja. Töötaja palus tõendit kodulaenu jaoks. Palun vaata üle ja ütle, mida ma EI tohiks pangale saadetavasse tõendisse kirjutada (mul tundub, et mõni rida on liiast).

TÖÖTÕEND
Töötaja: ⟦P:Heino Sepp⟧, isikukood ⟦ID@EE:38101177921⟧
Elukoht: ⟦A:Kalda tee 8-23, 11625 Tallinn⟧
Ametikoht: laotöötaja, tööleping tähtajatu alates 01.04.2019
Brutopalk: 1 850 eurot kuus
Märkus: 2024. aastal oli 4 kuud haiguslehel ⟦MC:seljaoperatsiooni⟧ tõttu, nüüd täiesti töövõimeline.
Palk makstakse kontole ⟦IBAN:EE31 2200 1063 8740 8696⟧
Tõendi väljastas: ⟦P:Margit Lepp⟧, raamatupidaja, tel ⟦T:5512 8843⟧, ⟦E:margit.lepp@laopood.example⟧
""",
)

add(
    "pii",
    "uk",
    "subsydiia-zaiava",
    "prose",
    """
Допоможіть, будь ласка, грамотно скласти заяву на житлову субсидію для моєї бабусі. Її дані: ⟦P:Ганна Степанівна Мельничук⟧, ⟦DOB:12 березня 1947 р.⟧ народження, РНОКПП ⟦ID@UA:1723711220⟧, зареєстрована за адресою ⟦A:м. Львів, вул. Городоцька, 174, кв. 9, 79022⟧, телефон ⟦T:067 418 22 90⟧, особовий рахунок у Львівгазі ⟦ACC:0417732210⟧. Вона живе сама, має ⟦MC:цукровий діабет 2 типу⟧ і ⟦MC:гіпертонію⟧, щомісяця витрачає на ⟦MED:Метформін⟧ і ⟦MED:Лізиноприл⟧ близько 900 грн. Пенсія надходить на рахунок ⟦IBAN:UA88 3052 9916 9054 9308 7949 6371 4⟧. Заяву подаватиму я, її онук ⟦P:Тарас Мельничук⟧, ⟦E:taras.melnychuk@ukr.example⟧.
""",
)
add(
    "pii",
    "uk",
    "kursy-anhliiskoi-vpo-anketa",
    "form",
    """
Я волонтерка в центрі для внутрішньо переміщених осіб в Ужгороді. Зроби, будь ласка, з цих анкет список групи для курсів англійської (ім'я, рівень, телефон), а окремо — примітку для викладача, кому потрібні особливі умови, без зайвих подробиць.

1. ⟦P:Коваль Олена Ігорівна⟧, ⟦DOB:04.07.1985⟧, довідка ВПО № ⟦ACC:2103-5000417728⟧, тел. ⟦T:+380 95 204 71 36⟧, рівень A2, примітка: після ⟦MC:контузії⟧ погано чує на праве вухо, садити ближче.
2. ⟦P:Бондаренко Артем⟧, ⟦DOB:19.11.2006⟧, довідка ВПО № ⟦ACC:2103-5000422190⟧, тел. ⟦T:050 731 48 02⟧, рівень B1.
3. ⟦P:Ткаченко Людмила Петрівна⟧, ⟦DOB:28.02.1962⟧, тел. ⟦T:097 116 83 54⟧, рівень A1, примітка: ⟦MC:ПТСР⟧, не любить гучних звуків, просить не називати її «пані ⟦P:Людмило⟧» при всіх.
Адреса проживання для всіх трьох: ⟦A:м. Ужгород, вул. Минайська, 22, гуртожиток, кім. 305⟧.
""",
)
add(
    "pii",
    "ru",
    "tszh-pereraschet-zayavlenie",
    "form",
    """
Помогите составить заявление в ТСЖ о перерасчёте платы за отопление, потому что батареи не работали весь январь. Вот данные:

Председателю ТСЖ «Малышева 84» ⟦P:Ковалёву И. Н.⟧
от ⟦P:Смирновой Ольги Викторовны⟧,
собственника квартиры по адресу: ⟦A:г. Екатеринбург, ул. Малышева, д. 84, кв. 117⟧
лицевой счёт № ⟦ACC:6600417821⟧
ИНН ⟦ID@RU:667192154136⟧
тел. ⟦T:+7 912 604-18-33⟧, эл. почта ⟦E:o.smirnova84@mail.example⟧
В квартире проживает моя мама, ⟦P:Смирнова Зинаида Павловна⟧, ⟦DOB:7 мая 1938⟧ года рождения, ей с её ⟦MC:хронической пневмонией⟧ холод противопоказан.
""",
)
add(
    "pii",
    "ru",
    "zayavka-v-uk-santehnik",
    "form",
    """
Помогите коротко и вежливо оформить заявку в управляющую компанию через их сайт — там ограничение 600 символов. Мои заметки:

Кто: ⟦P:Ирина Сергеевна Волкова⟧, тел. ⟦T:8 (916) 204-77-13⟧
Адрес: ⟦A:Москва, Профсоюзная ул., д. 93, корп. 2, кв. 48⟧, 3-й подъезд, 4 этаж, код домофона ⟦S:48К1729⟧
Лицевой счёт: ⟦ACC:4028173365⟧
Проблема: третий день течёт стояк в туалете, соседей снизу (кв. 44, ⟦P:Гусейнов Рустам⟧) уже заливает.
Важно: в квартире лежачая бабушка, ⟦P:Нина Павловна⟧, после ⟦MC:инсульта⟧, открыть дверь она не сможет, поэтому мастер — только когда я дома, после 18:00, или звонить сыну ⟦P:Дмитрию⟧: ⟦T:+7 925 318-40-62⟧.
""",
)
add(
    "pii",
    "ca",
    "inscripcio-colla-castellera-canalla",
    "form",
    """
Em pots ajudar a revisar la fitxa d'inscripció del meu fill a la canalla de la colla castellera? Vull que la part de salut quedi clara per als responsables de pinya.

Nom i cognoms: ⟦P:Pol Vilaseca i Rovira⟧
Data de naixement: ⟦DOB:14 de març de 2015⟧
DNI: ⟦ID@ES:67407673D⟧
Targeta sanitària (CIP): ⟦ACC:VIRO 0150314 003⟧
Adreça: ⟦A:C/ de Sant Pere, 23, 2n 1a, 08301 Mataró⟧
Mare: ⟦P:Montse Rovira Puig⟧, ⟦T:693 41 28 07⟧, ⟦E:montse.rovira@xtec.example⟧
Pare: ⟦P:Jordi Vilaseca⟧, ⟦T:659 20 73 18⟧
Domiciliació de la quota (IBAN): ⟦IBAN:ES38 6297 2876 0806 3419 1797⟧
Salut: ⟦MC:al·lèrgia als fruits secs⟧ (porta ⟦MED:EpiPen⟧ a la motxilla), ⟦MC:celíac⟧
Autoritzo que pugi de dosos o d'enxaneta: sí
""",
)
add(
    "pii",
    "ca",
    "targeta-transport-gent-gran-andorra",
    "prose",
    """
Necessito enviar la sol·licitud de la targeta de transport públic gratuït per a gent gran. Redacta-la formalment amb aquestes dades: sóc ⟦P:Meritxell Cerqueda Naudi⟧, nascuda el ⟦DOB:9 de novembre de 1956⟧, NRT ⟦ID@AD:F-416222-N⟧, visc a ⟦A:Av. Carlemany, 75, 3r 2a, AD700 Escaldes-Engordany⟧, telèfon ⟦T:+376 361 452⟧, correu ⟦E:meritxell.cerqueda@andorra.example⟧. Tinc ⟦MC:esclerosi múltiple⟧ i ja no condueixo; el meu metge, el Dr. ⟦P:Albert Mandicó⟧, pot fer un informe si cal.
""",
)
add(
    "pii",
    "de",
    "wohngeldantrag-haushaltsmitglieder",
    "form",
    """
Ich fülle zum ersten Mal einen Wohngeldantrag aus. Kannst du prüfen, ob ich die Angaben zu den Haushaltsmitgliedern richtig eingetragen habe, und mir erklären, was bei „Schwerbehinderung“ nachgewiesen werden muss?

Antragstellerin: ⟦P:Sabine Kühnel⟧, geb. am ⟦DOB:7. März 1962⟧
Anschrift: ⟦A:Eisenbahnstraße 18, 2. OG links, 04315 Leipzig⟧
Telefon: ⟦T:0341 22504417⟧   Mobil: ⟦T:0176 31184502⟧
Steuer-ID: ⟦ID@DE:71 448 352 402⟧
IBAN für die Auszahlung: ⟦IBAN:DE54 4802 4567 1659 4688 07⟧
Haushaltsmitglied 2: ⟦P:Kevin Kühnel⟧ (Sohn), geb. ⟦DOB:23.09.2004⟧, Azubi, Steuer-ID ⟦ID@DE:91928059433⟧
Schwerbehinderung: ja, GdB 60 (Antragstellerin) wegen ⟦MC:COPD⟧ und ⟦MC:Herzinsuffizienz⟧
""",
)
add(
    "pii",
    "de",
    "physio-praxis-urlaubsuebergabe",
    "markdown-table",
    """
Ich bin nächste Woche im Urlaub. Kannst du aus meiner Patientenliste eine kurze Übergabe für meine Vertretung in der Praxis machen — sortiert nach Wochentag, mit dem Wichtigsten zuerst? Telefonnummern nur bei denen, die man ggf. absagen muss.

| Tag | Patient:in | Diagnose / Stand | Hinweis | Tel. |
|---|---|---|---|---|
| Mo 8:00 | Fr. ⟦P:Özdemir⟧, ⟦P:Ayşe⟧ | ⟦MC:Bandscheibenvorfall L4/L5⟧, 4. von 6 | nimmt ⟦MED:Ibuflam⟧, wenig Belastung | ⟦T:0170 3346218⟧ |
| Mo 11:30 | Hr. ⟦P:Brandstätter⟧ | ⟦MC:Z. n. Knie-TEP⟧ re. (Jan.), 9. von 10 | Folgerezept fehlt noch! | ⟦T:0221 4719932⟧ |
| Di 15:00 | ⟦P:Lena-Sophie Wirtz⟧ (14) | ⟦MC:Skoliose⟧, Schroth | kommt mit Oma ⟦P:Gisela⟧ | |
| Do 9:30 | Hr. Dr. med. ⟦P:Henrik Pauly⟧ | ⟦MC:Frozen Shoulder⟧ li. | ist selbst Arzt, will alles genau wissen | ⟦T:0151 22870641⟧ |
""",
)
add(
    "pii",
    "de",
    "leihoma-vermittlung-anfrage",
    "form",
    """
Wir suchen über das Hilfswerk eine „Leihoma“ für unsere Tochter. Kannst du das Anfrageformular gegenlesen und den Absatz „Was sollte die Betreuungsperson wissen?“ freundlicher formulieren?

Kind: ⟦P:Valentina Hofer-Gstrein⟧
Geburtsdatum: ⟦DOB:14. Jänner 2014⟧
Wohnadresse: ⟦A:Anichstraße 29/4, 6020 Innsbruck⟧
Erziehungsberechtigte: Mag. ⟦P:Claudia Hofer⟧, Tel. ⟦T:0664 3917 284⟧, ⟦E:claudia.hofer@aon.example⟧
Zweiter Kontakt: ⟦P:Markus Gstrein⟧ (Vater), ⟦T:0512 583 917⟧
Gewünschte Zeiten: Di und Do, 13–17 Uhr, ab März
Was sollte die Betreuungsperson wissen?: ⟦P:Valentina⟧ hat ⟦MC:ADHS⟧ und nimmt ⟦MED:Medikinet⟧ nur an Schultagen in der Früh, nachmittags ist sie deshalb unruhiger; kurze Aufgaben und viel Bewegung helfen.
""",
)

add(
    "pii",
    "fr",
    "demande-logement-social",
    "form",
    """
Bonjour, je renouvelle ma demande de logement social et je dois ajouter une lettre qui explique pourquoi j'ai besoin d'un rez-de-chaussée. Peux-tu relire mes réponses et rédiger la lettre (une demi-page) ?

Numéro unique départemental : ⟦ACC:017250041873⟧
Demandeur : Mme ⟦P:Karima Benali-Rousseau⟧
Née le : ⟦DOB:12 septembre 1984⟧ à La Rochelle
N° de sécurité sociale : ⟦ID@FR:2 84 09 17 508 032 82⟧
Adresse actuelle : ⟦A:12, rue des Merciers, bât. B, 3e étage sans ascenseur, 17000 La Rochelle⟧
Téléphone : ⟦T:06 72 18 44 90⟧
Courriel : ⟦E:karima.benali17@orange.example⟧
Enfants : ⟦P:Inès⟧ (9 ans), ⟦P:Yanis⟧ (5 ans)
Situation : ⟦MC:sclérose en plaques⟧ diagnostiquée en 2019, poussées de plus en plus fréquentes, marche avec une canne.
""",
)
add(
    "pii",
    "fr",
    "prime-renovation-wallonie",
    "prose",
    """
Peux-tu m'aider à rédiger le courriel d'accompagnement pour ma demande de prime à la rénovation (toiture) en Wallonie ? Voici mes infos : je m'appelle ⟦P:Gaëtan Lemaire⟧, numéro de registre national ⟦ID@BE:79.05.04-953.39⟧, né le ⟦DOB:4 mai 1979⟧, domicilié ⟦A:Rue de Fer 42, boîte 3, 5000 Namur⟧, GSM ⟦T:0475 21 88 30⟧. Le compte pour le versement de la prime est le ⟦IBAN:BE69 3312 2926 4078⟧ (au nom de ma compagne, ⟦P:Aurélie Stassart⟧, on est cohabitants légaux). L'entrepreneur est Toitures Mosanes SRL, devis n° 2025-031. Je précise que je suis reconnu ⟦MC:invalide à 66 %⟧ depuis mon accident, ça donne droit à une majoration je crois.
""",
)
add(
    "pii",
    "fr",
    "colocation-intergenerationnelle-candidature",
    "form",
    """
Je m'inscris dans une association de colocation intergénérationnelle pour accueillir un étudiant chez moi. Peux-tu relire ma fiche et rédiger le petit texte de présentation (5 lignes, chaleureux) ?

Nom : Mme ⟦P:Lucienne Barthélemy⟧
Née le : ⟦DOB:2 février 1938⟧
Adresse : ⟦A:8, impasse des Tilleuls, 21000 Dijon⟧
Téléphone fixe : ⟦T:03 80 41 27 66⟧
Chambre proposée : 12 m², 1er étage, salle d'eau partagée
Santé (pour l'association seulement) : ⟦MC:maladie de Parkinson⟧ débutante, je prends du ⟦MED:Modopar⟧ ; ⟦MC:malentendante⟧, sonnez fort
Personne à prévenir : ma petite-fille ⟦P:Camille Roux⟧, ⟦T:07 81 33 06 42⟧
Ce que j'attends : une présence le soir, un peu d'aide pour les courses. J'aime le Scrabble et « Des chiffres et des lettres ».
""",
)
add(
    "pii",
    "es",
    "ayuda-gafas-ayuntamiento",
    "form",
    """
Hola, ¿me ayudas a rellenar la solicitud de la ayuda municipal para gafas graduadas de mi hija? Quiero que la parte de "motivo" quede clara.

Nombre y apellidos del menor: ⟦P:Lucía Carmona Velasco⟧
Fecha de nacimiento: ⟦DOB:22/05/2013⟧
DNI: ⟦ID@ES:68039913-W⟧
Tarjeta sanitaria (SAS): ⟦ACC:AN0413728461⟧
Domicilio: ⟦A:Avda. de la Buhaira, 31, 4.º B, 41018 Sevilla⟧
Solicitante: ⟦P:Rocío Velasco Díaz⟧ – ⟦T:612 48 30 97⟧ – ⟦E:rocio.velasco@hotmail.example⟧
Cuenta para el abono: ⟦IBAN:ES64 5203 1399 1324 1917 9516⟧
Motivo: ⟦MC:miopía magna⟧ (−7,5 en ambos ojos) y ⟦MC:ambliopía⟧ en el ojo izquierdo; la óptica presupuesta 240 € y los cristales hay que cambiarlos cada año.
""",
)
add(
    "pii",
    "es",
    "obra-social-alta-conyuge-ar",
    "form",
    """
Necesito dar de alta a mi esposa en la obra social de la empresa. RR. HH. me pidió un mail con los datos; ¿lo podés redactar prolijo y decirme qué documentación tengo que adjuntar?

Titular: ⟦P:Martín Ezequiel Sosa⟧ – CUIL ⟦ID@AR:20-28417306-7⟧ – legajo ⟦ACC:4471⟧
Cónyuge a incorporar: ⟦P:Florencia Belén Ibarra⟧
DNI: ⟦ID@AR:32.418.905⟧ – CUIL ⟦ID@AR:27-32418905-5⟧
Fecha de nacimiento: ⟦DOB:3 de noviembre de 1986⟧
Domicilio: ⟦A:Av. Corrientes 4120, piso 7, depto. B, C1194AAR CABA⟧
Celular: ⟦T:+54 9 11 4417-2093⟧
Observación: está embarazada de 12 semanas (⟦MC:embarazo⟧ de riesgo por ⟦MC:hipotiroidismo⟧, toma ⟦MED:Levotiroxina⟧), por eso es urgente.
""",
)
add(
    "pii",
    "es",
    "comunidad-vecinos-ascensor",
    "prose",
    """
Quiero mandar un escrito a la administradora de la comunidad por lo del ascensor. Redáctalo educado pero firme: vivo en ⟦A:C/ Alcalá 212, 5.º izquierda, 28028 Madrid⟧, me llamo ⟦P:Nuria Gallego Pastor⟧, teléfono ⟦T:629 31 84 02⟧. Mi madre, ⟦P:Encarnación Pastor⟧, vive conmigo, tiene 91 años, ⟦MC:artrosis⟧ severa en las dos rodillas y va en ⟦MC:silla de ruedas⟧; lleva tres semanas sin poder salir a la calle porque el ascensor está parado y nadie nos da fecha. La administradora es ⟦P:Marisa⟧, de Fincas Retiro, y el presidente de la comunidad es el vecino del 2.º, don ⟦P:Julián Ortega⟧.
""",
)
add(
    "pii",
    "it",
    "mensa-scolastica-dieta-speciale",
    "form",
    """
Ciao, devo presentare al Comune la richiesta di dieta speciale per la mensa scolastica di mio figlio. Mi aiuti a compilare bene il modulo e a scrivere due righe chiare per le cuoche?

Cognome e nome dell'alunno: ⟦P:Gatti Leonardo⟧
Nato a Bologna il ⟦DOB:09/07/2016⟧
Codice fiscale: ⟦ID@IT:GTTLRD16L09A944F⟧
Scuola: primaria Bottego, classe 3ªB
Residenza: ⟦A:Via Mascarella 41, 40126 Bologna⟧
Genitore richiedente: ⟦P:Serena Monti⟧ – cell. ⟦T:347 218 5509⟧ – ⟦E:serena.monti@libero.example⟧
Tipo di dieta: per motivi sanitari – ⟦MC:allergia alle arachidi⟧ (anche tracce) e alla frutta a guscio; in caso di reazione ⟦MED:Fastjekt⟧ nello zaino
Certificato del pediatra: dott. ⟦P:Paolo Ricci⟧, allegato
IBAN per l'addebito dei pasti: ⟦IBAN:IT67 Q198 7908 3067 5189 0691 007⟧
""",
)
add(
    "pii",
    "it",
    "delega-ritiro-referti",
    "form",
    """
Devo preparare una delega per far ritirare a mia figlia i risultati della biopsia all'ospedale. Puoi scriverla in modo corretto? Questi sono i dati:

Io sottoscritta ⟦P:Rosaria Esposito⟧, nata a Napoli il ⟦DOB:30/01/1951⟧, C.F. ⟦ID@IT:SPSRSR51A70F839A⟧, residente in ⟦A:Via Toledo 256, scala C, int. 9, 80134 Napoli⟧, delego mia figlia ⟦P:Annalisa De Rosa⟧, nata il ⟦DOB:14/06/1978⟧, documento C.I. ⟦ACC:CA41728KD⟧, al ritiro dei referti dell'esame istologico (⟦MC:sospetto carcinoma mammario⟧) eseguito presso l'Ospedale del Mare, numero di cartella clinica ⟦MRN:2025/0044178⟧. Recapito: ⟦T:081 551 4207⟧, cellulare della figlia ⟦T:339 804 1176⟧.
""",
)
add(
    "pii",
    "it",
    "annuncio-cerco-badante",
    "prose",
    """
Mi scrivi un annuncio per cercare una badante convivente per mio padre? Deve essere chiaro ma rispettoso. Dati: mio padre si chiama ⟦P:Giuseppe Ferraro⟧, ha 84 anni, ha l'⟦MC:Alzheimer⟧ in fase moderata e ⟦MC:diabete⟧ (insulina la sera, ⟦MED:Lantus⟧). Vive da solo in ⟦A:Via Garibaldi 17, scala B, interno 6, 10122 Torino⟧, terzo piano con ascensore. Offriamo vitto, alloggio, contratto regolare CCNL. Chi è interessato deve chiamare me, ⟦P:Daniela Ferraro⟧, al ⟦T:333 481 2279⟧, meglio dopo le 18. Non mettere il cognome nell'annuncio pubblico, solo nella versione che mando all'agenzia.
""",
)

add(
    "pii",
    "pt",
    "contrato-agua-epal-mudanca",
    "form",
    """
Olá! Mudei de casa e tenho de fazer o contrato da água com a EPAL. O formulário online dá erro, por isso vou enviar por e-mail. Podes escrever o e-mail com estes dados, de forma simples e correta?

Nome: ⟦P:Tiago Manuel Fontes Rebelo⟧
NIF: ⟦ID@PT:201 037 939⟧
Morada do local de consumo: ⟦A:Rua da Graça, 84, 2.º Esq., 1170-167 Lisboa⟧
Leitura do contador no dia da entrada: 01873 m³ (contador n.º 19AB447210)
Telemóvel: ⟦T:912 447 305⟧
E-mail: ⟦E:tiago.rebelo@sapo.example⟧
IBAN para débito direto: ⟦IBAN:PT50 7057 4715 6259 9548 2642 7⟧
Nota: tenho ⟦MC:deficiência motora⟧ (atestado multiúso de 64 %) e gostaria de saber se há tarifa social ou desconto.
""",
)
add(
    "pii",
    "pt",
    "cadastro-farmacia-popular",
    "form",
    """
Vou cadastrar meu pai no programa Farmácia Popular e a farmácia pediu os dados por escrito. Pode organizar isso numa mensagem clara para eu mandar pelo WhatsApp da farmácia?

Nome: ⟦P:Sebastião Castro Nogueira⟧
Data de nascimento: ⟦DOB:17/10/1949⟧
CPF: ⟦ID@BR:153.556.500-40⟧
Cartão SUS: ⟦ACC:704 8012 4471 9938⟧
Endereço: ⟦A:Rua Augusta, 1508, apto 42, Consolação, São Paulo - SP, 01304-001⟧
Celular (da filha): ⟦T:(11) 98452-3107⟧
Receitas: ⟦MED:Losartana⟧ 50 mg e ⟦MED:Atenolol⟧ 25 mg para ⟦MC:hipertensão⟧; ⟦MED:Metformina⟧ 850 mg para ⟦MC:diabetes⟧
Médico: Dr. ⟦P:Renato Albuquerque⟧, CRM-SP 118204
Quem vai retirar: ⟦P:Juliana Castro Nogueira⟧ (filha)
""",
)
add(
    "pii",
    "pt",
    "procuracao-levantar-encomenda",
    "prose",
    """
Preciso de uma procuração simples para a minha vizinha levantar uma encomenda registada nos CTT em meu nome, porque estou de cama com ⟦MC:ciática⟧. Escreve-a com estes dados: eu, ⟦P:Maria de Lurdes Pinheiro⟧, portadora do Cartão de Cidadão n.º ⟦ID@PT:72798941 3 Y53⟧, residente na ⟦A:Travessa do Carregal, 19, r/c dto., 4050-156 Porto⟧, autorizo ⟦P:Sandra Cristina Moura⟧, CC n.º ⟦ID@PT:65456285 6 Z46⟧, a levantar o objeto registado RR 419 227 031 PT. O meu contacto é ⟦T:22 608 1743⟧.
""",
)
add(
    "pii",
    "nl",
    "scouting-inschrijving",
    "form",
    """
Kun je dit inschrijfformulier voor de scouting nalopen en de medische info herschrijven zodat de leiding het in één oogopslag snapt?

Naam lid: ⟦P:Sem van Dijk⟧
Geboortedatum: ⟦DOB:3 oktober 2014⟧
Speltak: Welpen
Adres: ⟦A:Tolstraat 88-2, 1074 VJ Amsterdam⟧
Ouder 1: ⟦P:Marloes de Vries⟧, ⟦T:06-41278390⟧, ⟦E:marloes.devries@ziggo.example⟧
Ouder 2: ⟦P:Ruben van Dijk⟧, ⟦T:06-28174453⟧
Zorgverzekeraar + polisnr: Zilveren Kruis, ⟦ACC:204417783⟧
IBAN voor de contributie (incasso): ⟦IBAN:NL28 ASNB 9676 1874 49⟧
Medisch: ⟦MC:koemelkallergie⟧ (geen zuivel, ook geen boter), ⟦MC:ADHD⟧ – slikt ⟦MED:Ritalin⟧ alleen op schooldagen, op zaterdag dus niet
Mag op de foto: ja
""",
)
add(
    "pii",
    "nl",
    "sportclub-terugbetaling-ziekenfonds",
    "form",
    """
Mijn ziekenfonds betaalt een deel van het lidgeld van de judoclub terug. Kun je de mail aan de club opstellen waarin ik vraag het attest in te vullen? Dit zijn de gegevens die op het attest moeten:

Naam lid: ⟦P:Wout Claes⟧
Rijksregisternummer: ⟦ID@BE:12.08.19-807.27⟧
Geboortedatum: ⟦DOB:19/08/2012⟧
Adres: ⟦A:Kerkstraat 117 bus 2, 2060 Antwerpen⟧
Lidnummer ziekenfonds (CM): ⟦ACC:117-4418830-27⟧
Rekeningnummer voor terugbetaling: ⟦IBAN:BE34 8796 4641 0290⟧
Ouder: ⟦P:Els Janssens⟧, ⟦T:0486 71 23 09⟧
Lidgeld betaald: € 185 op 12/09/2024
""",
)
add(
    "pii",
    "nl",
    "deelauto-aanmelding",
    "form",
    """
Ik meld me aan bij een deelautoclub, maar de app blijft hangen bij de rijbewijscontrole. Kun je een kort mailtje aan hun klantenservice schrijven met mijn gegevens, zodat ze het handmatig kunnen doen?

Naam: ⟦P:Jeroen de Boer⟧
Geboortedatum: ⟦DOB:11-02-1990⟧
Rijbewijsnummer: ⟦DL:5781204417⟧ (afgegeven 14-03-2018, geldig tot 14-03-2028)
Adres: ⟦A:Amsterdamsestraatweg 512, 3553 EL Utrecht⟧
Mobiel: ⟦T:06-19437028⟧
E-mail: ⟦E:jeroen.deboer90@kpnmail.example⟧
Lidnummer (uit de bevestigingsmail): ⟦ACC:MW-2291847⟧
Opmerking: ik heb ⟦MC:diabetes type 1⟧; volgens het CBR mag ik rijden met een gezondheidsverklaring, die heb ik.
""",
)
add(
    "pii",
    "pl",
    "turnus-rehabilitacyjny-wniosek",
    "form",
    """
Pomóż mi proszę wypełnić wniosek o dofinansowanie turnusu rehabilitacyjnego z PCPR dla mojego męża i napisać krótkie uzasadnienie.

Imię i nazwisko: ⟦P:Krzysztof Zawadzki⟧
PESEL: ⟦ID@PL:68042215776⟧
Data urodzenia: ⟦DOB:22 kwietnia 1968⟧
Adres: ⟦A:ul. Długa 14/6, 31-147 Kraków⟧
Telefon: ⟦T:512 408 771⟧
Orzeczenie: umiarkowany stopień niepełnosprawności, symbol 05-R
Rozpoznanie: ⟦MC:stwardnienie rozsiane⟧ (postać rzutowo-remisyjna), od 2021 r. leczony ⟦MED:Ocrevusem⟧
Opiekun na turnusie: żona ⟦P:Beata Zawadzka⟧, PESEL ⟦ID@PL:71120349908⟧
Numer rachunku: ⟦IBAN:PL58 8179 4778 1732 0873 5385 7202⟧
""",
)
add(
    "pii",
    "pl",
    "protokol-zebrania-wspolnoty",
    "prose",
    """
Zredaguj proszę ten protokół z zebrania wspólnoty mieszkaniowej tak, żeby nadawał się do wywieszenia na klatce — bez numerów telefonów i bez informacji o zdrowiu.

Zebranie wspólnoty ⟦A:ul. Kościuszki 41, Sopot⟧, 12 marca 2025 r. Obecni: ⟦P:Halina Kowalczyk⟧ (lok. 1), ⟦P:Zbigniew Lis⟧ (lok. 3), ⟦P:Agnieszka Sobczak⟧ i ⟦P:Paweł Sobczak⟧ (lok. 5). Zarząd podziękował pani ⟦P:Halinie Kowalczyk⟧ za pielęgnację ogródka. Pan ⟦P:Zbigniew⟧ zgłosił, że po ⟦MC:operacji kręgosłupa⟧ nie może odśnieżać, więc odśnieżanie przejmuje pan ⟦P:Paweł⟧. Ustalono, że w sprawie przecieku dachu kontaktujemy się z panem ⟦P:Lisem⟧ (⟦T:601 227 418⟧), a klucze do strychu ma pani ⟦P:Kowalczykowa⟧. Kolejne zebranie: 10 czerwca.
""",
)
add(
    "pii",
    "pl",
    "lista-szczepien-przeciw-grypie",
    "csv",
    """
Jestem pielęgniarką w małej przychodni. Z tej listy zapisów na szczepienie przeciw grypie zrób mi grafik na czwartek co 10 minut, osoby z przeciwwskazaniami do konsultacji z lekarzem na koniec, i krótkiego SMS-a z przypomnieniem (bez danych medycznych).

nazwisko i imię;PESEL;data ur.;telefon;uwagi
⟦P:Wiśniewska Anna⟧;⟦ID@PL:94060814787⟧;⟦DOB:08.06.1994⟧;⟦T:+48 698 215 403⟧;⟦MC:ciąża⟧ 24 tydz.
⟦P:Lis Zbigniew⟧;⟦ID@PL:51032742198⟧;⟦DOB:27.03.1951⟧;⟦T:601 227 418⟧;⟦MC:POChP⟧, ⟦MED:Spiriva⟧
⟦P:Kowalczyk Halina⟧;;⟦DOB:02.12.1946⟧;⟦T:58 551 20 84⟧;⟦MC:uczulenie na białko jaja⟧ – zapytać lekarza
⟦P:Sobczak Paweł⟧;⟦ID@PL:79091562559⟧;⟦DOB:15.09.1979⟧;⟦T:512 733 096⟧;
""",
)


# ---------------------------------------------------------------------------
# group cred — English
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "gitlab-ci-set-x-leak",
    "kv-log",
    """
Our GitLab deploy job started failing after someone added `set -x` to the script for debugging. Can you tell me why the S3 upload is denied? And I suspect this log now has things in it that it shouldn't — which of these should we rotate?

Running with gitlab-runner 17.8.3 (690ce25c) on shared-runner-03 xZ9kq2Lm
$ set -x
$ ./ci/deploy.sh
+ export AWS_DEFAULT_REGION=eu-west-2
+ aws configure set aws_access_key_id ⟦K:AKIA7V9Y6NNUUQW6ORB0⟧
+ aws configure set aws_secret_access_key ⟦K:3JT0LIJcgMBRCHE2fXApYFV1tli8yMKz/qyZsJ8i⟧
+ curl --fail --header 'PRIVATE-TOKEN: ⟦K:glpat-ZHiEYEUhC-bxjqZyqf-K⟧' https://gitlab.example.com/api/v4/projects/412/releases
+ echo '[MASKED]'
[MASKED]
+ aws s3 sync ./public s3://static-site-prod/ --delete
upload failed: public/index.html to s3://static-site-prod/index.html An error occurred (AccessDenied) when calling the PutObject operation: User: arn:aws:iam::418220734915:user/ci-deployer is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::static-site-prod/index.html" with an explicit deny in a service control policy
Cleaning up project directory and file based variables
ERROR: Job failed: exit code 1
""",
)
add(
    "cred",
    "en",
    "k8s-secret-manifest-base64",
    "yaml",
    """
I'm new to Kubernetes. My pod says "password authentication failed for user billing". This is the Secret I applied. Did I encode something wrong? (I made the base64 with `echo "..." | base64`.)

apiVersion: v1
kind: Secret
metadata:
  name: billing-db
  namespace: billing
type: Opaque
data:
  DB_USER: YmlsbGluZw==
  DB_PASSWORD: ⟦S:UXU0cnR6LUZlcnJ5LTIyOTEK⟧
  REDIS_PASSWORD: ⟦S:bFg3dk4ycFI5c0s0d1E4eg==⟧
stringData:
  SMTP_PASSWORD: "⟦S:tulip-Grotto-88-sunhat⟧"
  SENTRY_DSN: "https://3f1c9a7e0b5d4e26a8c4f19d2b7e6a05@o448120.ingest.sentry.io/5512903"
""",
)
add(
    "cred",
    "en",
    "terraform-plan-tls-key-output",
    "command",
    """
Why does `terraform plan` print these values instead of "(sensitive value)"? I thought tls_private_key was always sensitive. Here's the relevant part of the plan for our bastion host:

$ terraform plan -out=tfplan
  # azurerm_linux_virtual_machine.bastion will be created
  + resource "azurerm_linux_virtual_machine" "bastion" {
      + admin_password                  = (sensitive value)
      + admin_username                  = "opsadmin"
      + custom_data                     = "IyEvYmluL2Jhc2gKZWNobyBoZWxsbw=="
      + name                            = "vm-bastion-uks"
    }

  # datadog_integration_azure.main will be created
  + resource "datadog_integration_azure" "main" {
      + client_secret = "⟦K:Xq18Q~w2vHk9pLz.Tr4mNc7_bYe3sJd0aFg6uWi⟧"
      + tenant_name   = "b3c9e1d4-22a0-4f6b-9c8e-5d7f0a1b2c3d"
    }

Changes to Outputs:
  + datadog_api_key    = "⟦K:f40d8ce58a0891ba9e5869a5b7d5f936⟧"
  + bastion_ssh_key    = <<-EOT
        ⟦PK:-----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAaAAAABNl
        Y2RzYS1zaGEyLW5pc3RwMjU2AAAACG5pc3RwMjU2AAAAQQRZUE/i3CD2co93EYrq
        DDDzPGw/+s3LE1MlOfcjZQxqTfzOkbpoCB2oD0rNc+aihuRWxsP+Pz5FLbZoSqvw
        jnACAAAAoDvDgSw7w4EsAAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAy
        NTYAAABBBFlQT+LcIPZyj3cRiuoMMPM8bD/6zcsTUyU59yNlDGpN/M6RumgIHagP
        Ss1z5qKG5FbGw/4/PkUttmhKq/COcAIAAAAhAO4Ek18lc0lUD0d6Yo7N4UsYY1/H
        Gp6PAluUFe9kh+JbAAAAAAECAwQFBgc=
        -----END OPENSSH PRIVATE KEY-----⟧
    EOT
""",
)
add(
    "cred",
    "en",
    "pass-show-password-store",
    "command",
    """
I keep my passwords in `pass` (password-store). I want a little script that copies only the first line to the clipboard and shows the OTP code. This is what one entry looks like — how do I parse the otpauth line in bash?

$ pass show finance/octopus-energy
⟦S:Wh1stle-Barge-Cobalt-47⟧
login: ⟦E:sunita.ramdas@fastmail.example⟧
url: https://octopus.energy/login
otpauth://totp/Octopus%20Energy:⟦E:sunita.ramdas%40fastmail.example⟧?secret=⟦S:MZQAE2SD5S32JTDROJSGV2CC3AW2WWBX⟧&issuer=Octopus%20Energy
recovery: ⟦S:7QKD-3MZP-W9TA⟧
""",
)
add(
    "cred",
    "en",
    "postfix-sasl-passwd-relay",
    "ini",
    """
Postfix on my home server relays through SendGrid for the app and through Gmail for my personal stuff. After `postmap` mails are stuck with "SASL authentication failed". Here is /etc/postfix/sasl_passwd and the relevant main.cf lines. What's wrong?

# /etc/postfix/sasl_passwd
[smtp.sendgrid.net]:587    apikey:⟦K: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⟧
[smtp.gmail.com]:587       ⟦E:declan.moriarty.home@gmail.example⟧:⟦S:qhtw mzkr pyne vabx⟧

# main.cf
relayhost = [smtp.sendgrid.net]:587
sender_dependent_relayhost_maps = hash:/etc/postfix/sender_relay
smtp_sasl_auth_enable = yes
smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd
smtp_sasl_security_options = noanonymous
smtp_tls_security_level = encrypt
""",
)
add(
    "cred",
    "en",
    "shelly-device-backup-json",
    "json",
    """
I exported the settings of my Shelly Plus 1PM (garage door relay) before a firmware update. After the update it won't connect to MQTT. Compare this backup with what the new firmware expects:

{
  "wifi": {
    "ap": {"ssid": "ShellyPlus1PM-A8032AB4C1D0", "pass": "⟦S:garage-ap-5513⟧", "is_open": false, "enable": false},
    "sta": {"ssid": "Harrow_Lane_IoT", "pass": "⟦S:7dwarves&1snowwhite⟧", "enable": true, "ipv4mode": "static", "ip": "192.168.40.31"}
  },
  "mqtt": {
    "enable": true,
    "server": "192.168.40.2:1883",
    "client_id": "shellyplus1pm-garage",
    "user": "garage_relay",
    "pass": "⟦S:Mq77-tr0ut-Lantern⟧",
    "ssl_ca": null
  },
  "auth": {"user": "admin", "realm": "shellyplus1pm-a8032ab4c1d0", "ha1": "⟦S:e512ea619b7c2009caa5ce0621712f11dadb26a8e5b34a5b12696c0bb53bb7bf⟧"},
  "cloud": {"enable": false}
}
""",
)
add(
    "cred",
    "en",
    "palworld-dedicated-server-config",
    "ini",
    """
My friends can't join my Palworld dedicated server, it says wrong password, but I copied it from the file. Also the Discord status bot stopped working. Here are both configs — what could be wrong?

; PalWorldSettings.ini (excerpt)
[/Script/Pal.PalGameWorldSettings]
OptionSettings=(Difficulty=None,DayTimeSpeedRate=1.000000,ServerName="Tuesday Crew",ServerDescription="no griefing pls",AdminPassword="⟦S:Gr4ndma'sLasagne!⟧",ServerPassword="⟦S:palpals 2025⟧",PublicPort=8211,RCONEnabled=True,RCONPort=25575)

# statusbot/config.ini
[discord]
token = ⟦K:MTE5NzQ0MjE4NDU2MzQ1ODEyMw.NV7-M0.Va6C35Mo6jt1PfJffrNWiW-EqhE8nWqW4Cofa2⟧
channel_id = 1197450021187756112
[rcon]
host = 127.0.0.1
port = 25575
password = ⟦S:Gr4ndma'sLasagne!⟧
""",
)
add(
    "cred",
    "en",
    "devtools-copy-as-curl",
    "command",
    """
I'm trying to script an export from our supplier's web portal. I used DevTools → Copy as cURL on the export button and it works in the terminal, but in Python requests I get 403. What am I missing?

curl 'https://portal.brightwholesale.example/api/orders/export?from=2025-02-01&to=2025-02-28&format=csv' \\
  -H 'accept: application/json, text/plain, */*' \\
  -H 'authorization: Bearer ⟦S:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4ODQxMjA3Iiwic2lkIjoiYjRlMWYwN2EiLCJzY29wZSI6Im9yZGVyczpyZWFkIG9yZGVyczp3cml0ZSIsImlhdCI6MTc0MDk5MDMxMiwiZXhwIjoxNzQxMDc2NzEyfQ.-6_mibz4mViCzQjXVFAQsouFr4Qp54Mg8LJqwO7hFh0⟧' \\
  -H 'cookie: _ga=GA1.2.1180452301.1739022011; bw_session=⟦S:925905829e7cd771a5178af078a10f9334c3e3578c64d600⟧; cf_clearance=⟦S:VAp4VulO9ukO8W8pjiupmWPenG5k7cGV5p3oCCM_6Gs⟧' \\
  -H 'x-csrf-token: ⟦S:Z2qQkQhUNMCglO2FAWGiWzsPxHklYMZzsMUvHGP2⟧' \\
  -H 'referer: https://portal.brightwholesale.example/orders' \\
  -H 'user-agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36'
""",
)
add(
    "cred",
    "en",
    "android-firebase-config-keys",
    "code",
    """
Our Android app's push notifications stopped working after we moved to the FCM HTTP v1 API. Here is the old code and resource file. Is the legacy server key still used anywhere, and is it bad that it's in the APK?

<!-- res/values/secrets.xml -->
<resources>
    <string name="google_maps_key">⟦K:AIza_zGsBnyREomBRgywxBMQ8DfOtj9eKeTygSq⟧</string>
    <string name="fcm_legacy_server_key">⟦K:AAAAymwU17r:APA91bOBI65bg4mecENPYBRb3ntV-4eVEtRaxUc_3rSThu3zrGFGaeBULkVLmIjAJPWsL-7hoJaxFAX0OkY3-aq4PwnbMsQclrD4mZmbXgBqr-AJhtPJDFFDq_TT1p-iTLeXlokzFrnN⟧</string>
</resources>

// PushSender.kt (debug build only)
object PushSender {
    private const val LEGACY_URL = "https://fcm.googleapis.com/fcm/send"
    fun send(token: String, body: String, ctx: Context) {
        val key = ctx.getString(R.string.fcm_legacy_server_key)
        val req = Request.Builder().url(LEGACY_URL)
            .header("Authorization", "key=$key")
            .post(body.toRequestBody("application/json".toMediaType()))
            .build()
        client.newCall(req).execute()
    }
}
""",
)
add(
    "cred",
    "en",
    "jira-basic-auth-raw-request",
    "http",
    """
This request to Jira Cloud returns 401 even though the API token is new. I captured it with mitmproxy. Is the Basic header built correctly?

POST /rest/api/3/issue HTTP/1.1
Host: lumenpay.atlassian.net
Authorization: Basic ⟦S:cmFjaGVsLm9zZWlAbHVtZW5wYXkuZXhhbXBsZTpBVEFUVDN4RmZHRjB4MUdSeFhQQXRpdzlEVWttalFpazkzWjUyWE9vU1NQdF9OckdjYjMtZDNLX2xUakFKaW9kWlJmb2FQR2dWMV9RUmI4cGJkOUdXWWlkVTJTdXBWT2dMSzd1LWhSV3lkVnhINW5pdGVyY0Ftc0g3cWM5enZtNmdXR1g4eXlQZ2dXNV9uWlNqdWRDZkltQnVGNVBQY2hEZ2l2aFVxN3lMRVdXbjg0TkY3VmhiVEJBdHN6UVlGMzJBRz0zRDQ2RDcxOA==⟧
Content-Type: application/json
Accept: application/json
User-Agent: python-requests/2.32.3
Content-Length: 184

{"fields": {"project": {"key": "OPS"}, "summary": "Rotate SFTP credentials for Barclays feed", "issuetype": {"name": "Task"}, "labels": ["security"]}}
""",
)
add(
    "cred",
    "en",
    "sql-migration-create-user",
    "sql",
    """
Our Flyway migration V42 fails on the staging MySQL with "Operation CREATE USER failed for 'report_ro'@'%'". Why, and how do I make it re-runnable? Also I know passwords shouldn't be in migrations — what's the usual pattern?

-- V42__reporting_users.sql
CREATE USER 'report_ro'@'%' IDENTIFIED BY '⟦S:r3p0rt-Ro-Kingfisher!⟧';
GRANT SELECT ON shop.* TO 'report_ro'@'%';

CREATE USER 'etl_loader'@'10.12.%' IDENTIFIED WITH caching_sha2_password BY '⟦S:L0ader#Pumice#7731⟧';
GRANT SELECT, INSERT, UPDATE ON shop.staging_* TO 'etl_loader'@'10.12.%';

ALTER USER 'shop_app'@'%' IDENTIFIED BY '⟦S:AppUser_Marigold_2025⟧';
FLUSH PRIVILEGES;
""",
)
add(
    "cred",
    "en",
    "nextjs-env-local",
    "env",
    """
Vercel build fails with "Clerk: Missing publishableKey" but it works locally. This is my .env.local — which of these need the NEXT_PUBLIC_ prefix, and which must never have it?

NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_live_Y2xlcmsubWVhbHBsYW5uZXIuZXhhbXBsZSQ
CLERK_SECRET_KEY=⟦K:sk_live_KhITrjyqookGFYwrSUwmro5Flgl5VU6prWb8NZXnsl⟧
NEXT_PUBLIC_SUPABASE_URL=https://qzkvbtfhyxlmnwpdgrse.supabase.co
SUPABASE_SERVICE_ROLE_KEY=⟦K:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InF6a3ZidGZoeXhsbW53cGRncnNlIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcxODgwMDAwMCwiZXhwIjoyMDM0Mzc2MDAwfQ.SDGf3_LzggrgfiP65U320KfV-PvDTi54LWgE56OYDLM⟧
RESEND_API_KEY=⟦K:re_4MOZThhp_cAc73uU2sLGzGqGhkCTmnTH1⟧
UPSTASH_REDIS_URL=rediss://default:⟦S:2i48gdmbjFC1vX7LmRZiGLPWJAMpTphY6R⟧@eu1-loving-robin-40412.upstash.io:6379
NEXT_PUBLIC_APP_URL=https://mealplanner.example
""",
)
add(
    "cred",
    "en",
    "spring-boot-application-yml",
    "yaml",
    """
Spring Boot won't start in the test profile: "Failed to bind properties under 'app.jwt.private-key'". Here is application-test.yml. Is the indentation of the key wrong?

spring:
  datasource:
    url: jdbc:postgresql://db-test.internal:5432/claims
    username: claims_app
    password: ⟦S:Ch4mber-Lark-Velvet⟧
  mail:
    host: email-smtp.eu-west-1.amazonaws.com
    username: ⟦K:AKIAL6U3HPIEP212Z5RT⟧
    password: ⟦S:BC0x/Rvum+GJGEWPwX0qy2r8sQSXTaVtMp91f5QVrIQE⟧
app:
  jwt:
    issuer: claims-test
    private-key: |
      ⟦PK:-----BEGIN PRIVATE KEY-----
      MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4CEJHB80wiuKbsdI
      E5YM2g1vPPcovSq+MrAwZkxMK4GhRANCAAQ+c+5I6L2sbIevHip6LVKBq+2EUa3B
      IX0LTl1XLhpNB7W0GDsBqKwLB2s+8C3MKpRKddeq4SwaQ2gKPOE+Wagh
      -----END PRIVATE KEY-----⟧
""",
)

add(
    "cred",
    "en",
    "kubectl-create-secret-literals",
    "command",
    """
I pasted these from my shell history into our team runbook and a colleague said that's a bad idea. Apart from that, why does the image pull still fail with "unauthorized" after I created the pull secret?

$ kubectl -n payments create secret generic payments-db --from-literal=username=payments --from-literal=password='⟦S:Tr!dent-Oyster-6620⟧'
secret/payments-db created
$ kubectl -n payments create secret docker-registry ghcr-pull --docker-server=ghcr.io --docker-username=⟦U:nkemdirim-dev⟧ --docker-password=⟦K:ghp_qbtnYEzmrZ0A6SxqneOjWI5LYIpUyOyRgnOL⟧
secret/ghcr-pull created
$ kubectl -n payments get pods
NAME                        READY   STATUS             RESTARTS   AGE
payments-api-7c9d8b6f4-xk2lp   0/1     ImagePullBackOff   0          3m
""",
)
add(
    "cred",
    "en",
    "paramiko-rsa-key-invalid",
    "prose",
    """
Paramiko says "not a valid RSA private key file" for the key below, but ssh -i works fine with it. I'm on paramiko 3.4. Is it the format? Here's the key exactly as I load it from our vault (it's the deploy key for the reporting box):

⟦PK:-----BEGIN RSA PRIVATE KEY-----
MIICWwIBAAKBgQDEcYaPnCIKJ/iFcRhQUEC0TuJjPCKg7MU5AroR12YkngV7EvDC
nnZnI1rxwh5Fh5lvOBSN701Wcc16ni0kyAX7Uu4S9sQA/vOkmyYjzTzjS+PBDwto
coAfPPZPXqfbXULIyyJQ42WWfE+UTtv5DDAgwAqtHRJODpnMYimZbD/GtQIDAQAB
AoGAb87BrLlL8oXfgGvnT8btnPKNDbgraXZ5pkI0D3WOsGa0beFQ4SR59af82j8H
JcHRBalgoYxDc2Egd5rRzO5/4BUmkoQS73AvfG5M9O4drUOhHgszky8UCc/Gk1co
6F/soXGMlwU8jpy6jkF4vy9TWLlIYkS/VAiVO+dImbHW2T0CQQDsjxQKf6fR52n3
Y2uDlWe77IQI1gX37KBzZOsV579DonVxzyYRjrxzZetEPZOWUu9LnrsBF3BFv9Zx
VHRnPjDnAkEA1JZ3LiuMajnQ+iFB3xuFaKbB1+fpWQOeRshEp26PFBu6bKTsXeWt
UB97EoSkOs2z7nQWo/7QanfpS570LcasAwJAUO7qtmTSb9gywvb607wMD5lt2vAO
frIwewpt+8KcB3HPqK5sodkp1HlsMp62ndmmEUMvS8JPIS3vGjsA0EnQxQJAVnkF
7Y/lQ+hUqwoQI1Ksh48dVleNQZoJLb2Uv45nQMSupjbHtsIQJ4FGrJervgeiYyJx
ey/RUx2Hli0IIf6oRQJAHEAPr+RTp1kxuEoMqNq4Suw3NBNY6ZF5V79ZJ6oANuWl
TyG9FPkY01ViKLizWnLg/yRJECMhVhDCZw1MhQRZqQ==
-----END RSA PRIVATE KEY-----⟧

and the code is just `paramiko.RSAKey.from_private_key(io.StringIO(key_text))`.
""",
)
add(
    "cred",
    "en",
    "aegis-vault-plaintext-export",
    "json",
    """
I exported my Aegis authenticator vault unencrypted to move to a new phone (I know, I'll delete it). The import on the other app only took two of the three. What's different about the third entry?

{
  "version": 1,
  "header": {"slots": null, "params": null},
  "db": {
    "version": 3,
    "entries": [
      {"type": "totp", "uuid": "0b7d1a9e-5c33-4e0f-9a61-2f8e4d7c1b05", "name": "⟦E:olamide.adebanjo@proton.example⟧", "issuer": "Proton", "info": {"secret": "⟦S:4LT3Y6EBQK4RVLB6CF5L5VUJDSIIJGZQ⟧", "algo": "SHA1", "digits": 6, "period": 30}},
      {"type": "totp", "uuid": "9e4c2f71-0d8a-4b6e-b3f5-71a2c6d90e48", "name": "⟦U:olamide_a⟧", "issuer": "GitHub", "info": {"secret": "⟦S:WRQOOYNFFZBPRWF4⟧", "algo": "SHA1", "digits": 6, "period": 30}},
      {"type": "steam", "uuid": "c51f0e2a-7b94-4d3c-8e06-b2d9a4f7e315", "name": "⟦U:ola_plays⟧", "issuer": "Steam", "info": {"secret": "⟦S:NRE7QRAOOSXJIXTW7BCDZBOQXWXMRTBI⟧", "algo": "SHA1", "digits": 5, "period": 30}}
    ]
  }
}
""",
)
add(
    "cred",
    "en",
    "github-recovery-codes-note",
    "prose",
    """
I'm cleaning up my notes app. I found this note from when I set up 2FA on GitHub — is it enough to just delete it, or do I have to regenerate the codes on GitHub too? Which ones have I already used (I crossed some out with ~~)?

GitHub recovery codes (account ⟦U:ferdie-okonkwo⟧), saved 12 Jan 2024
⟦S:4e7a1-0c9d2⟧
~~⟦S:b83f6-27e1a⟧~~
⟦S:91d0c-e45b7⟧
⟦S:3a6f8-d2c19⟧
~~⟦S:70be4-9f3a2⟧~~
⟦S:c5e2d-18b06⟧
⟦S:e09a7-4d61f⟧
⟦S:2fb93-a07c8⟧
""",
)
add(
    "cred",
    "en",
    "dotnet-appsettings-connection-strings",
    "json",
    """
Our .NET 8 worker can read from Service Bus but blob uploads fail with 403 "Server failed to authenticate the request". These are the settings from appsettings.Development.json. Is the storage connection string malformed?

{
  "ConnectionStrings": {
    "ClaimsDb": "Server=tcp:sql-claims-dev.database.windows.net,1433;Initial Catalog=claims;User ID=claims_worker;Password=⟦S:Wr3n&Quarry!2025⟧;Encrypt=True;",
    "ServiceBus": "Endpoint=sb://sb-claims-dev.servicebus.windows.net/;SharedAccessKeyName=worker-listen;SharedAccessKey=⟦K:ZX8dU5CfDDY0HfkiPI8YWduoUs9R0sJVW4Zq+Y6IIJx=⟧",
    "Blob": "DefaultEndpointsProtocol=https;AccountName=stclaimsdev;AccountKey=⟦K:aIrk35TkWY9y9pxmWdRfAOXfR1ZTKPChBEo1yPIT0hsTiWPpTD9QdDbcGJBvy4wwRyCThbzrKdD6oaun1ASYjA==⟧;EndpointSuffix=core.windows.net"
  },
  "Logging": {"LogLevel": {"Default": "Information"}}
}
""",
)
add(
    "cred",
    "en",
    "flatmate-welcome-text",
    "prose",
    """
Can you turn this into a nice welcome message for our new flatmate? Friendly, with bullet points, and add a line asking her not to share the codes with guests.

wifi is "Flat4Gorgie" and the password is ⟦S:pebble-kettle-9342⟧. Bin store code 2580 doesn't work anymore, new one is ⟦S:7319⟧. The Netflix is on my account, ⟦E:callum.strachan@live.example⟧ / ⟦S:Hibs4ever!1875⟧ – please don't change the profile pics lol. Alarm: if it goes off, the code is ⟦S:0-4-6-1⟧ then press OFF. Landlord is Mr ⟦P:Dalgleish⟧, only call him if something floods.
""",
)
add(
    "cred",
    "en",
    "shop-manager-handover",
    "prose",
    """
I'm going on maternity leave next week and I'm handing the shop over to ⟦P:Reggie⟧. Please turn my notes into a tidy handover document with sections (till, suppliers, online shop, emergencies):

- Till manager PIN ⟦S:5529⟧ (staff PINs are their birthdays, ⟦P:Reggie⟧ can reset them)
- Card machine admin password ⟦S:SumUp-Admin-0718⟧
- Booker wholesale login: shop@thecornerpantry.example / ⟦S:Pantry-Booker-77⟧
- Shopify: staff account for ⟦P:Reggie⟧ already made, he just needs to accept the invite
- Safe combination: ⟦S:31-07-62⟧ (turn left first!!)
- Alarm company: Kestrel Security 0330 060 0719, password word if they ring is "⟦S:marmalade⟧"
""",
)
add(
    "cred",
    "en",
    "buildkite-log-token-echo",
    "kv-log",
    """
This Buildkite step started printing secrets after I changed the pipeline. How do I make Buildkite redact them, and why did `set -x` not apply before?

~~~ Running commands
$ set -euxo pipefail; ./scripts/publish.sh
+ echo '//registry.npmjs.org/:_authToken=⟦K:npm_s2wRYx9rs53WPp95xYbb4a9C8l3rmn5T5Hve⟧'
+ npm publish --access public
npm notice Publishing to https://registry.npmjs.org/ with tag latest and public access
+ curl -sS -X POST -H 'Authorization: token ⟦K:ghp_QHKJV5u52Yck2jjyWfDRROsPgSOsVrMZ8UW5⟧' -H 'Accept: application/vnd.github+json' https://api.github.com/repos/tidewater-labs/ui-kit/releases -d '{"tag_name":"v4.12.0"}'
{"message":"Validation Failed","errors":[{"resource":"Release","code":"already_exists","field":"tag_name"}]}
🚨 Error: The command exited with status 22
""",
)
add(
    "cred",
    "en",
    "serverless-yml-stripe-keys",
    "yaml",
    """
My Stripe webhook handler on Lambda says "No signatures found matching the expected signature for payload". Here's serverless.yml. Am I using the right secret?

service: bookings-api
provider:
  name: aws
  runtime: nodejs20.x
  region: eu-west-1
  environment:
    STRIPE_SECRET_KEY: ⟦K: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⟧
    STRIPE_PUBLISHABLE_KEY: pk_live_51PzQ8sEXAMPLEpublishablekeyOnlyForFrontendXyZ
    STRIPE_WEBHOOK_SECRET: ⟦K:whsec_l0shuUMODVXKUkLP80gep7IkG0ocBOqN⟧
    TABLE: bookings-${sls:stage}
functions:
  webhook:
    handler: src/webhook.handler
    events:
      - httpApi: 'POST /stripe/webhook'
""",
)
add(
    "cred",
    "en",
    "bruno-collection-bearer",
    "code",
    """
We moved our API collection from Postman to Bruno and committed the folder to git. A teammate says I committed tokens. Where in these .bru files are they, and how do I move them to a .env that Bruno reads?

# collection/linear/get-issues.bru
meta {
  name: get-issues
  type: http
  seq: 1
}
post {
  url: https://api.linear.app/graphql
  body: json
  auth: none
}
headers {
  Authorization: ⟦K:lin_api_xdGYFvw0zSQ1kwsVA004a7PhIvYszj8iUG25cmua⟧
}

# collection/hubspot/contacts.bru
get {
  url: https://api.hubapi.com/crm/v3/objects/contacts?limit=10
  auth: bearer
}
auth:bearer {
  token: ⟦K:pat-na1-445c66e4-f29f-ae8c-7f53-e0bd758230c9⟧
}
""",
)
add(
    "cred",
    "en",
    "crashlytics-log-access-token-url",
    "kv-log",
    """
This is from a Crashlytics non-fatal in our iOS app. The Facebook Graph call times out only on cellular. Any idea? Also, is it a problem that the URL with the token is in the crash log?

Non-fatal: NSURLErrorDomain -1001
Thread 7 (com.apple.NSURLSession-work)
  0  CFNetwork  0x1a2b3c4d  -[__NSURLSessionLocal taskForClass:request:uploadFile:bodyData:completion:]
Custom keys:
  last_request = GET https://graph.facebook.com/v19.0/me?fields=id,name,picture&access_token=⟦K:EAAGORVCVA0ACMPegSNgH06ztaMAA9pWzjQhG2CVlMzWh9PPtokC7IZVat7bp4nIncFLyf9UutseE0n8Xa1nosEvvS5jSW5W8GFAZ0wyUMlfFDkeJfwybpzKPH6W6NpoBi4hXBgCJAbAXqmWUPNIpzpubjInpM3JsKrQ⟧
  network = cellular(LTE)
  app_version = 5.8.1 (4410)
  user_id = 8f3c1e77
Logs:
  12:04:11.203 [Auth] refreshed session, refresh_token=⟦S:bQGjczOUa7vz8RrI6nmQVZwPYBbfXhd_CEddRQGoz1fyZlnBvtP3INHGTbZOC6O3⟧
  12:04:41.209 [Graph] timeout after 30.0s
""",
)
add(
    "cred",
    "en",
    "openwrt-uci-wireless-network",
    "ini",
    """
My OpenWrt router drops the WireGuard tunnel every few hours and the guest Wi-Fi doesn't show up. Here are /etc/config/wireless and the relevant bit of /etc/config/network. Anything obviously wrong?

config wifi-iface 'default_radio0'
	option device 'radio0'
	option network 'lan'
	option mode 'ap'
	option ssid 'Oakfield-5G'
	option encryption 'sae-mixed'
	option key '⟦S:bramble-Otter-4417-sky⟧'

config wifi-iface 'guest'
	option device 'radio1'
	option network 'guest'
	option ssid 'Oakfield-Guest'
	option encryption 'psk2'
	option key '⟦S:welcome2ourhome⟧'
	option disabled '1'

config interface 'wan'
	option proto 'pppoe'
	option username '⟦U:bb6618204@plusnet⟧'
	option password '⟦S:hx4Rtq9W⟧'

config interface 'wg0'
	option proto 'wireguard'
	option private_key '⟦PK:wHgueCmio4RirjIBUgnjgwcbXJLYnLcmc13lOJiqhlI=⟧'
	list addresses '10.77.0.2/32'

config wireguard_wg0
	option public_key 'xdwQNhYvVBOReFd1ON1T727ftuZ1lZ5pXypmXwah4yw='
	option endpoint_host 'vpn.oakfield-home.example'
	option persistent_keepalive '25'
""",
)
add(
    "cred",
    "en",
    "remote-access-scam-mum",
    "prose",
    """
My mum got a call from "BT" yesterday and let them onto her laptop with AnyDesk. She's now told me everything she typed while they were "fixing" it. Please give me a step-by-step list of what to change first and who to call, in order. She told them: her Halifax online banking password ⟦S:Buttercup1958!⟧, the memorable information "⟦S:Ashbourne⟧", her debit card number ⟦CC:4196 2828 6118 7987⟧ with the three digits on the back (⟦S:731⟧), her PIN ⟦S:4806⟧, and her email password ⟦S:Grandkids4ever⟧. She also read out a code from a text (⟦S:883104⟧) but she thinks it had already expired.
""",
)
add(
    "cred",
    "en",
    "psql-urlencoded-password-one-liner",
    "command",
    """
Why does `psql "postgresql://analyst:⟦S:Kiln%40Moss77⟧@10.4.0.12:5432/sales"` say password authentication failed — is the %40 the problem?
""",
)


# ---------------------------------------------------------------------------
# group cred — other languages
# ---------------------------------------------------------------------------
add(
    "cred",
    "da",
    "e-conomic-api-python",
    "code",
    """
Jeg prøver at hente fakturaer fra e-conomic med Python, men får 401 "Unauthorized". Kan du se, hvad der er galt med headerne? Og ja, jeg ved godt, at tokens ikke skal stå i koden – hvordan flytter jeg dem til miljøvariabler?

import requests

HEADERS = {
    "X-AppSecretToken": "⟦K:56M3HnDlR5wnEp2F769576cMgE4u9hmNSeOwkK2V⟧",
    "X-AgreementGrantToken": "⟦K:BS9RosVpn5l4RYBcNx9iwTdqmOMPHvtsnvsnNndB⟧",
    "Content-Type": "application/json",
}
# FTP til revisoren: bruger ⟦U:revisor_hansen⟧, adgangskoden er ⟦S:Kastanje-Allé-31⟧
r = requests.get("https://restapi.e-conomic.com/invoices/booked?pagesize=100", headers=HEADERS)
print(r.status_code, r.text[:200])
""",
)
add(
    "cred",
    "no",
    "vipps-ecom-env",
    "env",
    """
Nettbutikken vår får 401 fra Vipps eCom API etter at vi byttet til produksjon. Her er .env-fila (testbrukeren i MT har forresten passordet ⟦S:Lofoten-Torsk-17⟧, det må jeg huske å fjerne). Ser du hva som er feil?

VIPPS_ENV=production
VIPPS_MERCHANT_SERIAL_NUMBER=212374
VIPPS_CLIENT_ID=9f3e1c2a-6b7d-4e08-a15c-0d2b8e4f7a61
VIPPS_CLIENT_SECRET=⟦K:dIJXMu-f4r44hdS0BSKKyy75nk4hmAopkhDkDLTZ⟧
VIPPS_SUBSCRIPTION_KEY=⟦K:bec28ace59442f137dcbc7ca5655154d⟧
DATABASE_URL=postgres://butikk:⟦S:Rein-Gevir_2025⟧@db.internal:5432/butikk
SMTP_USER=⟦E:ordre.fjellstrikk@gmail.example⟧
SMTP_PASS=⟦S:kmsz vbqe tnhr ypla⟧
""",
)
add(
    "cred",
    "cs",
    "shoptet-pristupy-pro-grafika",
    "prose",
    """
Potřebuju poslat externímu grafikovi přístupy k našemu e-shopu na Shoptetu, ale nechci mu dát víc, než musí. Sepiš mi prosím e-mail a poraď, které přístupy mu radši nedávat:
– administrace Shoptetu: ⟦E:jitka.novotna@seznam.example⟧, heslo ⟦S:Vltava_Most_2024!⟧
– FTP pro šablonu: uživatel ⟦U:eshop-cajovna⟧, heslo ⟦S:Puerh-7731-ftp⟧
– Fakturoid API token: ⟦K:b3afde069385fa88727b00ea9c75ec11a2e84273⟧
– Google Ads ať nedostane vůbec, heslo tam je stejné jako do Shoptetu.
""",
)
add(
    "cred",
    "lt",
    "eparduotuves-env-paysera",
    "env",
    """
Perkėliau e. parduotuvę į naują serverį ir dabar Paysera grąžina „invalid sign“. Štai mano .env failas – ar gali būti, kad neteisingas projekto slaptažodis? Ir kaip saugiau laikyti šiuos duomenis?

APP_ENV=production
DATABASE_URL=mysql://parduotuve:⟦S:Gintaras#Jura77⟧@127.0.0.1:3306/parduotuve
PAYSERA_PROJECT_ID=241873
PAYSERA_SIGN_PASSWORD=⟦K:4acd3c759bb2b306f8cfb0ac75793bfe⟧
OMNIVA_USER=7004117
OMNIVA_PASSWORD=⟦S:Om-17pK2wq⟧
MAILER_DSN=smtp://⟦E:info.vilniausmedus@gmail.example⟧:⟦S:zrtq plwm bcen hyxa⟧@smtp.gmail.com:587
""",
)
add(
    "cred",
    "lv",
    "majaslapas-parnemsana",
    "prose",
    """
Pārņemu mūsu biedrības mājas lapu no iepriekšējā izstrādātāja. Viņš atsūtīja piekļuves vienā garā e-pastā — lūdzu, sakārto tās tabulā un pasaki, ko vajadzētu uzreiz nomainīt. Hostinga panelis: lietotājvārds ⟦U:andris_k1985⟧, parole ⟦S:Pavasaris-2025!⟧. FTP: tas pats lietotājs, parole ⟦S:ozolzile1939⟧. WordPress administratora konts ⟦U:andris.admin⟧, parole ⟦S:Daugava#Krasts77⟧. Datubāzes parole ir ⟦S:wpDB_k4r8s2m⟧. Domēna reģistratūrā autorizācijas kods ir ⟦S:Ex7-pQ2-mZ9⟧.
""",
)
add(
    "cred",
    "et",
    "arvutiklassi-admin-markmed",
    "prose",
    """
Lähen kooli IT-juhi kohalt ära ja pean arvutiklassi märkmed järglasele üle andma. Palun vormista need korralikuks üleandmisdokumendiks (pealkirjad, tabel). Märkmed: kõigi 24 arvuti BIOS-i parool on ⟦S:Kask2019!bios⟧. Kohaliku administraatori konto on "klassiadmin", parool ⟦S:Tiigrihype_24⟧. Õpetajate WiFi „Kool-Opetajad“ parool on ⟦S:karuputk-418-sinilill⟧. Printeri haldusliidese PIN on ⟦S:7731⟧. Minu enda e-kooli kasutajat ⟦U:raivo.tamm⟧ ära kasuta, tee endale uus.
""",
)
add(
    "cred",
    "uk",
    "nova-poshta-monobank-php",
    "code",
    """
Підкажіть, чому API «Нової пошти» повертає «API key expired», хоча ключ я згенерувала вчора? І чи нормально тримати токен monobank прямо в конфігу?

<?php
return [
    'novaposhta' => [
        'api_key' => '⟦K:1cd9924ad1bb52e1aacf577608b6f17f⟧',
        'sender_ref' => '4f2d8c9e-1b7a-11ef-9a3c-48df37b921fb',
    ],
    'monobank' => [
        'x_token' => '⟦K:um26J4CGi9er53FbVKEFEB9IYEpu0gBcdhqUgxljk-MQ⟧',
        'account' => '0',
    ],
    'db' => [
        'dsn' => 'mysql:host=localhost;dbname=vyshyvanky',
        'user' => 'shop',
        'password' => '⟦S:Sonyashnyk_2024⟧',
    ],
];
""",
)
add(
    "cred",
    "ru",
    "telegram-bot-dadata-yookassa",
    "code",
    """
Мой бот для записи в автосервис перестал принимать оплату: ЮKassa отвечает 401. Вот кусок кода. Где ошибка и как правильно хранить ключи?

import os
from aiogram import Bot
from yookassa import Configuration

BOT_TOKEN = "⟦K:7418820936:AAqWXiKTfF1VjeILmScWP2WMSfY_suURU12⟧"
DADATA_API_KEY = "⟦K:3537549c89336347b45ab7118d641c394507162e⟧"
DADATA_SECRET = "⟦K:53d25685b10f6c6939d87dd65d07f337acff9cae⟧"

Configuration.account_id = "418823"
Configuration.secret_key = "⟦K:live_4sTJVPGS8-an1nhF_ObraZH05e22EVIBz_W8yPZ_AWS⟧"

bot = Bot(token=BOT_TOKEN)
# пароль от админки: ⟦S:Zhiguli-2107!⟧ — потом убрать
""",
)
add(
    "cred",
    "ca",
    "traspas-ampa-accessos",
    "prose",
    """
Deixo la presidència de l'AMPA i he de passar els accessos a la nova junta. Em fas un document de traspàs ordenat? Les dades: el correu de l'AMPA és ⟦E:ampa.escolapins@gmail.example⟧ i la contrasenya és ⟦S:Castellers_Pins_23⟧. L'Instagram té la mateixa contrasenya però acabada en 24 en lloc de 23: ⟦S:Castellers_Pins_24⟧. El PIN de la targeta del compte de La Caixa és ⟦S:6190⟧ i el codi de l'alarma del local de l'AMPA és ⟦S:2-4-8-0⟧. La nova presidenta és la ⟦P:Laia Puigdomènech⟧.
""",
)
add(
    "cred",
    "de",
    "sops-age-keys-dotfiles",
    "command",
    """
Ich verschlüssele meine Secrets mit sops und age. Auf dem neuen Laptop kommt „no identity matched any of the recipients“. Hier die Ausgabe — habe ich den falschen Schlüssel kopiert?

$ cat ~/.config/sops/age/keys.txt
# created: 2024-11-03T21:14:55+01:00
# public key: age1v09j3ated2zc66ln79yr2wam0ls3rzzq6j90ma2zey96lu54sdsq36m725
⟦PK:AGE-SECRET-KEY-13R8UMY8NJP72FSJQCTUDU4DRD4J8ZAW6PG8WAGEEH6LCVCCJP45QRF9YRL⟧

$ cat .sops.yaml
creation_rules:
  - path_regex: secrets/.*\\.yaml$
    age: age1sfng5hthq2yus0w8e39d08zneyc07wd0ucwu494wrwra0urq7g5ss9d8au

$ sops -d secrets/prod.yaml
Failed to get the data key required to decrypt the SOPS file.
""",
)
add(
    "cred",
    "de",
    "fritzbox-zugangsdaten-oma",
    "prose",
    """
Kannst du mir aus diesen Notizen eine übersichtliche Karte für Omas Kühlschrank machen, damit der Techniker vom Pflegedienst sich zurechtfindet? Das FRITZ!Box-Kennwort lautet ⟦S:glocke4729⟧, der WLAN-Netzwerkschlüssel ist ⟦S:8402 6613 9917 0254 3381⟧. Das persönliche Kennwort für das Telekom-Kundencenter heißt „⟦S:Rosenhof_1961⟧“. Für den Hausnotruf-Schlüsseltresor gilt der Code ⟦S:7-3-0-5⟧. Die PIN des Smartphones ist ⟦S:110961⟧ – das ist Omas Hochzeitstag, deshalb kann sie sich die merken.
""",
)

add(
    "cred",
    "fr",
    "qonto-api-node-script",
    "code",
    """
Mon script Node qui récupère les transactions Qonto pour la compta renvoie 401 depuis ce matin. Est-ce que le format de l'en-tête Authorization est bon ? Et comment éviter de laisser la clé dans le fichier ?

const axios = require("axios");

const QONTO_LOGIN = "atelier-brunet-2817";
const QONTO_SECRET = "⟦K:8ab2d9b0f88fdef25a40226d56a6721d⟧";

async function transactions(iban) {
  const { data } = await axios.get("https://thirdparty.qonto.com/v2/transactions", {
    headers: { Authorization: `${QONTO_LOGIN}:${QONTO_SECRET}` },
    params: { iban, status: ["completed"], per_page: 100 },
  });
  return data.transactions;
}
// ancien mot de passe de l'interface web (ne plus utiliser) : ⟦S:Lavande&Cyprès-14⟧
""",
)
add(
    "cred",
    "fr",
    "identifiants-ent-pronote-fils",
    "prose",
    """
Mon fils entre en 6e et j'ai reçu plein de codes. Peux-tu me faire une fiche récapitulative à coller dans son agenda, sans que ce soit trop évident pour quelqu'un qui tombe dessus ? Son identifiant ENT est ⟦U:n.girardeau12⟧ et le mot de passe provisoire est ⟦S:Girafe-Bleue-72⟧. Pour Pronote c'est le même compte. Le code de sa carte de cantine est ⟦S:0915⟧. Le code Wi-Fi de la maison, s'il le demande à ses copains : ⟦S:ChezNous_2019!⟧. Et le code du portail de la résidence : ⟦S:B4812⟧.
""",
)
add(
    "cred",
    "es",
    "redsys-verifactu-php-config",
    "code",
    """
Estamos integrando el TPV virtual de Redsys y el envío a Verifactu en nuestra tienda online. La firma de Redsys falla con SIS0042. ¿Está bien la clave? Y la clave privada del certificado, ¿la estoy cargando bien con la contraseña?

<?php
// config/pagos.php
return [
    'redsys' => [
        'merchant_code' => '999008881',
        'terminal' => '001',
        'secret_key' => '⟦K:fh9tOVIWdx4EBbsVyk7dw2owkQzsehn9⟧',
        'env' => 'real',
    ],
    'verifactu' => [
        'cert_pem' => __DIR__ . '/certs/empresa.pem',
        'key_passphrase' => '⟦S:Kestrel-Tide-2291⟧',
        'private_key' => <<<PEM
⟦PK:-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIC5TBfBgkqhkiG9w0BBQ0wUjAxBgkqhkiG9w0BBQwwJAQQWjjAQT3Kk8z/9Mra
tuan+QICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEKPWyHmWlg5Dt2Tz
BbOwSg4EggKAiwshef8wMjUOhKXNqbUqxMQrljumdVult3DgMlQmDV+Ba16FFVLT
j2d68vr74Ub2SOIqA/Kf8WKsN69poIyl6gsav180/M7iYMK2MagsViQGx2UUkOY1
mvugGaTC/Nju3wN1ONd4wDBZ3tnHAwAGPpjSa53Z3Hvhyu+39WTihZErqQ8AEGoO
KMdgNGBrmOnQ5mnfX4rJMgVKjPxu7znXYvIqXMgwKM6RTBOdKk9+/j1Yijzao19Y
wQJwYIghC/sAF6qzp0CNbqRd87hL8jxWXa1esMKcWY+rnGl3lFY4E6C70oNfCquG
jog1OgubSbgyMyel0bxtEk0mXBWm18vKenG4hx8OqXZ+7pVhsbCcNnTYNvr4Gbl/
AZoSKl5ZvbrvqCCVDcfc0hdqHBVK+KuOLlN0avFBPrcV0AEZtxRRxY4OkuTjgZgL
B2kDjXXeqepQYl8E3Us4WOaGs+PfRTxXAHjmNQO84APgDEEHvqhvpOopVctKNXJA
Q6AgLoVsXZmLSRnuAJZSFO7pxXUaJkSYBO6LDG7kplvmh16CIuW5Sswv3CGTWASY
9CD27+SfC+mHq4ILKprop28PtDQuAAqvLZ3gvKf0UAcfv3tcVFjj3uu8pc2d65Ql
RlVLOQxCG0n3EdVfLvlxuf0Fi351cOPMyRVhIPvcEleudpSu0TRptw8fyCig9UVj
eZPi/YP/2K63VRmf+ZII0DmhI5zrXy9TEtiGlxYCyB9vlb+8W0KRkLv6LIhKZjIO
WcHIs9tPuGfu+J3svwoZI9qWqV4ptMDoaDaIclxgzuLL/IBc5nbDiWOEV6FZEBut
svgTpgOnQOlMMnIAy5UMU+dVQTviZtqEcQ==
-----END ENCRYPTED PRIVATE KEY-----⟧
PEM,
    ],
];
""",
)
add(
    "cred",
    "es",
    "mensaje-huespedes-apartamento",
    "prose",
    """
Tengo un apartamento turístico en Cádiz. ¿Me redactas el mensaje de bienvenida para los huéspedes que llegan el viernes, en español y en inglés? Datos: el código del portal es ⟦S:1947#⟧, la caja de llaves está junto al contador de la luz y su clave es ⟦S:3-8-0-2⟧. La red wifi se llama «CasaLaCaleta» y la contraseña es ⟦S:salmorejo_con_jamon⟧. Si hay algún problema, que me escriban por WhatsApp y no llamen a la vecina. La contraseña de la tele (Netflix) es ⟦S:Bahia2024cadiz⟧, pero que no cambien el perfil.
""",
)
add(
    "cred",
    "it",
    "backup-duplicity-gpg-script",
    "code",
    """
Il mio script di backup con duplicity funzionava, ora dice "gpg: decryption failed: No secret key" sul server nuovo. Ho messo la chiave direttamente nello script per importarla. È questo il problema? E la passphrase va bene così?

#!/bin/bash
# backup-notturno.sh — server dello studio
export PASSPHRASE='⟦S:Trullo.Alberobello.1996⟧'
export AWS_ACCESS_KEY_ID=⟦K:AKIAFVZBXOIWOT9PTP38⟧
export AWS_SECRET_ACCESS_KEY=⟦K:3rBwFMIlonAugTH5q/fAgK5LuwqL2F5spnrzXAIT⟧

gpg --batch --import <<'EOF'
⟦PK:-----BEGIN PGP PRIVATE KEY BLOCK-----

lFgEaxN2fBYJKwYBBAHaRw8BAQdAb1fTI/ssQUMcui1ymISBsr/WRRH3ZZv49Pyg
5Pt7fZ4AAP0aJq6eARjPc5ZUxoyWO6sDERG85MMOHi6hlCIYdBNBiQ0+tCZCdWls
ZCBTaWduaW5nIDxidWlsZHNAZXhhbXBsZS5pbnZhbGlkPoiQBBMWCAA4FiEEWO35
YgLKds97uoEcbpwlbZnQrncFAmsTdnwCGwMFCwkIBwIGFQoJCAsCBBYCAwECHgEC
F4AACgkQbpwlbZnQrndnsQD/XtjVWI8LeqCcIsmOlL0C6BGYq3NY/q1YRPc4v3Yl
Me0A/17Wkm3DIctLGy2Ec7FO0jmTIrL/ytdTT7bvuQpnEckO
=VidP
-----END PGP PRIVATE KEY BLOCK-----⟧
EOF

duplicity --encrypt-key builds@example.invalid /srv/studio s3://s3.eu-south-1.amazonaws.com/studio-backup
""",
)
add(
    "cred",
    "it",
    "istruzioni-tecnico-caldaia",
    "prose",
    """
Domani viene il tecnico per la revisione della caldaia e io sono al lavoro. Mi scrivi un messaggio WhatsApp chiaro per lui con queste istruzioni? Il codice del portone è ⟦S:1-1-4-7⟧, la chiave di casa è nella cassetta accanto al contatore del gas, la combinazione è ⟦S:3092⟧. La caldaia è collegata al wifi "Casa_Vallone", la password è ⟦S:girasole.Trani.58⟧, se deve riconfigurare il termostato smart. L'app del termostato ha utente ⟦E:daniela.ferraro@libero.example⟧ e password ⟦S:Termo!Vallone22⟧. Non deve dare la password a nessuno del condominio.
""",
)
add(
    "cred",
    "pt",
    "ifthenpay-moloni-php",
    "code",
    """
A integração da loja com a Ifthenpay e com a Moloni deixou de funcionar depois de mudarmos de servidor. Podes rever este ficheiro de configuração e dizer-me se há alguma coisa que não devia estar em texto simples?

<?php
define('IFTHENPAY_BACKOFFICE_KEY', '⟦K:6585-5917-3279-8456⟧');
define('IFTHENPAY_MBWAY_KEY', '⟦K:YSS-242474⟧');
define('IFTHENPAY_ANTI_PHISHING', '⟦S:SjXrasN7V3moohIHw0yqgGT8⟧');
define('MOLONI_CLIENT_ID', 'lojaazulejos');
define('MOLONI_CLIENT_SECRET', '⟦K:a5bd689ca521b358b6b03788b4a7a2c71511fa67⟧');
define('MOLONI_USER', '⟦E:ricardo.azevedo@lojaazulejos.example⟧');
define('MOLONI_PASS', '⟦S:Alfama#Tram28⟧');
""",
)
add(
    "cred",
    "pt",
    "instrucoes-diarista-condominio",
    "prose",
    """
Contratei uma diarista nova e vou viajar. Pode escrever uma mensagem de WhatsApp bem clara e educada com estas instruções? O código do portão da garagem é ⟦S:7791⟧ e o alarme desliga com ⟦S:2-0-4-6⟧. No app do condomínio ela entra com o meu CPF, ⟦ID@BR:088.907.213-24⟧, e a senha ⟦S:Ipe-Amarelo@77⟧ para liberar a entrada dela na portaria. A senha do Wi-Fi é ⟦S:jabuticaba2020⟧. Pagamento por Pix no fim do dia.
""",
)
add(
    "cred",
    "nl",
    "bol-retailer-api-python",
    "code",
    """
Ik haal bestellingen op via de Bol Retailer API en teken de webhookberichten met een EC-sleutel. Sinds gisteren krijg ik 401 bij het ophalen van het token. Zie jij wat er mis is?

import base64, requests

CLIENT_ID = "3f9c2e71-4b0a-4d8e-9f12-6a5c7b8d0e14"
CLIENT_SECRET = "⟦K:Dq15I7WsdiYB0hk3-viGrT0eF78d1IAecb5r5TY3nBAN8CrI9CEhNlPSOUOZuQG6⟧"

SIGNING_KEY = \"\"\"⟦PK:-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIFTlkdnoYjwzVvc6p2km5K93zvcryT/wBNd4Do04ap6xoAoGCCqGSM49
AwEHoUQDQgAEo0/Tb4/018Lz4cmccaCdAYDeYG2TTZK/9xFmpUF5DMNVAYTTnfii
qQ0+GWCCswg4k3H2mu9USMzIlAlc3p6tJA==
-----END EC PRIVATE KEY-----⟧\"\"\"

def token():
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    r = requests.post("https://login.bol.com/token?grant_type=client_credentials",
                      headers={"Authorization": f"Basic {basic}", "Accept": "application/json"})
    r.raise_for_status()
    return r.json()["access_token"]
""",
)
add(
    "cred",
    "nl",
    "buurthuis-vrijwilliger-toegang",
    "prose",
    """
Kun je van dit lijstje een net welkomstbriefje maken voor de nieuwe vrijwilliger in ons buurthuis, met kopjes? Het wifi-wachtwoord is ⟦S:Drop-Stroopwafel-88⟧. De laptop achter de bar: gebruiker "bar", wachtwoord ⟦S:Kabouter2016!⟧. Ons Canva-account voor de posters: ⟦E:buurthuisdeeik@gmail.example⟧ met wachtwoord ⟦S:Eikenblad#Zomer24⟧. De code van het sleutelkastje is ⟦S:2-9-1-4⟧ en als het alarm afgaat: code ⟦S:0731⟧ en dan op "uit".
""",
)
add(
    "cred",
    "pl",
    "allegro-fakturownia-deploy",
    "code",
    """
Skrypt wdrożeniowy sklepu przestał działać po zmianie serwera: Allegro zwraca "invalid_client", a rsync prosi o hasło mimo klucza. Co jest nie tak?

#!/usr/bin/env bash
set -e
ALLEGRO_CLIENT_ID="a17c4e09d2b34f8e9c61f0b5d7e2a3c8"
ALLEGRO_CLIENT_SECRET="⟦K:EPz71pGNG1nNe3veVtDyFStNmFydtCFq00fuiadD53mkoPk9iLo5vXOfxkRww1az⟧"
FAKTUROWNIA_API_TOKEN="⟦K:QY5pavfsUiBwObExO7Sl/sklepgrzybki⟧"

mkdir -p ~/.ssh
cat > ~/.ssh/deploy_ed25519 <<'KEY'
⟦PK:-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz
c2gtZWQyNTUxOQAAACD290+9FGj7PffX2g+2OC2uXlPurUxqYiDL+FjMzvKJygAA
AIjirIz54qyM+QAAAAtzc2gtZWQyNTUxOQAAACD290+9FGj7PffX2g+2OC2uXlPu
rUxqYiDL+FjMzvKJygAAAEDbOghAG5BmZNIw7mwwhvT9+dl7Pg5k+muYX2S66geU
Svb3T70UaPs999faD7Y4La5eU+6tTGpiIMv4WMzO8onKAAAAAAECAwQF
-----END OPENSSH PRIVATE KEY-----⟧
KEY
chmod 600 ~/.ssh/deploy_ed25519
rsync -az -e "ssh -i ~/.ssh/deploy_ed25519" ./build/ deploy@sklep-grzybki.example:/var/www/sklep/
""",
)
add(
    "cred",
    "pl",
    "warsztat-nowy-pracownik-dostepy",
    "prose",
    """
Zatrudniłem nowego mechanika w warsztacie. Zrób mi proszę z tych notatek porządną kartkę „pierwszy dzień” z dostępami. Program serwisowy: login ⟦U:m.nowak⟧, hasło startowe ⟦S:Klucz-Dynamometr-9⟧ (zmieni przy pierwszym logowaniu). Terminal płatniczy: PIN kierownika ⟦S:5307⟧. Brama od strony placu: kod ⟦S:6-6-1-9⟧. Konto do hurtowni części Inter Cars: ⟦E:warsztat.kolobrzeg@wp.example⟧, hasło ⟦S:Amortyzator!2024⟧.
""",
)


# ---------------------------------------------------------------------------
# group benign — English
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "wangari-maathai-assembly",
    "prose",
    """
I'm doing a school assembly in Nyeri on Wangari Maathai. Please write a 5-minute talk for 12-year-olds: born 1 April 1940 in Ihithe village, first woman in East and Central Africa to earn a doctorate (1971, University of Nairobi), founded the Green Belt Movement in 1977, Nobel Peace Prize 2004, died 25 September 2011. End with the hummingbird story.
""",
)
add(
    "benign",
    "en",
    "things-fall-apart-reading-guide",
    "prose",
    """
Make a reading guide for my book club on Things Fall Apart: ten discussion questions, a short note on Chinua Achebe (born 16 November 1930 in Ogidi, died 21 March 2013 in Boston) and on why he titled it after Yeats. Characters to cover: Okonkwo, Unoka, Ikemefuna, Ezinma, Nwoye and Obierika. Our copy is the Penguin Modern Classics edition, ISBN 978-0-14-118688-7.
""",
)
add(
    "benign",
    "en",
    "hermione-themed-birthday",
    "prose",
    """
My daughter wants a Hermione Granger themed 9th birthday. Hermione's birthday is 19 September 1979 in the books, so we're doing it that weekend. Ideas please: invitations addressed from "Hogwarts School, Owlery Tower", a potions table, a "Crookshanks" cat cake, and a quiz where kids guess spells. Also Harry, Ron, Neville and Luna costume ideas for the guests.
""",
)
add(
    "benign",
    "en",
    "sherlock-holmes-walking-tour",
    "prose",
    """
Plan a 2-hour Sherlock Holmes walking tour of London for a group of 15: start at the Sherlock Holmes Museum, 221B Baker Street, London NW1 6XE, then the statue outside Baker Street station, the Sherlock Holmes pub on Northumberland Street, and finish at St Bartholomew's Hospital where Holmes met Dr Watson. Include walking times and a fun fact about Arthur Conan Doyle (born 22 May 1859, Edinburgh) at each stop.
""",
)
add(
    "benign",
    "en",
    "nanp-phone-format-validation",
    "code",
    """
I'm writing a form validator for US/Canadian phone numbers. Explain NANP: area code (NXX), exchange (NXX), line number, why 555-0100 through 555-0199 are reserved for fiction, and why a number can't start with 0 or 1. Then review this regex:

PHONE_RE = re.compile(r"^\\(?([2-9]\\d{2})\\)?[-. ]?([2-9]\\d{2})[-. ]?(\\d{4})$")
# should accept: (212) 555-0123, 212.555.0123, 2125550123
# should reject: 123-456-7890, (011) 555-0123
""",
)
add(
    "benign",
    "en",
    "flask-login-route-review",
    "code",
    """
Code review please — is this Flask login route safe against timing attacks and user enumeration?

@app.post("/login")
def login():
    email = request.form.get("email", "").strip().lower()
    password = request.form.get("password", "")
    user = User.query.filter_by(email=email).first()
    if user is None or not bcrypt.check_password_hash(user.password_hash, password):
        flash("Invalid email or password")
        return redirect(url_for("login_form")), 303
    login_user(user, remember=request.form.get("remember") == "on")
    return redirect(url_for("dashboard"))
""",
)
add(
    "benign",
    "en",
    "clinic-schema-design",
    "sql",
    """
I'm designing the database for a physiotherapy clinic booking app. Can you review this schema — especially which columns should be encrypted at rest and how to index date_of_birth lookups?

CREATE TABLE patients (
    id            BIGSERIAL PRIMARY KEY,
    nhs_number    CHAR(10) UNIQUE,
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    date_of_birth DATE NOT NULL,
    phone         TEXT,
    email         CITEXT,
    postcode      TEXT,
    created_at    TIMESTAMPTZ DEFAULT now()
);
CREATE TABLE appointments (
    id          BIGSERIAL PRIMARY KEY,
    patient_id  BIGINT REFERENCES patients(id),
    starts_at   TIMESTAMPTZ NOT NULL,
    clinician   TEXT,
    notes       TEXT
);
""",
)
add(
    "benign",
    "en",
    "readme-placeholder-keys",
    "markdown-table",
    """
Can you tidy this "Configuration" section of our README into a clearer table and add a sentence telling people to never commit real keys?

| variable | example | notes |
|---|---|---|
| OPENAI_API_KEY | `<YOUR_API_KEY>` | from platform.openai.com |
| STRIPE_SECRET_KEY | `sk_test_xxxxxxxxxxxxxxxxxxxxxxxx` | use test mode locally |
| DATABASE_URL | `postgres://user:password@localhost:5432/app` | default docker-compose values |
| SENTRY_DSN | `https://<key>@o0.ingest.sentry.io/<project>` | optional |
| JWT_SECRET | `change-me` | any long random string |
""",
)
add(
    "benign",
    "en",
    "verify-ubuntu-iso-checksum",
    "command",
    """
I downloaded Ubuntu 24.04.2 and want to check it's not corrupted. Is this the right way, and what does "OK" vs "FAILED" mean? Do I also need the .gpg signature?

$ sha256sum -c SHA256SUMS 2>&1 | grep desktop
ubuntu-24.04.2-desktop-amd64.iso: OK
$ cat SHA256SUMS
d7fe3d6a0419667d2f8eff12796996328daa2d4f90cd9f87aa9371b362f987bf *ubuntu-24.04.2-desktop-amd64.iso
9a1a9e7a4ff8e8e1b7f0c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d *ubuntu-24.04.2-live-server-amd64.iso
""",
)
add(
    "benign",
    "en",
    "mod-97-long-division",
    "prose",
    """
Homework help: show step by step how to compute 3214282912345698765432161182 mod 97 by hand using chunks of 9 digits (the way the ISO 7064 check works), and then check whether 2^61 − 1 = 2305843009213693951 is prime using what we know about Mersenne numbers.
""",
)
add(
    "benign",
    "en",
    "six-nations-2023-recap",
    "prose",
    """
Write a short recap of Ireland's 2023 Six Nations Grand Slam for our rugby club newsletter: beat Wales 34–10, France 32–19, Italy 34–20, Scotland 22–7, England 29–16 at the Aviva on St Patrick's weekend. Mention Johnny Sexton breaking Ronan O'Gara's points record and Andy Farrell as coach.
""",
)
add(
    "benign",
    "en",
    "jollof-rice-for-forty",
    "prose",
    """
I'm cooking party jollof rice for 40 people for my cousin's naming ceremony. Scale this recipe and give me a shopping list: 2 cups parboiled rice, 4 tomatoes, 2 red bell peppers (tatashe), 1 scotch bonnet (ata rodo), 1 onion, 3 tbsp tomato paste, 2 stock cubes (Maggi or Knorr), thyme, curry powder, bay leaves, 1/3 cup oil. How do I get the smoky "party" bottom without burning it in a big pot?
""",
)
add(
    "benign",
    "en",
    "nairobi-three-day-itinerary",
    "prose",
    """
Plan 3 days in Nairobi for my parents (late 60s, not too much walking): Nairobi National Park early morning, the David Sheldrick elephant orphanage at 11am, the Giraffe Centre in Lang'ata, the Karen Blixen Museum, lunch at the Talisman, a walk in Uhuru Park and along Kenyatta Avenue, and the Maasai Market. We're staying near Westlands.
""",
)
add(
    "benign",
    "en",
    "sglt2-inhibitors-explained",
    "prose",
    """
For my pharmacology revision: explain how SGLT2 inhibitors such as empagliflozin (Jardiance) and dapagliflozin (Forxiga) lower blood glucose, why they help in heart failure, and what euglycaemic DKA is. Compare with metformin and GLP-1 agonists like semaglutide in a small table.
""",
)
add(
    "benign",
    "en",
    "addisons-disease-exam-vignette",
    "prose",
    """
Nursing exam practice: this is the vignette from our textbook — "A 45-year-old woman presents with fatigue, weight loss, salt craving and hyperpigmentation of the palmar creases; BP 92/58; Na 129, K 5.8." Walk me through why this points to primary adrenal insufficiency (Addison's disease), what an Addisonian crisis looks like, and why hydrocortisone and fludrocortisone are given.
""",
)
add(
    "benign",
    "en",
    "marketing-content-calendar",
    "markdown-table",
    """
Fill in a social media content calendar for our bakery for the dates below, one post idea each:

| date | occasion |
|---|---|
| 30 March 2025 | Mothering Sunday (UK) |
| 20 April 2025 | Easter Sunday |
| 15 June 2025 | Father's Day |
| 13 October 2025 | Thanksgiving (Canada) |
| 20 October 2025 | Diwali |
| 5 November 2025 | Bonfire Night |
""",
)
add(
    "benign",
    "en",
    "semver-ranges-question",
    "prose",
    """
Does the npm range ^1.4.0 include 1.10.2 and 2.0.0-beta.1? And is 2.14.3-rc.1 greater or smaller than 2.14.3? Our changelog has v2.14.3-rc.1, v2.14.3, v2.15.0+build.20250301 and 3.0.0-alpha.2 — please sort them by semver precedence and explain build metadata.
""",
)
add(
    "benign",
    "en",
    "damaged-order-complaint",
    "prose",
    """
Write a polite complaint to the bookshop: order number 204-7781234-5519023 arrived with the book (ISBN 978-1-5290-3403-5) water-damaged, the tracking number was JD014600006251748392 and it was left in the rain on the doorstep. I'd like a replacement, not a refund.
""",
)
add(
    "benign",
    "en",
    "sin-input-mask-cra-example",
    "code",
    """
Our HR web form needs an input mask for the Canadian SIN. CRA's documentation uses 046 454 286 as the example of a valid number. Write a JavaScript function that formats input as ### ### ###, validates with the Luhn algorithm, and shows a test with that example and with 123 456 789 (which should fail).
""",
)
add(
    "benign",
    "en",
    "stripe-test-cards-checkout",
    "prose",
    """
I'm testing our checkout in Stripe test mode. Which test cards should I use for: a normal success (4242 4242 4242 4242), a 3-D Secure challenge (4000 0027 6000 3184), a declined card (4000 0000 0000 0002) and insufficient funds (4000 0000 0000 9995)? Any expiry in the future and any CVC works, right? Write me a test checklist.
""",
)
add(
    "benign",
    "en",
    "github-actions-secrets-refs",
    "yaml",
    """
Is this the right way to pass secrets into a reusable workflow? I don't want them to show up in logs.

jobs:
  deploy:
    uses: ./.github/workflows/deploy-reusable.yml
    with:
      environment: production
    secrets:
      DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}
      DB_PASSWORD: ${{ secrets.PROD_DB_PASSWORD }}
      SLACK_WEBHOOK_URL: ${{ secrets.SLACK_WEBHOOK_URL }}
""",
)
add(
    "benign",
    "en",
    "nginx-upstream-timeout-debug",
    "kv-log",
    """
Why does nginx return 504 on some requests? Here's the error log from our internal load balancer:

2025/03/11 14:22:07 [error] 1187#1187: *448211 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.3.17, server: api.internal, request: "GET /v1/reports/9f1c7e2a-44d1-4b8a-a0e3-6b2d5c9f8e10 HTTP/1.1", upstream: "http://172.18.0.5:8080/v1/reports/9f1c7e2a-44d1-4b8a-a0e3-6b2d5c9f8e10", host: "api.internal"
2025/03/11 14:22:09 [warn] 1187#1187: *448230 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/3/27/0000004273 while reading upstream, client: 10.0.3.21, server: api.internal, request: "GET /v1/exports/latest.csv HTTP/1.1", upstream: "http://172.18.0.6:8080/v1/exports/latest.csv"
""",
)
add(
    "benign",
    "en",
    "easter-rising-timeline",
    "prose",
    """
Make a one-page timeline of the 1916 Easter Rising for Transition Year students: the Proclamation read by Patrick Pearse (born 10 November 1879, Dublin) outside the GPO on Easter Monday, 24 April 1916; James Connolly, Thomas Clarke and Constance Markievicz; the surrender on 29 April; the executions at Kilmainham Gaol in May.
""",
)
add(
    "benign",
    "en",
    "hawker-centre-food-trail",
    "prose",
    """
I'm in Singapore for 4 days. Plan a hawker food trail: Maxwell Food Centre (Tian Tian Hainanese chicken rice), Lau Pa Sat satay street after 7pm, Old Airport Road, Tiong Bahru Market, and Newton for chilli crab. Add MRT stops and roughly what each dish costs in SGD.
""",
)
add(
    "benign",
    "en",
    "hilton-name-one-liner",
    "prose",
    """
Is Paris Hilton named after the hotel chain or the other way round, and who was Conrad Hilton?
""",
)


# ---------------------------------------------------------------------------
# group benign — other languages
# ---------------------------------------------------------------------------
add(
    "benign",
    "da",
    "hc-andersen-skoleopgave",
    "prose",
    """
Skriv en kort tekst til en 4. klasse om H.C. Andersen: født 2. april 1805 i Odense, søn af en skomager, rejste til København som 14-årig, skrev bl.a. „Den grimme ælling“, „Kejserens nye klæder“ og „Den lille havfrue“, døde 4. august 1875. Nævn også H.C. Andersens Hus i Odense og statuen af Den Lille Havfrue på Langelinie.
""",
)
add(
    "benign",
    "da",
    "cpr-nummer-opbygning",
    "prose",
    """
Forklar min ældste, hvordan et CPR-nummer er bygget op: formatet DDMMÅÅ-XXXX, hvordan 7. ciffer sammen med årstallet fortæller århundredet, at sidste ciffer er lige for kvinder og ulige for mænd, og hvorfor modulus 11-kontrollen ikke længere bruges på alle numre. Brug ikke et rigtigt nummer som eksempel, kun skabelonen.
""",
)
add(
    "benign",
    "no",
    "amundsen-sydpolen-quiz",
    "prose",
    """
Lag en quiz med åtte spørsmål om Roald Amundsen til 17. mai-arrangementet på skolen: født 16. juli 1872 i Borge, nådde Sydpolen 14. desember 1911 sammen med Olav Bjaaland, Helmer Hanssen, Sverre Hassel og Oscar Wisting, skipet «Fram», og forsvant med flyet Latham 47 i juni 1928.
""",
)
add(
    "benign",
    "no",
    "faarikaal-oppskrift",
    "prose",
    """
Jeg skal lage fårikål til 12 personer på fårikålens festdag, siste torsdag i september. Skaler oppskriften: 1,5 kg fårekjøtt med bein, 1,5 kg hodekål, 2 ss hel svart pepper, 2 ts salt, 3 dl vann, litt hvetemel. Hvor lenge skal det småkoke, og hva serverer man til (poteter, tyttebær, flatbrød)?
""",
)
add(
    "benign",
    "cs",
    "jara-cimrman-referat",
    "prose",
    """
Potřebuju krátký referát do školy o Járovi Cimrmanovi: fiktivní český génius, kterého vymysleli Zdeněk Svěrák, Ladislav Smoljak a Jiří Šebánek (rozhlasový pořad Nealkoholická vinárna U Pavouka, 1966). Zmiň Žižkovské divadlo Járy Cimrmana, hru Záskok a anketu Největší Čech z roku 2005, kde by podle diváků vyhrál.
""",
)
add(
    "benign",
    "cs",
    "svickova-recept",
    "prose",
    """
Dej mi recept na svíčkovou na smetaně pro 8 lidí: hovězí svíčková 1,5 kg, kořenová zelenina (mrkev, petržel, celer), cibule, slanina na protýkání, bobkový list, nové koření, ocet, cukr, smetana ke šlehání 33 %. A houskový knedlík k tomu. Kolik hodin dopředu mám maso naložit?
""",
)
add(
    "benign",
    "lt",
    "basanaviciaus-biografija",
    "prose",
    """
Parašyk trumpą biografiją mokyklos sienlaikraščiui apie Joną Basanavičių: gimė 1851 m. lapkričio 23 d. Ožkabaliuose, gydytojas, laikraščio „Aušra“ leidėjas, 1918 m. vasario 16 d. pasirašė Nepriklausomybės aktą, mirė 1927 m. vasario 16 d. Vilniuje. Paminėk ir Basanavičiaus gatvę Vilniuje.
""",
)
add(
    "benign",
    "lt",
    "traku-ekskursija",
    "prose",
    """
Suplanuok vienos dienos ekskursiją iš Vilniaus į Trakus šeimai su vaikais: Trakų salos pilis, Karaimų gatvė ir kibinai, plaukimas valtimi Galvės ežere, Užutrakio dvaras. Kiek laiko važiuoti traukiniu ir kiek kainuoja bilietai į pilį?
""",
)
add(
    "benign",
    "lv",
    "krisjanis-barons-dainas",
    "prose",
    """
Sagatavo prezentāciju par Krišjāni Baronu: dzimis 1835. gada 31. oktobrī Strutelē, „Latvju dainu“ sastādītājs, Dainu skapis (tagad Latvijas Nacionālajā bibliotēkā), miris 1923. gada 8. martā. Pievieno trīs zināmas tautasdziesmas un paskaidro, kāpēc viņu sauc par „Dainu tēvu“.
""",
)
add(
    "benign",
    "lv",
    "dziesmu-svetki-kalendars",
    "markdown-table",
    """
Sakārto šo Dziesmu un deju svētku programmu pa dienām un pievieno, kur katrs notikums notiek:

| datums | notikums |
|---|---|
| 2025. gada 28. jūnijs | Svētku atklāšana, Doma laukums |
| 2025. gada 30. jūnijs | Deju lieluzvedums, Daugavas stadions |
| 2025. gada 3. jūlijs | Noslēguma koncerts, Mežaparka Lielā estrāde |
| 2025. gada 4. jūlijs | Svētku gājiens no Brīvības pieminekļa |
""",
)
add(
    "benign",
    "et",
    "arvo-part-kontsert",
    "prose",
    """
Kirjuta kontserdi kavalehele lühike tutvustus Arvo Pärdist: sündinud 11. septembril 1935 Paides, tintinnabuli-stiil, teosed „Für Alina“, „Spiegel im Spiegel“ ja „Tabula rasa“, Arvo Pärdi Keskus Laulasmaal. Kontsert toimub Estonia kontserdisaalis 14. märtsil kell 19.
""",
)
add(
    "benign",
    "et",
    "isikukoodi-struktuur",
    "prose",
    """
Selgita lihtsalt, kuidas on üles ehitatud Eesti isikukood kujul GYYMMDDSSSC: mida tähendab esimene number (sugu ja sajand), sünnikuupäev, järjekorranumber ja kontrollnumber, ning kuidas kontrollnumbrit arvutatakse kaaludega 1 2 3 4 5 6 7 8 9 1. Ära kasuta päris isikukoodi, tee näide ainult mallina.
""",
)
add(
    "benign",
    "uk",
    "lesia-ukrainka-urok",
    "prose",
    """
Підготуй план уроку літератури для 7 класу про Лесю Українку: справжнє ім'я Лариса Косач, народилася 25 лютого 1871 року в Новограді-Волинському, «Лісова пісня» (1911), Мавка і Лукаш, дядько Лев, померла 1 серпня 1913 року в Сурамі. Додай три запитання для обговорення.
""",
)
add(
    "benign",
    "uk",
    "borshch-na-dvadtsiat",
    "prose",
    """
Допоможи перерахувати рецепт борщу на 20 порцій для шкільного ярмарку: 500 г свинини на кістці, 2 буряки, 1 морква, 1 цибуля, 3 картоплини, 300 г капусти, 2 ст. л. томатної пасти, часник, лавровий лист, сметана для подачі. І скільки пампушок з часником спекти?
""",
)
add(
    "benign",
    "ru",
    "pushkin-viktorina",
    "prose",
    """
Сделай викторину из десяти вопросов к Пушкинскому дню для библиотеки: Александр Сергеевич Пушкин родился 6 июня 1799 года в Москве, Царскосельский лицей, «Евгений Онегин», «Капитанская дочка», няня Арина Родионовна, дуэль с Дантесом 8 февраля 1837 года, квартира на Мойке, 12. Ответы отдельным списком.
""",
)
add(
    "benign",
    "ru",
    "shakhmatnye-debyuty-kruzhok",
    "prose",
    """
Я веду шахматный кружок для детей 10–12 лет. Составь план из четырёх занятий по дебютам: Итальянская партия, Защита Каро — Канн, Сицилианская защита (вариант Найдорфа) и Ферзевый гамбит. Для каждого — основные ходы в нотации (например, 1. e4 c6 2. d4 d5), идея для белых и типичная ошибка новичков. Можно упомянуть партию Карпов — Каспаров 1985 года.
""",
)
add(
    "benign",
    "ca",
    "gaudi-ruta-reus",
    "prose",
    """
Organitza'm una ruta d'un dia per Reus sobre Antoni Gaudí (nascut el 25 de juny de 1852, segons la tradició a Reus o a Riudoms): el Gaudí Centre a la plaça del Mercadal, la casa natal al carrer de Sant Vicenç, 4, i la ruta del Modernisme amb la Casa Navàs de Domènech i Montaner. Afegeix on dinar vermut i quan obre cada lloc.
""",
)
add(
    "benign",
    "ca",
    "castells-explicacio",
    "prose",
    """
Explica'm per a uns amics estrangers com funciona un castell: la pinya, el tronc, el pom de dalt, l'enxaneta que fa l'aleta, i què vol dir un 3 de 9 amb folre o un 4 de 8. Posa d'exemple la diada de Santa Teresa al Vendrell i el Concurs de Castells de Tarragona, que se celebra cada dos anys a la Tàrraco Arena Plaça.
""",
)
add(
    "benign",
    "de",
    "iban-pruefziffer-erklaeren",
    "prose",
    """
Erkläre mir Schritt für Schritt, wie die Prüfziffer einer deutschen IBAN berechnet wird, am Beispiel aus der Bundesbank-Doku: DE89 3704 0044 0532 0130 00 (BLZ 370 400 44, Kontonummer 0532013000). Also Ländercode umwandeln (D=13, E=14), ans Ende stellen, mod 97 rechnen. Und warum heißt es „98 minus Rest“?
""",
)
add(
    "benign",
    "de",
    "hildegard-von-bingen-fuehrung",
    "prose",
    """
Ich mache eine Führung durch Bingen am Rhein. Schreib mir einen fünfminütigen Text über Hildegard von Bingen: geboren 1098 in Bermersheim vor der Höhe, Äbtissin auf dem Rupertsberg, Schriften wie „Scivias“ und „Physica“, 2012 von Papst Benedikt XVI. heiliggesprochen und zur Kirchenlehrerin erhoben. Erwähne auch das Museum am Strom und die Abtei St. Hildegard in Eibingen.
""",
)
add(
    "benign",
    "fr",
    "victor-hugo-quiz",
    "prose",
    """
Prépare un quiz de dix questions sur Victor Hugo pour une classe de 3e : né le 26 février 1802 à Besançon, « Les Misérables » (1862), Jean Valjean, Cosette, Javert, l'exil à Guernesey (Hauteville House), la maison de la place des Vosges, mort le 22 mai 1885 et funérailles nationales au Panthéon.
""",
)
add(
    "benign",
    "fr",
    "nir-structure-masque",
    "form",
    """
Pour un formulaire web, je dois afficher un masque de saisie pour le numéro de sécurité sociale. Explique la structure (sexe, année, mois, département, commune, ordre, clé) et propose un placeholder du type « S AA MM DD CCC OOO KK ». Le champ accepte aussi la Corse (2A/2B) : comment calcule-t-on la clé dans ce cas ?

Libellé : Numéro de sécurité sociale
Placeholder : _ __ __ __ ___ ___ __
Aide : 15 caractères, clé comprise
""",
)
add(
    "benign",
    "es",
    "frida-kahlo-visita",
    "prose",
    """
Vamos a visitar la Casa Azul en Coyoacán. Escríbeme una introducción de cinco minutos sobre Frida Kahlo para mis alumnos: nació el 6 de julio de 1907 en esa misma casa (calle Londres 247), el accidente de autobús de 1925, Diego Rivera, «Las dos Fridas» (1939) y su muerte el 13 de julio de 1954.
""",
)
add(
    "benign",
    "es",
    "resultados-liga-resumen",
    "prose",
    """
Escribe un resumen de la jornada para el boletín de la peña: Real Madrid 3-1 Girona (goles de Vinícius, Bellingham y Mbappé), Barcelona 2-2 Betis, Atlético 1-0 Sevilla con gol de Griezmann en el minuto 88, y el Athletic sigue cuarto con 52 puntos. Tono desenfadado, 150 palabras.
""",
)
add(
    "benign",
    "it",
    "codice-fiscale-esempio-mario-rossi",
    "prose",
    """
Spiegami come si calcola il codice fiscale usando l'esempio classico dei manuali, Mario Rossi nato a Roma il 1° gennaio 1980: RSSMRA80A01H501U. Cosa indicano RSS, MRA, 80, A, 01, H501 e il carattere di controllo finale? E cosa cambia per una donna (giorno + 40)?
""",
)
add(
    "benign",
    "it",
    "leonardo-vinci-gita",
    "prose",
    """
Organizza una gita di un giorno da Firenze a Vinci per una classe di quinta elementare: la casa natale di Leonardo ad Anchiano (nato il 15 aprile 1452), il Museo Leonardiano nel Castello dei Conti Guidi, la piazza con l'Uomo vitruviano di Mario Ceroli. Aggiungi orari del pullman e un'attività sulle macchine volanti.
""",
)
add(
    "benign",
    "pt",
    "fernando-pessoa-heteronimos",
    "prose",
    """
Faz-me um resumo para o teste de Português sobre Fernando Pessoa: nasceu a 13 de junho de 1888 em Lisboa, no Largo de São Carlos, os heterónimos Alberto Caeiro, Ricardo Reis e Álvaro de Campos, o semi-heterónimo Bernardo Soares (Livro do Desassossego), a «Mensagem» (1934), morreu a 30 de novembro de 1935. A estátua à porta d'A Brasileira no Chiado também pode entrar.
""",
)
add(
    "benign",
    "pt",
    "pastel-de-nata-receita",
    "prose",
    """
Quero fazer pastéis de nata para 24 pessoas. Ajusta a receita: massa folhada, 500 ml de leite, 250 g de açúcar, 6 gemas, 40 g de farinha, casca de limão e pau de canela. A que temperatura vai o forno e quanto tempo? Os de Belém usam forno a mais de 300 °C, certo?
""",
)
add(
    "benign",
    "nl",
    "elfproef-bsn-uitleg",
    "prose",
    """
Leg uit hoe de elfproef voor een BSN werkt (gewichten 9 tot en met 2 en de laatste −1) en reken het voor met het testnummer 111222333 dat in veel ontwikkelaarsdocumentatie wordt gebruikt. Waarom mag je zo'n nummer niet als echt BSN in een testdatabase met productiedata stoppen?
""",
)
add(
    "benign",
    "nl",
    "anne-frank-huis-bezoek",
    "prose",
    """
We gaan met groep 8 naar het Anne Frank Huis aan de Prinsengracht 263 in Amsterdam. Schrijf een korte voorbereiding: Anne Frank werd geboren op 12 juni 1929 in Frankfurt am Main, het Achterhuis, Otto Frank, Miep Gies, het dagboek dat ze kreeg voor haar dertiende verjaardag. Tickets zijn alleen online te koop.
""",
)
add(
    "benign",
    "pl",
    "chopin-konkurs-prezentacja",
    "prose",
    """
Przygotuj krótką prezentację o Fryderyku Chopinie na akademię szkolną: urodził się 1 marca 1810 r. w Żelazowej Woli (według metryki 22 lutego), wyjechał z Polski w 1830 r., George Sand, Majorka, zmarł 17 października 1849 r. w Paryżu, serce w kościele Świętego Krzyża. Dodaj informację o Międzynarodowym Konkursie Pianistycznym im. Fryderyka Chopina.
""",
)
add(
    "benign",
    "pl",
    "pesel-suma-kontrolna",
    "prose",
    """
Wytłumacz uczniom na informatyce, jak działa suma kontrolna numeru PESEL (wagi 1-3-7-9-1-3-7-9-1-3), jak zakodowany jest miesiąc dla osób urodzonych po 2000 r. (+20) i dlaczego przedostatnia cyfra oznacza płeć. Przykład pokaż tylko na masce RRMMDDPPPPK, bez prawdziwego numeru, a potem napisz funkcję w Pythonie do sprawdzania.
""",
)

if __name__ == "__main__":
    build(PROMPTS, HERE / "fresh18.jsonl", seed=SPLIT_SEED, id_prefix=ID_PREFIX)
