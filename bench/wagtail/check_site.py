"""Check that a Wagtail reference site answers both scenarios with the content they are meant to
measure (run.sh, before loading it): `check_site.py plain|ref detail.json list.json`."""

import json
import sys
from pathlib import Path

site, detail_file, list_file = sys.argv[1:4]
d = json.loads(Path(detail_file).read_text())
listed = json.loads(Path(list_file).read_text())
assert len(d["body"]) > 6000 and '<sup><a href="#ref-' in d["body"], "body"
assert len(listed["items"]) == 20 and listed["meta"]["total_count"] == 1000, (
    len(listed["items"]),
    listed["meta"],
)
if site == "plain":
    assert d["meta"]["type"] == "home.ArticlePage", d["meta"]
    assert len(d["references"]) == 5, "references"
    assert {"authors", "title", "source", "year", "doi", "url"} <= d["references"][0]["value"].keys()
    assert {"summary", "audience", "last_reviewed"} <= listed["items"][0].keys()
    children = f"{len(d['references'])} references (StreamField)"
else:
    assert d["meta"]["type"] == "wagtail_articles.ArticlePage", d["meta"]
    assert len(d["reviewers"]) == 2 and len(d["references"]) == 5, "children"
    assert {"name", "credentials", "signed_at"} <= d["reviewers"][0].keys()
    assert {"number", "formatted", "doi", "pmid", "url", "retracted"} <= d["references"][0].keys()
    assert {"summary", "audience", "topic", "status_label", "last_reviewed", "next_review_due"} <= listed[
        "items"
    ][0].keys()
    children = f"{len(d['reviewers'])} reviewers, {len(d['references'])} references"
print(
    f"verified ({site}): detail has body ({len(d['body'])} chars), {children}; "
    f"list has {len(listed['items'])} of {listed['meta']['total_count']} items"
)
