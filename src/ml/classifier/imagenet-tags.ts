/**
 * ImageNet-1k classes → photographer-useful tags. ImageNet is fine-grained in odd places (120 dog
 * breeds, no "giraffe"), so each class maps to broad tags ("dog", "bird", "beach") whose score is
 * the summed probability of every class that maps to it, plus the class's own readable name when
 * the classifier is confident about it ("pug", "bald eagle").
 *
 * Animals (indices 0–398) are mapped by index range (the class order is fixed); objects, food and
 * scenes by their simple label (imagenet-simple-labels.json), which is easier to review.
 */

/** [first index, last index (inclusive), tags] — animals. */
const RANGES: readonly [number, number, readonly string[]][] = [
  [0, 1, ['fish']],
  [2, 4, ['shark', 'fish']],
  [5, 6, ['ray', 'fish']],
  [7, 8, ['chicken', 'bird']],
  [9, 24, ['bird']],
  [25, 29, ['salamander', 'amphibian']],
  [30, 32, ['frog', 'amphibian']],
  [33, 37, ['turtle', 'reptile']],
  [38, 48, ['lizard', 'reptile']],
  [49, 50, ['crocodile', 'reptile']],
  [51, 51, ['dinosaur']],
  [52, 68, ['snake', 'reptile']],
  [70, 77, ['spider']],
  [78, 79, ['insect']],
  [80, 100, ['bird']],
  [101, 101, ['elephant']],
  [102, 106, ['animal']],
  [107, 107, ['jellyfish', 'underwater']],
  [108, 109, ['coral', 'underwater']],
  [110, 116, ['animal']],
  [117, 117, ['shell']],
  [118, 126, ['crab', 'seafood']],
  [127, 146, ['bird']],
  [147, 148, ['whale']],
  [149, 150, ['sea lion']],
  [151, 268, ['dog']],
  [269, 272, ['wolf']],
  [273, 275, ['wild dog']],
  [276, 276, ['hyena']],
  [277, 280, ['fox']],
  [281, 285, ['cat']],
  [286, 293, ['big cat', 'wildlife']],
  [294, 297, ['bear', 'wildlife']],
  [298, 299, ['mongoose', 'wildlife']],
  [300, 320, ['insect']],
  [321, 326, ['butterfly', 'insect']],
  [327, 329, ['sea creature', 'underwater']],
  [330, 332, ['rabbit']],
  [333, 338, ['rodent']],
  [339, 339, ['horse']],
  [340, 340, ['zebra', 'wildlife']],
  [341, 343, ['pig']],
  [344, 344, ['hippopotamus', 'wildlife']],
  [345, 347, ['cattle']],
  [348, 350, ['sheep']],
  [351, 353, ['antelope', 'wildlife']],
  [354, 355, ['camel']],
  [356, 364, ['animal']],
  [365, 368, ['ape', 'wildlife']],
  [369, 384, ['monkey', 'wildlife']],
  [385, 386, ['elephant', 'wildlife']],
  [387, 388, ['panda']],
  [389, 397, ['fish']],
];

/** Simple label → tags, for objects, food and scenes that photographers search for. */
const BY_NAME: Readonly<Record<string, readonly string[]>> = {
  // scenes
  alp: ['mountain', 'landscape'], cliff: ['cliff', 'landscape'], 'coral reef': ['coral reef', 'underwater'], geyser: ['geyser', 'landscape'],
  lakeshore: ['lake', 'landscape'], promontory: ['coast', 'landscape'], shoal: ['beach', 'sea'], seashore: ['beach', 'sea'],
  valley: ['valley', 'landscape'], volcano: ['mountain', 'landscape'], breakwater: ['coast', 'sea'], shipwreck: ['sea'],
  // buildings and places
  church: ['church', 'architecture'], monastery: ['architecture', 'building'], palace: ['architecture', 'building'], castle: ['castle', 'architecture'],
  'bell-cot': ['church', 'architecture'], mosque: ['mosque', 'architecture'], 'stupa': ['temple', 'architecture'], prison: ['building'],
  barn: ['barn', 'building'], boathouse: ['harbour'], library: ['library'], 'movie theater': ['cinema'], restaurant: ['restaurant'], dock: ['harbour', 'boat'],
  pier: ['pier'], 'suspension bridge': ['bridge'], 'through arch bridge': ['bridge'], viaduct: ['bridge'], lighthouse: ['lighthouse'],
  fountain: ['fountain'], obelisk: ['monument'], 'triumphal arch': ['monument'], megalith: ['monument'], 'tile roof': ['building'],
  'thatched roof': ['building'], yurt: ['tent'], tent: ['tent', 'camping'], 'park bench': ['park'], 'stone wall': ['wall'], greenhouse: ['greenhouse'],
  bakery: ['shop'], 'tobacco shop': ['shop'], barbershop: ['shop'], bookstore: ['shop'], 'butcher shop': ['shop'], 'confectionery store': ['shop'],
  'shoe store': ['shop'], 'toy store': ['shop'], 'grocery store': ['shop'], carousel: ['amusement park'], 'dining table': ['table', 'interior'],
  'home theater': ['interior'], 'four-poster bed': ['bedroom', 'interior'], couch: ['sofa', 'interior'], 'window shade': ['interior'],
  // vehicles
  airliner: ['airplane', 'vehicle'], 'military aircraft': ['airplane', 'vehicle'], 'space shuttle': ['aircraft', 'vehicle'], wing: ['airplane'],
  airship: ['aircraft'], 'balloon': ['balloon'], 'high-speed train': ['train', 'vehicle'], 'electric locomotive': ['train', 'vehicle'],
  'steam locomotive': ['train', 'vehicle'], 'freight car': ['train', 'vehicle'], 'passenger car': ['train', 'vehicle'], tram: ['tram', 'vehicle'],
  'moving van': ['truck', 'vehicle'], 'garbage truck': ['truck', 'vehicle'], 'semi-trailer truck': ['truck', 'vehicle'], 'pickup truck': ['truck', 'vehicle'],
  'fire engine': ['truck', 'vehicle'], 'tow truck': ['truck', 'vehicle'], 'school bus': ['bus', 'vehicle'],
  'trolleybus': ['bus', 'vehicle'], minibus: ['bus', 'vehicle'], 'sports car': ['car', 'vehicle'], convertible: ['car', 'vehicle'], 'station wagon': ['car', 'vehicle'],
  taxicab: ['car', 'vehicle'], limousine: ['car', 'vehicle'], jeep: ['car', 'vehicle'], minivan: ['car', 'vehicle'], 'race car': ['car', 'vehicle'],
  'police van': ['car', 'vehicle'], ambulance: ['car', 'vehicle'], 'Model T': ['car', 'vehicle'], 'car wheel': ['car'], grille: ['car'],
  scooter: ['scooter', 'vehicle'], moped: ['scooter', 'vehicle'], 'mountain bike': ['bicycle'], 'tandem bicycle': ['bicycle'], unicycle: ['bicycle'],
  tricycle: ['bicycle'], tractor: ['tractor', 'vehicle'], 'snowmobile': ['snow'], canoe: ['boat'], catamaran: ['boat'], trimaran: ['boat'],
  fireboat: ['boat'], gondola: ['boat'], lifeboat: ['boat'], motorboat: ['boat'], yawl: ['boat', 'sailing'], schooner: ['boat', 'sailing'],
  'container ship': ['ship'], 'ocean liner': ['ship'], 'pirate ship': ['ship'], 'aircraft carrier': ['ship'], submarine: ['boat'], paddle: ['boat'],
  'dog sled': ['dog'],
  // food
  lemon: ['fruit'], orange: ['fruit'], banana: ['fruit'], pineapple: ['fruit'], strawberry: ['fruit'], 'Granny Smith': ['fruit', 'apple'], fig: ['fruit'],
  pomegranate: ['fruit'], jackfruit: ['fruit'], 'custard apple': ['fruit'], cabbage: ['vegetable'], broccoli: ['vegetable'], cauliflower: ['vegetable'],
  zucchini: ['vegetable'], 'bell pepper': ['vegetable'], cucumber: ['vegetable'], artichoke: ['vegetable'], mushroom: ['mushroom'],
  pizza: ['food'], cheeseburger: ['food'], 'hot dog': ['food'], burrito: ['food'], bagel: ['food'], pretzel: ['food'], 'ice cream': ['food', 'dessert'],
  trifle: ['dessert', 'food'], 'ice pop': ['dessert'], espresso: ['coffee', 'drink'], 'red wine': ['wine', 'drink'], 'eggnog': ['drink'], 'carbonara': ['food'],
  'mashed potato': ['food'], 'meatloaf': ['food'], 'pot pie': ['food'], 'guacamole': ['food'], 'consomme': ['food'], 'dough': ['food'], 'plate': ['food'],
  // plants
  daisy: ['flower'], "yellow lady's slipper": ['flower'], rapeseed: ['flower', 'field'], corn: ['field'], 'ear of corn': ['field'], 'acorn': ['tree'],
  'rose hip': ['plant'], 'horse chestnut seed': ['tree'], 'coral fungus': ['mushroom'], 'agaric': ['mushroom'], 'gyromitra': ['mushroom'], 'stinkhorn mushroom': ['mushroom'],
  'earth star': ['mushroom'], 'hen-of-the-woods': ['mushroom'], bolete: ['mushroom'], pot: ['plant'], vase: ['flower'],
  // people and events
  'scuba diver': ['person', 'diving', 'underwater'], bridegroom: ['person', 'wedding'], 'baseball player': ['person', 'sport'],
  'gown': ['wedding'], suit: ['person'], 'academic gown': ['graduation', 'person'], 'military uniform': ['person'],
  'parachute': ['sport'], 'ski': ['skiing', 'snow'], 'snowplow': ['snow'], 'swimming cap': ['swimming'], 'volleyball': ['sport'], 'soccer ball': ['sport'],
  'rugby ball': ['sport'], 'tennis ball': ['sport'], 'basketball': ['sport'], 'golf ball': ['sport'], 'stage': ['concert'], 'electric guitar': ['music'],
  'acoustic guitar': ['music'], 'grand piano': ['music'], 'violin': ['music'], 'drum': ['music'], 'candle': ['candle'],
  'Christmas stocking': ['christmas'], 'jack-o\'-lantern': ['halloween'],
  // things people photograph
  'computer keyboard': ['computer'], 'desktop computer': ['computer'], 'laptop computer': ['computer'], 'notebook computer': ['computer'], monitor: ['computer'], 'mobile phone': ['phone'],
  'reflex camera': ['camera'], 'Polaroid camera': ['camera'], 'analog clock': ['clock'], 'wall clock': ['clock'], 'teddy bear': ['toy'],
  'comic book': ['book'], 'dust jacket': ['book'], 'shopping cart': ['shop'], 'golf cart': ['golf'],
};

export interface ClassProb {
  index: number;
  label: string;
  prob: number;
}

export interface MappedTag {
  label: string;
  score: number;
}

/** Defaults tuned on the fixture photos (see tests/medium/tags): summed category mass vs one class. */
export const DefaultClassifierTagOptions = Object.freeze({
  /** A broad tag needs this much summed probability (a distant falcon in flight scores ~0.24 as "bird"). */
  minCategoryScore: 0.18,
  /** A specific class name needs this probability on its own. */
  minSpecificScore: 0.35,
  maxTags: 6,
});

export type ClassifierTagOptions = typeof DefaultClassifierTagOptions;

/** tagsForClass per class index, looked up once: the tags pass maps all 1000 classes per photo. */
const known: { label: string; tags: readonly string[] }[] = [];

export function tagsForClass(index: number, label: string): readonly string[] {
  const k = known[index];
  if (k && k.label === label) return k.tags;
  let tags: readonly string[] = BY_NAME[label] ?? [];
  for (const [a, b, t] of RANGES) {
    if (index >= a && index <= b) {
      tags = t;
      break;
    }
  }
  if (Number.isInteger(index) && index >= 0 && index < 4096) known[index] = { label, tags };
  return tags;
}

/**
 * Turns class probabilities (all of them, or at least the top few dozen) into scored tags, best
 * first. Broad tags add up the mass of their classes; a class's own name is kept when confident.
 */
export function mapImagenetTags(probs: readonly ClassProb[], opts: ClassifierTagOptions = DefaultClassifierTagOptions): MappedTag[] {
  const broad = new Map<string, number>();
  const specific = new Map<string, number>();
  for (const p of probs) {
    for (const t of tagsForClass(p.index, p.label)) broad.set(t, (broad.get(t) ?? 0) + p.prob);
    if (p.prob >= opts.minSpecificScore) specific.set(p.label, Math.max(specific.get(p.label) ?? 0, p.prob));
  }
  const out = new Map<string, number>();
  for (const [t, s] of broad) if (s >= opts.minCategoryScore) out.set(t, Math.min(1, s));
  for (const [t, s] of specific) if (!out.has(t) && !out.has(t.toLowerCase())) out.set(t, s);
  return [...out]
    .map(([label, score]) => ({ label, score: Math.round(score * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score || a.label.localeCompare(b.label))
    .slice(0, opts.maxTags);
}
