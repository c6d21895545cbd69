// Translations of outbound campaigns (外呼任务), risk control and the do-not-call list; merged
// into the app's tables in i18n.ts.

export const campaignsZh = {
  title: '外呼任务', history: '历史任务', current: '当前任务', create: '新建外呼任务', edit: '编辑外呼任务',
  name: '任务名称', description: '任务描述', period: '起止时间', start: '开始时间', end: '结束时间', timeLeft: '剩余时间',
  timeLeftValue: '{{days}}天{{hours}}小时{{minutes}}分', state: '状态', customers: '客户数', executionRate: '执行率', connectRate: '接通率',
  abandonRate: '放弃率', abandonRateValue: '全程 {{all}} · 近一小时 {{hour}}（上限 {{cap}}%）',
  abandonCap: '放弃率上限', abandonCapHint: '客户接听时没有空闲坐席即为放弃：客户听到致歉提示后挂断。预测式外呼控制放弃率不超过此上限。',
  callerNumbers: '外显号码', agents: '分配坐席', masking: '号码隐藏', attempts: '呼叫次数', maxAttempts: '每位客户最多呼叫次数',
  hours: '可呼叫时段', timeZone: '时区', mode: '外呼方式', modes: { preview: '预览式', progressive: '渐进式', predictive: '预测式' },
  states: { not_started: '未开始', running: '进行中', paused: '已暂停', completed: '已完成', expired: '已过期' },
  actions: { start: '立即开始', pause: '暂停', resume: '继续', complete: '结束任务' },
  outcome: '呼叫结果', allOutcomes: '全部结果', notCalled: '未呼叫',
  outcomes: {
    answered: '接通', not_answered: '未接通', busy: '忙', no_answer: '无人接听', temporarily_unreachable: '暂时无法接通',
    suspended: '停机', powered_off: '关机', invalid_number: '空号', other: '其他',
  },
  import: '导入客户', importHint: '上传 CSV 或 Excel（.xlsx）文件：第一行为标题，需有“姓名”和“电话”列，其他列作为客户信息保存。',
  importing: '正在导入…', imported: '共 {{total}} 行，导入 {{imported}} 行，{{failed}} 行未导入', errorReport: '下载错误报告',
  reasons: { bad_number: '号码错误', duplicate: '号码重复', do_not_call: '在免打扰名单中', missing_number: '缺少号码', not_allowed: '不允许呼叫的地区' },
  view: '外呼任务', pick: '选择一个任务', noCampaigns: '暂无分配给您的外呼任务', customer: '客户', number: '号码', notes: '备注',
  call: '呼叫', save: '保存', saveAndNext: '保存并呼叫下一个', pickRow: '在左侧列表中选择一位客户', noneLeft: '没有可以继续呼叫的客户了',
  dialing: '正在呼叫 {{name}}', readOnly: '历史任务只读', toCustomers: '加入客户库', addedToCustomers: '已加入客户库',
  doNotCall: '免打扰名单', addDoNotCall: '加入免打扰', reason: '原因',
  risk: '风控设置', riskHint: '同一号码在时间窗内的最多呼叫次数，对所有外呼生效（点击外呼、回呼、转接到外线）。',
  windowMinutes: '时间窗（分钟）', maxCalls: '最多次数', destinations: '允许呼叫的号码前缀', destinationsHint: '如 +86（仅国内）；* 表示不限',
};

export const campaignsEn: typeof campaignsZh = {
  title: 'Outbound campaigns', history: 'History', current: 'Current', create: 'New campaign', edit: 'Edit campaign',
  name: 'Name', description: 'Description', period: 'Start – end', start: 'Start', end: 'End', timeLeft: 'Time left',
  timeLeftValue: '{{days}}d {{hours}}h {{minutes}}m', state: 'State', customers: 'Customers', executionRate: 'Execution rate', connectRate: 'Connect rate',
  abandonRate: 'Abandon rate', abandonRateValue: 'campaign {{all}} · last hour {{hour}} (cap {{cap}}%)',
  abandonCap: 'Abandon-rate cap',
  abandonCapHint: 'A customer who answers when no agent is free hears an apology and is hung up on (abandoned). Predictive dialing keeps the share of such calls under this cap.',
  callerNumbers: 'Caller numbers', agents: 'Assigned agents', masking: 'Mask numbers', attempts: 'Attempts', maxAttempts: 'Attempts per customer',
  hours: 'Calling hours', timeZone: 'Time zone', mode: 'Dialing mode', modes: { preview: 'Preview', progressive: 'Progressive', predictive: 'Predictive' },
  states: { not_started: 'Not started', running: 'Running', paused: 'Paused', completed: 'Completed', expired: 'Expired' },
  actions: { start: 'Start now', pause: 'Pause', resume: 'Resume', complete: 'Complete' },
  outcome: 'Outcome', allOutcomes: 'All outcomes', notCalled: 'Not called',
  outcomes: {
    answered: 'Answered', not_answered: 'Not answered', busy: 'Busy', no_answer: 'No answer', temporarily_unreachable: 'Temporarily unreachable',
    suspended: 'Suspended', powered_off: 'Powered off', invalid_number: 'Invalid number', other: 'Other',
  },
  import: 'Import customers', importHint: 'Upload a CSV or Excel (.xlsx) file: the first row holds titles, with a “name” and a “number” column; other columns are kept with the customer.',
  importing: 'Importing…', imported: '{{total}} rows, {{imported}} imported, {{failed}} refused', errorReport: 'Download the error report',
  reasons: { bad_number: 'Bad number', duplicate: 'Duplicate', do_not_call: 'On the do-not-call list', missing_number: 'No number', not_allowed: 'Destination not allowed' },
  view: 'Campaigns', pick: 'Pick a campaign', noCampaigns: 'No campaign is assigned to you', customer: 'Customer', number: 'Number', notes: 'Notes',
  call: 'Call', save: 'Save', saveAndNext: 'Save and call next', pickRow: 'Pick a customer from the list', noneLeft: 'Nobody is left to call',
  dialing: 'Calling {{name}}', readOnly: 'History is read-only', toCustomers: 'Add to customers', addedToCustomers: 'Added to the customers',
  doNotCall: 'Do-not-call list', addDoNotCall: 'Add to do-not-call', reason: 'Reason',
  risk: 'Risk control', riskHint: 'The most calls to the same number within a window, for every outbound call (click-to-dial, callbacks, transfers to outside numbers).',
  windowMinutes: 'Window (minutes)', maxCalls: 'Most calls', destinations: 'Allowed number prefixes', destinationsHint: 'e.g. +86 (domestic only); * allows any',
};

export const campaignErrorsZh = {
  risk_limited: '风控限制：{{message}}', do_not_call: '该号码在免打扰名单中', destination_not_allowed: '不允许呼叫该号码所在地区',
  campaign_not_running: '任务不在进行中，不能呼叫', outside_calling_hours: '当前不在可呼叫时段', no_attempts_left: '该客户已无剩余呼叫次数',
  campaign_read_only: '历史任务只读', invalid_state: '当前状态不能执行该操作', not_assigned: '您未被分配到该任务',
  already_listed: '该号码已在免打扰名单中', campaign_running: '请先暂停任务再删除', not_called: '该客户尚未呼叫',
};

export const campaignErrorsEn: typeof campaignErrorsZh = {
  risk_limited: 'Risk control: {{message}}', do_not_call: 'This number is on the do-not-call list', destination_not_allowed: 'Calls to this destination are not allowed',
  campaign_not_running: 'The campaign is not running', outside_calling_hours: 'Outside the calling hours', no_attempts_left: 'No attempts left for this customer',
  campaign_read_only: 'History is read-only', invalid_state: 'The campaign’s state does not allow this', not_assigned: 'You are not assigned to this campaign',
  already_listed: 'The number is already on the list', campaign_running: 'Pause the campaign before deleting it', not_called: 'The customer has not been called yet',
};
