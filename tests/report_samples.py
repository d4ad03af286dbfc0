"""A hand-built RunResult for the report emitters' tests (no models involved).

Two version sets:
- `docs/refund-policy` (en, de, fr): a number divergence with spans in all three
  languages, and an omission where the German side is a 1:0 gap.
- `ui/strings` (en, de): hostile texts (`<script>`, `<img onerror>`, `</script>`)
  in the originals, pivots, message, evidence and paths.
"""

from __future__ import annotations

from checker.records import (
    AlignedRow,
    AlignedSegment,
    Document,
    Finding,
    FindingVersion,
    RunResult,
    Span,
    Unrelated,
    VersionSetReport,
)

EN = (
    "Refund policy\n"
    "You can return any item within 30 days of delivery. "
    "Refunds are issued to the original payment method. "
    "Opened software cannot be returned. "
    "Contact support@example.com if you need help."
)
DE = (
    "Rückgaberichtlinie\n"
    "Sie können jeden Artikel innerhalb von 14 Tagen nach der Lieferung zurückgeben. "
    "Erstattungen erfolgen über die ursprüngliche Zahlungsmethode. "
    "Wenden Sie sich an support@example.com, wenn Sie Hilfe benötigen."
)
FR = (
    "Politique de remboursement\n"
    "Vous pouvez retourner tout article dans les 30 jours suivant la livraison. "
    "Les remboursements sont effectués sur le moyen de paiement d'origine. "
    "Les logiciels ouverts ne peuvent pas être retournés. "
    "Contactez support@example.com si vous avez besoin d'aide."
)

HOSTILE_EN = 'Press <script>alert(1)</script> to continue. Then close the </script> window.'
HOSTILE_DE = 'Drücken Sie <img src=x onerror="window.__pwned=1"> um fortzufahren. Dann schließen Sie das Fenster.'

NUMBER_ID = "f-number-30d"
OMISSION_ID = "f-omission-software"
HOSTILE_ID = "f-hostile-entity"

PATHS = {"en": "docs/en/refund-policy.md", "de": "docs/de/refund-policy.md", "fr": "docs/fr/refund-policy.md"}


def _doc(lang: str, text: str, path: str) -> Document:
    return Document(path=path, lang=lang, text=text, sha256=f"sha-{lang}", lang_source="filename")


def _seg(text: str, sentence: str, pivot: str) -> AlignedSegment:
    start = text.index(sentence)
    return AlignedSegment(start, start + len(sentence), sentence, pivot, text.count("\n", 0, start) + 1)


def _span(text: str, words: str, pivot_text: str | None) -> Span:
    start = text.index(words)
    return Span(start, start + len(words), words, pivot_text)


def _version(lang: str, text: str, sentence: str, pivot: str, role: str, spans: tuple[Span, ...], path: str) -> FindingVersion:
    start = text.index(sentence)
    return FindingVersion(lang, path, text.count("\n", 0, start) + 1, start, start + len(sentence), sentence, pivot, role, spans)


def refund_set() -> tuple[VersionSetReport, list[Finding]]:
    en_s = [
        "Refund policy",
        "You can return any item within 30 days of delivery.",
        "Refunds are issued to the original payment method.",
        "Opened software cannot be returned.",
        "Contact support@example.com if you need help.",
    ]
    de_s = [
        ("Rückgaberichtlinie", "Return policy"),
        ("Sie können jeden Artikel innerhalb von 14 Tagen nach der Lieferung zurückgeben.",
         "You can return any item within 14 days of delivery."),
        ("Erstattungen erfolgen über die ursprüngliche Zahlungsmethode.", "Refunds are made via the original payment method."),
        None,
        ("Wenden Sie sich an support@example.com, wenn Sie Hilfe benötigen.", "Contact support@example.com if you need help."),
    ]
    fr_s = [
        ("Politique de remboursement", "Refund policy"),
        ("Vous pouvez retourner tout article dans les 30 jours suivant la livraison.",
         "You can return any item within 30 days of delivery."),
        ("Les remboursements sont effectués sur le moyen de paiement d'origine.",
         "Refunds are made to the original means of payment."),
        ("Les logiciels ouverts ne peuvent pas être retournés.", "Opened software cannot be returned."),
        ("Contactez support@example.com si vous avez besoin d'aide.", "Contact support@example.com if you need help."),
    ]
    chrf = [48.0, 81.5, 62.3, None, 100.0]
    rows = []
    for i in range(5):
        members = {
            "en": (_seg(EN, en_s[i], en_s[i]),),
            "de": () if de_s[i] is None else (_seg(DE, *de_s[i]),),
            "fr": (_seg(FR, *fr_s[i]),),
        }
        rows.append(AlignedRow(members=members, chrf=chrf[i]))
    number = Finding(
        id=NUMBER_ID,
        version_set="docs/refund-policy",
        kind="number",
        severity="major",
        score=0.97,
        message="The return period differs: 14 days in German, 30 days in English and French.",
        versions=(
            _version("de", DE, de_s[1][0], de_s[1][1], "divergent", (_span(DE, "14 Tagen", "14 days"),), PATHS["de"]),
            _version("en", EN, en_s[1], en_s[1], "reference", (_span(EN, "30 days", "30 days"),), PATHS["en"]),
            _version("fr", FR, fr_s[1][0], fr_s[1][1], "reference", (_span(FR, "30 jours", "30 days"),), PATHS["fr"]),
        ),
        evidence={"nli": {"entail": 0.04, "neutral": 0.09, "contradict": 0.87}, "rule": "number-mismatch",
                  "chrf": 81.5, "signals": {"numbers": {"de": ["14"], "en": ["30"], "fr": ["30"]}}},
    )
    gap_at = DE.index("Wenden Sie")
    omission = Finding(
        id=OMISSION_ID,
        version_set="docs/refund-policy",
        kind="omission",
        severity="minor",
        score=0.81,
        message="The German version leaves out that opened software cannot be returned.",
        versions=(
            FindingVersion("de", PATHS["de"], 2, gap_at, gap_at, "", "", "divergent", ()),
            _version("en", EN, en_s[3], en_s[3], "reference", (_span(EN, "Opened software", "Opened software"),), PATHS["en"]),
            _version("fr", FR, fr_s[3][0], fr_s[3][1], "reference",
                     (_span(FR, "logiciels ouverts", "Opened software"),), PATHS["fr"]),
        ),
        evidence={"rules": ["unaligned-sentence"], "alignment": {"bead": "0:1", "similarity": 0.12}},
    )
    vs = VersionSetReport(
        id="docs/refund-policy",
        versions=(_doc("en", EN, PATHS["en"]), _doc("de", DE, PATHS["de"]), _doc("fr", FR, PATHS["fr"])),
        rows=tuple(rows),
    )
    return vs, [number, omission]


def hostile_set() -> tuple[VersionSetReport, list[Finding]]:
    paths = {"en": 'ui/en/<b>strings</b>.txt', "de": 'ui/de/"><svg onload=alert(2)>.txt'}
    en_1 = "Press <script>alert(1)</script> to continue."
    de_1 = 'Drücken Sie <img src=x onerror="window.__pwned=1"> um fortzufahren.'
    de_pivot = 'Press <img src=x onerror="window.__pwned=1"> to continue.'
    en_2, de_2 = "Then close the </script> window.", "Dann schließen Sie das Fenster."
    rows = (
        AlignedRow({"en": (_seg(HOSTILE_EN, en_1, en_1),), "de": (_seg(HOSTILE_DE, de_1, de_pivot),)}, chrf=55.0),
        AlignedRow({"en": (_seg(HOSTILE_EN, en_2, en_2),),
                    "de": (_seg(HOSTILE_DE, de_2, "Then close the window."),)}, chrf=70.2),
    )
    img = '<img src=x onerror="window.__pwned=1">'
    finding = Finding(
        id=HOSTILE_ID,
        version_set='ui/<script>alert("set")</script>',
        kind="entity",
        severity="info",
        score=0.42,
        message='Markup differs: <script>alert(3)</script> vs <img src=x onerror="window.__pwned=1">',
        versions=(
            _version("de", HOSTILE_DE, de_1, de_pivot, "divergent", (_span(HOSTILE_DE, img, img),), paths["de"]),
            _version("en", HOSTILE_EN, en_1, en_1, "reference",
                     (_span(HOSTILE_EN, "<script>alert(1)</script>", "<script>alert(1)</script>"),), paths["en"]),
        ),
        evidence={"rule": "<script>alert(4)</script>", "signals": {"<img src=x onerror=alert(5)>": True}},
    )
    vs = VersionSetReport(
        id='ui/<script>alert("set")</script>',
        versions=(_doc("en", HOSTILE_EN, paths["en"]), _doc("de", HOSTILE_DE, paths["de"])),
        rows=rows,
    )
    return vs, [finding]


def sample_result() -> RunResult:
    refund, refund_findings = refund_set()
    hostile, hostile_findings = hostile_set()
    return RunResult(
        tool_version="0.1.0",
        signature="pivot:opus-mt-mul-en|nli:xlm-roberta-large-xnli|align:vecalign-e5|chrf:2.6.0",
        version_sets=(refund, hostile),
        unrelated=(
            Unrelated("notes/todo.txt", "en", "no other language version found"),
            Unrelated("docs/it/<i>draft</i>.md", "it", "structure differs from every version set"),
        ),
        findings=tuple(refund_findings + hostile_findings),
    )


# --- a richer sample for the review workspace: more kinds and languages -------------------

FR_TERM_ID = "f-term-fr-moyen"


def review_result() -> RunResult:
    """`sample_result()` plus a minor term finding where French is the version that differs,
    so the kind and language filters have something to tell apart."""
    base = sample_result()
    refund = base.version_sets[0]
    row = refund.rows[2]
    fr_seg, en_seg, de_seg = row.members["fr"][0], row.members["en"][0], row.members["de"][0]
    term = Finding(
        id=FR_TERM_ID,
        version_set=refund.id,
        kind="term",
        severity="minor",
        score=0.55,
        message="The fr version says “moyen de paiement” where the others agree on a different term.",
        versions=(
            _version("fr", FR, fr_seg.text, fr_seg.pivot, "divergent", (_span(FR, "moyen de paiement", "means of payment"),), PATHS["fr"]),
            _version("en", EN, en_seg.text, en_seg.pivot, "reference", (_span(EN, "payment method", "payment method"),), PATHS["en"]),
            _version("de", DE, de_seg.text, de_seg.pivot, "reference", (_span(DE, "Zahlungsmethode", "payment method"),), PATHS["de"]),
        ),
        evidence={"rule": "term-mismatch"},
    )
    return RunResult(
        tool_version=base.tool_version,
        signature=base.signature,
        version_sets=base.version_sets,
        unrelated=base.unrelated,
        findings=base.findings[:2] + (term,) + base.findings[2:],
    )
