"""French lexicon: words of the temporal grammar, multi-word phrases, SMS abbreviations and intent cues (folded)."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


WEEKDAYS: dict[str, int] = {
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
}
WEEKDAYS_PLURAL: dict[str, int] = {
    "lundis": 0, "mardis": 1, "mercredis": 2, "jeudis": 3, "vendredis": 4, "samedis": 5, "dimanches": 6,
}
MONTHS: dict[str, int] = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5,
    "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "novembre": 11,
    "decembre": 12, "dec": 12,
}
# symbol, value: see nlu.temporal for the meaning of each symbol.
WORDS: dict[str, tuple[str, int]] = {
    "demain": ("D", 1), "prochain": ("K", 0), "prochaine": ("K", 0), "prochains": ("K", 0),
    "prochaines": ("K", 0), "ce": ("C", 0), "cet": ("C", 0), "cette": ("C", 0), "dernier": ("l", 0),
    "derniere": ("l", 0), "passe": ("l", 0), "passee": ("l", 0), "semaine": ("S", 0), "semaines": ("S", 0),
    "mois": ("Q", 0), "annee": ("y", 0), "du": ("F", 0), "entre": ("F", 0), "de": ("o", 0), "d": ("o", 0),
    "des": ("B", 0), "au": ("a", 0), "a": ("a", 0), "aux": ("a", 0), "et": ("e", 0), "ou": ("r", 0),
    "inclus": ("I", 0), "incluse": ("I", 0), "inclusivement": ("I", 0), "compris": ("I", 0),
    "sauf": ("E", 0), "excepte": ("E", 0), "hormis": ("E", 0), "tous": ("R", 0), "toutes": ("R", 0),
    "chaque": ("R", 0), "jours": ("J", 0), "jour": ("J", 0), "vacances": ("H", 0), "conges": ("H", 0),
    "relaches": ("H", 0), "relache": ("H", 0), "noel": ("X", 1), "paques": ("X", 2), "ascension": ("X", 3),
    "pentecote": ("X", 4), "automne": ("X", 5), "toussaint": ("X", 5), "printemps": ("X", 6),
    "hiver": ("X", 7), "ski": ("X", 7), "fin": ("Z", 0), "le": ("L", 0), "l": ("L", 0),
}
PHRASES: dict[str, str] = {
    "aujourd hui": "_d0", "aujourdhui": "_d0", "aujourd": "_d0", "auj": "_d0", "ajd": "_d0", "ce midi": "_d0",
    "ce matin": "_d0", "apres demain": "_d2", "apres dem": "_d2",
    "jusqu a la": "_until", "jusqu a l": "_until", "jusqu aux": "_until", "jusqu au": "_until",
    "jusqu a": "_until", "jusque": "_until", "jusqu": "_until", "jusqua": "_until", "jsq": "_until",
    "jusqu a nouvel ordre": "_noend", "jusqu a nouvel avis": "_noend", "a la rentree": "_noend",
    "pour toujours": "_noend", "definitivement": "_noend", "a partir du": "_starting", "a partir de la": "_starting",
    "a partir de": "_starting", "a partir d": "_starting", "a partir": "_starting", "a compter du": "_starting",
    "a compter de": "_starting", "des le": "_starting", "y compris": "inclus", "a part": "sauf",
    "de retour": "_back", "reprend": "_back", "reprendra": "_back", "revient": "_back", "reviendra": "_back",
    "retourne": "_back", "retournera": "_back", "rentre a l ecole": "_back", "annee scolaire": "_schoolyear",
    "fin de l annee scolaire": "_yearend", "s il vous plait": "svp", "s il te plait": "svp",
    "est ce que": "_estce", "est ce qu": "_estce", "week end": "weekend",
}
ABBREVIATIONS: dict[str, str] = {
    "pr": "pour", "dem": "demain", "bcp": "beaucoup", "pcq": "parce que", "pck": "parce que", "mrc": "merci",
    "mci": "merci", "slt": "salut", "bjr": "bonjour", "bsr": "bonsoir", "dsl": "desole", "qd": "quand",
    "vs": "vous", "ds": "dans", "tt": "tout", "tjrs": "toujours", "mtn": "maintenant", "cmt": "comment",
    "jsp": "je ne sais pas", "stp": "svp", "ptet": "peut etre", "ptetre": "peut etre", "pe": "peut etre",
    "vendr": "vendredi", "merc": "mercredi",
}
# Words that are never first names (for unknown-name detection and typo matching).
STOPWORDS: frozenset[str] = _words("""
je j tu il elle on nous vous ils elles me m te t se s lui leur leurs mon ma mes ton ta tes son sa ses notre nos
votre vos le la les l un une des du de d au aux ce cet cette ces ca cela ceci qui que qu quoi dont ou et mais donc or
ni car pour par avec sans sous sur dans en chez vers pas ne n plus jamais rien tout tous toute toutes bien tres
est sont suis es etes sera seront serai etait ete etre avoir ai as a avons avez ont aura auront fait faire peut
pouvez pouvons pourriez pourrais voudrais veux voulons souhaite souhaiterais merci bonjour bonsoir salut madame
monsieur mme mr cordialement cordiales salutations bonne journee soiree repas cantine midi dejeuner menu svp
enfant enfants fils fille fille filles garcon petit petite petits deux trois oui non ok annuler annulez annule
inscrire inscrivez inscrit inscrite reserver reservez mange mangera mangent manger mangeront malade absent
absente absents absentes merci encore aussi egalement semaine jour jours mois an annee vacances ecole classe
sortie scolaire rendez vous medecin dentiste grand mere grand pere maman papa famille info information desole
possible car parce quand comme alors apres avant depuis demain hier aujourd hui soir matin cause raison
attestation fiscale decompte solde compte iban remboursement rembourser recharger montant francs chf
""")

CUES: dict[str, tuple[str, ...]] = {
    "cancel": (
        r"annul\w*", r"desinscri\w*", r"desincri\w*", r"absent\w*", r"absence\w*", r"malade\w*", r"grippe",
        r"fievre", r"pas (de|a la) (cantine|repas|dejeuner|midi|resto|restaurant|refectoire)",
        r"(supprim|decommand|retir|enlev)\w*", r"ne (sera|viendra|vient|va) pas", r"reste a la maison",
        r"(sera|est|seront|sont) en vacances", r"excus\w*",
    ),
    "reserve": (
        r"inscri\w*", r"reinscri\w*", r"reserv\w*", r"mang\w*", r"command\w*", r"ajout\w*", r"rajout\w*", r"remettre",
        r"dejeuner(a|ont)", r"(sera|seront) (present|presente|presents|la)",
    ),
    "weak_reserve": (r"repas", r"dejeuner"),
    "dont_cancel": (r"(ne|n) (pas )?annul\w* pas", r"ne pas (annuler|desinscrire)", r"plus besoin d annuler"),
    "negation": (r"pas", r"non plus", r"jamais", r"ne \w+ plus", r"n \w+ plus", r"aucun\w*"),
    "uncertain": (
        r"peut etre", r"peutetre", r"si jamais", r"probablement", r"je (ne )?(le )?sais pas( encore)?",
        r"pas (encore )?(sur|sure|surs|certain|certaine)", r"il se peut", r"il est possible", r"possible que",
        r"eventuellement", r"au cas ou", r"sans doute", r"pourrai(t|ent)", r"s ils?", r"a confirmer",
        r"si (elle|elles|on|nous|je|j|vous|tu|mon|ma|mes|son|sa|ses|le|la|les|l|c|ca|cela)",
        r"si \w+ (est|sont|va|a|ne)", r"sous reserve", r"pas encore decide",
    ),
    "balance": (r"solde", r"combien (il )?(me |nous )?reste", r"combien d argent", r"reste t il (sur|combien)",
                r"reste sur (le|mon|notre) compte",
                r"credit (restant|disponible)", r"etat (de|du) (mon )?compte"),
    "menu": (r"menus?", r"qu _estce (ils?|elles?|on) mange\w*", r"on mange quoi", r"que mange\w*",
             r"quoi (au|a) manger", r"mangent quoi", r"plats?( du jour)?"),
    "statement": (r"decompte\w*", r"releve\w*", r"attestation\w*", r"factur\w*", r"recapitulatif"),
    "fiscal": (r"fiscal\w*", r"impots?"),
    "topup": (r"rechar\w*", r"crediter", r"alimenter", r"approvisionner", r"(ajouter|mettre|verser) de l argent",
              r"verser \d+", r"comment payer", r"charger (mon|le|notre) compte"),
    "refund": (r"rembours\w*", r"restitu\w*", r"(cloturer|fermer|solder) (mon|le|notre) compte"),
    "rules": (r"reglement\w*", r"conditions generales", r"charte"),
    "registration": (r"(fiche|formulaire|bulletin|dossier|feuille) d inscription", r"formulaire"),
    "help": (r"aide", r"aidez moi", r"comment (ca|cela) (marche|fonctionne)", r"comment (faire|proceder|utiliser)",
             r"que (puis je|peut on|dois je) (ecrire|envoyer|faire)", r"mode d emploi",
             r"(votre )?numero de (telephone|tel)", r"vous (contacter|joindre|appeler)", r"coordonnees",
             r"quelles commandes"),
    "thanks": (r"merci\w*", r"bonne (journee|soiree|fin de journee|semaine)", r"bon (week ?end|apres midi)",
               r"parfait", r"super", r"genial", r"top", r"(c est )?note", r"tres bien", r"entendu", r"d accord",
               r"ok", r"cordialement", r"bien a vous"),
    "staff": (r"allerg\w*", r"intoleran\w*", r"perdu\w*", r"oubli\w*", r"plainte", r"plaindre", r"mecontent\w*",
              r"inadmissible", r"probleme\w*", r"(pas|jamais) (encore )?recu\w*",
              r"rappel(er|ez|le|les)", r"telephoner", r"appel(er|ez)",
              r"prix", r"tarif\w*", r"combien coute\w*", r"cout\w*", r"adresse", r"demenag\w*", r"medic\w*",
              r"regime", r"erreur\w*", r"reclamation", r"question", r"parler a", r"blesse\w*", r"accident",
              r"traitement"),
    "status": (r"(est|sont) (il |elle |ils |elles )?(bien )?(inscrit|inscrite|inscrits|inscrites|reserve\w*|prevu\w*)",
               r"(est|sont) t (il|elle|ils|elles) (bien )?(inscrit|reserve|prevu)\w*",
               r"quels (jours|repas)", r"(mes|nos|les) reservations", r"qu est ce qui est (reserve|prevu)",
               r"_estce (qu |que )?(?!ils |elles |on |il |elle )\w+ mange\w*"),
    "vegetarian": (r"vegetarien\w*", r"vege", r"veggie", r"sans viande"),
    "special": (r"special\w*", r"speciaux", r"sans gluten", r"sans lactose", r"sans porc"),
    "normal": (r"(repas|menu) normal", r"(repas|menu) standard", r"(repas|menu) classique"),
    "all_children": (r"les enfants", r"mes enfants", r"nos enfants", r"tous les enfants", r"les petits",
                     r"tout le monde"),
    "both_children": (r"les (deux|2)", r"tous les (deux|2)", r"toutes les (deux|2)"),
    "my_child": (r"mon (fils|garcon|enfant|petit|loulou)", r"ma (fille|petite|puce)", r"notre (fils|fille|enfant)"),
}
