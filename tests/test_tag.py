"""Tagging: quality against hand labels, the rules, the user vocabulary, and its errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from coi.cli import cli
from coi.index import update_index
from coi.model import DocType, Document, Passage
from coi.search import Filters, search
from coi.tag import VocabularyError, corpus_vocabulary, load_vocabulary, resolve, tag_document, tag_text
from tests.conftest import CORPUS
from tests.tag_eval import ROOT, evaluate, micro


def test_precision_and_recall_on_the_hand_labelled_seeds() -> None:
    topics, countries, _ = evaluate()
    overall = micro(topics | {f"country:{k}": v for k, v in countries.items()})
    assert overall.precision >= 0.93, overall
    assert overall.recall >= 0.95, overall
    assert micro(topics).precision >= 0.90 and micro(topics).recall >= 0.95


def test_tags_record_the_words_that_set_them() -> None:
    tags = tag_text("LHBTIQ+ personen en homoseksuelen in Azerbeidzjan worden niet beschermd.", load_vocabulary())
    assert tags.topics == ("lhbtiq",)
    assert tags.triggers["lhbtiq"] == ("LHBTIQ", "homoseksuelen")
    assert tags.countries == ("azerbeidzjan",)


def test_countries_tolerate_accents_ocr_and_inflections() -> None:
    vocab = load_vocabulary()
    for text in ("het conflict met Armenié", "in Armenië", "Armeense vluchtelingen", "Armenia"):
        assert tag_text(text, vocab).countries == ("armenie",), text
    assert tag_text("de Azerbeidzjaanse autoriteiten", vocab).countries == ("azerbeidzjan",)


def test_a_region_makes_the_passage_about_its_country() -> None:
    tags = tag_text("De crisis rondom Nagorno-Karabach is voorbij.", load_vocabulary())
    assert set(tags.countries) == {"nagorno-karabach", "azerbeidzjan"}


def test_a_passing_list_of_countries_does_not_count() -> None:
    tags = tag_text("Azerbeidzjan staat op de zesde plaats, na Rusland, Oekraïne, Turkije, Roemenië en Italië.",
                    load_vocabulary())
    assert tags.countries == ("azerbeidzjan",)


def test_weak_words_need_company() -> None:
    vocab = load_vocabulary()
    assert "gewapend-conflict" not in tag_text("Het conflict duurt voort.", vocab).topics
    assert "gewapend-conflict" in tag_text("Het conflict leidde tot een escalatie van geweld.", vocab).topics


def test_document_main_country(seed_docs) -> None:
    vocab = load_vocabulary()
    assert tag_document(seed_docs["000"], vocab).countries == ("azerbeidzjan",)
    assert set(tag_document(seed_docs["003"], vocab).countries) == {"azerbeidzjan", "armenie"}


def test_search_filters_take_keys_or_labels(tmp_path) -> None:
    vocab = load_vocabulary()
    assert resolve("LHBTIQ+", vocab, ("topics",)) == "lhbtiq"
    assert resolve("Armenië", vocab, ("countries", "regions")) == "armenie"
    index = tmp_path / "index"
    update_index(index, [CORPUS], tagger=lambda d: tag_document(d, vocab), tagging=vocab.digest)
    hits = search(index, "bescherming autoriteiten", Filters(topics=("lhbtiq",), countries=("azerbeidzjan",)))
    assert hits.hits[0].id == "beslisnota-5842148#4.3.5"
    result = CliRunner().invoke(cli, ["--index", str(index), "search", "bescherming", "--topic", "LHBTIQ+",
                                      "--not-country", "Armenië", "--json"])
    assert result.exit_code == 0, result.output
    assert '"beslisnota-5842148#4.3.5"' in result.output and '"beslisnota-5842148#4.1"' not in result.output


USER_VOCABULARY = """
[topics.mediavrijheid]
label = "Mediavrijheid"
terms = ["Freedom House", "CEPEJ"]

[topics.lhbtiq]
terms = ["regenboog*"]
"""


def test_user_vocabulary_retags_on_next_index_without_parsing(tmp_path, monkeypatch) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    runner = CliRunner()
    assert runner.invoke(cli, ["--index", str(index), "index", str(corpus)]).exit_code == 0
    (corpus / "vocabulary.toml").write_text(USER_VOCABULARY, encoding="utf-8")
    f = corpus / "kamerbrief-nagorno-karabach-2023.txt"
    f.write_text(f.read_text(encoding="utf-8").replace("UNESCO-missie", "UNESCO-missie en regenboogparade"),
                 encoding="utf-8")

    import coi.parse

    parsed: list[str] = []
    real = coi.parse.parse_file
    monkeypatch.setattr(coi.parse, "parse_file",
                        lambda p, *cache: parsed.append(Path(p).name) or real(p, *cache))
    result = runner.invoke(cli, ["--index", str(index), "index", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    assert parsed == ["kamerbrief-nagorno-karabach-2023.txt"]  # only the changed file was parsed
    assert '"retagged": 1' in result.output  # 2054 answer 9 cites Freedom House and CEPEJ; nothing else changed
    assert [h.id for h in search(index, "*", Filters(topics=("mediavrijheid",))).hits] == [
        "ah-tk-20212022-2054#antwoord-9"]
    assert "kst-21501-02-2737#alinea-11" in [h.id for h in search(index, "*", Filters(topics=("lhbtiq",)),
                                                                 limit=50).hits]
    again = runner.invoke(cli, ["--index", str(index), "index", str(corpus), "--json"])
    assert '"retagged": 0' in again.output and '"unchanged": 5' in again.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[topics.x]\nlabel = "X"\nterms = "een"\n',
         "line 3: key 'topics.x.terms' must be a list of non-empty strings"),
        ("[topics.x\n", "malformed TOML"),
        ('[onderwerpen.x]\nterms = ["a"]\n', "line 1: key 'onderwerpen' is not a section"),
        ('[topics.nieuw]\nterms = ["a"]\n', "key topics.'nieuw' is new and needs a label and terms"),
        ('[topics.x]\nlabel = "X"\nterms = ["a"]\nsynonyms = ["b"]\n', "key 'topics.x' has unknown field 'synonyms'"),
    ],
)
def test_malformed_vocabulary_names_file_line_and_key(tmp_path, text, message) -> None:
    (tmp_path / "vocabulary.toml").write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError) as err:
        corpus_vocabulary([tmp_path])
    assert str(err.value).startswith(str(tmp_path / "vocabulary.toml"))
    assert message in str(err.value)
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "ix"), "index", str(tmp_path)])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- issue 19: evidence, not single words
# Real passages (benchmarks/data/tags_dev.jsonl), each tagged inside a minimal document with its title and heading
# as `coi index` gives them, since the title, the question of an answer and the other passages are context.

def _tag(title: str, *passages: tuple[str, str]) -> list[Passage]:
    doc = Document(doc_id="x", doc_type=DocType.DOCUMENT, title=title or None, date=None,
                   passages=tuple(Passage(id=f"x#{i}", anchor=str(i), locator="", heading=h or None, text=t, order=i)
                                  for i, (h, t) in enumerate(passages)))
    return list(tag_document(doc, load_vocabulary()).passages)


BELASTINGDIENST = ("Jaarplan 2024", [
    ("Strategie", "Naast belastingfraude bestrijdt de FIOD onder meer ook premiefraude en fraude met toeslagen en "
     "uitkeringen. Een beperkt maar groeiend deel van de capaciteit van de FIOD gaat naar opsporing voor het Europees "
     "Openbaar Ministerie (EOM) dat in 2021 van start is gegaan. Het EOM is belast met onderzoek en vervolging van "
     "strafbare feiten die de financiële belangen van de EU schaden, zoals fraude met subsidies en accijns en "
     "grensoverschrijdende btw-fraude."),
    ("Samenwerking met partners", "Met de politie, het Openbaar Ministerie, de Koninklijke Marechaussee en anderen "
     "nemen we deel aan de Nationale Samenwerking tegen Ondermijnende Criminaliteit (NSOC). We bestrijden het misbruik "
     "van Nederland als rechtsstaat en handelsland om crimineel geld wit te wassen."),
])


def test_domestic_prosecution_and_openbaar_ministerie_are_no_coi_topic() -> None:
    title, passages = BELASTINGDIENST
    for p in _tag(title, *passages):
        assert p.topics == (), (p.id, p.triggers)


def test_a_ministry_name_and_criminal_prosecution_are_no_asylum_policy() -> None:
    tags = tag_text("Het Ministerie van Justitie en Veiligheid, directie Asiel en Migratie, besluit over de "
                    "strafrechtelijke vervolging van de verdachte.", load_vocabulary())
    assert "asielbeleid" not in tags.topics, tags.triggers


def test_holding_on_to_a_position_is_no_detention() -> None:
    tags = tag_text("Het kabinet heeft steeds vastgehouden aan het standpunt dat de EU eensgezind moet optreden.",
                    load_vocabulary())
    assert "detentie" not in tags.topics, tags.triggers
    assert "detentie" in tag_text("Hij werd drie maanden vastgehouden.", load_vocabulary()).topics


def test_a_domestic_conversation_and_negotiation_is_no_diplomacy() -> None:
    p, = _tag("Emissies door de luchtvaart", ("Ontzwavelen van kerosine",
              "Zoals toegezegd aan het lid Kröger in het Commissiedebat Verduurzaming luchtvaart op 16 juni 2022 is "
              "het ministerie van IenW in gesprek gegaan met de Duurzame Luchtvaarttafel over ontzwaveling van "
              "fossiele kerosine. Sinds het Commissiedebat van 16 juni 2022 over verduurzaming luchtvaart zijn de "
              "onderhandelingen van het fit-for-55 pakket, waaronder de voorgestelde ReFuelEUverordening, voortgezet."))
    assert p.topics == (), p.triggers


SYRIE = ("Het thematisch ambtsbericht benoemt mensenrechtenschendingen door alle partijen in het gewapende conflict. "
         "Ook de Syrische autoriteiten en de aan de Syrische regering gelieerde milities hebben zich schuldig gemaakt "
         "aan allerlei schendingen van het humanitair oorlogsrecht, zoals het gebruik van chemische wapens, het "
         "uithongeren van de burgerbevolking en de inzet van kindsoldaten.")


def test_the_humanitarian_law_of_war_is_no_humanitarian_aid_and_child_soldiers_are_minors() -> None:
    p, = _tag("Brief van de staatssecretaris van justitie en veiligheid", ("", SYRIE))
    assert "humanitaire-hulp" not in p.topics, p.triggers
    assert {"gewapend-conflict", "minderjarigen-opvang"} <= set(p.topics)


def test_dutch_demonstration_rights_in_a_domestic_document_need_more_evidence() -> None:
    p, = _tag("Vragen van het lid Van Haga aan de Ministers van Binnenlandse Zaken en Koninkrijksrelaties en van "
              "Justitie en Veiligheid over het afgelasten van diverse Sinterklaasintochten",
              ("Zijn er andere manieren om maatschappij ontwrichtende organisaties, zoals KOZP en Extinction "
               "Rebellion, aan te pakken?",
               "Ik ben van mening dat KOZP en Extinction Rebellion net als een ieder gebruik mogen maken van hun "
               "recht op vrijheid van meningsuiting en demonstreren."))
    assert p.topics == (), p.triggers


def test_diplomacy_worded_as_peace_talks_and_eu_action() -> None:
    q, a = _tag("Vragen van de leden Ceder en Dobbe aan de Ministers van Buitenlandse Zaken over ontwikkelingen in "
                "Jemen",
                ("", "Hoe kunnen de EU en Nederland eraan bijdragen dat de vredesonderhandelingen in Jemen een nieuwe "
                     "impuls krijgen? Wordt hier op ingezet?"),
                ("Bent u bekend met de grote zorgen die de speciale gezant van de Verenigde Naties (VN) voor Jemen "
                 "heeft over de vredesonderhandelingen in het land?", "Ja."))
    assert {"sancties-diplomatie", "gewapend-conflict"} <= set(q.topics), q.triggers
    assert {"sancties-diplomatie", "gewapend-conflict"} <= set(a.topics), a.triggers
    assert a.countries == ("jemen",)  # "Ja." is about the document's country


def test_inflections_and_compounds_of_terms_are_found() -> None:
    vocab = load_vocabulary()
    assert "marteling-mishandeling" in tag_text("Gevangenen worden er gefolterd.", vocab).topics
    # "asielopvang" meets "asiel" (weak as a part of a compound), and with a weak word that is enough
    assert "asielbeleid" in tag_text("In de asielopvang verblijven vreemdelingen.", vocab).topics
    assert "asielbeleid" not in tag_text("In de opvang verblijven vreemdelingen.", vocab).topics
    assert "politieke-oppositie" in tag_text(
        "Kunt u toelichten hoe u de relatie ziet tussen een politiek gemotiveerd asielverzoek en een verdenking "
        "van een misdrijf dat mogelijk politiek van aard is?", vocab).topics
    assert "lhbtiq" in tag_text("Het beleid voor transpersonen en de seksuele geaardheid van asielzoekers.",
                                vocab).topics


def test_words_hyphenated_over_a_line_or_glued_are_found() -> None:
    vocab = load_vocabulary()
    assert "marteling-mishandeling" in tag_text("Hij werd in de cel gemar-\nteld.", vocab).topics
    tags = tag_text("In hoeverre kan er worden gesproken van een etnische zuivering in NagornoKarabach?", vocab)
    assert "nagorno-karabach" in tags.countries and "minderheden" in tags.topics


def test_glued_words_are_split_only_where_the_full_pattern_would_split_them(seed_docs) -> None:
    # _clean looks for a capital between small letters first, and runs the splitting pattern only where there is
    # one: the same text as running it everywhere, also where glued words follow each other ("abcDefgHijk": the
    # second capital's small letters were taken by the first match)
    from coi.tag import _GLUED, _GLUED_AT, _clean

    texts = [p.text for doc in seed_docs.values() for p in doc.passages] + [
        "NagornoKarabach", "inNagornoKarabach", "abcDefgHijk", "abcDefgxHijk", "ÉtatÀlors", "grootÉcole", "ab Cdef",
        "de heer Rustamov", "aanDe", "KarabachArmeniëAzerbeidzjan"]
    glued = [t for t in texts if _GLUED.search(t)]
    assert len(glued) >= 5 and any(_GLUED.sub(r"\1 \2", t) != t for t in glued)
    for text in texts:
        assert _clean(text) == _GLUED.sub(r"\1 \2", text)
        assert bool(_GLUED_AT.search(text)) >= bool(_GLUED.search(text))  # where one matches, so does the other
    assert _clean("abcDefgHijk") == "abc DefgHijk"


def test_countries_given_as_examples_are_not_what_the_passage_is_about() -> None:
    p, q = _tag("Microsoft Word - 20110301_5687928a draagmoederschap.doc",
              ("Onderwerp Draagmoederschap", "Nederlandse ouders die gebruik maken van een buitenlandse draagmoeder, "
               "gaan vooral naar Griekenland, India, de Oekraïne en de Verenigde Staten (Californië)."),
              ("", "De voorgestelde app komt overeen met de notificatieapp zoals die wordt ontwikkeld in Duitsland, "
                   "Italië en Ierland."))
    assert p.countries == () and q.countries == ()
    assert tag_text("De autoriteiten van Azerbaijan en Armenia", load_vocabulary()).countries == (
        "armenie", "azerbeidzjan")


def test_the_tagger_version_is_part_of_the_digest(monkeypatch) -> None:
    import coi.tag

    before = load_vocabulary().digest
    monkeypatch.setattr(coi.tag, "TAGGER_VERSION", coi.tag.TAGGER_VERSION + "-next")
    assert load_vocabulary().digest != before


def test_short_stems_match_only_as_written() -> None:
    # "Deense" and "Den" share the stem "den": a passage that names The Hague is not about Denmark
    tags = tag_text("Deze boodschap is in Den Haag nog eens herhaald tijdens een ontbieding van de Azerbeidzjaanse "
                    "ambassadeur. Ook de Deense en de Deense regering veroordeelden de aanval.", load_vocabulary())
    assert tags.triggers["denemarken"] == ("Deense",)
    assert tag_text("Deze boodschap is in Den Haag nog eens herhaald.", load_vocabulary()).countries == ()


def test_the_development_set_keeps_its_numbers() -> None:
    # the hand-labelled passages of issue 19 (benchmarks/data/tags_dev.jsonl): a floor under what the tagger
    # reaches now (P 0.91, R 0.90, 6 of 218 no-topic passages tagged), so that a change that loses it fails
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("bench_tags", ROOT / "benchmarks" / "tags.py")
    assert spec and spec.loader
    bench = sys.modules.get("bench_tags") or importlib.util.module_from_spec(spec)
    if "bench_tags" not in sys.modules:
        sys.modules["bench_tags"] = bench  # dataclasses look their module up while the class is built
        spec.loader.exec_module(bench)
    topics, _ = bench.score(bench.run(bench.load()))
    assert topics.precision >= 0.89 and topics.recall >= 0.88, (topics.precision, topics.recall)
    assert topics.false_tag_rate <= 0.03, topics.false_tag_rate


def test_a_tax_assessment_is_no_attack() -> None:
    # Jaarplan Belastingdienst 2024 (realdocs/rapport-pdf): "aanslag" is an assessment there, an attack elsewhere;
    # alone it is a weak word, also outside a domestic document
    text = ("Herstel van fouten Als een te laat betaalde aanslag wordt verminderd en er een teruggaaf ontstaat. "
            "Medio 2024 zijn alle foute aanslagen hersteld.")
    assert "gewapend-conflict" not in tag_text(text, load_vocabulary()).topics
    assert "gewapend-conflict" in tag_text("Bij de bomaanslag in Kabul vielen doden.", load_vocabulary()).topics


def test_a_document_about_asylum_reception_is_not_domestic() -> None:
    # its title names the topic only inside a compound ("asielopvang"), and the minister's title is cancelled
    p, = _tag("Vragen van het lid X aan de Minister voor Asiel en Migratie over de asielopvang in Ter Apel",
              ("", "Hoeveel asielzoekers sliepen afgelopen week buiten?"))
    assert p.topics == ("asielbeleid",), p.triggers


def test_a_phrase_is_looked_for_only_in_texts_that_contain_its_long_word_starts(seed_docs) -> None:
    # scanning every passage with every phrase pattern was most of the tagger's time; substring tests skip
    # the texts a phrase cannot match in. Wherever a pattern matches a real passage (or the phrase itself, as
    # written), the text contains what the tests look for.
    from coi.analysis import fold
    from coi.tag import _clean, _lacks

    vocab = load_vocabulary()
    vocab.compile()  # the tables are built when the vocabulary first tags
    texts = [fold(_clean(p.text)) for doc in seed_docs.values() for p in doc.passages]
    phrases = [(phrase, needs) for _, phrase, needs in [*vocab._phrases, *vocab._cancel]]
    assert len(phrases) > 20 and all(needs[0] for _, needs in phrases)
    assert sum(len(needs) > 1 for _, needs in phrases) > 10  # most phrases: more than one word start to test
    matched = skipped = 0
    for phrase, needs in phrases:
        for text in texts:
            if phrase.search(text):
                matched += 1
                assert not _lacks(text, needs)
            elif needs[0] in text and _lacks(text, needs):
                skipped += 1  # the longest word start alone would have let it through
    assert matched > 0 and skipped > 0
    entries = [(e, text) for e in vocab.entries.values() for text in e.cancel]
    for entry, text in entries:
        phrase, needs = next((p, n) for k, p, n in vocab._cancel if k == entry.key and p == _phrase_of(text))
        assert phrase.search(fold(text)) and not _lacks(fold(text), needs)


def _phrase_of(text: str):
    from coi.tag import _phrase

    return _phrase(text)


def test_the_tagger_reads_the_words_the_tokenizer_makes(seed_docs) -> None:
    # the tagger reads words with one regular expression, keeps one record per distinct word with its forms and
    # terms, and finds where words stand only when a phrase needs it (making tokens with offsets and the original
    # word, for every occurrence, was a third of tagging): the same words, stems, positions and offsets as
    # DutchTokenizer's tokens, on every passage of the seeds
    from coi.analysis import DutchTokenizer, fold
    from coi.tag import _clean, _lemma_stem, _Text

    texts = [_clean(f"{p.heading}\n{p.text}" if p.heading else p.text) for d in seed_docs.values() for p in d.passages]
    assert len(texts) > 50
    vocab = load_vocabulary()
    for text in texts:
        tokens = DutchTokenizer()(text, positions=True, chars=True, keeporiginal=True)  # one Token, reused
        expected = [(t.text, _lemma_stem(fold(t.original)) if fold(t.original).isalpha() else t.text, t.original,
                     fold(t.original), t.pos, t.startchar, t.endchar) for t in tokens]
        t = _Text(text, vocab)
        assert len(t.words) == len(t.offsets())
        got = [(w.stem, w.lemma, w.written, w.folded, t.first + k, *at)
               for k, (w, at) in enumerate(zip(t.words, t.offsets(), strict=True))]
        assert got == expected


def test_phrase_patterns_find_what_a_word_boundary_first_finds(seed_docs) -> None:
    # a phrase's pattern begins with its first word's letters and checks the boundary behind them: the same
    # matches as "\bword\w*\W+…\b", on every phrase of the vocabulary in every seed passage
    import re

    from coi.analysis import fold
    from coi.tag import _phrase, _phrase_words

    vocab = load_vocabulary()
    phrases = [text for e in vocab.entries.values() for text in e.cancel]
    texts = [fold(p.text) for doc in seed_docs.values() for p in doc.passages]
    texts += ["minderheden", "de minderheidsregering", "xminder", "nationale  veiligheid", "in vasthouden aan"]
    matched = 0
    for phrase in phrases:
        plain = re.compile(r"\b" + r"\W+".join(re.escape(w) + r"\w*" for w in _phrase_words(phrase)) + r"\b")
        new = _phrase(phrase)
        for text in texts:
            spans = [m.span() for m in plain.finditer(text)]
            matched += len(spans)
            assert [m.span() for m in new.finditer(text)] == spans, (phrase, text)
    assert len(phrases) > 20 and matched > 10
