/**
 * Every explanation the tool prints exists in English and Simplified Chinese.
 * Library code carries both; the CLI picks one (`--lang`, or LANG). JSON keys stay English.
 */
export type Lang = 'en' | 'zh';

export interface Text {
  en: string;
  zh: string;
}

export function text(en: string, zh: string): Text {
  return { en, zh };
}

export function tr(t: Text, lang: Lang): string {
  return t[lang];
}

/** Pick the language from an explicit choice, else from the environment (LANG, LC_ALL, LC_MESSAGES). */
export function langFromEnv(env: NodeJS.ProcessEnv = process.env, explicit?: string): Lang {
  if (explicit === 'zh' || explicit === 'en') return explicit;
  const v = env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG'] || '';
  return /^zh/i.test(v) ? 'zh' : 'en';
}
