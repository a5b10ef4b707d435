"""Genre and identity over the real documents: `python benchmarks/genre_table.py ../shared/realdocs`.

EXPECTED was read off each document by hand: its genre, and its official id where it has one ("ERROR" where the
file has no readable text). Prints a Markdown table and the totals; see benchmarks/genres.md for a run.
"""

from __future__ import annotations

import sys
from pathlib import Path

from coi.errors import CoiError
from coi.parse import parse_file

# relative path -> (genre, doc_id or None)
EXPECTED = {
    "aanhangsel-pdf/ah-tk-20142015-698.pdf": ("kamervragen", "ah-tk-20142015-698"),
    "aanhangsel-pdf/ah-tk-20202021-3235.pdf": ("kamervragen", "ah-tk-20202021-3235"),
    "aanhangsel-pdf/ah-tk-20232024-1076.pdf": ("kamervragen", "ah-tk-20232024-1076"),
    "aanhangsel-pdf/ah-tk-20232024-1481.pdf": ("kamervragen", "ah-tk-20232024-1481"),
    "aanhangsel-pdf/ah-tk-20232024-1786.pdf": ("kamervragen", "ah-tk-20232024-1786"),
    "aanhangsel-pdf/ah-tk-20232024-1999.pdf": ("kamervragen", "ah-tk-20232024-1999"),
    "aanhangsel-pdf/ah-tk-20232024-2129.pdf": ("kamervragen", "ah-tk-20232024-2129"),
    "beslisnota-pdf/beslisnota_EZK_2024_nationaal_groeifonds_ronde4_annotated.pdf": ("beslisnota", None),
    "beslisnota-pdf/beslisnota_IenW_2023_actieplan_luchtvaartveiligheid_annotated.pdf": ("beslisnota", None),
    "beslisnota-pdf/blg-1007826.pdf": ("ERROR", None),
    "beslisnota-txt/beslisnota_nl.mnre1010.2e-b.2024.1.doc.1.txt": ("beslisnota", None),
    "beslisnota-txt/beslisnota_nl.mnre1018.2e-b.2024.60.doc.1.txt": ("beslisnota", None),
    "beslisnota-txt/beslisnota_nl.mnre1034.2e-b.2024.117.doc.1.txt": ("beslisnota", None),
    "beslisnota-txt/beslisnota_nl.mnre1034.2e-b.2024.91.doc.1.txt": ("beslisnota", None),
    "beslisnota-txt/beslisnota_nl.mnre1058.2e-b.2024.82.doc.1.txt": ("beslisnota", None),
    "bnc-fiche-pdf/bnc-fiche-5_2021_herziening-MiFIR-MiFID.pdf": ("document", None),
    "brief-pdf/brief_AP_2020-08-06_z2020-11824_advies_notificatie-app.pdf": ("document", None),
    "brief-pdf/brief_Adviescommissie-maatwerk_2023-06-16_Nobian_cid-tekst.pdf": ("ERROR", None),
    "handelingen-pdf/h-tk-20232024-40-6.pdf": ("handelingen", None),
    "html/tweedekamer_nl_page_2015D04817_wet_auteurscontractenrecht.html": ("motie", "kst-33308-13"),
    "kamerbrief-pdf/kamerbrief_EZK_2023-05-30_herijkte_missies_innovatiebeleid.pdf": ("kamerbrief", None),
    "kamerbrief-pdf/kamerbrief_IenW_2022-12-22_emissies_luchtvaart.pdf": ("kamerbrief", None),
    "kamerbrief-pdf/kamerbrief_VenJ_2011-03-01_draagmoederschap.pdf": ("kamerbrief", None),
    "kamerstuk-pdf/kst-32545-143.pdf": ("motie", "kst-32545-143"),
    "kamerstuk-pdf/kst-35538-4.pdf": ("kamerstuk", "kst-35538-4"),
    "op-xml/ah-tk-20202021-3235.xml": ("kamervragen", "ah-tk-20202021-3235"),
    "op-xml/kst-24447-6.xml": ("memorie-van-toelichting", "kst-24447-6"),
    "op-xml/kst-28844-269.xml": ("kamerbrief", "kst-28844-269"),
    "op-xml/kst-32545-143.xml": ("motie", "kst-32545-143"),
    "op-xml/kst-32847-1136.xml": ("motie", "kst-32847-1136"),
    "op-xml/kst-36410-XVI-96.xml": ("motie", "kst-36410-XVI-96"),
    "op-xml/kst-36750-3.xml": ("memorie-van-toelichting", "kst-36750-3"),
    "op-xml/kst-36755-45.xml": ("motie", "kst-36755-45"),
    "op-xml/kst-37020-X-1.xml": ("voorstel-van-wet", "kst-37020-X-1"),
    "op-xml/stb-2018-84.xml": ("document", "stb-2018-84"),
    "op-xml/stcrt-2015-47076.xml": ("document", "stcrt-2015-47076"),
    "rapport-pdf/jaarplan_Belastingdienst_2024_tweekoloms.pdf": ("document", None),
    "web-txt/ah-tk-20232024-387_zuidelijke-kaukasus.md.txt": ("kamervragen", "ah-tk-20232024-387"),
    "web-txt/p02_ah-tk-20222023-189_azerbeidzjan_armenie.txt": ("kamervragen", "ah-tk-20222023-189"),
    "web-txt/p06_kst-19637-1431_brief_minister_immigratie_asiel_syrie_moratorium_2011.txt":
        ("kamerbrief", "kst-19637-1431"),
    "web-txt/p07_kst-19637-2532_brief_stas_jenv_ambtsbericht_syrie_2019.txt": ("kamerbrief", "kst-19637-2532"),
    "web-txt/p12_kst-21501-02-2375_brief_minbuza_azerbeidzjan_armenie_2021.txt": ("kamerbrief", "kst-21501-02-2375"),
    "woo-pdf/testdossiers__bes4__VWS-WOO-171436-Oplegnota_2020-09-29_13_49_19.docx.pdf": ("beslisnota", None),
    "woo-pdf/testdossiers__woo1__171059.pdf": ("beslisnota", None),
    "woo-pdf/wob_Amsterdam_2017-11-18_mail_wethouder_woningdelen_scan.pdf": ("ERROR", None),
    "woo-pdf/wob_Amsterdam_2018_collegevoordracht_principenota_sixhaven.pdf": ("beslisnota", None),
    "woo-pdf/wob_NVWA_2021-04-02_20-0774_besluit_inventaris_documenten.pdf": ("document", None),
    "woo-pdf/wob_RVO_2020_fokkerij_emails_doc1-15.pdf": ("document", None),
    "woo-pdf/wob_VWS_2019-04-19_ggz_deelbesluit3_scan_ocr.pdf": ("document", None),
    "woo-pdf/woo_IenW_2025-12-09_besluit_landsadvocaat_stikstof.pdf": ("document", None),
}


def main(root: Path) -> None:
       genre_ok = id_ok = ids = 0
       print("| file | expected | got | genre | id |")
       print("|---|---|---|---|---|")
       for rel, (genre, doc_id) in EXPECTED.items():
           try:
               doc = parse_file(root / rel)
               got, got_id = doc.doc_type.value, doc.doc_id
           except CoiError:
               got, got_id = "ERROR", None
           genre_ok += got == genre
           if doc_id:
               ids += 1
               id_ok += got_id == doc_id
           mark = "ok" if got == genre else "**wrong**"
           id_mark = "" if not doc_id else ("ok" if got_id == doc_id else f"**{got_id}**")
           print(f"| {rel} | {genre} {doc_id or ''} | {got} | {mark} | {id_mark} |")
       print(f"\ngenre right: {genre_ok}/{len(EXPECTED)}; official id right: {id_ok}/{ids}")


if __name__ == "__main__":
       main(Path(sys.argv[1]))
