"""English lexicon: words of the temporal grammar, multi-word phrases, SMS abbreviations and intent cues (folded)."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "tues": 1, "thurs": 3, "weds": 2,
}
WEEKDAYS_PLURAL: dict[str, int] = {
    "mondays": 0, "tuesdays": 1, "wednesdays": 2, "thursdays": 3, "fridays": 4, "saturdays": 5, "sundays": 6,
}
MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "april": 4, "apr": 4, "may": 5, "june": 6,
    "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "october": 10, "oct": 10,
    "november": 11, "nov": 11, "december": 12,
}
WORDS: dict[str, tuple[str, int]] = {
    "today": ("D", 0), "tomorrow": ("D", 1), "next": ("K", 0), "this": ("C", 0), "last": ("l", 0),
    "past": ("l", 0), "week": ("S", 0), "weeks": ("S", 0), "month": ("Q", 0), "year": ("y", 0),
    "from": ("F", 0), "between": ("F", 0), "starting": ("B", 0), "to": ("a", 0), "till": ("U", 0),
    "until": ("U", 0), "til": ("U", 0), "through": ("U", 0), "thru": ("U", 0), "and": ("e", 0), "or": ("r", 0),
    "inclusive": ("I", 0), "included": ("I", 0), "incl": ("I", 0), "except": ("E", 0), "excluding": ("E", 0),
    "every": ("R", 0), "each": ("R", 0), "day": ("J", 0), "days": ("J", 0), "holidays": ("H", 0),
    "holiday": ("H", 0), "vacation": ("H", 0), "break": ("H", 0), "christmas": ("X", 1), "xmas": ("X", 1),
    "easter": ("X", 2), "ascension": ("X", 3), "pentecost": ("X", 4), "whitsun": ("X", 4), "autumn": ("X", 5),
    "spring": ("X", 6), "winter": ("X", 7), "ski": ("X", 7), "end": ("Z", 0), "the": ("L", 0), "on": ("L", 0),
    "of": ("o", 0), "back": ("O", 0), "returns": ("O", 0), "return": ("O", 0), "returning": ("O", 0),
}
PHRASES: dict[str, str] = {
    "day after tomorrow": "_d2", "the day after tomorrow": "_d2", "this lunchtime": "_d0", "this noon": "_d0",
    "this morning": "_d0", "at lunch today": "_d0", "this coming": "this", "up to": "_until", "up until": "_until",
    "as of": "_starting", "as from": "_starting", "starting from": "_starting", "starting on": "_starting",
    "from now on": "_starting today", "until further notice": "_noend", "for good": "_noend",
    "indefinitely": "_noend", "school year": "_schoolyear", "end of the school year": "_yearend",
    "end of term": "_yearend", "week end": "weekend", "half term": "holidays",
}
ABBREVIATIONS: dict[str, str] = {
    "tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow", "2moro": "tomorrow", "2morrow": "tomorrow",
    "tomoz": "tomorrow", "2day": "today", "tdy": "today", "thx": "thanks", "thnx": "thanks", "tx": "thanks",
    "ty": "thanks", "pls": "please", "plz": "please", "u": "you", "ur": "your", "r": "are", "b4": "before",
    "wk": "week", "mon": "monday", "tue": "tuesday", "wed": "wednesday", "thu": "thursday", "fri": "friday",
    "idk": "i do not know",
}
STOPWORDS: frozenset[str] = _words("""
i me my we our you your he him his she her they them their it its the a an this that these those and or but so
for to of in on at by with from as is are was were be been will would shall should can could may might must do
does did not no yes please thanks thank hello hi dear regards best kind lunch lunches meal meals canteen school
son daughter kid kids child children both all eat eating eats cancel book booked reserve sick ill absent week
today tomorrow day next until till from have has had just also too again there here what when where which who
how why if then than sorry ok okay great sure mum mom dad family trip doctor appointment dentist
""")

CUES: dict[str, tuple[str, ...]] = {
    "cancel": (
        r"cancel\w*", r"no (lunch|lunches|meal|meals|canteen|school lunch|food)", r"sick", r"ill", r"unwell",
        r"absent", r"away", r"skip\w*", r"off (school|sick)", r"stay\w* (at )?home", r"unsubscribe",
        r"remove", r"drop", r"not (be )?(coming|attending|there|in school|at school)", r"fever", r"flu",
    ),
    "reserve": (r"book\w*", r"reserve\w*", r"sign\w* (him |her |them )?up", r"register\w*", r"eat\w*", r"add",
                r"have lunch", r"order\w*", r"enrol\w*"),
    "weak_reserve": (r"lunch", r"meal"),
    "dont_cancel": (r"(don|do|did|didn) not cancel", r"no need to cancel", r"not to cancel"),
    "negation": (r"not", r"never", r"no longer"),
    "uncertain": (
        r"maybe", r"might", r"perhaps", r"possibly", r"not (sure|certain)", r"unsure", r"probably", r"in case",
        r"may (not|be)", r"do not know", r"likely", r"tbc", r"to be confirmed", r"could",
        r"if (he|she|they|it|we|i|the|my|his|her|there)", r"not decided",
    ),
    "balance": (r"balance", r"credit", r"how much (money )?(is |do i have |do we have )?(left|remaining)",
                r"funds"),
    "menu": (r"menus?", r"what (is|s) for lunch", r"what are they eating", r"what will they eat", r"meal plan"),
    "statement": (r"statement\w*", r"invoice\w*", r"receipt\w*", r"bill"),
    "fiscal": (r"tax\w*", r"fiscal"),
    "topup": (r"top ?up", r"add (money|funds|credit)", r"load (money|credit)", r"put money", r"recharge",
              r"deposit", r"pay in", r"credit (my|our|the) account"),
    "refund": (r"refund\w*", r"reimburs\w*", r"pay (me |us )?back", r"close (my|our|the) account"),
    "rules": (r"rules", r"regulations", r"terms and conditions"),
    "registration": (r"registration form", r"enrol\w* form", r"sign up form", r"application form", r"form"),
    "help": (r"help", r"how does (this|it) work", r"what can i (write|do|send|ask)", r"how do i",
             r"instructions", r"contact", r"phone number", r"commands"),
    "thanks": (r"thanks?( you)?", r"cheers", r"great", r"perfect", r"ok", r"okay", r"have a (nice|good) day",
               r"(kind |best )?regards", r"noted", r"brilliant", r"much appreciated"),
    "staff": (r"allerg\w*", r"lost", r"forgot\w*", r"complain\w*", r"call (me )?back", r"call me", r"phone me",
              r"prices?", r"cost\w*", r"how much (does|is) (a|the|one) (meal|lunch)", r"fees?", r"address",
              r"moved", r"problem", r"(not|never) (yet )?received", r"issue", r"error", r"mistake", r"question",
              r"speak to", r"talk to",
              r"injur\w*", r"medication"),
    "status": (r"(is|are) (\w+ ){1,3}(booked|registered|signed up|enrolled|down for)",
               r"(is|are) (booked|registered)", r"does \w+ (eat|have lunch)", r"what (is|have (i|we)) booked",
               r"(my|our) bookings", r"which days"),
    "vegetarian": (r"vegetarian", r"veggie", r"veg", r"meat free", r"no meat", r"without meat"),
    "special": (r"special", r"gluten free", r"lactose free", r"dairy free", r"no gluten"),
    "normal": (r"normal (meal|lunch|menu)", r"regular (meal|lunch|menu)", r"standard (meal|lunch|menu)"),
    "all_children": (r"the kids", r"my kids", r"our kids", r"the children", r"my children", r"our children",
                     r"all (the |my |our )?(kids|children)", r"everyone"),
    "both_children": (r"both", r"the two( of them)?", r"the 2"),
    "my_child": (r"my (son|daughter|boy|girl|child|kid)", r"our (son|daughter|boy|girl|child|kid)"),
}
