"""Place lookup: ids, names and aliases in any script; one precedence rule; never a silent pick."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import connectivity as cn
from connectivity.errors import AmbiguousPlaceError, UnknownIdError
from connectivity.tables import place_index_of
from connectivity.tables.places import (
    exact_key,
    find_place,
    normalise,
    place_aliases,
    place_index,
)


@pytest.fixture(scope="module")
def net():
    return cn.load_bundled()


@pytest.fixture(scope="module")
def index(net):
    return place_index_of(net)


def _small():
    return place_index(pd.DataFrame({
        "place_id": ["UZ_ALAT", "AZ_ALAT_PORT", "CN_KHORGOS", "KZ_ALTYNKOL", "KZ_BREST",
                     "BY_BREST"],
        "name": ["Olot (Alat)", "Port of Baku (Alat)", "Khorgos (CN)", "Altynkol",
                 "Brest", "Brest"],
        "country": ["UZ", "AZ", "CN", "KZ", "KZ", "BY"],
        "aliases": ["Алат", "Alat;Ələt", "霍尔果斯", "Khorgos;Хоргос", None, "Брест"],
    }))


# --------------------------------------------------------------------------- normalise


def test_normalise_keeps_every_script_and_drops_accents():
    assert normalise("Алматы") == "алматы" and normalise("АЛМАТЫ") == "алматы"
    assert normalise("西安") == "西安" and normalise("乌鲁木齐") == "乌鲁木齐"
    assert normalise("Қорғас") == "қорғас"  # Kazakh letters have no decomposition
    assert normalise("Ürümqi") == normalise("Urumqi") == "urumqi"
    assert normalise("Xi'an") == normalise("Xi’an") == normalise("XIAN") == "xian"
    assert normalise("Qoʻqon") == normalise("Qo'qon") == "qoqon"  # modifier apostrophe
    assert normalise("Łódź") == "lodz" and normalise("Türkmenbaşy") == "turkmenbasy"
    assert normalise("Nur-Sultan") == normalise("nur sultan")


def test_exact_key_keeps_accents_but_not_case():
    assert exact_key("ALAT") == exact_key("alat") != exact_key("Ålat")
    assert exact_key(" Port  of Baku ") == "port of baku"


# --------------------------------------------------------------------------- precedence


def test_id_then_exact_then_normalised():
    small = _small()
    assert find_place(small, "UZ_ALAT") == "UZ_ALAT"
    assert find_place(small, "uz_alat") == "UZ_ALAT"  # an id in any case
    # "alat" normalises to both (UZ_ALAT's id without its prefix, the port's alias), but
    # the exact alias decides first
    assert find_place(small, "Alat") == "AZ_ALAT_PORT"
    assert find_place(small, "ALAT") == "AZ_ALAT_PORT"
    assert find_place(small, "Olot") == "UZ_ALAT"
    assert find_place(small, "Алат") == "UZ_ALAT"
    assert find_place(small, "Ələt") == "AZ_ALAT_PORT"
    assert find_place(small, "Olot (Alat)") == "UZ_ALAT"  # the whole display name


def test_a_normalised_collision_is_ambiguous():
    small = _small()
    with pytest.raises(AmbiguousPlaceError) as err:
        find_place(small, "Ålat")  # exact matches nothing; normalised matches both
    assert err.value.candidates == ("UZ_ALAT", "AZ_ALAT_PORT")
    assert str(err.value) == ("place 'Ålat' is ambiguous: UZ_ALAT (Olot (Alat), UZ), "
                              "AZ_ALAT_PORT (Port of Baku (Alat), AZ); give an id")


def test_names_shared_at_one_level_are_ambiguous():
    small = _small()
    with pytest.raises(AmbiguousPlaceError, match=r"KZ_BREST \(Brest, KZ\), "
                                                   r"BY_BREST \(Brest, BY\)"):
        find_place(small, "brest")
    assert find_place(small, "Брест") == "BY_BREST"
    with pytest.raises(AmbiguousPlaceError, match="CN_KHORGOS .*KZ_ALTYNKOL"):
        find_place(small, "khorgos")  # a name head in China, an alias in Kazakhstan
    assert find_place(small, "霍尔果斯") == "CN_KHORGOS"


def test_ambiguity_is_an_unknown_id_error_and_unknowns_get_suggestions():
    assert issubclass(AmbiguousPlaceError, UnknownIdError)
    small = _small()
    with pytest.raises(UnknownIdError, match=r"did you mean 'KZ_ALTYNKOL' \(Altynkol\)"):
        find_place(small, "Altynkl")
    with pytest.raises(UnknownIdError, match=r"did you mean 'KZ_ALTYNKOL' \(Altynkol\)"):
        find_place(small, "Хоргас")  # close to an alias in Cyrillic
    with pytest.raises(UnknownIdError, match="no place id or name is close"):
        find_place(small, "Zanzibar")


def test_a_table_without_aliases_or_countries_still_resolves():
    plain = place_index(pd.DataFrame({"place_id": ["KZ_A", "KZ_B"], "name": ["A", "A"]}))
    assert find_place(plain, "kz_a") == "KZ_A"
    with pytest.raises(AmbiguousPlaceError, match=r"KZ_A \(A\), KZ_B \(A\)"):
        find_place(plain, "a")


# --------------------------------------------------------------------------- bundled data


@pytest.mark.parametrize(("query", "expected"), [
    ("Алматы", "KZ_ALMATY"), ("Ташкент", "UZ_TASHKENT"), ("西安", "CN_XIAN"),
    ("Nur-Sultan", "KZ_ASTANA"), ("Frunze", "KG_BISHKEK"), ("Alataw", "CN_ALASHANKOU"),
    ("Druzhba", "KZ_DOSTYK"), ("Alat", "AZ_ALAT_PORT"), ("Olot", "UZ_ALAT"),
    ("Akmola", "KZ_ASTANA"), ("Tselinograd", "KZ_ASTANA"), ("Alma-Ata", "KZ_ALMATY"),
    ("Leninabad", "TJ_KHUJAND"), ("Krasnovodsk", "TM_TURKMENBASHI"),
    ("Horgos", "CN_KHORGOS"), ("Korgas", "CN_KHORGOS"), ("Kashi", "CN_KASHGAR"),
    ("Urumchi", "CN_URUMQI"), ("Ürümqi", "CN_URUMQI"), ("Toshkent", "UZ_TASHKENT"),
    ("Samarqand", "UZ_SAMARKAND"), ("Buxoro", "UZ_BUKHARA"), ("Ashkhabad", "TM_ASHGABAT"),
    ("Душанбе", "TJ_DUSHANBE"), ("Sian", "CN_XIAN"), ("Xian", "CN_XIAN"),
    ("Qoʻqon", "UZ_KOKAND"), ("Khorgos Gateway", "KZ_KHORGOS_GATEWAY"),
    ("Nur Zholy", "KZ_ALTYNKOL"), ("Baku", "AZ_BAKU"), ("alat port", "AZ_ALAT_PORT"),
])
def test_bundled_names_in_any_language(index, query, expected):
    assert find_place(index, query) == expected


def test_khorgos_is_ambiguous_with_countries(index):
    with pytest.raises(AmbiguousPlaceError) as err:
        find_place(index, "Khorgos")
    message = str(err.value)
    assert message.startswith("place 'Khorgos' is ambiguous: CN_KHORGOS (Khorgos (CN), CN)")
    assert "KZ_KHORGOS_GATEWAY (Khorgos Gateway dry port, KZ)" in message
    assert message.endswith("; give an id")
    assert {"CN_KHORGOS", "KZ_KHORGOS_GATEWAY"} <= set(err.value.candidates)


def test_every_bundled_alias_names_its_place_or_is_reported_ambiguous(net, index):
    aliases = place_aliases(net.places)
    assert sum(len(a) for a in aliases.values()) >= 300
    for pid, names in aliases.items():
        for alias in names:
            try:
                assert find_place(index, alias) == pid, alias
            except AmbiguousPlaceError as err:
                assert pid in err.candidates, alias


#: Capitals, border crossing places and ports when the aliases were curated (places added
#: later are listed by build_data.py until they have aliases).
CURATED = (
    "KZ_ASTANA KG_BISHKEK TJ_DUSHANBE UZ_TASHKENT TM_ASHGABAT CN_BEIJING AZ_BAKU "
    "GE_TBILISI IR_TEHRAN AF_KABUL RU_MOSCOW BY_MINSK PL_WARSAW DE_BERLIN HU_BUDAPEST "
    "AT_VIENNA "
    "AF_HAIRATAN AF_HERAT AZ_ALAT_PORT BY_BREST CN_ALASHANKOU CN_KASHGAR CN_KHORGOS "
    "CN_TACHENG DE_DUISBURG GE_AKHALKALAKI IR_INCHEH_BORUN IR_MASHHAD IR_SARAKHS "
    "KG_IRKESHTAM KG_JALALABAD KG_KARASUU KG_TORUGART KZ_AKTOBE KZ_ALMATY KZ_ALTYNKOL "
    "KZ_ATYRAU KZ_BAKHTY KZ_BOLASHAK KZ_DOSTYK KZ_LUGOVOY KZ_OASIS KZ_PETROPAVL "
    "KZ_SARYAGASH KZ_SHYMKENT NL_ROTTERDAM PK_PESHAWAR PL_LODZ PL_MALASZEWICZE "
    "RO_CONSTANTA RU_ASTRAKHAN RU_ORENBURG TJ_KHUJAND TJ_KULMA TJ_SHAHRTUZ TJ_TURSUNZODA "
    "TM_BEREKET TM_DASHOGUZ TM_ETREK TM_FARAP TM_SARAHS TM_SERHETABAT TR_KARS UZ_ALAT "
    "UZ_ANDIJAN UZ_DENOV UZ_KOKAND UZ_NUKUS UZ_TERMEZ UZ_URGENCH "
    "CN_LIANYUNGANG CN_TIANJIN CN_QINGDAO CN_SHANGHAI CN_XIAN KZ_KHORGOS_GATEWAY KZ_AKTAU "
    "KZ_KURYK TJ_PANJI_POYON TM_TURKMENBASHI GE_POTI GE_BATUMI TR_ISTANBUL IR_BANDAR_ABBAS "
    "DE_HAMBURG"
).split()


def test_every_capital_crossing_place_and_port_has_aliases(net):
    aliases = place_aliases(net.places)
    missing = [p for p in CURATED if p in aliases and not aliases[p]]
    assert not missing
    assert sum(p in aliases for p in CURATED) >= 80


def test_the_ferry_to_alat_lands_in_azerbaijan(net):
    r = cn.route(net, "Aktau", "Alat", require_modes=["ferry"])
    assert r.destination == "AZ_ALAT_PORT"
    assert all(not leg.to_place.startswith("UZ_") for leg in r.legs)


# --------------------------------------------------------------------------- command line


def test_cli_route_in_cyrillic(cli):
    out = json.loads(cli("route", "Алматы", "Ташкент", "--format", "json").stdout)
    assert (out["origin"], out["destination"]) == ("KZ_ALMATY", "UZ_TASHKENT")


def test_cli_ambiguous_place_is_a_one_line_error(cli):
    proc = cli("route", "Khorgos", "Almaty", check=False)
    assert proc.returncode == 2
    assert "place 'Khorgos' is ambiguous: CN_KHORGOS (Khorgos (CN), CN)" in proc.stderr
    assert "KZ_KHORGOS_GATEWAY" in proc.stderr and "give an id" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
