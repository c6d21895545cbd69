// Strings of the supervision pages (SPEC §4): the monitor's calls and figures, the wallboard,
// and the service level of a skill group. Merged into the main tree by i18n.ts.

export const supervisionZh = {
  supervision: {
    serviceLevel: '服务水平', serviceLevelHint: '在该秒数内接起的来电占比达到目标即达标（如 80/20）',
    within: '的来电在', seconds: '秒内接起',
    call: '当前通话', customer: '客户号码', direction: '方向', group: '技能组', duration: '时长',
    directions: { inbound: '呼入', outbound: '呼出' },
    callStates: { ringing: '振铃中', talking: '通话中', held: '保持中', consult: '咨询中' },
    allGroups: '全部技能组', filterGroup: '按技能组筛选', today: '今日',
    offered: '进线', answered: '接通', abandoned: '放弃', asa: '平均应答', slShort: '服务水平',
    target: '目标 {{target}}% / {{secs}} 秒', wallboard: '大屏',
  },
  wallboard: {
    title: '呼叫中心大屏', waiting: '排队中', longestWait: '最长等待', idleAgents: '空闲坐席', talking: '通话中',
    signedIn: '已签入', offered: '今日进线', answered: '今日接通', abandoned: '今日放弃', asa: '平均应答',
    serviceLevel: '服务水平', reconnecting: '连接中断，正在重连…', updated: '更新于 {{time}}', noGroups: '没有可查看的技能组',
  },
};

export const supervisionEn: typeof supervisionZh = {
  supervision: {
    serviceLevel: 'Service level', serviceLevelHint: 'Met when this share of calls is answered within the seconds given (e.g. 80/20)',
    within: 'of calls answered within', seconds: 's',
    call: 'Current call', customer: 'Customer', direction: 'Direction', group: 'Skill group', duration: 'Duration',
    directions: { inbound: 'Inbound', outbound: 'Outbound' },
    callStates: { ringing: 'Ringing', talking: 'Talking', held: 'On hold', consult: 'In consult' },
    allGroups: 'All skill groups', filterGroup: 'Filter by skill group', today: 'Today',
    offered: 'Offered', answered: 'Answered', abandoned: 'Abandoned', asa: 'Avg. answer', slShort: 'Service level',
    target: 'Target {{target}}% / {{secs}} s', wallboard: 'Wallboard',
  },
  wallboard: {
    title: 'Contact center wallboard', waiting: 'Waiting', longestWait: 'Longest wait', idleAgents: 'Idle agents', talking: 'On a call',
    signedIn: 'Signed in', offered: 'Offered today', answered: 'Answered today', abandoned: 'Abandoned today', asa: 'Avg. answer',
    serviceLevel: 'Service level', reconnecting: 'Connection lost, reconnecting…', updated: 'Updated {{time}}', noGroups: 'No skill group to show',
  },
};
