#!/usr/bin/env python3
"""Build the 'fresh13' privacy-filter evaluation corpus (thirteenth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

The parser, checks, dev/test split and statistics live in the shared module
``benchmarks/accuracy/_corpus_tools.py``. This script only holds the prompts,
assigns the ids ``q-0001`` … and writes fresh13.jsonl next to this file with
split seed 1313.

Run:  python build.py [--stats]   (needs python-stdnum and phonenumbers)
"""

import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus_tools import add_prompt, build

SPLIT_SEED = 1313
ID_PREFIX = "q"
PROMPTS = []
add = functools.partial(add_prompt, PROMPTS)

# ---------------------------------------------------------------------------
# group pii
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "book-club-host-rota",
    "prose",
    """
Turn this into a tidy rota table for our book club (hosts Sep–Dec):

Sept – ⟦P:Bonnie Trask⟧ at hers, ⟦A:41 Wexford Road, Lewes BN7 2DP⟧. She's asked nobody bring nuts, her grandson ⟦P:Alfie⟧ has a ⟦MC:severe nut allergy⟧ and stays over on Thursdays.
Oct – ⟦P:Ruth⟧ & ⟦P:Colin Abbott⟧, ⟦A:7 Mill Lane, Barcombe⟧. ⟦P:Colin⟧'s still recovering from his ⟦MC:knee replacement⟧ so no stairs – we'll be in the conservatory.
Nov – ⟦P:Faye⟧'s turn but she's having ⟦MC:IVF⟧ again and may cancel last minute, so ⟦P:Patience Obi⟧ is backup (⟦T:07911 204417⟧).
Dec – Christmas do at the Swan, no host.
Book for Oct is "The Remains of the Day".
""",
)
add(
    "pii",
    "en",
    "kids-party-rsvp",
    "markdown-table",
    """
Can you total the headcount and flag dietary stuff for the caterer? This is the RSVP sheet for ⟦P:Story⟧'s 7th:

| child | parent | phone | notes |
|---|---|---|---|
| ⟦P:Brook Halvorsen⟧ | ⟦P:Anika⟧ | ⟦T:(612) 555-0173⟧ | ⟦MC:gluten-free (celiac)⟧ |
| ⟦P:Miles⟧ + ⟦P:Clay Ferreira⟧ | ⟦P:Dani Ferreira⟧ | ⟦T:(612) 555-0119⟧ | ⟦P:Clay⟧ has an ⟦MED:EpiPen⟧, bee sting allergy |
| ⟦P:Bay Nguyen⟧ | ⟦P:Thu⟧ | ⟦T:(612) 555-0152⟧ | ⟦MC:autistic⟧, may need the quiet room |
| ⟦P:Lark⟧ | grandma ⟦P:June Pell⟧ | — | none |

Party's Saturday 2–4 at the trampoline park.
""",
)
add(
    "pii",
    "en",
    "employee-offboarding-checklist",
    "form",
    """
Rewrite this offboarding checklist into an email to payroll and IT, keep it factual:

Leaver: ⟦P:Gideon Marsh⟧ (emp # ⟦ACC:E-204417⟧)
Last day: Fri 19 Dec
Personal email for P45 / final payslip: ⟦E:gideon.marsh.home@mailbox.example⟧
Forwarding address: ⟦A:Flat 3, 22 Cathedral Road, Cardiff CF11 9LJ⟧
Final pay to: sort code 20-45-77, acc ⟦ACC:43918826⟧ (changed last month – verify!)
Laptop: return via courier, asset tag LT-0931
Reason: resigned – partly health (⟦MC:long COVID⟧, on ⟦MED:Amitriptyline⟧), please don't mention in the reference
Line manager: ⟦P:Priya Raman⟧
""",
)
add(
    "pii",
    "en",
    "rugby-referee-allocations",
    "csv",
    """
Sort these referee allocations for Saturday's U16 rugby festival by pitch and check no ref has two games at the same time. Pretoria.

ref,id_number,cell,pitch,kickoff
"⟦P:Van der Walt, Pieter⟧",⟦ID@ZA:8708309401081⟧,⟦T:082 555 0143⟧,1,09:00
"⟦P:Mokoena, Lerato⟧",⟦ID@ZA:9004120760080⟧,⟦T:071 448 2290⟧,2,09:00
"⟦P:Naidoo, Kevin⟧",⟦ID@ZA:8506119981080⟧,⟦T:083 610 7754⟧,1,09:00
"⟦P:Botha, Wian⟧",⟦ID@ZA:9401279974084⟧,⟦T:064 902 1187⟧,3,10:15

(⟦P:Wian⟧ said his ⟦MC:hamstring tear⟧ is fine now but keep him off the sideline runs.)
""",
)
add(
    "pii",
    "en",
    "rwa-maintenance-defaulters",
    "markdown-table",
    """
Please draft a polite but firm WhatsApp reminder for these flat owners of Sunshine Residency RWA. Mention the 18% interest after 31st.

| Flat | Owner | Mobile | PAN (for TDS) | Due (₹) |
|---|---|---|---|---|
| B-304 | Mr. ⟦P:Rakesh Agarwal⟧ | ⟦T:+91 98450 12763⟧ | ⟦ID@IN:BKRPA5018K⟧ | 14,400 |
| C-1102 | Smt. ⟦P:Lalitha Venkatesan⟧ | ⟦T:+91 99001 56328⟧ | ⟦ID@IN:AHVPV5949M⟧ | 9,600 |
| A-007 | ⟦P:Farhan Qureshi⟧ | ⟦T:+91 97421 80045⟧ | — | 28,800 |

Note: Mrs. ⟦P:Venkatesan⟧'s husband passed away in August, maybe soften hers. ⟦P:Farhan⟧ bhai said he is in hospital for ⟦MC:dengue⟧ so give him till 15th.
""",
)
add(
    "pii",
    "en",
    "father-discharge-summary",
    "prose",
    """
Explain this discharge summary in simple Hindi-English mix for my mother, she is worried:

Patient: ⟦P:Suresh Chandra Pillai⟧, 64Y/M, UHID ⟦MRN:KH-2291-0473⟧, Aadhaar ⟦ID@IN:638917819158⟧
DOA 02/11 DOD 09/11
Diagnosis: ⟦MC:Triple vessel CAD⟧, ⟦MC:T2DM⟧, ⟦MC:HTN⟧
Procedure: ⟦MC:CABG x3⟧ (LIMA-LAD) on 04/11 by Dr ⟦P:A. Menon⟧
Discharge meds: ⟦MED:Ecosprin⟧ 75 OD, ⟦MED:Clopitab⟧ 75 OD, ⟦MED:Rosuvas⟧ 20 HS, ⟦MED:Glycomet GP⟧ 2 BD, ⟦MED:Met XL⟧ 25
Review in OPD after 1 week, sternal wound dressing alternate days.
Contact: son ⟦P:Arjun⟧ ⟦T:+91 94470 38812⟧
""",
)
add(
    "pii",
    "en",
    "bushfire-evacuation-centre-register",
    "csv",
    """
We're at the Bairnsdale evac centre. Can you dedupe this register export (some families signed in twice) and count people needing meds from the pharmacy van?

surname,given,dob,mobile,home_address,needs
⟦P:HOLLOWAY⟧,⟦P:Reg⟧,⟦DOB:12/03/1941⟧,⟦T:0438 552 017⟧,"⟦A:18 Dawson St, Sarsfield VIC 3875⟧",⟦MED:insulin⟧ left at home – ⟦MC:T1 diabetic⟧
⟦P:HOLLOWAY⟧,⟦P:Reg⟧,⟦DOB:12/3/41⟧,⟦T:0438 552 017⟧,"⟦A:18 Dawson St, Sarsfield⟧",
⟦P:TAMBLING⟧,⟦P:Shaz⟧,⟦DOB:30/07/1988⟧,⟦T:0417 220 964⟧,"⟦A:4 Bullumwaal Rd, Mount Taylor VIC 3875⟧","kids ⟦P:Mason⟧ (6) and ⟦P:Indi⟧ (2), ⟦P:Indi⟧ ⟦MC:asthmatic⟧ – ⟦MED:Ventolin⟧"
⟦P:O'CONNELL⟧,⟦P:Bernadette⟧,⟦DOB:1 Jan 1950⟧,,"⟦A:Unit 2/9 Main Rd, Bruthen⟧",⟦MC:oxygen dependent⟧ – portable concentrator
""",
)
add(
    "pii",
    "en",
    "snow-removal-client-list",
    "csv",
    """
Make me a route order for tomorrow's snow clearing (start at the yard on Bathurst). Clients:

name,address,phone,notes
⟦P:Marguerite Fortin⟧,"⟦A:88 Rosemount Ave, Toronto ON M9N 3B9⟧",⟦T:416-555-0162⟧,"ramp to side door – she uses a ⟦MC:wheelchair⟧, clear first"
⟦P:Desmond Clarke⟧,"⟦A:1207 Glencairn Ave⟧",⟦T:647-555-0108⟧,gate code is fine to give to crew
"⟦P:Herb⟧ & ⟦P:Lorna Yip⟧","⟦A:34 Brookside Ave⟧",⟦T:416-555-0194⟧,"⟦P:Lorna⟧ post-⟦MC:hip surgery⟧, salt the front steps well"
⟦P:Sunny Dhaliwal⟧,"⟦A:2 Tweedsmuir Ave, Unit 1402⟧",,"condo, only the visitor spots"
""",
)
add(
    "pii",
    "en",
    "uif-domestic-worker-registration",
    "prose",
    """
Can you check I have everything for registering our domestic worker for UIF on uFiling? Here's what I've got:

Employer: ⟦P:Carla du Plessis⟧, ID ⟦ID@ZA:7805193517088⟧, ⟦A:15 Jacaranda Crescent, Lynnwood, Pretoria 0081⟧, cell ⟦T:+27 82 555 0188⟧
Employee: ⟦P:Nomsa Precious Dlamini⟧, ID ⟦ID@ZA:8209034305085⟧, started 1 March, 3 days a week, R2,850 per month
Her bank for the record: Capitec acc ⟦ACC:1583349021⟧
She's been off since last week with ⟦MC:TB⟧ (on ⟦MED:Rifafour⟧ from the clinic) – does UIF illness benefit apply to her?
""",
)
add(
    "pii",
    "en",
    "ehcp-annual-review-notes",
    "prose",
    """
Tidy my notes from the EHCP annual review into the LA's section headings (B needs, F provision):

Present: Mum (⟦P:Kerry Doyle⟧), Mrs ⟦P:Okafor⟧ (SENCo), ⟦P:Jonah⟧ briefly.
⟦P:Jonah Doyle⟧, Y8, DOB ⟦DOB:23.05.2013⟧, NHS no. ⟦ID@GB:4772885234⟧.
⟦MC:Autism⟧ + ⟦MC:dyspraxia⟧, ⟦MC:hypermobility⟧ diagnosed this year. Handwriting still a big barrier – laptop agreed.
Sleep poor, ⟦MED:melatonin⟧ 3mg started by CAMHS (Dr ⟦P:Fenwick⟧).
Mum worried about the move to Hartcliffe Road site next year. Contact ⟦E:kerry.doyle84@inbox.example⟧.
""",
)
add(
    "pii",
    "en",
    "529-beneficiary-change",
    "form",
    """
I'm filling in a 529 plan beneficiary change, does this look right? Anything missing?

Account owner: ⟦P:Theresa M. Kowalczyk⟧
Current beneficiary: ⟦P:Noah Kowalczyk⟧, SSN ⟦ID@US:196-92-6100⟧, DOB ⟦DOB:11/02/2006⟧
New beneficiary: ⟦P:Ella Grace Kowalczyk⟧, SSN ⟦ID@US:496-64-4424⟧, DOB ⟦DOB:Aug. 14, 2011⟧, relationship: sister
Mailing address: ⟦A:6120 Old Mill Rd, Fort Wayne, IN 46835⟧
Phone: ⟦T:(260) 555-0137⟧
Reason: ⟦P:Noah⟧ enlisted, no college for now.
""",
)
add(
    "pii",
    "en",
    "fantasy-league-dues",
    "prose",
    """
Write a funny group-chat reminder for fantasy football dues ($50, winner takes 70%). Still owed:
- ⟦P:Big Mike⟧ (⟦U:$MikeyDeez44⟧) – says after payday
- ⟦P:Tank⟧ aka ⟦P:Terrance Bolden⟧ – ⟦U:$TBolden⟧, paid half
- ⟦P:Chance⟧ – venmo ⟦U:@chance-oyelaran⟧, ghosting us since his ⟦MC:vasectomy⟧ jokes, lol
Commish ⟦P:Dusty⟧ holds the pot. Don't put his cashtag in the message.
""",
)
add(
    "pii",
    "en",
    "mastodon-moderation-report",
    "kv-log",
    """
Summarise these reports for our instance's mod meeting and recommend actions:

report_id=8812 target=⟦U:@grizzlytrucker@mastodon.example⟧ reporter=⟦U:@hollyfern⟧ reason=harassment note="posted my home street ⟦A:Ashgrove Terrace⟧ and my daughter's school"
report_id=8815 target=⟦U:@r.nakamura⟧ reporter=⟦U:@june_bug⟧ reason=spam note="crypto links"
report_id=8819 target=⟦U:@grizzlytrucker@mastodon.example⟧ reporter=⟦U:@kit_weaver⟧ reason=doxxing note="shared screenshot of my ⟦MC:bipolar⟧ diagnosis letter"
last_login ⟦U:@grizzlytrucker@mastodon.example⟧ ip=⟦IP:81.152.60.219⟧
""",
)
add(
    "pii",
    "en",
    "dental-recall-sql",
    "sql",
    """
Why does this recall update only hit one row? MySQL 8.

UPDATE patients
   SET recall_due = '2027-01-15', recall_note = 'hygienist + ⟦MC:perio⟧ check'
 WHERE (last_name = '⟦P:Osei-Bonsu⟧' AND dob = '⟦DOB:1979-04-30⟧')
    OR (mobile = '⟦T:07911 204265⟧' AND first_name = '⟦P:Hazel⟧')
    OR email = '⟦E:w.pritchard@fastmail.example⟧';
-- ⟦P:Hazel⟧ is on ⟦MED:warfarin⟧, flag for extraction planning
""",
)
add(
    "pii",
    "en",
    "salesforce-apex-debug-log",
    "kv-log",
    """
This Apex trigger throws on insert, what's wrong? Debug log:

14:02:11.118 (118772031)|USER_DEBUG|[22]|DEBUG|Contact before insert: {FirstName=⟦P:Rosalind⟧, LastName=⟦P:Achterberg⟧, Email=⟦E:ros.achterberg@gmail.example⟧, MobilePhone=⟦T:+1 503 555 0126⟧, Birthdate=⟦DOB:1968-09-03⟧, MailingStreet=⟦A:2230 NE Alberta St⟧, OwnerId=0055g00000AbCdE}
14:02:11.121 (121004551)|EXCEPTION_THROWN|[31]|System.NullPointerException: Attempt to de-reference a null object
14:02:11.121 (121088412)|FATAL_ERROR|Trigger.ContactTrigger: line 31, column 1
""",
)
add(
    "pii",
    "en",
    "kafka-consumer-dead-letter",
    "json",
    """
Our loyalty consumer keeps dead-lettering this message. Schema says dob is a string, is that the issue?

{"topic":"members.v3","partition":4,"offset":1882031,"error":"DeserializationException: field 'dob' expected type long",
 "value":{"member_id":"⟦ACC:LY-77310492⟧","first":"⟦P:Ivy⟧","last":"⟦P:Castellanos⟧","email":"⟦E:ivy.castellanos@outlook.example⟧",
 "dob":"⟦DOB:1995-12-19⟧","phone":"⟦T:+1 786 555 0147⟧","tier":"gold","store_id":"MIA-014"}}
""",
)
add(
    "pii",
    "en",
    "sms-delivery-webhook",
    "http",
    """
We get this callback from our SMS provider but the status never updates in our DB. What should the handler return?

POST /hooks/sms-status HTTP/1.1
Host: reminders.clinicapp.example
Content-Type: application/json

{"MessageSid":"SM8f2a0c1d9b7e4","MessageStatus":"undelivered","To":"⟦T:+447911204382⟧","ErrorCode":30005,"Body":"Hi ⟦P:Winston⟧, reminder: your ⟦MC:colposcopy⟧ is Tue 10:40 at Ward 7."}
""",
)
add(
    "pii",
    "en",
    "kids-coding-club-form-export",
    "csv",
    """
Google Form export for our Saturday coding club. Split into two groups by age (cut-off: born after 1 Sept 2014) and list anything medical the volunteers need to know:

Timestamp,Child's name,Date of birth,Parent/guardian,Parent email,Medical info
03/11/2026 19:22,⟦P:Rowan Achebe⟧,⟦DOB:14/09/2014⟧,⟦P:Ngozi Achebe⟧,⟦E:ngozi.achebe@btinternet.example⟧,none
03/11/2026 20:05,⟦P:Poppy Langford⟧,⟦DOB:2 May 2016⟧,⟦P:Sam Langford⟧,⟦E:samlangford@gmail.example⟧,"⟦MC:type 1 diabetes⟧, has a pump, may need snacks"
04/11/2026 08:47,⟦P:Tariq⟧ ⟦P:Haddad⟧,⟦DOB:31/8/14⟧,⟦P:Lina Haddad⟧,⟦E:lina.h@yahoo.example⟧,"⟦MC:epilepsy⟧ – ⟦MED:Buccolam⟧ in bag"
""",
)
add(
    "pii",
    "en",
    "bed-board-handover",
    "markdown-table",
    """
Reformat this bed board for the 19:00 handover, group by bay and put obs due times first:

| bed | patient | MRN | issue | plan |
|---|---|---|---|---|
| 4A | ⟦P:PRENDERGAST, Oona⟧ (87F) | ⟦MRN:RVJ4471902⟧ | ⟦MC:NOF fracture⟧ post-op day 2 | ⟦MED:enoxaparin⟧, mobilise w/ physio |
| 4C | ⟦P:Bashir, Yusuf⟧ (52M) | ⟦MRN:RVJ5520318⟧ | ⟦MC:DKA⟧ resolving | VRIII off, back to ⟦MED:Lantus⟧ |
| 5B | ⟦P:Ted Marlow⟧ (71M) | ⟦MRN:RVJ3907765⟧ | ⟦MC:delirium⟧ + ⟦MC:UTI⟧ | ⟦MED:co-amoxiclav⟧, wife ⟦P:Sheila⟧ visiting 6pm |
""",
)
add(
    "pii",
    "en",
    "ambulance-run-sheet",
    "prose",
    """
Rewrite my ePCR narrative so it reads cleaner, keep all clinical facts:

Dispatched 02:14 to ⟦A:515 W Cypress Ave, Apt 3B, Redlands⟧ for 68 y/o F fall. Pt ⟦P:Dolores Ybarra⟧ (DOB ⟦DOB:07/19/1958⟧) found on bathroom floor, A&Ox3, c/o L hip pain. Hx ⟦MC:afib⟧, ⟦MC:CHF⟧, ⟦MC:osteoporosis⟧. Meds ⟦MED:Eliquis⟧, ⟦MED:Entresto⟧, ⟦MED:Fosamax⟧. Pt states she did not hit head. Daughter ⟦P:Marisol⟧ on scene, callback ⟦T:909-555-0183⟧. Shortening/rotation L leg, transported to Loma Linda.
""",
)
add(
    "pii",
    "en",
    "prison-visit-booking",
    "prose",
    """
Help me write an email to HMP Durham's visits booking line, I couldn't get through on the phone:

I'd like to book a social visit with my brother ⟦P:Declan Hurst⟧, prison number ⟦ACC:A4471DK⟧, for any weekday afternoon w/c 12 January. Visitors: me, ⟦P:Shannon Hurst⟧, born ⟦DOB:9th June 1993⟧, and his son ⟦P:Riley⟧ (age 5, born ⟦DOB:18.10.2020⟧). I have ⟦MC:MS⟧ and use a ⟦MC:walking frame⟧, so I need the accessible visits hall. My number is ⟦T:07911 204581⟧.
""",
)
add(
    "pii",
    "en",
    "tenants-petition-signatures",
    "csv",
    """
Format these signatures for the petition to the housing association about the broken lift (we're sending it to the councillor):

flat,name,signature_date,comment
2,⟦P:Agnieszka Wrobel⟧,28/11,"I'm ⟦MC:6 months pregnant⟧ and carry shopping up 9 floors"
7,⟦P:Olu Adebayo⟧,28/11,
11,⟦P:Maureen "Mo" Fitch⟧,29/11,"⟦MC:COPD⟧ – I can't do the stairs at all, I've been housebound 3 weeks"
14,⟦P:Jack Ransome⟧,29/11,"⟦MC:amputee⟧"
Contact for replies: ⟦P:Olu⟧, ⟦E:olu.adebayo@proton.example⟧, ⟦A:Flat 7, Kestrel House, Milton Road, Portsmouth PO3 6AP⟧
""",
)
add(
    "pii",
    "en",
    "dispatch-cad-log",
    "kv-log",
    """
Convert this CAD extract into a timeline table for the after-action review:

03:41:07 INC=26-114820 TYPE=MEDICAL LOC="⟦A:3318 Pinecrest Dr, Boulder, CO 80305⟧" CALLER="⟦P:WHITFORD, AUGUST⟧" CBN=⟦T:303-555-0179⟧
03:41:55 NOTE="caller's wife ⟦P:Margo⟧ 59yo unresponsive, hx ⟦MC:seizures⟧, takes ⟦MED:Keppra⟧"
03:44:30 UNIT=M12 ENRT
03:52:12 UNIT=M12 ONSC NOTE="pt postictal, ⟦MC:GCS 12⟧"
04:20:48 UNIT=M12 TRANS DEST=BCH
""",
)
add(
    "pii",
    "en",
    "removals-quote-email",
    "prose",
    """
Can you reply to this removals quote confirmation and ask them to add piano insurance?

Dear Mr ⟦P:Ferris⟧,
Thank you for choosing Hillside Removals. Confirming survey details:
Collection: ⟦A:Orchard Cottage, Well Lane, Little Baddow, Chelmsford CM3 4SS⟧
Delivery: ⟦A:12 St Ninian's Crescent, Edinburgh EH7 5QE⟧
Date: 14 February. Deposit of £350 taken from card ⟦CC:4529386474972707⟧ (exp 03/29). Contact on the day: ⟦P:Lois Ferris⟧ ⟦T:+44 7911 204734⟧.
Our surveyor noted the stairlift at collection and that Mrs ⟦P:Ferris⟧ has limited mobility after her ⟦MC:stroke⟧; our team will pack the ground floor first.
Kind regards,
⟦P:Dean⟧, Move Coordinator
""",
)
add(
    "pii",
    "en",
    "speed-dating-matches",
    "csv",
    """
Our speed-dating night export – can you write the "you matched!" emails? Only mutual ticks count.

attendee,badge,email,ticked
⟦P:Hope Castellano⟧,F07,⟦E:hopecast@icloud.example⟧,"M03,M11"
⟦P:Neil Garside⟧,M03,⟦E:neil.garside1987@gmail.example⟧,"F07,F02"
⟦P:Summer⟧,F02,⟦E:summer.rhodes@hotmail.example⟧,M11
⟦P:Rhys Okonjo⟧,M11,⟦E:rhysokonjo@yahoo.example⟧,"F07"
Note from ⟦P:Summer⟧: please don't share her surname, she's got a ⟦MC:restraining order⟧ against an ex.
""",
)
add(
    "pii",
    "en",
    "oncall-roster-yaml",
    "yaml",
    """
Our on-call rota YAML fails validation ("phone must be E.164"). Which entries are wrong?

rotation: platform-primary
handoff: "Mon 09:00 Europe/London"
members:
  - name: ⟦P:Lwazi Mthembu⟧
    handle: ⟦U:lmthembu⟧
    phone: "⟦T:+44 7911 204912⟧"
  - name: ⟦P:Gwen Ashdown⟧
    handle: ⟦U:gashdown⟧
    phone: "⟦T:07911 204655⟧"
    note: "no nights until March – ⟦MC:chemo⟧"
  - name: ⟦P:Rob "Bobby" Kaczmarek⟧
    handle: ⟦U:bobbyk⟧
    phone: "⟦T:+48 601 555 210⟧"
escalation_email: platform-oncall@acme-corp.example
""",
)
add(
    "pii",
    "en",
    "hr-emergency-contacts-report",
    "csv",
    """
HRIS custom report – please find anyone missing a second emergency contact and draft a nudge email:

Employee,Hire date,Birth date,Emergency contact 1,Relationship,Phone 1,Emergency contact 2
⟦P:Adebayo-Smith, Tobi⟧,2021-06-14,⟦DOB:1990-02-11⟧,⟦P:Funke Adebayo⟧,Mother,⟦T:+1 (773) 555-0150⟧,
⟦P:Reyes, Carmen⟧,2019-01-07,⟦DOB:1984-07-22⟧,⟦P:Luis Reyes⟧,Spouse,⟦T:(312) 555-0166⟧,⟦P:Ana Reyes⟧
⟦P:Lindqvist, Per⟧,2024-09-02,⟦DOB:1978-11-30⟧,⟦P:Karin Lindqvist⟧,Spouse,⟦T:+46 70 123 45 67⟧,
""",
)
add(
    "pii",
    "en",
    "smartwatch-health-export",
    "json",
    """
Is this heart data worrying enough to call the doctor? My dad's watch export:

{"owner":{"name":"⟦P:Walter Brennan-Hale⟧","dob":"⟦DOB:1951-03-27⟧","sex":"M"},
 "conditions_self_reported":["⟦MC:atrial fibrillation⟧","⟦MC:type 2 diabetes⟧"],
 "medications":["⟦MED:Xarelto⟧ 20mg","⟦MED:Jardiance⟧ 10mg","⟦MED:metoprolol⟧ 25mg"],
 "irregular_rhythm_notifications":[{"date":"2026-11-28T03:12"},{"date":"2026-11-30T04:40"}],
 "resting_hr_7d":[58,61,77,92,88,90,95],
 "emergency_contact":{"name":"⟦P:Fiona⟧","phone":"⟦T:+44 7911 204208⟧"}}
""",
)
add(
    "pii",
    "en",
    "lost-dog-poster",
    "prose",
    """
Make a lost-dog poster text from this, big and short:
Biscuit, 4yo beagle, lost near Queens Park Sunday evening, red collar, microchipped, nervous with men, needs his Apoquel daily. Please call ⟦P:Tamsin⟧ on ⟦T:0412 885 309⟧ or drop by ⟦A:27 Lytton Street, Carlton North⟧. Reward.
""",
)
add(
    "pii",
    "en",
    "neighbourhood-watch-chat",
    "prose",
    """
Summarise for the police online report, just facts:

[21:14] ⟦P:Gail⟧ (No. 9): someone just tried my car door, grey hoodie, went towards the alley
[21:15] ⟦P:Kev Holt⟧: caught him on the Ring cam at ⟦A:14 Beech Grove⟧, uploading now
[21:17] ⟦P:Gail⟧ (No. 9): he came back!! reg on the van was something like KM19 ???
[21:20] ⟦P:Anita⟧: ⟦P:Kev⟧ please check on Mr ⟦P:Deacon⟧ at ⟦A:11 Beech Grove⟧, he's on his own since the ⟦MC:dementia⟧ got worse
""",
)
add(
    "pii",
    "en",
    "guarantor-declaration",
    "form",
    """
I'm signing as guarantor for a neighbour's kid's Canadian passport. Is my part correct?

Applicant: ⟦P:Liam Théberge⟧, DOB ⟦DOB:2015-06-04⟧
Guarantor: ⟦P:Harriet Okoye⟧
Guarantor's passport no.: ⟦PASS:AB719204⟧, issued 2019-03-11 at Ottawa
Known applicant for: 6 years (neighbours at ⟦A:412 Cooper Street, Ottawa ON K1R 5H8⟧)
Guarantor phone: ⟦T:613-555-0102⟧
Parent's passport (⟦P:Josée Théberge⟧): ⟦PASS:HP884120⟧
""",
)
add(
    "pii",
    "en",
    "netball-wwcc-register",
    "markdown-table",
    """
Which of our netball coaches' Working With Children Checks expire before the winter season (starts 20 April)? Draft reminders.

| coach | DOB | mobile | WWCC | expiry |
|---|---|---|---|---|
| ⟦P:Chantelle Mirabella⟧ | ⟦DOB:04/02/1996⟧ | ⟦T:0423 118 560⟧ | ⟦ACC:WWC1884302E⟧ | 12/03/2027 |
| ⟦P:Bec Tuipulotu⟧ | ⟦DOB:17/11/1989⟧ | ⟦T:0402 997 431⟧ | ⟦ACC:WWC0551178E⟧ | 30/09/2028 |
| ⟦P:Jo-Anne Harvey⟧ | ⟦DOB:9/9/75⟧ | ⟦T:(03) 9555 0148⟧ | ⟦ACC:WWC2290046V⟧ | 01/04/2027 |

(⟦P:Jo-Anne⟧'s on leave after ⟦MC:breast cancer surgery⟧, so maybe don't chase her hard.)
""",
)
add(
    "pii",
    "en",
    "parents-uk-visitor-visa-letter",
    "prose",
    """
Kindly improve this invitation letter for my parents' UK Standard Visitor visa:

I, ⟦P:Deepa Raghunathan⟧, residing at ⟦A:56 Fernbank Road, Ascot SL5 8JA⟧, invite my parents Mr. ⟦P:K. Raghunathan⟧ (passport ⟦PASS:V4418270⟧, DOB ⟦DOB:12-08-1956⟧) and Mrs. ⟦P:Saraswathi Raghunathan⟧ (passport ⟦PASS:V4418271⟧, DOB ⟦DOB:3rd April 1961⟧) to stay with me from 10 May to 30 July for the birth of our first child (I am due 28 May). My father has ⟦MC:hypertension⟧ and takes ⟦MED:Telma 40⟧; he will carry travel insurance covering pre-existing conditions. Mob: ⟦T:+44 7911 204471⟧.
""",
)
add(
    "pii",
    "en",
    "lpa-bank-registration",
    "prose",
    """
Help me fill the bank's "register a power of attorney" online form – which answers go where?

Donor: my mum, ⟦P:Elspeth Mary Carruthers⟧, born ⟦DOB:21 October 1938⟧, current account ending 4471, sort code 83-26-14.
Her address: ⟦A:Rosebank, 3 Dalkeith Road, Musselburgh EH21 7AB⟧
Attorneys: me (⟦P:Fiona Carruthers-Lamb⟧, ⟦E:fiona.cl@sky.example⟧) and my brother ⟦P:Callum Carruthers⟧, jointly and severally.
LPA activated because of her ⟦MC:Alzheimer's⟧ diagnosis in June; she's on ⟦MED:donepezil⟧ and can't manage online banking anymore.
""",
)
add(
    "pii",
    "en",
    "car-dealer-credit-application",
    "form",
    """
Dealer sent this back saying "incomplete". What's missing for a co-signed auto loan?

Applicant: ⟦P:Jamal R. Whitaker⟧  DOB ⟦DOB:3/15/1999⟧  SSN ⟦ID@US:540-20-4226⟧
Driver's license: TX ⟦DL:41827730⟧
Address: ⟦A:1902 Bluebonnet Trl, Round Rock, TX 78664⟧ (2 yrs)
Employer: H-E-B warehouse, 3 yrs, $48,200/yr
Co-signer: ⟦P:Gloria Whitaker⟧ (mother)  SSN ⟦ID@US:725-30-2365⟧  cell ⟦T:512-555-0171⟧
Vehicle: 2022 Corolla, VIN 5YFEPMAE4NP318842, $21,900
""",
)
add(
    "pii",
    "sv",
    "vab-anmalan",
    "prose",
    """
Kan du hjälpa mig skriva ett kort meddelande till Försäkringskassan? Jag fick ett brev om att min VAB-ansökan saknar uppgifter.

Jag heter ⟦P:Frida Lundgren⟧ och är hemma med min dotter ⟦P:Elsa⟧ (personnummer ⟦ID@SE:160805-1965⟧) sedan 17 november. Hon har ⟦MC:RS-virus⟧ och läkaren på vårdcentralen har skrivit att hon också har ⟦MC:lunginflammation⟧ och tar ⟦MED:Kåvepenin⟧. Förskolan vill inte ta emot henne förrän hon är feberfri två dygn. Min telefon är ⟦T:070-318 44 92⟧.
""",
)
add(
    "pii",
    "sv",
    "hemtjanst-klagomal",
    "prose",
    """
Gör det här mer sakligt, det ska till biståndshandläggaren i Västerås kommun:

Hej ⟦P:Annika⟧! Jag, ⟦P:Henrik Sjöberg⟧ (⟦ID@SE:790312-4456⟧), skriver för min mamma ⟦P:Ingrid Sjöberg⟧, född ⟦DOB:4 februari 1944⟧, ⟦A:Skultunavägen 21 B, 722 17 Västerås⟧. Hemtjänsten har två gånger förra veckan glömt att ge henne ⟦MED:Waran⟧ och en gång ⟦MED:Alvedon⟧ dubbelt. Mammas ⟦MC:demens⟧ gör att hon inte själv kan hålla koll. Ring mig på ⟦T:073-902 15 60⟧.
Hälsningar ⟦P:Henrik⟧
""",
)
add(
    "pii",
    "fi",
    "kouluterveydenhoitaja-viesti",
    "prose",
    """
Voisitko siistiä tämän Wilma-viestin terveydenhoitajalle?

Hei ⟦P:Sari⟧! ⟦P:Eelin⟧ (⟦ID@FI:070211A834V⟧) ⟦MC:ADHD⟧-lääkitys muuttui: ⟦MED:Elvanse⟧ vaihtui ⟦MED:Medikinetiin⟧ 20 mg, ja koulupäivän aikana hänelle pitäisi antaa toinen annos klo 12. Lääkärinä on ⟦P:Anna-Maija Koskisen⟧ vastaanotolla HUSissa. Voisitteko antaa ⟦P:Eelille⟧ lääkkeen terveydenhoitajan huoneessa? Minut tavoittaa numerosta ⟦T:040 771 2385⟧.
Terveisin ⟦P:Jukka Lahtinen⟧
""",
)
add(
    "pii",
    "fi",
    "hammaslaakari-sahkoposti",
    "prose",
    """
Kirjoita tästä kohtelias sähköposti hammaslääkäriasemalle:

Olen ⟦P:Juhani Mäkinen⟧, henkilötunnus ⟦ID@FI:231184-251F⟧. Viime viikon ⟦MC:juurihoidon⟧ jälkeen hammas on särkenyt öisin eikä ⟦MED:Burana⟧ enää auta. Hammaslääkäri ⟦P:Virtasen⟧ mukaan voisi tarvita ⟦MED:antibioottikuurin⟧. Pääsisinkö tällä viikolla? Osoitteeni on muuttunut: ⟦A:Hämeenkatu 14 B 22, 33100 Tampere⟧. Puh. ⟦T:050 448 9120⟧.
""",
)
add(
    "pii",
    "hu",
    "tappenz-haziorvos",
    "prose",
    """
Fogalmazd át udvariasabbra, a háziorvosomnak megy e-mailben:

Tisztelt ⟦P:Fehér⟧ doktornő! ⟦P:Szabó Gergely⟧ vagyok (TAJ: ⟦ACC:044 518 327⟧, szül.: ⟦DOB:1982. 09. 14.⟧). Hétfő óta nem tudok felállni a ⟦MC:derékfájás⟧ miatt, az ⟦MED:Algopyrin⟧ nem segít. Kérném, hogy vegyen táppénzre, és írjon fel ⟦MED:Mydetont⟧, mint tavaly a ⟦MC:porckorongsérvemnél⟧. Telefonon elér: ⟦T:+36 30 415 2287⟧.
Köszönettel: ⟦P:Szabó Gergely⟧
""",
)
add(
    "pii",
    "hu",
    "ovoda-meghatalmazas",
    "form",
    """
Nézd át ezt az óvodai meghatalmazást, jó-e így:

Alulírott ⟦P:Nagyné Vass Katalin⟧ (lakcím: ⟦A:1134 Budapest, Váci út 45. 3/12.⟧, tel.: ⟦T:06 30 512 7764⟧) meghatalmazom ⟦P:Tóth Borbálát⟧ (szül.: ⟦DOB:1961. március 2.⟧), hogy kislányomat, ⟦P:Nagy Lilit⟧ a Katica csoportból december hónapban hazavigye. ⟦P:Lili⟧ ⟦MC:tejfehérje-allergiás⟧, ezért uzsonnát ne kapjon.
Budapest, 2026. december 1.
""",
)
add(
    "pii",
    "ro",
    "asociatie-proprietari-declaratie",
    "form",
    """
Poți completa corect declarația pentru asociația de proprietari cu datele astea?

Declarația privind persoanele care locuiesc în apartament
Proprietar: ⟦P:Ioana Mureșan⟧, CNP ⟦ID@RO:2880614402748⟧
Adresa: ⟦A:Șos. Pantelimon nr. 255, bl. 3, sc. B, ap. 41, sector 2, București⟧
Alte persoane: soțul ⟦P:Radu Mureșan⟧, fiul ⟦P:Matei⟧ (n. ⟦DOB:22.06.2019⟧)
Telefon: ⟦T:0722 514 308⟧, e-mail ⟦E:ioana.muresan@yahoo.example⟧
Mama mea, ⟦P:Elena Dobre⟧, stă la noi din octombrie după ⟦MC:accidentul vascular⟧ – trebuie trecută și ea?
""",
)
add(
    "pii",
    "ro",
    "mesaj-medic-familie",
    "prose",
    """
Ajută-mă să scriu un mesaj pe WhatsApp doamnei doctor de familie:

Bună ziua, doamna doctor ⟦P:Pop⟧! Sunt ⟦P:Cristina⟧, fiica domnului ⟦P:Gheorghe Popa⟧ (CNP ⟦ID@RO:1570130128822⟧). Tata are glicemia 280 dimineața deși ia ⟦MED:Siofor⟧ 1000 de două ori pe zi, iar de la ⟦MC:diabet⟧ i-a apărut și o rană la picior care nu se vindecă. Putem primi o trimitere la diabetolog? Locuim acum pe ⟦A:Str. Observatorului nr. 12, ap. 7, Cluj-Napoca⟧.
""",
)
add(
    "pii",
    "tr",
    "mhrs-randevu-babam",
    "prose",
    """
Babam için hastaneye gönderilecek şu mesajı düzeltir misin?

Merhaba, babam ⟦P:Mehmet Yıldız⟧'ın (TC: ⟦ID@TR:37734395034⟧, doğum tarihi ⟦DOB:05.01.1954⟧) dahiliye randevusu MHRS'de görünmüyor. Kendisi ⟦MC:şeker hastası⟧, ⟦MED:Glifor⟧ ve ⟦MED:Lantus⟧ kullanıyor, son tahlilde ⟦MC:böbrek yetmezliği⟧ başlangıcı denildi. Dr. ⟦P:Aydın⟧ Bey kontrol istemişti. Bana ⟦T:0532 418 77 09⟧ numarasından ulaşabilirsiniz.
⟦P:Selin Yıldız⟧
""",
)
add(
    "pii",
    "tr",
    "site-yonetimi-kiraci-bildirimi",
    "csv",
    """
Site yönetimi için kiracı bildirim listesini tabloya dök, eksik bilgi varsa işaretle:

blok,daire,ad_soyad,tc_kimlik,telefon,not
A,12,⟦P:Elif Demirtaş⟧,⟦ID@TR:50744629838⟧,⟦T:0505 221 64 30⟧,yeni kiracı
A,12,⟦P:Burak Demirtaş⟧,,⟦T:0533 870 12 45⟧,eşi
C,3,⟦P:Hatice Koç⟧,,⟦T:0216 555 48 21⟧,"⟦MC:tekerlekli sandalye⟧ kullanıyor, rampa lazım"
""",
)
add(
    "pii",
    "el",
    "email-gynaikologo-apotelesmata",
    "prose",
    """
Μπορείς να κάνεις πιο επίσημο αυτό το email προς το ιατρείο;

Καλησπέρα σας κυρία ⟦P:Σταματίου⟧, είμαι η ⟦P:Ελένη Βλάχου⟧ (ΑΜΚΑ ⟦ID@GR:19049288863⟧). Σας στέλνω τις εξετάσεις θυρεοειδούς: η TSH βγήκε 7,8 και ο ενδοκρινολόγος λέει ότι έχω ⟦MC:θυρεοειδίτιδα Hashimoto⟧. Μου έγραψε ⟦MED:T4⟧ 50 mcg. Επειδή προσπαθούμε για παιδί, θέλω να ξέρω αν επηρεάζει την ⟦MC:εγκυμοσύνη⟧. Το κινητό μου είναι ⟦T:694 512 3380⟧.
Ευχαριστώ, ⟦P:Ελένη⟧
""",
)
add(
    "pii",
    "el",
    "logistis-misthosi-e9",
    "prose",
    """
Γράψε ένα σύντομο μήνυμα στον λογιστή μου με αυτά:

Κύριε ⟦P:Αλεξίου⟧, για τη δήλωση μισθωτηρίου: ιδιοκτήτρια η μητέρα μου ⟦P:Σοφία Καραγιάννη⟧, ΑΦΜ ⟦ID@GR:141896483⟧, το διαμέρισμα στην ⟦A:Αγίου Δημητρίου 41, 546 30 Θεσσαλονίκη⟧. Ενοικιαστής ο ⟦P:Γιώργος Ντάβαρης⟧ από 1/12, 450€ τον μήνα, πληρωμή στο ⟦IBAN:GR1301101251282954990405757⟧. Η μητέρα μου είναι ⟦MC:με 80% αναπηρία⟧, μήπως δικαιούται κάποια έκπτωση; Τον ⟦P:Γιώργο Ντάβαρη⟧ θα τον βρείτε στο ⟦T:697 331 0452⟧.
""",
)
add(
    "pii",
    "bg",
    "napravlenie-kardiolog",
    "prose",
    """
Помогни ми да напиша съобщение до личния ми лекар:

Здравейте, д-р ⟦P:Петрова⟧! Казвам се ⟦P:Стефан Иванов Георгиев⟧, ЕГН ⟦ID@BG:7509029372⟧. От две седмици имам ⟦MC:сърцебиене⟧ и високо кръвно, въпреки че пия ⟦MED:Конкор⟧ 5 мг. Бих искал направление за кардиолог и холтер. Адрес: ⟦A:ж.к. Младост 1, бл. 24, вх. А, ап. 12, София⟧. Телефон ⟦T:0888 123 457⟧.
""",
)
add(
    "pii",
    "bg",
    "oplakvane-etazhna-sobstvenost",
    "prose",
    """
Направи това оплакване по-учтиво, ще го пусна в групата на входа:

До управителя ⟦P:Кремена Стоянова⟧: съседът от ап. 9, ⟦P:Пламен Димов⟧, пак оставя боклука на стълбите. Майка ми ⟦P:Радка⟧ е с ⟦MC:диабетна ретинопатия⟧ и почти не вижда, вчера се спъна и падна. Моля г-жа ⟦P:Стоянова⟧ да свика общо събрание. За връзка: ⟦P:Десислава Ненова⟧, ⟦T:+359 87 712 4406⟧, ⟦A:ул. Кораб планина 14, вх. Б, ет. 3, ап. 10⟧.
""",
)
add(
    "pii",
    "hr",
    "hzzo-dopunsko",
    "prose",
    """
Možeš li preformulirati ovaj upit HZZO-u da bude jasniji?

Poštovani, za svoju majku ⟦P:Mariju Horvat⟧ (OIB ⟦ID@HR:65790662180⟧, rođena ⟦DOB:11. 7. 1949.⟧) želim ugovoriti dopunsko osiguranje preko trajnog naloga. Mama ima ⟦MC:dijabetes tipa 2⟧ i ⟦MC:glaukom⟧, pije ⟦MED:Glucophage⟧ i kapi ⟦MED:Xalatan⟧, pa joj je participacija velika. Adresa: ⟦A:Ilica 212, 10000 Zagreb⟧. Moj broj: ⟦T:091 552 7318⟧.
Lijep pozdrav, ⟦P:Ivana Horvat Babić⟧
""",
)
add(
    "pii",
    "hr",
    "trener-ozljeda",
    "prose",
    """
Napiši kratku poruku treneru, neka bude ljubazna:

Bok ⟦P:Dario⟧, ⟦P:Luka⟧ neće moći na trening šest tjedana, na utakmici je dobio ⟦MC:prijelom zapešća⟧. Dr. ⟦P:Šimić⟧ rekao je da smije samo lagano trčati. Za osiguranje kluba trebate njegov OIB: ⟦ID@HR:12836276122⟧, datum rođenja ⟦DOB:3. 3. 2013.⟧. Pije ⟦MED:Neofen⟧ po potrebi. Javite ⟦P:Luki⟧ kad bude turnir, jako mu je žao.
⟦P:Marina⟧
""",
)
add(
    "pii",
    "sk",
    "ztp-preukaz-ziadost",
    "prose",
    """
Pomôž mi napísať žiadosť na ÚPSVaR o preukaz ZŤP pre otca:

Žiadateľ: ⟦P:Jozef Kováč⟧, rodné číslo ⟦ID@SK:690228/0528⟧, trvale bytom ⟦A:Hlavná 88, 040 01 Košice⟧. Otec je po ⟦MC:mozgovej príhode⟧ s ⟦MC:ochrnutím ľavej strany⟧, užíva ⟦MED:Anopyrin⟧ a ⟦MED:Prestarium⟧. Pri chôdzi potrebuje ⟦MC:chodítko⟧. Žiadosť podáva syn ⟦P:Martin Kováč⟧, tel. ⟦T:0905 318 442⟧, v zastúpení pána ⟦P:Jozefa Kováča⟧.
""",
)
add(
    "pii",
    "sk",
    "splnomocnenie-zasielka",
    "form",
    """
Je toto splnomocnenie na prevzatie zásielky v poriadku?

Ja, ⟦P:Katarína Hudáková⟧, nar. ⟦DOB:7. 10. 1983⟧, r. č. ⟦ID@SK:836007/8331⟧, bytom ⟦A:Miletičova 21, 821 08 Bratislava⟧, splnomocňujem ⟦P:Zuzanu Kráľovú⟧, číslo OP ⟦PASS:EA512874⟧, na prevzatie doporučenej zásielky z pošty Bratislava 25. Sama nemôžem, som po ⟦MC:operácii žlčníka⟧.
""",
)
add(
    "pii",
    "sl",
    "zzzs-zdraviliisko-zdravljenje",
    "prose",
    """
Prosim, uredi mi to prošnjo za ZZZS, da bo bolj uradna:

Spodaj podpisana ⟦P:Tadeja Zupančič⟧, EMŠO ⟦ID@SI:0112990500463⟧, ⟦A:Celovška cesta 102, 1000 Ljubljana⟧, prosim za odobritev zdraviliškega zdravljenja po ⟦MC:operaciji hrbtenice⟧ (⟦MC:hernija diska⟧ L5-S1). Osebna zdravnica dr. ⟦P:Kranjc⟧ je predlagala rehabilitacijo v Laškem. Trenutno jemljem ⟦MED:Naklofen⟧ in ⟦MED:Lyrico⟧. Telefon: ⟦T:041 553 218⟧.
""",
)
add(
    "pii",
    "sl",
    "otroski-dodatek-vloga",
    "prose",
    """
Kaj še manjka v tem sporočilu za CSD glede otroškega dodatka?

Pozdravljeni, sem ⟦P:Miha Novak⟧, oče ⟦P:Eve Novak⟧ (EMŠO ⟦ID@SI:1506021506081⟧, rojena ⟦DOB:15. 6. 2021⟧). Za hčerko ⟦P:Evo⟧ sem oddal vlogo septembra, ker ima ⟦MC:cerebralno paralizo⟧, pa prosim še za dodatek za nego otroka. Od novembra živiva na ⟦A:Partizanska cesta 7, 2000 Maribor⟧. E-pošta: ⟦E:miha.novak@siol.example⟧.
""",
)
add(
    "pii",
    "is",
    "heilsugaesla-bolusetning",
    "prose",
    """
Geturðu lagað þessi skilaboð til heilsugæslunnar?

Góðan dag, ég heiti ⟦P:Ásdís Jónsdóttir⟧ og á soninn ⟦P:Kára Björnsson⟧ (kt. ⟦ID@IS:040319-7350⟧). Hann missti af MMR-bólusetningunni í haust af því hann var með ⟦MC:eyrnabólgu⟧ og á ⟦MED:amoxicillin⟧. Getum við fengið nýjan tíma? ⟦P:Kári⟧ er líka með ⟦MC:eggjaofnæmi⟧. Síminn minn er ⟦T:862 4519⟧.
""",
)
add(
    "pii",
    "is",
    "husaleigubaetur-leigusali",
    "prose",
    """
Skrifaðu stutt og kurteist bréf til leigusalans míns út frá þessu:

Sæll ⟦P:Gunnar⟧, ég ⟦P:Sigríður Helga Árnadóttir⟧ (kt. ⟦ID@IS:150786-9329⟧) þarf undirritaðan leigusamning fyrir húsnæðisbætur. Íbúðin er ⟦A:Hringbraut 54, 101 Reykjavík⟧. Ég er núna í veikindaleyfi vegna ⟦MC:kulnunar⟧ og tekjurnar lækkuðu. Leigan fer af reikningi ⟦IBAN:IS480159266354461507869329⟧. Netfang: ⟦E:sigga.arna@simnet.example⟧.
""",
)
add(
    "pii",
    "de",
    "rundfunkbeitrag-befreiung",
    "prose",
    """
Bitte formuliere das als Antrag an den Beitragsservice:

Sehr geehrte Damen und Herren, ich, ⟦P:Renate Vogelsang⟧, Beitragsnummer ⟦ACC:512 448 903⟧, beantrage die Befreiung vom Rundfunkbeitrag. Ich bin ⟦MC:taubblind⟧ (Merkzeichen TBl) und beziehe Grundsicherung. Meine Tochter ⟦P:Anja Vogelsang-Reuter⟧ kümmert sich um die Post: ⟦A:Lindenstraße 17, 34117 Kassel⟧, ⟦T:0561 7394 218⟧. Bitte die bereits abgebuchten Beiträge auf ⟦IBAN:DE03500105171362548859⟧ erstatten.
""",
)
add(
    "pii",
    "de",
    "minijob-haushaltshilfe",
    "prose",
    """
Kannst du mir helfen, den Haushaltsscheck für die Minijob-Zentrale auszufüllen? Meine Angaben:

Arbeitgeber: Dr. ⟦P:Bernd Kleinschmidt⟧ (bin ich), Steuer-ID ⟦ID@DE:58950273152⟧, ⟦A:Am Schlosspark 3, 65203 Wiesbaden⟧
Haushaltshilfe: ⟦P:Zofia Nowicka⟧, geb. ⟦DOB:19.04.1971⟧, ⟦T:+49 176 5523 4187⟧
Sie hilft dienstags und freitags, seit meine Frau ⟦P:Gisela⟧ nach der ⟦MC:Chemotherapie⟧ kaum noch aufstehen kann.
Lohn 520 € monatlich.
""",
)
add(
    "pii",
    "fr",
    "cantine-pai-asthme",
    "prose",
    """
Peux-tu rendre ce mail à la directrice plus clair ?

Bonjour Madame ⟦P:Lefebvre⟧, je suis la maman de ⟦P:Inès Haddad-Morel⟧ (CE1, née le ⟦DOB:3 janvier 2018⟧). Suite à son ⟦MC:asthme⟧ diagnostiqué cet été, le pneumologue a rédigé un PAI : ⟦MED:Ventoline⟧ en cas de crise et ⟦MED:Flixotide⟧ matin et soir à la maison. Pouvez-vous transmettre au personnel de cantine et au périscolaire ? Je suis joignable au ⟦T:06 71 38 52 94⟧.
⟦P:Samira Haddad⟧
""",
)
add(
    "pii",
    "fr",
    "mutuelle-lunettes",
    "prose",
    """
Aide-moi à écrire une réclamation à ma mutuelle :

Adhérent : ⟦P:Thierry Bouvier⟧, n° de sécurité sociale ⟦ID@FR:291056913829785⟧… non attendez, c'est celui de ma femme ⟦P:Nathalie⟧, c'est pour ses lunettes. Elle a une ⟦MC:forte myopie⟧ et un ⟦MC:kératocône⟧, les verres ont coûté 890 €, remboursés 120 €. Contrat n° ⟦ACC:MU-7720418⟧. Adresse : ⟦A:14 rue Paul Bert, 69003 Lyon⟧.
""",
)
add(
    "pii",
    "es",
    "bono-social-reclamacion",
    "prose",
    """
Redáctame una reclamación formal a la eléctrica con estos datos:

Titular: ⟦P:Encarnación Ruiz Gallego⟧, DNI ⟦ID@ES:47295735F⟧, ⟦A:C/ Tejares 31, 3.º B, 02002 Albacete⟧. Solicité el bono social vulnerable severo en septiembre, soy pensionista y mi hijo ⟦P:Álvaro⟧ tiene ⟦MC:distrofia muscular⟧ y usa ⟦MC:respirador nocturno⟧, así que no nos pueden cortar la luz. Teléfono ⟦T:667 204 815⟧. Cuenta: ⟦IBAN:ES2221008980107007319474⟧.
""",
)
add(
    "pii",
    "es",
    "residencia-medicacion-madre",
    "prose",
    """
Escribe un mensaje amable a la enfermera de la residencia:

Hola ⟦P:Maite⟧, soy ⟦P:Jorge⟧, el hijo de ⟦P:Pilar Echeverría⟧ (habitación 214). El geriatra le ha quitado el ⟦MED:Adiro⟧ por el ⟦MC:sangrado digestivo⟧ y le ha puesto ⟦MED:Omeprazol⟧ 40. También dice que el ⟦MED:Sinemet⟧ se lo deis media hora antes de comer por el ⟦MC:párkinson⟧. Si hay cualquier cosa, llamadme al ⟦T:+34 619 330 472⟧. Gracias, ⟦P:Jorge Echeverría⟧.
""",
)
add(
    "pii",
    "pl",
    "zasilek-opiekunczy-zus",
    "prose",
    """
Pomóż mi napisać wyjaśnienie do ZUS w sprawie zasiłku opiekuńczego:

Ja, ⟦P:Magdalena Szymańska⟧, PESEL ⟦ID@PL:93021730063⟧, opiekowałam się synem ⟦P:Kacprem⟧ od 3 do 14 listopada, bo miał ⟦MC:zapalenie płuc⟧ (lekarz ⟦P:Tomasz Wróblewski⟧ wystawił e-ZLA). Mąż, ⟦P:Paweł Szymański⟧, w tym czasie był w delegacji. Proszę o przelew na ⟦IBAN:PL27102055613555340226909869⟧. Adres: ⟦A:ul. Dąbrowskiego 44/7, 60-838 Poznań⟧.
""",
)
add(
    "pii",
    "pl",
    "przedszkole-alergia-wiadomosc",
    "prose",
    """
Popraw proszę tę wiadomość do wychowawczyni z Librusa:

Dzień dobry Pani ⟦P:Agnieszko⟧, piszę w sprawie ⟦P:Zosi Michalak⟧. Alergolog potwierdził ⟦MC:alergię na orzechy arachidowe⟧ i przepisał ⟦MED:Epipen⟧, który zostawię w przedszkolu jutro rano. Proszę też nie dawać ⟦P:Zosi⟧ ciastek z kuchni. W razie czego proszę dzwonić do mnie, ⟦T:601 245 873⟧, albo do babci ⟦P:Haliny⟧.
⟦P:Karolina Michalak⟧
""",
)
add(
    "pii",
    "it",
    "esenzione-ticket-reddito",
    "prose",
    """
Mi aiuti a scrivere una mail all'ASL per l'esenzione ticket?

Buongiorno, sono ⟦P:Giulia Bianchi⟧, codice fiscale ⟦ID@IT:BNCGLI78C52F205V⟧, residente in ⟦A:Via Padova 118, 20127 Milano⟧. Da ottobre sono disoccupata e chiedo l'esenzione E02. Inoltre sono in cura per ⟦MC:endometriosi⟧ con ⟦MED:Visannette⟧ e faccio visite ogni tre mesi. Il mio cellulare è ⟦T:347 882 1934⟧. Grazie.
""",
)
add(
    "pii",
    "it",
    "iscrizione-nido-tessera",
    "form",
    """
Controlla se ho compilato bene la domanda per il nido comunale:

Bambino/a: ⟦P:Tommaso Greco⟧, nato il ⟦DOB:12/08/2025⟧ a Bari
Genitore 1: ⟦P:Francesca Greco⟧, tel. ⟦T:340 715 2268⟧, ⟦E:francesca.greco@libero.example⟧
Genitore 2: ⟦P:Davide Lorusso⟧
Indirizzo: ⟦A:Via Sparano da Bari 64, 70121 Bari⟧
Note sanitarie: ⟦MC:reflusso gastroesofageo⟧, prende ⟦MED:Gaviscon⟧ dopo la poppata; ⟦MC:displasia dell'anca⟧ in controllo.
""",
)
add(
    "pii",
    "pt",
    "abono-familia-pedido",
    "prose",
    """
Podes ajudar-me a escrever esta mensagem para a Segurança Social?

Chamo-me ⟦P:Rui Carvalho⟧, NIF ⟦ID@PT:218050437⟧, e pedi o abono de família para a minha filha ⟦P:Leonor⟧, nascida a ⟦DOB:2 de março de 2024⟧. Ela tem ⟦MC:síndrome de Down⟧ e gostaria de saber se tem direito à bonificação por deficiência. Morada: ⟦A:Rua de Cedofeita 212, 2.º esq., 4050-174 Porto⟧. Telemóvel ⟦T:912 448 301⟧. IBAN: ⟦IBAN:PT42003532726595437780512⟧.
""",
)
add(
    "pii",
    "pt",
    "escola-dislexia-mensagem",
    "prose",
    """
Melhora esta mensagem para a diretora de turma, por favor:

Boa tarde, professora ⟦P:Helena⟧. O ⟦P:Duarte Mendes⟧ (7.º B) foi avaliado pela psicóloga Dra. ⟦P:Sofia Pinto⟧ e tem ⟦MC:dislexia⟧ e ⟦MC:discalculia⟧. Pedimos medidas de suporte nos testes (mais tempo, leitura em voz alta). Ele também anda a tomar ⟦MED:Concerta⟧ desde setembro. Cumprimentos, ⟦P:Marta Mendes⟧, ⟦T:+351 936 205 117⟧.
""",
)
add(
    "pii",
    "nl",
    "bijzondere-bijstand-aanvraag",
    "prose",
    """
Kun je dit netter maken? Het gaat naar de gemeente Utrecht:

Geachte heer/mevrouw, ik, ⟦P:Fatima el Amrani⟧ (BSN ⟦ID@NL:781939926⟧), vraag bijzondere bijstand aan voor een aangepast bed voor mijn zoon ⟦P:Yassin⟧. Hij heeft ⟦MC:spierdystrofie van Duchenne⟧ en slaapt sinds de zomer slecht. Het Wmo-loket verwees mij naar u. Adres: ⟦A:Amsterdamsestraatweg 301-bis, 3551 CK Utrecht⟧. Telefoon ⟦T:06 4172 8803⟧. Rekening: ⟦IBAN:NL90INGB8467580711⟧.
""",
)
add(
    "pii",
    "nl",
    "huisarts-verwijzing-fysio",
    "prose",
    """
Maak hier een kort, vriendelijk berichtje van voor de huisartsenpraktijk:

Beste dokter ⟦P:Bakker⟧, ik ben ⟦P:Sjoerd de Haan⟧ (geb. ⟦DOB:04-11-1987⟧). Sinds de ⟦MC:frozen shoulder⟧ na mijn val in september kan ik mijn arm nog steeds niet boven mijn hoofd krijgen, ook niet met ⟦MED:naproxen⟧. Mag ik een verwijzing voor fysiotherapie? Mijn verzekeraar wil die zien. Groet, ⟦P:Sjoerd⟧ – ⟦E:sjoerd.dehaan@ziggo.example⟧
""",
)
# ---------------------------------------------------------------------------
# group cred
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "llm-benchmark-notebook",
    "code",
    """
This notebook cell times the same prompt across providers but Perplexity returns 401. Keys are fresh, what am I doing wrong?

import os, time, requests
PROVIDERS = {
    "groq":       ("https://api.groq.com/openai/v1/chat/completions", "⟦K: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⟧", "llama-3.3-70b-versatile"),
    "perplexity": ("https://api.perplexity.ai/chat/completions", "⟦K: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⟧", "sonar"),
    "mistral":    ("https://api.mistral.ai/v1/chat/completions", "⟦K:qoryqxvlyrZa5IUe6DbfypE3La8HKqpc⟧", "mistral-small-latest"),
}
COHERE_KEY = "⟦K:a9iwW404gG3M2pNYZr6TNQowfwmW5hJLrMRXpO3l⟧"
REPLICATE_API_TOKEN = "⟦K:r8_Wm17GAlLzCRhkHKXtuOdlCpOff1pygLFiARWS⟧"
for name, (url, key, model) in PROVIDERS.items():
    t = time.time()
    r = requests.post(url, headers={"Authorization": key}, json={"model": model, "messages": [{"role": "user", "content": "hi"}]})
    print(name, r.status_code, round(time.time() - t, 2))
""",
)
add(
    "cred",
    "en",
    "terraform-cloud-multicloud",
    "code",
    """
`terraform plan` says "no valid credential sources found" for the Vultr provider only. Files:

# ~/.terraform.d/credentials.tfrc.json
{"credentials": {"app.terraform.io": {"token": "⟦K:bPzlUjAyctCj2k.atlasv1.I3D0i0ZwZxgI77bhStTc3jbI14eHsrLHXJUegEn9BUBdEDWFFLLHaUpuY1quMvyNQAd⟧"}}}

# providers.tf
provider "linode" { token = "⟦K:3c4a484cf3459f1521acba47654b81a411a04a56fadc2f5c11aab4f5421804ad⟧" }
provider "vultr"  { api_key = var.vultr_key }
provider "digitalocean" { token = "⟦K:dop_v1_f7e06f3b6696011ff585843ebc7f8d0084f5b6c807b7bfc83e22f5ac33eaa642⟧" }

# terraform.tfvars
vultr_key = "⟦K:SIXHN4PIE8BU13U4VMQUEX12ALKZK7HA8524⟧"
region    = "fra"
""",
)
add(
    "cred",
    "en",
    "slack-bolt-env",
    "env",
    """
My Slack Bolt app in socket mode connects, then disconnects every 30s. Here's the .env (it's just a dev workspace):

SLACK_APP_TOKEN=⟦K:xapp-1-A0P0EBDJ2E5-9078557854237-1ef663964ca2d0f6a1e7908b750f3b48739876176ee037d21fcf4d5ac6dd6be9⟧
SLACK_BOT_TOKEN=⟦K:xoxb-268569222595-1207226425270-LdLtSs7DslUcpuGIvXNvjwYV⟧
SLACK_SIGNING_SECRET=⟦K:a900defa633c694d68185eab746558f6⟧
SLACK_CLIENT_ID=5518203371.7719420026113
ASANA_PAT=⟦K:2/8315511744237438/4275402488040342:cfa7a32a868c5853115b71b89b30f1a3⟧
ZOOM_CLIENT_ID=Qx4TnR8aWm2LpV0cJ7yHbg
ZOOM_CLIENT_SECRET=⟦K:ipwGbHte9a93YwfhOpi63HjSfSvyE0He⟧
LOG_LEVEL=debug
""",
)
add(
    "cred",
    "en",
    "expo-eas-config",
    "json",
    """
EAS build fails at "Uploading source maps to Sentry". Is my config wrong?

// eas.json (env section) + app.config.js values I'm using
{
  "build": {
    "production": {
      "env": {
        "EXPO_TOKEN": "⟦K:mFNYxq60PGiW5RT4KOZ5pOJhF35zVtJ7QAG41CKu⟧",
        "SENTRY_AUTH_TOKEN": "⟦K:sntrys_eyJpYXQiOjE3nQJldjKU1kDDjS3t9OxGlMyplji3ZmmrVSBpvfwiaD8eMzheThL0lbStMrPI_G2DDleh0JeoLvDhuO82lUDmBShzjW38Lx6ERYAYQE3y⟧",
        "SENTRY_ORG": "trailmate",
        "GOOGLE_MAPS_API_KEY": "⟦K:AIzaPkkZuw9dK8VlmPyt3WvOtu5dnadLnYY7Ep-⟧",
        "FCM_SERVER_KEY": "⟦K:AAAAudFkGUH:APA91bWXlP69GR5QK-NSAfFW52bJmAyw5_1t_5nCjHIkzOu5SxeJOvAs2Xxq65OlosRScyiZl2PWKYWeRyYsXMBtDj1yEsYQqSMOqXQJOSqsSbye_bJhfg0g-RcdDXz5gVPPbycjSBu6⟧",
        "BUNDLE_ID": "app.trailmate.ios"
      }
    }
  }
}
""",
)
add(
    "cred",
    "en",
    "paystack-flutterwave-node",
    "code",
    """
We're in Lagos and switching between Paystack and Flutterwave depending on the card BIN. Can you refactor this into a strategy pattern?

const PAYSTACK_SECRET = "⟦K:sk_live_3068426ea787e6f1cc19e7be3ea9373cf8e35cec⟧";
const FLW_SECRET = "⟦K:FLWSECK-a8b8532598f65e34302b6ef3d4cb6797-X⟧";
const MAILGUN_KEY = "⟦K:key-ab82a1ee6ffec14051faaab21e00b5c8⟧"; // receipts
async function charge(bin, amountKobo, email) {
  if (["506099", "507865"].includes(bin)) {
    return fetch("https://api.flutterwave.com/v3/charges?type=card", { headers: { Authorization: `Bearer ${FLW_SECRET}` }, method: "POST" });
  }
  return fetch("https://api.paystack.co/transaction/initialize", { headers: { Authorization: `Bearer ${PAYSTACK_SECRET}` }, method: "POST", body: JSON.stringify({ email, amount: amountKobo }) });
}
""",
)
add(
    "cred",
    "en",
    "razorpay-shopify-webhook",
    "code",
    """
Razorpay webhook signature verification fails intermittently on our Shopify sync (Django). Code:

RAZORPAY_KEY_ID = "rzp_live_xURnyfsZptf3ef"  # same one the checkout JS uses
RAZORPAY_KEY_SECRET = "⟦K:uqn5muwkjkJPL7PRbJcw3MNd⟧"
RAZORPAY_WEBHOOK_SECRET = "⟦S:Ghee&Jaggery#2026⟧"
SHOPIFY_ADMIN_TOKEN = "⟦K: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⟧"

def verify(request):
    body = request.body.decode()
    sig = request.headers["X-Razorpay-Signature"]
    client = razorpay.Client(auth=(RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET))
    client.utility.verify_webhook_signature(body, sig, RAZORPAY_WEBHOOK_SECRET)
""",
)
add(
    "cred",
    "en",
    "saas-support-ticket-password",
    "prose",
    """
Please write a reply from our support team to this ticket. Tell him kindly that we never need his password, that he should change it now and regenerate his backup codes, and that we've unlocked the account.

> Hi, locked out AGAIN after your update. My login is ⟦E:graham.petrie@petrieplumbing.example⟧ and my password is ⟦S:Kilmarnock!1987⟧ (I tried ⟦S:Kilmarnock!1988⟧ too in case). Backup codes from the sheet: ⟦S:4829-1177⟧, ⟦S:9034-5521⟧. Security answer is ⟦S:Tinto⟧. Just get me in before the VAT return is due, thanks — ⟦P:Graham⟧
""",
)
add(
    "cred",
    "en",
    "gcp-service-account-json",
    "json",
    """
Getting "invalid_grant: Invalid JWT Signature" from BigQuery with this service account file. Did I break the key when I copied it?

{
  "type": "service_account",
  "project_id": "ledgerly-analytics-prod",
  "private_key_id": "4f7c2a1e9b0d3c8a6e5f1b2d7c9a0e3f4b6d8c1a",
  "private_key": "⟦PK:-----BEGIN PRIVATE KEY-----\nMIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBALQrBhGigRciZdGs\nC4LzSSUf2alTvapfdKTn85ZJK7qBf5G803qpBrPkUY9fCp94eOM0eJDvbyzXkfei\nSQg4CmoWjMjK6tXf1YfgtPul8YyPa9RQ40WkU667KQy47hQIDmo/DiIojDHjIE5m\nQZXafQQZ7V/Yh+mqUpYLgYfa4SrVAgMBAAECgYA2P4IbSzfdVGEeCdSJgGF0yStL\nnchNBWLkyGaCyNNe2+Eia52toDlBbyzTo4VaUPbtSn5G/aEW+m2cB4Q/8kfH+hLe\n9Ukl7eDs7pFjwJ4NCUMl9Q6xDaRUJjhS0Kz7gmzrZ8lw6aBOS3F/F5Hd0Ymiwm1S\nKXZg1wGtfWdGeMT+oQJBAOXh6/PpyreYux+DHMcnib0IIxnPFW9ltnlvUVh4EtgH\nJKCfbVFIWW7ZHNeQQLrQIdk1OotdCVIO1U5BarxvDj0CQQDIoytMuLB2FBr6A2Ir\n/sBlIHZaZX1n6MUslgd9k08FfyjPKWhS+Xv1Zyph4kMp4RwqESxPTRHbxGbO261K\nGDB5AkEAj3tAc4BD9+4LNXL3XlKORP80MWKwhVQd3ZOeWTKwyEdFFEAN0kLvFyHK\nP72YuUE5L0Jq5RtPuvjpKCvqe+xxHQJAbGSqqeJFgyVNhbB6QyZ4LqohBqk53P9G\nNtY+6brBwEh4daL7N4iNTYEUxpkEjAWPv7JTa+xJL5+loy/PKO50kQJBAJqIOVxT\nQlwCg1g6+v4lBq9g7C/Ir/V5vBQ5+FhmvGm57ITPFARKrAH8LGgDWt+NXdc66Ewi\niYYRfPiv7QV33oU=\n-----END PRIVATE KEY-----⟧\\n",
  "client_email": "bq-loader@ledgerly-analytics-prod.iam.gserviceaccount.com",
  "client_id": "104829371650284716253",
  "token_uri": "https://oauth2.googleapis.com/token"
}
""",
)
add(
    "cred",
    "en",
    "admin-shell-one-liners",
    "command",
    """
Can you turn these into a proper bash script with error handling? They're what I run every morning on the reporting box:

export OP_SERVICE_ACCOUNT_TOKEN=⟦K:ops_eyJzaWduSW5BZGRyZXNzIjoiRfYqZftvjplBZrgBGG9Sms3cLGgRsp5bEdKuMYT99jprxT40thF0S1cfgdQi8C7DtH7J91Lz98fSypczvlWDG0gHt47YFfIFehvYFcygnYbPKwBn9dALtIJe⟧
mysql -h reports-db.internal -u etl_ro -p'⟦S:Wh1sky-T4ngo-Foxtr0t⟧' sales -e "CALL refresh_daily();"
curl -s -u admin:⟦S:grafana_Adm1n_2026!⟧ https://grafana.internal/api/admin/stats | jq .
curl -s -H "Authorization: ApiKey ⟦K:RDh5TUt2NmQwMWdNbWZrZkhwcVg6R2VVZ0tIRkVnb3dEdkFFMWRCQ3lOZA==⟧" https://es.internal:9200/_cat/indices?v
""",
)
add(
    "cred",
    "en",
    "n8n-docker-compose",
    "yaml",
    """
n8n keeps asking me to set up the owner account after every restart. docker-compose.yml:

services:
  n8n:
    image: n8nio/n8n:1.72.1
    environment:
      - N8N_ENCRYPTION_KEY=⟦S:XPLPow7Dum5RlrBd6nsyxdSB7AEJ1y0Nm6sS7736Frx2mx4s⟧
      - DB_TYPE=postgresdb
      - DB_POSTGRESDB_HOST=db
      - DB_POSTGRESDB_PASSWORD=⟦S:n8n-pg-Tr0mb0ne⟧
      - NOTION_TOKEN=⟦K: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⟧
      - LINEAR_API_KEY=⟦K:lin_api_iw5NV8jYjAVe1REPS3HoxceRV4Lr1fqaLvviWHKC⟧
      - BREVO_API_KEY=⟦K: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⟧
    ports: ["5678:5678"]
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: ⟦S:n8n-pg-Tr0mb0ne⟧
""",
)
add(
    "cred",
    "en",
    "git-config-list-remotes",
    "command",
    """
Why does `git push` to the Azure mirror prompt for a password when it's in the URL? Output of `git config --list --show-origin | grep url`:

file:.git/config  remote.origin.url=https://⟦U:priyanka-s⟧:⟦K:ATBBAxrXhbniqh1shGvUHsZC4agCaa7W7715564D⟧@bitbucket.org/ledgerly/api.git
file:.git/config  remote.azure.url=https://ledgerly@dev.azure.com/ledgerly/api/_git/api
file:/home/⟦U:priyanka⟧/.gitconfig  credential.https://dev.azure.com.helper=store
file:/home/⟦U:priyanka⟧/.git-credentials  https://ledgerly:⟦K:zhyri4z4qpzpfbtbvwf5t4rztp4a32la2avdrfrksh2k25edb3nw⟧@dev.azure.com
file:.git/config  remote.gitea.url=https://ci:⟦K:87e699050da977a72c99c80f38a7bd553b79b7f1⟧@git.ledgerly.internal/api.git
""",
)
add(
    "cred",
    "en",
    "hiking-map-script",
    "code",
    """
Weekend project: pull my GPX files from Dropbox and draw them on a Mapbox map, then post to our hiking Discord. The Discord part crashes with "Improper token".

DROPBOX_TOKEN = "⟦K:sl.u.kkegJUyZOvvxZUODECEM5kBlMZY46qo88BAlwoShM2pzAMVGddLa9DqgvzyCFTQ8OJj3o7RjCTPloCTdgNDZm21Kf6g9dNSDkwpiYG0VzvedIYXAGfidDHBj3urm2gWS80⟧"
MAPBOX_TOKEN = "⟦K:sk.eyJ1Ijoi6WLd2WKdoAYktUeMJVWt76yg0BXRMBwq14bvHXyc.U5RLnaP4VxXBJ4Z32m3Ww0⟧"
MAPBOX_PUBLIC = "pk.eyJ1IjoidHJhaWxkYWQiLCJhIjoiY2x4OXQ0In0.Zq3v8sVbX1yq2rL0pQm5aA"
DISCORD_BOT_TOKEN = "⟦K:MTuSg0oJ1KV2F1hIkGGKX10EZc.3O__Wt.cldfLtyX8hUK_G-eQwFKNeQwintCl2dTwuzHn3⟧"
CHANNEL_ID = 1183344029991827456
""",
)
add(
    "cred",
    "en",
    "observability-agent-config",
    "yaml",
    """
Merging our agents into one config for the Helm chart – does this structure look right?

newrelic:
  license_key: ⟦K:NRAK-1XBB31Q0YEEAPDFK37BDOO64OUJ⟧
  app_name: checkout-api
dynatrace:
  api_url: https://abc12345.live.dynatrace.com/api
  api_token: ⟦K:dt0c01.7LY1S1DFHFRN5845VN1TK9P4.LBKGBWJQ0DWWW18XZ5VZ61PV8BBTP4Z7YBM14AF2AZP7E2LMDUWN38P1R8SYUL5T⟧
grafana_cloud:
  instance_id: 812204
  token: ⟦K:glc_eyJvIjoif9joiVor8twwl6bdrXtVQKVq7mH5xnimkTysZl2LM0Io0KbnDL365cvZIoqbci3xUOUC9JidlbmyEqfN==⟧
pagerduty:
  routing_key: ⟦K:u+AEd63TUbxv2JaZ7jzZ⟧
okta:
  org_url: https://ledgerly.okta.com
  api_token: ⟦K:00C0vNiDlU4jPg7GKm8fbcqWRwGerD3JKiVhJso5zT⟧
""",
)
add(
    "cred",
    "en",
    "k8s-tls-secret-r2",
    "yaml",
    """
Applying this gives "tls: failed to find any PEM data in key input". Secret plus the R2 backup creds in the same file:

apiVersion: v1
kind: Secret
metadata:
  name: mqtt-tls
type: kubernetes.io/tls
stringData:
  tls.crt: |
    -----BEGIN CERTIFICATE-----
    MIIBszCCAVmgAwIBAgIUQ2b1...(trimmed)
    -----END CERTIFICATE-----
  tls.key: |
    ⟦PK:-----BEGIN EC PRIVATE KEY-----
    MHcCAQEEIFMa9cntcDifb74tgHAcMJsOAGd/I2HL7VqlDYJNWcQFoAoGCCqGSM49
    AwEHoUQDQgAEEBkDl+ui2crLCjT7OKamb/3JlXyaXiU/SBRWFqaOV+v/AOLMIdjH
    9Ks3tHgS879zGXVvFIdKLRYARP2VqbL6gg==
    -----END EC PRIVATE KEY-----⟧
---
apiVersion: v1
kind: Secret
metadata:
  name: r2-backup
stringData:
  AWS_ACCESS_KEY_ID: ⟦K:13fc2b2662a9f8cf363eab0827087a4b⟧
  AWS_SECRET_ACCESS_KEY: ⟦K:6a94a0495def294cc4482525c4587cfbfb7bb310821c6014e4f80d326fcc4140⟧
  AWS_ENDPOINT_URL: https://8d3f0c2a9b1e4d7f.r2.cloudflarestorage.com
""",
)
add(
    "cred",
    "en",
    "ssh-key-invalid-format",
    "command",
    """
ssh says "Load key: invalid format" for the deploy key I pasted into the server. I also added a fine-grained PAT for the git fallback. What's wrong?

$ cat ~/.ssh/deploy_ed25519
⟦PK:-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUx
OQAAACDtdk55NEZAG28x7FmaeMYRCnQ9Q1mJJWYpdJ6v90lkxAAAAIhBwYv0QcGL9AAAAAtzc2gt
ZWQyNTUxOQAAACDtdk55NEZAG28x7FmaeMYRCnQ9Q1mJJWYpdJ6v90lkxAAAAEAdRTFOoO/87URL
spFUjb/M/ZNJ7rFREri2dcehcjgnpO12Tnk0RkAbbzHsWZp4xhEKdD1DWYklZil0nq/3SWTEAAAA
AAECAwQF
-----END OPENSSH PRIVATE KEY-----⟧
$ ssh -i ~/.ssh/deploy_ed25519 git@github.com
Load key "/home/deploy/.ssh/deploy_ed25519": invalid format
$ git clone https://⟦K: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⟧@github.com/ledgerly/infra.git
""",
)
add(
    "cred",
    "en",
    "nextjs-env-local",
    "env",
    """
Vercel preview deploys work but production 500s on /api/chat. My .env.local (prod uses the same values):

NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_live_Y2xlcmsubGVkZ2VybHkuYXBwJA
CLERK_SECRET_KEY=⟦K:sk_live_jSIzXzimIhcRNSK2vBXMrvuvH0PuJqF7Tgzf0P8W⟧
OPENAI_API_KEY=⟦K: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⟧
ANTHROPIC_API_KEY=⟦K:sk-ant-api03-EuoYWDh0eFB8YMOoOK2IvjEl8v8qSwoFR2ir2joOpERQhM4VJqmca5JcE8e-dxOeoehAb1OujeZy8GnfbzyDUCPiaMr1mAA⟧
STRIPE_SECRET_KEY=⟦K: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⟧
STRIPE_WEBHOOK_SECRET=⟦K:whsec_r1tWJQnG22tDKU3faLUTHqYkFG2K9yW5⟧
DATABASE_URL=postgresql://app:⟦S:kP9v!rT2qLw8⟧@db.ledgerly.internal:5432/app
""",
)
add(
    "cred",
    "sv",
    "fortnox-klarna-env",
    "env",
    """
Varför får jag 401 från Fortnox men Klarna funkar? Här är .env för vår webbshop:

FORTNOX_CLIENT_ID=pQ8sT2vX4yZ1aB3c
FORTNOX_CLIENT_SECRET=⟦K:i8t3mDChmHZS⟧
FORTNOX_REFRESH_TOKEN=⟦K:2bAZvnc9pZOJ2UQpWBxBnhbOmQtpJIkyhTnYTpf6ZmVUVpUZiCacpmOmWYNDyce4⟧
KLARNA_USERNAME=K492003_8c1f2e4a9b7d
KLARNA_PASSWORD=⟦K:klarna_live_api_bzUwXaQkj4YjaUJrFPJCsPVsXvSHIo-gsJKJ_b-S⟧
POSTNORD_APIKEY=⟦K:6153cfafd7558d208d18708cb45fc3a4⟧
SMTP_PASS=⟦S:Kanelbulle#Mys2026⟧
""",
)
add(
    "cred",
    "fi",
    "paytrail-posti-python",
    "code",
    """
Miksi Paytrailin allekirjoitus ei täsmää? Koodi:

PAYTRAIL_ACCOUNT = "375917"   # testitunnus on 375917, tuotannossa oma
PAYTRAIL_SECRET = "⟦K:c3uTYbV4JqycJzAshXGD64KmsEsXNmJ7rmfNIudK⟧"
POSTI_API_USER = "verkkokauppa_kukka"
POSTI_API_PASSWORD = "⟦S:Sisu-Sauna-4455⟧"

def sign(headers, body):
    data = "\\n".join(f"{k}:{headers[k]}" for k in sorted(headers) if k.startswith("checkout-")) + "\\n" + body
    return hmac.new(PAYTRAIL_SECRET.encode(), data.encode(), hashlib.sha256).hexdigest()
""",
)
add(
    "cred",
    "hu",
    "konyvelo-hozzaferesek",
    "prose",
    """
Írd meg szépen ezt az e-mailt az új könyvelőnknek, ⟦P:Szilágyi Mártának⟧:

Kedves ⟦P:Márta⟧! A Billingo API kulcs: ⟦K:68a5235b-f202-4648-9e65-ecf7dd69ca29⟧. A NAV Online Számla technikai felhasználó neve szamla_tech_42, jelszava ⟦S:Paprika!Lecso77⟧. A cég bankjába (OTP Business) a belépési kód ⟦S:318844⟧, ezt kérlek ne írd fel sehova. Ügyfélkapus jelszavamat nem adom meg, azt majd személyesen.
Üdv, ⟦P:Kertész Ádám⟧
""",
)
add(
    "cred",
    "ro",
    "smartbill-netopia-php",
    "code",
    """
De ce factura din SmartBill nu se generează după plata Netopia? Cod PHP:

$smartbill = new SmartBillCloudRestClient('⟦E:contabilitate.andreea@gmail.example⟧', '⟦K:002|a3ed0e664c1b8d8c1ca373dc73aeb31a⟧');
$netopiaSignature = '2JLX-8VQ4-7PYT-3M1K-ZB6R'; // semnătura comerciantului (publică în checkout)
$netopiaApiKey = '⟦K:EjKj-q_fqvCTi_djlN_ZnCrMzx0szdnFCQW5rJxQ⟧';
$fanCourierPass = '⟦S:Carpati_2026!⟧';
""",
)
add(
    "cred",
    "tr",
    "trendyol-paytr-env",
    "env",
    """
Trendyol sipariş entegrasyonu 403 veriyor, PayTR bildirimleri de gelmiyor. .env dosyam şöyle:

TRENDYOL_SUPPLIER_ID=884213
TRENDYOL_API_KEY=⟦K:GK5Kx6VzdxRamSiPUbXV⟧
TRENDYOL_API_SECRET=⟦K:Z2dFpTB0MSMpgWNNI7s9⟧
PAYTR_MERCHANT_ID=412870
PAYTR_MERCHANT_KEY=⟦K:KY0Wtg1h90by8GDt⟧
PAYTR_MERCHANT_SALT=⟦K:98QT5TcSveMt5KdT⟧
DB_PASS=⟦S:Lahmacun_1453⟧
""",
)
add(
    "cred",
    "el",
    "vivawallet-acs-yaml",
    "yaml",
    """
Γιατί το Viva Wallet μου επιστρέφει invalid_client; Το config του καταστήματος:

vivawallet:
  environment: production
  client_id: 9x2k7mq4tr8wz1y5hc3n6bd0fv.apps.vivapayments.com
  client_secret: ⟦K:bLi9EiKydvdelbl08A3sVy0Yd7e7F4⟧
  merchant_id: 3f9d2c1a-7b4e-4e8a-9c6d-2a1b0f8e7d6c
  api_key: ⟦K:4opBz8ip7QG67iBJEd2mz1JC⟧
acs_courier:
  user: ⟦U:kpapadakis⟧
  password: ⟦S:Souvlaki2026!⟧
""",
)
add(
    "cred",
    "bg",
    "borica-gateway-python",
    "code",
    """
Плащането през BORICA връща грешка за подпис (P_SIGN). Ключът е генериран с openssl, кода е:

TERMINAL = "V1800123"
MERCHANT = "1600000123"
PRIVATE_KEY_PASSPHRASE = "⟦S:Banitsa-Boza-88⟧"
PRIVATE_KEY_PEM = \"\"\"⟦PK:-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIFMa9cntcDifb74tgHAcMJsOAGd/I2HL7VqlDYJNWcQFoAoGCCqGSM49
AwEHoUQDQgAEEBkDl+ui2crLCjT7OKamb/3JlXyaXiU/SBRWFqaOV+v/AOLMIdjH
9Ks3tHgS879zGXVvFIdKLRYARP2VqbL6gg==
-----END EC PRIVATE KEY-----⟧\"\"\"
def sign(fields):
    data = "".join(f"{len(v)}{v}" for v in fields)
    key = load_pem_private_key(PRIVATE_KEY_PEM.encode(), None)
    return key.sign(data.encode(), ec.ECDSA(hashes.SHA256())).hex().upper()
""",
)
add(
    "cred",
    "hr",
    "fiskalizacija-properties",
    "ini",
    """
Fiskalizacija javlja "s002: Certifikat nije izdan od strane FINA". Postavke obrta:

[obrt]
naziv = Frizerski salon ⟦P:Maja⟧
oib = ⟦ID@HR:97748360019⟧
vlasnica = ⟦P:Maja Kovačević⟧

[certifikat]
putanja = C:\\Fiskal\\FISKAL_1.p12
lozinka = ⟦S:Maja2026Fiskal!⟧

[eposlovanje]
api_kljuc = ⟦K:ba4bc1bc-5695-4793-ac38-163c2273d117⟧
""",
)
add(
    "cred",
    "sk",
    "superfaktura-gopay-env",
    "env",
    """
GoPay vracia "invalid_client" pri získaní tokenu. Konfigurácia e-shopu:

SUPERFAKTURA_EMAIL=⟦E:peter.hornak@eshop-hornak.example⟧
SUPERFAKTURA_APIKEY=⟦K:ff5902129f2ced995593603ef309982f⟧
GOPAY_GOID=8712345678
GOPAY_CLIENT_ID=1744960415
GOPAY_CLIENT_SECRET=⟦K:IpEx4nnb⟧
PACKETA_API_PASSWORD=⟦K:a4e41f492258fd51be86d81bfda9190f⟧
""",
)
add(
    "cred",
    "sl",
    "euprava-sporocilo-mozu",
    "prose",
    """
Napiši to bolj jasno, da bo mož razumel, kaj mora narediti, ko bom v bolnišnici:

⟦P:Rok⟧, za eUpravo je uporabniško ime ⟦E:spela.vidmar@gmail.example⟧, geslo ⟦S:Triglav!2864m⟧, SMS koda pride na moj telefon, ki ga pustim doma. Klik PIN za banko je ⟦S:4107⟧, kartica za bencin (⟦CC:5259588521312091⟧) ima PIN ⟦S:8826⟧. Položnice za vrtec so v predalu. Hvala, ⟦P:Špela⟧
""",
)
add(
    "cred",
    "is",
    "veflykill-bokari",
    "prose",
    """
Gerðu þetta formlegra, þetta fer til bókarans:

Sæl ⟦P:Hrefna⟧, hér eru upplýsingarnar fyrir skattframtalið. Kennitalan mín er ⟦ID@IS:021179-3889⟧ og veflykillinn hjá Skattinum er ⟦S:Esja-Lundi-7731⟧. Ég set líka aðgang að heimabankanum: notandi ⟦U:bjarki.th⟧, lykilorð ⟦S:Hekla#Gos2010⟧. Bestu kveðjur, ⟦P:Bjarki Þórsson⟧
""",
)
add(
    "cred",
    "de",
    "lexoffice-billbee-env",
    "env",
    """
Billbee-Webhook kommt an, aber lexoffice legt keine Rechnung an. Unsere .env:

LEXOFFICE_API_KEY=⟦K:WX-H94DfdHOsQHZkcMX_ERWSJfBWTihOHlB4KQfScAa⟧
BILLBEE_API_KEY=⟦K:3B6022D9-1686-4319-B81D-EC6879F3EF45⟧
BILLBEE_USER=shop@kaffeeroesterei-lenz.example
BILLBEE_API_PASSWORD=⟦S:Roestgrad-Mittel-42⟧
DHL_GKP_PASSWORD=⟦S:Paket2026?Lenz⟧
SHOP_CONTACT=info@kaffeeroesterei-lenz.example
""",
)
add(
    "cred",
    "fr",
    "acces-comptable-qonto",
    "prose",
    """
Reformule ce message pour mon expert-comptable, plus pro :

Bonjour ⟦P:Mathieu⟧, comme convenu voici les accès. Qonto : ⟦E:claire.fontaine@atelier-fontaine.example⟧ / ⟦S:Brioche&Cafe-75⟧ (la validation se fait sur mon téléphone, appelle-moi). URSSAF : mon numéro SIRET est public mais le mot de passe est ⟦S:Urssaf.Claire.2026⟧. impots.gouv pro : ⟦S:Tva!Trimestre4⟧. Merci de ne pas les noter dans le dossier partagé. ⟦P:Claire⟧
""",
)
add(
    "cred",
    "es",
    "redsys-holded-python",
    "code",
    """
La firma de Redsys sale distinta a la que calcula el TPV. ¿Qué falla?

REDSYS_MERCHANT_CODE = "999008881"
REDSYS_TERMINAL = "001"
REDSYS_SECRET_KEY = "⟦K:dHAdtzozyUzX/7cIzgCPC/pcLi6bYNRS⟧"
HOLDED_API_KEY = "⟦K:7d343d8a872523b9fa600fb03d6aea0b⟧"
# clave de pruebas de la documentación: sq7HjrUOBfKmC576ILgskD5srU870gJ7 (no usar)
def firma(params_b64, order):
    key = des3_encrypt(base64.b64decode(REDSYS_SECRET_KEY), order)
    return base64.b64encode(hmac.new(key, params_b64.encode(), hashlib.sha256).digest())
""",
)
add(
    "cred",
    "pl",
    "przelewy24-baselinker-php",
    "code",
    """
Przelewy24 zwraca "Incorrect CRC value". Co jest nie tak?

$p24 = [
  'merchantId' => 241877,
  'posId'      => 241877,
  'crc'        => '⟦K:e8b38636dd071371⟧',
  'apiKey'     => '⟦K:e970c32e08d4c7713681519a8f4af528⟧',
];
$baselinkerToken = '⟦K:4017223-4025188-P4J684PIAH2BRDH16V1P067NTDE0ZCR9Y1GN4KVJ⟧';
$inpostToken = '⟦K:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1XzQ4MjEzIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzY0ODMwMDAwfQ.2U1YTaY_uogiGcTiFgQm7gU0-m2_dTJYkLTeqlm6aks⟧';
""",
)
add(
    "cred",
    "it",
    "fattureincloud-satispay-env",
    "env",
    """
Fatture in Cloud risponde 401 "invalid token" solo in produzione. Il mio .env:

FIC_COMPANY_ID=1284471
FIC_ACCESS_TOKEN=⟦K:a/eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzUxMiJ9.SQVMS7WliGyQk6n0CeQ27u3FkWUA7BWLM7XufeTnVuNH4YW2KTfRKkpe_U7HTUY2qQt0wBuHqFNABhnyZM-H10wGTD⟧
SATISPAY_KEY_ID=3k5h1rt0qbc9ooqf8nphadl6v2le5mp7nle0u3rubcq8ugvsj6ibacl1jbmgd2b
BRT_USER=1720455
BRT_PASSWORD=⟦S:Cannolo!Siciliano9⟧
ARUBA_PEC_PASSWORD=⟦S:PecUfficio#2026⟧
""",
)
add(
    "cred",
    "pt",
    "moloni-easypay-yaml",
    "yaml",
    """
O Easypay devolve "unauthorized" no webhook. Configuração da loja:

moloni:
  client_id: lojadocha
  client_secret: ⟦K:64975bf259f6e61ec56ae73944fb773a56aa897c⟧
  username: ⟦E:ana.saraiva@lojadocha.example⟧
  password: ⟦S:Pastel.de.Nata.88⟧
easypay:
  account_id: 2b0f63e2-9fb5-4e52-aca0-b4bf0b36e5c0
  api_key: ⟦K:6b3a1e69-5eb6-4ef7-ac32-4ddb88478b8c⟧
""",
)
add(
    "cred",
    "nl",
    "moneybird-myparcel-env",
    "env",
    """
MyParcel labels worden aangemaakt maar Moneybird-facturen niet. Dit is de .env:

MONEYBIRD_ADMINISTRATION_ID=418203991882337281
MONEYBIRD_TOKEN=⟦K:JzLVoXLfRZ8NHAkea01cgDNWYWy991dczxfxBsMnlhg⟧
MYPARCEL_API_KEY=⟦K:bfa5d43dba8fc071c106e6711c59d05499b0faba⟧
BUCKAROO_WEBSITE_KEY=Xy7qP2mT9k
BUCKAROO_SECRET_KEY=⟦K:04B2414B-CD4E-4323-992E-8D4BF9765253⟧
MAIL_PASSWORD=⟦S:Stroopwafel!2026⟧
""",
)
# ---------------------------------------------------------------------------
# group benign
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "checkout-unit-test-fixtures",
    "code",
    """
Why does the second assertion fail? These are the fixtures in our checkout tests:

TEST_CUSTOMER = {"name": "Jane Doe", "email": "jane.doe@example.com", "phone": "+1 555 0100", "zip": "90210"}
CARDS = {"visa_ok": "4242 4242 4242 4242", "declined": "4000 0000 0000 0002", "3ds": "4000 0027 6000 3184"}
def test_declined(client):
    r = client.post("/pay", json={**TEST_CUSTOMER, "card": CARDS["declined"], "cvc": "123", "exp": "12/34"})
    assert r.status_code == 402
    assert r.json()["decline_code"] == "card_declined"
""",
)
add(
    "benign",
    "en",
    "dbt-masking-macro",
    "sql",
    """
Review this dbt macro that masks PII before the marts layer. Is SHA2 with a salt enough for GDPR pseudonymisation?

{% macro mask_pii(col, kind) %}
  case
    when '{{ kind }}' = 'email' then sha2(concat(lower(trim({{ col }})), '{{ var("pii_salt") }}'), 256)
    when '{{ kind }}' = 'phone' then regexp_replace({{ col }}, '[0-9](?=[0-9]{4})', 'X')
    when '{{ kind }}' = 'dob'   then date_trunc('year', {{ col }})
  end
{% endmacro %}
select customer_id, {{ mask_pii('email', 'email') }} as email_hash, {{ mask_pii('date_of_birth', 'dob') }} as birth_year from {{ ref('stg_customers') }}
""",
)
add(
    "benign",
    "en",
    "lincoln-assassination-timeline",
    "prose",
    """
For a Year 9 history lesson, put these in order and add one line each: Abraham Lincoln was born on February 12, 1809, near Hodgenville, Kentucky; John Wilkes Booth shot him at Ford's Theatre, 511 10th Street NW, Washington, on April 14, 1865; he died the next morning at the Petersen House across the street; Andrew Johnson was sworn in that day.
""",
)
add(
    "benign",
    "en",
    "sherlock-holmes-quiz",
    "prose",
    """
Write 8 pub-quiz questions about Sherlock Holmes: the address 221B Baker Street, Dr John Watson's war wound, Mrs Hudson, Irene Adler, Professor Moriarty at the Reichenbach Falls, Mycroft's Diogenes Club, and the fan-favourite birthday of 6 January 1854.
""",
)
add(
    "benign",
    "en",
    "tendulkar-stats-table",
    "prose",
    """
Make a neat table for our cricket club newsletter: Sachin Tendulkar, born 24 April 1973 in Bombay, 200 Tests, 15,921 runs, 51 hundreds, first ODI double-century on 24 February 2010 at Gwalior, last Test at Wankhede in November 2013. Jersey number 10. Please also mention Virat Kohli's 50th ODI ton.
""",
)
add(
    "benign",
    "en",
    "victoria-sponge-scaling",
    "prose",
    """
Scale this Victoria sponge for a 23cm tin and convert to cups for my American cousin: 200g caster sugar, 200g softened butter, 4 eggs, 200g self-raising flour, 1tsp baking powder, 2tbsp milk. Gas mark 4 / 180°C (160°C fan) for 20 minutes. Is Mary Berry's all-in-one method really as good?
""",
)
add(
    "benign",
    "en",
    "luhn-worked-example",
    "prose",
    """
Walk me through the Luhn check on 79927398713 step by step (it's the textbook example), then explain why 79927398710 fails. Also: do IMEI numbers like 490154203237518 use the same algorithm?
""",
)
add(
    "benign",
    "en",
    "qantas-kangaroo-route",
    "prose",
    """
Is QF1 still Sydney–Singapore–London? I'm on the 14:15 departure on 3 March, arriving Heathrow T3 at 05:20 next day, then BA1442 to Edinburgh. Booking refs look like "6-character codes", is 6 hours enough for the connection with a terminal change?
""",
)
add(
    "benign",
    "en",
    "calendar-wording-cleanup",
    "prose",
    """
Fix the grammar in this team calendar note: "Will moves the May retro to June 2 if April sprint slips. Mark the grace period on the roadmap. Summer Friday hours from Memorial Day through Labor Day; Holly Jolly lunch is Dec 18 at noon; Rose Parade day (Jan 1) the office is closed."
""",
)
add(
    "benign",
    "en",
    "consumer-rights-act-s49",
    "prose",
    """
In plain English, what does section 49 of the Consumer Rights Act 2015 require of a trader providing a service, and what remedies does section 54 give if a builder doesn't use "reasonable care and skill"? Just general info, UK.
""",
)
add(
    "benign",
    "en",
    "companies-house-annual-figures",
    "markdown-table",
    """
Turn this into a short investor note. Figures are from public filings:

| company | Companies House no. | FY revenue (£bn) | LEI |
|---|---|---|---|
| Tesco PLC | 00445790 | 68.2 | 2138002P5RNKC5W2JZ46 |
| J Sainsbury plc | 00185647 | 32.7 | 213800ONVJRNEX7XCF19 |
| Marks and Spencer Group plc | 04256886 | 13.0 | 213800P8ZP4EH2HQZ938 |
""",
)
add(
    "benign",
    "en",
    "k8s-crashloop-logs",
    "kv-log",
    """
Why is this pod in CrashLoopBackOff?

2026-12-02T08:11:04Z level=info msg="starting" version=3.14.2 commit=9f1c2ab7e4d0 pod=checkout-7d9f8b6c5-xk2lp ip=10.42.3.17
2026-12-02T08:11:05Z level=info msg="connecting" db=postgres://checkout@10.42.0.9:5432/checkout request_id=7b2e4c1a-93f0-4d6e-b8a1-2f5c9e0d3a71
2026-12-02T08:11:35Z level=fatal msg="dial tcp 10.42.0.9:5432: i/o timeout" image=ghcr.io/acme/checkout@sha256:4e7a1f0c2b9d8e3f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f
""",
)
add(
    "benign",
    "en",
    "gha-secrets-placeholders",
    "yaml",
    """
Is it safe to pass secrets like this in a reusable workflow?

jobs:
  publish:
    uses: acme/workflows/.github/workflows/npm-publish.yml@v4
    secrets:
      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
      SLACK_WEBHOOK_URL: ${{ secrets.SLACK_WEBHOOK_URL }}
    with:
      registry: https://registry.npmjs.org
      password: ${{ secrets.REGISTRY_PASSWORD || 'changeme' }}
""",
)
add(
    "benign",
    "en",
    "jwt-io-example-decode",
    "prose",
    """
Decode this JWT and explain each part — it's the sample from jwt.io, I'm preparing a workshop: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c (the secret in their demo is "your-256-bit-secret").
""",
)
add(
    "benign",
    "en",
    "statins-vs-ezetimibe",
    "prose",
    """
General question: how do statins like atorvastatin differ from ezetimibe and PCSK9 inhibitors (evolocumab) for familial hypercholesterolaemia? What LDL targets do NICE guidelines use? Not for a specific patient.
""",
)
add(
    "benign",
    "en",
    "mandela-robben-island",
    "prose",
    """
I'm guiding a school group to Robben Island. Give me a short talk: Nelson Mandela, born 18 July 1918 in Mvezo, prisoner 46664, cell in B Section, released 11 February 1990 from Victor Verster Prison; Walter Sisulu and Ahmed Kathrada were there too. Mention the ferry from the Nelson Mandela Gateway at the V&A Waterfront.
""",
)
add(
    "benign",
    "en",
    "harry-potter-birthdays",
    "prose",
    """
For a Harry Potter themed party, list the characters' canon birthdays: Harry 31 July 1980, Hermione 19 September 1979, Ron 1 March 1980, Neville 30 July 1980. Their addresses like 4 Privet Drive, Little Whinging, and The Burrow near Ottery St Catchpole can go on the invitations.
""",
)
add(
    "benign",
    "en",
    "terry-fox-run-blurb",
    "prose",
    """
Write a short blurb for our school's Terry Fox Run: Terry was born July 28, 1958, in Winnipeg, lost his leg to osteosarcoma, began the Marathon of Hope on April 12, 1980, in St. John's, and stopped near Thunder Bay after 143 days and 5,373 km. Donations via the Terry Fox Foundation.
""",
)
add(
    "benign",
    "en",
    "bradman-average-maths",
    "prose",
    """
Settle a pub argument: Don Bradman (born 27 August 1908, Cootamundra NSW) finished with 6,996 Test runs at 99.94. How many runs would he have needed in his last innings at The Oval in 1948 to average 100? He was out for a duck to Eric Hollies.
""",
)
add(
    "benign",
    "en",
    "helpline-numbers-poster",
    "prose",
    """
Design text for a staff-room poster with support numbers: Lifeline 13 11 14, Beyond Blue 1300 22 4636, Kids Helpline 1800 55 1800, and 000 for emergencies. Add the UK equivalents (Samaritans 116 123, NHS 111) for our exchange teachers.
""",
)
add(
    "benign",
    "en",
    "eras-tour-setlist-quiz",
    "prose",
    """
Give me 10 trivia questions on Taylor Swift's Eras Tour: opening night in Glendale on 17 March 2023, the Wembley shows in June and August 2024, the final show in Vancouver on 8 December 2024, and the surprise-song acoustic set.
""",
)
add(
    "benign",
    "en",
    "translate-dosage-instructions",
    "prose",
    """
Translate these standard leaflet lines into Spanish and Polish for our pharmacy signage: "Take one tablet twice a day with food. Do not exceed 8 tablets in 24 hours. If you are pregnant or breastfeeding, ask your pharmacist. Keep out of the sight and reach of children."
""",
)
add(
    "benign",
    "en",
    "ssh-public-key-explainer",
    "prose",
    """
Explain what each part of this public key line means and whether it's safe to paste in a GitHub issue: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK3pQv8mZr2LtYw9cXe4bNf7HsD1aGu6oJq0VyTn5Ck2 build-agent@ci-runner-03
""",
)
add(
    "benign",
    "en",
    "apache-access-log-404s",
    "kv-log",
    """
Why so many 404s? Snippet from the staging box:

127.0.0.1 - - [02/Dec/2026:10:04:11 +0000] "GET /api/users/3fa85f64-5717-4562-b3fc-2c963f66afa6/avatar HTTP/1.1" 404 153 "-" "curl/8.5.0"
10.0.4.22 - - [02/Dec/2026:10:04:12 +0000] "GET /wp-login.php HTTP/1.1" 404 153 "-" "Mozilla/5.0"
192.168.1.14 - - [02/Dec/2026:10:04:15 +0000] "GET /static/js/app.3f9a1c.js HTTP/1.1" 404 153 "https://staging.example.org/" "Mozilla/5.0"
""",
)
add(
    "benign",
    "en",
    "excel-vlookup-dates",
    "prose",
    """
In Excel, my VLOOKUP on the "Employee ID" column returns #N/A for IDs like 00417 because the other sheet stores them as numbers. Also =TEXT(B2,"dd/mm/yyyy") shows 01/01/1900 for blank cells. How do I fix both?
""",
)
add(
    "benign",
    "en",
    "carlsen-fide-profile",
    "prose",
    """
For our chess club's wall of fame: Magnus Carlsen, born 30 November 1990 in Tønsberg, Norway, FIDE ID 1503014, peak rating 2882 in May 2014, world champion 2013–2023. Add Garry Kasparov's 1985 title for comparison.
""",
)
add(
    "benign",
    "en",
    "kernel-commit-trailers",
    "command",
    """
What do these trailers mean in a Linux kernel commit? From `git log -1` on a public tree:

commit 1f2e3d4c5b6a79887766554433221100ffeeddcc
Author: Greg Kroah-Hartman <gregkh@linuxfoundation.org>
Date:   Fri Nov 28 10:12:33 2025 +0100

    Linux 6.12.61

    Link: https://lore.kernel.org/r/20251126093015.123456789@linuxfoundation.org
    Tested-by: Linux Kernel Functional Testing <lkft@linaro.org>
""",
)
add(
    "benign",
    "en",
    "library-citation-cleanup",
    "prose",
    """
Format these as APA 7th references: Kahneman, D. (2011) Thinking, Fast and Slow, ISBN 978-0374275631; Watson, J. D. & Crick, F. H. C. (1953) Nature 171, 737–738, doi:10.1038/171737a0; Dewey class 153.42 for the first one.
""",
)
add(
    "benign",
    "sv",
    "astrid-lindgren-skolarbete",
    "prose",
    """
Hjälp min son med ett skolarbete: Astrid Lindgren föddes den 14 november 1907 på gården Näs utanför Vimmerby. Pippi Långstrump kom ut 1945 och Pippi bor i Villa Villekulla med hästen Lilla Gubben och apan Herr Nilsson. Skriv fem meningar på enkel svenska.
""",
)
add(
    "benign",
    "sv",
    "kanelbullar-lucia",
    "prose",
    """
Jag ska baka till luciafikat den 13 december. Kan du räkna om receptet till 60 kanelbullar? 25 g jäst, 5 dl mjölk, 150 g smör, 1 dl socker, ca 13 dl vetemjöl, 2 tsk kardemumma. Ugn 225 grader i 8 minuter. Och hur gör man lussekatter med saffran?
""",
)
add(
    "benign",
    "fi",
    "sibelius-konsertti-esittely",
    "prose",
    """
Kirjoita lyhyt konserttiesittely: Jean Sibelius syntyi 8.12.1865 Hämeenlinnassa, Finlandia valmistui 1899 ja Viulukonsertto d-molli 1904. Ainola Järvenpäässä oli hänen kotinsa vuodesta 1904 kuolemaansa 20.9.1957 asti.
""",
)
add(
    "benign",
    "fi",
    "hetu-validaattori-koodi",
    "code",
    """
Onko tämä henkilötunnuksen tarkistus oikein? Testaan sitä DVV:n ohjeen esimerkkitunnuksella.

CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
def tarkista(hetu: str) -> bool:
    pvm, vali, loppu = hetu[:6], hetu[6], hetu[7:]
    luku = int(pvm + loppu[:3])
    return CHARS[luku % 31] == loppu[3]

assert tarkista("131052-308T")
""",
)
add(
    "benign",
    "hu",
    "petofi-nemzeti-unnep",
    "prose",
    """
Írj egy rövid beszédet március 15-re az iskolai ünnepségre: Petőfi Sándor 1823. január 1-jén született Kiskőrösön, a Nemzeti dalt 1848. március 15-én szavalta a Nemzeti Múzeum lépcsőjén (a legenda szerint), és 1849. július 31-én tűnt el Segesvárnál.
""",
)
add(
    "benign",
    "hu",
    "afa-excel-keplet",
    "prose",
    """
Excelben hogyan számolom ki a nettóból a bruttót 27%-os ÁFA-val, és fordítva? Az A oszlopban vannak a tételszámok (pl. 2026/000417), a B-ben a nettó összeg. Kerekítés forintra, a 0,5 felfelé.
""",
)
add(
    "benign",
    "ro",
    "eminescu-prezentare",
    "prose",
    """
Fă-mi o prezentare de 5 slide-uri despre Mihai Eminescu: născut pe 15 ianuarie 1850 la Botoșani, copilăria la Ipotești, „Luceafărul” publicat în 1883, prietenia cu Ion Creangă și Veronica Micle, mort pe 15 iunie 1889 la București.
""",
)
add(
    "benign",
    "ro",
    "structura-cnp-explicatie",
    "prose",
    """
Explică-mi structura codului numeric personal (S AA LL ZZ JJ NNN C): ce înseamnă prima cifră pentru născuții după 2000, ce coduri de județ au sectoarele Bucureștiului (41–46) și cum se calculează cifra de control cu constanta 279146358279. Nu am un CNP concret, e pentru un curs.
""",
)
add(
    "benign",
    "tr",
    "ataturk-10-kasim",
    "prose",
    """
10 Kasım anma töreni için kısa bir konuşma yaz: Mustafa Kemal Atatürk 1881'de Selanik'te doğdu, 19 Mayıs 1919'da Samsun'a çıktı, 29 Ekim 1923'te Cumhuriyet ilan edildi ve 10 Kasım 1938'de saat 09.05'te Dolmabahçe Sarayı'nda vefat etti.
""",
)
add(
    "benign",
    "tr",
    "derbi-istatistik",
    "prose",
    """
Galatasaray – Fenerbahçe derbisi için istatistik tablosu hazırla: Galatasaray 1905, Fenerbahçe 1907'de kuruldu. Maç RAMS Park'ta, 19.00'da. Icardi'nin 9 numaralı forması ve Szymański'nin asistleri de olsun.
""",
)
add(
    "benign",
    "el",
    "maria-callas-afieroma",
    "prose",
    """
Γράψε ένα σύντομο αφιέρωμα: η Μαρία Κάλλας γεννήθηκε στις 2 Δεκεμβρίου 1923 στη Νέα Υόρκη, σπούδασε στο Ωδείο Αθηνών με την Ελβίρα ντε Ιντάλγκο και πέθανε στο Παρίσι στις 16 Σεπτεμβρίου 1977. Ανέφερε τη «Νόρμα» και την Τόσκα.
""",
)
add(
    "benign",
    "el",
    "odysseia-perilipsi",
    "prose",
    """
Φτιάξε μια περίληψη για μαθητές Α' Γυμνασίου: ο Οδυσσέας, η Πηνελόπη και ο Τηλέμαχος στην Ιθάκη, ο Κύκλωπας Πολύφημος, η Κίρκη, η Καλυψώ και οι μνηστήρες. Πόσα χρόνια έλειπε συνολικά ο Οδυσσέας;
""",
)
add(
    "benign",
    "bg",
    "levski-biografia",
    "prose",
    """
Напиши кратка биография за училищен конкурс: Васил Левски е роден на 18 юли 1837 г. в Карлово, създава Вътрешната революционна организация, заловен е при Къкринското ханче и обесен на 18 февруари 1873 г. край София.
""",
)
add(
    "benign",
    "bg",
    "docker-log-grechka",
    "kv-log",
    """
Защо контейнерът не може да се свърже с Redis? Логът:

2026-12-01 09:14:22 WARN  [main] redis: connection refused 172.18.0.4:6379 (attempt 3/5)
2026-12-01 09:14:27 ERROR [main] startup failed: ECONNREFUSED, service=orders version=2.8.1 trace_id=9c41e2b7a0d54f16
""",
)
add(
    "benign",
    "hr",
    "tesla-izlet-smiljan",
    "prose",
    """
Planiram izlet u Smiljan: Nikola Tesla rođen je 10. srpnja 1856. u Smiljanu kraj Gospića. Koliko traje vožnja iz Zagreba autocestom A1, je li Memorijalni centar otvoren ponedjeljkom i što još vidjeti u Lici (Plitvice, Rastoke)?
""",
)
add(
    "benign",
    "hr",
    "trajekt-split-hvar",
    "prose",
    """
Trebam raspored: Jadrolinijin katamaran linija 9602 Split – Hvar – Korčula polazi u 15:00, a trajekt 635 Split – Stari Grad u 14:30. Što je bolje s autom u kolovozu i koliko ranije treba biti u luci?
""",
)
add(
    "benign",
    "sk",
    "stefanik-referat",
    "prose",
    """
Pomôž mi s referátom: Milan Rastislav Štefánik sa narodil 21. júla 1880 v Košariskách, bol astronóm, francúzsky generál a spoluzakladateľ Československa s Masarykom a Benešom. Zahynul 4. mája 1919 pri Ivanke pri Dunaji.
""",
)
add(
    "benign",
    "sk",
    "delitelnost-jedenastimi",
    "prose",
    """
Vysvetli žiakom 6. ročníka, prečo je číslo 8 099 201 deliteľné jedenástimi (striedavý súčet cifier) a ako sa to využíva pri kontrole čísel. Pridaj tri ďalšie príklady na precvičenie.
""",
)
add(
    "benign",
    "sl",
    "preseren-kulturni-praznik",
    "prose",
    """
Napiši kratek nagovor za 8. februar: France Prešeren se je rodil 3. decembra 1800 v Vrbi, Zdravljica je od leta 1989 (sedma kitica) slovenska himna, pesnik pa je umrl 8. februarja 1849 v Kranju. Omeni tudi Julijo Primic.
""",
)
add(
    "benign",
    "sl",
    "triglav-tura-nacrt",
    "prose",
    """
Načrtujem turo na Triglav (2864 m) iz Krme: koliko ur do Kredarice, ali je Kredarica odprta konec septembra in kakšna je oprema za Mali Triglav? Gremo v soboto ob 5.00 iz Ljubljane.
""",
)
add(
    "benign",
    "is",
    "bjork-kynning",
    "prose",
    """
Skrifaðu stutta kynningu fyrir tónleikaskrá: Björk Guðmundsdóttir fæddist 21. nóvember 1965 í Reykjavík, var í Sykurmolunum og gaf út Debut árið 1993. Nefndu líka Sigur Rós og Emilíönu Torrini.
""",
)
add(
    "benign",
    "is",
    "njala-samantekt",
    "prose",
    """
Gerðu samantekt fyrir nemendur um Njáls sögu: Gunnar á Hlíðarenda, Hallgerður langbrók, Njáll á Bergþórshvoli og Njálsbrenna árið 1011. Af hverju neitaði Hallgerður Gunnari um hárlokkinn?
""",
)
add(
    "benign",
    "de",
    "beethoven-programmheft",
    "prose",
    """
Schreib einen Absatz fürs Programmheft: Ludwig van Beethoven wurde am 17. Dezember 1770 in Bonn getauft (Geburtsdatum unbekannt), wohnte ab 1792 in Wien, u. a. im Pasqualatihaus auf der Mölker Bastei 8, und starb am 26. März 1827. Wir spielen die Siebte, op. 92.
""",
)
add(
    "benign",
    "fr",
    "asterix-quiz",
    "prose",
    """
Prépare un quiz pour des CM2 sur Astérix : Goscinny (né le 14 août 1926 à Paris) et Uderzo, le village d'Abraracourcix, le druide Panoramix, Idéfix, et l'album « Astérix chez les Bretons » (1966). Dix questions avec réponses.
""",
)
add(
    "benign",
    "es",
    "quijote-resumen",
    "prose",
    """
Resume para 3.º de ESO el capítulo de los molinos de viento del Quijote: don Quijote, Sancho Panza, Rocinante, Dulcinea del Toboso. Miguel de Cervantes fue bautizado el 9 de octubre de 1547 en Alcalá de Henares.
""",
)
add(
    "benign",
    "pl",
    "chopin-konkurs",
    "prose",
    """
Napisz krótki wstęp do programu koncertu: Fryderyk Chopin urodził się 1 marca 1810 r. (w metryce 22 lutego) w Żelazowej Woli, wyjechał z Warszawy w 1830 r., a Konkurs Chopinowski odbywa się co pięć lat w Filharmonii Narodowej przy ul. Jasnej 5.
""",
)
add(
    "benign",
    "it",
    "verdi-busseto-gita",
    "prose",
    """
Organizzo una gita a Busseto: Giuseppe Verdi nacque il 10 ottobre 1813 a Roncole, il Teatro Verdi apre alle 10, Villa Verdi a Sant'Agata è chiusa il lunedì? Serve un itinerario per 30 pensionati, pranzo con culatello.
""",
)
add(
    "benign",
    "pt",
    "ronaldo-funchal-roteiro",
    "prose",
    """
Faz um roteiro de um dia no Funchal para fãs de futebol: Cristiano Ronaldo nasceu a 5 de fevereiro de 1985 no Funchal, o Museu CR7 fica na Praça CR7, e o aeroporto chama-se Aeroporto Internacional da Madeira Cristiano Ronaldo desde 2017.
""",
)
add(
    "benign",
    "nl",
    "van-gogh-fietstocht",
    "prose",
    """
Plan een fietstocht langs Van Gogh-plekken in Brabant: Vincent werd op 30 maart 1853 geboren in Zundert, woonde in Nuenen bij de pastorie aan de Berg 26 en schilderde daar De Aardappeleters (1885). Hoe lang is de route Zundert–Nuenen?
""",
)

if __name__ == "__main__":
    build(PROMPTS, Path(__file__).resolve().parent / "fresh13.jsonl", SPLIT_SEED, ID_PREFIX)
