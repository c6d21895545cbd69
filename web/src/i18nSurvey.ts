// Strings of the satisfaction survey (满意度调查): the skill group's switch and prompt, and the
// rating on call records. Merged into the main tree by i18n.ts.

export const surveyZh = {
  survey: {
    switch: '通话后满意度调查',
    hint: '坐席先挂机时，客户听到评价提示音，按 1–5 键评分（5 为非常满意）',
    prompt: '评价提示音',
    builtin: '内置提示音（中文 + 英文）',
    column: '满意度',
    outcomes: { not_offered: '未邀评', no_answer: '未评价', rated: '{{n}} 分' },
  },
};

export const surveyEn: typeof surveyZh = {
  survey: {
    switch: 'Satisfaction survey after the call',
    hint: 'When the agent hangs up first, the customer hears the survey prompt and presses 1–5 (5 is very satisfied)',
    prompt: 'Survey prompt',
    builtin: 'Built-in prompt (Chinese + English)',
    column: 'Satisfaction',
    outcomes: { not_offered: 'Not offered', no_answer: 'No answer', rated: '{{n}} / 5' },
  },
};
