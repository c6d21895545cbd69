import { afterAll, describe, expect, test } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import type { Offer } from '../../api/types';
import i18n from '../../i18n';
import CallDetails from './CallDetails';

const LAST = new Date(2026, 10, 30, 16, 45).getTime();

function offer(over: Partial<Offer> = {}): Offer {
  return {
    call: '7',
    caller: '18957509123',
    enterprise_number: '4008000000',
    group_id: 1,
    group_name: '售前',
    auto_answer: false,
    customer_name: null,
    location: '浙江 绍兴市 中国电信',
    previous_calls: 3,
    last_call_at: LAST,
    ...over,
  };
}

/** The text of the element with `data-testid="id"` in rendered markup. */
function textOf(html: string, id: string): string | undefined {
  const m = html.match(new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`));
  return m?.[1];
}

async function render(lang: 'zh-CN' | 'en', prefix: string, o: Offer | null): Promise<string> {
  await i18n.changeLanguage(lang);
  return renderToStaticMarkup(
    <I18nextProvider i18n={i18n}>
      <CallDetails prefix={prefix} number="18957509123" offer={o} />
    </I18nextProvider>,
  );
}

afterAll(() => i18n.changeLanguage('en'));

describe('the ringing, talking and ended pops', () => {
  test.each(['ringing', 'talking', 'ended'])('the %s pop shows location, times called and last call in Chinese', async (prefix) => {
    const html = await render('zh-CN', prefix, offer());
    expect(html).toContain('归属地');
    expect(textOf(html, `${prefix}-location`)).toBe('浙江 绍兴市 中国电信');
    expect(textOf(html, `${prefix}-calls`)).toBe('3 次');
    expect(textOf(html, `${prefix}-last-call`)).toBe('2026-11-30 16:45');
    expect(textOf(html, `${prefix}-name`)).toBe('未知');
    expect(textOf(html, `${prefix}-dialed`)).toBe('4008000000');
    expect(textOf(html, `${prefix}-group`)).toBe('售前');
  });

  test('a first call from a number with no known location says so in Chinese', async () => {
    const html = await render('zh-CN', 'ringing', offer({ location: null, previous_calls: 0, last_call_at: null }));
    expect(textOf(html, 'ringing-location')).toBe('未知');
    expect(textOf(html, 'ringing-calls')).toBe('首次来电');
    expect(textOf(html, 'ringing-last-call')).toBe('—');
  });

  test('in English an unknown location is "unknown" and calls are counted in times', async () => {
    const html = await render('en', 'ended', offer({ location: null, previous_calls: 2 }));
    expect(html).toContain('Location');
    expect(textOf(html, 'ended-location')).toBe('unknown');
    expect(textOf(html, 'ended-calls')).toBe('2 times');
    expect(textOf(html, 'ended-last-call')).toBe('2026-11-30 16:45');
  });

  test('without an offer only the number is shown', async () => {
    const html = await render('en', 'talking', null);
    expect(textOf(html, 'talking-number')).toBe('18957509123');
    expect(textOf(html, 'talking-location')).toBeUndefined();
  });
});
