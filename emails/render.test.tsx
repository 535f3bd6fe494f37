import { describe, expect, it } from "vitest";
import { renderInvitationEmail, renderPasswordResetEmail } from "./render";

const invitation = {
  name: "Anna de Vries",
  inviterName: "Piet Jansen",
  regionName: "Twente",
  url: "https://schakel.example/invitation/tok_123?step=1&lang=nl",
};

describe("email rendering", () => {
  it("renders an invitation in Dutch with its link in the html and the plain text", async () => {
    const message = await renderInvitationEmail({ ...invitation, locale: "nl", roleLabel: "Accounthouder" });

    expect(message.subject).toBe("Uitnodiging voor Schakel (Twente)");
    expect(message.html).toContain('lang="nl"');
    expect(message.html).toContain('href="https://schakel.example/invitation/tok_123?step=1&amp;lang=nl"');
    expect(message.html).toContain("Piet Jansen nodigt u uit voor Schakel, het partnerbeheer van Twente. U krijgt de rol Accounthouder.");
    expect(message.text).toContain("Beste Anna de Vries,");
    expect(message.text).toContain("Account activeren https://schakel.example/invitation/tok_123?step=1&lang=nl");
    expect(message.text).toContain("Deze e-mail is verstuurd door Schakel, het partnerbeheer van Twente.");
  });

  it("renders an invitation in English with its link in the html and the plain text", async () => {
    const message = await renderInvitationEmail({ ...invitation, locale: "en", roleLabel: "Account holder" });

    expect(message.subject).toBe("Invitation to Schakel (Twente)");
    expect(message.html).toContain('lang="en"');
    expect(message.html).toContain('href="https://schakel.example/invitation/tok_123?step=1&amp;lang=nl"');
    expect(message.text).toContain("Dear Anna de Vries,");
    expect(message.text).toContain("Piet Jansen invites you to Schakel, the partner administration of Twente. Your role is Account holder.");
    expect(message.text).toContain("Activate account https://schakel.example/invitation/tok_123?step=1&lang=nl");
    expect(message.text).toContain("This email was sent by Schakel, the partner administration of Twente.");
    expect(message.text).not.toContain("Beste");
  });

  it("renders a password reset with its link in the html and the plain text", async () => {
    const url = "https://schakel.example/reset-password/tok_456";
    const message = await renderPasswordResetEmail({ locale: "nl", name: "Anna", regionName: "Twente", url });

    expect(message.subject).toBe("Nieuw wachtwoord voor Schakel");
    expect(message.html).toContain(`href="${url}"`);
    expect(message.text).toContain(`Nieuw wachtwoord kiezen ${url}`);
    expect(message.text).toContain("Deze link is een uur geldig");
  });

  it("shows names as text, never as markup", async () => {
    const message = await renderInvitationEmail({ ...invitation, locale: "nl", name: '<img src="x">Anna', roleLabel: "Partner" });

    expect(message.html).not.toContain('<img src="x">');
    expect(message.html).toContain("&lt;img src=&quot;x&quot;&gt;Anna");
  });

  it("keeps the subject on one line when a region name contains a line break", async () => {
    const message = await renderInvitationEmail({ ...invitation, regionName: "Twente\r\nBcc: someone@example.org", locale: "nl", roleLabel: "Partner" });

    expect(message.subject).toBe("Uitnodiging voor Schakel (Twente Bcc: someone@example.org)");
  });
});
