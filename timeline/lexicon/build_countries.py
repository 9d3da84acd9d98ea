"""Generate countries.json and places.json from CLDR (babel) and ISO 3166 (pycountry).

Build-time only: babel and pycountry are not runtime dependencies.  Run once and
commit the output::

    pip install babel pycountry
    python -m timeline.lexicon.build_countries

Generated: every ISO 3166-1 country and territory with its everyday Chinese name
(CLDR zh), its official name (pycountry zh_CN), its Taiwan and Hong Kong forms (CLDR
zh_Hant, zh_Hant_HK and pycountry zh_TW/zh_HK), CLDR's exemplar cities with their
country, and first-level subdivisions of countries whose pycountry zh_CN catalogue is
reliable.  Merged from sources/: the hand-curated abbreviations, X方 forms, capitals
and the places the catalogues lack.
"""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"

# Subdivision types whose zh_CN names are complete and correct enough to use as is.
SUBDIVISION_TYPES = {
    "US": {"State", "District"},
    "CN": {"Province", "Municipality", "Autonomous region"},
    "CA": {"Province", "Territory"},
    "AU": {"State", "Territory"},
    "DE": {"Land"},
    "JP": {"Prefecture"},
    "IN": {"State", "Union territory"},
    "IR": {"Province"},
    "SY": {"Province"},
    "IT": {"Region", "Autonomous region"},
    "FR": {"Metropolitan region"},
    "ES": {"Autonomous community"},
}
# Catalogue entries that are wrong (checked by hand against their zh_TW entry).
BAD_SUBDIVISIONS = {"IN-SK", "IN-AR", "IR-00", "CN-TW"}
# Suffixes dropped for a short alias (明尼苏达州 → 明尼苏达).  Not 县/邦/府: their short
# forms are surnames and common words (山口, 石川, 中央, 北方).
SUFFIXES = ("州", "省")
CJK = re.compile(r"[\u4e00-\u9fff]")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def has_cjk(text: str | None) -> bool:
    return bool(text) and bool(CJK.search(text))


def catalogue(domain: str, language: str):
    import pycountry

    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language])


def build_countries(extra: dict[str, Any]) -> list[dict[str, Any]]:
    import pycountry
    from babel import Locale

    zh, zh_tw, zh_hk, en = (Locale.parse(x) for x in ("zh", "zh_Hant", "zh_Hant_HK", "en"))
    cat = {lang: catalogue("iso3166-1", lang) for lang in ("zh_CN", "zh_TW", "zh_HK")}
    not_names = set(extra["not_names"])
    rows = []
    for country in pycountry.countries:
        a2, a3 = country.alpha_2, country.alpha_3
        official_en = getattr(country, "official_name", None)
        names = [
            zh.territories.get(a2),
            zh_tw.territories.get(a2),
            zh_hk.territories.get(a2),
            *(cat[lang].gettext(country.name) for lang in cat),
        ]
        official = cat["zh_CN"].gettext(official_en) if official_en else None
        rows.append({
            "code": a3,
            "alpha2": a2,
            "name": zh.territories.get(a2) or cat["zh_CN"].gettext(country.name),
            "name_en": en.territories.get(a2) or getattr(country, "common_name", country.name),
            "official": official if has_cjk(official) and official not in not_names else None,
            "official_en": official_en,
            "zh_TW": zh_tw.territories.get(a2),
            "zh_HK": zh_hk.territories.get(a2),
            "aliases": [n for n in names + [official] if has_cjk(n) and n not in not_names],
        })
    for added in extra["extra_countries"]:
        rows.append({**added, "official_en": None,
                     "aliases": [added["official"], added["zh_TW"], added["zh_HK"]]})
    for row in rows:
        curated = extra["countries"].get(row["code"], {})
        row["name"] = curated.get("name", row["name"])
        row["name_en"] = curated.get("name_en", row["name_en"])
        aliases = row["aliases"] + curated.get("aliases", [])
        row["aliases"] = sorted({a for a in aliases if a and a != row["name"]})
        for key in ("abbr", "abbr_ambiguous"):
            row[key] = curated.get(key)
        row["forms"] = curated.get("forms", [])
        row["forms_ambiguous"] = curated.get("forms_ambiguous", [])
    return rows


class Places:
    """Places keyed by (Chinese name, country); later sources add aliases."""

    def __init__(self, taken: set[str], skip: set[str]):
        self.rows: dict[tuple[str, str | None], dict[str, Any]] = {}
        self.taken = taken  # country names: a city never takes one (巴林, 新加坡)
        self.skip = skip

    def add(self, name: str, name_en: str, country: str | None, kind: str,
            aliases: list[str] = (), capital: bool = False, curated: bool = False) -> None:
        """Add a place or names to it; a curated place takes over a generated one that
        goes by one of its aliases (加沙地带 over CLDR's city 加沙)."""
        if curated:
            for alias in aliases:
                taken = self.rows.get((alias, country))
                if taken and not taken["capital"]:
                    del self.rows[(alias, country)]
        key = (name, country)
        row = self.rows.get(key)
        if row is None:
            if name in self.taken or name in self.skip:
                return
            row = self.rows[key] = {"name": name, "name_en": name_en, "country": country,
                                    "kind": kind, "capital": False, "aliases": []}
        else:
            row["kind"] = kind if kind != "city" else row["kind"]
            row["name_en"] = name_en or row["name_en"]
        row["capital"] = row["capital"] or capital
        for alias in aliases:
            if has_cjk(alias) and alias != name and alias not in row["aliases"]:
                row["aliases"].append(alias)

    def names(self) -> set[str]:
        return {n for row in self.rows.values() for n in [row["name"], *row["aliases"]]}

    def finish(self) -> list[dict[str, Any]]:
        out, seen = [], set()
        for row in sorted(self.rows.values(), key=lambda r: (r["country"] or "", r["name_en"])):
            slug = slugify(row["name_en"]) + (f"-{row['country'].lower()}" if row["country"] else "")
            while slug in seen:
                slug += "-2"
            seen.add(slug)
            out.append({"slug": slug, **row})
        return out


def exemplar_cities(places: Places, alpha2_to_3: dict[str, str]) -> None:
    from babel import Locale
    from babel.core import get_global

    zh, zh_tw, zh_hk, en = (Locale.parse(x) for x in ("zh", "zh_Hant", "zh_Hant_HK", "en"))
    territories = get_global("zone_territories")
    aliases = get_global("zone_aliases")
    for zone, data in zh._data["time_zones"].items():
        city = data.get("city")
        a2 = territories.get(zone) or territories.get(aliases.get(zone, ""))
        country = alpha2_to_3.get(a2 or "")
        if not city or not country or zone.startswith(("Etc/", "Antarctica/")):
            continue
        if country == "USA" and "州" in city:  # "北达科他州比尤拉": county seats, not news cities
            continue
        city_en = en._data["time_zones"].get(zone, {}).get("city") or zone.split("/")[-1].replace("_", " ")
        forms = [zh_tw._data["time_zones"].get(zone, {}).get("city"),
                 zh_hk._data["time_zones"].get(zone, {}).get("city")]
        places.add(city, city_en, country, "city", [f for f in forms if f])


def subdivisions(places: Places, alpha2_to_3: dict[str, str]) -> None:
    import pycountry

    zh_cn, zh_tw = catalogue("iso3166-2", "zh_CN"), catalogue("iso3166-2", "zh_TW")
    taken = places.names() | places.taken
    for sub in pycountry.subdivisions:
        types = SUBDIVISION_TYPES.get(sub.country_code)
        if not types or sub.type not in types or sub.code in BAD_SUBDIVISIONS:
            continue
        name = zh_cn.gettext(sub.name)
        if not has_cjk(name):
            continue
        country = alpha2_to_3[sub.country_code]
        short = name[:-1] if name.endswith(SUFFIXES) and len(name) > 2 else None
        same = places.rows.get((name, country)) or places.rows.get((short, country))
        if same:  # 北京市 is Beijing, 柏林 (Land) is the capital already listed
            places.add(same["name"], same["name_en"], country, same["kind"], [name])
            continue
        forms = [zh_tw.gettext(sub.name)]
        if short and short not in taken:  # 明尼苏达州 → 明尼苏达, never 纽约州 → 纽约
            forms.append(short)
        forms = [f for f in forms if not f.endswith(("语", "語"))]
        places.add(name, sub.name, country, "region", forms)


def write_rows(path: Path, about: str, key: str, rows: list[dict[str, Any]]) -> None:
    """One entity per line: diffs stay readable."""
    body = ",\n".join("  " + json.dumps(row, ensure_ascii=False) for row in rows)
    path.write_text(
        "{\n" + f' "_about": {json.dumps(about, ensure_ascii=False)},\n'
        + f' "{key}": [\n{body}\n ]\n}}\n', encoding="utf-8")


def main() -> None:
    extra = json.loads((SOURCES / "countries_extra.json").read_text(encoding="utf-8"))
    places_extra = json.loads((SOURCES / "places_extra.json").read_text(encoding="utf-8"))
    countries = build_countries(extra)
    alpha2_to_3 = {row["alpha2"]: row["code"] for row in countries}
    country_names = {n for row in countries for n in [row["name"], *row["aliases"]]}
    places = Places(country_names, set(places_extra["skip"]))
    for row in countries:
        capital = extra["countries"].get(row["code"], {}).get("capital")
        if capital:
            places.add(capital[0], capital[1], row["code"], "city", capital[2], capital=True)
    exemplar_cities(places, alpha2_to_3)
    for name, name_en, country, kind, aliases in places_extra["places"]:
        places.add(name, name_en, country, kind, aliases, curated=True)
    subdivisions(places, alpha2_to_3)
    place_rows = places.finish()
    capitals = {(p["country"]): p["slug"] for p in place_rows if p["capital"]}
    for row in countries:
        row["capital"] = capitals.get(row["code"])
    write_rows(HERE / "countries.json",
               "Generated by build_countries.py from CLDR (babel) and pycountry, merged with "
               "sources/countries_extra.json. Do not edit by hand.", "countries", countries)
    write_rows(HERE / "places.json",
               "Generated by build_countries.py from CLDR exemplar cities, pycountry subdivisions "
               "and sources/places_extra.json. Do not edit by hand.", "places", place_rows)
    print(f"{len(countries)} countries, {len(place_rows)} places")


if __name__ == "__main__":
    main()
