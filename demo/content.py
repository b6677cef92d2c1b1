"""The demo data as data: people, specialties, library sources and articles with their review story.

``seed_demo`` turns this into rows, reaching every article state through ``reviews.workflow``.
The sources carry real bibliographic data; an identifier is given only where it was checked
against the publisher or PubMed, otherwise it is left empty. The article texts are our own
words, written for the demo, and are not medical advice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_PASSWORD = "demo-pass-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str  # "editor", "author", "reviewer" or "admin"
    role_label: str

    @property
    def email(self) -> str:
        return f"{self.username}@example.org"


USERS = (
    DemoUser("admin", "Site", "Administrator", "admin", "superuser (Django admin)"),
    DemoUser("eve", "Eve", "Morgan", "editor", "editor (board chair, also staff for the admin)"),
    DemoUser("alice", "Alice", "Hart", "author", "author"),
    DemoUser("bob", "Bob", "Okafor", "author", "author"),
    DemoUser("dr_baker", "Ann", "Baker", "reviewer", "reviewer: MD, Oncology"),
    DemoUser("dr_chen", "Wei", "Chen", "reviewer", "reviewer: PharmD, Pharmacology"),
    DemoUser("dr_diaz", "Sofia", "Diaz", "reviewer", "reviewer: MD, Physical Medicine"),
)

ROLE_GROUPS = {"editor": "Editors", "author": "Authors", "reviewer": "Reviewers"}

SPECIALTIES = (
    {
        "slug": "oncology",
        "name": "Oncology",
        "description": "Cancer care, including the side effects of chemotherapy and their management.",
    },
    {
        "slug": "pharmacology",
        "name": "Pharmacology",
        "description": "Medicines: how they work, their doses, interactions and adverse effects.",
    },
    {
        "slug": "physical-medicine",
        "name": "Physical Medicine",
        "description": "Physical medicine and rehabilitation: musculoskeletal pain, movement and function.",
    },
)


@dataclass(frozen=True)
class DemoReviewer:
    username: str
    display_name: str
    credentials: str
    specialties: tuple[str, ...]
    bio: str


REVIEWERS = (
    DemoReviewer(
        "dr_baker",
        "Ann Baker",
        "MD",
        ("oncology",),
        "Medical oncologist caring for people with gynaecological cancers.",
    ),
    DemoReviewer(
        "dr_chen",
        "Wei Chen",
        "PharmD",
        ("pharmacology",),
        "Clinical pharmacist specialising in supportive care during cancer treatment.",
    ),
    DemoReviewer(
        "dr_diaz",
        "Sofia Diaz",
        "MD",
        ("physical-medicine",),
        "Physiatrist working in musculoskeletal and cancer rehabilitation.",
    ),
)

SITE_POLICY = {
    "approvals_required": 2,
    "specialty_match_required": True,
    "review_interval_days": 365,
    "assignment_due_days": 14,
}


def _people(*names: tuple[str, str]) -> list[dict]:
    return [{"family": family, "given": given} for family, given in names]


NICE = [{"literal": "National Institute for Health and Care Excellence"}]

SOURCES = (
    {
        "key": "will2018",
        "type": "review",
        "title": "Mechanical low back pain",
        "authors": _people(("Will", "Joshua Scott"), ("Bury", "David C"), ("Miller", "John A")),
        "container_title": "American Family Physician",
        "container_title_short": "Am Fam Physician",
        "year": 2018,
        "volume": "98",
        "issue": "7",
        "pages": "421-428",
        "pmid": "30252425",
    },
    {
        "key": "nice-ng59",
        "type": "guideline",
        "title": "Low back pain and sciatica in over 16s: assessment and management",
        "authors": NICE,
        "publisher": "NICE",
        "year": 2016,
        "url": "https://www.nice.org.uk/guidance/ng59",
    },
    {
        "key": "nice-ng234",
        "type": "guideline",
        "title": "Spinal metastases and metastatic spinal cord compression",
        "authors": NICE,
        "publisher": "NICE",
        "year": 2023,
        "url": "https://www.nice.org.uk/guidance/ng234",
    },
    {
        "key": "vantulder2003",
        "type": "systematic_review",
        "title": "Muscle relaxants for non-specific low back pain",
        "authors": _people(
            ("van Tulder", "Maurits W"),
            ("Touray", "Tony"),
            ("Furlan", "Andrea D"),
            ("Solway", "Sherra"),
            ("Bouter", "Lex M"),
        ),
        "container_title": "Cochrane Database of Systematic Reviews",
        "container_title_short": "Cochrane Database Syst Rev",
        "year": 2003,
        "issue": "2",
        "pages": "CD004252",
        "doi": "10.1002/14651858.CD004252",
        "pmid": "12804507",
    },
    {
        "key": "cashin2021",
        "type": "meta_analysis",
        "title": (
            "Efficacy, acceptability, and safety of muscle relaxants for adults with non-specific "
            "low back pain: systematic review and meta-analysis"
        ),
        "authors": _people(
            ("Cashin", "Aidan G"),
            ("Folly", "Thiago"),
            ("Bagg", "Matthew K"),
            ("Wewege", "Michael A"),
            ("Jones", "Matthew D"),
            ("Ferraro", "Michael C"),
            ("Leake", "Hayley B"),
            ("Rizzo", "Rodrigo R N"),
            ("Schabrun", "Siobhan M"),
            ("Gustin", "Sylvia M"),
            ("Day", "Richard"),
            ("Williams", "Christopher M"),
            ("McAuley", "James H"),
        ),
        "container_title": "BMJ",
        "container_title_short": "BMJ",
        "year": 2021,
        "volume": "374",
        "pages": "n1446",
        "doi": "10.1136/bmj.n1446",
        "pmcid": "PMC8262447",
    },
    {
        "key": "french2006",
        "type": "systematic_review",
        "title": "A Cochrane review of superficial heat or cold for low back pain",
        "authors": _people(
            ("French", "Simon D"),
            ("Cameron", "Melainie"),
            ("Walker", "Bruce F"),
            ("Reggars", "John W"),
            ("Esterman", "Adrian J"),
        ),
        "container_title": "Spine",
        "container_title_short": "Spine (Phila Pa 1976)",
        "year": 2006,
        "volume": "31",
        "issue": "9",
        "pages": "998-1006",
        "doi": "10.1097/01.brs.0000214881.10814.64",
        "pmid": "16641776",
    },
    {
        "key": "kirshner2012",
        "type": "randomized_trial",
        "title": (
            "Prevention of pegfilgrastim-induced bone pain: a phase III double-blind placebo-controlled "
            "randomized clinical trial of the University of Rochester Cancer Center Clinical Community "
            "Oncology Program Research Base"
        ),
        "authors": _people(
            ("Kirshner", "Jeffrey J"),
            ("Heckler", "Charles E"),
            ("Janelsins", "Michelle C"),
            ("Dakhil", "Shaker R"),
            ("Hopkins", "Judith O"),
            ("Coles", "Charlotte"),
            ("Morrow", "Gary R"),
        ),
        "container_title": "Journal of Clinical Oncology",
        "container_title_short": "J Clin Oncol",
        "year": 2012,
        "volume": "30",
        "pages": "1974-1979",
    },
    {
        "key": "oronsky2017",
        "type": "review",
        "title": (
            "Electrolyte disorders with platinum-based chemotherapy: mechanisms, manifestations "
            "and management"
        ),
        "authors": _people(
            ("Oronsky", "Bryan"),
            ("Caroen", "Scott"),
            ("Oronsky", "Arnold"),
            ("Dobalian", "Vaughn E"),
            ("Oronsky", "Neil"),
            ("Lybeck", "Michelle"),
            ("Reid", "Tony R"),
            ("Carter", "Corey A"),
        ),
        "container_title": "Cancer Chemotherapy and Pharmacology",
        "container_title_short": "Cancer Chemother Pharmacol",
        "year": 2017,
        "volume": "80",
        "issue": "5",
        "doi": "10.1007/s00280-017-3392-8",
        "pmcid": "PMC5676816",
    },
    {
        "key": "loprinzi2020",
        "type": "guideline",
        "title": (
            "Prevention and management of chemotherapy-induced peripheral neuropathy in survivors of "
            "adult cancers: ASCO guideline update"
        ),
        "authors": _people(
            ("Loprinzi", "Charles L"),
            ("Lacchetti", "Christina"),
            ("Bleeker", "Jonathan"),
            ("Cavaletti", "Guido"),
            ("Chauhan", "Cynthia"),
            ("Hertz", "Daniel L"),
            ("Kelley", "Mark R"),
            ("Lavino", "Antoinette"),
            ("Lustberg", "Maryam B"),
            ("Paice", "Judith A"),
            ("Schneider", "Bryan P"),
            ("Lavoie Smith", "Ellen M"),
            ("Smith", "Mary Lou"),
            ("Smith", "Thomas J"),
            ("Wagner-Johnston", "Nina"),
            ("Hershman", "Dawn L"),
        ),
        "container_title": "Journal of Clinical Oncology",
        "container_title_short": "J Clin Oncol",
        "year": 2020,
        "volume": "38",
        "issue": "28",
        "pages": "3325-3348",
        "doi": "10.1200/JCO.20.01399",
        "pmid": "32663120",
    },
    {
        "key": "hesketh2020",
        "type": "guideline",
        "title": "Antiemetics: ASCO guideline update",
        "authors": _people(
            ("Hesketh", "Paul J"),
            ("Kris", "Mark G"),
            ("Basch", "Ethan"),
            ("Bohlke", "Kari"),
            ("Barbour", "Sally Y"),
            ("Clark-Snow", "Rebecca Anne"),
            ("Danso", "Michael A"),
            ("Dennis", "Kristopher"),
            ("Dupuis", "L Lee"),
            ("Dusetzina", "Stacie B"),
            ("Eng", "Cathy"),
            ("Feyer", "Petra C"),
            ("Jordan", "Karin"),
            ("Noonan", "Kimberly"),
            ("Sparacio", "Dee"),
            ("Lyman", "Gary H"),
        ),
        "container_title": "Journal of Clinical Oncology",
        "container_title_short": "J Clin Oncol",
        "year": 2020,
        "volume": "38",
        "issue": "24",
        "pages": "2782-2797",
        "doi": "10.1200/JCO.20.01296",
        "pmid": "32658626",
    },
    {
        "key": "mehra2020",
        "type": "cohort_study",
        "title": (
            "Hydroxychloroquine or chloroquine with or without a macrolide for treatment of COVID-19: "
            "a multinational registry analysis"
        ),
        "authors": _people(
            ("Mehra", "Mandeep R"), ("Desai", "Sapan S"), ("Ruschitzka", "Frank"), ("Patel", "Amit N")
        ),
        "container_title": "The Lancet",
        "container_title_short": "Lancet",
        "year": 2020,
        "doi": "10.1016/S0140-6736(20)31180-6",
        "pmid": "32450107",
    },
    {
        "key": "recovery2020",
        "type": "randomized_trial",
        "title": "Effect of hydroxychloroquine in hospitalized patients with Covid-19",
        "authors": [{"literal": "RECOVERY Collaborative Group"}],
        "container_title": "New England Journal of Medicine",
        "container_title_short": "N Engl J Med",
        "year": 2020,
        "volume": "383",
        "issue": "21",
        "pages": "2030-2040",
        "doi": "10.1056/NEJMoa2022926",
        "pmid": "33031652",
    },
)


@dataclass(frozen=True)
class DemoArticle:
    """One article and the review story that brings it to ``target`` (a status value).

    The story runs in this order, stopping at ``target``: draft → submit → ``reviewers`` assigned →
    start review → ``passage_comment`` → ``approvals`` recommend (in order) → ``changes_requested``
    recommendation → the editor's ``letter`` → round two (``revised_body``, ``reply``,
    ``second_round_approvals``) → then ``flag_reason`` (review due), ``source_retraction`` (a cited
    source retracted: review due) or ``retraction_notice`` (retracted).
    """

    slug: str
    title: str
    author: str
    topic: str
    audience: str
    target: str
    summary: str
    body: str
    reviewers: tuple[str, ...] = ()
    approvals: tuple[str, ...] = ()
    changes_requested: tuple[str, str] | None = None
    flag_reason: str = ""
    retraction_notice: str = ""
    attached: tuple[str, ...] = field(default=())
    # (source key, retraction date, notice DOI, reason): a cited source the editors then retract.
    source_retraction: tuple[str, str, str, str] | None = None
    # (reviewer, quoted passage, comment): a comment on a passage, made when the review starts.
    passage_comment: tuple[str, str, str] | None = None
    # The editor's decision letter after ``changes_requested``, forwarding the round's comments.
    letter: str = ""
    # Round two: the author's revised body, the answer to each forwarded comment, the approvals.
    revised_body: str = ""
    reply: str = ""
    second_round_approvals: tuple[str, ...] = ()


SHOWCASE_SLUG = "back-spasms-during-chemotherapy-for-ovarian-cancer"
SHOWCASE_TITLE = (
    "What are the causes of sharp back spasms in a patient undergoing chemotherapy for ovarian cancer?"
)

SHOWCASE_BODY = """\
Sharp, sudden spasms in the back are a common complaint during chemotherapy for ovarian cancer.
Most have a simple cause and ease with simple measures, but a few are a sign of something the
oncology team needs to see quickly. This summary sets out the likely causes, what usually helps,
and when to call.

## Likely causes

### Stiff or strained back muscles

Most back pain at any age is "mechanical": it comes from the muscles, joints and discs of the
spine rather than from a disease inside it [@will2018]. Chemotherapy makes it more likely.
Tiredness means more time in bed or in a chair, surgery for ovarian cancer weakens the tummy
muscles that support the spine, and muscles that are used less become stiff. A stiff muscle can
then tighten into a sharp spasm when you twist, bend or stand up.

### Low magnesium, potassium or calcium

The platinum drugs used in most chemotherapy plans for ovarian cancer, cisplatin more than
carboplatin, can make the kidneys lose magnesium, and a low magnesium level pulls potassium and
calcium down with it [@oronsky2017]. Vomiting and diarrhoea lower these salts further. Low levels
make muscles cramp, twitch and spasm, the long muscles of the back included. A routine blood test
shows them, and they can be replaced.

### Injections that boost white blood cells

Many people have an injection of a growth factor such as pegfilgrastim after each cycle, to help
the bone marrow make white blood cells. Aching in the bones, often in the lower back and hips, is
one of its most common side effects. In a large trial the pain peaked two to three days after the
injection and then faded [@kirshner2012].

### The cancer itself

Less often, the pain comes from the cancer: swollen lymph nodes at the back of the abdomen, fluid
in the abdomen, or cancer that has spread to the bones of the spine. Cancer in the spine can press
on the spinal cord, which is an emergency [@nice-ng234]. Because you have cancer, new back pain is
always taken more seriously than it would be otherwise [@will2018], and that is why the warning
signs below matter.

## Relief measures

- **Keep moving gently.** Staying as active as you can, rather than resting in bed, helps back
  pain settle [@nice-ng59]. Short walks and gentle stretches a few times a day are enough.
- **Use warmth.** A heat wrap or a warm (not hot) pad on the sore area gives a small, short-term
  easing of pain and stiffness [@french2006]. Check your skin often, especially if chemotherapy has
  dulled its feeling, and ask your team before using heat over a port or an area treated with
  radiotherapy.
- **Ask which painkiller to take.** Anti-inflammatory painkillers such as ibuprofen can help back
  pain [@nice-ng59], but they are not always safe during chemotherapy, for example when the
  platelet count is low or the kidneys are under strain. If the aches follow a growth-factor
  injection, your team may suggest a short course of naproxen, which reduced this pain in a
  trial [@kirshner2012].
- **Do not expect much from muscle relaxant tablets.** Trials show at most a small, short-lived
  easing of back pain, with more side effects [@cashin2021], so they are rarely the first choice.
- **Have your salts checked.** If the spasms come with cramps elsewhere, tingling around the mouth
  or a fluttering heartbeat, ask for a blood test for magnesium, potassium and
  calcium [@oronsky2017].

## When to call the oncology team

Call your 24-hour oncology helpline **the same day** if:

- the pain is new and severe, is not eased by rest or your usual measures, or keeps getting worse;
- the pain is in the middle or upper back, wakes you at night, or spreads like a band around your
  chest or tummy [@nice-ng234];
- the spasms come with cramps elsewhere, twitching or a racing or irregular heartbeat, or after a
  lot of vomiting or diarrhoea.

Call **at once**, or go to the emergency department, if back pain comes with any of the following,
which can mean pressure on the spinal cord or nerves, or an infection [@nice-ng234; @will2018]:

- weakness, numbness or heaviness in your legs, or difficulty walking;
- numbness between your legs or around your bottom;
- new trouble passing urine, or loss of control of your bladder or bowels;
- a temperature of 38 °C or higher, or feeling shivery and unwell.
"""

ARTICLES = (
    DemoArticle(
        slug=SHOWCASE_SLUG,
        title=SHOWCASE_TITLE,
        author="alice",
        topic="oncology",
        audience="patient",
        target="approved",
        summary=(
            "Sharp back spasms during chemotherapy for ovarian cancer most often come from stiff or "
            "strained back muscles, low blood salts after platinum drugs, or bone aches after "
            "white-cell injections. Gentle activity, warmth and pain relief agreed with the team "
            "usually help; weakness, numbness, or bladder or bowel changes need urgent care."
        ),
        body=SHOWCASE_BODY,
        reviewers=("dr_baker", "dr_chen"),
        approvals=("dr_baker", "dr_chen"),
    ),
    DemoArticle(
        slug="gentle-exercises-for-a-stiff-lower-back",
        title="Gentle exercises to ease a stiff lower back",
        author="bob",
        topic="physical-medicine",
        audience="patient",
        target="draft",
        summary="Simple movements that keep a stiff lower back moving while it recovers.",
        body="""\
Most lower back pain gets better within a few weeks, and keeping active helps it get
better [@nice-ng59]. Exercise of almost any kind helps more than rest; what matters most is
doing something you can keep up [@will2018].

## Movements to try

- **Knee rolls.** Lie on your back with your knees bent and roll both knees slowly to one side,
  then the other, ten times.
- **Pelvic tilts.** In the same position, flatten the small of your back against the floor, hold
  for five seconds and relax, ten times.
- **Cat and camel.** On your hands and knees, slowly arch your back up, then let it dip, ten times.

_Still to write: how often to do them, and what to do if a movement makes the pain worse._
""",
        attached=("french2006",),
    ),
    DemoArticle(
        slug="keeping-nausea-under-control-during-chemotherapy",
        title="Keeping nausea under control during chemotherapy",
        author="alice",
        topic="oncology",
        audience="patient",
        target="submitted",
        summary=(
            "Why anti-sickness medicines are given before chemotherapy, and what to do if they "
            "are not enough."
        ),
        body="""\
Feeling sick is one of the side effects people fear most, but modern anti-sickness medicines
prevent it for most people. The medicines you are given depend on how likely your chemotherapy
is to cause sickness, and they work best when started before the first dose [@hesketh2020].

## What helps

- Take the anti-sickness medicines exactly as prescribed, even on days you feel well.
- Eat small meals often, and sip fluids through the day.
- Tell your team if you are still sick: the plan can be changed for the next cycle [@hesketh2020].

## When to call

Call your oncology helpline if you cannot keep fluids down for a day, or if you are sick and
also have a temperature.
""",
        reviewers=("dr_baker",),
    ),
    DemoArticle(
        slug="muscle-relaxants-for-acute-low-back-pain",
        title="Skeletal muscle relaxants for acute non-specific low back pain: what the evidence supports",
        author="bob",
        topic="pharmacology",
        audience="professional",
        target="under_review",
        summary=(
            "Non-benzodiazepine antispasmodics give at most a small short-term reduction in pain "
            "intensity in acute low back pain, without a clear effect on disability, and increase "
            "adverse events."
        ),
        body="""\
Muscle relaxants are widely prescribed for acute low back pain. An early Cochrane review found
them more effective than placebo for short-term pain relief, at the cost of more adverse events,
mostly central nervous system effects such as drowsiness and dizziness [@vantulder2003].

A more recent systematic review and meta-analysis found only very low certainty evidence that
non-benzodiazepine antispasmodics reduce pain intensity at two weeks or less, by a margin below
what most patients would notice, with no reduction in disability and a higher risk of adverse
events [@cashin2021]. For chronic low back pain there is little or no evidence of
benefit [@will2018].

## Practical points

- Reassurance, advice to stay active and exercise remain the basis of care [@nice-ng59].
- If a muscle relaxant is used, prescribe it for a few days only and warn about sedation,
  driving and interaction with alcohol and opioids.
""",
        reviewers=("dr_chen", "dr_diaz"),
        approvals=("dr_diaz",),
    ),
    DemoArticle(
        slug="numbness-and-tingling-after-chemotherapy",
        title="Numbness and tingling in the hands and feet after chemotherapy",
        author="alice",
        topic="oncology",
        audience="patient",
        target="changes_requested",
        summary="Why some chemotherapy drugs affect the nerves of the hands and feet, and what can be done.",
        body="""\
Some chemotherapy drugs, including paclitaxel and the platinum drugs, can damage the long nerves
that run to the hands and feet. This is called peripheral neuropathy. It often starts as tingling
or numbness in the fingers and toes [@loprinzi2020].

## What can be done

- Tell your team as soon as you notice it. They may lower, delay or change a dose of
  chemotherapy to stop it getting worse [@loprinzi2020].
- Several medicines, such as gabapentin, pregabalin or duloxetine, may help nerve pain.
- Protect numb feet: check them daily and wear well-fitting shoes.
""",
        reviewers=("dr_baker", "dr_chen"),
        approvals=("dr_baker",),
        changes_requested=(
            "dr_chen",
            "Please correct the medicines section: duloxetine is the only medicine with trial evidence "
            "for painful neuropathy after chemotherapy, and its benefit is modest. Gabapentin and "
            "pregabalin should not be presented as equal options.",
        ),
        passage_comment=(
            "dr_baker",
            "Several medicines, such as gabapentin, pregabalin or duloxetine, may help nerve pain.",
            "Say that only duloxetine has trial evidence here, and that its effect is modest.",
        ),
        letter=(
            "Thank you for a clear article. Before we can approve it, please rewrite the medicines "
            "section as Dr. Chen and Dr. Baker ask, and answer each of their comments when you resubmit."
        ),
    ),
    DemoArticle(
        slug="heat-or-cold-for-a-painful-back",
        title="Heat or cold for a painful back?",
        author="bob",
        topic="physical-medicine",
        audience="patient",
        target="review_due",
        summary=(
            "Warmth gives a small, short-term easing of recent back pain; there is too little evidence "
            "to say whether cold helps."
        ),
        body="""\
Heat is one of the simplest things to try for a recent bout of back pain. In trials, heat wraps
gave a small easing of pain and stiffness over the first few days, and adding exercise helped
further. There is too little evidence to say whether cold packs help, or whether heat or cold is
better [@french2006].

## How to use heat safely

- Use a heat wrap or a warm pad, not a hot one, for up to 20 minutes at a time.
- Keep moving between sessions: heat is there to make activity easier [@nice-ng59].
- Do not fall asleep on a heat pad, and check your skin for redness.
""",
        reviewers=("dr_diaz", "dr_baker"),
        approvals=("dr_diaz", "dr_baker"),
        flag_reason=(
            "Brought forward by the editors: readers asked whether heat is safe on skin that feels "
            "numb after chemotherapy. The board should add a caution and check the advice against "
            "the current NICE NG59."
        ),
    ),
    DemoArticle(
        slug="naproxen-for-pegfilgrastim-bone-pain",
        title="Naproxen to prevent bone pain after pegfilgrastim",
        author="bob",
        topic="pharmacology",
        audience="professional",
        target="retracted",
        summary=(
            "Naproxen reduced the incidence, severity and duration of pegfilgrastim-induced bone pain "
            "in a phase III trial."
        ),
        body="""\
Bone pain is one of the most common adverse effects of pegfilgrastim. In a phase III
placebo-controlled trial of 510 patients, naproxen 500 mg twice daily, started on the day of the
injection and continued for five to eight days, reduced the incidence, severity and duration of
the pain [@kirshner2012].

## Recommendation

Offer naproxen 500 mg twice daily for five days to every patient who receives pegfilgrastim.
""",
        reviewers=("dr_chen", "dr_diaz"),
        approvals=("dr_chen", "dr_diaz"),
        retraction_notice=(
            "Retracted by the editors on the advice of the advisory board. The article recommended "
            "naproxen for every patient receiving pegfilgrastim without the cautions needed for "
            "patients with a low platelet count, impaired kidney function or a history of "
            "gastrointestinal bleeding. A corrected article is in preparation."
        ),
    ),
    DemoArticle(
        slug="hydroxychloroquine-for-covid-19",
        title="Hydroxychloroquine for COVID-19: what the evidence says",
        author="alice",
        topic="pharmacology",
        audience="professional",
        target="review_due",
        summary=(
            "Hydroxychloroquine does not reduce deaths in people admitted to hospital with COVID-19 and "
            "should not be used to treat it."
        ),
        body="""\
Hydroxychloroquine was widely tried early in the COVID-19 pandemic. A large randomised trial in
patients admitted to hospital found no reduction in 28-day mortality and a longer stay in
hospital [@recovery2020]. A registry analysis had also reported harm [@mehra2020].

## Recommendation

Do not use hydroxychloroquine to treat COVID-19 outside a clinical trial [@recovery2020].
""",
        reviewers=("dr_chen", "dr_baker"),
        approvals=("dr_chen", "dr_baker"),
        source_retraction=(
            "mehra2020",
            "2020-06-05",
            "10.1016/S0140-6736(20)31324-6",
            "The authors could not verify the data provided by the registry company.",
        ),
    ),
)
