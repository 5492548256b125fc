#!/usr/bin/env python3
"""Build the 'fresh9' privacy-filter evaluation corpus (ninth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

The parser, checks, dev/test split and statistics live in the shared module
``benchmarks/accuracy/_corpus_tools.py``. This script only holds the prompts,
assigns the ids ``m-0001`` … and writes fresh9.jsonl next to this file with
split seed 9099.

Run:  python build.py [--stats]   (needs python-stdnum and phonenumbers)
"""

import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus_tools import add_prompt, build

SPLIT_SEED = 9099
ID_PREFIX = "m"
PROMPTS = []
add = functools.partial(add_prompt, PROMPTS)

# ---------------------------------------------------------------------------
# group pii
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "fender-bender-text-thread",
    "prose",
    """
can you turn this text thread into a short timeline i can forward to my insurance adjuster? keep the times

[Tue 5:42 PM] Me: Hi, it's ⟦P:Rachel Okonkwo⟧ from the Trader Joe's lot on Ventura, you backed into my Civic. Can we swap info like we said? My number is ⟦T:(818) 555-0127⟧
[5:44 PM] ⟦T:(818) 555-0193⟧: yes so sorry again!! ⟦P:Dustin Albrecht⟧, Geico policy ⟦ACC:6021-84-3377⟧, CA license ⟦DL:D4418203⟧
[5:45 PM] Me: thanks. I'm with State Farm, policy ⟦ACC:0398-716-F55⟧. What address should the claim go to?
[5:49 PM] ⟦T:(818) 555-0193⟧: ⟦A:14420 Dickens St Apt 6, Sherman Oaks, CA 91423⟧
[5:51 PM] ⟦T:(818) 555-0193⟧: oh wait technically my wife ⟦P:Kayla⟧ was driving, she's on the policy too. her license is ⟦DL:D7730561⟧
[5:52 PM] Me: ok so ⟦P:Kayla Albrecht⟧ was the driver? Their plate was 8KXR214, mine 7TNB553.
""",
)
add(
    "pii",
    "en",
    "fafsa-contributor-questions",
    "form",
    """
I'm doing the FAFSA for my son and I'm stuck on the "contributor" part. This is what I've typed into my notes so far. What's missing, and does my husband have to be a separate contributor if we file jointly?

STUDENT
name: ⟦P:Jordan Mitchell-Reyes⟧
SSN ⟦ID@US:308-71-2477⟧   DOB ⟦DOB:09/14/2006⟧
email ⟦E:jordan.mreyes06@inboxly.example⟧

PARENT 1 (me)
⟦P:Marisol Reyes⟧, SSN ⟦ID@US:301-74-9300⟧, born ⟦DOB:03/02/1978⟧
StudentAid.gov username: ⟦U:marisolreyes78⟧

PARENT 2
⟦P:Darnell Mitchell⟧ — SSN ⟦ID@US:400-20-7307⟧ — DOB ⟦DOB:11/19/1975⟧

home: ⟦A:2209 Magnolia Ave, Apt B, Long Beach, CA 90806⟧
2023 AGI 88,412 / untaxed income: none / family size 4 (⟦P:Jordan⟧'s sister starts at CSULB next year too)
""",
)
add(
    "pii",
    "en",
    "credit-report-dispute-letter",
    "prose",
    """
Please make this dispute letter firmer and cite the right FCRA section. Keep it to one page.

To: Equifax Information Services LLC, P.O. Box 740256, Atlanta, GA 30374

My name is ⟦P:Lakshmi Venkataraman⟧ (date of birth ⟦DOB:November 27, 1984⟧, SSN ⟦ID@US:196-76-4940⟧). My current address is ⟦A:77 Orchard Lane, Edison, NJ 08820⟧; before May 2022 I lived at ⟦A:410 Hoboken Ave Apt 3F, Jersey City, NJ 07306⟧.

Your report shows a collection account from Midland Credit Management, account number ⟦ACC:3120884750⟧, which is not mine. It also lists a 30-day late payment in March 2024 on my Chase auto loan, account ⟦ACC:11420376655⟧, which I paid on time (statement attached). It also lists "⟦P:Laxmi Venkatram⟧" as an alias; I have never used that name.

Please correct or delete these items. You can reach me at ⟦T:(732) 555-0164⟧.
""",
)
add(
    "pii",
    "en",
    "itemized-hospital-bill-ocr",
    "form",
    """
I scanned my dad's hospital bill with my phone and the OCR is a mess. Can you find charges that look duplicated and then draft a polite request for a fully itemized bill?

ST. BRENDAN REGIONAL MEDICAL CTR        PATIENT STATEMENT
Patient: ⟦P:HOLLOWAY, GERALD R⟧      MRN: ⟦MRN:00481273⟧
Guarantor: same        Acct#: ⟦ACC:HB-7730152⟧
DOB ⟦DOB:O7/22/1949⟧   Adm 03/11/25  Disch 03/14/25
⟦A:118 W LINCOLN HWY⟧
⟦A:COATESVILLE PA 19320⟧
Primary ins: MEDICARE A  MBI ⟦ACC:5TR7-QN2-KD41⟧
Dx: ⟦MC:COMMUNITY ACQ PNEUMONIA⟧ / ⟦MC:TYPE 2 DM W HYPERGLYCEMIA⟧

03/11 0250 PHARMACY ⟦MED:CEFTRIAXONE⟧ 1G IVPB ........ 212.00
03/11 0250 PHARMACY ⟦MED:CEFTRIAXONE⟧ 1G IVPB ........ 212.00
03/12 0250 PHARMACY ⟦MED:AZITHROMYCIN⟧ 500MG ......... 88.40
03/12 0300 LAB CBC W/AUTO DIFF ................ 146.00
03/13 0636 DRUGS/DETAIL CODE ⟦MED:INSULIN LISPRO⟧ ... 64.10
03/13 0320 DX XRAY CHEST 2V ................... 412.00
03/13 0320 DX XRAY CHEST 2V ................... 412.00
""",
)
add(
    "pii",
    "en",
    "prior-authorization-appeal",
    "prose",
    """
help me write an appeal to my insurance for denying a prior auth. facts: i'm ⟦P:Brendan Kowalczyk⟧, member id ⟦ACC:W284117395⟧ (group 0877124), dob ⟦DOB:6/3/1991⟧. my rheumatologist dr ⟦P:Anjali Mehra⟧ prescribed ⟦MED:Rinvoq⟧ for ⟦MC:psoriatic arthritis⟧ after ⟦MED:methotrexate⟧ made my liver enzymes triple and ⟦MED:Humira⟧ stopped working after about 14 months. i also have ⟦MC:fatty liver disease⟧ so going back to ⟦MED:methotrexate⟧ is not an option. denial ref is PA-2025-0419-88172, they say i need to "try and fail a preferred TNF inhibitor" but ⟦MED:Humira⟧ IS one. phone ⟦T:(216) 555-0142⟧ if they need it
""",
)
add(
    "pii",
    "en",
    "house-cleaning-weekly-schedule",
    "csv",
    """
This is my cleaning business's schedule for next week. Can you regroup it by neighborhood so I drive less, and write a short reminder text for each client?

client,address,phone,day,notes
⟦P:Priya Raman⟧,"⟦A:5812 N Winthrop Ave, Chicago, IL 60660⟧",⟦T:773-555-0118⟧,Mon,"dog is friendly, key under the blue planter"
⟦P:Tom⟧ & ⟦P:Gail Becker⟧,"⟦A:2114 W Giddings St, Chicago, IL 60625⟧",⟦T:773-555-0150⟧,Mon,biweekly - skip oven
Mrs. ⟦P:Olszewski⟧,"⟦A:6340 N Leoti Ave, Chicago, IL 60646⟧",⟦T:(773) 555-0109⟧,Tue,"wheelchair since her ⟦MC:stroke⟧ in Feb, do NOT move the ramp"
⟦P:Jamal Ortiz⟧,"⟦A:1455 W Balmoral Ave #2R, Chicago, IL 60640⟧",⟦T:312-555-0177⟧,Wed,"⟦MC:asthma⟧ - fragrance-free products only"
⟦P:Ruth Feinberg⟧,"⟦A:3021 W Jarvis Ave, Chicago, IL 60645⟧",⟦T:773-555-0135⟧,Thu,gate code ⟦S:4471#⟧
""",
)
add(
    "pii",
    "en",
    "newsletter-bounce-report",
    "csv",
    """
Our parish newsletter had a lot of bounces this month. Based on the reasons, which of these should I retry and which should I remove?

Email Address,First Name,Last Name,Bounce Type,Reason
⟦E:g.whitfield@ashgrove-home.example⟧,⟦P:Gordon⟧,⟦P:Whitfield⟧,hard,550 5.1.1 user unknown
⟦E:maureen.ocallaghan@coolmail.example⟧,⟦P:Maureen⟧,⟦P:O'Callaghan⟧,soft,452 mailbox full
info@harbourtheatre.example,,,hard,550 rejected: role account
⟦E:fr.jacek.nowicki@diocesemail.example⟧,⟦P:Jacek⟧,⟦P:Nowicki⟧,soft,421 try again later
⟦E:bettyandron1962@oldnet.example⟧,⟦P:Betty⟧,⟦P:Sandoval⟧,hard,domain does not exist
⟦E:t.adeyemi@swiftpost.example⟧,⟦P:Tunde⟧,⟦P:Adeyemi⟧,soft,message too large
""",
)
add(
    "pii",
    "en",
    "lactation-consultant-booking-webhook",
    "json",
    """
This webhook comes from my booking page. Write me a small Node/Express handler that saves it to Airtable, and tell me which fields I should never write to the logs.

{"event":"booking.created","booking":{"id":"bk_01HZX4T7Q9","start":"2025-06-12T10:30:00-04:00","service":"Home visit - 90 min",
"client":{"name":"⟦P:Alexis Drummond⟧","email":"⟦E:alexis.drummond@heronmail.example⟧","phone":"⟦T:+1 404 555 0172⟧","address":"⟦A:390 Elmira Pl NE, Atlanta, GA 30307⟧"},
"answers":{"baby_name":"⟦P:Theo⟧","baby_dob":"⟦DOB:2025-05-28⟧","concerns":"painful latch, had ⟦MC:mastitis⟧ last week, finished ⟦MED:cephalexin⟧ Monday","insurance_member_id":"⟦ACC:XJH902114607⟧"}}}
""",
)
add(
    "pii",
    "en",
    "corporate-card-expense-reconciliation",
    "markdown-table",
    """
Finance wants the Amex/Mastercard statements reconciled against Expensify by Friday. Which of these have no receipt match, and who do I chase?

| Employee # | Cardholder | Card | Date | Merchant | Amount | Receipt |
|---|---|---|---|---|---|---|
| ⟦ACC:E-20417⟧ | ⟦P:Kevin Lindqvist⟧ | ⟦CC:3705 640975 90522⟧ | 05/02 | Delta Air Lines | 612.40 | yes |
| ⟦ACC:E-20417⟧ | ⟦P:Kevin Lindqvist⟧ | ⟦CC:3705 640975 90522⟧ | 05/04 | Hilton Garden Inn | 389.12 | no |
| ⟦ACC:E-19860⟧ | ⟦P:Sofia Marchetti⟧ | ⟦CC:5315 6329 9887 3433⟧ | 05/06 | AWS | 1,204.55 | yes |
| ⟦ACC:E-21102⟧ | ⟦P:Wen-Hui Chang⟧ | ⟦CC:4612 4897 0987 2672⟧ | 05/09 | Uber | 48.20 | no |

⟦P:Kevin⟧ says the Hilton receipt went to his personal email (⟦E:klindqvist.home@fjordmail.example⟧).
""",
)
add(
    "pii",
    "en",
    "waf-firewall-events",
    "json",
    """
We got ~300 of these WAF events in ten minutes on the login page. Is this credential stuffing or is our rule just too strict? Three samples:

[{"action":"block","clientIP":"⟦IP:86.143.27.201⟧","clientCountryName":"GB","clientRequestPath":"/wp-login.php","clientRequestQuery":"?log=⟦U:dmcallister⟧&redirect_to=%2Fmembers","userAgent":"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)","ruleId":"a3f1c2","datetime":"2025-06-09T21:14:03Z"},
{"action":"block","clientIP":"⟦IP:174.63.118.9⟧","clientCountryName":"US","clientRequestPath":"/account/reset","clientRequestQuery":"?email=⟦E:jgoldfarb%40brightwave.example⟧","userAgent":"python-requests/2.31.0","ruleId":"a3f1c2","datetime":"2025-06-09T21:14:05Z"},
{"action":"managed_challenge","clientIP":"⟦IP:2a02:c7c:5e1a:4b00:9d1:7f2e:3b8:61a2⟧","clientCountryName":"GB","clientRequestPath":"/wp-login.php","clientRequestQuery":"?log=⟦U:sarah.k.whitmore⟧","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)","ruleId":"a3f1c2","datetime":"2025-06-09T21:14:09Z"}]
""",
)
add(
    "pii",
    "en",
    "postgres-slow-query-log",
    "kv-log",
    """
why are these so slow? the customers table has ~4M rows. suggest indexes please

2025-06-10 14:22:07.311 UTC [28841] app@shopdb LOG:  duration: 2841.112 ms  execute <unnamed>: SELECT id, first_name, last_name FROM customers WHERE lower(email) = $1
2025-06-10 14:22:07.311 UTC [28841] app@shopdb DETAIL:  parameters: $1 = '⟦E:h.abernathy@quillon.example⟧'
2025-06-10 14:22:09.870 UTC [28852] app@shopdb LOG:  duration: 3120.450 ms  execute <unnamed>: SELECT * FROM customers WHERE phone = $1 OR phone_alt = $1
2025-06-10 14:22:09.870 UTC [28852] app@shopdb DETAIL:  parameters: $1 = '⟦T:+16175550143⟧'
2025-06-10 14:22:15.002 UTC [28860] app@shopdb LOG:  duration: 1977.903 ms  execute <unnamed>: SELECT * FROM customers WHERE last_name ILIKE $1 AND postal_code = $2
2025-06-10 14:22:15.002 UTC [28860] app@shopdb DETAIL:  parameters: $1 = '⟦P:Vasquez-Lindgren⟧%', $2 = '⟦A:02139⟧'
""",
)
add(
    "pii",
    "en",
    "pydantic-validation-error",
    "command",
    """
my import script dies on one row, what's wrong with the model? traceback:

$ python import_members.py members_june.csv
Traceback (most recent call last):
  File "/home/app/import_members.py", line 41, in <module>
    member = Member(**row)
pydantic_core._pydantic_core.ValidationError: 1 validation error for Member
postcode
  String should match pattern '^[A-Z]{1,2}\\d[A-Z\\d]? \\d[A-Z]{2}$' [type=string_pattern_mismatch, input_value='⟦A:bs6 5hb⟧', input_type=str]
    For further information visit https://errors.pydantic.dev/2.7/v/string_pattern_mismatch

row = {'member_no': '⟦ACC:CLF-004417⟧', 'full_name': '⟦P:Ngozi Eze-Whitlock⟧', 'email': '⟦E:ngozi.ew@pennyfarthing.example⟧', 'phone': '⟦T:+44 7723 418905⟧', 'address_line1': '⟦A:Flat 4, 27 Cotham Brow⟧', 'postcode': '⟦A:bs6 5hb⟧', 'dob': '⟦DOB:1993-02-13⟧'}
""",
)
add(
    "pii",
    "en",
    "offsite-travel-agent-list",
    "prose",
    """
The travel agent needs our Lisbon offsite list in their template (SURNAME / Given names / DOB / passport no. / expiry / nationality / frequent flyer). Can you reformat this?

- ⟦P:Hannah Whitcombe⟧, born ⟦DOB:17 Jan 1990⟧, British passport ⟦PASS:553201874⟧ exp 02/04/2031, BA Executive Club ⟦ACC:48119203⟧
- ⟦P:Tomasz Zieliński⟧ (Polish), DOB ⟦DOB:3 Sep 1986⟧, passport ⟦PASS:EK4417902⟧, exp 2029, no FF
- ⟦P:Aoife Brennan⟧, Irish, ⟦DOB:29/11/1994⟧, ⟦PASS:PD8830127⟧, Aer Lingus AerClub ⟦ACC:3301948826⟧ — needs an aisle seat (history of ⟦MC:DVT⟧)
- ⟦P:Samuel Osei⟧, Ghanaian passport ⟦PASS:G2290147⟧, DOB ⟦DOB:08 May 1988⟧ — still waiting on his Schengen visa
""",
)
add(
    "pii",
    "en",
    "auto-insurance-quote-comparison",
    "prose",
    """
I got two car insurance quotes and one is $600/yr more. I entered the same info on both sites, can you figure out what could explain it?

Driver 1: ⟦P:Carlos Medina⟧, DOB ⟦DOB:04/09/1999⟧, Texas DL ⟦DL:40218836⟧, ⟦A:8815 Braesmont Dr, Houston, TX 77096⟧. One at-fault accident (Nov 2023), no tickets.
Driver 2: my girlfriend ⟦P:Daniela Flores⟧, DOB ⟦DOB:12/30/2000⟧, DL ⟦DL:38901752⟧, clean record, same address.
Car: 2019 Mazda3 hatchback, VIN JM1BPACL5K1128841, parked in a driveway, ~11k miles a year.
Both quotes: 100/300/100 liability, $500 deductible. Progressive $2,184/yr, Geico $1,571/yr.
""",
)
add(
    "pii",
    "en",
    "lab-results-explain",
    "form",
    """
Can you explain these results to me in plain English? They're my mum's, from the GP portal. Is the kidney one something to worry about?

PATIENT: ⟦P:TULLY, Margaret Ann⟧    DOB: ⟦DOB:05-Aug-1956⟧    NHS No: ⟦ID@GB:494 580 7302⟧
Hosp No: ⟦MRN:RX1482097⟧    Requested by: Dr ⟦P:S. Okafor⟧, Priory Lane Surgery
Clinical details: ⟦MC:T2DM⟧, ⟦MC:CKD stage 3a⟧. On ⟦MED:metformin⟧ 1g BD, ⟦MED:ramipril⟧ 5mg.

HbA1c ............ 58 mmol/mol   (H)
eGFR ............. 48 mL/min/1.73m2  (L)
Creatinine ....... 104 umol/L
Potassium ........ 5.3 mmol/L   (H)
Urine ACR ........ 4.1 mg/mmol  (H)
""",
)
add(
    "pii",
    "en",
    "ambient-scribe-soap-note",
    "prose",
    """
Turn this visit transcript into a SOAP note. Keep it concise.

Patient: ⟦P:Luis Delgado⟧ — follow-up
DR: Morning Mr. ⟦P:Delgado⟧, can you confirm your date of birth for me?
PT: ⟦DOB:June 2nd, '67⟧.
DR: Thanks. What's been going on?
PT: I get this tightness in my chest walking up the hill to the bus stop. Goes away if I stop for a couple minutes. My brother ⟦P:Ramón⟧ had a ⟦MC:heart attack⟧ at 52, so it's got me nervous.
DR: Are you still taking the ⟦MED:atorvastatin⟧?
PT: On and off, honestly. The ⟦MED:lisinopril⟧ I take every day.
DR: Your pressure's 152 over 94 today. I think this is likely ⟦MC:stable angina⟧, and your ⟦MC:hypertension⟧ isn't controlled. I want a stress test and I'm adding ⟦MED:amlodipine⟧ and ⟦MED:nitroglycerin⟧ spray for the episodes.
""",
)
add(
    "pii",
    "en",
    "class-reunion-rsvp-merge",
    "markdown-table",
    """
I'm organizing our 20-year reunion. People RSVP'd through both the form and Facebook so there are dupes. Merge these and give me the headcount incl. plus-ones.

| name | email | phone | +1 | diet |
|---|---|---|---|---|
| ⟦P:Jessica (Tran) Holbrook⟧ | ⟦E:jess.holbrook@lakeviewmail.example⟧ | ⟦T:(614) 555-0112⟧ | yes | |
| ⟦P:Jess Holbrook⟧ | ⟦E:Jess.Holbrook@lakeviewmail.example⟧ | | yes | |
| ⟦P:Derek Szymanski⟧ | ⟦E:dszymanski@kestrelworks.example⟧ | ⟦T:614-555-0178⟧ | no | ⟦MC:celiac⟧ |
| ⟦P:Tasha Greene-Ruiz⟧ | ⟦E:tashagr@bellmail.example⟧ | ⟦T:(380) 555-0101⟧ | yes | vegan |
| ⟦P:derek szymanski⟧ | | ⟦T:6145550178⟧ | no | |
""",
)
add(
    "pii",
    "en",
    "hoa-violation-letter",
    "prose",
    """
Can you make this HOA letter sound less passive-aggressive? I'm on the board and don't want a fight.

Dear Mr. and Mrs. ⟦P:Pettigrew⟧,

Re: ⟦A:1147 Quail Run Court, Franklin, TN 37064⟧ — HOA account ⟦ACC:QR-01147-03⟧

As I'm sure you're aware, trash cans must be stored out of view from the street except on collection days (CC&R Article VII, Section 4). This is the THIRD notice. Several neighbors, including ⟦P:Gwen Tolliver⟧ next door, have raised it at meetings. If this continues a $50 fine will be applied to your account.

Regards,
⟦P:Donna Kessler⟧, Board Secretary
⟦E:donna.kessler.hoa@quailrun-residents.example⟧ · ⟦T:(615) 555-0136⟧
""",
)
add(
    "pii",
    "en",
    "kids-birthday-party-rsvps",
    "prose",
    """
help me make a list from these replies for my daughter's party on saturday — who's coming, allergies, who needs a ride

⟦P:Megan⟧ (⟦P:Ava⟧'s mom): ⟦P:Ava⟧ would love to come!! fyi she has a ⟦MC:severe peanut allergy⟧, I'll pack her ⟦MED:Auvi-Q⟧ in her bag
⟦P:Chris Donnelly⟧: ⟦P:Liam⟧ + ⟦P:Noah⟧ both coming. any chance of a ride? we're at ⟦A:42 Birchwood Terrace⟧, text me ⟦T:(503) 555-0186⟧
⟦P:Lupe⟧: so sorry, ⟦P:Sofía⟧ has ⟦MC:strep⟧ 😷 next time!
⟦P:Hiroshi⟧: ⟦P:Kenji⟧ is in! he's ⟦MC:lactose intolerant⟧ but cake is fine, he has ⟦MED:Lactaid⟧ pills
""",
)
add(
    "pii",
    "en",
    "jail-visitation-application",
    "form",
    """
Put this in proper sentence case and tell me if anything is missing before I submit it to the county jail.

VISITOR NAME: ⟦P:TAMIKA RENEE BOYD⟧
DATE OF BIRTH: ⟦DOB:10-02-1987⟧
GA DRIVER LICENSE #: ⟦DL:052884177⟧
ADDRESS: ⟦A:2870 DELOWE DR SW APT 14, EAST POINT GA 30344⟧
PHONE: ⟦T:404 555 0159⟧
INMATE NAME: ⟦P:DEANDRE L BOYD⟧     BOOKING #: 2025-011873
RELATIONSHIP: BROTHER
ARE YOU ON PROBATION/PAROLE: NO
MINOR CHILDREN VISITING: ⟦P:JAYLEN BOYD⟧ (DOB ⟦DOB:04-18-2015⟧)
""",
)
add(
    "pii",
    "en",
    "wire-recall-scam-victim",
    "prose",
    """
My elderly neighbor was scammed into wiring money and I'm helping her write to her bank to request a recall. Please draft it from her, short and clear.

Her name is ⟦P:Eleanor Voss⟧, checking account ⟦ACC:7713049928⟧. On June 3 she wired $14,500 from that account to "Apex Recovery Services" at TD Bank (beneficiary account ending 5310) after a caller claiming to be from her bank's fraud department told her to. Fed reference IMAD 20250603MMQFMP9W000512. She was diagnosed with ⟦MC:early-stage Alzheimer's⟧ last year, which I think the bank should know. Her phone is ⟦T:(480) 555-0131⟧. I'm ⟦P:Marcus Hale⟧ and I'll be with her when they call.
""",
)
add(
    "pii",
    "en",
    "iep-meeting-summary",
    "prose",
    """
Summarise my notes from my son's IEP meeting into an email to his dad (we're divorced, keep it neutral and factual). Dad is ⟦P:Aaron Brandt⟧, ⟦E:aaron.brandt@ridgelinemail.example⟧.

notes: ⟦P:Caleb Brandt⟧, gr 4, DOB ⟦DOB:1/15/2016⟧, student # ⟦ACC:20417733⟧. present: me, Ms. ⟦P:Ferreira⟧ (sped), Dr. ⟦P:Yuen⟧ (school psych), principal. dx on file ⟦MC:ADHD⟧ combined + ⟦MC:dysgraphia⟧. he's on ⟦MED:guanfacine⟧ ER 2mg since Jan, teachers see fewer meltdowns. reading at grade level, writing ~1.5 yrs behind. new goals: typing instead of handwriting for anything > 1 paragraph, OT 2x30 min/week, extended time 1.5x. ⟦P:Ferreira⟧ wants to re-evaluate in Nov.
""",
)
add(
    "pii",
    "en",
    "canada-newcomer-gst-credit",
    "form",
    """
We arrived in Canada last year. Is this the right way to fill in the newcomer form for the GST/HST credit, and what do I put for "world income"?

Applicant: ⟦P:Oluwaseun Adebayo⟧
SIN: ⟦ID@CA:209 068 576⟧   Date of birth: ⟦DOB:1989-07-21⟧
Spouse: ⟦P:Chiamaka Adebayo⟧   SIN: ⟦ID@CA:657 338 257⟧   Date of birth: ⟦DOB:1991-12-02⟧
Address: ⟦A:95 Sherbrook St, Unit 1204, Winnipeg MB R3C 2B3⟧
Phone: ⟦T:(204) 555-0163⟧
Date you became a resident: 2024-08-15
Child: ⟦P:Tolu Adebayo⟧, born ⟦DOB:2020-03-30⟧
World income before arrival: I earned about 9,800,000 NGN Jan–Aug 2024
""",
)
add(
    "pii",
    "en",
    "tfn-declaration-casual-jobs",
    "form",
    """
I've got two casual jobs (a café and a supermarket). Which one should I claim the tax-free threshold on? Here's my TFN declaration for the café so far:

1. TFN: ⟦ID@AU:722 975 691⟧
2. Name: Ms ⟦P:Mia Thuy Nguyen⟧
3. Home address: ⟦A:12/48 Nicholson St, Footscray VIC 3011⟧
7. Date of birth: ⟦DOB:19/05/2003⟧
8. Paid on: casual
9. Australian resident: yes
10. Claim tax-free threshold: ??
11. HELP/SSL debt: yes
Super fund: AustralianSuper, member no. ⟦ACC:612047839⟧
Mobile ⟦T:0431 207 958⟧
""",
)
add(
    "pii",
    "de",
    "zuzahlungsbefreiung-krankenkasse",
    "prose",
    """
Kannst du diese E-Mail an die Krankenkasse höflicher und vollständiger formulieren?

Sehr geehrte Damen und Herren,
ich beantrage für meine Mutter, Frau ⟦P:Renate Schwarzkopf⟧ (geb. ⟦DOB:14.02.1941⟧, Versichertennummer ⟦ACC:R417302285⟧), die Befreiung von den Zuzahlungen für 2025. Sie ist wegen ⟦MC:chronischer Herzinsuffizienz⟧ und ⟦MC:Vorhofflimmern⟧ in Dauerbehandlung und nimmt u. a. ⟦MED:Eliquis⟧, ⟦MED:Entresto⟧ und ⟦MED:Torasemid⟧. Die Belastungsgrenze ist laut unserer Aufstellung schon im April erreicht, Quittungen liegen bei. Anschrift: ⟦A:Lindenstraße 17, 34117 Kassel⟧.
Rückfragen bitte an mich, ⟦P:Jens Schwarzkopf⟧, Tel. ⟦T:0561 7398214⟧, ⟦E:jens.schwarzkopf@posteo.example⟧.
""",
)
add(
    "pii",
    "de",
    "riester-zulagenantrag-rueckfrage",
    "form",
    """
Meine Bank sagt, im Zulagenantrag fehlt noch etwas. Was könnte das sein? Meine Angaben:

Zulageberechtigte: ⟦P:Katrin Hoffmeister⟧, geb. ⟦DOB:23.06.1984⟧
Steuer-ID: ⟦ID@DE:22 034 617 921⟧
Anschrift: ⟦A:Am Kirchberg 4a, 97082 Würzburg⟧
Vertragsnummer: ⟦ACC:RV-4471-0982-33⟧
Kinder (Kindergeld wird an mich ausgezahlt, Kindergeldnummer ⟦ACC:151FK204718⟧):
 – ⟦P:Lena Hoffmeister⟧, geb. ⟦DOB:05.03.2012⟧, Steuer-ID ⟦ID@DE:78 936 021 048⟧
 – ⟦P:Paul Hoffmeister⟧, geb. ⟦DOB:19.10.2016⟧, Steuer-ID ⟦ID@DE:95 767 780 128⟧
Ehemann ⟦P:Stefan⟧ hat keinen eigenen Vertrag – ist er mittelbar zulageberechtigt?
""",
)
add(
    "pii",
    "es",
    "solicitud-colegio-mayor",
    "form",
    """
¿Me ayudas a escribir la carta de motivación? Te pego los datos que puse en el formulario del colegio mayor:

Nombre y apellidos: ⟦P:Lucía Fernández Ortega⟧
DNI: ⟦ID@ES:89408773E⟧
Fecha de nacimiento: ⟦DOB:11/04/2007⟧
Domicilio familiar: ⟦A:C/ Mayor 23, 3.º B, 30001 Murcia⟧
Móvil: ⟦T:612 903 118⟧ · Correo: ⟦E:lucia.fdez.ortega@correo.example⟧
Titulación: Grado en Medicina (UCM), 1.er curso
Información médica: ⟦MC:diabetes tipo 1⟧, llevo bomba de ⟦MED:insulina asparta⟧; ⟦MC:celiaquía⟧ (necesito menú sin gluten)
Contacto de emergencia: ⟦P:Ana Ortega Ruiz⟧ (madre), ⟦T:+34 699 41 27 05⟧
""",
)
add(
    "pii",
    "es",
    "excedencia-cuidado-familiar",
    "prose",
    """
Redacta una solicitud formal de excedencia para RR. HH. con estos datos: soy ⟦P:Andrei Popescu⟧, NIE ⟦ID@ES:Y2308831J⟧, trabajo en el almacén de Getafe desde 2019 (n.º de empleado ⟦ACC:004172⟧). Necesito un año de excedencia para cuidar a mi suegra, ⟦P:Carmen Delgado Sanz⟧ (DNI ⟦ID@ES:23678265H⟧), que tiene ⟦MC:alzhéimer⟧ en fase moderada y, después de una ⟦MC:fractura de cadera⟧, ya no puede vivir sola. Vive con nosotros en ⟦A:Calle de la Alhóndiga 14, 2.º izq., 28901 Getafe⟧. Me gustaría empezar el 1 de septiembre. Mi teléfono es el ⟦T:634 218 907⟧.
""",
)
add(
    "pii",
    "fr",
    "conservatoire-inscription-pai",
    "prose",
    """
Tu peux reformuler ce message au conservatoire pour qu'il soit plus clair et plus court ?

Objet : inscription de ⟦P:Baptiste Marchand⟧ en violoncelle – PAI
Bonjour Madame,
Je vous transmets le dossier de mon fils ⟦P:Baptiste⟧, né le ⟦DOB:4 mars 2014⟧, domicilié ⟦A:12 rue des Tanneurs, 67000 Strasbourg⟧. Il a un PAI à l'école pour un ⟦MC:asthme allergique⟧ et une ⟦MC:allergie aux acariens⟧ ; il a toujours sa ⟦MED:Ventoline⟧ dans son sac. En cas de crise merci de m'appeler (⟦T:06 71 28 44 93⟧) ou d'appeler son père, ⟦P:Olivier Marchand⟧, au ⟦T:07 82 15 60 37⟧.
Bien cordialement,
⟦P:Hélène Marchand-Roux⟧
""",
)
add(
    "pii",
    "fr",
    "retraite-progressive-carsat",
    "prose",
    """
Je prépare ma demande de retraite progressive. Tu peux vérifier que mon courrier à la Carsat est complet et bien tourné ?

« Je soussigné ⟦P:Jean-Pierre Lemaire⟧, né le ⟦DOB:9 avril 1963⟧ à Lille, n° de sécurité sociale ⟦ID@FR:1 63 04 59 350 940 93⟧, demeurant ⟦A:38 rue Solférino, 59000 Lille⟧, sollicite le bénéfice de la retraite progressive à compter du 1er octobre 2025. Mon employeur a accepté un passage à 60 % (attestation jointe). Je totalise 166 trimestres. Je reste joignable au ⟦T:03 20 54 17 82⟧ ou par courriel : ⟦E:jp.lemaire59@orange.example⟧. »
""",
)
add(
    "pii",
    "it",
    "rimborso-fondo-sanitario",
    "form",
    """
Devo chiedere il rimborso al fondo sanitario integrativo. Mi scrivi la richiesta con questi dati?

Iscritta: ⟦P:Francesca Bellini⟧ – C.F. ⟦ID@IT:BLLFNC79H52A944Z⟧ – nata a Bologna il ⟦DOB:12/06/1979⟧
Matricola aziendale: ⟦ACC:BO-118274⟧
Prestazione: 10 sedute di fisioterapia per ⟦MC:lombosciatalgia⟧ da ⟦MC:ernia discale L5-S1⟧
Farmaci in corso: ⟦MED:Arcoxia⟧ 90 mg, ⟦MED:Muscoril⟧
IBAN per l'accredito: ⟦IBAN:IT68 B943 2198 5284 0199 8229 992⟧
Email: ⟦E:f.bellini79@libero.example⟧
""",
)
add(
    "pii",
    "it",
    "comodato-auto-padre-figlio",
    "prose",
    """
mi prepari un contratto di comodato d'uso gratuito dell'auto tra mio padre e me? comodante ⟦P:Roberto Marchetti⟧, nato ad Ancona il ⟦DOB:3 ottobre 1952⟧, C.F. ⟦ID@IT:MRCRRT52R03A271W⟧, residente in ⟦A:Via Panoramica 41, 60122 Ancona⟧. comodatario io, ⟦P:Davide Marchetti⟧, nato ad Ancona il ⟦DOB:25 gennaio 1988⟧, C.F. ⟦ID@IT:MRCDVD88A25A271H⟧, patente ⟦DL:AN5128841K⟧, residente a Bologna. auto Fiat Panda targa GH418KT. papà non guida più per la ⟦MC:degenerazione maculare⟧, l'assicurazione resta a suo nome
""",
)
add(
    "pii",
    "pl",
    "reklamacja-transakcji-karta",
    "prose",
    """
Pomóż mi napisać reklamację do banku, konkretnie i bez emocji.

Dane: ⟦P:Agnieszka Wróblewska⟧, PESEL ⟦ID@PL:90070856746⟧, karta ⟦CC:4245 9301 1865 7043⟧, rachunek ⟦IBAN:PL98 3655 0912 7435 5123 9783 3571⟧. 14 czerwca z karty zeszły trzy transakcje w sklepie internetowym (3 × 499 zł), których nie zlecałam. Kartę zastrzegłam tego samego dnia przez infolinię. Karta dodatkowa jest wydana na męża, ⟦P:Pawła Wróblewskiego⟧, który też niczego nie kupował. Kontakt: ⟦T:601 244 918⟧, ⟦E:a.wroblewska@poczta.example⟧, adres do korespondencji ⟦A:ul. Kościuszki 18/4, 45-062 Opole⟧.
""",
)
add(
    "pii",
    "pl",
    "upowaznienie-odbior-z-przedszkola",
    "form",
    """
Popraw proszę to upoważnienie, żeby brzmiało bardziej urzędowo:

UPOWAŻNIENIE
Ja, ⟦P:Monika Nowicka-Bąk⟧, matka ⟦P:Zosi Bąk⟧ (ur. ⟦DOB:12.09.2020⟧, grupa „Biedronki”), upoważniam do odbioru córki z Przedszkola nr 7:
1) moją mamę ⟦P:Halinę Nowicką⟧, PESEL ⟦ID@PL:56021731809⟧, tel. ⟦T:+48 603 118 472⟧
2) sąsiadkę ⟦P:Ewę Lis⟧, tel. ⟦T:691 207 334⟧
Informuję, że ⟦P:Zosia⟧ ma ⟦MC:alergię na orzechy laskowe⟧, w plecaku ma ⟦MED:Zyrtec⟧ w kroplach.
""",
)
add(
    "pii",
    "nl",
    "machtiging-aangifte-ouder",
    "prose",
    """
Ik wil de aangifte inkomstenbelasting voor mijn vader doen. Klopt dit bericht aan de Belastingdienst zo?

Geachte heer/mevrouw,
Hierbij vraag ik een machtigingscode aan om namens mijn vader, de heer ⟦P:Gerrit Bosman⟧ (BSN ⟦ID@NL:255004163⟧, geboren ⟦DOB:2 juni 1938⟧), aangifte te doen. Mijn vader woont sinds kort in een verpleeghuis vanwege ⟦MC:dementie⟧; zijn postadres blijft ⟦A:Hoofdstraat 112, 7941 AH Meppel⟧. Ik ben zijn dochter, ⟦P:Ilse Bosman⟧, BSN ⟦ID@NL:294663617⟧, bereikbaar op ⟦T:06 41 77 20 58⟧.
""",
)
add(
    "pii",
    "nl",
    "verlof-buiten-schoolvakantie",
    "prose",
    """
kun je deze verlofaanvraag voor de directeur wat netter maken?

Beste meneer ⟦P:Verhoeven⟧,
Wij vragen verlof aan voor onze kinderen ⟦P:Daan⟧ (groep 6) en ⟦P:Noor de Groot⟧ (groep 3) van 10 t/m 14 maart. Hun opa ⟦P:Kees de Groot⟧ wordt in Groningen geopereerd aan ⟦MC:slokdarmkanker⟧ en we willen er graag bij zijn. Ik werk zelf in de zorg en kan in de schoolvakanties niet weg. Bij vragen ben ik bereikbaar op ⟦T:06 28 91 44 07⟧.
Met vriendelijke groet,
⟦P:Marloes de Groot-Hendriks⟧
""",
)
add(
    "pii",
    "pt",
    "reembolso-adse-consulta",
    "form",
    """
Preciso de pedir o reembolso de uma consulta à ADSE. Escreves-me o e-mail com estes dados?

Beneficiária titular: ⟦P:Maria do Céu Antunes⟧
N.º de beneficiário ADSE: ⟦ACC:014728836⟧
NIF: ⟦ID@PT:256803722⟧
Morada: ⟦A:Rua Dr. Manuel de Arriaga 27, 2.º Esq., 3000-266 Coimbra⟧
Telemóvel: ⟦T:936 118 204⟧
Consulta de endocrinologia (12/05) por ⟦MC:hipotiroidismo⟧, medicação ⟦MED:Eutirox⟧ 75 mcg
IBAN para reembolso: ⟦IBAN:PT55 2885 7814 6810 0898 6230 5⟧
""",
)
add(
    "pii",
    "pt",
    "plano-de-saude-dependentes",
    "form",
    """
Estou incluindo minha família no plano de saúde da empresa. Confere se a declaração de saúde está certa e se falta algo?

Titular: ⟦P:Rafael Nogueira⟧ — CPF ⟦ID@BR:563.996.712-99⟧ — nasc. ⟦DOB:22/07/1985⟧ — carteirinha ⟦ACC:0884 2219 0300 7⟧
Doença preexistente do titular: ⟦MC:hipertensão⟧
Dependente 1: ⟦P:Juliana Alves Nogueira⟧ (cônjuge), CPF ⟦ID@BR:978.249.293-02⟧, nasc. ⟦DOB:14/01/1988⟧ — ⟦MC:gestante⟧ de 20 semanas
Dependente 2: ⟦P:Pedro Alves Nogueira⟧ (filho), CPF ⟦ID@BR:218.566.561-87⟧, nasc. ⟦DOB:03/10/2016⟧ — ⟦MC:transtorno do espectro autista⟧ nível 1, usa ⟦MED:risperidona⟧
Endereço: ⟦A:Rua Augusta, 1420, ap. 71, Consolação, São Paulo – SP, 01304-001⟧
Celular: ⟦T:(11) 98412-3307⟧
""",
)
add(
    "pii",
    "sv",
    "ivo-klagomal-vard",
    "prose",
    """
Hjälp mig skriva ett klagomål till IVO, sakligt men tydligt.

Min mamma ⟦P:Birgitta Lundqvist⟧ (⟦ID@SE:470830-8566⟧) låg på ortopeden efter en ⟦MC:höftfraktur⟧ i maj. Hon har ⟦MC:diabetes typ 2⟧ och fick inget ⟦MED:insulin⟧ på över ett dygn trots att det stod i journalen. Hon fick dessutom ett ⟦MC:trycksår⟧ på hälen. Vi tog upp det muntligt med avdelningen men ingen har återkommit. Mamma bor på ⟦A:Sannegårdsgatan 14, 417 60 Göteborg⟧. Jag är hennes dotter, ⟦P:Annika Lundqvist Berg⟧, tel. ⟦T:070-418 22 93⟧.
""",
)
add(
    "pii",
    "sv",
    "rot-avdrag-faktura",
    "form",
    """
Vi har fått fakturan från hantverkaren med ROT-avdrag. Stämmer uppgifterna? Skatteverket ska ha personnummer för båda ägarna.

Faktura 2025-0612
Kund 1: ⟦P:Johan Eklund⟧, ⟦ID@SE:811204-9039⟧ (andel 50 %)
Kund 2: ⟦P:Sara Eklund⟧, ⟦ID@SE:830522-4647⟧ (andel 50 %)
Arbetsplats: ⟦A:Lingonvägen 9, 757 59 Uppsala⟧
Arbete: byte av badrumsgolv. Arbetskostnad 48 000 kr, material 22 000 kr
ROT-avdrag 30 % av arbetskostnaden: 14 400 kr
Kontakt: ⟦E:sara.eklund@telia.example⟧
""",
)
add(
    "pii",
    "sk",
    "ziadost-vynimka-uhrada-lieku",
    "prose",
    """
Potrebujem napísať žiadosť do zdravotnej poisťovne o výnimku na úhradu lieku. Poistenka: ⟦P:Zuzana Kováčová⟧, rodné číslo ⟦ID@SK:755311/8661⟧, bytom ⟦A:Hlavná 58, 040 01 Košice⟧. Trpí ⟦MC:sklerózou multiplex⟧, doteraz užívala ⟦MED:Tecfidera⟧, ale ochorenie progreduje. Ošetrujúca neurologička MUDr. ⟦P:Ivana Horňáková⟧ odporúča prechod na ⟦MED:Kesimpta⟧. Kontakt na pacientku: ⟦T:0905 412 738⟧. Napíš to formálne, prosím.
""",
)
add(
    "pii",
    "sk",
    "splnomocnenie-prepis-vozidla",
    "form",
    """
Skontroluj mi toto splnomocnenie na prepis auta, či tam niečo nechýba:

SPLNOMOCNENIE
Splnomocniteľ: ⟦P:Peter Horváth⟧, nar. ⟦DOB:2. 9. 1969⟧, r. č. ⟦ID@SK:690902/0790⟧, trvalý pobyt ⟦A:Štúrova 12, 949 01 Nitra⟧
Splnomocnenec: ⟦P:Marek Baláž⟧, nar. ⟦DOB:19. 12. 1992⟧, r. č. ⟦ID@SK:921219/2286⟧, trvalý pobyt ⟦A:Dlhá 88, 949 01 Nitra⟧
Týmto splnomocňujem ⟦P:Mareka Baláža⟧, aby v mojom mene vykonal prepis vozidla Škoda Octavia, EČV NR418KT, na nového držiteľa.
""",
)
add(
    "pii",
    "hr",
    "evisitor-prijava-gostiju",
    "form",
    """
Trebam prijaviti goste u eVisitor. Možeš mi ove podatke složiti u tablicu za unos?

Apartman: ⟦A:Ulica Ivana Gundulića 9, 23000 Zadar⟧ – vlasnica ⟦P:Ivana Perić⟧, OIB ⟦ID@HR:18132606670⟧
Gost 1: ⟦P:Lukas Brandstätter⟧, Austrija, rođen ⟦DOB:14.05.1979⟧, putovnica ⟦PASS:U2784193⟧
Gost 2: ⟦P:Elif Brandstätter⟧, Austrija, rođena ⟦DOB:02.11.1983⟧, putovnica ⟦PASS:U3019572⟧
Gost 3: ⟦P:Mila Brandstätter⟧, dijete, ⟦DOB:21.07.2015⟧, putovnica ⟦PASS:U4406218⟧
Dolazak 12.7., odlazak 19.7. Kontakt gosta: ⟦T:+43 664 2187045⟧
""",
)
add(
    "pii",
    "hr",
    "mail-sefici-bolovanje",
    "prose",
    """
napiši mi kratak mail šefici da sam na bolovanju. ja sam ⟦P:Tomislav Jurić⟧ iz računovodstva. doktorica mi je otvorila bolovanje do 20. lipnja zbog ⟦MC:upale pluća⟧, pijem ⟦MED:Sumamed⟧ i ⟦MED:Lupocet⟧ pa nisam baš za laptop. šefica je ⟦P:Sanja Knežević⟧, mail ⟦E:s.knezevic@dalmar-grupa.example⟧. ako nešto gori dostupan sam na ⟦T:091 448 2716⟧, a doznaku će donijeti supruga ⟦P:Maja⟧
""",
)
add(
    "pii",
    "sl",
    "vloga-dodatek-pomoc-postrezba",
    "form",
    """
Pomagaj mi izpolniti vlogo za dodatek za pomoč in postrežbo za mamo:

Vlagateljica: ⟦P:Marjeta Kos⟧
EMŠO: ⟦ID@SI:0605941505820⟧
Datum rojstva: ⟦DOB:6. 5. 1941⟧
Naslov: ⟦A:Tržaška cesta 62, 1000 Ljubljana⟧
Zdravstveno stanje: po ⟦MC:možganski kapi⟧ (2024) ⟦MC:delno ohromljena desna stran⟧, ⟦MC:sladkorna bolezen⟧; jemlje ⟦MED:Plavix⟧ in ⟦MED:Siofor⟧
Transakcijski račun: ⟦IBAN:SI93 4963 6103 4527 726⟧
Za mamo skrbi hči ⟦P:Nataša Kos Zupančič⟧, tel. ⟦T:031 528 417⟧
""",
)
add(
    "pii",
    "sl",
    "sola-v-naravi-seznam",
    "form",
    """
Pripravljam seznam za šolo v naravi. Uredi mi te podatke v preglednico (ime, razred, zdravje, kontakt staršev):

⟦P:Nik Zupan⟧, 5. b, EMŠO ⟦ID@SI:2309014500209⟧, rojen ⟦DOB:23. 9. 2014⟧ – ⟦MC:alergija na pik ose⟧, s sabo ima ⟦MED:Fenistil⟧ kapljice; oče ⟦P:Jure Zupan⟧ ⟦T:041 227 904⟧
⟦P:Ela Novak⟧, 5. b – ⟦MC:laktozna intoleranca⟧; mama ⟦P:Tina Novak⟧ ⟦T:040 318 552⟧
""",
)
add(
    "pii",
    "bg",
    "zayavlenie-telk",
    "form",
    """
Помогни ми да попълня заявлението до ТЕЛК за баща ми:

Име: ⟦P:Стефан Иванов Георгиев⟧
ЕГН: ⟦ID@BG:5811048684⟧
Адрес: ⟦A:гр. Пловдив, ул. „Капитан Райчо“ № 47, ет. 3⟧
Телефон: ⟦T:0888 214 573⟧
Диагнози: ⟦MC:исхемичен мозъчен инсулт⟧ (2024), ⟦MC:артериална хипертония⟧ III ст., ⟦MC:захарен диабет тип 2⟧
Лекарства: ⟦MED:Клопидогрел⟧, ⟦MED:Метформин⟧, ⟦MED:Лизиноприл⟧
Личен лекар: д-р ⟦P:Милена Костова⟧
""",
)
add(
    "pii",
    "bg",
    "palnomoshtno-pensiya",
    "prose",
    """
Напиши ми пълномощно, с което майка ми упълномощава сестра ми да получава пенсията ѝ от пощата. Упълномощител: ⟦P:Мария Петрова Димитрова⟧, ЕГН ⟦ID@BG:4901151510⟧, живуща в ⟦A:гр. Варна, ж.к. „Младост“, бл. 114, вх. 2, ап. 18⟧, пенсионно удостоверение № ⟦ACC:1014782355⟧. Пълномощник: ⟦P:Петя Стефанова Димитрова⟧, ЕГН ⟦ID@BG:7706301519⟧. Мама е на легло след ⟦MC:счупване на шийката на бедрената кост⟧ и не може да ходи до пощата.
""",
)
add(
    "pii",
    "is",
    "ofnaemi-bref-til-skola",
    "prose",
    """
Geturðu lagað þetta bréf til skólahjúkrunarfræðingsins?

Góðan dag, dóttir mín ⟦P:Sóley Gunnarsdóttir⟧ (kt. ⟦ID@IS:090317-6440⟧) byrjar í 2. bekk í haust. Hún er með ⟦MC:bráðaofnæmi fyrir hnetum⟧ og þarf alltaf að hafa ⟦MED:Jext⟧ penna með sér. Hún er líka með ⟦MC:astma⟧ og notar ⟦MED:Flixotide⟧ á morgnana. Ef eitthvað kemur upp, hringið í mig, ⟦P:Gunnar Þórsson⟧, í síma ⟦T:862 4419⟧ eða í mömmu hennar, ⟦P:Heiðu⟧, í síma ⟦T:695 3307⟧.
""",
)
add(
    "pii",
    "is",
    "umbod-lyf-apotek",
    "form",
    """
Skrifaðu fyrir mig stutt umboð svo dóttir mín geti sótt lyfin mín í apótekið:

Ég, ⟦P:Guðmundur Helgason⟧, kt. ⟦ID@IS:210838-9379⟧, til heimilis að ⟦A:Hjallabraut 33, 220 Hafnarfirði⟧, veiti dóttur minni, ⟦P:Ragnheiði Guðmundsdóttur⟧, kt. ⟦ID@IS:040666-2309⟧, umboð til að sækja lyfin mín (⟦MED:Eliquis⟧ og ⟦MED:Furix⟧) þar sem ég er með ⟦MC:hjartabilun⟧ og kemst lítið út.
""",
)
add(
    "pii",
    "ro",
    "reclamatie-clinica-privata",
    "prose",
    """
Ajută-mă să scriu o reclamație către clinică (și, dacă nu răspund, către ANPC). Sunt ⟦P:Elena Dumitrescu⟧, CNP ⟦ID@RO:2860214403896⟧, domiciliată în ⟦A:Str. Fabricii nr. 9, bl. C4, ap. 22, sector 6, București⟧. Pe 3 mai am plătit 1.850 lei pentru ecografie și consult pentru ⟦MC:endometrioză⟧, dar medicul a stat cu mine 7 minute și mi-a prescris ⟦MED:Visanne⟧ fără să-mi explice nimic despre efectele adverse. Telefon ⟦T:0723 415 806⟧, e-mail ⟦E:elena.dumitrescu86@yahoo.example⟧.
""",
)
add(
    "pii",
    "ro",
    "antecontract-vanzare-teren",
    "prose",
    """
Redactează un antecontract de vânzare-cumpărare pentru un teren intravilan. Vânzător: ⟦P:Vasile Munteanu⟧, CNP ⟦ID@RO:1550701226841⟧, domiciliat în ⟦A:sat Ciurea, str. Principală nr. 112, jud. Iași⟧. Cumpărătoare: ⟦P:Cristina Ene⟧, CNP ⟦ID@RO:2911030221619⟧, domiciliată în ⟦A:Iași, bd. Independenței nr. 20, bl. B2, ap. 7⟧. Teren 800 mp, nr. cadastral 61852, preț 24.000 euro, avans 3.000 euro virat în contul ⟦IBAN:RO59 RNCB PKCV ZHGB ZFGR 8L0H⟧ al domnului ⟦P:Munteanu⟧, restul la notar până la 30 septembrie.
""",
)
add(
    "pii",
    "el",
    "aitisi-epidoma-thermansis",
    "form",
    """
Βοήθησέ με να συμπληρώσω την αίτηση για το επίδομα θέρμανσης του πατέρα μου:

Ονοματεπώνυμο: ⟦P:Γεώργιος Παπαδάκης⟧
Πατρώνυμο: ⟦P:Εμμανουήλ⟧
ΑΦΜ: ⟦ID@GR:022926471⟧
ΑΜΚΑ: ⟦ID@GR:12036735616⟧
Διεύθυνση: ⟦A:Μινώταυρου 18, 71202 Ηράκλειο⟧
Κινητό: ⟦T:697 418 2203⟧
IBAN: ⟦IBAN:GR09 2934 4094 0999 0823 3625 177⟧
Ο πατέρας μου έχει ⟦MC:ΧΑΠ⟧, ζει μόνος και θερμαίνεται με πετρέλαιο.
""",
)
add(
    "pii",
    "el",
    "email-adeia-nosileia-paidiou",
    "prose",
    """
Γράψε ένα σύντομο email στον προϊστάμενό μου, τον κ. ⟦P:Αντωνίου⟧, ότι χρειάζομαι άδεια λόγω νοσηλείας του γιου μου. Είμαι η ⟦P:Ελένη Κωνσταντίνου⟧ (ΑΜΚΑ ⟦ID@GR:25088385890⟧). Ο γιος μου, ο ⟦P:Δημήτρης⟧ (ΑΜΚΑ ⟦ID@GR:17051454423⟧), νοσηλεύεται από χθες στο Νοσοκομείο Παίδων «Η Αγία Σοφία» με ⟦MC:οξεία σκωληκοειδίτιδα⟧ και χειρουργήθηκε το πρωί. Θα στείλω τη βεβαίωση νοσηλείας του ⟦P:Δημήτρη⟧ μόλις μου τη δώσουν.
""",
)
add(
    "pii",
    "tr",
    "ozel-saglik-sigortasi-basvuru",
    "form",
    """
Özel sağlık sigortası başvuru formunu dolduruyorum, sağlık beyanı kısmını nasıl yazmam lazım?

Ad Soyad: ⟦P:Zeynep Arslan⟧
T.C. Kimlik No: ⟦ID@TR:61572590016⟧
Doğum tarihi: ⟦DOB:08.11.1992⟧
Adres: ⟦A:Bağdat Cad. No: 214 D: 9, Caddebostan, 34728 Kadıköy/İstanbul⟧
Cep: ⟦T:0532 417 28 95⟧
Sağlık beyanı: 2021'de ⟦MC:tiroid nodülü⟧ nedeniyle ameliyat oldum, ⟦MED:Levotiron⟧ kullanıyorum; ⟦MC:migren⟧ için ara sıra ⟦MED:Relpax⟧.
Eşim ⟦P:Burak Arslan⟧'ı da ek sigortalı olarak ekleyeceğim.
""",
)
add(
    "pii",
    "tr",
    "engelli-arac-otv-muafiyeti",
    "prose",
    """
babam için engelli araç ÖTV muafiyeti başvurusu yapacağız, vergi dairesine verilecek dilekçeyi yazar mısın? babam ⟦P:Mehmet Kaya⟧, TCKN ⟦ID@TR:90266463534⟧, %92 engelli raporu var (⟦MC:sol bacak diz üstü ampütasyon⟧), rapor Ankara Şehir Hastanesi sağlık kurulundan. adresi ⟦A:Kızılay Mah. Gazi Mustafa Kemal Blv. No: 41/7 Çankaya/Ankara⟧. aracı ben kullanacağım, ⟦P:Emre Kaya⟧, tel ⟦T:0544 382 19 06⟧
""",
)
add(
    "pii",
    "hu",
    "apolasi-dij-kerelem",
    "form",
    """
Segíts kitölteni az ápolási díj iránti kérelmet! Az adatok:

Kérelmező (ápoló): ⟦P:Szabó Krisztina⟧, TAJ: ⟦ACC:048 517 360⟧, szül.: ⟦DOB:1979. 04. 22.⟧
Ápolt: ⟦P:Szabó Lajosné⟧ (édesanyám), TAJ: ⟦ACC:032 884 115⟧, szül.: ⟦DOB:1946. 09. 03.⟧
Lakcím: ⟦A:6720 Szeged, Kárász utca 11. 2/5.⟧
Az ápolt betegségei: ⟦MC:Parkinson-kór⟧, ⟦MC:demencia⟧; gyógyszerei: ⟦MED:Madopar⟧, ⟦MED:Ebixa⟧
Bankszámla: ⟦IBAN:HU51 0602 3670 7350 7953 0840 0877⟧
Telefon: ⟦T:+36 30 418 2297⟧
Megjegyzés: ⟦P:Szabó Lajosnénak⟧ éjjel-nappal felügyelet kell.
""",
)
add(
    "pii",
    "hu",
    "diakmunka-adatlap-forditas",
    "form",
    """
Fordítsd le angolra ezt a diákmunka-adatlapot, az osztrák szálloda kéri:

Név: ⟦P:Tóth Bence⟧
Születési hely, idő: Debrecen, ⟦DOB:2006. 02. 17.⟧
Anyja neve: ⟦P:Kiss Erzsébet⟧
TAJ: ⟦ACC:118 472 038⟧
Bankszámlaszám: ⟦ACC:11773016-01472093-00000000⟧
E-mail: ⟦E:toth.bence06@freemail.example⟧
Mobil: ⟦T:+36 70 312 4486⟧
Egészségügyi megjegyzés: ⟦MC:szénanáthás⟧, májusban ⟦MED:Aerius⟧-t szed
""",
)
add(
    "pii",
    "fi",
    "autotallin-vuokrasopimus",
    "prose",
    """
Laadi lyhyt vuokrasopimus autotallista. Vuokranantaja ⟦P:Jari Mäkinen⟧, hetu ⟦ID@FI:180472-357X⟧, ⟦A:Koivukuja 7, 33580 Tampere⟧. Vuokralainen ⟦P:Anu Heikkilä⟧, hetu ⟦ID@FI:021090-7049⟧, puh. ⟦T:044 718 2059⟧. Vuokra 90 €/kk, maksetaan kuun 5. päivään mennessä tilille ⟦IBAN:FI38 3730 8684 0722 30⟧. Irtisanomisaika 1 kk. ⟦P:Anu Heikkilälle⟧ annetaan kaksi avainta ja kaukosäädin.
""",
)
add(
    "pii",
    "fi",
    "oikaisuvaatimus-sairaalalasku",
    "prose",
    """
Auta kirjoittamaan oikaisuvaatimus hyvinvointialueen laskusta. Äitini ⟦P:Pirkko Laine⟧ (⟦ID@FI:241244-1744⟧) oli päivystyksessä 3.5. ⟦MC:eteisvärinän⟧ takia ja sai kaksi laskua samasta käynnistä (88104722 ja 88104723). Asiakasnumero ⟦ACC:7004128833⟧. ⟦P:Pirkolla⟧ on ⟦MC:muistisairaus⟧ ja ⟦MED:Xarelto⟧-lääkitys, joten laskut tulevat minulle: ⟦P:Katja Laine-Rantanen⟧, ⟦A:Läntinen Pitkäkatu 19 A 4, 20100 Turku⟧, puh. ⟦T:040 552 1877⟧.
""",
)

# ---------------------------------------------------------------------------
# group cred
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "kubectl-create-secret-history",
    "command",
    r"""
I created the prod secret like this and now the pod crashes saying SESSION_SECRET has the wrong length. What did I do wrong?

$ kubectl -n checkout create secret generic checkout-env \
    --from-literal=DATABASE_URL='postgres://checkout:⟦S:bBGNaZ70kuTZalot9wSQ⟧@pg-prod.internal:5432/checkout' \
    --from-literal=REDIS_PASSWORD='⟦S:ILAiIbjB2mElCJyzHMYxXXTco9GFt5YK⟧' \
    --from-literal=SESSION_SECRET='⟦S:zqPFyJuORxRyg8lf72ouZuf51h5mnQnrTsP4UeBORh/hg4UUo87xogZKv/TDkkfN⟧' \
    --from-literal=SENDGRID_API_KEY='⟦K: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⟧'
secret/checkout-env created
$ kubectl -n checkout rollout restart deploy/checkout-api
deployment.apps/checkout-api restarted
$ kubectl -n checkout logs deploy/checkout-api --tail=3
checkout-api v2.14.3 (image ghcr.io/bramblecart/checkout-api@sha256:c1d6ecacf076eaecc0e1de33d45c5e5d9b9b9d8fe228ed51918430fc285b0385)
config: loaded 4 keys from env
Error: SESSION_SECRET must decode to 32 bytes, got 48
""",
)
add(
    "cred",
    "en",
    "esphome-garage-sensor",
    "yaml",
    """
My ESP32 garage door sensor stopped connecting to Home Assistant after I changed the API encryption key. The log just says HANDSHAKE_FAILED. Here's the full config:

esphome:
  name: garage-door
esp32:
  board: esp32dev
wifi:
  ssid: "Bramley_IoT"
  password: "⟦S:copper-kettle-2291⟧"
  ap:
    ssid: "Garage Fallback"
    password: "⟦S:tmfDdPHSPYKk⟧"
api:
  encryption:
    key: "⟦S:9fsSZ95YOZ+xavZw9dgdAoAB4YnyW/bvfOXbKK0WNjA=⟧"
ota:
  - platform: esphome
    password: "⟦S:bfed6e5540823e5ec844ae4dcb9eea8c⟧"
binary_sensor:
  - platform: gpio
    pin: GPIO14
    name: "Garage door"
    device_class: garage_door
""",
)
add(
    "cred",
    "en",
    "rag-notebook-provider-clients",
    "code",
    """
this notebook cell worked yesterday, today groq gives 401. which client is misconfigured? everything else seems fine

import os
from groq import Groq
from together import Together
from openai import OpenAI
from qdrant_client import QdrantClient

os.environ["GROQ_API_KEY"] = "⟦K: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⟧"
groq = Groq(api_key=os.environ["GROQ_API_KEY"])
together = Together(api_key="⟦K:91b04fab79bd59ef537aec5f767e7b1dde0383ff336ce82257147b60cf1456e8⟧")
fireworks = OpenAI(base_url="https://api.fireworks.ai/inference/v1", api_key="⟦K:fw_Q3JTGDQTQ0agQlrx65jUBnLo⟧")
JINA_KEY = "⟦K:jina_e9b47c412c4a12972f95bf5387f4e8b7PejlQn9HYJEdXWLNytuCwkNYyNLV⟧"
qdrant = QdrantClient(
    url="https://07bac6d8-f1e4-4f05-a113-93bedef6a325.eu-central-1-0.aws.cloud.qdrant.io:6333",
    api_key="⟦K:auEgh8MvFD6eCqfXwlvKf54kBzB0g_0ZZKkrVS3b⟧",
)

---> groq.AuthenticationError: Error code: 401 - {'error': {'message': 'Invalid API Key', 'type': 'invalid_request_error', 'code': 'invalid_api_key'}}
""",
)
add(
    "cred",
    "en",
    "flyway-migration-roles",
    "sql",
    """
Can you review this Flyway migration before I merge it? Anything risky?

-- V42__reporting_roles.sql
-- generated from 67175e80bb596011e41f2f644e4418969ad27979 (feature/reporting)
CREATE ROLE reporting_ro LOGIN PASSWORD '⟦S:Qv7#mT2w!Lp9zR4x⟧';
CREATE ROLE etl_writer LOGIN PASSWORD '⟦S:hK3$nB8vX1qW6cE0⟧' VALID UNTIL '2026-01-01';
ALTER ROLE ⟦U:mhernandez⟧ WITH PASSWORD '⟦S:Tuesday-Lemon-48⟧';  -- ⟦P:Marta⟧ asked for a reset
GRANT USAGE ON SCHEMA analytics TO reporting_ro;
GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO reporting_ro;
GRANT INSERT, UPDATE ON analytics.daily_rollup TO etl_writer;
INSERT INTO feature_flags (id, name, enabled)
VALUES ('f83a7d43-7ffa-49c4-825d-aa217d67f868', 'reporting_v2', true);
""",
)
add(
    "cred",
    "en",
    "ssh-key-invalid-format",
    "command",
    """
why does ssh say invalid format? I copied the key from our team wiki into a file:

$ cat ~/.ssh/id_build02
⟦PK:-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAaAAAABNl
Y2RzYS1zaGEyLW5pc3RwMjU2AAAACG5pc3RwMjU2AAAAQQT7qAW1sqWAogIHQoV1
12La8fAItsiKBStv3VhZugRcmkk09CufJZdUUoI75uxXCH5O437rmOJrYDq+IL2r
lXg4AAAAoL6KssW+irLFAAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAy
NTYAAABBBPuoBbWypYCiAgdChXXXYtrx8Ai2yIoFK2/dWFm6BFyaSTT0K58ll1RS
gjvm7FcIfk7jfuuY4mtgOr4gvauVeDgAAAAgSe5fyMk9GYu5kvZXq5dDRmVwUrwW
Cn181j6Zq9RRyZcAAAAAAQIDBAUGBwg=
-----END OPENSSH PRIVATE KEY-----⟧$ chmod 600 ~/.ssh/id_build02
$ ssh -i ~/.ssh/id_build02 deploy@build-02.corp.example
Load key "/home/⟦U:nina⟧/.ssh/id_build02": invalid format
deploy@build-02.corp.example: Permission denied (publickey).
""",
)
add(
    "cred",
    "en",
    "fastlane-match-ci",
    "env",
    """
fastlane match keeps prompting for the passphrase on CI and then times out. This is our .env.ci and the lane — what's wrong?

MATCH_PASSWORD=⟦S:glacier-Otter-7731-umbrella⟧
MATCH_GIT_BASIC_AUTHORIZATION=⟦S:Y2ktYm90OmdpdGh1Yl9wYXRfMTFRODJROUJDNFYyREI5NFRaSFBGR185Ukdzc0NFcllTb0JVaGFGOE9wdU16NTlWeFlFRXphamZGQkhIRzdQa1dOa1lkUUtmRXRPdWl3YlZVVg==⟧
ASC_KEY_ID=K7BL4NU3W0
ASC_ISSUER_ID=e072d6ed-e56b-448a-81e4-e8d71872c263
ASC_KEY_CONTENT="⟦PK:-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgORLMYOdUgTsZ5H1t
yudQxAR87iOhFCF+pwjqmYl+DNShRANCAARj/Pt0gTKBp1PVLCFZyrpCapBllc7p
2XShoRaH1rYYFTiJaiaSjxZ7vXzmbJLcamzhKVFFORXcVIvdqp1aKP4p
-----END PRIVATE KEY-----⟧"

lane :beta do
  app_store_connect_api_key(key_id: ENV["ASC_KEY_ID"], issuer_id: ENV["ASC_ISSUER_ID"], key_content: ENV["ASC_KEY_CONTENT"])
  match(type: "appstore", readonly: true)
  build_app(scheme: "Tidewater")
  upload_to_testflight(skip_waiting_for_build_processing: true)
end
""",
)
add(
    "cred",
    "en",
    "shopify-app-env-oauth-error",
    "env",
    """
Our Shopify app install fails with "Oauth error invalid_request: The redirect_uri is not whitelisted". Here's the .env and the toml, can you spot it?

# .env
SHOPIFY_API_KEY=⟦K:cec42bbff95615f20030aaa426945724⟧
SHOPIFY_API_SECRET=⟦K: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⟧
SHOPIFY_ADMIN_TOKEN=⟦K: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⟧
HOST=https://bristle-and-bloom-app.fly.dev
SCOPES=read_products,write_orders,read_customers
DATABASE_URL=file:dev.sqlite

# shopify.app.toml
client_id = "⟦K:cec42bbff95615f20030aaa426945724⟧"
name = "Bristle & Bloom Wholesale"
application_url = "https://bristle-and-bloom-app.fly.dev"
[auth]
redirect_urls = [ "https://bristle-and-bloom.fly.dev/auth/callback" ]
""",
)
add(
    "cred",
    "en",
    "oauth-refresh-debug",
    "http",
    """
After refreshing, the very next API call returns 401. Is the new access token already expired? Can you decode it and tell me?

POST /oauth/token → 200
{"access_token":"⟦S:eyJhbGciOiJSUzI1NiIsImtpZCI6IjVvS3FGeXR4IiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL2F1dGguYnJpZ2h0bGFuZS5leGFtcGxlLyIsInN1YiI6ImF1dGgwfDQ5NDdjN2RhMzk1NjRjNWZhMzdiZTFjOCIsImF1ZCI6Imh0dHBzOi8vYXBpLmJyaWdodGxhbmUuZXhhbXBsZSIsImlhdCI6MTcxODAyMjI1MSwiZXhwIjoxNzE4MDI1ODUxLCJzY29wZSI6Im9wZW5pZCBwcm9maWxlIG9mZmxpbmVfYWNjZXNzIHJlYWQ6b3JkZXJzIiwiYXpwIjoiSVBPbkZaR0F0WE82R0IxdXlUUmF2MUl4aG9DVFF3NUgifQ.xK6h-gh9loFSboNf6VJviubpwwAohDy0HhoT2PJH6NemhQp9DfDzKQqbTbGHKefg2tn4TCWld1yGcGjjUSE8jqGekQUPIt8L9KwqK7qMzdLkjTQwYOXeC5g0KoDirIA_Y28GQ7bTmW5usNkI8xvaIFHcHMYe_CRE1x6h1LpnmoC4-ArPTcspCafnK8LfaDGwt8t-ZW6Ue5UNezI-b6dKjeKcSB-kWffXSqZTVVwqiStSbVkr0JwwQJrt9IqYpVDISS7OlRkjRQyX-EHLny-acigDIbxQ_GQLcFq3pdH8BHn97zNWLq3SNZl_95rfVkkYkQA_pB0PonlqPpPUCwplcg⟧","refresh_token":"⟦S:iKhXoR0-NSre6bzc5cOgyulFsNzXUjye2q0GBy05Qvat1uf-⟧","token_type":"Bearer","expires_in":3600}

GET /v1/orders?status=open HTTP/1.1
Host: api.brightlane.example
Authorization: Bearer ⟦S:eyJhbGciOiJSUzI1NiIsImtpZCI6IjVvS3FGeXR4IiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL2F1dGguYnJpZ2h0bGFuZS5leGFtcGxlLyIsInN1YiI6ImF1dGgwfDQ5NDdjN2RhMzk1NjRjNWZhMzdiZTFjOCIsImF1ZCI6Imh0dHBzOi8vYXBpLmJyaWdodGxhbmUuZXhhbXBsZSIsImlhdCI6MTcxODAyMjI1MSwiZXhwIjoxNzE4MDI1ODUxLCJzY29wZSI6Im9wZW5pZCBwcm9maWxlIG9mZmxpbmVfYWNjZXNzIHJlYWQ6b3JkZXJzIiwiYXpwIjoiSVBPbkZaR0F0WE82R0IxdXlUUmF2MUl4aG9DVFF3NUgifQ.xK6h-gh9loFSboNf6VJviubpwwAohDy0HhoT2PJH6NemhQp9DfDzKQqbTbGHKefg2tn4TCWld1yGcGjjUSE8jqGekQUPIt8L9KwqK7qMzdLkjTQwYOXeC5g0KoDirIA_Y28GQ7bTmW5usNkI8xvaIFHcHMYe_CRE1x6h1LpnmoC4-ArPTcspCafnK8LfaDGwt8t-ZW6Ue5UNezI-b6dKjeKcSB-kWffXSqZTVVwqiStSbVkr0JwwQJrt9IqYpVDISS7OlRkjRQyX-EHLny-acigDIbxQ_GQLcFq3pdH8BHn97zNWLq3SNZl_95rfVkkYkQA_pB0PonlqPpPUCwplcg⟧
""",
)
add(
    "cred",
    "en",
    "devtools-copy-as-curl",
    "command",
    r"""
I copied this from Chrome devtools ("Copy as cURL"). It works in the browser but my Python script gets 403 with the same headers. What's different?

curl 'https://app.harvestly.example/api/timesheets/export?week=2025-W23&format=csv' \
  -H 'accept: application/json, text/plain, */*' \
  -H 'cookie: _harvestly_session=⟦S:33a5833f2d9ab8049912459dc785d99e⟧; ajs_user_id=⟦E:priya.natarajan@verdantco.example⟧; _ga=GA1.1.1460829011.1717400000' \
  -H 'referer: https://app.harvestly.example/timesheets' \
  -H 'x-csrf-token: ⟦S:kGfoovjE6k1RKvo9yj8MbFbj8Jnn1ZazlIysfz3n5DiErVwoQgDrc3svRNpiGw1vrppe_T3DQZR9TgPrhIf-NI⟧' \
  -H 'user-agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36'
""",
)
add(
    "cred",
    "en",
    "superset-config-upgrade",
    "code",
    """
After upgrading Superset to 4.1 the workers can't reach the cache and Slack alerts stopped. Here's superset_config.py:

import os

SECRET_KEY = "⟦S:SOt+LLE8VNytZej0TmIey9voR7c6IgkQ7OXsgT/yVy98r804cnGo2MsG⟧"
SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://superset:⟦S:Fj29-vQx-81Lm⟧@10.20.1.15:5432/superset"
CACHE_CONFIG = {
    "CACHE_TYPE": "RedisCache",
    "CACHE_DEFAULT_TIMEOUT": 300,
    "CACHE_REDIS_URL": "redis://:⟦S:eQJy0Gzms0rSAL7DVp9nkKaw⟧@10.20.1.16:6379/0",
}
SLACK_API_TOKEN = "⟦K:xoxb-196015329840-3955835658263-umcb1aD5jIda514SxHCuVPSU⟧"
MAPBOX_API_KEY = os.environ.get("MAPBOX_API_KEY", "")
FEATURE_FLAGS = {"ALERT_REPORTS": True, "DASHBOARD_RBAC": True}
""",
)
add(
    "cred",
    "en",
    "strongswan-road-warrior",
    "command",
    """
Road-warrior VPN: iPhones connect fine, Windows 11 says "policy match error". Here's what's on the server:

$ sudo cat /etc/ipsec.secrets
: PSK "⟦S:vT8!ocean-Ledger-3307⟧"
vpn.hollandparkvet.example : RSA /etc/ipsec.d/private/server-key.pem
⟦U:dpatel⟧ : EAP "⟦S:Marigold#2024⟧"
⟦U:lkovacs⟧ : EAP "⟦S:r4Nk-Pz9w-Hq2⟧"
$ sudo grep -A8 'conn ikev2' /etc/ipsec.conf
conn ikev2-vpn
    auto=add
    keyexchange=ikev2
    ike=aes256-sha256-modp2048!
    esp=aes256-sha256!
    leftid=@vpn.hollandparkvet.example
    rightauth=eap-mschapv2
    rightsourceip=10.10.10.0/24
""",
)
add(
    "cred",
    "en",
    "grafana-datasource-provisioning",
    "yaml",
    """
The Elastic datasource shows "Bad Gateway" in Grafana but curl with the same key works. Provisioning file:

apiVersion: 1
datasources:
  - name: Prometheus
    type: prometheus
    url: https://prometheus.ops.lindqvist-freight.example
    basicAuth: true
    basicAuthUser: grafana
    secureJsonData:
      basicAuthPassword: ⟦S:xM4r-Lk22-Pq0v-Zt81⟧
  - name: Logs (Elastic)
    type: elasticsearch
    url: https://es.ops.lindqvist-freight.example:9243
    jsonData:
      index: "logs-*"
      timeField: "@timestamp"
      httpHeaderName1: Authorization
    secureJsonData:
      httpHeaderValue1: "ApiKey ⟦K:czZnVVlZQnhXcS1peXh5RFlwekc6dzdFeUlQMmJSekVaLXR1QVVlVUlNNw==⟧"
""",
)
add(
    "cred",
    "en",
    "windows-drive-mapping-batch",
    "code",
    r"""
Why does the second "net use" in this logon script fail with System error 1219?

@echo off
REM map drives for new hires - runs at logon
net use S: \\fs01.corp.ortega-hvac.example\shared /user:ORTEGAHVAC\⟦U:jsanchez⟧ ⟦S:Welcome2025!⟧ /persistent:yes
cmdkey /add:fs01.corp.ortega-hvac.example /user:ORTEGAHVAC\svc_scan /pass:⟦S:Sc4nn3r#Floor2⟧
net use P: \\fs01.corp.ortega-hvac.example\plotter /user:ORTEGAHVAC\svc_scan ⟦S:Sc4nn3r#Floor2⟧
net use H: \\fs01.corp.ortega-hvac.example\home$\%USERNAME%
""",
)
add(
    "cred",
    "en",
    "zigbee2mqtt-after-update",
    "yaml",
    """
After updating zigbee2mqtt the frontend asks for a token I don't remember setting and all devices show offline. Also what does GENERATE mean here — did it change my network key?

homeassistant:
  enabled: true
mqtt:
  base_topic: zigbee2mqtt
  server: mqtt://192.168.1.20:1883
  user: z2m
  password: ⟦S:pQ8-lantern-Fig⟧
serial:
  port: /dev/serial/by-id/usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus-if00-port0
advanced:
  network_key: GENERATE
  pan_id: GENERATE
  log_level: info
frontend:
  enabled: true
  port: 8080
  auth_token: ⟦S:S31DnggravZaVzRlEHTXU966sCfGsUIP⟧
""",
)
add(
    "cred",
    "en",
    "fridge-note-streaming-logins",
    "prose",
    """
Can you turn this into a tidy note I can stick on the fridge for my parents while they house-sit? Big font, simple words.

Netflix: it's logged in already, but if it asks, the password is ⟦S:Pumpkin&Biscuit2019⟧. The kids' profile is locked with PIN ⟦S:4821⟧ (you shouldn't need it). Disney+ uses the same email, password ⟦S:harbour-lights-77⟧. The TV's parental lock code is ⟦S:0613⟧ if the grandkids lock it by accident. Wi-Fi is "Casa-Nest-5G", password ⟦S:TwoCatsOneDog!88⟧. Thermostat app: don't touch 🙂
""",
)
add(
    "cred",
    "en",
    "helpdesk-password-reset-email",
    "prose",
    """
I'm the only IT person here. Can you rewrite this email so it's clearer and a bit friendlier?

Hi ⟦P:Gareth⟧,
Your Microsoft 365 password is reset. Sign in as ⟦E:gareth.pugh@tanybryn-joinery.example⟧ with the temporary password ⟦S:Fern-Crane-6402⟧ and you'll be made to change it. Since your phone was replaced, here are new one-time backup codes for the authenticator (each works once): ⟦S:5839 2047⟧, ⟦S:7710 4418⟧, ⟦S:0926 3351⟧, ⟦S:6482 9905⟧, ⟦S:3174 5520⟧. Don't forward this email to anyone and delete it once you're in.
⟦P:Nia⟧
""",
)
add(
    "cred",
    "en",
    "sms-provider-php-notifier",
    "code",
    """
Refactor this into a class with an interface so we can swap SMS providers, and move the secrets out of the code:

<?php
$messagebird = new \\MessageBird\\Client('⟦K:live_0TgbeqtMyeq6VcCV7prY3SWXC⟧');
$sinchPlanId = '⟦K:6fa532f3b9f3b03d2de849fb6e156aac⟧';
$sinchToken  = '⟦K:7f28cb1ae8f8cbde02b6627ba2d3cb0a⟧';
$teamsHook   = '⟦K:https://northwindlogistics.webhook.office.com/webhookb2/039523ea-c033-4241-91d1-b46725d61010@e14d25db-e84a-4316-99c9-0a8abdb7f595/IncomingWebhook/a842dc4e897b2179ea5ef3b8cfd17328/d3d0e30b-8c8f-474d-87f1-89a6c36c14c8/V2L1JssKQINZt7FfFfObIEuK_NKQKgjUXZlYNh-AMlJ7W⟧';

function notifyDriver(string $phone, string $text) {
    global $messagebird, $sinchPlanId, $sinchToken, $teamsHook;
    // try MessageBird first, fall back to Sinch, post failures to Teams
}
""",
)
add(
    "cred",
    "en",
    "aws-sts-assume-role-output",
    "json",
    """
terraform plan works for an hour and then fails with ExpiredToken. I get the creds like this — how do I make the session last longer?

$ aws sts assume-role --role-arn arn:aws:iam::491782036615:role/ci-deployer --role-session-name deploy-debug
{
    "Credentials": {
        "AccessKeyId": "⟦K:ASIASSGIX5PXYFVUOWOG⟧",
        "SecretAccessKey": "⟦K:0IEcBTNi2wQMnxT1BjaIQumPUaPfFvC79BM9adka⟧",
        "SessionToken": "⟦S:IQoJb3JpZ2luX2VjEuGqFiQX7Axh5CEzv9MBqckc8T9Hqr+kFV7ueOW7+80ORFvPwZ3mVfwlxw7KoRipaKKk7HH94T4oIymGggtTKT2YRi7GhP+W4MbupbcRO2pzpGvEeyO3fcN0z1K1ltDcL+Qu86P8Lfi5axBI/+mo8y1++/wt/FA1hBGfMnnBUf1qLx8rMBnwW/PwvTlqcPS9WVh8cHbd14KIzbzP81NbY9WEGrn3v9r3MpBAHqnD2S16E5mhIGv2f92GiRQdKkuvnpethovCJsGU8io+s+TLHGBThjBKj11EdN+28qB8HAOXEknGGPmmjvRCBDudN+XXLWR/+X5LOB2fetKNSMoAwj2NBJt/LvNkKGQ==⟧",
        "Expiration": "2025-06-11T15:42:09+00:00"
    },
    "AssumedRoleUser": {
        "AssumedRoleId": "AROA5QGZ2TKJ7RXW3NB4M:deploy-debug",
        "Arn": "arn:aws:sts::491782036615:assumed-role/ci-deployer/deploy-debug"
    }
}
""",
)
add(
    "cred",
    "en",
    "azure-sp-create-for-rbac",
    "command",
    """
I created a service principal for GitHub Actions. Which of these values go into which GitHub secret for azure/login, and is Contributor on the resource group too broad?

$ az ad sp create-for-rbac --name gh-actions-infra --role Contributor --scopes /subscriptions/d709b02a-2b88-41fa-8062-8c562b664fa3/resourceGroups/rg-infra-prod
Creating 'Contributor' role assignment under scope '/subscriptions/d709b02a-2b88-41fa-8062-8c562b664fa3/resourceGroups/rg-infra-prod'
{
  "appId": "c313009f-5ee4-41c9-a170-ad015f6d85a6",
  "displayName": "gh-actions-infra",
  "password": "⟦K:TWS8Q~DhkkY6.b4U_UR6xfqw.h_qPwa0zOkx~nfJ⟧",
  "tenant": "80493584-25d7-4881-b348-966ad43d0fb3"
}
""",
)
add(
    "cred",
    "en",
    "nginx-cert-key-mismatch",
    "command",
    """
nginx -t says "SSL_CTX_use_PrivateKey failed (key values mismatch)". This is the combined file I made for the intranet — did I put them in the wrong order?

$ cat /etc/nginx/ssl/intranet.pem
-----BEGIN CERTIFICATE-----
MIIBizCCARGgAwIBAgIITB56K50D9eYwCgYIKoZIzj0EAwIwLTErMCkGA1UEAwwi
aW50cmFuZXQuaGFycm93Z2F0ZS1kZW50YWwuZXhhbXBsZTAeFw0yNTAzMDEwMDAw
MDBaFw0yNjAzMDEwMDAwMDBaMC0xKzApBgNVBAMMImludHJhbmV0LmhhcnJvd2dh
dGUtZGVudGFsLmV4YW1wbGUwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAAQFcOGJGf81
3WqMf8ZFZVMp1f9Cs+SlwvDYA9lYsbIvoSJQwTB2YBEd2q0DwtKvxaTQyT9IC2AW
WGG0XhOoQZ+4gyA6HPsqW8BqcwFm+atWe/kTBnNoOdfEDM62L+1T52gwCgYIKoZI
zj0EAwIDaAAwZQIwCE8soViX4fFCwFokyFmzP1lcWX+O9PNAnNcN8J3/DsSzogfg
2b8TLUJ49q/q4ejBAjEAmsYqy7j+uN0eCvldnaVoojKT5Y24dV+WaDcCPGZZ4bSV
ja9lWlryNxKLt10XEm4A
-----END CERTIFICATE-----
⟦PK:-----BEGIN EC PRIVATE KEY-----
MIGkAgEBBDC+G49lk2JjrpM2MyEZi9oZt+Q9NmJCTZZaUk9B05w0jDWTORlY6eDM
YHUcStW+/MSgBwYFK4EEACKhZANiAAQFcOGJGf813WqMf8ZFZVMp1f9Cs+SlwvDY
A9lYsbIvoSJQwTB2YBEd2q0DwtKvxaTQyT9IC2AWWGG0XhOoQZ+4gyA6HPsqW8Bq
cwFm+atWe/kTBnNoOdfEDM62L+1T52g=
-----END EC PRIVATE KEY-----⟧
$ grep ssl_ /etc/nginx/sites-enabled/intranet
    ssl_certificate     /etc/nginx/ssl/intranet.pem;
    ssl_certificate_key /etc/nginx/ssl/intranet.key;
""",
)
add(
    "cred",
    "de",
    "vereinskasse-uebergabe",
    "prose",
    """
Ich gebe die Kasse vom Kleingartenverein an meinen Nachfolger ab. Mach mir bitte aus diesen Stichpunkten eine ordentliche Übergabe-Notiz:

- Online-Banking Sparkasse: Anmeldename KGVSonne01, PIN ⟦S:58214⟧ (pushTAN läuft noch auf meinem Handy, muss umgestellt werden)
- Kassenbuch.xlsx ist mit dem Passwort ⟦S:Tomate&Gurke1987⟧ geschützt
- Vereinspostfach vorstand@kgv-sonnenhang.example, Passwort ⟦S:Laube!Regen42⟧
- Geldkassette im Vereinsheim-Tresor, der Code ist ⟦S:7-3-9-1⟧
- Nachfolger: ⟦P:Uwe Brandtner⟧, Tel. ⟦T:0176 48213307⟧
""",
)
add(
    "cred",
    "de",
    "lexoffice-dhl-versandskript",
    "code",
    """
Warum bekomme ich von der DHL-API immer 401 Unauthorized, während lexoffice klappt? Hier das Skript:

import requests

LEXOFFICE_API_KEY = "⟦K:EsSGSt9b49wzeosboZSdIJgPDJIuU2AK3M⟧"
DHL_API_KEY = "⟦K:UOaSQGTZj8nPnP43NqV803iQcFcHuIkT⟧"
DHL_USER = "versand_luebeck"
DHL_PASSWORD = "⟦S:Paket-Moewe-2291!⟧"

def offene_rechnungen():
    r = requests.get("https://api.lexoffice.io/v1/voucherlist?voucherType=invoice&voucherStatus=open",
                     headers={"Authorization": f"Bearer {LEXOFFICE_API_KEY}"}, timeout=20)
    return r.json()["content"]

def label(sendung):
    return requests.post("https://api-eu.dhl.com/parcel/de/shipping/v2/orders",
                         auth=(DHL_USER, DHL_PASSWORD), headers={"dhl-api-key": DHL_API_KEY}, json=sendung, timeout=30)
""",
)
add(
    "cred",
    "es",
    "claves-comunidad-vecinos",
    "prose",
    """
Te paso las claves de la comunidad para que me hagas un documento limpio para el nuevo presidente, ⟦P:Joaquín Mendoza⟧ (3.º A):

- videoportero, código para repartidores: ⟦S:1985B⟧
- cuenta de la comunidad en el banco: el usuario es el CIF, la clave de acceso ⟦S:Patio4Naranjos⟧ y la clave de firma ⟦S:281406⟧
- wifi del cuarto de contadores: red "ComunidadOlivo", contraseña ⟦S:Olivo_2022_cuarto⟧
- el candado del cuarto de la piscina abre con ⟦S:3-0-7⟧
Y recuérdale que el administrador de fincas cambia en septiembre.
""",
)
add(
    "cred",
    "es",
    "woocommerce-seur-correos-config",
    "yaml",
    """
Desde que cambiamos de plan no se generan las etiquetas de SEUR. ¿Ves algo raro en la config del plugin?

correos_express:
  cliente: "9284116"
  usuario: tienda_aranjuez
  password: "⟦S:cX-7731-Aranjuez⟧"
  entorno: produccion
seur:
  api_key: "⟦K:349eaa9177198fbf24e126be3e8c91a3edcc5cbe⟧"
  api_secret: "⟦K:kx12UShvyx890ebjkLA5Ahyvn285vsfdadwuqtjU⟧"
  cuenta: "38-411207"
  servicio_defecto: "24H"
  entorno: sandbox
""",
)
add(
    "cred",
    "fr",
    "notes-pour-mari-hospitalisation",
    "prose",
    """
Je pars trois semaines à l'hôpital, je laisse à mon mari de quoi gérer les papiers. Tu peux en faire une liste claire et rassurante ?

- compte Ameli : identifiant = mon n° de sécu ⟦ID@FR:2 71 08 69 123 363 42⟧, mot de passe ⟦S:Glycine!Lyon71⟧
- mutuelle : même identifiant, mot de passe ⟦S:tisane-Verveine-9⟧
- le code de ma carte bleue c'est ⟦S:7395⟧ (pour les courses seulement !)
- le digicode de la cave : ⟦S:B2741⟧
Bisous, ⟦P:Sylvie⟧
""",
)
add(
    "cred",
    "fr",
    "pennylane-payplug-script",
    "code",
    """
Peux-tu transformer ce script en tâche planifiée propre (logs, gestion d'erreurs) ? Il synchronise les paiements PayPlug vers Pennylane.

import payplug, requests

PENNYLANE_TOKEN = "⟦K:BZKUOWrQtB5O5vFYdDE9toB9l2QO7qYH00eNHfDi4ea⟧"
payplug.set_secret_key("⟦K:sk_live_ICze94Cfe96qU5EVhGWJS2bf⟧")
# payplug.set_secret_key("sk_test_xxxxxxxxxxxxxxxxxxxxxxxx")  # clé de test

def sync():
    for p in payplug.Payment.list(per_page=50):
        if p.is_paid:
            requests.post("https://app.pennylane.com/api/external/v2/customer_invoices/import",
                          headers={"Authorization": f"Bearer {PENNYLANE_TOKEN}"},
                          json={"external_reference": p.id, "amount": p.amount / 100})
""",
)
add(
    "cred",
    "it",
    "istruzioni-cie-papa-inps",
    "prose",
    """
Mio padre deve entrare sul sito dell'INPS con la CIE e da solo non ce la fa. Scrivigli istruzioni semplicissime, passo per passo, usando questi dati che mi ha dato lui:

papà: ⟦P:Giuseppe Russo⟧, codice fiscale ⟦ID@IT:RSSGPP48B20F839A⟧
PIN della CIE: ⟦S:40318827⟧ (le prime 4 cifre sulla ricevuta, le altre 4 sulla lettera)
PUK: ⟦S:91552036⟧
password dell'app CieID: ⟦S:Vesuvio.1948⟧
cellulare per gli SMS: ⟦T:338 214 7709⟧
""",
)
add(
    "cred",
    "it",
    "fatture-in-cloud-satispay",
    "code",
    """
Satispay mi risponde "invalid signature" quando creo il pagamento. La chiave è quella che ho generato io. Mi aiuti a capire dove sbaglio nella firma?

FIC_ACCESS_TOKEN = "⟦K:a/eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyZWYiOiJ2SXhRRTZTZU1PZXJkMlY4WDdPTTJaZnhjQTFsSzZYWiIsImV4cCI6MTc0OTkwMDAwMH0.ALhocFf78MFmQpNZXzjfgklJk0SlrTtl_cy-JqPRlBA⟧"
FIC_COMPANY_ID = 579267
SATISPAY_KEY_ID = "⟦K:dvwirmabt6fu1t9nddhz10jbftwp8jmriylxsdevecsvexqb21mg329rnhef⟧"
SATISPAY_PRIVATE_KEY = '''⟦PK:-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC/zV32OVAxkgtm
ZMqOKhzQIEN3e/rxGglS+VO71L9/dZVXNYVLFlAOgY5TZPZR+i4xYBBx6VYOLoVV
BKeSVZNnedU5zBJd7ZicxdeJklkBu60dzHHt2pjWMzxbWo4rkpRTSeqMGle0st6M
8z47bMvrmPHOTnrvQT2+OTQvbJKgdOWVTpUjaW9ARKj6t9bGnWDEFh+P0CrErGjL
Sr5c/0xJOanoLo4fMsLKrj5+157Po7NH0IrhvDoRoVTqKcNk7S5OcaVgffExiJ7S
pBrLi3P7GbMD+cfunbE/+WsNySUY6xIHrKJXyhJpFz8C7flT/q9FCt6OOl6rxHeB
W5vOODM5AgMBAAECggEAWqD4kBreyL2Ag36Gs4w0lydXmcLMfVZXJ4zGQw+w+NIf
odiZRjSh2WjgTol7VpsHbq88tgaSchsLR3Pulle3UgKgfTHvT9Cv9wwI32l2gzoh
/92Vy9UpuLT3BReR7AbT7VMU7+SWoryOKj3Znwy2gnl/cINm1VyXhyXSgcIkuooP
/4jVHRycmnBctGWxZ/4yD/wQuA3ZlwFktxcVbC1bM2Vw63HFsDygjIAQVe21ZmrJ
0MlW59LaQM/TrNohI0e/xecocwoZJdmpEhRtdkGT5+60Cp7zcalvK5NMe00NtFzj
vcsAuolFuM9E4Q/WrXu1beAqDr3oR83Hpcrwwlct7QKBgQDsukeKuAnmemspekhW
f1Q+kTF5hrqfDTChGD5XW7JNCm3zkWZaOgT6kFLRIEzXiahrVmaSfwF3AjVPvu/U
XBfSY0FuS8KMkvWZxarg++kaQq9EjFgVKjFTzF0CY5ooYYL/SYvuSexClmtS5qHw
lKNtF2VeA81RiNtvXOK24+BqRwKBgQDPasgKtY/yh8pgdA6ISqlvEAfeLL4ih8Ru
fNgij8HYl2tkdOaZUCQlDjccu/+nEqjIuDB+SGB0PymVaWlJUmJ5V+XvOUiW7Hl7
6e8366qy25YSj9hoaxWUtQ5NDGoNytZHJiKiKyGSuumlMdOFn8P9/QYvA4C1sR3L
pAzGjIO2fwKBgDV4Yf54UWwozJnC0CIRgqLbQtSTVQXmAczxX+t1f9GdAHbaqcbJ
giRigwJPjGvG4S7Vhjeizl7mNcp8c0mBP7Q6zSWvoRMFgson9s/4to9C7rnKBX9K
V3f5Gi0W+FQUqnUlVKEPO3lS5o0EISHpQPy8Ix5YN4EqK358+Yyb7i2zAoGAR796
PyobBxwtxzueI0sgXQjAj/wOMUehjU6mPR5ZQaDvRyqg8fuk5SSLr+bgQlzUAcql
C6nho5SNv99cyj4zTiI3qY65K2vVgiWj2EYvH/uRaA5WH5ibOHuA3OokbWzyvl3U
sSAWVvlNBRW9Q4XGeD9kOjMN/MutsNmoia3lieUCgYEAq3IDxmnPgMiQs8mbfQyp
x7moBs0ITBSxRjY874wR+3d1+xHxuhqeBTxAC8Sd2xfamnn0Z0YwQ/WG6E4ETWIN
EvM3uhVy9Z0uW0zduejin77hNUJ1ehrZNHEBFKLMtb6v6foNWf3VibuTCe62fh8i
tTJXBO7kgmvBkNNaQ94Qgt0=
-----END PRIVATE KEY-----⟧'''
""",
)
add(
    "cred",
    "pl",
    "przekazanie-sklepu-na-urlop",
    "prose",
    """
Przekazuję sklep koleżance na dwa tygodnie urlopu. Uporządkuj mi to w punktach, żeby niczego nie pomyliła:

- kasa fiskalna: kod kierownika ⟦S:3107⟧, ⟦P:Ola⟧ ma swój kod kasjera ⟦S:2245⟧
- panel sklepu internetowego: login ⟦E:ewelina.zielinska@kwiaciarnia-lilia.example⟧, hasło ⟦S:Wrzos_Lipiec24⟧
- alarm: kod rozbrojenia ⟦S:6092⟧, a hasło dla firmy ochroniarskiej to „⟦S:jaskółka⟧”
- terminal płatniczy sam się zamyka o 21:00, nic nie trzeba robić
Dzięki, ⟦P:Ewelina⟧
""",
)
add(
    "cred",
    "pl",
    "payu-fakturownia-env",
    "env",
    """
Po przeniesieniu na nowy serwer PayU zwraca 401 przy pobieraniu tokenu OAuth, a Fakturownia działa. Co może być nie tak w .env?

APP_ENV=production
PAYU_POS_ID=4172036
PAYU_CLIENT_ID=4172036
PAYU_CLIENT_SECRET=⟦K:f8471dd7c1d9f185835724e8ee76a9a9⟧
PAYU_SECOND_KEY=⟦K:28e99a9fbcd033df85979cf93c4af7ca⟧
PAYU_OAUTH_URL=https://secure.snd.payu.com/pl/standard/user/oauth/authorize
FAKTUROWNIA_API_TOKEN=⟦K:mRHejpcOjVyljUrPb1yv/kwiaciarnia-lilia⟧
FAKTUROWNIA_DOMAIN=kwiaciarnia-lilia.fakturownia.pl
""",
)
add(
    "cred",
    "nl",
    "vve-penningmeester-overdracht",
    "prose",
    """
Ik stop als penningmeester van onze VvE. Kun je dit omzetten in een net overdrachtsdocument voor ⟦P:Femke Jansen⟧?

- bankpas van de VvE-rekening: pincode ⟦S:8204⟧ (de scanner geef ik 1 juli af)
- VvE-beheerprogramma: gebruikersnaam penningmeester.dewilg, wachtwoord ⟦S:Wilgenlaan#1977⟧
- sleutelkastje bij de fietsenberging: code ⟦S:5513⟧
- nieuwsbrief-account: zelfde gebruikersnaam, wachtwoord ⟦S:Nieuwsbrief-VvE-22⟧
""",
)
add(
    "cred",
    "nl",
    "buckaroo-myparcel-laravel-config",
    "code",
    """
Onze webshop (Laravel) maakt geen verzendlabels meer aan sinds de update. Klopt deze config/services.php?

'buckaroo' => [
    'website_key' => '1YOYLN3845',
    'secret_key'  => '⟦K:B5967GVF8XR3QOKKLMKCBUP5FBGKPDYQ⟧',
    'test_mode'   => false,
],
'myparcel' => [
    'api_key'  => '⟦K:830yjqgovtdh82pj30q1uad7w6gomqcsm6fnpxk8⟧',
    'carrier'  => 'postnl',
    'package_type' => 1,
],
'sendcloud' => [
    'public_key' => env('SENDCLOUD_PUBLIC_KEY'),
    'secret_key' => env('SENDCLOUD_SECRET_KEY'),
],
""",
)
add(
    "cred",
    "pt",
    "recado-filha-contas-banco",
    "prose",
    """
Ajuda-me a pôr isto numa folha simples para a minha filha, que vai tratar das minhas contas enquanto estou fora:

Para pagares a luz e a água pela app do banco: número de adesão ⟦ACC:48127730⟧, código multicanal ⟦S:802417⟧. O código do MB WAY é ⟦S:5096⟧. Nas Finanças entras com o meu NIF, ⟦ID@PT:193005948⟧, e a senha é ⟦S:Alfama1951!⟧. Se pedirem código por SMS vai para o meu telemóvel, que fica contigo.
Beijinhos, ⟦P:Joaquim⟧
""",
)
add(
    "cred",
    "pt",
    "pagseguro-melhor-envio-env",
    "env",
    """
O checkout funciona, mas a cotação de frete do Melhor Envio dá 401 "Unauthenticated". Confere meu .env?

APP_URL=https://lojacasadaserra.example
PAGSEGURO_EMAIL=financeiro@lojacasadaserra.example
PAGSEGURO_TOKEN=⟦K:955cfa57-f55b-4cdb-96a8-3e6e8115db1612WHPODAFMU7AY7LJUTT77UWC5C5NEOWCGDZ9E7J4UZE32DJ⟧
PAGSEGURO_SANDBOX=false
MELHORENVIO_TOKEN=⟦K:eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiI5NTYiLCJqdGkiOiI0MDcxNGVjZWYzYjY0NDQ0MjJlYzhmMjMzNDhjYzJiY2VjMGRiNTU5YTYwZDA1YTcwNjdhNTAyNzAzMjFhZGQwZjZjOTAzMWY1MGVhOTdhOSIsImlhdCI6MTcxNzAwMDAwMCwibmJmIjoxNzE3MDAwMDAwLCJleHAiOjE3NDg1MzYwMDAsInN1YiI6IjJmMGVmYjNlLTZjODktNDM5My05ZDliLTYwYmI4ZDM5NzkxYSIsInNjb3BlcyI6WyJjYXJ0LXJlYWQiLCJjYXJ0LXdyaXRlIiwic2hpcHBpbmctY2FsY3VsYXRlIiwic2hpcHBpbmctZ2VuZXJhdGUiXX0.rX2XVMhFgDXL4vLbWGXPiNQtf1uX8cXbE6o4aStjknFBiNhIyxp0UI69OjRpD3iQi-gYYac3O5EUorHo5ny2hmAkBsER4FCq_d_70GZSoId1q_s2Vf8hVgN-hUrYy1H3DpW9_jUaNOtDEdpRBq9iZyxzBO8_4LhYqi4rqHlU-qA08RvmGVYr0zglQxtbo9UnFFwYE8r4V6oP6NXPfGh6BCyjq5TjkL5UmW95PVqSs3v4L5-ePWQUeecADu48YRnAtdocC_hQzVVY3hf1gb2-5s1zcWy37EDH-yOvsgAJX6siq3GGyTav_yGj-EvWTRC5y7vPy9Zx-iorZiXang6OwQ⟧
MELHORENVIO_SANDBOX=true
CEP_ORIGEM=37540-000
""",
)
add(
    "cred",
    "sv",
    "fortnox-swish-integration",
    "code",
    """
Vår Fortnox-integration slutade fungera efter att vi bytte till den nya autentiseringen, och Swish-anropet klagar på certifikatet. Kan du hjälpa mig felsöka?

FORTNOX_CLIENT_ID = "⟦K:crMRaOJ4sEGM⟧"
FORTNOX_CLIENT_SECRET = "⟦K:i707nIQIZdkfTJ⟧"
FORTNOX_ACCESS_TOKEN = "⟦K:eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0ZW5hbnRJZCI6OTQ1Mzk3LCJjbGllbnRJZCI6ImNyTVJhT0o0c0VHTSIsInNjb3BlcyI6WyJpbnZvaWNlIiwiY3VzdG9tZXIiXSwiZXhwIjoxNzE4MTAwMDAwfQ.bgsX_jOkYMxcF9hUsPcbRUhaGlAChwBWIXu5M7PNMsa_PvovaSfh2l7UotmbWcLncf-92yS6v_7VSROqJ67w135Hq-7QK8Y4TOuFvazFC_5SJKjeN9oAh0JzTu93stWdMuwCoFFtZcrcwsXeuwxLToAOu3dpY06NLDoONS6xZPc5nzh0EU29auqWUkYoZ6BxqdRhKCD_QIh-u9XekHzdfm3BJYvbjCAEtQq5KaFdoabF4Lemk2mKzoEY6ZgtHZwVgYYWj8C0CzlO8wzUWUFOhXeicyRlcY0E6u5qxqVtkPbMKJouFB3or6jJeBQcHXXbnLLfYb8aWe9Y9q-1csHcYQ⟧"
SWISH_CERT = "certs/swish_1234567890.p12"
SWISH_CERT_PASSWORD = "⟦S:LtG96E1KJDFq⟧"
SWISH_PAYEE_ALIAS = "1234567890"
""",
)
add(
    "cred",
    "sk",
    "navod-otec-slovensko-sk",
    "prose",
    """
Otec potrebuje podať daňové priznanie cez slovensko.sk a je z toho nervózny. Napíš mu jednoduchý návod krok za krokom. Údaje mi nadiktoval:

⟦P:Ján Šimko⟧, rodné číslo ⟦ID@SK:610505/1117⟧
BOK: ⟦S:482913⟧
PIN na podpisovanie (ZEP): ⟦S:601774⟧
PUK: ⟦S:13852207⟧
Čítačku má v šuplíku pod televízorom.
""",
)
add(
    "cred",
    "hr",
    "solo-corvuspay-webshop",
    "code",
    """
Webshop ne izdaje račune preko Solo API-ja nakon uspješnog plaćanja karticom. Možeš pogledati ovaj dio koda?

const SOLO_TOKEN = "⟦K:yhjo37jccszsf0q7al8j10plxxweejvgv⟧";
const CORVUS_STORE_ID = "21837";
const CORVUS_SECRET = "⟦K:eiVNrTHLjF1Q7JrpshNR0NtU⟧";

app.post("/corvus/success", async (req, res) => {
  if (!verifySignature(req.body, CORVUS_SECRET)) return res.sendStatus(400);
  const body = new URLSearchParams({ token: SOLO_TOKEN, tip_usluge: "1", prikazi_porez: "1", nacin_placanja: "3" });
  await fetch("https://api.solo.com.hr/racun", { method: "POST", body });
  res.redirect("/hvala");
});
""",
)
add(
    "cred",
    "sl",
    "sporocilo-hcerki-pini",
    "prose",
    """
Prosim, uredi to sporočilo za hčerko, da bo bolj pregledno. Naslednji teden je pri nas in bo urejala stvari namesto mene:

Za spletno banko: uporabniško ime je moje, geslo ⟦S:Triglav_1965⟧. PIN za debetno kartico je ⟦S:7284⟧, samo za trgovino! Garažna vrata odpreš s kodo ⟦S:1469⟧, domofon za pakete pa ⟦S:22⟧ in zvonec. Wifi se imenuje "Hisa-Kos", geslo ⟦S:lipa.Ob.Potoku.7⟧.
Mama
""",
)
add(
    "cred",
    "bg",
    "mypos-node-checkout",
    "code",
    """
Плащанията през myPOS минават, но уебхукът за потвърждение връща 401. Ето кода — какво пропускам?

const MYPOS_CLIENT_ID = "⟦K:XqgqdDpitIlB7obRTx7ck1DJpcxfw0fl⟧";
const MYPOS_CLIENT_SECRET = "⟦K:crkZPwJQXuQkdJAC9wPZFybQBPkAv9jQHYIoSYWnIT0Pyext⟧";
const STORE_ID = "1107432";

async function token() {
  const auth = Buffer.from(`${MYPOS_CLIENT_ID}:${MYPOS_CLIENT_SECRET}`).toString("base64");
  const r = await fetch("https://auth-api.mypos.com/oauth/token", {
    method: "POST",
    headers: { Authorization: `Basic ${auth}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  });
  return (await r.json()).access_token;
}
""",
)
add(
    "cred",
    "is",
    "payday-reikningar-python",
    "code",
    """
Ég er að tengja vefverslunina við Payday til að búa til reikninga sjálfkrafa. Auðkenningin virkar ekki — hvað er að?

import requests

PAYDAY_CLIENT_ID = "⟦K:1b45cc04206453aa162dbe29acebab84⟧"
PAYDAY_CLIENT_SECRET = "⟦K:6RexgGJ2J4AjNy6y0AdR3lDckMFLguwii5pTTbAhwaZ7⟧"

r = requests.post("https://api.payday.is/auth/token",
                  json={"clientId": PAYDAY_CLIENT_ID, "clientSecret": PAYDAY_CLIENT_SECRET},
                  headers={"Api-Version": "alpha"})
print(r.status_code, r.text)
# 401 {"message":"Invalid client credentials"}
""",
)
add(
    "cred",
    "ro",
    "oblio-fancourier-php",
    "code",
    """
Facturile din Oblio se generează, dar AWB-ul de la FanCourier dă eroare de autentificare. Poți să te uiți peste cod?

<?php
$oblioEmail  = 'contabilitate@atelierul-de-lut.example';
$oblioSecret = '⟦K:3ffc79a9ea7f9edf5274f0ec6287f1d8a961c9c7⟧';
$fanUser     = 'atelierul_lut';
$fanPassword = '⟦S:Lut-Ars-2024!⟧';
$fanClientId = '7032214';

$api = new OblioSoftware\\Api($oblioEmail, $oblioSecret);
$token = json_decode(file_get_contents('https://api.fancourier.ro/login?username=' . $fanUser . '&password=' . urlencode($fanPassword)), true);
""",
)
add(
    "cred",
    "el",
    "mydata-aade-request",
    "http",
    """
Στέλνω παραστατικό στο myDATA και παίρνω 401. Μήπως βάζω λάθος κάποιο header; Το αίτημα:

POST /myDATA/SendInvoices HTTP/1.1
Host: mydatapi.aade.gr
aade-user-id: kafeneio_plateia
Ocp-Apim-Subscription-Key: ⟦K:caf47caf868989e9e72a35cb02e6ef34⟧
Content-Type: application/xml

<InvoicesDoc xmlns="http://www.aade.gr/myDATA/invoice/v1.0">
  <invoice>
    <issuer><vatNumber>801234567</vatNumber><country>GR</country><branch>0</branch></issuer>
    <invoiceHeader><series>A</series><aa>1042</aa><issueDate>2025-06-10</issueDate><invoiceType>11.1</invoiceType><currency>EUR</currency></invoiceHeader>
  </invoice>
</InvoicesDoc>
""",
)
add(
    "cred",
    "tr",
    "trendyol-seller-api-request",
    "http",
    """
Trendyol satıcı API'sine ürün güncellemesi gönderiyorum ama 401 alıyorum. Header'da bir sorun mu var?

PUT /integration/inventory/sellers/618204/products/price-and-inventory HTTP/1.1
Host: apigw.trendyol.com
Authorization: Basic ⟦S:UFUzV01tSGlGMVE5QXhwajBmdm06QXNmWlBrU0J1TlhIQ2kwWWpYSUE=⟧
User-Agent: 618204 - SelfIntegration
Content-Type: application/json

{"items":[{"barcode":"8690000123457","quantity":25,"salePrice":349.90,"listPrice":399.90}]}
""",
)
add(
    "cred",
    "hu",
    "billingo-simplepay-env",
    "env",
    """
A SimplePay visszahívásnál "signature mismatch" hibát kapunk, a Billingo számlázás viszont megy. Megnéznéd a .env-et?

BILLINGO_API_KEY=⟦K:6935144b-dd75-4627-a913-0fd893682bff⟧
BILLINGO_BLOCK_ID=118204
SIMPLEPAY_MERCHANT=P047213
SIMPLEPAY_SECRET_KEY=⟦K:jytWgSwBpFnLU806zTtLXF3QHZRoZSth⟧
SIMPLEPAY_SANDBOX=false
SIMPLEPAY_CALLBACK_URL=https://kerteszbolt.example/simplepay/ipn
""",
)
add(
    "cred",
    "fi",
    "mummolan-ohjeet-tunnukset",
    "prose",
    """
Tee tästä selkeä lappu mummolle, joka hoitaa lapsia meillä viikonlopun:

Wifi: verkko "Koti-Koivisto", salasana ⟦S:Mustikka-Metsa-2017⟧. Lasten tableteissa on ruutuaikalukko, koodi ⟦S:3958⟧ – älä kerro sitä heille! Yle Areenaan ei tarvitse kirjautua. Ulko-oven koodilukko aukeaa koodilla ⟦S:7120⟧ ja vaihtaa vihreäksi. Jos hälytin piippaa, se kuitataan koodilla ⟦S:0846⟧.
""",
)

# ---------------------------------------------------------------------------
# group benign
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "katherine-johnson-school-talk",
    "prose",
    """
My daughter has to give a 3-minute talk about Katherine Johnson for 5th grade. Facts she has: born August 26, 1918 in White Sulphur Springs, West Virginia; calculated trajectories for Alan Shepard's 1961 flight and checked the computer's numbers for John Glenn's Friendship 7 orbit in 1962; Presidential Medal of Freedom in 2015; died February 24, 2020. Can you turn that into a short script a 10-year-old can read aloud?
""",
)
add(
    "benign",
    "en",
    "pride-and-prejudice-essay",
    "prose",
    """
I'm writing an essay on how Elizabeth Bennet's view of Mr Darcy changes after she visits Pemberley with the Gardiners. Can you suggest three quotes from chapters 43–46 and how each shows the shift? Also remind me who Mr Collins is related to and why Longbourn is entailed.
""",
)
add(
    "benign",
    "en",
    "shawshank-film-analysis",
    "prose",
    """
For film club: in The Shawshank Redemption, Andy Dufresne is prisoner 37927 and Red is 30265. Does the film ever use the numbers symbolically, or is it just realism? Also compare Red's three parole hearings (1947, 1957, 1967) and what changes in his answers.
""",
)
add(
    "benign",
    "en",
    "usain-bolt-speed-maths",
    "prose",
    """
Usain Bolt ran 9.58 s in the 100 m final in Berlin on 16 August 2009. What was his average speed in m/s and km/h? His top speed was measured around 12.2 m/s between 60 and 80 m — how much faster is that than the average, in percent?
""",
)
add(
    "benign",
    "en",
    "everest-acclimatisation",
    "prose",
    """
Everest is 8,848.86 m (2020 survey), summit at roughly 27°59′17″N 86°55′31″E. If base camp is at 5,364 m and the usual rule is to sleep no more than 300–500 m higher per night above 3,000 m, how many days does a sensible acclimatisation plan from Lukla (2,860 m) take?
""",
)
add(
    "benign",
    "en",
    "sydney-opera-house-access",
    "prose",
    """
Planning a visit to the Sydney Opera House (Bennelong Point, Sydney NSW 2000) with my dad who uses a wheelchair. The box office number on their website is +61 2 9250 7777. Which entrance has lift access, and is there a drop-off zone on Macquarie Street? Please also list what to ask when I call.
""",
)
add(
    "benign",
    "en",
    "chemistry-avogadro-homework",
    "prose",
    """
Check my chemistry homework: 2.5 mol of CO2 → 2.5 × 6.02214076 × 10^23 = 1.5055 × 10^24 molecules. Mass = 2.5 × 44.01 g/mol = 110.0 g. Then photon energy at 532 nm: E = hc/λ with h = 6.62607015 × 10^-34 J·s and c = 299,792,458 m/s. I got 3.73 × 10^-19 J — right?
""",
)
add(
    "benign",
    "en",
    "docker-compose-local-dev",
    "yaml",
    """
Why can't my app container reach the database? docker-compose.yml for local dev:

services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: postgres
      POSTGRES_PASSWORD: example
      POSTGRES_DB: app_dev
    ports: ["5432:5432"]
  app:
    build: .
    environment:
      DATABASE_URL: postgres://postgres:${POSTGRES_PASSWORD:-changeme}@localhost:5432/app_dev
      SECRET_KEY: dev-only-not-secret
    depends_on: [db]
""",
)
add(
    "benign",
    "en",
    "patients-table-ddl-review",
    "sql",
    """
Review this schema for a clinic app before we add data. Should ssn be encrypted at the column level, and what indexes do we need for lookups by last name + date of birth?

CREATE TABLE patients (
  id            BIGSERIAL PRIMARY KEY,
  first_name    TEXT NOT NULL,
  last_name     TEXT NOT NULL,
  date_of_birth DATE NOT NULL,
  ssn           CHAR(11),
  email         TEXT UNIQUE,
  phone         TEXT,
  allergies     TEXT[],
  created_at    TIMESTAMPTZ DEFAULT now()
);
""",
)
add(
    "benign",
    "en",
    "isbn10-check-digit",
    "prose",
    """
Explain the ISBN-10 check digit using 0-306-40615-2 as the example: show the weighted sum step by step and why the check digit can be X. Then convert it to ISBN-13 (978-0-306-40615-7) and show that check digit too.
""",
)
add(
    "benign",
    "en",
    "mortgage-amortization",
    "prose",
    """
$420,000 mortgage, 6.25% fixed, 30 years. What's the monthly principal and interest? How much total interest over the life of the loan, and how much would I save by paying an extra $300 a month from month 1?
""",
)
add(
    "benign",
    "en",
    "ccpa-personal-information-definition",
    "prose",
    """
Under Cal. Civ. Code § 1798.140(v), what counts as "personal information", and how is "sensitive personal information" in § 1798.140(ae) different? Is an IP address on its own personal information under the CCPA? Short answer with the statutory wording, please.
""",
)
add(
    "benign",
    "en",
    "cross-timezone-meeting",
    "prose",
    """
If I schedule a call for Tuesday 10 June 2025 at 09:00 in San Francisco, what time is it in London, Bangalore and Sydney? And is there any slot between 07:00 and 18:00 local time for all four? Daylight saving applies where relevant.
""",
)
add(
    "benign",
    "en",
    "banana-bread-gluten-free",
    "prose",
    """
My banana bread recipe: 3 ripe bananas, 75 g melted butter, 150 g sugar, 1 egg, 1 tsp vanilla, 1 tsp baking soda, pinch of salt, 190 g plain flour. Bake 60 min at 175 °C. How do I make it gluten-free without it going gummy, and should I change the baking time?
""",
)
add(
    "benign",
    "en",
    "job-offer-template-translation",
    "prose",
    """
Translate this offer-letter template into Spanish and German. Keep the placeholders exactly as they are:

Dear {{candidate_name}},
We are pleased to offer you the position of {{job_title}} at {{company_name}}, starting on {{start_date}}. Your annual salary will be {{salary}}, paid monthly. Please sign and return this letter by {{deadline}} to {{hr_contact_email}}.
""",
)
add(
    "benign",
    "en",
    "irs-phone-line-question",
    "prose",
    """
The IRS individual help line is 800-829-1040 (7 a.m.–7 p.m. local time) and the business line is 800-829-4933. Which one do I call about a CP2000 notice for a sole proprietorship, and what documents should I have ready before calling?
""",
)
add(
    "benign",
    "en",
    "iso27001-soc2-mapping",
    "markdown-table",
    """
Map these ISO/IEC 27001:2022 Annex A controls to SOC 2 Trust Services Criteria in a table:

| Control | Title |
|---|---|
| 5.15 | Access control |
| 5.34 | Privacy and protection of PII |
| 8.12 | Data leakage prevention |
| 8.24 | Use of cryptography |
""",
)
add(
    "benign",
    "en",
    "gtin-check-digit-barcode",
    "prose",
    """
We print our own barcodes. For EAN-13 4006381333931, show how the last digit (1) is computed from the first 12. Then tell me whether our new product code 0 12345 67890 needs a check digit added when printed as UPC-A.
""",
)
add(
    "benign",
    "en",
    "order-delay-reply-template",
    "prose",
    """
Write a friendly reply template for customers asking where their order is. Example to use: order #112-7714096-5530218, shipped via UPS, tracking 1Z999AA10123456784, estimated delivery June 14. Don't use any customer name — start with "Hi there".
""",
)
add(
    "benign",
    "en",
    "python-upgrade-cve-check",
    "prose",
    """
We're on Python 3.11.4 and Django 4.2.7 and want to go to Python 3.12.1 / Django 5.0.6. Are there known CVEs we should patch first (I remember CVE-2023-46695 and CVE-2024-27351)? Also is xz 5.6.0/5.6.1 (CVE-2024-3094) something we need to care about in a python:3.12-slim image?
""",
)
add(
    "benign",
    "en",
    "traceroute-public-resolvers",
    "command",
    """
My internet is slow only for some sites. Is anything here unusual?

$ traceroute -n 1.1.1.1
 1  192.168.1.1   1.2 ms
 2  100.64.0.1    8.9 ms
 3  10.45.0.17    9.4 ms
 4  * * *
 5  1.1.1.1      14.8 ms
$ ping -c 3 8.8.8.8   → avg 15.1 ms
$ ping -c 3 9.9.9.9   → avg 41.7 ms
$ ping -c 3 208.67.222.222 → avg 16.0 ms
""",
)
add(
    "benign",
    "en",
    "nginx-reverse-proxy-config",
    "code",
    """
Is this nginx config okay for a Node app behind a reverse proxy? I get 502s after deploys.

server {
    listen 443 ssl http2;
    server_name example.com www.example.com;
    ssl_certificate     /etc/letsencrypt/live/example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;
    location / {
        proxy_pass http://127.0.0.1:3000;
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
    }
}
""",
)
add(
    "benign",
    "en",
    "github-actions-npm-publish",
    "yaml",
    """
The publish step says "ENEEDAUTH". What am I missing?

name: release
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          registry-url: https://registry.npmjs.org
      - run: npm ci
      - run: npm publish --access public
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
""",
)
add(
    "benign",
    "en",
    "openai-client-env-var",
    "code",
    """
Is this the right way to load the key? I don't want it hard-coded.

# export OPENAI_API_KEY=sk-...   (set this in your shell, never commit it)
import os
from openai import OpenAI

client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
resp = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "ping"}])
print(resp.choices[0].message.content)
""",
)
add(
    "benign",
    "en",
    "k8s-deployment-secretkeyref",
    "yaml",
    """
Does this Deployment pick up the password correctly? The pod says "password authentication failed".

apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/example/api@sha256:22f4c7be1e7828b8178b412656ffb189e5ee9df0a1b2c3d4e5f60718293a4b5c
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: api-db
                  key: password
""",
)
add(
    "benign",
    "en",
    "factory-boy-faker-fixture",
    "code",
    """
Convert this factory_boy factory to pytest fixtures with plain Faker and a fixed seed:

import factory
from faker import Faker

class CustomerFactory(factory.Factory):
    class Meta:
        model = Customer
    name = factory.Faker("name")
    email = factory.Faker("email")
    phone = factory.Faker("phone_number")
    address = factory.Faker("address")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=90)
""",
)
add(
    "benign",
    "en",
    "titanic-history-quiz",
    "prose",
    """
Make a 10-question quiz about the Titanic: she struck the iceberg at 23:40 on 14 April 1912 and sank at about 02:20 on 15 April; Captain Edward Smith; the wreck lies near 41°43′57″N 49°56′49″W; survivors included Margaret "Molly" Brown and Violet Jessop; the Carpathia picked up 705 people.
""",
)
add(
    "benign",
    "en",
    "family-controlled-companies",
    "prose",
    """
Which of these are still controlled by the founding family, and through what structure: Michelin, Heineken, Porsche, Bosch, Ford, Walmart, IKEA, Mars? A short table with company, family, holding vehicle and rough stake.
""",
)
add(
    "benign",
    "en",
    "lebron-40000-points",
    "prose",
    """
LeBron James passed 40,000 career regular-season points on March 2, 2024 against the Nuggets. If he had played about 1,492 games by then, what's his points-per-game? How many more seasons at 25 ppg over 70 games would he need to reach 50,000?
""",
)
add(
    "benign",
    "en",
    "star-wars-trivia-night",
    "prose",
    """
Trivia night questions please: TK-421 ("why aren't you at your post?"), Princess Leia's cell 2187 in detention block AA-23, Luke Skywalker's home planet Tatooine, Han Solo's Kessel Run in "less than twelve parsecs". Write 8 questions with answers.
""",
)
add(
    "benign",
    "en",
    "abbey-road-visit",
    "prose",
    """
Visiting London in August. Abbey Road Studios is at 3 Abbey Road, London NW8 9AY — can you go inside, and what's the best time to cross the zebra crossing without traffic? Nearest tube is St John's Wood (Jubilee line), right?
""",
)
add(
    "benign",
    "en",
    "warfarin-nsaid-interaction-explainer",
    "prose",
    """
For a pharmacy-student revision sheet: explain why warfarin and ibuprofen shouldn't be combined (pharmacodynamic vs pharmacokinetic reasons), what INR range is usual for atrial fibrillation, and which analgesic is generally preferred instead. Bullet points.
""",
)
add(
    "benign",
    "de",
    "referat-sophie-scholl",
    "prose",
    """
Hilf mir bei einem Referat über Sophie Scholl für die 9. Klasse: geboren am 9. Mai 1921 in Forchtenberg, Mitglied der Weißen Rose, am 18. Februar 1943 mit ihrem Bruder Hans beim Verteilen von Flugblättern in der Münchner Universität verhaftet und am 22. Februar 1943 hingerichtet. Bitte eine Gliederung mit fünf Folien und zwei Zitaten.
""",
)
add(
    "benign",
    "de",
    "spring-application-yml-platzhalter",
    "yaml",
    """
Unsere Spring-Boot-App startet lokal nicht, weil die Datenbank-Verbindung fehlschlägt. Stimmt die application.yml?

spring:
  datasource:
    url: jdbc:postgresql://localhost:5432/lager
    username: ${DB_USER:lager}
    password: ${DB_PASSWORD:bitte-aendern}
  mail:
    host: smtp.example.com
    port: 587
    username: ${MAIL_USER:}
    password: ${MAIL_PASSWORD:}
server:
  port: 8081
""",
)
add(
    "benign",
    "de",
    "bdsg-26-beschaeftigtendaten",
    "prose",
    """
Kurze Frage zum Arbeitsrecht: Nach dem Urteil des EuGH vom 30. März 2023 (C-34/21) – kann man § 26 Abs. 1 BDSG noch als Rechtsgrundlage für die Verarbeitung von Beschäftigtendaten nehmen, oder muss man jetzt auf Art. 6 Abs. 1 lit. b DSGVO ausweichen? Bitte mit Begründung in fünf Sätzen.
""",
)
add(
    "benign",
    "es",
    "garcia-lorca-trabajo-escolar",
    "prose",
    """
Necesito un resumen para clase sobre Federico García Lorca: nació el 5 de junio de 1898 en Fuente Vaqueros (Granada), formó parte de la Generación del 27, escribió «Romancero gitano» (1928) y «La casa de Bernarda Alba» (1936), y fue asesinado en agosto de 1936. Unas 200 palabras, tono de 4.º de ESO.
""",
)
add(
    "benign",
    "es",
    "indurain-tour-calculo",
    "prose",
    """
Miguel Induráin ganó cinco Tours de Francia seguidos (1991–1995). En la contrarreloj de Luxemburgo de 1992 hizo 65 km a una media de unos 49 km/h. ¿Cuánto tiempo tardó aproximadamente y cuántos minutos sacó al segundo si este fue a 46 km/h?
""",
)
add(
    "benign",
    "es",
    "telefonos-publicos-tramites",
    "prose",
    """
Me lío con los teléfonos de la Administración. ¿Para qué sirve el 060? ¿El número de información de la Agencia Tributaria sigue siendo el 91 554 87 70? ¿Y para pedir cita del DNI es mejor llamar al 060 o hacerlo en la web citapreviadnie.es? Hazme una tabla con trámite, teléfono y web.
""",
)
add(
    "benign",
    "fr",
    "saint-exupery-expose",
    "prose",
    """
Aide-moi à préparer un exposé sur Antoine de Saint-Exupéry : né le 29 juin 1900 à Lyon, pilote de l'Aéropostale, auteur de « Vol de nuit » et du « Petit Prince » (1943), disparu en mer le 31 juillet 1944 au large de Marseille. Pourquoi l'astéroïde du petit prince s'appelle-t-il B 612 ? Plan en trois parties.
""",
)
add(
    "benign",
    "fr",
    "exercice-constante-boltzmann",
    "prose",
    """
Exercice de physique : calculer l'énergie cinétique moyenne d'une molécule de gaz parfait à 25 °C avec Ec = 3/2 kT et k = 1,380649 × 10⁻²³ J/K. Puis la vitesse quadratique moyenne du diazote (M = 28,0 g/mol, R = 8,314 J·mol⁻¹·K⁻¹). Corrige ma réponse : 6,17 × 10⁻²¹ J et 515 m/s.
""",
)
add(
    "benign",
    "fr",
    "docker-compose-commentaires-fr",
    "yaml",
    """
Pourquoi Nextcloud n'arrive pas à joindre la base ? Voici mon docker-compose (les mots de passe sont des exemples) :

services:
  db:
    image: mariadb:11
    environment:
      MYSQL_ROOT_PASSWORD: ${MYSQL_ROOT_PASSWORD}   # à définir dans .env
      MYSQL_PASSWORD: ${MYSQL_PASSWORD}
      MYSQL_DATABASE: nextcloud
      MYSQL_USER: nextcloud
  app:
    image: nextcloud:29
    environment:
      MYSQL_HOST: db
      NEXTCLOUD_ADMIN_PASSWORD: motdepasse-a-changer
""",
)
add(
    "benign",
    "it",
    "garibaldi-ricerca",
    "prose",
    """
Mi fai una scaletta per una ricerca su Giuseppe Garibaldi? Nato a Nizza il 4 luglio 1807, la Spedizione dei Mille partita da Quarto l'5 maggio 1860, l'incontro di Teano con Vittorio Emanuele II il 26 ottobre 1860, morto a Caprera il 2 giugno 1882. Correggi anche l'errore di battitura che ho fatto.
""",
)
add(
    "benign",
    "it",
    "carbonara-ricetta",
    "prose",
    """
Carbonara per 6 persone: la mia ricetta per 2 è 200 g di spaghetti, 3 tuorli, 100 g di guanciale, 50 g di pecorino romano, pepe nero. Come la scalo? E come evito che le uova si rapprendano — meglio mantecare fuori dal fuoco con un po' di acqua di cottura?
""",
)
add(
    "benign",
    "it",
    "rata-mutuo-iban-esempio",
    "prose",
    """
Per una lezione di educazione finanziaria: calcola la rata di un mutuo di 180.000 € al 3,4% fisso per 25 anni e quanta parte della prima rata è interesse. Nella slide sull'addebito diretto uso l'IBAN di esempio delle guide bancarie, IT60 X054 2811 1010 0000 0123 456: spiega cosa indicano CIN, ABI e CAB.
""",
)
add(
    "benign",
    "pl",
    "irena-sendlerowa-prezentacja",
    "prose",
    """
Przygotuj krótką prezentację o Irenie Sendlerowej: urodziła się 15 lutego 1910 r. w Warszawie, w czasie okupacji działała w Żegocie i pomogła uratować około 2500 dzieci z getta. W 1965 r. Instytut Jad Waszem przyznał jej tytuł Sprawiedliwej wśród Narodów Świata. Dodaj, czego możemy się nauczyć z historii Ireny Sendlerowej.
""",
)
add(
    "benign",
    "pl",
    "iga-swiatek-statystyki",
    "prose",
    """
Iga Świątek wygrała Roland Garros w 2020, 2022, 2023 i 2024 roku. Policz, ile setów straciła w tych czterech turniejach łącznie (jeśli pamiętasz), i porównaj jej serię 37 wygranych meczów z 2022 r. z najdłuższymi seriami Sereny Williams. Krótko, w punktach.
""",
)
add(
    "benign",
    "pl",
    "sql-pesel-check-constraint",
    "sql",
    """
Czy ten CHECK dobrze waliduje format numeru PESEL? Chcę odrzucać wszystko, co nie ma 11 cyfr, a sumę kontrolną sprawdzać w aplikacji.

CREATE TABLE pacjenci (
  id        SERIAL PRIMARY KEY,
  imie      VARCHAR(60) NOT NULL,
  nazwisko  VARCHAR(80) NOT NULL,
  pesel     CHAR(11) CHECK (pesel ~ '^[0-9]{11}$'),
  telefon   VARCHAR(20),
  uwagi     TEXT
);
""",
)
add(
    "benign",
    "nl",
    "michiel-de-ruyter-spreekbeurt",
    "prose",
    """
Mijn zoon houdt een spreekbeurt over Michiel de Ruyter. Hij is geboren op 24 maart 1607 in Vlissingen, leidde de Tocht naar Chatham in juni 1667 en stierf op 29 april 1676 na de slag bij Agosta. Kun je er vijf korte dia's van maken voor groep 7?
""",
)
add(
    "benign",
    "nl",
    "afsluitdijk-deltawerken",
    "prose",
    """
Hoe lang is de Afsluitdijk precies (ik lees 32 km) en wanneer werd hij gesloten — 28 mei 1932? En hoe verhoudt de Oosterscheldekering (9 km, 1986) zich daartoe qua functie? Graag een vergelijking in een tabel.
""",
)
add(
    "benign",
    "nl",
    "belastingtelefoon-vraag",
    "prose",
    """
De BelastingTelefoon is 0800-0543, toch? Vanuit het buitenland moet je +31 55 538 53 85 bellen. Welke openingstijden gelden en welke gegevens moet ik klaar hebben als ik bel over een voorlopige aanslag? Geef een checklist.
""",
)
add(
    "benign",
    "pt",
    "dom-casmurro-analise",
    "prose",
    """
Estou estudando Dom Casmurro, de Machado de Assis. Bentinho traiu-se pela própria narração ou Capitu traiu de fato? Me dê argumentos dos dois lados, citando o capítulo dos "olhos de ressaca" e a semelhança de Ezequiel com Escobar.
""",
)
add(
    "benign",
    "pt",
    "cristiano-ronaldo-estatisticas",
    "prose",
    """
Cristiano Ronaldo nasceu a 5 de fevereiro de 1985 no Funchal. Se marcou o 900.º golo oficial a 5 de setembro de 2024 contra a Croácia, qual é a média de golos por ano desde a estreia profissional em 2002? Faz a conta e compara com Messi.
""",
)
add(
    "benign",
    "pt",
    "lgpd-dados-sensiveis",
    "prose",
    """
Pela LGPD (Lei n.º 13.709/2018), art. 5.º, incisos I e II, qual a diferença entre dado pessoal e dado pessoal sensível? Um número de telefone corporativo é dado pessoal? Responda de forma objetiva, citando o texto da lei.
""",
)
add(
    "benign",
    "sv",
    "selma-lagerlof-biografi",
    "prose",
    """
Skriv en kort text till ett skolarbete om Selma Lagerlöf: född 20 november 1858 på Mårbacka i Värmland, debuterade med Gösta Berlings saga 1891, skrev Nils Holgerssons underbara resa genom Sverige, fick Nobelpriset i litteratur 1909 som första kvinna. Ungefär 150 ord.
""",
)
add(
    "benign",
    "sv",
    "kanelbullar-recept",
    "prose",
    """
Jag vill baka kanelbullar till kanelbullens dag den 4 oktober. Mitt recept: 50 g jäst, 5 dl mjölk, 150 g smör, 1 dl socker, 1 tsk kardemumma, ca 13 dl vetemjöl. Hur många bullar blir det, och hur anpassar jag receptet för torrjäst?
""",
)
add(
    "benign",
    "sk",
    "stefanik-referat",
    "prose",
    """
Pomôž mi s referátom o Milanovi Rastislavovi Štefánikovi: narodil sa 21. júla 1880 v Košariskách, bol astronóm, generál francúzskej armády a spoluzakladateľ Československa, zahynul 4. mája 1919 pri Ivanke pri Dunaji. Chcem osnovu s piatimi bodmi.
""",
)
add(
    "benign",
    "sk",
    "gerlachovsky-stit-tura",
    "prose",
    """
Plánujeme výstup na Gerlachovský štít (2 655 m) z Téryho chaty? Alebo je bežnejšia trasa cez Velickú dolinu zo Sliezskeho domu (1 670 m)? Koľko hodín to trvá a je povinný horský vodca? Napíš aj, čo zbaliť.
""",
)
add(
    "benign",
    "hr",
    "drazen-petrovic-biografija",
    "prose",
    """
Napiši kratak tekst o Draženu Petroviću za školske novine: rođen 22. listopada 1964. u Šibeniku, igrao za Cibonu i Real Madrid, u NBA-u za Portland i New Jersey Netse, poginuo 7. lipnja 1993. u Njemačkoj. Košarkaški centar u Zagrebu nosi njegovo ime.
""",
)
add(
    "benign",
    "hr",
    "php-getenv-placeholderi",
    "code",
    """
Je li ovo dobar način za čitanje konfiguracije? Ne želim lozinke u kodu.

<?php
// vrijednosti se postavljaju u .env (primjer: DB_PASS=promijeni-me)
$dbHost = getenv('DB_HOST') ?: '127.0.0.1';
$dbUser = getenv('DB_USER') ?: 'webshop';
$dbPass = getenv('DB_PASS') ?: '';
$pdo = new PDO("mysql:host=$dbHost;dbname=webshop;charset=utf8mb4", $dbUser, $dbPass);
""",
)
add(
    "benign",
    "sl",
    "plecnik-ljubljana-sprehod",
    "prose",
    """
Pripravi mi krajši vodeni sprehod po Plečnikovi Ljubljani: Jože Plečnik se je rodil 23. januarja 1872 v Ljubljani, zasnoval je Tromostovje, Narodno in univerzitetno knjižnico ter tržnice ob Ljubljanici. Koliko časa traja ogled peš in kje začeti?
""",
)
add(
    "benign",
    "sl",
    "matematika-sistem-enacb",
    "prose",
    """
Reši sistem enačb in razloži postopek za 8. razred: 3x + 2y = 16 in x − y = 2. Potem še besedilna naloga: v razredu je 28 učencev, deklet je 4 več kot fantov. Koliko je deklet?
""",
)
add(
    "benign",
    "bg",
    "vasil-levski-doklad",
    "prose",
    """
Помогни ми с доклад за Васил Левски: роден на 18 юли 1837 г. в Карлово, основател на Вътрешната революционна организация, обесен в София на 18 февруари 1873 г. Искам кратък план с пет точки и един цитат.
""",
)
add(
    "benign",
    "bg",
    "tarator-recepta",
    "prose",
    """
Как се прави таратор за 6 души? Имам рецепта за 2: 400 г кисело мляко, 1 краставица, 2 скилидки чесън, копър, орехи, олио, сол. Колко вода да добавя и може ли да се приготви предната вечер?
""",
)
add(
    "benign",
    "is",
    "vigdis-finnbogadottir-verkefni",
    "prose",
    """
Skrifaðu stutta samantekt fyrir skólaverkefni um Vigdísi Finnbogadóttur: fædd 15. apríl 1930 í Reykjavík, kjörin forseti Íslands 1980, fyrst kvenna í heiminum til að vera lýðræðislega kjörin þjóðhöfðingi, gegndi embættinu til 1996.
""",
)
add(
    "benign",
    "is",
    "vatnajokull-landafraedi",
    "prose",
    """
Hversu stór er Vatnajökull (ég las um 7.700 km²) og hvað er hann stór hluti af flatarmáli Íslands (103.000 km²)? Hver er hæsti tindur hans, Hvannadalshnúkur, 2.110 m? Settu þetta upp í einfalda töflu.
""",
)
add(
    "benign",
    "ro",
    "ana-aslan-prezentare",
    "prose",
    """
Fă-mi o prezentare scurtă despre Ana Aslan: născută la 1 ianuarie 1897 la Brăila, medic gerontolog, a creat Gerovitalul în anii '50 și a fondat în 1952 Institutul de Geriatrie din București, primul de acest fel din lume. 5 slide-uri, limbaj simplu.
""",
)
add(
    "benign",
    "ro",
    "calcul-dobanda-depozit",
    "prose",
    """
Am un depozit de 25.000 lei la 6,1% pe an, cu capitalizare lunară, pe 12 luni. Cât primesc la final, brut și net după impozitul de 10%? Și cât ar fi diferența dacă dobânda s-ar capitaliza doar la scadență?
""",
)
add(
    "benign",
    "el",
    "solomos-ymnos-eleftheria",
    "prose",
    """
Βοήθησέ με με μια εργασία για τον Διονύσιο Σολωμό: γεννήθηκε στις 8 Απριλίου 1798 στη Ζάκυνθο, έγραψε τον «Ύμνο εις την Ελευθερίαν» το 1823, οι δύο πρώτες στροφές έγιναν ο εθνικός ύμνος. Θέλω μια περίληψη 150 λέξεων.
""",
)
add(
    "benign",
    "el",
    "mouseio-akropolis-episkepsi",
    "prose",
    """
Θέλω να πάω με τη σχολική τάξη στο Μουσείο Ακρόπολης (Διονυσίου Αρεοπαγίτου 15, Αθήνα 117 42, τηλ. 210 9000900). Υπάρχει μειωμένο εισιτήριο για μαθητές και πόση ώρα χρειάζεται η ξενάγηση στις Καρυάτιδες; Φτιάξε μου ένα πρόγραμμα για πρωινή επίσκεψη.
""",
)
add(
    "benign",
    "tr",
    "aziz-sancar-odev",
    "prose",
    """
Aziz Sancar hakkında kısa bir ödev yazar mısın? 8 Eylül 1946'da Mardin'in Savur ilçesinde doğdu, DNA onarımı üzerine çalışmalarıyla 2015'te Nobel Kimya Ödülü'nü Tomas Lindahl ve Paul Modrich ile paylaştı. 200 kelime yeterli.
""",
)
add(
    "benign",
    "tr",
    "python-ortam-degiskeni-ornek",
    "code",
    """
API anahtarını koda yazmadan böyle okumak doğru mu? Ekip arkadaşlarıma örnek olarak göstereceğim.

import os

# .env dosyasına IYZICO_API_KEY=buraya-anahtar şeklinde yazın, repoya eklemeyin
API_KEY = os.getenv("IYZICO_API_KEY", "")
SECRET = os.getenv("IYZICO_SECRET_KEY", "")
if not API_KEY or not SECRET:
    raise RuntimeError("iyzico anahtarları tanımlı değil")
""",
)
add(
    "benign",
    "hu",
    "szent-gyorgyi-albert-kiseloadas",
    "prose",
    """
Írj rövid kiselőadást Szent-Györgyi Albertről: 1893. szeptember 16-án született Budapesten, Szegeden paprikából izolált nagy mennyiségű C-vitamint, 1937-ben orvosi Nobel-díjat kapott. Legyen benne egy érdekesség a szegedi paprikáról is.
""",
)
add(
    "benign",
    "hu",
    "gulyasleves-recept",
    "prose",
    """
Gulyáslevest főznék 10 főre bográcsban. Az otthoni receptem 4 főre: 60 dkg marhalábszár, 2 hagyma, 1 ek pirospaprika, 3 krumpli, 2 sárgarépa, 1 petrezselyemgyökér, köménymag, csipetke. Hogyan skálázzam, és mennyi ideig főzzem?
""",
)
add(
    "benign",
    "fi",
    "minna-canth-esitelma",
    "prose",
    """
Auta tekemään lyhyt esitelmä Minna Canthista: syntyi 19. maaliskuuta 1844 Tampereella, kirjoitti näytelmät Työmiehen vaimo ja Anna Liisa, ja Minna Canthin päivää vietetään liputuspäivänä 19.3. Viisi diaa ja yksi sitaatti.
""",
)
add(
    "benign",
    "fi",
    "leijonat-olympiakulta-2022",
    "prose",
    """
Leijonat voitti olympiakultaa Pekingissä 20. helmikuuta 2022, finaali päättyi 2–1 ROC:ta vastaan. Kuka teki voittomaalin ja kuka oli maalivahtina? Tee lyhyt tietovisa (5 kysymystä) jääkiekon olympiahistoriasta.
""",
)

if __name__ == "__main__":
    build(PROMPTS, Path(__file__).resolve().parent / "fresh9.jsonl", SPLIT_SEED, ID_PREFIX)
