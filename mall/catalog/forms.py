"""The merchant's HTML forms (attribute rows, product with variant rows) <-> drafts. Pure, no sanic.

Rows are named by a short random token (`v.<token>.sku`, `key.<token>`), so rows can be added by htmx or
by a plain "add" submit and removed with a checkbox, and errors land next to the right row. Form values
stay text until parsed; nothing here touches the database."""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from mall.catalog.models import (
    LABEL_LOCALES,
    AttributeDef,
    AttrType,
    Product,
    ProductDraft,
    ProductStatus,
    VariantDraft,
)
from mall.infra.images import is_media_name
from mall.infra.money import to_major_text, to_minor
from mall.infra.text import N_, clean_name

TOKEN_RE = re.compile(r"^[0-9a-f]{1,16}$")
NUMBER_RE = re.compile(r"^-?\d{1,10}(\.\d{1,6})?$")
WHOLE_RE = re.compile(r"^\d{1,12}$")
MAX_DIMENSIONS = 3
MAX_ROWS = 100


def new_token() -> str:
    return secrets.token_hex(4)


def _all(params: Mapping, name: str) -> list[str]:
    """Every value sent under `name` (Sanic's parameters: getlist; plain dicts: a list or one value)."""
    values = params.getlist(name) if hasattr(params, "getlist") else params.get(name)
    if values is None:
        return []
    return [str(v) for v in (values if isinstance(values, list | tuple) else [values]) if v is not None]


def _first(params: Mapping, name: str) -> str:
    values = _all(params, name)
    return values[0].strip() if values else ""


def _tokens(params: Mapping, name: str) -> list[str]:
    return list(dict.fromkeys(t for t in _all(params, name) if TOKEN_RE.match(t)))[:MAX_ROWS]


# --- attribute definitions -----------------------------------------------------------------------------------


@dataclass
class AttrRow:
    token: str
    key: str = ""
    label: str = ""
    type: str = AttrType.TEXT.value
    unit: str = ""
    required: bool = False
    options: str = ""  # one per line
    can_be_negative: bool = False
    labels: dict[str, str] = field(default_factory=dict)  # the label per language, as typed (may be blank)


def attr_rows_from(defs: list[AttributeDef]) -> list[AttrRow]:
    return [
        AttrRow(new_token(), d.key, d.label, d.type.value, d.unit, d.required, "\n".join(d.options),
                labels=dict(d.labels), can_be_negative=d.can_be_negative)
        for d in defs
    ]  # fmt: skip


def parse_attr_rows(params: Mapping) -> list[AttrRow]:
    """The rows as typed, without those ticked "remove"."""
    rows = []
    for t in _tokens(params, "row"):
        if _first(params, f"remove.{t}"):
            continue
        kind = _first(params, f"type.{t}")
        rows.append(
            AttrRow(
                token=t,
                key=_first(params, f"key.{t}")[:64],
                label=_first(params, f"label.{t}")[:120],
                type=kind if kind in set(AttrType) else AttrType.TEXT.value,
                unit=_first(params, f"unit.{t}")[:32],
                required=bool(_first(params, f"required.{t}")),
                options=_first(params, f"options.{t}")[:5000],
                can_be_negative=bool(_first(params, f"negative.{t}")),
                labels={locale: _first(params, f"label_{locale}.{t}")[:120] for locale in LABEL_LOCALES},
            )
        )
    return rows


def defs_from_rows(rows: list[AttrRow]) -> list[AttributeDef]:
    """Rows left wholly blank are dropped (an "add" the merchant did not use)."""
    return [
        AttributeDef(
            key=r.key,
            label=r.label,
            type=AttrType(r.type),
            unit=r.unit,
            required=r.required,
            options=[o.strip() for o in r.options.splitlines() if o.strip()],
            can_be_negative=r.can_be_negative,
            labels={locale: text for locale, text in r.labels.items() if text.strip()},
        )
        for r in rows
        if r.key or r.label or any(r.labels.values())
    ]


def row_errors(errors: dict[str, str], rows: list[AttrRow]) -> dict[str, str]:
    """Service errors "<index>.<field>" -> form errors "<field>.<token>" (blank rows are not counted)."""
    kept = [r for r in rows if r.key or r.label or any(r.labels.values())]
    out = {}
    for key, message in errors.items():
        index, _, name = key.partition(".")
        if index.isdigit() and int(index) < len(kept):
            out[f"{name}.{kept[int(index)].token}"] = message
        else:
            out[key] = message
    return out


# --- products ------------------------------------------------------------------------------------------------


@dataclass
class VariantRow:
    token: str
    sku: str = ""
    price: str = ""
    stock: str = ""
    options: list[str] = field(default_factory=list)
    stock_was: str = ""  # the stock shown when the form was loaded (see VariantDraft.stock_was)


@dataclass
class Dimension:
    name: str = ""
    values: str = ""  # comma-separated; used to build the variant rows


@dataclass
class ProductForm:
    name_en: str = ""
    name_zh_Hant: str = ""
    category_id: str = ""
    description: str = ""
    attributes: dict = field(default_factory=dict)  # key -> text, or bool for yes/no fields
    dimensions: list[Dimension] = field(default_factory=lambda: [Dimension() for _ in range(MAX_DIMENSIONS)])
    variants: list[VariantRow] = field(default_factory=lambda: [VariantRow(new_token())])
    images: list[str] = field(default_factory=list)
    listed: bool = True

    @property
    def named_dimensions(self) -> list[tuple[int, Dimension]]:
        return [(i, d) for i, d in enumerate(self.dimensions) if d.name]


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def form_from_product(product: Product, defs: list[AttributeDef], currency: str) -> ProductForm:
    names: list[str] = []
    values: dict[str, list[str]] = {}
    for v in product.variants:
        for name, value in v.options.items():
            if name not in names:
                names.append(name)
            if value not in values.setdefault(name, []):
                values[name].append(value)
    dimensions = [Dimension(n, ", ".join(values[n])) for n in names[:MAX_DIMENSIONS]]
    dimensions += [Dimension() for _ in range(MAX_DIMENSIONS - len(dimensions))]
    booleans = {d.key for d in defs if d.type == AttrType.BOOLEAN}
    return ProductForm(
        name_en=product.name.get("en", ""),
        name_zh_Hant=product.name.get("zh_Hant", ""),
        category_id=product.category_id or "",
        description=product.description_html,
        attributes={k: (v is True if k in booleans else _text(v)) for k, v in product.attributes.items()},
        dimensions=dimensions,
        variants=[
            VariantRow(
                new_token(),
                v.sku,
                to_major_text(v.price, currency),
                str(v.stock),
                [v.options.get(n, "") for n in names[:MAX_DIMENSIONS]],
                str(v.stock),
            )
            for v in product.variants
        ],
        images=list(product.images),
        listed=product.status == ProductStatus.LISTED,
    )


def parse_product_form(params: Mapping, defs: list[AttributeDef]) -> ProductForm:
    dimensions = [
        Dimension(
            clean_name(_first(params, f"dim.{j}.name"))[:40], clean_name(_first(params, f"dim.{j}.values"))[:2000]
        )
        for j in range(MAX_DIMENSIONS)
    ]
    variants = []
    for t in _tokens(params, "vrow"):
        if _first(params, f"v.{t}.remove"):
            continue
        variants.append(
            VariantRow(
                token=t,
                sku=_first(params, f"v.{t}.sku")[:60],
                price=_first(params, f"v.{t}.price")[:30],
                stock=_first(params, f"v.{t}.stock")[:30],
                options=[clean_name(_first(params, f"v.{t}.opt.{j}"))[:60] for j in range(MAX_DIMENSIONS)],
                stock_was=_first(params, f"v.{t}.stock_was")[:12],
            )
        )
    attributes: dict = {}
    for d in defs:
        raw = _first(params, f"attr.{d.key}")
        attributes[d.key] = bool(raw) if d.type == AttrType.BOOLEAN else raw[:600]
    return ProductForm(
        name_en=clean_name(_first(params, "name_en"))[:200],
        name_zh_Hant=clean_name(_first(params, "name_zh_Hant"))[:200],
        category_id=_first(params, "category_id")[:24],
        description=_first(params, "description")[:25_000],
        attributes=attributes,
        dimensions=dimensions,
        variants=variants,
        images=_ordered_images(params),
        listed=bool(_first(params, "listed")),
    )


def _ordered_images(params: Mapping) -> list[str]:
    kept = []
    for index, name in enumerate(dict.fromkeys(n for n in _all(params, "image") if is_media_name(n))):
        if _first(params, f"image_remove.{name}"):
            continue
        position = _first(params, f"image_pos.{name}")
        kept.append((int(position) if WHOLE_RE.match(position) else index + 1, index, name))
    return [name for _pos, _index, name in sorted(kept)]


def add_variant_row(form: ProductForm) -> None:
    if len(form.variants) < MAX_ROWS:
        form.variants.append(VariantRow(new_token(), price=form.variants[0].price if form.variants else ""))


def build_variant_rows(form: ProductForm) -> str | None:
    """One row per combination of the dimensions' values, keeping rows that already exist; an error or None."""
    named = form.named_dimensions
    lists = [[v.strip() for v in d.values.split(",") if v.strip()] for _j, d in named]
    if not named or not all(lists):
        return N_("Name each option (e.g. size) and list its values separated by commas (e.g. S, M, L).")
    combos = list(itertools.product(*(dict.fromkeys(values) for values in lists)))
    if len(combos) > MAX_ROWS:
        return N_("That makes more than 100 variants.")
    existing = {tuple(row.options[j] for j, _d in named): row for row in form.variants}
    price = form.variants[0].price if form.variants else ""
    rows = []
    for combo in combos:
        row = existing.get(combo)
        if row is None:
            options = [""] * MAX_DIMENSIONS
            for (j, _d), value in zip(named, combo, strict=True):
                options[j] = value
            row = VariantRow(new_token(), price=price, options=options)
        rows.append(row)
    form.variants = rows
    return None


def _number(raw: str) -> int | float | None:
    if not NUMBER_RE.match(raw):
        return None
    value = float(raw)
    return int(value) if value.is_integer() else value


def to_draft(form: ProductForm, defs: list[AttributeDef], currency: str) -> tuple[ProductDraft, dict[str, str]]:
    """The draft to hand to the service, and the errors only the form can see (unparseable text)."""
    errors: dict[str, str] = {}
    attributes: dict = {}
    for d in defs:
        raw = form.attributes.get(d.key, "")
        if d.type == AttrType.BOOLEAN:
            attributes[d.key] = bool(raw)
        elif raw == "":
            continue
        elif d.type == AttrType.NUMBER:
            number = _number(str(raw))
            if number is None:
                errors[f"attr.{d.key}"] = N_("Enter a number.")
            else:
                attributes[d.key] = number
        else:
            attributes[d.key] = str(raw)
    named = form.named_dimensions
    if len({d.name for _j, d in named}) != len(named):
        errors["dims"] = N_("Give each option a different name.")
    variants = []
    for row in form.variants:
        price, stock = 0, -1
        try:
            price = to_minor(row.price, currency) if row.price else 0
        except ValueError:
            errors[f"v.{row.token}.price"] = N_("Enter an amount such as 450 or 450.50.")
        if WHOLE_RE.match(row.stock):
            stock = int(row.stock)
        else:
            errors[f"v.{row.token}.stock"] = N_("Enter a whole number of at least 0.")
        options = {d.name: row.options[j] for j, d in named}
        was = int(row.stock_was) if WHOLE_RE.match(row.stock_was) else None
        variants.append(VariantDraft(sku=row.sku, price=price, stock=stock, options=options, stock_was=was))
    draft = ProductDraft(
        name={"en": form.name_en, "zh_Hant": form.name_zh_Hant},
        category_id=form.category_id or None,
        description=form.description,
        attributes=attributes,
        variants=variants,
        images=list(form.images),
    )
    return draft, errors


def product_errors(errors: dict[str, str], form: ProductForm) -> dict[str, str]:
    """Service errors ("variants.2.sku", "attributes.weight") -> form field names ("v.<token>.sku", "attr.weight")."""
    out: dict[str, str] = {}
    for key, message in errors.items():
        parts = key.split(".")
        if parts[0] == "variants" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(form.variants):
            out.setdefault(f"v.{form.variants[int(parts[1])].token}.{parts[2]}", message)
        elif parts[0] == "attributes" and len(parts) == 2:
            out.setdefault(f"attr.{parts[1]}", message)
        else:
            out.setdefault(key, message)
    return out
