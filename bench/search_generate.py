"""A search corpus like a city's: guides, bundles, policies, case files, materials, licenses.

``generate(n)`` yields ``SearchDocument``s with realistic Chinese text and access lists, the
way the providers will make them: public guides and policies (a few drafts for their
department's editors), and case files, materials and licenses visible to the handling
department's role groups, the applicant, and the supervisor group. Departments are skewed
like a real city's: the market regulator handles about a sixth of all cases, so its clerks
see about 15 % of the records. Broad words behave as in the real thing: 许可 is in about
98 % of the records, 申请 and 珠海 in most.

``population()`` gives the users the benchmark queries as (name, principals).
Deterministic for a given seed.
"""

import random
from datetime import datetime, timedelta, timezone

from search.documents import SearchDocument

SUPERVISOR_GROUP = 1
TZ = timezone(timedelta(hours=8))

DEPARTMENTS = [
    ("SCJGJ", "市市场监管局"), ("ZJJ", "市住建局"), ("RSJ", "市人社局"), ("WJJ", "市卫健局"),
    ("ZRZYJ", "市自然资源局"), ("GAJ", "市公安局"), ("SWJ", "市税务局"), ("GJJ", "市公积金中心"),
    ("BDCDJ", "市不动产登记中心"), ("STHJJ", "市生态环境局"), ("JTJ", "市交通运输局"), ("WGLTJ", "市文广旅体局"),
    ("YBJ", "市医保局"), ("MZJ", "市民政局"), ("SWJ-SW", "市商务局"), ("FGJ", "市发展改革局"),
    ("GXJ", "市工业和信息化局"), ("ZSJ", "市政数局"), ("XZ-SCJGJ", "香洲区市场监管局"), ("JW-ZSJ", "金湾区政数局"),
    ("DM-ZSJ", "斗门区政数局"), ("GXQ", "高新区管委会"), ("XZ-ZSJ", "香洲区政数局"), ("GBJD", "拱北街道"),
] + [(f"TOWN{i:02d}", f"镇街{i:02d}便民服务中心") for i in range(16)]
# Share of the case load by department: the market regulator first, then a long tail.
WEIGHTS = [18, 9, 8, 6, 5, 5, 5, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1] + [0.6] * 16

ITEMS = [
    # (department index, item name, license produced or "")
    (0, "食品经营许可证核发", "食品经营许可证"), (0, "企业设立登记", "营业执照"), (0, "企业注销登记", ""),
    (0, "企业变更登记", "营业执照"), (0, "个体工商户设立登记", "营业执照"), (0, "药品零售企业许可", "药品经营许可证"),
    (0, "特种设备使用登记", "特种设备使用登记证"), (0, "小餐饮登记", "小餐饮登记证"),
    (1, "建筑工程施工许可证核发", "建筑工程施工许可证"), (1, "商品房预售许可", "商品房预售许可证"),
    (1, "建设工程竣工验收备案", ""), (1, "建筑业企业资质核准", "建筑业企业资质证书"),
    (2, "就业登记", ""), (2, "失业保险金申领", ""), (2, "养老保险待遇申领", ""), (2, "社会保障卡申领", "社会保障卡"),
    (2, "职工退休申请", ""), (2, "人力资源服务许可", "人力资源服务许可证"),
    (3, "公共场所卫生许可", "公共场所卫生许可证"), (3, "医疗机构执业登记", "医疗机构执业许可证"),
    (3, "饮用水供水单位卫生许可", "卫生许可证"), (3, "放射诊疗许可", "放射诊疗许可证"),
    (4, "建设用地规划许可证核发", "建设用地规划许可证"), (4, "建设工程规划许可证核发", "建设工程规划许可证"),
    (5, "居民身份证换领", "居民身份证"), (5, "户口迁移", ""), (5, "公章刻制备案", ""),
    (6, "个人所得税汇算清缴", ""), (6, "发票领用", ""), (6, "税务注销", ""),
    (7, "住房公积金提取", ""), (7, "住房公积金个人贷款", ""),
    (8, "不动产首次登记", "不动产权证书"), (8, "二手房转移登记", "不动产权证书"), (8, "抵押权登记", "不动产登记证明"),
    (9, "建设项目环境影响评价审批", ""), (9, "排污许可证核发", "排污许可证"),
    (10, "道路货物运输经营许可", "道路运输经营许可证"), (10, "网络预约出租汽车驾驶员证核发", "网约车驾驶员证"),
    (11, "娱乐场所经营许可", "娱乐经营许可证"), (11, "营业性演出许可", "营业性演出许可证"),
    (12, "医保参保登记", ""), (12, "异地就医备案", ""), (12, "生育医疗费用报销", ""),
    (13, "社会团体成立登记", "社会团体法人登记证书"), (13, "婚姻登记", "结婚证"), (13, "养老机构备案", ""),
    (14, "对外贸易经营者备案登记", ""), (15, "企业投资项目备案", ""), (16, "技术改造项目备案", ""),
]
MATERIALS = [
    "营业执照副本", "法定代表人身份证明", "经营场所使用证明", "场所平面布局图", "食品安全管理制度",
    "从业人员健康证明", "申请书", "授权委托书", "租赁合同", "房屋产权证明", "施工合同", "建设工程规划许可证",
    "消防验收意见", "环境影响报告表", "卫生检测报告", "设备清单", "技术人员资格证书", "章程", "股东会决议",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欣佳琪文博思远晨海峰志嘉怡梓晴"
BRANDS = [
    "格创", "海湾", "金湾", "好味道", "横琴", "湾区", "香江", "拱北", "九洲", "南屏", "唐家", "前山", "斗门", "白藤", "平沙",
    "高栏", "万山", "情侣", "野狸", "凤凰", "板樟", "吉大", "湾仔", "翠微", "新香", "明珠", "海韵", "港珠", "澳门", "银湖",
]
TRADES = [
    ("餐饮管理", "H"), ("智能科技", "I"), ("新能源", "D"), ("建设工程", "E"), ("贸易", "F"), ("物流", "G"),
    ("医疗器械", "C"), ("文化传媒", "R"), ("美容美发", "O"), ("教育咨询", "P"), ("电子商务", "F"), ("生物医药", "C"),
]
ROADS = ["情侣中路", "九洲大道", "迎宾南路", "凤凰北路", "人民东路", "拱北桂花北路", "金湾红旗路", "斗门白蕉路", "唐家港湾大道"]
DISTRICTS = ["香洲区", "金湾区", "斗门区", "横琴粤澳深度合作区", "高新区"]
STATUSES = ["submitted", "accepted", "under_review", "correction_requested", "approved", "concluded", "denied"]
POLICY_TOPICS = [
    "促进中小企业发展", "稳岗就业补贴", "高新技术企业认定奖励", "外贸企业出口信用保险补助", "人才住房补贴",
    "首台套装备保险补偿", "餐饮业纾困扶持", "科技创新券", "工业企业技术改造奖励", "跨境电商发展",
]
PHRASES = [
    "经审查，申请材料齐全、符合法定形式，依法予以受理。", "申请人对所提交材料的真实性负责。",
    "根据《中华人民共和国行政许可法》第三十二条的规定，决定予以受理。", "请于承诺时限内领取办理结果。",
    "申请人可通过广东政务服务网查询办理进度。", "本件适用容缺受理，申请人承诺于五个工作日内补齐材料。",
    "现场核查发现经营场所与平面图一致。", "已核验申请人电子证照，免于提交纸质材料。",
    "经营项目：预包装食品销售（含冷藏冷冻食品）、热食类食品制售。", "法定代表人承诺遵守相关法律法规。",
    "依据《广东省行政许可监督管理办法》办理。", "并联审批各部门意见一致。",
]


def _name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


class Corpus:
    """The people and organisations the documents refer to, with their principals."""

    def __init__(self, rng, enterprises=6000, persons=12000):
        self.enterprises = []
        for index in range(enterprises):
            trade, industry = rng.choice(TRADES)
            name = f"珠海{rng.choice(BRANDS)}{rng.choice(BRANDS)}{trade}有限公司"
            uscc = f"914404{rng.randrange(10**11, 10**12)}"
            self.enterprises.append({"name": name, "uscc": uscc, "group": 10_000 + index, "industry": industry})
        self.persons = [{"name": _name(rng), "user": 100_000 + index} for index in range(persons)]

    @staticmethod
    def department_groups(index):
        base = 100 + index * 4  # clerk, reviewer, decider, editor
        return {"clerk": base, "reviewer": base + 1, "decider": base + 2, "editor": base + 3}


def _date(rng):
    return datetime(2023, 1, 1, tzinfo=TZ) + timedelta(days=rng.randrange(0, 3 * 365), minutes=rng.randrange(0, 1440))


def _staff_access(dept_index):
    groups = Corpus.department_groups(dept_index)
    return [f"group:{groups[role]}" for role in ("clerk", "reviewer", "decider")]


def generate(n=200_000, seed=1):
    rng = random.Random(seed)
    corpus = Corpus(rng)
    supervisor = f"group:{SUPERVISOR_GROUP}"
    share = {"guide": 0.015, "bundle": 0.0015, "policy": 0.01, "case": 0.55, "material": 0.30}
    counts = {kind: int(n * fraction) for kind, fraction in share.items()}
    counts["license"] = n - sum(counts.values())
    item_weights = [WEIGHTS[item[0]] for item in ITEMS]

    for index in range(counts["guide"]):
        dept, item, license_name = ITEMS[index % len(ITEMS)]
        place = DISTRICTS[(index // len(ITEMS)) % len(DISTRICTS)]
        code = f"11440400MB2C{index:06d}"
        live = rng.random() > 0.05
        materials = "、".join(rng.sample(MATERIALS, 4))
        yield SearchDocument(
            kind="guide", object_id=str(index + 1), code=code, title=f"{item}（{place}）",
            body=f"{item}。实施主体：{DEPARTMENTS[dept][1]}。受理条件：申请人应具备相应条件。申请材料：{materials}。"
                 f"办理结果：{license_name or '办结通知'}。法定办结时限20个工作日，承诺时限5个工作日。行政许可。",
            department=DEPARTMENTS[dept][0], status="live" if live else "draft", date=_date(rng), url=f"/guides/{code}/",
            facets={"service_object": [rng.choice(["enterprise", "person", "both"])]},
            access=["public", supervisor] if live else [*_editor_access(dept), supervisor],
        )
    for index in range(counts["bundle"]):
        dept = index % 18
        names = [rng.choice(ITEMS)[1] for _ in range(3)]
        yield SearchDocument(
            kind="bundle", object_id=str(index + 1), code=f"YJS-{index:04d}", title=f"{names[0]}一件事（{index}）",
            body=f"一次告知、一表申请、一套材料：{'、'.join(names)}。许可与备案并联办理。", department=DEPARTMENTS[dept][0],
            status="live", date=_date(rng), url=f"/bundles/yjs-{index:04d}/", facets={"service_object": ["enterprise"]},
            access=["public", supervisor],
        )
    for index in range(counts["policy"]):
        dept = index % 18
        topic = rng.choice(POLICY_TOPICS)
        yield SearchDocument(
            kind="policy", object_id=str(index + 1), code=f"珠府办〔{2023 + index % 3}〕{index}号",
            title=f"珠海市关于{topic}的若干措施（第{index}号）",
            body=f"为{topic}，优化营商环境，制定本措施。对符合条件的企业给予补贴。申请材料及许可证明按要求提交。" * 2,
            department=DEPARTMENTS[dept][0], status="live", date=_date(rng), url=f"/policies/p{index}/",
            facets={"category": [rng.choice(["subsidy", "tax", "talent"])]}, access=["public", supervisor],
        )

    cases = []
    for index in range(counts["case"]):
        dept, item, license_name = rng.choices(ITEMS, weights=item_weights)[0]
        by_enterprise = rng.random() < 0.7
        applicant = rng.choice(corpus.enterprises) if by_enterprise else rng.choice(corpus.persons)
        applicant_principal = f"group:{applicant['group']}" if by_enterprise else f"user:{applicant['user']}"
        access = [*_staff_access(dept), applicant_principal, supervisor]
        if rng.random() < 0.08:  # a parallel approval reaches a second department
            access += _staff_access(rng.randrange(len(DEPARTMENTS)))
        when = _date(rng)
        number = f"ZH{when:%Y%m%d}{DEPARTMENTS[dept][0].replace('-', '')}{index:07d}"
        address = f"珠海市{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randrange(1, 999)}号"
        body = (
            f"申请人：{applicant['name']}。申请事项：{item}。受理部门：{DEPARTMENTS[dept][1]}。经营地址：{address}。"
            + "".join(rng.sample(PHRASES, 3))
            + ("行政许可申请。" if rng.random() < 0.98 else "")
        )
        status = rng.choice(STATUSES)
        case = SearchDocument(
            kind="case", object_id=str(index + 1), code=number, title=f"{item} — {applicant['name']}", body=body,
            department=DEPARTMENTS[dept][0], status=status, date=when, url=f"/admin/cases/{index + 1}/",
            facets={"item": [item]}, access=access,
        )
        cases.append((case, dept, item, license_name, applicant, applicant_principal))
        yield case

    for index in range(counts["material"]):
        case, dept, item, *_ = cases[rng.randrange(len(cases))]
        material = rng.choice(MATERIALS)
        text = (
            f"{material}。{case.title}。" + "".join(rng.sample(PHRASES, 4))
            + f"联系人{_name(rng)}，电话0756-{rng.randrange(2000000, 8999999)}。"
            + ("本材料用于行政许可申请。" if rng.random() < 0.98 else "")
        )
        yield SearchDocument(
            kind="material", object_id=str(index + 1), code=f"{case.code}-M{index % 20:02d}",
            title=f"{material}（{case.code}）", body=text, department=case.department, status="accepted",
            date=case.date, url=f"{case.url}materials/{index + 1}/", facets={"item": [item]}, access=case.access,
        )

    licensing = [entry for entry in cases if entry[3]]
    for index in range(counts["license"]):
        case, dept, item, license_name, applicant, applicant_principal = licensing[rng.randrange(len(licensing))]
        number = f"{rng.choice(['JY', 'XK', 'ZS', 'BA'])}1440{rng.randrange(10**10, 10**11)}"
        yield SearchDocument(
            kind="license", object_id=str(index + 1), code=number, title=f"{license_name}（{applicant['name']}）",
            body=f"持证主体：{applicant['name']}。证照编号：{number}。发证机关：{DEPARTMENTS[dept][1]}。"
                 f"许可事项：{item}。有效期至{case.date.year + 5}年{case.date.month}月{case.date.day}日。",
            department=case.department, status=rng.choice(["valid"] * 8 + ["expired", "revoked"]), date=case.date,
            url=f"/licenses/{number}/", facets={"license_type": [license_name]},
            access=[applicant_principal, *_staff_access(dept), supervisor],
        )


def _editor_access(dept_index):
    groups = Corpus.department_groups(dept_index)
    return [f"group:{groups['editor']}", f"group:{groups['reviewer']}"]


def population(seed=1):
    """The users the benchmark queries as, by what they see: (name, principals)."""
    rng = random.Random(seed)
    corpus = Corpus(rng)
    big, small = Corpus.department_groups(0), Corpus.department_groups(12)
    enterprise = corpus.enterprises[7]
    person = corpus.persons[11]
    return [
        ("anonymous", frozenset({"public"})),
        ("enterprise member", frozenset({"public", "authenticated", "user:5", f"group:{enterprise['group']}"})),
        ("citizen", frozenset({"public", "authenticated", f"user:{person['user']}"})),
        ("market regulator clerk (~15 %)", frozenset({"public", "authenticated", "user:6", f"group:{big['clerk']}"})),
        ("medical insurance reviewer", frozenset({"public", "authenticated", "user:7", f"group:{small['reviewer']}"})),
        ("editor", frozenset({"public", "authenticated", "user:8", f"group:{big['editor']}"})),
        ("supervisor (everything)", frozenset({"public", "authenticated", "user:9", f"group:{SUPERVISOR_GROUP}"})),
    ]


def corpus_samples(seed=1, n=200_000, every=997):
    """Some exact codes and names from the generated corpus, for exact-number queries."""
    codes, names = [], []
    for index, document in enumerate(generate(n, seed)):
        if index % every == 0 and document.kind in ("case", "license", "material"):
            codes.append(document.code)
            names.append(document.title.split("（")[-1].split(" — ")[-1].rstrip("）"))
    return codes, names
