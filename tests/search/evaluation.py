"""The evaluation set: what people type, in their own words, and what they mean in the demo catalogue.

Each entry is (query, codes): the query as an enterprise or a citizen would type it, and the
item codes, bundle codes or policy document numbers any of which answers it. A query is a hit
when one of its codes is among the first three results of the public search (anonymous
visitor, published guides, bundles and policies). The queries follow a life from start to
end: starting a business, running it, hiring, building, property, transport, culture,
family, retiring, closing down — plus the abbreviations people type.

``hit_at(3)`` is quoted in the report and in bench/README.md (bench/search_bench.py eval).
"""

# Item codes of the demo catalogue (cms/fixtures/demo_catalog.json), by what they are.
SETUP = "11440400MB2C9136XA0101000101000"  # 企业设立登记
CHANGE = "11440400MB2C9136XA0101000102000"  # 企业变更登记
CLOSE = "11440400MB2C9136XA0101000103000"  # 企业注销登记
FOOD = "11440400MB2C9136XA0101000201000"  # 食品经营许可（新办）
PHARMACY = "11440400MB2C9136XA0101000301000"  # 药品零售企业许可
EQUIPMENT = "11440400MB2C9136XA0101000401000"  # 特种设备使用登记
HYGIENE = "11440400MB2C8F1P6N0102000101000"  # 公共场所卫生许可
CLINIC = "11440400MB2C8F1P6N0102000201000"  # 医疗机构执业登记
BIRTH_CERT = "11440400MB2C8F1P6N2002000301000"  # 出生医学证明首次签发
HR_SERVICE = "1144040000719518510103000101000"  # 人力资源服务许可
HIRING = "1144040000719518512003000201000"  # 就业登记（单位招用人员）
SOCIAL_INSURANCE = "1144040000719518512003000301000"  # 社会保险登记（单位参保登记）
PENSION = "1144040000719518510403000401000"  # 基本养老保险待遇申领（退休）
UNEMPLOYMENT = "1144040000719518510403000501000"  # 失业保险金申领
SOCIAL_CARD = "1144040000719518512003000601000"  # 社会保障卡申领
SEAL = "11440400007195009F0904000101000"  # 公章刻制备案
HOTEL_PERMIT = "11440400007195009F0104000201000"  # 特种行业许可证核发（旅馆业）
BIRTH_REGISTRATION = "11440400007195009F0704000301000"  # 出生登记（户口）
INVOICE = "11440400MB2C0A6G802005000101000"  # 发票领用
TAX_CLEARANCE = "11440400MB2C0A6G800705000201000"  # 清税证明（税务注销）
FUND_ACCOUNT = "12440400728759216N2006000101000"  # 住房公积金单位缴存登记
FUND_WITHDRAWAL = "12440400728759216N2006000201000"  # 住房公积金提取
FIRST_REGISTRATION = "12440400MB2D1R7N300707000101000"  # 不动产首次登记
RESALE = "12440400MB2D1R7N300707000102000"  # 不动产转移登记（存量房买卖）
CONSTRUCTION = "1144040000719521390108000101000"  # 建筑工程施工许可证核发
PRESALE = "1144040000719521390108000201000"  # 商品房预售许可
FIRE_ACCEPTANCE = "1144040000719521390108000301000"  # 建设工程消防验收
LAND_PLANNING = "11440400MB2C8E0L2A0109000101000"  # 建设用地规划许可证核发
WORKS_PLANNING = "11440400MB2C8E0L2A0109000201000"  # 建设工程规划许可证核发
DISCHARGE = "11440400MB2C8D4K9E0110000101000"  # 排污许可证核发
EIA = "11440400MB2C8D4K9E0110000201000"  # 建设项目环境影响评价文件审批
ENTERTAINMENT = "11440400MB2C8H3T010111000101000"  # 娱乐场所经营许可
FREIGHT = "11440400007195144R0112000101000"  # 道路货物运输经营许可
SCRAP_VEHICLES = "11440400MB2C7Y9Q5N0113000101000"  # 报废机动车回收拆解企业资质认定
MEDICAL_INSURANCE = "11440400MB2C8J2W412014000101000"  # 城乡居民基本医疗保险参保登记
SOCIAL_SERVICE_ORG = "1144040000719506590115000101000"  # 民办非企业单位（社会服务机构）成立登记
MARRIAGE = "1144040000719506590715000201000"  # 内地居民结婚登记
INVESTMENT_FILING = "11440400007194996B0916000101000"  # 企业投资项目备案
TECH_UPGRADE_FILING = "11440400MB2C7X5M190917000101000"  # 工业企业技术改造投资项目备案
# Bundles
OPEN_BUSINESS = "ZH-YJS-QYKB"  # 企业开办一件事
OPEN_RESTAURANT = "ZH-YJS-KCG"  # 我要开餐馆
OPEN_HOTEL = "ZH-YJS-KLG"  # 我要开旅馆
NEWBORN = "ZH-YJS-CSYJS"  # 新生儿出生一件事
LAND_TO_WORKS = "ZH-YJS-NDJKG"  # 拿地即开工一件事
# Policies
SME_POLICY = "珠府办〔2024〕12号"
JOB_RETENTION = "珠人社函〔2025〕56号"
GRADUATE_SUBSIDY = "珠人社规〔2024〕3号"
TECH_UPGRADE_AWARD = "珠工信规〔2023〕2号"
HIGH_TECH = "珠高新管规〔2025〕1号"
SMALL_BUSINESS_TAX = "财政部 税务总局公告2023年第12号"
FOREIGN_TRADE = "珠商务〔2024〕45号"
CULTURE_TOURISM = "珠文广旅体规〔2024〕1号"
FUND_SUPPORT = "珠公积金委〔2022〕2号"
SOLE_TO_COMPANY = "珠市监规〔2024〕4号"

EVALUATION = [
    # 开办企业 starting a business
    ("开公司", [SETUP, OPEN_BUSINESS]),
    ("注册公司要什么材料", [SETUP, OPEN_BUSINESS]),
    ("我想成立一家公司", [SETUP, OPEN_BUSINESS]),
    ("办营业执照", [SETUP, OPEN_BUSINESS]),
    ("怎么领营业执照", [SETUP, OPEN_BUSINESS]),
    ("新办企业一次办好", [OPEN_BUSINESS, SETUP]),
    ("刻公章", [SEAL]),
    ("公司刻章在哪里办", [SEAL]),
    ("领发票", [INVOICE]),
    ("新办纳税人申领发票", [INVOICE]),
    ("单位交社保开户", [SOCIAL_INSURANCE]),
    ("公积金开户", [FUND_ACCOUNT]),
    ("个体户转公司", [SOLE_TO_COMPANY]),
    # 经营许可 running a business
    ("开饭店", [FOOD, OPEN_RESTAURANT]),
    ("开餐馆要办什么证", [OPEN_RESTAURANT, FOOD]),
    ("开奶茶店", [FOOD, OPEN_RESTAURANT]),
    ("卖吃的需要许可证吗", [FOOD]),
    ("食品许可证", [FOOD]),
    ("开小卖部卖零食", [FOOD]),
    ("开药店", [PHARMACY]),
    ("药品经营许可证", [PHARMACY]),
    ("开理发店", [HYGIENE]),
    ("开美容院要什么手续", [HYGIENE]),
    ("卫生许可证", [HYGIENE]),
    ("开宾馆", [OPEN_HOTEL, HOTEL_PERMIT, HYGIENE]),
    ("开民宿", [OPEN_HOTEL, HOTEL_PERMIT, HYGIENE]),
    ("开酒店要什么证", [OPEN_HOTEL, HOTEL_PERMIT, HYGIENE]),
    ("旅馆业特种行业许可", [HOTEL_PERMIT]),
    ("开诊所", [CLINIC]),
    ("开KTV", [ENTERTAINMENT]),
    ("开网吧", [HYGIENE, ENTERTAINMENT]),
    ("游戏厅许可", [ENTERTAINMENT]),
    ("电梯登记", [EQUIPMENT]),
    ("锅炉使用登记", [EQUIPMENT]),
    ("职业中介", [HR_SERVICE]),
    ("开猎头公司", [HR_SERVICE]),
    ("排污证", [DISCHARGE]),
    ("环评审批", [EIA]),
    ("做环评", [EIA]),
    ("改公司名字", [CHANGE]),
    ("换法人", [CHANGE]),
    ("公司搬地址", [CHANGE]),
    ("做外贸有什么补贴", [FOREIGN_TRADE]),
    ("出口企业扶持", [FOREIGN_TRADE]),
    ("小微企业减税", [SMALL_BUSINESS_TAX]),
    ("个体户税收优惠", [SMALL_BUSINESS_TAX]),
    ("中小企业补贴", [SME_POLICY]),
    ("高企认定奖励", [HIGH_TECH]),
    ("高新技术企业扶持", [HIGH_TECH]),
    ("技改补贴", [TECH_UPGRADE_AWARD, TECH_UPGRADE_FILING]),
    ("技术改造备案", [TECH_UPGRADE_FILING]),
    ("文旅补贴", [CULTURE_TOURISM]),
    ("旅游企业扶持", [CULTURE_TOURISM]),
    ("报废车回收", [SCRAP_VEHICLES]),
    # 招工用工 hiring
    ("招工", [HIRING]),
    ("招人要办什么", [HIRING, SOCIAL_INSURANCE]),
    ("员工入职登记", [HIRING]),
    ("给员工买社保", [SOCIAL_INSURANCE]),
    ("稳岗返还", [JOB_RETENTION]),
    ("稳岗补贴", [JOB_RETENTION]),
    ("招大学生有补贴吗", [GRADUATE_SUBSIDY]),
    ("社保补贴", [GRADUATE_SUBSIDY]),
    # 工程建设 building
    ("盖厂房", [CONSTRUCTION, LAND_TO_WORKS]),
    ("施工许可证", [CONSTRUCTION]),
    ("开工证", [CONSTRUCTION]),
    ("拿地即开工", [LAND_TO_WORKS]),
    ("用地规划许可", [LAND_PLANNING]),
    ("规划许可证", [LAND_PLANNING, WORKS_PLANNING]),
    ("工程规划证", [WORKS_PLANNING]),
    ("消防验收", [FIRE_ACCEPTANCE]),
    ("预售证", [PRESALE]),
    ("卖楼花", [PRESALE]),
    ("项目备案", [INVESTMENT_FILING]),
    ("投资项目立项", [INVESTMENT_FILING]),
    # 不动产 property
    ("二手房过户", [RESALE]),
    ("买二手房", [RESALE]),
    ("房子过户", [RESALE]),
    ("卖房", [RESALE]),
    ("新房办房产证", [FIRST_REGISTRATION]),
    ("房产证", [FIRST_REGISTRATION, RESALE]),
    ("提取公积金", [FUND_WITHDRAWAL]),
    ("公积金", [FUND_WITHDRAWAL, FUND_ACCOUNT, FUND_SUPPORT]),
    ("租房提公积金", [FUND_WITHDRAWAL]),
    ("公积金支持政策", [FUND_SUPPORT]),
    # 交通 transport
    ("跑运输", [FREIGHT]),
    ("货车运输许可", [FREIGHT]),
    ("物流公司道路运输证", [FREIGHT]),
    # 文化 culture
    ("开歌厅", [ENTERTAINMENT]),
    ("成立社会服务机构", [SOCIAL_SERVICE_ORG]),
    ("民非登记", [SOCIAL_SERVICE_ORG]),
    # 个人 family and daily life
    ("生孩子", [NEWBORN]),
    ("新生儿上户口", [BIRTH_REGISTRATION, NEWBORN]),
    ("报户口", [BIRTH_REGISTRATION]),
    ("出生证", [BIRTH_CERT, NEWBORN]),
    ("结婚登记", [MARRIAGE]),
    ("领结婚证", [MARRIAGE]),
    ("医保", [MEDICAL_INSURANCE]),
    ("买医保", [MEDICAL_INSURANCE]),
    ("居民医保参保", [MEDICAL_INSURANCE]),
    ("社保卡", [SOCIAL_CARD]),
    ("办社保卡", [SOCIAL_CARD]),
    ("失业金", [UNEMPLOYMENT]),
    ("领失业金", [UNEMPLOYMENT]),
    ("下岗了怎么领钱", [UNEMPLOYMENT]),
    # 退休 retiring
    ("退休", [PENSION]),
    ("办退休手续", [PENSION]),
    ("领养老金", [PENSION]),
    ("退休金怎么申请", [PENSION]),
    # 注销退出 closing down
    ("注销公司", [CLOSE, TAX_CLEARANCE]),
    ("公司不做了怎么关", [CLOSE]),
    ("关公司", [CLOSE]),
    ("税务注销", [TAX_CLEARANCE]),
    ("清税证明", [TAX_CLEARANCE]),
    ("简易注销", [CLOSE]),
]


# Written after the ranking and the dictionary were tuned on EVALUATION, and never tuned on:
# the honest figure for queries nobody has seen.
HELD_OUT = [
    ("想开一家火锅店", [FOOD, OPEN_RESTAURANT]),
    ("开烧烤店需要办哪些证", [FOOD, OPEN_RESTAURANT]),
    ("开个小旅馆", [OPEN_HOTEL, HOTEL_PERMIT]),
    ("开游泳馆卫生证", [HYGIENE]),
    ("开足浴店", [HYGIENE]),
    ("成立有限责任公司", [SETUP, OPEN_BUSINESS]),
    ("公司经营范围变更", [CHANGE]),
    ("增加注册资本", [CHANGE]),
    ("公司解散清算", [CLOSE]),
    ("个人所得税", [SMALL_BUSINESS_TAX]),
    ("退休了怎么领钱", [PENSION]),
    ("达到退休年龄", [PENSION]),
    ("孩子出生后办什么", [NEWBORN, BIRTH_REGISTRATION, BIRTH_CERT]),
    ("小孩买医保", [MEDICAL_INSURANCE, NEWBORN]),
    ("外地人在珠海参加医保", [MEDICAL_INSURANCE]),
    ("婚姻登记预约", [MARRIAGE]),
    ("离职了领失业保险", [UNEMPLOYMENT]),
    ("商品房预售", [PRESALE]),
    ("新建厂房报建", [CONSTRUCTION, LAND_TO_WORKS, WORKS_PLANNING]),
    ("电梯年检登记", [EQUIPMENT]),
    ("工厂排放废水", [DISCHARGE]),
    ("开医院", [CLINIC]),
    ("买房提取公积金", [FUND_WITHDRAWAL]),
    ("公积金贷款政策", [FUND_SUPPORT]),
    ("外贸企业补贴政策", [FOREIGN_TRADE]),
]


def hit_at(k, search, queries=None):
    """The share of queries whose answer is among the first ``k`` results, and the misses.

    ``search(query, k)`` returns the codes of the first ``k`` results.
    """
    queries = EVALUATION if queries is None else queries
    misses = []
    for text, codes in queries:
        found = search(text, k)
        if not set(found[:k]) & set(codes):
            misses.append((text, found[:k]))
    return 1 - len(misses) / len(queries), misses
