//! The demo province's vocabulary and dice: place and firm names, people, problem texts, and a
//! small deterministic random generator, so every run makes the same province.

use crate::reference::Region;
use chrono::NaiveDate;
use std::collections::HashSet;

/// splitmix64: tiny, fast and the same on every platform, which is all demo data needs.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub(super) fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    pub(super) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1).max(1) as u64) as i64
    }
}

/// Firms per region (most in 西宁 and 海东) and how far each region's coordinators got: the
/// share of firms visited on site, and of visited firms with a problem solved.
pub(super) const REGIONS: [(Region, usize, f64, f64); 8] = [
    (Region::Xining, 110, 0.97, 0.86),
    (Region::Haidong, 62, 0.93, 0.80),
    (Region::Haixi, 42, 0.90, 0.74),
    (Region::Hainan, 22, 0.80, 0.66),
    (Region::Haibei, 18, 0.83, 0.70),
    (Region::Huangnan, 16, 0.72, 0.58),
    (Region::Yushu, 16, 0.60, 0.45),
    (Region::Golog, 14, 0.52, 0.40),
];

pub(super) const COUNTIES: [&[&str]; 8] = [
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

pub(super) const PLACE: [&[&str]; 8] = [
    &["青海", "西宁", "湟中", "大通"],
    &["海东", "青海", "互助", "乐都"],
    &["海北", "祁连", "门源"],
    &["黄南", "热贡", "同仁"],
    &["海南州", "共和", "贵德"],
    &["果洛", "玛沁", "青海"],
    &["玉树", "三江源", "青海"],
    &["海西", "格尔木", "德令哈", "柴达木"],
];

pub(super) const BRANDS: &[&str] = &[
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
pub(super) const INDUSTRIES: &[(&str, &[&str])] = &[
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

pub(super) const SUFFIX: &[&str] = &["有限公司", "有限责任公司", "股份有限公司", "科技有限公司"];

pub(super) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "马", "韩", "祁", "才", "索", "周", "吴", "徐", "孙",
    "胡", "朱", "郭", "何",
];
pub(super) const GIVEN: &[&str] = &[
    "建国", "海燕", "文斌", "晓东", "丽华", "志强", "永红", "卓玛", "才让", "明", "静", "伟", "芳",
    "涛", "娜", "军", "秀英", "国庆", "玉兰", "德吉", "旦增", "兰芳", "学军", "红梅", "海龙",
    "春梅", "振华", "建平",
];

/// Measures firms raise most, weighted: finance and credit, production inputs, jobs, talent,
/// payment arrears, innovation platforms.
pub(super) const MEASURE_WEIGHTS: &[(i32, usize)] = &[
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

pub(super) fn problem_text(measure: i32, rng: &mut Rng) -> String {
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

pub(super) const VISIT_SUMMARIES: &[&str] = &[
    "实地查看生产线运行情况，了解企业一季度经营状况和用工情况，宣讲助企纾困政策。",
    "与企业负责人座谈，了解订单、融资和原材料保障情况，收集企业诉求。",
    "走访企业研发中心，了解专精特新培育进展，讲解梯度培育支持政策。",
    "了解企业复工复产和物流运输情况，协调解决生产要素保障问题。",
    "回访企业，了解前期反映问题的办理进展，听取企业意见建议。",
];

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

pub(super) fn phone(rng: &mut Rng, used: &mut HashSet<String>) -> String {
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

pub(super) fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

pub(super) fn weighted_measure(rng: &mut Rng) -> i32 {
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

#[cfg(test)]
mod tests {
    use super::*;

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
