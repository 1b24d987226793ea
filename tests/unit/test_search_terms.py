"""Search terms: what a shopper types must find what a person expects, in Traditional Chinese and English."""

from mall.catalog.search import MAX_QUERY_TERMS, index_terms, query_terms, singular

CATALOG = {
    "dongding": index_terms("Dong Ding Oolong Tea", "凍頂烏龍茶", "茶葉", "TEA-DD-150"),
    "alishan": index_terms("Alishan High Mountain Oolong", "阿里山高山烏龍茶", "茶葉"),
    "black_tea": index_terms("Sun Moon Lake Black Teas", "日月潭紅茶"),
    "earphones": index_terms("Bluetooth Earphones", "藍牙耳機", "耳機", "BT-500"),
    "kettle": index_terms("Cast Iron Kettle", "鑄鐵壺"),
    "cups": index_terms("Tea Cups (set of 4)", "品茗杯組"),
}


def search(q: str) -> set[str]:
    wanted = query_terms(q)
    return {name for name, terms in CATALOG.items() if set(wanted) <= set(terms)}


def test_one_chinese_character_finds_every_product_containing_it():
    assert search("茶") == {"dongding", "alishan", "black_tea"}


def test_a_chinese_word_finds_it_regardless_of_how_jieba_segments_the_name():
    assert search("烏龍茶") == {"dongding", "alishan"}
    assert search("高山烏龍") == {"alishan"}
    assert search("耳機") == {"earphones"}


def test_earphones_never_match_tea_and_tea_never_matches_earphones():
    assert "dongding" not in search("耳機")
    assert "earphones" not in search("茶")


def test_english_is_case_insensitive_and_plural_or_singular():
    expected = {"dongding", "black_tea", "cups"}
    assert search("tea") == expected
    assert search("Tea") == expected
    assert search("TEAS") == expected
    assert search("earphone") == {"earphones"}
    assert search("Earphones") == {"earphones"}


def test_mixed_language_query_needs_both_parts():
    assert search("oolong 凍頂") == {"dongding"}
    assert search("kettle 茶") == set()


def test_sku_codes_are_searchable_by_their_parts():
    assert search("bt-500") == {"earphones"}
    assert search("TEA-DD-150") == {"dongding"}


def test_index_terms_hold_jieba_words_characters_bigrams_and_latin_words_sorted_and_unique():
    terms = index_terms("凍頂烏龍茶 Oolong Teas", "凍頂烏龍茶")
    assert terms == sorted(set(terms))
    assert {"凍頂", "烏龍", "茶", "凍", "頂", "龍茶", "頂烏", "oolong", "teas", "tea"} <= set(terms)


def test_query_terms_use_bigrams_for_longer_chinese_runs_and_ignore_punctuation():
    assert query_terms("烏龍茶！") == ["烏龍", "龍茶"]
    assert query_terms("茶") == ["茶"]
    assert query_terms("  , . !! ") == []
    assert query_terms("") == []


def test_full_width_latin_is_folded_like_half_width():
    assert query_terms("ＴＥＡ") == ["tea"]


def test_query_terms_are_capped_and_deduplicated():
    assert len(query_terms("一二三四五六七八九十百千萬億兆")) == MAX_QUERY_TERMS
    assert query_terms("tea teas Tea") == ["tea"]


def test_operator_like_input_is_just_text():
    assert query_terms("{'$ne': 1}") == ["ne", "1"]


def test_singular_is_naive_but_consistent():
    assert [singular(w) for w in ["teas", "earphones", "batteries", "boxes", "glass", "500g", "bus"]] == [
        "tea",
        "earphone",
        "battery",
        "box",
        "glass",
        "500g",
        "bus",
    ]
