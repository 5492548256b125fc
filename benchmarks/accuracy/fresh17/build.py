#!/usr/bin/env python3
"""Build the 'fresh17' privacy-filter evaluation corpus (seventeenth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

The parser, checks, dev/test split and statistics live in the shared module
``benchmarks/accuracy/_corpus_tools.py``. This script only holds the prompts,
assigns the ids ``u-0001`` … and writes fresh17.jsonl next to this file with
split seed 1717. All values are synthetic and written here as literals.

Run:  python build.py [--stats]   (needs python-stdnum and phonenumbers)
"""

import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus_tools import add_prompt, build

SPLIT_SEED = 1717
ID_PREFIX = "u"
HERE = Path(__file__).resolve().parent
PROMPTS = []
add = functools.partial(add_prompt, PROMPTS)

# ---------------------------------------------------------------------------
# group pii — English
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "pottery-course-waitlist",
    "csv",
    """
Can you sort this waitlist for our Thursday evening wheel-throwing course by sign-up date and draft a short "a place has opened up" email I can send to the first three? The notes column is only for the tutor, don't put it in the email. The £185 fee includes clay and glazes, and firing slots are on Tuesdays.

signed_up,name,email,mobile,notes
2025-01-06,⟦P:Clay Ferreira-Down⟧,⟦E:clay.fd@fastmail.example⟧,⟦T:07831 552907⟧,"left-handed, did two taster sessions"
2025-01-09,⟦P:Imogen Tuttle⟧,⟦E:imogen.tuttle@icloud.example⟧,⟦T:07946 118420⟧,"⟦MC:latex allergy⟧ - nitrile gloves only"
2025-01-11,⟦P:Dev Raghunathan⟧,⟦E:devraghu@gmail.example⟧,⟦T:07512 660391⟧,"⟦MC:epilepsy⟧ (well controlled) - please don't leave him alone in the kiln room"
2025-01-15,⟦P:Saoirse Blackwood⟧,,⟦T:07488 203175⟧,"⟦MC:carpal tunnel syndrome⟧ in right wrist, may prefer hand-building"
""",
)
add(
    "pii",
    "en",
    "after-school-minibus-route",
    "markdown-table",
    """
I coordinate the minibus for our village primary's after-school club. Turn this into a printable route sheet in stop order and put a two-line box at the top for the driver about the medical needs. Driver this term is ⟦P:Gareth Prothero⟧ (⟦T:07789 234516⟧).

| stop | child | year | pick-up address | parent phone | notes |
|---|---|---|---|---|---|
| 3 | ⟦P:Bodhi Armitage-Shaw⟧ | 5 | ⟦A:12 Clun Road, Knighton LD7 1EJ⟧ | ⟦T:01547 528113⟧ | ⟦MC:type 1 diabetes⟧ - check he has eaten; ⟦MED:Dextro tablets⟧ in his bag |
| 1 | ⟦P:Ember Lowthian⟧ | 2 | ⟦A:Rose Cottage, 3 Mill Lane, Llanfair Waterdine LD7 1TU⟧ | ⟦T:07701 448392⟧ | ⟦MC:severe peanut allergy⟧ - ⟦MED:EpiPen⟧ in the blue pouch |
| 2 | ⟦P:Storm Haddon⟧ | 4 | ⟦A:The Old Forge, 7 Church Street, Clun SY7 8JW⟧ | ⟦T:07826 119054⟧ | sits at the front, gets travel sick |
| 4 | ⟦P:Tegan Morris⟧ | 6 | ⟦A:Ty Newydd, 21 Wylcwm Street, Knighton LD7 1AD⟧ | ⟦T:07413 905227⟧ | collected by nan on Fridays |
""",
)
add(
    "pii",
    "en",
    "cgm-export-overnight-lows",
    "csv",
    """
My son's diabetes nurse (⟦P:Chidinma Okafor⟧) asked for "a summary of the overnight lows over the last fortnight". Here's the top of the Clarity CSV export - can you tell me what pattern you see and write three sentences I can paste into my reply? ⟦P:Rafferty⟧ has had ⟦MC:type 1 diabetes⟧ since he was six; he's on ⟦MED:Tresiba⟧ at night and ⟦MED:Fiasp⟧ with meals.

Patient Info,⟦P:Rafferty Quinlan⟧
Date of Birth,⟦DOB:2013-08-27⟧
Device,G7 (SN 4CH7Q2KP)
Index,Timestamp (YYYY-MM-DDThh:mm:ss),Event Type,Glucose Value (mmol/L),Insulin Value (u),Device Info
1,2025-03-02T02:15:00,EGV,3.6,,
2,2025-03-02T02:20:00,EGV,3.4,,
3,2025-03-02T02:25:00,Low Alert,3.1,,
4,2025-03-02T06:40:00,Insulin,,1.5,⟦MED:Fiasp⟧ (pen)
5,2025-03-03T01:55:00,EGV,3.8,,
6,2025-03-03T02:00:00,Low Alert,3.2,,
7,2025-03-04T02:10:00,Low Alert,3.0,,
""",
)
add(
    "pii",
    "en",
    "laravel-validation-log",
    "kv-log",
    """
My Laravel sign-up form keeps rejecting UK mobiles. What's wrong with my regex rule for the phone field, and should I strip "(0)"? Two log lines from this morning:

[2025-05-14 09:12:44] production.ERROR: The given data was invalid. {"errors":{"phone":["The phone format is invalid."]},"input":{"first_name":"⟦P:Lowenna⟧","last_name":"⟦P:Trethewey⟧","email":"⟦E:lowenna.t@outlook.example⟧","phone":"⟦T:+44 (0)7723 905 118⟧","date_of_birth":"⟦DOB:1997-10-04⟧","address":"⟦A:9 Alverton Terrace, Penzance TR18 4JH⟧"},"ip":"⟦IP:92.17.204.61⟧","url":"https://bookings.example/register"}
[2025-05-14 09:13:20] production.ERROR: The given data was invalid. {"errors":{"phone":["The phone format is invalid."]},"input":{"first_name":"⟦P:Lowenna⟧","last_name":"⟦P:Trethewey⟧","email":"⟦E:lowenna.t@outlook.example⟧","phone":"⟦T:07723905118⟧","date_of_birth":"⟦DOB:1997-10-04⟧","address":"⟦A:9 Alverton Terrace, Penzance TR18 4JH⟧"},"ip":"⟦IP:92.17.204.61⟧","url":"https://bookings.example/register"}

Rule: 'phone' => ['required', 'regex:/^07[0-9]{9}$/']
""",
)
add(
    "pii",
    "en",
    "sms-reminder-job-crash",
    "code",
    """
Our appointment-reminder job crashed overnight on the first failing message and skipped everyone after it. How do I catch this per message without killing the whole batch?

(node:3121) UnhandledPromiseRejectionWarning: RestException [Error]: The number ⟦T:+447983 114 620⟧ is unverified. Trial accounts cannot send messages to unverified numbers.
    at success (/srv/reminders/node_modules/twilio/lib/base/Version.js:135:23)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5) {
  status: 400,
  code: 21608,
  moreInfo: 'https://www.twilio.com/docs/errors/21608'
}
payload: { to: '⟦T:+447983114620⟧', from: 'HALLWOODMC', body: 'Hi ⟦P:Nerys⟧, a reminder of your ⟦MC:colposcopy⟧ at Hallwood Medical Centre on Thu 12 Jun at 10:40. Reply C to cancel.' }
""",
)
add(
    "pii",
    "en",
    "discharge-medicines-reconciliation",
    "markdown-table",
    """
Please turn this discharge medicines reconciliation into plain-English instructions for the patient's daughter, ⟦P:Abena⟧, who'll be managing his tablets (her number is ⟦T:07404 318277⟧).

Patient: ⟦P:Wilfred Amankwah⟧, hosp. no. ⟦MRN:RQ6-4471093⟧, DOB ⟦DOB:22/09/1939⟧. Admitted with ⟦MC:decompensated heart failure⟧; also has ⟦MC:gout⟧ and ⟦MC:CKD stage 3⟧.

| medicine | before admission | on discharge | comment |
|---|---|---|---|
| ⟦MED:furosemide⟧ | 40 mg morning | 80 mg morning | ⟦MC:fluid overload⟧, weigh daily |
| ⟦MED:bisoprolol⟧ | 2.5 mg | 2.5 mg | unchanged |
| ⟦MED:allopurinol⟧ | 300 mg | 100 mg | reduced for kidney function |
| ⟦MED:naproxen⟧ | as needed | STOPPED | anti-inflammatories worsen ⟦MC:heart failure⟧ |
| ⟦MED:dapagliflozin⟧ | - | 10 mg once daily | new |
""",
)
add(
    "pii",
    "en",
    "cpap-compliance-for-employer",
    "form",
    """
I drive HGVs and occupational health want proof I'm using my CPAP before they sign me back on. Can you turn this report into a short cover letter from me to ⟦P:Lorraine Whitcombe⟧ in OH? Keep it factual.

COMPLIANCE REPORT - AirSense 11 AutoSet (SN 23241187654)
Patient: ⟦P:KEVIN DOBBS⟧          DOB: ⟦DOB:03 Feb 1971⟧
Driving licence no.: ⟦DL:DOBBS702031K99TX⟧
Diagnosis: ⟦MC:obstructive sleep apnoea⟧ (AHI 34 at diagnosis)
Period: 01/01/2025 - 31/03/2025
Days with usage >= 4 h: 88 of 90 (97.8 %)
Average usage (days used): 7 h 12 min
Residual AHI: 2.1 events/h
Leak 95th percentile: 12.4 L/min
Prescribing clinician: Dr ⟦P:Fennimore Achterberg⟧, Sleep Service

Thanks, ⟦P:Kev⟧
""",
)
add(
    "pii",
    "en",
    "holiday-let-lock-pins",
    "kv-log",
    """
We run a holiday let with a keypad lock and give each booking its own PIN. Here's last week's access log - did anyone use a code outside their booking dates? Bookings were ⟦P:Ingvild Halvorsen⟧ 18-21 Apr and ⟦P:Marcus⟧ & ⟦P:Jo Pemberton⟧ 21-25 Apr; our cleaner ⟦P:Dorota⟧ has a permanent code.

2025-04-18T15:02:11Z lock=front action=unlock method=keypad code_name="⟦P:Halvorsen⟧ party" code=⟦S:482915⟧
2025-04-20T22:47:03Z lock=front action=unlock method=keypad code_name="⟦P:Halvorsen⟧ party" code=⟦S:482915⟧
2025-04-21T10:31:40Z lock=front action=unlock method=keypad code_name="cleaner ⟦P:Dorota⟧" code=⟦S:7736⟧
2025-04-21T16:12:09Z lock=front action=unlock method=keypad code_name="⟦P:Pemberton⟧" code=⟦S:905318⟧
2025-04-22T09:58:27Z lock=front action=unlock method=keypad code_name="⟦P:Halvorsen⟧ party" code=⟦S:482915⟧
2025-04-24T23:05:51Z lock=front action=fail method=keypad code=000000
""",
)
add(
    "pii",
    "en",
    "family-nextcloud-audit-log",
    "json",
    """
Someone downloaded a lot of files from our family Nextcloud on Sunday night. Here's the audit.log around it. Which account was it, from where, and what should I lock down first?

{"reqId":"Zk1aQ7","level":1,"time":"2025-02-09T23:14:07+00:00","remoteAddr":"⟦IP:31.94.18.203⟧","user":"⟦U:ttrelawny⟧","app":"admin_audit","method":"GET","url":"/remote.php/dav/files/⟦U:ttrelawny⟧/Documents/Medical/⟦P:Rowena⟧_MRI_report.pdf","message":"File accessed: /⟦U:ttrelawny⟧/files/Documents/Medical/⟦P:Rowena⟧_MRI_report.pdf"}
{"reqId":"Zk1aR2","level":1,"time":"2025-02-09T23:14:09+00:00","remoteAddr":"185.220.101.47","user":"⟦U:rowena.t⟧","app":"admin_audit","method":"PROPFIND","url":"/remote.php/dav/files/⟦U:rowena.t⟧/Photos/","message":"Login successful: ⟦U:rowena.t⟧"}
{"reqId":"Zk1aS9","level":1,"time":"2025-02-09T23:16:44+00:00","remoteAddr":"185.220.101.47","user":"⟦U:rowena.t⟧","app":"admin_audit","method":"GET","url":"/remote.php/dav/files/⟦U:rowena.t⟧/Photos/2024.zip","message":"File accessed: /⟦U:rowena.t⟧/files/Photos/2024.zip"}
{"reqId":"Zk1aT1","level":1,"time":"2025-02-10T07:02:55+00:00","remoteAddr":"⟦IP:2a00:23c7:9e18:4d01:b1c4:22ff:fe09:7a3e⟧","user":"⟦U:rowena.t⟧","app":"admin_audit","method":"POST","url":"/login","message":"Login successful: ⟦U:rowena.t⟧"}
""",
)
add(
    "pii",
    "en",
    "parcel-wrong-address-apology",
    "prose",
    """
Draft a warm apology to a customer for me (I run a small candle shop). Her parcel, order SW-20931, went to her old address because our checkout kept the saved one. Customer: ⟦P:Marguerite Olawale⟧. New address: ⟦A:Flat 2, 41 Cavendish Road, Redland, Bristol BS6 7RP⟧. Old address: ⟦A:18 Ashley Down Road, Bristol BS7 9JN⟧. She rang from ⟦T:0117 924 3381⟧ and was upset because it was a birthday present. The courier says the new occupant at the old place, a Mr ⟦P:Osei⟧, has agreed to hand it back on Saturday. Offer a free replacement wick set.
""",
)
add(
    "pii",
    "en",
    "housing-coop-arrears",
    "csv",
    """
I'm treasurer of a small housing co-op (all flats are at ⟦A:27 Tudor Road, Cardiff CF11 6AL⟧). Write a gentle first-reminder letter template, and tell me which members should get our hardship-fund form instead, based on the notes.

member_no,name,flat,arrears_gbp,weeks,notes
⟦ACC:C-014⟧,⟦P:Ffion Delacroix-Hughes⟧,3,412.00,6,"lost her job in Feb"
⟦ACC:C-022⟧,⟦P:Tomasz Wilk⟧,5,96.50,1,"says bank error, has proof of payment"
⟦ACC:C-031⟧,⟦P:Amara Nwachukwu⟧,7,1180.00,14,"partner ⟦P:Dele⟧ having ⟦MC:chemotherapy⟧, she has cut her hours"
⟦ACC:C-040⟧,⟦P:Justin Fairweather⟧,8,230.00,3,"in hospital since January (⟦MC:psychosis⟧), his sister is handling post"
""",
)
add(
    "pii",
    "en",
    "fmla-certification-summary",
    "form",
    """
HR here. Summarize this WH-380-E for the manager WITHOUT any medical details - only the leave dates and the schedule - and then list what I have to keep in the confidential medical file.

Employee: ⟦P:Danielle Okonkwo-Barnes⟧          Employee ID: ⟦ACC:E-448213⟧
Health care provider: Dr. ⟦P:Priyanka Venkataraman⟧
Practice address: ⟦A:2200 Kirkwood Hwy, Suite 310, Wilmington, DE 19805⟧   Phone: ⟦T:(302) 555-0148⟧
Condition: ⟦MC:major depressive disorder, recurrent⟧; ⟦MC:generalized anxiety disorder⟧
Treatment: weekly psychotherapy; ⟦MED:bupropion XL⟧
Intermittent leave: flare-ups up to 2 days per month, 01/06/2025 - 07/06/2025; appointments 1 x weekly, ~2 hours
""",
)
add(
    "pii",
    "en",
    "dependent-care-fsa-claim",
    "form",
    """
Can you check I've filled in this dependent care FSA claim correctly? Our nanny doesn't have an EIN so I put her SSN in the TIN box - is that right?

Participant: ⟦P:Marcus Oyelaran⟧          Employee ID: ⟦ACC:77104352⟧
Dependent: ⟦P:Zuri Oyelaran⟧             Date of birth: ⟦DOB:11/30/2021⟧
Provider name: ⟦P:Leticia Barragán⟧
Provider address: ⟦A:4417 N Kenmore Ave, Apt 2B, Chicago, IL 60640⟧
Provider phone: ⟦T:(773) 555-0139⟧
Provider SSN/TIN: ⟦ID@US:179-85-4929⟧
Dates of service: 03/01/2025 - 03/31/2025          Amount: $2,860.00
Provider signature: ⟦P:L. Barragán⟧
""",
)
add(
    "pii",
    "en",
    "529-plan-beneficiary-change",
    "form",
    """
⟦P:Mateo⟧ got a full scholarship so we're moving his college savings to his little sister. Is this 529 beneficiary change form complete, and are there tax consequences if they're siblings?

Account owner: ⟦P:Brenda Castellanos⟧     SSN: ⟦ID@US:539-83-3099⟧
Account number: ⟦ACC:529-30817746⟧
Current beneficiary: ⟦P:Mateo Castellanos⟧   DOB: ⟦DOB:June 2, 2006⟧
New beneficiary: ⟦P:Lucía Castellanos⟧     DOB: ⟦DOB:Jan 19, 2010⟧     SSN: ⟦ID@US:172-11-1904⟧
Relationship of new beneficiary to current beneficiary: sister
Owner address: ⟦A:1932 Alameda Ave, Alameda, CA 94501⟧   Phone: ⟦T:510-555-0193⟧
""",
)
add(
    "pii",
    "en",
    "old-age-security-cover-note",
    "prose",
    """
Help me write a short cover note to Service Canada to go with my dad's Old Age Security application. His name is ⟦P:Gurpreet Singh Dhillon⟧, he was born ⟦DOB:14 August 1960⟧ in Jalandhar and came to Canada in March 1987, so he has more than 10 years of residence. SIN ⟦ID@CA:503 952 764⟧. He lives at ⟦A:1204-88 Dunlop St E, Barrie, ON L4M 1A4⟧, phone ⟦T:705-555-0172⟧. He had a ⟦MC:stroke⟧ last year and his handwriting is poor, so I (⟦P:Harleen Dhillon⟧, his daughter) filled the form in and he signed it with help.
""",
)
add(
    "pii",
    "en",
    "carer-payment-statement",
    "prose",
    """
My sister and I are applying for Carer Payment for looking after Mum, who has ⟦MC:motor neurone disease⟧. Could you turn my notes into the "additional information" paragraph for Centrelink?

me - ⟦P:Bronwyn Kefalas⟧, CRN ⟦ACC:207 469 381K⟧, TFN ⟦ID@AU:166 295 428⟧, mob ⟦T:0412 118 906⟧
mum - ⟦P:Eleni Kefalas⟧, born ⟦DOB:5/4/1952⟧, lives at ⟦A:16 Carnegie St, Ashburton VIC 3147⟧
- can't walk unassisted since Nov, ⟦MC:PEG feeding⟧ since Feb, on ⟦MED:Rilutek⟧
- I do weekdays 7am-6pm, my sister ⟦P:Soula⟧ does weekends and nights
- I left my job at the council in January to do this
""",
)
add(
    "pii",
    "en",
    "working-for-families-new-baby",
    "form",
    """
Tidy this into a message for myIR secure mail - we've had a baby and want Working for Families to start from her birth.

Applicant: ⟦P:Aroha Te Whata⟧ - IRD ⟦ID@NZ:120-773-313⟧
Partner: ⟦P:Liam Brackenridge⟧ - IRD ⟦ID@NZ:126-816-324⟧
New baby: ⟦P:Nikau Brackenridge⟧, born ⟦DOB:2 March 2025⟧ at Waikato Hospital
Address: ⟦A:41 Pembroke Street, Hamilton East, Hamilton 3216⟧
Phone: ⟦T:021 448 902⟧
Bank account for payments: ⟦ACC:12-3077-0412286-00⟧
Note: ⟦P:Liam⟧ is on ACC weekly compensation for a ⟦MC:fractured pelvis⟧ until June.
""",
)
add(
    "pii",
    "en",
    "susi-grant-help",
    "prose",
    """
My daughter is applying for a SUSI grant and the online form keeps timing out. Can you list what she needs to have ready and help word the part about her disability supports? Her details: ⟦P:Clodagh Ní Bhriain⟧, PPSN ⟦ID@IE:0157429T⟧, date of birth ⟦DOB:19/06/2006⟧, home address ⟦A:Teach na Coille, Bóthar na Trá, An Spidéal, Co. na Gaillimhe H91 X2E4⟧. She has ⟦MC:dyslexia⟧ and ⟦MC:ADHD⟧ and got in through DARE. I'm her father, ⟦P:Pádraig Ó Briain⟧, PPSN ⟦ID@IE:2793566W⟧, mobile ⟦T:087 331 4406⟧; the grant would be paid into her account ⟦IBAN:IE08 AIBK 9379 9201 6933 46⟧. I'm self-employed so the income bit is the tricky one.
""",
)
add(
    "pii",
    "en",
    "epf-nominee-rejected",
    "form",
    """
I'm updating my EPF nomination on the UAN portal and it keeps rejecting my wife's details with "Nominee Aadhaar not seeded". What could be wrong?

Member name: ⟦P:Sreenivas Kothapalli⟧
UAN: ⟦ACC:101776543210⟧
PAN: ⟦ID@IN:QWKPK8990Y⟧
Nominee: ⟦P:Lavanya Kothapalli⟧ (wife)
Nominee DOB: ⟦DOB:08-11-1991⟧
Nominee Aadhaar: ⟦ID@IN:9803 4288 9138⟧
Nominee address: ⟦A:Flat 302, Sai Residency, 4th Cross, HSR Layout Sector 2, Bengaluru 560102⟧
Nominee mobile: ⟦T:+91 98450 21763⟧
Share: 100%
""",
)
add(
    "pii",
    "en",
    "learners-licence-booking",
    "form",
    """
Helping my son book his learner's licence test online and the site says "ID number already registered". He's never applied before. What do I do?

Applicant surname: ⟦P:DLAMINI-ROBERTS⟧
First names: ⟦P:SIPHO ANDILE⟧
ID number: ⟦ID@ZA:0803179353088⟧
Date of birth: ⟦DOB:17/03/2008⟧
Eyesight: wears glasses, ⟦MC:colour blind⟧ (red-green)
Parent/guardian: ⟦P:Nomvula Dlamini⟧, cell ⟦T:082 417 5530⟧
Residential address: ⟦A:23 Protea Road, Glenwood, Durban 4001⟧
""",
)
add(
    "pii",
    "en",
    "seoul-hospital-follow-up-email",
    "prose",
    """
Please polish my email to the international patient centre of a hospital in Seoul:

"Dear Ms ⟦P:Yoon⟧, my wife ⟦P:Han Ji-woo⟧ (resident registration number ⟦ID@KR:830511-2356410⟧, born ⟦DOB:11 May 1983⟧) (patient no. ⟦MRN:20418873⟧) has a follow-up for her ⟦MC:thyroid nodule⟧ biopsy on 24 June at 9:30. I, ⟦P:Chen Haoran⟧, will accompany her; my Chinese ID number is ⟦ID@CN:310104198109235736⟧ in case you need it for the visitor pass. She is still taking ⟦MED:levothyroxine⟧, should she stop before the appointment? Please send the invoice to ⟦E:haoran.chen@proton.example⟧ or call my Korean mobile ⟦T:+82 10-4827-3159⟧. Thank you, ⟦P:Haoran⟧"
""",
)
add(
    "pii",
    "en",
    "relocation-bank-account-request",
    "prose",
    """
I'm relocating ⟦P:Signe Mølgaard⟧ from our Aarhus office to Manchester. Draft an email to our bank's relationship team asking them to open her current account before she arrives - she won't have a National Insurance number yet. Her details: born ⟦DOB:29 January 1990⟧, Danish CPR ⟦ID@DK:290190-1232⟧, passport ⟦PASS:213478659⟧, UK address from 1 July ⟦A:Apartment 1407, 9 Owen Street, Manchester M15 4YB⟧, mobile ⟦T:+45 28 71 43 96⟧, personal e-mail ⟦E:signe.molgaard@mail.example⟧.
""",
)
add(
    "pii",
    "en",
    "helfo-dental-refund",
    "prose",
    """
My Norwegian flatmate asked me to write this up in English for his reimbursement claim to HELFO: ⟦P:Eirik Solbakken⟧ (fødselsnummer ⟦ID@NO:12080357115⟧, born ⟦DOB:12 August 2003⟧), a student at the University of Edinburgh, had an emergency root canal on 3 February after a ⟦MC:cracked molar⟧ with an abscess. Treated by Dr ⟦P:Morag Lindsay⟧ at a private practice on Leith Walk, cost £640, and he was given ⟦MED:amoxicillin⟧. Refund to his Norwegian account ⟦ACC:1503 21 44871⟧. His phone here is ⟦T:07418 660 235⟧. Please make it sound formal and mention the receipts are attached.
""",
)
add(
    "pii",
    "en",
    "e-residency-board-members",
    "prose",
    """
We're two e-residents setting up an Estonian OÜ. The formation form asks for "board member data" - can you lay ours out as a clean table (name, personal code, date of birth, residence, contact)?

First board member is me, ⟦P:Tobias Reinholt⟧, Estonian personal code ⟦ID@EE:39106042457⟧, born ⟦DOB:4 June 1991⟧, living at ⟦A:Kastanienallee 71, 10435 Berlin⟧, ⟦E:tobias@reinholt.example⟧. The second is ⟦P:Rūta Kazlauskienė⟧, Lithuanian personal code ⟦ID@LT:49312206812⟧, born ⟦DOB:1993-12-20⟧, ⟦A:Vilniaus g. 31-4, LT-01402 Vilnius⟧, ⟦T:+370 612 48 337⟧. Share capital 2,500 EUR, split 50/50.
""",
)
add(
    "pii",
    "en",
    "sublet-reference-check",
    "form",
    """
I'm subletting my room to a visiting postdoc from Tel Aviv. The letting agent sent this reference-check form; can you write a short note to her explaining each section and what's optional?

Tenant full name: ⟦P:Noa Ben-Ami⟧
Israeli ID (Teudat Zehut): ⟦ID@IL:17247134-4⟧
Passport: ⟦PASS:34019277⟧
Date of birth: ⟦DOB:03/07/1998⟧
Current address: ⟦A:Rehov Dizengoff 142, Apt 9, Tel Aviv 6346107⟧
Mobile: ⟦T:+972 52-418-3307⟧
Employer: Weizmann Institute (visiting researcher, Imperial College)
Property: ⟦A:Room 2, 22 Brondesbury Park, London NW6 7DL⟧
""",
)
add(
    "pii",
    "en",
    "nanny-gp-registration",
    "form",
    """
Our nanny is Czech and is registering with our GP practice. Can you help her answer the GMS1 questions from these notes and explain what "previous GP" means for someone coming from abroad?

Name: ⟦P:Kateřina Procházková⟧
Czech birth number: ⟦ID@CZ:996007/2540⟧
Date of birth: ⟦DOB:7.10.1999⟧
UK address: ⟦A:14 Lyndhurst Grove, London SE15 5AN⟧
Mobile: ⟦T:07392 114 806⟧
Previous doctor: MUDr. ⟦P:Alena Kopecká⟧, Brno
Conditions: ⟦MC:hypothyroidism⟧, ⟦MC:penicillin allergy⟧
Regular medication: ⟦MED:Euthyrox⟧ 75
""",
)
add(
    "pii",
    "en",
    "street-whatsapp-missing-neighbour",
    "prose",
    """
Summarise this street WhatsApp thread for someone who has just joined the group - who is doing what, and is it resolved?

[21:04] ⟦P:Janice Okoro⟧: Has anyone seen ⟦P:Bernard⟧ from ⟦A:14 Larkhill Road⟧? ⟦P:Eileen⟧ says he went out at 5 and isn't back. He has ⟦MC:dementia⟧.
[21:06] ⟦P:Raj⟧: I'll drive round the park and the garages.
[21:09] ⟦T:+44 7594 208113⟧: This is ⟦P:Eileen⟧'s son ⟦P:Gavin⟧. Dad's in a navy coat and flat cap, he's ⟦MC:very deaf⟧ so he might not answer. Please ring me on this number.
[21:15] ⟦P:Janice Okoro⟧: Police called, reference CAD 4471.
[21:32] ⟦P:Tomás Ferreira⟧: Found him at the Co-op on Larkhill Parade, he's fine, walking him home now.
[21:40] ⟦P:Eileen Prothero-Ward⟧: Thank you all so much x
""",
)
add(
    "pii",
    "en",
    "dental-recall-psql",
    "command",
    """
I ran this on the practice database. Write a friendly recall SMS under 160 characters with a {forename} placeholder, and tell me which of these patients are 65 or over so the message can mention the free check-up.

$ psql -d practice -c "select surname, forename, dob, mobile, last_recall from patients where last_recall < now() - interval '18 months' order by surname limit 5;"
  surname     | forename | dob        | mobile        | last_recall
--------------+----------+------------+---------------+-------------
 ⟦P:Abernethy⟧    | ⟦P:Fenella⟧  | ⟦DOB:1958-04-17⟧ | ⟦T:07722 304118⟧ | 2023-06-02
 ⟦P:Duffy⟧        | ⟦P:Cormac⟧   | ⟦DOB:1987-12-03⟧ | ⟦T:07309 551426⟧ | 2023-01-19
 ⟦P:Nakamura⟧     | ⟦P:Hiro⟧     | ⟦DOB:2001-07-29⟧ | ⟦T:07982 017735⟧ | 2023-09-11
 ⟦P:Price⟧        | ⟦P:Dewi⟧     | ⟦DOB:1949-02-08⟧ | ⟦T:01685 723904⟧ | 2022-11-30
 ⟦P:van der Berg⟧ | ⟦P:Anouk⟧    | ⟦DOB:1963-10-25⟧ | ⟦T:07456 882013⟧ | 2023-04-14
(5 rows)
""",
)
add(
    "pii",
    "en",
    "green-burial-reservation",
    "form",
    """
Please help me check this green burial reservation form for my aunt before I sign it. It feels strange writing all this down.

Name of deceased: ⟦P:Margery Anne Polglase⟧
Date of birth: ⟦DOB:12th October 1941⟧          Date of death: 28th April 2025
Last address: ⟦A:Chy an Gwel, 7 Trewartha Close, St Ives TR26 2QF⟧
Cause of death (as on certificate): ⟦MC:metastatic ovarian cancer⟧
Applicant: ⟦P:Jennifer Polglase-Hart⟧ (niece)
Applicant phone: ⟦T:07411 909526⟧     E-mail: ⟦E:jen.polglasehart@btinternet.example⟧
Plot: Meadow 3, row F, no. 22     Coffin: willow     Marker: native oak sapling
Officiant: Rev. ⟦P:Hugh Tremain⟧
""",
)
add(
    "pii",
    "en",
    "seasonal-pitch-renewal",
    "form",
    """
Here's the renewal form for our seasonal caravan pitch. Should I pay by card or BACS (they charge 2% on cards)? Also rewrite the "special requests" bit so it sounds less blunt.

Names: ⟦P:Trevor⟧ and ⟦P:Pauline Ashdown⟧
Home address: ⟦A:5 Wenlock Drive, Telford TF3 2HX⟧
Pitch: 44 (hardstanding, electric hook-up)
Caravan: Bailey Unicorn Vigo 2019, towed by reg TF19 KXE
Card number: ⟦CC:4539 7642 2371 2624⟧   Expiry: 08/27
Special requests: ⟦P:Pauline⟧ has ⟦MC:COPD⟧ so we need to be near the toilet block and we'll have her ⟦MED:oxygen concentrator⟧ running at night. Not next to the dog walk again please.
""",
)
add(
    "pii",
    "en",
    "double-charge-chargeback",
    "prose",
    """
Write a chargeback request to my bank for me. A removals firm charged me £1,250.00 twice, on 3 and 4 March (their reference RMV-88213), and they've stopped answering emails. Card ⟦CC:5412 5342 8756 2887⟧, card holder ⟦P:Yusuf Demirci⟧, billing address ⟦A:Flat 6, Merchant House, 12 Bath Street, Glasgow G2 4JR⟧, phone ⟦T:07856 417203⟧. If it's refunded as a transfer rather than to the card, my account is ⟦IBAN:GB78 NWBK 2762 1944 5033 22⟧. I have the invoice and both statement lines as screenshots.
""",
)
add(
    "pii",
    "en",
    "escape-room-team-social",
    "csv",
    """
Team social next Friday at an escape room with two rooms (one is a cramped "submarine", the other open-plan and step-free). Split these seven people into two groups and draft the confirmation email to the venue with the access and dietary notes, no other details.

name,email,dietary,access / other
⟦P:Priya Lakhani⟧,⟦E:p.lakhani@brightwell.example⟧,vegan,
⟦P:Miles Fairbanks⟧,⟦E:m.fairbanks@brightwell.example⟧,,"⟦MC:wheelchair user⟧"
⟦P:Hana Sato⟧,⟦E:h.sato@brightwell.example⟧,,"⟦MC:claustrophobic⟧, wants the open-plan room"
⟦P:Bethan Lloyd⟧,⟦E:b.lloyd@brightwell.example⟧,,"⟦MC:22 weeks pregnant⟧"
⟦P:Kwame Mensah⟧,⟦E:k.mensah@brightwell.example⟧,"⟦MC:coeliac⟧",
⟦P:Orla Brennan⟧,⟦E:o.brennan@brightwell.example⟧,no pork,
⟦P:Sid Varma⟧,⟦E:s.varma@brightwell.example⟧,,
""",
)
add(
    "pii",
    "en",
    "teledermatology-referral",
    "form",
    """
Practice admin here - please convert the GP's notes into our two-week-wait skin referral template (headings: Patient, Clinical details, PMH, Medication, Referrer).

Patient: ⟦P:Alasdair McKinnon⟧, NHS no. ⟦ID@GB:246 408 2325⟧, DOB ⟦DOB:02.11.1967⟧
Address: ⟦A:Flat B, 61 Hampton Road, Southport PR8 6QB⟧, mobile ⟦T:07968 330415⟧
9 mm asymmetric pigmented lesion, L shoulder, changed over 3 months per wife, irregular border - ?⟦MC:melanoma⟧
PMH: ⟦MC:renal transplant⟧ 2014, ⟦MC:skin SCC⟧ excised 2021
Meds: ⟦MED:azathioprine⟧ 100 mg, ⟦MED:prednisolone⟧ 5 mg
Referring GP: Dr ⟦P:Oluwaseun Adeyemi⟧
""",
)
add(
    "pii",
    "en",
    "pet-insurance-claim",
    "form",
    """
Can you check this pet insurance claim before I send it? Biscuit (cocker spaniel, 6) had pancreatitis and three nights at the vet. Is the excess paid by card deducted from the payout or separate?

Policyholder: ⟦P:Harriet Quilliam⟧
Policy number: ⟦ACC:PTI-6620145⟧
Address: ⟦A:2 Glebe Cottages, Much Wenlock TF13 6AR⟧
Phone: ⟦T:01952 727418⟧
Excess paid by: Amex ⟦CC:3714 879347 38501⟧
Treating vet: ⟦P:Callum Rees⟧ MRCVS
Total claimed: £2,418.60
""",
)
add(
    "pii",
    "en",
    "extenuating-circumstances-statement",
    "form",
    """
University extenuating-circumstances form, 300-word limit on the statement. Can you cut mine down without losing anything important?

Student: ⟦P:Elif Karahan⟧     Student number: ⟦ACC:22019847⟧
Modules affected: COMP2211, COMP2421 (January exams)
Statement: In the three weeks before the exams I had ⟦MC:glandular fever⟧ and was mostly bed-bound; I could not revise or attend the revision lectures. On 6 January my mum, ⟦P:Serap Karahan⟧, was diagnosed with ⟦MC:breast cancer⟧ and I travelled home to Leicester to look after my younger brother while she had surgery. My GP, Dr ⟦P:Vaswani⟧, has written a letter confirming the dates, and I can provide the hospital letter for my mum if needed. I sat COMP2211 but I don't think my performance reflected my ability.
""",
)
add(
    "pii",
    "en",
    "git-mailmap-cleanup",
    "code",
    """
I'm cleaning up our git history before open-sourcing the repo. Does this .mailmap map all of ⟦P:Jess⟧'s old identities to her current one, and will the bot line break anything?

⟦P:Jessamy Caird⟧ <⟦E:jess@caird.example⟧> <⟦E:jcaird@oldco.example⟧>
⟦P:Jessamy Caird⟧ <⟦E:jess@caird.example⟧> ⟦P:jess⟧ <⟦E:jessamy.c@gmail.example⟧>
⟦P:Rhodri Vaughan⟧ <⟦E:rhodri.vaughan@fastmail.example⟧> <⟦E:rv@rhodri-laptop.local⟧>
dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>
""",
)
add(
    "pii",
    "en",
    "minecraft-server-whitelist",
    "json",
    """
My kids run a small Minecraft server for their friends. Are these whitelist.json and ops.json files valid JSON, and how do I ban the player in the last log line by IP?

whitelist.json
[{"uuid":"8c1a2f4e-7b3d-4e11-9a0c-5d2f8e6b1a77","name":"⟦U:PixelPoppy_09⟧"},{"uuid":"1f9e0c2a-44b7-4a6e-b3d1-0e7c9a2f5b18","name":"⟦U:creeperkeeper_Ned⟧"},{"uuid":"c4d7e8f1-2a3b-4c5d-8e9f-0a1b2c3d4e5f","name":"⟦U:xXGrieferXx⟧"}]

ops.json
[{"uuid":"8c1a2f4e-7b3d-4e11-9a0c-5d2f8e6b1a77","name":"⟦U:PixelPoppy_09⟧","level":4,"bypassesPlayerLimit":false}]

latest.log
[19:20:51] [Server thread/INFO]: ⟦U:PixelPoppy_09⟧[/⟦IP:86.31.40.112⟧:53011] logged in with entity id 198
[19:22:04] [Server thread/INFO]: ⟦U:xXGrieferXx⟧[/⟦IP:82.14.177.203⟧:51522] logged in with entity id 214
""",
)
add(
    "pii",
    "en",
    "text-to-landlord-boiler",
    "prose",
    """
make this text to my landlord less grumpy: "hi ⟦P:Derek⟧, boiler's out AGAIN at ⟦A:Flat 4, 22 Elm Grove, Leeds LS6 2AH⟧, 3rd time this month, I'm home after 6 - ⟦T:07519 337 204⟧"
""",
)
add(
    "pii",
    "en",
    "warfarin-dose-message",
    "prose",
    """
Make this sound friendlier for the anticoag clinic's text: "Mr ⟦P:Haig⟧, your ⟦MED:warfarin⟧ dose is now 4 mg daily, next INR check Tue 10:15."
""",
)
add(
    "pii",
    "en",
    "sheltered-housing-move-thread",
    "prose",
    """
Can you pull the action items out of this email thread with my brother and sister and make a checklist (who, what, by when)? Mum moves on the 14th.

From: ⟦P:Siobhán Dunleavy-Parr⟧ <⟦E:siobhan.parr@icloud.example⟧>
To: ⟦P:Conor Dunleavy⟧ <⟦E:conor.d@hotmail.example⟧>, ⟦P:Maeve Dunleavy⟧ <⟦E:maeve.dunleavy@gmail.example⟧>
Subject: Re: Re: Mum's move to Beech Court

I can do the first night. Pharmacy is sorted from the 13th. One more thing - the new GP will want her allergy on the form: ⟦MC:penicillin allergy⟧ (rash, 1990s). ⟦P:Conor⟧, the removal firm wants a £150 deposit by Friday, can you pay it and we'll split it three ways? My mobile has changed, it's now ⟦T:+44 7946 318 550⟧.

From: ⟦P:Conor Dunleavy⟧ <⟦E:conor.d@hotmail.example⟧>
To: ⟦P:Maeve Dunleavy⟧ <⟦E:maeve.dunleavy@gmail.example⟧>, ⟦P:Siobhán Dunleavy-Parr⟧ <⟦E:siobhan.parr@icloud.example⟧>
Subject: Re: Mum's move to Beech Court

I rang the scheme manager, ⟦P:Gail Whittaker⟧ (⟦T:01565 633 907⟧). Flat is ⟦A:Flat 12, Beech Court, 40 Mobberley Road, Knutsford WA16 8HS⟧, keys from the 12th. She wants the care plan and the GP letter before then. I'll do the removal van and the council tax change (Mum's account is ⟦ACC:60142287⟧). ⟦P:Siobhán⟧, can you sort the pharmacy?

> From: ⟦P:Siobhán Dunleavy-Parr⟧
> Yes - I'll ask them to switch the blister packs to the new address. Current list is ⟦MED:donepezil⟧ 10 mg at night, ⟦MED:alendronic acid⟧ on Mondays, ⟦MED:Adcal-D3⟧ twice a day. The memory clinic letter says ⟦MC:mixed dementia⟧, moderate, plus ⟦MC:osteoporosis⟧ after the wrist fracture. ⟦P:Maeve⟧, you've got the NHS number? They'll ask.
>
>> From: ⟦P:Maeve Dunleavy⟧
>> It's ⟦ID@GB:642 621 2997⟧, DOB ⟦DOB:30/11/1938⟧. I'll do the GP registration (new practice is Toft Road) and the Attendance Allowance change of address. The old house, ⟦A:9 Orchard Close, Knutsford WA16 6LR⟧, goes on the market in May - estate agent is ⟦P:Rhys Bellamy⟧, ⟦T:07870 226 418⟧. Who's staying with Mum the first night? I can't until the 15th. My mobile if anyone needs it: ⟦T:07415 902 336⟧.
""",
)

# ---------------------------------------------------------------------------
# group pii — other languages
# ---------------------------------------------------------------------------
add(
    "pii",
    "sv",
    "bostadstillagg-foljebrev",
    "form",
    """
Kan du hjälpa mig att skriva ett kort följebrev till Pensionsmyndigheten? Jag söker bostadstillägg åt min mamma och har fullmakt.

Sökande: ⟦P:Birgitta Lundqvist⟧
Personnummer: ⟦ID@SE:481103-2848⟧
Född: ⟦DOB:3 november 1948⟧
Adress: ⟦A:Rönnvägen 14 lgh 1102, 431 37 Mölndal⟧
Telefon: ⟦T:070-318 42 97⟧
Hyra: 7 850 kr/mån, 42 kvm
Utbetalning till: ⟦IBAN:SE09 5004 6362 1222 9453 7045⟧
Övrigt: hon har ⟦MC:KOL⟧ och ⟦MC:hjärtsvikt⟧ och får hemtjänst två gånger om dagen.
Ombud: dottern ⟦P:Annika Lundqvist⟧
""",
)
add(
    "pii",
    "sv",
    "fotboll-lagledarlista-cup",
    "csv",
    """
Vi åker på cup i Borås i helgen. Gör en lista över vilka föräldrar som kan köra och hur många platser vi har, och påminn mig om allergierna så jag kan skicka dem till kiosken.

namn;född;förälder;telefon;anteckning
⟦P:Elias Bergström⟧;⟦DOB:2014-03-12⟧;⟦P:Jonas Bergström⟧;⟦T:073-551 20 86⟧;kan köra (4 platser)
⟦P:Noah Adebayo Lind⟧;⟦DOB:2014-07-30⟧;⟦P:Folake Adebayo⟧;⟦T:076-204 88 13⟧;⟦MC:astma⟧, ⟦MED:Bricanyl⟧ i väskan
⟦P:Vincent Ek⟧;⟦DOB:2014-01-05⟧;⟦P:Malin Ek⟧;⟦T:072-939 14 60⟧;⟦MC:nötallergi⟧ - ⟦MED:EpiPen⟧ hos tränaren
⟦P:Sixten Holm⟧;⟦DOB:2014-11-21⟧;⟦P:Sten Holm⟧;⟦T:070-884 31 72⟧;kan köra (2 platser)
""",
)
add(
    "pii",
    "fi",
    "taloyhtion-saunavuorot",
    "csv",
    """
Taloyhtiön saunavuorot menevät uusiksi. Tee tästä listasta viikkotaulukko ja kirjoita lyhyt tiedote porraskäytävään. Isännöitsijä ⟦P:Heikki Mäenpää⟧ (⟦T:040 718 2293⟧) on hyväksynyt muutoksen, ja ⟦P:Ritva Lahtiselle⟧ on luvattu vanha tiistaivuoro. Osoite: ⟦A:Kuusitie 8, 00270 Helsinki⟧.

asunto;nimi;vuoro;puhelin;huom
A 3;⟦P:Ritva Lahtinen⟧;ti 18-19;⟦T:050 331 8407⟧;
B 12;⟦P:Onni⟧ ja ⟦P:Aino Kivelä⟧;ke 19-20;⟦T:044 902 1176⟧;
C 21;⟦P:Sulo Järvinen⟧;to 17-18;⟦T:045 127 6630⟧;"⟦MC:sydämentahdistin⟧, ei lauteiden yläpenkille"
C 24;⟦P:Jenna Ahonen⟧;pe 20-21;⟦T:041 560 2984⟧;
""",
)
add(
    "pii",
    "fi",
    "tilapainen-hoitovapaa-viesti",
    "prose",
    """
Korjaa kielioppi ja lyhennä tätä viestiä esihenkilölleni:

"Hei ⟦P:Satu⟧, poikani ⟦P:Eelis Virtanen⟧ (hetu ⟦ID@FI:220517A461F⟧) sairastui ⟦MC:vesirokkoon⟧ ja tarvitsen tilapäistä hoitovapaata 3.-5.3. Lääkärintodistus on liitteenä, sen kirjoitti lääkäri ⟦P:Minna Koskela⟧. ⟦P:Eeliksen⟧ isä on työmatkalla Oulussa koko viikon. Oma henkilötunnukseni on ⟦ID@FI:091276-456T⟧, jos palkanlaskenta tarvitsee sitä. Terveisin ⟦P:Kaisa Virtanen⟧, ⟦T:040 552 1893⟧"
""",
)
add(
    "pii",
    "hu",
    "ovodai-jelentkezes",
    "form",
    """
Kérlek, fogalmazz meg egy rövid kísérőlevelet az óvodavezetőnek, ⟦P:Fehérné Kiss Juditnak⟧, az alábbi adatokkal:

Gyermek neve: ⟦P:Szalai Bence⟧
Születési idő: ⟦DOB:2021. május 14.⟧
TAJ-szám: ⟦ACC:044 518 273⟧
Lakcím: ⟦A:1137 Budapest, Pozsonyi út 14. 3. em. 2.⟧
Anya: ⟦P:Szalainé Horváth Eszter⟧, ⟦T:+36 30 418 2276⟧
Apa: ⟦P:Szalai Márton⟧, ⟦T:06 20 557 1349⟧
Egészségügyi tudnivalók: ⟦MC:tejfehérje-allergia⟧, ⟦MC:asztma⟧ (⟦MED:Ventolin⟧ a táskájában)
Étkezési díj visszautalása: ⟦IBAN:HU91 1176 2094 1391 2521 2217 2024⟧
""",
)
add(
    "pii",
    "hu",
    "tappenz-email-fonoknek",
    "prose",
    """
Írd át ezt hivatalosabbra, a főnökömnek megy:

"Szia ⟦P:Erika⟧! Holnaptól táppénzen vagyok, kb. két hétig, mert ⟦MC:porckorongsérvem⟧ van (L4-L5). Dr. ⟦P:Bárány Levente⟧ írta ki, ⟦MED:Cataflamot⟧ és ⟦MED:Mydocalmot⟧ kaptam. A HR-nek szükség lesz a születési dátumomra (⟦DOB:1984. április 9.⟧) és a lakcímemre: ⟦A:6722 Szeged, Tisza Lajos krt. 37. 1/4.⟧. Az ügyfélhívásaimat ⟦P:Nóra⟧ veszi át. Telefonon elérsz: ⟦T:+36 70 219 4485⟧. Üdv, ⟦P:Kerekes Ádám⟧"
""",
)
add(
    "pii",
    "ro",
    "inscriere-medic-de-familie",
    "form",
    """
Mă ajuți să completez cererea de înscriere la noul medic de familie? Mă mut din Cluj-Napoca la Brașov și vreau să scriu și un mesaj scurt către cabinet.

Nume și prenume: ⟦P:Ioana-Maria Mureșan⟧
CNP: ⟦ID@RO:2790815125770⟧
Data nașterii: ⟦DOB:15 august 1979⟧
Domiciliu: ⟦A:Str. Lungă nr. 112, ap. 4, Brașov 500058⟧
Telefon: ⟦T:0722 418 903⟧
Afecțiuni cronice: ⟦MC:hipertensiune arterială⟧, ⟦MC:hipotiroidism⟧
Tratament curent: ⟦MED:Tertensif⟧, ⟦MED:Euthyrox⟧
Medic de familie anterior: dr. ⟦P:Cristian Pop⟧, Cluj-Napoca
""",
)
add(
    "pii",
    "ro",
    "bilet-tratament-balnear",
    "prose",
    """
Tata vrea bilet de tratament la Băile Herculane. Scrie-mi cererea către Casa de Pensii Sector 3, pe un ton formal, cu datele astea:

Subsemnatul ⟦P:Gheorghe Dumitrescu⟧, CNP ⟦ID@RO:1520304400270⟧, născut la ⟦DOB:04.03.1952⟧, domiciliat în ⟦A:București, Str. Ion Creangă nr. 9, bl. C4, sc. 2, ap. 37, sector 3⟧, pensionar, talon nr. ⟦ACC:2034561⟧, telefon ⟦T:0744 512 083⟧. Diagnostic: ⟦MC:spondiloză lombară⟧ și ⟦MC:gonartroză bilaterală⟧, conform scrisorii medicale de la dr. ⟦P:Elena Stănescu⟧. Pensia o primește în contul ⟦IBAN:RO96 BTRL 7620 4182 1111 5331⟧. Prefer seria din septembrie. Cererea o depune fiica mea, ⟦P:Raluca Dumitrescu⟧.
""",
)
add(
    "pii",
    "tr",
    "ise-giris-bilgileri",
    "form",
    """
Yeni çalışanımızın işe giriş bilgilerini muhasebeye gönderilecek kısa bir e-posta hâline getirir misin? SGK girişi yarın yapılmalı.

Ad Soyad: ⟦P:Zeynep Aydoğan⟧
T.C. Kimlik No: ⟦ID@TR:13048391672⟧
Doğum tarihi: ⟦DOB:14 Mart 1992⟧
Adres: ⟦A:Bahariye Cad. No: 47 D: 6, 34714 Kadıköy/İstanbul⟧
Cep: ⟦T:0532 418 27 93⟧
IBAN: ⟦IBAN:TR91 0006 2087 8304 1126 4629 60⟧
Engel durumu: ⟦MC:işitme engelli⟧ (%40 raporlu)
Acil durumda: eşi ⟦P:Burak Aydoğan⟧, ⟦T:0533 902 14 58⟧
""",
)
add(
    "pii",
    "tr",
    "evde-bakim-ilac-listesi",
    "markdown-table",
    """
Evde bakım hemşiremiz ⟦P:Sevgi⟧ Hanım için annemin ilaç listesini sade bir tabloya çevirir misin? Sabah/öğle/akşam sütunları olsun.

Hasta: ⟦P:Naciye Kaplan⟧ - T.C. ⟦ID@TR:83088774162⟧
Tanılar: ⟦MC:kalp yetmezliği⟧, ⟦MC:tip 2 diyabet⟧, başlangıç evresinde ⟦MC:Alzheimer⟧
Doktoru: Uzm. Dr. ⟦P:Kemal Öztürk⟧, ⟦T:0216 345 18 72⟧

| ilaç | doz | ne zaman |
|---|---|---|
| ⟦MED:Coraspin⟧ | 100 mg | sabah tok |
| ⟦MED:Concor⟧ | 5 mg | sabah |
| ⟦MED:Desal⟧ | 40 mg | sabah, akşam 4'ten sonra verme |
| ⟦MED:Diamicron MR⟧ | 30 mg | kahvaltıyla |
| ⟦MED:Ebixa⟧ | 10 mg | akşam |
""",
)
add(
    "pii",
    "el",
    "rantevou-kardiologou",
    "form",
    """
Μπορείς να μου γράψεις ένα ευγενικό email προς το ιατρείο για να κλείσω ραντεβού για τον πατέρα μου, τον ⟦P:Κωνσταντίνο⟧; Δεν θέλω να φαίνεται το ιστορικό στο θέμα του μηνύματος.

Ονοματεπώνυμο: ⟦P:Κωνσταντίνος Παπαδάκης⟧
ΑΜΚΑ: ⟦ID@GR:27026114572⟧
Ημερομηνία γέννησης: ⟦DOB:27/02/1961⟧
Κινητό: ⟦T:694 812 3307⟧
Διεύθυνση: ⟦A:Λεωφόρος Κηφισίας 214, 152 31 Χαλάνδρι⟧
Ιστορικό: ⟦MC:κολπική μαρμαρυγή⟧, παίρνει ⟦MED:Eliquis⟧ και ⟦MED:Lobivon⟧
Γιατρός: κ. ⟦P:Αντωνίου⟧, καρδιολόγος
""",
)
add(
    "pii",
    "el",
    "ekdromi-syllogou-lista",
    "csv",
    """
Ο σύλλογος συνταξιούχων πάει εκδρομή στα Μετέωρα το Σάββατο. Φτιάξε μου μια λίστα για τον οδηγό με τα τηλέφωνα και όσα ιατρικά πρέπει να ξέρει, τίποτα παραπάνω.

όνομα,τηλέφωνο,σημειώσεις
⟦P:Ελένη Σταυροπούλου⟧,⟦T:697 205 4418⟧,"⟦MC:διαβήτης⟧, κάνει ⟦MED:ινσουλίνη⟧"
⟦P:Γιώργος Μπαλτάς⟧,⟦T:210 653 2207⟧,"μπαστούνι, ⟦MC:πρόσθεση ισχίου⟧"
⟦P:Αγγελική Ρήγα⟧,⟦T:693 117 0852⟧,
⟦P:Σωτήρης Λάμπρου⟧,⟦T:698 440 2391⟧,"⟦MC:βηματοδότης⟧"
Υπεύθυνη εκδρομής: ⟦P:Βάσω Κυριακίδου⟧, ⟦T:694 330 7718⟧
""",
)
add(
    "pii",
    "bg",
    "zayavlenie-detska-gradina",
    "form",
    """
Помогни ми да попълня заявлението за детска градина в район Младост и да напиша кратко писмо до директора.

Дете: ⟦P:Мария Иванова Петкова⟧
ЕГН: ⟦ID@BG:2049149092⟧
Дата на раждане: ⟦DOB:14.09.2020⟧
Адрес: ⟦A:ж.к. Младост 1, бл. 45, вх. Б, ет. 3, ап. 12, София 1784⟧
Майка: ⟦P:Радостина Петкова⟧, тел. ⟦T:0888 412 739⟧
Баща: ⟦P:Иван Петков⟧, тел. ⟦T:0877 305 148⟧
Здравословни особености: ⟦MC:алергия към яйца⟧
Брат в същата градина: ⟦P:Калоян Петков⟧, 3-та група
""",
)
add(
    "pii",
    "bg",
    "bolnichen-imeil",
    "prose",
    """
Напиши ми кратък и учтив имейл до отдел "Човешки ресурси":

"Здравейте, г-жо ⟦P:Стоянова⟧, от утре до 28 март съм в болничен - имам ⟦MC:пневмония⟧. Личният ми лекар д-р ⟦P:Николай Георгиев⟧ ми изписа ⟦MED:Клацид⟧ и почивка. Болничният лист е издаден електронно. Ако има спешни въпроси по проекта, моля обръщайте се към ⟦P:Мартин⟧. Благодаря, ⟦P:Петя Маринова⟧, ⟦T:0896 227 310⟧"
""",
)
add(
    "pii",
    "hr",
    "ugovor-o-najmu-stana",
    "form",
    """
Sastavi mi jednostavan ugovor o najmu stana na godinu dana između ⟦P:Josipa Babića⟧ i ⟦P:Lucije Marković⟧, iz ovih podataka:

Najmodavac: ⟦P:Josip Babić⟧, OIB ⟦ID@HR:60348251814⟧, ⟦A:Ilica 88, 10000 Zagreb⟧, ⟦T:091 448 2071⟧
Najmoprimac: ⟦P:Lucija Marković⟧, OIB ⟦ID@HR:27897770544⟧, ⟦T:098 173 5520⟧, ⟦E:lucija.markovic@gmail.example⟧
Stan: ⟦A:Vlaška 40, 2. kat, stan 7, 10000 Zagreb⟧, 52 m2
Najamnina: 650 EUR mjesečno, uplata na ⟦IBAN:HR76 2402 0067 6408 7257 2⟧ do 5. u mjesecu
Polog: 1300 EUR; kućni ljubimci nisu dozvoljeni
""",
)
add(
    "pii",
    "hr",
    "poruka-treneru-epilepsija",
    "prose",
    """
Ispravi mi poruku treneru plivanja da zvuči smireno:

"Poštovani treneru ⟦P:Ivane⟧, moj sin ⟦P:Roko Perić⟧ (rođen ⟦DOB:3. 4. 2013.⟧) od prošlog mjeseca ima dijagnozu ⟦MC:epilepsije⟧ i pije ⟦MED:Lamictal⟧. Molim vas da ⟦P:Roko⟧ ne pliva bez nadzora i da me odmah nazovete na ⟦T:095 612 3388⟧ ako dobije napadaj. Neurologinja dr. ⟦P:Vesna Kolar⟧ kaže da smije nastaviti s treninzima. Lijepi pozdrav, ⟦P:Martina Perić⟧"
""",
)
add(
    "pii",
    "sk",
    "registracia-u-zubara",
    "form",
    """
Pomôž mi vyplniť registračný formulár u nového zubára pre moju mamu a napíš krátku poznámku, že pred extrakciou treba riešiť riedenie krvi.

Meno a priezvisko: ⟦P:Oľga Hrušovská⟧
Rodné číslo: ⟦ID@SK:575408/0068⟧
Dátum narodenia: ⟦DOB:8. apríla 1957⟧
Adresa: ⟦A:Hlavná 61, 040 01 Košice⟧
Telefón: ⟦T:0905 418 237⟧
Zdravotná poisťovňa: Dôvera
Ochorenia: ⟦MC:cukrovka 2. typu⟧, ⟦MC:fibrilácia predsiení⟧
Lieky: ⟦MED:Warfarin Orion⟧, ⟦MED:Metformin⟧
""",
)
add(
    "pii",
    "sk",
    "rozpis-upratovania-vchodu",
    "csv",
    """
Prerob rozpis upratovania spoločných priestorov na apríl do tabuľky po týždňoch a napíš oznam "Vážení susedia" na nástenku. Za ⟦P:Máriu Šimkovú⟧ tento mesiac upratuje ⟦P:Tibor⟧. Bytový dom ⟦A:Nábrežná 12, 949 01 Nitra⟧.

byt;meno;telefón;poznámka
1;⟦P:Jozef Benko⟧;⟦T:0915 772 340⟧;
4;⟦P:Mária⟧ a ⟦P:Ján Šimko⟧;⟦T:0908 114 265⟧;"pani ⟦P:Šimková⟧ je po ⟦MC:operácii bedra⟧, vynechať do mája"
7;⟦P:Tibor Lakatoš⟧;⟦T:0944 205 681⟧;
9;⟦P:Zuzana Vrabcová⟧;⟦T:0917 330 862⟧;len víkendy
""",
)
add(
    "pii",
    "sl",
    "vpisnica-glasbena-sola",
    "form",
    """
Prosim, pomagaj mi izpolniti vpisnico za glasbeno šolo in napiši kratko sporočilo učiteljici, da ⟦P:Žan⟧ potrebuje več časa pri branju not.

Ime in priimek otroka: ⟦P:Žan Kovačič⟧
EMŠO: ⟦ID@SI:3006015502630⟧
Datum rojstva: ⟦DOB:30. 6. 2015⟧
Naslov: ⟦A:Celovška cesta 150, 1000 Ljubljana⟧
Inštrument: violina
Starš: ⟦P:Nina Kovačič⟧, ⟦T:041 318 225⟧, ⟦E:nina.kovacic@siol.example⟧
Posebnosti: ⟦MC:disleksija⟧
""",
)
add(
    "pii",
    "sl",
    "sporocilo-ambulanti-sladkor",
    "prose",
    """
Popravi mi to sporočilo za ambulanto, da bo bolj jasno:

"Spoštovana dr. ⟦P:Zupan⟧, moja mama ⟦P:Marija Horvat⟧ (rojena ⟦DOB:17. 9. 1944⟧) ima ⟦MC:sladkorno bolezen⟧ in ima zadnje dni zjutraj sladkor okoli 14 kljub ⟦MED:Glucophage⟧. Ali lahko dobi napotnico za diabetologa? Pokličite me na ⟦T:031 557 104⟧. Lep pozdrav, ⟦P:Tanja Horvat Novak⟧"
""",
)
add(
    "pii",
    "is",
    "umsokn-leikskolaplass",
    "form",
    """
Getur þú hjálpað mér að fylla út umsókn um leikskólapláss og skrifað stutt bréf til leikskólastjórans?

Barn: ⟦P:Sóley Guðmundsdóttir⟧, kt. ⟦ID@IS:190121-2400⟧, fædd ⟦DOB:19. janúar 2021⟧
Foreldri 1: ⟦P:Guðmundur Arnarson⟧, kt. ⟦ID@IS:020784-6019⟧, sími ⟦T:862 4417⟧
Foreldri 2: ⟦P:Hildur Ósk Jónsdóttir⟧, sími ⟦T:771 3095⟧
Heimili: ⟦A:Hringbraut 56, 101 Reykjavík⟧
Ofnæmi/óþol: ⟦MC:mjólkurpróteinofnæmi⟧
""",
)
add(
    "pii",
    "is",
    "skilabod-sjukrathjalfara",
    "prose",
    """
Lagaðu þessi skilaboð til sjúkraþjálfarans svo þau séu kurteis og stutt:

"Sæl ⟦P:Katrín⟧, ég heiti ⟦P:Einar Þór Björnsson⟧ og heimilislæknirinn minn, ⟦P:Sigríður Helgadóttir⟧, vísaði mér til þín vegna ⟦MC:brjóskloss⟧ í mjóbaki. Ég tek ⟦MED:Parkódín⟧ á kvöldin en verkirnir leiða niður í vinstri fót. Ég er laus eftir klukkan 16 á virkum dögum og síminn minn er ⟦T:695 2218⟧. Kveðja, ⟦P:Einar⟧"
""",
)
add(
    "pii",
    "de",
    "krankenstand-mail-chefin",
    "form",
    """
Kannst du mir eine kurze Mail an meine Chefin, Frau Mag. ⟦P:Weninger⟧, formulieren? Ich bin ab heute im Krankenstand, die Diagnose soll NICHT in die Mail, nur die Dauer und wer mich vertritt (⟦P:Stefan⟧).

Name: ⟦P:Florian Haberl⟧
SV-Nummer: ⟦ID@AT:2610 021086⟧
Geburtsdatum: ⟦DOB:02.10.1986⟧
Diagnose: ⟦MC:Bandscheibenvorfall⟧ L5/S1
Medikamente: ⟦MED:Parkemed⟧, ⟦MED:Voltaren⟧
Krankgeschrieben von: Dr. ⟦P:Susanne Lechner⟧, Wien, bis voraussichtlich 21.3.
Telefon: ⟦T:0664 218 4471⟧
""",
)
add(
    "pii",
    "de",
    "zuzug-winterthur-anmeldung",
    "form",
    """
Wir ziehen nach Winterthur. Bitte bereite aus diesen Angaben die Antworten für die Online-Anmeldung beim Einwohneramt vor (Zuzug aus einer anderen Gemeinde) und sag mir, welche Unterlagen wir mitbringen müssen.

Person 1: ⟦P:Reto Baumgartner⟧, geb. ⟦DOB:11.03.1982⟧, AHV-Nr. ⟦ID@CH:756.5406.5307.40⟧, Konfession: reformiert
Person 2: ⟦P:Chiara Baumgartner-Rossi⟧, geb. ⟦DOB:25.08.1985⟧, AHV-Nr. ⟦ID@CH:756.2302.9593.92⟧, Konfession: keine
Neue Adresse: ⟦A:Technikumstrasse 21, 8400 Winterthur⟧
Bisherige Adresse: ⟦A:Via Nassa 5, 6900 Lugano⟧
Telefon: ⟦T:079 512 33 08⟧
Hund: Bruno, Mischling, Chip 756098100447112
""",
)
add(
    "pii",
    "de",
    "kinderzuschlag-angaben",
    "form",
    """
Ich beantrage Kinderzuschlag. Was fehlt noch in meinen Angaben, bevor ich den Antrag online abschicke? Und zählt es, dass ⟦P:Mila⟧ ⟦MC:Diabetes Typ 1⟧ hat?

Antragstellerin: ⟦P:Sandra Wiechmann⟧, geb. ⟦DOB:7. Juli 1989⟧, Steuer-ID ⟦ID@DE:54 030 602 913⟧
Kind 1: ⟦P:Mila Wiechmann⟧, geb. ⟦DOB:19.02.2016⟧, Steuer-ID ⟦ID@DE:46801535924⟧
Kind 2: ⟦P:Jonas Wiechmann⟧, geb. ⟦DOB:03.10.2019⟧, Steuer-ID ⟦ID@DE:70289346617⟧
Kindergeldnummer: ⟦ACC:245FK418832⟧
Adresse: ⟦A:Wilhelmshavener Str. 12, 28217 Bremen⟧
Konto: ⟦IBAN:DE89 4306 0967 7021 3251 07⟧
Einkommen: Teilzeit, 1.540 € netto; Unterhalt vom Vater der Kinder: unregelmäßig
""",
)
add(
    "pii",
    "fr",
    "declaration-grossesse-cpam",
    "form",
    """
Peux-tu m'aider à rédiger un message à la CPAM via la messagerie d'Ameli ? Ma sage-femme a fait la déclaration de grossesse il y a trois semaines mais elle n'apparaît toujours pas.

Nom : ⟦P:Camille Rousset⟧
N° de sécurité sociale : ⟦ID@FR:2 94 03 69 750 303 67⟧
Née le ⟦DOB:12 mars 1994⟧ à Lyon
Adresse : ⟦A:24 rue Paul Bert, 69003 Lyon⟧
Grossesse : ⟦MC:enceinte de 14 semaines⟧, terme prévu le 9 octobre
Sage-femme : ⟦P:Hélène Garnier⟧
Tél. : ⟦T:06 48 21 77 39⟧
RIB pour les indemnités : ⟦IBAN:FR61 3000 4992 5380 5037 8827 126⟧
""",
)
add(
    "pii",
    "fr",
    "inscription-club-judo-liege",
    "form",
    """
Inscription de mon fils au club de judo : peux-tu vérifier la fiche et résumer la partie médicale en deux phrases simples pour l'entraîneur ?

Nom de l'enfant : ⟦P:Théo Lambotte⟧
Date de naissance : ⟦DOB:5 novembre 2016⟧
Numéro national : ⟦ID@BE:16.11.05-585.95⟧
Adresse : ⟦A:Rue Saint-Gilles 212, 4000 Liège⟧
Responsable : ⟦P:Aurélie Lambotte⟧, ⟦T:0478 52 19 63⟧, ⟦E:aurelie.lambotte@skynet.example⟧
Infos médicales : ⟦MC:asthme d'effort⟧, 2 bouffées de ⟦MED:Ventolin⟧ avant l'entraînement
Médecin traitant : Dr ⟦P:Marc Jacquemin⟧
""",
)
add(
    "pii",
    "fr",
    "syndic-degat-des-eaux",
    "prose",
    """
Peux-tu rendre ce mail au syndic plus ferme, mais poli ?

"Madame ⟦P:Perrin⟧, suite au dégât des eaux du 2 février chez Mme ⟦P:Samira Benali⟧ (⟦A:17 avenue Jean Jaurès, 3e étage gauche, 38000 Grenoble⟧), il est établi que la fuite vient de la colonne commune. Chez nous, au 2e, le plafond de la chambre de ma fille est couvert de moisissure et elle a fait une ⟦MC:crise d'asthme⟧ la semaine dernière. Notre assureur (contrat ⟦ACC:MRH 40281776⟧) attend toujours votre constat. Vous pouvez me joindre au ⟦T:06 71 30 48 22⟧. ⟦P:Karim Haddad⟧, copropriétaire, lot 14"
""",
)
add(
    "pii",
    "es",
    "reclamacion-corte-luz-oxigeno",
    "form",
    """
Redáctame una reclamación a la distribuidora eléctrica: cortaron la luz seis horas sin aviso y mi padre depende de un concentrador de oxígeno.

Titular: ⟦P:Antonio Beltrán Ruiz⟧
DNI: ⟦ID@ES:25796602-D⟧
Dirección de suministro: ⟦A:C/ de la Huerta 7, 3º B, 29012 Málaga⟧
CUPS: ES0031105218842039JL0F
Teléfono: ⟦T:612 48 73 09⟧
Cuenta de domiciliación: ⟦IBAN:ES42 2100 4574 0546 0391 6034⟧
Fecha del corte: 11/02/2025, de 9:40 a 15:50
Observaciones: mi padre, ⟦P:Manuel Beltrán⟧, tiene ⟦MC:EPOC⟧ grave y usa ⟦MED:oxígeno domiciliario⟧ 16 horas al día; el suministro está registrado como esencial.
""",
)
add(
    "pii",
    "es",
    "registro-beca-secundaria-mx",
    "form",
    """
Ayúdame a llenar el registro de la beca para mi hija, que entra a la secundaria, y dime qué documentos escaneo.

Nombre de la alumna: ⟦P:Valentina Ramírez Ortega⟧
CURP: ⟦ID@MX:RAOV120210MJCMRLA8⟧
Fecha de nacimiento: ⟦DOB:10 de febrero de 2012⟧
Domicilio: ⟦A:Av. Hidalgo 1420, Col. Ladrón de Guevara, 44600 Guadalajara, Jal.⟧
Tutora: ⟦P:Guadalupe Ortega Salas⟧, celular ⟦T:33 1482 7750⟧
Escuela: Secundaria Técnica 17, CCT 14DST0017Z
""",
)
add(
    "pii",
    "es",
    "carta-colegio-tdah-chile",
    "prose",
    """
Necesito que esta carta para el colegio quede más formal:

"Estimada profesora ⟦P:Carolina Fuentes⟧: junto con saludarla, le informo que mi hijo ⟦P:Benjamín Soto Araya⟧ (RUT ⟦ID@CL:21.692.573-4⟧), de 4° básico, fue diagnosticado con ⟦MC:TDAH⟧ por la neuróloga Dra. ⟦P:Paz Muñoz⟧ y comenzará tratamiento con ⟦MED:Ritalin⟧ el lunes. Le pido que ⟦P:Benjamín⟧ se siente adelante y que me avise si nota cambios de ánimo. Atentamente, ⟦P:Rodrigo Soto⟧, RUT ⟦ID@CL:11.220.173-4⟧, apoderado, ⟦T:+56 9 6241 3308⟧"
""",
)
add(
    "pii",
    "it",
    "bonus-asilo-nido-inps",
    "form",
    """
Mi aiuti a preparare i dati per la domanda del bonus asilo nido sul sito INPS? Dimmi anche se serve l'ISEE minorenni.

Richiedente: ⟦P:Giulia Ferraresi⟧, C.F. ⟦ID@IT:FRRGLI90H68F257V⟧, nata a Modena il ⟦DOB:28/06/1990⟧
Bambino: ⟦P:Tommaso Bellini⟧, C.F. ⟦ID@IT:BLLTMS23A17A944B⟧, nato a Bologna il ⟦DOB:17 gennaio 2023⟧
Residenza: ⟦A:Via del Pratello 44, 40122 Bologna⟧
Asilo: nido comunale "Il Girotondo", retta 320 euro/mese
IBAN per l'accredito: ⟦IBAN:IT75 B030 6908 2288 5750 5936 316⟧
Cellulare: ⟦T:347 218 9034⟧
""",
)
add(
    "pii",
    "it",
    "lettera-amministratore-rampa",
    "prose",
    """
Scrivimi una lettera formale all'amministratore di condominio, rag. ⟦P:Sergio Colombo⟧, con questi contenuti: mio padre ⟦P:Aldo Russo⟧ vive con me in ⟦A:Via Nizza 118, scala B, interno 9, 10126 Torino⟧; dopo l'⟦MC:ictus⟧ di gennaio ha un'⟦MC:emiparesi destra⟧ e usa la sedia a rotelle, e i tre gradini dell'ingresso sono insuperabili. Chiedo di mettere all'ordine del giorno della prossima assemblea l'installazione di una rampa o di un servoscala, citando la legge 13/1989. Firma: ⟦P:Francesca Russo⟧, tel. ⟦T:338 904 1276⟧.
""",
)
add(
    "pii",
    "it",
    "esonero-educazione-fisica",
    "prose",
    """
Devo chiedere l'esonero parziale da educazione fisica per mia figlia. Correggi la richiesta:

"Al Dirigente Scolastico del Liceo Scientifico Galileo Galilei. La sottoscritta ⟦P:Patrizia De Luca⟧, madre dell'alunna ⟦P:Sofia Mancini⟧, nata il ⟦DOB:3 maggio 2011⟧, classe 2ª C, chiede l'esonero parziale dalle attività pratiche per l'a.s. 2024/25 a causa di una ⟦MC:scoliosi idiopatica⟧ (curva di 28°) per cui ⟦P:Sofia⟧ porta il corsetto 20 ore al giorno. Allego certificato del dott. ⟦P:Enrico Valenti⟧, ortopedico. Recapito: ⟦T:329 771 0485⟧."
""",
)
add(
    "pii",
    "pt",
    "abono-familia-requerimento",
    "form",
    """
Ajuda-me a preencher o requerimento do abono de família na Segurança Social Direta e diz-me em que escalão devemos ficar.

Requerente: ⟦P:Inês Carvalho Moreira⟧, NIF ⟦ID@PT:236 801 481⟧, NISS ⟦ACC:12104587736⟧
Criança: ⟦P:Leonor Moreira Santos⟧, nascida a ⟦DOB:9 de abril de 2024⟧, NIF ⟦ID@PT:100677215⟧
Morada: ⟦A:Rua de Cedofeita 318, 2.º Esq., 4050-174 Porto⟧
Telemóvel: ⟦T:912 448 307⟧
IBAN: ⟦IBAN:PT50 0035 6428 7803 7094 7383 1⟧
Rendimento do agregado em 2024: 21 400 EUR
""",
)
add(
    "pii",
    "pt",
    "reembolso-plano-de-saude",
    "prose",
    """
Pode revisar meu pedido de reembolso para o plano de saúde? Quero que fique objetivo.

"Beneficiário: ⟦P:Rafael Nogueira da Silva⟧, CPF ⟦ID@BR:322.386.567-58⟧, carteirinha ⟦ACC:086500123456789⟧. Solicito reembolso de consulta particular com a endocrinologista Dra. ⟦P:Juliana Castro⟧ (CRM-SP 145221) em 12/03/2025, no valor de R$ 650,00, para acompanhamento de ⟦MC:tireoidite de Hashimoto⟧, e dos exames de TSH e T4 livre. Uso ⟦MED:Puran T4⟧ diariamente. Contato: ⟦T:(11) 98452-1730⟧, ⟦E:rafael.nogueira@uol.example⟧."
""",
)
add(
    "pii",
    "pt",
    "mensagem-creche-alergia",
    "prose",
    """
Corrige esta mensagem para a educadora da creche:

"Olá ⟦P:Sandra⟧, a ⟦P:Matilde⟧ tem ⟦MC:alergia à proteína do leite de vaca⟧, por isso nada de iogurtes nem bolachas com leite, por favor. Se houver reação, pode dar o ⟦MED:Atarax⟧ xarope que está na mochila. Amanhã quem a vai buscar é a avó, ⟦P:Conceição Alves⟧, ⟦T:936 205 118⟧. Obrigada! ⟦P:Beatriz⟧ (mãe da ⟦P:Matilde⟧)"
""",
)
add(
    "pii",
    "nl",
    "verhuizing-doorgeven-gemeente",
    "prose",
    """
Wij verhuizen binnen Utrecht en de online verhuismelding loopt steeds vast bij DigiD. Kun je een korte e-mail aan de gemeente opstellen? Wij zijn ⟦P:Daan Verhoeven⟧ (BSN ⟦ID@NL:048603648⟧, geboren ⟦DOB:21-05-1987⟧) en ⟦P:Fleur Jansen⟧ (BSN ⟦ID@NL:262603937⟧, geboren ⟦DOB:2 november 1990⟧). Oud adres: ⟦A:Biltstraat 203 bis, 3572 AR Utrecht⟧. Nieuw adres: ⟦A:Laan van Nieuw-Guinea 77, 3531 JL Utrecht⟧. Verhuisdatum 1 april, telefoon ⟦T:06 41882739⟧. De afvalstoffenheffing wordt geïncasseerd van ⟦IBAN:NL15 TRIO 2107 7944 42⟧.
""",
)
add(
    "pii",
    "nl",
    "bewonerskaart-gent",
    "form",
    """
Help me de aanvraag voor een bewonerskaart in Gent in te vullen, en zeg of ik recht heb op een gratis kaart.

Naam: ⟦P:Griet Van Damme⟧
Rijksregisternummer: ⟦ID@BE:72.07.19-744.53⟧
Geboortedatum: ⟦DOB:19/07/1972⟧
Adres: ⟦A:Sint-Pietersnieuwstraat 141, 9000 Gent⟧
Nummerplaat: 1-GHK-482
GSM: ⟦T:0476 33 81 09⟧
Opmerking: ik heb ⟦MC:MS⟧ en een parkeerkaart voor personen met een handicap.
""",
)
add(
    "pii",
    "nl",
    "appje-doktersassistente",
    "prose",
    """
Kun je dit appje aan de doktersassistente wat netter maken?

"Hoi, met ⟦P:Sanne de Wit⟧. Mijn dochter ⟦P:Lotte⟧ (⟦DOB:14-08-2019⟧) heeft sinds gisteren 39,5 koorts en haar ⟦MC:astma⟧ speelt op, de ⟦MED:Ventolin⟧ helpt maar een uurtje. Kan ze vandaag nog bij dokter ⟦P:Bakker⟧ terecht? Bel me op ⟦T:06 28193547⟧."
""",
)
add(
    "pii",
    "pl",
    "zgloszenie-szkody-zalanie",
    "form",
    """
Pomóż mi napisać zgłoszenie szkody do ubezpieczyciela sąsiada (OC w życiu prywatnym) - zalało nam łazienkę przez pękniętą rurę u ⟦P:Krzysztofa Mazura⟧.

Poszkodowana: ⟦P:Agata Wróblewska⟧, PESEL ⟦ID@PL:88120116740⟧, ur. ⟦DOB:1 grudnia 1988⟧
Adres: ⟦A:ul. Piotrkowska 157 m. 12, 90-440 Łódź⟧
Sprawca: ⟦P:Krzysztof Mazur⟧, mieszkanie nr 16 (piętro wyżej), polisa nr ⟦ACC:OC-7730419285⟧
Data zdarzenia: 14.02.2025
Tel.: ⟦T:512 448 903⟧
Rachunek do wypłaty: ⟦IBAN:PL69 1090 9310 2785 3992 0587 9540⟧
""",
)
add(
    "pii",
    "pl",
    "wycieczka-utw-lista",
    "csv",
    """
Uniwersytet Trzeciego Wieku jedzie do Zakopanego. Przerób listę na tabelę dla pilota i dopisz, kto potrzebuje miejsca z przodu autokaru. PESEL jest tylko dla ubezpieczenia, nie pokazuj go pilotowi.

imię i nazwisko;PESEL;telefon;uwagi
⟦P:Stanisław Kowalczyk⟧;⟦ID@PL:53072113271⟧;⟦T:601 447 218⟧;"⟦MC:cukrzyca⟧, ⟦MED:insulina⟧ w lodówce"
⟦P:Bożena Zawadzka⟧;;⟦T:698 230 115⟧;"⟦MC:choroba lokomocyjna⟧"
⟦P:Irena Lis⟧;;⟦T:503 118 924⟧;
⟦P:Zenon Pawlak⟧;;⟦T:887 551 306⟧;"po ⟦MC:zawale⟧, ⟦MED:Polocard⟧"
""",
)
add(
    "pii",
    "pl",
    "mail-do-kadr-ciaza",
    "prose",
    """
Popraw mi maila do kadr, żeby był krótki i uprzejmy:

"Dzień dobry Pani ⟦P:Ewo⟧, informuję, że od 10 marca przebywam na zwolnieniu lekarskim - jestem w ⟦MC:22. tygodniu ciąży⟧ i lekarz prowadzący, dr ⟦P:Tomasz Szymański⟧, zalecił oszczędzający tryb życia. Proszę przekazać panu ⟦P:Pawłowi⟧, że moje projekty przejmuje ⟦P:Marta Kubiak⟧. Pozdrawiam, ⟦P:Natalia Górecka⟧"
""",
)

# ---------------------------------------------------------------------------
# group cred — English
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "github-actions-inline-secrets",
    "yaml",
    """
This release workflow works, but a colleague says I shouldn't have the values inline. Can you rewrite it to use repository secrets and tell me which of these I now need to rotate?

name: release
on:
  push:
    tags: ['v*']
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      AWS_ACCESS_KEY_ID: ⟦K:AKIANIV4G7SDG2JHKOKM⟧
      AWS_SECRET_ACCESS_KEY: ⟦K:Y1cJsRayNA+Gd0Z6gMbmVzWx7c4Kx1IesPlv9tQY⟧
      AWS_REGION: eu-west-2
    steps:
      - uses: actions/checkout@v4
      - uses: docker/login-action@v3
        with:
          username: ⟦U:mkovacs⟧
          password: ⟦K:dckr_pat_M9TNVs9fRkykr2KZjTD2efgK65z⟧
      - run: docker buildx build --push -t ⟦U:mkovacs⟧/ledgerly:${GITHUB_REF_NAME} .
      - name: Notify
        run: curl -X POST -H 'Content-type: application/json' --data '{"text":"ledgerly released"}' ⟦K:https://hooks.slack.com/services/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⟧
""",
)
add(
    "cred",
    "en",
    "npmrc-private-registry-401",
    "ini",
    """
npm publish to our Verdaccio fails with E401 but installing from npmjs works fine. Here's my ~/.npmrc - is the _auth line in the wrong format?

//registry.npmjs.org/:_authToken=⟦K:npm_O3bgRtTWJzlnGel6CcjfSADfbAK96d7eTZ90⟧
@harbourline:registry=https://npm.harbourline.example/
//npm.harbourline.example/:_auth=⟦S:c2Rla2tlcjpUdWxwZW52ZWxkITIwMjU=⟧
//npm.harbourline.example/:always-auth=true
email=⟦E:sanne.dekker@harbourline.example⟧
init-author-name=⟦P:Sanne Dekker⟧
""",
)
add(
    "cred",
    "en",
    "pypirc-testpypi-403",
    "ini",
    """
twine upload works for PyPI but I get 403 Forbidden on TestPyPI. Did TestPyPI stop accepting username/password? My ~/.pypirc:

[distutils]
index-servers =
    pypi
    testpypi

[pypi]
username = __token__
password = ⟦K:pypi-AgEIcHlwaS5vcmcCJ3gLN8FqQ-jtXcZnFuU1QlrL_a0NEiQrb8-u_Y4GXT_AFN0RHJtXcjdF_sn3n7Vq2GNhrTC0kNp6Z9U4oAQIKVfy5yk-YO_cpTGbIzWBgNZbQITzm-LciOxKt⟧

[testpypi]
repository = https://test.pypi.org/legacy/
username = ⟦U:oskar.lindgren⟧
password = ⟦S:Hallonbåt-77!⟧
""",
)
add(
    "cred",
    "en",
    "docker-login-history",
    "command",
    """
Docker warns that my password is stored unencrypted. How do I set up a credential helper on Ubuntu 24.04, and should I worry about what's already in my shell history?

$ history | grep "docker login"
  512  docker login -u ⟦U:rpatel⟧ -p ⟦S:Cinnamon#Harbour42⟧ registry.gitlab.example
  513  docker login ghcr.io -u ⟦U:ravi-patel-dev⟧ --password ⟦K:ghp_hGlRQZaSwAvPSaxzNerP1KKTiGgFT61uqcXn⟧
$ cat ~/.docker/config.json
{
  "auths": {
    "registry.gitlab.example": {
      "auth": "⟦S:cnBhdGVsOkNpbm5hbW9uI0hhcmJvdXI0Mg==⟧"
    }
  }
}
""",
)
add(
    "cred",
    "en",
    "notebook-llm-keys-401",
    "code",
    """
I'm getting "401 invalid x-api-key" from the first call in this notebook cell, but the vector search part works. What am I doing wrong?

import anthropic, cohere
from pinecone import Pinecone

client = anthropic.Anthropic(api_key="⟦K:sk-ant-api03-tIHN-e1urCqkQ-dECzczV7LrTWizi7-u7XHidEHu4OcvIwfbvB7S8tmwV0VhaZ3HABAZ_1gAveArpbuSO7Si5jPxqaq67AA⟧ ")
pc = Pinecone(api_key="⟦K:pcsk_o9fDA2_81PKK0wd8sudwZ03gBYqOWYemTSirJOwOwSLrVRWjPadrbuzjNOj85vk18dj⟧")
co = cohere.Client("⟦K:2dCyUQqm6opzrieGkF8mw1vwiQuUYN1xg63T0Ynk⟧")

index = pc.Index("support-kb")
emb = co.embed(texts=[question], model="embed-english-v3.0", input_type="search_query").embeddings[0]
hits = index.query(vector=emb, top_k=5, include_metadata=True)
msg = client.messages.create(model="claude-3-5-sonnet-latest", max_tokens=800, messages=[{"role": "user", "content": build_prompt(question, hits)}])
""",
)
add(
    "cred",
    "en",
    "rclone-conf-photos-backup",
    "ini",
    """
My rclone sync to Backblaze stopped with "401 bad_auth_token" after I rotated something last week. Which of these remotes should I re-create, and is the sftp one safe to share with my brother?

[b2-photos]
type = b2
account = ⟦K:005f21878986445efa7de7cfb⟧
key = ⟦K:K0051cjzdP271tQ72nK09tTNXBN8lnW⟧
hard_delete = false

[nas]
type = sftp
host = 192.168.1.20
user = ⟦U:beatrix⟧
pass = ⟦S:6kCYFVA07Oh88D9P23Ac5LcGhMmi13kPLPXRiA⟧
shell_type = unix

[pcloud]
type = pcloud
hostname = eapi.pcloud.com
token = {"access_token":"⟦S:ngBaVbVJBMQKnY8qS0BFn7BwpkZ01BZGaG7yOh3FZ9N⟧","token_type":"bearer","expiry":"0001-01-01T00:00:00Z"}
""",
)
add(
    "cred",
    "en",
    "laravel-env-staging",
    "env",
    """
Staging can't send mail or broadcast events since we moved servers. Anything obviously wrong in this .env? (APP_DEBUG is on because it's staging.)

APP_NAME=Tidepool
APP_ENV=staging
APP_KEY=⟦S:base64:VuwulEKyDJg/uGe/4KvQcWddpIhJZi22qMQF3iwI6ck=⟧
APP_DEBUG=true
APP_URL=https://staging.tidepool.example
DB_CONNECTION=mysql
DB_HOST=10.20.0.5
DB_DATABASE=tidepool
DB_USERNAME=tidepool
DB_PASSWORD=⟦S:kV8#mQ2!rTz6wLp⟧
MAIL_MAILER=mailgun
MAILGUN_DOMAIN=mg.tidepool.example
MAILGUN_SECRET=⟦K:key-025df3efbb1cb9376707ae1bd0fbf1df⟧
MAIL_FROM_ADDRESS=noreply@tidepool.example
BROADCAST_DRIVER=pusher
PUSHER_APP_ID=1782204
PUSHER_APP_KEY=3f9c1a7be20d44e6a8c5
PUSHER_APP_SECRET=⟦K:e19c857ca24e1e4416bc⟧
PUSHER_APP_CLUSTER=eu
""",
)
add(
    "cred",
    "en",
    "grafana-datasource-provisioning",
    "yaml",
    """
Grafana starts but both datasources show "Unauthorized". I provisioned them with this file and tested the API with the curl below. What's wrong?

apiVersion: 1
datasources:
  - name: Prometheus
    type: prometheus
    url: https://prom.lumenfield.example
    basicAuth: true
    basicAuthUser: grafana
    secureJsonData:
      basicAuthPassword: ⟦S:p7Qe!vRm2#Lw9zTx⟧
  - name: Loki
    type: loki
    url: https://loki.lumenfield.example
    jsonData:
      httpHeaderName1: Authorization
    secureJsonData:
      httpHeaderValue1: "Bearer ⟦S:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJsb2tpLXJlYWRlciIsImlzcyI6Imd3Lmx1bWVuZmllbGQuZXhhbXBsZSIsImlhdCI6MTczNTY4OTYwMCwiZXhwIjoxNzY3MjI1NjAwfQ.tDOG0jIZXiMAMt1vGUinon86YWj_qGZVgbkLTdYb9nE⟧"

$ curl -s -H "Authorization: Bearer ⟦K:glsa_WsVbsoJEyyjbgfNDCLmIoZYBl8H99tLq_5e01c40e⟧" https://grafana.lumenfield.example/api/datasources | jq '.[].name'
""",
)
add(
    "cred",
    "en",
    "crontab-db-backup",
    "command",
    r"""
The second cron job never runs but the first one does. Also, is putting the password like this in crontab a bad idea? Output of crontab -l on the db box:

# m h dom mon dow command
15 2 * * * PGPASSWORD='⟦S:Vx9#kelp-Orchard⟧' pg_dump -h db.prod.internal -U app_admin -Fc clinicdb > /backups/clinic_$(date +\%F).dump
45 2 * * * psql "postgresql://reporting:⟦S:r3p0rt-Tide-55⟧@db.prod.internal:5432/clinicdb?sslmode=require" -c "refresh materialized view weekly_stats" >> /var/log/weekly_stats.log 2>&1
""",
)
add(
    "cred",
    "en",
    "twilio-curl-test",
    "command",
    r"""
This curl sends fine from my laptop but returns 20003 Authenticate from the server. Same command, copied exactly. What's different?

curl -X POST "https://api.twilio.com/2010-04-01/Accounts/AC7f2b0e5c1d9a48e3b6c0f4a2d8e71b93/Messages.json" \
  --data-urlencode "To=⟦T:+447852 915 382⟧" \
  --data-urlencode "From=+441618500912" \
  --data-urlencode "Body=Your table for 4 is confirmed for 19:30 tonight" \
  -u AC7f2b0e5c1d9a48e3b6c0f4a2d8e71b93:⟦K:ba7d024c4ef4d4cb58c130742f899d9f⟧
""",
)
add(
    "cred",
    "en",
    "nginx-ec-key-mismatch",
    "command",
    """
nginx -t says "SSL_CTX_use_PrivateKey failed (key values mismatch)". Are these a pair? This is the key file and the public key I pulled out of the certificate.

$ sudo cat /etc/ssl/private/fernhill-shop.key
⟦PK:-----BEGIN EC PRIVATE KEY-----
MHcCAQEEICf7udM7UZovPWunVPMRYjLJdkjyVnfd/2vHuoDE0WaQoAoGCCqGSM49
AwEHoUQDQgAEPm/V0IlCU315r4OFEwj7HGOOb0Gu7TgA3yOpzqEzhZJCgeugaagk
7+wzIwdBBvE9mX0s/3DmAg58J2pGMtYw6g==
-----END EC PRIVATE KEY-----⟧
$ openssl x509 -in /etc/ssl/certs/fernhill-shop.crt -noout -pubkey
-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEPm/V0IlCU315r4OFEwj7HGOOb0Gu
7TgA3yOpzqEzhZJCgeugaagk7+wzIwdBBvE9mX0s/3DmAg58J2pGMtYw6g==
-----END PUBLIC KEY-----
""",
)
add(
    "cred",
    "en",
    "vault-init-pasted-in-wiki",
    "command",
    """
I pasted this into our team wiki by accident while writing the setup notes (page was public to the whole company for about 40 minutes). How bad is it and what exactly do I do now - rekey, revoke the root token, both?

$ vault operator init -key-shares=3 -key-threshold=2
Unseal Key 1: ⟦S:lpPJ3P9m7fJo52pqAt66IXGWSAdPkNidDlToY3DdAmFS⟧
Unseal Key 2: ⟦S:huRtRlJGVi9XrPqDgeNffofwIAYL5UzQQ5obeE8tSign⟧
Unseal Key 3: ⟦S:bgHkkjt9XcMeAwOsYE33eW7GsR6O3+cGt3N0IAj3eoEk⟧

Initial Root Token: ⟦K:hvs.TxvsY7Jyf6waSQStZGV0RJfe⟧

Vault initialized with 3 key shares and a key threshold of 2. Please securely
distribute the key shares printed above.
""",
)
add(
    "cred",
    "en",
    "house-sitter-network-sheet",
    "markdown-table",
    """
Make a one-page printable for our house-sitter ⟦P:Saffron⟧ from this, but leave the NAS row out - she only needs Wi-Fi, the router and the camera app.

| device | address | login | password |
|---|---|---|---|
| Router (Smart Hub 2) | 192.168.1.254 | admin | ⟦S:Kd7rq-PLM4-Txe9⟧ |
| Wi-Fi "Oakfield_5G" | - | - | ⟦S:buttercup-lantern-62⟧ |
| Synology NAS | 192.168.1.20:5001 | ⟦U:gillian⟧ | ⟦S:Heron&Tide1987⟧ |
| Garden camera | rtsp://admin:⟦S:Wren4477cam⟧@192.168.1.40:554/stream1 | admin | ⟦S:Wren4477cam⟧ |
| Alarm panel | hallway | - | code ⟦S:6190⟧, panic code ⟦S:6199⟧ |

Thanks! ⟦P:Gill⟧
""",
)
add(
    "cred",
    "en",
    "shopify-graphql-access-denied",
    "http",
    """
Why does this return "Access denied for orders field"? The app was installed last week. Raw request from my script:

POST /admin/api/2024-10/graphql.json HTTP/1.1
Host: fenwick-pottery.myshopify.com
X-Shopify-Access-Token: ⟦K: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⟧
Content-Type: application/json
Accept: application/json

{"query":"{ orders(first: 5, reverse: true) { edges { node { name createdAt totalPriceSet { shopMoney { amount } } } } } }"}
""",
)
add(
    "cred",
    "en",
    "android-gradle-properties",
    "ini",
    """
The release build signs fine locally but the CI job says "Keystore was tampered with, or password was incorrect". Here's my gradle.properties (CI reads the same file). Also, is it OK for the Maps key to be here?

org.gradle.jvmargs=-Xmx4g -Dfile.encoding=UTF-8
android.useAndroidX=true
RELEASE_STORE_FILE=../keys/upload.jks
RELEASE_STORE_PASSWORD=⟦S:Marmalade!Skies9⟧
RELEASE_KEY_ALIAS=upload
RELEASE_KEY_PASSWORD=⟦S:Marmalade!Skies9⟧
MAPS_API_KEY=⟦K:AIzaKD6B0_GJEqEZn9U-sN_JMkbUr9o03HdNXyJ⟧
""",
)
add(
    "cred",
    "en",
    "git-remote-token-in-url",
    "command",
    """
git push suddenly asks for a password even though the token is in the remote URL. Did the token expire? How do I switch to a credential helper instead?

$ git remote -v
origin    https://oauth2:⟦K:glpat-RObtwJtLPGCPP6AoAf4E⟧@gitlab.com/ferncastle/infra.git (fetch)
origin    https://oauth2:⟦K:glpat-RObtwJtLPGCPP6AoAf4E⟧@gitlab.com/ferncastle/infra.git (push)
upstream  git@github.com:ferncastle/infra.git (fetch)
upstream  git@github.com:ferncastle/infra.git (push)
$ git push origin main
remote: HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password.
fatal: Authentication failed for 'https://gitlab.com/ferncastle/infra.git/'
""",
)
add(
    "cred",
    "en",
    "django-settings-prod",
    "code",
    """
I'm splitting settings.py into base/dev/prod. Which of these should come from environment variables, and is the Sentry DSN actually secret?

DEBUG = False
SECRET_KEY = '⟦S:vdkg4!xyf9*)dbawo1v_*&ul*claz^6)zi*a(cl(=00tcecvy2⟧'
ALLOWED_HOSTS = ['rota.stmaryschoir.example']
EMAIL_HOST = 'smtp.gmail.com'
EMAIL_PORT = 587
EMAIL_USE_TLS = True
EMAIL_HOST_USER = '⟦E:dominic.ayre@gmail.example⟧'
EMAIL_HOST_PASSWORD = '⟦S:ybqa mwzt hrke lcpd⟧'
STRIPE_SECRET_KEY = '⟦K: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⟧'
SENTRY_DSN = 'https://a4438f4ea79ccabc25c99b2caca122ce@o450112.ingest.sentry.io/5512345'
""",
)
add(
    "cred",
    "en",
    "esphome-secrets-yaml",
    "yaml",
    """
ESPHome says "Invalid key format" for the API encryption key after I regenerated it. Is this secrets.yaml right? (I'll share the fixed version with my dad so he can flash his greenhouse sensor.)

wifi_ssid: "Plover Lane"
wifi_password: "⟦S:gooseberry-Fool-1998⟧"
api_encryption_key: "⟦S:ZTlzXOTK3VVJ2A/BKhBRkIHrtICBce8M4xOU/tytNEA=⟧"
ota_password: "⟦S:3a9e71c0b2d4⟧"
fallback_ap_password: "⟦S:Greenhouse-AP-55⟧"
mqtt_user: ⟦U:hamish⟧
mqtt_password: "⟦S:Tatties&Neeps4⟧"
""",
)
add(
    "cred",
    "en",
    "it-welcome-message-rewrite",
    "prose",
    """
Rewrite this Teams message from IT so it's clearer for a non-technical new starter, with numbered steps:

"Hi ⟦P:Marisol⟧, welcome!! your login is ⟦U:mgarcialopez⟧ and temp pw ⟦S:Welcome-Kestrel-4471⟧ (forced change at first login). VPN PIN is ⟦S:90318⟧. BitLocker recovery key for your laptop (asset KH-LT-0932) is ⟦S:505230-255648-922151-187437-122142-631806-574831-661708⟧ - keep it somewhere safe, NOT on the laptop. MFA: scan the QR at aka.ms/mfasetup. ~⟦P:Anil⟧ (IT)"
""",
)
add(
    "cred",
    "en",
    "fathers-seed-phrase",
    "prose",
    """
My late father wrote this in a notebook labelled "Ledger - DO NOT LOSE". Is it a 12- or 24-word recovery phrase, and how would I check what's in the wallet without exposing it to anyone? Underneath it says "device PIN ⟦S:730418⟧".

⟦S:orbit velvet harbor lunar crisp fabric mango outdoor ticket shallow unveil empower⟧
""",
)
add(
    "cred",
    "en",
    "msmtprc-two-accounts",
    "ini",
    """
msmtp sends from my personal account but the work one fails with "authentication failed". Here's ~/.msmtprc - do I need an app password for Office 365 too?

defaults
auth on
tls on
tls_trust_file /etc/ssl/certs/ca-certificates.crt

account personal
host smtp.fastmail.com
port 465
tls_starttls off
from ⟦E:hana.moriyama@fastmail.example⟧
user ⟦E:hana.moriyama@fastmail.example⟧
password ⟦S:4kq8vzr2pxw7mjtn⟧

account work
host smtp.office365.com
port 587
from ⟦E:h.moriyama@ashgrove-legal.example⟧
user ⟦E:h.moriyama@ashgrove-legal.example⟧
password ⟦S:Sakura&Ledger2025⟧

account default : personal
""",
)
add(
    "cred",
    "en",
    "zsh-history-scrub",
    "command",
    """
How do I remove these lines from my zsh history file, and stop zsh from saving commands that start with a space?

$ tail -n 5 ~/.zsh_history
: 1715602211:0;redis-cli -h cache-eu1.internal -p 6380 --tls -a '⟦S:Tk2#pebble-Vane⟧' --no-auth-warning info keyspace
: 1715602260:0;mongosh "mongodb+srv://⟦U:akemi_w⟧:⟦S:Shiso%23Garden88⟧@cluster0.r4x7b.mongodb.net/bookings"
: 1715602301:0;export OPENAI_API_KEY=⟦K:sk-proj-09TaG0LiaZuKOpuD4MGt9p7PQSVW3l3jq1NfubdFR15nEuPfXbqg-esB0Cz_wCTdU9SuIbzHaq2HRNgxyA-cQcqzXu0simeVgjp3U2cVwUmjEI7jJ7mXS3mk⟧
: 1715602318:0;oathtool --totp -b ⟦S:BNDWJBIUAK2KRZSJX64WUAYP67BIHMVD⟧
: 1715602330:0;python eval_rag.py --limit 50
""",
)
add(
    "cred",
    "en",
    "sso-jwt-signing-script",
    "code",
    """
This script signs tokens for our internal SSO but the gateway rejects them with "invalid signature". Is it the key format or the algorithm?

import jwt, time

PRIVATE_KEY = '''⟦PK:-----BEGIN PRIVATE KEY-----
MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBALuJElAQs8A91Sv3
cNQueYGGZMuWaPP7go5pHQhCW8nImzi2HcEnq536/aE3WEEt3mE1CJ/eIGBiDDR/
g+1mNgldAYC9QWFjr2jI/B296Xd9Kmru8Fnfz1gRwU+f7+/bRyZUpcpWt7UugthM
FFAU/8dyL24Q86hqhLXRO7Bi//dxAgMBAAECgYEAtgwK1eRQyeZ8QDD0u1TeKMlQ
oX1CJs5ZX2tUfocEWW4+mB/Z5H5hD3vtqAl0x9kCDfUQiTh0z3t+g5vhcpwNCQJZ
43M0PxfVlzkgKhLu9YHBbxdVVgbeVF73oX90jZCW5pLd4IGcjZqd/0FS+DlkdrLF
7vx6rp4zEyZuQIHUpd0CQQDf/tMR2e5gxkL0n8Hmw0Mw15jeBEUsQ5Mn890Tc20c
Ek75zM5Nsh+pfBUvHwZNTeVtgSWsLTJPe1bL3pm8NZXjAkEA1lSilUsvDfMgf7o2
cgbwvsDCeWYAUK8bSlI0M4ZJ8r1EzKGTwaou3iuy1LYOvj90C/INGmCu3S1161O3
iXadmwJAINlTBNwr7D9HFG7VVc0u7lu/zFdd+ZbTXtmRg0e7KZG5yUJywswrfoR2
6tkm6HFTAxMcfjqGlUdmPDGh5AsLtwJAYtB8cMZL+Gt6NUkd5u5qOhfW0W+Ef65r
r5U8ufCU0VQPjySDYctbdlTBSy5wl6fbkdJT1jBzDkfyUL+1I6xLNwJBAIaUW91M
FkGwsQg0xKlNh1c2JZ0OBgNaDcjNnIDY3/+ilCC3b40OoB6BJE1g3nVTfnzovxep
6OuqoCzVtyarnNA=
-----END PRIVATE KEY-----⟧'''

def issue(sub: str) -> str:
    now = int(time.time())
    return jwt.encode({"sub": sub, "iat": now, "exp": now + 900, "aud": "intranet"}, PRIVATE_KEY, algorithm="RS256", headers={"kid": "sso-2025-01"})
""",
)
add(
    "cred",
    "en",
    "nixos-wireguard-config",
    "code",
    """
After nixos-rebuild the tunnel comes up but no traffic passes. Is it my allowedIPs? (I know the private key shouldn't be in the config, I'll move it to a file after.)

networking.wireguard.interfaces.wg0 = {
  ips = [ "10.100.0.2/24" ];
  listenPort = 51820;
  privateKey = "⟦PK:4GV924H9kYd7BBxsgvOA0/jWk93fjaouXSGRU4flWUY=⟧";
  peers = [
    {
      publicKey = "tV4k87XKdeH3aDAf4nBfaX/DeCc9Ek07e1McxTsEM0A=";
      endpoint = "vpn.ellery.example:51820";
      allowedIPs = [ "10.100.0.1/32" ];
      persistentKeepalive = 25;
    }
  ];
};
""",
)
add(
    "cred",
    "en",
    "chezmoi-age-identity",
    "command",
    """
chezmoi apply on my new laptop fails with "age: no identity matched any of the recipients". I copied key.txt over from the old machine. What's going on?

$ cat ~/.config/chezmoi/chezmoi.toml
encryption = "age"
[age]
    identity = "~/.config/chezmoi/key.txt"
    recipient = "age10643h486qw8yap7vw5lwcn49w906cy8j4fglvvsshg4nertee7ls04rmkn"
$ cat ~/.config/chezmoi/key.txt
# created: 2025-03-11T09:14:52Z
⟦PK:AGE-SECRET-KEY-13M8DWMNC8DR9QN2QJYAZVCPA363FVLDPEM9ZD5K256JWHLCYU5NS0Z39FP⟧
""",
)
add(
    "cred",
    "en",
    "mysql-access-denied-one-liner",
    "command",
    """
why does `mysql -u ⟦U:dpowell⟧ -p⟦S:Quokka!Rain77⟧ -h 10.0.0.8 shopdb` say access denied when the same login works in DBeaver?
""",
)

# ---------------------------------------------------------------------------
# group cred — other languages
# ---------------------------------------------------------------------------
add(
    "cred",
    "sv",
    "lapp-till-kattvakt",
    "prose",
    """
Kan du göra om det här till en tydlig lapp till vår kattvakt ⟦P:Ebba⟧? Vi är i Kroatien 12-26 juli.

- Larmkoden är ⟦S:4471⟧, tryck sedan # inom 30 sek. Tvångskoden är ⟦S:4479⟧ (använd den bara om någon tvingar dig).
- Wifi: "Lindgarden", lösenordet är ⟦S:kanelbulle-Trana-88⟧
- Securitas-appen: inloggning ⟦E:jakob.nordin@telia.example⟧, lösenord: "⟦S:Blåbär!Stuga2019⟧"
- Koden till cykelförrådet är ⟦S:1-9-0-7⟧
- Ring ⟦P:Jakob⟧ på ⟦T:070-612 33 48⟧ om något händer.
""",
)
add(
    "cred",
    "fi",
    "deploy-skripti-paytrail",
    "code",
    """
Tämä deploy-skripti toimi ennen, mutta nyt git clone kaatuu virheeseen "Load key: invalid format". Onko avain rikki vai heredoc väärin? Ja pitäisikö salaisuudet siirtää GitLabin muuttujiin?

#!/usr/bin/env bash
set -euo pipefail
mkdir -p ~/.ssh
cat > ~/.ssh/id_deploy <<'KEY'
⟦PK:-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz
c2gtZWQyNTUxOQAAACA3Sbe9ezls9PSRDt58G6Hc32woST2TCB+3yilxacUQkwAA
AIiQrM1DkKzNQwAAAAtzc2gtZWQyNTUxOQAAACA3Sbe9ezls9PSRDt58G6Hc32wo
ST2TCB+3yilxacUQkwAAAEAW86+6x3ufxwt5ovsQ95eGWkE8mMrHZMCIY3OHQaSV
NzdJt717OWz09JEO3nwbodzfbChJPZMIH7fKKXFpxRCTAAAAAAECAwQF
-----END OPENSSH PRIVATE KEY-----⟧
KEY
chmod 600 ~/.ssh/id_deploy
export PAYTRAIL_MERCHANT_ID=695861
export PAYTRAIL_SECRET_KEY=⟦K:3Dbd6GmsNlohOW9OfFfjAzhEaCBZJYaBB20BFr8X⟧
export POSTI_CLIENT_ID=verkkokauppa-kuopio
export POSTI_CLIENT_SECRET=⟦K:oDxQshIISj3bb5642ldGDinouxZjugnD⟧
GIT_SSH_COMMAND="ssh -i ~/.ssh/id_deploy" git clone git@gitlab.com:kauppa/verkkokauppa.git
""",
)
add(
    "cred",
    "hu",
    "szamlazz-nav-config-php",
    "code",
    """
A NAV Online Számla teszt környezetben "INVALID_REQUEST_SIGNATURE" hibát kapok. Jól van beállítva a config? Az aláírókulcs és a cserekulcs nincs felcserélve?

<?php
return [
    'szamlazz' => [
        'agent_key' => '⟦K:NZZR9qcdgGLjIQLga3MGW2BpCXYKez1D1LoigvS0⟧',
    ],
    'nav' => [
        'login' => 'tx7k2m9qa1bcd3e',
        'password' => '⟦S:Gyöngyvirág-2025!⟧',
        'taxNumber' => '12345678',
        'signKey' => '⟦S:99bee602ee92854a5b3533ca38c671ad⟧',
        'exchangeKey' => '⟦S:3e618d1e564a6eaf⟧',
        'softwareId' => 'HU12345678-00001',
    ],
];
""",
)
add(
    "cred",
    "ro",
    "smartbill-emag-config",
    "code",
    """
Factura din SmartBill se emite, dar sincronizarea comenzilor din eMAG dă 401. Poți să te uiți peste configurație? Parola de eMAG am schimbat-o săptămâna trecută.

$config = [
    'smartbill' => [
        'user' => '⟦E:contabilitate.mihaela@yahoo.example⟧',
        'token' => '⟦K:86b62943a2e4d410e116b1c9bf84d14d⟧',
        'cif' => 'RO12345678',
        'serie' => 'MGZ',
    ],
    'emag' => [
        'username' => '⟦U:mihaela.ilie⟧',
        'password' => '⟦S:Brasov!Magazin2024⟧',
        'endpoint' => 'https://marketplace-api.emag.ro/api-3',
    ],
];
""",
)
add(
    "cred",
    "tr",
    "mali-musavire-sifreler",
    "prose",
    """
Mali müşavirime göndereceğim bu mesajı daha düzgün bir dille yazar mısın? Beyanname dönemi yaklaştığı için acele ediyorum.

"Merhaba ⟦P:Serkan⟧ Bey, istediğiniz bilgiler: e-Devlet şifrem ⟦S:Kartal.1987!⟧, GİB İnteraktif Vergi Dairesi için kullanıcı kodum ⟦U:48291736⟧ ve şifrem ⟦S:Lale2024*⟧. Parolamı değiştirmem gerekirse haber verin. Kira gelirine ait dekontları da e-postayla ileteceğim. Saygılarımla, ⟦P:Elif Korkmaz⟧"
""",
)
add(
    "cred",
    "el",
    "kodikoi-taxisnet-gia-logisti",
    "prose",
    """
Γράψε μου ένα σύντομο μήνυμα προς τη λογίστρια, κυρία ⟦P:Μαρίνα⟧, με τους κωδικούς που ζήτησε, αλλά πιο επίσημα:

"Καλησπέρα, ο κωδικός χρήστη μου στο Taxisnet είναι ⟦U:nikos.athanasiou77⟧ και ο κωδικός πρόσβασης είναι ⟦S:Thalassa#1977⟧. Για το myAADE app ο τετραψήφιος κωδικός είναι ⟦S:5820⟧. Αν χρειαστεί κωδικός μιας χρήσης, στείλτε μου μήνυμα στο ⟦T:697 330 1845⟧. ⟦P:Νίκος Αθανασίου⟧"
""",
)
add(
    "cred",
    "bg",
    "kurierski-env-econt-speedy",
    "env",
    """
Speedy връща "Invalid username or password", а с Еконт всичко е наред. Виж дали нещо в .env-а не е грешно (паролата на Speedy съдържа # - дали не е проблем?).

ECONT_ENV=production
ECONT_USERNAME=⟦U:iv.draganova⟧
ECONT_PASSWORD=⟦S:Rila-Lavanda-77⟧
SPEEDY_USERNAME=1984527
SPEEDY_PASSWORD=⟦S:Tr3ndafil#Kaz⟧
EPAY_MIN=D123456789
EPAY_SECRET=⟦K:b1F3HWAgX80SAm6CrTtkt2BySv7OwYQe5gnc0CjX⟧
SHOP_EMAIL=poruchki@rozovoselo.example
""",
)
add(
    "cred",
    "hr",
    "fiskalizacija-php-kljuc",
    "code",
    """
Fiskalizacija na testnom okruženju vraća "s:005 Neispravan potpis". Je li problem u ključu ili u lozinci certifikata? Ovo je konfiguracija iz naše blagajne:

<?php
const FINA_CERT_PASSWORD = '⟦S:Fiskal-Zagreb-2025!⟧';
const MINIMAX_CLIENT_ID = 'obrt-pekara-vuk';
const MINIMAX_CLIENT_SECRET = '⟦K:wFgsH9R1YpX4nVrRtdVlC1fDBUiTue7f⟧';
const OIB_OBRTA = '⟦ID@HR:33857341521⟧';
const PRIVATE_KEY_PEM = <<<PEM
⟦PK:-----BEGIN RSA PRIVATE KEY-----
MIICWwIBAAKBgQCisKK88JXMElyZu98mGt6aidHtXiGvRj8XDwcfm8tTqhCn+fR1
EP7YT7hgBdpU9RxBddWCf1erPag+KA7w0S7vvCYheS3wlUL+IEVmpxBT+/MXrQ7G
Z8uAQHj2xbppi30pPSaQns++zwpG8VDBPSyM9uwLypTP7ai0LIdQUFvLIQIDAQAB
AoGAFld7gcboS2YaIWKTeoAmIcLbeWV76r4S2+/MYqLagVrRfr/sukbjOIF6KHWl
ThV7E+JCt/EU8Qc+m4qUwq13bGywW8xL90zR1tsR9gp+oIHO6HVQNQbjS16pZxSa
nWCVIqE1HOqpPF7X8vUGmJNk98dM+YW9n3TOKKTACMLXSKECQQDROqxIilblLO8i
/BwctCfG8Wi8e5jZzPS8qVjzIS9IhO97KbuoS5SsmRQIT+IDAHWXd8d0IRSmIDlq
I36E7v6HAkEAxw63DHblq0ZsYAWs8f4bWwZlxjsMITav3j4Lj6YkU0g72lfoT8VF
5OEa4BWl051S3vpGFLZ8LW6cWtU2hRvrFwJAfT8RKK9fSvr1/8xJC8mwUf/rAYE/
Q4nUKyd4rrn7sv6Y2PJnelwcGKHeAwfGtKNOwSgbhmHTGYsKs4Wh0/O4+wJACsbF
KiuVq3wYiepEvqUfHgJuqBiyQ2oOg12gippYBRo4A04XCZqIeielqNQDMj2mKuQp
vx1SA7OlS1WXqgUk6QJAYkWHO9RZm8IQGbm44DfnSX5fXqm1IwEWLYsNodyWTYhD
b/hMrt/7aUIMDshw/MLM90iF8wCoF4S2bAGwgsOxCQ==
-----END RSA PRIVATE KEY-----⟧
PEM;
""",
)
add(
    "cred",
    "sk",
    "poznamka-pre-dceru-eid",
    "prose",
    """
Prepíš mi túto poznámku pre dcéru ⟦P:Luciu⟧ prehľadnejšie, bude mi vybavovať veci, kým budem v nemocnici:

BOK k občianke: ⟦S:804417⟧. PIN pre elektronický podpis (KEP): ⟦S:31580219⟧. Do internetbankingu sa prihlasuje cez ID ⟦U:77104835⟧, heslo je ⟦S:Tatry.Jazero55⟧. Kód na schránku na poštu je ⟦S:0612⟧. Nájom posielaj z účtu ⟦IBAN:SK76 0900 8993 6445 2460 7101⟧. Daňové priznanie podať do 31. marca, všetko je v šuflíku v obývačke. Mama ⟦P:Viera Hrončeková⟧
""",
)
add(
    "cred",
    "sl",
    "spletna-trgovina-env",
    "env",
    """
Po selitvi na nov strežnik e-računi ne gredo več čez, plačila s kartico pa delujejo. Ali je kaj narobe s tem .env?

APP_ENV=prod
DATABASE_URL=mysql://trgovina:⟦S:Kranjska!Klobasa9⟧@127.0.0.1:3306/trgovina
ERACUNI_USERNAME=⟦E:matej.zajc@trgovina-zajc.example⟧
ERACUNI_API_TOKEN=⟦K:46e6f0ff716c0b436b8be061c82b5c51⟧
ERACUNI_SECRET_KEY=⟦K:hlrHsOaS0fH5EEg14TIcpoDo⟧
BANKART_API_KEY=⟦K:5Qf5ORrK0tCb27brLe0Vyhlr7HiKRkf3⟧
MAILER_FROM=narocila@trgovina-zajc.example
""",
)
add(
    "cred",
    "is",
    "minnismidi-fyrir-systur",
    "prose",
    """
Geturðu sett þetta upp sem snyrtilegan lista fyrir systur mína ⟦P:Rakel⟧? Hún sér um fjármálin á meðan ég er á sjó.

Lykilorðið að netbankanum er ⟦S:Lundi-Vestmannaeyjar-4⟧ og notandanafnið er kennitalan mín, ⟦ID@IS:020784-6019⟧. PIN-númerið fyrir rafræn skilríki í símanum er ⟦S:27051⟧. Wi-Fi heima: lykilorð „⟦S:Haust2023Kaffi⟧“. Hurðarkóðinn í stigaganginum er ⟦S:3318⟧. Reikningurinn minn er ⟦IBAN:IS31 0133 2627 5804 0207 8460 19⟧. Kveðja, ⟦P:Guðmundur⟧
""",
)
add(
    "cred",
    "de",
    "urlaubsvertretung-praxis",
    "prose",
    """
Bitte mach aus meinen Stichpunkten eine ordentliche Übergabe-Mail an meine Urlaubsvertretung, Frau Dr. ⟦P:Annegret Seidel⟧:

- Praxissoftware: Benutzer ⟦U:kbrandt⟧, das Passwort lautet ⟦S:Lindenblüte#2025⟧ (bitte nach dem Urlaub nicht ändern)
- KV-Portal, 2FA-Seed für die Authenticator-App: otpauth://totp/KV-Portal:⟦U:kbrandt⟧?secret=⟦S:N7D2GLNEHKUXFI7W⟧&issuer=KV-Portal
- eHBA-PIN für die Signatur: ⟦S:741953⟧, SMC-B-PIN: ⟦S:208864⟧
- Alarmanlage: Code ⟦S:5-0-7-2⟧, danach Taste "Ab"
- Bei Problemen mit dem Konnektor: Herr ⟦P:Okafor⟧ von der IT, ⟦T:0176 4418 2093⟧
Viele Grüße, ⟦P:Katrin Brandt⟧
""",
)
add(
    "cred",
    "de",
    "nextcloud-config-php",
    "code",
    """
Nach dem Update auf Nextcloud 30 kommt "Internal Server Error" und im Log steht etwas von "Could not decrypt". Kann das an dieser config.php liegen? (Bitte nur die relevanten Teile erklären.)

<?php
$CONFIG = array (
  'instanceid' => 'ocx7q2k9w1ab',
  'passwordsalt' => '⟦S:034qOBYoD0hN450itDEF30uU0PBDeVsS⟧',
  'secret' => '⟦S:53fP2k77R9RFAP6VGYqLZdwMq5HuSGfrEoGAdSgjNww6rrO2⟧',
  'trusted_domains' => array (0 => 'cloud.familie-brandt.example'),
  'dbtype' => 'pgsql',
  'dbname' => 'nextcloud',
  'dbhost' => 'localhost',
  'dbuser' => 'oc_admin',
  'dbpassword' => '⟦S:Sonnenblume-Keller-58⟧',
  'mail_smtphost' => 'smtp.posteo.de',
  'mail_smtpname' => '⟦E:thomas.brandt@posteo.example⟧',
  'mail_smtppassword' => '⟦S:Hafenkran_1976⟧',
);
""",
)
add(
    "cred",
    "fr",
    "identifiants-impots-comptable",
    "prose",
    """
Peux-tu reformuler ce message pour ma comptable, Mme ⟦P:Lefort⟧, de façon plus professionnelle ?

"Bonjour, pour la déclaration de mes revenus fonciers, voici mes accès : numéro fiscal ⟦ID@FR:3809046612490⟧, le mot de passe de mon espace impots.gouv est ⟦S:Mimosa-Antibes-62⟧. Pour le compte Ameli c'est le même mot de passe. Mon code de la porte de l'immeuble si vous passez chercher les documents : ⟦S:A2715⟧. Merci beaucoup, ⟦P:Gilles Marchand⟧, ⟦T:06 12 48 90 37⟧"
""",
)
add(
    "cred",
    "fr",
    "symfony-env-local",
    "env",
    """
En prod, les mails de confirmation de commande ne partent plus depuis qu'on a changé d'hébergeur. Voici le .env.local (je sais qu'il ne devrait pas être dans le dépôt).

APP_ENV=prod
APP_SECRET=⟦S:4734af86e7be3ca1022341cfb781d016⟧
DATABASE_URL="postgresql://boutique:⟦S:Calisson-Aix-2024⟧@10.0.1.12:5432/boutique?serverVersion=16"
MAILER_DSN=smtp://⟦E:julie.moreau@laposte.example⟧:⟦S:Lavande_Provence7⟧@smtp.laposte.example:587
BREVO_API_KEY=⟦K: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⟧
CONTACT_EMAIL=contact@calissons-moreau.example
""",
)
add(
    "cred",
    "es",
    "claves-banca-hermano",
    "prose",
    """
Pásame esto a limpio para mi hermano ⟦P:Álvaro⟧, que se va a encargar de las cuentas de mamá mientras yo estoy fuera:

"El usuario de la banca online de mamá es su NIE, ⟦ID@ES:Y6628766L⟧, y la clave de acceso es ⟦S:Girasol.1954⟧. La clave de firma para las transferencias es ⟦S:82614⟧. El PIN de su tarjeta es ⟦S:3090⟧, pero que no lo use salvo urgencia. La contraseña de Cl@ve PIN es la misma que la de la banca. Cualquier cosa, llámame al ⟦T:+34 655 21 90 47⟧. Un beso, ⟦P:Lucía⟧"
""",
)
add(
    "cred",
    "es",
    "certificado-fnmt-node",
    "code",
    """
El envío al SII de la AEAT falla con "error:1C800064:Provider routines::bad decrypt". ¿La contraseña del certificado está mal o es el formato de la clave? También uso Holded desde el mismo servicio.

const https = require('https');
const KEY = `⟦PK:-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIC5TBfBgkqhkiG9w0BBQ0wUjAxBgkqhkiG9w0BBQwwJAQQHYjtVPborSepnFZM
VvQS7wICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEC/XlZDBAleeNIYn
bh5hTN0EggKAeaa8RD3khYg82jal5fWfLUOvlQ1XMhoRWVfDP//OpwzWpxYMZ0iG
Pq6TbHXFSA6S3xvNEQYgcYADtK/Yo8DnZ3GnAMimf+uRVuNsrG+aSt0lotifu94p
UHOPLaOVkL26aLAZxMae6Vb1gjVuq8/tzmgEERm2jqVh46LJAJFJ+PgC/6/fsohE
hM59QLo14V2FwjHax3SnlZdR4N0UVcJjhyOMisC41MeiZxCMuNKhct8L22Z+233a
dIi2mO0OPZNGi3KLuqfj8DiN3v7lPnGPt05CZiQRgBWdrN0G9mlS4Y370zHSFcyV
aFUn2Ko+mO8OC4SGkywZ/vQW1qOvSW4PuySDvXerpcCI740YTgQMAreIHC7L7Kkt
9DEckZbS6SaWaDuqTdODk5YlExwNcg+jeeiqGcbHJyqjKLD8+Q/SH84jh3/kwqA8
e0lgEnJxLnzVxcJxZdLAxO41NtCeI4T1eFVcPSKUdbP4Wt5J5P2F1hjtpBD+i5MS
I25kn3j4OPuzDHNOtBqsEeT9p1/D/MkXHlPkj9cjXu6OMPGhzA/AFApdH31LgWvi
y4IuFW2JVRitljKU9x1XXxiieQvNX+3+l/m2zLmdQKy2ZMmsZICqgFsEG6nTAcaA
THX8zCSuk8hxpfTxaXGVgPU6kO88uTu4AAjjwf3DSsdIDgpTc2dMcqVqTSNV8McZ
4NbEr0lcWQhyuYfo9ZTFU9X8RDwWdgd+yWYznwuXSg1sDxfEl3eJ/CfpF0mJCuTf
/y8rAeGb4sr40tjetaPCeWop5BKoTapQXSx5PPy5QoOYJRYiMq/4Pr3GKGUl4HYT
8rRwexKlbsL5MGit4ygDTRNfnhU2pJiLFg==
-----END ENCRYPTED PRIVATE KEY-----⟧`;
const agent = new https.Agent({ cert: fs.readFileSync('./fnmt-cert.pem'), key: KEY, passphrase: '⟦S:Kvarnholmen-Tuesday-88⟧' });
const HOLDED_API_KEY = '⟦K:ab787dc4d7a82fd1e9683480706b6bbf⟧';
""",
)
add(
    "cred",
    "it",
    "credenziali-spid-mamma",
    "prose",
    """
Riscrivimi questo messaggio per mio fratello ⟦P:Davide⟧ in modo più chiaro, con un elenco puntato:

"Allora, per lo SPID della mamma: il nome utente è ⟦E:rosanna.galli1951@libero.example⟧ e la password è ⟦S:Gelsomino_1951!⟧. Il codice OTP arriva sul suo cellulare ⟦T:349 552 0817⟧, quindi devi averlo vicino. Il PIN della tessera sanitaria per il fascicolo è ⟦S:40271⟧. Il codice del cancello del garage è ⟦S:7788⟧. ⟦P:Chiara⟧"
""",
)
add(
    "cred",
    "it",
    "fatture-in-cloud-pec-script",
    "code",
    """
Lo script per inviare le fatture via PEC si blocca su "535 5.7.8 authentication failed", mentre la chiamata a Fatture in Cloud funziona. Cosa controllo?

import smtplib, requests
FIC_TOKEN = "⟦K:a/eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiI0IiwianRpIjoiN2UxOGEwYTVhYmNjYTk1YmY4ZTJmODU1OWY4MjNjZGVmN2Y3M2VkZCIsImlhdCI6MTczODM2ODAwMH0.saBCE6807PCj2TKbu-c1anbfcd7NDf87Rr39pHAJMy8⟧"
COMPANY_ID = 1187342
PEC_USER = "⟦E:studio.ferrante@pec.example⟧"
PEC_PASSWORD = "⟦S:Vesuvio#Ferrante2025⟧"

r = requests.get(f"https://api-v2.fattureincloud.it/c/{COMPANY_ID}/issued_documents", headers={"Authorization": f"Bearer {FIC_TOKEN}"})
with smtplib.SMTP_SSL("smtps.pec.aruba.it", 465) as s:
    s.login(PEC_USER, PEC_PASSWORD)
""",
)
add(
    "cred",
    "pt",
    "senha-portal-financas-contabilista",
    "prose",
    """
Reescreve esta mensagem para a minha contabilista, Dra. ⟦P:Fernanda Lopes⟧, num tom mais formal:

"Olá! Para entregar o IRS deste ano, a senha do Portal das Finanças é ⟦S:Andorinha-Braga73⟧ (o NIF já tem). A senha da Segurança Social Direta é ⟦S:Bacalhau&Broa22⟧. Se pedir código de autorização, o que chegou por carta é ⟦S:K7M2-Q9XP⟧. Obrigado, ⟦P:Rui Teixeira⟧, ⟦T:917 304 662⟧"
""",
)
add(
    "cred",
    "pt",
    "checkout-env-mercado-pago",
    "env",
    """
No checkout da loja aparece "invalid access token" do Mercado Pago só em produção. O .env de produção está assim - o token está no formato certo?

NODE_ENV=production
MP_PUBLIC_KEY=APP_USR-4b9e1c2a-7d3f-4a8b-9c1e-2f5d6a7b8c9d
MP_ACCESS_TOKEN=⟦K:APP_USR-9760545931318465-659310-7bceb663b717c30a71541c75f605f788-654614115⟧
PAGSEGURO_EMAIL=⟦E:thiago.bastos@lojadobastos.example⟧
PAGSEGURO_TOKEN=⟦K:q5HuSGfrEoGAdSgjNww6rrO2hcxlHw7A⟧
DATABASE_URL=postgres://loja:⟦S:Caipirinha-Recife-19⟧@db:5432/loja
""",
)
add(
    "cred",
    "nl",
    "digid-voor-mama",
    "prose",
    """
Kun je dit netjes opschrijven voor mijn broer ⟦P:Joris⟧? Hij gaat mama helpen met haar belastingaangifte.

"Mama's DigiD: gebruikersnaam ⟦U:ria.vandijk52⟧, het wachtwoord is ⟦S:Tulpen!Alkmaar52⟧. De sms-code komt op haar mobiel, ⟦T:06 51928374⟧. Voor de Rabo-app is de pincode ⟦S:90528⟧. De sleutelkluis bij de voordeur heeft code ⟦S:2-7-1-1⟧. Groetjes, ⟦P:Mirjam⟧"
""",
)
add(
    "cred",
    "nl",
    "mollie-moneybird-applepay-ruby",
    "code",
    """
Apple Pay via Mollie geeft "merchant validation failed" en Moneybird geeft 401. Kun je deze initializer nakijken? Het EC-sleutelbestand hebben we uit de merchant identity gehaald.

Mollie::Client.configure do |config|
  config.api_key = '⟦K:live_MwBrkW5wMDkQk02VBhWNaYpz7A6kE1⟧'
end

MONEYBIRD_TOKEN = '⟦K:dd5e88ecbc6a6c297a118a117e656365d28f20ef⟧'
MONEYBIRD_ADMINISTRATION_ID = '412876539012345678'

APPLE_PAY_MERCHANT_KEY = <<~PEM
  ⟦PK:-----BEGIN PRIVATE KEY-----
  MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgBXBS4lzb4OAn+haV
  ba6SMCwxHs1GHSnJ9Trvm8A6tIWhRANCAASzWmqMKVtO47lot5LOw+hfj3cJGiam
  rDNVxc9H9pF6ddbmxA/8/vVq+9k8G0eavF7/qU+dUiFsfJjZlohJisWF
  -----END PRIVATE KEY-----⟧
PEM
""",
)
add(
    "cred",
    "pl",
    "profil-zaufany-dla-taty",
    "prose",
    """
Przepisz to ładnie dla mojej siostry ⟦P:Magdy⟧, będzie załatwiać sprawy taty w ZUS, kiedy ja będę w delegacji:

"Login do profilu zaufanego taty to ⟦U:j.nowicki1950⟧, a hasło to ⟦S:Bursztyn_Gdynia50⟧. Kod SMS przychodzi na jego telefon, ⟦T:604 218 337⟧. Do PUE ZUS logujesz się tym samym. PIN do jego karty to ⟦S:7201⟧ - tylko w razie potrzeby. Domofon na klatce: ⟦S:14K2710⟧. Buziaki, ⟦P:Ola⟧"
""",
)
add(
    "cred",
    "pl",
    "inpost-przelewy24-config",
    "code",
    """
Po przejściu na produkcję Przelewy24 zwraca "Incorrect CRC value", a InPost działa. Czy dobrze przepisałem klucze z panelu?

<?php
define('INPOST_ORGANIZATION_ID', '58203');
define('INPOST_API_TOKEN', '⟦K:eyJhbGciOiJSUzI1NiIsInR5cCIgOiAiSldUIiwia2lkIiA6ICJkQWx6xctajPpZgllFvAhTmjkZ9lEawiL9gkQBQGtNQ4F8guCqRACms08RDcm3Pyc⟧');
define('P24_MERCHANT_ID', '271834');
define('P24_POS_ID', '271834');
define('P24_CRC', '⟦K:94c4910900587bf2⟧');
define('P24_API_KEY', '⟦K:dfcad3cf4ddd688736d761814f0d4139⟧');
define('SKLEP_EMAIL', 'zamowienia@herbaciarnia-lipa.example');
""",
)

# ---------------------------------------------------------------------------
# group benign — English
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "ada-lovelace-timeline",
    "prose",
    """
For a Year 8 computing display, write a ten-point timeline of Ada Lovelace: born Augusta Ada Byron on 10 December 1815 in London, daughter of Lord Byron and Annabella Milbanke; met Charles Babbage in June 1833; married William King in 1835 (later Earl of Lovelace); published her Notes on the Analytical Engine in 1843, including Note G; died 27 November 1852 and is buried at the Church of St Mary Magdalene in Hucknall. End with a line about Ada Lovelace Day (second Tuesday of October).
""",
)
add(
    "benign",
    "en",
    "book-club-isbn-list",
    "markdown-table",
    """
Our book club wants the next four picks ordered by page count, shortest first, with a one-line hook for each. Please keep the ISBNs so the library can reserve copies.

| title | author | ISBN | pages |
|---|---|---|---|
| Small Things Like These | Claire Keegan | 978-0-571-36870-1 | 116 |
| Klara and the Sun | Kazuo Ishiguro | 978-0-571-36487-1 | 320 |
| The Remains of the Day | Kazuo Ishiguro | 978-0-571-25824-8 | 258 |
| Piranesi | Susanna Clarke | 978-1-5266-2242-7 | 272 |
""",
)
add(
    "benign",
    "en",
    "aws-docs-example-keys",
    "prose",
    """
In the AWS CLI docs the example credentials are AKIAIOSFODNN7EXAMPLE and wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY. Are these ever valid? I want to use them in our onboarding wiki to show where the access key id and secret go in ~/.aws/credentials, and I want to be sure our secret scanner won't block the page. Also explain the difference between AKIA and ASIA prefixes.
""",
)
add(
    "benign",
    "en",
    "form-field-masks",
    "form",
    """
Write short helper text for each field of our registration form (max 12 words each). The input masks are:

Date of birth: DD/MM/YYYY
Mobile: +44 7XXX XXXXXX
National Insurance number: AA 99 99 99 A
Postcode: e.g. SW1A 1AA
Sort code: 00-00-00
Account number: 8 digits
Card number: #### #### #### ####
""",
)
add(
    "benign",
    "en",
    "dependency-upgrade-note",
    "prose",
    """
Draft a short upgrade note for the team: we're moving from Python 3.11.7 to 3.12.4, Node 20.11.1 to 22.3.0, PostgreSQL 15.6 to 16.3 and Django 4.2.11 to 5.0.6. Mention that xz-utils 5.6.0 and 5.6.1 (CVE-2024-3094) were never in our images, that OpenSSL stays at 3.0.13, and that build 2024.06.17-r3 is the last one on the old stack.
""",
)
add(
    "benign",
    "en",
    "order-not-delivered-query",
    "prose",
    """
Help me write a message to customer service: order 114-3941689-8772232 shows "delivered" on 14 May at 13:02 but nothing arrived. The tracking number is JJD0002249513842 and the item was a Bosch PSB 1800 LI-2 drill (model 06039E2170). I'd like a replacement rather than a refund.
""",
)
add(
    "benign",
    "en",
    "village-fete-bake-off",
    "prose",
    """
I'm judging the village fete bake-off. Give me a scoring sheet for three classes: Victoria sponge (two 20 cm tins, 225 g each of butter, caster sugar and self-raising flour, 4 eggs, baked at 180°C for 20-25 minutes), Bakewell tart (shortcrust, raspberry jam, frangipane with 100 g ground almonds), and Eton mess (300 ml double cream, 400 g strawberries, 4 meringue nests). Marks out of 10 for appearance, texture and flavour.
""",
)
add(
    "benign",
    "en",
    "retail-brand-sales-summary",
    "csv",
    """
Summarise this week's sales by brand for the Monday meeting - three bullet points and one chart suggestion.

brand,category,units,revenue_gbp,vs_last_week
Ben & Jerry's,frozen,1412,6918.80,+12%
Tommy Hilfiger,apparel,96,5664.00,-4%
Dr. Martens,footwear,41,6109.00,+18%
Jack Daniel's,spirits,233,6058.00,+2%
Ted Baker,apparel,58,3712.00,-9%
Paul Smith,accessories,27,2160.00,+6%
""",
)
add(
    "benign",
    "en",
    "history-quiz-dates",
    "prose",
    """
Make a 10-question pub quiz round on British history with answers: Battle of Hastings (14 October 1066), Magna Carta sealed at Runnymede (15 June 1215), execution of Charles I (30 January 1649), Great Fire of London (2 September 1666), Battle of Trafalgar (21 October 1805), Queen Victoria's coronation (28 June 1838), votes for women over 30 (6 February 1918), D-Day (6 June 1944), NHS founded (5 July 1948), Elizabeth II's coronation (2 June 1953).
""",
)
add(
    "benign",
    "en",
    "rail-itinerary-place-names",
    "prose",
    """
Plan a two-week rail trip for me: start at London Victoria, then Chester, St Helens, Preston and Florence (via Paris and Milan), back through Charlotte Street in Fitzrovia for dinner, and finally fly from Heathrow to Sydney to see the Victoria Street markets. Budget around £3,500, mostly standard class, with one night train.
""",
)
add(
    "benign",
    "en",
    "dbt-schema-pii-tests",
    "yaml",
    """
Does this dbt schema file make sense? I want tests that fail if unmasked personal data ever lands in the analytics layer.

version: 2
models:
  - name: dim_customers
    columns:
      - name: customer_sk
        tests: [unique, not_null]
      - name: email_hash
        tests:
          - dbt_expectations.expect_column_values_to_match_regex:
              regex: "^[a-f0-9]{64}$"
      - name: date_of_birth
        tests:
          - dbt_expectations.expect_column_to_not_exist
      - name: card_last4
        tests:
          - dbt_expectations.expect_column_value_lengths_to_equal:
              value: 4
""",
)
add(
    "benign",
    "en",
    "ni-number-regex",
    "code",
    """
Is this regex right for UK National Insurance numbers? HMRC's manual uses QQ 12 34 56 C as the example, and I know prefixes like BG, GB, NK, KN, TN, NT and ZZ are never issued.

import re
NINO = re.compile(r"^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D]$")
for s in ["QQ 12 34 56 C", "AB123456D", "GB123456A"]:
    print(s, bool(NINO.match(s)))
""",
)
add(
    "benign",
    "en",
    "python-traceback-keyerror",
    "code",
    """
Why am I getting this? It only happens on the nightly run.

Traceback (most recent call last):
  File "/opt/etl/venv/lib/python3.12/site-packages/airflow/models/taskinstance.py", line 465, in _execute_task
    result = execute_callable(context=context, **execute_callable_kwargs)
  File "/opt/etl/dags/weather_import.py", line 88, in load_readings
    station = stations[row["station_id"]]
              ~~~~~~~~^^^^^^^^^^^^^^^^^^^
KeyError: 'EGLL-03772'
[2025-06-02, 02:00:14 UTC] {taskinstance.py:1206} INFO - Marking task as FAILED. dag_id=weather_import, task_id=load_readings, run_id=scheduled__2025-06-01T02:00:00+00:00
""",
)
add(
    "benign",
    "en",
    "subnetting-exercise",
    "prose",
    """
Create a subnetting worksheet for my networking class using only the documentation ranges: split 192.0.2.0/24 into four /26 networks, 198.51.100.0/24 into /27s, and show 203.0.113.77/28 with its network address, broadcast and usable host range. Add an IPv6 question using 2001:db8:4b1::/48.
""",
)
add(
    "benign",
    "en",
    "chess-openings-and-songs",
    "prose",
    """
I run a chess club for teenagers. Write a fun one-page handout linking famous openings to their namesakes - the Ruy Lopez, the Caro-Kann, the Najdorf Sicilian, the Alekhine Defence and the Petrov - and for a joke add song titles as "opening names" (Mrs Robinson Gambit, Lucy in the Sky Attack, Hey Jude Defence).
""",
)
add(
    "benign",
    "en",
    "cricket-test-scorecard",
    "markdown-table",
    """
Write a 150-word match report from this scorecard (England first innings, day one at Lord's):

| batter | how out | runs | balls |
|---|---|---|---|
| Zak Crawley | c Carey b Cummins | 48 | 61 |
| Ben Duckett | lbw b Starc | 98 | 134 |
| Joe Root | not out | 112 | 187 |
| Harry Brook | c Smith b Lyon | 37 | 40 |
| Ben Stokes | not out | 21 | 33 |
""",
)
add(
    "benign",
    "en",
    "git-log-release-notes",
    "command",
    """
Turn this into release notes for v2.8.0, grouped by feature/fix/chore:

$ git log --oneline v2.7.3..v2.8.0
9f3c2e1 feat(export): add ODS export for timesheets (#1184)
b71a0d4 fix(auth): refresh token rotation race (#1179)
4e2d9a7 chore(deps): bump axios from 1.6.8 to 1.7.2 (#1176)
c0a18f3 fix(ui): date picker off-by-one in Europe/Lisbon (#1171)
3d8b6e0 feat(api): rate-limit headers per RFC 9331 draft (#1168)
$ git show -s --format='%an <%ae>' 4e2d9a7
dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>
""",
)
add(
    "benign",
    "en",
    "paracetamol-general-question",
    "prose",
    """
General question for a first-aid refresher: what is the usual maximum daily dose of paracetamol for adults, why is the limit lower for people under 50 kg, and why shouldn't you combine it with cold-and-flu sachets? Also explain in one paragraph why ibuprofen is not recommended for some people with asthma.
""",
)
add(
    "benign",
    "en",
    "password-policy-bad-examples",
    "prose",
    """
Write the password section of our staff security policy. It should say passwords must be at least 14 characters, and give examples of what NOT to use: Password123!, Summer2024, Qwerty1!, the company name plus the year, your child's name, or anything on the NCSC's list of the 100,000 most common passwords. Recommend three random words and a password manager.
""",
)
add(
    "benign",
    "en",
    "hash-lengths-explained",
    "command",
    """
Explain to a junior developer why these outputs have different lengths and which one they should use for file integrity checks:

$ echo -n hello | md5sum
5d41402abc4b2a76b9719d911017c592  -
$ echo -n hello | sha1sum
aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d  -
$ echo -n hello | sha256sum
2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824  -
""",
)
add(
    "benign",
    "en",
    "tv-script-drama-numbers",
    "prose",
    """
I'm writing a radio drama set in Manchester. DI Rachel Stone leaves a voicemail for the witness on 07700 900461 and the station's front desk is 0161 496 0752 - I took both from Ofcom's ranges reserved for drama, so they can't ring a real person. Write the voicemail (about 80 words) in a clipped, tired voice.
""",
)
add(
    "benign",
    "en",
    "luhn-algorithm-lesson",
    "prose",
    """
Explain the Luhn checksum step by step for a beginners' coding class, using the textbook example 79927398713 (the last digit 3 is the check digit). Then give them an exercise: compute the check digit for 7992739871, and explain why Luhn catches every single-digit typo but not every swap of 09 and 90.
""",
)
add(
    "benign",
    "en",
    "compose-env-placeholders",
    "yaml",
    """
Is this docker-compose file safe to commit? All the real values live in a .env that's gitignored.

services:
  db:
    image: postgres:16.3
    environment:
      POSTGRES_USER: ${POSTGRES_USER}
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}
  app:
    image: ghcr.io/acme/app:2.8.0
    environment:
      DATABASE_URL: postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/app
      STRIPE_SECRET_KEY: ${STRIPE_SECRET_KEY}
      SESSION_SECRET: changeme
""",
)
add(
    "benign",
    "en",
    "java-person-builder",
    "code",
    """
Can you add validation to this builder so that an empty first name or a date of birth in the future throws? Keep it Java 17.

public record Person(String firstName, String lastName, LocalDate dateOfBirth, String email) {
    public static Builder builder() { return new Builder(); }
    public static final class Builder {
        private String firstName = "FIRST";
        private String lastName = "LAST";
        private LocalDate dateOfBirth = LocalDate.of(1970, 1, 1);
        private String email = "user@example.com";
        public Builder firstName(String v) { this.firstName = v; return this; }
        public Person build() { return new Person(firstName, lastName, dateOfBirth, email); }
    }
}
""",
)
add(
    "benign",
    "en",
    "grace-hopper-citation-one-liner",
    "prose",
    """
Should a citation say "Grace Hopper" or "Rear Admiral Grace M. Hopper", and is the 9 September 1947 moth story the origin of "debugging"?
""",
)

# ---------------------------------------------------------------------------
# group benign — other languages
# ---------------------------------------------------------------------------
add(
    "benign",
    "sv",
    "nobel-och-lindgren-skolarbete",
    "prose",
    """
Skriv en kort text till ett skolarbete i årskurs 6 om två kända svenskar: Alfred Nobel, född 21 oktober 1833 i Stockholm, död 10 december 1896 i Sanremo, och Astrid Lindgren, född 14 november 1907 på gården Näs utanför Vimmerby, död 28 januari 2002. Nämn dynamiten, Nobelpriset och Pippi Långstrump, Emil i Lönneberga och Ronja Rövardotter.
""",
)
add(
    "benign",
    "sv",
    "personnummer-kontrollsiffra-forklaring",
    "prose",
    """
Förklara hur kontrollsiffran i ett svenskt personnummer räknas ut med Luhn-algoritmen. Använd Skatteverkets exempel 811218-9876 och visa steg för steg varför sista siffran blir 6. Förklara också skillnaden mellan bindestreck och plustecken (för den som fyllt 100) och vad ett samordningsnummer är.
""",
)
add(
    "benign",
    "fi",
    "sibelius-esitelma",
    "prose",
    """
Kirjoita viiden minuutin esitelmä Jean Sibeliuksesta: syntyi 8. joulukuuta 1865 Hämeenlinnassa, kuoli 20. syyskuuta 1957 Ainolassa Järvenpäässä. Mainitse Finlandia (1899), viulukonsertto d-molli, seitsemän sinfoniaa ja Aino Sibelius. Lopuksi kerro, miksi 8. joulukuuta on suomalaisen musiikin päivä.
""",
)
add(
    "benign",
    "fi",
    "henkilotunnus-rakenne",
    "prose",
    """
Selitä, miten suomalainen henkilötunnus rakentuu: syntymäaika, välimerkki (+, - tai A sekä vuodesta 2023 lähtien myös Y, X, W, V, U, B, C, D, E ja F), yksilönumero ja tarkistusmerkki. Käytä Digi- ja väestötietoviraston esimerkkiä 131052-308T ja näytä, miten jakojäännös 31:llä lasketaan.
""",
)
add(
    "benign",
    "hu",
    "semmelweis-es-rubik-kiseloadas",
    "prose",
    """
Írj egy rövid kiselőadást két magyar feltalálóról/tudósról: Semmelweis Ignác (született 1818. július 1-jén Budán, az anyák megmentője, a kézfertőtlenítés úttörője) és Rubik Ernő (született 1944. július 13-án Budapesten, a bűvös kocka feltalálója 1974-ben). Zárd egy kérdéssel a hallgatóságnak.
""",
)
add(
    "benign",
    "hu",
    "adoszam-formatum-lanchid",
    "prose",
    """
Két gyors kérdés: 1) Mit jelentenek egy magyar cég adószámának részei (12345678-1-42: törzsszám, áfakód, területi kód)? 2) A Széchenyi lánchíd mederhídja 202,6 méter hosszú, a teljes híd 375,6 méter; 1849. november 20-án adták át. Ebből írj két mondatot egy turistakalauzba.
""",
)
add(
    "benign",
    "ro",
    "brancusi-referat",
    "prose",
    """
Scrie un referat de o pagină despre Constantin Brâncuși: născut la 19 februarie 1876 la Hobița, Gorj, mort la 16 martie 1957 la Paris. Include Coloana fără sfârșit, Poarta sărutului și Masa tăcerii de la Târgu Jiu (1938) și atelierul reconstituit lângă Centre Pompidou.
""",
)
add(
    "benign",
    "ro",
    "structura-cnp-explicatie",
    "prose",
    """
Explică-mi structura codului numeric personal (S AA LL ZZ JJ NNN C): ce înseamnă prima cifră pentru născuții înainte și după 2000, codurile de județ (de ex. 40 pentru București, 51 și 52 pentru sectoarele vechi) și cum se calculează cifra de control cu constanta 279146358279. Nu folosi CNP-uri reale, doar literele.
""",
)
add(
    "benign",
    "tr",
    "ataturk-ve-cumhuriyet-sunum",
    "prose",
    """
Lise öğrencileri için kısa bir sunum metni yaz: Mustafa Kemal Atatürk 1881'de Selanik'te doğdu, 19 Mayıs 1919'da Samsun'a çıktı, 23 Nisan 1920'de TBMM açıldı, 29 Ekim 1923'te Cumhuriyet ilan edildi ve 10 Kasım 1938'de İstanbul'da Dolmabahçe Sarayı'nda vefat etti.
""",
)
add(
    "benign",
    "tr",
    "tckn-algoritmasi-kod",
    "code",
    """
Bu fonksiyon T.C. kimlik numarası formatını doğru kontrol ediyor mu? Gerçek numara kullanmadan birim testi yazmama yardım et.

def tckn_gecerli_mi(s: str) -> bool:
    if len(s) != 11 or not s.isdigit() or s[0] == "0":
        return False
    d = list(map(int, s))
    c10 = ((sum(d[0:9:2]) * 7) - sum(d[1:8:2])) % 10
    c11 = sum(d[:10]) % 10
    return d[9] == c10 and d[10] == c11
""",
)
add(
    "benign",
    "el",
    "maria-callas-afieroma",
    "prose",
    """
Γράψε ένα σύντομο αφιέρωμα για τη Μαρία Κάλλας για τη σχολική εφημερίδα: γεννήθηκε στις 2 Δεκεμβρίου 1923 στη Νέα Υόρκη, σπούδασε στο Ωδείο Αθηνών με την Ελβίρα ντε Ιντάλγκο, τραγούδησε Νόρμα και Τόσκα και πέθανε στις 16 Σεπτεμβρίου 1977 στο Παρίσι. Μην ξεχάσεις το 2023 που ήταν «Έτος Μαρίας Κάλλας».
""",
)
add(
    "benign",
    "el",
    "parthenonas-diastaseis",
    "prose",
    """
Για μια εργασία γεωμετρίας: ο Παρθενώνας έχει διαστάσεις στυλοβάτη περίπου 69,5 m × 30,9 m, 8 κίονες στις στενές πλευρές και 17 στις μακριές, ύψος κιόνων 10,4 m. Υπολόγισε το εμβαδόν του στυλοβάτη και εξήγησε τη χρυσή τομή (1,618...) με δύο απλά παραδείγματα.
""",
)
add(
    "benign",
    "bg",
    "vasil-levski-doklad",
    "prose",
    """
Напиши кратък доклад за Васил Левски за 5. клас: роден на 18 юли 1837 г. в Карлово, обесен на 18 февруари 1873 г. в София. Спомени Вътрешната революционна организация, „Чиста и свята република“ и паметника на Левски в центъра на София.
""",
)
add(
    "benign",
    "bg",
    "egn-struktura-validaciya",
    "code",
    """
Тази функция проверява ли правилно структурата на ЕГН (месецът +20 за родените преди 1900 и +40 за родените след 2000)? Напиши ми тестове само с измислени гранични случаи.

def mesec_i_godina(egn: str):
    yy, mm = int(egn[0:2]), int(egn[2:4])
    if mm > 40:
        return 2000 + yy, mm - 40
    if mm > 20:
        return 1800 + yy, mm - 20
    return 1900 + yy, mm
""",
)
add(
    "benign",
    "hr",
    "nikola-tesla-plakat",
    "prose",
    """
Napravi tekst za školski plakat o Nikoli Tesli: rođen 10. srpnja 1856. u Smiljanu kraj Gospića, umro 7. siječnja 1943. u New Yorku. Spomeni izmjeničnu struju, indukcijski motor, Teslinu zavojnicu i Memorijalni centar u Smiljanu.
""",
)
add(
    "benign",
    "hr",
    "oib-kontrolna-znamenka",
    "prose",
    """
Objasni mi kako se računa kontrolna znamenka OIB-a po normi ISO 7064 (MOD 11,10) i zašto OIB, za razliku od starog JMBG-a, ne sadrži datum rođenja. Daj primjer računa na izmišljenom broju 1234567890 i napiši koja bi bila jedanaesta znamenka.
""",
)
add(
    "benign",
    "sk",
    "stefanik-prezentacia",
    "prose",
    """
Priprav mi osnovu prezentácie o Milanovi Rastislavovi Štefánikovi: narodil sa 21. júla 1880 v Košariskách, zahynul 4. mája 1919 pri Ivanke pri Dunaji. Astronóm, generál francúzskej armády, spoluzakladateľ Československa. Pridaj otázku o Mohyle na Bradle.
""",
)
add(
    "benign",
    "sk",
    "rodne-cislo-zeny-mesiac",
    "prose",
    """
Prečo majú ženy v rodnom čísle k mesiacu pripočítaných 50 (napr. zápis YY 5M DD/XXXX) a prečo sú rodné čísla pred rokom 1954 len deväťmiestne? Vysvetli aj deliteľnosť 11 pri desaťmiestnych číslach. Bez reálnych príkladov, len so vzorom.
""",
)
add(
    "benign",
    "sl",
    "preseren-proslava",
    "prose",
    """
Napiši govor za šolsko proslavo ob kulturnem prazniku: France Prešeren se je rodil 3. decembra 1800 v Vrbi in umrl 8. februarja 1849 v Kranju. Omeni Zdravljico, katere sedma kitica je slovenska himna, Krst pri Savici in Sonetni venec.
""",
)
add(
    "benign",
    "sl",
    "triglav-tura-nacrt",
    "prose",
    """
Naredi načrt dvodnevne ture na Triglav (2864 m) iz Krme: prvi dan do Kredarice (2515 m), približno 5 ur in 1500 m vzpona, drugi dan vrh in sestop. Dodaj seznam opreme, samovarovalni komplet po normi EN 958 in telefonsko številko 112 za nujne primere.
""",
)
add(
    "benign",
    "is",
    "vigdis-og-bjork-verkefni",
    "prose",
    """
Skrifaðu stutt skólaverkefni um tvær íslenskar konur: Vigdísi Finnbogadóttur, fædda 15. apríl 1930, fyrstu konuna sem var lýðræðislega kjörin forseti (1980), og Björk Guðmundsdóttur, fædda 21. nóvember 1965, söngkonu Sykurmolanna og höfund plötunnar Debut.
""",
)
add(
    "benign",
    "is",
    "kennitala-uppbygging",
    "prose",
    """
Útskýrðu uppbyggingu kennitölu: fyrstu sex tölurnar eru fæðingardagur (DDMMÁÁ), svo tvær raðtölur, vartala reiknuð með vogtölunum 3, 2, 7, 6, 5, 4, 3, 2 og síðasti stafurinn sem aldarvísir (9 fyrir 1900-1999, 0 fyrir 2000-2099). Notaðu bara tilbúið mynstur, engar raunverulegar kennitölur.
""",
)
add(
    "benign",
    "de",
    "einstein-curie-referat",
    "prose",
    """
Hilf mir bei einem Referat für die 9. Klasse: Albert Einstein, geboren am 14. März 1879 in Ulm, gestorben am 18. April 1955 in Princeton; Marie Curie, geboren am 7. November 1867 in Warschau, gestorben am 4. Juli 1934 in Passy. Vergleiche ihre Nobelpreise (1903, 1911, 1921) und erkläre E = mc² in zwei Sätzen.
""",
)
add(
    "benign",
    "de",
    "grundsteuer-flurstueck-berechnung",
    "prose",
    """
Rechne mir bitte den neuen Grundsteuerwert nach dem Bundesmodell grob nach: Gemarkung Lindenthal, Flur 12, Flurstück 347/2, Grundstücksfläche 512 m², Bodenrichtwert 780 €/m², Einfamilienhaus Baujahr 1968, Wohnfläche 134 m², Aktenzeichen 215/123/45678. Der Hebesatz der Gemeinde liegt bei 515 %.
""",
)
add(
    "benign",
    "fr",
    "simone-veil-expose",
    "prose",
    """
Aide-moi à préparer un exposé sur Simone Veil : née le 13 juillet 1927 à Nice, déportée à Auschwitz-Birkenau en 1944, ministre de la Santé qui a porté la loi de 1975, première présidente du Parlement européen élu (1979), entrée au Panthéon le 1er juillet 2018. Trois parties, avec une citation.
""",
)
add(
    "benign",
    "fr",
    "code-insee-vs-code-postal",
    "prose",
    """
Explique-moi la différence entre code postal et code INSEE d'une commune, avec les exemples de Paris 15e (75015, code commune 75115), de Lyon 3e (69003, code 69383) et de Marseille 1er (13001, code 13201). Pourquoi mon import de fichier échoue-t-il quand je mets le code postal dans la colonne « code_commune » ?
""",
)
add(
    "benign",
    "es",
    "garcia-marquez-comentario",
    "prose",
    """
Escríbeme un comentario breve sobre Gabriel García Márquez para clase de Lengua: nació el 6 de marzo de 1927 en Aracataca (Colombia), publicó Cien años de soledad en 1967, recibió el Nobel en 1982 y murió el 17 de abril de 2014 en Ciudad de México. Menciona Macondo y a Aureliano Buendía.
""",
)
add(
    "benign",
    "es",
    "modelo-303-casillas",
    "form",
    """
Explícame qué va en cada casilla del modelo 303 del primer trimestre con estos importes de ejemplo:

Casilla 01 (base imponible al 4 %): 1.250,00
Casilla 07 (base imponible al 21 %): 18.400,00
Casilla 28 (base de cuotas soportadas interiores): 9.300,00
Casilla 71 (resultado): pendiente
Periodo: 1T 2025, régimen general, sin operaciones intracomunitarias
""",
)
add(
    "benign",
    "it",
    "levi-montalcini-ricerca",
    "prose",
    """
Scrivimi una scheda biografica di Rita Levi-Montalcini per una ricerca di terza media: nata a Torino il 22 aprile 1909, premio Nobel per la medicina nel 1986 per la scoperta del fattore di crescita nervoso (NGF), senatrice a vita dal 2001, morta a Roma il 30 dicembre 2012.
""",
)
add(
    "benign",
    "it",
    "pizzeria-menu-nomi",
    "prose",
    """
Riscrivi il menù della nostra pizzeria in modo più invitante, massimo 20 parole per pizza: Margherita (pomodoro San Marzano, fiordilatte, basilico), Marinara, Capricciosa, Regina (con bufala campana DOP), Diavola e la pizza della casa "Nonna Rosa" con friarielli e salsiccia. Impasto al 70 % di idratazione, 48 ore di lievitazione.
""",
)
add(
    "benign",
    "pt",
    "amalia-rodrigues-texto",
    "prose",
    """
Escreve um texto curto sobre Amália Rodrigues para uma visita de estudo à Casa-Museu na Rua de São Bento, 193, em Lisboa: nasceu em 1920 (a data de 23 de julho é a que ela celebrava), cantou "Estranha Forma de Vida" e "Barco Negro" e morreu a 6 de outubro de 1999. Desde 2001 está no Panteão Nacional.
""",
)
add(
    "benign",
    "pt",
    "eletrico-28-roteiro",
    "prose",
    """
Faz-me um roteiro de meio dia no elétrico 28 de Lisboa, do Martim Moniz até aos Prazeres: paragens na Graça, Largo das Portas do Sol, Sé, Rua da Conceição, Chiado (Rua Garrett e a estátua de Fernando Pessoa na Brasileira) e Estrela. O bilhete de bordo custa 3,20 euros.
""",
)
add(
    "benign",
    "nl",
    "van-gogh-spreekbeurt",
    "prose",
    """
Help mijn dochter met een spreekbeurt over Vincent van Gogh: geboren op 30 maart 1853 in Zundert, overleden op 29 juli 1890 in Auvers-sur-Oise. Noem De aardappeleters, De sterrennacht en Zonnebloemen, zijn broer Theo en het Van Gogh Museum aan de Museumplein in Amsterdam.
""",
)
add(
    "benign",
    "nl",
    "elfstedentocht-1997-quiz",
    "prose",
    """
Maak een quiz van acht vragen over de Elfstedentocht: de laatste werd verreden op 4 januari 1997, winnaar Henk Angenent in 6 uur, 49 minuten en 18 seconden, ongeveer 200 km langs elf Friese steden, start en finish bij de Bonkevaart in Leeuwarden. Vraag ook naar het kruisje in Bartlehiem.
""",
)
add(
    "benign",
    "pl",
    "sklodowska-curie-prezentacja",
    "prose",
    """
Przygotuj prezentację na lekcję fizyki o Marii Skłodowskiej-Curie: urodzona 7 listopada 1867 r. w Warszawie przy ulicy Freta 16 (dziś muzeum), dwukrotna laureatka Nagrody Nobla (1903 z fizyki, 1911 z chemii), odkryła polon i rad, zmarła 4 lipca 1934 r. w Passy.
""",
)
add(
    "benign",
    "pl",
    "nip-regon-wyjasnienie",
    "prose",
    """
Wyjaśnij różnicę między NIP, REGON i KRS dla małej spółki z o.o. i pokaż, jak liczy się cyfrę kontrolną NIP z wagami 6-5-7-2-3-4-5-6-7 na wymyślonym przykładzie 123-456-32-18. Dodaj, gdzie sprawdzić czynny status VAT (Biała lista).
""",
)

if __name__ == "__main__":
    build(PROMPTS, HERE / "fresh17.jsonl", seed=SPLIT_SEED, id_prefix=ID_PREFIX)
