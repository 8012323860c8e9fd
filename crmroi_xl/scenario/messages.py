"""How a problem is worded: one line each, in French or English, keyed by its type.

Every way a scenario comes in -- a JSON or YAML file, a flat row, a batch --
reports pydantic's validation errors through this module, so a problem reads
the same wherever it was found::

    examples/pme.yaml: costs[0].seats: must be >= 0, got -1
    examples/pme.yaml: costs[0].seats: doit être >= 0, trouvé -1

The wording is chosen by the error's *type* (pydantic's ``missing``,
``less_than_equal`` ... and the model's own types, such as ``empty_case``),
never by the English text of a message, so both languages say the same thing.
:func:`message` gives the wording of one type for a language and a value:
what any reader of scenarios (files, rows, workbook cells) asks for.

What is echoed of a value is capped (:func:`echo`): a 100 kB label or a list
of 10 000 lines is described in a few words, never repeated.

>>> message("less_than_equal", "fr", 12, le=10)
'doit être <= 10, trouvé 12'
>>> message("less_than_equal", "en", 22, le=1, share=True)
'must be <= 1, got 22 (22 % is 0.22)'
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import types
import typing
import unicodedata
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from .labels import Lang
from .model import Scenario
from .values import PERCENTAGE

__all__ = [
    "MAX_ECHO",
    "MAX_PROBLEMS",
    "WORDING",
    "describe_error",
    "echo",
    "error_items",
    "field_path",
    "format_errors",
    "message",
    "shown",
]

#: Characters of a text value echoed in a message; longer text is cut with its length.
MAX_ECHO = 60

#: Problems listed for one scenario; more are counted in one last line.
MAX_PROBLEMS = 20

_NO_VALUE: Any = object()

#: The wording of each type of problem: type -> (French, English), ``str.format`` templates.
#: ``{value}`` is the value found, already echoed (:func:`echo`).
WORDING: dict[str, tuple[str, str]] = {
    # pydantic's types
    "missing": ("obligatoire, manquant", "required, missing"),
    "extra_forbidden": (
        "champ inconnu (valeur {value}){hint}",
        "unknown field (value {value}){hint}",
    ),
    "greater_than_equal": ("doit être >= {ge}, trouvé {value}", "must be >= {ge}, got {value}"),
    "greater_than": ("doit être > {gt}, trouvé {value}", "must be > {gt}, got {value}"),
    "less_than_equal": (
        "doit être <= {le}, trouvé {value}{hint}",
        "must be <= {le}, got {value}{hint}",
    ),
    "less_than": ("doit être < {lt}, trouvé {value}", "must be < {lt}, got {value}"),
    "float_parsing": ("doit être un nombre, trouvé {value}", "must be a number, got {value}"),
    "float_type": ("doit être un nombre, trouvé {value}", "must be a number, got {value}"),
    "int_parsing": (
        "doit être un nombre entier, trouvé {value}",
        "must be a whole number, got {value}",
    ),
    "int_type": (
        "doit être un nombre entier, trouvé {value}",
        "must be a whole number, got {value}",
    ),
    "int_from_float": (
        "doit être un nombre entier, trouvé {value}",
        "must be a whole number, got {value}",
    ),
    "finite_number": (
        "doit être un nombre fini, trouvé {value}",
        "must be a finite number, got {value}",
    ),
    "bool_parsing": (
        "doit être oui ou non (true ou false), trouvé {value}",
        "must be yes or no (true or false), got {value}",
    ),
    "bool_type": (
        "doit être oui ou non (true ou false), trouvé {value}",
        "must be yes or no (true or false), got {value}",
    ),
    "string_unicode": (
        "contient un caractère qui ne peut pas être enregistré (demi-paire UTF-16 isolée)",
        "holds a character that cannot be stored (a lone UTF-16 surrogate)",
    ),
    "string_type": ("doit être un texte, trouvé {value}", "must be text, got {value}"),
    "string_too_short": (
        "doit contenir au moins {min_length} caractère(s), trouvé {value}",
        "needs at least {min_length} character(s), got {value}",
    ),
    "string_too_long": (
        "au plus {max_length} caractères, trouvé {value}",
        "at most {max_length} characters, got {value}",
    ),
    "string_pattern_mismatch": (
        "n'a pas la forme attendue, trouvé {value}",
        "is not in the expected form, got {value}",
    ),
    "too_long": (
        "au plus {max_length} éléments, trouvé {actual_length}",
        "at most {max_length} items, got {actual_length}",
    ),
    "too_short": (
        "au moins {min_length} élément(s), trouvé {actual_length}",
        "at least {min_length} item(s), got {actual_length}",
    ),
    "list_type": ("doit être une liste, trouvé {value}", "must be a list, got {value}"),
    "dict_type": (
        "doit être une section de champs (nom: valeur), trouvé {value}",
        "must be a mapping of fields (name: value), got {value}",
    ),
    "model_type": (
        "doit être une section de champs (nom: valeur), trouvé {value}",
        "must be a mapping of fields (name: value), got {value}",
    ),
    "model_attributes_type": (
        "doit être une section de champs (nom: valeur), trouvé {value}",
        "must be a mapping of fields (name: value), got {value}",
    ),
    "enum": (
        "doit être l'une des valeurs {choices}, trouvé {value}{hint}",
        "must be one of {choices}, got {value}{hint}",
    ),
    "literal_error": (
        "doit être l'une des valeurs {choices}, trouvé {value}{hint}",
        "must be one of {choices}, got {value}{hint}",
    ),
    "too_large": (
        "doit être au plus {bound} en valeur absolue (ce qu'un tableur garde à l'unité "
        "près), trouvé {value}",
        "must be at most {bound} in size (what a spreadsheet keeps to the unit), got {value}",
    ),
    "recursion_loop": ("valeur qui se contient elle-même", "a value that contains itself"),
    # the model's own types (crmroi_xl.scenario.model)
    "bool_not_number": (
        "doit être un nombre, pas oui/non, trouvé {value}",
        "must be a number, not yes/no, got {value}",
    ),
    "label_blank": (
        "doit contenir au moins un caractère visible, trouvé {value}",
        "needs at least one visible character, got {value}",
    ),
    "label_character": (
        "le caractère {character} ne peut pas être enregistré dans un classeur",
        "character {character} cannot be stored in a workbook",
    ),
    "currency_code": (
        "doit être un code devise ISO 4217 de trois lettres majuscules "
        "(EUR, USD, GBP, CHF...), trouvé {value}",
        "must be a three-letter ISO 4217 currency code in capitals "
        "(EUR, USD, GBP, CHF...), got {value}",
    ),
    "too_many_years": (
        "{count} valeurs pour un horizon de {horizon} ans",
        "{count} values for a {horizon}-year horizon",
    ),
    "driver_mixed": (
        "le mode de calcul est '{driver}' mais {stray} est renseigné ; une ligne n'a qu'un "
        "mode de calcul : séparez-la en deux lignes",
        "the driver is '{driver}' but {stray} is given; a line has one driver: "
        "split it into two lines",
    ),
    "driver_of": ("{field} (mode '{driver}')", "{field} (driver '{driver}')"),
    "driver_field_only": (
        "{field} ne s'applique qu'au(x) mode(s) de calcul {drivers}",
        "{field} applies to the driver(s) {drivers} only",
    ),
    "intangible_only": (
        "seuls les bénéfices intangibles peuvent être exclus du ROI",
        "only intangible benefits can be left out of the ROI",
    ),
    "custom_kpi_label": (
        "un indicateur personnalisé a besoin d'un libellé",
        "a custom KPI needs a label",
    ),
    "percent_as_number": (
        "un pourcentage s'écrit en fraction : {percent} % s'écrit {fraction}, trouvé {value}",
        "percentages are fractions: {percent} % is {fraction}, got {value}",
    ),
    "kpi_unit": (
        "{kpi} est un pourcentage : son unité est le pourcentage (%), ou laissez-la vide",
        "{kpi} is a percentage: its unit is percent (%), or leave it blank",
    ),
    "after_horizon": (
        "l'année {year} est après l'horizon de {horizon} ans",
        "year {year} is after the {horizon}-year horizon",
    ),
    "kpi_missing": (
        "'{driver}' ({label}) a besoin de l'indicateur '{kpi}' (ses valeurs avant et "
        "après) dans kpis",
        "'{driver}' ({label}) needs the KPI '{kpi}' (its before and after values) in kpis",
    ),
    "kpi_repeated": (
        "'{driver}' ({label}) a besoin de l'indicateur '{kpi}' une fois ; il est donné "
        "{count} fois",
        "'{driver}' ({label}) needs the KPI '{kpi}' once; it is given {count} times",
    ),
    "option_repeated": (
        "le nom d'option « {name} » est donné deux fois : chaque option a un nom à elle",
        "the option name '{name}' is given twice: each option needs a name of its own",
    ),
    "status_quo_unknown": (
        "« {name} » n'est pas une option (options : {names})",
        "'{name}' is not an option (options: {names})",
    ),
    "capitalised_recurring": (
        "seul un montant ponctuel peut être immobilisé (capitalised) : cette ligne n'en a pas",
        "only a one-off amount can be capitalised: this line has none",
    ),
    "depreciation_missing": (
        "un ponctuel immobilisé a besoin d'une durée d'amortissement "
        "(depreciation_years, 1 à 10 ans)",
        "a capitalised one-off needs depreciation_years (1-10)",
    ),
    "depreciation_unused": (
        "depreciation_years ne s'applique qu'à une ligne immobilisée (capitalised)",
        "depreciation_years applies to a capitalised line only",
    ),
    "range_around": (
        "{field}_low et {field}_high doivent encadrer {field} ({value})",
        "{field}_low and {field}_high must hold {field} ({value})",
    ),
    "seats_twice": (
        "seats_by_year remplace seats : donnez l'un ou l'autre",
        "seats_by_year replaces seats: give one of them",
    ),
    "empty_case": (
        "cas vide : aucun coût et aucun bénéfice ; ajoutez au moins une ligne à costs ou "
        "à benefits",
        "an empty business case: no cost and no benefit; add at least one line to costs "
        "or benefits",
    ),
    # a flat file's cell, before validation
    "ambiguous_number": (
        "{value} est ambigu avec une virgule décimale (le point sépare les milliers dans "
        "Excel en allemand, italien, espagnol ou néerlandais) : écrivez {whole} pour un "
        "nombre entier, {decimal} pour des décimales",
        "{value} is ambiguous with decimal commas (a dot separates thousands in German, "
        "Italian, Spanish or Dutch Excel): write {whole} for a whole number, {decimal} for "
        "decimals",
    ),
    # a batch refused: another one writes into its output folder
    "batch_locked": (
        "{folder}: un autre lot (processus {pid}) écrit dans ce dossier ; attendez qu'il "
        "se termine ou choisissez un autre --out-dir",
        "{folder}: another batch (process {pid}) is writing into this folder; wait for it "
        "to end or choose another --out-dir",
    ),
    "batch_locked_unknown": (
        "{folder}: un autre lot écrit dans ce dossier ; attendez qu'il se termine ou "
        "choisissez un autre --out-dir",
        "{folder}: another batch is writing into this folder; wait for it to end or "
        "choose another --out-dir",
    ),
    # pieces of the lines above
    "percent_hint": (" ({percent} % s'écrit {fraction})", " ({percent} % is {fraction})"),
    "did_you_mean": (" ; vouliez-vous dire {name} ?", "; did you mean {name}?"),
    "see_schema": (
        " ; voir `crmroi schema` pour les champs",
        "; see `crmroi schema` for the fields",
    ),
    "more_problems": ("... et {count} autres problèmes", "... and {count} more problems"),
    "characters": ("{text} ({length} caractères)", "{text} ({length} characters)"),
    "text_of": ("un texte de {length} caractères", "a text of {length} characters"),
    "list_of": ("une liste de {length} éléments", "a list of {length} items"),
    "mapping_of": ("une section de {length} champs", "a mapping of {length} fields"),
    "digits": ("un nombre de {length} chiffres", "a number of {length} digits"),
    "nothing": ("rien (null)", "nothing (null)"),
    "unknown": ("valeur refusée ({detail}), trouvé {value}", "{detail}, got {value}"),
}


def _say(kind: str, lang: Lang, **fields: Any) -> str:
    french, english = WORDING[kind]
    return (french if lang == "fr" else english).format(**fields)


def message(kind: str, lang: Lang = "en", value: Any = _NO_VALUE, **context: Any) -> str:
    """The wording of one problem of type ``kind`` in ``lang``, echoing ``value``.

    ``context`` holds what the type's wording needs (pydantic's ``ctx``: the
    bound ``le``, the ``expected`` choices ...); ``share=True`` says the value is
    a fraction people may type as a whole percentage (the hint "10 % is 0.1").
    A type without a wording of its own gets pydantic's English text as ``detail``.

    >>> message("missing", "fr")
    'obligatoire, manquant'
    >>> message("enum", "en", "licence", expected="'licences' or 'other'")
    "must be one of licences, other, got 'licence'; did you mean licences?"
    >>> message("percent_as_number", "fr", 22)
    "un pourcentage s'écrit en fraction : 22 % s'écrit 0,22, trouvé 22"
    """
    fields: dict[str, Any] = {key: _bound(item) for key, item in context.items()}
    fields.setdefault("hint", "")
    fields["value"] = "" if value is _NO_VALUE else echo(value, lang)
    if kind in ("enum", "literal_error"):
        choices = re.findall(r"'([^']*)'", str(context.get("expected", "")))
        fields["choices"] = ", ".join(choices)
        fields["hint"] = _suggestion(value, choices, lang)
    if kind == "percent_as_number":
        if not _is_percent(value):  # 1.2 is not 1.2 % but 120 %: no hint then
            kind, fields["le"] = "less_than_equal", 1
        else:
            percent, fraction = _as_fraction(value, lang)
            fields.update(percent=percent, fraction=fraction)
    if kind == "less_than_equal" and context.get("share") and _is_percent(value):
        percent, fraction = _as_fraction(value, lang)
        fields["hint"] = _say("percent_hint", lang, percent=percent, fraction=fraction)
    if kind == "ambiguous_number":  # 1.234: how to write a thousand, how a decimal
        fields.update(whole=str(value).replace(".", ""), decimal=str(value).replace(".", ","))
    if kind == "string_too_long" and isinstance(value, str):
        fields["value"] = echo(value, lang, full=False)
    if kind == "driver_mixed":
        fields["stray"] = ", ".join(
            _say("driver_of", lang, field=name, driver=driver)
            for name, driver in context.get("stray", ())
        )
    if kind not in WORDING:
        fields.setdefault("detail", kind)
        kind = "unknown"
    try:
        return _say(kind, lang, **fields)
    except (KeyError, IndexError, ValueError):  # a context the wording does not expect
        return _say("unknown", lang, detail=kind, value=fields["value"])


def _bound(value: Any) -> Any:
    """A bound as a person reads it: 10 not 10.0, 1e+15 not 1000000000000000."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e9:
        return int(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1e9:
        return f"{value:.0e}"
    return value


def _is_percent(value: Any) -> bool:
    """A share typed as a whole percentage (10 for 10 %), not 1.2 (120 % typed as such)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and 2 <= value <= 100


def _as_fraction(value: float, lang: Lang) -> tuple[str, str]:
    percent, fraction = f"{value:g}", f"{value / 100:.10g}"
    if lang == "fr":
        percent, fraction = percent.replace(".", ","), fraction.replace(".", ",")
    return percent, fraction


def _suggestion(value: Any, choices: list[str], lang: Lang) -> str:
    if not isinstance(value, str) or not choices:
        return ""
    close = difflib.get_close_matches(value[:MAX_ECHO].lower(), choices, n=1, cutoff=0.6)
    return _say("did_you_mean", lang, name=close[0]) if close else ""


def echo(value: Any, lang: Lang = "en", *, full: bool = True) -> str:
    """A value as a message shows it: short, printable, never the whole of a big value.

    Text is quoted (control characters escaped) and cut at :data:`MAX_ECHO`
    characters with its length; a list or a mapping is counted, not listed
    (unless short and flat); a huge whole number gives its number of digits.
    With ``full=False`` long text shows only its length.

    >>> echo("abc"), echo(True), echo(None), echo([1, 2])
    ("'abc'", 'true', 'nothing (null)', '[1, 2]')
    >>> echo("x" * 1000)[-24:], echo(list(range(10_000)), "fr")
    ("xx'... (1000 characters)", 'une liste de 10000 éléments')
    """
    if value is None:
        return _say("nothing", lang)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if len(value) <= MAX_ECHO:
            return repr(value)
        if not full:
            return _say("text_of", lang, length=len(value))
        return _say(
            "characters", lang, text=repr(value[:MAX_ECHO])[:-1] + "'...", length=len(value)
        )
    if isinstance(value, int):
        if abs(value) >= 10**MAX_ECHO:
            return _say("digits", lang, length=int(math.log10(abs(value))) + 1)
        return repr(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        if len(value) <= 10 and all(isinstance(item, int | float | str) for item in value):
            text = "[" + ", ".join(echo(item, lang) for item in value) + "]"
            if len(text) <= 2 * MAX_ECHO:
                return text
        return _say("list_of", lang, length=len(value))
    if isinstance(value, Mapping):
        return _say("mapping_of", lang, length=len(value))
    return type(value).__name__


_SHOWN_AS_IS = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def shown(text: str, *, limit: int = 200) -> str:
    """``text`` safe to print or store: control, bidirectional and undecodable
    characters are written as escapes (``\\x01``), a file name's undecodable
    bytes as ``\\xe9``; at most ``limit`` characters.

    Names typed by users and file names found on disk go through it before they
    reach a terminal, a message or the batch summary.

    >>> shown("caf\\udce9.yaml"), shown("a\\x1b[31mb"), shown("Île-de-France")
    ('caf\\\\xe9.yaml', 'a\\\\x1b[31mb', 'Île-de-France')
    """
    out = []
    for character in text[: limit + 1]:
        code = ord(character)
        if character in _BIDI or (
            not character.isprintable()
            and character != " "
            and unicodedata.category(character) in _SHOWN_AS_IS
        ):
            if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
                out.append(f"\\x{code - 0xDC00:02x}")
            elif code < 0x100:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
        else:
            out.append(character)
    result = "".join(out)
    return result if len(text) <= limit else result[:limit] + "..."


def field_path(loc: tuple[int | str, ...]) -> str:
    """Dotted path of a pydantic error location: ``costs[0].seats``.

    >>> field_path(("costs", 0, "seats"))
    'costs[0].seats'
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = shown(str(part), limit=MAX_ECHO)
            out += f".{name}" if out else name
    return out or "(scenario)"


def _fields_at(loc: tuple[int | str, ...]) -> list[str]:
    """The field names of the section a location points into (for "did you mean")."""
    model: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        is_model = isinstance(model, type) and issubclass(model, BaseModel)
        info = model.model_fields.get(part) if is_model else None
        if info is None:
            return []
        model = _section_type(info.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _is_share(loc: tuple[int | str, ...]) -> bool:
    """Whether a location points to a fraction people type as a percentage (PERCENTAGE)."""
    names = [part for part in loc if isinstance(part, str)]
    if not names:
        return False
    model: Any = Scenario
    for name in names[:-1]:
        info = model.model_fields.get(name) if _is_model(model) else None
        if info is None:
            return False
        model = _section_type(info.annotation)
    info = model.model_fields.get(names[-1]) if _is_model(model) else None
    if info is None:
        return False
    if PERCENTAGE in info.metadata:
        return True
    items = typing.get_args(info.annotation)  # a list of shares: list[Share]
    return any(PERCENTAGE in typing.get_args(item)[1:] for item in items)


def _is_model(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, BaseModel)


def _section_type(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        elif origin is list:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def error_items(error: ValidationError) -> list[dict[str, Any]]:
    """pydantic's error items, the scenario's cross-field problems one item each.

    A check across fields (a line starting after the horizon ...) reports its
    problems together in one ``scenario_problems`` error; here each becomes an
    item at its own location, of its own type, without the scenario as input.

    >>> from crmroi_xl.scenario.model import Scenario
    >>> try:
    ...     Scenario.model_validate({"assumptions": {"name": "x", "horizon_years": 2},
    ...         "costs": [{"label": "a", "category": "other", "one_off": 1, "start_year": 3}]})
    ... except ValidationError as e:
    ...     [(i["loc"], i["type"]) for i in error_items(e)]
    [(('costs', 0, 'start_year'), 'after_horizon')]
    """
    items = []
    for item in error.errors(include_url=False):
        if item["type"] != "scenario_problems":
            items.append(dict(item))
            continue
        for loc, kind, context in (item.get("ctx") or {})["problems"]:
            items.append({"type": kind, "loc": (*item["loc"], *loc), "msg": "", "ctx": context})
    return items


def describe_error(item: Any, lang: Lang = "en") -> str:
    """What is wrong in one pydantic error item, in a few words, with the value found.

    >>> describe_error({"type": "missing", "loc": ("assumptions", "name"), "msg": ""}, "fr")
    'obligatoire, manquant'
    """
    kind, context = item["type"], dict(item.get("ctx") or {})
    context.pop("value", None)  # the model's own types repeat the input there
    value = item.get("input", _NO_VALUE)
    if kind == "missing":
        value = _NO_VALUE
    if kind == "extra_forbidden":
        loc = tuple(item.get("loc") or ())
        close = difflib.get_close_matches(str(loc[-1])[:MAX_ECHO], _fields_at(loc[:-1]), n=1)
        context["hint"] = (
            _say("did_you_mean", lang, name=close[0]) if close else _say("see_schema", lang)
        )
    if kind == "less_than_equal":
        context["share"] = _is_share(tuple(item.get("loc") or ()))
    if kind not in WORDING:
        context.setdefault("detail", _detail(item))
    return message(kind, lang, value, **context)


def _detail(item: Any) -> str:
    """Pydantic's own text of a problem without a wording here (English only)."""
    text = str((item.get("ctx") or {}).get("error") or item.get("msg") or item["type"])
    text = text.removeprefix("Value error, ")
    return text[:1].lower() + text[1:]


def format_errors(error: ValidationError, source: str, lang: Lang = "en") -> str:
    """One line per validation problem: ``source: field: what is wrong, got value``.

    At most :data:`MAX_PROBLEMS` lines; further problems are counted in one last line.
    """
    items = error_items(error)
    lines = []
    for item in items[:MAX_PROBLEMS]:
        where = f"{field_path(item['loc'])}: " if item["loc"] else ""
        lines.append(f"{source}: {where}{describe_error(item, lang)}")
    if len(items) > MAX_PROBLEMS:
        lines.append(f"{source}: {_say('more_problems', lang, count=len(items) - MAX_PROBLEMS)}")
    return "\n".join(lines)
