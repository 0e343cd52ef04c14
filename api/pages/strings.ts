// Every word the pages show, in French (the default) and English. Plain words, short sentences,
// no jargon: tenants read these, often on paper.
import type { Principal } from "../auth/principal.ts";

const fr = {
  skip: "Aller au contenu",
  nav: "Menu",
  otherLang: "English",
  logout: "Se déconnecter",
  footer: "Ces pages n'ont ni publicité ni pisteur. Elles ne montrent à chacun que ce qui le concerne.",
  tenant: {
    brand: "Mon logement",
    navUsage: "Ma consommation",
    navDevices: "Mes appareils",
    navStatement: "Relevé à imprimer",
    titleUsage: (month: string) => `Votre consommation en ${month}`,
    titleDevices: "Les appareils connectés de votre logement",
    titleStatement: (month: string) => `Relevé de consommation, ${month}`,
    partial: (days: number, month: string) =>
      `Le mois n'est pas fini : ces chiffres couvrent les ${days} premiers jours de ${month}, comparés aux mêmes jours des autres mois.`,
    dwelling: (label: string, building: string) => `${label}, ${building}`,
    previousLink: (month: string) => `Mois d'avant (${month})`,
    nextLink: (month: string) => `Mois suivant (${month})`,
    thisMonth: "Ce mois-ci",
    previousMonth: "Le mois d'avant",
    lastYear: "Il y a un an",
    period: "Période",
    used: "Consommé",
    cost: "Coût",
    noData: "pas de relevé",
    noPrice: "prix inconnu",
    litres: (n: string) => `soit ${n} litres`,
    compared: (pct: string, more: boolean, peers: number) =>
      `C'est ${pct} % de ${more ? "plus" : "moins"} qu'un logement de la même surface dans votre immeuble (comparé à ${peers} logements).`,
    same: (peers: number) =>
      `C'est à peu près comme un logement de la même surface dans votre immeuble (comparé à ${peers} logements).`,
    tooFew: (peers: number, needed: number) =>
      `Trop peu de logements de votre immeuble ont des relevés pour comparer : il en faut au moins ${needed}, il y en a ${peers}.`,
    noCompare: "Votre compteur n'a rien envoyé pour cette période : pas de comparaison possible.",
    total: (amount: string) => `Total estimé : ${amount}`,
    totalIncomplete: "Il manque un relevé ou un prix : le total ne compte que ce qui est connu.",
    priceNote:
      "Les euros sont estimés avec les tarifs déclarés par votre bailleur. Ce n'est pas une facture.",
    devicesIntro: "Un appareil connecté ne doit vous coûter que ce qu'il vous fait vraiment économiser.",
    noDevices: "Aucun appareil connecté n'est installé dans votre logement, à notre connaissance.",
    seeDevices: "Voir ce que coûtent vos appareils connectés",
    statementLink: "Relevé du mois à imprimer",
    installedOn: (date: string) => `Installé le ${date}.`,
    costsYou: (amount: string) => `Ce qu'il vous coûte : ${amount} par an.`,
    costsNothing: "Il ne vous coûte rien.",
    saves: (estimate: string, lower: string, upper: string) =>
      `Ce qu'il vous fait économiser, mesuré : environ ${estimate} par an (entre ${lower} et ${upper}).`,
    savesNothing: "Aucune économie n'a été mesurée pour cet appareil.",
    costUnknown: "Son coût pour vous n'a pas encore été calculé.",
    statementFor: "Logement :",
    statementMonth: "Mois :",
    statementDevices: "Appareils connectés",
    statementHelp:
      "Document d'information, ce n'est pas une facture. Une question ? Adressez-vous à votre gardien ou à votre bailleur.",
    printHint: "Pour l'imprimer, utilisez le menu Imprimer de votre navigateur.",
    printedOn: (date: string) => `Édité le ${date}.`,
  },
  board: {
    brand: "Commission",
    navList: "Propositions",
    titleList: "Appareils connectés proposés",
    intro:
      "Chaque appareil est jugé sur ce qu'il a été mesuré faire économiser aux locataires, comparé à ce qu'il leur coûte.",
    none: "Aucune proposition pour vos immeubles.",
    buildings: "Immeubles :",
    open: (title: string) => `Voir le détail et les preuves : ${title}`,
    decidedOn: (date: string) => `Décision du ${date}`,
    device: "Appareil :",
    explanation: "En clair",
    rule: "La règle qui a décidé",
    costs: "Ce que ça coûte, par logement et par an",
    costLine: "Poste",
    payerCol: "Qui paie",
    perYear: "Par an",
    heading: (h: string) => `charges récupérables, rubrique ${h}`,
    tenantsPay: "Total payé par chaque locataire",
    landlordPays: "Payé par le bailleur",
    savings: "Ce que ça fait économiser, mesuré",
    savingEuros: (est: string, lo: string, hi: string, conf: string) =>
      `Environ ${est} par logement et par an, entre ${lo} et ${hi} (confiance ${conf} %).`,
    savingNone: (est: string, lo: string, hi: string, conf: string) =>
      `Pas d'économie mesurée : l'estimation est de ${est} par logement et par an, entre ${lo} et ${hi} (confiance ${conf} %).`,
    savingUnits: (label: string, est: string, lo: string, hi: string) =>
      `${label} : environ ${est} de moins par logement et par an (entre ${lo} et ${hi}).`,
    notMeasured: (label: string) => `${label} : pas mesuré.`,
    nothingClaimed: "L'appareil ne promet aucune économie.",
    figuresWithheld: (size: number, min: number) =>
      `L'essai porte sur ${size} logement${size > 1 ? "s" : ""}, moins de ${min} : ses mesures montreraient la consommation d'un foyer. Le conseil voit la décision et les coûts ; les chiffres mesurés restent chez le gestionnaire.`,
    evidence: "Les preuves",
    chartTitle: (label: string, unit: string) => `${label} par logement et par mois (${unit})`,
    chartDesc: (treated: number, control: number) =>
      `Moyenne mensuelle des ${treated} logements équipés et des ${control} logements témoins, non équipés.`,
    chartDescMetered: (n: number) => `Consommation mensuelle des compteurs suivis (${n} logements).`,
    treated: (n: number) => `Logements équipés (${n})`,
    control: (n: number) => `Logements témoins (${n})`,
    metered: (n: number) => `Compteurs suivis (${n} logements)`,
    installed: "Pose",
    installedNote: (month: string) => `La ligne verticale marque la pose, en ${month}.`,
    withheld: (n: number, min: number) =>
      `Un groupe de ${n} logements est trop petit pour être montré (au moins ${min}) : on ne montre jamais un logement seul.`,
    noChart: "Pas de graphique : rien de mesurable n'est promis, ou il n'y a pas encore de relevés.",
    chartData: "Les chiffres du graphique",
    month: "Mois",
    toSettle: "Ce qui permettrait de trancher",
    data: "Les données",
    balancePoints: (kind: "heating" | "cooling", median: string, meters: number) =>
      `${kind === "heating" ? "Le chauffage commence sous" : "La climatisation commence au-dessus de"} ${median} en médiane sur ${meters} compteurs.`,
    baseline: (from: string, to: string) => `Avant la pose : du ${from} au ${to}.`,
    reporting: (from: string, to: string) => `Après la pose : du ${from} au ${to}.`,
    hash: (h: string, v: string) => `Empreinte des données : ${h}… (version du calcul ${v}).`,
    history: "Toutes les décisions",
    source: { evaluation: "évaluation", watch: "contrôle de suivi" } as Record<string, string>,
    back: "Toutes les propositions",
    noVerdict: "Cette proposition n'a pas encore été évaluée.",
  },
  login: {
    title: "Se connecter",
    intro:
      "Tapez le code d'accès que votre bailleur vous a donné : 16 lettres et chiffres, sur votre courrier.",
    fromLink: "Votre code d'accès est déjà écrit ci-dessous. Appuyez sur « Entrer ». Il ne sert qu'une fois.",
    code: "Code d'accès",
    submit: "Entrer",
    continue: "Continuer",
    done: "Vous êtes connecté.",
    invalid: "Ce code n'est pas valable ou il a expiré. Demandez-en un nouveau à votre bailleur.",
    used: (day: string) =>
      `Ce code a déjà servi, le ${day}. Chaque code ne sert qu'une fois. Si ce n'était pas vous, prévenez votre bailleur ; il vous en donnera un nouveau.`,
    tokenInLink: "Ce lien de connexion n'est plus accepté. Demandez à votre bailleur un code d'accès.",
    loggedOut: "Vous êtes déconnecté.",
    signedInAs: (p: Principal) =>
      p.role === "tenant"
        ? `Compte du logement ${p.dwelling}, immeuble ${p.building}. Si ce n'est pas le vôtre, déconnectez-vous et prévenez votre bailleur.`
        : p.role === "admin"
          ? "Compte d'administration."
          : `Compte ${p.role === "manager" ? "de gestion" : "du conseil"} pour : ${p.buildings.join(", ")}.`,
    otherSite:
      "Cette demande ne vient pas de ce site : rien n'a changé. Ouvrez la page de connexion vous-même.",
  },
  error: {
    title: "Page indisponible",
    401: "Connectez-vous pour voir cette page.",
    403: "Cette page n'est pas ouverte à votre compte.",
    404: "Cette page n'existe pas, ou elle ne vous concerne pas.",
    400: "La demande n'est pas valable.",
    500: "Un problème de notre côté. Il a été noté ; réessayez plus tard.",
    home: "Retour à l'accueil",
  },
};

export type Strings = typeof fr;

const en: Strings = {
  skip: "Skip to content",
  nav: "Menu",
  otherLang: "Français",
  logout: "Sign out",
  footer: "These pages have no adverts and no trackers. They show each person only what concerns them.",
  tenant: {
    brand: "My home",
    navUsage: "My usage",
    navDevices: "My devices",
    navStatement: "Printable statement",
    titleUsage: (month) => `Your usage in ${month}`,
    titleDevices: "The connected devices in your home",
    titleStatement: (month) => `Usage statement, ${month}`,
    partial: (days, month) =>
      `The month is not over: these figures cover the first ${days} days of ${month}, compared with the same days of the other months.`,
    dwelling: (label, building) => `${label}, ${building}`,
    previousLink: (month) => `Month before (${month})`,
    nextLink: (month) => `Next month (${month})`,
    thisMonth: "This month",
    previousMonth: "Month before",
    lastYear: "A year ago",
    period: "Period",
    used: "Used",
    cost: "Cost",
    noData: "no reading",
    noPrice: "price unknown",
    litres: (n) => `that is ${n} litres`,
    compared: (pct, more, peers) =>
      `That is ${pct}% ${more ? "more" : "less"} than a home of the same size in your building (compared with ${peers} homes).`,
    same: (peers) =>
      `That is about the same as a home of the same size in your building (compared with ${peers} homes).`,
    tooFew: (peers, needed) =>
      `Too few homes in your building have readings to compare: at least ${needed} are needed, there are ${peers}.`,
    noCompare: "Your meter sent nothing for this period: no comparison is possible.",
    total: (amount) => `Estimated total: ${amount}`,
    totalIncomplete: "A reading or a price is missing: the total counts only what is known.",
    priceNote: "Euros are estimated with the prices your landlord declared. This is not a bill.",
    devicesIntro: "A connected device may cost you only what it really saves you.",
    noDevices: "As far as we know, no connected device is installed in your home.",
    seeDevices: "See what your connected devices cost",
    statementLink: "Printable statement for the month",
    installedOn: (date) => `Installed on ${date}.`,
    costsYou: (amount) => `What it costs you: ${amount} a year.`,
    costsNothing: "It costs you nothing.",
    saves: (estimate, lower, upper) =>
      `What it saves you, measured: about ${estimate} a year (between ${lower} and ${upper}).`,
    savesNothing: "No saving was measured for this device.",
    costUnknown: "Its cost to you has not been worked out yet.",
    statementFor: "Home:",
    statementMonth: "Month:",
    statementDevices: "Connected devices",
    statementHelp:
      "For information only, this is not a bill. Any question? Ask your caretaker or your landlord.",
    printHint: "To print it, use your browser's Print menu.",
    printedOn: (date) => `Printed on ${date}.`,
  },
  board: {
    brand: "Housing board",
    navList: "Proposals",
    titleList: "Proposed connected devices",
    intro: "Each device is judged on what it was measured to save tenants, compared with what it costs them.",
    none: "No proposal for your buildings.",
    buildings: "Buildings:",
    open: (title) => `See the details and evidence: ${title}`,
    decidedOn: (date) => `Decision of ${date}`,
    device: "Device:",
    explanation: "In plain words",
    rule: "The rule that decided",
    costs: "What it costs, per home and per year",
    costLine: "Item",
    payerCol: "Who pays",
    perYear: "Per year",
    heading: (h) => `recoverable charges, heading ${h}`,
    tenantsPay: "Total paid by each tenant",
    landlordPays: "Paid by the landlord",
    savings: "What it saves, measured",
    savingEuros: (est, lo, hi, conf) =>
      `About ${est} per home per year, between ${lo} and ${hi} (${conf}% confidence).`,
    savingNone: (est, lo, hi, conf) =>
      `No saving measured: the estimate is ${est} per home per year, between ${lo} and ${hi} (${conf}% confidence).`,
    savingUnits: (label, est, lo, hi) =>
      `${label}: about ${est} less per home per year (between ${lo} and ${hi}).`,
    notMeasured: (label) => `${label}: not measured.`,
    nothingClaimed: "The device promises no saving.",
    figuresWithheld: (size, min) =>
      `The pilot covers ${size} home${size > 1 ? "s" : ""}, fewer than ${min}: its measurements would show one household's use. The board sees the decision and the costs; the measured figures stay with the manager.`,
    evidence: "The evidence",
    chartTitle: (label, unit) => `${label} per home per month (${unit})`,
    chartDesc: (treated, control) =>
      `Monthly mean of the ${treated} homes with the device and of the ${control} comparison homes without it.`,
    chartDescMetered: (n) => `Monthly use of the metered spaces (${n} homes).`,
    treated: (n) => `Homes with the device (${n})`,
    control: (n) => `Comparison homes (${n})`,
    metered: (n) => `Metered spaces (${n} homes)`,
    installed: "Installed",
    installedNote: (month) => `The vertical line marks the installation, in ${month}.`,
    withheld: (n, min) =>
      `A group of ${n} homes is too small to show (at least ${min}): one home is never shown on its own.`,
    noChart: "No chart: nothing measurable is promised, or there are no readings yet.",
    chartData: "The figures of the chart",
    month: "Month",
    toSettle: "What would settle it",
    data: "The data",
    balancePoints: (kind, median, meters) =>
      `${kind === "heating" ? "Heating starts below" : "Cooling starts above"} ${median}, the median over ${meters} meters.`,
    baseline: (from, to) => `Before installation: ${from} to ${to}.`,
    reporting: (from, to) => `After installation: ${from} to ${to}.`,
    hash: (h, v) => `Fingerprint of the data: ${h}… (calculation version ${v}).`,
    history: "Every decision",
    source: { evaluation: "evaluation", watch: "follow-up check" },
    back: "All proposals",
    noVerdict: "This proposal has not been evaluated yet.",
  },
  login: {
    title: "Sign in",
    intro: "Type the access code your landlord gave you: 16 letters and digits, on your letter.",
    fromLink: "Your access code is already filled in below. Press “Enter”. It works only once.",
    code: "Access code",
    submit: "Enter",
    continue: "Continue",
    done: "You are signed in.",
    invalid: "This code is not valid or has expired. Ask your landlord for a new one.",
    used: (day) =>
      `This code has already been used, on ${day}. Each code works only once. If it was not you, tell your landlord; they will give you a new one.`,
    tokenInLink: "This sign-in link is no longer accepted. Ask your landlord for an access code.",
    loggedOut: "You are signed out.",
    signedInAs: (p) =>
      p.role === "tenant"
        ? `Account of home ${p.dwelling}, building ${p.building}. If it is not yours, sign out and tell your landlord.`
        : p.role === "admin"
          ? "Administration account."
          : `${p.role === "manager" ? "Management" : "Board"} account for: ${p.buildings.join(", ")}.`,
    otherSite: "This request did not come from this site: nothing changed. Open the sign-in page yourself.",
  },
  error: {
    title: "Page unavailable",
    401: "Sign in to see this page.",
    403: "This page is not open to your account.",
    404: "This page does not exist, or it does not concern you.",
    400: "The request is not valid.",
    500: "A problem on our side. It has been noted; try again later.",
    home: "Back to the start",
  },
};

export const STRINGS: Record<"fr" | "en", Strings> = { fr, en };
