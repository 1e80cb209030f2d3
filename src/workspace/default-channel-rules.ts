import type { ChannelRule } from './workspace-config.ts';

/**
 * Default channel grouping, in the spirit of the common default channel groupings of web analytics
 * tools (first matching rule wins). Source and medium are matched after UTM normalization (trimmed,
 * lower-cased, aliases applied). `events` is an addition for B2B co-marketing (webinars, field events).
 */
const SEARCH = ['google', 'bing', 'yahoo', 'baidu', 'duckduckgo', 'ecosia', 'yandex', 'naver', 'brave'];
const SOCIAL = [
  'facebook',
  'instagram',
  'linkedin',
  'twitter',
  'x',
  'tiktok',
  'reddit',
  'pinterest',
  'threads',
  'mastodon',
  'bluesky',
];
const VIDEO = ['youtube', 'vimeo', 'twitch', 'wistia'];
const PAID = '^(.*cp.*|ppc|retargeting|paid.*)$';

export const DEFAULT_CHANNEL_RULES: ChannelRule[] = [
  // before direct: a partner portal's deal registration or referral has no UTMs, which read as direct
  { channel: 'partner', when: { touch_type: ['deal_registration', 'partner_referral'] } },
  {
    channel: 'direct',
    when: { source: ['(direct)', 'direct', ''], medium: ['(none)', '(not set)', 'none', ''] },
  },
  // HubSpot's "Original Source" / "Latest Source" value, whatever its drill-down (the first page's URL)
  { channel: 'direct', when: { medium: ['direct traffic'] } },
  {
    channel: 'partner',
    when: { medium: ['partner', 'affiliate', 'affiliates', 'co-marketing', 'comarketing', 'syndication'] },
  },
  { channel: 'paid_search', when: { source: SEARCH, medium_regex: PAID } },
  { channel: 'paid_social', when: { source: SOCIAL, medium_regex: PAID } },
  { channel: 'video', when: { source: VIDEO } },
  { channel: 'video', when: { medium_regex: '^(.*video.*)$' } },
  { channel: 'display', when: { medium: ['display', 'banner', 'expandable', 'interstitial', 'cpm'] } },
  { channel: 'paid_search', when: { medium: ['cpc', 'ppc', 'paid_search', 'paidsearch', 'sem'] } },
  { channel: 'paid_social', when: { medium: ['paid_social', 'paidsocial', 'social_paid'] } },
  { channel: 'email', when: { medium_regex: '^(email|e-mail|e_mail|e mail|newsletter)$' } },
  { channel: 'email', when: { source_regex: '^(email|e-mail|e_mail|e mail|newsletter)$' } },
  { channel: 'organic_social', when: { source: SOCIAL } },
  {
    channel: 'organic_social',
    when: { medium: ['social', 'social-network', 'social-media', 'sm', 'social network', 'social media'] },
  },
  { channel: 'organic_search', when: { source: SEARCH } },
  { channel: 'organic_search', when: { medium: ['organic'] } },
  { channel: 'events', when: { medium: ['event', 'events', 'webinar', 'conference', 'field', 'workshop'] } },
  { channel: 'referral', when: { medium: ['referral', 'app', 'link'] } },
];

/** Canonical funnel, lowest to highest. */
export const DEFAULT_FUNNEL_STAGES = [
  'lead',
  'mql',
  'sql',
  'opportunity',
  'proposal',
  'negotiation',
  'closed_won',
];

/** Raw CRM stage names seen in the wild → canonical stage (matched case-insensitively, trimmed). */
export const DEFAULT_STAGE_MAPPING: Record<string, string> = {
  lead: 'lead',
  new: 'lead',
  mql: 'mql',
  'marketing qualified': 'mql',
  sql: 'sql',
  'sales qualified': 'sql',
  qualification: 'sql',
  discovery: 'opportunity',
  prospecting: 'opportunity',
  opportunity: 'opportunity',
  'needs analysis': 'opportunity',
  proposal: 'proposal',
  'proposal/price quote': 'proposal',
  'value proposition': 'proposal',
  // Salesforce's standard Stage picklist puts these two between Value Proposition and
  // Proposal/Price Quote, both `proposal`: a stock org's report rejected every deal at them.
  'id. decision makers': 'proposal',
  'perception analysis': 'proposal',
  negotiation: 'negotiation',
  'negotiation/review': 'negotiation',
  'closed won': 'closed_won',
  'closed-won': 'closed_won',
  closed_won: 'closed_won',
  won: 'closed_won',
  'closed lost': 'closed_lost',
  'closed-lost': 'closed_lost',
  closed_lost: 'closed_lost',
  lost: 'closed_lost',
  // HubSpot's internal ids of its closed stages, as its API, warehouse syncs and exports of the
  // `dealstage` property write them. Its open stage ids (appointmentscheduled, contractsent, …)
  // mean what each portal's pipeline makes them mean: they stay for funnel.mapping.
  closedwon: 'closed_won',
  closedlost: 'closed_lost',
};

/** Common UTM spellings → one value. */
export const DEFAULT_UTM_ALIASES = {
  source: {
    fb: 'facebook',
    'facebook.com': 'facebook',
    'm.facebook.com': 'facebook',
    ig: 'instagram',
    li: 'linkedin',
    'linkedin.com': 'linkedin',
    lnkd: 'linkedin',
    'lnkd.in': 'linkedin',
    't.co': 'twitter',
    tw: 'twitter',
    'google.com': 'google',
    adwords: 'google',
    'bing.com': 'bing',
    yt: 'youtube',
    'youtube.com': 'youtube',
  } as Record<string, string>,
  medium: {
    'e-mail': 'email',
    e_mail: 'email',
    mail: 'email',
    'paid-social': 'paid_social',
    'paid social': 'paid_social',
    'paid-search': 'cpc',
    ppc: 'cpc',
    'co-marketing': 'partner',
    co_marketing: 'partner',
    affiliate: 'partner',
    // HubSpot's "Original Source" / "Latest Source" values, mapped as utm_medium ("Paid Social" and
    // "Social Media" are read above; "Offline Sources", "Other Campaigns" and "AI Referrals" name no
    // channel of the grouping and stay unassigned for channels.rules)
    'paid search': 'cpc',
    'organic search': 'organic',
    'email marketing': 'email',
    referrals: 'referral',
  } as Record<string, string>,
  campaign: {} as Record<string, string>,
};
