"""English: the lexicon the reader uses for owners' texts, Slack messages and call transcripts."""

from __future__ import annotations

from diner_agent.commands.lexicon.model import Lexicon

ENGLISH = Lexicon(
    emoji_off=(
        "x", "no_entry", "no_entry_sign", "heavy_multiplication_x", "negative_squared_cross_mark",
        "octagonal_sign", "stop_sign", "red_circle", "\u274c", "\u26d4", "\U0001f6ab", "\u2716", "\u274e",
        "\U0001f6d1", "\U0001f534",
    ),
    emoji_on=(
        "white_check_mark", "heavy_check_mark", "ballot_box_with_check", "green_circle", "\u2705", "\u2714",
        "\u2611", "\U0001f7e2",
    ),
    fillers=("um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "hmm", "mm", "you know", "i guess", "like uh"),
    shorthand={
        "rn": "right now", "2nite": "tonight", "2night": "tonight", "tonite": "tonight", "tmrw": "tomorrow",
        "tmw": "tomorrow", "tmr": "tomorrow", "tmro": "tomorrow", "tomm": "tomorrow", "2day": "today",
        "tdy": "today", "b4": "before", "w/o": "without", "nite": "night", "u": "you", "ur": "your", "r": "are",
        "eighty sixed": "86", "eighty six": "86", "eighty-sixed": "86", "86ed": "86", "d caf": "decaf",
        "eighty-six": "86", "eight six": "86", "eight sixed": "86", "eighty. six": "86", "eighty, six": "86",
        "pls": "please", "plz": "please", "thx": "thanks", "ty": "thanks", "rly": "really", "prob": "probably",
    },
    clipped={
        "chx": "chicken", "chix": "chicken", "chkn": "chicken", "chk": "chicken", "ckn": "chicken",
        "stk": "steak", "frnch": "french", "bfast": "breakfast", "bkfst": "breakfast",
        "brkfst": "breakfast", "sammich": "sandwich", "sammy": "sandwich", "sando": "sandwich", "samich": "sandwich",
        "sw": "sandwich", "sand": "sandwich", "oj": "orange juice", "hashbrown": "hash brown",
        "hashbrowns": "hash brown",
        "tha": "the", "da": "the", "w": "with", "grill": "grilled", "grld": "grilled", "choc": "chocolate",
        "van": "vanilla", "strawb": "strawberry", "straw": "strawberry", "bb": "blueberry", "pb": "peanut butter",
        "pbj": "peanut butter jelly", "gf": "gluten free", "veg": "veggie", "vegi": "veggie", "o": "onion",
        "mozz": "mozzarella", "parm": "parmesan",
        "bev": "beverage", "burgr": "burger", "brgr": "burger", "ckie": "cookie",
    },
    relay_verbs=("says", "said", "wants", "asked", "asks", "told me", "texted", "called"),
    lead_ins=(
        "fyi", "heads up", "quick one", "quick update", "update", "quick note", "note", "psa", "reminder",
        "attention", "all", "team", "everyone", "folks", "guys", "ok team", "hey team", "morning team",
        "hi team", "hey all", "hi all", "hey everyone", "so", "okay so", "ok so", "alright so", "anyway",
        "anyways", "oh", "oh and", "also", "and", "btw", "by the way", "real quick", "quick thing",
        "one more thing", "one more", "last thing", "another one", "ugh", "welp", "well", "alright", "right",
        "good news", "bad news", "update from the kitchen", "kitchen update", "menu update",
        "starting next week", "starting next month", "from now on", "going forward", "effective next week",
    ),
    header_off=(
        "sold out", "86", "86'd", "86d", "86 list", "out", "out of", "we're out of", "gone", "unavailable",
        "off the menu", "outta", "no more", "ran out of", "out today", "86 today", "out tonight",
    ),
    header_on=("back", "back on", "back in stock", "available again", "restocked", "back on the menu", "un86"),
    header_plain=(
        "price changes", "price change", "prices", "new prices", "price updates", "updates", "changes",
        "menu changes", "menu updates", "menu", "heads up", "fyi", "note", "update",
    ),
    negations=(
        "don't", "dont", "do not", "doesn't", "does not", "never", "no need to", "not going to", "won't",
        "wont", "shouldn't", "not",
    ),
    no_word=("no",),
    closing_kinds=("snow", "early", "emergency", "weather", "storm", "ice", "holiday", "noon", "early afternoon"),
    closing_nouns=("close", "closing", "closure", "closures", "shutdown", "shut down", "snow day", "early close"),
    negation_exempt_next=(
        "have", "got", "serve", "serving", "sell", "selling", "carry", "do", "doing", "offer", "make",
        "any", "know", "available", "avail", "in", "on", "offering", "selling", "open", "closed", "sure",
        "yet", "too", "much", "enough", "a", "so", "that", "very", "really",
    ),
    conditional_exempt=("lmk if", "let me know if", "see if", "not sure if", "idk if", "wondering if", "ask if",
        "check if", "no idea when", "idk when", "not sure when", "dunno when", "know when", "tell me when",
        "let you know when"),
    conditionals=("if", "unless", "in case", "once", "whenever", "as soon as", "when", "might", "may", "maybe",
        "probably", "possibly", "perhaps", "thinking", "considering"),
    wishes=(
        "wish", "wished", "used to", "use to", "remember when", "back when", "would be nice",
        "would've been nice", "if only", "imagine if", "miss when", "those were the days", "back in the day",
        "in the old days", "we could've", "should've", "should have been", "last winter", "last summer",
        "last spring", "last fall", "last year", "years ago", "that one time", "the time we",
    ),
    memories=("used to", "use to", "remember when", "back when", "back in the day", "in the old days", "last winter",
        "last summer", "last spring", "last fall", "last year", "years ago", "that one time", "the time we"),
    refusals=(
        "i said no", "said no way", "but no way", "but no", "hold off", "holding off", "but not yet", "let's not",
        "lets not", "decided not to", "decided against", "not doing that", "not doing it", "vetoed",
        "shot it down", "shot that down", "not happening", "don't do it", "dont do it", "don't do that",
        "dont do that", "told him no", "told her no", "told them no",
    ),
    retractions=(
        "scratch that", "never mind that", "nevermind that", "nvm that", "ignore that", "forget that",
        "cancel that", "no wait", "wait no", "nvm", "never mind", "nevermind", "ignore my last", "ignore",
        "disregard that", "strike that", "jk", "just kidding", "lol jk", "kidding",
    ),
    replacements=(
        "no wait make that", "wait no make that", "no wait", "wait no", "oops i meant", "oops i mean",
        "oops", "no", "sorry", "edit", "err", "or rather", "rather", "make that", "make it", "i meant", "i mean",
        "meant", "correction", "sorry i meant", "actually", "nah", "nope",
    ),
    asides=(
        "hi", "hey", "hello", "yo", "thanks", "thx", "ty", "cheers", "ok", "okay", "sorry", "lol", "please",
        "morning", "evening", "ugh", "whew", "phew", "yay", "great", "perfect", "cool", "awesome", "love",
        "best", "regards", "oops", "welp", "haha", "congrats", "appreciate it", "love it", "got it",
        "that's it", "thats it", "that's all", "that is all", "that's all for now", "thanks for that",
        "hey there", "hi there", "hello there", "good morning", "morning all", "thank you", "thanks so much",
        "thank you so much", "thanks a lot", "have a good one", "have a good day", "have a great day",
        "have a good night", "sorry for the late notice", "sorry for the short notice", "you're the best",
        "you rock", "much appreciated", "thanks team", "thanks guys", "thanks all", "good night", "night all",
    ),
    command_verbs=(
        "delete", "remove", "add", "change", "set", "update", "raise", "lower", "drop", "cut", "make", "put",
        "take", "bump", "mark", "switch", "turn", "special", "specials", "price", "prices", "cost",
        "charge", "rename", "call", "list", "menu",
    ),
    schedule_cues=(
        "close", "closed", "closing", "closes", "shut", "shutting", "open", "opening", "opens", "reopen",
        "reopening", "hours", "emergency", "lock", "doors",
    ),
    time_words=(
        "today", "tonight", "tomorrow", "noon", "midnight", "am", "pm",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "monday", "tuesday",
        "wednesday", "thursday", "friday", "saturday", "sunday", "weekend", "weekends", "weekdays",
        "christmas", "thanksgiving", "holiday", "eve", "hour", "hours", "minutes", "mins", "halloween", "easter",
        "xmas", "nye", "year", "years", "memorial", "labor", "independence", "jan", "january", "feb", "february",
        "mar", "march", "apr", "april", "may", "jun", "june", "jul", "july", "aug", "august", "sep", "sept",
        "september", "oct", "october", "nov", "november", "dec", "december", "first", "second", "third",
        "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth",
        "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth",
        "thirtieth", "weekday", "month", "next", "until", "till", "til",
    ),
    cue_off=(
        "86", "out", "gone", "sold", "soldout", "nix", "finished", "done", "none", "no-go", "empty", "outta",
        "unavailable", "kill", "pull", "dead", "toast", "cooked", "over",
    ),
    cue_on=("back", "restocked", "available", "again", "un86", "returns", "restock", "more"),
    not_item_heads=(
        "machine", "machines", "iron", "irons", "maker", "makers", "blender", "blenders", "dispenser", "press",
        "guy", "guys", "man", "lady", "delivery", "deliveries", "truck", "supplier", "vendor", "order", "batter",
        "mix", "station", "cooler", "fridge", "freezer", "warmer", "case", "bin", "tank", "line", "nozzle",
    ),
    opened_things=(
        "door", "window", "windows", "walk-in", "walkin", "fridge", "freezer", "cooler", "register", "drawer",
        "tab", "gate", "lid", "valve", "oven", "hatch",
    ),
)  # fmt: skip
