import { describe, expect, it } from "vitest";
import { toLocalDate } from "../../server/clock";
import { authenticationRefusal, senderRefusal } from "../../server/domains/mail-capture/mail-capture.auth";
import { parseInvitation } from "../../server/domains/mail-capture/mail-capture.calendar";
import { parseMailDate } from "../../server/domains/mail-capture/mail-capture.dates";
import { findInlineForward, ownText, parseAddressList } from "../../server/domains/mail-capture/mail-capture.forwards";
import { parseMessage } from "../../server/domains/mail-capture/mail-capture.parse";
import { mailFixture } from "../support/mail";

const VALUES = { USER: "eva@school.example", LOG: "log-abcdefghijklmnopqrst@log.schakel.test", CONTACT: "contact@bedrijf.example" };

describe("reading the date lines of forwarded mail", () => {
  it.each([
    ["maandag 1 december 2026 14:03", "2026-12-01T13:03:00.000Z"],
    ["Monday, December 1, 2026 2:03 PM", "2026-12-01T13:03:00.000Z"],
    ["Monday, 1 December 2026 14:03", "2026-12-01T13:03:00.000Z"],
    ["Mon, Dec 1, 2026 at 2:03\u202fPM", "2026-12-01T13:03:00.000Z"],
    ["ma 1 dec 2026 om 14:03", "2026-12-01T13:03:00.000Z"],
    ["1 december 2026 om 14:03:00 CET", "2026-12-01T13:03:00.000Z"],
    ["1 December 2026 at 14:03:00 GMT+1", "2026-12-01T13:03:00.000Z"],
    ["Mon, 1 Dec 2026 14:03:00 +0100", "2026-12-01T13:03:00.000Z"],
    ["01-12-2026 14:03", "2026-12-01T13:03:00.000Z"],
    ["woensdag 1 juli 2026 09:30", "2026-07-01T07:30:00.000Z"],
  ])("reads %s as the moment it names in the Netherlands", (line, expected) => {
    expect(parseMailDate(line)?.toISOString()).toBe(expected);
  });

  it("refuses what is not a date rather than guessing", () => {
    expect(parseMailDate("binnenkort")).toBeNull();
    expect(parseMailDate("31 november 2026 10:00")).toBeNull();
  });
});

describe("recognising forwards as mail programs write them", () => {
  it.each([
    ["outlook-nl-forward.eml", "outlook", "2026-12-01", "Stageplaatsen voorjaar 2027", "We hebben drie stageplaatsen"],
    ["outlook-en-forward.eml", "outlook", "2026-12-02", "Guest lesson robotics", "Our engineer can give"],
    ["gmail-forward.eml", "gmail", "2026-12-03", "Offerte lasopleiding", "Hierbij de offerte"],
    ["apple-mail-forward.eml", "apple", "2026-12-04", "Open dag techniek", "Doen jullie mee"],
    ["thunderbird-forward.eml", "gmail", "2026-12-04", "Rooster bedrijfsbezoek", "Het bedrijfsbezoek op 20 januari"],
  ])("finds the original sender and date in %s", async (fixture, format, day, subject, words) => {
    const parsed = await parseMessage(mailFixture(fixture, VALUES));
    const original = findInlineForward(parsed.text, { subject: parsed.subject, hasOtherRecipients: false });
    expect(original).toMatchObject({ format, subject, from: { address: VALUES.CONTACT } });
    expect(toLocalDate(original!.date!)).toBe(day);
    expect(ownText(original!.text)).toContain(words);
  });

  it("keeps the mail's own words without the signature of a forwarded Gmail message", async () => {
    const parsed = await parseMessage(mailFixture("gmail-forward.eml", VALUES));
    const original = findInlineForward(parsed.text, { subject: parsed.subject, hasOtherRecipients: false })!;
    expect(ownText(original.text)).toBe("Hoi Eva,\n\nHierbij de offerte voor de lasopleiding voor docenten.\n\nGroeten,\nMarieke");
  });

  it("reads a forwarded .eml attachment as the original, and lists attachment names", async () => {
    const parsed = await parseMessage(mailFixture("forwarded-eml-attachment.eml", VALUES));
    expect(parsed.attachmentNames).toEqual(["Samenwerkingsovereenkomst concept.eml"]);
    const original = await parseMessage(parsed.attachedMessages[0]!);
    expect(original.from).toEqual([{ address: VALUES.CONTACT, name: "Anouk Bakker" }]);
    expect(original.date?.toISOString()).toBe("2026-12-03T09:30:00.000Z");
    expect(original.attachmentNames).toEqual(["concept-overeenkomst.pdf"]);
  });

  it("takes a reply to a contact with the earlier mail quoted below it as that reply, not as a forward", () => {
    const text = "Prima, tot dan!\n\nVan: Jan Jansen <jan@bouw.example>\nVerzonden: maandag 1 december 2026 14:03\nAan: Eva\nOnderwerp: Afspraak\n\nZullen we dinsdag bellen?";
    expect(findInlineForward(text, { subject: "RE: Afspraak", hasOtherRecipients: true })).toBeNull();
    expect(ownText(text)).toBe("Prima, tot dan!");
  });

  it("cuts quoted replies, > lines and the signature from what is kept", () => {
    expect(ownText("Dank je!\n\nOp ma 1 dec 2026 om 14:03 schreef Jan Jansen <jan@bouw.example>:\n> Zullen we bellen?")).toBe("Dank je!");
    expect(ownText("Thanks!\n\nOn Mon, Dec 1, 2026 at 2:03 PM Jan Jansen <\njan@bouw.example> wrote:\n> Shall we call?")).toBe("Thanks!");
    expect(ownText("Akkoord.\n\n-----Oorspronkelijk bericht-----\nVan: Jan\nVerzonden: maandag\nOnderwerp: x")).toBe("Akkoord.");
    expect(ownText("Tot morgen.\n-- \nEva de Boer\nDocent techniek")).toBe("Tot morgen.");
    expect(ownText("Eerste regel\n> geciteerd\nTweede regel")).toBe("Eerste regel\nTweede regel");
  });

  it("reads address lists as Outlook writes them", () => {
    expect(parseAddressList("Jansen, Jan <jan@bouw.example>; 'Piet' [mailto:piet@x.example]; kees@y.example")).toEqual([
      { address: "jan@bouw.example", name: "Jansen, Jan" },
      { address: "piet@x.example", name: "Piet" },
      { address: "kees@y.example", name: "" },
    ]);
  });
});

describe("reading meeting invitations", () => {
  it("reads an Outlook invitation: its UID, sequence, Dutch day and attendees", async () => {
    const parsed = await parseMessage(mailFixture("invitation-outlook.eml", VALUES));
    const invitation = await parseInvitation(parsed.calendars[0]!);
    expect(invitation).toMatchObject({ method: "REQUEST", sequence: 0, summary: "Overleg stagebegeleiding", date: "2026-12-10", organizer: { address: VALUES.USER } });
    expect(invitation!.uid).toMatch(/^040000008200E00074C5B7101A82E008/);
    expect(invitation!.attendees.map((a) => a.address)).toEqual([VALUES.CONTACT, VALUES.LOG]);
    expect(invitation!.start.toISOString()).toBe("2026-12-10T09:00:00.000Z");
  });

  it("reads a Google Calendar invitation forwarded with its invite.ics", async () => {
    const parsed = await parseMessage(mailFixture("invitation-google.eml", VALUES));
    expect(parsed.attachmentNames).toEqual(["invite.ics"]);
    const invitation = await parseInvitation(parsed.calendars[0]!);
    expect(invitation).toMatchObject({ method: "REQUEST", uid: "6k2q9b7r1m3n5p8s0t4v6x2z1c@google.com", date: "2026-12-11", summary: "Rondleiding lashal", organizer: { address: VALUES.CONTACT, name: "Marieke Kok" } });
  });

  it("reads a cancellation", async () => {
    const parsed = await parseMessage(mailFixture("cancellation-outlook.eml", VALUES));
    expect(await parseInvitation(parsed.calendars[0]!)).toMatchObject({ method: "CANCEL", sequence: 1 });
  });

  it("returns nothing for a calendar text that is not an invitation", async () => {
    expect(await parseInvitation("BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR")).toBeNull();
    expect(await parseInvitation("garbage")).toBeNull();
  });
});

describe("who may log", () => {
  const owner = new Set(["eva@school.example", "e.deboer@prive.example"]);

  it("accepts the owner's sign-in address and confirmed addresses, as envelope sender and From:", () => {
    expect(senderRefusal(owner, "eva@school.example", [{ address: "eva@school.example", name: "" }])).toBeNull();
    expect(senderRefusal(owner, "E.deBoer@prive.example", [{ address: "e.deboer@prive.example", name: "" }])).toBeNull();
  });

  it("refuses a stranger in either place, several From: addresses, and no envelope sender", () => {
    expect(senderRefusal(owner, "x@evil.example", [{ address: "eva@school.example", name: "" }])).toMatch(/envelope sender/);
    expect(senderRefusal(owner, "eva@school.example", [{ address: "x@evil.example", name: "" }])).toMatch(/From:/);
    expect(senderRefusal(owner, "eva@school.example", [{ address: "eva@school.example", name: "" }, { address: "x@evil.example", name: "" }])).toMatch(/exactly one/);
    expect(senderRefusal(owner, null, [{ address: "eva@school.example", name: "" }])).toMatch(/no envelope sender/);
  });

  it("refuses what a trusted relay found failing DKIM, SPF or DMARC, and never trusts a pass", () => {
    const headers = (authenticationResults: string[], receivedSpf: string[] = []) => ({ authenticationResults, receivedSpf });
    expect(authenticationRefusal(headers(["mx.schakel.example; dkim=fail header.d=school.example; spf=pass"]), [])).toMatch(/dkim=fail/);
    expect(authenticationRefusal(headers(["mx.schakel.example; spf=fail smtp.mailfrom=school.example"]), [])).toMatch(/spf=fail/);
    expect(authenticationRefusal(headers([], ["fail (domain of school.example does not designate 192.0.2.9 as permitted sender)"]), [])).toMatch(/Received-SPF/);
    expect(authenticationRefusal(headers(["mx.schakel.example; dkim=pass; spf=pass; dmarc=pass"]), [])).toBeNull();
    // Only the topmost (the last hop's) counts without configured relays; with them, only theirs.
    expect(authenticationRefusal(headers(["mx.schakel.example; dkim=pass", "old.example; dkim=fail"]), [])).toBeNull();
    expect(authenticationRefusal(headers(["mx.schakel.example; dkim=pass", "relay.example; spf=fail"]), ["relay.example"])).toMatch(/spf=fail/);
    // A comment is no result.
    expect(authenticationRefusal(headers(["mx.schakel.example; dkim=pass (not dkim=fail)"]), [])).toBeNull();
    expect(authenticationRefusal(headers([]), [], { spf: "fail" })).toMatch(/SPF/);
  });
});
