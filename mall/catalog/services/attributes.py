"""Each shop's attribute schema: the merchant's field definitions, from which the JSON Schema is generated.

Saving new definitions never rewrites products: a product that no longer fits is flagged on the merchant's
list and must be fixed on its next edit."""

from __future__ import annotations

from mall.catalog.models import LABEL_LOCALES, AttributeDef, AttrType
from mall.catalog.repository import AttributeSetRepository
from mall.catalog.schema_gen import KEY_RE
from mall.catalog.services.errors import InvalidInput
from mall.infra.text import N_

MAX_FIELDS = 40
MAX_OPTIONS = 60
LABEL_MAX = 60
UNIT_MAX = 16
OPTION_MAX = 60


async def get_attribute_defs(attribute_sets: AttributeSetRepository, shop_id: str) -> list[AttributeDef]:
    """The shop's fields in the merchant's order ([] when none are defined)."""
    return await attribute_sets.get(shop_id)


async def attribute_defs_for_shops(
    attribute_sets: AttributeSetRepository, shop_ids: list[str]
) -> dict[str, list[AttributeDef]]:
    """{shop_id: fields} with an entry (maybe []) for every shop asked about."""
    found = await attribute_sets.for_shops(list(shop_ids)) if shop_ids else {}
    return {shop_id: found.get(shop_id, []) for shop_id in shop_ids}


def check_attribute_defs(defs: list[AttributeDef]) -> dict[str, str]:
    """Problems keyed "<row>.<field>" (e.g. "2.key"); empty when the definitions can be saved."""
    errors: dict[str, str] = {}
    if len(defs) > MAX_FIELDS:
        errors["form"] = N_("A shop can define at most 40 attributes.")
    seen: set[str] = set()
    for i, d in enumerate(defs):
        if not KEY_RE.match(d.key):
            errors[f"{i}.key"] = N_("Start with a lowercase letter; then letters, digits or _ (at most 32).")
        elif d.key in seen:
            errors[f"{i}.key"] = N_("Each key can be used once.")
        seen.add(d.key)
        if not d.label.strip() or len(d.label) > LABEL_MAX:
            errors[f"{i}.label"] = N_("Enter a label of at most 60 characters.")
        for locale, text in d.labels.items():
            if locale not in LABEL_LOCALES or len(text) > LABEL_MAX:
                errors[f"{i}.label_{locale}"] = N_("At most 60 characters.")
        if len(d.unit) > UNIT_MAX:
            errors[f"{i}.unit"] = N_("At most 16 characters.")
        if d.type == AttrType.ENUM:
            options = d.options
            if not options:
                errors[f"{i}.options"] = N_("List the choices, one per line.")
            elif len(options) > MAX_OPTIONS or any(not o or len(o) > OPTION_MAX for o in options):
                errors[f"{i}.options"] = N_("At most 60 choices of at most 60 characters each.")
            elif len(set(options)) != len(options):
                errors[f"{i}.options"] = N_("Each choice can be listed once.")
    return errors


def clean_def(d: AttributeDef) -> AttributeDef:
    return AttributeDef(
        key=d.key.strip(),
        label=d.label.strip(),
        type=AttrType(d.type),
        unit=d.unit.strip() if d.type == AttrType.NUMBER or d.type == AttrType.TEXT else "",
        required=bool(d.required),
        options=[o.strip() for o in d.options if o.strip()] if d.type == AttrType.ENUM else [],
        can_be_negative=bool(d.can_be_negative) and d.type == AttrType.NUMBER,
        labels={locale: text.strip() for locale, text in d.labels.items() if text.strip()},
    )


async def save_attribute_defs(
    attribute_sets: AttributeSetRepository, clock, shop_id: str, defs: list[AttributeDef]
) -> list[AttributeDef]:
    """Replace the shop's definitions; raises InvalidInput with per-row errors. Products are not touched."""
    cleaned = [clean_def(d) for d in defs]
    errors = check_attribute_defs(cleaned)
    if errors:
        raise InvalidInput(errors)
    await attribute_sets.save(shop_id, cleaned, clock.now())
    return cleaned
