/**
 * Word lists for the simulated account. Everything here is invented; names mix several countries and
 * scripts on purpose (search, sorting and rendering should cope with accents, CJK and emoji).
 */

export const FIRST_NAMES = [
  'Ana', 'Ahmed', 'Aisha', 'Alex', 'Amelia', 'Andrés', 'Anika', 'Arjun', 'Beatriz', 'Ben', 'Bianca', 'Carlos',
  'Chen', 'Chloé', 'Daniel', 'Dewi', 'Diego', 'Elena', 'Emma', 'Fatima', 'Felix', 'Gabriel', 'Hana', 'Hiro',
  'Ibrahim', 'Ines', 'Isabel', 'Jakob', 'James', 'Joon', 'Julia', 'Kai', 'Kemal', 'Laila', 'Lars', 'Lea',
  'Lucas', 'Luis', 'Maya', 'Mei', 'Mila', 'Noah', 'Nour', 'Olga', 'Omar', 'Priya', 'Putri', 'Rafael', 'Rina',
  'Sara', 'Sofia', 'Tariq', 'Thomas', 'Tomás', 'Valentina', 'Wei', 'Yusuf', 'Zainab', 'Zoë', 'Łukasz',
] as const;

export const LAST_NAMES = [
  'Almeida', 'Andersson', 'Becker', 'Costa', 'Dubois', 'Fernández', 'Fischer', 'García', 'Gonzaga', 'Haddad',
  'Hansen', 'Hartono', 'Ito', 'Jansen', 'Kim', 'Kowalski', 'Kumar', 'Lee', 'Lindqvist', 'López', 'Martin',
  'Müller', 'Nakamura', 'Nguyen', 'Novak', 'Okafor', 'Oliveira', 'Patel', 'Pereira', 'Rossi', 'Santoso',
  'Schmidt', 'Silva', 'Smith', 'Suzuki', 'Tan', 'Wang', 'Wijaya', 'Yilmaz', 'Zhang',
] as const;

/** Push-name decorations people use for their own display name. */
export const PUSH_NAME_STYLES = [
  (first: string, _last: string) => first,
  (first: string, last: string) => `${first} ${last}`,
  (first: string, _last: string) => `${first} ✨`,
  (first: string, last: string) => `${first} ${last.charAt(0)}.`,
  (first: string, _last: string) => first.toLowerCase(),
  (first: string, _last: string) => `${first} 🌻`,
] as const;

export const COUNTRY_PHONE_FORMATS: readonly (readonly [string, number])[] = [
  ['1', 10], ['44', 10], ['49', 11], ['62', 11], ['55', 11], ['91', 10], ['34', 9], ['33', 9], ['234', 10],
  ['81', 10], ['61', 9], ['52', 10],
];

export const GROUP_NAMES = [
  'Family 👨‍👩‍👧', 'Weekend Football ⚽', 'Book Club 📚', 'Project Falcon', 'Flat 3B', 'Climbing Crew',
  'Parents of Class 4', 'Trip to Lisbon 🇵🇹', 'Office Lunch', 'Garden Allotment 🌱', 'Board Games Night',
  'Alumni 2015', 'Running Club 🏃', 'Choir Tenors', 'Neighbourhood Watch', 'Sourdough Lovers 🍞',
] as const;

export const GROUP_DESCRIPTIONS = [
  'Keep it friendly. No spam, please.',
  'Plans, photos and the occasional argument about pizza.',
  'Meeting notes and links go here.',
  'Everything about the weekend: times, places, who brings what.',
  null,
] as const;

export const CHANNELS = [
  {
    name: 'City Transit Updates',
    description: 'Service changes, delays and timetable news for the city network. Posted by the operations desk.',
  },
  {
    name: 'Daily Recipes 🍲',
    description: 'One simple recipe a day, with a shopping list. Reactions welcome!',
  },
  {
    name: 'Sandbox Dev Notes',
    description: 'Release notes and tips for the people building on this gateway (your own channel in the sandbox).',
  },
] as const;

export type Language = 'en' | 'es' | 'de' | 'id' | 'pt';

/** Message texts. Slots: {name} {place} {time} {day} {food} {thing} {count}. */
export const TEXTS: Readonly<Record<Language, readonly string[]>> = {
  en: [
    'Hey! How are you doing?', 'On my way 🚗', 'Running 10 minutes late, sorry!', 'Sounds good to me 👍',
    'Did you see what {name} posted?', 'Can we move it to {time}?', 'I\'m at {place}, where are you?',
    'Happy birthday!! 🎉🎂', 'Thanks so much, really appreciate it', 'lol 😂', 'haha yes exactly',
    'Who is bringing the {food}?', 'I can bring {food} and {thing}', 'See you on {day}!', 'Good morning ☀️',
    'Good night everyone 🌙', 'Let me check and get back to you', 'Any news about {thing}?',
    'I left my {thing} at {place} again 🤦', 'That was amazing, we should do it again soon',
    'Can someone send me the address?', 'Is {place} open on {day}?', 'Count me in', 'I\'ll pass this time',
    'Just landed ✈️', 'Traffic is terrible today', 'Meeting moved to {time}, same room',
    'The {food} at {place} is the best in town, trust me', 'OK', 'Ok!', 'Yes', 'No worries',
    'Did anyone find a {thing}? I think I lost mine', 'We need {count} more people for {day}',
    'Reminder: {thing} on {day} at {time}', 'Congrats!!! 🥳', 'Feel better soon ❤️', 'So proud of you',
    'Where should we eat tonight?', 'How about {place}?', 'I\'m in, what time?', 'Perfect, see you there',
    'Can you call me when you\'re free?', 'Sorry, missed your call', 'Sending the photos now',
    'This made my day 😄', 'Wait what? 😮', 'Totally agree', 'Not sure about that one 🤔',
    'Let\'s vote on it', 'Done ✅', 'Almost there', 'I\'ll buy the tickets', 'Tickets booked for {day} 🎟️',
    'Please don\'t forget the {thing}', 'Weather looks great for {day}', 'It\'s raining again ☔',
    'Long day… 😴', 'Coffee at {time}? ☕', 'Made {food} tonight, turned out great',
    'Has anyone tried the new place near {place}?', 'I\'ll share the notes after the call',
    'Here is the plan for {day}: meet at {place} at {time}, then lunch', 'Agreed. Let\'s keep it simple.',
    'Quick question: does anyone have a spare {thing}?', 'Back home now 🏠', 'Take care!',
  ],
  es: [
    '¡Hola! ¿Qué tal?', 'Voy en camino 🚗', '¿Quedamos a las {time}?', '¡Feliz cumpleaños! 🎉',
    'Gracias de verdad', 'Nos vemos el {day}', '¿Alguien trae {food}?', 'Estoy en {place}, ¿dónde estás?',
    'Perfecto 👍', 'Jajaja 😂', 'Qué buena noticia', 'Llego tarde, lo siento', 'Buenas noches 🌙',
  ],
  de: [
    'Hallo zusammen!', 'Bin unterwegs 🚲', 'Können wir auf {time} verschieben?', 'Alles Gute zum Geburtstag! 🎂',
    'Danke dir!', 'Bis {day}!', 'Wer bringt {food} mit?', 'Ich bin bei {place}', 'Passt 👍', 'Schönes Wochenende!',
    'Straßenbahn fällt aus, komme später', 'Gute Nacht 🌙',
  ],
  id: [
    'Halo! Apa kabar?', 'Otw ya 🛵', 'Bisa jam {time}?', 'Selamat ulang tahun! 🎉', 'Makasih banyak ya',
    'Sampai ketemu hari {day}', 'Siapa bawa {food}?', 'Aku di {place}', 'Oke siap 👍', 'Wkwkwk 😂',
    'Hati-hati di jalan', 'Selamat pagi ☀️',
  ],
  pt: [
    'Oi! Tudo bem?', 'Tô chegando 🚗', 'Pode ser às {time}?', 'Feliz aniversário! 🎉', 'Muito obrigado',
    'Até {day}!', 'Quem leva {food}?', 'Estou em {place}', 'Beleza 👍', 'Kkkkk 😂', 'Boa noite 🌙',
  ],
};

export const PLACES = [
  'the station', 'the park', 'Café Lumen', 'the office', 'the gym', 'Mercado Central', 'the library',
  'Pizzeria Napoli', 'the beach', 'Shibuya', 'the market', 'Alexanderplatz', 'the school gate', 'home',
] as const;

export const FOODS = [
  'pizza', 'cake', 'dumplings', 'empanadas', 'nasi goreng', 'brezeln', 'pão de queijo', 'salad', 'sushi',
  'lasagne', 'tacos', 'brownies', 'fruit', 'snacks',
] as const;

export const THINGS = [
  'umbrella', 'keys', 'charger', 'jacket', 'ball', 'tickets', 'the projector', 'board game', 'passport',
  'tent', 'headphones', 'the speaker', 'camera', 'rain jacket',
] as const;

export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export const TIMES = ['7:30', '8', '9:15', '10', '12:30', '1pm', '3', '4:45', '6', '7pm', '8:30', '9'] as const;

export const EDIT_SUFFIXES = [' (edited: typo)', ' — sorry, I meant tomorrow', ' 🙂', '!', ' (corrected)'] as const;

export const LINKS = [
  { url: 'https://en.wikipedia.org/wiki/Sourdough', title: 'Sourdough - Wikipedia', description: 'Sourdough is bread made by fermentation of dough using wild lactobacillaceae and yeast.' },
  { url: 'https://github.com/WhiskeySockets/Baileys', title: 'WhiskeySockets/Baileys', description: 'Lightweight full-featured typescript/javascript WhatsApp Web API' },
  { url: 'https://www.youtube.com/watch?v=sandbox0001', title: 'Ten-minute stretching routine', description: 'A short routine for the whole body.' },
  { url: 'https://example.com/events/summer-fair', title: 'Summer Fair 2026', description: 'Food stalls, music and games for all ages.' },
  { url: 'https://maps.example.org/place/cafe-lumen', title: 'Café Lumen', description: 'Coffee shop · Open until 18:00' },
  { url: 'https://news.example.net/2026/transit-strike', title: 'Transit strike called off', description: 'Services run normally this week.' },
] as const;

export const CAPTIONS = [
  'Look at this view 😍', 'From yesterday', 'Guess where I am', 'The new flat!', 'Sunday lunch',
  'Found this at the market', 'Team photo 📸', '', '', 'Before and after', 'Not bad for a first try',
] as const;

export const DOCUMENTS = [
  { fileName: 'Meeting notes.pdf', mimetype: 'application/pdf', pages: 4 },
  { fileName: 'Budget 2026.xlsx', mimetype: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', pages: 0 },
  { fileName: 'Trip itinerary.pdf', mimetype: 'application/pdf', pages: 2 },
  { fileName: 'Invitation.docx', mimetype: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', pages: 1 },
  { fileName: 'tickets.pdf', mimetype: 'application/pdf', pages: 1 },
  { fileName: 'recipe_card.txt', mimetype: 'text/plain', pages: 0 },
  { fileName: 'Rental contract (signed).pdf', mimetype: 'application/pdf', pages: 12 },
] as const;

export const LOCATIONS = [
  { name: 'Café Lumen', address: '12 Harbour Street', lat: 38.7139, lng: -9.1394 },
  { name: 'Central Park Gate', address: '5th Ave & 59th St', lat: 40.7644, lng: -73.9733 },
  { name: null, address: null, lat: -6.2001, lng: 106.8167 },
  { name: 'Climbing Hall', address: 'Revaler Str. 99', lat: 52.5076, lng: 13.4530 },
  { name: 'Praia da Rocha', address: 'Portimão', lat: 37.1185, lng: -8.5361 },
] as const;

export const POLLS = [
  { name: 'When should we meet?', options: ['Saturday morning', 'Saturday evening', 'Sunday afternoon'] },
  { name: 'Pizza or sushi?', options: ['Pizza 🍕', 'Sushi 🍣'] },
  { name: 'Which date works for the trip?', options: ['12-14 June', '19-21 June', '26-28 June', 'None of them'] },
  { name: 'Next book?', options: ['Piranesi', 'The Remains of the Day', 'Klara and the Sun'] },
] as const;

export const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏', '🔥', '🎉'] as const;

export const CHANNEL_POSTS: Readonly<Record<number, readonly string[]>> = {
  0: [
    'Line 4: delays of up to 10 minutes this morning due to a signal fault near {place}.',
    'Weekend works: trams replaced by buses between {place} and the harbour on {day}.',
    'New timetable from next Monday. Night buses every 20 minutes on Fridays and Saturdays.',
    'Service update: all lines running normally.',
    'Reminder: monthly passes for next month are on sale from today.',
    'Lift out of order at {place}. Step-free access via the south entrance.',
  ],
  1: [
    'Today: one-pan lemon chicken with potatoes. Shopping list in the comments.',
    'Quick {food} for busy evenings — ready in 20 minutes.',
    'Vegetarian {day}: chickpea curry with rice and a cucumber salad.',
    'Baking corner: the easiest banana bread you will ever make 🍌',
    'Soup season! Roasted tomato soup with grilled cheese.',
    'Reader favourite: {food} with a crispy topping.',
  ],
  2: [
    'Sandbox tip: everything in this account is simulated; nothing leaves your computer.',
    'Try sending a message to any chat: you will see it go sent → delivered → read.',
    'The REST API paginates messages with cursors; the "Family" group is long enough to try it.',
    'Webhooks and the realtime stream receive the same events as a real account.',
    'Release notes: history sync progress is now shown while the first sync runs.',
  ],
};

export const VCARD_TEMPLATE = (displayName: string, phone: string): string =>
  `BEGIN:VCARD\nVERSION:3.0\nN:;${displayName};;;\nFN:${displayName}\nTEL;type=CELL;type=VOICE;waid=${phone}:+${phone}\nEND:VCARD`;
