#!/usr/bin/env python3
"""Build the 'fresh15' privacy-filter evaluation corpus (fifteenth blind corpus).

Every prompt below was hand-written. Sensitive values are written inline with
the marker syntax

    ⟦TYPE:value⟧          e.g. ⟦P:Anna Kowalska⟧
    ⟦NATIONAL_ID@CC:value⟧ e.g. ⟦ID@PL:91062395630⟧   (CC = ISO alpha-2)

The parser, checks, dev/test split and statistics live in the shared module
``benchmarks/accuracy/_corpus_tools.py``. This script only holds the prompts,
assigns the ids ``s-0001`` … and writes fresh15.jsonl next to this file with
split seed 1515.

Run:  python build.py [--stats]   (needs python-stdnum and phonenumbers)
"""

import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus_tools import add_prompt, build

SPLIT_SEED = 1515
ID_PREFIX = "s"
PROMPTS = []
add = functools.partial(add_prompt, PROMPTS)

# ---------------------------------------------------------------------------
# group pii
# ---------------------------------------------------------------------------
add(
    "pii",
    "en",
    "restaurant-reservation-book",
    "csv",
    """
Export from our booking system for Saturday. Can you group these into a seating plan for the back room (max 28) and flag every allergy for the kitchen ticket?

time,name,covers,phone,notes
18:30,⟦P:Hollis Brandt⟧,4,⟦T:07412 553018⟧,"anniversary, one guest ⟦MC:coeliac⟧"
19:00,⟦P:Marguerite Osei⟧,6,⟦T:07958 221704⟧,"⟦MC:severe sesame allergy⟧ - carries an ⟦MED:EpiPen⟧"
19:15,⟦P:Kenny⟧ (regular),2,⟦T:0161 832 4417⟧,window table
19:45,⟦P:Priya Natarajan⟧,8,⟦T:07700 150 622⟧,"birthday, ⟦P:Priya⟧ is ⟦MC:pregnant⟧ - no rare meat, no soft cheese"
20:30,⟦P:D. Achterberg⟧,3,⟦T:07386 904115⟧,wheelchair user - step-free route please
""",
)
add(
    "pii",
    "en",
    "hair-salon-client-card",
    "form",
    """
Can you turn this old paper client card into a neat digital record for our new salon software? Keep the patch-test history.

CLIENT: ⟦P:Rosalind "Roz" Tremayne⟧
Mobile: ⟦T:07891 336 402⟧
Email: ⟦E:roz.tremayne@posteo.example⟧
Address: ⟦A:7 Trelawney Road, Falmouth TR11 3PX⟧
DOB: ⟦DOB:22/11/1968⟧
Colour: 6.3 + 7.43, 20 vol, 35 min
Patch test 03/02 - reaction to PPD, ⟦MC:contact dermatitis⟧ on scalp; now uses PPD-free range only
Notes: ⟦MC:alopecia areata⟧ patch at crown - be gentle; on ⟦MED:minoxidil⟧ foam
⟦P:Roz⟧ prefers ⟦P:Bethan⟧ as stylist, Tuesdays.
""",
)
add(
    "pii",
    "en",
    "phone-repair-intake",
    "form",
    """
Customer left this at the counter, I need to write a proper job ticket from it. Make it a clean summary for the technician.

Name: ⟦P:Tobias Kerr-Lindqvist⟧
Phone to reach you: ⟦T:07536 118 240⟧ (partner's phone, ⟦P:Ines⟧)
Device: iPhone 13, cracked screen + battery
Passcode (so we can test Face ID after): ⟦S:718204⟧
Apple ID email: ⟦E:tobykl@icloud.example⟧
Deposit paid by card ending 4471
""",
)
add(
    "pii",
    "en",
    "chess-club-rating-list",
    "markdown-table",
    """
Our junior chess club needs to send entries for the county U12 and U16 sections. From this table, which kids are eligible for U12 on 1 September 2026? Ratings and FIDE ids must go on the entry.

| player | DOB | FIDE id | ECF code | parent contact |
|---|---|---|---|---|
| ⟦P:Ashwin Raghunathan⟧ | ⟦DOB:2014-10-03⟧ | ⟦ACC:34911427⟧ | ⟦ACC:371904K⟧ | ⟦E:r.raghunathan@btinternet.example⟧ |
| ⟦P:Felicity Quarm⟧ | ⟦DOB:2015-02-19⟧ | ⟦ACC:34920108⟧ | ⟦ACC:382117F⟧ | ⟦T:07817 442 093⟧ |
| ⟦P:Jude Okonkwo-Baines⟧ | ⟦DOB:2012-06-30⟧ | ⟦ACC:34873260⟧ | ⟦ACC:355620D⟧ | ⟦E:mum.ob@outlook.example⟧ |
""",
)
add(
    "pii",
    "en",
    "java-npe-user-tostring",
    "code",
    """
Why is this NPE happening? The user object clearly has an address.

2026-03-11 09:42:17.311 ERROR 48213 --- [nio-8080-exec-7] c.a.shop.checkout.ShippingService : failed to compute rate for User{id=881273, username='⟦U:mbarraclough⟧', email='⟦E:m.barraclough@fastmail.example⟧', phone='⟦T:+44 7723 918450⟧', dob=⟦DOB:1979-08-14⟧, shipping=Address{line1='⟦A:12 Coldharbour Lane, London SE5 9NR⟧', line2=null, country='GB'}}
java.lang.NullPointerException: Cannot invoke "String.length()" because "address.line2" is null
    at com.acme.shop.checkout.ShippingService.rate(ShippingService.java:88)
    at com.acme.shop.checkout.CheckoutController.quote(CheckoutController.java:141)
""",
)
add(
    "pii",
    "en",
    "redis-monitor-session",
    "kv-log",
    """
Is it bad that our session store contains this much? Found it with redis-cli MONITOR on the staging box, which is a copy of prod.

1741682231.442187 [0 10.2.0.14:51522] "SET" "sess:9f2c1e" "{\\"uid\\":40417,\\"login\\":\\"⟦U:kat_ferreira⟧\\",\\"email\\":\\"⟦E:katarina.ferreira@gmail.example⟧\\",\\"last_ip\\":\\"⟦IP:81.174.230.19⟧\\"}" "EX" "3600"
1741682232.009113 [0 10.2.0.14:51522] "SET" "sess:a01b77" "{\\"uid\\":40988,\\"login\\":\\"⟦U:lwestergaard⟧\\",\\"email\\":\\"⟦E:lars.westergaard@proton.example⟧\\",\\"last_ip\\":\\"⟦IP:2a02:c7c:5e21:ba00:4d1:9f3e:120a:7c1⟧\\"}" "EX" "3600"
1741682232.110870 [0 10.2.0.14:51530] "GET" "ratelimit:10.2.0.31"
""",
)
add(
    "pii",
    "en",
    "intercom-directory-update",
    "csv",
    """
Building manager here. The door intercom panel takes a CSV. Please fix the formatting (surname first, all caps, max 14 chars) and drop the flats marked "moved out".

flat,resident,dial_number,status
1A,⟦P:Yasmin El-Amin⟧,⟦T:07462 871 305⟧,
1B,⟦P:Gordon McAllister⟧,⟦T:0141 332 8071⟧,moved out
2A,⟦P:Wiktoria Sobczak⟧ & ⟦P:Ruaridh Bain⟧,⟦T:07935 604 118⟧,
2B,Mrs ⟦P:Hetty Lamont⟧,⟦T:0141 357 2290⟧,"hard of hearing, intercom volume max"
""",
)
add(
    "pii",
    "en",
    "daycare-bite-incident",
    "prose",
    """
Please help me rewrite this incident report so it is factual and neutral, it goes to both families.

At 10:20 on Tuesday, during free play in the Caterpillar room, ⟦P:Milo Ferreday⟧ (2 years 4 months — born ⟦DOB:14/01/2024⟧) bit ⟦P:Aurelie Chukwu⟧ on the left forearm. The skin was not broken. ⟦P:Aurelie⟧ was comforted by ⟦P:Shona⟧ (key person) and a cold compress was applied. ⟦P:Milo⟧'s mum, ⟦P:Kirsty Ferreday⟧, was phoned on ⟦T:07843 219 660⟧ at 10:35; ⟦P:Aurelie⟧'s dad ⟦P:Emeka⟧ collected her early. Note: ⟦P:Aurelie⟧ has ⟦MC:eczema⟧ on that arm and uses ⟦MED:Diprobase⟧ — we applied it after washing.
""",
)
add(
    "pii",
    "en",
    "background-check-consent",
    "form",
    """
Our HR vendor rejected this background-check authorization, saying "SSN/DOB mismatch". Can you spot what's wrong on the form?

FULL LEGAL NAME: ⟦P:DESHAWN MARCUS PRIDEAUX⟧
OTHER NAMES USED: ⟦P:DeShawn Pride⟧
SSN: ⟦ID@US:871-54-0384⟧
DATE OF BIRTH: ⟦DOB:07/31/1991⟧
CURRENT ADDRESS: ⟦A:4419 Buena Vista Dr, Apt 2C, Memphis, TN 38127⟧
DRIVER'S LICENSE: ⟦DL:103884276⟧ (TN)
PHONE: ⟦T:(901) 555-0182⟧
Signature: /⟦P:DeShawn M. Prideaux⟧/   Date: 03/02/2026
""",
)
add(
    "pii",
    "en",
    "etsy-birthstone-necklace-order",
    "prose",
    """
Etsy order note, can you draft a friendly reply confirming what I'll engrave? Order #3318842071.

"Hi! For the family tree necklace please engrave the kids: ⟦P:Poppy⟧ ⟦DOB:04.06.2016⟧, ⟦P:Arlo⟧ ⟦DOB:19.09.2018⟧ and ⟦P:Wren⟧ ⟦DOB:01.03.2022⟧ (birthstones for June, September, March). It's for my wife ⟦P:Jodie⟧, please ship to her work so she doesn't see: Attn. ⟦P:Jodie Marsh⟧, Harbourside Dental, ⟦A:2 Quay Street, Bristol BS1 4DJ⟧. Thanks, ⟦P:Callum⟧"
""",
)
add(
    "pii",
    "en",
    "green-card-biometrics-reschedule",
    "prose",
    """
Can you help me write a short letter to USCIS asking to reschedule my biometrics appointment? My details: ⟦P:Oluwaseun Adeyemi-Clarke⟧, A-number ⟦ACC:A219-384-770⟧, receipt number IOE0923847716, born ⟦DOB:March 2, 1988⟧, mailing address ⟦A:2250 N Pulaski Rd, Unit 3, Chicago, IL 60639⟧. The appointment is on the same day as my wife's ⟦MC:C-section⟧ (she is ⟦MC:38 weeks pregnant⟧ with ⟦MC:placenta previa⟧). Phone ⟦T:(773) 555-0139⟧.
""",
)
add(
    "pii",
    "en",
    "stock-option-exercise-form",
    "form",
    """
Checking this exercise form before I submit it to Carta, is the tax withholding box right for an NSO?

Optionee: ⟦P:Rachel Imbruglia-Stein⟧
Employee ID: ⟦ACC:E-004417⟧
SSN: ⟦ID@US:001-03-3754⟧
Home address: ⟦A:918 Valencia St, San Francisco, CA 94110⟧
Brokerage account for shares: Schwab ⟦ACC:4471-9023⟧
Grant: NSO-2021-118, 12,000 shares at $1.42
Exercise: 4,000 shares, cash exercise, withhold at supplemental rate
""",
)
add(
    "pii",
    "en",
    "firestore-profile-export",
    "json",
    """
I'm migrating off Firestore. Turn this doc into a Postgres INSERT for our new "patients" table (columns: id, full_name, email, phone, dob, conditions text[], meds text[]).

{
  "__name__": "users/Zq8KxP2mLsT1",
  "displayName": "⟦P:Beatriz Nakamura-Holm⟧",
  "email": "⟦E:bea.nh@yahoo.example⟧",
  "phoneNumber": "⟦T:+1 604 555 0173⟧",
  "birthDate": "⟦DOB:1993-12-05⟧",
  "health": {"conditions": ["⟦MC:hypothyroidism⟧", "⟦MC:generalized anxiety disorder⟧"], "meds": ["⟦MED:Synthroid⟧ 88mcg", "⟦MED:buspirone⟧"]},
  "createdAt": {"_seconds": 1712093321}
}
""",
)
add(
    "pii",
    "en",
    "android-logcat-signup",
    "kv-log",
    """
The signup crashes on Pixel 6 only. Logcat below, what's going on?

03-09 14:02:11.518  9921  9921 D SignupVM: submit form={first=⟦P:Nomvula⟧, last=⟦P:Dlamini-Reid⟧, email=⟦E:nomvula.dr@gmail.example⟧, phone=⟦T:+27 82 555 0194⟧, idNumber=⟦ID@ZA:9504170469086⟧}
03-09 14:02:11.602  9921  9944 E AndroidRuntime: FATAL EXCEPTION: DefaultDispatcher-worker-2
03-09 14:02:11.602  9921  9944 E AndroidRuntime: java.lang.IllegalStateException: Luhn check failed for idNumber
03-09 14:02:11.603  9921  9944 E AndroidRuntime:     at za.co.app.signup.IdValidator.check(IdValidator.kt:31)
""",
)
add(
    "pii",
    "en",
    "bowling-league-roster",
    "markdown-table",
    """
Bowling league secretary here. Compute handicaps (90% of 220 minus average) and tell me which team is strongest.

| team | bowler | avg | phone |
|---|---|---:|---|
| Pin Pals | ⟦P:Earl Hoskins⟧ | 182 | ⟦T:(614) 555-0107⟧ |
| Pin Pals | ⟦P:Candy Rutherford⟧ | 149 | ⟦T:(614) 555-0151⟧ |
| Split Happens | ⟦P:Dwayne "Duke" Kowalczyk⟧ | 201 | ⟦T:(614) 555-0168⟧ |
| Split Happens | ⟦P:Tammy Lou Briggs⟧ | 137 | ⟦T:(614) 555-0122⟧ — back after ⟦MC:rotator cuff surgery⟧ |
""",
)
add(
    "pii",
    "en",
    "job-offer-letter",
    "prose",
    """
Proofread this offer letter, make it warmer but keep all the facts:

Dear ⟦P:Anneliese⟧,

Further to your interviews, we are pleased to offer you the role of Senior Payroll Analyst at Halden & Rowe Ltd, starting 4 May 2026, at a salary of £58,500. Please confirm that the address we hold is correct: ⟦A:Flat 9, 41 Marchmont Crescent, Edinburgh EH9 1HN⟧. We have noted your request for a sit-stand desk because of your ⟦MC:lumbar disc prolapse⟧. Occupational health already has your NHS number (⟦ID@GB:641 769 3384⟧) from the medical questionnaire, so there is nothing more to send.

Kind regards,
⟦P:Morag Sutherland⟧, People Team
""",
)
add(
    "pii",
    "en",
    "hospital-shift-swap",
    "prose",
    """
Ward 7B WhatsApp, I need a tidy list of who swapped with whom for the e-roster:

[06:51] ⟦P:Siobhan⟧: anyone take my night 14th? my lad's got his ⟦MC:tonsillectomy⟧ that day
[06:58] ⟦P:Kwame Asante⟧: I'll do it if you take my early on the 20th
[07:02] ⟦P:Siobhan⟧: deal 🙏
[07:15] ⟦P:Jess R⟧: can someone cover my long day 18th, I've got my ⟦MC:12 week scan⟧. call me ⟦T:07931 450 287⟧
[07:40] ⟦P:Marisol⟧: me! but swap my 22nd long day back please
""",
)
add(
    "pii",
    "en",
    "locksmith-lockout-job",
    "form",
    """
Write this up as an invoice for the customer (call-out £85 + lock change £60, VAT 20%).

Job: emergency lockout 23:40
Customer: ⟦P:Leighton Pryce⟧
Property: ⟦A:3 Heol y Coed, Rhiwbina, Cardiff CF14 6HY⟧
ID checked: UK driving licence ⟦DL:PRYCE803126LP9ZT⟧
Mobile: ⟦T:07548 330 912⟧
Note: customer ⟦MC:diabetic⟧, ⟦MED:insulin⟧ left inside - priority entry
""",
)
add(
    "pii",
    "en",
    "solar-install-quote",
    "prose",
    """
I got this from a solar installer, is the payback estimate realistic? (My name and details are in it, sorry.)

"Quote for ⟦P:Graham⟧ and ⟦P:Lesley Tolhurst⟧, ⟦A:28 Beech Avenue, Harpenden AL5 4TQ⟧. Electricity supplier: Octopus, account ⟦ACC:A-7C3F91D2⟧, annual usage 4,100 kWh. System: 12 × 440 W panels, 5.28 kWp, 10 kWh battery, £11,940 incl. 0% VAT. Survey booked with ⟦P:Lesley⟧ on ⟦T:01582 460 913⟧. Note: ⟦P:Graham⟧ uses a ⟦MC:home dialysis⟧ machine, so battery backup for the dialysis circuit is included."
""",
)
add(
    "pii",
    "en",
    "christmas-card-addresses",
    "csv",
    """
Turn this into Avery L7160 labels (3 across, 7 down). Skip anyone marked "card only, hand deliver".

name,address,note
Auntie ⟦P:Pam⟧ and Uncle ⟦P:Trevor⟧,⟦A:14 Greenacres, Kettering NN15 6SJ⟧,
The ⟦P:Mbeki-Lawsons⟧,⟦A:Apt 1204, 88 Queens Quay W, Toronto ON M5J 0B8, Canada⟧,
Nana ⟦P:Rose⟧,⟦A:Room 12, Willow Lodge Care Home, 3 Station Rd, Desborough NN14 2RL⟧,"she has ⟦MC:macular degeneration⟧ - big print"
⟦P:Fergus⟧ & ⟦P:Ailsa⟧,,card only, hand deliver
""",
)
add(
    "pii",
    "en",
    "fence-dispute-letter",
    "prose",
    """
Can you make this letter to my neighbour firmer but still polite?

Dear Mr ⟦P:Okafor⟧,

I am writing about the fence between ⟦A:19 Larch Close⟧ and your property at ⟦A:21 Larch Close, Solihull B91 3XD⟧. The panels you replaced on 2 February are about 40 cm onto our side according to the Land Registry plan. As you know, my husband ⟦P:Dennis⟧ is recovering from a ⟦MC:stroke⟧ and uses a ⟦MC:wheelchair⟧, so the narrowed side path means he can't reach the garden. Please call me on ⟦T:0121 704 3318⟧.

⟦P:Patricia Quenby⟧
""",
)
add(
    "pii",
    "en",
    "research-participant-gift-cards",
    "csv",
    """
Our ethics board says we can't keep participant emails after paying them. Can you write a Python snippet that sends the gift codes and then deletes the email column?

pid,name,email,amount,interview_date
P01,⟦P:Ngozi Fashola⟧,⟦E:ngozi.fashola@unimail.example⟧,£25,2026-01-14
P02,⟦P:Harvey Lindqvist⟧,⟦E:h.lindqvist92@gmail.example⟧,£25,2026-01-15
P03,⟦P:Aoife Ní Bhriain⟧,⟦E:aoife.nibhriain@hotmail.example⟧,£40,2026-01-15
""",
)
add(
    "pii",
    "en",
    "school-theatre-cast-sheet",
    "markdown-table",
    """
Drama teacher: can you make a one-page backstage emergency sheet from this?

| role | student | year | emergency contact | medical |
|---|---|---|---|---|
| Fagin | ⟦P:Theo Blackwood⟧ | 10 | ⟦P:Gemma Blackwood⟧ ⟦T:07456 281 330⟧ | ⟦MC:asthma⟧ - ⟦MED:blue inhaler⟧ in bag |
| Nancy | ⟦P:Lily-Mae Osborne⟧ | 11 | ⟦T:07882 903 416⟧ | none |
| Oliver | ⟦P:Sami Haddad⟧ | 8 | ⟦P:Rana Haddad⟧ ⟦T:07511 640 287⟧ | ⟦MC:epilepsy⟧ - no strobe, ⟦MED:Buccolam⟧ with Mrs ⟦P:Tait⟧ |
""",
)
add(
    "pii",
    "en",
    "homeschool-portfolio-cover",
    "prose",
    """
Help me write a cover note for my son's homeschool portfolio review for the district (Pennsylvania, Act 169).

Student: ⟦P:Ezra Lindholm⟧, born ⟦DOB:11 February 2015⟧, grade 5. Supervisor: ⟦P:Hannah Lindholm⟧ (mom), ⟦A:402 Cherry Lane, State College, PA 16803⟧, ⟦T:(814) 555-0116⟧. Evaluator: Dr. ⟦P:Ruth Abernathy⟧. Note on health: ⟦P:Ezra⟧ has ⟦MC:dyslexia⟧ and we use audiobooks; he was also out for three weeks with ⟦MC:mono⟧ in October.
""",
)
add(
    "pii",
    "en",
    "guardianship-annual-accounting",
    "prose",
    """
I'm my brother's court-appointed guardian and need to write the annual accounting summary. Can you put this into the court's format (income, expenses, balances)?

Ward: ⟦P:Anthony "Tony" Varga⟧, DOB ⟦DOB:6/9/1971⟧, resides at ⟦A:Maple Grove Group Home, 1170 Ridge Rd, Ogden, UT 84403⟧. Diagnoses relevant to spending: ⟦MC:Down syndrome⟧, ⟦MC:early-onset Alzheimer's⟧. SSI deposits into Zions Bank account ⟦ACC:0091847326⟧, $943/month. Medicaid id ⟦ACC:UT4471029385⟧. Pharmacy co-pays for ⟦MED:donepezil⟧ and ⟦MED:levothyroxine⟧ $8/month.
""",
)
add(
    "pii",
    "en",
    "isp-outage-compensation",
    "prose",
    """
Help me write a complaint to my broadband provider for the 6-day outage. Account holder ⟦P:Bernadette Keogh⟧, account number ⟦ACC:EIR-0038817462⟧, line at ⟦A:Apt 4, Merton Hall, Ranelagh, Dublin 6, D06 K2P8⟧. I told them on the first call that my mother lives with me and has ⟦MC:COPD⟧ and a ⟦MED:home oxygen concentrator⟧ with a remote monitoring hub that needs the internet. Contact ⟦T:087 294 1183⟧ or ⟦E:bernie.keogh@eircom.example⟧.
""",
)
add(
    "pii",
    "en",
    "instagram-hacked-recovery",
    "prose",
    """
My Instagram was hacked and they changed the email. Meta support wants details — can you draft the message? Handle: ⟦U:@marisa.bakes.ldn⟧, original email ⟦E:marisa.ortolani@gmail.example⟧, the hacker's new email shows as ⟦E:recover.acct77@mail.example⟧ (not mine). My phone on the account was ⟦T:+44 7915 662 048⟧. I'm ⟦P:Marisa Ortolani⟧. I have the original photo of my ⟦MC:chemo⟧ journey post to prove it's me.
""",
)
add(
    "pii",
    "en",
    "kubernetes-order-payload-log",
    "json",
    """
Our order-service pod logs full payloads at INFO level. Write a logback filter that masks them; here's an example line:

{"ts":"2026-02-27T11:04:52.118Z","level":"INFO","pod":"order-svc-7c9f8d-qk2lm","podIP":"10.244.3.17","msg":"order created","order":{"id":"ORD-2026-0044817","customer":{"name":"⟦P:Fiadh Gallagher⟧","email":"⟦E:fiadh.g@eir.example⟧","phone":"⟦T:+353 86 417 2290⟧"},"ship_to":"⟦A:12 Bóthar na Trá, Salthill, Galway H91 X2T4⟧","gift_note":"Happy 40th ⟦P:Ciarán⟧!"}}
""",
)
add(
    "pii",
    "en",
    "vasectomy-consult-booking",
    "prose",
    """
Please shorten this into a booking request I can paste into the clinic's web form (max 500 characters):

Hi, I'm ⟦P:Rohan Mehta-Sinclair⟧ (DOB ⟦DOB:17/04/1984⟧), Medicare number ⟦ACC:2951 48372 1⟧, looking to book a vasectomy consult. Relevant: I had a ⟦MC:hydrocele⟧ repair in 2019 and I'm on ⟦MED:clopidogrel⟧ after a stent, so I know I'll need to stop it. Best number is ⟦T:0412 583 907⟧. Wife ⟦P:Leah⟧ is aware. Address ⟦A:6/31 Glebe Point Rd, Glebe NSW 2037⟧.
""",
)
add(
    "pii",
    "en",
    "auto-service-booking",
    "form",
    """
Dealer web form submission, please convert to our DMS import format (one line, pipe separated):

First name: ⟦P:Kowsar⟧
Last name: ⟦P:Abdirahman⟧
Email: ⟦E:kowsar.abdi@gmail.example⟧
Mobile: ⟦T:0412 009 877⟧
Vehicle: 2019 Mazda CX-5, VIN JM3KFBCM1K0123456, rego 1ABC234
Service: 60,000 km logbook
Notes: I'm ⟦MC:deaf⟧, please text don't call.
""",
)
add(
    "pii",
    "en",
    "council-bulky-waste-booking",
    "prose",
    """
Can you check if this bulky waste booking confirmation has the right items? "Booking ref BW-448210. Name: ⟦P:Sipho Ndlovu⟧. Collection address: ⟦A:44 Tennyson Road, Luton LU1 3RS⟧. Items: 1 sofa, 1 mattress (single), 1 fridge. Contact: ⟦T:07588 204 317⟧. Assisted collection: yes — resident has ⟦MC:MS⟧ and cannot carry items to the kerb."
""",
)
add(
    "pii",
    "en",
    "retirement-speech-colleague",
    "prose",
    """
Help me polish a 3-minute retirement speech for my colleague ⟦P:Gwendolyn Achebe⟧ — everyone calls her ⟦P:Gwen⟧. Points: joined the lab in 1991; survived ⟦MC:breast cancer⟧ in 2011 and never missed a grant deadline; her husband ⟦P:Roland⟧ and granddaughter ⟦P:Amara⟧ will be there; she turns 67 on ⟦DOB:the 3rd of June⟧ and she's moving to ⟦A:Tide Mill Lane, Woodbridge⟧ to be near ⟦P:Amara⟧.
""",
)
add(
    "pii",
    "en",
    "jest-snapshot-user",
    "code",
    """
This Jest snapshot keeps failing in CI because of the date. How do I freeze time? (fixture copied from a real support case, I know...)

exports[`ProfileCard renders 1`] = `
<div className="card">
  <h2>⟦P:Tamsin Oyelowo⟧</h2>
  <span className="dob">Born ⟦DOB:September 9, 1990⟧ (35)</span>
  <a href="mailto:⟦E:tamsin.oyelowo@hey.example⟧">⟦E:tamsin.oyelowo@hey.example⟧</a>
  <span className="handle">⟦U:@tamsinoy⟧</span>
</div>
`;
""",
)
add(
    "pii",
    "en",
    "excel-vlookup-staff",
    "csv",
    """
I need a VLOOKUP that pulls each person's SIN from Sheet2 into Sheet1 by employee number. Sheet2 looks like:

emp_no,name,SIN,start
10442,⟦P:Guillaume Tremblay⟧,⟦ID@CA:440 213 783⟧,2019-03-04
10457,⟦P:Precious Mahlangu⟧,⟦ID@CA:541 864 781⟧,2021-11-15
10463,⟦P:Jasleen Gill⟧,⟦ID@CA:285 704 227⟧,2024-06-10
""",
)
add(
    "pii",
    "en",
    "ebay-return-dispute",
    "prose",
    """
Buyer opened a "not as described" case. Summarise for eBay resolution: buyer ⟦U:vintage_vic_1984⟧ (⟦P:Victoria Penhaligon⟧), shipped to ⟦A:Flat 2, 7 Portland Terrace, Plymouth PL4 6AA⟧, tracking RM 4471 9283 0GB. She says the coat smells of smoke and triggered her ⟦MC:asthma⟧. I'm a non-smoking home. Her phone from the PayPal note: ⟦T:07864 551 309⟧.
""",
)
add(
    "pii",
    "en",
    "prenatal-class-signups",
    "csv",
    """
Antenatal class signups — please split into the March and April groups by due date (March group: due before 15 April).

name,partner,due date,phone,notes
⟦P:Chloé Baptiste⟧,⟦P:Marcus⟧,2026-04-02,⟦T:07412 985 220⟧,⟦MC:twins⟧
⟦P:Hafsa Qureshi⟧,,2026-04-28,⟦T:07903 114 862⟧,⟦MC:gestational diabetes⟧ — on ⟦MED:metformin⟧
⟦P:Rhiannon Pugh⟧,⟦P:Dafydd Pugh⟧,2026-03-30,⟦T:07747 620 495⟧,⟦MC:previous stillbirth⟧ — please be mindful
""",
)
add(
    "pii",
    "en",
    "protective-order-notes",
    "prose",
    """
I'm a volunteer advocate. Turn my notes into a chronological timeline for the protective order petition:
- client ⟦P:Danielle Ruiz-Hartmann⟧, dob ⟦DOB:02/11/1995⟧, now at a confidential address — ⟦A:PO Box 4412, Tacoma WA 98409⟧
- respondent ⟦P:Kyle Hartmann⟧, lives ⟦A:6620 S Alaska St, Tacoma, WA 98408⟧
- 12/24 — he broke her wrist (⟦MC:distal radius fracture⟧, ER St Joseph)
- 1/9 — 40 texts from ⟦T:(253) 555-0148⟧
- client has ⟦MC:PTSD⟧, prescribed ⟦MED:prazosin⟧
""",
)
add(
    "pii",
    "en",
    "aadhaar-bank-kyc-email",
    "prose",
    """
Rewrite this email to my bank's branch manager so it sounds less angry:

Sir, my father ⟦P:Venkatesh Iyer⟧ (Aadhaar ⟦ID@IN:2549 5216 3643⟧, savings a/c ⟦ACC:30418852716⟧) has been asked for video KYC three times. He is 81, has ⟦MC:Parkinson's⟧ and cannot hold the phone steady. Please send someone home: ⟦A:Flat 7B, Lakshmi Apartments, 14 Kasturba Road, Bengaluru 560001⟧. Contact me, ⟦P:Sudha Iyer⟧, on ⟦T:+91 98450 31276⟧.
""",
)
add(
    "pii",
    "en",
    "nz-ird-flatmate-bond",
    "prose",
    """
Flatmate bond lodgement: can you fill the Tenancy Services form fields from this? Tenant 1 ⟦P:Mereana Tūhoe-Walker⟧, IRD ⟦ID@NZ:113-595-833⟧, phone ⟦T:021 448 3920⟧; tenant 2 ⟦P:Josh Pemberton⟧, phone ⟦T:027 519 0046⟧. Property ⟦A:3/17 Aro Street, Aro Valley, Wellington 6021⟧. Bond $1,680 paid from ⟦P:Josh⟧'s ASB account ⟦ACC:12-3041-0578334-00⟧.
""",
)
add(
    "pii",
    "en",
    "irish-pps-maternity-benefit",
    "prose",
    """
Quick one — did I fill in my Maternity Benefit employer section right? Employee: ⟦P:Sorcha Mulcahy⟧, PPSN ⟦ID@IE:3933494J⟧, expected due date 19/05/2026, ⟦MC:high-risk pregnancy⟧ due to ⟦MC:pre-existing hypertension⟧ (on ⟦MED:labetalol⟧). Employer: Kerrigan Print Ltd. Employee address: ⟦A:22 Ard Na Gréine, Ennis, Co. Clare V95 F6X3⟧.
""",
)
add(
    "pii",
    "en",
    "australian-tfn-casual-job",
    "prose",
    """
My 16-year-old got her first casual job. Is it okay that the cafe asked for her TFN by text? She sent: "⟦P:Isla Barrett-Nguyen⟧, TFN ⟦ID@AU:866 080 167⟧, DOB ⟦DOB:23/08/2009⟧, ⟦A:9 Gallipoli Pde, Lutwyche QLD 4030⟧" to ⟦T:0438 226 019⟧.
""",
)
add(
    "pii",
    "en",
    "expat-tax-residency-table",
    "markdown-table",
    """
We're a small remote startup. For payroll in three countries our accountant asked for this table — is anything missing for a Swiss and an Austrian employee?

| employee | country | national id | IBAN | DOB |
|---|---|---|---|---|
| ⟦P:Lukas Brunner⟧ | CH | ⟦ID@CH:756.6891.0714.97⟧ | ⟦IBAN:CH09 8432 0210 4167 6607 6⟧ | ⟦DOB:1990-07-21⟧ |
| ⟦P:Valentina Hofer⟧ | AT | ⟦ID@AT:5438120392⟧ | ⟦IBAN:AT17 1057 1196 4939 5467⟧ | ⟦DOB:1992-03-12⟧ |
| ⟦P:Maarten De Smet⟧ | BE | ⟦ID@BE:88.11.04-989.40⟧ | ⟦IBAN:BE60 3806 6446 9370⟧ | ⟦DOB:1988-11-04⟧ |
""",
)
add(
    "pii",
    "en",
    "erasmus-buddy-list",
    "csv",
    """
Welcome week buddy matching at our uni. Match each incoming student with a buddy of the same faculty; flag dietary and accessibility notes.

incoming,home uni,id on learning agreement,email,notes
⟦P:Karolína Dvořáková⟧,Charles University,⟦ID@CZ:035812/8254⟧,⟦E:karolina.dvorakova@cuni.example⟧,vegetarian
⟦P:Mantas Jankauskas⟧,Vilnius University,⟦ID@LT:50406216309⟧,⟦E:mantas.jank@stud.vu.example⟧,⟦MC:type 1 diabetes⟧
⟦P:Kadri Tamm⟧,University of Tartu,⟦ID@EE:60311150337⟧,⟦E:kadri.tamm@ut.example⟧,uses a ⟦MC:hearing aid⟧
""",
)
add(
    "pii",
    "en",
    "mexico-brazil-volunteer-visa",
    "prose",
    """
We're inviting two volunteers to our Lisbon NGO. Check the invitation letter facts: ⟦P:Ximena Castañeda Robles⟧, CURP ⟦ID@MX:CARX970318MDFSBM36⟧, passport ⟦PASS:G41287730⟧; and ⟦P:Thiago Albuquerque Nunes⟧, CPF ⟦ID@BR:432.546.975-37⟧, passport ⟦PASS:FX592014⟧. Both stay at ⟦A:Rua dos Remédios 71, 2.º Esq., 1100-443 Lisboa⟧.
""",
)
add(
    "pii",
    "en",
    "vpn-connection-log",
    "kv-log",
    """
Security asked which remote staff connected from outside the UK last week. From this OpenVPN log, list user, likely country and time:

2026-02-23 08:02:11 user=⟦U:a.mensah⟧ real_ip=⟦IP:86.153.22.47⟧ virt_ip=10.8.0.14 bytes_in=1048231
2026-02-23 09:17:45 user=⟦U:pkaczmarek⟧ real_ip=⟦IP:83.24.161.9⟧ virt_ip=10.8.0.22 bytes_in=88213
2026-02-24 22:40:03 user=⟦U:j.oduya⟧ real_ip=⟦IP:2a01:4b00:8a1f:6d00:3c2:91ff:fe10:4e2b⟧ virt_ip=10.8.0.31 bytes_in=5120
2026-02-25 07:55:19 user=svc-backup real_ip=18.134.62.201 virt_ip=10.8.0.2 bytes_in=73400032
""",
)
add(
    "pii",
    "en",
    "schengen-visa-family-appointment",
    "form",
    """
Check this VFS appointment form for our family trip to Italy before I pay the fee. Do all passports leave 3 months after we return on 28 August?

Applicant 1: ⟦P:Adebayo Ogunleye⟧, passport ⟦PASS:B02947718⟧, issued 14/03/2019, expires 13/03/2029, DOB ⟦DOB:05/10/1982⟧
Applicant 2: ⟦P:Funmilayo Ogunleye⟧, passport ⟦PASS:B03518264⟧, expires 01/11/2026, DOB ⟦DOB:22/02/1985⟧
Applicant 3 (minor): ⟦P:Tomi Ogunleye⟧, passport ⟦PASS:B07731095⟧, DOB ⟦DOB:30/06/2016⟧
Contact: ⟦E:ade.ogunleye@gmail.example⟧, ⟦T:07939 114 628⟧
Address: ⟦A:51 Rookery Road, Handsworth, Birmingham B21 9QY⟧
""",
)
add(
    "pii",
    "en",
    "florist-phone-order",
    "form",
    """
Phone order I scribbled at the shop, please tidy it into our order template and write the card message nicely.

Customer: ⟦P:Imogen Fairweather⟧, ⟦T:07720 418 356⟧
Card: ⟦CC:5221 7940 9362 9053⟧ exp 09/28 (CVV given, not written down)
Deliver to: ⟦P:Dorothy Fairweather⟧, ⟦A:Flat 6, Abbeyfield House, 17 Cheltenham Road, Gloucester GL2 0JE⟧
Friday before 12, she's just home from hospital after her ⟦MC:hip replacement⟧
Card message: "Get well soon Gran, love from all of us x"
""",
)
add(
    "pii",
    "en",
    "procurement-slack-card",
    "prose",
    """
Can you turn this Slack thread into a short procurement note (what was bought, by whom, which card) without the card number?

⟦P:Nadia Bergström⟧ 10:02 — can someone buy the 3 Jabra headsets for the new starters? 
⟦P:Owen Price⟧ 10:05 — use the team Visa, it's in my name: ⟦CC:4934-3571-0129-5936⟧ 04/27, billing address is the office
⟦P:Nadia Bergström⟧ 10:06 — done, £447.60, order 206-4418320-1173345
⟦P:Owen Price⟧ 10:07 — thx, deleting the number from here in a sec
""",
)
add(
    "pii",
    "sv",
    "brf-andrahandsuthyrning",
    "form",
    """
Kan du skriva om den här ansökan om andrahandsuthyrning till styrelsen så att skälet låter mer övertygande?

Bostadsrättshavare: ⟦P:Elin Sjöberg⟧, lgh 1102, ⟦A:Tegnérgatan 37, 113 59 Stockholm⟧
Telefon: ⟦T:070-418 26 93⟧
Skäl: arbete i Umeå under ett år (provtjänst)
Andrahandshyresgäst: ⟦P:Jonatan Åkesson⟧, personnummer ⟦ID@SE:940222-5958⟧, tel. ⟦T:073-552 81 07⟧
Period: 2026-04-01 – 2027-03-31
""",
)
add(
    "pii",
    "sv",
    "kulturskolan-anmalan",
    "prose",
    """
Hjälp mig korta ner det här meddelandet till kulturskolan: Hej! Jag vill anmäla min son ⟦P:Vilgot Lindqvist⟧ (⟦ID@SE:160509-8712⟧) till trumlektioner i höst. ⟦P:Vilgot⟧ har ⟦MC:ADHD⟧ och tar ⟦MED:Elvanse⟧ på morgonen, så eftermiddagstider efter 15 fungerar sämre. Han har också ⟦MC:hörselnedsättning⟧ på vänster öra. Nå mig på ⟦T:076-231 40 88⟧ eller ⟦E:sara.lindqvist@telia.example⟧. Mvh ⟦P:Sara⟧
""",
)
add(
    "pii",
    "fi",
    "taloyhtio-saunavuorot",
    "markdown-table",
    """
Voitko järjestää nämä saunavuorot viikkojärjestykseen ja tehdä siitä ilmoitustaululle sopivan listan?

| asunto | asukas | vuoro | puhelin |
|---|---|---|---|
| A 3 | ⟦P:Mäkelä Tuomas⟧ | ti 19–20 | ⟦T:040 718 2264⟧ |
| B 12 | ⟦P:Riikka Heinonen⟧ | to 18–19 | ⟦T:050 331 9480⟧ |
| C 21 | ⟦P:Aarne Lindroos⟧ | la 17–18 | ⟦T:044 902 1573⟧ — ⟦MC:sydämentahdistin⟧, ei yli 70 astetta |
""",
)
add(
    "pii",
    "fi",
    "kela-taksi-tilaus",
    "prose",
    """
Kirjoita tästä selkeä viesti taksikeskukselle: Tilaan Kela-kyydin äidilleni ⟦P:Helvi Koskiselle⟧ (hetu ⟦ID@FI:120348-782S⟧) maanantaiksi klo 8.15 osoitteesta ⟦A:Puistokatu 14 B 9, 33200 Tampere⟧ Taysin dialyysiyksikköön. Äidillä on ⟦MC:munuaisten vajaatoiminta⟧ ja hän käyttää ⟦MC:rollaattoria⟧. Paluu noin klo 12.30. Minut tavoittaa numerosta ⟦T:045 671 2039⟧, ⟦P:Jari Koskinen⟧.
""",
)
add(
    "pii",
    "hu",
    "szep-kartya-szallasfoglalas",
    "prose",
    """
Fogalmazd át udvariasabbra ezt a foglalási e-mailt a balatoni panziónak: Jó napot! ⟦P:Kertész Bálint⟧ vagyok, július 14–19 között foglalnék egy családi szobát két felnőtt és két gyerek részére. SZÉP-kártyával fizetnék, kártyaszám: ⟦ACC:6101 2345 8876 1190⟧. A kisebbik lányom, ⟦P:Dorka⟧, ⟦MC:tejfehérje-allergiás⟧, kérem a reggelinél vegyék figyelembe. Telefonszámom ⟦T:+36 30 415 7782⟧, címem ⟦A:2040 Budaörs, Szivárvány utca 8.⟧
""",
)
add(
    "pii",
    "hu",
    "gyogytorna-beutalo",
    "prose",
    """
Kérlek segíts megírni egy rövid üzenetet a háziorvosnak beutalóért. Adatok: ⟦P:Szabóné Fekete Ilona⟧, TAJ: ⟦ACC:043 817 226⟧, született ⟦DOB:1957. október 3.⟧, lakcím ⟦A:6720 Szeged, Kárász utca 11. 2/4⟧. Térdprotézis műtét után (⟦MC:térdprotézis⟧, 2025 november) gyógytornára lenne szükségem, jelenleg ⟦MED:Algopyrin⟧ és ⟦MED:Xarelto⟧. Telefon: ⟦T:06 20 338 4190⟧. Számlaszám a kúraköltség miatt: ⟦IBAN:HU44 5194 7629 3770 0034 8017 8171⟧.
""",
)
add(
    "pii",
    "ro",
    "rambursare-tratament-strainatate",
    "prose",
    """
Te rog să mă ajuți să formulez cererea către CNAS pentru rambursarea tratamentului făcut în Austria. Asigurat: ⟦P:Ioana-Maria Dumitrescu⟧, CNP ⟦ID@RO:2780914405596⟧, domiciliu ⟦A:Str. Avram Iancu nr. 23, ap. 4, 400083 Cluj-Napoca⟧, telefon ⟦T:0745 218 093⟧. Diagnostic: ⟦MC:fractură de tibie⟧ la schi, operație cu tijă, apoi ⟦MED:Clexane⟧ 10 zile. Cont pentru rambursare: ⟦IBAN:RO96 INGB 3229 5131 8863 0954⟧.
""",
)
add(
    "pii",
    "ro",
    "contract-meditatii",
    "prose",
    """
Poți să faci din notițele astea un contract simplu de meditații? Profesor: ⟦P:Radu Ionescu⟧, tel. ⟦T:0723 904 115⟧. Părinte: ⟦P:Camelia Stoica⟧, CNP ⟦ID@RO:2850303401224⟧, ⟦A:Bd. Decebal nr. 7, bl. S3, ap. 12, Craiova⟧. Elev: ⟦P:Andrei Stoica⟧, clasa a VII-a, are ⟦MC:discalculie⟧ — lecții de 45 de minute, de două ori pe săptămână, 120 lei/ședință.
""",
)
add(
    "pii",
    "tr",
    "kargo-hasar-tutanagi",
    "form",
    """
Kargo firmasına gönderilecek hasar tutanağını resmi bir dilekçeye çevirir misin?

Gönderici: ⟦P:Elif Karaca⟧
Alıcı: ⟦P:Murat Şahin⟧, T.C. Kimlik No: ⟦ID@TR:16068601806⟧
Teslimat adresi: ⟦A:Caferağa Mah. Moda Cad. No: 52 D: 6, 34710 Kadıköy/İstanbul⟧
Telefon: ⟦T:0532 418 27 90⟧
Gönderi: cam vitrin dolabı, kırık teslim edildi, takip no 7741029384
""",
)
add(
    "pii",
    "tr",
    "isyeri-hekimi-basvuru",
    "prose",
    """
İşyeri hekimine göndereceğim bu mesajı düzeltir misin: Merhaba, ben muhasebeden ⟦P:Gökhan Yurt⟧ (TC ⟦ID@TR:24587211796⟧). Son iki aydır ⟦MC:migren⟧ ataklarım sıklaştı, nörolog ⟦MED:Relpax⟧ ve koruyucu olarak ⟦MED:Topamax⟧ başladı. Ekran ışığı tetikliyor, monitör filtresi ve gerekirse evden çalışma için rapor alabilir miyim? Dahili 2214, cep ⟦T:0541 772 06 38⟧.
""",
)
add(
    "pii",
    "el",
    "dilosi-zimias-aytokinitou",
    "prose",
    """
Βοήθησέ με να γράψω τη δήλωση ατυχήματος για την ασφαλιστική: Οδηγός: ⟦P:Κωνσταντίνος Μαυρίδης⟧, ΑΦΜ ⟦ID@GR:957979353⟧, δίπλωμα ⟦DL:AB 458219⟧, τηλ. ⟦T:694 552 1870⟧. Ο άλλος οδηγός, κ. ⟦P:Σταύρου⟧, πέρασε με κόκκινο στη διασταύρωση ⟦A:Λεωφ. Συγγρού 142, 176 71 Καλλιθέα⟧. Η σύζυγός μου ⟦P:Δέσποινα⟧ είναι ⟦MC:έγκυος 30 εβδομάδων⟧ και πήγαμε για έλεγχο στο Ιασώ.
""",
)
add(
    "pii",
    "el",
    "ofthalmiatros-rantevou",
    "prose",
    """
Διόρθωσε το μήνυμα για το ραντεβού της μητέρας μου στον οφθαλμίατρο: Καλησπέρα, θα ήθελα ραντεβού για την κυρία ⟦P:Ευανθία Παπαθανασίου⟧, ΑΜΚΑ ⟦ID@GR:07115560265⟧, γεννημένη ⟦DOB:7/11/1955⟧. Έχει ⟦MC:καταρράκτη⟧ στο δεξί μάτι και παίρνει ⟦MED:Sintrom⟧, οπότε χρειάζεται οδηγίες πριν την επέμβαση. Τηλέφωνο: ⟦T:2310 254 817⟧.
""",
)
add(
    "pii",
    "bg",
    "remont-boyler-zayavka",
    "form",
    """
Направи от това кратко и ясно запитване към сервиза за гаранционен ремонт:

Име: ⟦P:Цветелина Маринова⟧
ЕГН (за гаранционната карта): ⟦ID@BG:8506124491⟧
Адрес: ⟦A:ж.к. Младост 1, бл. 42, вх. Б, ап. 17, 1784 София⟧
Телефон: ⟦T:0888 314 560⟧
Проблем: бойлерът изключва след 10 мин; вкъщи има бебе на 3 месеца
""",
)
add(
    "pii",
    "bg",
    "otpusk-maychinstvo",
    "prose",
    """
Помогни ми да напиша заявлението до работодателя за отпуск по бременност и раждане: Аз, ⟦P:Рада Петкова Костадинова⟧, ЕГН ⟦ID@BG:9104284219⟧, длъжност счетоводител, моля да ми бъде разрешен отпуск от 10.05.2026. Поради ⟦MC:гестационен диабет⟧ и ⟦MC:високорискова бременност⟧ лекарят препоръчва по-ранно излизане. Банкова сметка за обезщетението: ⟦IBAN:BG31 UNCR 4955 9381 1949 51⟧. Телефон: ⟦T:0877 209 413⟧.
""",
)
add(
    "pii",
    "hr",
    "studentski-dom-prijava",
    "form",
    """
Provjeri je li prijava za studentski dom dobro popunjena:

Ime i prezime: ⟦P:Lucija Barišić⟧
OIB: ⟦ID@HR:26864136429⟧
Datum rođenja: ⟦DOB:14. 3. 2006.⟧
Prebivalište: ⟦A:Ulica kralja Tomislava 18, 21300 Makarska⟧
Mobitel: ⟦T:091 447 2830⟧
Napomena: imam ⟦MC:astmu⟧ (⟦MED:Ventolin⟧), molim sobu bez tepiha
""",
)
add(
    "pii",
    "hr",
    "najam-parkirnog-mjesta",
    "prose",
    """
Napiši mi kratki ugovor o najmu parkirnog mjesta: najmodavac ⟦P:Zvonimir Horvat⟧, OIB ⟦ID@HR:16867037660⟧, najmoprimac ⟦P:Ana Marić⟧, OIB ⟦ID@HR:21144220845⟧, garažno mjesto br. 14 u zgradi ⟦A:Vukovarska 112, 10000 Zagreb⟧, 60 eura mjesečno na račun ⟦IBAN:HR35 7615 2220 5706 4639 7⟧. Kontakt ⟦P:Ane⟧: ⟦T:098 230 5514⟧.
""",
)
add(
    "pii",
    "sk",
    "opatrovatelska-sluzba",
    "prose",
    """
Potrebujem napísať žiadosť o opatrovateľskú službu pre otca. Údaje: ⟦P:Jozef Mikuláš⟧, rodné číslo ⟦ID@SK:470418/660⟧, bydlisko ⟦A:Hlavná 56, 080 01 Prešov⟧. Má ⟦MC:Parkinsonovu chorobu⟧, užíva ⟦MED:Madopar⟧ a po ⟦MC:páde⟧ chodí s barlami. Kontaktná osoba: dcéra ⟦P:Martina Mikulášová⟧, ⟦T:0905 318 724⟧. Pomôž mi to sformulovať úradne.
""",
)
add(
    "pii",
    "sk",
    "podnajom-izby",
    "prose",
    """
Sprav z toho jednoduchú zmluvu o podnájme izby: prenajímateľka ⟦P:Katarína Vargová⟧, r. č. ⟦ID@SK:725903/8292⟧, byt ⟦A:Račianska 41, 831 02 Bratislava⟧; podnájomník ⟦P:Tomáš Hudec⟧, r. č. ⟦ID@SK:020611/3150⟧, študent. Nájomné 380 € mesačne na účet ⟦IBAN:SK66 3100 9627 3538 0167 9925⟧. ⟦P:Tomáš⟧ telefón ⟦T:0944 120 387⟧.
""",
)
add(
    "pii",
    "sl",
    "subvencija-najemnine",
    "form",
    """
Preveri, ali je vloga za subvencijo najemnine popolna:

Vlagatelj: ⟦P:Nina Kovačič⟧
EMŠO: ⟦ID@SI:1203985505855⟧
Naslov: ⟦A:Celovška cesta 88, 1000 Ljubljana⟧
Telefon: ⟦T:041 552 903⟧
TRR: ⟦IBAN:SI92 9363 2573 3071 965⟧
Člani gospodinjstva: hči ⟦P:Zala⟧ (⟦DOB:2. 9. 2017⟧), ima ⟦MC:cerebralno paralizo⟧
""",
)
add(
    "pii",
    "sl",
    "tecaj-za-nosecnice",
    "prose",
    """
Prosim, popravi to sporočilo za šolo za starše: Pozdravljeni, ⟦P:Maja Zupan⟧ (EMŠO ⟦ID@SI:2207993505596⟧) bi se rada prijavila na tečaj za nosečnice v marcu. Sem v ⟦MC:28. tednu nosečnosti⟧, imam ⟦MC:nosečnostno sladkorno bolezen⟧, zato bi prosila za termin po 17. uri. Partner ⟦P:Gregor⟧ bo prišel z mano. Tel. ⟦T:031 662 418⟧.
""",
)
add(
    "pii",
    "is",
    "orlofshus-stettarfelag",
    "prose",
    """
Getur þú lagað þessa umsókn um orlofshús hjá stéttarfélaginu? Ég heiti ⟦P:Sigrún Hallgrímsdóttir⟧, kennitala ⟦ID@IS:150787-6029⟧, sími ⟦T:862 4417⟧. Ég óska eftir húsinu í Ölfusborgum vikuna 12.–19. júní. Maðurinn minn, ⟦P:Einar⟧, er í ⟦MC:hjólastól⟧ svo við þurfum aðgengilegt hús. Netfang ⟦E:sigrun.h@simnet.example⟧.
""",
)
add(
    "pii",
    "is",
    "fristundaheimili-skraning",
    "form",
    """
Þýddu þessa skráningu á frístundaheimili yfir á ensku fyrir pabba barnsins:

Barn: ⟦P:Hekla Magnúsdóttir⟧
Kennitala: ⟦ID@IS:030618-1060⟧
Heimili: ⟦A:Hringbraut 77, 101 Reykjavík⟧
Forráðamaður: ⟦P:Magnús Þór Ólafsson⟧, ⟦T:699 2318⟧
Heilsufar: ⟦MC:hnetuofnæmi⟧, ⟦MED:EpiPen⟧ í töskunni
""",
)
add(
    "pii",
    "de",
    "neupatient-hausarzt",
    "form",
    """
Kannst du diesen Anmeldebogen für die neue Hausarztpraxis in ganze Sätze fassen? Ich will ihn per E-Mail schicken.

Name: ⟦P:Henrike Vogelsang⟧
Geburtsdatum: ⟦DOB:09.02.1974⟧
Anschrift: ⟦A:Lindenstraße 23, 04177 Leipzig⟧
Krankenkasse: AOK Plus, Versichertennummer ⟦ACC:K284615937⟧
Vorerkrankungen: ⟦MC:Hashimoto⟧, ⟦MC:Bluthochdruck⟧
Medikamente: ⟦MED:L-Thyroxin⟧ 75, ⟦MED:Ramipril⟧ 5 mg
Telefon: ⟦T:0341 9627 3814⟧
""",
)
add(
    "pii",
    "de",
    "nachbarschaftshilfe-einkauf",
    "prose",
    """
Ich organisiere Einkaufshilfe in unserem Viertel. Mach mir aus der Nachricht eine Tabelle für die Helfer: "Hallo, ich bin ⟦P:Gisela Brandauer⟧, ⟦A:Schillerstr. 5, 2. OG links, 73728 Esslingen⟧, Tel. ⟦T:0711 3520 1984⟧. Bitte donnerstags Einkauf, ich bin ⟦MC:Diabetikerin⟧ (nur zuckerfreie Sachen) und nach der ⟦MC:Hüft-OP⟧ noch auf Krücken. Rezept für ⟦MED:Metformin⟧ liegt bei Dr. ⟦P:Yilmaz⟧ bereit. Grüße, ⟦P:Gisela⟧"
""",
)
add(
    "pii",
    "de",
    "wohngeld-antrag",
    "prose",
    """
Bitte hilf mir, die Angaben für den Wohngeldantrag zu sortieren: Antragsteller ⟦P:Dariusz Wendt⟧, Steuer-ID ⟦ID@DE:20194688586⟧, geboren ⟦DOB:17.06.1963⟧, Wohnung ⟦A:Am Brühl 8, 99084 Erfurt⟧, Miete 612 € warm. Im Haushalt: Tochter ⟦P:Lena⟧, Steuer-ID ⟦ID@DE:12635557099⟧, ⟦MC:Schwerbehinderung⟧ 60 % wegen ⟦MC:Autismus⟧. Konto: ⟦IBAN:DE36 6758 2641 2562 7642 86⟧.
""",
)
add(
    "pii",
    "es",
    "reserva-casa-rural-whatsapp",
    "prose",
    """
Resume esta conversación de WhatsApp con la casa rural para mandársela a mis hermanos: "Hola ⟦P:Encarna⟧, confirmo la reserva del 12 al 15 de agosto para 9 personas a nombre de ⟦P:Jorge Villalobos Prieto⟧. Para la fianza de 300 € os paso la tarjeta: ⟦CC:3759 633426 45252⟧, caduca 11/27. Mi madre va en ⟦MC:silla de ruedas⟧ y es ⟦MC:celíaca⟧, ¿la habitación de abajo tiene baño adaptado? Mi móvil: ⟦T:622 418 930⟧."
""",
)
add(
    "pii",
    "fr",
    "location-salle-des-fetes",
    "form",
    """
Peux-tu rédiger un mail de confirmation à partir de cette réservation de la salle des fêtes ?

Demandeur : ⟦P:Aurélien Besnard⟧
Adresse : ⟦A:12 rue des Tanneurs, 35000 Rennes⟧
Téléphone : ⟦T:06 48 21 73 09⟧
Courriel : ⟦E:a.besnard@laposte.example⟧
Événement : baptême de ⟦P:Maëlys⟧, samedi 6 juin, 60 personnes
Remarque : ma mère ⟦P:Odile⟧ est en ⟦MC:fauteuil roulant⟧, merci de prévoir l'accès PMR
""",
)
add(
    "pii",
    "fr",
    "transport-sanitaire-vsl",
    "prose",
    """
Reformule ce message pour la société d'ambulances : Bonjour, je souhaite réserver un VSL pour mon père ⟦P:Jean-Claude Perrot⟧, n° de sécurité sociale ⟦ID@FR:1 49 03 69 137 466 82⟧, trois fois par semaine pour ses séances de ⟦MC:dialyse⟧ à l'hôpital Édouard-Herriot. Il habite ⟦A:48 cours Gambetta, 69007 Lyon⟧. Il a aussi un ⟦MC:diabète de type 2⟧ et prend du ⟦MED:Kardegic⟧. Me joindre au ⟦T:07 61 39 82 40⟧. ⟦P:Sandrine Perrot⟧
""",
)
add(
    "pii",
    "fr",
    "club-randonnee-adhesion",
    "form",
    """
Vérifie si ce bulletin d'adhésion au club de randonnée est complet pour l'assurance FFRandonnée :

Nom : ⟦P:LEFEBVRE⟧  Prénom : ⟦P:Maryvonne⟧
Né(e) le : ⟦DOB:3 avril 1961⟧
Adresse : ⟦A:7 impasse des Glycines, 44300 Nantes⟧
Tél. : ⟦T:02 40 59 18 37⟧
Certificat médical : oui — ⟦MC:asthme d'effort⟧, ⟦MED:Ventoline⟧ avant l'effort
Personne à prévenir : ⟦P:Hervé Lefebvre⟧, ⟦T:06 72 84 19 05⟧
""",
)
add(
    "pii",
    "es",
    "huerto-urbano-inscripcion",
    "form",
    """
Revisa esta solicitud para el sorteo de parcelas del huerto urbano municipal:

Nombre: ⟦P:Remedios Gallardo Pineda⟧
DNI: ⟦ID@ES:67907337K⟧
Domicilio: ⟦A:C/ Alfarería 31, 3.º B, 41010 Sevilla⟧
Teléfono: ⟦T:654 218 903⟧
Correo: ⟦E:reme.gallardo@gmail.example⟧
Motivo: jubilada, recomendación de mi médica por ⟦MC:depresión⟧ leve
""",
)
add(
    "pii",
    "es",
    "corte-luz-electrodependiente",
    "prose",
    """
Ayúdame a redactar una reclamación a la eléctrica: Mi marido, ⟦P:Fermín Azcárate⟧ (DNI ⟦ID@ES:09714371E⟧), tiene ⟦MC:ELA⟧ y depende de un ⟦MED:respirador⟧ domiciliario. Ayer nos cortaron la luz 5 horas en ⟦A:Calle Mayor 14, 1.º izda., 31001 Pamplona⟧ sin aviso, a pesar de estar registrados como suministro esencial. Titular: ⟦P:Itziar Goñi⟧, NIE de la cuidadora ⟦P:Lidia Rusu⟧: ⟦ID@ES:Y1108320X⟧. Teléfono ⟦T:948 22 71 36⟧.
""",
)
add(
    "pii",
    "es",
    "arriendo-santiago-postulacion",
    "prose",
    """
Estoy postulando a un departamento en Providencia. Mejora este correo para el corredor: Hola, soy ⟦P:Catalina Fuenzalida⟧, RUT ⟦ID@CL:12.996.651-3⟧, ingeniera, con contrato indefinido. Mi pareja ⟦P:Matías Urrutia⟧ (RUT ⟦ID@CL:11.708.421-3⟧) sería codeudor. Tenemos un perro pequeño. Mi celular es ⟦T:+56 9 8412 3307⟧.
""",
)
add(
    "pii",
    "it",
    "permesso-ztl-residente",
    "prose",
    """
Mi aiuti a scrivere la richiesta di permesso ZTL? Sono ⟦P:Ginevra Santoro⟧, codice fiscale ⟦ID@IT:SNTGVR82E61D612C⟧, residente in ⟦A:Via dei Serragli 44, 50124 Firenze⟧. Chiedo il contrassegno anche per l'auto di mia madre ⟦P:Loredana⟧, che ha ⟦MC:invalidità al 100%⟧ per ⟦MC:insufficienza cardiaca⟧. Tel. ⟦T:347 219 5584⟧.
""",
)
add(
    "pii",
    "it",
    "messaggio-badante",
    "prose",
    """
Traduci in rumeno questo messaggio per la badante di papà: "⟦P:Mihaela⟧, da lunedì il dottore ha cambiato la terapia di ⟦P:Franco⟧: ⟦MED:Coumadin⟧ 5 mg solo la sera, ⟦MED:Lasix⟧ una compressa al mattino, e controllare le caviglie per il ⟦MC:gonfiore⟧. Il prelievo INR è giovedì al centro prelievi di ⟦A:Via Garibaldi 9, Lecco⟧. Se ci sono problemi chiamami al ⟦T:335 804 1273⟧. ⟦P:Chiara⟧"
""",
)
add(
    "pii",
    "it",
    "bonus-asilo-nido",
    "form",
    """
Controlla se ho inserito tutto per il bonus asilo nido INPS:

Genitore richiedente: ⟦P:Davide Ferraris⟧, CF ⟦ID@IT:FRRDVD88A14L219A⟧
Figlio: ⟦P:Tommaso Ferraris⟧, CF ⟦ID@IT:FRRTMS24M03L219J⟧
Asilo: Nido comunale Il Girasole, Torino
IBAN per l'accredito: ⟦IBAN:IT69 I737 4118 298R VRL7 8P51 WFT⟧
Email: ⟦E:davide.ferraris@libero.example⟧
""",
)
add(
    "pii",
    "pt",
    "ficha-otica",
    "form",
    """
Passa esta ficha de cliente da ótica para o novo software (campos: nome, NIF, data nasc., contacto, observações):

Cliente: ⟦P:Filomena Carvalho Antunes⟧
NIF: ⟦ID@PT:285697272⟧
Data de nascimento: ⟦DOB:21-09-1966⟧
Telemóvel: ⟦T:912 447 308⟧
Graduação: OD -3,25 / OE -2,75, adição +2,00
Obs.: ⟦MC:glaucoma⟧ em tratamento com ⟦MED:Xalacom⟧; ⟦MC:diabética⟧
""",
)
add(
    "pii",
    "pt",
    "cartao-residente-estacionamento",
    "prose",
    """
Podes melhorar este email para a EMEL? Bom dia, sou ⟦P:Rui Pestana⟧, NIF ⟦ID@PT:134525094⟧, morador na ⟦A:Rua de São Bento 318, 3.º Dto, 1200-822 Lisboa⟧. Pedi o dístico de residente em janeiro e ainda não recebi. Uso o carro para levar a minha filha ⟦P:Beatriz⟧ às sessões de ⟦MC:quimioterapia⟧ no IPO. Contacto ⟦T:936 510 284⟧.
""",
)
add(
    "pii",
    "pt",
    "cadastro-inquilino-condominio",
    "form",
    """
Me ajuda a conferir esse cadastro de inquilino para a administradora do condomínio:

Nome: ⟦P:Larissa Moura Teixeira⟧
CPF: ⟦ID@BR:432.546.975-37⟧
Unidade: ⟦A:Rua Padre Chagas 410, apto 802, Moinhos de Vento, Porto Alegre - RS, 90570-080⟧
Celular: ⟦T:(51) 99823-4417⟧
Moradores: ⟦P:Larissa⟧ e filho ⟦P:Heitor⟧ (⟦DOB:12/05/2019⟧, ⟦MC:autista⟧ — pedimos atenção dos porteiros)
""",
)
add(
    "pii",
    "nl",
    "vve-melding-lekkage",
    "prose",
    """
Kun je deze melding aan de VvE zakelijker maken? "Beste beheerder, er lekt water vanuit het appartement van de familie ⟦P:Bakker⟧ (⟦A:Zeilstraat 21-2, 1075 SL Amsterdam⟧) naar ons plafond. Wij wonen op ⟦A:Zeilstraat 21-1⟧. Mijn vriend ⟦P:Joost⟧ heeft ⟦MC:COPD⟧ en de schimmel maakt het erger. Bel me op ⟦T:06 41 92 83 07⟧. Groet, ⟦P:Femke de Graaf⟧"
""",
)
add(
    "pii",
    "nl",
    "pgb-aanvraag",
    "prose",
    """
Help me met de motivatie voor een pgb-aanvraag bij de gemeente: het gaat om mijn zoon ⟦P:Sem van Leeuwen⟧, BSN ⟦ID@NL:293518919⟧, geboren op ⟦DOB:4 oktober 2013⟧. Hij heeft ⟦MC:autisme⟧ en ⟦MC:epilepsie⟧ (⟦MED:Depakine⟧) en kan niet naar de naschoolse opvang. Uitbetaling op ⟦IBAN:NL44 INGB 7242 3032 44⟧. Contact: ⟦P:Marloes van Leeuwen⟧, ⟦T:06 18 27 49 33⟧.
""",
)
add(
    "pii",
    "nl",
    "wijkverpleging-sms",
    "prose",
    """
Maak van deze berichten een overdracht voor de avonddienst: "Mevr. ⟦P:Claes⟧ (⟦A:Kerkstraat 14 bus 3, 2000 Antwerpen⟧): ⟦MC:ulcus cruris⟧ links, verband vervangen, pijn 6/10, extra ⟦MED:Dafalgan⟧ gegeven. Dochter ⟦P:Ilse⟧ belt terug op ⟦T:0478 12 34 09⟧. Dhr. ⟦P:Wouters⟧: ⟦MED:insuline⟧ 18 E om 17u, suiker 11,2."
""",
)
add(
    "pii",
    "pl",
    "wspolnota-halas",
    "prose",
    """
Pomóż mi napisać oficjalne pismo do zarządu wspólnoty: Od trzech miesięcy lokator z mieszkania nr 9, pan ⟦P:Sebastian Kurek⟧, urządza głośne imprezy po 23:00. Mieszkam pod nim, ⟦A:ul. Ogrodowa 12/6, 90-212 Łódź⟧. Moja córka ⟦P:Natalka⟧ ma ⟦MC:padaczkę⟧ i brak snu nasila napady. Kontakt: ⟦T:601 384 227⟧, ⟦P:Agnieszka Wrona⟧.
""",
)
add(
    "pii",
    "pl",
    "umowa-najmu-okazjonalnego",
    "prose",
    """
Sprawdź, czy w tej umowie najmu okazjonalnego nic nie brakuje: Wynajmujący ⟦P:Krzysztof Adamczyk⟧, PESEL ⟦ID@PL:70031483611⟧; najemca ⟦P:Oksana Melnyk⟧, PESEL ⟦ID@PL:95072284829⟧, lokal ⟦A:ul. Grabiszyńska 140/27, 53-439 Wrocław⟧. Czynsz 2 600 zł płatny na rachunek ⟦IBAN:PL70 3825 2353 3518 7560 2304 9991⟧. Adres na wypadek eksmisji: ⟦A:ul. Słoneczna 3, 55-080 Kąty Wrocławskie⟧.
""",
)
add(
    "pii",
    "pl",
    "poradnia-diabetologiczna",
    "prose",
    """
Skróć tę wiadomość do rejestracji poradni diabetologicznej: Dzień dobry, chciałabym zapisać tatę, ⟦P:Zdzisława Nowaka⟧ (PESEL ⟦ID@PL:48110949314⟧), na wizytę kontrolną. Tata ma ⟦MC:cukrzycę typu 2⟧ od 10 lat, bierze ⟦MED:Metformax⟧ i ⟦MED:Forxiga⟧, a ostatnio ma ⟦MC:neuropatię⟧ stóp. Proszę o kontakt: ⟦T:512 907 336⟧, ⟦P:Ewa Nowak⟧.
""",
)

# ---------------------------------------------------------------------------
# group cred
# ---------------------------------------------------------------------------
add(
    "cred",
    "en",
    "llm-router-config-toml",
    "code",
    """
Why does my router fall back to Fireworks every time even when Cerebras is up? config.toml:

[providers.cerebras]
base_url = "https://api.cerebras.ai/v1"
api_key = "⟦K:csk-a31qs6oumlz63qxqle7bewf2sfc7q72x9mj8dmpcergri75e⟧"
[providers.fireworks]
api_key = "⟦K:fw_6eutdgTdthP0KuWTQem5EWmL⟧"
[embeddings]
provider = "voyage"
api_key = "⟦K:pa-u8bKowKDxZ7_lkfB4kfgRZ9fufcra1XQEnMtz6YHkKX⟧"
[tools]
tavily_key = "⟦K: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⟧"
firecrawl_key = "⟦K:fc-7b87d29292cf6d7de19d0886a91f4eb8⟧"
[router]
order = ["cerebras", "fireworks"]
timeout_ms = 1200
""",
)
add(
    "cred",
    "en",
    "circleci-config-hardcoded",
    "yaml",
    """
Can you convert this CircleCI config to GitHub Actions? The tokens should become secrets obviously.

version: 2.1
jobs:
  deploy:
    docker:
      - image: cimg/node:20.11
    environment:
      CIRCLE_TOKEN: ⟦K:CCIPAT_BYDjNz73JiE6oVNgVUnFtK_4caa6a4c88dd2ac617b2e43485923605b0fcf4a1⟧
      BUILDKITE_API_TOKEN: ⟦K:bkua_df5fad0043f88e0e3d0cc5c31b75a2743a0eef08⟧
      PULUMI_ACCESS_TOKEN: ⟦K:pul-9b3f97e3178e319be850a5fc189045d8c3d47be6⟧
      STACK: acme/prod
    steps:
      - checkout
      - run: pulumi up --yes --stack $STACK
""",
)
add(
    "cred",
    "en",
    "nextjs-config-posthog-launchdarkly",
    "code",
    """
Is it a problem that these are in next.config.js? They seem to end up in the client bundle.

module.exports = {
  env: {
    POSTHOG_PERSONAL_API_KEY: "⟦K:phx_0HEyCcK5VMhvvvOp0MRx5oQgSY3SpK3P8t8Xv6nrgt0⟧",
    NEXT_PUBLIC_POSTHOG_KEY: "phc_3xQmVb9d0Lr7KpWzT2yHsNcE4uJfA6gD8iOaB1eMnR5",
    LAUNCHDARKLY_API_TOKEN: "⟦K:api-21d9f37b-97cf-f72c-a972-9a1cd09ced11⟧",
    SENTRY_AUTH_TOKEN: "⟦K: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⟧",
  },
};
""",
)
add(
    "cred",
    "en",
    "dad-text-to-university-daughter",
    "prose",
    """
Can you rewrite my text to my daughter so it's clearer? "Hi love, since you're doing the food shop for Nan now: Tesco login is nan's email and the password is ⟦S:Bluebell!1947⟧. The bank app passcode for the joint account is ⟦S:503917⟧ — don't write it anywhere. Car insurance portal: policy holder login ⟦S:Rover-Hatch-22⟧. Garage door keypad ⟦S:4 4 0 9 #⟧. Love, Dad"
""",
)
add(
    "cred",
    "en",
    "docker-inspect-env",
    "json",
    """
Why does my container ignore DATABASE_URL? Output of docker inspect (trimmed):

"Config": {
  "Hostname": "a81f3c02e9d4",
  "Env": [
    "DATABASE_URL=postgres://app_rw:⟦S:Vq7!mT2#pLw9xZ@4⟧@db.internal:5432/shop",
    "STRIPE_SECRET_KEY=⟦K: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⟧",
    "MAPBOX_TOKEN=⟦K:sk.eyJ1IjoibKiVi3p8J686tWYsW5Wb71acU.vNsmuiJO2AY02YD1ujfSTR⟧",
    "NODE_ENV=production",
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
  ],
  "Image": "registry.example.com/shop/web:2.14.0"
}
""",
)
add(
    "cred",
    "en",
    "dbt-profiles-yml",
    "yaml",
    """
dbt says "Could not deserialize key data" for the BigQuery target. profiles.yml:

analytics:
  target: dev
  outputs:
    dev:
      type: snowflake
      account: xy12345.eu-west-1
      user: DBT_DEV
      password: "⟦S:Sn0wfl@ke-Dev-2026!⟧"
      role: TRANSFORMER
      warehouse: WH_XS
      database: ANALYTICS
      schema: dbt_dev
    bq:
      type: bigquery
      method: service-account-json
      project: acme-analytics-prod
      keyfile_json:
        type: service_account
        private_key_id: 3f9a1c0e7b2d4a6f8e0c1b3d5f7a9c2e4b6d8f01
        private_key: |
          ⟦PK:-----BEGIN PRIVATE KEY-----
MIICdQIBADANBgkqhkiG9w0BAQEFAASCAl8wggJbAgEAAoGBAL9LNt5b5YziDz9Y
OJZWd9g4UPu5fc/4W6NDRlbJwcuAkB9dtZ4tVxSIMf9Vy6n/xPauQIsVgmXlYVbM
DpEMNS701+7Ms8lsRWG7pYPQqNFIy5eC/J35YOEtS9SXgxEBeQMZhZQw9tq/Qxz8
arPOnoZZWlYMXiuSFokLXwVdSTuTAgMBAAECgYAcy2yZ8glOuKSE63mxH5jwoiGG
krheessIe1L2M26JfHO1VPzGr5qBC7NC9R4wG8EBRN+QUA+N2QZa82Jp8QV8JlmU
MchFh33kTBOfeTr7hvxhqDrejsQgmPe5vqmMrq1qllVWtD7cw6oZ63l2t2NFkwOr
VdUbtC7BKys291iNIQJBAOI3Ao6EjT/Fto/wwHVYX+u3c3g2nqnt5rOrt6yVGcIP
v4whh9zHhiMrG0eUlaVM3eDI2sPIuYu7/ygWxMi5uxECQQDYeyABIyJVXAtX7XNH
HPANzYNkyA2KY/g9q/rPE8Q5NN0AyznHVnad8JKtCpWdV9x3zzVVmW2HIh0N21XR
r6RjAkBJCOeracJMz6GkkV8hw7mcWetO6ZuKU4PDiHJRpwXc8MawEHdT4Zs+KYGy
N5ek+c887rwqr9iv869qmwdHoydxAkAExsKwA7xwMbW2XPDcMtFBHLW3dYqG8Sm7
Ap5oD0GXGYl+yP0fXtMDLRmvY7plXFjq89FzcA0wnBoUAjDkjYGNAkBdw+xYz0xt
ZfFv+Y/MDx0hgPJ5FOFf8N4xIjOVkyE5wIFhGipa6iuXo9HJ9AZqI7M4gTspZoiP
Xl7TsZVavtZX
-----END PRIVATE KEY-----⟧
        client_email: dbt-runner@acme-analytics-prod.iam.gserviceaccount.com
""",
)
add(
    "cred",
    "en",
    "git-credentials-gh-hosts",
    "command",
    """
I think I leaked something when screensharing. What should I rotate?

$ cat ~/.git-credentials
https://⟦U:olafur-dev⟧:⟦K:ghp_PlbNPKZeVwljcI9DKbaaydF48eaQ3gJ2yigP⟧@github.com
https://oauth2:⟦K:glpat-qjMQ33osMuSNL4xIzfo0⟧@gitlab.example.org
$ cat ~/.config/gh/hosts.yml
github.com:
    user: ⟦U:olafur-dev⟧
    oauth_token: ⟦K:gho_eNHeGMmhLieHxZHN7qsOTyakoMionBWKJCEY⟧
    git_protocol: https
""",
)
add(
    "cred",
    "en",
    "calendly-zoom-hubspot-sync",
    "code",
    """
This sync script double-creates HubSpot contacts. Can you add an upsert?

import requests
CALENDLY_PAT = "⟦K:eyJraWQiOiIxY2UxZTEzNjE3ZGNmNzY2YjNjZWJjY2Y4ZGM1YmFmYThhNjVlNjg0MDIzZjdjMzJiZTgzNDliMjM4MDEzNWI0IiwidHlwIjoiUEFUIiwiYWxnIjoiRVMyNTYifQ.BfVkCkrety1flYOOgKgTs1r17yNp8WBDmcZA7SRCfG326CDEvKN-jIsDTqbclmcC12mshUeFKUx568fwqn3zju4lvTQwFZ47Jmp2PWvk-olEp9Rr0H8lpdyGtGrQDWxCV_Dh-XQkhrfQXNry3HjNwFZ2n7SADnYk.KV9792Ydl_5dS3xvSPoyl7tUISFW3AbrhHcUpiYKGy0jlqda3v-DN84hNMdBIrgkB-a7qF3mAd78a_nCS0bHUx⟧"
ZOOM_CLIENT_ID = "qX7bH2kLRdGx1vP0aZ8wNw"
ZOOM_CLIENT_SECRET = "⟦K:MUAVP5KhuH8Xv0F4F7y1zZGWxXjqJTYX⟧"
HUBSPOT_TOKEN = "⟦K:pat-eu1-40c90392-bf5c-4218-4428-1e9faeaad4c9⟧"
""",
)
add(
    "cred",
    "en",
    "powershell-exchange-online",
    "code",
    """
Script runs fine interactively but fails as a scheduled task. What's wrong?

$TenantId = "4f1c2a9e-8b3d-4e7f-a6c5-0d9b2e1f3a48"
$AppId    = "b7e30c52-1d9a-4f86-9e2b-c4a81f07d365"
$Secret   = "⟦K:Z4Z8Q~paWZ7HrGhN629kSVj00S3W-wo7c-HddKlV⟧"
$svcPass  = ConvertTo-SecureString "⟦S:Winter2026!Mailbox⟧" -AsPlainText -Force
$cred     = New-Object System.Management.Automation.PSCredential("⟦E:j.whitcombe@northfieldlegal.example⟧", $svcPass)
Connect-ExchangeOnline -Credential $cred
""",
)
add(
    "cred",
    "en",
    "intercom-zendesk-http",
    "http",
    """
The Intercom call works, the Zendesk one returns 401. Both raw requests from my HTTP client:

GET /conversations?per_page=20 HTTP/1.1
Host: api.intercom.io
Authorization: Bearer ⟦K:dG9rOjRby7_RtK1oXyHnO7Nv4oQVPnFAdrpR5sVD9nXluQ28aCug2v_bpJLD=⟧
Intercom-Version: 2.11

GET /api/v2/tickets.json HTTP/1.1
Host: northwind.zendesk.com
Authorization: Basic ⟦S:DAsIJq/uncvHWmjAkfVJdDL+f/qzx/M9xHi6FfezakdGHSZiw8Jf2CioS4f+Rqny⟧
""",
)
add(
    "cred",
    "en",
    "rust-wireguard-const",
    "code",
    """
Review my boringtun setup, is the handshake config right?

const PRIVATE_KEY: &str = "⟦PK:kHnti9pr/Q2d4zVxlZHFn4hed2qsMDiZj+GTTv8VI3w=⟧";
const PEER_PUBLIC_KEY: &str = "dM2PCKLSQgzDqebjogtC6gz4IA6S8vP9gX1zf+i9M1Y=";
const PEER_ENDPOINT: &str = "vpn.example.net:51820";
fn main() {
    let tunn = Tunn::new(parse_key(PRIVATE_KEY), parse_key(PEER_PUBLIC_KEY), None, Some(25), 0, None);
}
""",
)
add(
    "cred",
    "en",
    "wrangler-toml-vars",
    "ini",
    """
Cloudflare says vars in wrangler.toml are visible in the dashboard — should these be secrets instead?

name = "edge-api"
main = "src/index.ts"
compatibility_date = "2026-01-15"

[vars]
TURSO_URL = "libsql://edge-api-acme.turso.io"
TURSO_AUTH_TOKEN = "⟦K:eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.P-UN62NUYVozoOCZSjZFNfQsLaiWpwrMpwbHHIclAJwmxyLtS2zUPVZ81JjZt29xndoDm-p00AAfMqFyJq28681qz2_7MM406cp1HZG8Akn0SV.bZFcum31k-KGG09M_2XEKGQp6O5AEBNbu2SgfW_sRiNdGmLEAFLBasCGMjd7TvHMEUU8mScpO6To6pL7ZcWvsp⟧"
RESEND_API_KEY = "⟦K:re_O7eacKpQ_9RazW3Ty6M1GJM4nS6B9TcXr⟧"
OPENAI_API_KEY = "⟦K:sk-proj-E81vXCNTwR0N1gcx86gxMcpQd2isDNMehBK7Jna61VNUo4sdjFFRYvZOX4R_S98sT3BlbkFJZVpMDi_LNm7790oQoBbdqRlk5ViUdp9c8PGrOKBxYagBS6-EZsl3FhsmAbEKyIA8⟧"
""",
)
add(
    "cred",
    "en",
    "server-room-shell-session",
    "command",
    """
Half of these fail from the jump host. Which ones need a different network?

$ ipmitool -I lanplus -H 10.20.0.41 -U admin -P ⟦S:Idr@c-Rack4!⟧ chassis power status
$ snmpwalk -v2c -c ⟦S:n0c-r3ad-Qx9⟧ 10.20.0.1 sysDescr
$ smbclient //fs01/finance -U ⟦U:hkowalski⟧%⟦S:Autumn_Leaves_88⟧
$ RSYNC_PASSWORD='⟦S:b4ckup-Sync-7731⟧' rsync -av /srv/data backup@10.20.0.60::nightly
""",
)
add(
    "cred",
    "en",
    "winscp-ppk-error",
    "command",
    """
WinSCP says "Unable to use key file (OpenSSH SSH-2 private key (new format))" but this is a PPK, isn't it?

C:\\Users\\⟦U:rhodes⟧> type C:\\keys\\sftp-prod.ppk
⟦PK:PuTTY-User-Key-File-3: ssh-ed25519
Encryption: none
Comment: rhodes@laptop-2026
Public-Lines: 1
AAAAC3NzaC1lZDI1NTE5AAAAITzHlFuiZpDk7Du/+muOw9eGu4kgt9MULg0a+4mMAZKB
Private-Lines: 1
AAAAIGMnNoP7fj2BDgt02CUkAfXAIl/6wHGXiopxmrzkqX9A
Private-MAC: 0c879cd7f6edd320243b4bfdd81392cfaf72507fa777f389514491b8d8fdfa54⟧
""",
)
add(
    "cred",
    "en",
    "vercel-env-pull",
    "env",
    """
After `vercel env pull` my local build connects to prod! .env.development.local:

# Created by Vercel CLI
CLERK_SECRET_KEY="⟦K:sk_live_E5wsHfEzC5lELhEDnNoDRybKL0vYHkGcZ3bVXpgv⟧"
NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY="pk_live_Y2xlcmsuYWNtZS5leGFtcGxlJA"
UPSTASH_REDIS_REST_TOKEN="⟦K:AceoYAjPWysSnS0I8I6vqqGlCgwfD5EbVI8bkMyu5ACIvdhh3O2JZi9I7LLr=⟧"
DATABASE_URL="postgresql://neondb_owner:⟦S:npg_NlKbGFpKbFSb⟧@ep-cool-dawn-a5x9.eu-central-1.aws.neon.tech/neondb?sslmode=require"
VERCEL_ENV="production"
""",
)
add(
    "cred",
    "en",
    "saas-welcome-email-api-key",
    "prose",
    """
Forwarding this so you can set up the integration. Can you summarise the steps?

---------- Forwarded message ---------
From: Shipwise Onboarding <onboarding@shipwise.example>
Subject: Your Shipwise account is ready

Hi ⟦P:Folasade⟧,
Your account ⟦E:folasade.ade@brightcandles.example⟧ has been created. Temporary password: ⟦S:tmp-Kx82-Lq0v⟧ (you'll be asked to change it).
Your live API key is ⟦K:swk_live_Mg5dh8TedmjuMIE1O1q5mZlu3bdTOX6R⟧ — treat it like a password.
Sandbox key for testing: swk_test_xxxxxxxxxxxxxxxxxxxxxxxx
""",
)
add(
    "cred",
    "en",
    "anthropic-mistral-go-client",
    "code",
    """
Go question: how do I read these from env instead of hard-coding?

package llm

const (
    anthropicKey = "⟦K:sk-ant-api03-8z3QKXTvfLtpi0zrGhrXPKFHJU9RIufZIwBdRvIjbdnzhgQU4Nsm1qV2eqKWI7ZQwBWl2hHRBRDRZj_cJ87exJ5N6IcpMAA⟧"
    mistralKey   = "⟦K:eGmfDaW6G9h9abSftLT16kBbnrftY4Xw#m⟧"
    geminiKey    = "⟦K:AIzaSybOcArkut-JiuY5gj7eBOPVrUcPcTlCvM6⟧"
    modelDefault = "claude-sonnet-4-5"
)
""",
)
add(
    "cred",
    "sv",
    "bankid-note-sambo",
    "prose",
    """
Kan du göra en snygg lapp av det här till min sambo medan jag ligger på sjukhus? Swish-företag: appen låser du upp med ⟦S:281904⟧. Bokio-inloggning: ⟦E:mats.holmgren@hembageri.example⟧ / ⟦S:Kanelbulle#24⟧. Wifi i bageriet: ⟦S:Surdeg2026!⟧. Larmkoden till bakdörren är ⟦S:7 3 1 5⟧. Kram, ⟦P:Mats⟧
""",
)
add(
    "cred",
    "fi",
    "netvisor-python",
    "code",
    """
Netvisor palauttaa "AUTHENTICATION_FAILED". Onko MAC-laskenta oikein?

NETVISOR_SENDER = "Tilitoimisto Kuusi Oy"
NETVISOR_CUSTOMER_ID = "KS_84921"
NETVISOR_CUSTOMER_KEY = "⟦K:F624A5373EDD15255BF1B6AE5326CA45⟧"
NETVISOR_PARTNER_ID = "Kuu_PRTNR"
NETVISOR_PARTNER_KEY = "⟦K:75001A5AC95FC06D8F2E4A5EBD66371E⟧"
SMTP_PASSWORD = "⟦S:Lumi-Sade-88⟧"
""",
)
add(
    "cred",
    "hu",
    "unas-mpl-foxpost-env",
    "env",
    """
Ez a .env egy Unas webshop szinkronhoz tartozik. Miért nem tölti be a Foxpost részt?

UNAS_API_KEY=⟦K:a57f55e9048263a9047220b961cd5b33d20ddd6c⟧
MPL_CLIENT_ID=mpl-acc-20417
MPL_CLIENT_SECRET=⟦K:Iw2DZhzx8N6P2PCKTTPUhiEIwmfcZ5ka#h⟧
FOXPOST_USER=⟦U:kovacs.gabor⟧
FOXPOST_PASSWORD=⟦S:Barack-Fa-19⟧
FOXPOST_APIKEY = ⟦K:e035z9HSL0YoVCX3Gdt6x9w5#f⟧
""",
)
add(
    "cred",
    "ro",
    "emag-sameday-php",
    "code",
    """
Poți să-mi spui de ce primesc 401 de la eMAG Marketplace?

<?php
$emagUser = 'office@casutacuflori.example';
$emagPass = '⟦S:Trandafir#2026⟧';
$auth = base64_encode($emagUser . ':' . $emagPass);
$samedayUser = 'casutacuflori_api';
$samedayPass = '⟦S:Sd-88kQm!xP⟧';
""",
)
add(
    "cred",
    "tr",
    "hepsiburada-aras-env",
    "env",
    """
Hepsiburada entegrasyonunda 403 alıyorum, bu ayarlarda bir sorun var mı?

HB_MERCHANT_ID=6a1f0c93-2b7e-4d58-9e41-0c7b3a2d9f16
HB_SERVICE_KEY=⟦K:gs16nob9-tog2-roo3-e8rf-u0dprqs1hwqr⟧
ARAS_KARGO_USERNAME=⟦U:yildiz.tekstil⟧
ARAS_KARGO_PASSWORD=⟦S:Ar4s_Kargo!55⟧
NETGSM_HEADER=YILDIZTKSTL
""",
)
add(
    "cred",
    "el",
    "skroutz-boxnow-config",
    "yaml",
    """
Γιατί δεν περνάνε οι παραγγελίες στο BOX NOW; Το config:

skroutz:
  merchant_token: "⟦K:G63kYwEmWmCyQCw0NlCkC5rPSTxYMGop5c_CmoaBcPRg6YoM⟧"
  shop_id: 44821
boxnow:
  client_id: "bn-partner-3317"
  client_secret: "⟦K:a544ba0481771d81f6c6a9e1ed5beff77fa5c18b7e2f7a22⟧"
smtp:
  user: "orders@elaiolado-kritis.example"
  password: "⟦S:Elia-2026-Xania⟧"
""",
)
add(
    "cred",
    "bg",
    "b-trust-nap-note",
    "prose",
    """
Оправи ми бележката за колежката, докато съм в отпуск: ПИН на електронния подпис B-Trust е ⟦S:83 19 04⟧, а ПУК-ът е в сейфа. В портала на НАП влизаш с подписа. Паролата за Microinvest е ⟦S:Skladova!2026⟧. Ако банката поиска ЕГН на управителя — ⟦ID@BG:7305174570⟧. Благодаря, ⟦P:Деси⟧
""",
)
add(
    "cred",
    "hr",
    "wspay-gls-env",
    "env",
    """
Zašto WSPay vraća "Signature mismatch"? Moj .env:

WSPAY_SHOP_ID=MAJSTORSKA
WSPAY_SECRET_KEY=⟦K:c75a74d8c5bd457882ca962c22f8ccd8#w⟧
GLS_USERNAME=narudzbe@majstorska.example
GLS_PASSWORD=⟦S:Gls-Zagreb-77⟧
FINA_CERT_PASS=⟦S:certPass#Majstor1⟧
""",
)
add(
    "cred",
    "sk",
    "besteron-sps-php",
    "code",
    """
Pomôžeš mi zistiť, prečo Besteron odmieta podpis platby?

<?php
define('BESTERON_CID', '2817');
define('BESTERON_KEY', '⟦K:f1lP5wD6mGXkKTetHEBm7iRYU40E9j4h#b⟧');
define('SPS_LOGIN', '⟦U:eshop.drevohracky⟧');
define('SPS_PASSWORD', '⟦S:Hracky#Drevo24⟧');
""",
)
add(
    "cred",
    "sl",
    "bankart-posta-yaml",
    "yaml",
    """
Ali je ta konfiguracija za Bankart pravilna za produkcijo?

bankart:
  api_user: "trgovina-lesnik"
  api_password: "⟦S:Bankart!Les2026⟧"
  api_key: "⟦K:jbZSWvMabmnPGmeoHLNXYiyFVju6tl9KlfLLxvjN#k⟧"
  shared_secret: "⟦K:fFtuyCuNC180YXRwbRYtoOdLdarpWR6ctvkxMqIk#s⟧"
posta_slovenije:
  token: "⟦K:e11f6a19acb715155d075a1133761886a21c90d9#p⟧"
""",
)
add(
    "cred",
    "is",
    "saltpay-dropp-env",
    "env",
    """
Af hverju fær vefverslunin 401 frá Dropp? Svona lítur .env út:

SALTPAY_MERCHANT_ID=9256684
SALTPAY_SECRET=⟦K:4d7957e8b994d133ec25ab4ef4326f92517456a46e232d68faffa14495db7fe3#sp⟧
DROPP_API_KEY=⟦K:JKKKfKUUcGcex4yxK2O7xai5-Ny9hU9a9yfgji07#d⟧
ADMIN_PASSWORD=⟦S:Lopi-Peysa-2026⟧
""",
)
add(
    "cred",
    "de",
    "paperless-docker-run",
    "command",
    """
Warum startet mein Paperless-Container nicht? Befehl aus meiner Notiz:

docker run -d --name paperless \\
  -e PAPERLESS_SECRET_KEY='⟦S:wCHW8E60A4RMQojnG25UbHj0_lk9e-9TBg52S8BSby_hatGXkB#ppl⟧' \\
  -e PAPERLESS_DBPASS='⟦S:Aktenordner-2026!⟧' \\
  -e PAPERLESS_EMAIL_HOST_PASSWORD='⟦S:dosb fheg wyah islx⟧' \\
  -e PAPERLESS_ADMIN_USER=admin \\
  -e PAPERLESS_ADMIN_PASSWORD='⟦S:Steuer#Ordner88⟧' \\
  ghcr.io/paperless-ngx/paperless-ngx:latest
""",
)
add(
    "cred",
    "fr",
    "pappers-yousign-curl",
    "command",
    """
Pourquoi le second appel répond 403 ?

curl -s "https://api.pappers.fr/v2/entreprise?siren=552100554&api_token=⟦K:8399c4787e1600d2cec84980765ead0862bb3dabd4bedfff#pa⟧"
curl -s -X POST https://api.yousign.app/v3/signature_requests \\
  -H "Authorization: Bearer ⟦K:6BbYqK5uHHsGVvwglFjZTFMTiFMexpuA#ys⟧" \\
  -H "Content-Type: application/json" -d '{"name":"Bail 2026","delivery_mode":"email"}'
""",
)
add(
    "cred",
    "es",
    "apps-script-factorial",
    "code",
    """
Este Apps Script debería mandar un correo cuando alguien pide vacaciones en Factorial, pero no hace nada:

const FACTORIAL_API_KEY = '⟦K:0f4dbd8ac58c6e537ae56504d52546ad291993f0a1beee300fdd26d586267538#fa⟧';
const GMAIL_APP_PASSWORD = '⟦S:qpcz ttto ekpi vdha⟧';
function checkLeaves() {
  const res = UrlFetchApp.fetch('https://api.factorialhr.com/api/2026-01-01/resources/timeoff/leaves', {headers: {'x-api-key': FACTORIAL_API_KEY}});
}
""",
)
add(
    "cred",
    "it",
    "fattura24-poste-env",
    "env",
    """
Mi sistemi questo .env? La chiave di Fattura24 sembra non venire letta.

FATTURA24_APIKEY = ⟦K:6M33B3VptDcAVNWZx5A6C0DLEX1rzuAy#f24⟧
POSTE_DELIVERY_CLIENT_ID=pdb-77310
POSTE_DELIVERY_SECRET=⟦K:3fcf0e94e8707f5a7cd0bc632df169727cb14ef0#pd⟧
PEC_USER=amministrazione@pec.ceramichegiuliani.example
PEC_PASSWORD=⟦S:Maiolica!2026⟧
""",
)
add(
    "cred",
    "pt",
    "vendus-ctt-yaml",
    "yaml",
    """
A integração com a CTT Expresso deixou de funcionar depois da migração. Vês algum erro?

vendus:
  api_key: "⟦K:9fb4cbd567f2ad688c1b49ce4261bb3e#v⟧"
  register_id: 148
ctt:
  client_id: "CTT-0041827"
  authentication_id: "⟦K:362aab1f-bfa6-6e98-3b36-cf7d34c31a9c#ctt⟧"
  user_password: "⟦S:Pastel#Nata2026⟧"
""",
)
add(
    "cred",
    "nl",
    "snelstart-sendy-python",
    "code",
    """
Krijg een 401 van SnelStart. Klopt de koppelsleutel-afhandeling zo?

SNELSTART_SUBSCRIPTION_KEY = "⟦K:55b08494061daf12ca3103e95047971e#ss⟧"
SNELSTART_KOPPELSLEUTEL = "⟦K:zncwBENgmKe2RUypIoO/whlnH0hF3UCKIN8+VDDZ2UeJMCYqMT7Q9YZ2you40nUcL0AlaFIW4DnOil9BK1mZk6GE2SN6SBRs97oojjM3O9+x0urhNdvVKxFD#ks⟧"
SENDY_TOKEN = "⟦K:FYTLSHACbKvjPDdsag2keSQaIobttiGnnzUaP2Gw#sd⟧"
ADMIN_WACHTWOORD = "⟦S:Stroopwafel-88!⟧"
""",
)
add(
    "cred",
    "pl",
    "wfirma-furgonetka-python",
    "code",
    """
Dlaczego wFirma zwraca "AUTH FAILED"? Kod:

WFIRMA_ACCESS_KEY = "⟦K:5b4bfa972a2a1be58b8ddd4530d3cc9b#wa⟧"
WFIRMA_SECRET_KEY = "⟦K:3dd301ce6ea232bff4789985260270a8#ws⟧"
WFIRMA_APP_KEY = "⟦K:698c4a1aa04f1d25cb8333fac6c9b22d#wk⟧"
FURGONETKA_LOGIN = "sklep@pracowniaswiec.example"
FURGONETKA_HASLO = "⟦S:Swieca_Sojowa_12⟧"
""",
)

# ---------------------------------------------------------------------------
# group benign
# ---------------------------------------------------------------------------
add(
    "benign",
    "en",
    "ada-lovelace-timeline",
    "prose",
    """
Make a timeline for a Year 6 poster: Ada Lovelace, born 10 December 1815 in London, daughter of Lord Byron; worked with Charles Babbage on the Analytical Engine; published her Notes in 1843; died 27 November 1852, aged 36. Add two fun facts.
""",
)
add(
    "benign",
    "en",
    "poirot-marple-quiz",
    "prose",
    """
Write a 10-question pub quiz about Agatha Christie's detectives. Include Hercule Poirot's flat (56B Whitehaven Mansions), his secretary Miss Lemon, Captain Hastings, Chief Inspector Japp, and Miss Marple's village St Mary Mead.
""",
)
add(
    "benign",
    "en",
    "readme-placeholder-keys",
    "markdown-table",
    """
Is this README table clear enough for new contributors?

| variable | example | where to get it |
|---|---|---|
| `STRIPE_SECRET_KEY` | `sk_test_your_key_here` | Stripe dashboard → Developers |
| `OPENAI_API_KEY` | `sk-...` | platform.openai.com |
| `DATABASE_URL` | `postgres://user:password@localhost:5432/app` | your local Postgres |
| `JWT_SECRET` | `change-me-in-production` | generate with `openssl rand -hex 32` |
""",
)
add(
    "benign",
    "en",
    "public-dns-resolvers",
    "command",
    """
Why do two of these resolvers answer but Quad9 times out from the office network?

$ dig @8.8.8.8 example.com +short
93.184.215.14
$ dig @1.1.1.1 example.com +short
93.184.215.14
$ dig @9.9.9.9 example.com +short
;; communications error to 9.9.9.9#53: timed out
""",
)
add(
    "benign",
    "en",
    "python-numpy-upgrade",
    "prose",
    """
We're moving from Python 3.11.4 to 3.12.7 and numpy 1.26.4 to 2.1.3, pandas 2.1.0 to 2.2.3. Our Dockerfile pins setuptools==69.0.2 and pip 23.3.1. Which breaking changes should I check first, especially around np.float_ and the copy keyword?
""",
)
add(
    "benign",
    "en",
    "book-club-isbns",
    "csv",
    """
Sort this reading list by publication year and tell me which are public domain in the UK:

title,author,isbn,year
Pride and Prejudice,Jane Austen,978-0-14-143951-8,1813
Middlemarch,George Eliot,978-0-14-143954-9,1871
Rebecca,Daphne du Maurier,978-0-349-00657-1,1938
Small Island,Andrea Levy,978-0-7553-0750-3,2004
""",
)
add(
    "benign",
    "en",
    "generic-damaged-parcel-template",
    "prose",
    """
Write me a reusable template for customers whose parcel arrived damaged. Use placeholders like [Customer name], [Order number, e.g. 114-3941689-8772232] and [Tracking number, e.g. 1Z999AA10123456784], and offer a replacement or refund within 14 days.
""",
)
add(
    "benign",
    "en",
    "diabetes-types-explained",
    "prose",
    """
Explain simply the difference between type 1 and type 2 diabetes, how metformin and insulin work, why HbA1c above 48 mmol/mol is the diagnostic cut-off, and what a hypo feels like. It's for a first-aid course handout, no specific patient.
""",
)
add(
    "benign",
    "en",
    "may-june-will-mark",
    "prose",
    """
Proofread this newsletter line: "Mark your calendars! The May Day fair is back on Monday 4 May, June's open garden is on the 21st, and Will Power, our summer play, runs in August. Grace Church hall opens at 10:00; Hope Street car park is free after 18:00."
""",
)
add(
    "benign",
    "en",
    "consumer-goods-companies",
    "prose",
    """
Compare Procter & Gamble, Johnson & Johnson, Unilever and Reckitt on revenue, market cap and dividend yield as of their last annual reports. Also: why did Kenvue spin off from J&J in 2023?
""",
)
add(
    "benign",
    "en",
    "sql-schema-personal-columns",
    "sql",
    """
Review this schema for a clinic app — should ssn be encrypted at column level or via pgcrypto?

CREATE TABLE patients (
  id           BIGSERIAL PRIMARY KEY,
  full_name    TEXT NOT NULL,
  email        CITEXT UNIQUE,
  phone_e164   VARCHAR(16),
  date_of_birth DATE NOT NULL,
  ssn          BYTEA,
  diagnosis_codes TEXT[] DEFAULT '{}',
  created_at   TIMESTAMPTZ DEFAULT now()
);
CREATE INDEX idx_patients_dob ON patients (date_of_birth);
""",
)
add(
    "benign",
    "en",
    "uk-postcode-regex",
    "code",
    """
My UK postcode regex rejects "SW1A 1AA" and "EC1A 1BB" (the standard examples from the Royal Mail docs) but accepts "ZZ99 9ZZ". What's wrong?

import re
PC = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
for s in ["SW1A 1AA", "EC1A 1BB", "M1 1AE", "ZZ99 9ZZ"]:
    print(s, bool(PC.match(s)))
""",
)
add(
    "benign",
    "en",
    "luhn-teaching-example",
    "prose",
    """
For a coding class, walk through the Luhn check step by step on the well-known test number 4111 1111 1111 1111 and on 79927398713 (the Wikipedia example), then show one digit changed so it fails.
""",
)
add(
    "benign",
    "en",
    "london-walking-tour",
    "prose",
    """
Plan a 3-hour walking tour: start at the Sherlock Holmes Museum, 221B Baker Street, then Abbey Road crossing, then 10 Downing Street and Churchill War Rooms, ending at Shakespeare's Globe. Include tube stops and where to get lunch.
""",
)
add(
    "benign",
    "en",
    "k8s-pod-log-trace-ids",
    "kv-log",
    """
Why does the readiness probe fail only on node-3? Logs:

2026-03-04T08:11:02Z level=warn pod=checkout-6f9c7d-x2kqp ip=10.244.2.31 trace_id=4bf92f3577b34da6a3ce929d0e0e4736 msg="upstream timeout" upstream=10.96.0.12:8080
2026-03-04T08:11:04Z level=error pod=checkout-6f9c7d-x2kqp ip=10.244.2.31 trace_id=00f067aa0ba902b7 msg="readiness probe failed" status=503
2026-03-04T08:11:05Z level=info pod=coredns-5d78c9869d-7gq4z ip=10.244.0.3 msg="reload"
""",
)
add(
    "benign",
    "en",
    "unit-conversions",
    "prose",
    """
Convert for a US/UK recipe and fitness article: 72 °F to °C, 5 ft 11 in to cm, 180 lb to kg, a blood glucose of 5.5 mmol/L to mg/dL, and 26.2 miles to km. Show the formulas.
""",
)
add(
    "benign",
    "en",
    "serena-williams-career",
    "prose",
    """
Summarise Serena Williams's career for a school report: born September 26, 1981 in Saginaw, Michigan; 23 Grand Slam singles titles; four Olympic golds; retired after the 2022 US Open. Keep it to 150 words.
""",
)
add(
    "benign",
    "en",
    "openapi-doc-examples",
    "yaml",
    """
Are these OpenAPI examples okay? They're only for the docs.

components:
  schemas:
    User:
      type: object
      properties:
        email: {type: string, format: email, example: user@example.com}
        phone: {type: string, example: "+1-555-0100"}
        last_login_ip: {type: string, format: ipv4, example: 192.0.2.10}
        date_of_birth: {type: string, format: date, example: "2000-01-01"}
""",
)
add(
    "benign",
    "en",
    "code-identifiers-review",
    "code",
    """
Review naming in this service layer:

class PatientRepository:
    def get_by_email(self, email: str) -> Patient | None: ...
    def find_by_dob(self, patient_dob: date) -> list[Patient]: ...
    def update_ssn_hash(self, patient_id: int, ssn_hash: bytes) -> None: ...
    def list_by_passport_country(self, country_code: str) -> list[Patient]: ...
""",
)
add(
    "benign",
    "en",
    "food-names-menu",
    "prose",
    """
Write menu descriptions for: Eggs Benedict, Caesar salad, Beef Wellington, Peach Melba, Earl Grey panna cotta, a Tom Collins and a Bloody Mary. Mention that the Caesar dressing contains anchovy and the panna cotta contains gelatine.
""",
)
add(
    "benign",
    "en",
    "premier-league-recap",
    "prose",
    """
Write a 100-word match report: Manchester City 3–1 Arsenal at the Etihad, Erling Haaland scored twice (23', 71'), Bukayo Saka equalised on 40', Phil Foden sealed it in stoppage time. Attendance 53,204.
""",
)
add(
    "benign",
    "en",
    "github-docs-placeholder-token",
    "command",
    """
The GitHub docs say to run this, but what scopes does the token need?

$ export GH_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
$ curl -H "Authorization: Bearer $GH_TOKEN" https://api.github.com/user
$ curl -H "Authorization: Bearer YOUR_TOKEN_HERE" https://api.github.com/repos/OWNER/REPO/issues
""",
)
add(
    "benign",
    "en",
    "tenancy-template-clause",
    "prose",
    """
Make this template clause plainer English: "This Agreement is made on [date] between [Landlord name] of [Landlord address] ("the Landlord") and [Tenant name] ("the Tenant"). The Tenant shall pay the Rent of £[amount] on the [1st] day of each month by standing order to the account notified in writing."
""",
)
add(
    "benign",
    "en",
    "halley-comet-dates",
    "prose",
    """
When is Halley's Comet next at perihelion (28 July 2061?) and how old would someone born on 1 January 2010 be then? Also list the last three apparitions: 1910, 1986 and the one Mark Twain famously predicted his death with.
""",
)
add(
    "benign",
    "sv",
    "astrid-lindgren-pippi",
    "prose",
    """
Skriv en kort presentation för en skolvisning: Astrid Lindgren föddes den 14 november 1907 på Näs utanför Vimmerby. Pippi Långstrump bor i Villa Villekulla med hästen Lilla Gubben och apan Herr Nilsson; grannarna heter Tommy och Annika.
""",
)
add(
    "benign",
    "sv",
    "personnummer-format-fraga",
    "prose",
    """
Hur är ett svenskt personnummer uppbyggt? Förklara ÅÅMMDD-NNNK, vad sista siffran (kontrollsiffran enligt Luhn) betyder, vad samordningsnummer är (dag + 60) och varför man använder plus istället för bindestreck när någon fyllt 100. Inga riktiga nummer behövs.
""",
)
add(
    "benign",
    "fi",
    "sibelius-ainola",
    "prose",
    """
Kirjoita lyhyt esittely konserttiohjelmaan: Jean Sibelius syntyi 8. joulukuuta 1865 Hämeenlinnassa ja asui vaimonsa Ainon kanssa Ainolassa Järvenpäässä. Finlandia valmistui 1899, viides sinfonia sai ensiesityksensä hänen 50-vuotispäivänään.
""",
)
add(
    "benign",
    "fi",
    "flunssa-vs-influenssa",
    "prose",
    """
Mikä on flunssan ja influenssan ero? Milloin kannattaa ottaa Burana tai Panadol, mikä on aikuisen tavallinen enimmäisannos, ja milloin pitää hakeutua lääkäriin? Yleinen kysymys terveystiedon tunnille.
""",
)
add(
    "benign",
    "hu",
    "puskas-rubik",
    "prose",
    """
Írj egy rövid kvízt magyar hírességekről: Puskás Ferenc (született 1927. április 1., Budapest), Rubik Ernő (a bűvös kocka feltalálója, 1974), Szent-Györgyi Albert (C-vitamin, Nobel-díj 1937) és Kertész Imre (Sorstalanság).
""",
)
add(
    "benign",
    "hu",
    "taj-ellenorzo-keplet",
    "code",
    """
Hogyan ellenőrizhetem Excelben, hogy egy 9 jegyű TAJ-szám formailag helyes-e? A szabály szerint a páratlan helyen álló számjegyek hárommal, a párosak héttel szorzódnak, az összeg 10-es maradéka a kilencedik jegy. Ez a kezdetem:
=MOD(SUMPRODUCT(--MID(A2,{1,2,3,4,5,6,7,8},1),{3,7,3,7,3,7,3,7}),10)=--MID(A2,9,1)
""",
)
add(
    "benign",
    "ro",
    "eminescu-brancusi",
    "prose",
    """
Scrie o prezentare de 5 minute pentru ora de română: Mihai Eminescu, născut la 15 ianuarie 1850 la Botoșani, și Constantin Brâncuși, născut la 19 februarie 1876 la Hobița, cu Coloana Infinitului de la Târgu Jiu.
""",
)
add(
    "benign",
    "ro",
    "structura-cnp",
    "prose",
    """
Explică-mi structura CNP-ului: S AA LL ZZ JJ NNN C — ce înseamnă prima cifră pentru cei născuți după 2000, codul județului (de ex. 40 pentru București) și cum se calculează cifra de control cu constanta 279146358279. Fără exemple reale.
""",
)
add(
    "benign",
    "tr",
    "nazim-hikmet-siir",
    "prose",
    """
Nazım Hikmet'in "Yaşamaya Dair" şiirini lise öğrencileri için kısaca yorumlar mısın? Şair 15 Ocak 1902'de Selanik'te doğdu, 3 Haziran 1963'te Moskova'da öldü. Memleketimden İnsan Manzaraları'ndan da bir örnek ver.
""",
)
add(
    "benign",
    "tr",
    "pod-log-turkce",
    "kv-log",
    """
Bu log neden sürekli yeniden başlıyor, açıklar mısın?

2026-02-11T10:02:33Z seviye=hata pod=odeme-api-7b8c ip=10.42.1.17 mesaj="veritabanı bağlantısı reddedildi" hedef=10.43.0.25:5432
2026-02-11T10:02:35Z seviye=bilgi pod=odeme-api-7b8c ip=10.42.1.17 mesaj="yeniden deneniyor (3/5)"
""",
)
add(
    "benign",
    "el",
    "maria-callas",
    "prose",
    """
Γράψε ένα σύντομο κείμενο για το πρόγραμμα της συναυλίας: η Μαρία Κάλλας γεννήθηκε στις 2 Δεκεμβρίου 1923 στη Νέα Υόρκη, σπούδασε στο Ωδείο Αθηνών με την Ελβίρα ντε Ιντάλγκο και πέθανε στο Παρίσι το 1977.
""",
)
add(
    "benign",
    "el",
    "diavitis-kyisis-genika",
    "prose",
    """
Τι είναι ο διαβήτης κύησης, πώς γίνεται η καμπύλη σακχάρου με 75 g γλυκόζης στην 24η–28η εβδομάδα και ποιες είναι οι τιμές-όρια; Γενική ερώτηση για ένα άρθρο, όχι για συγκεκριμένη έγκυο.
""",
)
add(
    "benign",
    "bg",
    "botev-levski",
    "prose",
    """
Направи кратък тест за 7. клас: Христо Ботев, роден на 6 януари 1848 г. в Калофер; Васил Левски, роден на 18 юли 1837 г. в Карлово; Иван Вазов и романа „Под игото“.
""",
)
add(
    "benign",
    "bg",
    "postgres-upgrade",
    "command",
    """
Ъпгрейдваме от PostgreSQL 16.4 на 17.2 с pg_upgrade. Какво означава тази грешка?

$ pg_upgrade -b /usr/lib/postgresql/16/bin -B /usr/lib/postgresql/17/bin -d /var/lib/postgresql/16/main -D /var/lib/postgresql/17/main --check
Checking for incompatible "aclitem" data type    fatal
""",
)
add(
    "benign",
    "hr",
    "nikola-tesla-smiljan",
    "prose",
    """
Napiši kratki tekst za turistički letak: Nikola Tesla rođen je 10. srpnja 1856. u Smiljanu kraj Gospića. Memorijalni centar u Smiljanu otvoren je 2006., a Teslina ulica u Zagrebu nosi njegovo ime.
""",
)
add(
    "benign",
    "hr",
    "voltaren-ibuprofen",
    "prose",
    """
Koja je razlika između Voltarena, Neofena i Lekadola? Kada se koji koristi, koliko najviše na dan za odrasle i zašto se ne smiju kombinirati NSAIL? Opće pitanje, ne za određenu osobu.
""",
)
add(
    "benign",
    "sk",
    "stefanik-zivotopis",
    "prose",
    """
Zostav krátky životopis na nástenku: Milan Rastislav Štefánik sa narodil 21. júla 1880 v Košariskách, bol astronóm, generál francúzskej armády a spoluzakladateľ Československa. Zahynul 4. mája 1919 pri Ivanke pri Dunaji.
""",
)
add(
    "benign",
    "sk",
    "isbn-ean-eshop",
    "prose",
    """
V e-shope s knihami mi import hlási chybu pri EAN 9788055146019 a ISBN 978-80-551-4601-9. Je to ten istý kód? Vysvetli vzťah ISBN-13 a EAN-13 a kontrolnú číslicu.
""",
)
add(
    "benign",
    "sl",
    "preseren-zdravljica",
    "prose",
    """
Pripravi kratko predstavitev za kulturni praznik: France Prešeren se je rodil 3. decembra 1800 v Vrbi na Gorenjskem, umrl 8. februarja 1849 v Kranju. Sedma kitica Zdravljice je slovenska himna.
""",
)
add(
    "benign",
    "sl",
    "iban-struktura-primer",
    "prose",
    """
Kako je sestavljen slovenski IBAN? V dokumentaciji registra IBAN je primer SI56 1910 0000 0123 438 — razloži, kaj pomenijo SI, kontrolni števki 56, oznaka banke in številka računa.
""",
)
add(
    "benign",
    "is",
    "bjork-laxness",
    "prose",
    """
Skrifaðu stutta kynningu fyrir ferðamenn: Björk Guðmundsdóttir fæddist 21. nóvember 1965 í Reykjavík; Halldór Laxness fékk Nóbelsverðlaunin 1955 og bjó á Gljúfrasteini í Mosfellsdal.
""",
)
add(
    "benign",
    "is",
    "kennitala-uppbygging",
    "prose",
    """
Hvernig er kennitala byggð upp? Útskýrðu DDMMÁÁ-RRVÖ: fæðingardag, raðtölu, vartölu sem reiknuð er með vogtölunum 3, 2, 7, 6, 5, 4, 3, 2 og öldina (9 eða 0). Engin raunveruleg dæmi, takk.
""",
)
add(
    "benign",
    "de",
    "einstein-ulm",
    "prose",
    """
Für ein Referat: Albert Einstein wurde am 14. März 1879 in Ulm geboren, wuchs in München auf und veröffentlichte 1905 vier bahnbrechende Arbeiten. Fasse sein Annus mirabilis in fünf Stichpunkten zusammen.
""",
)
add(
    "benign",
    "de",
    "beispiel-iban-unittest",
    "code",
    """
Ist es okay, die offizielle Beispiel-IBAN aus der Bundesbank-Doku im Unit-Test zu verwenden?

def test_iban_validierung():
    assert ist_gueltige_iban("DE89 3704 0044 0532 0130 00")
    assert not ist_gueltige_iban("DE00 0000 0000 0000 0000 00")
""",
)
add(
    "benign",
    "fr",
    "moliere-tartuffe",
    "prose",
    """
Résume Tartuffe pour des élèves de 4e : Molière, baptisé le 15 janvier 1622 à Paris, y met en scène Orgon, sa femme Elmire, sa fille Mariane et la servante Dorine face à l'hypocrite Tartuffe.
""",
)
add(
    "benign",
    "fr",
    "nir-structure-explication",
    "prose",
    """
Explique la structure du numéro de sécurité sociale français (sexe, année, mois, département, commune, rang, clé) et pourquoi la Corse utilise 2A/2B. Donne le calcul de la clé (97 moins le reste modulo 97) sans utiliser de vrai numéro.
""",
)
add(
    "benign",
    "es",
    "frida-kahlo-casa-azul",
    "prose",
    """
Prepara una ficha para una visita escolar: Frida Kahlo nació el 6 de julio de 1907 en Coyoacán, en la Casa Azul (calle Londres 247, hoy Museo Frida Kahlo), y se casó con Diego Rivera en 1929.
""",
)
add(
    "benign",
    "es",
    "ibuprofeno-paracetamol",
    "prose",
    """
¿Qué diferencia hay entre el ibuprofeno (Espidifen, Dalsy) y el paracetamol (Gelocatil), cuándo conviene cada uno y cuál es la dosis máxima diaria en adultos? Es para una charla general en el centro cívico.
""",
)
add(
    "benign",
    "it",
    "enzo-ferrari-maranello",
    "prose",
    """
Scrivi una breve scheda per il museo: Enzo Ferrari nacque il 18 febbraio 1898 a Modena, fondò la Scuderia nel 1929 e la fabbrica di Maranello nel 1943. Cita Gilles Villeneuve e Michael Schumacher.
""",
)
add(
    "benign",
    "it",
    "regex-codice-fiscale-esempio",
    "code",
    """
Questa regex per il codice fiscale accetta l'esempio ufficiale "RSSMRA85T10A562S" (Mario Rossi, il caso di scuola dell'Agenzia delle Entrate) ma rifiuta le omocodie. Come la correggo?

CF = /^[A-Z]{6}\\d{2}[A-EHLMPR-T]\\d{2}[A-Z]\\d{3}[A-Z]$/
""",
)
add(
    "benign",
    "pt",
    "amalia-rodrigues-fado",
    "prose",
    """
Faz um texto curto para a visita guiada: Amália Rodrigues, a "Rainha do Fado", viveu na Rua de São Bento 193, hoje Casa-Museu; está sepultada no Panteão Nacional desde 2001. Sugere três fados para ouvir.
""",
)
add(
    "benign",
    "pt",
    "validar-nif-excel",
    "prose",
    """
Como faço uma fórmula em Excel para validar o dígito de controlo de um NIF português (pesos 9 a 2, módulo 11)? Quero aplicar à coluna B de uma folha de clientes, mas sem exemplos reais aqui.
""",
)
add(
    "benign",
    "nl",
    "van-gogh-zundert",
    "prose",
    """
Schrijf een korte tekst voor een fietsroute: Vincent van Gogh werd op 30 maart 1853 geboren in Zundert, woonde later in Nuenen (De Aardappeleters, 1885) en stierf in 1890 in Auvers-sur-Oise. Zijn broer Theo steunde hem financieel.
""",
)
add(
    "benign",
    "nl",
    "docker-bridge-ips",
    "command",
    """
Waarom kan container web de database niet bereiken?

$ docker network inspect bridge --format '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{"\\n"}}{{end}}'
web 172.17.0.2/16
db 172.17.0.3/16
$ docker exec web ping -c1 db
ping: bad address 'db'
""",
)
add(
    "benign",
    "pl",
    "sklodowska-curie",
    "prose",
    """
Przygotuj notatkę na lekcję: Maria Skłodowska-Curie urodziła się 7 listopada 1867 r. w Warszawie przy ul. Freta 16 (dziś muzeum), dwukrotna noblistka (1903, 1911), odkryła polon i rad wraz z Piotrem Curie.
""",
)
add(
    "benign",
    "pl",
    "apap-ibuprom-ogolnie",
    "prose",
    """
Jaka jest różnica między Apapem a Ibupromem, kiedy lepiej wybrać który i ile maksymalnie można przyjąć na dobę? Pytanie ogólne do artykułu na blog apteki, nie dotyczy konkretnego pacjenta.
""",
)

if __name__ == "__main__":
    build(PROMPTS, Path(__file__).resolve().parent / "fresh15.jsonl", SPLIT_SEED, ID_PREFIX)
