/**
 * The word lists the demo region is built from: Twente family names, trades, towns, schools and
 * Dutch sentences for contact moments. Kept apart from the generator so the lists can grow
 * without touching its logic.
 */

/** Twente towns with the subregion (index into the demo's five subregions) and postal code range. */
export const TOWNS = [
  { city: "Almelo", subregion: 0, postal: [7600, 7609], weight: 12 },
  { city: "Tubbergen", subregion: 0, postal: [7650, 7651], weight: 3 },
  { city: "Vriezenveen", subregion: 0, postal: [7670, 7673], weight: 4 },
  { city: "Enschede", subregion: 1, postal: [7511, 7548], weight: 18 },
  { city: "Haaksbergen", subregion: 1, postal: [7481, 7483], weight: 4 },
  { city: "Hengelo", subregion: 2, postal: [7550, 7559], weight: 14 },
  { city: "Borne", subregion: 2, postal: [7620, 7624], weight: 4 },
  { city: "Oldenzaal", subregion: 3, postal: [7570, 7577], weight: 6 },
  { city: "Losser", subregion: 3, postal: [7580, 7582], weight: 3 },
  { city: "Rijssen", subregion: 4, postal: [7460, 7463], weight: 6 },
  { city: "Goor", subregion: 4, postal: [7470, 7472], weight: 3 },
  { city: "Nijverdal", subregion: 4, postal: [7440, 7443], weight: 5 },
  { city: "Delden", subregion: 4, postal: [7490, 7491], weight: 0 },
  { city: "Holten", subregion: 4, postal: [7450, 7451], weight: 0 },
] as const;

export const STREETS = [
  "Industrieweg", "Haven Noord", "Bornsestraat", "Twentepoort", "Handelsweg", "Plesmanweg", "Marconistraat",
  "Westermaatweg", "Dr. Stolteweg", "Boekelerhoek", "Goorseweg", "Oldenzaalsestraat", "Almelosestraat", "Enterweg",
  "Ambachtsweg", "Nijverheidsstraat", "Zuidelijke Havenweg", "Bedrijvenpark Twente", "Vossenbrinkweg", "Demmersweg",
  "Lansinkweg", "Tichelwerk", "Watermolen", "Hof van Twentelaan", "Energieweg", "Grotestraat", "Molenstraat",
];

/** Family names heard in Twente; companies and people are built from them. */
export const FAMILY_NAMES = [
  "Hulshof", "Te Lintelo", "Oude Vrielink", "Nijhuis", "Kamphuis", "Brinkman", "Wessels", "Ter Horst", "Bosch", "Lansink",
  "Oude Luttikhuis", "Nijenhuis", "Hofstede", "Ter Huurne", "Ten Dam", "Bruggink", "Smelt", "Lohuis", "Kuipers", "Pierik",
  "Wolters", "Haverkate", "Oude Wesselink", "Scholten", "Bekhuis", "Roerink", "Leferink", "Slot", "Morsink", "Rikhof",
  "Velthuis", "Kleinsman", "Zwiers", "Wiegerinck", "Nijkamp", "Ter Braak", "Harbers", "Hesselink", "Kip", "Lammerink",
  "Meijerink", "Olthof", "Reimink", "Schuurman", "Spijkers", "Steggink", "Ten Brinke", "Tijhuis", "Wennink", "Assink",
  "Blokhuis", "Boerrigter", "Dijkhuis", "Engbers", "Geerdink", "Haarman", "Heijink", "Jannink", "Aalderink", "Kolkman",
];

/** Other surnames for people, including a few with diacritics (the search must ignore accents). */
export const OTHER_SURNAMES = [
  "de Vries", "Jansen", "Smit", "Mulder", "de Boer", "Visser", "Bakker", "Meijer", "Dekker", "van der Meer", "Peters",
  "Hendriks", "ter Haar", "van den Berg", "Vos", "Postma", "Koster", "Bos", "Huisman", "Dijkstra", "Demir", "Yılmaz",
  "Çelik", "Şahin", "Öztürk", "Sjöberg", "El Idrissi", "Bouzid", "Kowalski", "Nowak", "Müller", "Schröder", "Lemaître",
  "Gonçalves", "Nguyen", "van Dijk", "Brouwer", "Groothuis", "Pohlmann", "Ramdin",
];

export const FIRST_NAMES = [
  "Jan", "Henk", "Gerrit", "Bart", "Ruud", "Joost", "Peter", "Marco", "Erik", "Martijn", "Jeroen", "Bas", "Tim", "Niels",
  "Thijs", "Koen", "Sander", "Wouter", "Rik", "Hans", "Ronald", "Dennis", "Stefan", "Mark", "Arjan", "Gert", "Bennie",
  "Harm", "Jos", "Wim", "Frank", "Mieke", "Ilse", "Sanne", "Karin", "Linda", "Anouk", "Femke", "Marloes", "Esther",
  "Monique", "Janine", "Lotte", "Iris", "Eva", "Nicole", "Petra", "Annemiek", "Chantal", "Ayşe", "Mehmet", "Fatma",
  "Yusuf", "Emre", "Hélène", "Noël", "Zoë", "Chloë", "Björn", "Jürgen", "Renée", "Maarten", "Jeanine", "Ramon", "Kevin",
  "Priya", "Ahmed", "Nadia", "Roel", "Hilde",
];

export type Trade = { sector: string; tag: string; prefix: string; suffix: string; crebo: string[] };

/** Trades: a prefix ("Bouwbedrijf Lansink") and a suffix ("Lansink Bouw") form, the tag and crebo numbers. */
export const TRADES: Trade[] = [
  { sector: "Installatietechniek", tag: "installatie", prefix: "Installatiebedrijf", suffix: "Installatietechniek", crebo: ["25339", "25340", "25336"] },
  { sector: "Bouw", tag: "bouw", prefix: "Bouwbedrijf", suffix: "Bouw", crebo: ["25153", "25155", "25160"] },
  { sector: "Metaal", tag: "metaal", prefix: "Metaalbewerking", suffix: "Metaal", crebo: ["25285", "25293", "25286"] },
  { sector: "Elektrotechniek", tag: "elektro", prefix: "Elektrotechnisch bureau", suffix: "Elektro", crebo: ["25345", "25347"] },
  { sector: "Techniek", tag: "techniek", prefix: "Technisch bedrijf", suffix: "Techniek", crebo: ["25300", "25301"] },
  { sector: "Maakindustrie", tag: "metaal", prefix: "Machinefabriek", suffix: "Machinebouw", crebo: ["25291", "25290"] },
  { sector: "Staalbouw", tag: "metaal", prefix: "Staalbouw", suffix: "Constructie", crebo: ["25293", "25294"] },
  { sector: "Mobiliteit", tag: "automotive", prefix: "Autobedrijf", suffix: "Automotive", crebo: ["25400", "25401", "25404"] },
  { sector: "Afbouw", tag: "schilderwerk", prefix: "Schildersbedrijf", suffix: "Schilders", crebo: ["25185", "25186"] },
  { sector: "Bouw", tag: "bouw", prefix: "Dakdekkersbedrijf", suffix: "Dakwerken", crebo: ["25170", "25171"] },
  { sector: "Hout", tag: "hout", prefix: "Timmerfabriek", suffix: "Houtbouw", crebo: ["25201", "25202"] },
  { sector: "Infra", tag: "infra", prefix: "Grondverzetbedrijf", suffix: "Infra", crebo: ["25166", "25167"] },
  { sector: "Installatietechniek", tag: "installatie", prefix: "Koeltechniek", suffix: "Klimaattechniek", crebo: ["25342"] },
  { sector: "Metaal", tag: "metaal", prefix: "Lasbedrijf", suffix: "Lastechniek", crebo: ["25285"] },
  { sector: "Procestechniek", tag: "procestechniek", prefix: "Kunststofverwerking", suffix: "Kunststoffen", crebo: ["25360", "25361"] },
  { sector: "Afbouw", tag: "afbouw", prefix: "Tegelzetbedrijf", suffix: "Tegelwerken", crebo: ["25190"] },
];

/** Regional words for company names that carry no family name ("Regge Techniek"). */
export const REGIONAL_WORDS = ["Twentse", "Tukker", "Regge", "Dinkel", "Oost", "Tubantia", "Twentekanaal", "Lemelerberg", "Kotmanpark", "Hof"];

export const TRADE_SCHOOLS = [
  ["Opleidingscentrum Metaal Twente", "Hengelo", "metaal"],
  ["Leerbedrijf Techniek Oost", "Almelo", "techniek"],
  ["Schildersvakopleiding Oost", "Enschede", "schilderwerk"],
  ["Dakdekkers Opleidingscentrum Twente", "Rijssen", "bouw"],
  ["Vakopleiding Elektrotechniek Oost", "Enschede", "elektro"],
  ["Praktijkcentrum Bouw Hengelo", "Hengelo", "bouw"],
  ["Werkplaats Automotive Twente", "Almelo", "automotive"],
  ["Leerwerkbedrijf Groen Twente", "Goor", "groen"],
  ["Infra Opleidingen Oost", "Nijverdal", "infra"],
  ["Opleidingscentrum Installatie Almelo", "Almelo", "installatie"],
  ["Timmerwerkplaats Rijssen", "Rijssen", "hout"],
  ["Lascentrum Twente", "Oldenzaal", "metaal"],
  ["Vakschool Koudetechniek Oost", "Borne", "installatie"],
] as const;

export const MBO_COLLEGES = [
  ["Zone.college Almelo", "Almelo"],
  ["Technisch College Twente", "Enschede"],
] as const;

/** vmbo locations besides Het Erasmus and Pius X College: the region has nineteen. */
export const VMBO_LOCATIONS = [
  ["Canisius Almelo", "Almelo"], ["Canisius Tubbergen", "Tubbergen"], ["Het Noordik Almelo", "Almelo"],
  ["Het Noordik Vriezenveen", "Vriezenveen"], ["Bonhoeffer College Castricumlaan", "Enschede"], ["Het Stedelijk Lyceum Kottenpark", "Enschede"],
  ["Zuiderval Enschede", "Enschede"], ["Het Assink Lyceum Haaksbergen", "Haaksbergen"], ["Twickel College Hengelo", "Hengelo"],
  ["Twickel College Borne", "Borne"], ["Twickel College Delden", "Delden"], ["Twents Carmel College Oldenzaal", "Oldenzaal"],
  ["Twents Carmel College Losser", "Losser"], ["Reggesteyn Nijverdal", "Nijverdal"], ["Reggesteyn Rijssen", "Rijssen"],
  ["De Waerdenborch Goor", "Goor"], ["De Waerdenborch Holten", "Holten"],
] as const;

export const PRIMARY_SCHOOLS = [
  ["Basisschool De Wegwijzer", "Almelo"], ["OBS De Esch", "Enschede"], ["KBS De Vlinder", "Hengelo"],
  ["CBS Het Palet", "Oldenzaal"], ["Basisschool 't Holt", "Rijssen"],
] as const;

export const PARTNERS = [
  ["Gemeente Almelo", "Almelo", "gemeente"], ["Gemeente Enschede", "Enschede", "gemeente"], ["Gemeente Hengelo", "Hengelo", "gemeente"],
  ["Techniek Nederland afdeling Oost", "Hengelo", "branche"], ["Bouwend Nederland Twente", "Enschede", "branche"],
  ["Koninklijke Metaalunie Oost", "Almelo", "branche"], ["Kennispark Twente", "Enschede", "netwerk"],
  ["Stichting Techniekpromotie Twente", "Hengelo", "netwerk"],
] as const;

export const VMBO_PROFILES = ["BWI", "PIE", "M&T", "MVI", "D&P", "E&O", "HBR", "Z&W"];
export const LEARNING_PATHS = ["BB", "KB", "GL", "TL"];

export const ROLES: Record<string, string[]> = {
  company: ["Directeur", "Eigenaar", "Bedrijfsleider", "HR-adviseur", "Praktijkopleider", "Werkplaatschef", "Projectleider", "Opleidingscoördinator", "Uitvoerder", "Leermeester", "Technisch directeur", "Office manager"],
  trade_school: ["Praktijkopleider", "Coördinator", "Leermeester", "Opleidingsadviseur"],
  mbo: ["Teamleider techniek", "Praktijkopleider", "Bpv-coördinator", "Onderwijskundige", "Docent installatietechniek"],
  vmbo: ["Sectievoorzitter techniek", "Docent PIE", "Docent BWI", "Teamleider bovenbouw", "Stagecoördinator", "Decaan", "Locatiedirecteur", "TOA techniek"],
  primary: ["Directeur", "Leerkracht groep 8", "Techniekcoördinator"],
  partner: ["Beleidsmedewerker onderwijs", "Programmaleider", "Accountmanager", "Beleidsadviseur economie"],
};

/** Contact-moment summaries; {person}, {org}, {city}, {profile}, {n} are filled in. */
export const SUMMARIES: Record<"meeting" | "call" | "email" | "visit" | "event", string[]> = {
  meeting: [
    "Overleg met {person} over stageplaatsen voor {profile}-leerlingen in het voorjaar.",
    "Jaargesprek met {person}: {org} biedt komend schooljaar {n} stageplaatsen aan.",
    "Kennismakingsgesprek met {person}; {org} wil graag gastlessen geven.",
    "Met {person} de opzet van het keuzevak {profile} doorgenomen.",
    "Evaluatie van de docentstage met {person}; positief, volgend jaar weer.",
  ],
  call: [
    "{person} gebeld over de begeleiding van de bbl-leerlingen.",
    "Telefonisch afgestemd met {person} over een bedrijfsbezoek met {n} leerlingen.",
    "{person} belde over materiaal voor het techniekpracticum.",
    "Kort gebeld met {person} over de datum van de gastles.",
  ],
  email: [
    "Mail aan {person} met de planning van de techniekdag in {city}.",
    "{person} stuurde de lijst met beschikbare stageplaatsen.",
    "Uitnodiging voor de netwerkbijeenkomst gestuurd aan {person}.",
    "Afspraken over de gastles per mail bevestigd met {person}.",
  ],
  visit: [
    "Bedrijfsbezoek bij {org} met {n} leerlingen {profile}; rondleiding door {person}.",
    "Werkplaats van {org} bekeken met {person}; geschikt voor een docentstage.",
    "Stagebezoek bij {org}; {person} is tevreden over de leerlingen.",
  ],
  event: [
    "{person} gesproken op de Techniekavond in {city}.",
    "Stand van {org} op de Beroepenmarkt in {city}; {person} stond er met twee monteurs.",
    "{person} ontmoet op de netwerkborrel van STO Twente.",
  ],
};

export const SUMMARIES_WITHOUT_PERSON = [
  "Algemene informatie over STO Twente gestuurd aan {org}.",
  "{org} benaderd voor de Beroepenmarkt in {city}.",
  "Folder over stageplaatsen afgegeven bij {org}.",
];

export const NEXT_STEPS = [
  "Stageplaatsen per mail bevestigen",
  "Datum voor de gastles inplannen",
  "Offerte voor lesmateriaal nasturen",
  "Terugbellen over het bedrijfsbezoek",
  "Afspraken docentstage op papier zetten",
  "Uitnodiging techniekdag sturen",
  "Contactgegevens nieuwe praktijkopleider opvragen",
  "Evaluatie met de school plannen",
];
