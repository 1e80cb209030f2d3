/**
 * Free webmail providers, whose domain says nothing about who shares it: two accounts on
 * `gmail.com` are not linked, two on `smith-family.net` or `acme-widgets.io` may be. The ring
 * query (`detectRings`) must not make email-domain edges for these; pass this list to the SQL
 * as a bound array (`WHERE domain <> ALL($public)`). Lower-case, exact domains.
 */
export const PUBLIC_EMAIL_PROVIDERS: readonly string[] = [
  '126.com',
  '163.com',
  'aim.com',
  'aol.com',
  'att.net',
  'btinternet.com',
  'comcast.net',
  'duck.com',
  'fastmail.com',
  'free.fr',
  'gmail.com',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'googlemail.com',
  'hey.com',
  'hotmail.co.uk',
  'hotmail.com',
  'hotmail.de',
  'hotmail.fr',
  'icloud.com',
  'laposte.net',
  'libero.it',
  'live.com',
  'mac.com',
  'mail.com',
  'mail.ru',
  'me.com',
  'msn.com',
  'naver.com',
  'orange.fr',
  'outlook.com',
  'pm.me',
  'proton.me',
  'protonmail.com',
  'qq.com',
  'rediffmail.com',
  'sbcglobal.net',
  't-online.de',
  'tutanota.com',
  'verizon.net',
  'web.de',
  'yahoo.co.uk',
  'yahoo.com',
  'yahoo.fr',
  'yandex.com',
  'yandex.ru',
  'ymail.com',
  'zoho.com',
];

const PUBLIC = new Set(PUBLIC_EMAIL_PROVIDERS);

/**
 * Whether a (normalized, lower-case) email domain is a free webmail provider.
 * @example isPublicEmailProvider('gmail.com'); // true
 */
export function isPublicEmailProvider(domain: string, providers: ReadonlySet<string> = PUBLIC): boolean {
  return providers.has(domain);
}
