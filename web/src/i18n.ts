// Bilingual UI: Simplified Chinese (default when the browser prefers Chinese) and English.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { storage } from './storage';

const zh = {
  app: { name: 'Patchbay 云呼叫中心', language: '语言' },
  login: {
    title: '登录', enterprise: '企业编号', workId: '工号', password: '密码', submit: '登录',
    required: '请输入{{field}}',
  },
  nav: { users: '员工', roles: '角色', skillGroups: '技能组', statuses: '自定义状态', trunks: '线路', numbers: '号码', prompts: '语音文件', monitor: '实时监控', agent: '坐席工作台', admin: '管理后台', calls: '通话记录', settings: '企业设置' },
  user: { menu: '账号', logout: '退出登录', changePassword: '修改密码', oldPassword: '原密码', newPassword: '新密码', changed: '密码已修改' },
  common: {
    search: '搜索', create: '新建', edit: '编辑', delete: '删除', save: '保存', cancel: '取消', actions: '操作',
    confirmDelete: '确定删除吗？', deleted: '已删除', saved: '已保存', name: '名称', description: '描述',
    enabled: '启用', disabled: '停用', yes: '是', no: '否', total: '共 {{total}} 条',
  },
  users: {
    title: '员工管理', workId: '工号', name: '姓名', mobile: '手机号', department: '部门', role: '角色',
    skillGroups: '技能组', status: '状态', locked: '已锁定', resetPassword: '重置密码',
    initialPassword: '初始密码', initialPasswordHint: '请把此密码告知该员工。它只显示这一次。',
    created: '员工已创建', workIdRule: '工号为1到20位字母或数字', mobileRule: '手机号为5到20位数字，可加+号',
  },
  roles: {
    title: '角色管理', permissions: '权限', dataScope: '数据范围', builtin: '内置', userCount: '员工数',
  },
  scope: { self: '仅本人', skill_groups: '所在技能组', department: '本部门', enterprise: '全企业' },
  perm: {
    agent_login: '登录坐席工作台', answer_dial: '接听/外呼', consult_transfer: '咨询/转接/三方通话',
    monitor: '监听/强插/强拆', view_call_records: '查看通话记录', view_recordings: '查看录音', export: '导出',
    manage_campaigns: '管理外呼任务', manage_users: '管理员工', manage_numbers: '管理号码和线路', billing: '计费',
  },
  groups: { title: '技能组管理', members: '成员', member: '员工', skillLevel: '技能等级', editMembers: '编辑成员', addMember: '添加成员' },
  statuses: { title: '自定义状态' },
  trunks: {
    title: '线路管理', mode: '接入方式', modes: { peer: '对等（IP 对接）', register: '注册到运营商' }, address: '地址', host: '主机',
    port: '端口', transport: '传输协议', username: '认证用户名', password: '认证密码', passwordKept: '留空则保留已保存的密码',
    allowedSources: '允许的来源 IP', allowedSourcesHint: '来自这些地址的呼入才会被接受；输入后回车', codecs: '编解码',
    maxCalls: '最大并发', maxCallsHint: '0 表示不限', registerExpires: '注册有效期（秒）', keepalive: '用 OPTIONS 检测线路（每30秒）', status: '状态', activeCalls: '当前通话',
    state: { up: '正常', failed: '故障', unknown: '未知', disabled: '已停用' },
  },
  numbers: {
    title: '号码管理', number: '号码', trunk: '线路', service: '呼入处理', numberRule: '号码为3到32位数字，可加+号',
    services: { welcome: '播放欢迎语', echo_test: '回声测试', ivr: 'IVR 语音导航' },
  },
  sip: {
    action: '座机账号', title: '{{name}} 的座机 SIP 账号', username: 'SIP 用户名', password: 'SIP 密码',
    usernameRule: '3到32位字母、数字、点、下划线或连字符', passwordKept: '留空则保留当前密码', passwordGenerated: '留空则自动生成',
    registrations: '注册状态', notRegistered: '未注册', passwordTitle: 'SIP 密码',
    passwordHint: '在话机上填写用户名 {{username}}、域 {{realm}} 和下面的密码。密码只显示这一次。',
  },
  transcript: {
    live: '实时转文字', listening: '正在转写，等待说话…', off: '打开开关即可实时转写本通电话',
    speaker: { customer: '客户', agent: '坐席' },
  },
  settings: {
    title: '企业设置', afterCallWork: '事后整理时长', seconds: '秒', transcribeAll: '所有通话实时转文字',
    transcribeAllHint: '开启后每通电话从开始就转写，无需坐席手动打开', engines: '语音识别引擎',
    engineReady: '可用', engineNotBuiltIn: '本服务未编译此引擎', engineNoModel: '未配置模型', engineLive: '通话实时转写使用此引擎',
    engineLanguages: '语言：{{languages}}', engineLanguagesOfModel: '语言取决于所配置的模型',
    chineseNeedsSherpa: '中文转写需要配置 sherpa-onnx 模型：请运维设置 sherpa_onnx_model_dir（或 PATCHBAY_SHERPA_ONNX_MODEL_DIR）后重启，详见 README「转写」。',
    chineseNeedsSherpaBuild: '中文转写需要配置 sherpa-onnx 模型：本服务构建时未包含 sherpa-onnx，请运维用 --features sherpa 重新构建并配置模型，详见 README「转写」。',
    lang: { en: '英语', zh: '中文' },
  },
  calls: {
    title: '通话记录', startedAt: '开始时间', direction: '方向', caller: '主叫', callee: '被叫', talkSeconds: '通话时长（秒）',
    result: '结果', transcript: '转写文本', transcriptOf: '{{caller}} 的通话转写', noTranscript: '这通电话没有转写文本',
    searchNumber: '搜索号码', searchKeyword: '搜索通话内容关键词', clearKeyword: '清除关键词：{{keyword}}',
    directions: { inbound: '呼入', agent_outbound: '外呼' },
    results: { in_progress: '通话中', answered: '已接通', failed: '未接通', abandoned: '排队放弃', missed: '未接', overflowed: '已溢出' },
  },
  agent: {
    title: '坐席工作台', enterprise: '企业', profile: '我的资料', groups: '我的技能组', connection: '事件连接',
    connecting: '连接中', open: '已连接', closed: '已断开，正在重连', noGroups: '尚未加入技能组',
  },
  phonebar: {
    title: '电话条', signIn: '签入', signOut: '签出', online: '在线', loginStatus: '登录状态', phoneStatus: '电话状态',
    idle: '空闲', busy: '忙碌',
    status: { offline: '未签入', custom: '自定义状态', busy: '忙碌', idle: '空闲', ringing: '振铃中', talking: '通话中', after_call_work: '事后整理' },
    timer: '状态时长', acwLeft: '{{seconds}} 秒后自动空闲', autoAnswer: '自动接听', device: '接听设备', noDevice: '未绑定',
    devices: { browser: '浏览器', mobile: '手机', desk_phone: '座机' },
    today: '今日', talkTime: '通话时长', calls: '接通数', busyTime: '忙碌时长', idleTime: '空闲时长',
    queueTotal: '排队中', queueDetails: '各技能组', hideDetails: '收起',
    queueLine: '{{waiting}} 人排队 · 最长等待 {{longest}} · 空闲坐席 {{idle}}',
    ringing: '来电', caller: '来电号码', dialed: '呼入号码', group: '技能组', unknownCaller: '未知号码',
    answerOnDesk: '请在座机上接听', answerOnMobile: '请在手机上接听', answer: '接听', reject: '拒接',
    autoAnswering: '已开启自动接听，来电将自动接通', talking: '通话中', hangup: '挂断', hold: '保持', resume: '恢复通话', onHold: '通话保持中',
    offerEnded: {
      ring_timeout: '来电超时未接，已回到队列', rejected: '已拒接，来电已回到队列', caller_hung_up: '客户已挂机',
      agent_left: '来电已收回', device_failed: '无法呼叫您的设备（座机是否已注册？）', other: '来电已结束',
    },
    deviceUnbound: '来电不再呼叫您的{{device}}：已改用其他设备',
    dial: '外呼', dialNumber: '电话号码', dialButton: '拨打', dialing: '正在呼叫您的座机，接起后将拨打 {{number}}',
    numberRule: '号码为3到32位数字，可加+号',
    missed: '漏接来电', callBack: '回拨', markHandled: '标记已处理', handled: '已处理', noMissed: '没有漏接来电',
    missedLine: '拨打 {{number}} · {{time}}', signedOutHint: '签入并置为空闲后才会有来电',
    audioMode: '接听方式', audioModes: { browser: '浏览器音频', mobile: '手机回呼', desk_phone: '座机' },
    audio: {
      no_audio: '音频未启用', connecting: '正在连接音频…', connected: '音频已连接', reconnecting: '音频已断开，正在重连',
      failed: '音频连接失败，稍后重试', mic_denied: '无法使用麦克风',
    },
    micDeniedHint: '请在浏览器中允许本网站使用麦克风，然后点“重试”', audioLocked: '点击页面任意处以启用来电铃声', retry: '重试', mute: '静音', unmute: '取消静音',
    audioSettings: '音频设置', microphone: '麦克风', speaker: '扬声器', defaultDevice: '系统默认',
    outputUnsupported: '此浏览器不支持选择扬声器', micTest: '测试麦克风', stopTest: '停止测试', micTestHint: '请说话，音量条应随之跳动',
    groups: '我的技能组', customerName: '客户姓名', location: '归属地', unknown: '未知', previousCalls: '来电次数',
    times: '{{count}} 次', firstCall: '首次来电', lastCall: '上次来电', ended: '通话已结束', close: '关闭',
    answerAudioDown: '浏览器音频未连接，暂时无法接听', notifyTitle: '来电：{{caller}}', notifyBody: '{{name}} · {{location}} · 呼入 {{number}}（{{group}}）',
    dialingBrowser: '正在呼叫 {{number}}，请在浏览器中通话', dialingMobile: '正在呼叫您的手机，接起后将拨打 {{number}}',
  },
  widget: {
    title: '在线呼叫客服', call: '免费通话', callAgain: '再次呼叫', hangup: '挂断', mute: '静音', unmute: '取消静音', close: '关闭',
    calling: '拨打 {{number}}', noNumber: '此页面缺少要拨打的号码（?number=）',
    state: { idle: '点击按钮，通过浏览器与我们通话', calling: '正在接通…', connected: '通话中' },
    ended: '通话已结束', endedRemote: '对方已挂断',
    micHint: '通话需要使用您的麦克风',
    errors: {
      mic_denied: '无法使用麦克风：请在浏览器中允许后再试', no_microphone: '没有找到麦克风', microphone: '麦克风无法使用',
      not_found: '该号码不存在', unavailable: '电话服务暂不可用，请稍后再试', network: '网络错误，请稍后再试', timeout: '音频未能接通，请重试',
      webrtc: '浏览器音频出错，请重试', invalid_number: '号码有误', internal: '电话服务暂不可用，请稍后再试',
      bad_answer: '电话服务暂不可用，请稍后再试', busy: '坐席繁忙，请稍后再试', other: '呼叫失败：{{message}}',
    },
  },
  monitor: {
    title: '实时监控', agents: '坐席', queues: '队列', login: '登录状态', phone: '电话状态', timeInStatus: '状态时长',
    callsToday: '今日接通', talkToday: '今日通话时长', signedIn: '已签入', waiting: '排队数', longestWait: '最长等待',
    idleAgents: '空闲坐席', totalWaiting: '排队总数', idleNow: '空闲', talkingNow: '通话中', busyNow: '忙碌/小休',
  },
  prompts: {
    title: '语音文件', upload: '上传', rename: '重命名', uploaded: '已上传', duration: '时长', fileName: '原文件名', listen: '试听',
    file: '文件', chooseFile: '选择 WAV 文件',
    formats: 'WAV：8–48 kHz，单声道或立体声，16 位 PCM、µ-law 或 A-law，最长 10 分钟，不超过 20 MB。上传后转换为 8 kHz 单声道（电话音质）。',
    hint: '上传自己的语音后，在号码的 IVR 流程里用 {"file": ID} 播放（ID 见下表）。',
  },
  flow: {
    action: 'IVR 流程', title: '{{number}} 的 IVR 流程', template: '填入模板', emptyRemoves: '留空保存将删除流程',
    hint: '用 JSON 编写：start 是第一步的名字，steps 列出每一步。步骤类型：{{types}}。内置语音：{{prompts}}。自己上传的语音（「语音文件」页）用 {"file": ID} 播放，例如 "prompt": {"file": 3}。',
    files: '已上传的语音：{{files}}', noFiles: '还没有上传语音。',
    groups: '技能组 ID：{{groups}}', notIvr: '该号码的呼入处理不是「IVR 语音导航」：流程要在改为 IVR 后才会生效。',
    problems: '流程有 {{count}} 处错误，未保存：', jsonError: 'JSON 格式错误：{{message}}', removed: '已删除流程',
  },
  queueSettings: {
    action: '队列设置', title: '{{name}} 的队列设置', strategy: '分配策略',
    strategies: { longest_idle: '最长空闲优先', round_robin: '轮流分配', fewest_calls: '接听最少优先', skill_priority: '技能等级优先' },
    ringTimeout: '振铃超时（秒）', ringTimeoutHint: '超时未接则转给下一位坐席', limitWait: '限制最长排队时间',
    maxWait: '最长排队（秒）', overflow: '超时后转到',
    overflows: { goodbye: '播放再见语并挂机', group: '其他技能组', number: '外部号码' },
    overflowGroup: '技能组', overflowNumber: '号码', column: '队列', summary: '{{strategy}} · 振铃 {{ring}} 秒',
  },
  errors: {
    invalid_credentials: '企业编号、工号或密码错误', too_many_attempts: '登录失败次数过多，请 {{seconds}} 秒后再试', server_busy: '服务器繁忙，请稍后再试',
    account_disabled: '账号已停用，请联系管理员', work_id_taken: '该工号已被使用', name_taken: '名称已被使用',
    role_in_use: '仍有员工使用该角色，请先更换他们的角色', builtin_role: '内置管理员角色不能删除或修改权限',
    cannot_modify_self: '不能删除或停用自己的账号', weak_password: '新密码至少8位', forbidden: '没有权限',
    unauthenticated: '请先登录', not_found: '记录不存在', session_ended: '您已在别处退出或会话已失效，请重新登录',
    number_taken: '该号码已被分配', username_taken: '该 SIP 用户名已被使用', in_use: '仍在使用中（例如线路上还有号码）',
    no_sip_account: '该坐席没有座机账号', desk_phone_not_registered: '座机未注册', no_trunk: '没有可用的线路和外显号码',
    not_signed_in: '请先签入', in_call: '通话中不能这样做', no_such_call: '该通话已结束或不存在', not_in_call: '当前没有通话',
    answer_on_device: '请在座机（或手机）上接听', invalid_flow: 'IVR 流程有误：{{message}}', unavailable: '电话服务未运行',
    validation_failed: '输入有误：{{message}}', invalid_audio: '音频文件不能用：{{message}}',
    payload_too_large: '文件超过 20 MB', unsupported_media_type: '请上传 WAV 文件', prompt_in_use: '号码 {{numbers}} 的 IVR 流程正在播放该语音，请先修改这些流程', generic: '操作失败：{{message}}',
  },
};

type Tree = { [k: string]: string | Tree };

const en: typeof zh = {
  app: { name: 'Patchbay Call Center', language: 'Language' },
  login: {
    title: 'Sign in', enterprise: 'Enterprise code', workId: 'Work ID', password: 'Password', submit: 'Sign in',
    required: 'Enter the {{field}}',
  },
  nav: { users: 'Users', roles: 'Roles', skillGroups: 'Skill groups', statuses: 'Custom statuses', trunks: 'Trunks', numbers: 'Numbers', prompts: 'Prompts', monitor: 'Real-time monitor', agent: 'Agent workspace', admin: 'Admin console', calls: 'Call records', settings: 'Enterprise settings' },
  user: { menu: 'Account', logout: 'Sign out', changePassword: 'Change password', oldPassword: 'Current password', newPassword: 'New password', changed: 'Password changed' },
  common: {
    search: 'Search', create: 'New', edit: 'Edit', delete: 'Delete', save: 'Save', cancel: 'Cancel', actions: 'Actions',
    confirmDelete: 'Delete this?', deleted: 'Deleted', saved: 'Saved', name: 'Name', description: 'Description',
    enabled: 'Enabled', disabled: 'Disabled', yes: 'Yes', no: 'No', total: '{{total}} in all',
  },
  users: {
    title: 'Users', workId: 'Work ID', name: 'Name', mobile: 'Mobile', department: 'Department', role: 'Role',
    skillGroups: 'Skill groups', status: 'Status', locked: 'Locked', resetPassword: 'Reset password',
    initialPassword: 'Initial password', initialPasswordHint: 'Give this password to the user. It is shown only once.',
    created: 'User created', workIdRule: 'Work ID: 1 to 20 letters or digits', mobileRule: 'Mobile: 5 to 20 digits, optionally starting with +',
  },
  roles: { title: 'Roles', permissions: 'Permissions', dataScope: 'Data scope', builtin: 'Built-in', userCount: 'Users' },
  scope: { self: 'Own records', skill_groups: 'Own skill groups', department: 'Own department', enterprise: 'Whole enterprise' },
  perm: {
    agent_login: 'Sign in to the agent workspace', answer_dial: 'Answer and dial', consult_transfer: 'Consult, transfer, three-way',
    monitor: 'Listen, barge in, force-disconnect', view_call_records: 'View call records', view_recordings: 'Listen to recordings', export: 'Export',
    manage_campaigns: 'Manage campaigns', manage_users: 'Manage users', manage_numbers: 'Manage numbers and trunks', billing: 'Billing',
  },
  groups: { title: 'Skill groups', members: 'Members', member: 'User', skillLevel: 'Skill level', editMembers: 'Edit members', addMember: 'Add member' },
  statuses: { title: 'Custom statuses' },
  trunks: {
    title: 'Trunks', mode: 'Mode', modes: { peer: 'Peer (IP to IP)', register: 'Register to the carrier' }, address: 'Address', host: 'Host',
    port: 'Port', transport: 'Transport', username: 'Auth user name', password: 'Auth password', passwordKept: 'Leave empty to keep the stored password',
    allowedSources: 'Allowed source IPs', allowedSourcesHint: 'Inbound calls are accepted only from these addresses; press Enter after each', codecs: 'Codecs',
    maxCalls: 'Max concurrent calls', maxCallsHint: '0 means no limit', registerExpires: 'Registration interval (s)', keepalive: 'Check the carrier with OPTIONS (every 30 s)', status: 'Status', activeCalls: 'Calls now',
    state: { up: 'Up', failed: 'Failed', unknown: 'Unknown', disabled: 'Disabled' },
  },
  numbers: {
    title: 'Numbers', number: 'Number', trunk: 'Trunk', service: 'Inbound calls get', numberRule: 'Number: 3 to 32 digits, optionally starting with +',
    services: { welcome: 'Welcome prompt', echo_test: 'Echo test', ivr: 'IVR flow' },
  },
  sip: {
    action: 'Desk phone', title: 'Desk-phone SIP account of {{name}}', username: 'SIP user name', password: 'SIP password',
    usernameRule: '3 to 32 letters, digits, dots, underscores or hyphens', passwordKept: 'Leave empty to keep the current password', passwordGenerated: 'Leave empty to generate one',
    registrations: 'Registrations', notRegistered: 'Not registered', passwordTitle: 'SIP password',
    passwordHint: 'On the phone, enter user name {{username}}, domain {{realm}} and the password below. It is shown only once.',
  },
  transcript: {
    live: 'Live transcript', listening: 'Transcribing, waiting for speech…', off: 'Switch on to transcribe this call live',
    speaker: { customer: 'Customer', agent: 'Agent' },
  },
  settings: {
    title: 'Enterprise settings', afterCallWork: 'After-call work', seconds: 's', transcribeAll: 'Transcribe every call',
    transcribeAllHint: 'Every call is transcribed from its start, without agents switching it on', engines: 'Speech-to-text engines',
    engineReady: 'available', engineNotBuiltIn: 'not built into this server', engineNoModel: 'no model configured', engineLive: 'used for live call transcription',
    engineLanguages: 'Languages: {{languages}}', engineLanguagesOfModel: 'Languages: those of the configured model',
    chineseNeedsSherpa: 'Chinese transcription needs a sherpa-onnx model: the operator sets sherpa_onnx_model_dir (or PATCHBAY_SHERPA_ONNX_MODEL_DIR) and restarts; see the README, Transcription.',
    chineseNeedsSherpaBuild: 'Chinese transcription needs a sherpa-onnx model: this server was built without sherpa-onnx; the operator rebuilds with --features sherpa and configures a model; see the README, Transcription.',
    lang: { en: 'English', zh: 'Chinese' },
  },
  calls: {
    title: 'Call records', startedAt: 'Started', direction: 'Direction', caller: 'Caller', callee: 'Callee', talkSeconds: 'Talk time (s)',
    result: 'Result', transcript: 'Transcript', transcriptOf: 'Transcript of the call from {{caller}}', noTranscript: 'This call has no transcript',
    searchNumber: 'Search numbers', searchKeyword: 'Search words said in calls', clearKeyword: 'Clear keyword: {{keyword}}',
    directions: { inbound: 'Inbound', agent_outbound: 'Outbound' },
    results: { in_progress: 'In progress', answered: 'Answered', failed: 'Failed', abandoned: 'Abandoned in queue', missed: 'Missed', overflowed: 'Overflowed' },
  },
  agent: {
    title: 'Agent workspace', enterprise: 'Enterprise', profile: 'My profile', groups: 'My skill groups', connection: 'Event connection',
    connecting: 'Connecting', open: 'Connected', closed: 'Disconnected, reconnecting', noGroups: 'Not in any skill group yet',
  },
  phonebar: {
    title: 'Phone bar', signIn: 'Sign in', signOut: 'Sign out', online: 'Available', loginStatus: 'Login status', phoneStatus: 'Phone status',
    idle: 'Idle', busy: 'Busy',
    status: { offline: 'Signed out', custom: 'Custom status', busy: 'Busy', idle: 'Idle', ringing: 'Ringing', talking: 'On a call', after_call_work: 'After-call work' },
    timer: 'Time in status', acwLeft: 'Idle again in {{seconds}} s', autoAnswer: 'Auto-answer', device: 'Device', noDevice: 'None',
    devices: { browser: 'Browser', mobile: 'Mobile', desk_phone: 'Desk phone' },
    today: 'Today', talkTime: 'Talk time', calls: 'Calls answered', busyTime: 'Busy time', idleTime: 'Idle time',
    queueTotal: 'Waiting', queueDetails: 'Per group', hideDetails: 'Hide',
    queueLine: '{{waiting}} waiting · longest {{longest}} · {{idle}} idle agents',
    ringing: 'Incoming call', caller: 'Caller', dialed: 'Dialed number', group: 'Skill group', unknownCaller: 'Unknown number',
    answerOnDesk: 'Answer on your desk phone', answerOnMobile: 'Answer on your mobile', answer: 'Answer', reject: 'Reject',
    autoAnswering: 'Auto-answer is on: the call connects by itself', talking: 'On a call', hangup: 'Hang up', hold: 'Hold', resume: 'Resume', onHold: 'On hold',
    offerEnded: {
      ring_timeout: 'Not answered in time: the call is back in the queue', rejected: 'Rejected: the call is back in the queue', caller_hung_up: 'The caller hung up',
      agent_left: 'The call was withdrawn', device_failed: 'Your device could not be rung (is the desk phone registered?)', other: 'The call ended',
    },
    deviceUnbound: 'Calls no longer ring your {{device}}: another device took over',
    dial: 'Dial', dialNumber: 'Number', dialButton: 'Call', dialing: 'Ringing your desk phone; when you pick up, {{number}} is called',
    numberRule: 'Number: 3 to 32 digits, optionally starting with +',
    missed: 'Missed calls', callBack: 'Call back', markHandled: 'Mark handled', handled: 'Handled', noMissed: 'No missed calls',
    missedLine: 'dialed {{number}} · {{time}}', signedOutHint: 'Sign in and go idle to get calls',
    audioMode: 'Audio', audioModes: { browser: 'Browser audio', mobile: 'Mobile callback', desk_phone: 'Desk phone' },
    audio: {
      no_audio: 'Audio off', connecting: 'Connecting audio…', connected: 'Audio connected', reconnecting: 'Audio disconnected, reconnecting',
      failed: 'Audio failed, retrying', mic_denied: 'Microphone not available',
    },
    micDeniedHint: 'Allow this site to use the microphone in your browser, then press Retry', audioLocked: 'Click anywhere on the page to enable the ring tone', retry: 'Retry', mute: 'Mute', unmute: 'Unmute',
    audioSettings: 'Audio settings', microphone: 'Microphone', speaker: 'Speaker', defaultDevice: 'System default',
    outputUnsupported: 'This browser cannot choose the speaker', micTest: 'Test microphone', stopTest: 'Stop test', micTestHint: 'Speak: the bar should move',
    groups: 'My skill groups', customerName: 'Name', location: 'Location', unknown: 'unknown', previousCalls: 'Times called',
    times: '{{count}} times', firstCall: 'First call', lastCall: 'Last call', ended: 'Call ended', close: 'Close',
    answerAudioDown: 'Browser audio is not connected: the call cannot be answered yet', notifyTitle: 'Incoming call: {{caller}}', notifyBody: '{{name}} · {{location}} · dialed {{number}} ({{group}})',
    dialingBrowser: 'Calling {{number}}: talk in the browser', dialingMobile: 'Ringing your mobile; when you pick up, {{number}} is called',
  },
  widget: {
    title: 'Call us', call: 'Call now', callAgain: 'Call again', hangup: 'Hang up', mute: 'Mute', unmute: 'Unmute', close: 'Close',
    calling: 'Calling {{number}}', noNumber: 'This page needs a number to call (?number=)',
    state: { idle: 'Press the button to talk to us from your browser', calling: 'Connecting…', connected: 'On the call' },
    ended: 'Call ended', endedRemote: 'The other side hung up',
    micHint: 'The call uses your microphone',
    errors: {
      mic_denied: 'The microphone is blocked: allow it in your browser and try again', no_microphone: 'No microphone found', microphone: 'The microphone cannot be used',
      not_found: 'This number does not exist', unavailable: 'The phone service is not available: try again later', network: 'Network error: try again later', timeout: 'The audio did not connect: try again',
      webrtc: 'Browser audio failed: try again', invalid_number: 'Invalid number', internal: 'The phone service is not available: try again later',
      bad_answer: 'The phone service is not available: try again later', busy: 'All lines are busy: try again later', other: 'The call failed: {{message}}',
    },
  },
  monitor: {
    title: 'Real-time monitor', agents: 'Agents', queues: 'Queues', login: 'Login', phone: 'Phone', timeInStatus: 'Time in status',
    callsToday: 'Calls today', talkToday: 'Talk time today', signedIn: 'Signed in', waiting: 'Waiting', longestWait: 'Longest wait',
    idleAgents: 'Idle agents', totalWaiting: 'Waiting in all', idleNow: 'Idle', talkingNow: 'On a call', busyNow: 'Busy or away',
  },
  prompts: {
    title: 'Prompts', upload: 'Upload', rename: 'Rename', uploaded: 'Uploaded', duration: 'Length', fileName: 'Original file', listen: 'Listen',
    file: 'File', chooseFile: 'Choose a WAV file',
    formats: 'WAV: 8–48 kHz, mono or stereo, 16-bit PCM, µ-law or A-law, up to 10 minutes and 20 MB. It is converted to 8 kHz mono (telephone quality).',
    hint: 'Upload your own recordings, then play one in a number\'s IVR flow with {"file": ID} (the ID is in the table).',
  },
  flow: {
    action: 'IVR flow', title: 'IVR flow of {{number}}', template: 'Insert template', emptyRemoves: 'Saving it empty removes the flow',
    hint: 'Write it as JSON: "start" names the first step, "steps" lists every step. Step types: {{types}}. Built-in prompts: {{prompts}}. Play your own uploads (the Prompts page) with {"file": ID}, e.g. "prompt": {"file": 3}.',
    files: 'Uploaded prompts: {{files}}', noFiles: 'No prompts uploaded yet.',
    groups: 'Skill group IDs: {{groups}}', notIvr: 'This number does not run its flow yet: set "Inbound calls get" to IVR flow.',
    problems: 'The flow has {{count}} problem(s) and was not saved:', jsonError: 'Not valid JSON: {{message}}', removed: 'Flow removed',
  },
  queueSettings: {
    action: 'Queue settings', title: 'Queue settings of {{name}}', strategy: 'Routing strategy',
    strategies: { longest_idle: 'Longest idle first', round_robin: 'Round robin', fewest_calls: 'Fewest calls first', skill_priority: 'Highest skill first' },
    ringTimeout: 'Ring timeout (s)', ringTimeoutHint: 'An unanswered offer goes to the next agent after this', limitWait: 'Limit the wait',
    maxWait: 'Longest wait (s)', overflow: 'Then send the call to',
    overflows: { goodbye: 'Goodbye prompt, then hang up', group: 'Another skill group', number: 'An outside number' },
    overflowGroup: 'Skill group', overflowNumber: 'Number', column: 'Queue', summary: '{{strategy}} · rings {{ring}} s',
  },
  errors: {
    invalid_credentials: 'Wrong enterprise code, work ID or password', too_many_attempts: 'Too many failed sign-ins: try again in {{seconds}} s', server_busy: 'The server is busy: try again in a few seconds',
    account_disabled: 'This account is disabled: ask your administrator', work_id_taken: 'This work ID is already in use', name_taken: 'This name is already in use',
    role_in_use: 'Users still hold this role: give them another role first', builtin_role: 'The built-in administrator role cannot be deleted or have its permissions changed',
    cannot_modify_self: 'You cannot delete or disable your own account', weak_password: 'The new password needs at least 8 characters', forbidden: 'You do not have permission for this',
    unauthenticated: 'Sign in first', not_found: 'No such record', session_ended: 'You were signed out elsewhere or the session ended: sign in again',
    number_taken: 'This number is already assigned', username_taken: 'This SIP user name is already in use', in_use: 'Still in use (e.g. numbers on this trunk)',
    no_sip_account: 'This agent has no desk-phone account', desk_phone_not_registered: 'The desk phone is not registered', no_trunk: 'No usable trunk with a caller number',
    not_signed_in: 'Sign in first', in_call: 'Not possible during a call', no_such_call: 'That call has ended or does not exist', not_in_call: 'You are not on a call',
    answer_on_device: 'Answer on your desk phone (or mobile)', invalid_flow: 'The IVR flow is not valid: {{message}}', unavailable: 'The telephony service is not running',
    validation_failed: 'Invalid input: {{message}}', invalid_audio: 'This audio file cannot be used: {{message}}',
    payload_too_large: 'The file is larger than 20 MB', unsupported_media_type: 'Upload a WAV file', prompt_in_use: 'The IVR flow of number(s) {{numbers}} plays this prompt: change those flows first', generic: 'Failed: {{message}}',
  },
};

export const LANGUAGE_KEY = 'patchbay.language';

export function initialLanguage(): 'zh-CN' | 'en' {
  const saved = storage.get(LANGUAGE_KEY);
  if (saved === 'zh-CN' || saved === 'en') return saved;
  const preferred = typeof navigator === 'undefined' ? '' : navigator.language;
  return preferred.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zh as Tree }, en: { translation: en as Tree } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});

export default i18n;
