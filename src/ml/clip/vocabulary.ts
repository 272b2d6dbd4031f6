/**
 * The zero-shot tag vocabulary: English labels photographers search for, with the noun phrase
 * the prompts use. Bump VOCABULARY_VERSION on any change: cached text embeddings are keyed by it.
 *
 * Entry syntax: "label" (phrase "a label" / "an label"), or "label=phrase" when the phrase differs
 * (mass nouns, plurals, scenes: "snow=snow", "fireworks=fireworks").
 */
export const VOCABULARY_VERSION = '2026-11-1';

/** Prompt ensemble (from CLIP's ImageNet zero-shot templates, trimmed to what suits photos). */
export const PROMPT_TEMPLATES: readonly string[] = [
  'a photo of {}.',
  'a good photo of {}.',
  'a close-up photo of {}.',
  'a photo showing {}.',
  'a bright photo of {}.',
];

const ANIMALS = [
  'dog', 'puppy', 'cat', 'kitten', 'bird', 'parrot', 'owl', 'eagle', 'falcon', 'duck', 'swan', 'goose', 'chicken', 'peacock', 'penguin',
  'flamingo', 'heron', 'seagull', 'pigeon', 'hummingbird', 'horse', 'pony', 'donkey', 'cow', 'sheep', 'goat', 'pig', 'rabbit', 'squirrel',
  'deer', 'elk', 'fox', 'wolf', 'bear', 'polar bear', 'panda', 'lion', 'tiger', 'leopard', 'cheetah', 'elephant', 'giraffe', 'zebra',
  'rhinoceros', 'hippopotamus', 'monkey', 'gorilla', 'kangaroo', 'koala', 'camel', 'llama', 'meerkat', 'bat', 'hedgehog', 'mouse',
  'fish', 'shark', 'whale', 'dolphin', 'seal', 'sea turtle', 'turtle', 'jellyfish', 'octopus', 'crab', 'starfish', 'coral reef=a coral reef',
  'snake', 'lizard', 'iguana', 'chameleon', 'crocodile', 'frog', 'butterfly', 'bee', 'ladybug', 'dragonfly', 'spider', 'snail', 'insect',
];

const PEOPLE = [
  'person', 'man', 'woman', 'child', 'baby', 'group of people=a group of people', 'crowd=a crowd', 'family=a family', 'couple=a couple',
  'portrait=a portrait of a person', 'selfie', 'bride', 'musician', 'dancer', 'runner', 'cyclist', 'swimmer', 'surfer', 'skier', 'clown',
];

const EVENTS = [
  'wedding', 'birthday party', 'party', 'concert', 'festival', 'parade', 'graduation', 'christmas=christmas', 'christmas tree',
  'halloween=halloween', 'fireworks=fireworks', 'sports game=a sports game', 'football match', 'marathon', 'picnic', 'barbecue',
  'camping trip', 'road trip', 'protest', 'ceremony', 'performance', 'meeting', 'conference', 'dinner', 'holiday=a holiday',
];

const SCENES = [
  'beach', 'sea=the sea', 'ocean=the ocean', 'coast=a coastline', 'island', 'harbour', 'marina', 'lake', 'river', 'waterfall', 'pond',
  'mountain', 'mountains=mountains', 'hill', 'valley', 'cliff', 'canyon', 'desert', 'sand dunes=sand dunes', 'forest', 'jungle', 'woods=woods',
  'field', 'meadow', 'farm', 'vineyard', 'garden', 'park', 'countryside=the countryside', 'landscape', 'glacier', 'volcano', 'cave',
  'snow=snow', 'winter landscape', 'frost=frost', 'ice=ice', 'rain=rain', 'fog=fog', 'storm', 'lightning=lightning', 'rainbow',
  'sunset', 'sunrise', 'night sky=the night sky', 'stars=stars in the night sky', 'aurora=the northern lights', 'moon=the moon',
  'clouds=clouds', 'blue sky=a blue sky', 'city', 'skyline=a city skyline', 'street', 'alley', 'town square', 'village', 'old town=an old town',
  'market', 'shop', 'restaurant', 'cafe', 'bar', 'kitchen', 'living room', 'bedroom', 'bathroom', 'office', 'classroom', 'library',
  'museum', 'gallery', 'church', 'cathedral', 'temple', 'mosque', 'castle', 'palace', 'tower', 'bridge', 'lighthouse', 'monument', 'statue',
  'fountain', 'ruins=ruins', 'skyscraper', 'house', 'building', 'architecture=architecture', 'interior=an interior', 'stadium', 'airport',
  'train station', 'subway', 'highway', 'parking lot', 'playground', 'swimming pool', 'amusement park', 'ferris wheel', 'roller coaster',
  'zoo', 'aquarium', 'underwater=an underwater scene', 'pier', 'dock', 'campsite', 'tent',
];

const OBJECTS = [
  'car', 'truck', 'bus', 'motorcycle', 'bicycle', 'scooter', 'train', 'tram', 'airplane', 'helicopter', 'hot air balloon', 'boat',
  'sailboat', 'ship', 'yacht', 'kayak', 'tractor', 'vintage car', 'flower', 'flowers=flowers', 'rose', 'tulip', 'sunflower', 'daisy',
  'orchid', 'cactus', 'tree', 'palm tree', 'pine tree', 'autumn leaves=autumn leaves', 'plant', 'mushroom', 'grass=grass', 'food=food',
  'fruit=fruit', 'vegetables=vegetables', 'pizza', 'burger', 'sushi=sushi', 'pasta=pasta', 'salad', 'bread=bread', 'cake', 'dessert',
  'ice cream=ice cream', 'coffee=coffee', 'tea=tea', 'wine=wine', 'beer=beer', 'cocktail', 'breakfast=breakfast', 'lemon', 'lime',
  'orange', 'apple', 'banana', 'pineapple', 'strawberry', 'grapes=grapes', 'book', 'books=books', 'laptop', 'computer', 'phone',
  'camera', 'guitar', 'piano', 'violin', 'drum kit', 'bicycle wheel', 'clock', 'lamp', 'chair', 'table', 'sofa', 'bed', 'window',
  'door', 'stairs=stairs', 'umbrella', 'hat', 'shoes=shoes', 'dress', 'bag', 'toy', 'teddy bear', 'doll', 'robot', 'ball', 'kite',
  'balloon', 'candle', 'gift', 'painting', 'sculpture', 'graffiti=graffiti', 'mural', 'sign', 'flag', 'map', 'document', 'screenshot',
  'text=text', 'poster', 'cash register', 'machine', 'tools=tools', 'bottle', 'cup', 'plate', 'knife', 'bench', 'fence', 'wall',
  'road', 'path', 'railway', 'tunnel', 'boat on water',
];

const STYLES = [
  'black and white photo=a black and white photo', 'macro photo=a macro photo', 'aerial view=an aerial view', 'panorama',
  'night photo=a photo at night', 'long exposure=a long exposure', 'silhouette', 'reflection', 'close-up=a close-up', 'selfie of a group',
  'screenshot of a phone', 'drawing', 'cartoon', 'collage', 'blurry photo=a blurry photo', 'snapshot=a snapshot',
];

export interface VocabularyEntry {
  label: string;
  phrase: string;
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function parse(entry: string): VocabularyEntry {
  const eq = entry.indexOf('=');
  if (eq < 0) return { label: entry, phrase: article(entry) };
  return { label: entry.slice(0, eq), phrase: entry.slice(eq + 1) };
}

/** The vocabulary, de-duplicated by label, in a stable order. */
export function vocabulary(): VocabularyEntry[] {
  const seen = new Set<string>();
  const out: VocabularyEntry[] = [];
  for (const e of [...ANIMALS, ...PEOPLE, ...EVENTS, ...SCENES, ...OBJECTS, ...STYLES].map(parse)) {
    if (seen.has(e.label)) continue;
    seen.add(e.label);
    out.push(e);
  }
  return out;
}

/** The prompts for one entry (all templates). */
export function promptsFor(e: VocabularyEntry): string[] {
  return PROMPT_TEMPLATES.map((t) => t.replace('{}', e.phrase));
}
