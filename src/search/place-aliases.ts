/**
 * What people call a country where the places index (GeoNames' English names) calls it otherwise:
 * "USA" for "United States", "UK" for "United Kingdom", "Holland" for "Netherlands". Mapped to the
 * ISO code, which every place row carries whatever its country's name, so the alias finds the
 * photos whichever wording the index used. Dots do not count ("U.S.A.").
 */
const ALIASES: Record<string, string> = {
  usa: 'US', 'united states of america': 'US', america: 'US', 'the states': 'US',
  uk: 'GB', britain: 'GB', 'great britain': 'GB', 'the uk': 'GB',
  holland: 'NL', 'the netherlands': 'NL',
  uae: 'AE', emirates: 'AE',
  'czech republic': 'CZ', czechia: 'CZ',
  'south korea': 'KR', korea: 'KR',
  'north korea': 'KP',
  russia: 'RU',
  vietnam: 'VN', 'viet nam': 'VN',
  turkey: 'TR', 'türkiye': 'TR', turkiye: 'TR',
  'ivory coast': 'CI', "côte d'ivoire": 'CI',
  burma: 'MM', myanmar: 'MM',
  swaziland: 'SZ', eswatini: 'SZ',
  macedonia: 'MK', 'north macedonia': 'MK',
  'cape verde': 'CV', 'cabo verde': 'CV',
  'east timor': 'TL', 'timor-leste': 'TL',
  'vatican city': 'VA', vatican: 'VA',
  laos: 'LA', bolivia: 'BO', venezuela: 'VE', iran: 'IR', syria: 'SY', tanzania: 'TZ', moldova: 'MD',
  'hong kong': 'HK', macau: 'MO', macao: 'MO', taiwan: 'TW', palestine: 'PS',
};

/** The ISO country code a phrase names by another name, or null. */
export function countryCodeFor(phrase: string): string | null {
  return ALIASES[phrase.toLowerCase().replace(/\./g, '').trim()] ?? null;
}
