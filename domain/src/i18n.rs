//! The one place user-facing text lives: every label and message in Chinese first, English second.
//!
//! Keys are an enum, so a missing or misspelt key is a compile error rather than a blank label.
//! Text with variable parts uses `{name}` placeholders filled by [`K::fill`].
//!
//! Longer than 400 lines on purpose: it is one catalogue, read and translated as a whole.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    Zh,
    En,
}

impl Locale {
    /// The value of the `lang` attribute and of the language cookie.
    pub const fn tag(self) -> &'static str {
        match self {
            Locale::Zh => "zh-CN",
            Locale::En => "en",
        }
    }

    /// Reads a cookie or attribute value; anything unknown falls back to Chinese, the default.
    pub fn from_tag(tag: &str) -> Locale {
        if tag.trim().to_ascii_lowercase().starts_with("en") {
            Locale::En
        } else {
            Locale::Zh
        }
    }

    pub const fn other(self) -> Locale {
        match self {
            Locale::Zh => Locale::En,
            Locale::En => Locale::Zh,
        }
    }
}

macro_rules! catalog {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A message key. `K::X.t(locale)` gives the text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum K { $($key),* }

        impl K {
            pub const fn t(self, locale: Locale) -> &'static str {
                match locale {
                    Locale::Zh => match self { $(K::$key => $zh),* },
                    Locale::En => match self { $(K::$key => $en),* },
                }
            }

            pub const ALL: &'static [K] = &[$(K::$key),*];
        }
    };
}

impl K {
    /// The text with each `{name}` replaced by its value.
    pub fn fill(self, locale: Locale, args: &[(&str, String)]) -> String {
        let mut text = self.t(locale).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

catalog! {
    AppName => "助企", "zhuqi";
    AppTagline => "百人助百企 · 服务协调平台", "Hundred officials help hundred firms";
    NavProgress => "首页", "Progress";
    NavFirms => "企业", "Firms";
    SwitchLanguage => "English", "中文";
    SkipToContent => "跳到正文", "Skip to content";

    // Progress page
    ProgressTitle => "活动进展", "Campaign progress";
    TargetVisited => "实地走访覆盖", "Firms visited on site";
    TargetSolved => "至少解决 1 项困难", "Firms with at least one problem solved";
    BothTargetsMet => "两项目标均完成", "Both targets met";
    FirmsInScope => "纳入范围企业", "Firms in scope";
    UnitFirms => "家", "firms";
    DaysToDeadline => "距截止日期还有 {days} 天（{deadline}）", "{days} days to the deadline ({deadline})";
    DeadlineToday => "今天是截止日期（{deadline}）", "Today is the deadline ({deadline})";
    CampaignNotStarted => "活动将于 {start} 开始", "The campaign starts on {start}";
    CampaignEnded => "活动已于 {deadline} 结束，最终结果如下", "The campaign ended on {deadline}; final result below";
    AsOf => "统计截至", "As of";
    AsOfShow => "查看", "Show";
    CampaignPeriod => "活动期间", "Campaign period";
    PaceDone => "已完成", "Done";
    PaceOnTrack => "进度正常", "On track";
    PaceWarning => "略有滞后", "Slightly behind";
    PaceBehind => "明显滞后", "Behind";
    ExpectedByNow => "按时间进度应达 {pct}%", "Time elapsed: {pct}%";
    ViewFirms => "查看企业", "View firms";
    NoFirmsInScope => "尚无纳入范围的企业。", "No firms are in scope yet.";

    // Firm list
    FirmsTitle => "企业名录", "Firms";
    SearchLabel => "名称或统一社会信用代码", "Name or credit code";
    SearchButton => "查询", "Search";
    ResetFilters => "重置", "Reset";
    FilterRegion => "所属市州", "Region";
    FilterTier => "梯度层级", "Tier";
    AllRegions => "全部市州", "All regions";
    AllTiers => "全部层级", "All tiers";
    ColFirm => "企业", "Firm";
    ColRegion => "市州", "Region";
    ColTier => "层级", "Tier";
    ColCoordinator => "服务协调员", "Coordinator";
    ColTargets => "目标进展", "Targets";
    Unassigned => "未分配", "Unassigned";
    StatusNotVisited => "未走访", "Not visited";
    StatusVisited => "已走访", "Visited";
    StatusSolved => "已解决困难", "Problem solved";
    StatusOutOfScope => "不在活动范围", "Out of scope";
    ResultCount => "共 {total} 家，第 {page} / {pages} 页", "{total} firms, page {page} of {pages}";
    PrevPage => "上一页", "Previous";
    NextPage => "下一页", "Next";
    NoFirmsFound => "没有符合条件的企业，请调整查询条件。", "No firm matches; try other filters.";

    // Firm file
    FirmFileTitle => "企业档案", "Firm file";
    CreditCodeLabel => "统一社会信用代码", "Unified social credit code";
    County => "区县", "County";
    Industry => "行业", "Industry";
    Contact => "联系人", "Contact";
    Address => "地址", "Address";
    CurrentCoordinator => "当前服务协调员", "Current coordinator";
    SinceDate => "自 {date} 起", "since {date}";
    Timeline => "走访与问题", "Visits and problems";
    NoActivity => "还没有走访或问题记录。", "No visits or problems yet.";
    LogVisit => "登记走访", "Log a visit";
    VisitLogged => "走访已登记。", "Visit logged.";
    Problem => "问题", "Problem";
    Deadline => "办理时限", "Deadline";
    RoutedTo => "承办单位", "Routed to";
    Overdue => "已超期", "Overdue";
    DueSoon => "即将到期", "Due soon";
    BackToFirms => "返回企业名录", "Back to firms";
    InScope => "纳入百人助百企范围", "In the campaign's scope";

    // Visit form
    VisitFormTitle => "走访登记", "Log a visit";
    VisitDate => "走访日期", "Visit date";
    VisitKind => "走访方式", "Kind of visit";
    VisitParticipants => "参加人员", "People met";
    VisitParticipantsHint => "企业方及我方参加人员", "From the firm and from our side";
    VisitSummary => "走访情况", "Summary";
    VisitSummaryHint => "了解的情况、企业诉求、下一步安排", "What you learned, what the firm asked for, next steps";
    VisitOnlyOnSiteCounts => "只有实地走访计入活动目标。", "Only on-site visits count toward the campaign target.";
    Submit => "提交", "Submit";
    Submitting => "正在提交…", "Submitting…";
    Cancel => "取消", "Cancel";
    KindOnSite => "实地走访", "On site";
    KindPhone => "电话联系", "Phone";
    KindVideo => "视频连线", "Video";
    Coordinator => "服务协调员", "Coordinator";

    // Problem statuses
    StRouted => "待认领", "Awaiting claim";
    StClaimed => "办理中", "In progress";
    StResponded => "已反馈", "Reported back";
    StClosed => "已办结", "Closed";
    StSolved => "已解决", "Solved";
    StUnsolvable => "无法解决", "Cannot be solved";
    StWithdrawn => "已撤回", "Withdrawn";

    // Generic states
    Loading => "正在加载…", "Loading…";
    ErrorTitle => "出错了", "Something went wrong";
    NotFoundTitle => "页面不存在", "Page not found";
    NotFoundBody => "您要找的页面不存在或已被移除。", "The page you are looking for does not exist.";

    // Errors and validation messages
    ErrNotFound => "{entity}不存在", "{entity} not found";
    ErrConflict => "数据已被他人修改，请刷新后重试", "Someone else changed this; reload and try again";
    ErrForbidden => "您没有执行此操作的权限", "You may not do this";
    ErrInternal => "系统内部错误，请稍后重试", "Internal error; please try again later";
    ErrUnavailable => "系统暂时无法保存或读取数据（数据库连接中断或繁忙），本次操作未生效，请稍后重试", "The system cannot reach its database just now (connection lost or busy); nothing was changed, please try again shortly";
    ErrKeyReused => "这次提交的编号已用于另一份内容不同的记录；如需再登记一次，请刷新页面后重新填写", "This submission's key was already used for a record with different content; to log another one, reload the page and fill the form again";
    ErrBodyTooLarge => "提交的内容过大，超出了允许的大小", "The request body is larger than allowed";
    ErrUriTooLong => "请求地址过长", "The request URI is too long";
    ErrUnsupportedType => "不支持的内容类型，请以 JSON 提交", "Unsupported content type; send JSON";
    ErrControlChars => "含有不可见的控制字符（如 NUL），请删除后重新输入", "Contains invisible control characters (such as NUL); remove them and try again";
    ErrRequired => "必填", "Required";
    ErrTooLong => "不能超过 {max} 个字", "At most {max} characters";
    ErrBadDate => "日期格式应为 YYYY-MM-DD", "Dates are written YYYY-MM-DD";
    ErrDateRange => "日期应在 2000 年至 2100 年之间", "Dates lie between 2000 and 2100";
    ErrBadId => "编号无效", "Invalid id";
    ErrDateInFuture => "走访日期不能晚于今天", "The visit date cannot be in the future";
    ErrDateBeforeCampaign => "走访日期不能早于活动开始日期 {start}", "The visit date cannot be before the campaign start, {start}";
    ErrBadVisitKind => "请选择走访方式", "Choose the kind of visit";
    ErrNoCoordinator => "该企业尚未分配服务协调员，无法登记走访", "This firm has no coordinator yet, so no visit can be logged";
    ErrFirmArchived => "该企业已归档", "This firm is archived";
    ErrBadRegion => "未知的市州", "Unknown region";
    ErrBadTier => "未知的梯度层级", "Unknown tier";
    ErrBadPage => "页码无效", "Invalid page number";
    ErrCreditLength => "统一社会信用代码应为 18 位", "A unified social credit code has 18 characters";
    ErrCreditChars => "统一社会信用代码含有无效字符（不使用 I、O、Z、S、V）", "The credit code has invalid characters (I, O, Z, S and V are never used)";
    ErrCreditCheck => "统一社会信用代码校验位错误，请核对", "The credit code's check character is wrong; please check it";
    ErrCreditDuplicate => "该统一社会信用代码已登记", "This credit code is already registered";
    ErrValidation => "请修改标红的内容后重新提交", "Please correct the marked fields and submit again";
    ErrIllegalTransition => "问题状态不能从“{from}”变为“{to}”", "A problem cannot go from “{from}” to “{to}”";

    // Accounts
    RoleOffice => "领导小组办公室", "Office";
    RoleLeader => "领导", "Leader";
    RoleUnit => "成员单位", "Member unit";
    RoleCoordinator => "服务协调员", "Coordinator";
    RoleSystemAdmin => "系统管理员", "System administrator";
    RoleSecurityAdmin => "安全管理员", "Security administrator";
    RoleAuditAdmin => "审计管理员", "Audit administrator";
    LoginTitle => "登录", "Log in";
    LoginName => "手机号或用户名", "Phone number or username";
    Password => "密码", "Password";
    LoginButton => "登录", "Log in";
    Logout => "退出", "Log out";
    LoginFailed => "手机号/用户名或密码错误", "Wrong phone number, username or password";
    LoginThrottled => "尝试次数过多，请 1 分钟后再试", "Too many attempts; try again in a minute";
    LoginHint => "忘记密码请联系领导小组办公室重置。", "Forgot your password? Ask the office to reset it.";
    ChangePassword => "修改密码", "Change password";
    CurrentPassword => "当前密码", "Current password";
    NewPassword => "新密码", "New password";
    PasswordChanged => "密码已修改。", "Password changed.";
    ErrPasswordShort => "密码至少 {min} 位", "At least {min} characters";
    ErrPasswordWeak => "密码过于简单", "This password is too easy to guess";
    ErrWrongPassword => "当前密码不正确", "The current password is wrong";
    ErrBadRole => "未知的角色", "Unknown role";
    ErrPhoneTaken => "该手机号已注册", "This phone number is already registered";
    ErrUnknownUnit => "未知的成员单位", "Unknown member unit";
    ErrLoginRequired => "请先登录", "Please log in";
    Users => "用户", "Users";
    ResetPassword => "重置密码", "Reset password";
    PasswordReset => "已重置 {name} 的密码。", "Password of {name} reset.";
    Audit => "操作日志", "Audit trail";
    AuditWhen => "时间", "When";
    AuditWho => "操作人", "Who";
    AuditAction => "操作", "Action";
    AuditOlder => "更早的记录", "Older entries";
    AuditWhat => "对象", "Entity";
    AuditChange => "变更内容", "Change";
    AuditFrom => "来源地址", "From";
    NoAudit => "没有符合条件的记录。", "No entries match.";
    FirmHistory => "档案变更记录", "History of this file";
    MyAccount => "我的账号", "My account";

    // Problems
    ErrBadMeasure => "请选择问题所属的政策措施", "Choose the measure the problem falls under";
    ErrStale => "该问题已被他人处理，请刷新页面查看最新状态", "Someone else has acted on this problem; reload to see its current state";
    ErrNotYourUnit => "该问题未交办给您所在的单位", "This problem was not routed to your unit";
    ErrReasonRequired => "请填写原因", "Give a reason";
    ErrLinkInvalid => "链接无效或已过期，请联系您的服务协调员", "The link is invalid or has expired; contact your coordinator";
    ErrNotClosed => "问题尚未办结，暂不能确认", "The problem is not closed yet, so it cannot be confirmed";
    Satisfied => "满意", "Satisfied";
    BasicallySatisfied => "基本满意", "Basically satisfied";
    Dissatisfied => "不满意", "Dissatisfied";
    ProblemsFound => "发现的问题（可选）", "Problems found (optional)";
    ProblemSlot => "问题 {n}", "Problem {n}";
    Measure => "政策措施", "Measure";
    ChooseMeasure => "请选择", "Choose";
    ProblemDescription => "问题描述", "Description";
    ProblemsRaised => "已交办 {n} 个问题。", "{n} problems routed.";
    QueueTitle => "待办问题", "Problem queue";
    NavQueue => "待办", "Queue";
    NavMyFirms => "我的企业", "My firms";
    MyFirmsTitle => "我的企业", "My firms";
    NoQueue => "暂无交办给本单位的问题。", "No problems are routed to your unit.";
    Claim => "认领", "Claim";
    Respond => "反馈办理结果", "Report back";
    CloseProblem => "办结", "Close";
    MarkUnsolvable => "无法解决", "Cannot be solved";
    Note => "说明", "Note";
    UnitResponse => "办理结果", "Result";
    FollowUp => "回访确认", "Follow-up";
    ConfirmSolved => "企业确认已解决", "Firm confirms: solved";
    ConfirmNotSolved => "企业表示未解决", "Firm says: not solved";
    SatisfactionLabel => "满意度", "Satisfaction";
    FirmComment => "企业意见", "Firm's comment";
    ConfirmTitle => "问题办理结果确认", "Confirm the outcome";
    ConfirmThanks => "感谢您的确认！", "Thank you for confirming!";
    ConfirmLink => "企业确认链接", "Confirmation link for the firm";
    OpenProblems => "未办结问题 {n} 项", "{n} open problems";
    NextDeadline => "最近时限 {date}", "Next deadline {date}";
    StatusChanged => "已更新。", "Updated.";
    EditVisit => "修改走访记录", "Correct this visit";
    RouteTo => "承办单位", "Route to";
    ErrNoFirmsChosen => "请先勾选企业", "Tick the firms first";
    ErrNotACoordinator => "请选择一位在岗的服务协调员", "Choose an active coordinator";
    AssignTitle => "分配或更换服务协调员", "Assign or hand over";
    AssignReason => "原因（更换协调员时必填）", "Reason (required for a handover)";
    AssignButton => "分配", "Assign";
    AssignSelected => "将勾选的企业分配给", "Assign the ticked firms to";
    Assigned => "已分配 {a} 家、交接 {h} 家、未变 {u} 家。", "{a} assigned, {h} handed over, {u} unchanged.";
    CoordinatorHistory => "服务协调员变更记录", "Coordinator history";
    FirmsCount => "{n} 家", "{n} firms";
    SelectFirm => "选择", "Select";
    Workload => "协调员工作量", "Coordinator workload";
    NavWorkload => "工作量", "Workload";
    UnassignedFirms => "未分配服务协调员的企业 {n} 家", "{n} firms without a coordinator";
    ColFirms => "企业数", "Firms";
    ColVisited => "已实地走访", "Visited on site";
    ColCounted => "纳入目标", "In scope";
    BasisEnded => "目标按「{campaign}」统计，截至 {date}（活动已结束，为最终结果）", "Targets are counted for “{campaign}” up to {date} (the campaign has ended: final result)";
    BasisAsOf => "目标按「{campaign}」统计，截至 {date}", "Targets are counted for “{campaign}” up to {date}";
    ColSolved => "已解决困难", "With a solved problem";
    OnlyUnassigned => "只看未分配", "Unassigned only";
    NewFirm => "登记企业", "Register a firm";
    EditFirm => "编辑企业档案", "Edit the firm's profile";
    ArchiveFirm => "归档", "Archive";
    Archived => "已归档", "Archived";
    ScopeByTier => "按梯度层级确定", "As the tier says";
    ScopeIn => "纳入活动范围", "In scope";
    ScopeOut => "不纳入活动范围", "Out of scope";
    ScopeReason => "调整范围的原因", "Reason for the scope change";
    ContactPhone => "联系电话", "Contact phone";
    RouteAsNotice => "按通知分工自动交办（推荐）", "The units the notice names (recommended)";
    ErrFileType => "只能上传 JPEG、PNG 图片或 PDF 文件", "Only JPEG or PNG images and PDF files can be uploaded";
    ErrFileTooLarge => "文件不能超过 {mb} MB", "Files can be at most {mb} MB";
    Attach => "上传照片或走访单", "Attach a photo or visit sheet";
    Upload => "上传", "Upload";
    Attachments => "附件", "Attachments";
    EntityAttachment => "附件", "Attachment";

    // Importing and exporting spreadsheets
    ErrImportFileType => "只能导入 .xlsx、.xls 或 .csv 文件", "Only .xlsx, .xls and .csv files can be imported";
    ErrImportUnreadable => "文件已损坏或无法读取，请用 Excel 另存后重试", "The file is damaged or unreadable; save it again from Excel and retry";
    ErrImportEmpty => "文件中没有数据行", "The file has no data rows";
    ErrImportNoHeader => "找不到表头：前 10 行中应有一行列名，至少包含 {columns}", "No header found: one of the first 10 rows must name the columns, at least {columns}";
    ErrImportMissingColumn => "缺少必需的列“{column}”", "The required column “{column}” is missing";
    ErrImportRepeatedColumn => "列“{column}”出现了不止一次", "The column “{column}” appears more than once";
    ErrImportTooManyRows => "一次最多导入 {max} 行，请拆分文件", "At most {max} rows can be imported at once; split the file";
    ErrImportBadRegion => "未知的市州“{value}”", "Unknown region “{value}”";
    ErrImportBadTier => "未知的企业层级“{value}”", "Unknown tier “{value}”";
    ErrImportBadPhone => "手机号码“{value}”应为 11 位", "The mobile number “{value}” should have 11 digits";
    ErrImportDuplicateRow => "与第 {row} 行重复", "Repeats row {row}";
    ErrImportPhoneOtherRole => "该手机号已用于非协调员账户", "This number belongs to an account that is not a coordinator";
    ErrImportUnknownUnit => "未知的成员单位“{value}”", "Unknown member unit “{value}”";
    ErrImportHasErrors => "文件中有 {n} 处错误，未导入任何数据", "The file has {n} problems; nothing was imported";
    ErrImportExpired => "预览已过期，请重新上传文件", "The preview has expired; upload the file again";
    // Firm list filters, sorting and export
    FilterInScope => "纳入活动范围", "In the campaign's scope";
    FilterNotVisited => "未实地走访", "Not visited on site";
    FilterVisited => "已实地走访", "Visited on site";
    StatusNotSolved => "尚未解决困难", "Nothing solved yet";
    StatusSolvedFirm => "已解决困难", "A problem solved";
    StatusBoth => "两项目标均完成", "Both targets met";
    FilterStatus => "目标进展", "Target status";
    AllStatuses => "全部", "All";
    FilterCounty => "县区", "County";
    FilterIndustry => "行业", "Industry";
    FilterCoordinator => "服务协调员", "Coordinator";
    AllCoordinators => "全部协调员", "All coordinators";
    SortBy => "排序", "Sort by";
    SortRegion => "按市州", "Region";
    SortName => "按名称", "Name";
    SortCode => "按信用代码", "Credit code";
    SortRecent => "最近更新", "Recently changed";
    ExportXlsx => "导出 Excel", "Export to Excel";
    ExportCsv => "导出 CSV", "Export CSV";
    ColInScope => "纳入活动范围", "In scope";
    Yes => "是", "yes";
    No => "否", "no";
    // The import page
    ImportFirmsTitle => "导入企业名单", "Import a firm list";
    ImportCoordinatorsTitle => "导入服务协调员名册", "Import a coordinator roster";
    ImportStepTemplate => "第一步：按模板整理名单。也可以直接上传现有表格，系统能识别常见的中文列名。", "Step 1: arrange the list as the template does. An existing sheet works too: common Chinese column names are recognised.";
    ImportTemplateXlsx => "下载 Excel 模板", "Excel template";
    ImportTemplateCsv => "下载 CSV 模板", "CSV template";
    ImportStepUpload => "第二步：上传文件（.xlsx、.xls 或 .csv，UTF-8 或 GBK 编码，不超过 {mb} MB）。确认之前不会写入任何数据。", "Step 2: upload the file (.xlsx, .xls or .csv in UTF-8 or GBK, at most {mb} MB). Nothing is written until you confirm.";
    ImportFileLabel => "选择文件", "File";
    ImportUploadButton => "上传并预览", "Upload and preview";
    ImportPreviewTitle => "预览：{file}", "Preview: {file}";
    ImportSummary => "共 {rows} 行：新增 {created}，更新 {updated}，未变化 {unchanged}。", "{rows} rows: {created} new, {updated} updated, {unchanged} unchanged.";
    ImportArchived => "{n} 行对应已归档的企业，将保持不变。", "{n} rows name archived firms; they stay as they are.";
    ImportSkipped => "以下 {n} 行是表格下方的说明或合计，不是企业，不会导入：", "These {n} rows are notes or totals under the table, not data; they are not imported:";
    ImportSkippedRow => "第 {row} 行：{text}", "Row {row}: {text}";
    ImportIgnored => "以下列不会导入：{columns}", "These columns are not imported: {columns}";
    ImportIssues => "发现 {n} 处错误。请修改文件后重新上传，未写入任何数据。", "{n} problems found. Correct the file and upload it again; nothing was written.";
    ImportIssuesShown => "以下列出前 {shown} 处。", "The first {shown} are listed.";
    ColRow => "行号", "Row";
    ColColumn => "列", "Column";
    ColProblem => "问题", "Problem";
    ImportConfirm => "确认导入", "Import";
    ImportNothing => "文件内容与系统中的数据一致，无需导入。", "The file matches what is registered; there is nothing to import.";
    ImportDone => "导入完成：新增 {created}，更新 {updated}，未变化 {unchanged}。", "Imported: {created} new, {updated} updated, {unchanged} unchanged.";
    ImportFirmsLink => "导入企业名单", "Import firms";
    ImportCoordinatorsLink => "导入协调员名册", "Import coordinators";
    ImportPasswordNote => "新导入的协调员没有密码，请在“用户管理”中为其重置密码后再通知本人登录。", "Imported coordinators have no password yet: reset it in Users before they log in.";
    ImportAgain => "重新上传", "Upload another file";
    ColPhone => "手机号码", "Mobile";
    ErrBadPeriod => "报送期应写作 2022H1 或 2022H2", "Periods are written 2022H1 or 2022H2";
    // The leadership dashboard
    NavDashboard => "驾驶舱", "Dashboard";
    DashboardTitle => "领导驾驶舱", "Leadership dashboard";
    TileInScope => "纳入范围企业", "Firms in scope";
    TileVisited => "走访覆盖率", "Visited on site";
    TileSolvedFirms => "问题解决率（企业）", "Firms with a problem solved";
    TileBoth => "两项目标均完成", "Both targets met";
    TileUnassigned => "未分配协调员", "Without a coordinator";
    TileRaised => "收集问题", "Problems raised";
    TileConcluded => "办结率", "Concluded";
    TileOnTime => "按时办结率", "Concluded on time";
    TileOverdue => "超期率", "Overdue";
    TileSatisfied => "满意率", "Satisfied";
    TileSolvedProblems => "已解决问题", "Problems solved";
    TileDaysLeft => "距截止日期", "Days to the deadline";
    DaysUnit => "天", "days";
    ProblemsUnit => "项", "problems";
    OfN => "共 {n}", "of {n}";
    BurnupTitle => "进度累计图", "Burn-up";
    BurnupVisited => "已实地走访企业", "Firms visited on site";
    BurnupSolved => "已解决困难企业", "Firms with a problem solved";
    BurnupTarget => "目标线", "Target line";
    BurnupProjection => "按近四周进度预计截止日可达：走访 {v} 家、解决 {s} 家（目标 {n} 家）", "At the last four weeks' pace the deadline sees {v} visited and {s} with a problem solved (target {n})";
    BurnupTable => "查看数据", "The figures";
    ColDate => "日期", "Date";
    RedNotVisited => "未走访企业", "Firms not visited";
    YellowNothingSolved => "尚未解决困难的企业", "Firms with nothing solved";
    RedOverdue => "超期未办结问题", "Overdue problems";
    SeeAll => "查看全部 {n} 条", "See all {n}";
    NoneLeft => "无", "None";
    ByRegion => "各市州进展", "By region";
    ByUnit => "成员单位办理情况", "By member unit";
    ByCoordinator => "服务协调员排名（前十）", "Coordinators: the top ten";
    CoordinatorsBehind => "服务协调员排名（后十）", "Coordinators: the last ten";
    ByTier => "按梯度层级", "By tier";
    ByMeasure => "共性问题（按政策措施）", "Common problems, by measure";
    ColInScopeShort => "企业", "Firms";
    ColVisitedPct => "走访率", "Visited";
    ColSolvedPct => "解决率", "Solved";
    ColRouted => "交办", "Routed";
    ColConcluded => "办结", "Concluded";
    ColSolvedProblems => "解决", "Solved";
    ColOverdue => "超期", "Overdue";
    ColMedianDays => "办结用时中位数（天）", "Median days to conclude";
    ColMeasure => "政策措施", "Measure";
    ColOpen => "未办结", "Open";
    ColDeadline => "办理时限", "Deadline";
    ColDaysOverdue => "超期工作日", "Working days overdue";
    ColUnits => "承办单位", "Units";
    ColRank => "名次", "Rank";
    // Half-year reports
    NavReports => "半年报", "Reports";
    ReportTitle => "每半年报送", "Half-year report";
    ReportPeriod => "报送期", "Period";
    ReportUnit => "报送单位", "Unit";
    ReportProvince => "全省", "The province";
    ReportShow => "生成", "Show";
    ReportPrint => "打印", "Print";
    ReportXlsx => "下载 Excel", "Download Excel";
    ReportHeading => "{unit}“百人助百企”工作进展情况（{period}）", "{unit}: campaign progress, {period}";
    ReportRange => "统计区间：{from} 至 {to}；累计数据截至 {to}", "Period {from} to {to}; cumulative figures as of {to}";
    ReportFirmsServed => "服务企业", "Firms served";
    ReportVisitsInPeriod => "本期走访次数（其中实地 {n} 次）", "Visits this period ({n} on site)";
    ReportRaisedInPeriod => "本期新增问题", "Problems raised this period";
    ReportSolvedInPeriod => "本期解决问题", "Problems solved this period";
    ReportAnswered => "企业评价 {n} 条", "{n} answers from firms";
    ReportCases => "典型案例", "Typical cases";
    ReportOverdueList => "超期事项", "Overdue items";
    // Campaigns (rounds)
    ErrDeadlineBeforeStart => "截止日期应晚于开始日期", "The deadline must come after the start";
    ErrNoTiers => "请至少选择一个纳入范围的梯度层级", "Choose at least one tier in scope";
    NavCampaigns => "活动", "Campaigns";
    CampaignsTitle => "活动轮次", "Campaign rounds";
    NewCampaign => "新建一轮活动", "Start a new round";
    CampaignNameZh => "名称", "Name (Chinese)";
    CampaignNameEn => "英文名称", "Name (English)";
    CampaignStart => "开始日期", "Starts on";
    CampaignDeadline => "截止日期", "Deadline";
    CampaignTiers => "纳入范围的梯度层级", "Tiers in scope";
    CampaignCreated => "已新建活动。", "The round was created.";
    CampaignChoose => "活动", "Campaign";
    Save => "保存", "Save";
    ErrNetwork => "网络连接失败或服务器无响应，您填写的内容仍保留在页面上，请稍后重试。", "The network or the server did not answer. Your input is still here; try again.";
    ErrCrossSite => "跨站请求已拒绝", "Cross-site request refused";
    // Spreadsheet files (written in Chinese: they are the province's documents, and the import
    // reads these headers back)
    FileReport => "{unit}-{period}-半年报", "{unit}-{period}-half-year-report";
    FileFirmTemplate => "企业名单导入模板", "firm-list-template";
    FileCoordinatorTemplate => "服务协调员名册导入模板", "coordinator-roster-template";
    SheetImport => "导入", "Import";
    SheetOverview => "概况", "Overview";
    SheetByMeasure => "问题按措施", "By measure";
    ColItem => "项目", "Item";
    ColValue => "数值", "Value";
    ColMeasureNo => "措施", "Measure no.";
    ColPolicyArea => "政策领域", "Policy area";
    ColProblemNo => "问题编号", "Problem no.";
    ColResponse => "办理情况", "Response";
    ReportVisits => "本期走访次数", "Visits this period";
    ReportOnSiteVisits => "其中实地走访", "of which on site";
    ReportAnswers => "企业评价", "Answers from firms";
    ReportPeriodRange => "{period}（{from} 至 {to}）", "{period} ({from} to {to})";
    EntityFirm => "企业", "Firm";
    EntityUser => "用户", "User";
    EntitySession => "会话", "Session";
    EntityVisit => "走访记录", "Visit";
    EntityProblem => "问题", "Problem";
    EntityCampaign => "活动", "Campaign";
    EntityUnit => "成员单位", "Member unit";
    EntityCalendarDay => "日历中的日期", "Calendar day";
    // The leaders' problem list
    ErrBadFilter => "筛选条件无效", "Invalid filter";
    ProblemListTitle => "问题清单", "Problem list";
    ProblemListTotal => "共 {n} 个问题（截至 {date}）", "{n} problems (as of {date})";
    FilterFigure => "范围", "Which";
    FigureRaised => "全部问题", "All problems";
    FigureOpen => "未办结", "Not concluded";
    FigureOverdue => "超期", "Overdue";
    FigureConcluded => "已办结", "Concluded";
    FigureOnTime => "按时办结", "Concluded on time";
    FigureSolved => "企业确认已解决", "Confirmed solved";
    FigureAnswered => "企业已评价", "Answered by the firm";
    FigureSatisfied => "企业满意", "Firm satisfied";
    FilterAny => "不限", "Any";
    FilterApply => "筛选", "Filter";
    ColStatus => "状态", "Status";
    ColDescription => "问题", "Problem";
    NoProblemsFound => "没有符合条件的问题", "No problems match";
    PageOf => "第 {page} / {pages} 页", "Page {page} of {pages}";
    Pages => "分页", "Pages";
    // The words of a half-year report
    ReportPractices => "主要做法", "What was done";
    ReportIssues => "存在问题", "Problems met";
    ReportNextSteps => "下一步打算", "Next steps";
    ReportNotesTitle => "报告正文", "Report text";
    ReportNotesHelp => "写入本期报告的正文，保存后随报告打印和导出。", "The report's text for this period; saved, it is printed and exported with the report.";
    ReportNotesSaved => "报告正文已保存。", "The report text was saved.";
    ReportNotesBy => "{name} 于 {at} 更新", "Updated by {name} on {at}";
    ReportNotWritten => "（未填写）", "(not written)";
    // 督办
    Supervision => "督办", "Supervision order";
    SupervisionAuto => "超期自动督办", "Overdue: supervised automatically";
    SupervisionAutoText => "该问题已超过办理期限 {n} 个工作日，请尽快办结并回复办理情况。", "This problem is {n} working days past its deadline: conclude it and reply how it is handled.";
    SupervisionBy => "{name} 于 {at} 督办", "Ordered by {name} on {at}";
    SupervisionBySystem => "系统于 {at} 督办", "Ordered by the system on {at}";
    SupervisionReplyBy => "{name} 于 {at} 回复", "{name} replied on {at}";
    SupervisionAwaiting => "待回复", "Awaiting reply";
    SupervisionInstruction => "督办意见", "Instruction";
    SupervisionOrder => "下达督办", "Order supervision";
    SupervisionReply => "回复督办", "Reply";
    SupervisionReplyText => "办理情况", "How it is handled";
    SupervisionOrdered => "已下达督办。", "The supervision order was sent.";
    SupervisionReplied => "已回复督办。", "The reply was sent.";
    TileSupervised => "督办", "Supervised";
    TileSupervisedDetail => "{n} 件待回复", "{n} awaiting a reply";
    FilterSupervised => "仅看督办", "Supervised only";
    ColSupervised => "被督办", "Supervised";
    ColReopened => "重新办理", "Reopened";
    ErrAlreadyReplied => "该督办已回复", "This order was already answered";
    ErrProblemNotOpen => "问题已办结，无需督办", "The problem is concluded: nothing to supervise";
    EntitySupervision => "督办", "Supervision order";
    // The leaders' verdict
    VerdictVisitTitle => "实地走访全覆盖", "Every firm visited on site";
    VerdictSolveTitle => "每户至少解决一个问题", "A problem solved at every firm";
    OutlookMet => "已完成", "Met";
    OutlookWillBeMet => "按当前进度可以完成", "Will be met at the current pace";
    OutlookAtRisk => "有风险，须加快进度", "At risk: the pace must rise";
    OutlookWillBeMissed => "按当前进度将无法完成", "Will be missed at the current pace";
    OutlookMissed => "未完成", "Missed";
    VerdictGap => "还差 {n} 户", "{n} firms to go";
    VerdictNeeded => "须每周 {n} 户", "{n} a week needed";
    VerdictPace => "近四周每周 {n} 户", "last four weeks: {n} a week";
    VerdictProjected => "按近四周进度，截止日可达 {n} 户", "At the last four weeks' pace: {n} firms by the deadline";
    VerdictFinal => "最终结果（截止 {date}）", "Final result (deadline {date})";
    MonthTick => "{m}月", "{mon}";
    AsOfMarker => "截至 {date}", "as of {date}";
    // The working-day calendar
    NavCalendar => "工作日历", "Working days";
    CalendarTitle => "工作日历", "Working-day calendar";
    CalendarIntro => "办理时限、即将到期和超期天数都按工作日计算：周一至周五，除去下表中的节假日，加上调休上班日；地区休息日只对该市州的企业生效。", "Deadlines, \"due soon\" and days overdue are counted in working days: Monday to Friday, without the holidays below, plus the make-up working days; a region's days off apply to its firms only.";
    CalendarYear => "年份", "Year";
    CalendarDay => "日期", "Date";
    CalendarKind => "类型", "Kind";
    CalendarDayOff => "休息", "Day off";
    CalendarWorkday => "调休上班", "Make-up working day";
    CalendarName => "名称", "Name";
    CalendarScope => "适用范围", "Applies to";
    CalendarWholeProvince => "全省", "Whole province";
    CalendarSource => "来源", "Source";
    CalendarSourceStateCouncil => "国务院通知", "State Council notice";
    CalendarSourceOffice => "办公室录入", "Entered by the office";
    CalendarNone => "这一年的日历中还没有节假日，请录入或导入。", "No holidays are in the calendar for this year yet: add or import them.";
    CalendarAdd => "录入日期", "Add a day";
    CalendarRemove => "删除", "Remove";
    CalendarSaved => "日历已更新，{n} 个未办结问题的办理期限已按新日历重新计算。", "The calendar was updated; {n} open problems got their deadline counted again by it.";
    CalendarImport => "导入节假日", "Import holidays";
    CalendarImported => "已导入 {n} 个日期。", "{n} days imported.";
    CalendarImportHelp => "Excel 或 CSV：列为 日期、类型（休/班）、名称，可选 市州；也可直接导入国务院节假日数据（holiday-cn 的 JSON 文件）。", "Excel or CSV with the columns date, kind (休/班), name and optionally region; or a holiday-cn JSON file of the State Council's days.";
    CalendarWorkingDays => "{n} 个工作日", "{n} working days";
    ErrBadDayKind => "类型应为“休”或“班”", "The kind is 休 (day off) or 班 (working day)";
    ErrRegionalWorkday => "市州只能设置休息日；调休上班日适用于全省", "A region can only add days off; make-up working days apply to the whole province";
    ErrCalendarRow => "第 {row} 行：{error}", "Row {row}: {error}";
    ErrCalendarNoDays => "文件中没有可导入的日期", "The file has no days to import";
    // Working rules and stage clocks
    ErrOutOfRange => "应为 {min} 至 {max} 之间的整数", "A whole number from {min} to {max}";
    NavRules => "工作规则", "Working rules";
    RulesTitle => "工作规则", "Working rules";
    RulesIntro => "每个问题按以下时限计时（均按工作日历计算，工作时间为工作日 9:00—17:00）：交办后须在规定工作小时内签收，在规定工作日内办结，办结后在规定工作日内完成回访。到期前和到期当天系统向承办单位和服务协调员催办，超期达到规定工作日后自动督办。修改只对此后交办的问题的时限生效。", "Every problem runs on these clocks (by the working-day calendar; office hours are 9:00–17:00 on working days): claimed within the working hours below after routing, concluded within the working days below, and the firm called back within the working days below after closing. Before a deadline and on the day the server reminds the unit and the coordinator; once overdue by the days below it orders action. A change applies to problems routed from then on.";
    RulesSaved => "工作规则已保存。", "The working rules were saved.";
    RuleClaimHours => "签收时限（工作小时）", "Claim within (working hours)";
    RuleConcludeDays => "办结时限（工作日）", "Conclude within (working days)";
    RuleCallbackDays => "回访时限（办结后工作日）", "Call back within (working days after closing)";
    RuleRemindBefore => "到期前催办（提前工作日，0 为仅到期当天）", "Remind before a deadline (working days; 0: on the day only)";
    RuleEscalateAfter => "超期自动督办（超期工作日，0 为不自动督办）", "Supervise when overdue by (working days; 0: never)";
    DeliveriesTitle => "消息发送情况", "Message deliveries";
    DeliveriesIntro => "通知除在系统内显示外，还按配置通过电子邮件和 Webhook（短信网关、政务即时通讯机器人）发送；失败的会按退避间隔重试。", "Besides the app, notifications go out by e-mail and webhook (an SMS gateway, a government IM bot) as configured; failures are retried with backoff.";
    DeliveriesNone => "尚无发送记录（未配置邮件或 Webhook，或尚无通知）。", "Nothing sent yet (no e-mail or webhook configured, or no notifications).";
    DeliveryChannel => "渠道", "Channel";
    DeliveryStatus => "状态", "Status";
    DeliveryCount => "条数", "Count";
    StageClaim => "签收", "Claim";
    StageConclude => "办结", "Conclude";
    StageCallback => "回访", "Call back";
    ClockRunning => "计时中", "Running";
    ClockOverdue => "已超时", "Overdue";
    ClockOnTime => "按时", "On time";
    ClockLate => "超时完成", "Done late";
    ClockUsed => "用时 {t}", "took {t}";
    ClockDue => "时限至 {t}", "due {t}";
    TimeInStatus => "各环节用时", "Time in each status";
    DurationDays => "{n} 个工作日", "{n} working days";
    DurationHours => "{n} 小时", "{n} h";
    DurationMinutes => "{n} 分钟", "{n} min";
    // Notifications
    NavNotifications => "通知", "Notifications";
    NotificationsTitle => "消息通知", "Notifications";
    NotificationsNone => "暂无通知。", "No notifications.";
    NotificationsUnread => "{n} 条未读", "{n} unread";
    NotificationsMarkAll => "全部标为已读", "Mark all read";
    NotificationsNew => "未读", "New";
    NotificationsOpen => "查看并处理", "Open";
    MailSubject => "【助企】{subject}", "[zhuqi] {subject}";
    MailBody => "{name}：\n\n{text}\n\n{link}\n\n— 助企 · 百人助百企\n", "{name},\n\n{text}\n\n{link}\n\n— zhuqi\n";
    NoticeRouted => "新交办问题：{firm} 反映的问题已交办给您单位，请及时签收办理。", "New problem: {firm}'s problem was routed to your unit; claim it and act.";
    NoticeResponded => "{firm} 的问题承办单位已答复，请跟进。", "The unit answered {firm}'s problem; follow it up.";
    NoticeClosed => "{firm} 的问题已办结，请在时限内回访企业确认。", "{firm}'s problem was closed; call the firm back to confirm in time.";
    NoticeUnsolvable => "{firm} 的问题被承办单位认定为无法解决，请向企业说明。", "The unit found {firm}'s problem unsolvable; explain it to the firm.";
    NoticeReopened => "{firm} 对办理结果不满意，问题已退回重办。", "{firm} was not satisfied: the problem is back with your unit.";
    NoticeSolved => "{firm} 已确认问题解决。", "{firm} confirmed the problem solved.";
    NoticeWithdrawn => "{firm} 的问题已撤回，无需办理。", "{firm}'s problem was withdrawn; nothing to do.";
    NoticeRemindBefore => "催办：{firm} 的问题将于 {detail} 到期，请抓紧办理。", "Reminder: {firm}'s problem is due on {detail}.";
    NoticeRemindDue => "催办：{firm} 的问题今天（{detail}）到期，请今日办结。", "Reminder: {firm}'s problem is due today ({detail}).";
    NoticeClaimLate => "催办：{firm} 的问题交办已超过 {detail} 个工作小时仍未签收，请立即签收。", "Reminder: {firm}'s problem has waited more than {detail} working hours to be claimed.";
    NoticeSupervised => "督办：{firm} 的问题——{detail}", "Supervision order on {firm}'s problem: {detail}";
    NoticeSupervisionReplied => "{firm} 问题的督办已回复：{detail}", "The supervision order on {firm}'s problem was answered: {detail}";
    // The weekly bulletin
    NavBulletin => "工作通报", "Weekly bulletin";
    BulletinTitle => "工作通报", "Weekly bulletin";
    BulletinHeading => "{campaign}工作通报（{from} 至 {to}）", "{campaign}: weekly bulletin, {from} to {to}";
    BulletinWeek => "周次", "Week";
    BulletinPrevious => "上一周", "Previous week";
    BulletinNext => "下一周", "Next week";
    BulletinAsOf => "数据截至 {date}。", "Figures as of {date}.";
    BulletinExplain => "响应率＝按时签收÷应签收；按时办结率＝按时办结÷已办结；解决率＝企业确认解决÷交办；满意率＝满意及基本满意÷已回访；综合得分为有分母的各率平均值。", "Response = claimed in time ÷ due to be claimed; on time = concluded by the deadline ÷ concluded; solved = confirmed solved ÷ raised; satisfied = satisfied or basically satisfied ÷ answers; the score is the mean of the rates that have a denominator.";
    BulletinTotal => "累计交办 {raised} 件，本周新交办 {new} 件、办结 {concluded} 件，目前超期 {overdue} 件。", "{raised} problems raised in all; this week {new} new and {concluded} concluded; {overdue} overdue.";
    BulletinUnits => "成员单位排名", "Member units";
    BulletinRegions => "市州排名", "Regions";
    BulletinBottomUnits => "排名后三位的成员单位", "The bottom three member units";
    BulletinBottomRegions => "排名后三位的市州", "The bottom three regions";
    BulletinBottomSheet => "后三位超期问题", "Bottom three: overdue";
    BulletinTimes => "各单位各环节用时", "Time per stage, by unit";
    BulletinNone => "本周尚无交办问题。", "No problems yet.";
    BulletinRank => "名次", "Rank";
    BulletinName => "名称", "Name";
    BulletinGroup => "类别", "Group";
    BulletinFirm => "企业", "Firm";
    BulletinProblem => "问题", "Problem";
    BulletinRaised => "交办", "Raised";
    BulletinRaisedWeek => "本周交办", "New this week";
    BulletinConcludedWeek => "本周办结", "Concluded this week";
    BulletinOverdue => "超期", "Overdue";
    BulletinResponseRate => "响应率", "Response";
    BulletinOnTimeRate => "按时办结率", "On time";
    BulletinSolvedRate => "解决率", "Solved";
    BulletinSatisfiedRate => "满意率", "Satisfied";
    BulletinScore => "综合得分", "Score";
    BulletinHoursClaim => "平均签收用时（工作小时）", "Average to claim (working hours)";
    BulletinHoursHandle => "平均办理用时（工作小时）", "Average handling (working hours)";
    BulletinHoursCallback => "平均回访用时（工作小时）", "Average to call back (working hours)";
    BulletinDaysOverdue => "超期工作日", "Working days overdue";
    BulletinOverdueCount => "超期 {n} 件（列出超期最久的至多 {max} 件）", "{n} overdue (the longest overdue listed, at most {max})";
    BulletinLate => "时限 {date}，已超 {n} 个工作日", "due {date}, {n} working days late";
    BulletinTimed => "问题数", "Problems";
    BulletinAvgClaim => "平均待签收", "Average waiting to be claimed";
    BulletinAvgHandle => "平均办理", "Average handling";
    BulletinAvgCallback => "平均待回访", "Average waiting for the call-back";
    BulletinSumHandle => "办理用时合计", "Handling, in all";
    EntityToken => "API 令牌", "API token";
    ErrNotYourself => "不能停用自己的账号", "You cannot disable your own account";
    UserActive => "状态", "State";
    UserEnabled => "正常", "Active";
    UserDisabledState => "已停用", "Disabled";
    UserDisable => "停用", "Disable";
    UserEnable => "启用", "Enable";
    TokensTitle => "API 令牌", "API tokens";
    TokensNone => "还没有 API 令牌（用 zhuqi token create 创建）。", "No API tokens yet (make one with zhuqi token create).";
    TokenOwner => "所属用户", "User";
    TokenName => "名称", "Name";
    TokenLastUsed => "最近使用", "Last used";
    TokenExpires => "到期", "Expires";
    TokenState => "状态", "State";
    TokenLive => "有效", "Live";
    TokenExpired => "已过期", "Expired";
    TokenRevoked => "已吊销", "Revoked";
    TokenRevoke => "吊销", "Revoke";
    ErrTokenRevoked => "该令牌已被吊销", "This token was already revoked";
    ErrBadEmail => "电子邮箱格式不正确", "This is not a valid e-mail address";
    NotifyEmail => "通知邮箱", "E-mail for notifications";
    NotifyEmailHelp => "填写后，系统通知也会发送到这个邮箱；留空则只在系统内提醒。", "Notifications also go to this address; leave it empty for in-app only.";
    NotifyEmailSaved => "通知邮箱已保存。", "The address was saved.";
    ErrBadWeek => "周次格式应为 2022-W40 或日期", "Write the week as 2022-W40 or a date";
    FileBulletin => "工作通报_{week}", "bulletin_{week}";

    // Security policy (等保 level 3)
    SecurityTitle => "安全策略", "Security policy";
    SecurityLead => "登录锁定、密码有效期、同时在线会话数和审计日志保存期限。修改均记入操作日志。", "Lock-out, password age, concurrent sessions and how long the audit trail is kept. Every change is audited.";
    PolicyLockFailures => "连续登录失败锁定次数", "Failed logins that lock an account";
    PolicyLockMinutes => "锁定时长（分钟）", "Lock duration (minutes)";
    PolicyPasswordAge => "密码有效期（天）", "Password maximum age (days)";
    PolicyMaxSessions => "每个账号同时在线会话数", "Concurrent sessions per account";
    PolicyAuditRetention => "审计日志保存期限（天，不少于 180）", "Keep audit entries for (days, at least 180)";
    PolicySaved => "安全策略已保存。", "The security policy was saved.";
    ErrPasswordClasses => "密码须包含大写字母、小写字母、数字、符号中的至少三类", "Use at least three of: upper case, lower case, digits, symbols";
    ErrPasswordPersonal => "密码不能包含手机号、姓名或用户名", "The password may not contain your phone number, name or username";
    ErrPasswordCommon => "该密码过于常见（在常用/泄露密码库中），请换一个", "This password is too common (it is on a list of common or breached passwords)";
    ErrPasswordReused => "不能使用最近 {n} 次用过的密码", "You cannot reuse one of your last {n} passwords";
    PasswordRulesHint => "至少 12 位，含大写字母、小写字母、数字、符号中的三类；不含手机号、姓名；不能是常用密码或最近 5 次用过的密码。", "At least 12 characters with three of upper case, lower case, digits and symbols; not your phone or name; not a common password or one of your last 5.";
    ShowPassword => "显示密码", "Show password";
    ShowPhone => "显示号码", "Show number";
    LoginLocked => "登录失败次数过多，账号已锁定 {minutes} 分钟；如需提前解锁请联系安全管理员", "Too many failed logins: the account is locked for {minutes} minutes; a security administrator can unlock it sooner";
    ErrPasswordChangeRequired => "请先修改密码后再继续", "Change your password before you go on";
    ErrReauthRequired => "这是敏感操作：请再次输入密码确认身份，然后重试", "A sensitive action: enter your password again to confirm it is you, then try again";
    ReauthButton => "确认身份", "Confirm";
    ReauthDone => "身份已确认，请重试刚才的操作。", "Confirmed: try the action again.";
    MustChangeTitle => "请设置新密码", "Set a new password";
    MustChangeLead => "您的密码由管理员设置或已超过有效期，继续使用前请设置新密码。", "Your password was set by an administrator or has expired: set a new one to go on.";
    Unlock => "解锁", "Unlock";
    LockedAccounts => "已锁定的账号", "Locked accounts";
    NoLockedAccounts => "当前没有被锁定的账号。", "No account is locked now.";
    LockedSince => "锁定时间", "Locked";
    NavSecurity => "安全策略", "Security";
    LockedUntil => "锁定至 {until}", "Locked until {until}";
    AccountUnlocked => "已解锁 {name} 的账号。", "The account of {name} was unlocked.";
    Sessions => "登录会话", "Sessions";
    SessionsLead => "您的账号当前登录的设备。结束会话后该设备需要重新登录。", "Where your account is logged in. An ended session must log in again.";
    SessionDevice => "设备", "Device";
    SessionAddress => "地址", "Address";
    SessionStarted => "登录时间", "Logged in";
    SessionLastSeen => "最近活动", "Last active";
    SessionThis => "当前会话", "This session";
    SessionEnd => "结束", "End";
    SessionEnded => "会话已结束。", "The session was ended.";
    EndSessions => "结束全部会话", "End all sessions";
    SessionsEnded => "已结束 {name} 的全部会话。", "All sessions of {name} were ended.";
    ErrSecondFactorRequired => "请先设置两步验证（动态验证码）后再继续", "Set up two-step verification (authenticator codes) before you go on";
    ErrCodeWrong => "验证码不正确", "The code is wrong";
    ErrCodeReplayed => "该验证码已用过，请等下一个验证码", "This code was used already: wait for the next one";
    ErrCodeExpired => "登录已超时，请重新输入账号和密码", "The login timed out: enter your account and password again";
    ErrSecondFactorKept => "你的角色必须使用两步验证，不能关闭", "Your role must use two-step verification: it cannot be turned off";
    ErrNoEnrolment => "请先点击“开始设置”", "Start the setup first";
    SecondFactor => "两步验证", "Two-step verification";
    SecondFactorOn => "已开启：登录时需输入验证器 App 上的 6 位动态验证码。", "On: logging in asks for the 6-digit code from your authenticator app.";
    SecondFactorOff => "未开启。开启后，登录时还需输入手机验证器 App（如微信小程序“腾讯身份验证器”、Google Authenticator）上的动态验证码。", "Off. Once on, logging in also asks for the code from an authenticator app on your phone.";
    SecondFactorMust => "你的账号必须开启两步验证后才能继续使用。", "Your account must turn on two-step verification before you go on.";
    SecondFactorRequiredNote => "你的角色必须使用两步验证。", "Your role must use two-step verification.";
    RecoveryLeft => "剩余恢复码：{n} 个", "Recovery codes left: {n}";
    SecondFactorBegin => "开始设置", "Set up";
    SecondFactorRestart => "重新设置", "Set up again";
    SecondFactorScan => "用验证器 App 扫描二维码，或手动输入密钥：", "Scan the QR code with an authenticator app, or type the key:";
    RecoveryCodesKeep => "请抄下或打印这 10 个恢复码并妥善保管：手机丢失时，每个恢复码可代替验证码登录一次。设置完成后不再显示。", "Write down or print these 10 recovery codes and keep them safe: if you lose the phone, each one logs you in once instead of a code. They are not shown again once the setup is done.";
    SecondFactorConfirm => "输入 App 上显示的 6 位验证码完成设置", "Enter the 6-digit code the app shows to finish";
    SecondFactorEnable => "确认开启", "Turn on";
    SecondFactorDisable => "关闭两步验证", "Turn off two-step verification";
    SecondFactorEnabled => "两步验证已开启。", "Two-step verification is on.";
    SecondFactorDisabled => "两步验证已关闭。", "Two-step verification is off.";
    Code => "验证码", "Code";
    CodeTitle => "输入动态验证码", "Enter your code";
    CodeHint => "打开手机上的验证器 App，输入显示的 6 位数字。手机不在身边时，可输入一个恢复码。", "Open the authenticator app on your phone and enter the 6 digits it shows. Without the phone, enter a recovery code.";
    CodeButton => "验证", "Verify";
    PolicySecondFactorAll => "所有账号都必须使用两步验证（管理员和办公室始终必须）", "Every account must use two-step verification (administrators and the office always must)";
    ResetSecondFactor => "重置两步验证", "Reset two-step verification";
    SecondFactorReset => "已重置 {name} 的两步验证，其全部会话已结束。", "Two-step verification of {name} was reset and all their sessions ended.";
    ConfirmLinkLead => "请企业用手机扫描二维码，或把链接发给企业联系人：无需账号，{days} 天内有效，只能提交一次。", "Let the firm scan the QR code, or send the link to its contact: no account needed, valid for {days} days, one answer only.";
    CopyLink => "复制链接", "Copy link";
    LinkCopied => "已复制", "Copied";
    ShareLink => "分享", "Share";
    MyCountFirms => "负责企业", "My firms";
    MyCountVisited => "已实地走访", "Visited on site";
    MyCountSolved => "已解决困难", "With a problem solved";
    MyCountOpen => "未办结问题", "Open problems";
    LastVisit => "最近走访", "Last visit";
    NeverVisited => "尚未走访", "Not visited yet";
    WillGoTo => "将转交：{units}", "Goes to: {units}";
    AddProblem => "添加问题", "Add a problem";
    ErrBadCapturedAt => "记录时间无效", "Invalid capture time";
    ErrBadPosition => "位置无效", "Invalid position";
    CapturedOnPhone => "手机上提交于 {captured}，{received} 送达", "Submitted on the phone at {captured}, arrived {received}";
    VisitPosition => "走访位置：{lat}, {lon}（误差约 {m} 米）", "Position: {lat}, {lon} (within about {m} m)";
    ErrBadSite => "位置应为纬度、经度两个数字，如 36.6171, 101.7782（WGS-84）", "A site is two numbers, latitude and longitude, e.g. 36.6171, 101.7782 (WGS-84)";
    ErrSiteVague => "这次定位误差超过 {m} 米，不能作为企业位置", "This position is not within {m} m, too vague to be the firm's site";
    ErrNoPosition => "这次走访没有记录位置", "This visit has no recorded position";
    FirmSite => "企业位置", "Site";
    FirmSiteHint => "纬度, 经度（WGS-84，手机定位的坐标；高德、百度地图的坐标偏差数百米）。也可在走访记录里把一次精确定位设为企业位置。", "Latitude, longitude (WGS-84, as phones locate; Gaode and Baidu map coordinates are off by hundreds of metres). A precise position recorded on a visit can also be set as the site on the firm file.";
    FirmSiteUnknown => "未记录", "Not recorded";
    OpenInMap => "在地图中打开", "Open in maps";
    SetAsFirmSite => "设为企业位置", "Set as the firm's site";
    DistanceMetres => "{n} 米", "{n} m";
    DistanceKm => "{n} 公里", "{n} km";
    VisitNearFirm => "距企业位置 {d}，在企业附近", "{d} from the firm's site: at the firm";
    VisitFarFromFirm => "距企业位置 {d}，不在企业附近", "{d} from the firm's site: not at the firm";
    DraftRestored => "已恢复本机保存的草稿（尚未提交）。", "The draft kept on this phone was restored (not sent yet).";
    OfflineRefusedBack => "服务器未接受这次走访，已放回草稿：{reason}", "The server did not accept this visit; it is back in the draft: {reason}";
    OfflineSavedHere => "无网络：走访已保存在本机，联网后自动发送。", "No network: the visit is saved on this phone and is sent when the network returns.";
    OfflineUnsent => "已保存在本机，尚未发送（{n}）", "Saved on this phone, not sent yet ({n})";
    OfflineSendNow => "立即发送", "Send now";
    OfflineSent => "已发送", "Sent";
    OfflineRefused => "未能发送，已放回草稿：{firm}（{reason}）", "Not sent, back in the draft: {firm} ({reason})";
    OfflineLogoutUnsent => "本机还有 {n} 条走访尚未发送，退出后将从本机删除。仍要退出吗？", "{n} visits on this phone are not sent yet and will be deleted when you log out. Log out anyway?";
    VisitPhotos => "现场照片（可选）", "Photos of the visit (optional)";
    VisitPhotosHint => "可拍照或从相册选择，上传前在手机上缩小。", "Take one or choose from the gallery; shrunk on the phone before sending.";
    PhotosAdded => "已添加 {n} 张照片", "{n} photos added";
    SharePosition => "记录我现在的位置（可选）", "Record where I am now (optional)";
    PositionKept => "已记录位置（误差约 {m} 米）", "Position recorded (within about {m} m)";
    PositionWait => "正在获取位置…", "Finding the position…";
    PositionFailed => "未能获取位置，走访照常提交。", "No position available; the visit is sent without it.";
    DifficultyKind => "困难类型", "Difficulty";
    DifficultySearch => "搜索，如：贷款、用电、欠款", "Search, e.g. loan, power, unpaid";
    CommonDifficulties => "常见困难", "Common difficulties";
    ErrCoHandler => "贵单位为协办单位：此问题由牵头单位认领、答复和办结", "Your unit co-handles this problem: the lead unit claims, answers and closes it";
    LeadAndCoHandlers => "{lead}（牵头）；协办：{others}", "{lead} (lead); co-handling: {others}";
    CoHandling => "协办：由牵头单位办理", "Co-handling: the lead unit acts";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_text_in_both_languages() {
        for key in K::ALL {
            assert!(!key.t(Locale::Zh).is_empty(), "{key:?} has no Chinese");
            assert!(!key.t(Locale::En).is_empty(), "{key:?} has no English");
        }
    }

    #[test]
    fn fill_replaces_placeholders() {
        let text = K::ErrTooLong.fill(Locale::Zh, &[("max", "2000".into())]);
        assert_eq!(text, "不能超过 2000 个字");
    }

    #[test]
    fn unknown_tags_fall_back_to_chinese() {
        assert_eq!(Locale::from_tag("en-GB"), Locale::En);
        assert_eq!(Locale::from_tag("fr"), Locale::Zh);
        assert_eq!(Locale::from_tag(""), Locale::Zh);
    }
}
