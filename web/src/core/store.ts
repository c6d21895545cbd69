// A tiny observable store and event bus, so React (useSyncExternalStore) and any other view can
// sit on the same pure reducers without a state library.

export interface Store<S, A> {
  getState: () => S;
  dispatch: (action: A) => void;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe: (listener: () => void) => () => void;
}

export function createStore<S, A>(reducer: (state: S, action: A) => S, initial: S): Store<S, A> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch: (action) => {
      const next = reducer(state, action);
      if (next === state) return;
      state = next;
      for (const l of [...listeners]) l();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export interface Bus<T> {
  emit: (value: T) => void;
  subscribe: (listener: (value: T) => void) => () => void;
}

export function createBus<T>(): Bus<T> {
  const listeners = new Set<(value: T) => void>();
  return {
    emit: (value) => {
      for (const l of [...listeners]) l(value);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
