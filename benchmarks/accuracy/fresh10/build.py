#!/usr/bin/env python3
"""Build the 'fresh10' privacy-filter evaluation corpus (tenth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

The parser, checks, dev/test split and statistics live in the shared module
``benchmarks/accuracy/_corpus_tools.py``. This script only holds the prompts,
assigns the ids ``n-0001`` … and writes fresh10.jsonl next to this file with
split seed 1010.

Run:  python build.py [--stats]   (needs python-stdnum and phonenumbers)
"""

import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus_tools import add_prompt, build

SPLIT_SEED = 1010
ID_PREFIX = "n"
PROMPTS = []
add = functools.partial(add_prompt, PROMPTS)

# ---------------------------------------------------------------------------
# group pii
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "grandmother-90th-birthday-toast",
    "prose",
    """
Can you help me turn these notes into a warm 3-minute toast for my grandmother's 90th? Not too sappy, one joke max.

- ⟦P:Dorothy Ellen Pruitt⟧, everyone calls her ⟦P:Dot⟧. Born in the spring of '35 — on ⟦DOB:March 3rd, 1935⟧ to be exact — on a dairy farm outside Lancaster, PA
- married Grandpa ⟦P:Walt⟧ in 1956, four kids, eleven grandkids
- beat ⟦MC:breast cancer⟧ in 1998 and never lets us forget it
- still does the Sunday crossword in pen even with the ⟦MC:macular degeneration⟧; calls her ⟦MED:Eylea⟧ shots every eight weeks "my spa days"
- since the ⟦MC:hip fracture⟧ last winter she walks with a purple cane she named ⟦P:Gus⟧... actually leave the cane's name out, she'd hate that
- party is at my aunt ⟦P:Bev Kowalczyk⟧'s place, ⟦A:1187 Fruitville Pike, Lititz, PA 17543⟧
""",
)
add(
    "pii",
    "en",
    "co-parenting-weekend-handover-notes",
    "prose",
    """
My ex and I keep a shared note for weekend handovers and it's getting chaotic. Can you rewrite it as a clean checklist with one section per kid?

Fri: ⟦P:Will⟧ has his inhaler (⟦MED:Qvar⟧ 2 puffs morning + night, ⟦MED:albuterol⟧ only if wheezy) — his ⟦MC:asthma⟧ was bad again after the cold. ⟦P:Rose⟧ has ballet Sat 9:30 at Miss ⟦P:Hunter⟧'s studio, bun + pink tights. ⟦P:Grace⟧ starts ⟦MED:amoxicillin⟧ for the ⟦MC:ear infection⟧, last dose Sunday night, fridge door.
Sat: ⟦P:Rose⟧'s friend ⟦P:Sunny Baker⟧ might sleep over, her mom ⟦P:Dawn⟧ is ⟦T:(503) 555-0148⟧.
Sun: back to mine by 6. If late text me not ⟦P:Mark⟧ (he's at his brother's).
Pediatrician is Dr. ⟦P:Okafor⟧ if anything, chart # ⟦MRN:KP-00731946⟧ under ⟦P:Grace⟧.
""",
)
add(
    "pii",
    "en",
    "family-reunion-tshirt-order",
    "csv",
    """
Putting together a T-shirt order for the ⟦P:Szymanski⟧ family reunion. Each shirt gets the person's name and "est. <birth year>" on the back. The birthdays came in every format imaginable — please normalise the year column and flag anyone I should double-check.

name,size,birthday as sent,note
⟦P:Teresa Szymanski⟧,L,⟦DOB:3/iii/61⟧,"matriarch, turning 65"
⟦P:Frank Szymanski⟧,XL,⟦DOB:'58⟧,"Uncle ⟦P:Frank⟧, 67 or 68?"
⟦P:Joy Szymanski-Lund⟧,M,⟦DOB:14th Feb 1989⟧,
⟦P:Amber Lund⟧,S,⟦DOB:2011-07-30⟧,"age 14"
⟦P:Christopher Lund⟧,2T,⟦DOB:Oct. 9th '23⟧,"toddler, 2T"
⟦P:Bill Nowak⟧,XXL,⟦DOB:12.04.1949⟧,"wrote it European style, he lived in Kraków 20 yrs"
⟦P:Sandy Nowak⟧,L,⟦DOB:June 1952⟧,"only gave month"
⟦P:Patrick Szymanski⟧,M,⟦DOB:4/5/97⟧,"April or May??"
""",
)
add(
    "pii",
    "en",
    "medical-alert-bracelet-engraving",
    "form",
    """
I'm ordering a medical ID bracelet for my son and the engraving is limited to 5 lines of 22 characters. Can you squeeze this down without losing anything important?

Order form — Lauren's Medical ID Co.
Customer no.: ⟦ACC:LMI-0042217⟧
Wearer name: ⟦P:Ethan J. Marchetti⟧
DOB: ⟦DOB:08/19/2012⟧
Conditions: ⟦MC:Type 1 diabetes⟧ (⟦MC:T1D⟧), on ⟦MED:Omnipod 5⟧ insulin pump with ⟦MED:Humalog⟧; ⟦MC:severe penicillin allergy⟧ (hives + throat swelling); ⟦MC:celiac disease⟧
Emergency contact 1: ⟦P:Nicole Marchetti⟧ (mom) ⟦T:(614) 555-0172⟧
Emergency contact 2: ⟦P:Dominic Marchetti⟧ (dad) ⟦T:(614) 555-0139⟧
Ship to: ⟦A:2540 Brandon Rd, Upper Arlington, OH 43221⟧
""",
)
add(
    "pii",
    "en",
    "moodle-quiz-log-investigation",
    "kv-log",
    """
Our Moodle flagged possible cheating on the Chem 101 midterm. Here's the relevant log excerpt. Which attempts look like two students sharing one machine or answers? Be careful, I need to be fair.

2025-10-14T09:02:11Z event=quiz_attempt_started course=CHEM101 user=⟦U:mkaradeniz⟧ fullname="⟦P:Melis Karadeniz⟧" ip=⟦IP:81.214.77.19⟧ attempt=55120
2025-10-14T09:02:40Z event=quiz_attempt_started course=CHEM101 user=⟦U:jo.obi22⟧ fullname="⟦P:Josephine Obi⟧" ip=⟦IP:81.214.77.19⟧ attempt=55121
2025-10-14T09:03:05Z event=quiz_attempt_started course=CHEM101 user=⟦U:tvu_03⟧ fullname="⟦P:Thanh Vu⟧" ip=⟦IP:2a02:c7c:5b1e:9d00:4d2:91ff:fe3a:18c7⟧ attempt=55122
2025-10-14T09:41:57Z event=quiz_attempt_submitted user=⟦U:mkaradeniz⟧ attempt=55120 grade=47/50 duration=39m
2025-10-14T09:42:03Z event=quiz_attempt_submitted user=⟦U:jo.obi22⟧ attempt=55121 grade=47/50 duration=39m
2025-10-14T10:01:12Z event=quiz_attempt_submitted user=⟦U:tvu_03⟧ attempt=55122 grade=31/50 duration=58m
2025-10-14T10:01:13Z event=login_failed user=admin ip=10.20.4.17 reason=wrong_password
""",
)
add(
    "pii",
    "en",
    "ga4-pii-in-page-location",
    "csv",
    """
Google Analytics emailed us that we're collecting PII in page_location. This is from the BigQuery export. Which query parameters are the problem, and what regex should I use in the GTM redaction variable?

event_date,event_name,page_location
20251102,page_view,https://shop.fernhollow.example/account/orders?customer_id=⟦ACC:CU-5520931⟧&email=⟦E:priya.raman.84%40gmail.example⟧
20251102,page_view,https://shop.fernhollow.example/reset-password?user=⟦U:kstavros⟧&utm_source=newsletter
20251102,sign_up,https://shop.fernhollow.example/welcome?first=⟦P:Oluwaseun⟧&last=⟦P:Adeyemi⟧&zip=⟦A:60640⟧
20251103,page_view,https://shop.fernhollow.example/track?order=FH-88213&phone=⟦T:312-555-0187⟧
20251103,page_view,https://shop.fernhollow.example/products/linen-throw?utm_campaign=autumn25&gclid=Cj0KCQjw8KrFBhD
""",
)
add(
    "pii",
    "en",
    "supervalu-rewards-missing-points",
    "prose",
    """
Could you make this complaint to SuperValu customer care sound less angry but still firm? Keep all the numbers.

Hi, my name is ⟦P:Aoife Ní Bhriain⟧ and my Real Rewards card number is ⟦ACC:9826 4410 0731 5582⟧. Since I moved to ⟦A:14 Cois Cuain, Rosscarbery, Co. Cork, P85 YX20⟧ none of my shopping at the Clonakilty store has been credited — roughly €640 over eight weeks. I rang twice and was told to "wait for the system". My mobile is ⟦T:087 214 6690⟧ and the account email is ⟦E:aoife.nibhriain@eircom.example⟧. My husband ⟦P:Donncha⟧'s card (⟦ACC:9826 4410 0918 2047⟧) is linked to the same household and has the same problem.
""",
)
add(
    "pii",
    "en",
    "burst-pipe-home-insurance-email",
    "prose",
    """
Please tidy this e-mail to my home insurer and add a bullet list of what I'm claiming for at the end.

Subject: Escape of water — policy ⟦ACC:HHP/4471092/03⟧

Dear Sir or Madam,
On Sunday night a pipe burst in the loft of our house at ⟦A:27 Brackenbury Road, Preston PR1 7UP⟧ and water came through two ceilings. We turned the stopcock off at 01:30 and the plumber (⟦P:Gary Holt⟧ from Brackenbury Plumbing) capped it on Monday. The kitchen ceiling has partly collapsed, the laminate in the hall has lifted and my daughter's laptop was ruined. My wife ⟦P:Shabana⟧ is 30 weeks ⟦MC:pregnant⟧ and her midwife has told her not to stay somewhere damp, so we are at my mother-in-law's for now. Please call me on ⟦T:07700 900418⟧ or ⟦P:Shabana⟧ on ⟦T:07911 123456⟧.

Kind regards,
⟦P:Imran Qureshi⟧
""",
)
add(
    "pii",
    "en",
    "moving-cork-to-galway-change-of-address",
    "markdown-table",
    """
We're moving from Cork to Galway on the 1st. I made this table of who to tell — can you add anyone I forgot and sort it by deadline?

| who | reference | old address | new address |
|---|---|---|---|
| Revenue (myAccount) | PPSN ⟦ID@IE:4417290U⟧ | ⟦A:6 Summerhill North, Cork T23 K6P8⟧ | ⟦A:Apt 12, The Crescent, Salthill, Galway H91 E2W4⟧ |
| Revenue — partner | PPSN ⟦ID@IE:8820361C⟧ | same | same |
| Electric Ireland | account ⟦ACC:9510 2204 713⟧ | ⟦A:6 Summerhill North, Cork T23 K6P8⟧ | n/a, landlord pays |
| NDLS (driving licence) | licence no. ⟦DL:417330291⟧ | | |
| GP — Dr ⟦P:Fionnuala Kenny⟧ | ⟦P:Cian⟧'s ⟦MC:ADHD⟧ review, ⟦MED:Medikinet⟧ script runs out Nov | | |
| An Post redirection | order AP-778120 | | |
""",
)
add(
    "pii",
    "en",
    "sydney-tradie-job-sheet",
    "form",
    """
Can you turn tomorrow's job sheet into a route order starting from Marrickville, and write the customers a short "on my way" SMS template?

JOB 1  Mrs ⟦P:Leanne Costa⟧ — hot water system leaking
       ⟦A:44 Addison Rd, Marrickville NSW 2204⟧   mob ⟦T:0412 555 703⟧
       note: dog in yard, husband ⟦P:Tony⟧ home after 2
JOB 2  ⟦P:Kwame Mensah⟧ — blocked stormwater
       ⟦A:3/118 Parramatta Rd, Annandale NSW 2038⟧   ph ⟦T:(02) 9550 4127⟧
JOB 3  ⟦P:Hye-jin Park⟧ — quote, bathroom reno
       ⟦A:9 Ferris St, Annandale NSW 2038⟧   ⟦T:0433 980 216⟧  (uses a wheelchair since her ⟦MC:spinal cord injury⟧, wants a step-free shower)
JOB 4  Bunnings Tempe — pick up 2 x 50mm PVC elbows
""",
)
add(
    "pii",
    "en",
    "ontario-caregiver-credit-father",
    "prose",
    """
I'm claiming the Canada caregiver amount for my dad for the first time. Based on this, which lines do I fill in and do I need a signed T2201 from his doctor?

My dad ⟦P:Gurdev Singh Sandhu⟧ (SIN ⟦ID@CA:146 454 285⟧, born ⟦DOB:January 9, 1944⟧, so he turned 81 this year) has lived with us at ⟦A:58 Cottrelle Blvd, Brampton, ON L6P 0V2⟧ since March. He was diagnosed with ⟦MC:Alzheimer's disease⟧ in 2023, takes ⟦MED:Aricept⟧ 10 mg and ⟦MED:memantine⟧, and since the ⟦MC:TIA⟧ in August he can't be left alone. His only income is OAS/GIS and a small Indian pension. I'm ⟦P:Harpreet Sandhu⟧, SIN ⟦ID@CA:527 031 843⟧, and my brother ⟦P:Jaswinder⟧ sends $400 a month toward his care.
""",
)
add(
    "pii",
    "en",
    "aaa-international-driving-permit",
    "form",
    """
I'm getting an International Driving Permit from AAA before our trip to Japan. Here's what I typed into the application; does Japan accept the 1949 convention IDP and is anything missing?

Applicant: ⟦P:Rebecca Lindqvist-Hale⟧
Date of birth: ⟦DOB:1990-11-02⟧ (age 34)
Home address: ⟦A:7719 SE 31st Ave, Portland, OR 97202⟧
Oregon driver license #: ⟦DL:8840217⟧, exp 11/02/2029
Passport: ⟦PASS:A48831277⟧
Phone: ⟦T:503-555-0119⟧   Email: ⟦E:beccahale90@fastmail.example⟧
Classes: C (car)
Photos: 2 passport photos, signed on back ✔
Second driver (separate form): ⟦P:Owen Hale⟧, OR DL ⟦DL:5906133⟧
""",
)
add(
    "pii",
    "en",
    "indian-lodger-standing-order",
    "prose",
    """
We're renting our spare room to a PhD student from Pune. Can you draft a short lodger agreement clause about rent by standing order, and a friendly welcome message?

Lodger: ⟦P:Aditya Kulkarni⟧, from ⟦A:Flat 402, Sai Krupa Apartments, Kothrud, Pune 411038⟧; UK mobile ⟦T:07845 301 992⟧. For the right-to-rent check he showed his passport ⟦PASS:Z7341826⟧ and BRP, and for his own records he sent his Aadhaar ⟦ID@IN:4829 7310 5626⟧ (I don't think we need that?).
Rent £650 per month, into our joint account: ⟦IBAN:GB87 NWBK 6016 1379 0790 27⟧ (⟦P:Sarah⟧ & ⟦P:Tom Gallagher⟧). Deposit already paid by card ending 4417.
He's vegetarian and mentioned ⟦MC:type 1 diabetes⟧ — keeps ⟦MED:NovoRapid⟧ pens in the fridge, so we'll clear a shelf.
""",
)
add(
    "pii",
    "en",
    "minecraft-server-ban-appeal",
    "prose",
    """
I run a small Minecraft SMP. Someone sent this ban appeal and I want to reply firmly but kindly. Is the IP evidence enough to say it was the same person?

Appeal from Discord user ⟦U:pixelfern_⟧:
"hi its ⟦P:Liam⟧, my ign is ⟦U:LiamTheLava⟧. i got banned for griefing the spawn shop on saturday but it was my little brother ⟦P:Noah⟧ on my account ⟦U:NoahBlocks09⟧ uses the same wifi. our ip is ⟦IP:86.143.21.207⟧ i think. my mum ⟦P:Claire Doherty⟧ can email you ⟦E:claire.doherty1@btinternet.example⟧"

Console: [Sat 19:42] ⟦U:LiamTheLava⟧ joined from ⟦IP:86.143.21.207⟧; [19:58] ⟦U:LiamTheLava⟧ broke 212 blocks in /warp shop; [20:03] ⟦U:NoahBlocks09⟧ joined from ⟦IP:86.143.21.207⟧.
""",
)
add(
    "pii",
    "en",
    "family-whatsapp-after-dads-stroke",
    "prose",
    """
This is our family WhatsApp since Dad's ⟦MC:stroke⟧. Can you pull out a list of decisions and who's doing what this week?

[09/11 08:12] ⟦P:Karen⟧: Ward 23 rang. Dad (⟦P:Derek Whitfield⟧, NHS no ⟦ID@GB:485 777 3406⟧) is stable. They've confirmed ⟦MC:ischaemic stroke⟧, left side weakness, ⟦MC:dysphagia⟧ so thickened fluids only
[08:15] ⟦P:Paul⟧: ok. Is he still on the ⟦MED:warfarin⟧?
[08:21] ⟦P:Karen⟧: stopped, switching to ⟦MED:clopidogrel⟧ + ⟦MED:atorvastatin⟧ 80. Stroke nurse ⟦P:Bukola⟧ wants a family meeting Thu 2pm
[08:30] ⟦P:Lisa⟧: I can do Thu. Someone needs to cancel his ⟦MC:enlarged prostate⟧ follow-up at Airedale on the 14th
[08:31] ⟦P:Paul⟧: on it. Mum's number for the ward is ⟦T:01535 652 173⟧ if they need her
[08:40] ⟦P:Karen⟧: also his blue badge is at ⟦A:16 Hollins Lane, Keighley BD21 3RP⟧ if anyone's passing
""",
)
add(
    "pii",
    "en",
    "u12-football-coach-email",
    "prose",
    """
I coach an under-12 girls' football team. Can you make this e-mail to parents clearer and add a short "what to pack" list?

Hi all,
Tournament at Ashbourne on Saturday, kick-off 10:00. A few things:
- ⟦P:Saoirse⟧ — please make sure her ⟦MED:Ventolin⟧ inhaler is in her bag, not the car. ⟦P:Niamh⟧ too, and ⟦P:Niamh⟧'s mum says she's started ⟦MED:Singulair⟧ so she may be a bit tired.
- ⟦P:Ruby Brennan⟧ has her ⟦MC:coeliac⟧ lunch sorted, thank you ⟦P:Orla⟧!
- ⟦P:Chloe Mahon⟧ is back after the ⟦MC:concussion⟧ but GP says no heading for two more weeks.
- ⟦P:Ava⟧'s ⟦MC:type 1⟧ kit (⟦MED:Dexcom⟧ receiver, jelly babies, ⟦MED:glucagon⟧) stays with me on the bench.
Lifts: ⟦P:Declan Brennan⟧ ⟦T:086 771 2034⟧ has 3 seats, ⟦P:Máire Mahon⟧ ⟦T:085 330 9187⟧ has 2.
Coach ⟦P:Sinéad⟧
""",
)
add(
    "pii",
    "en",
    "workplace-flu-clinic-consent",
    "form",
    """
Our HR team is running an on-site flu and COVID booster clinic. Can you check this filled-in consent form against the CDC screening questions and tell me if the nurse needs to follow up on anything?

ON-SITE VACCINATION CONSENT — Dunmore Logistics
Employee ID: ⟦ACC:E-208455⟧
Name: ⟦P:Tamara Oyelaran-Briggs⟧
DOB: ⟦DOB:Feb 29, 1988⟧   Age: 37
Insurance: Aetna, member ID ⟦ACC:W281774603⟧
1. Feeling sick today? No
2. Severe allergy to a vaccine component? Yes — ⟦MC:egg allergy⟧ (hives), ⟦MC:latex allergy⟧
3. Pregnant or could be? Yes, ⟦MC:11 weeks pregnant⟧
4. Weakened immune system? On ⟦MED:Humira⟧ for ⟦MC:Crohn's disease⟧
5. History of Guillain-Barré? No
Signature: ⟦P:T. Oyelaran-Briggs⟧   Date: 10/21/2025
""",
)
add(
    "pii",
    "en",
    "tutoring-centre-student-roster",
    "csv",
    """
I run a small tutoring centre. Can you group these students into three classes of similar level, keeping the two with accommodations out of the noisy room?

student,grade,level,accommodation,parent,parent_phone,parent_email
⟦P:Mateo Ruiz⟧,7,B,"⟦MC:dyslexia⟧ - extra time, read-aloud",⟦P:Lucía Ruiz⟧,⟦T:(915) 555-0163⟧,⟦E:lucia.ruiz.elp@outlook.example⟧
⟦P:Harper Quinn⟧,6,A,,⟦P:Jordan Quinn⟧,⟦T:(915) 555-0104⟧,⟦E:jq.family@gmail.example⟧
⟦P:Destiny Watts⟧,7,C,"⟦MC:ADHD⟧ (takes ⟦MED:Concerta⟧ 27mg before school), movement breaks",⟦P:Keisha Watts⟧,⟦T:(915) 555-0181⟧,⟦E:kwatts@sisd.example⟧
⟦P:Ali Haddad⟧,6,B,,⟦P:Rania Haddad⟧,⟦T:(915) 555-0127⟧,⟦E:rania.haddad@yahoo.example⟧
⟦P:Sophie Nguyen⟧,7,A,"⟦MC:hearing loss⟧ L ear - front seat",⟦P:Linh Nguyen⟧,⟦T:(915) 555-0152⟧,⟦E:linh.nguyen77@gmail.example⟧
""",
)
add(
    "pii",
    "en",
    "cycle-tracker-data-export",
    "json",
    """
I exported my data from my cycle-tracking app because I'm switching apps. What do these fields mean and is there anything in here I'd want to delete before uploading it to the new one?

{
  "user": {"name": "⟦P:Mei-Ling Cheung⟧", "email": "⟦E:meiling.cheung@proton.example⟧", "birthdate": "⟦DOB:1994-05-17⟧", "height_cm": 162},
  "conditions": ["⟦MC:PCOS⟧", "⟦MC:endometriosis (suspected)⟧"],
  "medications": [{"name": "⟦MED:Letrozole⟧", "dose": "2.5 mg", "cycle_days": "3-7"}, {"name": "⟦MED:Ovitrelle⟧", "note": "trigger shot"}],
  "pregnancy": {"status": "⟦MC:pregnant⟧", "lmp": "2025-08-30", "due": "2026-06-06", "positive_test": "2025-09-28"},
  "partner_sharing": {"enabled": true, "partner_name": "⟦P:Daniel Cheung⟧", "partner_email": "⟦E:dan.cheung@proton.example⟧"},
  "app_version": "8.14.2", "export_id": "6f0c2a1e-7b44-4c1e-9d52-1a3b8e0f2c77"
}
""",
)
add(
    "pii",
    "en",
    "patient-portal-duplicate-merge-sql",
    "sql",
    """
We found duplicate patients in our small clinic's portal DB after a migration. I wrote these statements to merge them — can you check the order is safe and wrap it in a transaction?

-- dupes found 2025-11-18
-- keep 10442, remove 18807 (same person, typo in DOB)
UPDATE appointments SET patient_id = 10442 WHERE patient_id = 18807;
UPDATE patients SET dob = '⟦DOB:1971-06-23⟧', phone = '⟦T:(402) 555-0166⟧', ssn = '⟦ID@US:412-58-3306⟧'
 WHERE id = 10442 AND mrn = '⟦MRN:NE-0094417⟧' AND last_name = '⟦P:Halvorsen⟧' AND first_name = '⟦P:Kristin⟧';
DELETE FROM patients WHERE id = 18807 AND mrn = '⟦MRN:NE-0112083⟧';
-- the wrong record had dob '⟦DOB:1971-03-23⟧' and problem list '⟦MC:hypothyroidism⟧; ⟦MC:migraine⟧' -> already on 10442
INSERT INTO audit_log (actor, action, note) VALUES ('⟦U:dr.ebrahimi⟧', 'merge', '18807 -> 10442 per ⟦P:K. Halvorsen⟧ phone call');
""",
)
add(
    "pii",
    "en",
    "mums-care-rota-table",
    "markdown-table",
    """
My siblings and I share looking after Mum since her ⟦MC:COPD⟧ got worse. Can you turn this into a printable weekly rota with a medication checklist she can tick?

| day | who | phone | meds to check |
|---|---|---|---|
| Mon | ⟦P:Gemma⟧ | ⟦T:07723 418 560⟧ | ⟦MED:Trimbow⟧ inhaler am/pm, ⟦MED:Carbocisteine⟧ |
| Tue | ⟦P:Rhys⟧ | ⟦T:07984 226 031⟧ | same + ⟦MED:furosemide⟧ (ankles) |
| Wed | carer from Bluebird (⟦P:Joanne⟧) | agency | — |
| Thu | ⟦P:Gemma⟧ | ⟦T:07723 418 560⟧ | oxygen delivery 10-12 |
| Fri | ⟦P:Owain⟧ | ⟦T:07412 870 553⟧ | pick up ⟦MED:prednisolone⟧ rescue pack from Boots |
| Sat/Sun | whoever's free | | |

Mum: ⟦P:Glenys Pritchard⟧, ⟦A:5 Heol y Nant, Pontypridd CF37 4LR⟧, landline ⟦T:01443 409 172⟧. Also has ⟦MC:osteoporosis⟧ — no lifting, she'll try.
""",
)
add(
    "pii",
    "en",
    "crm-lead-api-request",
    "http",
    """
Our web form posts leads to the CRM like this and sometimes gets a 422. Can you spot what's wrong with the payload?

POST /api/v2/leads HTTP/1.1
Host: crm.harbourlight.example
Content-Type: application/json
X-Forwarded-For: ⟦IP:92.40.183.77⟧

{"first_name": "⟦P:Benedikt⟧", "last_name": "⟦P:Osei-Bonsu⟧", "email": "⟦E:b.oseibonsu@posteo.example⟧", "phone": "⟦T:+44 7700 182 436⟧",
 "address": {"line1": "⟦A:Flat 3, 88 Gloucester Place⟧", "city": "London", "postcode": "⟦A:W1U 6HP⟧"},
 "company": "Bonsu & Pike Architects", "budget": "50k-100k", "consent_marketing": "yes", "source_ip": "⟦IP:92.40.183.77⟧"}
""",
)
add(
    "pii",
    "en",
    "ansible-user-accounts-vars",
    "yaml",
    """
This is the users list for our lab's shared GPU server. I want to add a role that removes accounts marked `state: absent` and archives their home directories first. Can you write it?

lab_users:
  - username: ⟦U:akhanna⟧
    name: "⟦P:Anjali Khanna⟧"
    email: ⟦E:anjali.khanna@physics.uni.example⟧
    groups: [gpu, docker]
    pubkey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk3mW0q8Dz1cLx4fJ2uRb7YpN6tV9eGs5aQoK1wMhZr ⟦U:akhanna⟧@laptop"
  - username: ⟦U:pmorales⟧
    name: "⟦P:Pablo Morales Ibarra⟧"
    email: ⟦E:p.morales@physics.uni.example⟧
    groups: [gpu]
    state: absent   # left in June
  - username: ⟦U:wzhou2⟧
    name: "⟦P:Wenjun Zhou⟧"
    email: ⟦E:wenjun.zhou@physics.uni.example⟧
    groups: [gpu, docker]
  - username: jupyterhub
    system: true
""",
)
add(
    "pii",
    "en",
    "jupyter-merge-two-clinic-lists",
    "code",
    """
I'm merging two lists of physio patients in pandas and the join keeps dropping people. What am I doing wrong?

import pandas as pd
a = pd.DataFrame({
    "name": ["⟦P:Bronwyn Atkins⟧", "⟦P:Rafael Duarte⟧", "⟦P:Yusuf Demir⟧"],
    "dob": ["⟦DOB:1966-02-11⟧", "⟦DOB:1983-09-30⟧", "⟦DOB:2001-12-05⟧"],
    "mrn": ["⟦MRN:PT4471⟧", "⟦MRN:PT4498⟧", "⟦MRN:PT4502⟧"],
})
b = pd.DataFrame({
    "patient": ["⟦P:ATKINS, Bronwyn⟧", "⟦P:DUARTE, Rafael⟧", "⟦P:DEMIR, Yusuf⟧"],
    "birth_date": ["⟦DOB:11/02/1966⟧", "⟦DOB:30/09/1983⟧", "⟦DOB:05/12/2001⟧"],
    "dx": ["⟦MC:frozen shoulder⟧", "⟦MC:ACL reconstruction rehab⟧", "⟦MC:lower back pain⟧"],
})
merged = a.merge(b, left_on=["name", "dob"], right_on=["patient", "birth_date"])
print(len(merged))  # 0 ?!
""",
)
add(
    "pii",
    "en",
    "food-coop-membership-ocr",
    "form",
    """
I photographed a handwritten membership form for our food co-op and the OCR came out like this. Can you clean it up into proper fields and flag anything that looks misread?

GREENWAY F00D C0-OP — MEMBER APPLlCATlON
Narne: ⟦P:Marguerite 0'Sullivan⟧
D0B: ⟦DOB:1l/O4/1987⟧
Addre5s: ⟦A:221 Elmwood Ave Apt 2R, Buffa1o NY 14222⟧
Phone: ⟦T:(716) 555-0142⟧
Househo1d members: ⟦P:Ciaran⟧ (partner), ⟦P:Bea⟧ (age 4)
Dietary / hea1th: ⟦MC:lactose intolerant⟧, ⟦P:Bea⟧ has ⟦MC:nut a1lergy⟧ (⟦MED:EpiPen Jr⟧)
Membership # (office use): ⟦ACC:GW-03318⟧
""",
)
add(
    "pii",
    "en",
    "arena-accessible-seating-request",
    "prose",
    """
Can you help me write to the arena's access team? Last time they put us in a "wheelchair bay" with no companion seat. Short and specific please.

I'm ⟦P:Hollie Brannigan⟧, Ticketmaster account ⟦E:hollie.b@icloud.example⟧, customer no. ⟦ACC:TM-77104562⟧. I have ⟦MC:spina bifida⟧ and use a power chair (it's 1.2 m long, doesn't fold). I also need to be near an accessible toilet because of ⟦MC:neurogenic bladder⟧, and I get ⟦MC:autonomic dysreflexia⟧ if I'm delayed. My PA ⟦P:Jade Mwangi⟧ comes as my free companion. We're booked for the 14 March show, block 112 row W, paid on my Visa ⟦CC:4857 4191 3889 4108⟧. Best number is ⟦T:07871 304 268⟧; Access card number ⟦ACC:1104-3378-92⟧.
""",
)
add(
    "pii",
    "en",
    "babymoon-travel-insurance-declaration",
    "prose",
    """
We're booking a babymoon in Lisbon and the travel insurer wants us to declare pre-existing conditions. Does this wording cover everything, and should I mention the bleeding at 9 weeks?

Policyholder: ⟦P:Natasha Ferreira-Dunn⟧, born ⟦DOB:7th of August 1991⟧, policy ⟦ACC:TRV-2025-883104⟧, premium paid with Amex ⟦CC:3783 260719 90728⟧.
I am ⟦MC:26 weeks pregnant⟧ with our first baby, due 20 February. I was diagnosed with ⟦MC:gestational diabetes⟧ at 24 weeks and take ⟦MED:metformin⟧ 500 mg twice a day; my iron levels are monitored because of ⟦MC:mild anaemia⟧ (on ⟦MED:Pregaday⟧). I had ⟦MC:subchorionic bleeding⟧ at 9 weeks which resolved. My husband ⟦P:Callum Dunn⟧ (⟦DOB:03.11.1988⟧) has ⟦MC:well-controlled epilepsy⟧ and takes ⟦MED:Keppra⟧.
""",
)
add(
    "pii",
    "en",
    "za-medical-aid-add-dependant",
    "form",
    """
I'm adding my husband to my medical aid after he lost his job. Please check the form before I submit it — especially whether his chronic medication needs a separate application.

Discovery Health — Add Dependant
Main member: ⟦P:Nomvula Dlamini-Pretorius⟧
Membership number: ⟦ACC:318 447 209⟧
Main member ID number: ⟦ID@ZA:9302230341084⟧
Dependant: ⟦P:Johan Pretorius⟧, spouse
Dependant ID number: ⟦ID@ZA:8104175082082⟧  (DOB ⟦DOB:17/04/1981⟧)
Chronic conditions: ⟦MC:hypertension⟧, ⟦MC:type 2 diabetes⟧
Chronic meds: ⟦MED:Amloc⟧ 10 mg, ⟦MED:Glucophage⟧ 850 mg bd
Postal: ⟦A:12 Protea Street, Bloubergrant, Cape Town, 7441⟧
Cell: ⟦T:082 555 1934⟧
""",
)
add(
    "pii",
    "de",
    "seniorenresidenz-basel-anmeldung",
    "form",
    """
Ich melde meine Mutter für ein Zimmer in einer Seniorenresidenz in Basel an. Kannst du das Formular prüfen und mir sagen, welche Unterlagen noch fehlen (Arztbericht? Kostengutsprache?)

Anmeldung Bewohnerin
Name, Vorname: ⟦P:Zürcher-Imhof, Gertrud⟧
Geburtsdatum: ⟦DOB:2. Mai 1938⟧ (87 J.)
AHV-Nr.: ⟦ID@CH:756.4728.1937.49⟧
Bisherige Adresse: ⟦A:Gundeldingerstrasse 171, 4053 Basel⟧
Krankenkasse: Sympany, Versichertennummer ⟦ACC:80756 0147 2291⟧
Diagnosen: ⟦MC:Morbus Parkinson⟧ seit 2016, ⟦MC:Sturzneigung⟧, beginnende ⟦MC:Demenz⟧
Medikamente: ⟦MED:Stalevo⟧ 4x tgl., ⟦MED:Sifrol⟧ ret., ⟦MED:Quetiapin⟧ abends
Hausarzt: Dr. med. ⟦P:Reto Baumgartner⟧, Tel. ⟦T:061 361 42 18⟧
Kontaktperson: Tochter ⟦P:Regula Imhof⟧, ⟦T:079 512 44 87⟧, ⟦E:regula.imhof@bluewin.example⟧
""",
)
add(
    "pii",
    "de",
    "reiseruecktritt-schadenmeldung",
    "prose",
    """
Bitte formuliere diese Schadenmeldung an die Reiserücktrittsversicherung sachlich und vollständig. Die Reise nach Madeira (2.–16. Oktober) mussten wir stornieren.

Versicherungsnehmer: ⟦P:Jörg Schumacher⟧, geb. ⟦DOB:12.4.1978⟧, Versicherungsnummer ⟦ACC:RRV 4471 0093 12⟧, wohnhaft ⟦A:Am Steinbruch 7, 34132 Kassel⟧.
Am 24. September wurde bei meiner Frau ⟦P:Katrin Schumacher⟧ eine ⟦MC:Gürtelrose⟧ im Gesichtsbereich mit Beteiligung des Auges festgestellt; sie bekommt ⟦MED:Aciclovir⟧ und gegen die Schmerzen ⟦MED:Novaminsulfon⟧. Die Augenärztin Dr. ⟦P:Sabine Lorenz⟧ hat Reiseunfähigkeit bescheinigt. Außerdem ist ⟦P:Katrins⟧ Vater am 27.9. ins Krankenhaus gekommen (⟦MC:Lungenembolie⟧). Die Reise wurde mit der Kreditkarte ⟦CC:5713-3559-0922-1231⟧ bezahlt. Die Stornokosten von 2.380 € bitte auf ⟦IBAN:DE76 3704 0044 9381 6662 26⟧ erstatten. Rückfragen: ⟦T:0561 473 92 10⟧.
""",
)
add(
    "pii",
    "es",
    "natacion-adaptada-inscripcion",
    "form",
    """
¿Me ayudas a redactar la parte de "observaciones" de esta inscripción para que los monitores entiendan bien a mi hijo sin que suene a informe médico?

INSCRIPCIÓN NATACIÓN ADAPTADA — Curso 2025/26
Alumno: ⟦P:Hugo Sánchez Ortega⟧   Fecha de nacimiento: ⟦DOB:22/06/2016⟧
Diagnóstico: ⟦MC:trastorno del espectro autista⟧ (grado 1), ⟦MC:discapacidad reconocida del 33 %⟧
Medicación: ⟦MED:melatonina⟧ por la noche, no afecta al horario
Padre: ⟦P:Álvaro Sánchez Gil⟧, DNI ⟦ID@ES:47291835V⟧, ⟦T:644 21 87 30⟧
Madre: ⟦P:Ioana Ortega Popescu⟧, NIE ⟦ID@ES:Y4178230H⟧, ⟦T:611 904 552⟧
Domicilio: ⟦A:C/ de Cuba 41, 3.º B, 46006 València⟧
Observaciones: le cuesta el ruido de la piscina grande, usa tapones y se pone nervioso si cambian de monitor. Responde mejor si le llamas "⟦P:Huguito⟧".
""",
)
add(
    "pii",
    "es",
    "parte-de-baja-mensaje-rrhh",
    "prose",
    """
Tengo que mandar esto a Recursos Humanos. ¿Lo puedes dejar más formal y más corto?

Hola ⟦P:Marta⟧, te escribo para avisar de que el médico de cabecera me ha dado la baja hoy por una ⟦MC:hernia discal L5-S1⟧ con ⟦MC:ciática⟧. Me ha recetado ⟦MED:Enantyum⟧ y ⟦MED:Nolotil⟧ y reposo al menos dos semanas; el parte de baja ya está en la app de la Seguridad Social. Mis datos por si los necesita la mutua: ⟦P:Rubén Castillo Ferrer⟧, DNI ⟦ID@ES:38106452Y⟧, nº de afiliación ⟦ACC:28/10447823/61⟧. ¿Puede ⟦P:Inés⟧ cubrir la reunión con Grupo Osborne del jueves? Mi móvil es ⟦T:678 334 019⟧ por si hay algo urgente. Gracias.
""",
)
add(
    "pii",
    "fr",
    "conge-presence-parentale-demande",
    "prose",
    """
Peux-tu relire ma demande de congé de présence parentale à mon employeur et me dire ce que je dois envoyer à la CAF en parallèle ?

Madame la Directrice des ressources humaines,
Je soussignée ⟦P:Élodie Garnier⟧, née le ⟦DOB:7 mars 1969⟧ (n° de sécurité sociale ⟦ID@FR:269037505614292⟧), vous informe que mon fils ⟦P:Théo⟧, 9 ans, est atteint d'une ⟦MC:leucémie aiguë lymphoblastique⟧ diagnostiquée le 3 octobre. Son traitement à l'hôpital Trousseau (chimiothérapie, dont ⟦MED:méthotrexate⟧ et ⟦MED:vincristine⟧) nécessite ma présence. Je sollicite donc un congé de présence parentale à compter du 17 novembre. Vous trouverez ci-joint le certificat du Dr ⟦P:Benhamou⟧. Mon numéro d'allocataire CAF est ⟦ACC:2841177⟧.
⟦P:Élodie Garnier⟧, ⟦A:14 rue Ordener, 75018 Paris⟧, ⟦T:06 71 28 40 93⟧
""",
)
add(
    "pii",
    "fr",
    "academie-musique-inscription-belgique",
    "form",
    """
J'inscris ma fille à l'académie de musique de Namur. Est-ce que je dois vraiment donner son numéro national ? Et comment expliquer sa ⟦MC:dyspraxie⟧ au professeur de piano sans la stigmatiser ?

Fiche d'inscription — Académie de Musique
Élève : ⟦P:Louise Dewandre⟧
Date de naissance : ⟦DOB:27/09/2013⟧
N° national : ⟦ID@BE:13.09.27-418.10⟧
Responsable : ⟦P:Stéphanie Dewandre-Lejeune⟧, ⟦A:rue Saint-Nicolas 22, 5000 Namur⟧
GSM : ⟦T:0476 38 21 57⟧ — courriel : ⟦E:steph.lejeune@skynet.example⟧
Remarques santé : ⟦MC:dyspraxie⟧ (suivie en psychomotricité), ⟦MC:asthme⟧ à l'effort — ⟦MED:Ventolin⟧ dans le cartable
Père : ⟦P:Olivier Dewandre⟧, N° national ⟦ID@BE:75.02.18-263.10⟧
""",
)
add(
    "pii",
    "it",
    "lettera-medico-rinnovo-terapia",
    "prose",
    """
Mi sistemi questa mail al medico di base di mia madre? Vorrei che fosse chiara ma educata, lui è un po' permaloso.

Gentile dottor ⟦P:Ferraris⟧,
le scrivo per conto di mia madre, ⟦P:Rosanna Gallo⟧, nata il ⟦DOB:4/9/1951⟧, residente in ⟦A:via Nomentana 251, 00161 Roma⟧. Ha finito il ⟦MED:Norvasc⟧ 5 mg e la ⟦MED:Cardioaspirin⟧, e da quando il cardiologo le ha trovato una ⟦MC:fibrillazione atriale parossistica⟧ dovrebbe iniziare l'⟦MED:Eliquis⟧, ma serve il piano terapeutico. Potrebbe inviare le ricette dematerializzate al mio numero ⟦T:347 882 1045⟧ o alla mail ⟦E:giulia.bianchi83@libero.example⟧? La delega è a mio nome: ⟦P:Giulia Bianchi⟧, C.F. ⟦ID@IT:BNCGLI83M52H501C⟧.
Grazie, ⟦P:Giulia⟧
""",
)
add(
    "pii",
    "it",
    "campo-scout-scheda-sanitaria",
    "form",
    """
Devo compilare la scheda sanitaria per il campo scout estivo di mio figlio. Puoi controllare che sia tutto chiaro per i capi reparto?

SCHEDA SANITARIA E/G — Campo estivo 2025
Ragazzo/a: ⟦P:Luca Conti⟧   nato il ⟦DOB:18/12/2009⟧ a Torino
Codice fiscale: ⟦ID@IT:CNTLCU09T18L219U⟧
Allergie/intolleranze: ⟦MC:allergia al veleno di vespa⟧ (porta sempre ⟦MED:Fastjekt⟧), ⟦MC:intolleranza al lattosio⟧
Terapie in corso: ⟦MED:Bentelan⟧ al bisogno, ⟦MED:Aerius⟧ 1 cp in primavera
Altro: ha avuto una ⟦MC:frattura del polso⟧ a maggio, niente arrampicata
Genitore: ⟦P:Marco Conti⟧, cell. ⟦T:333 507 2218⟧ — secondo contatto: nonna ⟦P:Pina⟧ ⟦T:011 819 4370⟧
Medico curante: dott.ssa ⟦P:Elena Sartori⟧
""",
)
add(
    "pii",
    "pl",
    "zwolnienie-z-wf-corki",
    "prose",
    """
Czy możesz poprawić tę prośbę do wychowawczyni, żeby brzmiała uprzejmie i konkretnie?

Szanowna Pani ⟦P:Ewo⟧,
zwracam się z prośbą o zwolnienie mojej córki ⟦P:Zuzanny Kamińskiej⟧ (kl. 4b, PESEL ⟦ID@PL:15230518641⟧) z zajęć wychowania fizycznego do końca semestru. U ⟦P:Zuzi⟧ zdiagnozowano ⟦MC:skoliozę⟧ 24° i ⟦MC:dysplazję stawu biodrowego⟧, nosi gorset Cheneau przez 20 godzin dziennie; ortopeda dr ⟦P:Marek Zieliński⟧ wystawił zaświadczenie. Przyjmuje też ⟦MED:Vigantoletten⟧. Proszę o kontakt z mężem, ⟦P:Pawłem Kamińskim⟧, pod numerem ⟦T:602 418 337⟧, gdybym była nieosiągalna.
Z poważaniem
⟦P:Katarzyna Kamińska⟧
""",
)
add(
    "pii",
    "pl",
    "reklamacja-operator-komorkowy",
    "prose",
    """
Pomóż mi napisać reklamację do operatora — naliczyli mi opłaty za roaming, z którego nie korzystałam, bo byłam w szpitalu.

Dane abonenta: ⟦P:Agnieszka Dąbrowska⟧, PESEL ⟦ID@PL:78031204528⟧, nr klienta ⟦ACC:1.28840371⟧, numer telefonu ⟦T:+48 691 204 783⟧, adres: ⟦A:ul. Kościuszki 58/12, 30-105 Kraków⟧.
Od 2 do 19 sierpnia leżałam na oddziale kardiologii po ⟦MC:zawale serca⟧, telefon był w depozycie — może to potwierdzić siostra oddziałowa, pani ⟦P:Bożena Wróbel⟧. Rachunek za sierpień to 412,38 zł. Proszę o kontakt z moim synem, ⟦P:Grzegorzem Dąbrowskim⟧, bo mnie jeszcze trudno rozmawiać.
""",
)
add(
    "pii",
    "nl",
    "zwangerschapsverlof-aanvraag-werkgever",
    "prose",
    """
Kun je deze mail aan mijn leidinggevende wat zakelijker maken? En klopt het dat ik mijn verlof zelf mag laten ingaan tussen 6 en 4 weken voor de uitgerekende datum?

Hoi ⟦P:Sander⟧,
Zoals je weet ben ik ⟦MC:zwanger⟧, de uitgerekende datum is 14 februari. Mijn verloskundige heeft ⟦MC:zwangerschapsdiabetes⟧ vastgesteld, dus ik prik nu ⟦MED:insuline⟧ en heb elke week een controle in het Máxima MC. Ik wil mijn zwangerschapsverlof laten ingaan op 5 januari. Voor het UWV-formulier: ⟦P:Femke de Vries-Bakker⟧, BSN ⟦ID@NL:318462072⟧, geboren ⟦DOB:19-10-1992⟧, personeelsnummer ⟦ACC:00471⟧. Mijn vriend ⟦P:Joost⟧ neemt daarna zijn aanvullend geboorteverlof op.
Groet, ⟦P:Femke⟧
""",
)
add(
    "pii",
    "nl",
    "tandartskosten-declaratie-zorgverzekeraar",
    "form",
    """
Mijn zorgverzekeraar heeft de declaratie afgewezen. Kun je een bezwaarbrief schrijven op basis van deze gegevens?

Verzekerde: ⟦P:Hendrik (Henk) Mulder⟧
Polisnummer: ⟦ACC:210448193⟧
BSN: ⟦ID@NL:126375902⟧
Geboortedatum: ⟦DOB:3 juni 1957⟧
Adres: ⟦A:Zuiderdiep 112, 9521 AL Nieuw-Buinen⟧
Behandeling: parodontologie, 4 sessies, totaal € 1.260
Reden: ⟦MC:ernstige parodontitis⟧ bij ⟦MC:diabetes type 2⟧ en gebruik van ⟦MED:Metformine⟧ en ⟦MED:Ascal⟧
Tandarts: ⟦P:L. Oosterhuis⟧
Terugbetaling op: ⟦IBAN:NL84 INGB 7065 6899 68⟧ t.n.v. ⟦P:H. Mulder⟧
""",
)
add(
    "pii",
    "pt",
    "escola-plano-diabetes-tipo1",
    "prose",
    """
Podes ajudar-me a escrever uma nota para a diretora de turma a explicar o plano de saúde individual do meu filho? Ele começa o 7.º ano na próxima semana.

O ⟦P:Tomás Figueiredo⟧ (nascido a ⟦DOB:11 de janeiro de 2013⟧, n.º de utente ⟦ACC:284 771 903⟧, NIF ⟦ID@PT:278460372⟧) tem ⟦MC:diabetes tipo 1⟧ desde os 6 anos. Usa sensor FreeStyle Libre 2 e faz ⟦MED:Fiasp⟧ às refeições e ⟦MED:Tresiba⟧ à noite. Se tiver uma ⟦MC:hipoglicemia⟧ deve comer 3 pacotes de açúcar e, se não reagir, alguém tem de lhe dar ⟦MED:Baqsimi⟧. O pai, ⟦P:Nuno Figueiredo⟧, está contactável pelo ⟦T:912 448 037⟧ e eu pelo ⟦T:936 201 584⟧. Morada: ⟦A:Rua de Cedofeita 402, 2.º Esq., 4050-174 Porto⟧.
Obrigada, ⟦P:Sofia Ramalho⟧
""",
)
add(
    "pii",
    "pt",
    "autorizacao-viagem-menor-brasil",
    "form",
    """
Vou preencher a autorização de viagem para o meu filho ir com os avós para Portugal. Confere se os dados estão no formato que o cartório pede?

AUTORIZAÇÃO DE VIAGEM INTERNACIONAL DE MENOR
Menor: ⟦P:Enzo Carvalho Lima⟧, nascido em ⟦DOB:08/03/2015⟧, passaporte ⟦PASS:GF482117⟧
Genitor 1: ⟦P:Rodrigo Lima da Silva⟧, CPF ⟦ID@BR:386.117.024-84⟧, RG ⟦ACC:32.418.907-5⟧ SSP/SP
Genitor 2: ⟦P:Camila Carvalho⟧, CPF ⟦ID@BR:519.708.263-12⟧
Acompanhantes: avós maternos ⟦P:José Carlos Carvalho⟧ e ⟦P:Maria Aparecida Carvalho⟧
Endereço: ⟦A:Rua Cardeal Arcoverde 1250, apto 84, Pinheiros, São Paulo - SP, 05407-002⟧
Telefone: ⟦T:(11) 98472-3310⟧
Observação: o ⟦P:Enzo⟧ tem ⟦MC:epilepsia de ausência⟧ e toma ⟦MED:Depakene⟧ — levar laudo traduzido.
""",
)
add(
    "pii",
    "cs",
    "oznameni-tehotenstvi-zamestnavateli",
    "prose",
    """
Můžeš mi učesat tento e-mail pro personální oddělení? Chci, aby byl stručný a aby tam bylo jasně, od kdy nastupuji na mateřskou.

Dobrý den, paní ⟦P:Nováková⟧,
ráda bych Vám oznámila, že jsem ⟦MC:těhotná⟧, termín porodu je 28. března. Kvůli ⟦MC:hyperemesis gravidarum⟧ jsem byla v září tři týdny v pracovní neschopnosti a beru ⟦MED:Degan⟧, teď už je to lepší. Na peněžitou pomoc v mateřství nastoupím podle lékaře od 8. února. Pro mzdovou účetní: ⟦P:Janě Dvořákové⟧ prosím předejte mé rodné číslo ⟦ID@CZ:785412/3167⟧ a číslo účtu ⟦ACC:2400417733/2010⟧. Jsem nar. ⟦DOB:12. 4. 1978⟧, takže to bude moje první „rizikové" těhotenství ve 47.
S pozdravem ⟦P:Lenka Horáková⟧
""",
)
add(
    "pii",
    "cs",
    "prihlaska-letni-tabor",
    "form",
    """
Vyplňuji přihlášku na letní tábor. Je v pořádku psát tam rodné číslo a diagnózu, nebo stačí jen zdravotní průkaz?

PŘIHLÁŠKA — LT Bobří stopa 2026
Jméno dítěte: ⟦P:Matěj Horák⟧
Datum narození: ⟦DOB:22. 6. 2014⟧
Rodné číslo: ⟦ID@CZ:140622/5128⟧
Zdravotní pojišťovna: 111, číslo pojištěnce = RČ
Zdravotní omezení: ⟦MC:celiakie⟧ (bezlepková strava), ⟦MC:alergie na pyly⟧ — ⟦MED:Zyrtec⟧ 1× denně
Zákonný zástupce: ⟦P:Lenka Horáková⟧, ⟦T:603 418 226⟧, ⟦E:lenka.horakova@seznam.example⟧
Adresa: ⟦A:Lidická 41, 602 00 Brno⟧
Souhlasím, aby ⟦P:Matěje⟧ v případě nutnosti ošetřil táborový zdravotník.
""",
)
add(
    "pii",
    "da",
    "besked-til-dagplejen-allergi",
    "prose",
    """
Kan du skrive denne besked til vores dagplejer pænere og mere overskuelig? Hun er ny og kender ikke ⟦P:Asta⟧ endnu.

Hej ⟦P:Birgitte⟧! ⟦P:Asta⟧ (f. ⟦DOB:4/2-2023⟧, CPR ⟦ID@DK:040223-4718⟧) har ⟦MC:svær æggeallergi⟧ og ⟦MC:atopisk eksem⟧. Hun må ikke få noget med æg, heller ikke i boller. Hvis hun får udslet og hoster, skal hun have ⟦MED:Jext⟧ i låret og I skal ringe 112. Til eksemet smører vi ⟦MED:Locoid⟧ morgen og aften — det gør vi hjemme. Hun sover 11.30–13. Mor: ⟦P:Signe Kjær⟧ ⟦T:28 44 71 09⟧, far: ⟦P:Mads Østergaard⟧ ⟦T:40 12 93 58⟧.
""",
)
add(
    "pii",
    "da",
    "ansoegning-hjaelpemiddel-kommune",
    "form",
    """
Min far skal søge kommunen om en el-kørestol. Kan du skrive begrundelsen, så den passer til servicelovens § 112?

Ansøger: ⟦P:Poul Erik Lauridsen⟧
CPR-nr.: ⟦ID@DK:190358-2107⟧
Adresse: ⟦A:Skolevej 14, 7400 Herning⟧
Telefon: ⟦T:97 12 44 80⟧
Diagnoser: ⟦MC:apopleksi⟧ (2024) med ⟦MC:venstresidig lammelse⟧, ⟦MC:KOL⟧ grad 3
Medicin: ⟦MED:Spiolto⟧, ⟦MED:Clopidogrel⟧, ⟦MED:Eliquis⟧
Kan gå ca. 20 meter med rollator, derefter åndenød. Bor alene; datteren ⟦P:Mette Lauridsen⟧ (⟦T:22 61 04 37⟧) handler ind.
""",
)
add(
    "pii",
    "no",
    "soknad-tt-kort",
    "form",
    """
Jeg hjelper broren min med søknaden om TT-kort (tilrettelagt transport). Kan du skrive et kort avsnitt om hvorfor han ikke kan bruke vanlig kollektivtransport?

Søker: ⟦P:Øyvind Haugland⟧
Fødselsnummer: ⟦ID@NO:15078243152⟧
Adresse: ⟦A:Kong Oscars gate 33, 5017 Bergen⟧
Telefon: ⟦T:926 41 308⟧
Diagnose: ⟦MC:multippel sklerose⟧ (attakkvis), ⟦MC:kronisk utmattelse⟧, ⟦MC:blæreproblemer⟧
Behandling: ⟦MED:Ocrevus⟧ hvert halvår, ⟦MED:Fampyra⟧
Fastlege: ⟦P:Ingrid Solheim⟧, Danmarksplass legesenter
Kontaktperson: ⟦P:Kari Haugland⟧ (søster), ⟦T:481 22 907⟧
Han klarer ca. 100 meter og kan ikke stå i buss; ⟦P:Øyvind⟧ bruker krykker ute.
""",
)
add(
    "pii",
    "no",
    "sfo-medisinering-melding",
    "prose",
    """
Kan du gjøre denne meldingen til SFO litt ryddigere? Jeg vil at de skal forstå at han må ha medisinen før klokka 14.

Hei! Fra mandag begynner ⟦P:Sindre⟧ (⟦DOB:3.5.11⟧) på ⟦MED:Equasym Depot⟧ for ⟦MC:ADHD⟧, og han skal ha en ekstra tablett ⟦MED:Ritalin⟧ 5 mg kl. 13.30 på SFO. Tablettene ligger i en merket boks hos ⟦P:Hilde⟧ på kontoret. Han kan bli litt sulten og lei seg når virkningen går ut. Fødselsnummeret hans trengs visst på medisinskjemaet: ⟦ID@NO:03051155784⟧. Ring meg på ⟦T:+47 915 30 642⟧ hvis noe. Hilsen ⟦P:Marte Nilsen Vik⟧
""",
)
add(
    "pii",
    "lt",
    "prasymas-neigalumo-lengvatos",
    "prose",
    """
Padėkite sutvarkyti šį prašymą savivaldybei dėl būsto pritaikymo neįgaliesiems. Noriu, kad skambėtų oficialiai.

Prašau skirti kompensaciją vonios kambario pritaikymui mano motinai ⟦P:Rasai Petraitienei⟧ (a. k. ⟦ID@LT:45006191120⟧), gyvenančiai ⟦A:Savanorių pr. 187-14, LT-03116 Vilnius⟧. ⟦P:Rasai Petraitienei⟧ nustatytas 30 proc. darbingumo lygis dėl ⟦MC:reumatoidinio artrito⟧ ir ⟦MC:osteoporozės⟧, ji vartoja ⟦MED:Metotreksatą⟧ ir ⟦MED:Fosamax⟧. Pridedu šeimos gydytojos dr. ⟦P:Jūratės Kazlauskienės⟧ išrašą. Kontaktinis asmuo – sūnus ⟦P:Mindaugas Petraitis⟧, tel. ⟦T:+370 612 48 371⟧, el. paštas ⟦E:mindaugas.petraitis@gmail.example⟧.
""",
)
add(
    "pii",
    "lv",
    "iesniegums-atbrivot-no-sporta",
    "prose",
    """
Lūdzu, palīdzi noformēt iesniegumu skolai, lai meitu atbrīvo no sporta stundām uz pusgadu.

Rīgas 45. vidusskolas direktorei
Iesniegums
Lūdzu atbrīvot manu meitu ⟦P:Elīzu Ozoliņu⟧ (personas kods ⟦ID@LV:150311-20470⟧), 8.b klases skolnieci, no sporta stundām līdz 2026. gada 31. janvārim, jo viņai konstatēta ⟦MC:iedzimta sirdskaite⟧ un pēc operācijas viņa lieto ⟦MED:Aspirin Cardio⟧. Ārstējošā ārste – ⟦P:Inga Bērziņa⟧ (BKUS). Izziņu pievienoju.
⟦P:Ilze Ozoliņa⟧, tālr. ⟦T:29 448 173⟧, ⟦A:Brīvības iela 151-8, Rīga, LV-1012⟧
""",
)
add(
    "pii",
    "et",
    "kiri-perearstile-retsept",
    "prose",
    """
Palun tee sellest kirjast viisakas ja lühike pöördumine perearstile. Kirjutan portaali kaudu.

Tere, dr ⟦P:Tamm⟧!
Minu ema ⟦P:Malle Kask⟧ (isikukood ⟦ID@EE:45108120273⟧) ⟦MED:Euthyrox⟧ 75 mikrogrammi retsept lõppes eile. Tal on ⟦MC:hüpotüreoos⟧ ja viimasel ajal ka ⟦MC:südamerütmihäired⟧ – kas saaks ka EKG aja? Ema ei kasuta digiretsepti ise, seega palun helistage mulle: ⟦P:Kadri Kask-Lepik⟧, ⟦T:5342 1187⟧. Ema aadress on ⟦A:Tähe 44-7, 50103 Tartu⟧ ja ta on sündinud ⟦DOB:12.08.1951⟧ (74 a).
""",
)
add(
    "pii",
    "uk",
    "zayava-sanatorno-kurortne-likuvannia",
    "form",
    """
Допоможи, будь ласка, правильно заповнити заяву на путівку до санаторію для тата. Що ще треба додати, довідку 070/о?

Заява
Прізвище, ім'я, по батькові: ⟦P:Коваленко Петро Іванович⟧
Дата народження: ⟦DOB:24.03.1956⟧
РНОКПП: ⟦ID@UA:2053703119⟧
Адреса: ⟦A:м. Полтава, вул. Соборності, 37, кв. 12⟧
Телефон: ⟦T:+380 50 417 2863⟧
Діагноз: ⟦MC:гіпертонічна хвороба II ст.⟧, ⟦MC:цукровий діабет 2 типу⟧, ⟦MC:остеохондроз поперекового відділу⟧
Ліки: ⟦MED:Метформін⟧, ⟦MED:Лізиноприл⟧, ⟦MED:Кардіомагніл⟧
Контактна особа: син ⟦P:Олександр Коваленко⟧, ⟦T:067 118 40 95⟧
""",
)
add(
    "pii",
    "uk",
    "lyst-do-shkoly-dytyna-z-invalidnistiu",
    "prose",
    """
Перепиши, будь ласка, цей лист до класної керівниці коротше і м'якше.

Шановна ⟦P:Ірино Василівно⟧! Пишу щодо мого сина ⟦P:Максима Ткаченка⟧ (3-Б клас). У ⟦P:Максима⟧ ⟦MC:цукровий діабет 1 типу⟧, нещодавно йому встановили помпу, і він ще вчиться нею користуватися. Прошу дозволяти йому перекус під час уроку та не відпускати самого до медсестри, якщо рівень цукру нижче 4. Інсулін — ⟦MED:Новорапід⟧. Якщо щось трапиться, телефонуйте мені (⟦P:Оксані Ткаченко⟧) за номером ⟦T:093 552 17 48⟧ або бабусі ⟦P:Галині Петрівні⟧ — ⟦T:066 301 84 22⟧. Дякую!
""",
)
add(
    "pii",
    "ru",
    "spravka-bassein-zayavlenie",
    "prose",
    """
Помоги составить письмо в фитнес-клуб: хочу заморозить абонемент по медицинским причинам и получить перерасчёт.

Здравствуйте! Я, ⟦P:Смирнова Екатерина Андреевна⟧, член клуба, номер карты ⟦ACC:00418273⟧, прошу заморозить мой абонемент с 1 ноября на три месяца. У меня ⟦MC:беременность⟧ с угрозой прерывания, врач назначил ⟦MED:Дюфастон⟧ и строго запретил бассейн и силовые. Справку из женской консультации прикладываю. Для возврата: ИНН ⟦ID@RU:772814390526⟧, СНИЛС ⟦ACC:118-204-731 28⟧. Связаться можно по ⟦T:+7 916 204-18-37⟧ или через мужа, ⟦P:Дмитрия Смирнова⟧. Проживаю: ⟦A:г. Москва, ул. Профсоюзная, д. 43, кв. 118⟧.
""",
)
add(
    "pii",
    "ca",
    "sollicitud-targeta-sanitaria-catsalut",
    "form",
    """
Estic ajudant la meva sogra a demanar la targeta sanitària individual. Pots revisar que tot quadri abans d'anar al CAP?

Sol·licitud TSI — CatSalut
Nom i cognoms: ⟦P:Montserrat Puigdomènech i Ferrer⟧
Data de naixement: ⟦DOB:9 de febrer de 1949⟧
DNI: ⟦ID@ES:37740152G⟧
Codi CIP anterior: ⟦ACC:PUFE 0490209 004⟧
Adreça: ⟦A:Carrer de Sant Pere Més Alt 18, 2n 1a, 08003 Barcelona⟧
Telèfon: ⟦T:933 19 47 22⟧
Malalties cròniques: ⟦MC:insuficiència cardíaca⟧, ⟦MC:diabetis tipus 2⟧
Medicació: ⟦MED:Sintrom⟧, ⟦MED:Jardiance⟧
Persona de contacte: ⟦P:Jordi Vilaró⟧ (gendre), ⟦T:619 204 338⟧
""",
)

# ---------------------------------------------------------------------------
# group cred
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "db-cli-history-after-migration",
    "command",
    """
I'm writing up how I tested our new databases last night. Here's my shell history — can you turn it into a short runbook (and yes, I know I should rotate these)?

  501  cockroach sql --url "postgresql://⟦U:dana_whitlock⟧:⟦S:Qz7!harbour-Lantern-42⟧@free-tier14.aws-eu-central-1.cockroachlabs.cloud:26257/defaultdb?sslmode=verify-full"
  502  clickhouse-client --host ch-prod-2.internal --user analytics_ro --password '⟦S:v9TgR2#pLx0wQe⟧' --query "SELECT count() FROM events"
  503  cqlsh cass-01.internal 9042 -u ⟦U:dwhitlock⟧ -p ⟦S:Ferns&Moss_2025⟧ -e "DESCRIBE KEYSPACES"
  504  mongosh "mongodb://app_writer:⟦S:Np4sK8vLr2XuQ9z⟧@10.40.2.11:27017,10.40.2.12:27017/orders?replicaSet=rs0&authSource=admin"
  505  export NEO4J_PASSWORD='⟦S:graph-Otter-1987⟧'; cypher-shell -a neo4j+s://7f3a91c2.databases.neo4j.io -u neo4j
  506  git log -1 --format=%H   # 4a2285a8384d14be618dec01edb6b34159fbf6ff (migration commit)
""",
)
add(
    "cred",
    "en",
    "nats-creds-and-pulsar-token-debug",
    "command",
    """
Our ingest service can't connect to NATS ("authorization violation") but the Pulsar side works. Here's what's on the box — is the creds file malformed?

$ cat /etc/ingest/ingest.creds
-----BEGIN NATS USER JWT-----
⟦S:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJqdGkiOiJBMlRXQkxISTVKSEg3TUdOTU9YVFVNUk9QT0FFSUdJQVFGWlRWQUpPUUtGTEFDN01LUjQ2IiwiaWF0IjoxNzYxODMwNDAwLCJpc3MiOiJBTzRLN04zU1kzT1Y0V1NDRkpZSFRYM0I0TkpRRlMzM1pTSEpXR1ZFTFNBRlQ2QUJPU0U0M1hJMiIsIm5hbWUiOiJpbmdlc3QiLCJzdWIiOiJVWkJCN1lDVEtHWkZJTDJQSUpIS0NIQ1FIQ0tESVVJVzVQNVZDVE42VE03QkZGTkRITE5ERlVMTCIsIm5hdHMiOnsidHlwZSI6InVzZXIiLCJ2ZXJzaW9uIjoyfX0.tc-Z-TzE7h3Eq615KpzuBOJP928p3Ngvv3uNnUxpjJc⟧
------END NATS USER JWT------

************************* IMPORTANT *************************
NKEY Seed printed below can be used to sign and prove identity.
NKEYs are sensitive and should be treated as secrets.

-----BEGIN USER NKEY SEED-----
⟦S:SUATAZ4HTATNQTKZLZ4TLW47KKBLIXQB46M7LIZR2PKCQVV333LW2KR6I4⟧
------END USER NKEY SEED------

$ grep -i pulsar /etc/ingest/env
PULSAR_URL=pulsar+ssl://pulsar.eu-west.streamnative.example:6651
PULSAR_AUTH_TOKEN=⟦S:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJpbmdlc3Qtd3JpdGVyIn0.X6j9GTRsp74K68b6gM8gc8QE9odwKjX745zRm6I1Vu8⟧
$ nats --creds /etc/ingest/ingest.creds --server tls://connect.ngs.global pub test hi
nats: error: nats: Authorization Violation
""",
)
add(
    "cred",
    "en",
    "corporate-proxy-http-request",
    "http",
    """
This request works from my laptop at home but fails behind the office proxy with 407. What's wrong with my Proxy-Authorization header?

GET /api/v1/me/timesheets?week=2025-W46 HTTP/1.1
Host: hr.brightwater-logistics.example
Proxy-Authorization: Basic ⟦S:cmthbWluc2tpOnkyR3VUbGhrSzI4bjUzazVZbg==⟧
Cookie: hrsession=⟦S:47co0pn0xwjuseei63t2fw25tf⟧; csrftoken=⟦S:PwKkviVVR2BSU77vwlbabq2bQVMSJnLnZUjLF1-5wmV⟧; theme=dark; _ga=GA1.1.1870223456.1731002214
X-CSRFToken: ⟦S:PwKkviVVR2BSU77vwlbabq2bQVMSJnLnZUjLF1-5wmV⟧
Accept: application/json
User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64)

HTTP/1.1 407 Proxy Authentication Required
Proxy-Authenticate: NTLM
Proxy-Authenticate: Negotiate
""",
)
add(
    "cred",
    "en",
    "bitrise-mobile-ci-yaml",
    "yaml",
    """
We're moving our Android build from Bitrise to GitHub Actions. Can you translate this bitrise.yml? The `secure` values are encrypted by Bitrise, the others were pasted in by a contractor.

format_version: "13"
app:
  envs:
  - APPCENTER_API_TOKEN: ⟦K:9f9c31534421f45bd0539643e86175822703e094⟧
  - FIREBASE_TOKEN: ⟦S:1//076wb7vkGDZRGnMQJYrrk_eOXx5pmnNxVm75FX0PTuwE4Wi4jW0gjb7fBkWvrDMeDfWmL9wUyeGOmfhoIq3SVAotqwURhr2hvIi⟧
  - KEYSTORE_PASSWORD: ⟦S:Kestrel#Upload2024⟧
  - KEY_ALIAS: upload
  - KEY_PASSWORD: ⟦S:Kestrel#Upload2024⟧
  - NPM_TOKEN: ⟦K:npm_zgHzohSmFkbe8XvQvbN4BadyBPtT8J9vjbHO⟧
  - SLACK_WEBHOOK_SECRET:
      secure: Ghk2ZXkJ3mQ8n0YzX1VfbGm4cE9uWUJ0OXZ3bWhpdGVub2lzZQ==
  - GIT_COMMIT_PIN: 4b09e64b71173db4ecd19b17041815c4e8f90882
workflows:
  release:
    steps:
    - git-clone@8: {}
    - android-build@1:
        inputs:
        - variant: release
    - appcenter-deploy-android@2:
        inputs:
        - owner_name: brightwater
        - api_token: $APPCENTER_API_TOKEN
""",
)
add(
    "cred",
    "en",
    "litellm-router-config",
    "yaml",
    """
I'm setting up LiteLLM as a proxy for our team. Will this config fall back from DeepSeek to OpenRouter if DeepSeek times out? Also, is Langfuse logging set up correctly?

model_list:
  - model_name: chat-default
    litellm_params:
      model: deepseek/deepseek-chat
      api_key: ⟦K:sk-6c13d218511157b97ca8c57e1c9f70ad⟧
      timeout: 20
  - model_name: chat-default
    litellm_params:
      model: openrouter/meta-llama/llama-3.3-70b-instruct
      api_key: ⟦K: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⟧
  - model_name: grok
    litellm_params:
      model: xai/grok-3
      api_key: ⟦K:xai-7cZoAGRg4veINOtHBtg8jy7tEAAhuRGno7Qt7CcQTpHuBGl6yr4RmEx2sq5x7skWi73BJBVMmtBPZNnl⟧
  - model_name: claude
    litellm_params:
      model: anthropic/claude-sonnet-4
      api_key: ⟦K:sk-ant-api03-VkKH_P2E001JqcvEDj2JlUjz47eWNL4CfpQkOZxSr2pma19RhoRWbfxGt70vHbV9Yl7MgK-sZa16C_LxVp7yGhkrC2CeeAA⟧
litellm_settings:
  success_callback: ["langfuse"]
environment_variables:
  LANGFUSE_PUBLIC_KEY: pk-lf-6bd26963-e9df-4875-8e8e-200a9db0259b
  LANGFUSE_SECRET_KEY: ⟦K:sk-lf-92fa857a-f423-4bef-8103-38890422a05f⟧
  LANGFUSE_HOST: https://cloud.langfuse.com
general_settings:
  master_key: ⟦S:sk-litellm-Rw81bQzHa0pLk55Xy⟧
""",
)
add(
    "cred",
    "en",
    "openssh-key-invalid-format",
    "prose",
    """
ssh keeps saying `Load key "/home/me/.ssh/id_deploy": invalid format` when I use this key, but ssh-keygen -y on it works on my Mac. I copied it from a Windows box. Here it is, plus the public part for reference:

⟦PK:-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz
c2gtZWQyNTUxOQAAACATp6rKbokk4b0hsmGaxD6YSjOfRZAAhX5vZe+ahcetdAAA
AIiX94gGl/eIBgAAAAtzc2gtZWQyNTUxOQAAACATp6rKbokk4b0hsmGaxD6YSjOf
RZAAhX5vZe+ahcetdAAAAEDXznN/WOWtqmdwpDFjtF77rzXm5YJfIYEUVJ5kEo+G
uROnqspuiSThvSGyYZrEPphKM59FkACFfm9l75qFx610AAAAAAECAwQF
-----END OPENSSH PRIVATE KEY-----⟧

ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBOnqspuiSThvSGyYZrEPphKM59FkACFfm9l75qFx610 deploy@buildbox

Could it be CRLF line endings? How do I check and fix that on Ubuntu?
""",
)
add(
    "cred",
    "en",
    "aegis-2fa-export",
    "json",
    """
I'm moving from Aegis to 2FAS on a new phone. This is the unencrypted export — will 2FAS import it directly or do I need to convert it?

{
  "version": 1,
  "header": {"slots": null, "params": null},
  "db": {"version": 3, "entries": [
    {"type": "totp", "uuid": "cfcfe857-8790-403d-83c1-a0995a1589e1", "name": "⟦E:farah.qadir@fastmail.example⟧", "issuer": "Fastmail",
     "info": {"secret": "⟦S:XQB2XFA2GFIRAXRWQX43ZHHE6QBFXJCZ⟧", "algo": "SHA1", "digits": 6, "period": 30}},
    {"type": "totp", "uuid": "cd972acf-97a3-4fde-acd3-d48ae002d5f1", "name": "⟦U:fqadir⟧", "issuer": "GitHub",
     "info": {"secret": "⟦S:M456HQT5IBM3XPWQX7CAVMEPVCXO4HNS⟧", "algo": "SHA1", "digits": 6, "period": 30}},
    {"type": "totp", "uuid": "0b1f4c6e-2d7a-4e91-a3c5-8f62d0e4b719", "name": "⟦U:farah_q⟧", "issuer": "Discord",
     "info": {"secret": "⟦S:JV2WOQHTOPP3HEVH⟧", "algo": "SHA1", "digits": 6, "period": 30}}
  ]}
}
""",
)
add(
    "cred",
    "en",
    "github-recovery-codes-safekeeping",
    "prose",
    """
Where's the safest place to keep these? I'm thinking printed in my desk drawer vs. in 1Password. These are my GitHub recovery codes (account ⟦U:okwuosa-dev⟧), downloaded today:

⟦S:9d79a-f5346⟧
⟦S:b89e1-936db⟧
⟦S:a53ec-0dacb⟧
⟦S:2cb73-e5f7b⟧
⟦S:2e99b-277b6⟧
⟦S:04da6-baa70⟧
⟦S:cc597-114bb⟧
⟦S:b5d12-9f03f⟧

Also the old ones from 2022 are still on a sticky note — are those still valid after regenerating?
""",
)
add(
    "cred",
    "en",
    "new-flatmate-house-info",
    "prose",
    """
Can you turn this into a tidy "house info" note for our new flatmate ⟦P:Priyanka⟧? Keep it friendly.

Wifi is "Flat4-Upstairs", the password is the cat's name backwards plus the flat number, so ⟦S:ognaM4⟧ (capital O!). The bike shed has a combination lock, it's ⟦S:4-0-9-2⟧, just scroll the wheels. Parcel locker in the lobby: your personal PIN will come by SMS, but until then use mine, ⟦S:730518⟧. The Disney+ login is my email ⟦E:hamish.mcrae@outlook.example⟧ with password ⟦S:Thistle&Tea2023⟧, please don't change the profile picture. Landlord is Mr ⟦P:Adebayo⟧ if the boiler dies: ⟦T:07956 201 443⟧. Bins go out Sunday night.
""",
)
add(
    "cred",
    "en",
    "voice-transcription-env",
    "env",
    """
Our call-transcription worker reads this .env. After we added DeepL the worker crashes on startup with "KeyError: TELNYX_PUBLIC_KEY". Which variable am I missing and what's it for?

# --- telephony ---
TELNYX_API_KEY=⟦K:KEY02778E2C5CC3465B1225DFA646ACEFA0_tITMA0CjEB18TIGsmJChLt⟧
TELNYX_CONNECTION_ID=2219804417338823577
PLIVO_AUTH_ID=⟦K:MAT4LDTRH9AZUN5VUPCU⟧
PLIVO_AUTH_TOKEN=⟦K:dE1cEk7BXotiAreDPzdGYS7JYlETufCPUjxDml8z⟧
# --- speech / translation ---
ASSEMBLYAI_API_KEY=⟦K:9a2cc19a6fc8d308b38843b3629c9743⟧
DEEPL_AUTH_KEY=⟦K:fc1af683-8cd8-4630-abe0-1b233ae9d73e:fx⟧
# --- storage ---
S3_BUCKET=calls-eu-archive
AWS_ACCESS_KEY_ID=⟦K:AKIAW5TRV4BEBB2N52PK⟧
AWS_SECRET_ACCESS_KEY=⟦K:j1Z7XGaEg1biYpqDHbw0beDab+Rbi/oK5Rqpuu1R⟧
REDIS_URL=rediss://default:⟦S:c7Yh2Lm9QwPz4RtX⟧@eu1-quiet-lark-40211.upstash.io:6379
LOG_LEVEL=info
""",
)
add(
    "cred",
    "en",
    "odbc-ini-sql-server-legacy",
    "ini",
    """
Our old reporting box talks to SQL Server and Sybase through unixODBC. After the OS upgrade isql says "[unixODBC][Driver Manager]Data source name not found". Here are the files:

# /etc/odbc.ini
[FinanceDW]
Driver      = ODBC Driver 18 for SQL Server
Server      = tcp:sqlfin01.corp.example,1433
Database    = FinanceDW
UID         = ⟦U:m.oyelowo⟧
PWD         = ⟦S:Sp1ndle!Creek#88⟧
Encrypt     = yes
TrustServerCertificate = yes

[LegacySybase]
Driver      = FreeTDS
Servername  = SYB_LEGACY
Database    = ledger
UID         = rpt_batch
PWD         = ⟦S:ledger_RO_2019⟧

# ~/.odbc.ini (mine)
[FinanceDW-dev]
Driver = ODBC Driver 18 for SQL Server
Server = tcp:localhost,14333
UID = sa
PWD = <YourStrong@Passw0rd>
""",
)
add(
    "cred",
    "en",
    "pulumi-stack-config-mixed-secrets",
    "yaml",
    """
Pulumi says "config value 'aws:secretKey' should be a secret". I thought everything in this file was encrypted? Which ones are actually plaintext?

config:
  aws:region: eu-west-2
  aws:accessKey: ⟦K:AKIAL546X2KF5PN2NJ64⟧
  aws:secretKey: ⟦K:nu/8f4gSBplHtdM7EN6FfEFLLq2XLu5SmlEEfmrh⟧
  shop:dbPassword:
    secure: v1:Hq3m9Gk0vR2yTn8w:ZmFrZWNpcGhlcnRleHRmb3J0aGVwdWx1bWlzdGFjaw==
  shop:planetscaleToken: ⟦K:pscale_tkn_29bBiA8nKad14pWD7Chgh_O36ljSeyNOg6lssG3sGY-⟧
  shop:stripeRestrictedKey:
    secure: v1:8cN1pQ7wZx3Lk2Ye:c2VjcmV0bG9va2luZ2J1dGVuY3J5cHRlZHZhbHVl
  shop:slackUserToken: ⟦K:xoxp-1272616321476-3525230284709-6302476703159-a75ac83e2e555ce143521196b3e36a0f⟧
  shop:adminEmail: ops@tidewater-shop.example
  shop:imageDigest: sha256:9e9f81363f9e00047bcfb0649206f03dc25398abcc568c009ae5b9ab607c0c18
""",
)
add(
    "cred",
    "en",
    "auth-service-debug-log",
    "kv-log",
    """
Our login endpoint logs way too much. Can you write a log filter for structlog that redacts what shouldn't be here? This is from yesterday:

ts=2025-11-12T08:14:02Z level=debug svc=auth msg="login attempt" user=⟦U:nkarimova⟧ ip=⟦IP:178.90.214.33⟧ body="{\\"username\\":\\"⟦U:nkarimova⟧\\",\\"password\\":\\"⟦S:Almaty!Snow2025⟧\\"}"
ts=2025-11-12T08:14:02Z level=info svc=auth msg="login ok" user_id=5521093 mfa=totp
ts=2025-11-12T08:14:03Z level=debug svc=gateway msg="upstream request" path=/v1/profile authorization="Bearer ⟦S:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI1NTIxMDkzIiwiZW1haWxfdmVyaWZpZWQiOnRydWUsImlhdCI6MTc2MjU2MDAwMCwiZXhwIjoxNzYyNjQ2NDAwfQ.t9QvqEwra3E8AXtnFjQJHsvTtoV4XVgS3XrcByNr7Qw⟧"
ts=2025-11-12T08:14:09Z level=debug svc=auth msg="login attempt" user=⟦U:j.heald⟧ ip=⟦IP:2a01:4b00:8e2f:6c00:9d1:4cff:fe20:77a1⟧ body="{\\"username\\":\\"⟦U:j.heald⟧\\",\\"password\\":\\"⟦S:Summer2025!!⟧\\"}"
ts=2025-11-12T08:14:09Z level=warn svc=auth msg="login failed" user=⟦U:j.heald⟧ reason=bad_password attempts=3
ts=2025-11-12T08:14:10Z level=debug svc=auth msg="healthcheck" ip=10.0.3.7 trace_id=4bf92f3577b34da6a3ce929d0e0e4736
""",
)
add(
    "cred",
    "en",
    "go-marketing-sync-constants",
    "code",
    """
Code review request: a junior dev wrote this sync job. Besides the obvious "don't hard-code keys", is the retry logic OK?

package marketing

const (
	mailchimpKey   = "⟦K:337ecc497ad30e37c363fffc18266534-us21⟧"
	mailchimpList  = "a1f09c44e2"
	klaviyoPrivate = "⟦K:pk_00f65a371ea42dfb36feb5428a41e8afcc⟧"
	klaviyoSiteID  = "XyZ9Qp" // public company id, fine in frontend
	postmarkServer = "⟦K:fac7921b-63c2-4757-990b-125d05cb6f49⟧"
	wiseToken      = "⟦K:de1897db-ccb9-4f84-8a64-e388c0bd01f7⟧" // personal token of ⟦P:Tobias⟧, used for payouts
	wiseProfileID  = 48822107
)

func retry(n int, f func() error) (err error) {
	for i := 0; i < n; i++ {
		if err = f(); err == nil {
			return nil
		}
	}
	return err
}
""",
)
add(
    "cred",
    "en",
    "gitlab-ci-elt-variables",
    "yaml",
    """
Our GitLab pipeline for the ELT jobs works, but security flagged this file. Can you move the secrets to masked CI/CD variables and show the final YAML?

variables:
  FIVETRAN_API_KEY: "⟦K:Km6qVlNtyZGXkJBo⟧"
  FIVETRAN_API_SECRET: "⟦K:dpjQ80fq5akc7VPExGWgyhyGtp4OrVdf⟧"
  SNOWFLAKE_ACCOUNT: "xy12345.eu-central-1"
  SNOWFLAKE_USER: "⟦U:LKOWALCZYK⟧"
  SNOWFLAKE_PASSWORD: "⟦S:Glacier-Pine-7741⟧"
  INFISICAL_TOKEN: "⟦K:st.0fd15d45-2557-474b-80ca-6468958cd89d.2716bb9875850ab6cdf33986dd2f40cd.653ed209372c410399fd96562056feab⟧"
  SNOWFLAKE_PRIVATE_KEY: |
    ⟦PK:-----BEGIN RSA PRIVATE KEY-----
MIICXQIBAAKBgQC/QqXUZOd0yDVhMJ1l7GqtQp0YRy2cjbuRNfWqn08BB04UMblL
oG6P8k9hfcKnrhPdqljxv0r+qbiScSMnqAEzL7aOGxorigMExPNGIo35o4aCDB/o
fGSd0pJltwiamdQ7xFgwsCFHUoTPRgq7lXKx010smILs9XbxlFIfKM4M3QIDAQAB
AoGAKW0TJAzzAR14SmPQQ8pQVNTP1/lazMT6MnqgimNVJmDhrYgTnWjTacRPI0ut
BMq0rNd/ymTnpn82ZimxNp6yG3bm/rvXmhL/YI6AylZaQTw7HRplsBv/O5PpzbtS
dcHALWGBt44huNVMtlXcDbQIwEPCUJmO0nUnKVM3Xr2A3eECQQDx2+JPsn2fyQXD
EmSk0hbo8qs7FV5C162yMrNbChan/8krYp7x9V6mZWO8EGVX3ZoZ+wTBJCkNna+G
NDuzpa11AkEAynFo/2R4gQFJHQOeQYGIjCZ9ZGet2UIQ+5OWo1XWTfOOCKCSTf3n
SIa6dzul00dbxviTOJrNSLgMQFkv0W3syQJBAIIKDMt3F85iwkNZT13DS+giGejh
m1XrKwwl8INhkD7x65L1KqrDmAl1eEN0uVid4K5ZZfwG2j/k6awJx5PW38UCQGao
0EgC2SECV+NAvHYXi/kWY6wQ75Ym7JnHJDK8CqsJAVPaqZanVSvwNorUUqkrnJzv
3ShtSADCZGQVVixsBBECQQCEGiy5tKZjKQlhuxKTuMV0V56cB8fSjxlp4P2fhFEh
BWbBVaKsp7+rYJYWhEarDmjXk6estMoHvWcpJ1vYYnbC
-----END RSA PRIVATE KEY-----⟧

dbt-run:
  image: ghcr.io/dbt-labs/dbt-snowflake:1.8.3
  script:
    - dbt deps
    - dbt run --target prod
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
""",
)
add(
    "cred",
    "en",
    "mygov-login-for-mum",
    "prose",
    """
My mum asked me to sort out her Centrelink pension review online. Can you give me a step-by-step for linking Centrelink to her myGov and what the review will ask?

Her details: ⟦P:Margaret Ellis⟧, myGov sign-in is her email ⟦E:marg.ellis1952@bigpond.example⟧ and the password is ⟦S:Wattle!Creek52⟧. Her secret question answer (first school) is "⟦S:Toowong State⟧". Centrelink CRN ⟦ACC:307 419 852K⟧, TFN ⟦ID@AU:459 329 315⟧. The myGov code goes to her mobile ⟦T:0418 555 072⟧ so I'll need to be at hers. She lives at ⟦A:22 Jubilee Tce, Bardon QLD 4065⟧.
""",
)
add(
    "cred",
    "en",
    "paas-cli-token-setup",
    "command",
    """
I'm scripting the setup of a new dev laptop. Is there a way to make these CLIs read tokens from 1Password instead of me pasting them like this?

heroku authorizations:create   # gave me ⟦K:HRKU-AAEc3CYvAb-iLL86tQX0D0UhOFFuWAj6u_9O8DeC8Glx8X3DKXUkW6igCLad⟧
export HEROKU_API_KEY=⟦K:HRKU-AAEc3CYvAb-iLL86tQX0D0UhOFFuWAj6u_9O8DeC8Glx8X3DKXUkW6igCLad⟧
netlify login --auth ⟦K:nfp_xd5w4zomF3YSA0hRX6cDK7XPWfASt5REYfNX⟧
supabase login --token ⟦K:sbp_bfd4345a2556399ca821f937684fd10e8173ee7d⟧
export RENDER_API_KEY=⟦K:rnd_uxhdjIyvyN10148FW92dnsxB5kFT4kD3⟧
export FIGMA_TOKEN=⟦K:figd_puVAk8IzRkVfJZamwFfandOOTQWJ-tNtcR-RuvuT⟧
sentry-cli login --auth-token ⟦K: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⟧
grafanactl config set contexts.prod.grafana.token ⟦K:glsa_W3rmGeEQ6jHaiPJvvn74HLFSeUxUr9dw_0b271bdb⟧
git remote add bb https://⟦U:vkrishnan⟧:⟦K:ATBBdR228fORpHaybpx0R4SJOMKB39jI8CDC7269⟧@bitbucket.org/quayside/infra.git
curl -u ⟦E:vkrishnan@quayside.example⟧:⟦K:ATATT3xFfGF0-qyO6kYOoqDnEsANr2lF3l1vkDbStIbw4yw2y69K0MHgph9sylRoHs6VuovUz-8Shv716qi83a7Y4cSCVkp_jkDJX8GnrDee-rrAdq1s9Mim5BZLGDcLIcBB56SWcTqH9xbcGm3A-uaMiSfJiVcTQO9RyILvOcM8Jf1OMqzptn=6BD9EFC0⟧ https://quayside.atlassian.net/rest/api/3/myself
""",
)
add(
    "cred",
    "en",
    "mosquitto-bridge-tls-config",
    "ini",
    """
My Mosquitto bridge to the cloud broker keeps disconnecting every 60 seconds. Here's the bridge config and the client key the vendor gave us. Is keepalive the problem?

# /etc/mosquitto/conf.d/bridge.conf
connection cloud-bridge
address mqtt.fieldsense.example:8883
remote_username greenhouse-07
remote_password ⟦S:tomato-Vine-Heat-63⟧
bridge_cafile /etc/mosquitto/certs/ca.crt
bridge_certfile /etc/mosquitto/certs/gh07.crt
bridge_keyfile /etc/mosquitto/certs/gh07.key
keepalive_interval 60
topic sensors/# out 1

# /etc/mosquitto/certs/gh07.key
⟦PK:-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIAdnbemxO7kCyFLsoAb3f7X6MxvsseECqJDXw7ySapSXoAoGCCqGSM49
AwEHoUQDQgAEyPNlTdvjHKO1BghAcb5O3hQ2FJG1AiHO8REOJ1ts0bQr/x/s4Udl
TLmPv28kOLKP4P8ljc4i/SFYInODr7rRXg==
-----END EC PRIVATE KEY-----⟧

# /etc/mosquitto/certs/gh07.pub (for reference)
-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEyPNlTdvjHKO1BghAcb5O3hQ2FJG1
AiHO8REOJ1ts0bQr/x/s4UdlTLmPv28kOLKP4P8ljc4i/SFYInODr7rRXg==
-----END PUBLIC KEY-----
""",
)
add(
    "cred",
    "de",
    "notiz-fuer-betreuer-onlinebanking-mutter",
    "prose",
    """
Ich bin seit Kurzem rechtlicher Betreuer meiner Mutter. Ihre Nachbarin hat mir diese Notiz gegeben. Kannst du mir sagen, was ich davon beim Betreuungsgericht angeben muss und was ich sofort ändern sollte?

„Für ⟦P:Ulrich⟧ — Mamas Zugänge:
Sparkasse Online-Banking: Anmeldename ⟦U:ILSE1947⟧, PIN ⟦S:50417⟧ (die alte war ⟦S:31086⟧, falls die noch gespeichert ist). Die pushTAN-App ist auf ihrem alten Handy, Entsperrcode ⟦S:1947⟧.
Ihre Steuer-ID steht auf dem Zettel im Ordner: ⟦ID@DE:47360519276⟧.
Das Passwort für ihr E-Mail-Konto ⟦E:ilse.brandt47@t-online.example⟧ lautet ⟦S:Rosengarten#12⟧.
Die Geheimzahl der EC-Karte kennt nur ⟦P:Ilse⟧ selbst, sie hat gesagt, es ist ihr Hochzeitstag rückwärts."
""",
)
add(
    "cred",
    "de",
    "python-kassenabschluss-skript",
    "code",
    """
Unser Kassenabschluss-Skript für den Hofladen holt Umsätze von SumUp und Mollie und legt Belege in sevDesk an. Kannst du es so umbauen, dass die Schlüssel aus Umgebungsvariablen kommen?

import requests

SEVDESK_TOKEN = "⟦K:f83f981a1e5bbbcdd253073b59d68b15⟧"
MOLLIE_KEY = "⟦K:live_TzzEU5d1kATdD2hRxdeIbQTl14ZyAX⟧"
MOLLIE_TEST_KEY = "test_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"  # Platzhalter aus der Doku
SUMUP_KEY = "⟦K:sup_sk_DylJrv8IVordkj3NgbdIRETHf6chsbZb⟧"
# Signaturschlüssel für die TSE-Export-Signatur (vom Steuerberater)
SIGNING_KEY_PEM = \"\"\"⟦PK:-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIPNvwhbZZngwIJxdJ+rQZmRwlMpAEcKvmk083BtHsaXI
-----END PRIVATE KEY-----⟧\"\"\"

def mollie_payments(since):
    r = requests.get("https://api.mollie.com/v2/payments", headers={"Authorization": f"Bearer {MOLLIE_KEY}"}, params={"from": since})
    r.raise_for_status()
    return r.json()["_embedded"]["payments"]
""",
)
add(
    "cred",
    "es",
    "whatsapp-piso-compartido-claves",
    "prose",
    """
¿Me ayudas a hacer un mensaje fijado para el grupo del piso con toda la info útil? Esto es lo que tengo apuntado:

- el wifi se llama MOVISTAR_7C21 y la clave es ⟦S:Xq9sTm4kLp2R⟧ (la del router para entrar a la config es ⟦S:admin7741⟧)
- el código del portal es ⟦S:2580#⟧ y el del buzón ⟦S:3-1-4⟧
- la cuenta de la luz (Iberdrola) está a nombre de ⟦P:Nerea⟧, usuario ⟦E:nerea.solis@gmail.example⟧, contraseña ⟦S:Luz_Piso2025⟧, por si queréis mirar el consumo
- el PIN de la tarjeta de la caja común (la de Bizum) es ⟦S:0913⟧, no lo compartáis fuera del grupo
- la casera es Doña ⟦P:Amparo⟧ ⟦T:963 41 22 70⟧, solo llamar si es urgente
""",
)
add(
    "cred",
    "es",
    "env-tienda-online-node",
    "env",
    """
Estoy desplegando la tienda en Railway y me da "Invalid API Key provided" con Stripe. ¿Es porque uso una clave restringida? Este es mi .env:

NODE_ENV=production
STRIPE_SECRET_KEY=⟦K: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⟧
STRIPE_PUBLISHABLE_KEY=pk_live_51yT7OLrWl76qsouYpublicabletestvalue000
PINECONE_API_KEY=⟦K:pcsk_8nm1D_WwyEGcx9dJ1w1l5q7O8X8vva127U8ZeTRcfAtUXqX2VaoTlU5hwtRV2EcbVY⟧
LANGSMITH_API_KEY=⟦K: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⟧
DATABASE_URL=postgresql://tienda:⟦S:Ch0rizo-Picante-88⟧@containers-us-west-41.railway.app:6543/railway
SESSION_SECRET=⟦S:f4c1e8b9a7d2e3f0c6b5a4d9e8f7c2b1⟧
ADMIN_EMAIL=pedidos@laalacena.example
""",
)
add(
    "cred",
    "fr",
    "acces-ameli-impots-parents",
    "prose",
    """
Mes parents m'ont confié leurs accès pour que je fasse leur déclaration et que je suive les remboursements. Peux-tu me dire comment passer par FranceConnect pour ne plus avoir à noter les mots de passe ?

Papa : ⟦P:Gérard Lemoine⟧, numéro de sécu ⟦ID@FR:154086912308737⟧, mot de passe ameli ⟦S:Pétanque1954!⟧. Pour impots.gouv, numéro fiscal ⟦ID@FR:30 21 847 716 160⟧ et le mot de passe c'est ⟦S:Lemoine-Lyon69⟧.
Maman : ⟦P:Josiane⟧ n'a jamais créé son compte ameli, son code provisoire reçu par courrier est ⟦S:8K4T2Q⟧.
Le code de la carte bancaire de papa, au cas où : ⟦S:6203⟧.
""",
)
add(
    "cred",
    "fr",
    "php-boutique-stancer-colissimo",
    "code",
    """
Notre boutique PrestaShop utilise ce petit module maison pour Stancer et Colissimo. Peux-tu le réécrire proprement avec la config dans la base plutôt que dans le code ?

<?php
const STANCER_SECRET = '⟦K:sprod_N0Jokx2CcPXIBIbESXgnKi72⟧';
const STANCER_PUBLIC = 'pprod_7hJ2kL9pQ4sT1vX3wY6zA8bC'; // clé publique, ok
const COLISSIMO_CONTRACT = '818204';
const COLISSIMO_PASSWORD = '⟦S:Col!ssimo_Atelier42⟧';
const GOOGLE_MAPS_KEY = '⟦K:AIzauN5M8gh2H6CJSP6qSpRxyqtPYCSES0U7sjr⟧';

function colissimo_label(array $order): string {
    $payload = ['contractNumber' => COLISSIMO_CONTRACT, 'password' => COLISSIMO_PASSWORD, 'outputFormat' => ['x' => 0, 'y' => 0, 'outputPrintingType' => 'PDF_A4_300dpi']];
    return json_encode($payload + ['letter' => $order]);
}
""",
)
add(
    "cred",
    "it",
    "credenziali-registro-elettronico-nonni",
    "prose",
    """
I nonni terranno i bambini per due settimane mentre siamo in Giappone. Mi aiuti a scrivere un foglio di istruzioni semplice, in caratteri grandi?

Registro elettronico Argo (per vedere compiti e voti di ⟦P:Matilde⟧): codice scuola SG26114, utente ⟦U:mrossi.genitore⟧, password ⟦S:Girasole.2017⟧.
Se chiede il codice di verifica, arriva sul mio cellulare ⟦T:349 771 2058⟧: chiamatemi.
Bancomat per le emergenze (conto cointestato, intestato a ⟦P:Mario Rossi⟧, C.F. ⟦ID@IT:RSSMRA61C03F205F⟧): il PIN è ⟦S:4829⟧.
Cancello del garage: il codice del tastierino è ⟦S:1961*⟧.
Pediatra: dott. ⟦P:Lorenzo Galli⟧, ⟦T:02 4851 3320⟧.
""",
)
add(
    "cred",
    "it",
    "nexi-pec-telegram-notifier",
    "code",
    """
Questo script controlla i pagamenti Nexi XPay della nostra agenzia viaggi, manda la ricevuta via PEC e avvisa su Telegram. Funziona, ma posso renderlo asincrono?

import hashlib, smtplib, requests

XPAY_ALIAS = "ALIAS_WEB_00082115"          # alias pubblico del terminale
XPAY_MAC_KEY = "⟦K:TMTGrE3c6S5SEHColZwAXhkZw5i8ghux⟧"
PEC_USER = "agenziaviaggiborsellino@pec.example"
PEC_PASSWORD = "⟦S:Palermo_Pec!2024⟧"
TG_BOT = "⟦K:4672873039:AAEuWS-bmSMWZkEFVr8xPVy22XrDWzXZjn6⟧"
TG_CHAT = -1002211334455

def mac(params):
    s = "".join(f"{k}={params[k]}" for k in ("codTrans", "divisa", "importo")) + XPAY_MAC_KEY
    return hashlib.sha1(s.encode()).hexdigest()

def notify(text):
    requests.post(f"https://api.telegram.org/bot{TG_BOT}/sendMessage", data={"chat_id": TG_CHAT, "text": text})
""",
)
add(
    "cred",
    "pl",
    "haslo-do-banku-mamy",
    "prose",
    """
Mama poprosiła, żebym zajął się jej opłatami, kiedy będzie w sanatorium. Napisz mi proszę krótką listę, co trzeba zapłacić w listopadzie i jak ustawić zlecenia stałe.

Dane od mamy (⟦P:Haliny Wójcik⟧, PESEL ⟦ID@PL:55041703463⟧):
- iPKO: numer klienta ⟦ACC:61 402 718⟧, hasło ⟦S:Bociany1955!⟧, kod do aplikacji IKO ⟦S:0417⟧
- hasło do e-Urzędu Skarbowego jest takie samo jak do banku, tylko z „#" na końcu: ⟦S:Bociany1955!#⟧
- czynsz do spółdzielni: ⟦IBAN:PL97 1020 5561 2740 3574 9735 0831⟧, 612,40 zł
- u ⟦P:Haliny⟧ w szufladzie jest karta z PIN-em ⟦S:2208⟧ zapisanym na odwrocie — mówiłem jej, żeby tak nie robiła
""",
)
add(
    "cred",
    "pl",
    "env-sklep-infakt-tpay",
    "env",
    """
Mój sklep na własnym serwerze wystawia faktury przez inFakt i przyjmuje płatności Tpay. Chcę dodać opisy produktów generowane przez model na RunPodzie i Modalu. Który klucz do czego? Czy coś tu jest zbędne?

APP_URL=https://sklep.ceramika-zbyszka.example
INFAKT_API_KEY=⟦K:f7dcf251ed639bb2298069974b55e2d1b6b4bb87⟧
TPAY_CLIENT_ID=01JC8QX2M7T4R9P3E6W1Z0B5KY
TPAY_CLIENT_SECRET=⟦K:994ccdc38ad2690cc8faf92194b3a6d58864dd6a⟧
RUNPOD_API_KEY=⟦K:rpa_X8IVMMGF67ALAUZA9O5FHIFL9Z7S79KMTLDNNJDY2NXLPB3M⟧
MODAL_TOKEN_ID=⟦K:ak-HJQmMacOiJ2Y3Xao1C30AQ⟧
MODAL_TOKEN_SECRET=⟦K:as-KvhXK538HNfGijOlf8spr6⟧
DB_PASSWORD=⟦S:Glina#Piec1200⟧
MAIL_PASSWORD=
""",
)
add(
    "cred",
    "nl",
    "overdracht-buurthuis-beheer",
    "prose",
    """
Ik stop als beheerder van het buurthuis. Kun je van deze aantekeningen een nette overdrachtsmail maken voor ⟦P:Yasmina⟧, die het overneemt?

- Alarm: code ⟦S:7314⟧, daarna op "UIT". Bij vals alarm de meldkamer bellen en het wachtwoord "⟦S:kastanjeboom⟧" noemen.
- Wifi voor bezoekers: "Buurthuis-Gast", wachtwoord ⟦S:welkom2025⟧ (het beheer-wifi heeft ⟦S:Bh!Oost_88_beheer⟧).
- SumUp-kassa: de pincode van het apparaat is ⟦S:2468⟧; inloggen op het account met ⟦E:buurthuisoost@gmail.example⟧ en ⟦S:Koffie&Koek2019⟧.
- Sleutelkastje bij de achterdeur: ⟦S:0-5-1-9⟧.
- De penningmeester is ⟦P:Willem Smit⟧, ⟦T:06 41 87 22 09⟧.
""",
)
add(
    "cred",
    "nl",
    "laravel-services-config-webshop",
    "code",
    """
Na een upgrade naar Laravel 11 krijgt onze webshop een 401 van PostNL. Klopt deze config/services.php?

<?php
return [
    'mollie' => [
        'key' => env('MOLLIE_KEY', '⟦K:live_otW1MfbuDZv39DtsssQuJejayyNuuy⟧'),
    ],
    'postnl' => [
        'api_key' => '⟦K:2c816a635f8b7dd60c6d1f93fdd58a5e⟧',
        'customer_code' => 'DEVC',
        'customer_number' => '11223344',
        'sandbox' => false,
    ],
    'exact' => [
        'client_id' => '392d4f39-e7a4-4b01-b3e9-8b7d12f53f6c',
        'client_secret' => '⟦K:xv4odknMSEwz⟧',
        'division' => 3318204,
    ],
];
""",
)
add(
    "cred",
    "pt",
    "mensagem-contador-ecac-certificado",
    "prose",
    """
Preciso mandar isto para o meu novo contador. Pode deixar a mensagem mais profissional e me dizer se é seguro mandar assim por WhatsApp?

Oi ⟦P:Fábio⟧, seguem os dados para a declaração do IR:
CPF ⟦ID@BR:702.445.318-46⟧ (⟦P:Luciana Prado Matos⟧)
Senha do gov.br: ⟦S:Ipê-Amarelo#77⟧ — a conta é nível prata
O certificado digital A1 (arquivo .pfx) vai em anexo, a senha dele é ⟦S:LPM2024cert⟧
Código de acesso do e-CAC antigo: ⟦S:8B4K2M7XQ1⟧ e a senha ⟦S:prado77⟧
Se pedir confirmação, o código chega no ⟦T:(31) 99812-4406⟧.
Obrigada!
""",
)
add(
    "cred",
    "pt",
    "python-pix-efi-discord",
    "code",
    """
Fiz este script para conferir os Pix recebidos na Efí e avisar no Discord da loja. Ele às vezes manda a mesma cobrança duas vezes — onde está o bug?

import requests, time

EFI_CLIENT_ID = "⟦K:Client_Id_45d73ddae9b05425d72c3e56fd9bbe5be88d49d1⟧"
EFI_CLIENT_SECRET = "⟦K:Client_Secret_f468edca3441edfeb02e5d632c266b832901c089⟧"
EFI_CERT = "/opt/pix/producao-512807.pem"  # certificado da conta
DISCORD_WEBHOOK = "⟦K:https://discord.com/api/webhooks/1582008005441840376/0FatbzO_XKS5PNv47jmaJp7XpMzYONuswuEptZDEOC3lKz6smKXMZHZ7_zatp9LmrMMB⟧"
vistos = set()

def checar(token):
    r = requests.get("https://pix.api.efipay.com.br/v2/pix", headers={"Authorization": f"Bearer {token}"}, cert=EFI_CERT, params={"inicio": "2025-11-01T00:00:00Z", "fim": "2025-11-30T23:59:59Z"})
    for pix in r.json().get("pix", []):
        if pix["endToEndId"] in vistos:
            continue
        requests.post(DISCORD_WEBHOOK, json={"content": f"Pix recebido: R$ {pix['valor']}"})
    time.sleep(30)
""",
)
add(
    "cred",
    "cs",
    "bakalari-heslo-pro-babicku",
    "prose",
    """
Babička bude příští týden hlídat děti. Můžeš mi z toho udělat přehledný lísteček na lednici?

Bakaláři (známky a úkoly ⟦P:Vojty⟧): přihlašovací jméno ⟦U:vojtech.kral.rodic⟧, heslo ⟦S:Krtek2016!⟧.
Kód od vchodu do domu je ⟦S:4718⟧, od kočárkárny ⟦S:2-2-9⟧.
Kartu na obědy má ⟦P:Vojta⟧ v batohu, PIN k ní nepotřebuje. Kdyby volali ze školy, ať řeknou moje rodné číslo ⟦ID@CZ:690218/2870⟧ — jsem tam zapsaný jako ⟦P:Tomáš Král⟧.
Heslo na Wi-Fi (síť KRALOVI_5G): ⟦S:bramboraky-s-cesnekem⟧.
""",
)
add(
    "cred",
    "da",
    "economic-integration-config-yaml",
    "yaml",
    """
Vi synkroniserer ordrer fra webshoppen til e-conomic og lægger produktbeskrivelser på Hugging Face. Kan du forklare forskellen på app secret token og agreement grant token, og om de skal roteres?

economic:
  base_url: https://restapi.e-conomic.com
  app_secret_token: ⟦K:IzyUCspjTqxVFe556piOrcOPFGJgECjm3PABJPGCgi⟧
  agreement_grant_token: ⟦K:wrHXA8I0n5S1l4QUdKlhPh7obKNFYo9byqB0Hj9lFR⟧
  default_layout: 19
huggingface:
  token: ⟦K: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⟧
  model: "google-bert/bert-base-multilingual-cased"
shop:
  name: "Strikkestuen Aarhus"
  admin_email: ⟦E:lone.kragh@strikkestuen.example⟧
  admin_password: ⟦S:Uldgarn-2025!⟧
""",
)
add(
    "cred",
    "no",
    "curl-fiken-api-token",
    "command",
    """
Jeg prøver å hente fakturaer fra Fiken med curl, men får 403. Har jeg skrevet headeren feil?

$ curl -H "Authorization: Bearer ⟦K:S24tZtfGTqyHdugkzcbirgTSG5QEQYYJo60Ehnt6_ed4a0e26-2d05-4e17-8c0f-b0b5d9969412⟧" \\
    https://api.fiken.no/api/v2/companies/rorleggeroslo-as/invoices?issueDateGe=2025-10-01
{"error":"forbidden","message":"Token lacks scope invoices:read"}
$ gh auth login --with-token <<< ⟦K:ghp_C4rlwVvd4A7QmR1vCymxuFyM4k5cmc2SdO8H⟧
$ echo "token fra ⟦P:Sigrid⟧ på regnskap, personlig nøkkel"
""",
)
add(
    "cred",
    "lt",
    "smart-id-pin-zinute-broliui",
    "prose",
    """
Padėk man parašyti trumpą, aiškią žinutę broliui – jis sutvarkys mano deklaraciją, kol būsiu ligoninėje. Ar saugu taip siųsti?

Labas, ⟦P:Dariau⟧! Štai ko reikės:
– mano asmens kodas ⟦ID@LT:38509270511⟧
– Smart-ID PIN1 ⟦S:5830⟧, PIN2 ⟦S:19427⟧ (telefonas bus pas tave)
– Swedbank internetinės bankininkystės vartotojo ID ⟦U:8471203⟧, slaptažodis ⟦S:Neris-Upe_85⟧
– VMI EDS prisijungsi per banką, atskiro slaptažodžio nėra
Grąžinimą prašyk į ⟦IBAN:LT42 7300 0483 7734 9639⟧. Ačiū, ⟦P:Tomas⟧
""",
)
add(
    "cred",
    "lv",
    "eparaksts-pin-iesniegums-masai",
    "prose",
    """
Lūdzu, pārraksti šo ziņu māsai skaidrāk – viņa man palīdzēs iesniegt deklarāciju VID, kamēr esmu komandējumā.

Sveika, ⟦P:Līga⟧! eParaksts mobile PIN1 (autentifikācijai) ir ⟦S:2741⟧, PIN2 (parakstam) ⟦S:60358⟧. Latvija.lv ieeja caur eParakstu, mans personas kods ⟦ID@LV:140581-10690⟧. EDS lietotājvārds ⟦U:JANIS1405⟧, parole ⟦S:Daugava!1981⟧. Atmaksu lai pārskaita uz ⟦IBAN:LV04 HABA 6422 8932 1902 5⟧. Paldies! ⟦P:Jānis⟧
""",
)
add(
    "cred",
    "et",
    "merit-aktiva-liidese-seaded",
    "ini",
    """
Meie väike e-pood saadab arved Merit Aktivasse ja GitHubi kaudu deploy'b. Kas need seaded on õiges kohas või peaks need liigutama GitHubi saladustesse?

[merit]
api_url = https://aktiva.merit.ee/api/v2
api_id = bba3e2e2-a1fb-41ed-954c-33de10ebc58d
api_key = ⟦K:dY5T5t/8EgjMDN4w4giDCjXJJ8Aj32So/EK+B3h9YYRz⟧

[github]
deploy_token = ⟦K: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K4⟧
repo = kuduja-pood/veeb

[smtp]
host = smtp.zone.eu
user = ⟦E:kadi.mets@kudujapood.example⟧
password = ⟦S:Villane-Sokk-77⟧
""",
)
add(
    "cred",
    "uk",
    "kep-parol-podatkovyi-kabinet",
    "prose",
    """
Допоможи скласти інструкцію для сестри: вона має подати за мене декларацію ФОП, поки я за кордоном. Як правильно передати їй ключ?

Файл ключа КЕП — Key-6.dat, лежить на флешці в шухляді. Пароль до ключа: ⟦S:Kvitka_2024!Lviv⟧.
Мій РНОКПП: ⟦ID@UA:3233216406⟧ (⟦P:Ганна Мельник⟧).
Вхід в Електронний кабінет платника — тільки через КЕП. У Дії пароль до застосунку ⟦S:4417⟧, але він тобі не знадобиться.
Рахунок ФОП: ⟦IBAN:UA68 3052 9943 1384 2629 5578 2784 4⟧.
Якщо буде дзвонити бухгалтерка ⟦P:Світлана⟧ — її номер ⟦T:067 204 18 33⟧.
""",
)
add(
    "cred",
    "ru",
    "python-t-kassa-dadata",
    "code",
    """
Проверь, пожалуйста, код формирования токена для Т-Кассы — банк отвечает «Неверный токен». И ещё: правильно ли я вызываю DaData для подсказок адресов?

import hashlib, requests

TERMINAL_KEY = "1714390520123"          # идентификатор терминала
TERMINAL_PASSWORD = "⟦S:lg9wlujqcexc1ebu⟧"
DADATA_API_KEY = "⟦K:7ae8ae961df537a78dbcf1d789b17d2101585af5⟧"
DADATA_SECRET = "⟦K:4edec64e5ad9aece86c63faab286f5e170870d27⟧"
OPENAI_KEY = "⟦K: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⟧"

def tkassa_token(params: dict) -> str:
    data = {**params, "Password": TERMINAL_PASSWORD, "TerminalKey": TERMINAL_KEY}
    raw = "".join(str(data[k]) for k in sorted(data) if not isinstance(data[k], (dict, list)))
    return hashlib.sha256(raw.encode()).hexdigest()

def suggest(q):
    return requests.post("https://suggestions.dadata.ru/suggestions/api/4_1/rs/suggest/address",
                         headers={"Authorization": f"Token {DADATA_API_KEY}", "X-Secret": DADATA_SECRET}, json={"query": q}).json()
""",
)
add(
    "cred",
    "ca",
    "idcat-mobil-pin-germana",
    "prose",
    """
Em pots ajudar a escriure un missatge clar per a la meva germana? M'ha de fer uns tràmits a Andorra i a la Seu mentre estic de baixa.

Hola ⟦P:Berta⟧! Per a la CASS necessitaràs el meu número NRT: ⟦ID@AD:F-412700-A⟧. La contrasenya del portal de la CASS és ⟦S:Pessons-Blau_82⟧.
Per a l'idCAT Mòbil del Consell Comarcal, el codi t'arribarà al meu mòbil; el PIN per desbloquejar-lo és ⟦S:6052⟧.
Si cal pagar alguna cosa, el compte d'Andbank és ⟦IBAN:AD23 0001 2030 5739 4944 4352⟧ i el PIN de la targeta és ⟦S:1187⟧.
Moltes gràcies, ⟦P:Aina⟧
""",
)

# ---------------------------------------------------------------------------
# group benign
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "jenny-867-5309-song-history",
    "prose",
    """
Why is 867-5309 such a famous number? I know it's from the Tommy Tutone song "867-5309/Jenny" (1981), but I read that people with that number in area codes like (212) and (201) got thousands of prank calls and one company even bought it. Give me the short history and whether anyone ever found out who Jenny was.
""",
)
add(
    "benign",
    "en",
    "rosalind-franklin-photo-51-essay",
    "prose",
    """
I'm writing a 600-word essay on Rosalind Franklin for a history of science module. Key facts I have: born 25 July 1920 in Notting Hill, London; Photo 51 taken in May 1952 at King's College with Raymond Gosling; died 16 April 1958, aged 37, of ovarian cancer. Watson and Crick's paper appeared in Nature on 25 April 1953. Can you suggest a structure and check my dates?
""",
)
add(
    "benign",
    "en",
    "apollo-13-timeline-quiz",
    "prose",
    """
Make a 10-question quiz about Apollo 13 for my astronomy club. Facts to use: launched 11 April 1970 at 13:13 CST, oxygen tank 2 exploded at 55:54:53 ground elapsed time, Jack Swigert said "Houston, we've had a problem here", Jim Lovell repeated it, splashdown 17 April 1970 in the South Pacific, recovered by USS Iwo Jima. Mix easy and hard questions.
""",
)
add(
    "benign",
    "en",
    "glp1-drugs-mechanism-explainer",
    "prose",
    """
Can you explain, at the level of a first-year pharmacy student, how semaglutide (Ozempic, Wegovy, Rybelsus) differs from tirzepatide (Mounjaro, Zepbound)? I'm interested in GLP-1 vs. dual GIP/GLP-1 agonism, why nausea is common when titrating, and why they're contraindicated with a personal or family history of medullary thyroid carcinoma or MEN2. A comparison table at the end would be great.
""",
)
add(
    "benign",
    "en",
    "bgp-anycast-resolver-question",
    "prose",
    """
Networking question: why does a traceroute to 1.1.1.1 from London end in about 4 hops while 9.9.9.9 takes 9? Both are anycast. I'm on an ISP that peers at LINX. AS13335 announces 1.1.1.0/24 and Quad9 is AS19281. Also, is it true that 1.0.0.1 and 2606:4700:4700::1111 always land in the same PoP as 1.1.1.1?
""",
)
add(
    "benign",
    "en",
    "ean13-check-digit-spreadsheet",
    "prose",
    """
I sell handmade candles and just bought a block of GS1 barcodes. My first product is 5061234560001 (is that check digit right?) and I want an Excel formula that calculates the 13th digit for the next ones: 506123456001?, 506123456002?, and so on. Also, can I reuse a GTIN for a different scent in the same jar size?
""",
)
add(
    "benign",
    "en",
    "reading-list-isbn-citations",
    "prose",
    """
Please format these as APA 7 references for my reading list:
- Ishiguro, Never Let Me Go, Faber & Faber 2005, ISBN 978-0-571-22411-1
- Kahneman, Thinking, Fast and Slow, Farrar, Straus and Giroux 2011, ISBN 978-0-374-27563-1
- Achebe, Things Fall Apart, Penguin Classics 2006 edition, ISBN 978-0-14-303829-4
And tell me if the check digits look valid.
""",
)
add(
    "benign",
    "en",
    "online-return-request-template",
    "prose",
    """
Write me a short, polite template for returning a faulty item. Details: order #114-8823107-5520941, item "Breville Barista Express BES870", RMA number RMA-2025-118402, bought 2 October, stopped heating after 3 weeks. The retailer's returns address is on their website. I want a refund, not a replacement.
""",
)
add(
    "benign",
    "en",
    "us-helpline-numbers-poster",
    "markdown-table",
    """
I'm making a poster for our community centre noticeboard. Can you check these public numbers are current and format them nicely?

| service | number |
|---|---|
| Emergency | 911 |
| Suicide & Crisis Lifeline | 988 |
| Poison Control | 1-800-222-1222 |
| National Domestic Violence Hotline | 1-800-799-7233 |
| SAMHSA National Helpline | 1-800-662-4357 |
| Non-emergency city services | 311 |
""",
)
add(
    "benign",
    "en",
    "readme-placeholder-credentials",
    "prose",
    """
Is this section of my open-source project's README clear enough for beginners?

## Configuration
Copy `.env.example` to `.env` and fill in your own values:

```
DATABASE_URL=postgres://user:password@localhost:5432/myapp
OPENAI_API_KEY=your-api-key-here
SMTP_PASSWORD=changeme
JWT_SECRET=<generate with: openssl rand -hex 32>
ADMIN_EMAIL=admin@example.com
```
Never commit your real `.env`. The values above are placeholders and will not work.
""",
)
add(
    "benign",
    "en",
    "argon2-password-hashing-code",
    "code",
    """
Is this a reasonable way to hash and verify passwords in FastAPI? I'm not sure about the parameters.

from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError

ph = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=2)

def hash_password(password: str) -> str:
    return ph.hash(password)

def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return ph.verify(stored_hash, password)
    except VerifyMismatchError:
        return False

def make_reset_token(secret: str, user_id: int) -> str:
    ...  # TODO sign with itsdangerous
""",
)
add(
    "benign",
    "en",
    "physics-constants-homework",
    "prose",
    """
Check my physics homework: using c = 299 792 458 m/s and h = 6.626 070 15 × 10⁻³⁴ J·s, I got the energy of a 532 nm photon as 3.73 × 10⁻¹⁹ J (2.33 eV). Then with the elementary charge e = 1.602 176 634 × 10⁻¹⁹ C, what stopping voltage would I need for a metal with a work function of 2.1 eV?
""",
)
add(
    "benign",
    "en",
    "loyalty-schema-design-review",
    "sql",
    """
Review this schema for a loyalty-card app before we build it. Should card_number and date_of_birth be encrypted at the column level? Anything missing for GDPR erasure?

CREATE TABLE members (
    id              BIGSERIAL PRIMARY KEY,
    card_number     CHAR(16) UNIQUE NOT NULL,
    first_name      TEXT NOT NULL,
    last_name       TEXT NOT NULL,
    email           CITEXT UNIQUE,
    phone_e164      VARCHAR(16),
    date_of_birth   DATE,
    iban            VARCHAR(34),
    points_balance  INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at      TIMESTAMPTZ
);
CREATE INDEX ON members (last_name, first_name);
""",
)
add(
    "benign",
    "en",
    "miranda-and-cfaa-explainer",
    "prose",
    """
For a civics class, explain in plain language what Miranda v. Arizona, 384 U.S. 436 (1966) decided, and how it differs from the protections in the Computer Fraud and Abuse Act, 18 U.S.C. § 1030. Also mention Van Buren v. United States, 593 U.S. 374 (2021), since students always ask about "exceeding authorized access".
""",
)
add(
    "benign",
    "en",
    "sourdough-hydration-maths",
    "prose",
    """
My sourdough recipe: 500 g bread flour, 50 g whole wheat, 400 g water, 110 g starter at 100% hydration, 11 g salt. What's the overall hydration? I want to scale it to two 900 g loaves and drop hydration to 72% because my kitchen is warm (26 °C). Bulk ferment time suggestions too.
""",
)
add(
    "benign",
    "en",
    "rugby-world-cup-2023-final-recap",
    "prose",
    """
Write a 150-word recap of the 2023 Rugby World Cup final for our club newsletter: South Africa beat New Zealand 12–11 at the Stade de France on 28 October 2023. Handré Pollard kicked all 12 points, Sam Cane became the first player sent off in a final, and Siya Kolisi lifted the trophy for the second time in a row.
""",
)
add(
    "benign",
    "en",
    "hotel-sign-translation",
    "prose",
    """
Please translate this sign for our B&B into Spanish, French and German, keeping it short enough to fit on an A5 card:

"Welcome! Breakfast is served 7:30–10:00. Please leave your room key at reception when you go out. The Wi-Fi password is on the card on your desk. Quiet hours 22:00–07:00. For emergencies after hours, use the phone by the front door."
""",
)
add(
    "benign",
    "en",
    "django-upgrade-changelog",
    "prose",
    """
We're upgrading from Django 4.2.11 to 5.0.3 and Python 3.10 to 3.12. Which of these matter for us: CVE-2024-27351 (ReDoS in Truncator.words), the removal of `DEFAULT_FILE_STORAGE` in favour of `STORAGES`, and the new `db_default`? We also pin psycopg 3.1.18 and celery 5.3.6. Give me an upgrade checklist.
""",
)
add(
    "benign",
    "en",
    "lego-sets-gift-comparison",
    "prose",
    """
My nephew turns 10. Which is the better gift: LEGO Icons 10497 Galaxy Explorer (1,254 pieces) or LEGO Technic 42143 Ferrari Daytona SP3 (3,778 pieces, 18+)? He built 42115 Lamborghini Sián with his dad last year. Budget is about £100.
""",
)
add(
    "benign",
    "en",
    "breaking-bad-house-trivia",
    "prose",
    """
Trivia night question check: Walter White's house at 308 Negra Arroyo Lane, Albuquerque, New Mexico, 87104 — is that the address said in the show, and is the real house actually on Piermont Drive NE? Also, what was Saul Goodman's phone number on his billboard, and was it a real working number (505-503-4455)?
""",
)
add(
    "benign",
    "en",
    "songs-with-womens-names-playlist",
    "prose",
    """
Help me build a 20-song playlist of songs with women's names in the title for a 70s/80s party. I already have "Jolene" (Dolly Parton), "Roxanne" (The Police), "Sweet Caroline" (Neil Diamond), "Layla" (Derek and the Dominos), "Gloria" (Laura Branigan), "Rosanna" (Toto) and "Billie Jean" (Michael Jackson). No repeats of artists please.
""",
)
add(
    "benign",
    "en",
    "nginx-502-access-log",
    "kv-log",
    """
Why do we get 502s every few minutes? Only the health checks seem affected.

time=2025-11-20T10:01:00Z remote=10.0.12.4 method=GET path=/healthz status=502 upstream=10.0.20.31:8080 rt=0.002 ua="kube-probe/1.30" req_id=1f3e0c9a-5b7d-4a22-9c41-7e8d2f6a0b13
time=2025-11-20T10:01:05Z remote=10.0.12.4 method=GET path=/healthz status=200 upstream=10.0.20.32:8080 rt=0.004 ua="kube-probe/1.30" req_id=62a0d4b8-1c3e-4f57-8a96-0b2e7d5c4f81
time=2025-11-20T10:01:10Z remote=172.16.8.2 method=GET path=/api/v1/catalog status=200 upstream=10.0.20.32:8080 rt=0.081 ua="ELB-HealthChecker/2.0"
time=2025-11-20T10:03:00Z remote=10.0.12.4 method=GET path=/healthz status=502 upstream=10.0.20.31:8080 rt=0.001 ua="kube-probe/1.30"
""",
)
add(
    "benign",
    "en",
    "github-actions-pinned-sha-workflow",
    "yaml",
    """
Is it worth pinning actions to commit SHAs like this, and how do I keep them updated with Dependabot?

name: deploy
on: { push: { branches: [main] } }
jobs:
  deploy:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1
      - uses: actions/setup-node@60edb5dd545a775178f52524783378180af0d1f8 # v4.0.2
        with: { node-version: 20 }
      - run: npm ci && npm run build
      - run: npx wrangler deploy
        env:
          CLOUDFLARE_API_TOKEN: ${{ secrets.CLOUDFLARE_API_TOKEN }}
          SENTRY_AUTH_TOKEN: ${{ secrets.SENTRY_AUTH_TOKEN }}
""",
)
add(
    "benign",
    "en",
    "antihypertensive-classes-table",
    "markdown-table",
    """
Can you fill in the missing cells of this revision table for my pharmacology exam?

| class | example | main side effect | avoid in |
|---|---|---|---|
| ACE inhibitor | lisinopril, ramipril | dry cough | pregnancy, angioedema history |
| ARB | losartan, valsartan | ? | pregnancy |
| CCB (dihydropyridine) | amlodipine | ankle oedema | ? |
| thiazide-like diuretic | indapamide | ? | gout |
| beta blocker | bisoprolol | ? | ? |
""",
)
add(
    "benign",
    "en",
    "nasa-demo-key-api-request",
    "http",
    """
Why does NASA's API rate-limit me so fast? I'm just testing from the command line:

GET /planetary/apod?api_key=DEMO_KEY&date=2025-07-04 HTTP/1.1
Host: api.nasa.gov
Accept: application/json

HTTP/1.1 429 Too Many Requests
X-RateLimit-Limit: 30
X-RateLimit-Remaining: 0
""",
)
add(
    "benign",
    "en",
    "traceroute-isp-hops",
    "command",
    """
Is hop 6 the problem here? Packet loss starts there but the final hop looks fine.

$ mtr -rwc 50 one.one.one.one
HOST                                   Loss%   Snt   Last   Avg  Best  Wrst
  1. 192.168.1.1                        0.0%    50    0.9   1.1   0.8   3.2
  2. 100.64.0.1                         0.0%    50    6.1   7.0   5.8  14.3
  3. 213.120.158.1                      0.0%    50    7.8   8.2   7.1  11.9
  4. 195.99.127.18                      0.0%    50    8.4   9.0   8.0  15.2
  5. linx-lon1.as13335.net              0.0%    50    9.1   9.6   8.7  12.4
  6. 172.71.184.3                      34.0%    50   10.2  10.9   9.4  22.0
  7. one.one.one.one (1.1.1.1)          0.0%    50    9.3   9.7   8.9  13.0
""",
)
add(
    "benign",
    "en",
    "treaty-dates-timezone-scheduling",
    "prose",
    """
I'm scheduling an online panel about European integration for 9 May (Europe Day). Panellists are in Lisbon, Brussels, Tallinn and Montreal. Which UTC time gives everyone a slot between 09:00 and 20:00 local? Also, for the intro slide: Schuman Declaration 9 May 1950, Treaty of Rome signed 25 March 1957, Maastricht in force 1 November 1993.
""",
)
add(
    "benign",
    "en",
    "born-on-the-fourth-of-july-film-essay",
    "prose",
    """
I'm comparing two films for a media studies assignment: "Born on the Fourth of July" (Oliver Stone, 1989) starring Tom Cruise as Ron Kovic, and "Coming Home" (Hal Ashby, 1978) with Jon Voight and Jane Fonda. Both deal with paralysed Vietnam veterans. Suggest three angles for comparison and some scenes to analyse.
""",
)
add(
    "benign",
    "en",
    "apple-investor-relations-letter",
    "prose",
    """
I own a few Apple shares and want to ask investor relations about the dividend reinvestment plan. Their address is Apple Inc., One Apple Park Way, Cupertino, CA 95014 and the main switchboard is (408) 996-1010. Can you draft a short, formal letter asking whether they offer a DRIP directly or only through Computershare?
""",
)
add(
    "benign",
    "en",
    "marathon-world-records-csv",
    "csv",
    """
Can you turn this into a chart-ready table with pace per km added, and tell me which record is the oldest?

event,athlete,country,time,date,city
men's marathon,Kelvin Kiptum,KEN,2:00:35,2023-10-08,Chicago
women's marathon,Ruth Chepngetich,KEN,2:09:56,2024-10-13,Chicago
men's half marathon,Jacob Kiplimo,UGA,56:42,2025-02-16,Barcelona
women's half marathon,Letesenbet Gidey,ETH,1:02:52,2021-10-24,Valencia
men's 10,000 m,Joshua Cheptegei,UGA,26:11.00,2020-10-07,Valencia
""",
)
add(
    "benign",
    "de",
    "impressum-mustermann-vorlage",
    "prose",
    """
Ich baue eine Website für meinen Handwerksbetrieb. Ist diese Impressum-Vorlage aus einem Ratgeber ausreichend, und was muss ich nach § 5 DDG statt der Platzhalter eintragen?

Angaben gemäß § 5 DDG:
Max Mustermann
Musterstraße 1
12345 Musterstadt
Telefon: +49 (0) 123 44 55 66
E-Mail: mail@mustermann.example
USt-IdNr.: DE999999999
""",
)
add(
    "benign",
    "de",
    "ibuprofen-paracetamol-allgemein",
    "prose",
    """
Allgemeine Frage für meine Ausbildung zur PTA: Warum darf man Ibuprofen und Paracetamol abwechselnd geben, aber nicht Ibuprofen mit Diclofenac kombinieren? Und was ist die maximale Tagesdosis von Paracetamol bei Erwachsenen laut Fachinformation (ben-u-ron, 500 mg)? Bitte mit Hinweis auf Leberschäden.
""",
)
add(
    "benign",
    "de",
    "leverkusen-ungeschlagen-saison",
    "prose",
    """
Schreib mir einen kurzen Text für die Vereinszeitung: Bayer 04 Leverkusen wurde 2023/24 zum ersten Mal Deutscher Meister, ungeschlagen in 34 Bundesligaspielen, mit Trainer Xabi Alonso. Die Meisterschaft war am 14. April 2024 mit dem 5:0 gegen Werder Bremen entschieden; Florian Wirtz traf dreimal.
""",
)
add(
    "benign",
    "es",
    "paella-valenciana-para-doce",
    "prose",
    """
Voy a hacer paella valenciana para 12 personas en una paellera de 65 cm. Mi receta para 4 es: 300 g de arroz bomba, 400 g de pollo, 200 g de conejo, 150 g de garrofó, 200 g de judía ferraura, tomate rallado, pimentón, azafrán y 1,2 l de caldo. ¿Cómo la escalo y cuánto tiempo de cocción necesito con leña?
""",
)
add(
    "benign",
    "es",
    "articulo-18-constitucion-proteccion-datos",
    "prose",
    """
Explícame con ejemplos el artículo 18.4 de la Constitución Española ("La ley limitará el uso de la informática...") y cómo se relaciona con la Ley Orgánica 3/2018 de Protección de Datos y el RGPD. Es para un trabajo de 2.º de Derecho.
""",
)
add(
    "benign",
    "es",
    "casa-de-papel-personajes-ciudades",
    "prose",
    """
Estoy haciendo un trivial de series. En "La casa de papel" los atracadores usan nombres de ciudades: Tokio, Berlín, Nairobi, Río, Denver, Moscú, Helsinki, Oslo, Lisboa, Estocolmo y Palermo. ¿Quién es quién en la vida real (actores) y en qué temporada muere cada uno? Solo los que mueren, sin más spoilers.
""",
)
add(
    "benign",
    "fr",
    "petit-prince-asteroide-b612",
    "prose",
    """
Pour un exposé en CM2 sur « Le Petit Prince » (1943) : pourquoi l'astéroïde s'appelle-t-il B 612, et qui est l'astronome turc du livre ? Il existe aussi un vrai astéroïde (46610) Bésixdouze. Propose-moi cinq diapositives simples.
""",
)
add(
    "benign",
    "fr",
    "tarte-tatin-grand-moule",
    "prose",
    """
Ma tarte Tatin pour 6 : 6 pommes Golden, 100 g de beurre demi-sel, 150 g de sucre, une pâte brisée. Je veux la faire dans un moule de 32 cm pour 10 personnes. Quelles quantités, et comment éviter que le caramel brûle au four à 200 °C ?
""",
)
add(
    "benign",
    "fr",
    "horaires-tgv-inoui-paris-marseille",
    "prose",
    """
Je dois aller de Paris Gare de Lyon à Marseille Saint-Charles le vendredi 19 décembre. Le TGV INOUI 6105 part à 07h37 et le Ouigo 7821 à 08h16 ; lequel est le plus rapide et où trouver les conditions d'échange ? Le service client SNCF Voyageurs, c'est bien le 3635 ?
""",
)
add(
    "benign",
    "it",
    "verdi-biografia-breve",
    "prose",
    """
Scrivimi una breve biografia di Giuseppe Verdi per il programma di sala: nato il 10 ottobre 1813 a Le Roncole di Busseto, morto a Milano il 27 gennaio 1901. Cita Nabucco (1842), Rigoletto (1851), La traviata (1853) e Aida (1871). Massimo 120 parole.
""",
)
add(
    "benign",
    "it",
    "codice-della-strada-art-142",
    "prose",
    """
Mi spieghi l'articolo 142 del Codice della strada sui limiti di velocità? In particolare la differenza di sanzione tra superare il limite di 10-40 km/h e di oltre 60 km/h, e quanti punti della patente si perdono. È per un ripasso prima dell'esame di teoria.
""",
)
add(
    "benign",
    "it",
    "tiramisu-senza-uova-crude",
    "prose",
    """
Vorrei fare il tiramisù per una festa con donne incinte e bambini, quindi senza uova crude. La mia ricetta: 500 g di mascarpone, 4 uova, 100 g di zucchero, 300 g di savoiardi, caffè, cacao amaro. Come pastorizzo le uova a bagnomaria o cosa uso al loro posto?
""",
)
add(
    "benign",
    "pl",
    "pierogi-ruskie-na-wigilie",
    "prose",
    """
Robię pierogi ruskie na 20 osób. Mój przepis na 40 sztuk: 500 g mąki, 250 ml ciepłej wody, 2 łyżki oleju, 1 kg ziemniaków, 400 g twarogu półtłustego, 2 cebule. Ile tego potrzebuję na 120 pierogów i czy mogę je zamrozić na surowo?
""",
)
add(
    "benign",
    "pl",
    "lewandowski-rekordy-bundesliga",
    "prose",
    """
Przygotuj krótką notkę do gazetki szkolnej o Robercie Lewandowskim: urodził się 21 sierpnia 1988 w Warszawie, w sezonie 2020/21 strzelił 41 goli w Bundeslidze i pobił rekord Gerda Müllera z 1971/72. 22 września 2015 strzelił pięć bramek w 8 minut i 59 sekund przeciwko VfL Wolfsburg.
""",
)
add(
    "benign",
    "pl",
    "python-walidacja-formularza-haslo",
    "code",
    """
Czy ta walidacja formularza rejestracji w Django jest poprawna? Chcę, żeby hasło miało co najmniej 12 znaków i nie było takie samo jak login.

from django import forms

class RejestracjaForm(forms.Form):
    login = forms.CharField(max_length=30)
    haslo = forms.CharField(widget=forms.PasswordInput, min_length=12)
    haslo2 = forms.CharField(widget=forms.PasswordInput, label="Powtórz hasło")

    def clean(self):
        dane = super().clean()
        if dane.get("haslo") != dane.get("haslo2"):
            raise forms.ValidationError("Hasła się różnią")
        if dane.get("haslo") == dane.get("login"):
            raise forms.ValidationError("Hasło nie może być takie jak login")
        return dane
""",
)
add(
    "benign",
    "nl",
    "elfstedentocht-1997-spreekbeurt",
    "prose",
    """
Help me met een spreekbeurt over de Elfstedentocht. De laatste werd verreden op 4 januari 1997 en gewonnen door Henk Angenent in 6:49:18. De route is ongeveer 200 km langs de elf Friese steden, van Leeuwarden via Sneek, Stavoren en Dokkum terug naar Leeuwarden. Waarom is hij sindsdien niet meer gehouden?
""",
)
add(
    "benign",
    "nl",
    "postcode-validatie-excel",
    "prose",
    """
Ik heb een Excel-lijst met Nederlandse postcodes in allerlei vormen: "1012AB", "1012 ab", "1012-AB". Welke formule zet ze allemaal om naar het formaat "1012 AB" en geeft een fout bij ongeldige codes, zoals postcodes die met een 0 beginnen of de lettercombinaties SA, SD en SS?
""",
)
add(
    "benign",
    "nl",
    "stroopwafels-zelf-maken",
    "prose",
    """
Ik wil zelf stroopwafels bakken met een wafelijzer. Recept voor het deeg: 250 g bloem, 125 g boter, 75 g suiker, 1 ei, 7 g gist, 50 ml melk, snufje kaneel. Voor de stroop: 200 g stroop, 100 g bruine basterdsuiker, 75 g boter. Hoe dun moet ik ze snijden en hoe voorkom ik dat ze breken?
""",
)
add(
    "benign",
    "pt",
    "amalia-rodrigues-trabalho-escolar",
    "prose",
    """
Ajuda-me com um trabalho sobre Amália Rodrigues: nasceu em Lisboa em julho de 1920 (ela dizia 1 de julho, o registo diz 23), gravou "Barco Negro" e "Estranha Forma de Vida", e morreu a 6 de outubro de 1999. Em 2001 foi trasladada para o Panteão Nacional. Quero 300 palavras e uma lista de três fados para ouvir.
""",
)
add(
    "benign",
    "pt",
    "bacalhau-a-bras-receita",
    "prose",
    """
Quantas pessoas serve esta receita de bacalhau à Brás e como a faço para 8? 400 g de bacalhau demolhado, 300 g de batata palha, 6 ovos, 2 cebolas, 2 dentes de alho, salsa, azeitonas pretas. Posso usar batata palha de pacote ou fica mole?
""",
)
add(
    "benign",
    "pt",
    "codigo-civil-direito-de-propriedade",
    "prose",
    """
Explica-me o artigo 1305.º do Código Civil português sobre o conteúdo do direito de propriedade e o artigo 1346.º sobre emissão de fumo e ruído entre vizinhos. Dá um exemplo prático com um churrasco no quintal.
""",
)
add(
    "benign",
    "cs",
    "valka-s-mloky-referat",
    "prose",
    """
Potřebuji referát o knize Karla Čapka Válka s mloky (1936). Kapitán van Toch objeví mloky na ostrově Tana Masa, obchodník G. H. Bondy z nich udělá obchod. Jak kniha souvisí s nástupem nacismu? Stačí jedna strana A4.
""",
)
add(
    "benign",
    "cs",
    "svickova-na-smetane-recept",
    "prose",
    """
Chystám svíčkovou na smetaně pro 10 lidí. Mám recept pro 4: 800 g hovězí svíčkové, 2 mrkve, 1 celer, 1 petržel, 1 cibule, 250 ml smetany ke šlehání, bobkový list, nové koření, citron a brusinky. Kolik toho koupit a jak dlouho maso péct při 160 °C?
""",
)
add(
    "benign",
    "da",
    "niels-bohr-opgave",
    "prose",
    """
Hjælp mig med en opgave om Niels Bohr: født 7. oktober 1885 i København, Nobelprisen i fysik 1922 for atommodellen, flugten til Sverige i 1943. Institut for Teoretisk Fysik på Blegdamsvej 17 åbnede i 1921. Jeg skal bruge en disposition til en 5-siders opgave.
""",
)
add(
    "benign",
    "da",
    "sql-skema-medlemsregister",
    "sql",
    """
Vi laver et medlemsregister til vores roklub. Er det her skema fornuftigt, og skal cpr overhovedet gemmes?

CREATE TABLE medlem (
    id SERIAL PRIMARY KEY,
    fornavn TEXT NOT NULL,
    efternavn TEXT NOT NULL,
    cpr CHAR(10),
    foedselsdato DATE,
    telefon VARCHAR(12),
    email TEXT,
    kontingent_betalt BOOLEAN DEFAULT false
);
""",
)
add(
    "benign",
    "no",
    "kon-tiki-ekspedisjonen",
    "prose",
    """
Lag et kort foredrag om Kon-Tiki-ekspedisjonen: Thor Heyerdahl og fem andre seilte fra Callao i Peru 28. april 1947 og nådde Raroia i Tuamotu 7. august 1947, etter 101 dager og ca. 8000 km. Flåten står i dag på Kon-Tiki Museet på Bygdøy i Oslo.
""",
)
add(
    "benign",
    "no",
    "grunnloven-1814-quiz",
    "prose",
    """
Lag en quiz med åtte spørsmål om 17. mai og Grunnloven: Riksforsamlingen på Eidsvoll, grunnloven undertegnet 17. mai 1814, Christian Frederik valgt til konge, unionen med Sverige fra november 1814, og barnetoget som Bjørnstjerne Bjørnson var med å starte i 1870.
""",
)
add(
    "benign",
    "lt",
    "sausio-13-istorijos-pamoka",
    "prose",
    """
Paruošk trumpą istorijos pamokos planą apie 1991 m. sausio 13-osios įvykius prie Vilniaus televizijos bokšto ir Spaudos rūmų. Žuvo 14 žmonių, o Kovo 11-osios Nepriklausomybės Aktas buvo pasirašytas 1990 metais. Pamoka – 45 minutės, 9 klasė.
""",
)
add(
    "benign",
    "lt",
    "saltibarsciai-receptas",
    "prose",
    """
Kaip pagaminti šaltibarščius 8 žmonėms? Turiu receptą 4 asmenims: 1 l kefyro, 3 virti burokėliai, 2 agurkai, 2 kiaušiniai, krapai, svogūnų laiškai. Ir ar tinka patiekti su keptomis bulvėmis, ar geriau virtomis?
""",
)
add(
    "benign",
    "lv",
    "brivibas-piemineklis-referats",
    "prose",
    """
Palīdzi uzrakstīt īsu referātu par Brīvības pieminekli Rīgā: atklāts 1935. gada 18. novembrī, tēlnieks Kārlis Zāle, arhitekts Ernests Štālbergs, augstums 42 metri. Uzraksts "Tēvzemei un Brīvībai". Apmēram 250 vārdi.
""",
)
add(
    "benign",
    "lv",
    "dziesmu-svetki-programma",
    "prose",
    """
Izveido ekskursijas plānu ārvalstu draugiem par Dziesmu un deju svētkiem: pirmie notika 1873. gadā, 2023. gadā bija XXVII Vispārējie latviešu Dziesmu un XVII Deju svētki. Noslēguma koncerts Mežaparka Lielajā estrādē. Kur nopirkt biļetes un ko vilkt?
""",
)
add(
    "benign",
    "et",
    "arvo-part-esitlus",
    "prose",
    """
Aita koostada lühike esitlus Arvo Pärdist: sündinud 11. septembril 1935 Paides, tintinnabuli-stiil alates 1976. aastast ("Für Alina"), teosed "Spiegel im Spiegel" ja "Tabula rasa". Arvo Pärdi Keskus asub Laulasmaal. Kuus slaidi, igas üks mõte.
""",
)
add(
    "benign",
    "et",
    "laulev-revolutsioon-tunniplaan",
    "prose",
    """
Koosta 8. klassile tunnikava laulvast revolutsioonist: 1988. aasta öölaulupeod Tallinna lauluväljakul, Balti kett 23. augustil 1989 ja iseseisvuse taastamine 20. augustil 1991. Lisa üks rühmatöö ja kolm küsimust arutluseks.
""",
)
add(
    "benign",
    "uk",
    "borshch-retsept-na-10",
    "prose",
    """
Як зварити український борщ на 10 осіб? Мій рецепт на 4: 500 г свинини на кістці, 2 буряки, 3 картоплини, пів головки капусти, морква, цибуля, томатна паста, часник, сало для засмажки. Скільки брати всього і коли додавати буряк, щоб борщ був червоним?
""",
)
add(
    "benign",
    "uk",
    "lesia-ukrainka-dopovid",
    "prose",
    """
Допоможи з доповіддю про Лесю Українку: народилася 25 лютого 1871 року в Новограді-Волинському, справжнє ім'я Лариса Косач, «Лісова пісня» написана 1911 року. Померла 1 серпня 1913 року в Сурамі. Потрібен план на 5 хвилин.
""",
)
add(
    "benign",
    "ru",
    "anna-karenina-personazhi",
    "prose",
    """
Составь таблицу главных персонажей «Анны Карениной» Толстого: Анна, Алексей Каренин, граф Вронский, Константин Левин, Кити Щербацкая, Стива Облонский и Долли. Для каждого — одно предложение о роли в сюжете и как заканчивается его линия.
""",
)
add(
    "benign",
    "ru",
    "python-config-bez-parolei",
    "code",
    """
Правильно ли я читаю секреты из переменных окружения? Хочу, чтобы в репозитории не было ни одного пароля.

import os

class Settings:
    db_user = os.environ.get("DB_USER", "app")
    db_password = os.environ["DB_PASSWORD"]          # задаётся в CI
    api_token = os.environ.get("API_TOKEN", "")      # пусто = отключено
    secret_key = os.environ.get("SECRET_KEY", "dev-only-change-me")

    @property
    def dsn(self):
        return f"postgresql://{self.db_user}:{self.db_password}@db:5432/shop"
""",
)
add(
    "benign",
    "ca",
    "sagrada-familia-visita",
    "prose",
    """
Vull portar la classe de 6è a la Sagrada Família (carrer de Mallorca, 401, Barcelona). Les obres van començar el 19 de març de 1882 i Gaudí hi va treballar des del 1883 fins a la seva mort el 10 de juny de 1926. Fes-me una fitxa d'activitats per abans i després de la visita.
""",
)
add(
    "benign",
    "ca",
    "castellers-explicacio-termes",
    "prose",
    """
Explica a uns amics estrangers què vol dir "3 de 10 amb folre i manilles", "pilar de 8" i "enxaneta". Els Castellers de Vilafranca i la Colla Vella dels Xiquets de Valls són les colles més conegudes; el Concurs de Castells de Tarragona es fa cada dos anys a la Tarraco Arena Plaça.
""",
)

if __name__ == "__main__":
    build(PROMPTS, Path(__file__).resolve().parent / "fresh10.jsonl", SPLIT_SEED, ID_PREFIX)
