import { Heading, Link, Text } from "@react-email/components";
import type { CSSProperties, ReactNode } from "react";
import type { Locale } from "../i18n";
import { dateFormat } from "../i18n/intl";

/** "3 maart 2026": a calendar day as people write it. Read at noon UTC so no time zone shifts it. */
export function formatDay(day: string, locale: Locale) {
  return dateFormat(locale === "nl" ? "nl-NL" : "en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`));
}

/** A section of a longer email, such as "Open acties". */
export function SectionHeading(props: { children: ReactNode }) {
  return <Heading as="h2" style={sectionHeading}>{props.children}</Heading>;
}

/** The name of a relationship as a link to its page in Schakel. */
export function OrganisationHeading(props: { href: string; children: ReactNode }) {
  return (
    <Heading as="h3" style={organisationHeading}>
      <Link href={props.href} style={link}>{props.children}</Link>
    </Heading>
  );
}

/**
 * Lines as a list. Plain paragraphs with a leading dash rather than <ul>: mail clients indent lists
 * unpredictably, and the plain-text version reads the same.
 */
export function Lines(props: { items: ReactNode[]; empty: string }) {
  if (!props.items.length) return <Text style={muted}>{props.empty}</Text>;
  return (
    <>
      {props.items.map((item, index) => (
        <Text key={index} style={line}>– {item}</Text>
      ))}
    </>
  );
}

export function Label(props: { children: ReactNode }) {
  return <Text style={label}>{props.children}</Text>;
}

export function Meta(props: { children: ReactNode }) {
  return <Text style={muted}>{props.children}</Text>;
}

const colours = { ink: "#1f2933", muted: "#616e7c", accent: "#1d4e89", line: "#e4e7eb" };
const sectionHeading: CSSProperties = { color: colours.ink, fontSize: "17px", lineHeight: "24px", margin: "24px 0 8px", fontWeight: 600 };
const organisationHeading: CSSProperties = { fontSize: "15px", lineHeight: "22px", margin: "20px 0 4px", fontWeight: 600, borderTop: `1px solid ${colours.line}`, paddingTop: "12px" };
const link: CSSProperties = { color: colours.accent };
const line: CSSProperties = { color: colours.ink, fontSize: "14px", lineHeight: "21px", margin: "0 0 4px" };
const label: CSSProperties = { color: colours.ink, fontSize: "13px", lineHeight: "20px", margin: "8px 0 2px", fontWeight: 600 };
const muted: CSSProperties = { color: colours.muted, fontSize: "13px", lineHeight: "20px", margin: "0 0 4px" };
