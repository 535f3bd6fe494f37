import { z } from "zod";
import type { OidcProviderKind } from "../../db/schema";
import { isLoopbackHostname } from "../http/loopback";

/** What an admin types to set up the region's school-account sign-in (decision 127): checked here, kept by oidc-settings.ts. */

export const MICROSOFT_ISSUER_HOST = "login.microsoftonline.com";
export const GOOGLE_ISSUER = "https://accounts.google.com";
/** Entra's multi-tenant addresses: anyone with any Microsoft account could sign in through them. */
const ENTRA_SHARED_TENANTS = ["common", "organizations", "consumers"];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

/** The issuer of a Microsoft Entra ID tenant (single tenant: its own id, never a shared one). */
export const entraIssuer = (tenantId: string) => `https://${MICROSOFT_ISSUER_HOST}/${tenantId.trim().toLowerCase()}/v2.0`;

/** Domains typed as "a.nl, b.nl" or given as a list: lower case, no duplicates. */
const Domains = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(/[\s,;]+/)).map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean))
  .pipe(z.array(z.string().regex(DOMAIN, "schoolSignIn.validation.domain")).max(50))
  .transform((list) => [...new Set(list)]);

const Issuer = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .refine((value) => {
    try {
      const url = new URL(value);
      if (url.username || url.password || url.search || url.hash) return false;
      // Plain http only to a provider on this machine (tests, a local gateway).
      return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHostname(url.hostname));
    } catch {
      return false;
    }
  }, "schoolSignIn.validation.issuer")
  .transform((value) => value.replace(/\/+$/, ""));

const Provision = z.enum(["invited", "domain"]);
const ProvisionRole = z.enum(["accounthouder", "penvoerder"], { error: "schoolSignIn.validation.role" });
const Label = z.string().trim().min(1).max(60);

/** What `schakel sso set` and the admin page's "other issuer" choice take. */
export const OidcProviderInput = z
  .object({
    kind: z.enum(["entra", "google", "other"]).default("other"),
    /** Entra ID: the tenant id (a GUID), from which the issuer is built. */
    tenantId: z.string().trim().max(100).optional(),
    issuer: z.string().optional(),
    clientId: z.string().trim().min(1).max(300),
    /** Empty on the admin page keeps the stored secret. */
    clientSecret: z.string().trim().max(2000).optional(),
    domains: Domains.default([]),
    provision: Provision.default("invited"),
    role: ProvisionRole.default("accounthouder"),
    label: Label.optional(),
    schoolAccountOnly: z.boolean().default(false),
  })
  .transform((input, ctx) => {
    let issuer: string | undefined;
    if (input.kind === "entra") {
      const tenant = (input.tenantId ?? "").toLowerCase();
      if (ENTRA_SHARED_TENANTS.includes(tenant)) {
        ctx.addIssue({ code: "custom", path: ["tenantId"], message: "schoolSignIn.validation.sharedTenant" });
        return z.NEVER;
      }
      if (!GUID.test(tenant)) {
        ctx.addIssue({ code: "custom", path: ["tenantId"], message: "schoolSignIn.validation.tenantId" });
        return z.NEVER;
      }
      issuer = entraIssuer(tenant);
    } else if (input.kind === "google") {
      issuer = GOOGLE_ISSUER;
    } else {
      const parsed = Issuer.safeParse(input.issuer ?? "");
      if (!parsed.success) {
        ctx.addIssue({ code: "custom", path: ["issuer"], message: "schoolSignIn.validation.issuer" });
        return z.NEVER;
      }
      issuer = parsed.data;
    }
    const url = new URL(issuer);
    if (url.hostname === MICROSOFT_ISSUER_HOST && ENTRA_SHARED_TENANTS.includes(url.pathname.split("/")[1]?.toLowerCase() ?? "")) {
      ctx.addIssue({ code: "custom", path: [input.kind === "entra" ? "tenantId" : "issuer"], message: "schoolSignIn.validation.sharedTenant" });
      return z.NEVER;
    }
    const kind: OidcProviderKind = issuer === GOOGLE_ISSUER ? "google" : url.hostname === MICROSOFT_ISSUER_HOST ? "entra" : input.kind;
    if (kind === "google" && input.domains.length === 0) {
      // Without a domain, any Google account in the world would be a school account.
      ctx.addIssue({ code: "custom", path: ["domains"], message: "schoolSignIn.validation.googleDomains" });
      return z.NEVER;
    }
    if (input.provision === "domain" && input.domains.length === 0) {
      ctx.addIssue({ code: "custom", path: ["domains"], message: "schoolSignIn.validation.provisionDomains" });
      return z.NEVER;
    }
    const label = input.label ?? (kind === "entra" ? "Microsoft" : kind === "google" ? "Google" : "schoolaccount");
    return { ...input, kind, issuer, label };
  });
export type OidcProviderInput = z.input<typeof OidcProviderInput>;
export type OidcProviderValues = z.output<typeof OidcProviderInput>;
