"""Text for the Wagtail reference sites' seed commands: the same articles in both sites.

About 6.4 KB of body per article, `<h2>` sections and `<p>` paragraphs with `<sup><a href="#ref-N">`
citations, as in bench/seed.py's articles for our side.
"""

WORDS = [
    "patients",
    "clinicians",
    "treatment",
    "dose",
    "evidence",
    "trial",
    "outcome",
    "risk",
    "benefit",
    "symptoms",
    "diagnosis",
    "therapy",
    "guideline",
    "review",
    "cohort",
    "randomised",
    "placebo",
    "adverse",
    "events",
    "monitoring",
    "follow-up",
    "infection",
    "blood",
    "pressure",
    "kidney",
    "function",
    "heart",
    "failure",
    "diabetes",
    "insulin",
    "screening",
    "vaccine",
    "immunity",
    "chronic",
    "acute",
    "management",
    "referral",
    "primary",
    "care",
    "hospital",
    "admission",
    "recovery",
    "rehabilitation",
    "quality",
    "of",
    "life",
    "medication",
    "interaction",
    "contraindication",
    "pregnancy",
    "children",
    "older",
    "adults",
]
TOPICS = [
    "Cardiology",
    "Diabetes",
    "Respiratory",
    "Mental health",
    "Oncology",
    "Infectious disease",
    "Paediatrics",
    "Renal",
    "Dermatology",
    "Neurology",
]
HEADINGS = [
    "Overview",
    "Symptoms",
    "Diagnosis",
    "Treatment",
    "Risks and side effects",
    "Follow-up",
    "When to seek help",
    "Evidence summary",
]
NAMES = [
    "Dr Alice Moreau",
    "Dr Ben Okafor",
    "Prof Chen Wei",
    "Dr Dana Kowalski",
    "Dr Emil Lindqvist",
    "Prof Fatima Haddad",
    "Dr Gustavo Pereira",
    "Dr Hana Sato",
]
CREDENTIALS = ["MD, FRCP", "MBBS, MRCGP", "PhD, FRCPath", "MD, MPH", "PharmD", "RN, MSc"]
JOURNALS = ["Lancet", "BMJ", "N Engl J Med", "JAMA", "Ann Intern Med", "Cochrane Database Syst Rev"]

BODY_TARGET = 6180  # loop stops after passing it; the mean body ends up about 6.4 KB


def sentence(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 18))]
    return " ".join(words).capitalize() + "."


def paragraph(rng, n_refs):
    parts = []
    for _ in range(rng.randint(3, 5)):
        s = sentence(rng)
        if rng.random() < 0.5:
            n = rng.randint(1, n_refs)
            s = s[:-1] + f'<sup><a href="#ref-{n}">{n}</a></sup>.'
        parts.append(s)
    return "<p>" + " ".join(parts) + "</p>"


def make_body(rng, n_refs=5):
    chunks, size, heading = [], 0, 0
    target = BODY_TARGET + rng.randint(-150, 150)
    while size < target:
        if heading < len(HEADINGS) and len(chunks) % 3 == 0:
            chunks.append(f"<h2>{HEADINGS[heading]}</h2>")
            heading += 1
        else:
            chunks.append(paragraph(rng, n_refs))
        size += len(chunks[-1].encode())
    return "".join(chunks)
