"""The fixed tables the demo set is drawn from: centres, people's names, places, product models, texts.

Nothing here is real: company names, people and numbers are made up (the mobile numbers merely have
valid mainland prefixes).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CentreSpec:
    code: str
    name: str
    region: str
    city: str
    phone: str
    address: str
    # (province, city, districts) where this centre's customers are
    areas: tuple[tuple[str, str, tuple[str, ...]], ...]


# The demo company's profile (settings → Company profile), saved by the loader through the service. The
# name is the environment's default, so a demo reads the same before and after it is loaded; the 统一社会
# 信用代码 carries its check character (GB 32100), the bank account is made up.
COMPANY = {
    "name": "示例设备有限公司",
    "hotline": "400-800-1234",
    "address": "上海市徐汇区漕宝路1288号",
    "postcode": "200233",
    "email": "service@demo.aftersales.example",
    "credit_code": "91310112MA1GB00018",
    "bank_name": "中国工商银行上海漕河泾支行",
    "bank_account": "1001 2345 0910 0012 345",
}

CENTRES = (
    CentreSpec(
        code="SH",
        name="上海服务网点",
        region="华东",
        city="上海",
        phone="021-64871200",
        address="上海市闵行区虹梅南路2588号3号楼",
        areas=(
            ("上海市", "上海市", ("闵行区", "浦东新区", "嘉定区", "松江区", "青浦区", "宝山区")),
            ("江苏省", "苏州市", ("工业园区", "吴中区", "相城区", "昆山市")),
            ("江苏省", "无锡市", ("新吴区", "惠山区", "江阴市")),
            ("浙江省", "杭州市", ("萧山区", "余杭区", "滨江区")),
            ("浙江省", "宁波市", ("北仑区", "鄞州区", "慈溪市")),
            ("安徽省", "合肥市", ("蜀山区", "包河区", "肥西县")),
        ),
    ),
    CentreSpec(
        code="BJ",
        name="北京服务网点",
        region="华北",
        city="北京",
        phone="010-67881350",
        address="北京市大兴区经济技术开发区科创十三街18号",
        areas=(
            ("北京市", "北京市", ("大兴区", "顺义区", "通州区", "昌平区", "房山区")),
            ("天津市", "天津市", ("滨海新区", "西青区", "武清区", "东丽区")),
            ("河北省", "廊坊市", ("广阳区", "固安县", "三河市")),
            ("河北省", "石家庄市", ("长安区", "藁城区", "鹿泉区")),
            ("河北省", "唐山市", ("路北区", "丰润区")),
            ("山西省", "太原市", ("小店区", "万柏林区")),
        ),
    ),
    CentreSpec(
        code="GZ",
        name="广州服务网点",
        region="华南",
        city="广州",
        phone="020-82276600",
        address="广州市黄埔区科学大道182号C2栋",
        areas=(
            ("广东省", "广州市", ("黄埔区", "番禺区", "白云区", "花都区", "增城区")),
            ("广东省", "佛山市", ("顺德区", "南海区", "三水区")),
            ("广东省", "东莞市", ("长安镇", "松山湖", "虎门镇", "塘厦镇")),
            ("广东省", "深圳市", ("宝安区", "龙岗区", "光明区")),
            ("广东省", "中山市", ("火炬开发区", "小榄镇")),
            ("广西壮族自治区", "柳州市", ("柳北区", "鱼峰区")),
        ),
    ),
)

# How many customers each centre looks after (120 in all) and how many of them are people.
CUSTOMERS_PER_CENTRE = {"SH": 50, "BJ": 40, "GZ": 30}
PERSONS_PER_CENTRE = {"SH": 15, "BJ": 14, "GZ": 11}


@dataclass(frozen=True)
class StaffSpec:
    username: str
    role: str
    centre: str | None
    last_name: str
    first_name: str
    superuser: bool = False


# One user per role named after it (issue #2 §10), then each other centre's desk staff and technicians.
STAFF = (
    StaffSpec("agent", "agent", "SH", "王", "丽华"),
    StaffSpec("dispatcher", "dispatcher", "SH", "赵", "志强"),
    StaffSpec("technician", "technician", "SH", "李", "建军"),
    StaffSpec("manager", "manager", "SH", "陈", "晓东"),
    StaffSpec("parts", "parts_keeper", "SH", "周", "敏"),
    StaffSpec("finance", "finance", "SH", "孙", "慧娟"),
    StaffSpec("gm", "general_manager", None, "郑", "国栋"),
    StaffSpec("admin", "admin", None, "吴", "磊", superuser=True),
    StaffSpec("tech_sh2", "technician", "SH", "张", "伟"),
    StaffSpec("tech_sh3", "technician", "SH", "徐", "海涛"),
    StaffSpec("agent_bj", "agent", "BJ", "刘", "婷"),
    StaffSpec("dispatcher_bj", "dispatcher", "BJ", "高", "峰"),
    StaffSpec("manager_bj", "manager", "BJ", "马", "卫东"),
    StaffSpec("tech_bj1", "technician", "BJ", "杨", "帆"),
    StaffSpec("tech_bj2", "technician", "BJ", "韩", "立新"),
    StaffSpec("tech_bj3", "technician", "BJ", "冯", "刚"),
    StaffSpec("agent_gz", "agent", "GZ", "黄", "嘉欣"),
    StaffSpec("dispatcher_gz", "dispatcher", "GZ", "梁", "国华"),
    StaffSpec("manager_gz", "manager", "GZ", "何", "志明"),
    StaffSpec("tech_gz1", "technician", "GZ", "林", "俊杰"),
    StaffSpec("tech_gz2", "technician", "GZ", "罗", "文斌"),
)


@dataclass(frozen=True)
class ModelSpec:
    code: str
    name: str
    category: str
    warranty_months: int
    terms: str


_EXCLUDED = "易损件（滤芯、皮带、密封件、保险丝等）及人为损坏、自行拆修不在保修范围内。"

PRODUCT_MODELS = (
    ModelSpec(
        "KY-LG37",
        "LG-37 螺杆式空气压缩机 37kW",
        "空压机",
        24,
        f"整机保修24个月，主机保修36个月，自发票日期起计算；{_EXCLUDED}",
    ),
    ModelSpec("KY-WY7", "WY-7.5 无油涡旋空压机 7.5kW", "空压机", 12, f"整机保修12个月，自发票日期起计算；{_EXCLUDED}"),
    ModelSpec(
        "JC-VMC850", "VMC850 立式加工中心", "数控机床", 12, f"整机保修12个月；数控系统按系统厂家条款保修；{_EXCLUDED}"
    ),
    ModelSpec(
        "JC-CK6150",
        "CK6150 数控车床",
        "数控机床",
        18,
        f"整机保修18个月，自安装验收后起算不超过发货后20个月；{_EXCLUDED}",
    ),
    ModelSpec(
        "CC-FB30",
        "FB30 3吨电动平衡重叉车",
        "叉车",
        24,
        f"整车保修24个月或3000小时（先到为准）；蓄电池保修12个月；{_EXCLUDED}",
    ),
    ModelSpec("CC-CPCD50", "CPCD50 5吨内燃叉车", "叉车", 12, f"整车保修12个月或2000小时（先到为准）；{_EXCLUDED}"),
    ModelSpec(
        "FD-C500", "C500 500kW 柴油发电机组", "发电机组", 18, f"机组保修18个月或1000运行小时（先到为准）；{_EXCLUDED}"
    ),
    ModelSpec("GP-OES8", "OES-8 全谱直读光谱仪", "光谱仪", 12, f"整机保修12个月；CCD检测器保修24个月；{_EXCLUDED}"),
    ModelSpec(
        "SC-RO20",
        "RO-20 反渗透水处理设备 20t/h",
        "水处理设备",
        24,
        f"设备保修24个月；反渗透膜元件保修12个月；{_EXCLUDED}",
    ),
    ModelSpec(
        "KT-MF130", "MF-130 风冷模块式中央空调机组", "中央空调", 36, f"整机保修36个月，压缩机保修60个月；{_EXCLUDED}"
    ),
)
# Discontinued (停产) once the demo's units and orders are in: it keeps its units, orders and coverage,
# and intake, unit registration and the unit import no longer offer it (docs/coverage.md).
RETIRED_MODEL = "KY-WY7"

# Parts replaced free of charge for the unit's life (终身免费更换, domain.md Warranty §1): model code, item code, name.
LIFETIME_ITEMS = (
    ("KY-LG37", "AIREND-CASING", "主机壳体"),
    ("CC-FB30", "FRAME", "车架"),
    ("FD-C500", "BASE-FRAME", "公共底座"),
)

SURNAMES = (
    "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁 潘 蒋 蔡 余 杜 叶 程 魏 苏 吕 丁 沈"
).split()
GIVEN_NAMES = (
    "伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 建华 建国 志刚 海燕 晓明 "
    "春梅 文斌 国庆 玉兰 红霞 宏伟 德明 立军 振华 丽娟 永强 俊峰 雪梅 子涵 浩然 思远 欣怡 佳琪 宇航 博文"
).split()

COMPANY_BRANDS = (
    "恒通 华力 金鼎 宏达 永盛 鑫源 博远 瑞丰 天工 海川 精工 远航 安泰 嘉禾 德润 盛世 汇川 中科 新锐 万隆 "
    "华晨 通达 鼎盛 荣达 佳宝 信义 宝丰 金桥 明珠 长兴 亿达 东昌 晨光 兆丰 恒益 联创 富源 百川 祥和 开元"
).split()
COMPANY_TRADES = (
    "机械制造 精密模具 汽车零部件 食品 制药 纺织 物流 电子科技 塑胶制品 钢结构 包装材料 新型建材 "
    "五金制品 印刷 环保科技 化工 医疗器械 光电 铸造 冷链"
).split()
COMPANY_SUFFIXES = ("有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司")
ROADS = (
    "工业路 兴业路 创业大道 科技路 发展大道 建设路 迎宾路 振兴路 富民路 金桥路 长江路 黄河路 "
    "新华路 人民路 解放路 民生路 和平路 复兴路 滨河路 环城东路"
).split()
SITE_NAMES = ("总部工厂", "一号厂区", "二号厂区", "仓储中心", "研发中心", "车间")
DEALERS = ("华东机电设备经销部", "京津冀工业品贸易有限公司", "南粤机电设备有限公司", "鸿运设备商行", "诚信机电门市部")

# Mainland mobile prefixes that phonenumbers accepts as valid.
MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 180 181 182 183 185 186 187 188 189"
).split()

# The showcase customer that examples/service_flow.py looks up by phone (keep the three in step).
SHOWCASE_CUSTOMER = "上海浦江精密机械有限公司"
SHOWCASE_CONTACT = ("陈建国", "13816881234")
SHOWCASE_SITE = ("上海市", "上海市", "闵行区莘庄工业区春东路508号")

# Problems, diagnoses and work by product category: (problem, diagnosis, work done, parts replaced)
FAULTS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "空压机": (
        ("排气温度高报警停机", "油冷却器积灰严重，散热不良", "清洗油冷却器，更换空滤和油滤", "空气滤芯、油滤芯各1只"),
        ("运行中异响，压力上不去", "进气阀阀片磨损，卸载不完全", "更换进气阀维修包，调整卸载压力", "进气阀维修包1套"),
        ("启动即跳闸", "主电机绕组绝缘下降", "更换主电机，测试绝缘与电流正常", "主电机1台"),
    ),
    "数控机床": (
        ("主轴报警，无法启动", "主轴编码器线缆破损", "更换编码器线缆，重新校准主轴定向", "编码器线缆1根"),
        ("X轴回零失败", "回零减速开关松动", "紧固并调整减速开关，回零测试10次正常", "无"),
        ("加工尺寸漂移", "丝杠轴承预紧不足", "调整丝杠预紧，补偿反向间隙", "丝杠轴承1套"),
    ),
    "叉车": (
        ("起升无力，液压油渗漏", "起升油缸密封件老化", "更换油缸密封件，补充液压油", "油缸密封包1套、液压油20L"),
        ("行驶时有顿挫感", "行走电机控制器参数异常", "重新刷写控制器参数并路试", "无"),
        ("电量显示异常，续航短", "蓄电池单体电压不均", "蓄电池均衡充电，更换2节落后单体", "蓄电池单体2节"),
    ),
    "发电机组": (
        ("启动困难，冒黑烟", "燃油滤清器堵塞，喷油嘴雾化不良", "更换燃油滤清器，校验喷油嘴", "燃油滤清器2只"),
        ("运行中电压波动", "AVR调压板故障", "更换AVR调压板，带载测试正常", "AVR调压板1块"),
    ),
    "光谱仪": (
        ("激发不稳定，分析结果漂移", "电极积碳，氩气纯度不足", "清理激发台与电极，更换氩气净化器", "氩气净化器1只"),
        ("开机自检报错", "光室温控板故障", "更换温控板，恒温后重新标准化", "温控板1块"),
    ),
    "水处理设备": (
        ("产水量下降，电导率升高", "反渗透膜污堵", "化学清洗RO膜，调整加药量", "阻垢剂1桶"),
        ("高压泵频繁启停", "低压开关失灵", "更换低压开关，检查进水压力", "低压开关1只"),
    ),
    "中央空调": (
        ("高压报警，不制冷", "冷凝器翅片脏堵，风机转速低", "清洗冷凝器，更换风机电容", "风机电容2只"),
        ("机组运行噪音大", "压缩机减震垫老化", "更换减震垫并紧固管路", "减震垫4只"),
    ),
}

INSTALL_TEXTS = ("新设备已到货，需上门安装调试并培训操作人员", "设备搬迁后重新安装调试", "新购设备开箱验收与调试")
MAINTENANCE_TEXTS = ("年度保养：更换易损件、全面检查", "季度巡检", "运行满2000小时保养")
COMPLAINT_TEXTS = (
    "投诉上次维修后同一故障再次出现",
    "投诉技术人员未按约定时间到场",
    "对维修报价有异议，要求说明",
)
EXCHANGE_TEXTS = ("新机到货即故障，要求调换", "设备开箱发现外壳破损，要求调换")
RETURN_TEXTS = ("控制主板故障，现场无法修复，需返厂维修", "主机异响，需返厂拆检")
CONSULTATIONS = (
    ("咨询保养周期和保养费用", "按说明书每2000小时或半年保养一次，保养报价已发短信给客户。"),
    ("咨询设备保修期还有多久", "按发票日期查询，已告知保修截止日期。"),
    ("询问操作面板上的报警代码含义", "报警为滤芯到期提醒，已指导客户复位并预约保养。"),
    ("咨询是否可以延长保修", "已介绍延保服务方案，客户考虑后再联系。"),
    ("询问配件价格", "已报价并告知到货周期约3个工作日。"),
)
CANCEL_REASONS = (
    "客户来电告知故障已自行排除，取消服务",
    "客户重复报修，与已有工单合并",
    "客户决定更换新设备，不再维修",
)
REMARKS = ("服务及时，态度很好", "技术人员很专业", "满意", "希望下次能提前电话联系", "问题已解决")
