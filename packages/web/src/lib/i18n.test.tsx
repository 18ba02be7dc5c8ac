import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LanguageSwitch } from '../app/layout.tsx';
import { NavMenu } from '../app/nav.tsx';
import { renderPage } from '../test/render.tsx';
import { LOCALE_STORAGE_KEY, readStoredLocale, translate, useT } from './i18n.ts';
import { enUS } from './messages/en-us.ts';
import { zhCN } from './messages/zh-cn.ts';

function Greeting() {
  const t = useT();
  return <h1>{t('home_greeting', { name: '李华' })}</h1>;
}

describe('translate', () => {
  it('fills named placeholders and leaves unknown ones visible', () => {
    expect(translate('zh-CN', 'home_greeting', { name: '李华' })).toBe('李华，您好');
    expect(translate('en-US', 'import_rows_progress', { done: 3, total: 10 })).toBe('3 / 10 rows');
    expect(translate('en-US', 'import_rows_progress', { done: 3 })).toBe('3 / {total} rows');
  });

  it('has an English text for every Chinese key, none left empty or untranslated', () => {
    expect(Object.keys(enUS).sort()).toEqual(Object.keys(zhCN).sort());
    // the brand stays 启明 in every language; the class-name example shows the Chinese default name
    const allowed = ['login_brand', 'class_custom_name_hint'];
    const same = Object.keys(zhCN).filter((k) => /[\u4e00-\u9fff]/.test(enUS[k as keyof typeof enUS]) && !allowed.includes(k));
    expect(same).toEqual([]);
    expect(Object.values(enUS).every((v) => v.trim().length > 0)).toBe(true);
  });
});

describe('language switch', () => {
  it('starts in Chinese, switches the whole page to English and remembers the choice', async () => {
    expect(readStoredLocale()).toBe('zh-CN');
    renderPage(
      <>
        <LanguageSwitch />
        <Greeting />
        <NavMenu permissions={['audit.read']} />
      </>,
    );
    expect(screen.getByRole('heading').textContent).toBe('李华，您好');
    expect(screen.getByTestId('nav-audit').textContent).toBe('审计日志');
    expect(document.documentElement.lang).toBe('zh-CN');

    fireEvent.click(screen.getByText('English'));

    await waitFor(() => expect(screen.getByRole('heading').textContent).toBe('Hello, 李华'));
    expect(screen.getByTestId('nav-audit').textContent).toBe('Audit log');
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('en-US');
    expect(readStoredLocale()).toBe('en-US');
    await waitFor(() => expect(document.documentElement.lang).toBe('en-US'));
  });

  it('opens in the language saved last time', () => {
    localStorage.setItem(LOCALE_STORAGE_KEY, 'en-US');
    renderPage(<Greeting />, { locale: readStoredLocale() });
    expect(screen.getByRole('heading').textContent).toBe('Hello, 李华');
  });

  it('ignores a saved value it does not know', () => {
    localStorage.setItem(LOCALE_STORAGE_KEY, 'fr-FR');
    expect(readStoredLocale()).toBe('zh-CN');
  });
});
