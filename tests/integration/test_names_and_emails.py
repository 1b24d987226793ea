"""Look-alike names and control characters are stripped or refused at the edge (SECURITY row 25): what a
person types as a name is stored without NUL, bidi overrides or invisible characters, wherever they type it."""

from __future__ import annotations

from mall.catalog import services as catalog
from tests.integration.catalog_helpers import TEA_DEFS, api_product, product_form, token
from tests.integration.shops_helpers import application, no_file

DIRTY = "\u202e\x00"  # a right-to-left override and a NUL
CYRILLIC_O = "\u043e"


async def test_sign_up_stores_the_name_without_control_or_bidi_characters(web, container):
    await web.page("/signup")
    typed = {"email": "amy@example.test", "password": "long-enough-1", "name": f"{DIRTY}Amy\u200b Lee{DIRTY}"}
    assert (await web.form("/signup", typed)).status_code == 302
    assert (await container.users.by_email("amy@example.test")).name == "Amy Lee"


async def test_a_name_of_nothing_but_hidden_characters_is_refused(web, container):
    await web.page("/signup")
    response = await web.form("/signup", {"email": "amy@example.test", "password": "long-enough-1", "name": DIRTY})
    assert response.status_code == 422 and "This field is required." in response.text
    assert await container.users.by_email("amy@example.test") is None


async def test_a_look_alike_of_someones_email_cannot_register(web, factory, container):
    await factory.user(email="shopper2@demo.mall")
    look_alike = f"sh{CYRILLIC_O}pper2@demo.mall"
    await web.page("/signup")
    response = await web.form("/signup", {"email": look_alike, "password": "long-enough-1", "name": "Mallory"})
    assert response.status_code == 422
    assert "mixes letters of different alphabets" in response.text
    assert await container.users.by_email(look_alike) is None


async def test_an_email_typed_full_width_or_in_capitals_is_the_same_account(web, api, container):
    await web.page("/signup")
    full_width = "\uff21\uff4d\uff59@example.test"  # Ａｍｙ
    assert (
        await web.form("/signup", {"email": full_width, "password": "long-enough-1", "name": "Amy"})
    ).status_code == 302
    assert (await container.users.by_email("amy@example.test")) is not None
    signed_in = await api.post("/api/v1/auth/token", json={"email": "AMY@example.test", "password": "long-enough-1"})
    assert signed_in.status_code == 200
    again = await api.post(
        "/api/v1/auth/register", json={"email": "amy@EXAMPLE.test", "password": "long-enough-1", "name": "Amy"}
    )
    assert again.status_code == 422


async def test_a_shop_name_is_stored_clean(web, factory, container):
    applicant = await factory.user()
    await web.sign_in(applicant.email)
    await web.page("/apply")
    response = await web.form("/apply", application(name=f"Mountain{DIRTY} Tea"), files=no_file())
    assert response.status_code == 302
    assert (await container.shops.by_owner(applicant.id)).name == "Mountain Tea"


async def test_product_and_variant_names_are_stored_clean_from_the_api(api, factory, container):
    merchant = await factory.merchant()
    await factory.attributes(merchant.shop_id, TEA_DEFS)
    body = api_product(
        name={"en": f"Alishan{DIRTY} Oolong", "zh_Hant": f"阿里山{DIRTY}烏龍茶"},
        variants=[{"sku": "AL-150", "price": 98000, "stock": 5, "options": {f"weight{DIRTY}": f"150g{DIRTY}"}}],
    )
    response = await api.post("/api/v1/merchant/products", json=body, headers=await token(api, merchant.email))
    assert response.status_code == 201, response.text
    product = await container.products.get(response.json()["id"])
    assert product.name == {"en": "Alishan Oolong", "zh_Hant": "阿里山烏龍茶"}
    assert product.variants[0].options == {"weight": "150g"}


async def test_product_and_variant_names_are_stored_clean_from_the_merchant_form(web, factory, container):
    merchant = await factory.merchant()
    await factory.attributes(merchant.shop_id, TEA_DEFS)
    await web.sign_in(merchant.email)
    await web.page("/merchant/products/new")
    form = product_form(
        name_en=f"Dongding{DIRTY} Oolong",
        **{"dim.0.name": f"weight{DIRTY}", "dim.0.values": "150g", "v.a1.opt.0": f"150g{DIRTY}"},
    )
    assert (await web.form("/merchant/products/new", form)).status_code == 302
    rows, _total = await catalog.merchant_products(
        container.products, container.attribute_sets, shop_id=merchant.shop_id
    )
    (product,) = [row.product for row in rows]
    assert product.name["en"] == "Dongding Oolong"
    assert product.variants[0].options == {"weight": "150g"}


async def test_a_recipient_name_is_stored_clean(web, factory, container):
    shopper = await factory.user()
    await web.sign_in(shopper.email)
    await web.page("/account/addresses/new")
    address = {"name": f"{DIRTY}Amy\u2066 Lee", "phone": "0912-345-678", "postal_code": "100", "region": "TPE",
               "line": "No. 1, Section 1, Zhongxiao Road"}  # fmt: skip
    assert (await web.form("/account/addresses", address)).status_code == 303
    (saved,) = await container.addresses.list_for(shopper.id)
    assert saved.name == "Amy Lee"
