"""The placement sheets of the roster workbook (DESIGN §6): 安置基地 (bases) and 就业 (placements).

Registered into ``cases.roster`` when the app is ready, so that ``cases`` never imports ``placement``.
Bases are public objects: they are read through ``visible_to`` (every signed-in user sees them) and only the
county office creates or changes them, within its county. A placement names its base by code, from the bases
sheet or already recorded; every placement passes ``placement_validate`` against the person's other placements.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.roster.sheets import ID_COLUMN, Column, KeyedSheet, RecordSheet, choices, register_sheet

from .choices import PlacementMode
from .models import Placement, PlacementBase
from .services import placement_validate

CHUNK = 2000


def _bases(user, codes) -> dict[str, PlacementBase]:
    codes, found = sorted(set(codes)), {}
    for start in range(0, len(codes), CHUNK):
        bases = PlacementBase.objects.visible_to(user).filter(code__in=codes[start : start + CHUNK])
        found.update((base.code, base) for base in bases)
    return found


@register_sheet
class BaseSheet(KeyedSheet):
    """安置基地: placement bases, found again by their code (基地编号)."""

    name, alias, order = "安置基地", "bases", 5
    model = PlacementBase
    writers = frozenset(PlacementBase.scope.edit)
    key_column, key_field, ref = "base_code", "code", "base"
    field_columns = {"code": "base_code", "region_id": "township_code"}
    columns = (
        Column("基地编号", "base_code", required=True, max_length=32, example="base"),
        Column("名称", "name", required=True, max_length=100, example="示例安置基地"),
        Column("乡镇代码", "township_code", "code", required=True, example="township"),
        Column("开办日期", "opened_on", "date", required=True, example=dt.date(2010, 1, 1)),
    )
    note = "每个安置基地一行，基地编号唯一；由县禁毒办登记。"

    def not_permitted_message(self) -> str:
        return _("Placement bases are recorded by the county office.")

    def existing(self, ctx, codes):
        return _bases(ctx.user, codes)

    def fields(self, row, ctx):
        values = row.values
        if ctx.township(self, row, "township_code", values["township_code"]) is None:
            return None
        return {"code": values["base_code"], "name": values["name"], "region_id": values["township_code"],
                "opened_on": values["opened_on"]}  # fmt: skip

    def new(self, fields, ctx):
        return PlacementBase(code=fields["code"], name=fields["name"], region=ctx.townships[fields["region_id"]],
                             opened_on=fields["opened_on"])  # fmt: skip


MODE_WORDS = {
    "集中": PlacementMode.CONCENTRATED,
    "集中安置": PlacementMode.CONCENTRATED,
    "分散": PlacementMode.DISPERSED,
    "分散安置": PlacementMode.DISPERSED,
    "自主创业": PlacementMode.SELF_EMPLOYED,
    "公益性岗位": PlacementMode.PUBLIC_WELFARE,
    "政府保障": PlacementMode.GOVERNMENT,
}


@register_sheet
class PlacementSheet(RecordSheet):
    """就业: placements, one per person and contract start."""

    name, alias, order = "就业", "placements", 50
    model = Placement
    writers = frozenset(Placement.scope.edit)
    key_fields = ("contract_start",)
    field_columns = {"base": "base_code"}
    columns = (
        ID_COLUMN,
        Column("安置方式", "mode", "choice", required=True, choices=choices(MODE_WORDS, PlacementMode), example="集中"),
        Column("基地编号", "base_code", max_length=32, example="base"),
        Column("合同开始", "contract_start", "date", required=True, example=dt.date(2012, 1, 1)),
        Column("合同结束", "contract_end", "date", future_ok=True, example=dt.date(2013, 12, 31)),
        Column("社保", "social_insurance", "bool", example="是"),
    )
    note = (
        "安置方式：集中 / 分散 / 自主创业 / 公益性岗位 / 政府保障；集中安置须填基地编号；"
        "自主创业无合同结束日期。社保：是/否。"
    )

    def prepare(self, ctx, rows):
        known = ctx.refs["base"]
        wanted = {row.values.get("base_code") for row in rows} - set(known) - {None, ""}
        known.update(_bases(ctx.user, wanted))

    def fields(self, row, ctx):
        fields = super().fields(row, ctx)
        if "base" in fields:
            code = fields["base"]
            fields["base"] = ctx.refs["base"].get(code) if code else None
            if code and fields["base"] is None:
                ctx.error(self, row, "base_code", "unknown_base",
                          _("No placement base has the code %(code)s.") % {"code": code})  # fmt: skip
                return None
        if "social_insurance" in fields:
            fields["social_insurance"] = bool(fields["social_insurance"])
        return fields

    def rules(self, ctx, entry, planned, others):
        placements = [item.instance for item in planned] + others
        for item in planned:
            if item.action == "unchanged":
                continue
            rest = [placement for placement in placements if placement is not item.instance]
            try:
                placement_validate(item.instance, others=rest)
            except ValidationError as error:
                for field_name, messages in error.message_dict.items():
                    ctx.error(self, item.row, self.column_of(field_name), "placement_rule", messages[0])

    def before_write(self, instance, changed):
        instance.long_contract = Placement.is_long(instance.contract_start, instance.contract_end)
        return ["long_contract"]
