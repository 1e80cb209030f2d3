/**
 * Detects personal data in string values, cheaply enough to run on every property of every
 * message: each detector starts with a character scan and only then runs a regular expression.
 *
 * Detected kinds: an email address; a phone number written as one (a leading `+`, or digit
 * groups separated by spaces, dots, dashes or parentheses — a bare run of digits is too often an
 * order or account id to call it a phone); a payment card number (13–19 digits passing the Luhn
 * check, with a card-network first digit 3–6); a US social security number (`123-45-6789`); an
 * IPv4 address.
 */
export type DetectedPii = 'email' | 'phone' | 'card' | 'ssn' | 'ip';

const EMAIL =
  /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;
const EMAIL_IN_TEXT = /[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
const PHONE = /^(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,4}){1,4}$|^\+\d{7,15}$/;
const SSN = /^\d{3}-\d{2}-\d{4}$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const DATE_LIKE = /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/;

/**
 * The kind of personal data `value` looks like, or undefined.
 *
 * @example detectPii('jane@example.com') // 'email'
 * @example detectPii('+1 415 555 0100')  // 'phone'
 * @example detectPii('ORD-1234')         // undefined
 */
export function detectPii(value: string): DetectedPii | undefined {
  const n = value.length;
  if (n < 6 || n > 320) return undefined;
  let digits = 0;
  let at = false;
  let other = false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 64) at = true;
    else if (c !== 32 && c !== 43 && c !== 45 && c !== 46 && c !== 40 && c !== 41) other = true;
  }
  if (at) return (n <= 254 && EMAIL.test(value)) || EMAIL_IN_TEXT.test(value) ? 'email' : undefined;
  if (other || digits < 7) return undefined;
  if (digits === 9 && SSN.test(value)) return 'ssn';
  if (digits <= 12 && IPV4.test(value)) return 'ip';
  if (digits >= 13 && digits <= 19 && isCardNumber(value)) return 'card';
  if (digits <= 15 && !DATE_LIKE.test(value) && PHONE.test(value)) {
    // A bare digit run without '+' is not called a phone (see module comment).
    if (value.charCodeAt(0) === 43 || digits !== n) return 'phone';
  }
  return undefined;
}

function isCardNumber(value: string): boolean {
  // Card numbers start with a network digit (3 Amex/Diners, 4 Visa, 5 Mastercard, 6 Discover) and
  // are written either grouped (`4111 1111 1111 1111`) or as a bare 15/16-digit run.
  const first = value.charCodeAt(0);
  if (first < 51 || first > 54) return false;
  const grouped = /^\d{4}(?:[ -]\d{4}){2}[ -]\d{1,7}$|^\d{4}[ -]\d{6}[ -]\d{5}$/.test(value);
  if (!grouped && !/^\d{15,16}$/.test(value)) return false;
  let sum = 0;
  let double = false;
  for (let i = value.length - 1; i >= 0; i--) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    let d = c - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Property-name fragments that suggest personal data, with the kind they suggest. */
const PII_NAME_HINTS: ReadonlyArray<[RegExp, string]> = [
  // "email_id" or "email_campaign" name a marketing email, not an address.
  [/e[-_ ]?mail(?![-_ ]?(id|campaign|template|type|subject|count|opened|clicked|sent|name))/i, 'email'],
  [/phone|mobile|msisdn|\bcell\b/i, 'phone'],
  [/first[-_ ]?name|last[-_ ]?name|full[-_ ]?name|surname|given[-_ ]?name/i, 'name'],
  [/street|address(?!_?type)|postal|zip[-_ ]?code|postcode/i, 'address'],
  [/\bip\b|ip[-_ ]?address|^ip$/i, 'ip'],
  [/latitude|longitude|\blat\b|\blng\b|\blon\b|geo[-_ ]?location/i, 'precise_location'],
  [/\bdob\b|birth[-_ ]?date|date[-_ ]?of[-_ ]?birth|birthday/i, 'date_of_birth'],
  [
    /\bssn\b|social[-_ ]?security|passport|driver[-_ ]?licen[cs]e|national[-_ ]?id|tax[-_ ]?id/i,
    'government_id',
  ],
  [/card[-_ ]?number|credit[-_ ]?card|\bcvv\b|\biban\b|account[-_ ]?number/i, 'financial'],
  [
    /diagnos|medical|medication|prescription|symptom|treatment|patient|health[-_ ]?condition|insurance[-_ ]?id/i,
    'health',
  ],
];

/**
 * The kind of personal data a property name suggests, or undefined.
 *
 * @example piiKindFromName('customer_email') // 'email'
 */
export function piiKindFromName(name: string): string | undefined {
  for (const [re, kind] of PII_NAME_HINTS) if (re.test(name)) return kind;
  return undefined;
}
