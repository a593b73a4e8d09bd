//! A deterministic, realistic demo province: about 300 firms over the 8 regions, about 80
//! coordinators from the member units, and the visits and problems of a 2022 campaign in which
//! some regions run ahead and some behind. The same data every run, so screenshots, tests and
//! the README's figures agree.

use super::audit::{self, Actor, Entry};
use super::entity::{assignment, firm, problem, problem_event, problem_unit, user, visit};
use super::query_all;
use crate::clock;
use crate::credit_code::CreditCode;
use crate::error::Error;
use crate::problem::{ProblemStatus, Satisfaction};
use crate::reference::{Region, Tier};
use crate::visit::VisitKind;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, Set,
    TransactionSession, TransactionTrait,
};
use std::collections::{BTreeMap, HashSet};

/// splitmix64: tiny, fast and the same on every platform, which is all demo data needs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1).max(1) as u64) as i64
    }
}

/// Firms per region (most in 西宁 and 海东) and how far each region's coordinators got: the
/// share of firms visited on site, and of visited firms with a problem solved.
const REGIONS: [(Region, usize, f64, f64); 8] = [
    (Region::Xining, 110, 0.97, 0.86),
    (Region::Haidong, 62, 0.93, 0.80),
    (Region::Haixi, 42, 0.90, 0.74),
    (Region::Hainan, 22, 0.80, 0.66),
    (Region::Haibei, 18, 0.83, 0.70),
    (Region::Huangnan, 16, 0.72, 0.58),
    (Region::Yushu, 16, 0.60, 0.45),
    (Region::Golog, 14, 0.52, 0.40),
];

const COUNTIES: [&[&str]; 8] = [
    &[
        "城东区",
        "城中区",
        "城西区",
        "城北区",
        "湟中区",
        "大通回族土族自治县",
        "湟源县",
    ],
    &[
        "乐都区",
        "平安区",
        "民和回族土族自治县",
        "互助土族自治县",
        "化隆回族自治县",
        "循化撒拉族自治县",
    ],
    &["海晏县", "祁连县", "刚察县", "门源回族自治县"],
    &["同仁市", "尖扎县", "泽库县", "河南蒙古族自治县"],
    &["共和县", "同德县", "贵德县", "兴海县", "贵南县"],
    &["玛沁县", "班玛县", "甘德县", "达日县", "久治县", "玛多县"],
    &["玉树市", "杂多县", "称多县", "治多县", "囊谦县", "曲麻莱县"],
    &[
        "德令哈市",
        "格尔木市",
        "茫崖市",
        "乌兰县",
        "都兰县",
        "天峻县",
    ],
];

const PLACE: [&[&str]; 8] = [
    &["青海", "西宁", "湟中", "大通"],
    &["海东", "青海", "互助", "乐都"],
    &["海北", "祁连", "门源"],
    &["黄南", "热贡", "同仁"],
    &["海南州", "共和", "贵德"],
    &["果洛", "玛沁", "青海"],
    &["玉树", "三江源", "青海"],
    &["海西", "格尔木", "德令哈", "柴达木"],
];

const BRANDS: &[&str] = &[
    "昆仑",
    "瑞丰",
    "华实",
    "高原",
    "雪域",
    "祁连山",
    "天佑",
    "金河",
    "鑫源",
    "恒信",
    "康普",
    "中岩",
    "绿源",
    "宏泰",
    "三江",
    "青峰",
    "盛世",
    "同创",
    "博远",
    "晶科",
    "锦华",
    "正和",
    "安泰",
    "汇丰源",
    "新元",
    "德馨",
    "明珠",
    "益康",
    "丰泽",
    "凯达",
];

/// Industry, with the words firm names in it end with.
const INDUSTRIES: &[(&str, &[&str])] = &[
    ("盐湖化工", &["盐湖化工", "钾肥", "化工"]),
    ("锂电新材料", &["锂业", "锂电材料", "新材料"]),
    ("光伏新能源", &["光伏科技", "新能源", "光电"]),
    ("有色金属", &["有色金属", "铝业", "合金材料"]),
    ("生物医药", &["生物科技", "药业", "藏药"]),
    (
        "高原特色农牧",
        &["牦牛乳业", "枸杞科技", "青稞食品", "饲草"],
    ),
    ("装备制造", &["机械制造", "装备", "精密制造"]),
    ("信息技术", &["信息技术", "软件", "数据科技"]),
    ("民族特色用品", &["藏毯", "民族用品", "文化创意"]),
    ("绿色建材", &["建材", "新型建材"]),
];

const SUFFIX: &[&str] = &["有限公司", "有限责任公司", "股份有限公司", "科技有限公司"];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "马", "韩", "祁", "才", "索", "周", "吴", "徐", "孙",
    "胡", "朱", "郭", "何",
];
const GIVEN: &[&str] = &[
    "建国", "海燕", "文斌", "晓东", "丽华", "志强", "永红", "卓玛", "才让", "明", "静", "伟", "芳",
    "涛", "娜", "军", "秀英", "国庆", "玉兰", "德吉", "旦增", "兰芳", "学军", "红梅", "海龙",
    "春梅", "振华", "建平",
];

/// Measures firms raise most, weighted: finance and credit, production inputs, jobs, talent,
/// payment arrears, innovation platforms.
const MEASURE_WEIGHTS: &[(i32, usize)] = &[
    (5, 14),
    (4, 6),
    (1, 6),
    (2, 6),
    (7, 8),
    (8, 6),
    (9, 6),
    (10, 4),
    (12, 5),
    (17, 3),
    (21, 3),
    (23, 3),
    (25, 5),
    (26, 4),
    (15, 2),
    (19, 2),
];

fn problem_text(measure: i32, rng: &mut Rng) -> String {
    let amount = rng.range(2, 30) * 100;
    let people = rng.range(5, 60);
    match measure {
        1 => format!("申请省级中小企业发展专项资金支持技改项目，约{amount}万元，需指导申报材料"),
        2 => "对研发费用加计扣除和留抵退税政策理解不清，希望税务部门上门辅导".to_owned(),
        4 => format!("希望纳入再贷款、再贴现支持名单，融资担保费率偏高，需求约{amount}万元"),
        5 => format!("流动资金紧张，希望协调银行发放信用贷款约{amount}万元，到期贷款续贷有困难"),
        7 => "冬季用电、用气价格上涨，原材料运输受阻，希望协调要素保障".to_owned(),
        8 => format!("计划新增{people}个工作岗位，希望了解稳岗返还和社保补贴政策"),
        9 => format!("急需引进{people}名专业技术人员，希望协调高校对接和人才公寓"),
        10 => "希望申报省级企业技术中心，需要检验检测平台支持".to_owned(),
        12 => "申报专精特新中小企业，希望获得梯度培育辅导".to_owned(),
        17 => "推进上云用云和数字化车间改造，希望获得服务商对接".to_owned(),
        21 => "希望参加境外展会，申请外贸发展资金和通关便利".to_owned(),
        23 => "节能改造项目需要绿色信贷支持和能耗指标协调".to_owned(),
        25 => format!("大型企业拖欠货款约{amount}万元逾期未付，希望协调支付"),
        26 => format!("政府投资项目拖欠工程款约{amount}万元，希望纳入清欠专项行动"),
        15 => "希望获得中小企业服务券，购买管理咨询服务".to_owned(),
        19 => "希望参加质量管理和品牌建设培训".to_owned(),
        _ => "希望了解助企纾困政策的申报条件和流程".to_owned(),
    }
}

const VISIT_SUMMARIES: &[&str] = &[
    "实地查看生产线运行情况，了解企业一季度经营状况和用工情况，宣讲助企纾困政策。",
    "与企业负责人座谈，了解订单、融资和原材料保障情况，收集企业诉求。",
    "走访企业研发中心，了解专精特新培育进展，讲解梯度培育支持政策。",
    "了解企业复工复产和物流运输情况，协调解决生产要素保障问题。",
    "回访企业，了解前期反映问题的办理进展，听取企业意见建议。",
];

/// Adds working days (Monday to Friday); public holidays are ignored in demo data.
pub fn add_working_days(from: NaiveDate, days: u32) -> NaiveDate {
    let mut d = from;
    let mut left = days;
    while left > 0 {
        d += Duration::days(1);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    d
}

#[derive(Clone, Debug, PartialEq, Eq, Default, serde::Serialize)]
pub struct Summary {
    pub firms: u64,
    pub coordinators: u64,
    pub visits: u64,
    pub problems: u64,
    pub skipped: bool,
}

#[derive(FromQueryResult)]
struct UnitRow {
    id: i32,
    name_zh: String,
}

#[derive(FromQueryResult)]
struct LinkRow {
    measure_id: i32,
    member_unit_id: i32,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn phone(rng: &mut Rng, used: &mut HashSet<String>) -> String {
    loop {
        let p = format!(
            "1{}{:09}",
            rng.pick(&["39", "38", "37", "50", "58", "86", "87", "89"]),
            rng.next() % 1_000_000_000
        )[..11]
            .to_owned();
        if used.insert(p.clone()) {
            return p;
        }
    }
}

fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

/// The password of every demo account. Demo data only: never load it into a real database.
pub const DEMO_PASSWORD: &str = "zhuqi-demo-2022";

/// The demo accounts people log in with, one or two per role (every demo user has a phone
/// number too, and the same password).
pub const DEMO_ACCOUNTS: [(&str, &str); 5] = [
    ("office", "office"),
    ("leader", "leader"),
    ("unit", "unit"),
    ("coordinator", "coordinator"),
    ("coordinator2", "coordinator"),
];

/// Creates the demo province unless the database already holds firms (then it does nothing).
pub async fn seed<C: ConnectionTrait + TransactionTrait>(db: &C) -> Result<Summary, Error> {
    if firm::Entity::find().count(db).await? > 0 {
        return Ok(Summary {
            skipped: true,
            ..Summary::default()
        });
    }
    let txn = db.begin().await?;
    let mut rng = Rng(20_220_227);
    let units = query_all::<UnitRow>(
        &txn,
        "SELECT id, name_zh FROM member_units ORDER BY id",
        vec![],
    )
    .await?;
    let links = query_all::<LinkRow>(
        &txn,
        "SELECT measure_id, member_unit_id FROM measure_units",
        vec![],
    )
    .await?;
    let mut units_of: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
    for l in links {
        units_of
            .entry(l.measure_id)
            .or_default()
            .push(l.member_unit_id);
    }
    let created = clock::at(d(2022, 2, 25), 9, 0);
    let mut phones = HashSet::new();
    // One hash for all demo users: argon2 is slow by design, and these accounts are for show.
    let demo_hash = super::accounts::hash_password(DEMO_PASSWORD)?;

    // People: the office, leaders, one handler per member unit, and ~80 coordinators drawn
    // mostly from the departments that carry the campaign.
    let add_user = |name: String,
                    role: &str,
                    unit: Option<i32>,
                    phones: &mut HashSet<String>,
                    rng: &mut Rng| {
        user::ActiveModel {
            name: Set(name),
            phone: Set(phone(rng, phones)),
            username: Set(None),
            role: Set(role.to_owned()),
            member_unit_id: Set(unit),
            password_hash: Set(Some(demo_hash.clone())),
            active: Set(true),
            created_at: Set(created),
            updated_at: Set(created),
            ..Default::default()
        }
    };
    let named = |mut m: user::ActiveModel, username: &str| {
        m.username = Set(Some(username.to_owned()));
        m
    };
    for i in 0..2 {
        let u = add_user(person(&mut rng), "office", None, &mut phones, &mut rng);
        if i == 0 { named(u, "office") } else { u }
            .insert(&txn)
            .await?;
    }
    for i in 0..2 {
        let u = add_user(person(&mut rng), "leader", None, &mut phones, &mut rng);
        if i == 0 { named(u, "leader") } else { u }
            .insert(&txn)
            .await?;
    }
    for (i, unit) in units.iter().enumerate() {
        let u = add_user(
            person(&mut rng),
            "unit",
            Some(unit.id),
            &mut phones,
            &mut rng,
        );
        if i == 0 { named(u, "unit") } else { u }
            .insert(&txn)
            .await?;
    }
    let heavy: Vec<i32> = units
        .iter()
        .filter(|u| {
            [
                "省工业和信息化厅",
                "省发展改革委",
                "省科技厅",
                "省财政厅",
                "省商务厅",
            ]
            .contains(&u.name_zh.as_str())
        })
        .map(|u| u.id)
        .collect();
    let mut coordinators: Vec<i32> = Vec::new();
    for i in 0..80 {
        let unit = if i % 3 == 0 {
            rng.pick(&units).id
        } else {
            *rng.pick(&heavy)
        };
        let u = add_user(
            person(&mut rng),
            "coordinator",
            Some(unit),
            &mut phones,
            &mut rng,
        );
        let u = match i {
            0 => named(u, "coordinator"),
            1 => named(u, "coordinator2"),
            _ => u,
        };
        let u = u.insert(&txn).await?;
        coordinators.push(u.id);
    }

    // Firms, with coordinators assigned region by region so each coordinator's firms are near
    // each other, as offices assign them.
    let mut names = HashSet::new();
    let mut codes = HashSet::new();
    let mut summary = Summary {
        coordinators: coordinators.len() as u64,
        ..Summary::default()
    };
    let mut coordinator_cursor = 0usize;
    let data_end = d(2022, 12, 31);
    for (ri, (region, count, visit_rate, solve_rate)) in REGIONS.iter().enumerate() {
        for _ in 0..*count {
            let (industry, words) = *rng.pick(INDUSTRIES);
            let name = loop {
                let n = format!(
                    "{}{}{}{}",
                    rng.pick(PLACE[ri]),
                    rng.pick(BRANDS),
                    rng.pick(words),
                    rng.pick(SUFFIX)
                );
                if names.insert(n.clone()) {
                    break n;
                }
            };
            let code = loop {
                let alphabet = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
                let body: String = (0..7)
                    .map(|_| alphabet[rng.below(alphabet.len())] as char)
                    .collect();
                let first17 = format!("91{}MA{body}", region.division_code());
                if let Some(c) =
                    CreditCode::complete(&first17).filter(|c| codes.insert(c.to_string()))
                {
                    break c;
                }
            };
            let tier = match rng.below(100) {
                0..=9 => Tier::Innovative,
                10..=44 => Tier::Reserve,
                45..=84 => Tier::ProvincialSrdi,
                85..=96 => Tier::LittleGiant,
                _ => Tier::SingleChampion,
            };
            let county = *rng.pick(COUNTIES[ri]);
            let f = firm::ActiveModel {
                credit_code: Set(code.to_string()),
                name: Set(name),
                region_id: Set(region.id()),
                county: Set(county.to_owned()),
                industry: Set(industry.to_owned()),
                tier_id: Set(tier.id()),
                in_scope: Set(tier.in_campaign_scope()),
                scope_reason: Set(None),
                contact_name: Set(person(&mut rng)),
                contact_phone: Set(phone(&mut rng, &mut phones)),
                address: Set(format!(
                    "{}{}{}路{}号",
                    region.name_zh(),
                    county,
                    rng.pick(&["昆仑", "柴达木", "黄河", "湟水", "长江", "通海", "园区"]),
                    rng.range(1, 399)
                )),
                archived_at: Set(None),
                created_at: Set(created),
                updated_at: Set(created),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            summary.firms += 1;

            // A few firms still wait for a coordinator, mostly in the remote regions.
            let unassigned = rng.chance(if ri >= 5 { 0.12 } else { 0.02 });
            if unassigned {
                continue;
            }
            let mut coordinator = coordinators[coordinator_cursor % coordinators.len()];
            coordinator_cursor += usize::from(rng.chance(0.28));
            let assigned_on = d(2022, 3, 1) + Duration::days(rng.range(0, 30));
            let handover = rng.chance(0.04);
            if handover {
                let ended_on = assigned_on + Duration::days(rng.range(60, 150));
                assignment::ActiveModel {
                    firm_id: Set(f.id),
                    coordinator_id: Set(coordinator),
                    started_at: Set(clock::at(assigned_on, 10, 0)),
                    ended_at: Set(Some(clock::at(ended_on, 10, 0))),
                    reason: Set("首批分配".to_owned()),
                    assigned_by: Set(None),
                    ended_by: Set(None),
                    end_reason: Set(Some("原协调员工作调整".to_owned())),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                coordinator = *rng.pick(&coordinators);
                assignment::ActiveModel {
                    firm_id: Set(f.id),
                    coordinator_id: Set(coordinator),
                    started_at: Set(clock::at(ended_on, 10, 0)),
                    ended_at: Set(None),
                    reason: Set("工作交接".to_owned()),
                    assigned_by: Set(None),
                    ended_by: Set(None),
                    end_reason: Set(None),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            } else {
                assignment::ActiveModel {
                    firm_id: Set(f.id),
                    coordinator_id: Set(coordinator),
                    started_at: Set(clock::at(assigned_on, 10, 0)),
                    ended_at: Set(None),
                    reason: Set("首批分配".to_owned()),
                    assigned_by: Set(None),
                    ended_by: Set(None),
                    end_reason: Set(None),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }

            // Contact by phone or video first for some firms; on-site visits spread over the year,
            // earlier in the regions that ran ahead.
            if rng.chance(0.35) {
                let when = assigned_on + Duration::days(rng.range(3, 40));
                let kind = if rng.chance(0.7) {
                    VisitKind::Phone
                } else {
                    VisitKind::Video
                };
                insert_visit(&txn, f.id, coordinator, when, kind, &mut rng).await?;
                summary.visits += 1;
            }
            if !rng.chance(*visit_rate) {
                continue;
            }
            let lateness = 1.0 - visit_rate; // behind regions visit later in the year
            let latest = (assigned_on + Duration::days(300)).min(d(2022, 12, 28));
            let span = (latest - assigned_on).num_days().max(10);
            let offset = (rng.range(5, span) as f64 * (0.45 + lateness)).min(span as f64) as i64;
            let visit_on = assigned_on + Duration::days(offset);
            let visit = insert_visit(
                &txn,
                f.id,
                coordinator,
                visit_on,
                VisitKind::OnSite,
                &mut rng,
            )
            .await?;
            summary.visits += 1;

            let problem_count = match rng.below(10) {
                0..=1 => 0,
                2..=6 => 1,
                7..=8 => 2,
                _ => 3,
            };
            let solves = rng.chance(*solve_rate);
            for pi in 0..problem_count {
                let measure = weighted_measure(&mut rng);
                let raised = visit_on;
                let deadline = add_working_days(raised, 15);
                // The first problem of a firm that gets one solved is the solved one; the rest
                // take whatever course the dice give them.
                let outcome = if pi == 0 && solves {
                    Outcome::Solved
                } else {
                    match rng.below(10) {
                        0..=3 => Outcome::Solved,
                        4..=5 => Outcome::Closed,
                        6 => Outcome::Unsolvable,
                        7 => Outcome::Responded,
                        8 => Outcome::Claimed,
                        _ => Outcome::Routed,
                    }
                };
                let outcome = if pi == 0 && !solves && outcome == Outcome::Solved {
                    Outcome::Closed
                } else {
                    outcome
                };
                let units = units_of.get(&measure).cloned().unwrap_or_default();
                let mut routed: Vec<i32> = Vec::new();
                if let Some(first) = units.first() {
                    routed.push(*rng.pick(&units));
                    if units.len() > 2 && rng.chance(0.3) && !routed.contains(first) {
                        routed.push(*first);
                    }
                }
                insert_problem(
                    &txn,
                    &mut rng,
                    f.id,
                    visit.id,
                    coordinator,
                    measure,
                    raised,
                    deadline,
                    outcome,
                    &routed,
                    data_end,
                )
                .await?;
                summary.problems += 1;
            }
        }
    }
    audit::record(
        &txn,
        &Actor::system("seed-demo"),
        Entry {
            action: "seed_demo",
            entity: "database",
            entity_id: None,
            firm_id: None,
            before: None,
            after: audit::snapshot(&summary),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(summary)
}

fn weighted_measure(rng: &mut Rng) -> i32 {
    let total: usize = MEASURE_WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut roll = rng.below(total);
    for (m, w) in MEASURE_WEIGHTS {
        if roll < *w {
            return *m;
        }
        roll -= w;
    }
    5
}

async fn insert_visit(
    db: &impl ConnectionTrait,
    firm_id: i32,
    coordinator: i32,
    on: NaiveDate,
    kind: VisitKind,
    rng: &mut Rng,
) -> Result<visit::Model, Error> {
    let at = clock::at(on, 17, 30);
    Ok(visit::ActiveModel {
        firm_id: Set(firm_id),
        coordinator_id: Set(coordinator),
        visit_date: Set(on),
        kind: Set(kind.code().to_owned()),
        participants: Set(format!(
            "企业负责人{}、财务负责人{}",
            person(rng),
            person(rng)
        )),
        summary: Set((*rng.pick(VISIT_SUMMARIES)).to_owned()),
        idempotency_key: Set(None),
        created_by: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Routed,
    Claimed,
    Responded,
    Closed,
    Solved,
    Unsolvable,
}

#[allow(clippy::too_many_arguments)]
async fn insert_problem(
    db: &impl ConnectionTrait,
    rng: &mut Rng,
    firm_id: i32,
    visit_id: i32,
    coordinator: i32,
    measure: i32,
    raised: NaiveDate,
    deadline: NaiveDate,
    outcome: Outcome,
    units: &[i32],
    data_end: NaiveDate,
) -> Result<(), Error> {
    // Each step takes a few days; a step that would fall after the data's end has not happened.
    let mut day = raised;
    let mut step = |rng: &mut Rng, lo: i64, hi: i64| -> Option<DateTime<Utc>> {
        day += Duration::days(rng.range(lo, hi));
        (day <= data_end).then(|| clock::at(day, 15, 0))
    };
    let claimed = (outcome != Outcome::Routed)
        .then(|| step(rng, 1, 4))
        .flatten();
    let responded = (claimed.is_some() && !matches!(outcome, Outcome::Routed | Outcome::Claimed))
        .then(|| step(rng, 4, 18))
        .flatten();
    let closed = (responded.is_some() && matches!(outcome, Outcome::Closed | Outcome::Solved))
        .then(|| step(rng, 1, 5))
        .flatten();
    let solved = (closed.is_some() && outcome == Outcome::Solved)
        .then(|| step(rng, 2, 12))
        .flatten();
    let status = if solved.is_some() {
        ProblemStatus::Solved
    } else if closed.is_some() {
        ProblemStatus::Closed
    } else if responded.is_some() {
        if outcome == Outcome::Unsolvable {
            ProblemStatus::Unsolvable
        } else {
            ProblemStatus::Responded
        }
    } else if claimed.is_some() {
        ProblemStatus::Claimed
    } else {
        ProblemStatus::Routed
    };
    let raised_at = clock::at(raised, 17, 45);
    let satisfaction = solved.map(|_| match rng.below(10) {
        0..=6 => Satisfaction::Satisfied,
        7..=8 => Satisfaction::BasicallySatisfied,
        _ => Satisfaction::Dissatisfied,
    });
    let last = [solved, closed, responded, claimed]
        .into_iter()
        .flatten()
        .next()
        .unwrap_or(raised_at);
    let p =
        problem::ActiveModel {
            firm_id: Set(firm_id),
            visit_id: Set(Some(visit_id)),
            measure_id: Set(measure),
            description: Set(problem_text(measure, rng)),
            status: Set(status.code().to_owned()),
            deadline: Set(deadline),
            raised_by: Set(Some(coordinator)),
            raised_at: Set(raised_at),
            claimed_at: Set(claimed),
            responded_at: Set(responded),
            closed_at: Set(closed),
            solved_at: Set(solved),
            concluded_on: Set(if status == ProblemStatus::Unsolvable {
                responded
            } else {
                closed
            }
            .map(clock::date_of)),
            unit_response: Set(responded
                .map(|_| "已与企业对接，按政策予以支持，具体办理情况已反馈企业。".to_owned())),
            status_reason: Set((status == ProblemStatus::Unsolvable)
                .then(|| "不符合现行政策支持条件，已向企业解释说明。".to_owned())),
            confirmed_via: Set(
                solved.map(|_| if rng.chance(0.6) { "link" } else { "call" }.to_owned())
            ),
            satisfaction: Set(satisfaction.map(|s| s.code().to_owned())),
            firm_comment: Set(None),
            version: Set(1),
            created_at: Set(raised_at),
            updated_at: Set(last),
            ..Default::default()
        }
        .insert(db)
        .await?;
    if !units.is_empty() {
        problem_unit::Entity::insert_many(units.iter().map(|u| problem_unit::ActiveModel {
            problem_id: Set(p.id),
            member_unit_id: Set(*u),
        }))
        .exec(db)
        .await?;
    }
    let mut events = vec![(None, ProblemStatus::Routed, raised_at, Some(coordinator))];
    let chain = [
        (claimed, ProblemStatus::Claimed),
        (
            responded,
            if status == ProblemStatus::Unsolvable {
                ProblemStatus::Unsolvable
            } else {
                ProblemStatus::Responded
            },
        ),
        (closed, ProblemStatus::Closed),
        (solved, ProblemStatus::Solved),
    ];
    let mut from = ProblemStatus::Routed;
    for (at, to) in chain {
        if let Some(at) = at {
            events.push((Some(from), to, at, None));
            from = to;
        }
    }
    problem_event::Entity::insert_many(events.into_iter().map(|(from, to, at, actor)| {
        problem_event::ActiveModel {
            problem_id: Set(p.id),
            from_status: Set(from.map(|s| s.code().to_owned())),
            to_status: Set(to.code().to_owned()),
            actor_id: Set(actor),
            note: Set(String::new()),
            at: Set(at),
            ..Default::default()
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_skip_weekends() {
        // 2022-05-06 is a Friday.
        assert_eq!(add_working_days(d(2022, 5, 6), 1), d(2022, 5, 9));
        assert_eq!(add_working_days(d(2022, 5, 6), 15), d(2022, 5, 27));
    }

    #[test]
    fn the_generator_is_deterministic() {
        let mut a = Rng(7);
        let mut b = Rng(7);
        assert_eq!(
            (0..5).map(|_| a.next()).collect::<Vec<_>>(),
            (0..5).map(|_| b.next()).collect::<Vec<_>>()
        );
        assert_eq!(REGIONS.iter().map(|r| r.1).sum::<usize>(), 300);
    }
}
