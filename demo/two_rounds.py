"""The demo's two-round review: comments on passages, the review form, a decision letter, the
author's replies and a second round that approves.
"""

from __future__ import annotations

from demo.content import DemoArticle

TWO_ROUNDS = DemoArticle(
    slug="mouth-sores-during-chemotherapy",
    title="Mouth sores during chemotherapy",
    author="alice",
    topic="oncology",
    audience="patient",
    target="approved",
    summary="Why chemotherapy can cause painful mouth sores, how to prevent them and when to call your team.",
    body="""\
Some chemotherapy drugs damage the fast-growing lining of the mouth. Painful sores, called oral
mucositis, can appear a week or so after treatment starts.

## What helps

- Keep your mouth clean: brush gently with a soft toothbrush twice a day.
- Rinse with salt water several times a day.
- Suck ice chips during short infusions of some drugs.
""",
    reviewers=("dr_baker", "dr_chen"),
    approvals=("dr_baker",),
    passage_comment=(
        "dr_baker",
        "Suck ice chips during short infusions of some drugs.",
        "Name the drug: ice chips help with bolus fluorouracil, not with every infusion.",
    ),
    changes_requested=(
        "dr_chen",
        "Add when to call the team: sores that stop eating or drinking, or a fever, need a call that day.",
    ),
    letter=(
        "Two points from the board before approval: name the drug for ice chips, and tell readers "
        "when to call their team. Please answer each comment when you resubmit."
    ),
    revised_body="""\
Some chemotherapy drugs damage the fast-growing lining of the mouth. Painful sores, called oral
mucositis, can appear a week or so after treatment starts.

## What helps

- Keep your mouth clean: brush gently with a soft toothbrush twice a day.
- Rinse with salt water several times a day.
- If you are given fluorouracil as a short injection, sucking ice chips during it can prevent sores.

## When to call your team

Call the same day if sores stop you eating or drinking, or if you have a temperature of 38 °C or more.
""",
    reply="Done in the revision: see the new wording and the section on when to call.",
    second_round_approvals=("dr_baker", "dr_chen"),
)
