import { describe, expect, it } from "vitest";
import { speakerOptions } from "../../app/components/activity-form";
import { matchOptions } from "../../app/components/ui/combobox";

const partners = [
  { id: "p1", name: "Hulshof Installatietechniek" },
  { id: "p2", name: "Installatiebedrijf Beunk" },
  { id: "p3", name: "Café De Gieterij" },
];

describe("finding an organisation or person in a picker", () => {
  it("finds names whatever their accents and case, and lists names that start with the text first", () => {
    expect(matchOptions(partners, "CAFE").map((o) => o.name)).toEqual(["Café De Gieterij"]);
    expect(matchOptions(partners, "instal").map((o) => o.name)).toEqual(["Installatiebedrijf Beunk", "Hulshof Installatietechniek"]);
  });

  it("needs every word typed, in any order, and searches a person's organisation too", () => {
    expect(matchOptions(partners, "gieterij de").map((o) => o.id)).toEqual(["p3"]);
    expect(matchOptions(partners, "hulshof beunk")).toEqual([]);
    expect(matchOptions([{ id: "a", name: "Anouk Jansen", hint: "Hulshof Installatietechniek" }], "anouk hulshof").map((o) => o.id)).toEqual(["a"]);
  });

  it("lists everything, in the loader's order, while nothing is typed", () => {
    expect(matchOptions(partners, "  ").map((o) => o.id)).toEqual(["p1", "p2", "p3"]);
  });
});

describe("the speakers the activity form offers", () => {
  const contacts = [
    { personId: "anouk", name: "Anouk Jansen", organisationId: "p1" },
    { personId: "sanne", name: "Sanne Beunk", organisationId: "p2" },
    { personId: "bram", name: "Bram Hulshof", organisationId: "p1" },
    { personId: "bram", name: "Bram Hulshof", organisationId: "p2" },
    { personId: "teacher", name: "Docent Assink", organisationId: "school" },
  ];

  it("are the contact persons of the chosen partners, each once, with where they work", () => {
    expect(speakerOptions(contacts, partners, ["p1"])).toEqual([
      { id: "anouk", name: "Anouk Jansen", hint: "Hulshof Installatietechniek" },
      { id: "bram", name: "Bram Hulshof", hint: "Hulshof Installatietechniek" },
    ]);
    expect(speakerOptions(contacts, partners, ["p1", "p2"]).find((o) => o.id === "bram")?.hint).toBe("Hulshof Installatietechniek, Installatiebedrijf Beunk");
  });

  it("are the contact persons of every partner, not of schools, while no partner is chosen", () => {
    expect(speakerOptions(contacts, partners, []).map((o) => o.id)).toEqual(["anouk", "bram", "sanne"]);
  });
});
