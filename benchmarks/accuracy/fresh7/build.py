#!/usr/bin/env python3
"""Build the 'fresh7' privacy-filter evaluation corpus (seventh blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

The parser, checks, dev/test split and statistics live in the shared module
``benchmarks/accuracy/_corpus_tools.py`` (moved there from fresh6/build.py,
unchanged in behaviour). This script only holds the prompts, assigns the ids
``k-0001`` … and writes fresh7.jsonl next to this file with split seed 20270107.

Run:  python build.py [--stats]   (needs python-stdnum and phonenumbers)
"""

import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus_tools import add_prompt, build

SPLIT_SEED = 20270107
ID_PREFIX = "k"
PROMPTS = []
add = functools.partial(add_prompt, PROMPTS)

# ---------------------------------------------------------------------------
# group pii
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "home-swap-agreement-email",
    "prose",
    """
Can you turn this email thread into a one-page house-swap agreement (dates, who pays utilities, what happens if something breaks)? Keep both families' details as they are.

---
From: ⟦P:Fiona McAllister⟧ <⟦E:fiona.mcallister@heathmail.example⟧>
To: ⟦P:Ruben Vasquez⟧ <⟦E:rvasquez.family@sonoranet.example⟧>

Hi ⟦P:Ruben⟧, confirming the swap 2–16 August. You'll have our place at ⟦A:14 Craiglockhart Terrace, Edinburgh EH14 1AJ⟧ and we'll be at ⟦A:2218 E Lester St, Tucson, AZ 85719⟧. Our neighbour ⟦P:Isla Brodie⟧ has a spare key (⟦T:07912 384 615⟧). The car insurance covers you as named drivers once you send your licence numbers.

From: ⟦P:Ruben Vasquez⟧
Sounds great ⟦P:Fiona⟧. My cell is ⟦T:(520) 555-0147⟧, ⟦P:Marisol⟧'s is ⟦T:(520) 555-0193⟧. Pool guy comes Thursdays. Please don't let the kids use the casita, the AC is broken.
""",
)
add(
    "pii",
    "en",
    "student-loan-forbearance-request",
    "prose",
    """
Please make this forbearance request to my loan servicer sound more formal and persuasive, but don't change any facts:

My name is ⟦P:Tamika Renee Holloway⟧, date of birth ⟦DOB:09/17/1991⟧, SSN ⟦ID@US:423-92-5807⟧. My federal loan account is ⟦ACC:MOH-5521-870-34⟧. I was diagnosed with ⟦MC:multiple sclerosis⟧ in March and started ⟦MED:ocrelizumab⟧ infusions, so I had to drop to part-time. I live at ⟦A:908 Whitfield Ave, Apt 3C, Columbus, OH 43205⟧ and you can reach me at ⟦T:(614) 555-0172⟧ or ⟦E:tamika.holloway91@buckeyemail.example⟧. I'm asking for 12 months of medical forbearance.
""",
)
add(
    "pii",
    "en",
    "cochlear-implant-referral",
    "form",
    """
Tidy up this referral so it fits the tertiary centre's e-referral form (max 1,500 characters). Keep identifiers.

Patient: ⟦P:Gwendolyn Ashworth⟧
NHS number: ⟦ID@GB:306 267 1973⟧
DOB: ⟦DOB:23 Nov 1948⟧
Address: ⟦A:7 Fennel Close, Ripon HG4 2TW⟧
Tel: ⟦T:01765 602 418⟧
Next of kin: ⟦P:Martin Ashworth⟧ (son) ⟦T:07723 551 908⟧
History: ⟦MC:bilateral severe-to-profound sensorineural hearing loss⟧, progressive since 2015. Aided thresholds poor, BKB sentence score 18% best aided. Also ⟦MC:type 2 diabetes⟧ on ⟦MED:metformin⟧ and ⟦MED:gliclazide⟧; ⟦MC:mild cognitive impairment⟧ noted by memory clinic.
Request: assessment for cochlear implantation. Mrs ⟦P:Ashworth⟧ is keen; ⟦P:Martin⟧ will attend appointments.
""",
)
add(
    "pii",
    "en",
    "coworking-member-export",
    "csv",
    """
This is our coworking space's member export. Write me a SQL query that finds members whose desk plan ends this month, then draft a renewal reminder email template (use placeholders, not their names).

member_id,full_name,email,mobile,plan,access_card,plan_end
⟦ACC:CW-10482⟧,⟦P:Oluwaseun Adebayo⟧,⟦E:seun.adebayo@brightdesk.example⟧,⟦T:07456 129 880⟧,Fixed desk,⟦ACC:0045829913⟧,2025-06-30
⟦ACC:CW-10517⟧,⟦P:Harriet Lomax⟧,⟦E:hlomax@quillandink.example⟧,⟦T:07391 604 271⟧,Hot desk,⟦ACC:0045830127⟧,2025-06-30
⟦ACC:CW-10533⟧,⟦P:Dmitri Kowalczyk⟧,⟦E:dmitri.k@northbyte.example⟧,⟦T:07518 392 006⟧,Private office (2),⟦ACC:0045830554⟧,2025-07-31
⟦ACC:CW-10560⟧,⟦P:Priya Venkataraman⟧,⟦E:priya.v@loomstudio.example⟧,⟦T:07940 215 773⟧,Fixed desk,⟦ACC:0045830871⟧,2025-06-30
""",
)
add(
    "pii",
    "en",
    "bariatric-preop-checklist",
    "form",
    """
I'm the bariatric nurse coordinator. Check this pre-op checklist for anything missing before we book theatre, and list the questions I should ask the patient on the phone.

PRE-OPERATIVE CHECKLIST — LAPAROSCOPIC SLEEVE GASTRECTOMY
Patient name: ⟦P:Desmond Okoro-Whyte⟧      MRN: ⟦MRN:BH-00762194⟧
DOB: ⟦DOB:1979-04-02⟧    BMI: 46.8
Comorbidities: ⟦MC:obstructive sleep apnoea⟧ (on CPAP), ⟦MC:hypertension⟧, ⟦MC:non-alcoholic fatty liver disease⟧
Current medications: ⟦MED:amlodipine⟧ 10 mg, ⟦MED:ramipril⟧ 5 mg, ⟦MED:omeprazole⟧ 20 mg
Psych assessment: completed, cleared; history of ⟦MC:binge eating disorder⟧, in remission
Dietitian sign-off: pending
Contact: ⟦T:07802 463 119⟧
""",
)
add(
    "pii",
    "en",
    "tutoring-platform-sql-insert",
    "sql",
    """
Why does this insert fail with "duplicate key value violates unique constraint learners_email_key"? It's the seed script for our tutoring platform's staging DB (copied from prod, I know...).

INSERT INTO learners (id, first_name, last_name, email, dob, guardian_phone, notes) VALUES
 (301, '⟦P:Ava⟧', '⟦P:Lindqvist-Moore⟧', '⟦E:ava.lm@owlpost.example⟧', '⟦DOB:2011-02-14⟧', '⟦T:+44 7852 390 114⟧', 'GCSE maths, ⟦MC:dyscalculia⟧'),
 (302, '⟦P:Noah⟧', '⟦P:Fairbrother⟧', '⟦E:noah.fairbrother@owlpost.example⟧', '⟦DOB:2009-10-03⟧', '⟦T:+44 7911 123456⟧', 'A-level physics'),
 (303, '⟦P:Zainab⟧', '⟦P:Qureshi⟧', '⟦E:ava.lm@owlpost.example⟧', '⟦DOB:2010-06-27⟧', '⟦T:+44 7488 264 519⟧', 'needs extra time, ⟦MC:ADHD⟧');
""",
)
add(
    "pii",
    "en",
    "nanny-share-agreement",
    "prose",
    """
Two families are starting a nanny share. Please draft the agreement from these notes: hours, split of pay, sick days, and a section on each child's health needs.

Nanny: ⟦P:Consuelo Ibarra⟧, ⟦T:(312) 555-0108⟧. Host home alternates weekly between ⟦A:1543 W Addison St, Chicago, IL 60613⟧ (the ⟦P:Brennans⟧) and ⟦A:3321 N Seminary Ave, Chicago, IL 60657⟧ (the ⟦P:Adeyemis⟧).
Children: ⟦P:Lucy Brennan⟧ (born ⟦DOB:May 9, 2023⟧) — ⟦MC:severe egg allergy⟧, ⟦MED:EpiPen Jr⟧ in diaper bag; ⟦P:Tobi Adeyemi⟧ (born ⟦DOB:July 21, 2023⟧) — ⟦MC:eczema⟧, ⟦MED:hydrocortisone 1%⟧ cream after bath.
Pay $24/h, split 50/50, paid Fridays via payroll service. Parents' emails: ⟦E:kate.brennan@lakeview.example⟧, ⟦E:femi.adeyemi@lakeview.example⟧.
""",
)
add(
    "pii",
    "en",
    "occupational-health-referral",
    "form",
    """
Rewrite this management referral to occupational health so it's neutral and doesn't sound like we're trying to push her out. Keep the fields.

Employee: ⟦P:Bernadette Nwachukwu⟧
Employee no.: ⟦ACC:E-448210⟧
Job title: Warehouse team leader (nights)
Manager: ⟦P:Craig Haddow⟧
Absence: 34 days in last 6 months, ⟦MC:lumbar radiculopathy⟧ and ⟦MC:depression⟧ per fit notes
Medication mentioned by employee: ⟦MED:pregabalin⟧, ⟦MED:sertraline⟧ — reports drowsiness on forklift
Questions for OH: fit for night shifts? adjustments? likely return date?
Employee contact: ⟦T:07583 902 441⟧, ⟦E:b.nwachukwu@personalmail.example⟧
""",
)
add(
    "pii",
    "en",
    "moving-company-quote-request",
    "prose",
    """
Hey, can you shorten this into a quote request I can send to three moving companies at once?

We're moving a 3-bed house from ⟦A:41 Orchard Rise, Bishop's Stortford CM23 4HL⟧ to ⟦A:Flat 12, Halcyon Court, 88 Marine Parade, Brighton BN2 1AH⟧ on 19 September. Third floor at the new place, there is a lift but it's small. We need packing for the kitchen only, and the piano (upright) needs specialist handling. Access to the new flat is via the concierge, ⟦P:Sandeep⟧. I'm ⟦P:Rowena Castellanos⟧, ⟦T:07466 301 852⟧, ⟦E:rowena.castellanos@meadowpost.example⟧; my husband ⟦P:Jonah⟧ (⟦T:07725 640 193⟧) will be at the old house on the day.
""",
)
add(
    "pii",
    "en",
    "fantasy-league-payouts",
    "markdown-table",
    """
End of season! Write a cheeky group message announcing the payouts from this table. Mention the Venmo handles so people know who pays whom.

| Place | Manager | Team | Venmo | Email | Payout |
|---|---|---|---|---|---|
| 1 | ⟦P:Derek Pulaski⟧ | Mahomes Alone | ⟦U:@derek-pulaski-7⟧ | ⟦E:dpulaski@gridironmail.example⟧ | $450 |
| 2 | ⟦P:Aaliyah Brooks⟧ | Kamara Chameleon | ⟦U:@aaliyahb_22⟧ | ⟦E:aaliyah.brooks@gridironmail.example⟧ | $200 |
| 3 | ⟦P:Trent Okafor⟧ | Hurts So Good | ⟦U:@trentokafor⟧ | ⟦E:trent.o@gridironmail.example⟧ | $100 |
| 12 | ⟦P:Marcus Feld⟧ | Waddle Waddle | ⟦U:@mfeld⟧ | ⟦E:marcusfeld@gridironmail.example⟧ | −$50 (last place fee) |
""",
)
add(
    "pii",
    "en",
    "lost-wallet-cancellation-list",
    "prose",
    """
My wallet was stolen on the train. Make me a checklist of who to call, in order of urgency, from what was in it:

- Chase Sapphire card ⟦CC:4147 0990 4823 8172⟧
- Debit card for checking account ⟦ACC:0007 3391 8824⟧ (Ally)
- Costco membership ⟦ACC:111 8740 2263⟧
- Illinois driver's license ⟦DL:H462-8109-3357⟧
- Blue Cross insurance card, member ID ⟦ACC:XOF918276453⟧
- a card with my kid's ⟦MC:type 1 diabetes⟧ emergency info
Name on everything: ⟦P:Graham Whitcombe⟧, ⟦A:2710 Ridge Ave, Evanston, IL 60201⟧. Phone ⟦T:(847) 555-0166⟧.
""",
)
add(
    "pii",
    "en",
    "tattoo-consent-webhook",
    "json",
    """
Our tattoo studio's booking form posts this to our webhook. Write a Python function that pulls out the fields we must keep for 3 years (name, dob, signature date, medical answers) and drops the rest.

{"form_id":"consent-v4","submitted_at":"2025-03-08T14:22:51Z","answers":{"full_name":"⟦P:Kezia Montgomery-Hale⟧","date_of_birth":"⟦DOB:1997-12-05⟧","email":"⟦E:kezia.mh@inkmail.example⟧","phone":"⟦T:+44 7723 408 115⟧","placement":"left forearm","medical":{"blood_thinners":"yes - ⟦MED:apixaban⟧","conditions":"⟦MC:factor V Leiden⟧, ⟦MC:keloid scarring⟧","pregnant":"no"},"signature_date":"2025-03-08"},"ip":"⟦IP:81.174.139.22⟧"}
""",
)
add(
    "pii",
    "en",
    "wordpress-activity-log",
    "kv-log",
    """
Our WordPress site got defaced. From this activity log, tell me which account was compromised and what the attacker did, step by step.

2025-02-11 02:14:07 event=login_failed user=⟦U:hbarnes⟧ email=⟦E:helen.barnes@greenvalleyfarm.example⟧ ip=⟦IP:185.220.101.47⟧
2025-02-11 02:14:19 event=login_failed user=⟦U:hbarnes⟧ ip=⟦IP:185.220.101.47⟧
2025-02-11 02:15:02 event=login_ok user=⟦U:tom.farrier⟧ email=⟦E:tom@greenvalleyfarm.example⟧ ip=⟦IP:185.220.101.47⟧ role=administrator
2025-02-11 02:16:40 event=plugin_installed user=⟦U:tom.farrier⟧ plugin=wp-file-manager ip=⟦IP:185.220.101.47⟧
2025-02-11 02:19:55 event=user_created user=⟦U:tom.farrier⟧ new_user=wpsupport_tmp role=administrator
2025-02-11 08:02:31 event=login_ok user=⟦U:hbarnes⟧ ip=⟦IP:86.142.77.203⟧ role=editor
""",
)
add(
    "pii",
    "en",
    "health-checkup-booking-yaml",
    "yaml",
    """
HR asked me to validate this YAML before it goes to the clinic network for the annual health checks of our Tokyo and Seoul staff. Is the structure right for a list of employees, and are any required fields missing?

clinic_batch: 2025-Q2
employees:
  - name: ⟦P:Haruka Nishimura⟧
    office: Tokyo
    dob: ⟦DOB:1986-08-19⟧
    my_number: "⟦ID@JP:175140329929⟧"
    phone: "⟦T:+81 90-3862-4417⟧"
    notes: "⟦MC:gastric ulcer⟧ history, takes ⟦MED:lansoprazole⟧"
  - name: ⟦P:Kenji Aoyama⟧
    office: Tokyo
    dob: ⟦DOB:1972-01-30⟧
    phone: "⟦T:+81 80-5521-0936⟧"
  - name: ⟦P:Seo-yeon Park⟧
    office: Seoul
    dob: ⟦DOB:1990-11-04⟧
    rrn: "⟦ID@KR:901104-2199423⟧"
    phone: "⟦T:+82 10-4829-3751⟧"
    notes: "⟦MC:pregnant⟧ (2nd trimester) - no X-ray"
""",
)
add(
    "pii",
    "en",
    "life-insurance-beneficiary-form",
    "form",
    """
I'm updating the beneficiaries on my work life insurance. Is it OK to split it like this, and should I name a contingent for my son since he's a minor?

BENEFICIARY DESIGNATION
Insured: ⟦P:Lorraine Castillo-Webb⟧, SSN ⟦ID@US:631-56-1709⟧, DOB ⟦DOB:04/12/1976⟧
Primary beneficiary 1: ⟦P:Anthony Webb⟧ (spouse), SSN ⟦ID@US:215-04-4256⟧, DOB ⟦DOB:08/29/1974⟧ — 50%
Primary beneficiary 2: ⟦P:Elena Castillo-Webb⟧ (daughter), DOB ⟦DOB:01/15/2004⟧ — 25%
Primary beneficiary 3: ⟦P:Mateo Webb⟧ (son), DOB ⟦DOB:06/03/2012⟧ — 25%
Address for all: ⟦A:517 Larkspur Ln, Boise, ID 83709⟧
""",
)
add(
    "pii",
    "en",
    "scuba-medical-questionnaire",
    "form",
    """
I'm doing a dive course in Sodwana Bay. The dive school says I need a doctor's sign-off because of two "yes" answers. Help me write a short note to my GP explaining which questions and why.

Diver Medical Participant Questionnaire
Name: ⟦P:Thandiwe Mahlangu⟧
ID number: ⟦ID@ZA:8807140353087⟧
Date of birth: ⟦DOB:14 July 1988⟧
Cell: ⟦T:082 517 3904⟧
Q3 Asthma, wheezing: YES — ⟦MC:exercise-induced asthma⟧, uses ⟦MED:Ventolin⟧ before running
Q7 Ear problems, surgery: YES — ⟦MC:perforated eardrum⟧ (left) in 2019, healed
Q9 Medication: ⟦MED:Ventolin⟧, ⟦MED:Yaz⟧
Emergency contact: ⟦P:Sipho Mahlangu⟧ ⟦T:083 406 2219⟧
""",
)
add(
    "pii",
    "en",
    "elder-financial-abuse-report",
    "prose",
    """
Please help me write a clear, calm email to my mother's bank's fraud team. I don't want to sound hysterical.

My mother, ⟦P:Dorothy Kinsella⟧ (born ⟦DOB:2 February 1938⟧), has her current account ⟦ACC:40-11-62 31847205⟧ with you. Since October a man called ⟦P:Gary Pritchett⟧, who says he is her "carer", has gone with her to the branch three times and she has withdrawn £9,000 in cash. She has ⟦MC:vascular dementia⟧ and I hold lasting power of attorney (registered 2023). I'm her daughter, ⟦P:Siobhan Kinsella-Roe⟧, ⟦T:07833 147 602⟧. Her address is ⟦A:23 Holly Bank, Huddersfield HD3 3BT⟧. Could you flag the account and call me before any further large withdrawals?
""",
)
add(
    "pii",
    "en",
    "rrsp-transfer-form",
    "form",
    """
I'm moving my RRSP from my bank to a robo-advisor. Does this T2033 section look complete? The advisor said my SIN had a typo last time.

Transfer from: TD Canada Trust, plan/account no. ⟦ACC:5823-0419776⟧
Transfer to: Wealthsimple, account no. ⟦ACC:HQ7X-22KJ⟧
Annuitant: ⟦P:Nathaniel Beaulieu-Grant⟧
SIN: ⟦ID@CA:651 345 605⟧
Date of birth: ⟦DOB:1983-10-22⟧
Address: ⟦A:88 Ashgrove Crescent, Kanata, ON K2M 2T4⟧
Phone: ⟦T:(613) 555-0139⟧
Amount: all in cash
""",
)
add(
    "pii",
    "en",
    "pharmacogenomics-result-letter",
    "prose",
    """
Turn this pharmacogenomics result into a plain-language letter to the patient (reading age 12), and keep the action point about the antiplatelet switch clear.

Re: ⟦P:Winston Abara⟧, DOB ⟦DOB:30/06/1961⟧, hospital no. ⟦MRN:RXH4410782⟧
CYP2C19 genotype *2/*2 — poor metaboliser. Mr ⟦P:Abara⟧ had a ⟦MC:NSTEMI⟧ in January and received a drug-eluting stent; he is currently on ⟦MED:clopidogrel⟧ 75 mg and ⟦MED:aspirin⟧ 75 mg. Clopidogrel is unlikely to be effective. Recommend switch to ⟦MED:ticagrelor⟧ 90 mg twice daily, discuss with cardiology. He also takes ⟦MED:atorvastatin⟧ 80 mg for ⟦MC:hypercholesterolaemia⟧. Letter to ⟦A:19 Stanmore Road, Birmingham B16 9SU⟧.
""",
)
add(
    "pii",
    "en",
    "gp-visit-card-application-ie",
    "form",
    """
I'm filling in the GP visit card application for my dad online. Which of these does the HSE actually need, and what proof of income should I upload for a pension?

Applicant: ⟦P:Patrick Joseph Doherty⟧
PPS number: ⟦ID@IE:0410144L⟧
Date of birth: ⟦DOB:17/03/1956⟧
Address: ⟦A:Cnoc na Gréine, Ballyconneely Road, Clifden, Co. Galway H71 X3P8⟧
Phone: ⟦T:087 314 9260⟧
Spouse: ⟦P:Bridget Doherty⟧, PPS ⟦ID@IE:7267959C⟧
Preferred GP: Dr ⟦P:Niamh Folan⟧, Clifden
Medical: ⟦MC:COPD⟧, ⟦MC:atrial fibrillation⟧ (on ⟦MED:rivaroxaban⟧)
""",
)
add(
    "pii",
    "en",
    "acc-injury-claim-nz",
    "prose",
    """
ACC declined my claim saying it was "gradual process". Help me write a review application that explains it was a single event. Facts:

I'm ⟦P:Aroha Te Whare⟧, ⟦A:56 Ruahine Street, Palmerston North 4410⟧, ⟦T:021 483 9027⟧, ⟦E:aroha.tewhare@kiwipost.example⟧. IRD number ⟦ID@NZ:132-023-719⟧, ACC claim number ⟦ACC:10036582214⟧. On 4 November I lifted a 25 kg feed bag at work and felt a tear; the scan showed a ⟦MC:full-thickness rotator cuff tear⟧. My GP, Dr ⟦P:Hemi Walker⟧, prescribed ⟦MED:tramadol⟧ and referred me to physio.
""",
)
add(
    "pii",
    "en",
    "aadhaar-pan-bank-chat",
    "prose",
    """
Summarise what the bank agent asked me to do and what I still need to send:

[10:02] Agent ⟦P:Ritu⟧: Good morning, am I speaking with Mr. ⟦P:Karthik Subramanian⟧?
[10:02] Me: Yes. My account ⟦ACC:50100382914467⟧ got frozen.
[10:03] Agent ⟦P:Ritu⟧: Sir, your PAN ⟦ID@IN:FBCPS8456W⟧ is not linked with Aadhaar. Please confirm the Aadhaar number.
[10:04] Me: ⟦ID@IN:5095 6409 7901⟧. Registered mobile is ⟦T:98450 31627⟧.
[10:05] Agent ⟦P:Ritu⟧: The name on Aadhaar is "⟦P:Karthik S⟧" but PAN says "⟦P:Karthik Subramanian⟧". Please link on the income-tax portal, then email ⟦ID@IN:FBCPS8456W⟧ link status to our branch.
[10:06] Me: My DOB is ⟦DOB:11-05-1987⟧ on both, right?
""",
)
add(
    "pii",
    "de",
    "kita-anmeldung-zuerich",
    "form",
    """
Kannst du das Anmeldeformular für die Kita kürzen und mir sagen, ob die Angaben zur Gesundheit so reichen?

Anmeldung Kita Sonnenhügel, Zürich-Wipkingen
Kind: ⟦P:Lio Baumgartner⟧, geboren am ⟦DOB:3. Februar 2024⟧
AHV-Nummer Kind: ⟦ID@CH:756.7634.7004.83⟧
Mutter: ⟦P:Seraina Baumgartner-Caflisch⟧, ⟦T:079 428 51 93⟧, ⟦E:seraina.bc@limmatpost.example⟧
Vater: ⟦P:Reto Baumgartner⟧, ⟦T:078 611 04 27⟧
Adresse: ⟦A:Rötelstrasse 58, 8037 Zürich⟧
Gewünschte Betreuungstage: Mo, Di, Do
Gesundheit: ⟦MC:Kuhmilchproteinallergie⟧, bei Kontakt ⟦MED:Cetirizin-Tropfen⟧; ⟦P:Lio⟧ hatte im Herbst einen ⟦MC:Fieberkrampf⟧.
""",
)
add(
    "pii",
    "de",
    "reha-antrag-pva",
    "prose",
    """
Bitte formuliere meine Begründung für den Reha-Antrag bei der PVA etwas sachlicher, aber lass alle Angaben drin:

Ich, ⟦P:Gerlinde Hofstätter⟧, Versicherungsnummer ⟦ID@AT:5106150667⟧, wohnhaft in ⟦A:Kaiser-Josef-Straße 12/4, 8010 Graz⟧, beantrage eine stationäre Rehabilitation. Seit meiner ⟦MC:Knie-Totalendoprothese⟧ links im Jänner kann ich nur mit Krücken gehen, dazu kommt meine ⟦MC:rheumatoide Arthritis⟧, die mit ⟦MED:Methotrexat⟧ und ⟦MED:Prednisolon⟧ behandelt wird. Mein Hausarzt Dr. ⟦P:Wolfgang Pichler⟧ unterstützt den Antrag. Erreichbar bin ich unter ⟦T:0664 3827105⟧.
""",
)
add(
    "pii",
    "de",
    "personalfragebogen-neueinstellung",
    "form",
    """
Der neue Kollege hat den Personalfragebogen ausgefüllt. Prüf bitte, ob für die Lohnabrechnung noch etwas fehlt (Steuerklasse, Konfession, Kinderfreibeträge?).

Name, Vorname: ⟦P:Yilmaz, Emre⟧
Geburtsdatum: ⟦DOB:27.09.1995⟧
Anschrift: ⟦A:Hohenzollernring 73, 50672 Köln⟧
Steuer-ID: ⟦ID@DE:43 302 397 181⟧
Krankenkasse: AOK Rheinland/Hamburg
Bankverbindung (IBAN): ⟦IBAN:DE09 3705 0198 3231 5592 30⟧
Schwerbehinderung: ja, GdB 50 (⟦MC:Morbus Bechterew⟧)
Telefon: ⟦T:0176 43918265⟧
E-Mail privat: ⟦E:emre.yilmaz95@rheinpost.example⟧
""",
)
add(
    "pii",
    "es",
    "solicitud-residencia-mayores",
    "form",
    """
Estoy pidiendo plaza para mi padre en una residencia de Valladolid. ¿Me ayudas a redactar el apartado "situación de dependencia" con estos datos, de forma clara?

Solicitante: ⟦P:Anselmo Rodríguez Villar⟧
DNI: ⟦ID@ES:74513365N⟧
Fecha de nacimiento: ⟦DOB:12/10/1935⟧
Domicilio: ⟦A:Calle Santuario 14, 3º B, 47002 Valladolid⟧
Grado de dependencia: II
Diagnósticos: ⟦MC:enfermedad de Alzheimer⟧ moderada, ⟦MC:insuficiencia cardiaca⟧, ⟦MC:incontinencia urinaria⟧
Medicación: ⟦MED:donepezilo⟧, ⟦MED:furosemida⟧, ⟦MED:bisoprolol⟧
Persona de contacto: ⟦P:Begoña Rodríguez Sanz⟧ (hija), ⟦T:679 214 853⟧, ⟦E:begona.rsanz@pisuerga.example⟧
""",
)
add(
    "pii",
    "es",
    "bono-social-electrico",
    "prose",
    """
Me han rechazado el bono social de la luz por "falta de documentación". Redacta una reclamación a la comercializadora con estos datos, pidiendo que lo revisen:

Titular del contrato: ⟦P:Nadia El Amrani⟧, NIE ⟦ID@ES:Y1496115W⟧, con domicilio en ⟦A:Carrer de la Riera Alta 31, 2º 1ª, 08001 Barcelona⟧. Familia numerosa (tres hijos), ingresos por debajo del umbral. Cuenta de domiciliación ⟦IBAN:ES90 2100 0813 6396 9818 8850⟧. Teléfono ⟦T:622 418 307⟧, correo ⟦E:nadia.elamrani@ravalmail.example⟧. Mi marido, ⟦P:Youssef Benali⟧, está en paro desde febrero.
""",
)
add(
    "pii",
    "es",
    "anses-auh-consulta",
    "prose",
    """
Che, necesito ayuda para entender por qué ANSES me suspendió la AUH. Esto es lo que me dijeron por teléfono y lo que tengo; explicame qué tengo que presentar:

Soy ⟦P:Micaela Soledad Benítez⟧, CUIL ⟦ID@AR:27-60486156-5⟧, vivo en ⟦A:Av. San Martín 2280, Lanús, Buenos Aires⟧. Mis hijos son ⟦P:Thiago⟧ (⟦DOB:3 de mayo de 2015⟧) y ⟦P:Valentina Benítez⟧ (⟦DOB:19 de enero de 2018⟧). La operadora dijo que falta la libreta con los controles de salud de ⟦P:Thiago⟧ y que ⟦P:Valentina⟧ tiene ⟦MC:hipoacusia⟧ y le corresponde la asignación por hijo con discapacidad. Mi celular es ⟦T:011 15-3842-6190⟧.
""",
)
add(
    "pii",
    "fr",
    "fiche-liaison-ehpad",
    "form",
    """
Peux-tu mettre cette fiche de liaison EHPAD → urgences au propre, en gardant toutes les informations ? Elle part avec la résidente dans l'ambulance.

FICHE DE LIAISON
Résidente : Mme ⟦P:Odette Marchal⟧, née le ⟦DOB:4 juin 1941⟧
N° de sécurité sociale : ⟦ID@FR:2 41 06 69 081 828 44⟧
Chambre 112, EHPAD Les Glycines, Villeurbanne
Personne de confiance : ⟦P:Claire Marchal-Dupuis⟧ (fille), ⟦T:06 72 18 44 39⟧
Antécédents : ⟦MC:démence à corps de Lewy⟧, ⟦MC:fibrillation auriculaire⟧, chute le 12/03 avec ⟦MC:fracture du poignet droit⟧
Traitement : ⟦MED:Eliquis 2,5 mg⟧ x2/j, ⟦MED:Exelon⟧ patch 9,5 mg, ⟦MED:Doliprane⟧ si douleur
Motif du transfert : confusion aiguë, fièvre 38,9 °C
""",
)
add(
    "pii",
    "fr",
    "titres-services-inscription",
    "form",
    """
Je m'inscris aux titres-services pour une aide-ménagère. Est-ce que ce formulaire est complet et c'est quoi la différence entre titres papier et électroniques ?

Nom : ⟦P:Vandenbroucke⟧
Prénom : ⟦P:Jérôme⟧
Numéro de registre national : ⟦ID@BE:79.08.23-651.83⟧
Adresse : ⟦A:Rue des Wallons 47, 1348 Louvain-la-Neuve⟧
GSM : ⟦T:0476 31 82 05⟧
E-mail : ⟦E:jerome.vdb@brabantmail.example⟧
Compte bancaire : ⟦IBAN:BE58 0018 5486 1379⟧
""",
)
add(
    "pii",
    "fr",
    "ramq-carte-assurance-maladie",
    "prose",
    """
Ma carte d'assurance maladie expire et la RAMQ m'a renvoyé le formulaire parce que la photo était refusée. Rédige-moi une courte lettre d'accompagnement pour le nouvel envoi :

Je m'appelle ⟦P:Mélissa Tremblay-Gagnon⟧, née le ⟦DOB:15 juillet 1982⟧, numéro d'assurance maladie ⟦ACC:TREM 8257 1514⟧, NAS ⟦ID@CA:241 191 048⟧. J'habite au ⟦A:4215, rue Saint-Denis, app. 3, Montréal (Québec) H2J 2K9⟧. Téléphone : ⟦T:+1 514-555-0176⟧. Je suis suivie pour un ⟦MC:lupus érythémateux disséminé⟧ et j'ai besoin d'une carte valide pour mon rendez-vous en rhumatologie.
""",
)
add(
    "pii",
    "it",
    "iscrizione-asilo-nido",
    "form",
    """
Devo iscrivere mia figlia al nido comunale di Milano. Controlla che i codici fiscali siano nei campi giusti e dimmi quali allegati servono per l'ISEE.

DOMANDA DI ISCRIZIONE — NIDI D'INFANZIA A.E. 2025/26
Bambina: ⟦P:Greta Colombo⟧, nata a Milano il ⟦DOB:14/05/2022⟧
Codice fiscale bambina: ⟦ID@IT:CLMGRT22E54F205Q⟧
Madre: ⟦P:Chiara Bellini⟧, C.F. ⟦ID@IT:BLLCHR89P43R794P⟧, cell. ⟦T:347 219 5864⟧
Padre: ⟦P:Luca Colombo⟧, C.F. ⟦ID@IT:CLMLCU87B21F205R⟧
Residenza: ⟦A:Via Padova 118, 20127 Milano⟧
Note sanitarie: ⟦MC:dermatite atopica⟧, dieta senza uovo (⟦MC:allergia all'uovo⟧)
""",
)
add(
    "pii",
    "it",
    "esenzione-ticket-patologia",
    "prose",
    """
Mi scrivi una mail educata al CUP dell'ASL Napoli 1 per chiedere il rinnovo dell'esenzione? Ecco i dati di mio padre:

⟦P:Salvatore Russo⟧, nato a Napoli l'⟦DOB:8 novembre 1954⟧, codice fiscale ⟦ID@IT:RSSSVT54S08F839Z⟧, residente in ⟦A:Via Salvator Rosa 204, 80136 Napoli⟧. Ha il codice di esenzione 013 per ⟦MC:diabete mellito di tipo 2⟧ e dal mese scorso anche ⟦MC:insufficienza renale cronica⟧; prende ⟦MED:insulina glargine⟧ e ⟦MED:Lasix⟧. Per qualsiasi cosa potete chiamare me, ⟦P:Antonella Russo⟧, al ⟦T:338 470 1926⟧.
""",
)
add(
    "pii",
    "it",
    "adesione-fondo-pensione",
    "form",
    """
Sto aderendo al fondo pensione di categoria. Mi spieghi cosa significa "TFR maturando" e se ho compilato bene il beneficiario?

MODULO DI ADESIONE
Aderente: ⟦P:Elena Ferraris⟧
Codice fiscale: ⟦ID@IT:FRRLNE93D67L219J⟧
Data di nascita: ⟦DOB:27.04.1993⟧
Indirizzo: ⟦A:Corso Vittorio Emanuele II 96, 10121 Torino⟧
E-mail: ⟦E:elena.ferraris@subalpina.example⟧
IBAN per rimborsi: ⟦IBAN:IT14 E054 2811 1010 0000 0888 149⟧
Beneficiario in caso di premorienza: ⟦P:Davide Gallo⟧ (convivente)
""",
)
add(
    "pii",
    "nl",
    "aanmelding-schuldhulpverlening",
    "form",
    """
Ik meld me aan bij de schuldhulpverlening van de gemeente. Kun je dit formulier nalopen en een lijstje maken van wat ik nog moet aanleveren?

Naam: ⟦P:Kevin de Groot⟧
BSN: ⟦ID@NL:094348054⟧
Geboortedatum: ⟦DOB:11-08-1990⟧
Adres: ⟦A:Van Speijkstraat 142-III, 1057 HC Amsterdam⟧
Telefoon: ⟦T:06 41873920⟧
IBAN: ⟦IBAN:NL33 INGB 0003 1236 02⟧
Partner: ⟦P:Samira el Idrissi⟧, BSN ⟦ID@NL:997030355⟧
Schulden (ca.): € 23.400 (zorgverzekeraar, belastingdienst, Klarna)
Bijzonderheden: ⟦MC:gokverslaving⟧, sinds 2024 onder behandeling
""",
)
add(
    "pii",
    "nl",
    "zwemles-aanmelding",
    "prose",
    """
Kun je deze aanmelding voor zwemles wat netter maken? Hij gaat naar het zwembad in Utrecht.

Hallo, ik wil graag mijn zoon ⟦P:Daan Visser⟧ (geboren ⟦DOB:2 april 2019⟧) aanmelden voor zwemles op woensdagmiddag voor diploma A. ⟦P:Daan⟧ heeft ⟦MC:epilepsie⟧ (absences), goed ingesteld op ⟦MED:Depakine⟧, maar de badjuf moet het weten. Ons adres is ⟦A:Oudegracht 211, 3511 NH Utrecht⟧. U kunt mij bereiken op ⟦T:06 29174856⟧ of ⟦E:marloes.visser@domstad.example⟧. Groet, ⟦P:Marloes Visser⟧
""",
)
add(
    "pii",
    "nl",
    "wlz-indicatie-aanvraag",
    "prose",
    """
Mijn moeder heeft steeds meer zorg nodig. Help me de toelichting voor de Wlz-aanvraag bij het CIZ te schrijven, in duidelijke taal.

Het gaat om ⟦P:Hendrika (Riek) Bosman-Jansen⟧, geboren ⟦DOB:6 december 1936⟧, BSN ⟦ID@NL:743716619⟧, wonend aan de ⟦A:Kerkstraat 9, 7461 CN Rijssen⟧. Ze heeft ⟦MC:ziekte van Parkinson⟧ en sinds vorig jaar ⟦MC:dementie⟧; ze is twee keer gevallen en vergeet haar ⟦MED:levodopa⟧. De thuiszorg komt nu vier keer per dag. Contactpersoon: ⟦P:Gerrit Bosman⟧ (zoon), ⟦T:06 53820417⟧.
""",
)
add(
    "pii",
    "pl",
    "rekrutacja-zlobek",
    "form",
    """
Pomóż mi sprawdzić wniosek do żłobka miejskiego we Wrocławiu – czy dobrze wpisałam kryteria (oboje rodzice pracują, rodzina wielodzietna)?

Dziecko: ⟦P:Zuzanna Wiśniewska⟧
PESEL dziecka: ⟦ID@PL:23230836047⟧
Data urodzenia: ⟦DOB:8 marca 2023⟧
Matka: ⟦P:Katarzyna Wiśniewska⟧, tel. ⟦T:604 382 917⟧, ⟦E:k.wisniewska@odrapost.example⟧
Ojciec: ⟦P:Paweł Wiśniewski⟧, tel. ⟦T:512 904 336⟧
Adres zamieszkania: ⟦A:ul. Legnicka 57/12, 54-203 Wrocław⟧
Informacje o zdrowiu: ⟦MC:alergia na orzeszki ziemne⟧, w razie reakcji ⟦MED:Fenistil⟧
""",
)
add(
    "pii",
    "pl",
    "kwestionariusz-osobowy-pracownika",
    "form",
    """
Nowy pracownik oddał kwestionariusz osobowy. Czy wolno nam w ogóle pytać o te wszystkie dane (RODO, art. 22¹ KP)? Zaznacz, które pola są nadmiarowe.

Imię i nazwisko: ⟦P:Marcin Zieliński⟧
PESEL: ⟦ID@PL:85111983178⟧
Data urodzenia: ⟦DOB:19.11.1985⟧
Adres: ⟦A:ul. Marszałkowska 84/92 m. 17, 00-514 Warszawa⟧
Numer rachunku: ⟦IBAN:PL20 1140 2004 1866 2496 4030 8645⟧
Telefon: ⟦T:+48 691 205 774⟧
Stan zdrowia: ⟦MC:cukrzyca typu 1⟧, ⟦MED:insulina⟧ (pompa)
Osoba do kontaktu: ⟦P:Agnieszka Zielińska⟧ (żona), ⟦T:+48 507 318 420⟧
""",
)
add(
    "pii",
    "pl",
    "rejestracja-dawcy-szpiku",
    "prose",
    """
Przetłumacz na angielski moją wiadomość do fundacji dawców szpiku (kontaktują się z zagranicy):

Dzień dobry, nazywam się ⟦P:Oliwia Kaczmarek⟧, urodziłam się ⟦DOB:2 lutego 1996⟧, PESEL ⟦ID@PL:96020267721⟧. Zarejestrowałam się jako potencjalna dawczyni w 2019 roku, a teraz dostałam informację o wstępnej zgodności. Chcę potwierdzić gotowość, ale w zeszłym roku zdiagnozowano u mnie ⟦MC:niedoczynność tarczycy⟧ (biorę ⟦MED:Letrox⟧). Czy to mnie wyklucza? Mój numer: ⟦T:+48 733 901 268⟧, adres: ⟦A:ul. Półwiejska 21/4, 61-885 Poznań⟧.
""",
)
add(
    "pii",
    "pt",
    "cadastro-cadunico",
    "prose",
    """
Vou no CRAS atualizar o CadÚnico da minha mãe. Faz uma lista do que preciso levar e confere se os dados abaixo estão certos:

Responsável familiar: ⟦P:Maria das Graças Oliveira Santos⟧, CPF ⟦ID@BR:080.216.960-01⟧, nascida em ⟦DOB:22/08/1962⟧, mora na ⟦A:Rua Itabaiana, 417, casa 2, Jardim Nordeste, São Paulo - SP, 03690-000⟧. Telefone ⟦T:(11) 97342-1586⟧. Ela recebe o BPC por causa da ⟦MC:insuficiência renal crônica⟧ (faz hemodiálise 3x por semana). Mora com o neto ⟦P:Kauã Santos Ribeiro⟧, CPF ⟦ID@BR:584.850.220-09⟧.
""",
)
add(
    "pii",
    "pt",
    "inscricao-centro-de-saude",
    "form",
    """
Mudei-me para Braga e quero inscrever-me no centro de saúde. Ajuda-me a preencher isto e diz-me se preciso do atestado de residência da junta.

Nome: ⟦P:Inês Carvalho Fernandes⟧
NIF: ⟦ID@PT:2623948631⟧
Número de utente SNS: ⟦ACC:284 519 637⟧
Data de nascimento: ⟦DOB:09-01-1994⟧
Morada: ⟦A:Rua de São Vicente 62, 2.º Esq., 4710-312 Braga⟧
Telemóvel: ⟦T:936 402 817⟧
Doenças crónicas: ⟦MC:hipotiroidismo⟧; medicação habitual ⟦MED:Eutirox 75⟧
""",
)
add(
    "pii",
    "sv",
    "anmalan-forskola",
    "form",
    """
Vi ska anmäla vår son till förskola i Uppsala kommun. Kan du skriva en kort text till rutan "Övrigt" utifrån det här?

Barnets namn: ⟦P:Elis Lindgren Haddad⟧
Personnummer: ⟦ID@SE:20210430-5038⟧
Vårdnadshavare 1: ⟦P:Johanna Lindgren⟧, ⟦ID@SE:870912-0227⟧, ⟦T:070-418 26 93⟧
Vårdnadshavare 2: ⟦P:Karim Haddad⟧ (flyttar hit från Köpenhamn i juni och har inget svenskt personnummer än, danskt CPR-nr ⟦ID@DK:220385-0597⟧), ⟦T:073-552 07 14⟧
Adress: ⟦A:Sysslomansgatan 18 B, 753 11 Uppsala⟧
Önskat startdatum: 2025-08-18
Övrigt: ⟦P:Elis⟧ har ⟦MC:typ 1-diabetes⟧ sedan i vintras och har insulinpump med ⟦MED:NovoRapid⟧.
""",
)
add(
    "pii",
    "sv",
    "sjukresa-ersattning",
    "prose",
    """
Kan du göra om det här till ett formellt brev till regionen om ersättning för sjukresor?

Jag heter ⟦P:Göran Åkesson⟧, personnummer ⟦ID@SE:490316-7155⟧, och bor på ⟦A:Storgatan 7, 942 31 Älvsbyn⟧. Jag får strålbehandling mot ⟦MC:prostatacancer⟧ på Norrlands universitetssjukhus i Umeå fem dagar i veckan under sju veckor. Taxi beviljades bara för två veckor. Jag har också ⟦MC:KOL⟧ och kan inte köra bil. Min dotter ⟦P:Lena Åkesson⟧ hjälper mig med papperen, ring henne på ⟦T:070-962 13 58⟧.
""",
)
add(
    "pii",
    "ru",
    "nalogovyj-vychet-lechenie",
    "form",
    """
Помоги, пожалуйста, проверить заявление на социальный налоговый вычет за лечение мамы. Всё ли указано и какие документы приложить к 3-НДФЛ?

В ИФНС России № 28 по г. Москве
от ⟦P:Смирнова Дмитрия Олеговича⟧
ИНН ⟦ID@RU:772280069200⟧
адрес: ⟦A:г. Москва, ул. Профсоюзная, д. 93, корп. 2, кв. 118⟧
тел. ⟦T:+7 916 482-37-15⟧

Прошу предоставить социальный налоговый вычет в сумме 150 000 руб. за оплату лечения моей матери, ⟦P:Смирновой Ольги Андреевны⟧ (⟦DOB:12.03.1956⟧ г. р.), в ГКБ им. Пирогова: операция по поводу ⟦MC:катаракты⟧ и курс лечения ⟦MC:глаукомы⟧ (⟦MED:Ксалатан⟧). Справка об оплате медицинских услуг прилагается.
""",
)
add(
    "pii",
    "ru",
    "anketa-stomatologii",
    "prose",
    """
Переведи на английский анкету пациента, её будет читать врач-иностранец в нашей клинике:

Пациент: ⟦P:Кузнецова Алина Викторовна⟧, дата рождения ⟦DOB:21 сентября 1989 г.⟧
Телефон: ⟦T:8 (921) 604-18-37⟧, e-mail: ⟦E:alina.kuznetsova89@nevapost.example⟧
Адрес: ⟦A:Санкт-Петербург, Лиговский пр., д. 44, кв. 7⟧
Хронические заболевания: ⟦MC:сахарный диабет 2 типа⟧, ⟦MC:гипертония⟧
Принимаемые препараты: ⟦MED:метформин⟧ 1000 мг, ⟦MED:лозартан⟧
Аллергия: на ⟦MED:лидокаин⟧ (отёк), на пенициллины — нет
Жалобы: боль в нижнем левом зубе, ⟦P:Алина⟧ боится уколов.
""",
)
add(
    "pii",
    "uk",
    "zaiava-dopomoha-vpo",
    "form",
    """
Перевір, будь ласка, заяву на допомогу на проживання для ВПО. Чи правильно я вказала дитину з інвалідністю і чи треба довідку з ЦНАП?

Заявник: ⟦P:Ковальчук Оксана Петрівна⟧
Дата народження: ⟦DOB:14.02.1986⟧
РНОКПП: ⟦ID@UA:3145669765⟧
Місце фактичного проживання: ⟦A:м. Львів, вул. Городоцька, 174, кв. 56⟧
Попереднє місце проживання: м. Харків
Телефон: ⟦T:+380 67 318 4592⟧
Рахунок IBAN: ⟦IBAN:UA05 3052 9917 3423 8355 3910 1718 8⟧
Діти: ⟦P:Ковальчук Марко Андрійович⟧, ⟦DOB:03.09.2014⟧, ⟦MC:розлади аутистичного спектра⟧, дитина з інвалідністю
""",
)
add(
    "pii",
    "uk",
    "dohovir-orendy-kvartyry",
    "prose",
    """
Склади короткий договір оренди квартири з цих домовленостей (на 11 місяців, оплата до 5 числа):

Орендодавець — ⟦P:Мельник Ігор Васильович⟧, РНОКПП ⟦ID@UA:2614331076⟧, тел. ⟦T:050 712 4836⟧.
Орендар — ⟦P:Бондаренко Юлія Сергіївна⟧, РНОКПП ⟦ID@UA:3610369500⟧, ID-картка № ⟦PASS:004819273⟧, тел. ⟦T:063 281 9045⟧.
Квартира: ⟦A:м. Київ, вул. Антоновича, 125, кв. 41⟧. Плата 16 000 грн на місяць плюс комунальні. Разом з ⟦P:Юлією⟧ проживатиме кіт. ⟦P:Ігор Васильович⟧ має право оглядати квартиру раз на місяць за попередженням.
""",
)
add(
    "pii",
    "bg",
    "karta-gradski-transport-pensioner",
    "form",
    """
Искам да подам заявление за пенсионерска карта за градския транспорт в София. Провери дали съм попълнила всичко правилно и какви документи да нося.

Име, презиме, фамилия: ⟦P:Мария Стоянова Петкова⟧
ЕГН: ⟦ID@BG:5207287012⟧
Дата на раждане: ⟦DOB:28.07.1952⟧
Постоянен адрес: ⟦A:гр. София, ж.к. „Младост“ 1, бл. 27, вх. Б, ет. 4, ап. 38⟧
Телефон: ⟦T:0888 514 726⟧
Пенсионен номер: ⟦ACC:4120087315⟧
""",
)
add(
    "pii",
    "bg",
    "napravlenie-kardiolog",
    "prose",
    """
Преведи на немски това медицинско направление – баща ми ще се преглежда в Мюнхен:

Пациент: ⟦P:Георги Иванов Димитров⟧, ЕГН ⟦ID@BG:4803091844⟧, адрес ⟦A:гр. Пловдив, ул. „Капитан Райчо“ 56, ет. 2⟧.
Диагноза: ⟦MC:исхемична болест на сърцето⟧, ⟦MC:артериална хипертония⟧ III степен, състояние след ⟦MC:миокарден инфаркт⟧ (2021).
Терапия: ⟦MED:Конкор⟧ 5 мг, ⟦MED:Аторис⟧ 40 мг, ⟦MED:Аспирин протект⟧ 100 мг.
Насочва се за консултация с кардиолог и ехокардиография. Лекар: д-р ⟦P:Елена Колева⟧.
""",
)
add(
    "pii",
    "hr",
    "dopunsko-osiguranje-hzzo",
    "form",
    """
Trebam ugovoriti dopunsko zdravstveno osiguranje za mamu koja je upravo otišla u mirovinu. Ima li pravo na besplatno dopunsko s obzirom na mirovinu i što još treba priložiti?

Ime i prezime: ⟦P:Vesna Horvat⟧
OIB: ⟦ID@HR:23116538529⟧
MBO: ⟦ACC:183402917⟧
Datum rođenja: ⟦DOB:19. 5. 1960.⟧
Adresa: ⟦A:Ilica 212, 10000 Zagreb⟧
Mobitel: ⟦T:091 482 3751⟧
Mjesečna mirovina: 512,40 €
Napomena: ⟦MC:kronična opstruktivna plućna bolest⟧, koristi ⟦MED:Spiriva⟧
""",
)
add(
    "pii",
    "hr",
    "povrat-poreza-obitelj",
    "prose",
    """
Napiši mi kratko i pristojno pitanje Poreznoj upravi, jer mi nisu priznali osobni odbitak za dijete:

Poštovani, ja sam ⟦P:Ivan Babić⟧, OIB ⟦ID@HR:17764587920⟧, s prebivalištem u ⟦A:Ulica Domovinskog rata 31, 21000 Split⟧. U godišnjem obračunu za 2024. nije priznat odbitak za moju kćer ⟦P:Loru Babić⟧, OIB ⟦ID@HR:65551895468⟧, koja živi sa mnom. Povrat je uplaćen na račun ⟦IBAN:HR15 2360 7718 3870 1668 7⟧ u manjem iznosu. Molim provjeru. Kontakt: ⟦T:098 731 2046⟧, ⟦E:ivan.babic@jadranpost.example⟧.
""",
)
add(
    "pii",
    "sk",
    "prihlaska-materska-skola",
    "form",
    """
Pomôžte mi skontrolovať prihlášku do materskej školy v Košiciach. Je v poriadku, že uvádzam aj alergiu?

Meno a priezvisko dieťaťa: ⟦P:Nela Horváthová⟧
Rodné číslo: ⟦ID@SK:215914/7287⟧
Dátum narodenia: ⟦DOB:14. 9. 2021⟧
Bydlisko: ⟦A:Hlavná 68, 040 01 Košice⟧
Matka: ⟦P:Zuzana Horváthová⟧, r. č. ⟦ID@SK:905305/7915⟧, tel. ⟦T:0905 318 447⟧
Otec: ⟦P:Martin Horváth⟧ (občan ČR), r. č. ⟦ID@CZ:880412/9235⟧, tel. ⟦T:0917 204 583⟧
Zdravotný stav: ⟦MC:celiakia⟧ – bezlepková strava
""",
)
add(
    "pii",
    "sk",
    "objednavka-endokrinolog-chat",
    "prose",
    """
Zhrň mi tento rozhovor s ambulanciou do troch bodov, čo mám urobiť pred vyšetrením:

Sestra: Dobrý deň, ako sa voláte a aké je vaše rodné číslo?
Ja: ⟦P:Peter Kováč⟧, ⟦ID@SK:781102/0360⟧.
Sestra: Pán ⟦P:Kováč⟧, máte výmenný lístok od obvodného lekára?
Ja: Áno, od MUDr. ⟦P:Simony Balážovej⟧. Mám ⟦MC:Hashimotovu tyreoiditídu⟧ a beriem ⟦MED:Letrox 100⟧, ale posledné TSH bolo vysoké.
Sestra: Termín máte 12. 6. o 8:30, nalačno, bez ranného ⟦MED:Letroxu⟧. Potvrďte mi ešte telefón.
Ja: ⟦T:0948 572 130⟧.
""",
)
add(
    "pii",
    "sl",
    "vloga-otroski-dodatek",
    "form",
    """
Oddajam vlogo za otroški dodatek na CSD. Preveri, prosim, ali so podatki pravilno vpisani in kaj pomeni "dohodek na družinskega člana".

Vlagateljica: ⟦P:Maja Kranjc⟧
EMŠO: ⟦ID@SI:1704988505499⟧
Davčna številka: ⟦ID@SI:89366433⟧
Naslov: ⟦A:Celovška cesta 150, 1000 Ljubljana⟧
Telefon: ⟦T:041 382 915⟧
TRR: ⟦IBAN:SI58 0201 2186 2409 338⟧
Otrok: ⟦P:Luka Kranjc⟧, EMŠO ⟦ID@SI:0310022500596⟧, rojen ⟦DOB:3. 10. 2022⟧
""",
)
add(
    "pii",
    "sl",
    "napotnica-fizioterapija",
    "prose",
    """
Lahko to napotnico prepišeš v bolj razumljiv jezik za pacienta? Naj ostanejo vsi podatki.

Pacient: ⟦P:Janez Novak⟧, EMŠO ⟦ID@SI:2506961500530⟧, številka zavarovane osebe ZZZS ⟦ACC:026418395⟧, ⟦A:Slovenska ulica 22, 2000 Maribor⟧.
Diagnoza: ⟦MC:stanje po zlomu stegnenice⟧ desno (osteosinteza 2/2025), ⟦MC:osteoporoza⟧.
Zdravila: ⟦MED:Fosamax⟧ enkrat tedensko, ⟦MED:kalcij in vitamin D⟧.
Napotitev: fizioterapija, 10 obravnav, hoja z berglami, krepitev. Kontakt svojca: ⟦P:Mojca Novak⟧, ⟦T:031 624 507⟧.
""",
)
add(
    "pii",
    "ca",
    "preinscripcio-escola-bressol",
    "form",
    """
Em pots ajudar a revisar la preinscripció a l'escola bressol municipal? No sé si he de posar el NIE de la mare o el passaport.

Infant: ⟦P:Pau Soler Mendoza⟧
Data de naixement: ⟦DOB:22/01/2024⟧
Codi TSI (CatSalut): ⟦ACC:SOME 1240122 00 4⟧
Pare: ⟦P:Jordi Soler i Puig⟧, DNI ⟦ID@ES:97822406W⟧, mòbil ⟦T:639 502 187⟧
Mare: ⟦P:Valeria Mendoza Rojas⟧, NIE ⟦ID@ES:X2747585M⟧
Adreça: ⟦A:Carrer de Sant Antoni Maria Claret 214, 5è 2a, 08041 Barcelona⟧
Correu: ⟦E:jordi.soler.puig@gracianet.example⟧
Observacions: l'infant té ⟦MC:al·lèrgia a la proteïna de la llet de vaca⟧.
""",
)
add(
    "pii",
    "ca",
    "alta-cass-andorra",
    "prose",
    """
Tradueix al castellà aquest correu per a la meva gestora, que és de Lleida però no llegeix bé el català:

Bon dia, sóc ⟦P:Núria Casals Riba⟧, amb NRT ⟦ID@AD:F-257671-V⟧, i visc a ⟦A:Avinguda Meritxell 68, 3r 1a, AD500 Andorra la Vella⟧. Començo a treballar el 2 de juny a una botiga d'Escaldes-Engordany i necessito que em donin d'alta a la CASS. El meu número de telèfon és el ⟦T:+376 362 418⟧. També voldria saber si la CASS em cobreix el tractament de ⟦MC:fibromiàlgia⟧ que segueixo a Barcelona (⟦MED:duloxetina⟧).
""",
)
add(
    "pii",
    "is",
    "umsokn-leikskoli",
    "form",
    """
Gætir þú farið yfir umsóknina um leikskólapláss og skrifað stutta lýsingu í reitinn "Annað sem leikskólinn þarf að vita"?

Barn: ⟦P:Embla Sigurðardóttir⟧
Kennitala barns: ⟦ID@IS:080621-1320⟧
Forráðamaður 1: ⟦P:Sigurður Már Jónsson⟧, kt. ⟦ID@IS:301188-5449⟧, sími ⟦T:862 4019⟧
Forráðamaður 2: ⟦P:Hildur Björnsdóttir⟧, kt. ⟦ID@IS:190290-2639⟧, sími ⟦T:695 3182⟧
Heimilisfang: ⟦A:Hringbraut 84, 101 Reykjavík⟧
Netfang: ⟦E:hildur.bjorns@fjordmail.example⟧
Annað: ⟦P:Embla⟧ er með ⟦MC:astma⟧ og notar ⟦MED:Flixotide⟧ púst kvölds og morgna.
""",
)
add(
    "pii",
    "is",
    "tilvisun-heilsugaesla",
    "prose",
    """
Geturðu þýtt þetta yfir á ensku? Ég þarf að senda það til læknis í Danmörku.

Nafn: ⟦P:Guðrún Helgadóttir⟧, kennitala ⟦ID@IS:040957-8719⟧. Heimili: ⟦A:Aðalstræti 19, 600 Akureyri⟧. ⟦P:Guðrún⟧ hefur verið með ⟦MC:sykursýki af tegund 2⟧ í tíu ár og fékk ⟦MC:gáttatif⟧ í fyrra; hún tekur ⟦MED:Eliquis⟧ og ⟦MED:Jardiance⟧. Heimilislæknir: ⟦P:Baldur Stefánsson⟧, Heilsugæslan á Akureyri. Sími hjá dóttur hennar, ⟦P:Ástu⟧: ⟦T:777 2390⟧.
""",
)


# ---------------------------------------------------------------------------
# group cred
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "nextjs-env-clerk-razorpay-plaid",
    "env",
    """
My Next.js build on Vercel says "Missing CLERK_SECRET_KEY" even though it's in the file. Here's my .env.production — is the naming wrong?

NEXT_PUBLIC_APP_URL=https://app.ledgerlight.example
CLERK_SECRET_KEY=⟦K:sk_live_oRfEsYQlrfhX5x1HDLDhDQsCSi4RTUEG3DB4lbDe⟧
NEXT_PUBLIC_CLERK_SIGN_IN_URL=/sign-in
RAZORPAY_KEY_ID=⟦K:rzp_live_cd3u4yoU5l7OdO⟧
RAZORPAY_KEY_SECRET=⟦K:5IiT9qsTT9qfeXYXmRAm3RIE⟧
PLAID_CLIENT_ID=⟦K:b7197d8b8f826d2edf09e8da⟧
PLAID_SECRET=⟦K:756cdeccc08a97f3d726dccb0e3a87⟧
PLAID_ENV=production
DATABASE_URL=postgres://ledger_app:⟦S:Vt8#qLm2!pR6wXz⟧@db.ledgerlight.example:5432/ledger
""",
)
add(
    "cred",
    "en",
    "kamal-deploy-secrets",
    "yaml",
    """
First time using Kamal 2. `kamal deploy` fails at "docker login" with unauthorized. Here are config/deploy.yml and .kamal/secrets — what did I get wrong?

# config/deploy.yml
service: bookclub
image: ghcr.io/bookclub-app/bookclub
servers:
  web:
    - web1.bookclub.example
registry:
  server: ghcr.io
  username: bookclub-app
  password:
    - KAMAL_REGISTRY_PASSWORD
env:
  secret:
    - RAILS_MASTER_KEY
    - POSTGRES_PASSWORD

# .kamal/secrets
KAMAL_REGISTRY_PASSWORD=⟦K:ghp_ALXtzD6n4jsobgIz6HqbpHkq45r8B7pYbvXI⟧
RAILS_MASTER_KEY=⟦S:e0c48a4784c79ca10108f297b8eb6e03⟧
POSTGRES_PASSWORD=⟦S:marble-otter-quince-1987⟧
""",
)
add(
    "cred",
    "en",
    "terraform-cloud-credentials",
    "json",
    """
terraform init keeps saying "Required token could not be found" for app.terraform.io. This is my ~/.terraform.d/credentials.tfrc.json — is the hostname key right?

{
  "credentials": {
    "app.terraform.io": {
      "token": "⟦K:niv71t7xFt0y2b.atlasv1.S5mfB7hFKbiU8CvSufSh8yob75RJDPSvGEoh86pGtaNLGd9nfZ2PCeITkxOBdVlWSmG⟧"
    },
    "tfe.internal.harborline.example": {
      "token": "⟦K:K5T9OucrWBMnIn.atlasv1.klk7IjqleZNWR54C7IBF39IZdDKZKMw2y8GUPga8ScFUEokEvLN6fgLUCkh0PhBUEKq⟧"
    }
  }
}
""",
)
add(
    "cred",
    "en",
    "curl-mistral-voyage",
    "command",
    """
Both of these return 401 from my laptop but work in CI. What could differ? Proxy?

$ curl https://api.mistral.ai/v1/chat/completions \\
    -H "Authorization: Bearer ⟦K:XMiIGUV4Ocw9Oiwgnsuplf9AXog9bwhL⟧" \\
    -H "Content-Type: application/json" \\
    -d '{"model":"mistral-small-latest","messages":[{"role":"user","content":"ping"}]}'
{"message":"Unauthorized","request_id":"f3a9c1e0b7d2"}

$ curl https://api.voyageai.com/v1/embeddings \\
    -H "Authorization: Bearer ⟦K:pa-piIqWJJELKirjUQF1GR-WimCf9OUOIUxR01OwsDhF4B⟧" \\
    -d '{"input":["hello"],"model":"voyage-3"}'
{"detail":"Provided API key is invalid."}
""",
)
add(
    "cred",
    "en",
    "zendesk-api-http-request",
    "http",
    """
Why does this Zendesk request create the ticket but ignore the custom field? Raw request from our integration log:

POST /api/v2/tickets.json HTTP/1.1
Host: harborlinesupport.zendesk.com
Authorization: Bearer ⟦K:2d842c652c188a1ad8a29c18b46113512b32769bd5a26b37d5c41322c56a5c84⟧
Content-Type: application/json
X-On-Behalf-Of: ⟦E:agent.mwalsh@harborline.example⟧

{"ticket":{"subject":"Refund not received","comment":{"body":"Customer says refund missing"},"custom_fields":[{"id":"360041128712","value":"refund"}],"priority":"normal"}}
""",
)
add(
    "cred",
    "en",
    "salesforce-jwt-bearer-python",
    "code",
    """
I'm getting "invalid_grant: user hasn't approved this consumer" from the Salesforce JWT bearer flow. The connected app is pre-authorised for the profile. What else could it be?

import time, jwt, requests

CONSUMER_KEY = "⟦K:3MVG9VArfxATTa0I8PDOK9RKFX5RW4igY0XOdPc5IZj62V2FTE6jQeQ8YH9g0KISKqLbsi5wdKrHvoSOgqJXT⟧"
USERNAME = "⟦E:integration.bot@harborline.example⟧"
PRIVATE_KEY = \"\"\"⟦PK:-----BEGIN RSA PRIVATE KEY-----
MIIEoQIBAAKCAQEAq/zOvjKAXnB8id6M3vnfvWv3KLa9UfTChNv+uZc4OkMZMa0q
HXKI1Ae28+WQtoddHf7esUkHEMW7NNu8WwJJcKVOmaoHFhCz7ZrLHe4KWAVGxZdO
kDqHa7bnvvLDXtzptVGtvgUN4CRWPZJWqiacAzyFjqMorBFnK3sLvajNxqJHiebH
qc2nVfzUIo9EYyZlmYTIAmWxTidBxZCH/rKFmmkASI6YjjXD4BPFBZiyAtr0bYUz
xGnlszFhXaPO96GVkHBfYLIxX5JZ+yt1vDYMpvAB/mCkb9l3H5pcmXqXOytCN0+K
i5fM7YL3HglRpCPAlCCKpbSIViEJD7LgqyqZLQIDAQABAoH/YuzG/h+ONsP83lBk
Nt0DFLFFOOXjf4CJYmIn4hhY/yoZE7nGv6lhipPlZ+RjmJnDtb0j2lVm+v7A72Z0
sORf2as7yqdB7C8vTzv6GP0Sdg6S5pRhXBROUGakZfC875Oh2elhRisiEArWkBPc
RYJvumzVZXXzrwVTkm70EeNGeTlrJpa09kJPnSJtbCODkpL9smkyHxliUPrVCyLX
KiLPjUyBSSWmqZULetW8pDLOgrXYoJDn7a5Eibq3khYHjK2CY8t8M3L4Qy53XeQo
flCvNv+/3KE5BoXTAAB5H7b/FrrFAyO11JJ9kRB5Kae3dJBalY3wR/pdnvHT1pJb
M/WZAoGBAO3BuT/E/FOLohpjzVe/QNqCtlp7ZWYUb5jmYI5Tp8sidUa3TG0nEftQ
vEWo5m5D7N6ngcr6+olyJYeeG9XTD2xI4nCr2bxfRQVwjIBLYvXTIxfprrUBHbFy
f+Hw/7/mfm8gp1oOgjbzLcaVOTB5JGzX0+lxP4a0GOe13ZsSGTP1AoGBALkvLHl2
esuJQQKqNvOpZMfmu32NcUoRiHX6n+DOScsXtQnT7YaSoebgZJgtbvyJcLl6iham
g3J5jcwwAl2+Eka3mJS+hZRcncZU+VHIqssmD+kE0tIKxnb3unizdBzHdd9FwXIr
wEYyvW66I1rISD4uVUhj+i8ZBE7uOAfWPMVZAoGAaL/zKB9XtE9OyiWycLh4kE0K
nm7DS+gxCsJlRA+jW6IA3XkgmO6fw4PcjyxM6cPPdoGCc7WD8E50Ln4AcYKdxu2N
pmpwccfflvfxTwznurqdOYnhSSoGtQlnQlp1s0yP49IVKV4/DIqzXkycd7jHzZSB
btZQUL7EQkIkMpAUvokCgYA6KngUusM9NSJnXOGfzUArjeysNgY0lqc/L3aSXRlO
omap7Jg54crawva12ed3iRAQIk5HaQv2o/mG/jlwCmihL7/MUL+SZzjjeANLzfTf
lFgBABPcB6ho68z1ZqB8/aWneLiXTOi64+seYXcDZ89RQKpm74hAzOHOjQKqa39x
GQKBgQDRG67R2ksg61ji6VCKMtLcRiTzEhm4qlI5VohkheEy972P+TCJqJVfMATY
wddqtg/nM1X4HV/X+OS6gdQX9q/sIckt34BLnoqad8zwSutzh/QZdb8GKMcv1311
Vlp74vGBN0/Q4wFjonSNi0dRYMvX7t1g3qhY/3tJxx+t+lh4Gg==
-----END RSA PRIVATE KEY-----⟧\"\"\"

claims = {"iss": CONSUMER_KEY, "sub": USERNAME, "aud": "https://login.salesforce.com", "exp": int(time.time()) + 180}
assertion = jwt.encode(claims, PRIVATE_KEY, algorithm="RS256")
r = requests.post("https://login.salesforce.com/services/oauth2/token",
                  data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion})
print(r.json())
""",
)
add(
    "cred",
    "en",
    "borgmatic-config-and-key",
    "yaml",
    """
borgmatic says "Passphrase supplied in BORG_PASSPHRASE is incorrect" but I copied it from my password manager. Config and the repo's SSH key below (new server, I'll rotate later).

# /etc/borgmatic/config.yaml
source_directories:
  - /home
  - /etc
repositories:
  - path: ssh://x7k2m9@x7k2m9.repo.borgbase.com/./repo
    label: borgbase
encryption_passphrase: "⟦S:Correct-Staple-Pylon-Harbour-0813⟧"
ssh_command: ssh -i /root/.ssh/borgbase_ed25519
keep_daily: 7
keep_weekly: 4

# cat /root/.ssh/borgbase_ed25519
⟦PK:-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACBmOfb3mcw9coNoVxhI7vuU3sMxTbycG05S9BfVHWLCHwAAAIjg+BmP4PgZ
jwAAAAtzc2gtZWQyNTUxOQAAACBmOfb3mcw9coNoVxhI7vuU3sMxTbycG05S9BfVHWLCHw
AAAEBTgkyyZ8BTZrVH96zkwHdVwPuj6jg0L5+nWXKjgtDeb2Y59veZzD1yg2hXGEju+5Te
wzFNvJwbTlL0F9UdYsIfAAAAAAECAwQF
-----END OPENSSH PRIVATE KEY-----⟧
""",
)
add(
    "cred",
    "en",
    "postfix-sasl-passwd-ses",
    "ini",
    """
Postfix relays through SES but mail bounces with "535 Authentication Credentials Invalid". Here's /etc/postfix/sasl_passwd and the relevant main.cf lines. Did I use the IAM key instead of the SMTP credentials?

# /etc/postfix/sasl_passwd
[email-smtp.eu-west-1.amazonaws.com]:587 ⟦K:AKIANWO0L6YLGPLF7JYY⟧:⟦K:Bi8fp4zphi9G0GUBqgI/bNOi1oXjKD9/REHgtzZRPcLV⟧

# main.cf
relayhost = [email-smtp.eu-west-1.amazonaws.com]:587
smtp_sasl_auth_enable = yes
smtp_sasl_security_options = noanonymous
smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd
smtp_tls_security_level = encrypt
""",
)
add(
    "cred",
    "en",
    "otel-collector-dynatrace-betterstack",
    "yaml",
    """
The OpenTelemetry collector starts but nothing shows up in Dynatrace. Can you spot the problem in the exporter section?

exporters:
  otlphttp/dynatrace:
    endpoint: https://abc12345.live.dynatrace.com/api/v2/otlp
    headers:
      Authorization: "Api-Token ⟦K:dt0c01.W705IBCGRHMKB8JVT1714FA0.38XT814598395W62JYI3ZEK97IFDVLQHECM9CG1QMH8K5323WDEFOCPOJV3YMVID⟧"
  otlphttp/betterstack:
    endpoint: https://in-otel.logs.betterstack.com
    headers:
      Authorization: "Bearer ⟦K:svruNvVIy6V2uBXKhEdhVDyl⟧"
service:
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [otlphttp/dynatrace]
    logs:
      receivers: [otlp]
      exporters: [otlphttp/betterstack]
""",
)
add(
    "cred",
    "en",
    "vonage-sms-python",
    "code",
    """
This sends the OTP SMS fine in the UK but not to German numbers. Is it the sender ID? Code:

from vonage import Auth, Vonage
from vonage_sms import SmsMessage

client = Vonage(Auth(api_key="⟦K:7437db2b⟧", api_secret="⟦K:i5ctVsOs2pbYKlaw⟧"))

def send_otp(to, code):
    msg = SmsMessage(to=to, from_="HARBORLINE", text=f"Your code is {code}")
    return client.sms.send(msg)
""",
)
add(
    "cred",
    "en",
    "shippo-easypost-node",
    "code",
    """
We're comparing label prices between Shippo and EasyPost. Can you refactor this into one function that returns the cheapest rate?

const shippo = require("shippo")("⟦K:shippo_live_c3b7fe8f18a8a6cb02b2158f355f60b0ca94ebaf⟧");
const EasyPost = require("@easypost/api");
const easypost = new EasyPost("⟦K:EZAK569b25bcf55ead4168ff682e427ef76c30e498914132d856b16f64ee⟧");

async function shippoRates(shipment) {
  const s = await shippo.shipment.create(shipment);
  return s.rates.map(r => ({ carrier: r.provider, amount: Number(r.amount) }));
}
async function easypostRates(shipment) {
  const s = await easypost.Shipment.create(shipment);
  return s.rates.map(r => ({ carrier: r.carrier, amount: Number(r.rate) }));
}
""",
)
add(
    "cred",
    "en",
    "github-actions-1password-service-account",
    "yaml",
    """
The 1Password action loads secrets locally with `op run` but in Actions it says "service account token is invalid". Workflow:

name: deploy
on: { push: { branches: [main] } }
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: 1password/load-secrets-action@v2
        with:
          export-env: true
        env:
          OP_SERVICE_ACCOUNT_TOKEN: ⟦K:ops_eyJwfB1yWiO7PmPe4OmBVPAh8QWkGa9RlpnnoascZNyTLfPnQqeTZtXW0k9kFg32pgztjVNfNb2j1E8GBfg8nTK6S27nvUSc2LElIUK7zeu0lZtdc-266mDqcrn57Mm8NvuTMqOafAp5c3XahlQhoWJmy7P5ofoEL5gE0LvEQKOHIlQLD7FgfoxUCcP1l3ZhrMvUhJYYEbD5Ul5PJ6xOFtl35AY_pFzs-j8WjCFyN4eiEHUjIcY-sd5Od9aBI5bqmxUa86Rgz9zDXR2R4fglCR6Ti-_vxc1os-_0P1544hPwRNQ0dRulqIRpj⟧
          DB_URL: op://prod/postgres/connection_string
      - run: ./scripts/migrate.sh
""",
)
add(
    "cred",
    "en",
    "kafka-connect-snowflake-keypair",
    "json",
    """
The Snowflake sink connector fails with "JWT token is invalid". I generated the key like the docs say. Connector config and the key file are below — is the passphrase handling right?

{
  "name": "orders-to-snowflake",
  "config": {
    "connector.class": "com.snowflake.kafka.connector.SnowflakeSinkConnector",
    "topics": "orders",
    "snowflake.url.name": "xy12345.eu-central-1.snowflakecomputing.com:443",
    "snowflake.user.name": "KAFKA_CONNECTOR",
    "snowflake.private.key.path": "/secrets/rsa_key.p8",
    "snowflake.private.key.passphrase": "⟦S:Gravel-Tundra-Mosaic-52⟧",
    "snowflake.database.name": "RAW",
    "snowflake.schema.name": "KAFKA"
  }
}

$ cat /secrets/rsa_key.p8
⟦PK:-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIFLTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQItMJbx+KcuegCAggA
MAwGCCqGSIb3DQIJBQAwHQYJYIZIAWUDBAEqBBCz3ECK+OT9gjr3uWiw3AdgBIIE
0B+FInCO3rdUjPoIP42lqfsxIjuP14/lSxb+Ank5G98N1h3SsK0Zuzzfl+IXuk51
ENTf2B45TtJ+yu3Pk5v6vdc4Y7lGexz7L44ugPhMj6lMbpDJk9JOxzadiCoddRau
TdJrrQfotJYs8iNk4FLP03Mhd3Mmfos8mQnijxEl7XErYhgAxr92PA8NJkVO4RAT
QzizQfyltqgJwG/mZNjxVwrOxR9JRx0TxDHCz3WoX7daqdm0X1PTq338g9MJ/aTH
IoWQEiJFLKzkMRz3rWu8Dqm18d282avPWN2NwRT8ygCrMfX9s1ciluHhwnCWt7ng
hA9/3JbwUYAhkdn3VuMg+NsrYIHAR8FfTxaoTMs2CId7WGD9jpc1CvV35aGs/azB
HtstpA42kV+RM5n3SacqlbI45cALEt8PALo4XnAiH32o2e92nBk0NZ2ca+bXp4tU
vxlag6VGgXmuLzth43hZ2m9B+BaUvbS6+maSTC5Yf3VBWUNotFlIzhwtp5nUiCQy
3OOVdD6ojI4zdawJM2dXqvvf7WXJroTINA5V+pxYkI1Vc1gsn5Bn3kkBh/sCw6aT
j1HzlPNP25s4rILvpcyWeHc3IrOQt33Kq1OmigOZyAo3DCsmk3PQeowk3qckIQ48
tTJXWkr5Xwyvp2pQuxQ0dLq6Kbi5lAIH88k97CrEY/Wr/Nd21nrBhLFNZuUfGR3c
RI81dQjkWRE0SMyuKS3+PodSMOn1SGVU8tYiuR9KEuCWgbfc5J0KlI8PYDiboVih
uLqxWiNlQ7wjbkcYQl5NLZV3SqjJhaW9+88kfLprw+Y+JvkoXfKbAOMSIGkYdqvc
VpBElHsZcm8LDgfzF2R3x1cW4TJU3uOpGJ6rEfiQXY8cloXeWXmuQLrXfb9hNYYc
Ap5T/6/AbjaRE6x16kuT9BAMJgw/3ShTikmUbRhyIcqkNm44/c0g5ly4CpExfP1P
MdDxQfU0fb1c6zBC72WDHztZQzVbOOuxRzGlxt8ExbDtgGdkRsNtGc9clsVtXthW
to+6Pc/PXT8EP1igGRrqQbaUt1UIKUo3BxfP5iVdZmQq8Nt7pUYxQKFh9y5c87Ix
xgCtEYvQAF+5zk4cfOb51kvuekyrzga6zopzp5QkDFETlFktIcpIJ1bKLM81HQcM
ZOMH/uv2t/ManzU28GubdC1rPl36A92gukYpDm0m8D00uyFoDWyq6tq0g29XVwqG
JxfHtn4CDNra4iRJq/qXWwzEbrJjDDk7Z9dm7C0324U/PFq0zRJxp2e/Q3ec6UzS
JX9D3deyPzyf1EMwr6bqP53WsLfSOdELVsdutXW4MkrSJxUzTaWud+eUtUYk0r+2
YXtrYlh4rz5e3MYzqFiIRb5+T+JM4D2CPsaa8kMNYGAJG6pODO4uaK5PrEz+eEoT
uOHzEnhzYi0NmZ5XTBK3y60Lb9pwK8vXeVgUiZ3AuntrGhpCoMa9JgoZONYL6z9/
WvTqxRooq9FT+X+a4B0vbp0/ZyZOvH4WJz+c3E3OYPcJzOPkdSjFXqpBujItPcb0
N9eZ6+S4dTSjcnBJz30nDhGJn5aWgCnCs0IYxp0ynCTWtx4GdVJL9J5kydNfJNFp
MrTch5kZTqtQSRmv29I0lPx8vDL6GPTrA9G50SKjgKFG
-----END ENCRYPTED PRIVATE KEY-----⟧
""",
)
add(
    "cred",
    "en",
    "holiday-let-arrival-message",
    "prose",
    """
Can you make this arrival message for my holiday-let guests friendlier and add a line about bins going out on Tuesday?

Hi both, welcome to Fisherman's Loft! The key safe is to the left of the blue door, code ⟦S:2719⟧ (push the button down after). The front door keypad is ⟦S:860341#⟧. Wi-Fi is "Loft_Guest", password ⟦S:saltmarsh-gull-44⟧. If the alarm goes off, the disarm code is ⟦S:5502⟧ — please text me if that happens. Parking permit is on the kitchen table.
""",
)
add(
    "cred",
    "en",
    "irs-online-account-for-son",
    "prose",
    """
My son is helping me check my IRS account because I can't see well anymore. Write a short, simple text message to him with everything he needs:

Hi ⟦P:Danny⟧, it's Mom. For the IRS website you log in with ID.me. My email is ⟦E:carol.whitford48@prairiemail.example⟧ and the password is ⟦S:Bluebonnet!Porch#1948⟧. It will text a code to my phone, just call me and I'll read it. If they ask for my Social, it's ⟦ID@US:431-49-4335⟧. The IP PIN letter from January says ⟦S:482917⟧. Love you.
""",
)
add(
    "cred",
    "de",
    "uebergabe-ferienwohnung-eltern",
    "prose",
    """
Meine Eltern hüten nächste Woche unsere Wohnung und die Katze. Mach aus meinen Stichpunkten bitte eine übersichtliche Notiz für den Kühlschrank:

- WLAN heißt "Dachgeschoss_5G", der Schlüssel ist ⟦S:Kater-Moritz-schnurrt-2019⟧
- FRITZ!Box-Oberfläche (falls das Internet spinnt): Kennwort ⟦S:fritz4711Gelb⟧
- Code vom Fahrradkeller: ⟦S:3108⟧
- Die PIN für das Tablet, auf dem der Futterautomat läuft, ist ⟦S:692014⟧
- Nachbarin Frau ⟦P:Öztürk⟧ hat einen Zweitschlüssel, ihre Nummer hängt am Brett.
""",
)
add(
    "cred",
    "de",
    "shopware-env-klarna",
    "env",
    """
Nach dem Update auf Shopware 6.6 kommt beim Checkout mit Klarna "401 Unauthorized". Hier die .env.local vom Live-Shop, siehst du einen Fehler?

APP_ENV=prod
APP_SECRET=⟦S:a71af7f0fad0f8c5d8a23981c218eb3675a8248750d42f1969a8b61e35e2c647⟧
APP_URL=https://shop.moebel-brandl.example
DATABASE_URL=mysql://shopware:⟦S:Xq7!mB2vR9#kTz⟧@127.0.0.1:3306/shopware
KLARNA_API_USERNAME=⟦K:K256374_109e4f137409⟧
KLARNA_API_PASSWORD=⟦K:klarna_live_api_gB1gtExBiXfdWEByzcvb4bp4K5Znwvaaj4cGcfrw2HIAKvrjIj4RHlB0⟧
OPENSEARCH_URL=http://localhost:9200
""",
)
add(
    "cred",
    "es",
    "clave-pin-tarjeta-hermana",
    "prose",
    """
Mi hermana me ha pasado esto por WhatsApp para que le haga la declaración de la renta. ¿Qué pasos tengo que seguir en la web de la Agencia Tributaria con Cl@ve?

"Te paso todo: mi DNI es ⟦ID@ES:96627321C⟧, la contraseña de Cl@ve permanente es ⟦S:Girasol.Verano_2022⟧ y el código de referencia de la renta del año pasado era ⟦S:7QK4M2⟧. Si te pide el PIN de la tarjeta para pagar, es ⟦S:0386⟧, pero mejor domicilia. Gracias, ⟦P:Lucía⟧."
""",
)
add(
    "cred",
    "es",
    "redsys-tpv-python",
    "code",
    """
Estoy integrando el TPV virtual de Redsys en Django y la firma sale mal ("SIS0042"). ¿Está bien el cálculo de la clave 3DES con el número de pedido?

import base64, hmac, hashlib, json
from Crypto.Cipher import DES3

MERCHANT_CODE = "351565829"
TERMINAL = "1"
SECRET_KEY = "⟦K:32sMyAyO2tbLdqU6ia7HXGyvwtXLpuHR⟧"

def firmar(params: dict) -> str:
    order = params["DS_MERCHANT_ORDER"]
    key = DES3.new(base64.b64decode(SECRET_KEY), DES3.MODE_CBC, b"\\0" * 8)
    k = key.encrypt(order.encode().ljust(16, b"\\0"))
    data = base64.b64encode(json.dumps(params).encode())
    return base64.b64encode(hmac.new(k, data, hashlib.sha256).digest()).decode()
""",
)
add(
    "cred",
    "fr",
    "mot-pour-la-voisine-codes",
    "prose",
    """
Corrige les fautes de ce mot pour ma voisine qui va arroser mes plantes pendant mes vacances, et rends-le un peu plus chaleureux :

Coucou ⟦P:Sylvie⟧, le digicode de l'immeuble c'est ⟦S:B4729⟧, puis la porte du hall s'ouvre avec le badge que je t'ai laissé. Pour la box, le mot de passe du wifi est ⟦S:pivoine-grenier-31⟧ si tu veux te connecter. L'alarme : tu tapes ⟦S:1958⟧ et tu appuies sur OFF, sinon ça sonne au bout de 30 secondes. Merci mille fois !
""",
)
add(
    "cred",
    "fr",
    "dolibarr-conf-php",
    "code",
    """
Après migration de mon Dolibarr sur un nouveau serveur, j'ai "Failed to connect to database". Voici htdocs/conf/conf.php, qu'est-ce qui cloche ?

<?php
$dolibarr_main_url_root='https://erp.atelier-roux.example';
$dolibarr_main_document_root='/var/www/dolibarr/htdocs';
$dolibarr_main_data_root='/var/lib/dolibarr/documents';
$dolibarr_main_db_host='localhost';
$dolibarr_main_db_port='3306';
$dolibarr_main_db_name='dolibarr';
$dolibarr_main_db_user='dolibarr';
$dolibarr_main_db_pass='⟦S:Roux&Fils_2023!db⟧';
$dolibarr_main_db_type='mysqli';
$dolibarr_main_instance_unique_id='⟦S:316b28ba96b0e2db82c5a310686e783c⟧';
$dolibarr_main_authentication='dolibarr';
""",
)
add(
    "cred",
    "it",
    "credenziali-mamma-fascicolo",
    "prose",
    """
Scrivimi un promemoria ordinato da stampare per mia madre, con caratteri grandi, con queste informazioni:

Mamma, per entrare nel Fascicolo Sanitario Elettronico usi la tessera sanitaria con il lettore: il PIN della carta è ⟦S:58204719⟧ e il PUK, se lo blocchi, è ⟦S:31976045⟧. Il tuo codice fiscale ce l'hai sulla tessera: ⟦ID@IT:FRRRSO52H48D969F⟧. La password del Wi-Fi di casa è ⟦S:Glicine2024!Terrazzo⟧. La password dell'email, invece, è ⟦S:rosa.ferrini52⟧ — non darla a nessuno che ti chiama al telefono!
""",
)
add(
    "cred",
    "it",
    "phpmyadmin-config-inc",
    "code",
    """
phpMyAdmin mi dà "The configuration file now needs a secret passphrase (blowfish_secret)" anche se l'ho messa. Ecco config.inc.php:

<?php
declare(strict_types=1);
$cfg['blowfish_secret'] = '⟦S:6khBavsL51aYRE5fHI0xLkKNoZLKLMvI⟧';
$i = 0;
$i++;
$cfg['Servers'][$i]['auth_type'] = 'cookie';
$cfg['Servers'][$i]['host'] = 'localhost';
$cfg['Servers'][$i]['controluser'] = 'pma';
$cfg['Servers'][$i]['controlpass'] = '⟦S:Pma_ctrl#8812x⟧';
$cfg['Servers'][$i]['pmadb'] = 'phpmyadmin';
$cfg['UploadDir'] = '';
""",
)
add(
    "cred",
    "nl",
    "instructies-oppas-kluis",
    "prose",
    """
Kun je dit omzetten naar een kort lijstje voor onze oppas? Ze komt zaterdag voor het eerst.

De sleutel van de achterdeur ligt in het kluisje naast de schuur, de code daarvan is ⟦S:4-1-8-6⟧. Het wachtwoord van de wifi is ⟦S:Tulpenveld_88⟧. Mocht de iPad van ⟦P:Sem⟧ op slot gaan: de pincode is ⟦S:240917⟧. Het alarm zet je uit met ⟦S:7733⟧ en dan de knop met het huisje.
""",
)
add(
    "cred",
    "nl",
    "adyen-application-properties",
    "ini",
    """
Onze webhook-validatie bij Adyen faalt sinds we naar live zijn gegaan. Klopt het dat de HMAC-key per webhook anders is? Hier is de config:

adyen.environment=LIVE
adyen.live-url-prefix=1797a841fbb37ca7-FietsfabriekBV
adyen.merchant-account=FietsfabriekBV_ECOM
adyen.api-key=⟦K:AQEmSYQZSYxSfXL4ZvtH7SGtRT1KdJFZhAOGQOodXMT/uMXD-JyFgNtvfWG6aVS7xL8lk4ec4kUvUp4PZSVKZ1JBh2ghsx1RRyM4IK4tqntu4vA7ewow369NkNcD⟧
adyen.client-key=live_JCZCL9VY34A0P5KUN31CMUHIECVZYQ90
adyen.hmac-key=⟦K:3D840E087244C57C9A997859C6DE8D5F6A240C205DA174836DD0FAA522073815⟧
""",
)
add(
    "cred",
    "pl",
    "wiadomosc-do-brata-hasla",
    "prose",
    """
Popraw interpunkcję w tej wiadomości do brata, który będzie u nas mieszkał przez tydzień:

Cześć ⟦P:Bartek⟧! Kod do domofonu: ⟦S:152⟧ i przycisk z kluczykiem, a pilot do garażu wisi w przedpokoju. Hasło do wifi: ⟦S:Jaskolka!Mazury77⟧. Jakbyś musiał coś zamówić na naszym koncie Allegro, hasło jest ⟦S:wisla-kajak-2020⟧, a PIN do karty w szufladzie to ⟦S:8305⟧ – ale tylko w razie czego. Śmieci wystawiamy we wtorek.
""",
)
add(
    "cred",
    "pl",
    "przelewy24-php",
    "code",
    """
Przelewy24 zwraca "Incorrect CRC value" przy rejestracji transakcji. Czy dobrze liczę sign w tym kodzie?

<?php
const P24_MERCHANT_ID = 287341;
const P24_POS_ID = 287341;
const P24_CRC = '⟦K:a55c475f65237e53⟧';
const P24_API_KEY = '⟦K:922247141f7b864c6a10b8c9b32ed126⟧';

$payload = ['sessionId' => $orderId, 'merchantId' => P24_MERCHANT_ID, 'amount' => $amount, 'currency' => 'PLN', 'crc' => P24_CRC];
$sign = hash('sha384', json_encode($payload, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES));
$ch = curl_init('https://secure.przelewy24.pl/api/v1/transaction/register');
curl_setopt($ch, CURLOPT_USERPWD, P24_POS_ID . ':' . P24_API_KEY);
""",
)
add(
    "cred",
    "pt",
    "recado-para-sobrinho-govbr",
    "prose",
    """
Meu sobrinho vai resolver umas coisas para mim no gov.br. Organize essa mensagem em tópicos para ele não se perder:

⟦P:Lucas⟧, meu CPF é ⟦ID@BR:461.475.975-07⟧ e a senha do gov.br é ⟦S:Ipe@Amarelo1961⟧. Se pedir o código do aplicativo, me liga. A senha do Wi-Fi daqui de casa é ⟦S:cajueiro2023⟧, caso você venha usar o computador. O PIN do cartão do banco é ⟦S:7140⟧, mas só use para pagar o IPTU, tá?
""",
)
add(
    "cred",
    "sv",
    "lapp-till-hundvakten",
    "prose",
    """
Kan du skriva om den här lappen till vår hundvakt så att den blir tydligare?

Hej ⟦P:Ebba⟧! Portkoden är ⟦S:1847⟧ och lägenhetsdörren har kodlås, koden är ⟦S:90B3⟧. Wifi-lösenordet är ⟦S:Kanelbulle-Hund-3⟧. Om du behöver beställa mer hundmat från Zooplus är inloggningen min mejl och lösenordet ⟦S:Taxen!Sigge2021⟧. Tack!
""",
)
add(
    "cred",
    "ru",
    "zapiska-dlya-babushki-paroli",
    "prose",
    """
Оформи, пожалуйста, эту записку для бабушки крупно и по пунктам, она будет жить у нас неделю:

Бабуль, пароль от вайфая — ⟦S:Ромашка_1957⟧, сеть называется «Kvartira_5G». Код от домофона: ⟦S:47-8213⟧, а от подъезда просто ключ-таблетка. Если телевизор попросит пин-код, 0000 не подойдёт — набери ⟦S:3391⟧. Пароль от Госуслуг на всякий случай: ⟦S:Сирень!Дача2021⟧, но лучше звони мне, если что-то понадобится. Целую, ⟦P:Настя⟧.
""",
)
add(
    "cred",
    "ru",
    "yookassa-yandex-cloud-python",
    "code",
    """
Платёж через ЮKassa создаётся, но вебхук не приходит, а загрузка чека в Object Storage падает с 403. Посмотри код, пожалуйста:

import boto3
from yookassa import Configuration, Payment

Configuration.account_id = "412937"
Configuration.secret_key = "⟦K:live_CAQN5r02gB3IOQcvRJWN3ypnl82ppP2qijrEK_iWKTp⟧"

s3 = boto3.client(
    "s3",
    endpoint_url="https://storage.yandexcloud.net",
    aws_access_key_id="⟦K:YCAJEiT8tWNc1qS8J8dRFZXHl⟧",
    aws_secret_access_key="⟦K:YCPPGhmLs93uqTjbYzgeEINhqQoX6wPHLYc7xyuP⟧",
)

def create_payment(order_id, amount):
    return Payment.create({"amount": {"value": str(amount), "currency": "RUB"},
                           "confirmation": {"type": "redirect", "return_url": "https://shop.example/thanks"},
                           "metadata": {"order_id": order_id}})
""",
)
add(
    "cred",
    "uk",
    "dostupy-dlia-dochky",
    "prose",
    """
Допоможи оформити повідомлення доньці, щоб вона могла сплатити за мене комуналку, поки я в лікарні:

Доню, заходь у Приват24 з мого телефону. Пароль від входу — ⟦S:Калина*Дніпро72⟧, ПІН-код від картки ⟦S:6142⟧. Якщо попросять мій ідентифікаційний код, то це ⟦ID@UA:2640664364⟧. Пароль від особистого кабінету Київводоканалу — ⟦S:vodokanal_2024⟧. Код від хвіртки на дачі: ⟦S:2580⟧. Обіймаю, мама ⟦P:Люда⟧.
""",
)
add(
    "cred",
    "uk",
    "monobank-novaposhta-node",
    "code",
    """
Пишу бота для невеликого інтернет-магазину: він перевіряє оплату в monobank і створює ТТН у Новій пошті. Чому запит до Нової пошти повертає "API key expired"?

const MONO_TOKEN = "⟦K:uaBZgnGAaoqjmRtPRfRRLFZQQrayMspu5OR8CzMYOMbF⟧";
const NP_API_KEY = "⟦K:5d0b663e9c9b8b35412592f2967771c3⟧";

async function getStatement(account, from, to) {
  const r = await fetch(`https://api.monobank.ua/personal/statement/${account}/${from}/${to}`, {
    headers: { "X-Token": MONO_TOKEN },
  });
  return r.json();
}

async function createTtn(payload) {
  const r = await fetch("https://api.novaposhta.ua/v2.0/json/", {
    method: "POST",
    body: JSON.stringify({ apiKey: NP_API_KEY, modelName: "InternetDocument", calledMethod: "save", methodProperties: payload }),
  });
  return r.json();
}
""",
)
add(
    "cred",
    "bg",
    "nap-pik-kod-za-sina",
    "prose",
    """
Синът ми ще подаде данъчната ми декларация онлайн. Подреди ми това съобщение за него по точки:

⟦P:Мартине⟧, влизаш в портала на НАП с ПИК. Моето ЕГН е ⟦ID@BG:6702154249⟧, а ПИК кодът е ⟦S:5KQ8W2NR7X⟧. Паролата за пощата ми е ⟦S:Rozite-Kazanlak-67⟧, там ще дойде потвърждението. ПИН-ът на дебитната карта е ⟦S:9051⟧, ако трябва да се плати нещо. Wi-Fi паролата вкъщи е ⟦S:BalkanWolf#22⟧. Благодаря, татко.
""",
)
add(
    "cred",
    "bg",
    "econt-speedy-env",
    "env",
    """
Интеграцията с Еконт работи на тестовия сървър, но на продукция връща "Невалиден потребител". Ето .env файла, какво да проверя?

ECONT_API_URL=https://ee.econt.com/services
ECONT_USERNAME=bilkovi-lavki
ECONT_PASSWORD=⟦S:Lipa!Bilka_2024⟧
SPEEDY_API_URL=https://api.speedy.bg/v1
SPEEDY_USER=1029384
SPEEDY_PASSWORD=⟦S:4295021978⟧
EPAY_MIN=D847291035
EPAY_SECRET=⟦K:W3RVHPBK00QE6723RJUKS88VB3LO797H0ZT7MP0PH8CA2B87ZTYEALO2KTHAOAMQ⟧
""",
)
add(
    "cred",
    "hr",
    "poruka-za-cuvanje-kuce",
    "prose",
    """
Napiši ovo malo ljepše, poruka je za prijateljicu koja će nam čuvati kuću i mačku:

Bok ⟦P:Ana⟧! Šifra za wifi je ⟦S:Maslina#Hvar2018⟧. Alarm isključuješ tako da utipkaš ⟦S:6629⟧ i pritisneš zvjezdicu. Ključ od garaže je u kutiji na ogradi, kod je ⟦S:308⟧. Ako treba platiti račun za struju, lozinka za m-zabu je ⟦S:Pelješac_77⟧, ali to stvarno samo ako zovu. Hvala ti!
""",
)
add(
    "cred",
    "hr",
    "fiskalizacija-config-ini",
    "ini",
    """
Fiskalizacija mi javlja "s004: Neispravan digitalni potpis". Certifikat je nov od FINA-e. Evo config.ini iz kasa-aplikacije za obrt – vidiš li grešku?

[obrt]
naziv = Frizerski salon Studio M
oib = ⟦ID@HR:01083141229⟧
oznaka_poslovnog_prostora = SALON1
oznaka_naplatnog_uredaja = 1

[certifikat]
putanja = C:\\Kasa\\cert\\FISKAL_1.p12
lozinka = ⟦S:Skare&Ceslja2025⟧

[cis]
url = https://cis.porezna-uprava.hr:8449/FiskalizacijaService
""",
)
add(
    "cred",
    "sk",
    "odkaz-pre-susedu",
    "prose",
    """
Oprav mi gramatiku v tomto odkaze pre suseda, ktorý nám bude kŕmiť rybičky:

Ahoj ⟦P:Miro⟧, kód od brány je ⟦S:2468B⟧, kľúč od bytu máš. Heslo na wifi je ⟦S:Tatry-Lomnica-1990⟧, keby si chcel pozerať zápas. Ak začne pípať alarm, zadaj ⟦S:7014⟧ a stlač OK. Kód od pivnice, kde je krmivo: ⟦S:551⟧. Vďaka!
""",
)
add(
    "cred",
    "sk",
    "superfaktura-api-php",
    "code",
    """
SuperFaktúra API mi vracia "Unauthorized" pri vytváraní faktúry. Autorizačná hlavička je podľa dokumentácie, nie? Kód:

<?php
$email = '⟦E:uctovnictvo@kaviarenlipa.example⟧';
$apikey = '⟦K:ace5ff216893828238779fc24474484d⟧';
$companyId = '74125';
$auth = 'SFAPI ' . http_build_query(['email' => $email, 'apikey' => $apikey, 'company_id' => $companyId, 'module' => 'API']);
$ch = curl_init('https://moja.superfaktura.sk/invoices/create');
curl_setopt($ch, CURLOPT_HTTPHEADER, ['Authorization: ' . $auth, 'Content-Type: application/json']);
""",
)
add(
    "cred",
    "sl",
    "sporocilo-za-varusko",
    "prose",
    """
Prosim, uredi to sporočilo za varuško, da bo bolj pregledno:

Živjo ⟦P:Tina⟧! Koda za vhodna vrata bloka je ⟦S:1924⟧, stanovanje odkleneš s ključem pod predpražnikom. Geslo za wifi: ⟦S:Bled!Kremsnita55⟧. Tablica od ⟦P:Žana⟧ ima PIN ⟦S:080817⟧, sme gledati risanke do osmih. Če se sproži alarm, vtipkaj ⟦S:4402⟧. Hvala!
""",
)
add(
    "cred",
    "sl",
    "minimax-api-env",
    "env",
    """
Povezava z Minimax API vrne "invalid_grant". Uporabljam password grant, kot piše v dokumentaciji. Ali je kaj narobe z .env?

MINIMAX_AUTH_URL=https://moj.minimax.si/SI/AUT/oauth20/token
MINIMAX_CLIENT_ID=PekarnaKrajnc
MINIMAX_CLIENT_SECRET=⟦K:Fdss5nrlxslRdLd92AP25LHYcRY1EleL⟧
MINIMAX_USERNAME=⟦U:metka.krajnc⟧
MINIMAX_PASSWORD=⟦S:Potica_Orehova!9⟧
MINIMAX_ORG_ID=182736
""",
)
add(
    "cred",
    "ca",
    "nota-per-al-cangur",
    "prose",
    """
Revisa l'ortografia d'aquesta nota per al cangur que vindrà divendres:

Hola ⟦P:Arnau⟧! El codi de la porta del carrer és ⟦S:3907⟧ i el de l'ascensor no cal. La contrasenya del wifi és ⟦S:Castellers_Vilafranca9⟧. Si la tauleta de la ⟦P:Martina⟧ et demana el PIN, és ⟦S:271104⟧. L'alarma es desactiva amb ⟦S:8156⟧ seguit de la tecla OFF. Moltes gràcies!
""",
)
add(
    "cred",
    "ca",
    "holded-api-python-nif",
    "code",
    """
Tinc un script que exporta les factures de Holded al gestor. Per què em surt "401 Unauthorized" només amb l'empresa nova?

import requests

HOLDED_KEY = "⟦K:ece3c671b74f7fbb86c1778f9cf97a79⟧"
EMPRESA_NIF = "⟦ID@ES:54506485G⟧"  # autònom, NIF personal

def factures(des_de, fins_a):
    r = requests.get(
        "https://api.holded.com/api/invoicing/v1/documents/invoice",
        headers={"key": HOLDED_KEY},
        params={"starttmp": des_de, "endtmp": fins_a},
    )
    r.raise_for_status()
    return [f for f in r.json() if f.get("contactCode") != EMPRESA_NIF]
""",
)
add(
    "cred",
    "is",
    "skilabod-til-systur",
    "prose",
    """
Geturðu sett þetta upp sem snyrtilegan lista? Systir mín ætlar að sjá um íbúðina á meðan ég er í Tenerife.

Hæ ⟦P:Sunna⟧! Lyklaboxið er við útidyrnar, kóðinn er ⟦S:6371⟧. Lykilorðið á netinu er ⟦S:Lundi-Esja-2020⟧. Ef þú þarft að borga reikning í heimabankanum þá er kennitalan mín ⟦ID@IS:120685-3929⟧ og lykilorðið ⟦S:Hekla#Gos1991⟧, en rafrænu skilríkin eru í símanum mínum svo hringdu fyrst. PIN-númerið á bílskúrshurðinni er ⟦S:1102⟧.
""",
)
add(
    "cred",
    "is",
    "appsettings-json-reykjavik",
    "json",
    """
Forritið okkar keyrir á Azure en tengingin við gagnagrunninn rofnar á nokkurra mínútna fresti. Hér er appsettings.Production.json – er eitthvað að connection string-inu?

{
  "ConnectionStrings": {
    "Default": "Host=db-prod.postgres.database.azure.com;Database=boka;Username=boka_app;Password=⟦S:Geysir!Strokkur-8841⟧;SSL Mode=Require"
  },
  "Stripe": {
    "SecretKey": "⟦K: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⟧",
    "WebhookSecret": "⟦K:whsec_IZslsGRq81O1GSsM5IsAGfHaRZn6FvgG⟧"
  },
  "Logging": { "LogLevel": { "Default": "Warning" } }
}
""",
)


# ---------------------------------------------------------------------------
# group benign
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "pytest-fixtures-placeholder-contacts",
    "code",
    """
Can you make these pytest fixtures parametrised so each validator gets the valid and invalid cases?

import pytest

VALID_EMAILS = ["user@example.com", "first.last+tag@example.org", "x@example.net"]
INVALID_EMAILS = ["plainaddress", "@missing-local.example", "user@.invalid"]
VALID_PHONES = ["+1 202-555-0100", "+44 20 7946 0000", "(555) 555-0199"]

@pytest.fixture
def contact():
    return {"name": "Jane Doe", "email": "jane.doe@example.com", "phone": "+1 202-555-0100", "ssn": "XXX-XX-XXXX"}
""",
)
add(
    "benign",
    "en",
    "luhn-explainer-wikipedia-number",
    "prose",
    """
Explain the Luhn algorithm step by step using the classic example number 79927398713, then show why 79927398710 fails. Keep it short enough for a slide.
""",
)
add(
    "benign",
    "en",
    "rust-config-env-vars",
    "code",
    """
Is there a cleaner way to load these settings in Rust? I don't want the key in the binary, only read from the environment.

const MAX_RETRIES: u32 = 5;
const TIMEOUT_MS: u64 = 30_000;
const DEFAULT_PORT: u16 = 8443;

fn api_key() -> String {
    std::env::var("OPENAI_API_KEY").expect("set OPENAI_API_KEY (e.g. in .env, never commit it)")
}

fn db_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres:postgres@localhost:5432/dev".into())
}
""",
)
add(
    "benign",
    "en",
    "terraform-sensitive-variables",
    "code",
    """
Do I need `sensitive = true` on both of these, and will Terraform still print them in the plan if I reference them in an output?

variable "db_password" {
  type        = string
  description = "Master password for the RDS instance (pass via TF_VAR_db_password)"
  sensitive   = true
}

variable "stripe_secret_key" {
  type        = string
  description = "sk_live_... key, injected from Vault at apply time"
  sensitive   = true
  default     = null
}
""",
)
add(
    "benign",
    "en",
    "rosa-parks-history",
    "prose",
    """
For Black History Month, write 120 words for Year 6 about Rosa Parks: born February 4, 1913 in Tuskegee, Alabama; arrested December 1, 1955 on a Cleveland Avenue bus in Montgomery; the 381-day boycott; and Browder v. Gayle.
""",
)
add(
    "benign",
    "en",
    "fictional-characters-addresses",
    "prose",
    """
Settle a bet: was Walter White's house at 308 Negra Arroyo Lane a real house in Albuquerque, and is it true that the owners put up a fence because fans threw pizzas on the roof? Also, where does Atticus Finch live in To Kill a Mockingbird?
""",
)
add(
    "benign",
    "en",
    "premier-league-match-report",
    "prose",
    """
Write a 100-word match report: Arsenal 2–1 Chelsea at the Emirates, attendance 60,272. Saka 23', Palmer 51' (pen), Ødegaard 88'. Arsenal move to 71 points, two behind Liverpool with three games left.
""",
)
add(
    "benign",
    "en",
    "graceland-road-trip",
    "prose",
    """
Planning a road trip Nashville → Memphis. How long should we spend at Graceland (3764 Elvis Presley Blvd)? Is Sun Studio at 706 Union Avenue worth it, and where can we get proper Memphis ribs near Beale Street?
""",
)
add(
    "benign",
    "en",
    "hba1c-metformin-explainer",
    "prose",
    """
I'm a first-year pharmacy student. Explain what an HbA1c of 48 mmol/mol (6.5%) means diagnostically, and how metformin, SGLT2 inhibitors like empagliflozin and GLP-1 agonists like semaglutide differ in mechanism. A table would help.
""",
)
add(
    "benign",
    "en",
    "hipaa-identifiers-list",
    "prose",
    """
List the 18 HIPAA Safe Harbor identifiers (names, geographic subdivisions smaller than a state, dates except year, phone numbers, SSNs, medical record numbers, etc.) and explain which ones people most often forget to strip, like device serial numbers and full-face photos.
""",
)
add(
    "benign",
    "en",
    "routing-number-swift-question",
    "prose",
    """
For an international wire to a US bank, what's the difference between the ABA routing number (e.g. Chase's 021000021) and the SWIFT code (CHASUS33)? When would a European sender need both, and is an IBAN ever used for US accounts?
""",
)
add(
    "benign",
    "en",
    "ship-identifiers-question",
    "prose",
    """
I saw the Queen Mary 2 on a ship-tracking site: IMO 9241061, MMSI 310627000, call sign ZCEF6. What does each of these numbers mean and why is a British-built liner registered in Bermuda?
""",
)
add(
    "benign",
    "en",
    "node-upgrade-pip-freeze",
    "command",
    """
We're upgrading from Node 18.19.1 to 20.11.0 and Python 3.9.18 to 3.12.2. Which of these pinned packages are likely to break?

$ pip freeze
Django==3.2.25
psycopg2-binary==2.9.9
celery==5.3.6
numpy==1.24.4
pandas==1.5.3
cryptography==41.0.7
$ node -v
v18.19.1
""",
)
add(
    "benign",
    "en",
    "coordinates-distance",
    "prose",
    """
What's the great-circle distance between the Eiffel Tower (48.8584° N, 2.2945° E) and Big Ben (51.5007° N, 0.1246° W)? Show the haversine formula with the numbers plugged in.
""",
)
add(
    "benign",
    "en",
    "unix-timestamps",
    "prose",
    """
Convert these Unix timestamps to UTC: 1700000000, 1234567890 and 2147483647. Why is the last one special, and will our MySQL TIMESTAMP columns break in 2038?
""",
)
add(
    "benign",
    "en",
    "calendar-questions",
    "prose",
    """
Which weekday is 29 February 2028? When is Easter Sunday in 2027, and how many working days are there between 1 April and 30 June 2027 in England if we skip the bank holidays?
""",
)
add(
    "benign",
    "en",
    "translation-template-letter",
    "prose",
    """
Translate this customer-service template into Spanish and French, keeping the placeholders exactly:

Dear {{customer_first_name}}, thank you for contacting us about order {{order_id}}. Your refund of {{amount}} will be sent to the card ending in {{card_last4}} within 5–7 business days. Reference: {{ticket_number}}.
""",
)
add(
    "benign",
    "en",
    "nginx-log-private-ips",
    "kv-log",
    """
Why are all requests in our access log coming from the load balancer's address instead of the client's? Do I need real_ip_header?

10.0.3.17 - - [14/May/2025:09:12:44 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29" rt=0.001 req_id=9f1c2e7a0b4d
10.0.3.17 - - [14/May/2025:09:12:45 +0000] "POST /api/v1/orders HTTP/1.1" 201 512 "-" "Mozilla/5.0" rt=0.143 req_id=4be0a91d77c3
127.0.0.1 - - [14/May/2025:09:12:46 +0000] "GET /nginx_status HTTP/1.1" 200 97 "-" "curl/8.5.0" rt=0.000 req_id=-
""",
)
add(
    "benign",
    "en",
    "git-log-dependabot",
    "command",
    """
How do I revert only the lodash bump without losing the later commits?

$ git log --oneline -5
a3f9c1d (HEAD -> main) chore(deps): bump axios from 1.6.8 to 1.7.2
7e21b04 chore(deps): bump lodash from 4.17.20 to 4.17.21
c0d4e88 fix: handle empty cart in checkout (#412)
19ab7f2 Merge pull request #409 from dependabot/npm_and_yarn/vite-5.2.11
e55d301 feat: add coupon codes
""",
)
add(
    "benign",
    "en",
    "cas-numbers-constants",
    "prose",
    """
For a lab safety sheet: give the CAS numbers for water (7732-18-5), ethanol (64-17-5) and acetone (67-64-1), and check whether I've got Avogadro's constant (6.02214076 × 10^23 mol⁻¹) and the gas constant (8.314 J/(mol·K)) right.
""",
)
add(
    "benign",
    "en",
    "sha256-hello",
    "prose",
    """
Why does `echo "hello" | sha256sum` give 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03 but Python's hashlib.sha256(b"hello") gives 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824?
""",
)
add(
    "benign",
    "en",
    "citation-isbn-doi",
    "prose",
    """
Format these two references in APA 7: Daniel Kahneman, Thinking, Fast and Slow, Farrar, Straus and Giroux, 2011, ISBN 978-0-374-27563-1; and Vaswani et al., "Attention Is All You Need", NeurIPS 2017, arXiv:1706.03762.
""",
)
add(
    "benign",
    "en",
    "imei-format-question",
    "prose",
    """
How is an IMEI structured (TAC, serial, check digit)? Use the dummy 35-209900-176148-1 from Wikipedia's article to show the Luhn check, and tell me whether a TAC identifies the phone model.
""",
)
add(
    "benign",
    "en",
    "tim-berners-lee-bio",
    "prose",
    """
Write a short bio of Sir Tim Berners-Lee for a conference programme: born 8 June 1955 in London, invented the World Wide Web at CERN in 1989, founded the W3C at MIT in 1994, Turing Award 2016.
""",
)
add(
    "benign",
    "en",
    "helpdesk-macro-template",
    "prose",
    """
Improve this Zendesk macro. It should sound warmer and mention that we'll never ask for a password by email.

Hi {{ticket.requester.first_name}},
We've reset the two-factor authentication on account {{ticket.organization.name}}. Please log in at https://app.example.com/login with your usual email and you'll be asked to set up a new authenticator. Ticket #{{ticket.id}}.
""",
)
add(
    "benign",
    "en",
    "nino-regex-example",
    "prose",
    """
I need a regex for UK National Insurance numbers for a form field. The GOV.UK example is QQ 12 34 56 C. Which prefixes are never issued (like D, F, I, Q, U, V as first letters, or BG, GB, NK, KN, TN, NT, ZZ), and should I allow spaces?
""",
)
add(
    "benign",
    "en",
    "sql-window-function-question",
    "sql",
    """
Why does this return duplicate rows per customer? I want only each customer's latest order.

SELECT c.customer_id, c.email, o.order_id, o.created_at
FROM customers c
JOIN orders o ON o.customer_id = c.customer_id
WHERE o.created_at >= DATE '2025-01-01'
QUALIFY ROW_NUMBER() OVER (PARTITION BY o.order_id ORDER BY o.created_at DESC) = 1;
""",
)
add(
    "benign",
    "en",
    "nanp-famous-number",
    "prose",
    """
Why did so many people get calls after Tommy Tutone's "867-5309/Jenny" came out in 1981, and why does Hollywood use 555 numbers? Is 555-0100 through 555-0199 the only range reserved for fiction?
""",
)
add(
    "benign",
    "de",
    "einstein-referat",
    "prose",
    """
Ich schreibe ein Referat über Albert Einstein. Stimmt es, dass er am 14. März 1879 in Ulm geboren wurde und 1905 in Bern im Patentamt arbeitete, als er die spezielle Relativitätstheorie veröffentlichte? Wo ist das Einsteinhaus in der Kramgasse 49 genau?
""",
)
add(
    "benign",
    "de",
    "bundesliga-tabelle",
    "prose",
    """
Fasse den 30. Spieltag kurz zusammen: Bayer Leverkusen – Werder Bremen 5:0, Dortmund – Stuttgart 1:0, Union Berlin – Bayern 1:5. Leverkusen ist mit 79 Punkten vorzeitig Meister. Wie viele Punkte Vorsprung sind das auf Platz 2?
""",
)
add(
    "benign",
    "de",
    "python-passwort-platzhalter",
    "code",
    """
Ist das so in Ordnung, oder sollte ich das Passwort anders einlesen? Es soll nie im Code stehen.

import os
import getpass

DB_HOST = os.getenv("DB_HOST", "localhost")
DB_USER = os.getenv("DB_USER", "app")
DB_PASSWORT = os.getenv("DB_PASSWORT") or getpass.getpass("Passwort: ")
# Beispiel .env (nicht einchecken!): DB_PASSWORT=<dein-passwort-hier>
""",
)
add(
    "benign",
    "es",
    "garcia-marquez-aracataca",
    "prose",
    """
Voy a visitar Aracataca. ¿Merece la pena la Casa Museo de Gabriel García Márquez? Nació allí el 6 de marzo de 1927. Cuéntame también qué relación tiene el pueblo con Macondo y con el coronel Aureliano Buendía.
""",
)
add(
    "benign",
    "es",
    "cronica-clasico-femenino",
    "prose",
    """
Escribe una crónica breve: FC Barcelona 4–1 Real Madrid en la Liga F, Estadi Johan Cruyff, 6.000 espectadores. Goles: Aitana Bonmatí (12'), Caroline Graham Hansen (35', 70'), Linda Caicedo (58'), Ewa Pajor (81').
""",
)
add(
    "benign",
    "es",
    "formato-numero-seguridad-social",
    "prose",
    """
¿Qué formato tiene el número de afiliación a la Seguridad Social en España (12 dígitos: provincia, número y dígitos de control)? Explica cómo se calculan los dos dígitos de control con un ejemplo inventado tipo 28/1234567/XX, sin usar números reales.
""",
)
add(
    "benign",
    "fr",
    "pasteur-dole-arbois",
    "prose",
    """
Louis Pasteur est né le 27 décembre 1822 à Dole, au 43 rue Pasteur, et a grandi à Arbois. Prépare-moi un itinéraire d'une journée entre les deux maisons-musées, avec un déjeuner au comté.
""",
)
add(
    "benign",
    "fr",
    "tarif-colissimo-suivi",
    "prose",
    """
Mon colis Colissimo n° 6A12345678901 est « en cours d'acheminement » depuis 8 jours. À partir de quand puis-je faire une réclamation, et est-ce que la facture FA-2025-00871 du vendeur suffit comme preuve de valeur ?
""",
)
add(
    "benign",
    "fr",
    "traduction-bail-modele",
    "prose",
    """
Traduis en anglais cette clause type d'un bail d'habitation : « Le locataire, [NOM DU LOCATAIRE], s'engage à verser un dépôt de garantie de [MONTANT] euros, restitué dans un délai maximal d'un mois à compter de la remise des clés, déduction faite des sommes restant dues au bailleur. »
""",
)
add(
    "benign",
    "it",
    "leonardo-vinci-gita",
    "prose",
    """
Leonardo da Vinci nacque il 15 aprile 1452 ad Anchiano, vicino a Vinci. Organizzami una gita di un giorno da Firenze: casa natale, Museo Leonardiano, e un posto dove mangiare la ribollita.
""",
)
add(
    "benign",
    "it",
    "spiegazione-farmaci-pressione",
    "prose",
    """
Per un corso OSS: spiegami in parole semplici le classi di farmaci per l'ipertensione (ACE-inibitori come ramipril, sartani come losartan, calcio-antagonisti come amlodipina, diuretici come idroclorotiazide) e gli effetti collaterali più comuni.
""",
)
add(
    "benign",
    "nl",
    "van-gogh-zundert",
    "prose",
    """
Vincent van Gogh werd op 30 maart 1853 geboren in Zundert. Is het Vincent van GoghHuis aan de Markt 26 de moeite waard met kinderen, en hoe ver is het naar het Kröller-Müller Museum?
""",
)
add(
    "benign",
    "nl",
    "klassieker-ajax-feyenoord",
    "prose",
    """
Schrijf een kort verslag: Feyenoord – Ajax 6-0 in De Kuip. Doelpunten: Giménez (2x), Timber, Paixão, Stengs, Hancko. Wat was de grootste uitslag ooit in De Klassieker?
""",
)
add(
    "benign",
    "pl",
    "szymborska-referat",
    "prose",
    """
Wisława Szymborska urodziła się 2 lipca 1923 r. na Prowencie koło Kórnika, a Nagrodę Nobla dostała w 1996 r. Napisz krótką notkę do gazetki szkolnej i zacytuj fragment „Nic dwa razy”.
""",
)
add(
    "benign",
    "pl",
    "mecz-lech-legia",
    "prose",
    """
Krótka relacja: Lech Poznań – Legia Warszawa 2:1, Enea Stadion, 41 500 widzów. Bramki: Ishak 17', Pekhart 54', Hotić 79'. Lech awansuje na pierwsze miejsce w Ekstraklasie.
""",
)
add(
    "benign",
    "pl",
    "node-config-zmienne",
    "code",
    """
Dlaczego `process.env.SMTP_HASLO` jest undefined w testach, skoro w .env.example mam wpis?

// .env.example
SMTP_HOST=smtp.example.com
SMTP_UZYTKOWNIK=twoj-login
SMTP_HASLO=twoje-haslo
// config.js
require("dotenv").config();
module.exports = { smtp: { host: process.env.SMTP_HOST, user: process.env.SMTP_UZYTKOWNIK, pass: process.env.SMTP_HASLO } };
""",
)
add(
    "benign",
    "pt",
    "senna-biografia",
    "prose",
    """
Escreve um texto curto sobre Ayrton Senna para um trabalho escolar: nasceu em São Paulo em 21 de março de 1960, três vezes campeão mundial de Fórmula 1 (1988, 1990, 1991) e morreu em Ímola em 1 de maio de 1994.
""",
)
add(
    "benign",
    "pt",
    "pasteis-de-nata-receita",
    "prose",
    """
Dá-me uma receita de pastéis de nata para 12 unidades: massa folhada, 500 ml de leite, 6 gemas, 250 g de açúcar, 40 g de farinha, casca de limão e pau de canela. Forno a 290 °C durante quantos minutos?
""",
)
add(
    "benign",
    "pt",
    "cristo-redentor-visita",
    "prose",
    """
Vou ao Rio em julho. Qual a melhor forma de subir ao Cristo Redentor no Corcovado — trem do Corcovado na Rua Cosme Velho 513 ou van oficial? E dá para ver o Pão de Açúcar no mesmo dia?
""",
)
add(
    "benign",
    "sv",
    "garbo-vasamuseet",
    "prose",
    """
Vi har en dag i Stockholm. Räcker det med två timmar på Vasamuseet (Galärvarvsvägen 14)? Greta Garbo föddes på Södermalm den 18 september 1905 – finns det något att se om henne där?
""",
)
add(
    "benign",
    "sv",
    "personnummer-kontrollsiffra-forklaring",
    "prose",
    """
Hur räknas kontrollsiffran i ett svenskt personnummer ut? Förklara Luhn-algoritmen med ett påhittat exempel i formatet ÅÅMMDD-NNNK, och vad skiljer ett samordningsnummer från ett personnummer (dag + 60)?
""",
)
add(
    "benign",
    "ru",
    "gagarin-doklad",
    "prose",
    """
Помоги подготовить доклад для 4 класса о Юрии Гагарине: родился 9 марта 1934 года в селе Клушино, полёт 12 апреля 1961 года на корабле «Восток-1» длился 108 минут. Добавь пару интересных фактов.
""",
)
add(
    "benign",
    "ru",
    "python-peremennye-okruzheniya",
    "code",
    """
Объясни, почему этот код падает с KeyError на сервере, хотя локально работает:

import os

API_KEY = os.environ["API_KEY"]          # ключ берём из окружения, не из кода
SECRET = os.environ.get("SECRET", "change-me")
TIMEOUT = int(os.environ.get("TIMEOUT", "30"))
print(f"Используем таймаут {TIMEOUT} с")
""",
)
add(
    "benign",
    "uk",
    "lesia-ukrainka-tvir",
    "prose",
    """
Напиши короткий твір-роздум для 8 класу про Лесю Українку: народилася 25 лютого 1871 року в Новограді-Волинському, справжнє ім'я — Лариса Косач. Згадай «Лісову пісню» і Мавку.
""",
)
add(
    "benign",
    "uk",
    "format-iban-ukraina",
    "prose",
    """
Поясни структуру українського IBAN: 29 символів, UA, контрольні цифри, код МФО банку і номер рахунку. Як перевірити контрольні цифри за алгоритмом mod 97? Не використовуй реальних рахунків, лише умовний приклад на кшталт UA00 000000 0000000000000000000.
""",
)
add(
    "benign",
    "bg",
    "hristo-botev-esse",
    "prose",
    """
Напиши кратко есе за Христо Ботев: роден на 6 януари 1848 г. (стар стил 25 декември 1847) в Калофер, загинал на 1 юни 1876 г. във Врачанския Балкан. Включи цитат от „Хаджи Димитър“.
""",
)
add(
    "benign",
    "bg",
    "banitsa-recepta",
    "prose",
    """
Дай ми рецепта за баница със сирене за тава 30 × 40 см: 400 г кори, 4 яйца, 300 г сирене, 400 г кисело мляко, 1 ч.л. сода. На колко градуса и колко минути да се пече?
""",
)
add(
    "benign",
    "hr",
    "tesla-smiljan-izlet",
    "prose",
    """
Nikola Tesla rođen je 10. srpnja 1856. u Smiljanu kod Gospića. Vrijedi li posjetiti Memorijalni centar u Smiljanu s djecom i koliko treba od Plitvičkih jezera do tamo?
""",
)
add(
    "benign",
    "hr",
    "derbi-dinamo-hajduk",
    "prose",
    """
Napiši kratki izvještaj: Dinamo – Hajduk 2:2 na Maksimiru, 20.000 gledatelja. Golovi: Baturina 14', Livaja 39', Petković 67', Sigur 90+1'. Koliko bodova zaostaje Hajduk za Rijekom?
""",
)
add(
    "benign",
    "sk",
    "banic-padak",
    "prose",
    """
Štefan Banič sa narodil 23. novembra 1870 v Neštiche (dnes Smolenice) a v roku 1914 si patentoval padák. Napíš o ňom krátky text na nástenku do školy.
""",
)
add(
    "benign",
    "sk",
    "rodne-cislo-format-vysvetlenie",
    "prose",
    """
Ako je zložené slovenské rodné číslo? Vysvetli, prečo majú ženy k mesiacu pripočítaných 50, prečo musí byť desaťmiestne číslo deliteľné 11 a ako to bolo pred rokom 1954. Použi len vymyslený formát RRMMDD/XXXX.
""",
)
add(
    "benign",
    "sl",
    "preseren-prosti-dan",
    "prose",
    """
France Prešeren se je rodil 3. decembra 1800 v Vrbi na Gorenjskem, umrl pa 8. februarja 1849 v Kranju. Zakaj je 8. februar kulturni praznik in ne dan njegovega rojstva? Napiši kratko razlago za učence.
""",
)
add(
    "benign",
    "sl",
    "triglav-vzpon",
    "prose",
    """
Načrtujem vzpon na Triglav (2864 m) iz Vrat čez Prag. Koliko ur traja do Triglavskega doma na Kredarici in ali je za zadnji del nujna samovarovalna oprema?
""",
)
add(
    "benign",
    "ca",
    "gaudi-casa-batllo",
    "prose",
    """
Antoni Gaudí va néixer el 25 de juny de 1852 (a Reus o a Riudoms, segons la font). Quina entrada recomanes per a la Casa Batlló, al Passeig de Gràcia 43, i cal reservar la Sagrada Família amb antelació?
""",
)
add(
    "benign",
    "ca",
    "cronica-barca-girona",
    "prose",
    """
Fes una crònica breu: FC Barcelona 4–2 Girona FC a Montjuïc, 49.000 espectadors. Gols: Lewandowski (2), Raphinha, Lamine Yamal; pel Girona, Stuani i Tsygankov. El Barça manté el liderat.
""",
)
add(
    "benign",
    "is",
    "bjork-hallgrimskirkja",
    "prose",
    """
Ég er með ferðamenn frá Japan. Skrifaðu stutta kynningu á ensku um Björk (fædd 21. nóvember 1965 í Reykjavík) og Hallgrímskirkju við Hallgrímstorg, sem tók 41 ár að byggja.
""",
)
add(
    "benign",
    "is",
    "islensk-nofn-utskyring",
    "prose",
    """
Útskýrðu fyrir útlendingum hvernig íslensk föðurnöfn virka: ef Jón á son sem heitir Ólafur verður hann Ólafur Jónsson, og dóttir hans Guðrún Jónsdóttir. Hvað gerir Mannanafnanefnd og hvers vegna er símaskráin raðað eftir fornafni?
""",
)


if __name__ == "__main__":
    build(PROMPTS, Path(__file__).resolve().parent / "fresh7.jsonl", SPLIT_SEED, ID_PREFIX)
