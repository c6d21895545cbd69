import { describe, expect, test } from 'vitest';
import { createBus, createStore } from './store';

describe('createStore', () => {
  test('notifies on a change only, and stops after unsubscribe', () => {
    const store = createStore((n: number, a: 'inc' | 'same') => (a === 'inc' ? n + 1 : n), 0);
    let calls = 0;
    const off = store.subscribe(() => (calls += 1));
    store.dispatch('inc');
    store.dispatch('same');
    expect([store.getState(), calls]).toEqual([1, 1]);
    off();
    store.dispatch('inc');
    expect([store.getState(), calls]).toEqual([2, 1]);
  });
});

describe('createBus', () => {
  test('delivers to every listener until it unsubscribes', () => {
    const bus = createBus<string>();
    const got: string[] = [];
    const off = bus.subscribe((v) => got.push(`a:${v}`));
    bus.subscribe((v) => got.push(`b:${v}`));
    bus.emit('1');
    off();
    bus.emit('2');
    expect(got).toEqual(['a:1', 'b:1', 'b:2']);
  });
});
