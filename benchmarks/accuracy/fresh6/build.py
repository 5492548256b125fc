#!/usr/bin/env python3
"""Build the 'fresh6' privacy-filter evaluation corpus (sixth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

The machinery now lives in ``benchmarks/accuracy/_corpus_tools.py`` (moved
there unchanged when fresh7 was built; this corpus rebuilds to the same bytes).
The script strips the markers, records a label for every marker with exact
character offsets into the cleaned text, checks the offsets, validates every
NATIONAL_ID / IBAN_CODE / CREDIT_CARD checksum (python-stdnum) and every
PHONE_NUMBER (phonenumbers), checks that no
labelled value also occurs unlabelled elsewhere in the same prompt, assigns the
dev/test half with a fixed seed, and writes fresh6.jsonl next to this file.

Run:  python build.py [--stats]   (needs python-stdnum and phonenumbers)
"""

import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus_tools import add_prompt, build

SPLIT_SEED = 20261230
ID_PREFIX = "j"
PROMPTS = []
add = functools.partial(add_prompt, PROMPTS)

# ---------------------------------------------------------------------------
# group pii
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "child-passport-parental-consent",
    "form",
    """
My ex-wife can't come to the passport appointment, so she signed the DS-3053 statement of consent. Can you check whether what she wrote matches what the State Department wants, and tell me what ID copy she has to attach?

STATEMENT OF CONSENT: ISSUANCE OF A U.S. PASSPORT TO A MINOR UNDER AGE 16
Minor's name: ⟦P:Wyatt Emerson Cole⟧
Minor's date of birth: ⟦DOB:10/14/2016⟧
Name of non-applying parent: ⟦P:Brianna Lynn Cole⟧
Non-applying parent's address: ⟦A:1187 Sable Ridge Ct, Henderson, NV 89052⟧
Phone: ⟦T:(702) 555-0129⟧
Email: ⟦E:brianna.cole@quailmail.example⟧
SSN (last digits not accepted, full number): ⟦ID@US:213-32-3730⟧
I consent to the issuance of a passport to my son ⟦P:Wyatt⟧, to be applied for by his father, ⟦P:Travis Cole⟧.
""",
)
add(
    "pii",
    "en",
    "advance-directive-living-will",
    "prose",
    """
I'm writing my advance healthcare directive. Please turn my notes into clear paragraphs that a hospital would understand, and keep all names exactly.

I, ⟦P:Marguerite Okafor-Lindqvist⟧, born ⟦DOB:March 3, 1951⟧, of ⟦A:62 Wexford Lane, Asheville, NC 28804⟧, appoint my niece ⟦P:Adaeze Okafor⟧ (⟦T:(828) 555-0183⟧, ⟦E:adaeze.okafor@pinepost.example⟧) as my healthcare agent, and my neighbour ⟦P:Russell Haines⟧ as alternate. I have ⟦MC:congestive heart failure⟧ (NYHA class III) and ⟦MC:chronic kidney disease stage 4⟧. I take ⟦MED:furosemide⟧, ⟦MED:sacubitril/valsartan⟧ and ⟦MED:warfarin⟧. I do not want CPR or a breathing tube if my heart stops; I do want comfort care and to die at home if possible. My Medicare number is ⟦ACC:4TE9-QX7-MK52⟧. ⟦P:Adaeze⟧ has a copy of this.
""",
)
add(
    "pii",
    "en",
    "pet-adoption-application",
    "form",
    """
Our rescue gets hundreds of adoption forms. Can you summarise this one in three bullet points for the home-visit volunteer, including anything that worries you?

Adopter: ⟦P:Priyanka Raman⟧ | Co-adopter: ⟦P:Owen Haldane⟧
Address: ⟦A:Flat 4B, 19 Dalmeny Street, Edinburgh EH6 8PG⟧
Mobile: ⟦T:07831 402 917⟧ | Email: ⟦E:priyanka.raman@thistlemail.example⟧
Dog applied for: "Biscuit" (greyhound, 6 yrs)
Working hours: ⟦P:Owen⟧ works from home Mon–Thu.
Anything else we should know: ⟦P:Priyanka⟧ has ⟦MC:generalised anxiety disorder⟧ and her therapist suggested a calm dog; our landlord Mr ⟦P:Kerr⟧ agreed in writing.
""",
)
add(
    "pii",
    "en",
    "climbing-gym-waiver",
    "form",
    """
A member filled in our bouldering waiver on paper. Please put it into the JSON our booking system imports (fields: name, dob, email, phone, emergency_contact, medical, belay_certified).

Name: ⟦P:Callum Ferreira⟧
Date of birth: ⟦DOB:22/07/1998⟧
Email: ⟦E:callum.ferreira@cragmail.example⟧
Phone: ⟦T:0419 276 530⟧
Emergency contact: ⟦P:Rosa Ferreira⟧ (mum) ⟦T:0402 851 663⟧
Medical conditions we should know about: ⟦MC:type 1 diabetes⟧ (carries ⟦MED:glucagon⟧ in red bag), previous ⟦MC:dislocated left shoulder⟧ 2022
Belay certified: yes (top rope)
""",
)
add(
    "pii",
    "en",
    "self-storage-rental-agreement",
    "form",
    """
Does this self-storage contract let them sell my stuff after 30 days of arrears? I've pasted the first page.

UNIT RENTAL AGREEMENT — Unit C-214 (10×10), climate controlled
Occupant: ⟦P:Delphine Aucoin-Reyes⟧
Driver's licence: ⟦DL:D4817265⟧ (CA)
Address: ⟦A:3380 Mission St Apt 5, San Francisco, CA 94110⟧
Phone: ⟦T:(415) 555-0162⟧
Alternate contact: ⟦P:Hector Reyes⟧, ⟦T:(510) 555-0118⟧
Gate access code: ⟦S:417093⟧
Autopay card: ⟦CC:4129 1942 8542 4460⟧
""",
)
add(
    "pii",
    "en",
    "credit-union-membership-application",
    "form",
    """
I'm opening a joint membership at our credit union with my daughter. Which of these fields is required for a minor, and do I need her SSN card itself or just the number?

Primary member: ⟦P:Gloria Mendez-Whitaker⟧, DOB ⟦DOB:06/30/1974⟧, SSN ⟦ID@US:597-77-4241⟧
Joint owner (minor): ⟦P:Isabel Whitaker⟧, DOB ⟦DOB:02/11/2011⟧, SSN ⟦ID@US:137-51-1044⟧
Mailing address: ⟦A:705 Juniper Hollow Dr, Round Rock, TX 78664⟧
Employer: Dell Technologies
Phone: ⟦T:(512) 555-0174⟧
Email: ⟦E:gmw.family@bluebonnet.example⟧
Initial deposit: $25 share account
""",
)
add(
    "pii",
    "en",
    "freelancer-w9-request",
    "prose",
    """
A US client asked for my W-9 before paying. Can you write a short reply saying I've attached it, and double-check I put the right things in line 1 and line 2?

Line 1 (name): ⟦P:Jasper Okonkwo⟧
Line 2 (business name): Lakeshore Sound Design
Address: ⟦A:4412 N Damen Ave, Unit 2R, Chicago, IL 60625⟧
TIN: SSN ⟦ID@US:615-75-3662⟧
Signed ⟦P:Jasper Okonkwo⟧. Contact me at ⟦E:jasper@lakeshoresound.example⟧ or ⟦T:(773) 555-0137⟧.
""",
)
add(
    "pii",
    "en",
    "yacht-crew-list-customs",
    "csv",
    """
We're sailing from Gibraltar to Madeira and the marina wants the crew list in their template (columns: surname, given names, nationality, passport, DOB, role). Convert this and sort by role, skipper first:

name,nationality,passport,dob,role,phone
⟦P:Siobhan Kearney⟧,IE,⟦PASS:PB4471290⟧,⟦DOB:1982-09-04⟧,crew,⟦T:+353 87 214 6093⟧
⟦P:Lars Henriksen⟧,NO,⟦PASS:34918265⟧,⟦DOB:1969-01-27⟧,skipper,⟦T:+47 412 58 309⟧
⟦P:Matteo Barbieri⟧,IT,⟦PASS:YB8302741⟧,⟦DOB:1991-05-15⟧,crew,⟦T:+39 347 902 6618⟧
⟦P:Anouk Verbeek⟧,NL,⟦PASS:NXP81K4R2⟧,⟦DOB:1995-12-02⟧,cook,⟦T:+31 6 18204773⟧
Note: ⟦P:Anouk⟧ gets ⟦MC:severe seasickness⟧, packs ⟦MED:scopolamine patches⟧.
""",
)
add(
    "pii",
    "en",
    "physio-home-exercise-referral",
    "prose",
    """
I'm a physiotherapist. Can you turn this referral into a friendly home-exercise letter for the patient? Plain English, no jargon.

Patient: ⟦P:Eleanor Fairbrother⟧ (⟦DOB:14 May 1963⟧), NHS no. ⟦ID@GB:431 370 8774⟧, ⟦A:27 Brackenbury Road, Preston PR1 7UP⟧. Referred by Dr ⟦P:Amjad⟧ after ⟦MC:total knee replacement⟧ (right) on 3 February, with background ⟦MC:osteoarthritis⟧ and ⟦MC:obesity⟧. Pain controlled with ⟦MED:co-codamol⟧ 30/500. Goals: walk to the shops without a frame, get back to swimming. Her husband ⟦P:Geoff⟧ can help with exercises; phone ⟦T:01772 648 215⟧.
""",
)
add(
    "pii",
    "en",
    "sleep-study-report",
    "prose",
    """
Can you explain this sleep study summary to me as if I were not a doctor? It's mine.

Patient: ⟦P:Kofi Mensah-Boateng⟧, DOB ⟦DOB:1978-11-09⟧, MRN ⟦MRN:SLP-0047712⟧
Referred by: Dr ⟦P:Linda Cheung⟧
Findings: AHI 38/h, lowest SpO2 79%. Impression: ⟦MC:severe obstructive sleep apnoea⟧, positional component; incidental ⟦MC:periodic limb movements⟧. ⟦MC:Hypertension⟧ noted on ⟦MED:lisinopril⟧.
Plan: auto-CPAP 5–15 cmH2O, review in 6 weeks. Results emailed to ⟦E:kofi.mb@lagoonmail.example⟧.
""",
)
add(
    "pii",
    "en",
    "genetic-counselling-letter",
    "prose",
    """
Please help me understand this letter from the genetics clinic and write down questions I should ask at the next appointment.

Dear Ms ⟦P:Hollis⟧,
Re: ⟦P:Naomi Hollis⟧, DOB ⟦DOB:08.01.1988⟧, hospital number ⟦MRN:RX4418209⟧
Your test showed a pathogenic ⟦MC:BRCA2 variant⟧ (c.5946delT). Your mother, ⟦P:Judith Hollis⟧, had ⟦MC:ovarian cancer⟧ at 52, and your sister ⟦P:Rachel⟧ has not yet been tested. We recommend annual MRI from now and discussing risk-reducing surgery after 35. We can offer a cascade-testing letter for ⟦P:Rachel⟧ and your cousin ⟦P:Tom Ainsley⟧.
""",
)
add(
    "pii",
    "en",
    "parental-leave-request-email",
    "prose",
    """
Rewrite this as a formal shared parental leave notice to HR. Keep the dates.

Hi ⟦P:Fiona⟧, I'm ⟦P:Declan Murphy-Shaw⟧ (employee no. ⟦ACC:E-204518⟧). My partner ⟦P:Leah⟧ is due on 19 September; she had ⟦MC:pre-eclampsia⟧ last time so there may be an early ⟦MC:C-section⟧. I'd like to take 10 weeks of shared parental leave from 1 October. Our baby's MATB1 is attached. ⟦P:Leah⟧'s NI number isn't needed I think? My personal email is ⟦E:declan.ms@riverpost.example⟧, mobile ⟦T:07492 318 564⟧.
""",
)
add(
    "pii",
    "en",
    "stripe-radar-review-log",
    "kv-log",
    """
Our fraud analyst exported these Radar review events. Which of these look like card testing and which like a genuine customer? Explain why.

2025-06-02T03:14:07Z event=review.opened charge=ch_3PNa1 email=⟦E:l.pemberton@finchmail.example⟧ name="⟦P:Louise Pemberton⟧" ip=⟦IP:86.142.19.77⟧ card_last4=4408 risk=72
2025-06-02T03:14:09Z event=review.opened charge=ch_3PNa2 email=⟦E:qq1887@tempbox.example⟧ name="⟦P:J Smithe⟧" ip=⟦IP:185.220.101.46⟧ card_last4=0017 risk=91
2025-06-02T03:14:10Z event=review.opened charge=ch_3PNa3 email=⟦E:qq1887@tempbox.example⟧ name="⟦P:J Smithe⟧" ip=⟦IP:185.220.101.46⟧ card_last4=5521 risk=93
2025-06-02T09:41:55Z event=review.closed charge=ch_3PNa1 reason=approved note="called ⟦P:Louise⟧ on ⟦T:+44 7712 405 338⟧, confirmed order"
""",
)
add(
    "pii",
    "en",
    "zoom-attendance-report",
    "csv",
    """
This is the Zoom attendance export from our parents' evening. Work out who attended less than 10 minutes, and draft a follow-up email to them only.

Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),IP Address
⟦P:Hannah Okoro⟧,⟦E:hannah.okoro@parentmail.example⟧,18:01,18:43,42,⟦IP:82.31.144.209⟧
⟦P:Michael Brandt⟧,⟦E:mbrandt@homebox.example⟧,18:05,18:12,7,⟦IP:2a00:23c7:e4a1:9d01:5c2f:88ff:fe01:6b3a⟧
⟦P:Sunita Rao⟧,⟦E:sunita.rao@parentmail.example⟧,18:10,18:15,5,⟦IP:109.150.62.18⟧
""",
)
add(
    "pii",
    "en",
    "auth0-user-export-ndjson",
    "json",
    """
We're migrating from Auth0 to Cognito. Here are two lines from the user export — map each field to the Cognito attribute names and tell me what to do with `last_ip`.

{"user_id":"auth0|65f1c2a9e4b0a71d2c93e811","email":"⟦E:rhys.vaughan@daffodil.example⟧","name":"⟦P:Rhys Vaughan⟧","nickname":"⟦U:rhysv_cardiff⟧","phone_number":"⟦T:+447405219836⟧","last_ip":"⟦IP:92.24.178.151⟧","logins_count":214,"user_metadata":{"birthdate":"⟦DOB:1990-04-17⟧","address":"⟦A:12 Pontcanna St, Cardiff CF11 9HQ⟧"}}
{"user_id":"auth0|65f1c2a9e4b0a71d2c93e812","email":"⟦E:ines.carvalho@correio.example⟧","name":"⟦P:Inês Carvalho⟧","nickname":"⟦U:inesc⟧","phone_number":"⟦T:+351912640583⟧","last_ip":"⟦IP:2001:8a0:6d2e:b500:1c9e:3a5f:77b2:40c1⟧","logins_count":9,"user_metadata":{"birthdate":"⟦DOB:1986-10-30⟧"}}
""",
)
add(
    "pii",
    "en",
    "blood-pressure-diary",
    "markdown-table",
    """
I'm sending my BP diary to my GP. Can you calculate the weekly averages and write a two-line summary at the top?

Name: ⟦P:Winston Adebayo⟧ — DOB ⟦DOB:19/03/1957⟧ — on ⟦MED:amlodipine⟧ 10 mg and ⟦MED:indapamide⟧ for ⟦MC:high blood pressure⟧; also ⟦MC:gout⟧ (⟦MED:allopurinol⟧)

| Date | Morning | Evening |
|---|---|---|
| Mon 3 | 148/92 | 141/88 |
| Tue 4 | 152/95 | 139/86 |
| Wed 5 | 144/90 | 137/85 |
| Thu 6 | 158/97 | 146/91 |
""",
)
add(
    "pii",
    "en",
    "home-birth-plan",
    "prose",
    """
Help me make my birth plan fit on one page for the midwives. Keep the medical bits accurate.

Birth plan — ⟦P:Chloe Whitcombe⟧, EDD 12 August, planned home birth at ⟦A:41 Lark Rise, Frome BA11 2QT⟧.
Birth partner: ⟦P:Sam Whitcombe⟧ (⟦T:07719 640 258⟧). Second: my sister ⟦P:Jess Ogden⟧.
Medical: ⟦MC:Group B strep⟧ positive — happy to transfer for IV ⟦MED:penicillin⟧ if advised; ⟦MC:rhesus negative⟧, had ⟦MED:anti-D⟧ at 28 weeks; ⟦MC:penicillin allergy⟧? — no, that was ⟦P:Sam⟧'s mum, not me.
Pain relief: TENS, birth pool, gas and air. No pethidine.
""",
)
add(
    "pii",
    "en",
    "fit-note-to-employer",
    "prose",
    """
Write a short, professional email to my manager attaching my fit note. I don't want to overshare — tell me which bits I can leave out.

Fit note details: ⟦P:Arjun Malhotra⟧, ⟦A:58 Gladstone Road, Watford WD17 2RA⟧, NHS number ⟦ID@GB:498 664 3363⟧. Condition: ⟦MC:lumbar disc herniation⟧ with ⟦MC:sciatica⟧. Not fit for work 4 weeks; then may be fit with amended duties (no lifting). Medication: ⟦MED:naproxen⟧, ⟦MED:gabapentin⟧. My manager is ⟦P:Sarah Quinlan⟧ (⟦E:s.quinlan@worksite.example⟧).
""",
)
add(
    "pii",
    "en",
    "medical-tourism-enquiry-hair-transplant",
    "prose",
    """
Can you polish my enquiry to a clinic in Istanbul? I want to sound serious and ask the right questions.

Hello, my name is ⟦P:Brendan Oyelaran⟧ (⟦DOB:12 December 1985⟧), from Dublin. I'm interested in an FUE hair transplant, around 3000 grafts. Medical history: ⟦MC:alopecia areata⟧ as a teenager, ⟦MC:hypothyroidism⟧ on ⟦MED:levothyroxine⟧ 100 mcg. I've been taking ⟦MED:finasteride⟧ for two years. I can travel in March. WhatsApp ⟦T:+353 86 307 1942⟧, email ⟦E:brendan.oye@liffeymail.example⟧. PPS ⟦ID@IE:5409804O⟧ if you need it for the invoice.
""",
)
add(
    "pii",
    "en",
    "keycloak-realm-users-export",
    "json",
    """
Keycloak import fails with "Duplicate resource error". Here is the users part of our realm export; what's duplicated?

"users": [
  {"username": "⟦U:mkeller⟧", "firstName": "⟦P:Maja⟧", "lastName": "⟦P:Keller⟧", "email": "⟦E:maja.keller@alpenpost.example⟧",
   "attributes": {"mobile": ["⟦T:+41 79 318 52 07⟧"], "ahv": ["⟦ID@CH:756.1342.4676.45⟧"]}},
  {"username": "⟦U:ttanaka⟧", "firstName": "⟦P:Takeshi⟧", "lastName": "⟦P:Tanaka⟧", "email": "⟦E:t.tanaka@sakuramail.example⟧",
   "attributes": {"mobile": ["⟦T:+81 90-4127-8853⟧"], "my_number": ["⟦ID@JP:4814 1947 2814⟧"]}},
  {"username": "⟦U:mkeller⟧", "firstName": "⟦P:Max⟧", "lastName": "⟦P:Keller⟧", "email": "⟦E:max.keller@alpenpost.example⟧"}
]
""",
)
add(
    "pii",
    "en",
    "hospice-referral-sg-my-th",
    "prose",
    """
I coordinate volunteers at a hospice in Singapore. Summarise these three referrals into a handover table (name, age, diagnosis, language, family contact). Don't drop anything clinical.

1. ⟦P:Tan Siew Ling⟧, 81, Hokkien/English. ⟦MC:Metastatic pancreatic cancer⟧, on ⟦MED:morphine⟧ syringe driver. Daughter ⟦P:Jasmine Tan⟧ ⟦T:+65 9127 4408⟧.
2. ⟦P:Mohd Faizal bin Rahman⟧, 67, Malay, Malaysian citizen, NRIC ⟦ID@MY:580219-01-1687⟧ (born ⟦DOB:19/02/1958⟧). ⟦MC:End-stage COPD⟧, home oxygen. Son ⟦P:Hakim⟧ ⟦T:+60 12-408 5173⟧.
3. ⟦P:Somchai Wongsakul⟧, 74, Thai speaker, Thai ID ⟦ID@TH:5-4190-09533-49-0⟧. ⟦MC:Motor neurone disease⟧, PEG-fed. Niece ⟦P:Nok⟧ ⟦T:+66 81 392 4715⟧.
""",
)
add(
    "pii",
    "en",
    "ngo-deployment-roster-insurer",
    "markdown-table",
    """
We're an NGO sending a medical team to a flood response next week. Our travel insurer wants this roster as CSV (semicolon-separated, ISO dates). Convert it, and flag anyone whose blood group is missing or who needs medication stored cold.

| Name | Nat. | National ID | DOB | Blood | Health notes | Emergency phone |
|---|---|---|---|---|---|---|
| ⟦P:Guðrún Sigurðardóttir⟧ | IS | ⟦ID@IS:110584-1489⟧ | ⟦DOB:11.05.1984⟧ | O+ | – | ⟦T:+354 661 2847⟧ |
| ⟦P:Matej Kranjc⟧ | SI | ⟦ID@SI:2309979501836⟧ | ⟦DOB:23.09.1979⟧ | A− | ⟦MC:penicillin allergy⟧ | ⟦T:+386 41 582 306⟧ |
| ⟦P:Desislava Petrova⟧ | BG | ⟦ID@BG:9102072993⟧ | ⟦DOB:07.02.1991⟧ | B+ | ⟦MC:asthma⟧, ⟦MED:salbutamol⟧ inhaler | ⟦T:+359 88 742 1963⟧ |
| ⟦P:Felipe Araya Soto⟧ | CL | ⟦ID@CL:19.396.541-5⟧ | ⟦DOB:1987-03-15⟧ | O− | – | ⟦T:+56 9 6182 4730⟧ |
| ⟦P:Noa Friedman⟧ | IL | ⟦ID@IL:581010626⟧ | ⟦DOB:30/08/1993⟧ | | ⟦MC:coeliac disease⟧ | ⟦T:+972 54-731-2286⟧ |
| ⟦P:Tama Ngata⟧ | NZ | ⟦ID@NZ:075-835-450⟧ (IRD) | ⟦DOB:01/12/1982⟧ | O+ | – | ⟦T:+64 21 584 209⟧ |
| ⟦P:Lindiwe Dube⟧ | ZA | ⟦ID@ZA:9006141128080⟧ | ⟦DOB:1990-06-14⟧ | A+ | ⟦MC:HIV⟧, on ⟦MED:Biktarvy⟧ | ⟦T:+27 82 419 5530⟧ |
| ⟦P:Lee Min-jun⟧ | KR | ⟦ID@KR:881004-1149541⟧ | ⟦DOB:1988-10-04⟧ | B− | – | ⟦T:+82 10-5528-7391⟧ |
| ⟦P:Aditi Kulkarni⟧ | IN | ⟦ID@IN:8040 0735 8233⟧ | ⟦DOB:19 Jan 1995⟧ | | ⟦MC:hypothyroidism⟧ | ⟦T:+91 98201 44736⟧ |
| ⟦P:Étienne Gagnon⟧ | CA | ⟦ID@CA:254 061 575⟧ | ⟦DOB:1976-07-27⟧ | A+ | ⟦MC:type 1 diabetes⟧, ⟦MED:insulin glargine⟧ (fridge) | ⟦T:(514) 555-0148⟧ |
| ⟦P:Sofie Peeters⟧ | BE | ⟦ID@BE:98.04.02-092.91⟧ | ⟦DOB:02.04.1998⟧ | O+ | – | ⟦T:+32 475 31 82 09⟧ |
""",
)
add(
    "pii",
    "de",
    "nachsendeauftrag-umzug",
    "form",
    """
Ich ziehe um und will einen Nachsendeauftrag stellen. Ist das so ausgefüllt richtig, und wie lange gilt er?

Bisherige Anschrift: ⟦A:Kurfürstenstraße 112, 10787 Berlin⟧
Neue Anschrift: ⟦A:Am Schlachthof 4a, 34117 Kassel⟧
Personen: Dr. ⟦P:Ulrike Hansmann-Yılmaz⟧, ⟦P:Deniz Yılmaz⟧, ⟦P:Mats Hansmann⟧ (Sohn, 9)
Geburtsdatum Antragstellerin: ⟦DOB:02.05.1979⟧
Telefon: ⟦T:0151 20847736⟧
E-Mail: ⟦E:ulrike.hansmann@kiezpost.example⟧
Zahlung per Lastschrift: ⟦IBAN:DE68 1987 1111 5716 2102 09⟧
""",
)
add(
    "pii",
    "de",
    "elterngeld-antrag-notizen",
    "prose",
    """
Bitte mach aus meinen Notizen einen sauberen Text für die Elterngeldstelle (Abschnitt "Angaben zu den Eltern"). Sachlich, keine Floskeln.

Kind: ⟦P:Emilia Brückner⟧, geboren am ⟦DOB:17. Januar 2025⟧ in Graz, wir leben aber in Regensburg. Mutter: ⟦P:Katharina Brückner⟧, geb. ⟦DOB:30.09.1990⟧, Steuer-ID ⟦ID@DE:12 324 867 525⟧; Vater: ⟦P:Florian Auer⟧, österreichischer Staatsbürger, SV-Nummer ⟦ID@AT:4410 120687⟧ (geb. ⟦DOB:12.06.1987⟧). ⟦P:Katharina⟧ war wegen ⟦MC:Schwangerschaftsdiabetes⟧ und einer ⟦MC:Plazenta praevia⟧ ab der 30. Woche im Beschäftigungsverbot. Anschrift: ⟦A:Prüfeninger Straße 58, 93049 Regensburg⟧. Auszahlung auf ⟦IBAN:DE05 6359 9576 1526 6438 01⟧.
""",
)
add(
    "pii",
    "de",
    "schwerbehindertenausweis-antrag",
    "form",
    """
Mein Vater will einen Schwerbehindertenausweis beantragen. Welche Merkzeichen könnte er bei diesen Angaben bekommen (G, aG, B)?

Antragsteller: ⟦P:Wolfgang Reinhold Steiner⟧
geboren: ⟦DOB:8. November 1949⟧ in Zwickau
Wohnort: ⟦A:Bahnhofstraße 21, 08056 Zwickau⟧
Telefon: ⟦T:0375 2719 483⟧
Gesundheitsstörungen: ⟦MC:Zustand nach Schlaganfall⟧ mit ⟦MC:Halbseitenlähmung links⟧, ⟦MC:Vorhofflimmern⟧, ⟦MC:Makuladegeneration⟧ beidseits
Behandelnde Ärzte: Dr. ⟦P:Oberländer⟧ (Hausarzt), Klinikum Zwickau (Neurologie)
Medikamente: ⟦MED:Eliquis⟧ 5 mg, ⟦MED:Bisoprolol⟧
Krankenversichertennummer: ⟦ACC:S482915576⟧
""",
)
add(
    "pii",
    "es",
    "registro-pareja-de-hecho",
    "form",
    """
Queremos inscribirnos como pareja de hecho en Valencia. ¿Nos falta algún documento? Aquí está lo que hemos rellenado:

Miembro 1: ⟦P:Álvaro Senent Peris⟧, DNI ⟦ID@ES:50121706Z⟧, nacido el ⟦DOB:4 de abril de 1991⟧
Miembro 2: ⟦P:Camila Restrepo Gaviria⟧, NIE ⟦ID@ES:X6766335B⟧, nacida el ⟦DOB:23 de diciembre de 1993⟧ en Medellín (NIT colombiano ⟦ID@CO:824.630.054-1⟧)
Domicilio común: ⟦A:Carrer de Sueca 37, pta. 9, 46006 València⟧
Teléfonos: ⟦T:611 428 905⟧ / ⟦T:+57 310 482 7719⟧
Testigos: ⟦P:Pau Ferrándiz⟧ y ⟦P:Lucía Moll⟧
""",
)
add(
    "pii",
    "es",
    "tramite-pasaporte-mexicano",
    "prose",
    """
Voy a sacar el pasaporte de mi hija en la SRE de Guadalajara. ¿Qué documentos necesito llevar? Te paso sus datos para que me armes una lista:

Mi hija se llama ⟦P:Ximena Guadalupe Ortega Lara⟧, nació el ⟦DOB:29 de febrero de 2012⟧, su CURP es ⟦ID@MX:OELX120229MJCRRMA4⟧. Yo soy su mamá, ⟦P:Rebeca Lara Mendoza⟧, CURP ⟦ID@MX:LAMR840705MJCRNB08⟧, y su papá ⟦P:Iván Ortega Salcido⟧ vive en Tijuana y firmará el OP-7 allá. Vivimos en ⟦A:Av. Chapultepec Sur 418, int. 3, Col. Americana, 44160 Guadalajara, Jal.⟧ Mi celular: ⟦T:+52 33 1842 6079⟧. El pago de derechos lo haré con mi tarjeta ⟦CC:5326 7313 6279 5904⟧. ⟦P:Ximena⟧ tiene ⟦MC:síndrome de Down⟧; ¿hay fila preferente?
""",
)
add(
    "pii",
    "es",
    "afiliacion-eps-colombia",
    "form",
    """
Necesito afiliar a mi mamá a mi EPS como beneficiaria. Revisa que el formulario esté completo:

Cotizante: ⟦P:Juan Sebastián Patiño Restrepo⟧ — NIT (persona natural) ⟦ID@CO:806.595.310-5⟧
Beneficiaria: ⟦P:Luz Dary Restrepo de Patiño⟧ — NIT (persona natural) ⟦ID@CO:579.096.695-1⟧ — fecha de nacimiento ⟦DOB:11/03/1956⟧
Parentesco: madre
Dirección: ⟦A:Calle 45 # 78-22, apto 503, Laureles, Medellín⟧
Celular: ⟦T:+57 304 615 2278⟧
Condiciones preexistentes: ⟦MC:hipertensión arterial⟧, ⟦MC:artrosis de rodilla⟧; toma ⟦MED:losartán⟧ y ⟦MED:acetaminofén⟧
""",
)
add(
    "pii",
    "fr",
    "declaration-pacs",
    "form",
    """
Nous préparons notre déclaration de PACS pour la mairie de Nantes. Pouvez-vous vérifier que la convention type et nos informations sont cohérentes ?

Partenaire 1 : ⟦P:Romain Lefèvre⟧, né le ⟦DOB:3 juin 1994⟧ à Angers, ⟦A:12 rue de Strasbourg, 44000 Nantes⟧, ⟦T:06 41 27 88 35⟧
Partenaire 2 : ⟦P:Yasmine Haddadi⟧, née le ⟦DOB:17 octobre 1996⟧ à Tunis, ⟦A:12 rue de Strasbourg, 44000 Nantes⟧, ⟦T:07 58 12 60 94⟧
N° de sécurité sociale de ⟦P:Romain⟧ : ⟦ID@FR:1 94 06 59 837 313 46⟧
Courriel commun : ⟦E:romain.yasmine@nantesmail.example⟧
Régime choisi : séparation des patrimoines
""",
)
add(
    "pii",
    "fr",
    "dossier-surendettement",
    "prose",
    """
Aide-moi à rédiger la partie « Exposé de la situation » de mon dossier de surendettement pour la Banque de France, sur un ton factuel.

Je m'appelle ⟦P:Sandrine Morel⟧, j'habite ⟦A:Résidence Les Tilleuls, bât. C, appt 42, 59000 Lille⟧. Depuis mon ⟦MC:burn-out⟧ en 2023 et un arrêt long, puis une ⟦MC:dépression sévère⟧ traitée par ⟦MED:sertraline⟧, mes revenus ont baissé de 40 %. J'ai 3 crédits renouvelables (Cofidis n° ⟦ACC:CF-0193384427⟧, Sofinco, Floa). Mon fils ⟦P:Lucas⟧ (15 ans) vit avec moi. Mon compte : ⟦IBAN:FR47 8071 3432 3334 1883 0187 939⟧. Téléphone ⟦T:06 27 93 41 58⟧.
""",
)
add(
    "pii",
    "fr",
    "inscription-club-hockey-suisse",
    "form",
    """
Le club de hockey de mon fils à Fribourg me demande ce formulaire. Pourquoi veulent-ils le numéro AVS ? Est-ce légal en Suisse ?

Joueur : ⟦P:Noé Python⟧
Date de naissance : ⟦DOB:08.08.2013⟧
N° AVS : ⟦ID@CH:756.2642.4489.83⟧
Adresse : ⟦A:Route de la Glâne 104, 1700 Fribourg⟧
Représentant légal : ⟦P:Mélanie Python⟧, ⟦T:+41 78 604 19 27⟧, ⟦E:melanie.python@lacmail.example⟧
Remarques médicales : ⟦MC:asthme d'effort⟧, ⟦MED:Ventolin⟧ dans le sac
""",
)
add(
    "pii",
    "it",
    "dichiarazione-isee-dsu",
    "form",
    """
Devo presentare la DSU per l'ISEE universitario di mia figlia. Il CAF mi ha dato questo riepilogo: è giusto che compaia anche mio padre?

Nucleo familiare:
1. ⟦P:Rinaldi Paola⟧ — CF ⟦ID@IT:RNLPLA72R61F839V⟧ — dichiarante
2. ⟦P:Esposito Chiara⟧ — CF ⟦ID@IT:SPSCHR04A49F839Y⟧ — figlia, studentessa
3. ⟦P:Rinaldi Vincenzo⟧ — CF ⟦ID@IT:RNLVCN41C30F839B⟧ — padre convivente, invalido civile 100% (⟦MC:morbo di Parkinson⟧)
Residenza: ⟦A:Via Foria 152, 80137 Napoli⟧
Cellulare: ⟦T:339 482 7160⟧
""",
)
add(
    "pii",
    "it",
    "cambio-medico-di-base",
    "prose",
    """
Mi scrivi una mail all'ASL per chiedere il cambio del medico di base? Sono appena arrivata a Verona.

Sono ⟦P:Beatrice Zanon⟧, nata a Padova il ⟦DOB:14/02/1985⟧, codice fiscale ⟦ID@IT:ZNNBRC85B54G224X⟧, nuova residenza ⟦A:Via XX Settembre 61, 37129 Verona⟧. Vorrei un medico vicino a Veronetta perché ho la ⟦MC:sclerosi multipla⟧ recidivante-remittente (in terapia con ⟦MED:ocrelizumab⟧ al Centro SM di Borgo Trento) e mi serve qualcuno raggiungibile a piedi. Tel. ⟦T:328 604 1973⟧, e-mail ⟦E:beatrice.zanon@vrmail.example⟧.
""",
)
add(
    "pii",
    "nl",
    "wmo-aanvraag-huishoudelijke-hulp",
    "prose",
    """
Kun je dit omzetten in een korte, duidelijke WMO-aanvraag voor huishoudelijke hulp bij de gemeente Groningen?

Aanvrager: ⟦P:Gerrit Hoekstra⟧, geboren ⟦DOB:27 februari 1944⟧, BSN ⟦ID@NL:487571988⟧, woont alleen op ⟦A:Oosterstraat 18a, 9711 NT Groningen⟧ sinds zijn vrouw ⟦P:Jantje⟧ overleed. Hij heeft ⟦MC:COPD GOLD 3⟧ en ⟦MC:artrose in beide heupen⟧, gebruikt ⟦MED:Spiolto⟧ en zuurstof 's nachts. Hij kan niet meer stofzuigen of ramen lappen. Contactpersoon: dochter ⟦P:Wietske Hoekstra⟧, ⟦T:06 44 81 20 57⟧, ⟦E:wietske.hoekstra@noordpost.example⟧.
""",
)
add(
    "pii",
    "nl",
    "vog-aanvraag-vrijwilliger",
    "form",
    """
Onze voetbalclub vraagt voor elke jeugdtrainer een VOG aan. Kun je checken of we bij deze trainer de juiste screeningsprofielen hebben aangevinkt?

Naam: ⟦P:Sander Vermeulen⟧
Geboortedatum: ⟦DOB:11-08-1986⟧
Geboorteplaats: Eindhoven
BSN: ⟦ID@NL:620044949⟧
Adres: ⟦A:Hoogstraat 240, 5615 PW Eindhoven⟧
E-mail: ⟦E:sander.vermeulen@brabantmail.example⟧
Mobiel: ⟦T:06-18395027⟧
Functie: trainer JO11-2, begeleiding uitwedstrijden (vervoer)
Profielen: 11 (bijzondere gegevens), 84 (personenvervoer)
""",
)
add(
    "pii",
    "pl",
    "zwolnienie-lekarskie-l4",
    "prose",
    """
Napisz krótkiego maila do kadr, że jestem na zwolnieniu, i zapytaj, czy e-ZLA już do nich dotarło. Nie chcę podawać za dużo szczegółów.

Dane z zaświadczenia: ⟦P:Marta Grabowska-Nowicka⟧, PESEL ⟦ID@PL:88062147329⟧, ur. ⟦DOB:21 czerwca 1988⟧, adres ⟦A:ul. Świętojańska 72/8, 81-389 Gdynia⟧. Niezdolność od 3 do 16 marca, kod B (⟦MC:ciąża⟧), rozpoznanie ⟦MC:zagrażające poronienie⟧, zalecenie leżenia. Lekarz: dr ⟦P:Kubiak⟧. Leki: ⟦MED:Duphaston⟧. Mój numer: ⟦T:692 418 305⟧.
""",
)
add(
    "pii",
    "pl",
    "karta-duzej-rodziny",
    "markdown-table",
    """
Składam wniosek o Kartę Dużej Rodziny. Czy mogę dopisać pasierba? Tak wygląda tabela członków rodziny:

| Imię i nazwisko | PESEL | Data urodzenia | Stopień pokrewieństwa |
|---|---|---|---|
| ⟦P:Tomasz Zieliński⟧ | ⟦ID@PL:79110286097⟧ | ⟦DOB:02.11.1979⟧ | wnioskodawca |
| ⟦P:Agata Zielińska⟧ | ⟦ID@PL:83041714309⟧ | ⟦DOB:17.04.1983⟧ | żona |
| ⟦P:Igor Zieliński⟧ | ⟦ID@PL:10290591038⟧ | ⟦DOB:05.09.2010⟧ | syn |
| ⟦P:Hanna Zielińska⟧ | ⟦ID@PL:14212847960⟧ | ⟦DOB:28.01.2014⟧ | córka |
| ⟦P:Kuba Maj⟧ | ⟦ID@PL:08321284473⟧ | ⟦DOB:12.12.2008⟧ | syn żony (⟦MC:autyzm⟧, orzeczenie o niepełnosprawności) |
Adres: ⟦A:ul. Lipowa 9, 26-600 Radom⟧, tel. ⟦T:604 772 913⟧
""",
)
add(
    "pii",
    "pt",
    "atestado-multiusos-incapacidade",
    "prose",
    """
Ajuda-me a escrever o requerimento para a junta médica do atestado multiúso da minha mãe. Tom formal, por favor.

Requerente: ⟦P:Maria Fernanda Teixeira Lopes⟧, nascida a ⟦DOB:19 de julho de 1952⟧, Cartão de Cidadão ⟦ID@PT:75254664 0 RZ2⟧, NIF ⟦ID@PT:104858346⟧, residente na ⟦A:Rua de Cedofeita 411, 3.º Esq., 4050-181 Porto⟧. Doenças: ⟦MC:doença de Alzheimer⟧ em fase moderada, ⟦MC:insuficiência cardíaca⟧ e ⟦MC:diabetes tipo 2⟧ insulinotratada (⟦MED:Lantus⟧). Contacto: filho ⟦P:Ricardo Lopes⟧, ⟦T:913 204 685⟧.
""",
)
add(
    "pii",
    "pt",
    "cadastro-cartao-sus",
    "form",
    """
Fui fazer o Cartão SUS para o meu sogro e a moça anotou assim. Tem algum erro? O CPF dele estava na carteira antiga.

Nome: ⟦P:Sebastião Ferreira da Silva⟧
Nome da mãe: ⟦P:Raimunda Ferreira da Silva⟧
Data de nascimento: ⟦DOB:03/10/1947⟧
CPF: ⟦ID@BR:563.094.996-96⟧
Endereço: ⟦A:Rua Padre Anchieta, 275, casa 2, Bairro São José, Recife - PE, 50020-300⟧
Telefone: ⟦T:+55 81 98847-2016⟧
Observações: ⟦MC:Doença de Chagas⟧ (cardiopatia), usa ⟦MED:amiodarona⟧ e marca-passo
""",
)
add(
    "pii",
    "sv",
    "flyttanmalan-skatteverket",
    "prose",
    """
Kan du förklara vad jag ska svara på frågan "Flyttar fler personer med dig?" i flyttanmälan? Här är vår situation:

Jag, ⟦P:Johanna Lindqvist⟧ (⟦ID@SE:920803-7706⟧), flyttar den 1 juni från ⟦A:Vasagatan 12 lgh 1102, 411 24 Göteborg⟧ till ⟦A:Storgatan 5B, 972 38 Luleå⟧ tillsammans med min sambo ⟦P:Oskar Nilsson⟧ och hans dotter ⟦P:Elsa⟧ (7 år, född ⟦DOB:2018-03-21⟧), som bor hos oss varannan vecka. ⟦P:Oskars⟧ personnummer är ⟦ID@SE:891230-8718⟧. Mitt nummer: ⟦T:070-482 19 36⟧.
""",
)
add(
    "pii",
    "sv",
    "lss-personlig-assistans",
    "prose",
    """
Vi ska söka personlig assistans enligt LSS för vår son. Skriv om det här så att det beskriver hans behov på ett sakligt sätt:

⟦P:Viktor Åberg⟧, född ⟦DOB:9 oktober 2012⟧, har ⟦MC:Duchennes muskeldystrofi⟧ och använder elrullstol. Han behöver hjälp med förflyttning, toalettbesök och vändning på natten. Han får ⟦MED:Deflazacort⟧ och andningsstöd (BiPAP) nattetid. Vi bor på ⟦A:Granvägen 14, 352 46 Växjö⟧. Kontakt: mamma ⟦P:Lina Åberg⟧, ⟦T:073-915 40 62⟧, ⟦E:lina.aberg@smalandspost.example⟧.
""",
)
add(
    "pii",
    "da",
    "boligstoette-ansoegning",
    "form",
    """
Jeg søger boligstøtte for første gang. Tjek venligst om jeg har udfyldt husstandsoplysningerne rigtigt:

Ansøger: ⟦P:Nanna Kjærgaard⟧, CPR ⟦ID@DK:110499-3108⟧
Adresse: ⟦A:Nørrebrogade 188, 3. th., 2200 København N⟧
Husleje: 7.450 kr./md.
Andre i husstanden: ⟦P:Ahmad Rahimi⟧ (samlever), CPR ⟦ID@DK:021097-0855⟧
Telefon: ⟦T:42 71 93 08⟧
Særlige forhold: ⟦P:Ahmad⟧ er på SU og har ⟦MC:sklerose⟧
""",
)
add(
    "pii",
    "da",
    "tilmelding-sprogskole",
    "prose",
    """
Min kollega fra Grækenland skal tilmeldes danskuddannelse. Kan du hjælpe med at skrive en mail til sprogcentret?

Hej, jeg skriver på vegne af min kollega ⟦P:Eleni Papageorgiou⟧, som er født ⟦DOB:2. marts 1990⟧ og har dansk CPR-nummer ⟦ID@DK:020390-0330⟧. Hun bor på ⟦A:Vesterbro 44, 1. sal, 9000 Aalborg⟧ og kan træffes på ⟦T:+45 52 18 47 90⟧. Hun har ⟦MC:høretab⟧ på venstre øre og ønsker at sidde forrest. Hendes græske AMKA er ⟦ID@GR:02039050105⟧, hvis I skal bruge det.
""",
)
add(
    "pii",
    "no",
    "startlan-husbanken",
    "form",
    """
Vi søker startlån i kommunen. Hva betyr "egenkapital" her, og bør vi legge ved legeerklæringen?

Søker 1: ⟦P:Kristoffer Eide⟧, fødselsnummer ⟦ID@NO:18059334383⟧, mobil ⟦T:915 40 283⟧
Søker 2: ⟦P:Amalie Sørhus⟧, fødselsnummer ⟦ID@NO:26119535270⟧, mobil ⟦T:477 12 905⟧
Nåværende adresse: ⟦A:Kirkegata 15, 7013 Trondheim⟧
Kontonummer: ⟦ACC:1503.42.81760⟧
Annet: ⟦P:Amalie⟧ er ufør 50 % pga. ⟦MC:fibromyalgi⟧
""",
)
add(
    "pii",
    "no",
    "grunnstonad-soknad",
    "prose",
    """
Kan du skrive en begrunnelse til NAV for grunnstønad? Det gjelder ekstrautgifter til fordyrende kosthold.

Jeg søker for min sønn ⟦P:Sander Bakke-Nilsen⟧, født ⟦DOB:14.09.2015⟧, som har ⟦MC:cøliaki⟧ og ⟦MC:melkeproteinallergi⟧. Glutenfri og melkefri mat koster oss ca. 2 500 kr ekstra i måneden. Han bruker også ⟦MED:Lactulose⟧ daglig. Vi bor i ⟦A:Hellandsvegen 3, 5520 Haugesund⟧. Ring meg, ⟦P:Hanne Bakke⟧, på ⟦T:934 27 810⟧.
""",
)
add(
    "pii",
    "fi",
    "omaishoidon-tuki-hakemus",
    "prose",
    """
Auta kirjoittamaan omaishoidon tuen hakemuksen perustelut. Hoidan miestäni kotona.

Hoidettava: ⟦P:Pekka Virtanen⟧, syntynyt ⟦DOB:3.4.1946⟧, henkilötunnus ⟦ID@FI:030446-175N⟧. ⟦P:Pekalla⟧ on ⟦MC:Lewyn kappale -tauti⟧ ja ⟦MC:ortostaattinen hypotensio⟧; hän kaatuilee ja tarvitsee apua peseytymisessä ja lääkkeissä (⟦MED:rivastigmiini⟧-laastari, ⟦MED:midodriini⟧). Omaishoitaja: ⟦P:Raija Virtanen⟧, ⟦T:044 512 7739⟧. Osoite: ⟦A:Puistokatu 9 A 3, 40100 Jyväskylä⟧.
""",
)
add(
    "pii",
    "fi",
    "tyottomyysilmoitus-te-palvelut",
    "form",
    """
Teen työttömyysilmoitusta. Onko tämä terveydentilaa koskeva kohta pakko täyttää? Tässä mitä olen kirjoittanut:

Nimi: ⟦P:Mikko Heikkinen⟧
Henkilötunnus: ⟦ID@FI:071284-707N⟧
Osoite: ⟦A:Kalevankatu 31 C 22, 00100 Helsinki⟧
Puhelin: ⟦T:050 471 9308⟧
Sähköposti: ⟦E:mikko.heikkinen@postilaatikko.example⟧
Terveydentila: ⟦MC:uupumus⟧ ja ⟦MC:uniapnea⟧, CPAP-hoito; ei estä kokoaikatyötä
Tilinumero: ⟦IBAN:FI33 2595 1320 5029 15⟧
""",
)
add(
    "pii",
    "cs",
    "prispevek-na-peci",
    "prose",
    """
Potřebuji napsat žádost o příspěvek na péči pro maminku. Udělej z toho úřední text, prosím.

Žadatelka: ⟦P:Jaroslava Nováková⟧, nar. ⟦DOB:12. července 1938⟧, r. č. ⟦ID@CZ:385712/825⟧, bytem ⟦A:Masarykova 418/17, 370 01 České Budějovice⟧. Maminka má ⟦MC:Alzheimerovu chorobu⟧ a po ⟦MC:zlomenině krčku stehenní kosti⟧ chodí jen s chodítkem. Užívá ⟦MED:Donepezil⟧ a ⟦MED:Warfarin⟧. Pečuje o ni dcera ⟦P:Ivana Procházková⟧ (⟦T:736 418 259⟧, ⟦E:ivana.prochazkova@jihomail.example⟧).
""",
)
add(
    "pii",
    "cs",
    "rekvalifikace-urad-prace",
    "form",
    """
Hlásím se na rekvalifikační kurz účetnictví přes úřad práce. Je tahle přihláška v pořádku? Kolega je ze Slovenska.

Uchazeč 1: ⟦P:Lukáš Černý⟧, r. č. ⟦ID@CZ:900214/9277⟧, ⟦A:Vinohradská 1511/230, 100 00 Praha 10⟧, ⟦T:+420 777 318 604⟧
Uchazeč 2: ⟦P:Martin Kováč⟧, r. č. ⟦ID@SK:871023/2542⟧, ⟦A:Na Pankráci 58, 140 00 Praha 4⟧, ⟦T:+421 905 284 716⟧
Zdravotní omezení (⟦P:Lukáš⟧): ⟦MC:epilepsie⟧, nesmí pracovat ve výškách
""",
)
add(
    "pii",
    "hu",
    "csok-plusz-igenyles",
    "form",
    """
CSOK Pluszt igénylünk. Átnéznéd, hogy jól töltöttük-e ki az adatlapot? A feleségem horvát állampolgár.

Igénylő 1: ⟦P:Horváth Bence⟧, született ⟦DOB:1993. február 8.⟧, anyja neve: ⟦P:Szilágyi Katalin⟧
Igénylő 2: ⟦P:Ana Horváth⟧ (szül. ⟦P:Ana Jurić⟧), született ⟦DOB:1995. június 30.⟧, OIB ⟦ID@HR:84253500635⟧
Lakcím: ⟦A:9021 Győr, Baross Gábor út 27. 2. em. 6.⟧
Telefon: ⟦T:+36 20 418 7352⟧
E-mail: ⟦E:horvath.bence@kisalfold.example⟧
Gyermekek: ⟦P:Horváth Lili⟧ (2021)
""",
)
add(
    "pii",
    "hu",
    "kozgyogyellatas-igazolvany",
    "prose",
    """
Segíts megírni a közgyógyellátási igazolvány iránti kérelmet az apósomnak! Hivatalos hangnemben.

⟦P:Fekete Józsefnek⟧ (született ⟦DOB:1944. október 12.⟧, TAJ: ⟦ACC:073 418 526⟧) ⟦MC:2-es típusú cukorbetegsége⟧, ⟦MC:szívelégtelensége⟧ és ⟦MC:glaukómája⟧ van. Havi gyógyszerköltsége 28 000 Ft (⟦MED:Jardiance⟧, ⟦MED:Xalatan⟧ szemcsepp, ⟦MED:Furon⟧). Lakcím: ⟦A:4025 Debrecen, Piac utca 54. 1/3⟧. Elérhetőség: ⟦T:+36 30 682 4915⟧ (menye, ⟦P:Fekete Anikó⟧).
""",
)
add(
    "pii",
    "ro",
    "inmatriculare-auto",
    "form",
    """
Vreau să înmatriculez mașina cumpărată din Germania. Verifică cererea, te rog, și spune-mi ce acte mai trebuie.

Solicitant: ⟦P:Bogdan Ionuț Dragomir⟧
CNP: ⟦ID@RO:1890522127468⟧
Domiciliu: ⟦A:Str. Fântânele nr. 14, bl. 3, sc. A, et. 2, ap. 9, 400294 Cluj-Napoca⟧
Telefon: ⟦T:0744 215 903⟧
E-mail: ⟦E:bogdan.dragomir@transilvamail.example⟧
Vehicul: VW Golf VII, VIN WVWZZZAUZFW118472
""",
)
add(
    "pii",
    "ro",
    "inscriere-medic-de-familie",
    "prose",
    """
Scrie-mi, te rog, un mesaj politicos pentru cabinetul medicului de familie, că vreau să mă înscriu cu fiica mea.

Mă numesc ⟦P:Alina Popescu⟧, CNP ⟦ID@RO:2910903465124⟧, locuiesc pe ⟦A:Bd. Iuliu Maniu nr. 7, bl. 12, ap. 45, sector 6, București⟧. Fiica mea, ⟦P:Sofia Popescu⟧, are 4 ani și ⟦MC:astm bronșic⟧, folosește ⟦MED:Flixotide⟧. Eu am ⟦MC:hipotiroidism⟧ și iau ⟦MED:Euthyrox⟧. Telefon: ⟦T:0723 508 164⟧.
""",
)
add(
    "pii",
    "tr",
    "askerlik-tecil-dilekcesi",
    "prose",
    """
Askerlik şubesine yurt dışında çalıştığım için döviz ile askerlik başvurusu yapacağım. Dilekçemi düzeltir misin?

Adım ⟦P:Burak Aydoğan⟧, T.C. kimlik no ⟦ID@TR:82845281974⟧, doğum tarihi ⟦DOB:14.02.1994⟧. 2019'dan beri Almanya'da çalışıyorum, adresim ⟦A:Goebenstraße 22, 50672 Köln⟧. Türkiye'deki adresim ⟦A:Kazım Dirik Mahallesi 372. Sokak No: 8 Daire: 4, Bornova, İzmir⟧. ⟦MC:Astım⟧ raporum var, ⟦MED:Symbicort⟧ kullanıyorum. Telefon: ⟦T:+49 1573 4829106⟧, e-posta ⟦E:burak.aydogan@ruhrmail.example⟧. Bedeli kredi kartımla ödeyeceğim: ⟦CC:4628 3248 3012 7492⟧.
""",
)
add(
    "pii",
    "tr",
    "sgk-emeklilik-basvurusu",
    "form",
    """
Babamın emeklilik başvurusu için SGK formu bu. Eksik bir şey var mı, hangi belgeleri eklemeliyiz?

Sigortalının Adı Soyadı: ⟦P:Hüseyin Çelik⟧
T.C. Kimlik No: ⟦ID@TR:19804372824⟧
Doğum Tarihi: ⟦DOB:1 Ocak 1962⟧
Adres: ⟦A:Yenişehir Mahallesi Gazi Bulvarı No: 41 D: 12, Akdeniz, Mersin⟧
Telefon: ⟦T:0533 702 18 46⟧
IBAN: ⟦IBAN:TR87 0890 1025 9931 6984 4746 44⟧
Not: ⟦P:Hüseyin⟧ Bey'in ⟦MC:koroner arter hastalığı⟧ var, bypass oldu.
""",
)
add(
    "pii",
    "el",
    "paraptemptiko-kardiologo",
    "prose",
    """
Μπορείς να μου γράψεις ένα σύντομο μήνυμα για το ιατρείο του καρδιολόγου, για να κλείσω ραντεβού για τη μητέρα μου;

Η μητέρα μου, ⟦P:Αικατερίνη Παπαδοπούλου⟧, γεννήθηκε στις ⟦DOB:17 Μαρτίου 1949⟧, ΑΜΚΑ ⟦ID@GR:17034979017⟧. Έχει ⟦MC:κολπική μαρμαρυγή⟧ και ⟦MC:υπέρταση⟧ και παίρνει ⟦MED:Xarelto⟧ και ⟦MED:Concor⟧. Ο γιατρός της, ο κ. ⟦P:Σταματόπουλος⟧, της έδωσε παραπεμπτικό για υπέρηχο καρδιάς. Μένουμε στην ⟦A:Οδό Εγνατίας 128, 546 30 Θεσσαλονίκη⟧. Τηλέφωνο: ⟦T:+30 694 718 2053⟧.
""",
)
add(
    "pii",
    "el",
    "aitisi-epidomatos-stegasis",
    "form",
    """
Συμπληρώνω την αίτηση για επίδομα στέγασης. Μπορείς να ελέγξεις αν τα στοιχεία είναι σωστά γραμμένα;

Ονοματεπώνυμο: ⟦P:Γεώργιος Νικολάου⟧
ΑΦΜ: ⟦ID@GR:119362388⟧
ΑΜΚΑ: ⟦ID@GR:05118766954⟧
Ημερομηνία γέννησης: ⟦DOB:05/11/1987⟧
Διεύθυνση: ⟦A:Λεωφόρος Αλεξάνδρας 94, 114 73 Αθήνα⟧
Κινητό: ⟦T:697 305 8164⟧
Email: ⟦E:g.nikolaou@athensmail.example⟧
IBAN: ⟦IBAN:GR95 4467 6374 8442 4459 6253 116⟧
""",
)
add(
    "pii",
    "et",
    "perearsti-nimistu-avaldus",
    "prose",
    """
Palun aita mul kirjutada lühike avaldus, et ma tahan end ja oma poega uue perearsti nimistusse registreerida.

Mina olen ⟦P:Kadri Tamm⟧, isikukood ⟦ID@EE:48508140435⟧, elan aadressil ⟦A:Tartu mnt 63-17, 10115 Tallinn⟧. Minu poeg ⟦P:Rasmus Tamm⟧ on sündinud ⟦DOB:3. mail 2016⟧, isikukood ⟦ID@EE:51605030550⟧. ⟦P:Rasmusel⟧ on ⟦MC:atoopiline dermatiit⟧ ja ta kasutab ⟦MED:Elocom⟧ kreemi. Telefon ⟦T:+372 5312 8840⟧, e-post ⟦E:kadri.tamm@eestipost.example⟧.
""",
)
add(
    "pii",
    "lt",
    "gyvenamosios-vietos-deklaravimas",
    "form",
    """
Padėkite patikrinti, ar teisingai užpildžiau gyvenamosios vietos deklaravimo prašymą:

Vardas, pavardė: ⟦P:Rūta Kazlauskienė⟧
Asmens kodas: ⟦ID@LT:48307251866⟧
Gimimo data: ⟦DOB:1983-07-25⟧
Nauja gyvenamoji vieta: ⟦A:Savanorių pr. 176-12, LT-03154 Vilnius⟧
Telefonas: ⟦T:+370 612 48305⟧
El. paštas: ⟦E:ruta.kazlauskiene@pastas.example⟧
Kartu deklaruojamas vaikas: ⟦P:Jonas Kazlauskas⟧, a. k. ⟦ID@LT:51202097446⟧
""",
)
add(
    "pii",
    "lv",
    "dzivokla-pabalsta-pieteikums",
    "form",
    """
Lūdzu, pārbaudi, vai mans pieteikums mājokļa pabalstam ir aizpildīts pareizi:

Vārds, uzvārds: ⟦P:Ilze Ozoliņa⟧
Personas kods: ⟦ID@LV:191076-14329⟧
Adrese: ⟦A:Brīvības iela 147 - 21, Rīga, LV-1012⟧
Tālrunis: ⟦T:+371 2914 8357⟧
E-pasts: ⟦E:ilze.ozolina@rigamail.example⟧
Ģimenes locekļi: dēls ⟦P:Artūrs Ozoliņš⟧ (15 g.)
Piezīmes: man ir ⟦MC:cukura diabēts⟧, lietoju ⟦MED:insulīnu⟧
""",
)

# ---------------------------------------------------------------------------
# group cred
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "alertmanager-receivers-yaml",
    "yaml",
    """
Alertmanager reloads fine but nothing reaches PagerDuty. Is my route tree wrong, or the receiver?

global:
  smtp_smarthost: mail.hollowbrook.example:587
  smtp_auth_username: alerts
  smtp_auth_password: "⟦S:Bramble-Quartz-7731⟧"
  opsgenie_api_key: ⟦K:77bb740b-8dd5-44f7-b69d-3dd5b82b5b75⟧
route:
  receiver: oncall
  group_by: [alertname, cluster]
  routes:
    - matchers: [severity="critical"]
      receiver: pager
receivers:
  - name: oncall
    email_configs:
      - to: ⟦E:niamh.oconnell@hollowbrook.example⟧
  - name: pager
    pagerduty_configs:
      - routing_key: ⟦K:01df70f8c6c613973fd46f8522e14452⟧
""",
)
add(
    "cred",
    "en",
    "gitea-app-ini",
    "ini",
    """
After upgrading Gitea to 1.22 every user is logged out and webhooks fail with "invalid token". Did the [security] section change? Here's app.ini (trimmed):

[database]
DB_TYPE  = postgres
HOST     = 127.0.0.1:5432
NAME     = gitea
USER     = gitea
PASSWD   = ⟦S:Velvet!Orchard_2291⟧

[security]
INSTALL_LOCK   = true
SECRET_KEY     = ⟦S:LpC8KvjfzDxS4YEMzWjuD3lNuqdvdAvcokcBqHMPtYZVGLT56RSkz11yvUNpLF77⟧
INTERNAL_TOKEN = ⟦S:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYmYiOjE3MTgyMzY4MDB9.43uPQtXz6BoTSXZRYA9pp1OZzC2vyRRWHzXR8rWRif5⟧

[server]
LFS_JWT_SECRET = ⟦S:oRgEqrljtUD0SzF-qbgb6t5v6ZUYmriJ0iw1SE4Rkfg⟧

[mailer]
ENABLED = true
SMTP_ADDR = smtp.fastmail.com
USER = ⟦E:oskar.brenner@quillfeather.example⟧
PASSWD = ⟦S:m4yw1989ph23tist⟧
""",
)
add(
    "cred",
    "en",
    "mastodon-env-production",
    "env",
    """
My Mastodon instance sends no emails since I moved it to a new VPS. Sidekiq shows "535 Authentication failed". What should I check in .env.production?

LOCAL_DOMAIN=toot.cobblestone.example
REDIS_HOST=localhost
DB_HOST=/var/run/postgresql
DB_USER=mastodon
DB_PASS=⟦S:Thimble-Gorse-4480⟧
SECRET_KEY_BASE=⟦S:af709795b0af7681355c325bfdc245fc9b5f0413f353bf07774cc2bfef939ed1de131dd66c6b5c34e76d32925e6b40b52acfd2d789ae03ed7ff71bc008c0bc9c⟧
OTP_SECRET=⟦S:ed6e22f099fefc61063eb215cfcf88e9eec10246817bafafceb0b8fda31c881594b6ae7e14a75346f4d5296cc668c162b9995ec52aa01d2c42c50711a7beb7f6⟧
VAPID_PRIVATE_KEY=⟦S:llGdC7VyvHOBXKI_RFS6gPgk6z2b7RTwaAXudrrqXEE⟧
VAPID_PUBLIC_KEY=BOb3QpyVNr2b5yD2xHkL6sYzq0Xc1aQ8vRtE9pWmN4uJfG7hKiLoP3sA5dF2gHjK9lZxC8vB1nM0qW4eR6tY7uI
SMTP_SERVER=smtp-relay.brevo.com
SMTP_LOGIN=⟦E:ewan.mcleod@cobblestone.example⟧
SMTP_PASSWORD=⟦K:xsmtpsib-d455aa0d4cc64973e655880f38493c8f8899c89967a131eb9395b69ae8257e48-F1T3VObMlAv2yB1b⟧
""",
)
add(
    "cred",
    "en",
    "synapse-homeserver-yaml",
    "yaml",
    """
Element says "Registration has been disabled" even though I want invite-only registration with a shared secret. Which of these settings is wrong?

server_name: "matrix.fernhill.example"
enable_registration: false
registration_shared_secret: "⟦S:QT9LvPQwTM2siMe04hd94SyuFRj57N3CoqgGt3OUPiKc21AB⟧"
macaroon_secret_key: "⟦S:ZwnQOPM1pji1yOu3topYgkE0nySCAfA1s770y9h0zNXLM59h⟧"
form_secret: "⟦S:lkpkkjZWEUPWLiOa1ZJgPHWEzu54jQGD4TD0LRrqAtDFfogt⟧"
database:
  name: psycopg2
  args:
    user: synapse
    password: "⟦S:Lichen_Ferry-5512⟧"
    database: synapse
    host: localhost
signing_key_path: "/data/matrix.fernhill.example.signing.key"
""",
)
add(
    "cred",
    "en",
    "fly-secrets-set-command",
    "command",
    """
I set the secrets like this and redeployed, but the research agent still says "missing TAVILY_API_KEY". Does `fly secrets set` need a restart?

$ fly secrets set -a scout-agent \\
    PERPLEXITY_API_KEY=⟦K: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⟧ \\
    TAVILY_API_KEY=⟦K: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⟧ \\
    FIRECRAWL_API_KEY=⟦K:fc-e860c016da8b5cd6f8add7407bb25305⟧
Release v41 created
$ fly secrets list -a scout-agent
NAME                    DIGEST                  CREATED AT
FIRECRAWL_API_KEY       3c1a9d0e2b7f4c55        1m ago
PERPLEXITY_API_KEY      a07e51f9c2d84b16        1m ago
""",
)
add(
    "cred",
    "en",
    "nomad-job-hcl-template",
    "code",
    """
The Nomad allocation starts but the app can't reach Postgres: "password authentication failed". Is the template block rendering the env file before the task starts?

job "ledgerline-api" {
  datacenters = ["eu-west"]
  group "api" {
    task "server" {
      driver = "docker"
      config { image = "registry.ledgerline.example/api:3.4.1" }
      template {
        destination = "secrets/app.env"
        env         = true
        data        = <<EOH
DATABASE_URL=postgresql://ledger_api:⟦S:Granite_Heron-82⟧@10.8.0.21:5432/ledger
HONEYCOMB_API_KEY=⟦K:hcaik_t8jkj2lbfblvc4vtzb8jzjon3jhathzlc00da5xtyv9wt1j1l7w6pfwn7a⟧
EOH
      }
      template {
        destination = "secrets/tls.key"
        data        = <<EOK
⟦PK:-----BEGIN PRIVATE KEY-----
MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDAv4xzDXZNFFcMsiH5e
pqtRuWGhGAE9id00vjC3iIMWha4gvObDZ2Ji24fQzNYfitGhZANiAATHUdBfiD69
+VjbpkPhagYzkdBufbM9Cqse6gQcNxl9AZVstClFOFc86hsi+bqYMKATJafwP20C
Fp3whJDMYbBN7Yf96Fg44IYS+9y7uFq6DH0BBVS56E/3VuZCVgMcgWk=
-----END PRIVATE KEY-----⟧
EOK
      }
    }
  }
}
""",
)
add(
    "cred",
    "en",
    "caddyfile-porkbun-dns",
    "code",
    """
Caddy fails to get a wildcard certificate: "solving challenges: presenting for challenge: adding temporary record". Is my Caddyfile right for the Porkbun DNS module?

*.tinkerhaus.example {
	tls {
		dns porkbun {
			api_key ⟦K:pk1_751ffce90941fb3a6d986fd82335893539467e56d21b7d394e6e305ed27957db⟧
			api_secret_key ⟦K:sk1_81466140936760499497992a47ecbf86ec37dfc0040551f72501e2dfee41fa41⟧
		}
	}
	@grafana host grafana.tinkerhaus.example
	handle @grafana {
		reverse_proxy 127.0.0.1:3000
	}
}
""",
)
add(
    "cred",
    "en",
    "prometheus-remote-write-grafana-cloud",
    "yaml",
    """
Remote write to Grafana Cloud returns 401. Username is the numeric instance ID, password is an access-policy token — did I indent basic_auth wrong?

global:
  scrape_interval: 30s
remote_write:
  - url: https://prometheus-prod-24-prod-eu-west-2.grafana.net/api/prom/push
    basic_auth:
      username: 1834402
      password: ⟦K:glc_w5A11wJ9wcsrrCGY/mHn2t5GHRwkMEM2iRa5Rk+ZQkhaKMIiwVaImdG8KZQZ8VT2IooAZVbxQCgCdH2TO7DaGXFVGmWJ1/YctJPlnax3PreVyWVWn4Ev9zEv==⟧
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ["localhost:9100"]
""",
)
add(
    "cred",
    "en",
    "telegraf-conf-influxdb",
    "ini",
    """
Telegraf logs "E! [outputs.influxdb_v2] When writing to [https://eu-central-1-1.aws.cloud2.influxdata.com]: 401 Unauthorized". What's wrong?

[agent]
  interval = "10s"
  hostname = "greenhouse-pi"

[[outputs.influxdb_v2]]
  urls = ["https://eu-central-1-1.aws.cloud2.influxdata.com"]
  token = "⟦K:ZjTCESvyLWlc_4wN1QyIQvYWmCedXNYJjh_BDqfrtU-lkIWQtmKFElEbofUciuI7jUhgqgTwpTjN4vC0ajma3z==⟧"
  organization = "greenhouse"
  bucket = "sensors"

[[inputs.mqtt_consumer]]
  servers = ["tcp://127.0.0.1:1883"]
  topics = ["greenhouse/#"]
  username = "telegraf"
  password = "⟦S:Seedling^Tray-3390⟧"
""",
)
add(
    "cred",
    "en",
    "haproxy-userlist-stats",
    "code",
    """
HAProxy rejects the config with "parsing [haproxy.cfg:14]: unknown keyword 'insecure-password'". Here's the relevant part:

userlist ops_users
    user ⟦U:jdonnelly⟧ insecure-password ⟦S:Ferret&Kiln-4412⟧
    user ⟦U:mbakare⟧ insecure-password ⟦S:Pylon.Sorrel.77⟧

listen stats
    bind :8404
    stats enable
    stats uri /stats
    stats auth admin:⟦S:Cobalt_Wren_2024⟧

backend app
    acl authorized http_auth(ops_users)
    http-request auth realm ops if !authorized
    server app1 10.0.3.11:8080 check
""",
)
add(
    "cred",
    "en",
    "composer-auth-json",
    "json",
    """
`composer install` on the build server asks for GitHub credentials even though auth.json is there. Is it in the right place and format?

{
    "github-oauth": {
        "github.com": "⟦K: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⟧"
    },
    "http-basic": {
        "repo.packagist.com": {
            "username": "token",
            "password": "⟦K:a57125c4f031a64853c2b00f8f079658dd3e20c4⟧"
        }
    },
    "bitbucket-oauth": {
        "bitbucket.org": {
            "consumer-key": "⟦K:pLjeyKSvW7x7dQZWhN⟧",
            "consumer-secret": "⟦K:mJhqufRNWrhG2PtLXAXO0iG08uyxLTbq⟧"
        }
    }
}
""",
)
add(
    "cred",
    "en",
    "cargo-credentials-yarnrc",
    "command",
    """
`cargo publish` says "the token is not valid" and `yarn npm publish` says 401. I think I swapped them. Can you tell?

$ cat ~/.cargo/credentials.toml
[registry]
token = "⟦K:ciomb5Iw6Xu3Ic5QjkgCAM0YeHxe8UUJMoz⟧"
$ cat .yarnrc.yml
nodeLinker: node-modules
npmScopes:
  lanternfish:
    npmRegistryServer: "https://registry.npmjs.org"
    npmAuthToken: "⟦K:npm_jzyNdL4qSiSdaiahhVPrpTh4LmC6430o2HVI⟧"
""",
)
add(
    "cred",
    "en",
    "wpa-supplicant-conf",
    "code",
    """
My Raspberry Pi joins the home network but not the office one (WPA2-Enterprise, EAP-TLS with a client certificate). Is the second block right, and does wpa_supplicant accept an encrypted PKCS#8 key?

ctrl_interface=DIR=/var/run/wpa_supplicant GROUP=netdev
country=GB

network={
    ssid="Harrowgate_Home"
    psk="⟦S:plum-tuesday-kettle-92⟧"
    priority=2
}

network={
    ssid="CoWork-Secure"
    key_mgmt=WPA-EAP
    eap=TLS
    identity="⟦E:tom.ashcroft@coworkhub.example⟧"
    ca_cert="/etc/certs/cowork-ca.pem"
    client_cert="/etc/certs/tom.crt"
    private_key="/etc/certs/tom.key"
    private_key_passwd="⟦S:Quince-Harbour-Lamp-61⟧"
}

$ cat /etc/certs/tom.key
⟦PK:-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIC3TBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI5dXc0L4CZjoCAggA
MAwGCCqGSIb3DQIJBQAwHQYJYIZIAWUDBAEqBBBnzhR6AGZyLC/pTlI9gpUqBIIC
gM071+v6LrYkoVL89ACFz0OfiSiLObVmmb2F7n6d5ym/7K5bjTxTeossoZTNLifp
lgfA1DDl124oXJPFy8x4J5Qyf341XjccJP52Jd1cWhykVZL3/XKTtSp6c3agNIsI
i3P2i6K8Ba/UyOlVDF23yVkqfAjjTgXlPuF+gSBFUIS2jVsYdlE/p4Awk0egvp16
Ev/tUjSfDuZn3IXwJsi+zEmgRvaecWiUSPjct2NVPdfMxTqvAHaAe4Ct1+YS36jf
Opqgp2P2xpUjrbvZuofURAjYqMLdMOEM7IjFiryaYlpjlbzf3mzhxnLellBXniSK
GTqFp2Otvx/P/eO/keZM9KwOlRbaH3+qTbXeh24Ab1MId+M3OQWiken+9mS9Wfwj
wRMAnkTl1zYx3YE66gCyTJSciFiWTJL6Kt3sac7dpEG0KfBsbMaKs7KK4BrynpO9
l4XM8DC6Cllqt6hXN8YBaO5BrISWLdr9jEy0NP5+Vt8b5SvJ7+2bZr72a6ZduTNG
km/Zk6U7SZUzdqu3BFO5Vt73tbqZVrLXnrZ8WD9y77XSrvONfAG96ZtCAA3N0fxH
lQpADkM2sQfFuVDZlgx0uLcC8u1pfDYD5TzNfLGP1G3plu6QC9f7zSkcJZX5JCJS
mZtphH3++NW6p+7BoLsRh7FZnq9TGNe0IWz8iOwitee1gX4RFvDyItW1494IkvhK
gxQBPIlkq3JrBaMSyOhJJ8btjGkapn4dv7XWrhhK+exlN2cCvQ5OSTfZezQ27/fR
vwXEYSqhQYxr3vmauLQKpwddJ8ga5Tk2048XGpI/jdRf2ip+FPs8lWi/paUxpM1w
7jl5a3+xQomFO+KSyHK/NBk=
-----END ENCRYPTED PRIVATE KEY-----⟧
""",
)
add(
    "cred",
    "en",
    "fstab-cifs-smbcredentials",
    "command",
    """
The NAS share doesn't mount at boot, only when I run `mount -a` by hand. Is it the fstab options?

$ grep cifs /etc/fstab
//192.168.50.10/photos  /mnt/photos  cifs  credentials=/root/.smbcredentials,uid=1000,_netdev  0  0
$ sudo cat /root/.smbcredentials
username=⟦U:priya.n⟧
password=⟦S:Saffron-Kestrel-1187⟧
domain=WORKGROUP
$ sudo cat /etc/davfs2/secrets
https://dav.boxcloud.example/remote.php/dav/files/⟦U:priya.n⟧ ⟦U:priya.n⟧ ⟦S:Lantern_Moth_3306⟧
""",
)
add(
    "cred",
    "en",
    "asterisk-pjsip-conf",
    "ini",
    """
Our small office PBX can't register to the SIP trunk: "401 Unauthorized" in the pjsip logger. Here's pjsip.conf:

[trunk-auth]
type=auth
auth_type=userpass
username=office-trunk
password=⟦S:Vq7!ridge-Tern-2219⟧

[trunk]
type=registration
outbound_auth=trunk-auth
server_uri=sip:sip.voipline.example
client_uri=sip:office-trunk@sip.voipline.example

[1001]
type=auth
auth_type=userpass
username=1001
password=⟦S:1CcNO7tSpRq3Ait5AiXQ⟧
""",
)
add(
    "cred",
    "en",
    "cisco-ios-running-config",
    "code",
    """
Can you review this switch config for security problems before the audit? I know type 7 is weak.

hostname SW-CORE-01
!
enable password 7 ⟦S:6EE20E88CD39A172783152⟧
username netops privilege 15 password 7 ⟦S:54D3D95D18E00A433D80⟧
!
snmp-server community ⟦S:h1llside-R0⟧ RO
snmp-server community ⟦S:Pr1vate-Rw-8842⟧ RW
!
tacacs server TAC1
 address ipv4 10.10.1.5
 key ⟦S:Tacac$-Key-Oriole⟧
!
line vty 0 4
 transport input ssh
""",
)
add(
    "cred",
    "en",
    "proxmox-api-token-http",
    "http",
    """
Why does this Proxmox API call return 401 "no ticket"? I'm using an API token, not a ticket.

GET https://pve01.homelab.example:8006/api2/json/nodes/pve01/qemu
Authorization: PVEAPIToken=terraform@pve!tf-prod=⟦K:ad8647c1-3036-4017-9f03-a07e3bf30ecc⟧
Accept: application/json

### Response
HTTP/1.1 401 no ticket
""",
)
add(
    "cred",
    "en",
    "digital-legacy-letter",
    "prose",
    """
I'm writing a "digital legacy" letter to keep with my will. Can you make it clearer and add headings, but don't change any of the codes?

For ⟦P:Miriam⟧ and ⟦P:Josh⟧: my password manager (1Password) master password is the passphrase ⟦S:copper walrus hides beneath autumn ferns⟧ — all lowercase, spaces included. The Emergency Kit is in the fireproof box; the box's combination is ⟦S:31-07-58⟧. My phone PIN is ⟦S:770412⟧. If 1Password asks for a second factor, use one of these recovery codes: ⟦S:8KQ2-M7ZD⟧, ⟦S:R4TX-91NC⟧, ⟦S:WP6H-3JLE⟧. The Nationwide telephone banking passnumber is ⟦S:582046⟧ and the memorable word is ⟦S:Tobermory⟧. My Gmail is ⟦E:alan.rutherford1958@gmail.example⟧.
""",
)
add(
    "cred",
    "de",
    "steuerkanzlei-zugangsdaten",
    "prose",
    """
Formuliere das bitte als kurze, sachliche E-Mail an unsere Steuerberaterin. Die Zugangsdaten sollen drinbleiben, ich ändere sie danach.

Liebe Frau ⟦P:Kettler⟧, für die Umsatzsteuervoranmeldung: Das Passwort für unsere ELSTER-Zertifikatsdatei lautet ⟦S:Fachwerk-Kranich-1908⟧. Der DATEV-Unternehmen-online-Zugang ist ⟦U:th.wegener⟧ mit dem Kennwort ⟦S:Bauhaus!Dessau_27⟧. Die PIN für den Kartenleser ist ⟦S:092731⟧. Meine Steuer-ID, falls gebraucht: ⟦ID@DE:12 986 579 303⟧. Viele Grüße, ⟦P:Thomas Wegener⟧
""",
)
add(
    "cred",
    "de",
    "nextcloud-config-php",
    "code",
    """
Nextcloud zeigt nach dem Umzug auf den neuen Server "Internal Server Error". Im Log steht etwas von "HMAC mismatch". Hab ich beim Kopieren der config.php was kaputt gemacht?

<?php
$CONFIG = array (
  'instanceid' => 'ocw4xk2p9j1m',
  'passwordsalt' => '⟦S:PXeUvskQCBcBWShQ++qvzLCF09yf/H⟧',
  'secret' => '⟦S:dgDSgnX/DI6Y7UuRf0VgXQoh+8k5L7YaLU1y7U8PvlVyaR7n⟧',
  'trusted_domains' => array (0 => 'cloud.familie-brandt.example'),
  'dbtype' => 'mysql',
  'dbname' => 'nextcloud',
  'dbuser' => 'nc_admin',
  'dbpassword' => '⟦S:Lindenblatt_Sommer-64⟧',
  'mail_smtppassword' => '⟦S:Brief&Taube-2210⟧',
  'objectstore' => array('class' => '\\OC\\Files\\ObjectStore\\S3', 'arguments' => array(
      'key' => '⟦K:AKIAQBYOYQKR2XF998TF⟧', 'secret' => '⟦K:zaH97CX6lDYo0vbIcVLts02pensjNewfY7RljPF6⟧')),
);
""",
)
add(
    "cred",
    "es",
    "sat-efirma-ciec-mensaje",
    "prose",
    """
Ayúdame a escribir un mensaje a mi contadora con lo que me pidió para la declaración anual. Que suene profesional.

Hola ⟦P:Lupita⟧: mi RFC es ⟦ID@MX:GUVA860914LX4⟧ y la contraseña CIEC es ⟦S:Tlaquepaque86⟧. La contraseña de la clave privada de la e.firma (el archivo .key) es ⟦S:Nopal-Azul-2031⟧; los archivos .cer y .key te los mando por WhatsApp aparte. Mi CURP, por si la pide el portal: ⟦ID@MX:GUVA860914HJCZLL00⟧. Saludos, ⟦P:Alejandro Guzmán Villaseñor⟧.
""",
)
add(
    "cred",
    "es",
    "serverless-yml-conekta",
    "yaml",
    """
El deploy con Serverless Framework funciona, pero la lambda de pagos responde 401 de Conekta. ¿Las variables están bien definidas?

service: tienda-pagos
provider:
  name: aws
  runtime: nodejs20.x
  region: us-east-1
  environment:
    # llaves de producción – mover a SSM
    CONEKTA_PRIVATE_KEY: ⟦K:key_cJRBSfUvp3u98U5vg586j3xqA⟧
    MONGO_URI: mongodb+srv://pagos:⟦S:Cenote_Maya-0917⟧@cluster0.x8rqk.mongodb.net/tienda
    SENTRY_DSN: https://⟦K:868bc096b693a1a0ac4ab9a0562633a1⟧@o4507218.ingest.us.sentry.io/4507218
functions:
  cobrar:
    handler: src/cobrar.handler
""",
)
add(
    "cred",
    "fr",
    "identifiants-impots-france-connect",
    "prose",
    """
Mon père (82 ans) m'a dicté ses identifiants au téléphone pour que je fasse sa déclaration de revenus. Peux-tu me faire une fiche propre avec les étapes ?

Son numéro fiscal : ⟦ID@FR:34 11 522 556 197⟧. Le mot de passe impots.gouv, c'est ⟦S:Loire1942!Vouvray⟧ (avec le point d'exclamation). Pour FranceConnect via Ameli, il m'a dit que c'était « ⟦S:bernache-Gironde-77⟧ ». Le code de sa carte bleue, je ne le mets pas. Son adresse mail : ⟦E:jean-claude.marchand@orange.example⟧.
""",
)
add(
    "cred",
    "fr",
    "prestashop-parameters-php",
    "code",
    """
Après la migration de PrestaShop 1.7 vers 8, plus personne ne peut se connecter au back-office. Est-ce que c'est lié au cookie_key ?

<?php return array (
  'parameters' => array (
    'database_host' => '127.0.0.1',
    'database_name' => 'boutique_fromages',
    'database_user' => 'ps_user',
    'database_password' => '⟦S:Comte-Reblochon_36⟧',
    'cookie_key' => '⟦S:pjxZ9D43q4BViqz05SSnNfIp8Gz44cQmD96KgUrH7ZRJasn5I8YF6ckFWfJb4Ivv⟧',
    'cookie_iv' => '⟦S:DXuwPmt6kZo9GDvbLPVgXr9w4agyY11l⟧',
    'new_cookie_key' => '⟦S:def00000f1bdbc57d0e5991bc0474c1434b832da9e85ac5662647868cc707300a8f6110c7ef33b290e6d6ef7465257a94a9a7ed284043e7c60a2a0ec3b54e6b469f73923⟧',
    'ps_caching' => 'CacheMemcache',
  ),
);
""",
)
add(
    "cred",
    "it",
    "registro-elettronico-bancomat",
    "prose",
    """
Scrivi un promemoria chiaro per la babysitter che sta con i ragazzi questa settimana.

Il PIN del bancomat per la spesa è ⟦S:50713⟧ (la carta è nel cassetto della cucina). Per controllare i compiti sul registro elettronico ClasseViva di ⟦P:Tommaso⟧: utente ⟦U:S8241907X⟧, password ⟦S:Gelato_Pistacchio11⟧. Il codice del cancello è ⟦S:2468⟧, mentre quello dell'allarme è ⟦S:9753⟧ seguito dal tasto OFF. La password del Wi-Fi è ⟦S:LaCasaSulLago#22⟧.
""",
)
add(
    "cred",
    "it",
    "quarkus-application-properties",
    "ini",
    """
Il servizio Quarkus non si connette a Kafka in produzione: "SaslAuthenticationException". Puoi controllare le proprietà?

# datasource
quarkus.datasource.username=ordini
quarkus.datasource.password=⟦S:Ravioli#Ligure-551⟧
quarkus.datasource.jdbc.url=jdbc:postgresql://db-prod.interno:5432/ordini
# kafka (Confluent Cloud)
kafka.bootstrap.servers=pkc-921jm.europe-west8.gcp.confluent.cloud:9092
kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="⟦K:71XW4ZZUHJ75BCUQ⟧" password="⟦K:ELoiCiaiHU25lJAtm4iav3pLSPXBjPmzCDdIb9oKHdc2AZzDNOLaLG9GEHTfOA+d⟧";
# CRM
hubspot.token=⟦K:pat-eu1-3bfe38d0-afe8-4a61-b7b8-b2502ec82a58⟧
""",
)
add(
    "cred",
    "nl",
    "moneybird-alarm-overdracht",
    "prose",
    """
Mijn compagnon neemt de administratie over terwijl ik met zwangerschapsverlof ben. Maak er een overzichtelijk lijstje van:

- Moneybird: inloggen met ⟦E:femke@bakkerijdekorenbloem.example⟧, wachtwoord is ⟦S:Krentenbol-Zwolle-31⟧.
- De pincode van de zakelijke pinpas is ⟦S:8046⟧.
- Het alarm van de bakkerij zet je uit met ⟦S:2207⟧; het codewoord voor de meldkamer is "⟦S:roggebrood⟧".
- Wifi in de winkel: ⟦S:KorenbloemGast2024⟧ (voor klanten), ⟦S:Deeg&Oven!achter⟧ (kantoor).
""",
)
add(
    "cred",
    "nl",
    "supervisord-airflow",
    "ini",
    """
Airflow start via supervisord, maar de scheduler crasht met "cryptography.fernet.InvalidToken". Zit het in de environment-regel?

[program:airflow-scheduler]
command=/opt/airflow/venv/bin/airflow scheduler
user=airflow
autorestart=true
environment=AIRFLOW__CORE__FERNET_KEY="⟦S:I8bgrRXn7MA6wiWI2G1c-xr7LCz_rHFOdTuGvYIVE-g=⟧",AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="postgresql+psycopg2://airflow:⟦S:Tulpen_Veld-2025⟧@localhost/airflow",AIRFLOW_CONN_EXACT_ONLINE="http://api:⟦K:XkSTDskOxHuLDDdaUyn6A37MqlNKZ2pq1tfWmuWO⟧@start.exactonline.nl"
stdout_logfile=/var/log/airflow/scheduler.log
""",
)
add(
    "cred",
    "pl",
    "librus-domofon-wiadomosc",
    "prose",
    """
Przepisz to porządnie jako SMS do teściowej, która odbiera dzieci w tym tygodniu.

Kod do domofonu to ⟦S:27#4⟧, a do furtki od podwórka ⟦S:1130⟧. Hasło do Librusa (żeby sprawdzić, co zadali): login ⟦U:9382714u⟧, hasło ⟦S:Pierogi_z_Wisnia7⟧. Jakby było trzeba coś zapłacić, PIN do mojej karty jest ⟦S:6402⟧ — ale wolałabym, żeby mama zadzwoniła. Wi-Fi: ⟦S:MieszkanieNaPradze!⟧.
""",
)
add(
    "cred",
    "pl",
    "fabfile-linode-deploy",
    "code",
    """
Fabric 3 nie łączy się z serwerem: "Authentication failed". Co poprawić w fabfile.py?

import io
import paramiko
from fabric import Connection, task

# tymczasowo na sztywno – TODO przenieść do zmiennych środowiskowych
LINODE_TOKEN = "⟦K:de8a04cf72114473ce125726198d4d8d18a96fabf323bea0a23cbaf345c51a4a⟧"
HASLO_SUDO = "⟦S:Zubr&Bialowieza-1932⟧"
KLUCZ_DEPLOY = '''⟦PK:-----BEGIN PRIVATE KEY-----
MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAL6Q0AURILxUXOJA
+o47ovqUguadYCNWNVXXhEi/miGMDAMc2qiEtqWwza4bUMeXlawf+xcrDB/FxCph
L7FMen/Q2KE8hOy2IGF/eXm7guj/HFGORcM9NGD0EVwV5b8QzWEo3s3HvlCtLbaa
MZUwfhHdIsJAfNb3UJPo3B/1zDfPAgMBAAECgYANTZCn+eUeIImHZd/X1APxmDJ3
JN9UOC1q+6uJZI6+7sbb5MTC5NjXQjtpfxCpjkRtiqH9oQysnyKtjrFEoEEg0j2r
rYgrI/cagR+ORJ/A2kQMrrA3LbRcv6HbW5rOlw3taqBOi4kPDUVDDAY9j9EOa0M5
einKX02TfPGA4Z3AUQJBAN7ufrtwUHEpQ4bJBeDCeBLRzwscxynNofOIZJHMgVd5
InI3NZzuorWnRdL6y4P4lqnmk9rL6QesOGd6+tNEbpcCQQDa1USDqcCT2ZoR3cFY
CWGlWA3bsEtezNdJlH6RkyixL7wxRTazQTzqsZCoQQ0Kxe4BLJWAwk1HxqubEFqf
VV+JAkBp3lL7Crx48QKreL283j2Nmmu7uD/w30HA2I4CG191PgaYvRVN4JoOsFBd
gFKz6pMKPoEKz/lrdmMW6XVCbWYjAkEAhBExyEQqdRBea2npxbfjtmXt9yfuVMhL
JZz4xeKKLGUirpmW6Zf1q65+Hw0jUd0iRpMhpxOckDTWXD8CciaUAQJATDsoKmir
ZqhVpxgvnqx/10KeEr1W2ClvHyNYwndW7/tmAt0+GdgoWoPrvOY7oMSJ6tikvC6/
uyHdVNLIqaH/aA==
-----END PRIVATE KEY-----⟧'''

@task
def deploy(c):
    klucz = paramiko.RSAKey.from_private_key(io.StringIO(KLUCZ_DEPLOY))
    conn = Connection("deploy@172.105.68.14", connect_kwargs={"pkey": klucz, "password": "⟦S:Kaszanka_Grill-48⟧"})
    conn.config.sudo.password = HASLO_SUDO
    conn.run("cd /srv/sklep && git pull && systemctl restart sklep")
""",
)
add(
    "cred",
    "pt",
    "portal-financas-senha-mensagem",
    "prose",
    """
Preciso de mandar isto à minha contabilista. Pode reescrever de forma mais profissional?

Boa tarde, Dra. ⟦P:Helena⟧. O meu NIF é ⟦ID@PT:297115871⟧ e a senha do Portal das Finanças é ⟦S:Azulejo_Sintra1987⟧. Para a Segurança Social Direta a senha é ⟦S:Tasca-do-Ze-44⟧. O código de ativação da Chave Móvel ainda não chegou por carta. Cumprimentos, ⟦P:Duarte Neves⟧ (⟦T:936 217 480⟧).
""",
)
add(
    "cred",
    "pt",
    "pm2-ecosystem-woocommerce",
    "code",
    """
O PM2 arranca a app, mas as encomendas da WooCommerce não sincronizam ("woocommerce_rest_cannot_view"). As chaves estão certas?

// ecosystem.config.js – loja de vinhos
module.exports = {
  apps: [{
    name: "sync-encomendas",
    script: "./dist/index.js",
    env_production: {
      WC_URL: "https://loja.quintadovale.example",
      WC_CONSUMER_KEY: "⟦K:ck_02eca54b02626444ecb105e3fbdc0c50267a88a3⟧",
      WC_CONSUMER_SECRET: "⟦K:cs_b525e704817f7ace83c35f6dd3602e7b44886d72⟧",
      MAILJET_API_KEY: "⟦K:4ad07998742ad922e76377cbef21bbca⟧",
      MAILJET_SECRET_KEY: "⟦K:1593a2000e170e6ff6cefdf58da21365⟧",
    },
  }],
};
""",
)
add(
    "cred",
    "sv",
    "losenfras-backupkoder-meddelande",
    "prose",
    """
Kan du skriva en lapp till min bror som ska sköta min dator medan jag är utomlands? Gör den kort och tydlig.

Datorns lösenord är lösenfrasen ⟦S:kanelbulle mormor seglar till Visby⟧ (med mellanslag). Om Microsoft-kontot frågar efter tvåstegsverifiering finns reservkoderna här: ⟦S:4739 2018⟧, ⟦S:8801 5526⟧, ⟦S:1367 9043⟧. Koden till förrådet i källaren är ⟦S:6159⟧. Routerns adminlösenord är ⟦S:Grävling-Ekorre-19⟧.
""",
)
add(
    "cred",
    "da",
    "eboks-og-kodelaas-besked",
    "prose",
    """
Skriv det her om til en pæn besked til min nabo, som skal tømme postkassen og vande blomster.

Kodelåsen til opgangen er ⟦S:3A71⟧. Nøglen til postkassen hænger i skabet ved døren, og koden til nøgleskabet er ⟦S:0815⟧. Hvis der kommer brev fra kommunen, kan du se det i e-Boks-appen på iPad'en – koden til iPad'en er ⟦S:281947⟧. Wi-Fi: "Baghuset", kode ⟦S:RødGrødMedFløde!7⟧.
""",
)
add(
    "cred",
    "no",
    "sssd-conf-ldap",
    "ini",
    """
Brukerne får ikke logget inn på de nye Linux-serverne via LDAP. Er det noe feil i sssd.conf?

[sssd]
services = nss, pam
domains = fjordnett.example

[domain/fjordnett.example]
id_provider = ldap
auth_provider = ldap
ldap_uri = ldaps://ldap.fjordnett.example
ldap_search_base = dc=fjordnett,dc=example
ldap_default_bind_dn = cn=sssd-bind,ou=tjenester,dc=fjordnett,dc=example
# passordet byttes hvert kvartal
ldap_default_authtok = ⟦S:Nordlys-Skrei-5501⟧
ldap_tls_reqcert = demand
""",
)
add(
    "cred",
    "fi",
    "salasanat-ja-varakoodit-viesti",
    "prose",
    """
Muotoile tästä selkeä ohje äidilleni, joka hoitaa kissan ja postit lomani ajan.

Oven koodi on ⟦S:4096⟧. Tietokoneen salasana on ⟦S:Mustikkapiirakka_88⟧. Jos sähköposti pyytää vahvistusta, käytä jotain näistä varakoodeista: ⟦S:7391-2840⟧, ⟦S:5526-0173⟧, ⟦S:8814-6632⟧. Pankkikortin tunnusluku on ⟦S:3308⟧, mutta älä käytä sitä kuin hätätilanteessa. Wi-Fi-verkon "Koti_5G" salasana: ⟦S:RuisleipäJaVoi2019⟧.
""",
)
add(
    "cred",
    "cs",
    "minecraft-server-properties",
    "ini",
    """
Syn má doma Minecraft server a kamarádi se nemůžou připojit. A RCON mi nefunguje. Je tohle v pořádku?

# server.properties – server pro partu ze třídy
motd=Server pro kluky z 6.B
online-mode=true
white-list=true
enable-rcon=true
rcon.port=25575
rcon.password=⟦S:Krtecek_a_Kalhotky42⟧
server-port=25565
# pro správce webu (Pterodactyl API)
# klíč: ⟦K:ptlc_PbB8a1qXVOji0cBcZiR3kmoRurNkHzhWDE7eY5CryoP⟧
""",
)
add(
    "cred",
    "hu",
    "kreta-es-netbank-uzenet",
    "prose",
    """
Írd meg ezt kedvesen a nagymamának, aki a jövő héten a gyerekekre vigyáz.

A KRÉTA-ba (hogy lásd a házit) ⟦P:Zsófi⟧ oktatási azonosítójával lépsz be: ⟦U:72841093615⟧, a jelszó ⟦S:Palacsinta2015!⟧. A kapukód ⟦S:1956⟧, a riasztó kódja ⟦S:8230⟧. Ha be kell fizetni az ebédet, a netbank jelszavam: ⟦S:Dobostorta_Szelet9⟧ – de inkább hívj fel előtte. A Wi-Fi jelszó: ⟦S:Balaton-Nyar-2023⟧.
""",
)
add(
    "cred",
    "ro",
    "msmtprc-gmail-app-password",
    "ini",
    """
Scriptul de backup nu mai trimite mailuri de raport. msmtp zice "authentication failed". E ceva greșit în ~/.msmtprc?

# ~/.msmtprc – rapoarte backup
defaults
auth           on
tls            on
logfile        ~/.msmtp.log

account        gmail
host           smtp.gmail.com
port           587
from           ⟦E:radu.stoica.backup@gmail.example⟧
user           ⟦E:radu.stoica.backup@gmail.example⟧
# parolă de aplicație Google (nu parola contului)
password       ⟦S:zlio vkjb rrva qykm⟧

account default : gmail
""",
)
add(
    "cred",
    "tr",
    "netgsm-sms-python",
    "code",
    """
Bu Python kodu Netgsm üzerinden SMS göndermeli ama "30" hata kodu dönüyor. Web paneline giriş şifresi de aynıdır: ⟦S:Simit&Cay_1453⟧, panelden girebiliyorum. Sorun ne olabilir?

import requests

# Netgsm API bilgileri – canlı ortam
KULLANICI_KODU = "8503029174"
SIFRE = "⟦S:Simit&Cay_1453⟧"
BASLIK = "KAFEMODA"

def sms_gonder(numara, mesaj):
    r = requests.get("https://api.netgsm.com.tr/sms/send/get", params={
        "usercode": KULLANICI_KODU, "password": SIFRE,
        "gsmno": numara, "message": mesaj, "msgheader": BASLIK,
    })
    return r.text
""",
)
add(
    "cred",
    "el",
    "taxisnet-kodikoi-minima",
    "prose",
    """
Γράψε το παρακάτω πιο επίσημα, σαν μήνυμα προς τον λογιστή μου.

Καλησπέρα κύριε ⟦P:Δημητρίου⟧. Οι κωδικοί μου για το TAXISnet είναι: όνομα χρήστη ⟦U:kmavridis84⟧ και κωδικός ⟦S:Souvlaki_Pita2024⟧. Ο ΑΦΜ μου είναι ⟦ID@GR:181723879⟧. Για το myAADE ο κωδικός είναι ο ίδιος. Το PIN της κάρτας για την πληρωμή του ΕΝΦΙΑ είναι ⟦S:5173⟧, αλλά θα σας το πω και τηλεφωνικά. Ευχαριστώ, ⟦P:Κωνσταντίνος Μαυρίδης⟧.
""",
)
add(
    "cred",
    "el",
    "env-viva-wallet-sxolia",
    "env",
    """
Η πληρωμή μέσω Viva Wallet αποτυγχάνει με "invalid_client" στο production. Τι λάθος έχει το .env;

# παραγωγή – ΜΗΝ ανεβεί στο git
VIVA_CLIENT_ID=⟦K:hju5yt89dqa7lhhtjv1z377nh4o9qynl1lea.apps.vivapayments.com⟧
VIVA_CLIENT_SECRET=⟦K:Vlavii0yvYBBdjLYTEJ4VJecwSngu89P⟧
VIVA_MERCHANT_ID=4b5bad0b-e5e8-4aa3-a627-b01155795c78
VIVA_API_KEY=⟦K:iUQlFab2omlfZuAboYkz+JAzBgnTt2⟧
DB_PASSWORD=⟦S:Mousakas-Patates_31⟧
""",
)
add(
    "cred",
    "et",
    "voti-ja-wifi-parool-eesti",
    "prose",
    """
Palun kirjuta sellest viisakas sõnum minu naabrile, kes käib nädalavahetusel kassi toitmas.

Trepikoja uksekood on ⟦S:7420⟧. Võti on postkastis, postkasti kood on ⟦S:318⟧. Wi-Fi võrgu nimi on "Kodu_Tartu", parool on ⟦S:Kohuke-Ja-Kama-2021⟧. Kui alarm hakkab piiksuma, sisesta kood ⟦S:6084⟧. Aitäh, ⟦P:Mari-Liis⟧!
""",
)
add(
    "cred",
    "lt",
    "slaptazodziai-kaimynui",
    "prose",
    """
Suformuluokite šį tekstą kaip mandagią žinutę kaimynui, kuris prižiūrės butą.

Laiptinės durų kodas – ⟦S:2571⟧. Signalizaciją išjungsite kodu ⟦S:9406⟧. Wi-Fi slaptažodis yra ⟦S:Cepelinai_Su_Mesa8⟧. Jeigu reikės įeiti į banko programėlę sąskaitoms apmokėti, PIN kodas yra ⟦S:41852⟧, bet prieš tai paskambinkite man. Ačiū, ⟦P:Tomas⟧.
""",
)
add(
    "cred",
    "lv",
    "paroles-vecmaminai",
    "prose",
    """
Lūdzu, pārraksti šo kā vienkāršu zīmīti vecmāmiņai ar lieliem burtiem.

Telefona PIN kods ir ⟦S:1947⟧. Ja telefons prasa PUK kodu, tas ir ⟦S:83051726⟧. Interneta bankas parole ir ⟦S:Rupjmaize_Ar_Sviestu5⟧. Wi-Fi parole: ⟦S:Jurmala-Vasara-2020⟧. Ja kaut kas nav skaidrs, zvani ⟦P:Kristapam⟧.
""",
)

# ---------------------------------------------------------------------------
# group benign
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "pytest-iban-card-doc-examples",
    "code",
    """
Are these parametrised tests enough for our IBAN/card validator? The values are the documentation examples, not real accounts.

import pytest
from payments.validators import is_valid_iban, is_valid_card

@pytest.mark.parametrize("iban", [
    "GB82 WEST 1234 5698 7654 32",   # example from the ECBS/SWIFT IBAN registry docs
    "DE89 3704 0044 0532 0130 00",   # standard German doc example
])
def test_iban_ok(iban):
    assert is_valid_iban(iban)

@pytest.mark.parametrize("pan", ["4111 1111 1111 1111", "5500 0000 0000 0004", "3782 822463 10005"])
def test_card_ok(pan):
    assert is_valid_card(pan)

def test_card_bad():
    assert not is_valid_card("4111 1111 1111 1112")
""",
)
add(
    "benign",
    "en",
    "woolworth-wallet-ssn-history",
    "prose",
    """
Is the story true that thousands of people used the Social Security number 078-05-1120 because it was printed on a sample card sold in Woolworth wallets in 1938? What did the SSA do about it, and why are numbers starting with 9 or 666 never issued?
""",
)
add(
    "benign",
    "en",
    "ada-lovelace-analytical-engine",
    "prose",
    """
For a talk at our coding club: Ada Lovelace was born Augusta Ada Byron on 10 December 1815 in London, daughter of Lord Byron, and wrote her famous Note G on Charles Babbage's Analytical Engine in 1843. Can you explain Note G's Bernoulli-number algorithm in simple terms and why people call it the first computer program?
""",
)
add(
    "benign",
    "en",
    "great-gatsby-characters",
    "prose",
    """
Quick essay help: in The Great Gatsby, why does Jay Gatsby buy a mansion in West Egg right across the bay from Daisy Buchanan's house in East Egg? And is Nick Carraway a reliable narrator? Give me three quotes I can use.
""",
)
add(
    "benign",
    "en",
    "ucl-final-2024-report",
    "prose",
    """
Write a 120-word match report: Champions League final, Wembley, 1 June 2024. Borussia Dortmund 0–2 Real Madrid. Dani Carvajal headed in a Toni Kroos corner in the 74th minute and Vinícius Júnior made it 2–0 in the 83rd. Kroos's last club game; Ancelotti's fifth European Cup as a coach. Attendance 86,212.
""",
)
add(
    "benign",
    "en",
    "aviation-squawk-codes",
    "prose",
    """
I'm studying for my PPL. Explain squawk 7500, 7600 and 7700, what QNH 1013 hPa means versus standard pressure, and why Heathrow runways are called 09L/27R and 09R/27L. Also, BA117 to New York usually departs from Terminal 5 — does the flight number mean anything?
""",
)
add(
    "benign",
    "en",
    "imei-format-explanation",
    "prose",
    """
What's the structure of an IMEI? Wikipedia gives 35-209900-176148-1 as an example — which part is the TAC and how is the last digit (Luhn) computed? And is the IMEISV 35-209900-176148-23 the same device?
""",
)
add(
    "benign",
    "en",
    "aws-arn-docs-account",
    "prose",
    """
The AWS IAM docs use arn:aws:iam::123456789012:user/JohnDoe and arn:aws:s3:::amzn-s3-demo-bucket/* in their policy examples. Can you explain each part of the ARN and write me a least-privilege policy that lets a Lambda read only from one prefix, using the same placeholder account ID?
""",
)
add(
    "benign",
    "en",
    "stripe-docs-test-keys",
    "code",
    """
I copied this from an old Stripe tutorial. Are these the public documentation test keys, and why does the charge still work without my own account?

import stripe
stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"   # Stripe docs sample key
charge = stripe.PaymentIntent.create(amount=2000, currency="usd", payment_method="pm_card_visa", confirm=True)
print(charge.id)  # e.g. pi_3MtwBwLkdIwHu7ix28a3tqPa
# front end uses pk_test_TYooMQauvdEDq54NiTphI7jx
""",
)
add(
    "benign",
    "en",
    "hash-of-empty-string",
    "prose",
    """
Why do I keep seeing e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 in our artifact manifest? Someone said it's SHA-256 of nothing. Is d41d8cd98f00b204e9800998ecf8427e the MD5 equivalent, and da39a3ee5e6b4b0d3255bfef95601890afd80709 the SHA-1 one?
""",
)
add(
    "benign",
    "en",
    "bitcoin-genesis-block",
    "prose",
    """
Explain the Bitcoin genesis block for a newsletter: block 0 hash 000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f, mined on 3 January 2009, the Times headline "Chancellor on brink of second bailout for banks", and why the 50 BTC sent to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa can't be spent. Who is Satoshi Nakamoto believed to be?
""",
)
add(
    "benign",
    "en",
    "uk-postcodes-large-users",
    "prose",
    """
Why do some famous buildings have their own postcodes? I read that Buckingham Palace is SW1A 1AA, 10 Downing Street is SW1A 2AA and the Houses of Parliament SW1A 0AA. How is a UK postcode structured (area, district, sector, unit)?
""",
)
add(
    "benign",
    "en",
    "mandela-robben-island",
    "prose",
    """
For a school assembly: Nelson Mandela was born on 18 July 1918 in Mvezo and was prisoner 46664 on Robben Island ("466/64" — the 466th prisoner of 1964). Can you write a three-minute script about his 27 years in prison and the 46664 concerts?
""",
)
add(
    "benign",
    "en",
    "james-bond-trivia",
    "prose",
    """
Pub-quiz prep: what's James Bond's address in the novels (a flat off the King's Road in Chelsea?), who is M, and does MI6 really sit at 85 Albert Embankment, Vauxhall? Also, why is 007 a "double-O" number?
""",
)
add(
    "benign",
    "en",
    "email-regex-test-cases",
    "code",
    """
My email regex rejects some valid addresses from the Wikipedia list. Which of these should pass?

valid = [
    "simple@example.com",
    "very.common@example.com",
    "x@example.com",
    "long.email-address-with-hyphens@and.subdomains.example.com",
    "user.name+tag+sorting@example.com",
    "admin@example",
]
invalid = ["Abc.example.com", "A@b@c@example.com", 'just"not"right@example.com']
""",
)
add(
    "benign",
    "en",
    "fictional-phone-numbers",
    "prose",
    """
For our TV script we need phone numbers that can't ring a real person. Is it right that Ofcom reserves 07700 900000 to 07700 900999 and 020 7946 0000–0999 for drama, and in North America 555-0100 through 555-0199? What about Australia — is it 0491 570 006?
""",
)
add(
    "benign",
    "en",
    "git-bisect-session",
    "command",
    """
I'm bisecting a performance regression between two releases. Did I mark these right, and how do I automate it with a benchmark script?

$ git bisect start v5.3.0 v5.2.4
Bisecting: 47 revisions left to test after this (roughly 6 steps)
[b7e2c91f04ad3e5f8c6d1a20e9b4f73c5d8a61e0] perf: cache compiled templates
$ git bisect bad
Bisecting: 23 revisions left to test after this (roughly 5 steps)
[4f1d0a6e8c2b9375e1f4a7d0c6b8e2913a5f7c44] refactor(router): extract matcher
$ git bisect good
""",
)
add(
    "benign",
    "en",
    "dockerfile-pinned-digests",
    "code",
    """
Is pinning by digest like this overkill for a small team? And how do I get Renovate to bump the digests?

FROM python:3.12.4-slim@sha256:2fba8e70a87bcc9f6edd20dda0a1d4adb32046d2acbca7361bc61da5a106a914 AS build
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
FROM gcr.io/distroless/python3-debian12@sha256:4b8f43b7ca3d8a5bf5cbcf7a3c4a9e4e4f31bd7e2a04d0f5f6b0bd2cc7a5f3e1
COPY --from=build /app /app
USER 65532:65532
""",
)
add(
    "benign",
    "en",
    "statins-general-question",
    "prose",
    """
General question, not about me: how do statins like atorvastatin and rosuvastatin lower LDL cholesterol, why are muscle aches a known side effect, and why do doctors sometimes add ezetimibe? What LDL targets do European guidelines use for people at very high cardiovascular risk?
""",
)
add(
    "benign",
    "en",
    "book-club-isbns",
    "markdown-table",
    """
Make this book-club list into a reading schedule, one book a month from September, and flag which are over 400 pages.

| Title | Author | ISBN | Pages |
|---|---|---|---|
| Tomorrow, and Tomorrow, and Tomorrow | Gabrielle Zevin | 978-0-593-32120-1 | 416 |
| Demon Copperhead | Barbara Kingsolver | 978-0-06-325192-2 | 560 |
| Klara and the Sun | Kazuo Ishiguro | 978-0-593-31817-1 | 303 |
| The Overstory | Richard Powers | 978-0-393-63552-2 | 502 |
""",
)
add(
    "benign",
    "en",
    "kubectl-pods-output",
    "command",
    """
Why is one replica stuck in CrashLoopBackOff while the others run fine?

$ kubectl get pods -o wide -n checkout
NAME                        READY   STATUS             RESTARTS   AGE   IP            NODE
cart-7d9f8b6c54-2xkqp       1/1     Running            0          3d    10.42.1.17    worker-a
cart-7d9f8b6c54-m8wzt       1/1     Running            0          3d    10.42.2.33    worker-b
cart-7d9f8b6c54-q4rvn       0/1     CrashLoopBackOff   41         3d    10.42.3.9     worker-c
$ kubectl logs cart-7d9f8b6c54-q4rvn --previous | tail -1
panic: dial tcp 10.43.0.10:53: i/o timeout
""",
)
add(
    "benign",
    "en",
    "carlsen-fide-rating",
    "prose",
    """
Magnus Carlsen (FIDE ID 1503014) peaked at 2882 in May 2014. How does the Elo formula work, what K-factor applies to him, and how many points would he lose for a draw against a 2700 player?
""",
)
add(
    "benign",
    "en",
    "betelgeuse-coordinates",
    "prose",
    """
Where should I point my telescope for Betelgeuse tonight from Manchester (53.48° N, 2.24° W)? Its coordinates are RA 05h 55m 10.3s, Dec +07° 24′ 25″. Roughly what altitude at 22:00 in January?
""",
)
add(
    "benign",
    "en",
    "uuid-rfc-example-fastapi",
    "code",
    """
Why does FastAPI return 422 for this path? The UUID is the one from the RFC 4122 examples.

from uuid import UUID
from fastapi import FastAPI

app = FastAPI()

@app.get("/orders/{order_id}")
def get_order(order_id: UUID):
    return {"id": str(order_id)}

# curl http://127.0.0.1:8000/orders/123e4567-e89b-12d3-a456-426614174000   -> 200
# curl http://127.0.0.1:8000/orders/ORD-2024-118804                         -> 422
""",
)
add(
    "benign",
    "en",
    "month-and-weekday-names-scheduling",
    "prose",
    """
Help me plan the content calendar: April launch post, May newsletter (Mother's Day angle), June is Pride month, then August is quiet. Grace period for early-bird pricing ends Sunday the 30th. Which Monday in March is best for the teaser?
""",
)
add(
    "benign",
    "en",
    "one-line-unit-conversion",
    "prose",
    """
How many litres is 5 US gallons, and what's 72 °F in Celsius?
""",
)
add(
    "benign",
    "en",
    "ci-log-build-numbers",
    "kv-log",
    """
The nightly build got slower. Compare these three runs and tell me which step regressed.

2025-05-12T02:00:04Z build=#8812 commit=9c41e07 step=install duration=84s status=ok
2025-05-12T02:01:28Z build=#8812 commit=9c41e07 step=test duration=412s status=ok
2025-05-13T02:00:03Z build=#8819 commit=e5a2b3d step=install duration=86s status=ok
2025-05-13T02:01:29Z build=#8819 commit=e5a2b3d step=test duration=1093s status=ok
2025-05-14T02:00:05Z build=#8826 commit=17f0c8a step=test duration=1101s status=ok
""",
)
add(
    "benign",
    "de",
    "mustermann-personalausweis-muster",
    "prose",
    """
Für eine Schulung zur Ausweisprüfung: Auf dem Muster-Personalausweis steht "Erika Mustermann", geboren am 12.08.1964 in Berlin, Ausweisnummer T22000129, wohnhaft Heidestraße 17, 51147 Köln. Welche Sicherheitsmerkmale sollte man am echten Ausweis prüfen, und was bedeutet die maschinenlesbare Zone?
""",
)
add(
    "benign",
    "de",
    "beethoven-haus-bonn",
    "prose",
    """
Wir machen einen Tagesausflug nach Bonn. Lohnt sich das Beethoven-Haus in der Bonngasse 20? Beethoven wurde im Dezember 1770 dort geboren, getauft am 17. Dezember. Und was gibt es in der Nähe – Münster, Altes Rathaus, Rheinufer?
""",
)
add(
    "benign",
    "de",
    "kfz-kennzeichen-erklaerung",
    "prose",
    """
Erklär mir bitte die deutschen Kfz-Kennzeichen: Was heißt das "E" in "HH-XY 99E", warum haben Oldtimer ein "H", und ist "M-AB 1234" oder "B-MW 2025" überhaupt erlaubt? Gibt es Buchstabenkombinationen, die verboten sind?
""",
)
add(
    "benign",
    "es",
    "dni-letra-algoritmo",
    "code",
    """
¿Está bien esta función para calcular la letra del DNI? En la documentación ponen 12345678Z como ejemplo y me sale bien.

LETRAS = "TRWAGMYFPDXBNJZSQVHLCKE"

def letra_dni(numero: int) -> str:
    return LETRAS[numero % 23]

assert letra_dni(12345678) == "Z"
""",
)
add(
    "benign",
    "es",
    "casa-azul-frida-kahlo",
    "prose",
    """
Voy a Ciudad de México en noviembre. ¿Hay que reservar para el Museo Frida Kahlo (Londres 247, Coyoacán)? Frida nació el 6 de julio de 1907 en esa misma casa. ¿Y cómo llego después al Museo Anahuacalli de Diego Rivera?
""",
)
add(
    "benign",
    "es",
    "clasico-resultado",
    "prose",
    """
Resume el Clásico en cinco líneas: Real Madrid 3-2 Barcelona en el Bernabéu. Goles de Vinícius (6'), Christensen en propia (18'), Fermín López (69') y Bellingham al 91'. Lucas Vázquez marcó el 2-2 en el 73'. El Madrid queda a 11 puntos.
""",
)
add(
    "benign",
    "fr",
    "moliere-rue-saint-honore",
    "prose",
    """
Molière est-il vraiment né rue Saint-Honoré, baptisé le 15 janvier 1622 à Saint-Eustache ? Et où est-il mort, rue de Richelieu ? Propose-moi une petite promenade littéraire dans le 1er arrondissement.
""",
)
add(
    "benign",
    "fr",
    "tour-de-france-pogacar",
    "prose",
    """
Fais-moi un résumé du Tour de France 2024 : Tadej Pogačar gagne avec 6 min 17 s d'avance sur Jonas Vingegaard, six victoires d'étape, arrivée à Nice pour la première fois. Pourquoi l'arrivée n'était-elle pas à Paris ?
""",
)
add(
    "benign",
    "fr",
    "code-insee-vs-code-postal",
    "prose",
    """
Quelle est la différence entre le code INSEE 75056 et le code postal 75001 ? Pourquoi Paris a-t-il 20 codes postaux mais un seul code commune, et pourquoi Marseille utilise 13201 à 13216 ?
""",
)
add(
    "benign",
    "it",
    "verdi-le-roncole",
    "prose",
    """
Giuseppe Verdi nacque il 10 ottobre 1813 a Le Roncole, vicino a Busseto. Mi scrivi una breve introduzione al concerto per ragazzi, citando il Nabucco e il "Va, pensiero"? E la casa natale si può visitare?
""",
)
add(
    "benign",
    "it",
    "carbonara-ricetta",
    "prose",
    """
Carbonara per 4: 400 g di rigatoni, 150 g di guanciale, 4 tuorli e 1 uovo intero, 80 g di pecorino romano, pepe. Come evito che l'uovo si rapprenda? E il guanciale va a 180 °C o a fuoco basso?
""",
)
add(
    "benign",
    "nl",
    "rembrandthuis-bezoek",
    "prose",
    """
Is het Rembrandthuis aan de Jodenbreestraat 4 de moeite waard met kinderen? Rembrandt woonde er van 1639 tot 1658. Kun je ook een wandeling voorstellen langs de Waterlooplein-markt en de Hortus?
""",
)
add(
    "benign",
    "nl",
    "postcode-huisnummer-toevoeging",
    "code",
    """
Onze adresvalidatie faalt bij toevoegingen. Klopt deze regex voor Nederlandse postcodes en huisnummers?

import re
POSTCODE = re.compile(r"^[1-9][0-9]{3} ?(?!SA|SD|SS)[A-Z]{2}$")
HUISNR = re.compile(r"^\\d{1,5}(?:[ -]?[A-Za-z0-9]{1,4})?$")

for pc in ["1012 AB", "9999ZZ", "0123 AB", "1234 SS"]:
    print(pc, bool(POSTCODE.match(pc)))
for nr in ["12", "12-3", "12 bis", "1a"]:
    print(nr, bool(HUISNR.match(nr)))
""",
)
add(
    "benign",
    "pl",
    "kopernik-torun",
    "prose",
    """
Czy Dom Mikołaja Kopernika w Toruniu (ul. Kopernika 15/17) jest otwarty w poniedziałki? Kopernik urodził się 19 lutego 1473 r. Napisz też, gdzie w Toruniu najlepiej kupić pierniki.
""",
)
add(
    "benign",
    "pl",
    "ekstraklasa-relacja",
    "prose",
    """
Napisz krótką relację: Legia Warszawa – Lech Poznań 2:1 na Łazienkowskiej, 28 412 widzów. Gole: Paweł Wszołek 17', Mikael Ishak 55', Marc Gual 88'. Czerwona kartka dla Radosława Murawskiego.
""",
)
add(
    "benign",
    "pt",
    "amalia-casa-museu",
    "prose",
    """
Vale a pena visitar a Casa-Museu Amália Rodrigues, na Rua de São Bento 193, em Lisboa? A Amália nasceu em 1920 e morreu a 6 de outubro de 1999. Sugere-me também uma casa de fados em Alfama para o jantar.
""",
)
add(
    "benign",
    "pt",
    "cep-avenida-paulista",
    "prose",
    """
Como funciona o CEP brasileiro? Por exemplo, 01310-100 é o trecho da Avenida Paulista perto do MASP (Av. Paulista, 1578). O que significam os cinco primeiros dígitos e o sufixo?
""",
)
add(
    "benign",
    "sv",
    "nobelfesten-konserthuset",
    "prose",
    """
Nobelprisutdelningen sker i Konserthuset vid Hötorget 8 den 10 december, på Alfred Nobels dödsdag. Varför hålls fredspriset i Oslo i stället? Skriv tre meningar till en skolpresentation.
""",
)
add(
    "benign",
    "sv",
    "zlatan-statistik",
    "prose",
    """
Gör en kort faktaruta om Zlatan Ibrahimović: född 3 oktober 1981 i Malmö, 62 mål på 122 landskamper för Sverige, klubbar som Ajax, Juventus, Inter, Barcelona, Milan, PSG och Manchester United.
""",
)
add(
    "benign",
    "da",
    "niels-bohr-institut",
    "prose",
    """
Niels Bohr blev født den 7. oktober 1885 i København og fik Nobelprisen i 1922. Kan man besøge Niels Bohr Institutet på Blegdamsvej 17? Forklar Bohrs atommodel for en 8. klasse.
""",
)
add(
    "benign",
    "da",
    "smorrebrod-opskrift",
    "prose",
    """
Hvordan laver jeg klassisk smørrebrød med rullepølse, leverpostej og stjerneskud til 8 personer? Hvor meget rugbrød skal jeg købe, og kan rejerne købes dagen før?
""",
)
add(
    "benign",
    "no",
    "haaland-sesong",
    "prose",
    """
Lag en kort oppsummering av Erling Braut Haalands første sesong i Manchester City: 36 Premier League-mål (rekord), 52 i alle turneringer, og trippelen med Champions League-finalen i Istanbul mot Inter.
""",
)
add(
    "benign",
    "no",
    "vigelandsparken-tur",
    "prose",
    """
Vi har fire timer i Oslo. Rekker vi Vigelandsparken (Nobels gate 32), Frammuseet på Bygdøy og Operaen? Hvilken buss eller båt går til Bygdøy?
""",
)
add(
    "benign",
    "fi",
    "aalto-talo-riihitie",
    "prose",
    """
Voiko Alvar Aallon kotitaloa Riihitie 20:ssä Helsingissä käydä katsomassa ilman opastusta? Aalto syntyi 3. helmikuuta 1898 Kuortaneella. Kerro myös, miksi Aallon maljakko on niin kuuluisa.
""",
)
add(
    "benign",
    "fi",
    "sibeliuksen-sinfoniat",
    "prose",
    """
Selitä lyhyesti Sibeliuksen seitsemän sinfonian ero. Miksi kahdeksas sinfonia poltettiin Ainolassa 1940-luvulla, ja kuka oli Aino Sibelius?
""",
)
add(
    "benign",
    "cs",
    "havel-knihovna",
    "prose",
    """
Václav Havel se narodil 5. října 1936 v Praze. Připravuju o něm referát – můžeš shrnout, co se stalo Havlovi v roce 1977 kvůli Chartě 77 a kdy se stal prezidentem? Kde je Knihovna Václava Havla?
""",
)
add(
    "benign",
    "cs",
    "psc-format-vysvetleni",
    "prose",
    """
Jak funguje české PSČ? Proč má Praha 1 kód 110 00, Brno 602 00 a proč se píše mezera po třetí číslici? Co znamená první číslice?
""",
)
add(
    "benign",
    "hu",
    "semmelweis-ignac",
    "prose",
    """
Semmelweis Ignác 1818. július 1-jén született a budai Tabánban. Írnál egy rövid szöveget a kórházi kézmosás napjára arról, mit fedezett fel Bécsben, és miért nem hittek neki?
""",
)
add(
    "benign",
    "hu",
    "zeneakademia-koncert",
    "prose",
    """
Érdemes-e jegyet venni a Zeneakadémiára (Liszt Ferenc tér 8.) egy hétköznapi koncertre? Mit érdemes tudni Liszt Ferencről és Lisztnek a Magyar rapszódiáiról egy gyereknek?
""",
)
add(
    "benign",
    "ro",
    "eminescu-ipotesti",
    "prose",
    """
Mihai Eminescu s-a născut pe 15 ianuarie 1850 la Botoșani și a copilărit la Ipotești. Poți să-mi scrii o prezentare de 150 de cuvinte pentru elevii de clasa a VI-a, cu o strofă din „Luceafărul”?
""",
)
add(
    "benign",
    "ro",
    "hagi-statistici",
    "prose",
    """
Fă-mi un rezumat al carierei lui Gheorghe Hagi: 35 de goluri în 124 de meciuri pentru echipa națională, golul din 1994 contra Columbiei, perioadele la Real Madrid, Barcelona și Galatasaray.
""",
)
add(
    "benign",
    "tr",
    "nazim-hikmet-siir",
    "prose",
    """
Nazım Hikmet 1902'de Selanik'te doğdu, 1963'te Moskova'da öldü. "Memleketimden İnsan Manzaraları" hakkında lise öğrencileri için kısa bir sunum hazırlar mısın? Nazım'ın hapis yıllarını da anlat.
""",
)
add(
    "benign",
    "tr",
    "derbi-sonucu",
    "prose",
    """
Kısa bir maç özeti yaz: Galatasaray 3-1 Fenerbahçe, RAMS Park, 52.000 seyirci. Goller: Icardi 12', Dzeko 40', Osimhen 67', Barış Alper Yılmaz 90+2'. Galatasaray liderliğini 6 puana çıkardı.
""",
)
add(
    "benign",
    "el",
    "maria-callas-biografia",
    "prose",
    """
Η Μαρία Κάλλας γεννήθηκε στις 2 Δεκεμβρίου 1923 στη Νέα Υόρκη και πέθανε στο Παρίσι το 1977. Μπορείς να γράψεις ένα σύντομο κείμενο για τη συναυλία της σχολής μας, με αναφορά στη «Νόρμα» και στην Επίδαυρο;
""",
)
add(
    "benign",
    "el",
    "mouseio-akropolis",
    "prose",
    """
Θα είμαστε στην Αθήνα μία μέρα. Τι ώρα ανοίγει το Μουσείο Ακρόπολης (Διονυσίου Αρεοπαγίτου 15) και αξίζει να πάμε πρώτα στον Παρθενώνα; Πού να φάμε μετά στην Πλάκα;
""",
)
add(
    "benign",
    "et",
    "arvo-part-keskus",
    "prose",
    """
Arvo Pärt sündis 11. septembril 1935 Paides. Kas Arvo Pärdi Keskust Laulasmaal saab külastada ilma broneeringuta? Kirjuta ka paar lauset tema tintinnabuli-stiilist.
""",
)
add(
    "benign",
    "lt",
    "vilnius-gedimino-pilis",
    "prose",
    """
Turime vieną dieną Vilniuje. Ar verta lipti į Gedimino pilies bokštą, o paskui eiti Pilies gatve iki Aušros vartų? Kur geriausia paragauti cepelinų?
""",
)
add(
    "benign",
    "lv",
    "riga-brivibas-piemineklis",
    "prose",
    """
Kad tika uzcelts Brīvības piemineklis Rīgā, un kas ir tēlnieks Kārlis Zāle? Lūdzu, uzraksti īsu aprakstu skolēniem.
""",
)


if __name__ == "__main__":
    build(PROMPTS, Path(__file__).resolve().parent / "fresh6.jsonl", SPLIT_SEED, ID_PREFIX)
