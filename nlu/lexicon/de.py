"""German lexicon: words of the temporal grammar, multi-word phrases, SMS abbreviations and intent cues (folded)."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


WEEKDAYS: dict[str, int] = {
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5, "sonntag": 6,
}
WEEKDAYS_PLURAL: dict[str, int] = {
    "montags": 0, "dienstags": 1, "mittwochs": 2, "donnerstags": 3, "freitags": 4, "samstags": 5, "sonntags": 6,
    "montage": 0, "dienstage": 1, "donnerstage": 3, "freitage": 4,
}
MONTHS: dict[str, int] = {
    "januar": 1, "janner": 1, "jaenner": 1, "februar": 2, "marz": 3, "maerz": 3, "mai": 5, "juni": 6,
    "juli": 7, "oktober": 10, "okt": 10, "dezember": 12, "dez": 12,
}
WORDS: dict[str, tuple[str, int]] = {
    "heute": ("D", 0), "morgen": ("D", 1), "ubermorgen": ("D", 2), "uebermorgen": ("D", 2),
    "nachste": ("K", 0), "nachsten": ("K", 0), "nachster": ("K", 0), "nachstes": ("K", 0),
    "naechste": ("K", 0), "naechsten": ("K", 0), "kommende": ("K", 0), "kommenden": ("K", 0),
    "diese": ("C", 0), "diesen": ("C", 0), "dieser": ("C", 0), "letzte": ("l", 0), "letzten": ("l", 0),
    "vergangene": ("l", 0), "vergangenen": ("l", 0), "woche": ("S", 0), "wochen": ("S", 0), "monat": ("Q", 0),
    "monats": ("Q", 0), "jahr": ("y", 0), "jahres": ("y", 0), "vom": ("F", 0), "von": ("F", 0),
    "zwischen": ("F", 0), "ab": ("B", 0), "bis": ("U", 0), "und": ("e", 0), "oder": ("r", 0),
    "einschliesslich": ("I", 0), "inklusive": ("I", 0), "inkl": ("I", 0), "ausser": ("E", 0),
    "ausgenommen": ("E", 0), "jeden": ("R", 0), "jede": ("R", 0), "jeder": ("R", 0), "tag": ("J", 0),
    "tage": ("J", 0), "ferien": ("H", 0), "weihnachten": ("X", 1), "ostern": ("X", 2), "auffahrt": ("X", 3),
    "himmelfahrt": ("X", 3), "pfingsten": ("X", 4), "herbst": ("X", 5), "fruhling": ("X", 6),
    "fruehling": ("X", 6), "sport": ("X", 7), "ende": ("Z", 0), "am": ("L", 0), "den": ("L", 0),
    "wieder": ("O", 0), "zuruck": ("O", 0), "zurueck": ("O", 0),
}
PHRASES: dict[str, str] = {
    "heute morgen": "_d0", "heute mittag": "_d0", "heute fruh": "_d0", "guten morgen": "hallo",
    "guten tag": "hallo", "morgen fruh": "morgen", "morgen mittag": "morgen", "bis zum": "_until",
    "bis zur": "_until", "bis zu den": "_until", "bis und mit": "_until inkl", "bis einschliesslich": "_until inkl",
    "bis auf weiteres": "_noend", "bis auf": "ausser", "ab dem": "_starting", "ab sofort": "_starting heute",
    "ab heute": "_starting heute", "fur immer": "_noend", "weihnachtsferien": "weihnachten ferien",
    "osterferien": "ostern ferien", "herbstferien": "herbst ferien", "fruhlingsferien": "fruhling ferien",
    "fruhjahrsferien": "fruhling ferien", "sportferien": "sport ferien", "skiferien": "sport ferien",
    "winterferien": "sport ferien", "pfingstferien": "pfingsten ferien", "taglich": "jeden tag",
    "schuljahr": "_schoolyear", "schuljahres": "_schoolyear", "ende des schuljahres": "_yearend",
    "wieder da": "_back", "wieder in der schule": "_back",
}
ABBREVIATIONS: dict[str, str] = {
    "bitte": "bitte", "bzw": "beziehungsweise", "evtl": "eventuell", "lg": "liebe grusse", "mfg": "gruss",
    "vg": "gruss", "thx": "danke", "dank": "danke",
}
STOPWORDS: frozenset[str] = _words("""
ich du er sie es wir ihr mein meine meinen meiner unser unsere unseren dein ihr ihre sein seine der die das den
dem des ein eine einen einem einer und oder aber doch nicht kein keine keinen ist sind war waren wird werden
wurde hat haben hatte kann konnen konnte mochte mochten will wollen soll sollte bitte danke hallo liebe lieber
gruss grusse freundliche herzliche mit ohne fur von vom zum zur im in an am auf aus bei nach bis ab um uber unter
heute morgen tag woche essen mittagessen mensa kantine kind kinder sohn tochter beide alle krank abmelden
anmelden isst wieder da auch noch schon sehr gut ja nein frau herr familie arzt termin ausflug schule
""")

CUES: dict[str, tuple[str, ...]] = {
    "cancel": (
        r"abmeld\w*", r"abzumelden", r"abbestell\w*", r"stornier\w*", r"storno", r"krank\w*", r"fehl(t|en)",
        r"abwesend", r"kein\w* (essen|mittagessen|mittag|mensa)", r"nicht (in der|in die) (mensa|kantine)",
        r"nicht da", r"zu hause", r"daheim", r"entschuldig\w*", r"absag\w*", r"streich\w*", r"fieber",
    ),
    "reserve": (r"anmeld\w*", r"anzumelden", r"buch\w*", r"gebucht", r"reservier\w*", r"isst", r"essen",
                r"bestell\w*", r"eintragen", r"einschreiben"),
    "weak_reserve": (r"mittagessen", r"mahlzeit"),
    "dont_cancel": (r"nicht (abmelden|stornieren|abbestellen)", r"doch nicht abmelden"),
    "negation": (r"nicht", r"nie", r"niemals", r"kein\w*"),
    "uncertain": (
        r"vielleicht", r"eventuell", r"evtl", r"moglicherweise", r"moeglicherweise", r"wahrscheinlich",
        r"wei(ss|s) (es )?(noch )?nicht",
        r"nicht sicher", r"unsicher", r"falls", r"wenn (er|sie|es|wir|ich|mein|meine|unser|unsere)", r"kann sein",
        r"unter umstanden", r"womoglich", r"noch unklar", r"noch offen",
    ),
    "balance": (r"saldo", r"guthaben", r"kontostand", r"wie ?viel\w* .*konto", r"stand (des|meines) kontos"),
    "menu": (r"menus?", r"speiseplan", r"speisekarte", r"menuplan", r"was gibt es", r"was gibts", r"essensplan"),
    "statement": (r"abrechnung\w*", r"kontoauszug", r"auszug", r"\w*bescheinigung\w*", r"rechnung\w*", r"quittung",
                  r"beleg\w*"),
    "fiscal": (r"steuer\w*",),
    "topup": (r"aufladen", r"aufzuladen", r"einzahl\w*", r"nachladen", r"geld (einzahlen|uberweisen|aufladen)",
              r"guthaben aufladen", r"uberweis\w*"),
    "refund": (r"\w*ruckerstatt\w*", r"\w*rueckerstatt\w*", r"ruckzahl\w*", r"zuruckzahl\w*", r"erstatt\w*",
               r"auszahl\w*", r"zuruck ?uberweis\w*", r"konto (auflosen|schliessen)"),
    "rules": (r"reglement", r"hausordnung", r"regeln", r"nutzungsbedingungen"),
    "registration": (r"anmeldeformular", r"anmeldebogen", r"formular", r"die anmeldung", r"anmeldeunterlagen"),
    "help": (r"hilfe", r"wie funktioniert", r"was kann ich (schreiben|tun|senden)", r"wie geht das",
             r"kontakt", r"telefonnummer", r"erreichen", r"befehle"),
    "thanks": (r"danke\w*", r"vielen dank", r"herzlichen dank", r"merci", r"prima", r"perfekt", r"alles klar",
               r"schonen (tag|abend)", r"(liebe |freundliche |beste )?gru(ss|sse)", r"hallo", r"super"),
    "staff": (r"allergi\w*", r"verloren", r"vergessen", r"beschwer\w*", r"reklamation", r"zuruckrufen",
              r"ruckruf", r"anrufen", r"preis\w*", r"kostet", r"kosten", r"tarif\w*", r"adresse", r"umzug",
              r"umgezogen", r"problem\w*", r"nicht (erhalten|bekommen)", r"fehler", r"frage", r"sprechen"),
    "status": (r"(ist|sind) (\w+ ){1,3}(angemeldet|gebucht|eingetragen|reserviert)",
               r"(ist|sind) (angemeldet|gebucht|eingetragen)", r"welche tage",
               r"(meine|unsere) (buchungen|anmeldungen)",
               r"was ist gebucht"),
    "vegetarian": (r"vegetarisch\w*", r"vegi", r"veggie", r"fleischlos\w*", r"ohne fleisch"),
    "special": (r"spezial\w*", r"glutenfrei\w*", r"laktosefrei\w*", r"ohne gluten", r"sonder\w*"),
    "normal": (r"normal\w* (essen|menu|mahlzeit)",),
    "all_children": (r"die kinder", r"meine kinder", r"unsere kinder", r"alle kinder", r"alle drei", r"alle"),
    "both_children": (r"beide\w*", r"die zwei"),
    "my_child": (r"mein (sohn|kind|junge)", r"meine (tochter|kleine)", r"unser (sohn|kind)", r"unsere tochter"),
}
