// Strings of the platform console's enterprise terms: time zone and limits (what an enterprise
// may use at once). Merged into the main tree by i18n.ts.

export const platformTermsZh = {
  terms: {
    timeZone: '时区', timeZoneHint: '决定该企业"今天"的范围：今日数据、回访、导出日期',
    limits: '使用上限', unlimited: '不限', edit: '修改',
    editTitle: '{{name}}：时区与上限',
    agents: '同时登录坐席数', agentsHint: '超过时再登录的坐席会被拒绝；留空为不限',
    concurrentCalls: '同时通话数', concurrentCallsHint: '呼入（线路和网页组件）和外呼合计；超过的来电听到忙音，外呼被拒绝',
    widgetCalls: '网页组件同时通话数', widgetCallsHint: '0 表示关闭该企业的网页组件',
    short: '坐席 {{agents}} · 通话 {{calls}} · 网页 {{widget}}',
  },
};

export const platformTermsEn: typeof platformTermsZh = {
  terms: {
    timeZone: 'Time zone', timeZoneHint: 'Where the enterprise\'s day ends: today\'s figures, callbacks, exported dates',
    limits: 'Limits', unlimited: 'none', edit: 'Edit',
    editTitle: '{{name}}: time zone and limits',
    agents: 'Agents signed in at once', agentsHint: 'One more agent signing in is refused; empty for no limit',
    concurrentCalls: 'Calls at once', concurrentCallsHint: 'Inbound (trunks and web widget) and placed together; callers beyond it hear busy, placed calls are refused',
    widgetCalls: 'Web widget calls at once', widgetCallsHint: '0 turns the enterprise\'s web widget off',
    short: 'agents {{agents}} · calls {{calls}} · widget {{widget}}',
  },
};
