//! The difficulties a firm names, in the coordinator's words (资金, 用工, 用电, 欠款…), each
//! mapped onto the notice's measure whose units handle it. The visit form offers these first;
//! the notice's 26 measures stay selectable for whoever thinks in its numbering.

/// One plain-word difficulty: what the form shows, the words a search matches, the measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Difficulty {
    pub zh: &'static str,
    pub en: &'static str,
    /// Other words people use for it (searched along with both names).
    pub also: &'static str,
    /// The measure's number in the notice (1–26).
    pub measure: i32,
}

const fn d(zh: &'static str, en: &'static str, also: &'static str, measure: i32) -> Difficulty {
    Difficulty {
        zh,
        en,
        also,
        measure,
    }
}

/// In the order coordinators meet them most (money, people, inputs first).
pub const DIFFICULTIES: &[Difficulty] = &[
    d(
        "贷款难、融资贵",
        "Hard or costly to borrow",
        "资金 融资 贷款 信贷 银行 利率 周转 续贷 loan credit bank finance",
        5,
    ),
    d(
        "担保、贴息、应急转贷",
        "Guarantees, interest subsidy, bridge loans",
        "担保 贴息 转贷 过桥 guarantee subsidy",
        4,
    ),
    d(
        "上市、发债、股权融资",
        "Listing, bonds, equity",
        "上市 挂牌 债券 股权 投资 listing bond equity",
        6,
    ),
    d(
        "财政补助、专项资金",
        "Grants and special funds",
        "补助 补贴 奖励 专项 资金 申报 grant fund subsidy",
        1,
    ),
    d(
        "减税降费、留抵退税",
        "Tax and fee relief, refunds",
        "税 减免 退税 社保费 缓缴 tax refund fee",
        2,
    ),
    d(
        "办税、发票",
        "Filing taxes, invoices",
        "办税 发票 纳税 申报 invoice filing",
        3,
    ),
    d(
        "用电、用气、用水",
        "Power, gas, water",
        "电 电价 气 水 能源 power electricity gas water",
        7,
    ),
    d(
        "原材料、物流运输",
        "Materials, logistics",
        "原材料 物流 运输 供应链 materials logistics transport",
        7,
    ),
    d(
        "用地、厂房",
        "Land, premises",
        "用地 土地 厂房 租金 land premises rent",
        7,
    ),
    d(
        "招工难、稳岗",
        "Hiring, keeping staff",
        "招工 用工 工人 稳岗 社保 hiring jobs staff",
        8,
    ),
    d(
        "引进人才",
        "Recruiting talent",
        "人才 专家 引进 高校 talent experts",
        9,
    ),
    d(
        "员工培训、技能",
        "Staff training, skills",
        "培训 技能 职业 training skills",
        20,
    ),
    d(
        "技术研发、创新平台",
        "R&D, innovation platforms",
        "研发 技术 创新 平台 实验室 R&D innovation",
        10,
    ),
    d(
        "与大企业配套协作",
        "Supplying large firms",
        "配套 协作 大企业 产业链 供应 supply chain",
        11,
    ),
    d(
        "专精特新认定、梯度培育",
        "专精特新 recognition",
        "专精特新 认定 小巨人 培育 recognition",
        12,
    ),
    d(
        "数字化、上云",
        "Going digital, the cloud",
        "数字化 上云 信息化 软件 digital cloud software",
        17,
    ),
    d(
        "新技术应用",
        "Using new technology",
        "新技术 智能化 改造 technology",
        18,
    ),
    d(
        "管理、质量、品牌",
        "Management, quality, brands",
        "管理 质量 标准 品牌 认证 management quality brand",
        19,
    ),
    d(
        "市场开拓、展会、外贸",
        "Markets, fairs, export",
        "市场 销路 订单 展会 外贸 出口 market export fair orders",
        21,
    ),
    d(
        "政府采购",
        "Government procurement",
        "政府采购 招标 投标 procurement tender",
        22,
    ),
    d(
        "节能、低碳改造",
        "Energy saving, low carbon",
        "节能 低碳 减排 绿色 energy carbon green",
        23,
    ),
    d(
        "环评、环保执法",
        "Environmental assessment, enforcement",
        "环评 环保 排污 执法 environment permit",
        24,
    ),
    d(
        "被拖欠账款",
        "Unpaid bills owed to the firm",
        "欠款 拖欠 账款 回款 清欠 arrears unpaid owed",
        26,
    ),
    d(
        "合同款项支付",
        "Payment terms",
        "支付 付款 账期 合同 payment terms",
        25,
    ),
    d(
        "公共服务、咨询",
        "Public services, advice",
        "服务 咨询 政策 辅导 advice services",
        13,
    ),
    d("其他困难", "Something else", "其他 其它 other", 16),
];

/// Whether `query` (as typed into the picker's search) names this difficulty.
pub fn matches(d: &Difficulty, query: &str) -> bool {
    let q = query.trim().to_lowercase();
    q.is_empty()
        || q.split_whitespace().all(|word| {
            d.zh.contains(word)
                || d.en.to_lowercase().contains(word)
                || d.also.to_lowercase().contains(word)
        })
}

/// The first difficulty shown for a measure, so a form sent back names it the same way.
pub fn first_for(measure: i32) -> Option<usize> {
    DIFFICULTIES.iter().position(|d| d.measure == measure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_difficulty_maps_onto_a_measure_of_the_notice() {
        assert!(DIFFICULTIES.iter().all(|d| (1..=26).contains(&d.measure)));
        // The firms' everyday troubles reach the measures that hold money, people, inputs
        // and arrears; the service-system measures (14, 15) are not a firm's difficulty.
        for m in [1, 2, 4, 5, 7, 8, 9, 17, 21, 25, 26] {
            assert!(first_for(m).is_some(), "measure {m} has no plain word");
        }
    }

    #[test]
    fn the_search_finds_plain_words() {
        let found = |q: &str| -> Vec<i32> {
            DIFFICULTIES
                .iter()
                .filter(|d| matches(d, q))
                .map(|d| d.measure)
                .collect()
        };
        assert_eq!(found("贷款"), vec![5]);
        assert_eq!(found("欠款"), vec![26]);
        assert_eq!(found("电"), vec![7]);
        assert_eq!(found("Export"), vec![21]);
        assert_eq!(found("").len(), DIFFICULTIES.len());
        assert!(found("区块链元宇宙").is_empty());
    }
}
