#!/usr/bin/env python3
"""Write data/<state>/demo-election.json for every state folder with a demo-description.json:
a fictional sample election for its district attorney races.

Each state's small description file says what is particular to it: the election and its
voting days (stages), the questionnaire's dates, the parties (none for a nonpartisan
office), whether every district has a race or only the listed ones, and the races built by
hand so that every case the guide must display appears at least once (an unopposed race, a
race with four candidates, a race decided at the primary...). The questions and the pool of
invented answers below are shared by every state.

Every candidate, bio and answer in the output is invented. Names are built from lists of
common first and last names, skipping combinations that belong to well-known people.
The script uses only the standard library and each state's fixed random seed, so re-running
it produces byte-identical files:

    python scripts/make_demo_election.py            # every state with a description
    python scripts/make_demo_election.py ca         # one state
"""

import datetime as dt
import json
import random
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
DESCRIPTION = "demo-description.json"
OUTPUT_NAME = "demo-election.json"
OUTPUT = DATA / "al" / OUTPUT_NAME  # the Alabama file, which other scripts read

SCALE_LOW = "Strongly disagree"
SCALE_HIGH = "Strongly agree"

# (topic, question text, kind)
QUESTIONS = [
    ("Money bail",
     "Should people charged with a nonviolent offense be released before trial without "
     "having to pay money bail?", "yes_no"),
    ("Diversion programs",
     "Do you agree that people charged with a low-level offense for the first time should be "
     "offered a diversion program instead of prosecution?", "scale"),
    ("Marijuana possession",
     "Would your office stop prosecuting possession of small amounts of marijuana?", "yes_no"),
    ("Death penalty",
     "Would your office seek the death penalty in any case?", "yes_no"),
    ("Repeat offenders",
     "Do you agree that repeat felony offenders should get longer sentences?", "scale"),
    ("Victims and plea deals",
     "Should victims of serious crimes be consulted before a plea deal is offered?", "yes_no"),
    ("Case backlog",
     "Do you agree that cutting the time cases wait for trial should be your first priority?",
     "scale"),
    ("Violent crime",
     "Would you seek the longest sentence the law allows when someone shoots at a person?",
     "yes_no"),
    ("Immigration and pleas",
     "How would your office consider the immigration consequences of a plea deal for a "
     "defendant who is not a U.S. citizen?", "text"),
    ("Most important change",
     "What is the most important change you would make to the district attorney's office?",
     "text"),
]

STANCES = ("tough", "moderate", "reform")
# Where a candidate's answer comes from when the race has used up the stance's own answers.
FALLBACK_STANCES = {
    "tough": ("moderate", "reform"),
    "moderate": ("reform", "tough"),
    "reform": ("moderate", "tough"),
}
STANCE_WEIGHTS = {
    "Republican": (6, 3, 1),
    "Democratic": (1, 4, 5),
    "Independent": (2, 5, 3),
    "Libertarian": (1, 4, 5),
    None: (3, 4, 3),  # a nonpartisan office: no party to lean on
}

# EXPLANATIONS[question position][stance] = [(choice, explanation), ...]
EXPLANATIONS = {
    1: {
        "tough": [
            ("No", "Bail is one of the few tools we have to make sure people come back to "
                   "court. I would keep it and ask judges to set amounts that fit the charge."),
            ("No", "Victims deserve to know that the person charged will show up for trial. "
                   "Money bail gives them that assurance, and I do not support ending it."),
        ],
        "moderate": [
            ("Yes", "For most nonviolent charges, yes. But judges must keep the power to hold "
                    "someone who has skipped court again and again."),
            ("No", "Not across the board. I would support release without bail for first-time, "
                   "low-level charges, but every case deserves a judge's look."),
        ],
        "reform": [
            ("Yes", "Nobody should sit in jail for weeks only because they can't pay $500. "
                    "Whether you are held before trial should depend on risk, not on your bank "
                    "account."),
            ("Yes", "I have seen people lose their jobs & their homes while waiting in jail on "
                    "a misdemeanor. Ending money bail for these cases is long overdue."),
        ],
    },
    2: {
        "tough": [
            ("2", "Diversion has its place, but it is offered too often. People need to face "
                  "real consequences the first time, or there will be a second time."),
            ("1", "Too many diversion programs have become a way to pay your way out of a "
                  "charge. I would cut them back."),
        ],
        "moderate": [
            ("3", "It depends on the offense and the person. I would expand drug court & "
                  "mental health court, but keep the final say with the prosecutor."),
            ("4", "I agree for most first offenses, as long as the program is real work: "
                  "treatment, paying back the victim, and regular check-ins."),
        ],
        "reform": [
            ("5", "Diversion works. People who finish a program are less likely to be "
                  "arrested again, and it costs a fraction of a prosecution."),
            ("5", "A first mistake should not follow someone for the rest of their life. I "
                  "would offer diversion by default and make it free for anyone who can't pay."),
        ],
    },
    3: {
        "tough": [
            ("No", "The law is the law until the Legislature changes it. My job is to enforce "
                   "it, not to pick which laws count."),
            ("No", "Marijuana sales are tied to the drug trade and to the violence that comes "
                   "with it. I will keep prosecuting possession."),
        ],
        "moderate": [
            ("No", "I would not stop outright, but possession of amounts < 1 ounce would go to "
                   "diversion instead of trial."),
            ("Yes", "For personal use, yes. Our staff's time is better spent on violent crime, "
                    "and the state already allows medical marijuana."),
        ],
        "reform": [
            ("Yes", "Yes. A possession charge can cost someone a job, a student loan or a "
                    "lease. That harm is far bigger than the offense."),
            ("Yes", "We spend hours of officer and court time on a few grams. I would stop "
                    "those cases on day one and clear the backlog."),
        ],
    },
    4: {
        "tough": [
            ("Yes", "For the worst murders, yes. Some crimes are so cruel that the death "
                    "penalty is the only just outcome, and the law allows it."),
            ("Yes", "I would seek it rarely and carefully, but I will not take it off the table "
                    "for families who have lost a loved one to a brutal killing."),
        ],
        "moderate": [
            ("Yes", "Only in rare cases with certain proof of guilt, and only after talking "
                    "with the victim's family. I would never seek it on the word of a single "
                    "witness."),
            ("No", "I doubt that it is applied fairly, and the cost & decades of appeals do not "
                   "serve victims' families. I would seek life without parole instead."),
        ],
        "reform": [
            ("No", "No. Too many people sentenced to death were later found innocent. A "
                   "sentence that cannot be undone has no place in a system that makes "
                   "mistakes."),
            ("No", "I would not seek death in any case. Life without parole protects the "
                   "public just as well."),
        ],
    },
    5: {
        "tough": [
            ("5", "Most serious crime is committed by a small number of people. When someone "
                  "keeps hurting others, the sentence has to protect the public."),
            ("4", "For violent and serious felonies, yes. A third armed robbery is not the "
                  "same as a first, and the law should treat it differently."),
        ],
        "moderate": [
            ("3", "A record should count, but so should what it holds. A twenty-year-old drug "
                  "case should not double a sentence today."),
            ("4", "For violent repeat offenders, I agree. Where addiction drives the crimes, "
                  "treatment with strict supervision works better than a longer term."),
        ],
        "reform": [
            ("2", "Longer sentences alone have not made us safer. I would spend that money on "
                  "the services that stop the next offense."),
            ("1", "Sentence enhancements have kept people in prison for decades over a minor "
                  "third offense. Each case should be judged on its own facts."),
        ],
    },
    6: {
        "tough": [
            ("Yes", "Always. Victims should never learn about a plea deal from the newspaper. "
                    "My office would call them first and put their views in the file."),
            ("Yes", "Yes, and I would ask judges to hear from the victim before accepting any "
                    "plea in a violent case."),
        ],
        "moderate": [
            ("Yes", "Yes. Victims must be heard, though the decision has to stay with the "
                    "prosecutor, who weighs the whole case."),
            ("No", "Not in every case: a required meeting can hold up a plea for weeks. I "
                   "would consult victims of violent crimes and inform all the others."),
        ],
        "reform": [
            ("Yes", "Yes. Many victims want repair more than punishment, and they should be "
                    "offered a restorative justice program, not only a phone call."),
            ("Yes", "Victims are too often left out. Every victim would have an advocate in "
                    "our office who explains the options, including alternatives to prison."),
        ],
    },
    7: {
        "tough": [
            ("5", "Justice delayed is justice denied, for victims most of all. I would put "
                  "more prosecutors in courtrooms and fewer on paperwork."),
            ("4", "Witnesses move away and memories fade while cases wait. I would set firm "
                  "deadlines for every felony file."),
        ],
        "moderate": [
            ("4", "Speed matters, but not at any cost. I would track how long each case takes "
                  "and report it every three months."),
            ("3", "It is one of several priorities. Some complex cases need time to be done "
                  "right."),
        ],
        "reform": [
            ("4", "People who cannot make bail wait in jail for months for a trial date. "
                  "Bringing cases to trial sooner is a matter of fairness."),
            ("2", "The backlog is a symptom. Charging fewer low-level cases would clear it "
                  "faster than working everyone harder."),
        ],
    },
    8: {
        "tough": [
            ("Yes", "Firing a gun at another person is as serious as it gets. I would ask for "
                    "the longest sentence, and I would tell the public when we do."),
            ("Yes", "Yes. Gun violence drives families out of our neighborhoods, and the "
                    "sentence must reflect that."),
        ],
        "moderate": [
            ("Yes", "In most such cases, yes, but a fixed rule can lead to unjust results. "
                    "Every shooting case would get a senior prosecutor's review."),
            ("No", "Not as a rule. I would ask for long sentences in shootings and let the "
                   "facts decide the exact length."),
        ],
        "reform": [
            ("No", "No. Automatic maximums take away judgment. I would focus on solving "
                   "shootings: too many of them never lead to an arrest."),
            ("No", "A long sentence comes after the harm is done. I would put our effort into "
                   "programs that stop retaliation shootings before they happen."),
        ],
    },
    9: {
        "tough": [
            (None, "Everyone should be treated the same under the law, no matter where they "
                   "were born. Immigration is a federal matter, and I would not change a plea "
                   "offer because of it."),
            (None, "Our plea offers are based on the crime and the defendant's record. I would "
                   "not give anyone a better deal because of their immigration status."),
        ],
        "moderate": [
            (None, "I would let defense lawyers raise it, and I would consider it in low-level, "
                   "nonviolent cases where deportation would be out of proportion to the "
                   "offense."),
            (None, "Defense lawyers must warn their clients about these consequences. My "
                   "prosecutors would take them into account, but they would not outweigh "
                   "public safety."),
        ],
        "reform": [
            (None, "A plea to a minor charge can mean deportation and a family torn apart. My "
                   "office would look for a plea that holds someone accountable without that "
                   "extra penalty."),
            (None, "I would train every prosecutor on immigration consequences and allow "
                   "other pleas where it is fair. Victims also need to know they can come "
                   "forward without fear for their own status."),
        ],
    },
    10: {
        "tough": [
            (None, "I would hire and keep more experienced prosecutors, so violent crime cases "
                   "go to trial faster. Victims wait far too long for their day in court."),
            (None, "I would create a unit just for repeat violent offenders and work with "
                   "sheriffs and police to clear the backlog of unsolved shootings."),
            (None, "Better support for victims: someone in our office who answers the phone, "
                   "explains every step, and makes sure victims are heard at sentencing."),
        ],
        "moderate": [
            (None, "I would put our policies in writing and post them online, so people know "
                   "how decisions are made. I would also start a mental health court."),
            (None, "Bringing our case management into this century. Too many cases fall "
                   "through the cracks because files are still kept on paper."),
        ],
        "reform": [
            (None, "I would measure success by how safe our communities are, not by how many "
                   "convictions we win. That means more diversion, fewer people held before "
                   "trial, and open data."),
            (None, "I would set up a unit to review claims of innocence. When we get it wrong, "
                   "we must be the first to say so."),
        ],
    },
}

LONG_EXPLANATION = "\n\n".join([
    "When I was a public defender, I learned that most people in our courtrooms are not "
    "strangers. They are our neighbors, our cousins, the person who bagged our groceries last "
    "week. The most important change I would make is to run the office as if that were true, "
    "because it is.",
    "First, I would publish our policies. Today, whether someone is offered diversion, a plea "
    "or a trial date depends too much on which prosecutor happens to pick up the file. That is "
    "not fair to defendants & it is not fair to victims, who deserve to know what to expect. "
    "Written policies, posted online in plain English and in Spanish, would change that.",
    "Second, I would move our people to where the harm is. Prosecutors spend hundreds of hours "
    "a year on cases about a few grams of marijuana or goods worth < $100, while shootings go "
    "unsolved. Before filing any charge, I would ask every prosecutor one question: \"Will "
    "this make anyone safer?\"",
    "Third, I would measure what matters. A conviction rate tells you how often we win; it "
    "does not tell you whether people are safer, whether victims were heard, or whether the "
    "same person is back in our lobby a year later. I would report those numbers every year, "
    "including charging and sentencing by race, and invite anyone to check our work.",
    "None of this is soft on crime. A prosecutor who wastes time on small cases has less time "
    "for the serious ones. I want an office that is tough where it counts, fair everywhere, "
    "and honest with the public about both. If we get that right, the rest will follow.",
])

# Answers given by the featured responder in the Tuscaloosa race, by question position.
FEATURED_ANSWERS = {
    1: ("Yes", "A young mother I'll call \"Ana\" sat in jail for 41 days because she couldn't "
               "pay a $1,000 bond on a shoplifting charge. Her children went into foster care. "
               "That is not public safety."),
    3: ("Yes", "Possession of < 1 ounce for personal use would no longer be charged. We would "
               "focus on sales to children & on trafficking."),
    9: (None, "I think of a client's father, Jos\u00e9, a roofer who had lived here for twenty "
              "years. He pleaded guilty to a misdemeanor because he was told it was \"just a "
              "fine,\" and he was deported within a year. Prosecutors should know what a plea "
              "really costs before they offer it."),
    10: (None, LONG_EXPLANATION),
}

FIRST_NAMES = [
    "Alicia", "Andr\u00e9s", "Angela", "Bradley", "Brenda", "Caleb", "Carla", "Cedric",
    "Courtney", "Darnell", "Deborah", "Derek", "Elaine", "Emily", "Felicia", "Gregory",
    "Heather", "In\u00e9s", "Jamal", "Janelle", "Jerome", "Joanna", "Keisha", "Kendall",
    "Latrice", "Leon", "Lindsey", "Marcus", "Marisol", "Meredith", "Monique", "Nathan",
    "Nicole", "Patrice", "Quentin", "Rachel", "Regina", "Rodney", "Rosa", "Russell", "Shawn",
    "Simone", "Tamara", "Terrence", "Tiffany", "Travis", "Valerie", "Wesley", "Whitney",
    "Yolanda",
]
LAST_NAMES = [
    "Abernathy", "Barksdale", "Beasley", "Blevins", "Caldwell", "Castillo", "Coker",
    "Cothran", "Delgado", "Dunaway", "Ezell", "Fairley", "Gaines", "Galloway", "Gholston",
    "Haney", "Hollis", "Holloway", "Ingram", "Kimbrough", "Langford", "Lassiter", "Luckett",
    "Maddox", "Mayfield", "McBride", "Moncrief", "Nguyen", "Norwood", "Ogletree", "Okafor",
    "Patel", "Pettway", "Pruitt", "Pugh", "Ramos", "Rutledge", "Sizemore", "Spradlin",
    "Stallworth", "Strickland", "Thornton", "Tillman", "Tubbs", "Underwood", "Varner",
    "Whitfield", "Wooten", "Yarbrough",
]
MIDDLE_INITIALS = "ABCDEJKLMRSTW"
# First-and-last combinations that name well-known people (athletes, singers, politicians,
# TV hosts), plus near-misses of famous names and fictional characters.
WELL_KNOWN_NAMES = {
    "andre ingram", "brenda holloway", "cedric thornton", "cedric tillman", "derek underwood",
    "gregory maddox", "joanna gaines", "kendall langford", "marcus thornton", "nicole galloway",
    "rachel maddox", "rodney strickland", "shawn thornton", "travis maddox",
}
MAX_SAME_LAST_NAME = 3

CAREERS = {
    "prosecutor": [
        "{last} has spent {years} years as an assistant district attorney, most recently "
        "leading the office's {unit} unit.",
        "{last} has prosecuted cases for {years} years, from traffic court to murder trials.",
    ],
    "defense": [
        "{last} has run a small criminal defense practice for {years} years and has tried "
        "dozens of jury trials.",
        "{last} has defended people accused of crimes for {years} years, first in a two-lawyer "
        "firm and now in a solo practice.",
    ],
    "public_defender": [
        "{last} spent {years} years at a county public defender's office, representing people "
        "who could not afford a lawyer.",
    ],
    "civil": [
        "{last} has practiced civil law for {years} years, handling family, property and "
        "small-business cases.",
    ],
    "police": [
        "{last} served {years} years as a police officer, went to law school at night, and "
        "now practices criminal law.",
    ],
}
CAREER_WEIGHTS = {
    "tough": {"prosecutor": 6, "defense": 1, "public_defender": 0, "civil": 2, "police": 3},
    "moderate": {"prosecutor": 4, "defense": 3, "public_defender": 1, "civil": 3, "police": 1},
    "reform": {"prosecutor": 2, "defense": 3, "public_defender": 4, "civil": 2, "police": 0},
}
INCUMBENT_BIO = (
    "{last} has served as district attorney for six years, after {years} years as an "
    "assistant district attorney in the {unit} unit."
)
UNITS = ["violent crimes", "child abuse", "domestic violence", "white-collar crime",
         "drug crimes", "appeals"]
BIO_EXTRAS = [
    "{last} grew up in the circuit and coaches youth baseball.",
    "{last} volunteers with a local adult literacy program.",
    "{last} is a veteran of the U.S. Army Reserve.",
    "{last} teaches an evening class on criminal law at a community college.",
    "{last} serves on the board of a local food bank.",
    "{last} grew up on a family farm and was the first in the family to finish college.",
]

COUNT_WEIGHTS = {1: 14, 2: 58, 3: 20, 4: 8}
P_INCUMBENT = {1: 0.7, 2: 0.45, 3: 0.45, 4: 0.35}
P_RESPONDED = 0.3
P_DECLINED = 0.03
P_WEBSITE = 0.8
P_MIDDLE_INITIAL = 0.12
P_BIO_EXTRA = 0.6


@dataclass(frozen=True)
class Profile:
    """Traits of one candidate before the name, bio and answers are drawn."""

    party: str | None
    status: str
    incumbent: bool = False
    stance: str | None = None
    career: str | None = None
    skip: tuple[int, ...] | None = None
    featured: bool = False
    elected_at_stage: int | None = None

    @classmethod
    def from_description(cls, spec: dict) -> "Profile":
        """A profile as a description file writes it."""
        skip = spec.get("skip")
        return cls(party=spec.get("party"), status=spec["status"],
                   incumbent=bool(spec.get("incumbent")), stance=spec.get("stance"),
                   career=spec.get("career"), skip=None if skip is None else tuple(skip),
                   featured=bool(spec.get("featured")),
                   elected_at_stage=spec.get("elected_at_stage"))


@dataclass(frozen=True)
class Description:
    """One state's demo-description.json, read."""

    folder: Path
    spec: dict

    @classmethod
    def read(cls, folder: Path) -> "Description":
        """Read the description in a state folder."""
        return cls(folder, json.loads((folder / DESCRIPTION).read_text(encoding="utf-8")))

    @property
    def output(self) -> Path:
        """Where the state's sample election is written."""
        return self.folder / OUTPUT_NAME

    @property
    def parties(self) -> dict | None:
        """{"major": [...], "minor": [...]}, or None for a nonpartisan office."""
        return self.spec.get("parties")

    def received_between(self) -> tuple[dt.date, dt.date]:
        """The first and last day a questionnaire came back."""
        span = self.spec["answers_received"]
        return dt.date.fromisoformat(span["first"]), dt.date.fromisoformat(span["last"])

    def fixed_races(self) -> dict[str, tuple[dict, tuple[Profile, ...]]]:
        """The races built by hand: slug -> (race fields, candidate profiles)."""
        races = {}
        for slug, race in self.spec.get("races", {}).items():
            fields = {"stage": race["stage"]} if race.get("stage") else {}
            races[slug] = (fields, tuple(Profile.from_description(c)
                                         for c in race["candidates"]))
        return races

    def districts(self) -> list[tuple[str, str]]:
        """(division id, slug) of every district with a race, in the state's order."""
        listed = json.loads((self.folder / "districts.json").read_text(encoding="utf-8"))
        every = [(d["id"], d["slug"]) for d in listed["districts"]]
        if self.spec.get("every_district"):
            return every
        wanted = self.spec.get("races", {})
        unknown = set(wanted) - {slug for _, slug in every}
        if unknown:
            raise SystemExit(f"{self.folder / DESCRIPTION} names unknown districts: "
                             f"{', '.join(sorted(unknown))}")
        return [(district_id, slug) for district_id, slug in every if slug in wanted]


def slugify(text: str) -> str:
    """Return text as lower-case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def build_questions() -> list[dict]:
    """Return the questionnaire's questions in the data-file format."""
    questions = []
    for position, (topic, text, kind) in enumerate(QUESTIONS, start=1):
        question = {"position": position, "topic": topic, "text": text, "kind": kind}
        if kind == "scale":
            question.update(scale_low=SCALE_LOW, scale_high=SCALE_HIGH)
        questions.append(question)
    return questions


def draw_status(rng: random.Random) -> str:
    """Draw whether a candidate responded, declined or never answered."""
    roll = rng.random()
    if roll < P_RESPONDED:
        return "responded"
    if roll < P_RESPONDED + P_DECLINED:
        return "declined"
    return "no_response"


def draw_parties(rng: random.Random, count: int, parties: dict | None) -> list[str | None]:
    """Draw one party per candidate, never two candidates of the same party (None each
    for a nonpartisan office)."""
    if parties is None:
        return [None] * count
    major_parties = parties["major"]
    majors = list(major_parties) if rng.random() < 0.6 else list(reversed(major_parties))
    minors = list(parties["minor"])
    rng.shuffle(minors)
    if count == 1:
        return majors[:1]
    if count == 2 and rng.random() < 0.15:
        return [majors[0], minors[0]]
    return (majors + minors)[:count]


def random_profiles(rng: random.Random, parties: dict | None) -> tuple[Profile, ...]:
    """Draw the candidates of an ordinary race."""
    count = rng.choices(list(COUNT_WEIGHTS), weights=list(COUNT_WEIGHTS.values()))[0]
    drawn = draw_parties(rng, count, parties)
    majors = [index for index, party in enumerate(drawn)
              if parties is None or party in parties["major"]]
    incumbent = rng.choice(majors) if rng.random() < P_INCUMBENT[count] else None
    return tuple(
        Profile(party, draw_status(rng), incumbent=(index == incumbent))
        for index, party in enumerate(drawn)
    )


class NameBook:
    """Hands out invented names: each used once, no surname too often or twice in a race."""

    def __init__(self) -> None:
        """Start with no names used."""
        self.used: set[str] = set()
        self.last_names: Counter[str] = Counter()

    def draw(self, rng: random.Random, race_last_names: set[str]) -> tuple[str, str]:
        """Draw an unused invented name; return (full name, last name)."""
        while True:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            initial = rng.choice(MIDDLE_INITIALS) if rng.random() < P_MIDDLE_INITIAL else ""
            name = f"{first} {initial}. {last}" if initial else f"{first} {last}"
            if (f"{first} {last}".lower() in WELL_KNOWN_NAMES or name in self.used
                    or last in race_last_names or self.last_names[last] >= MAX_SAME_LAST_NAME):
                continue
            self.used.add(name)
            self.last_names[last] += 1
            race_last_names.add(last)
            return name, last


def draw_bio(rng: random.Random, last: str, career: str, incumbent: bool) -> str:
    """Write a one- or two-sentence fictional biography."""
    years, unit = rng.randint(4, 22), rng.choice(UNITS)
    template = INCUMBENT_BIO if incumbent else rng.choice(CAREERS[career])
    sentences = [template.format(last=last, years=years, unit=unit)]
    if rng.random() < P_BIO_EXTRA:
        sentences.append(rng.choice(BIO_EXTRAS).format(last=last))
    return " ".join(sentences)


def draw_date(rng: random.Random, received: tuple[dt.date, dt.date]) -> str:
    """Draw the date a questionnaire came back, between the first and last day."""
    first, last = received
    return (first + dt.timedelta(days=rng.randint(0, (last - first).days))).isoformat()


def draw_skips(rng: random.Random) -> tuple[int, ...]:
    """Draw which questions an ordinary responder left blank (usually none)."""
    if rng.random() < 0.8:
        return ()
    return (rng.randint(1, len(QUESTIONS)),)


def draw_answer(rng: random.Random, position: int, stance: str,
                race_texts: set[str]) -> tuple[str | None, str]:
    """Pick a (choice, explanation) no other candidate in the race gave, nearest stance first."""
    for nearby in (stance, *FALLBACK_STANCES[stance]):
        fresh = [entry for entry in EXPLANATIONS[position][nearby] if entry[1] not in race_texts]
        if fresh:
            return rng.choice(fresh)
    return rng.choice(EXPLANATIONS[position][stance])


def build_answers(rng: random.Random, profile: Profile, stance: str,
                  race_texts: set[str], received: tuple[dt.date, dt.date]) -> list[dict]:
    """Write a responder's answers, all received on the same date."""
    received_on = draw_date(rng, received)
    skips = draw_skips(rng) if profile.skip is None else profile.skip
    answers = []
    for position in range(1, len(QUESTIONS) + 1):
        if position in skips:
            continue
        if profile.featured and position in FEATURED_ANSWERS:
            choice, text = FEATURED_ANSWERS[position]
        else:
            choice, text = draw_answer(rng, position, stance, race_texts)
        race_texts.add(text)
        answers.append({"question": position, "choice": choice, "explanation": text,
                        "received_on": received_on})
    return answers


def build_candidate(rng: random.Random, district_slug: str, profile: Profile,
                    names: NameBook, race_last_names: set[str], race_texts: set[str],
                    received: tuple[dt.date, dt.date]) -> dict:
    """Build one candidate record from a profile (no party key for a nonpartisan office)."""
    name, last = names.draw(rng, race_last_names)
    slug = f"{district_slug}-{slugify(name)}"
    stance = profile.stance or rng.choices(STANCES, weights=STANCE_WEIGHTS[profile.party])[0]
    career = profile.career or rng.choices(
        list(CAREER_WEIGHTS[stance]), weights=list(CAREER_WEIGHTS[stance].values()))[0]
    website = f"https://example.org/sample/{slug}" if rng.random() < P_WEBSITE else None
    bio = draw_bio(rng, last, career, profile.incumbent)
    answers = (build_answers(rng, profile, stance, race_texts, received)
               if profile.status == "responded" else [])
    candidate = {"slug": slug, "name": name}
    if profile.party is not None:
        candidate["party"] = profile.party
    candidate.update({
        "incumbent": profile.incumbent,
        "website": website,
        "photo_url": None,
        "bio": bio,
        # A responder's biography came with the questionnaire; the others' staff wrote.
        "bio_source": "candidate" if profile.status == "responded" else "staff",
        "questionnaire_status": profile.status,
        "answers": answers,
    })
    if profile.elected_at_stage is not None:
        # Elected outright on this voting day (its position), e.g. by a majority at a primary.
        candidate["elected_at_stage"] = profile.elected_at_stage
    return candidate


def build_race(rng: random.Random, description: Description, district_id: str,
               district_slug: str, names: NameBook) -> dict:
    """Build one race: its candidates sorted by last name."""
    fields, profiles = description.fixed_races().get(district_slug) or (
        {}, random_profiles(rng, description.parties))
    race_last_names: set[str] = set()
    race_texts: set[str] = set()
    received = description.received_between()
    candidates = [
        build_candidate(rng, district_slug, profile, names, race_last_names, race_texts,
                        received)
        for profile in profiles
    ]
    candidates.sort(key=lambda c: (c["name"].split()[-1], c["name"]))
    return {"district": district_id, "office": description.spec["office"], **fields,
            "candidates": candidates}


def build_election(description: Description | None = None) -> dict:
    """Build one state's sample election (Alabama's by default); the same every time."""
    description = description or Description.read(OUTPUT.parent)
    rng = random.Random(description.spec["seed"])
    names = NameBook()
    races = [build_race(rng, description, district_id, slug, names)
             for district_id, slug in description.districts()]
    return {
        "sample": True,
        "election": dict(description.spec["election"]),
        "questionnaire": {**description.spec["questionnaire"], "questions": build_questions()},
        "races": races,
    }


def described_states(wanted: list[str]) -> list[Description]:
    """The state folders with a description file (only those named, if any are)."""
    folders = sorted(path.parent for path in DATA.glob(f"*/{DESCRIPTION}"))
    if wanted:
        folders = [DATA / code.lower() for code in wanted]
    return [Description.read(folder) for folder in folders]


def render(data: dict) -> str:
    """Serialize the election exactly as it is committed."""
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def main(argv: list[str]) -> None:
    """Write each described state's sample election and print a one-line summary."""
    for description in described_states(argv):
        data = build_election(description)
        description.output.write_text(render(data), encoding="utf-8", newline="\n")
        candidates = [c for race in data["races"] for c in race["candidates"]]
        responded = sum(c["questionnaire_status"] == "responded" for c in candidates)
        print(f"wrote {description.output}: {len(data['races'])} races, "
              f"{len(candidates)} candidates, {responded} responded")


if __name__ == "__main__":
    main(sys.argv[1:])
