// Turns API failures into translated messages.
import { App as AntApp } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiFailure } from './core/api';
import { numbersInUse } from './core/prompts';

export function useErrorText(): (e: unknown) => string {
  const { t, i18n } = useTranslation();
  return useCallback(
    (e: unknown) => {
      if (e instanceof ApiFailure) {
        if (e.code === 'too_many_attempts') {
          return t('errors.too_many_attempts', { seconds: Number(e.details?.retry_after_s ?? 1) });
        }
        if (e.code === 'prompt_in_use') {
          return t('errors.prompt_in_use', { numbers: numbersInUse(e.details).join(', ') });
        }
        const key = `errors.${e.code}`;
        if (i18n.exists(key)) return t(key, { message: e.message });
        return t('errors.generic', { message: e.message });
      }
      return t('errors.generic', { message: e instanceof Error ? e.message : String(e) });
    },
    [t, i18n],
  );
}

/** Shows an API failure as a toast. */
export function useShowError(): (e: unknown) => void {
  const { message } = AntApp.useApp();
  const text = useErrorText();
  return useCallback((e: unknown) => void message.error(text(e)), [message, text]);
}
