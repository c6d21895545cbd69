// Bilingual UI: Simplified Chinese (default when the browser prefers Chinese) and English.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

const zh = {
  app: { name: 'Patchbay 云呼叫中心', language: '语言' },
  login: {
    title: '登录', enterprise: '企业编号', workId: '工号', password: '密码', submit: '登录',
    required: '请输入{{field}}',
  },
  nav: { users: '员工', roles: '角色', skillGroups: '技能组', statuses: '自定义状态', trunks: '线路', numbers: '号码', agent: '坐席工作台', admin: '管理后台' },
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
    services: { welcome: '播放欢迎语', echo_test: '回声测试' },
  },
  sip: {
    action: '座机账号', title: '{{name}} 的座机 SIP 账号', username: 'SIP 用户名', password: 'SIP 密码',
    usernameRule: '3到32位字母、数字、点、下划线或连字符', passwordKept: '留空则保留当前密码', passwordGenerated: '留空则自动生成',
    registrations: '注册状态', notRegistered: '未注册', passwordTitle: 'SIP 密码',
    passwordHint: '在话机上填写用户名 {{username}}、域 {{realm}} 和下面的密码。密码只显示这一次。',
  },
  agent: {
    title: '坐席工作台', enterprise: '企业', profile: '我的资料', groups: '我的技能组', connection: '事件连接',
    connecting: '连接中', open: '已连接', closed: '已断开，正在重连', noGroups: '尚未加入技能组',
  },
  errors: {
    invalid_credentials: '企业编号、工号或密码错误', account_locked: '登录失败次数过多，账号已锁定，请 {{minutes}} 分钟后再试',
    account_disabled: '账号已停用，请联系管理员', work_id_taken: '该工号已被使用', name_taken: '名称已被使用',
    role_in_use: '仍有员工使用该角色，请先更换他们的角色', builtin_role: '内置管理员角色不能删除或修改权限',
    cannot_modify_self: '不能删除或停用自己的账号', weak_password: '新密码至少8位', forbidden: '没有权限',
    unauthenticated: '请先登录', not_found: '记录不存在', session_ended: '您已在别处退出或会话已失效，请重新登录',
    number_taken: '该号码已被分配', username_taken: '该 SIP 用户名已被使用', in_use: '仍在使用中（例如线路上还有号码）',
    no_sip_account: '该坐席没有座机账号', desk_phone_not_registered: '座机未注册', no_trunk: '没有可用的线路和外显号码',
    validation_failed: '输入有误：{{message}}', generic: '操作失败：{{message}}',
  },
};

type Tree = { [k: string]: string | Tree };

const en: typeof zh = {
  app: { name: 'Patchbay Call Center', language: 'Language' },
  login: {
    title: 'Sign in', enterprise: 'Enterprise code', workId: 'Work ID', password: 'Password', submit: 'Sign in',
    required: 'Enter the {{field}}',
  },
  nav: { users: 'Users', roles: 'Roles', skillGroups: 'Skill groups', statuses: 'Custom statuses', trunks: 'Trunks', numbers: 'Numbers', agent: 'Agent workspace', admin: 'Admin console' },
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
    services: { welcome: 'Welcome prompt', echo_test: 'Echo test' },
  },
  sip: {
    action: 'Desk phone', title: 'Desk-phone SIP account of {{name}}', username: 'SIP user name', password: 'SIP password',
    usernameRule: '3 to 32 letters, digits, dots, underscores or hyphens', passwordKept: 'Leave empty to keep the current password', passwordGenerated: 'Leave empty to generate one',
    registrations: 'Registrations', notRegistered: 'Not registered', passwordTitle: 'SIP password',
    passwordHint: 'On the phone, enter user name {{username}}, domain {{realm}} and the password below. It is shown only once.',
  },
  agent: {
    title: 'Agent workspace', enterprise: 'Enterprise', profile: 'My profile', groups: 'My skill groups', connection: 'Event connection',
    connecting: 'Connecting', open: 'Connected', closed: 'Disconnected, reconnecting', noGroups: 'Not in any skill group yet',
  },
  errors: {
    invalid_credentials: 'Wrong enterprise code, work ID or password', account_locked: 'Too many failed sign-ins: the account is locked. Try again in {{minutes}} minutes',
    account_disabled: 'This account is disabled: ask your administrator', work_id_taken: 'This work ID is already in use', name_taken: 'This name is already in use',
    role_in_use: 'Users still hold this role: give them another role first', builtin_role: 'The built-in administrator role cannot be deleted or have its permissions changed',
    cannot_modify_self: 'You cannot delete or disable your own account', weak_password: 'The new password needs at least 8 characters', forbidden: 'You do not have permission for this',
    unauthenticated: 'Sign in first', not_found: 'No such record', session_ended: 'You were signed out elsewhere or the session ended: sign in again',
    number_taken: 'This number is already assigned', username_taken: 'This SIP user name is already in use', in_use: 'Still in use (e.g. numbers on this trunk)',
    no_sip_account: 'This agent has no desk-phone account', desk_phone_not_registered: 'The desk phone is not registered', no_trunk: 'No usable trunk with a caller number',
    validation_failed: 'Invalid input: {{message}}', generic: 'Failed: {{message}}',
  },
};

export const LANGUAGE_KEY = 'patchbay.language';

export function initialLanguage(): 'zh-CN' | 'en' {
  const saved = localStorage.getItem(LANGUAGE_KEY);
  if (saved === 'zh-CN' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zh as Tree }, en: { translation: en as Tree } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});

export default i18n;
