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

const key = (s: string) => s.toLowerCase().normalize('NFC').replace(/\./g, '').replace(/\s+/g, ' ').trim();
/** Without accents: "Osterreich", "Espana" as typed on a keyboard without them. */
const folded = (k: string) => k.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');

/** The ISO country code a phrase names by another English name ("USA", "Holland"), or null. */
export function countryCodeFor(phrase: string): string | null {
  return ALIASES[key(phrase)] ?? null;
}

/**
 * Languages whose names for countries are read, from the ICU data Node carries (Intl.DisplayNames):
 * Europe's, Japanese, Chinese and Korean. "Italien", "Deutschland", "Österreich", "Suisse", "España",
 * "イタリア", "日本" name the countries the places index knows only in English.
 */
const LOCALES = ['de', 'fr', 'it', 'es', 'pt', 'nl', 'sv', 'da', 'nb', 'fi', 'is', 'pl', 'cs', 'sk', 'hu', 'ro', 'hr', 'sl', 'el', 'ru', 'uk', 'tr', 'et', 'lv', 'lt', 'ca', 'ja', 'zh', 'zh-Hant', 'ko'];
/** Groupings that are no country (European Union, Eurozone, United Nations, ICU's pseudo-regions). */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']);
/**
 * Names in those languages that are English words or names people search for, checked against an
 * English word list: "Island" is Iceland in German, "Réunion", "Chili" Chile in French, "Suède"
 * Sweden, "Maurice" Mauritius, "Columbia" Colombia in Romanian. A word of three letters or fewer in
 * Latin letters is never read ("SAD", "Mỹ", "Man").
 */
const ENGLISH_WORDS = new Set([
  'island', 'reunion', 'la reunion', 'ascension', 'chili', 'suede', 'grenade', 'maurice', 'dominique', 'salvador', 'o salvador', 'columbia',
  'norfolk', 'congo', 'kongo', 'togas', 'somali', 'somalis', 'granada', 'guadalupe', 'tunis', 'bahama', 'britannia', 'belau', 'mani saar',
  'marsala salas', 'san martin', 'saint martin', 'santa elena', 'santa lucia', 'guiana', 'bermudas', 'cipro', 'maldive', 'gibraltars', 'san marinas',
  'mauricio', 'brasilia',
]);

let localized: Map<string, string> | undefined;

/** Country names in LOCALES → ISO code; a name two countries share, or an English country's name, is left out. */
function localizedNames(): Map<string, string> {
  if (localized) return localized;
  const english = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const codes: string[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const c = String.fromCharCode(a, b);
      // Deprecated codes (UK, ZR, YU…) canonicalise to another: their country is listed once.
      if (!NOT_COUNTRIES.has(c) && english.of(c) && new Intl.Locale(`und-${c}`).region === c) codes.push(c);
    }
  }
  const englishNames = new Set(codes.map((c) => key(english.of(c)!)));
  const seen = new Map<string, string | null>();
  for (const locale of LOCALES) {
    const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
    for (const code of codes) {
      const name = names.of(code);
      if (!name) continue;
      for (const k of new Set([key(name), folded(key(name))])) {
        if (englishNames.has(k) || ENGLISH_WORDS.has(k) || (/^[\p{Script=Latin}\s'’-]+$/u.test(k) && k.length <= 3)) continue;
        const had = seen.get(k);
        seen.set(k, had === undefined || had === code ? code : null);
      }
    }
  }
  localized = new Map([...seen].filter((e): e is [string, string] => e[1] !== null));
  return localized;
}

/** The ISO country code a phrase names in another language ("Italien", "Österreich", "Espana"), or null. */
export function countryCodeInOtherLanguage(phrase: string): string | null {
  const k = key(phrase);
  const names = localizedNames();
  return names.get(k) ?? names.get(folded(k)) ?? null;
}
