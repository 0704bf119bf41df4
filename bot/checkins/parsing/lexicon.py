"""The words and number shapes an answer is read with: English always, and besides it the
language in force (`bot.core.i18n.current()`), so that a German speaker may type `erledigt` or
`done`, and writes "1.250,5" where English writes "1,250.5". The separators come from Babel's
locale data; the number a token names is read with Babel (`values`)."""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from babel.numbers import get_decimal_symbol, get_group_symbol

from bot.core.i18n import DEFAULT, LANGUAGES, current


def phrases(text: str) -> frozenset[str]:
    """'a|b c' -> {"a", "b c"}, each as an answer reads once normalised (NFKC, casefolded)."""
    return frozenset(unicodedata.normalize("NFKC", p).casefold() for p in text.split("|"))


# Each language's own words, on top of the English ones (which every language accepts).
_WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "skip": "skip|pass|n/a|na|-|–|—|next|skip it|skip this",
        "no_change": "same|the same|same as before|same as last week|still the same|still"
        "|no change|no changes|unchanged|nothing changed|as before|as last week|=|ditto"
        "|no update|no progress",
        "done": "done|all done|finished|complete|completed|hit it|achieved|reached it"
        "|target hit|hit the target|nailed it|100% done",
        "yes": "yes|y|yep|yeah|yup|true",
        "no": "no|n|nope|not yet|not done|not started|false",
        "lead_ins": "about|approx|approx.|approximately|around|roughly|circa|ca.|almost|nearly"
        "|at|now|currently|is|it's|we're|still|reached",
        "currency": "usd|eur|gbp|jpy|chf|cad|aud|inr|dollars|dollar|euros|euro|bucks",
        "percent": "percent|per cent|pct",
        "and": "and|&",
        "out_of": "out of|of",
        "label_stopwords": "the|our|my|of|for|and|kr|pct|percent",
        # What a free-text answer (a blocker, the week's wins) says when there is nothing.
        "nothing": "none|no|nope|nothing|n/a|na|-|no blockers|nothing new",
        "keep": "same|keep|no change|unchanged|as before",
        "pass": "skip|pass|next",
    },
    "de": {
        "skip": "überspringen|überspring|skippen|weiter|nächste|nächste frage|entfällt",
        "no_change": "keine änderung|keine änderungen|unverändert|gleich|gleich geblieben"
        "|das gleiche|dasselbe|wie vorher|wie gehabt|wie letzte woche|nichts geändert"
        "|immer noch gleich|kein fortschritt",
        "done": "erledigt|alles erledigt|fertig|geschafft|erreicht|ziel erreicht|abgeschlossen",
        "yes": "ja|j|jep|jo|jawohl",
        "no": "nein|nö|noch nicht|nicht erledigt|nicht fertig|nicht begonnen|falsch",
        "lead_ins": "etwa|ca|circa|ungefähr|rund|fast|knapp|beinahe|bei|jetzt|aktuell"
        "|derzeit|momentan|ist|sind|wir|liegt|liegen|noch|immer",
        "currency": "euro|euros",
        "percent": "prozent",
        "and": "und",
        "out_of": "von",
        "label_stopwords": "der|die|das|des|den|dem|unser|unsere|mein|meine|von|für|und|prozent",
        "nothing": "nichts|nix|nein|nö|kein|keine|keiner|keine blocker|nichts neues",
        "keep": "keine änderung|unverändert|gleich|wie vorher|wie gehabt|dasselbe|das gleiche",
        "pass": "überspringen|weiter|nächste",
    },
    "es": {
        "skip": "saltar|salta|sáltala|omitir|paso|siguiente|no aplica",
        "no_change": "sin cambios|sin cambio|igual|sigue igual|lo mismo|mismo|como antes"
        "|como la semana pasada|nada cambió|sin novedad|sin avances",
        "done": "hecho|hecha|listo|lista|terminado|terminada|completado|completada"
        "|conseguido|logrado|cumplido|objetivo cumplido",
        "yes": "sí|si|claro",
        "no": "no|todavía no|todavia no|aún no|aun no|sin hacer|sin empezar|falso",
        "lead_ins": "aprox|aprox.|aproximadamente|alrededor|de|unos|unas|casi|cerca|en|ahora"
        "|actualmente|es|son|estamos|vamos|por|ya|llegamos|sigue|todavía|aún",
        "currency": "dólar|dólares|dolar|dolares",
        "percent": "por ciento|porciento",
        "and": "y",
        "out_of": "de|sobre",
        "label_stopwords": "el|la|los|las|de|del|nuestro|nuestra|mi|mis|para|por|y",
        "nothing": "nada|no|ninguno|ninguna|ningún|ningun|sin bloqueos|ningún bloqueo|nada nuevo",
        "keep": "sin cambios|igual|lo mismo|como antes|mismo",
        "pass": "saltar|omitir|paso|siguiente",
    },
}
# "Still the same": a prefix that says nothing moved ("still n/a" is no change, not a skip).
_STILL = {"en": "still ", "de": "immer noch ", "es": "sigue "}
_MULTIPLIERS: Mapping[str, Mapping[str, int]] = {
    "en": {
        **dict.fromkeys(("k", "thousand"), 10**3),
        **dict.fromkeys(("m", "mn", "mln", "million"), 10**6),
        **dict.fromkeys(("b", "bn", "billion"), 10**9),
    },
    "de": {
        **dict.fromkeys(("tsd", "tausend"), 10**3),
        **dict.fromkeys(("mio", "millionen"), 10**6),
        **dict.fromkeys(("mrd", "milliarde", "milliarden"), 10**9),
    },
    "es": {"mil": 10**3, **dict.fromkeys(("millón", "millon", "millones"), 10**6)},
}
_MOOD: Mapping[str, Mapping[str, int]] = {
    "en": {"great": 5, "good": 4, "ok": 3, "okay": 3, "fine": 3, "meh": 2, "bad": 2}
    | {"awful": 1, "terrible": 1},
    "de": {"super": 5, "sehr gut": 5, "gut": 4, "okay": 3, "ok": 3, "geht so": 3, "mittel": 3}
    | {"naja": 2, "schlecht": 2, "mies": 2, "furchtbar": 1, "schrecklich": 1},
    "es": {"genial": 5, "muy bien": 5, "bien": 4, "regular": 3, "normal": 3, "más o menos": 3}
    | {"mal": 2, "muy mal": 1, "fatal": 1, "horrible": 1},
}


@dataclass(frozen=True)
class Lexicon:
    """What answers in one language (and English) are read with."""

    group: str  # the thousands separator: "," in English, "." in German
    decimal: str  # the decimal separator: "." in English, "," in German
    skip: frozenset[str]
    no_change: frozenset[str]
    done: frozenset[str]
    yes: frozenset[str]
    no: frozenset[str]
    still: tuple[str, ...]
    head_words: frozenset[str]  # may stand before a number without changing it
    currency_words: frozenset[str]
    label_stopwords: frozenset[str]
    multipliers: Mapping[str, int]
    mood: Mapping[str, int]
    nothing: frozenset[str]
    keep: frozenset[str]
    passes: frozenset[str]
    number: re.Pattern[str]
    percent: re.Pattern[str]
    currency_word: re.Pattern[str]
    wrong_decimal: re.Pattern[str]  # "3,5" in English, "3.5" in German: the other separator
    segment_split: re.Pattern[str]
    and_split: re.Pattern[str]
    out_of: str  # the words of "7 out of 10", as a regex alternation

    @property
    def status(self) -> frozenset[str]:
        return self.skip | self.no_change | self.done | self.yes | self.no


_SEPARATORS = frozenset(":=-–—~≈•*·")


def _words(kind: str, language: str) -> frozenset[str]:
    own = _WORDS[language].get(kind, "") if language != DEFAULT else ""
    return phrases(_WORDS[DEFAULT][kind]) | (phrases(own) if own else frozenset())


def _alternation(words: frozenset[str] | Mapping[str, int]) -> str:
    # Longest first, so that "million" is tried before "m".
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=64)  # keyed by the language asked for, ours or not
def lexicon(language: str) -> Lexicon:
    """The lexicon of `language` (one of ours; anything else reads as English)."""
    language = language if language in LANGUAGES else DEFAULT
    group, decimal = get_group_symbol(language), get_decimal_symbol(language)
    g, d = re.escape(group), re.escape(decimal)
    multipliers = {**_MULTIPLIERS[DEFAULT], **(_MULTIPLIERS[language])}
    currency = _words("currency", language)
    lead_ins = _words("lead_ins", language)
    percent = _words("percent", language)
    # Each alternative starts at a digit and no repeat is nested, so matching stays linear.
    number = re.compile(
        r"(?:(?<!\w)(?P<sign>[-+]))?(?:(?P<cur>[$€£¥₹₩₽₺₪₫₴₦₱฿])(?P<sign2>[-+])?)?"
        rf"(?P<digits>\d{{1,3}}(?:{g}\d{{3}}(?!\d))+(?:{d}\d+)?|\d+(?:{d}\d+)?|{d}\d+)"
        r"(?P<exp>e[-+]?\d+)?"
        rf"(?:\s?(?P<mult>{_alternation(multipliers)})(?!\w))?"
    )
    # A comma continues a number where it stands between thousands ("1,250") or is the decimal
    # mark ("1,5" in German); elsewhere it separates key results.
    comma_in_number = r",(?!\d{3}(?!\d))" if group == "," else r",(?!\d)"
    return Lexicon(
        group=group,
        decimal=decimal,
        skip=_words("skip", language),
        no_change=_words("no_change", language),
        done=_words("done", language),
        yes=_words("yes", language),
        no=_words("no", language),
        still=tuple(dict.fromkeys((_STILL[DEFAULT], _STILL[language]))),
        head_words=lead_ins | currency | _SEPARATORS,
        currency_words=currency,
        label_stopwords=lead_ins
        | currency
        | _SEPARATORS
        | frozenset(multipliers)
        | _words("label_stopwords", language),
        multipliers=multipliers,
        mood={
            phrase: score
            for source in (_MOOD[DEFAULT], _MOOD[language])
            for word, score in source.items()
            for phrase in phrases(word)
        },
        nothing=_words("nothing", language),
        keep=_words("keep", language),
        passes=_words("pass", language),
        number=number,
        percent=re.compile(rf"[%٪]|(?<!\w)(?:{_alternation(percent)})(?!\w)"),
        currency_word=re.compile(rf"(?<![^\W\d_])(?:{_alternation(currency)})(?!\w)"),
        wrong_decimal=re.compile(rf"\d{g}\d{{1,2}}(?!\d)"),
        segment_split=re.compile(rf"[;\n\r|]+|(?<!\d),|{comma_in_number}"),
        and_split=re.compile(rf"\s+(?:{_alternation(_words('and', language))})\s+"),
        out_of=_alternation(_words("out_of", language)),
    )


def here() -> Lexicon:
    """The lexicon of the language in force."""
    return lexicon(current())


def translated_nothing() -> frozenset[str]:
    """What our languages other than English say for "nothing": for reading text someone else
    typed, whatever language they wrote it in."""
    return frozenset().union(
        *(phrases(_WORDS[language]["nothing"]) for language in LANGUAGES if language != DEFAULT)
    )
