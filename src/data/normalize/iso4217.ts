/**
 * The currency codes an amount's text may be written with (`USD 100`, `100 eur`): ISO 4217
 * ("Codes for the representation of currencies", ISO/SIX list one, the amendments up to 2025), as
 * data here (no network). Three letters that are not one of them are no currency (`100 pcs`,
 * `abc 5`: the value is unreadable), and a currency cell that is none, nor one of gtm.yaml's
 * `currency.rates`, is rejected as not an ISO 4217 code instead of as a missing rate.
 */

/** The active codes of ISO 4217 list one, the funds and metals included (not XTS, testing, nor XXX, no currency). */
export const ISO_4217_ACTIVE: readonly string[] = (
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP ' +
  'BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB ' +
  'EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY ' +
  'KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR ' +
  'MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB ' +
  'RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD ' +
  'TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG ' +
  'XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG ZWL'
).split(' ');

/**
 * Withdrawn codes (ISO 4217 list three) still found in older exports: the kuna (to 2023), the
 * currencies redenominated since 2005 and the euro's predecessors.
 */
export const ISO_4217_HISTORICAL: readonly string[] = (
  'HRK VEF MRO STD BYR ZMK GHC TRL RUR MZM ROL CSD SIT SKK EEK LVL LTL CYP MTL ' +
  'DEM FRF ITL ESP NLG BEF ATS PTE FIM IEP GRD LUF'
).split(' ');

/** Every code read as a currency, upper case, sorted. */
export const ISO_4217_CODES: readonly string[] = [...ISO_4217_ACTIVE, ...ISO_4217_HISTORICAL].sort();

/** The codes as a case-insensitive RE2 alternation (`(?i:AED|AFN|…)`), for the amount parsers' strip. */
export const ISO_4217_RE = `(?i:${ISO_4217_CODES.join('|')})`;
