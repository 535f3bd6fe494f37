import { Body, Button, Container, Head, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import type { CSSProperties, ReactNode } from "react";
import { type Locale, translator } from "../i18n";

/**
 * The frame every Schakel email shares: the name at the top, the message, and one line saying who
 * sent it. Styles are inline because many mail clients drop <style> blocks.
 */
export function EmailLayout(props: { locale: Locale; preview: string; regionName: string; children: ReactNode }) {
  const t = translator(props.locale);
  return (
    <Html lang={props.locale}>
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Text style={brand}>Schakel</Text>
          <Section style={card}>{props.children}</Section>
          <Hr style={rule} />
          <Text style={footer}>{t("email.footer", { region: props.regionName })}</Text>
        </Container>
      </Body>
    </Html>
  );
}

/** A paragraph in the body of an email, in the layout's type. */
export function Paragraph(props: { children: ReactNode; muted?: boolean }) {
  return <Text style={props.muted ? mutedParagraph : paragraph}>{props.children}</Text>;
}

/**
 * The one thing the reader should do, as a button, with the address written out below it for mail
 * clients that block buttons and for the plain-text version.
 */
export function ActionLink(props: { locale: Locale; href: string; label: string }) {
  const t = translator(props.locale);
  return (
    <>
      <Section style={actionSection}>
        <Button href={props.href} style={button}>
          {props.label}
        </Button>
      </Section>
      {/* Plain text already has the address after the button's label; once is enough there. */}
      <Text style={mutedParagraph} data-skip-in-text="true">
        {t("email.linkFallback")}
        <br />
        <Link href={props.href} style={fallbackLink}>
          {props.href}
        </Link>
      </Text>
    </>
  );
}

const fontFamily = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';
const colours = { ink: "#1f2933", muted: "#616e7c", accent: "#1d4e89", line: "#e4e7eb", page: "#f5f7fa", card: "#ffffff" };

const body: CSSProperties = { backgroundColor: colours.page, fontFamily, margin: 0, padding: "24px 0" };
const container: CSSProperties = { maxWidth: "560px", margin: "0 auto", padding: "0 16px" };
const brand: CSSProperties = { color: colours.accent, fontSize: "20px", fontWeight: 600, letterSpacing: "0.02em", margin: "0 0 16px" };
const card: CSSProperties = { backgroundColor: colours.card, border: `1px solid ${colours.line}`, borderRadius: "8px", padding: "24px 28px" };
const paragraph: CSSProperties = { color: colours.ink, fontSize: "15px", lineHeight: "24px", margin: "0 0 16px" };
const mutedParagraph: CSSProperties = { ...paragraph, color: colours.muted, fontSize: "13px", lineHeight: "20px" };
const actionSection: CSSProperties = { margin: "8px 0 24px" };
const button: CSSProperties = {
  backgroundColor: colours.accent,
  borderRadius: "6px",
  color: "#ffffff",
  fontSize: "15px",
  fontWeight: 600,
  padding: "12px 20px",
  textDecoration: "none",
};
const fallbackLink: CSSProperties = { color: colours.accent, wordBreak: "break-all" };
const rule: CSSProperties = { borderColor: colours.line, margin: "24px 0 12px" };
const footer: CSSProperties = { color: colours.muted, fontSize: "12px", lineHeight: "18px", margin: 0 };
