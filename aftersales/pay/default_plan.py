"""The source's plan (篇十四 售后服务部薪酬管理制度样本), loaded as the default example.

Every table and formula of the source that is complete is here as written; where the source leaves a
value blank the plan holds ``None`` (listed under "asked for" on the plan's page) and a note says
what was read how. The source's posts are named differently in its tables (配件经理 / 配件主管,
首席库管员 / 首席配件员); the notes say which were taken as one post.
"""

from typing import Any

ORDER_FIGURES: dict[str, dict[str, Any]] = {
    # receptions: every order taken in the month, credited to whoever took it;
    "receptions": {"kinds": [], "statuses": [], "counted_on": "received_at"},
    # valid receptions: those not cancelled and not a mere consultation;
    "valid_receptions": {
        "kinds": ["repair", "installation", "maintenance", "complaint", "exchange", "return_to_factory"],
        "statuses": ["new", "accepted", "dispatched", "on_site", "waiting", "completed", "closed"],
        "counted_on": "received_at",
    },
    # repairs: orders with work done, completed in the month, credited to the technician;
    "repairs": {
        "kinds": ["repair", "installation", "maintenance", "exchange"],
        "statuses": ["completed", "closed"],
        "counted_on": "completed_at",
    },
    # claims: orders completed under warranty (the claims filed with the maker).
    "claims": {"kinds": [], "statuses": ["completed", "closed"], "counted_on": "completed_at"},
    # labour and parts revenue (money's booked charge lines): orders completed in the month.
    "labour_revenue": {"kinds": [], "statuses": ["completed", "closed"], "counted_on": "completed_at"},
    "parts_revenue": {"kinds": [], "statuses": ["completed", "closed"], "counted_on": "completed_at"},
}


def _post(
    label: str,
    level: int | None,
    coefficient: str | None,
    formula: str | None,
    *,
    scope: str = "centre",
    bonus: str | None = None,
    share: str | None = None,
) -> dict[str, Any]:
    return {
        "label": label,
        "level": level,
        "coefficient": {"min": None, "max": coefficient, "default": coefficient},
        "formula": formula,
        "scope": scope,
        "quarterly_bonus": bonus,
        "quarterly_share": share,
        "holdback": True,
    }


def _award(label: str, amount: str, posts: list[str], split: str = "each") -> dict[str, Any]:
    return {"label": label, "amount": amount, "posts": posts, "split": split, "shares": {}}


MANAGER = "(labour_revenue * 0.006 + parts_revenue * 0.0015 + repairs * 0.2) * coefficient"
PARTS_SHARE = "parts_sales * 0.0012 * coefficient"

DEFAULT_PLAN: dict[str, Any] = {
    "name": "售后服务部薪酬管理制度（篇十四）",
    "education": {
        "postgraduate": {"label": "研究生以上（高级职称）", "amount": "200"},
        "bachelor": {"label": "大学本科（中级职称、技师）", "amount": "150"},
        "college": {"label": "大专（初级职称、（职高）高技）", "amount": None},
        "secondary": {"label": "中专、技校、高中", "amount": None},
    },
    # 表二: 200 × (1+15%) ≈ 230, … 550 × (1+35%) ≈ 745.
    "levels": {"1": "200", "2": "230", "3": "280", "4": "340", "5": "425", "6": "550", "7": "745"},
    "seniority": {"rate": "20", "from_years": 1, "cap_years": 10},
    "posts": {
        "deputy_gm": _post("副总经理（常务）", 7, "1.15", None),
        "service_manager": _post("服务经理", 6, "0.9", MANAGER, bonus="2500"),
        "service_manager_assistant": _post("服务经理助理", 5, None, MANAGER),
        "parts_supervisor": _post(
            "配件主管（配件经理）", 5, "1.15", "parts_sales * 0.0025 * coefficient", bonus="2000"
        ),
        "technical_director": _post(
            "技术总监",
            5,
            "1.1",
            "(labour_revenue * 0.01 + valid_receptions * 0.5 + technical_director_allowance) * coefficient",
            bonus="2000",
        ),
        "parts_planner": _post("配件计划员", 5, None, PARTS_SHARE, bonus="1500"),
        "chief_service_adviser": _post("首席服务顾问", 4, None, None, scope="own"),
        "chief_parts_clerk": _post("首席配件员（首席库管员、首席发料员）", 4, "1.8", PARTS_SHARE, bonus="1000"),
        "quality_inspector": _post(
            "质检员", 4, "1.1", "(labour_revenue * 0.008 + valid_receptions * 0.4) * coefficient", bonus="1500"
        ),
        "service_adviser": _post(
            "服务顾问（机修）",
            3,
            "1.3",
            "(adviser_receptions + adviser_revenue) * coefficient",
            scope="own",
            share="0.40",
        ),
        "accident_adviser": _post(
            "事故车服务顾问",
            None,
            "1.2",
            "(receptions * 2 + labour_revenue * 0.02 + parts_revenue * 0.01) * coefficient",
            scope="own",
            share="0.50",
        ),
        "claims_clerk": _post("索赔员", 3, None, None, scope="own", bonus="1500"),
        "front_desk_adviser": _post(
            "前台服务顾问", None, "1.0", "adviser_average_commission * coefficient", scope="own", bonus="800"
        ),
        "front_desk_assistant": _post(
            "前台服务顾问助理", None, "0.8", "adviser_average_commission * coefficient", scope="own", bonus="600"
        ),
        "storekeeper": _post("库管员", 2, "1.6", None, bonus="800"),
        "parts_clerk": _post("配件员（配件发料员）", 2, None, PARTS_SHARE),
        "painter_tool_keeper": _post(
            "调漆员兼工具管理员", 2, "1.4", "(repairs * 0.3 + paint_sales * 0.15) * coefficient", bonus="800"
        ),
        "driver": _post(
            "驾驶员", 2, None, "(labour_revenue + parts_revenue) * 0.001 + emergency_allowance", scope="centre"
        ),
        "accident_equipment_attendant": _post("事故设备服务员", None, "1.2", None),
        "mechanic": {**_post("机修工（钣金烤漆工）", None, None, None, scope="own"), "holdback": False},
        "assistant_parts_clerk": _post("助理配件员", 1, None, None),
        "assistant_service_adviser": _post("助理服务顾问", 1, None, None, scope="own"),
    },
    "tiers": {
        "adviser_receptions": {
            "label": "接待台次提成",
            "figure": "receptions",
            "mode": "marginal",
            "tiers": [
                {"from": "0", "to": "200", "rate": "0.5"},
                {"from": "200", "to": "300", "rate": "1"},
                {"from": "300", "to": None, "rate": "2"},
            ],
        },
        "adviser_revenue": {
            "label": "接待维修产值提成",
            "figure": "labour_revenue",
            "mode": "marginal",
            "tiers": [
                {"from": "0", "to": "40000", "rate": "0.004"},
                {"from": "40000", "to": "100000", "rate": "0.006"},
                {"from": "100000", "to": "130000", "rate": "0.009"},
                {"from": "130000", "to": None, "rate": "0.01"},
            ],
        },
    },
    "allowances": {
        "technical_director_allowance": {"label": "技术总监岗位补贴", "amount": "350"},
        "chief_mechanic_1": {"label": "一级首席机修工岗位补贴", "amount": "350"},
        "chief_mechanic_2": {"label": "二级首席机修工岗位补贴", "amount": "200"},
        "chief_mechanic_3": {"label": "三级首席机修工岗位补贴", "amount": "150"},
        "communication": {"label": "通信津贴", "amount": None},
    },
    "entered": {"emergency_allowance": {"label": "救急补贴（驾驶员）"}},
    "averages": {
        "adviser_average_commission": {"label": "服务顾问提成平均工资（未乘系数）", "post": "service_adviser"}
    },
    "figures": ORDER_FIGURES,
    "quarterly": {
        "target": {"weight": "40", "bands": [["100", "100"], ["95", "90"], ["90", "80"]]},
        "service": {"weight": "30", "bands": [["90", "100"], ["80", "80"], ["70", "70"]]},
        "training": {"weight": "30", "bands": [["80", "100"], ["71", "80"], ["60", "70"]]},
        "targets": {
            "1": {"repair_revenue": "1806366", "mechanical": "894438", "accident": "664179", "claims": "115500"},
            "2": {"repair_revenue": "1731646", "mechanical": "1084500", "accident": "420101", "claims": "115500"},
            "3": {"repair_revenue": "1922275", "mechanical": "1116540", "accident": "569357", "claims": "115500"},
            "4": {"repair_revenue": "1864899", "mechanical": "1075338", "accident": "564801", "claims": "115500"},
        },
        # 维修产值任务: the centre's labour and parts revenue over the quarter against the quarter's target.
        "completion": {"figures": ["labour_revenue", "parts_revenue"], "target": "repair_revenue"},
    },
    # 男出勤率达到96%以上，女出勤率94%以上（季度平均）: for the quarterly and the year-end awards.
    "attendance": {"figure": "attendance_days", "men": "96", "women": "94"},
    # 第四章 年终奖励方案 (paid in December when the department met the year's task).
    "year_end": {
        "month": 12,
        "awards": {
            "service_adviser": _award("机修服务顾问完成个人任务奖励", "3000", ["service_adviser"]),
            "accident_advisers": _award("事故车服务顾问完成事故任务奖励", "9000", ["accident_adviser"], "equal"),
            "claims_clerk": _award("索赔员完成索赔任务奖励", "2000", ["claims_clerk"]),
            "mechanics_group": _award("机修小组完成小组120万配件任务奖励", "3000", ["mechanic"], "equal"),
            "parts_department": {
                **_award(
                    "配件部完成任务奖励",
                    "10000",
                    ["parts_supervisor", "parts_planner", "chief_parts_clerk", "storekeeper", "painter_tool_keeper"],
                    "shares",
                ),
                "shares": {
                    "parts_supervisor": "26",
                    "parts_planner": "20",
                    "chief_parts_clerk": "16",
                    "storekeeper": "26",
                    "painter_tool_keeper": "12",
                },
            },
            "technical_director": _award("技术总监奖励", "2500", ["technical_director"]),
            "quality_inspector": _award("质检员奖励", "2000", ["quality_inspector"]),
            "front_desk_adviser": _award("前台服务顾问奖励", "1500", ["front_desk_adviser"]),
            "front_desk_assistant": _award("前台服务顾问助理奖励", "1000", ["front_desk_assistant"]),
            "service_manager_assistant": _award("服务经理助理奖励", "2500", ["service_manager_assistant"]),
            "service_manager": _award("服务经理奖励", "5000", ["service_manager"]),
        },
    },
    "holdback": {
        "percent": "10",
        "release_month": 12,
        "release_rule": (
            "年终按岗位返还：配件部完成任务90%以上、厂家考核配件得分率84%以上、帐物相符率95%以上、仓位准确率98%以上；"
            "服务顾问完成总任务90%以上、全年02表检查合格率90%、厂家考核服务接待区得分率68.83%以上；"
            "技术总监、质检员完成总任务90%以上、全年01表合格率95%、厂家考核车间管理得分率74.11%以上；"
            "服务经理助理完成总任务90%以上、厂家考核维修站得分率75%以上；前台服务顾问完成总任务90%以上。"
        ),
    },
    "notes": [
        "表三自上而下读作第7级至第1级（与表二的顺序相同）；兼任多个岗位时岗技工资就高不就低。",
        "系数表只给出每个岗位的一个数值：载为该岗位系数的上限与默认值，下限原文空缺。",
        "接待台次分段原文为 0—200、201—301、301以上：读作 (0,200]、(200,300]、300以上，按超额累进（每段只计落在段内的部分）。",
        "配件经理与配件主管、首席库管员与首席配件员（首席发料员）、配件发料员与配件员分别视为同一岗位。",
        "服务顾问的季度奖为实际提成工资的40%（事故车服务顾问50%），其他岗位为固定奖金；均乘以季度绩效得分（任务40%、服务考核30%、培训考核30%），季度任务完成不足90%不参与奖励。",
        "售后服务除机修、钣金烤漆工外每月预留应发工资的10%，年终按返还条件一次返还；机修工的岗位级别与考评公式原文未给出（首席机修工按级别发岗位补贴）。",
        "机修小组配件提成（机修消耗配件×0.01）与季度机修小组奖励（30万配件产值奖励1000元，按小组积分发放）原文未给出个人分配办法，不在个人工资单内。",
        "季度任务完成率按本网点季度工时费产值与配件产值之和对季度维修产值任务计算；服务顾问的个人任务原文未给出，经理可为个人录入完成率代替。",
        "出勤条件（男96%、女94%）适用于季度奖励与年终奖励：季度（年度）出勤天数除以日历上的工作日；性别未登记时按较高的96%计。婚假、产假、丧假不计入考勤一项尚未区分。",
        "年终奖励在12月、经理录入“完成全年任务”后发放：事故车服务顾问的9000元与机修小组的3000元由各自岗位的人员平分；配件部10000元按比例分配，库管1与库管2的14%与12%合为库管员岗位的26%由其人员平分，配件工具管理的12%归调漆员兼工具管理员；年终奖励不计入预留基数。",
    ],
}
