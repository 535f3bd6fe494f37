import { randomBytes } from "node:crypto";
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { sql } from "kysely";
import type { Clock } from "../clock";
import { notFound } from "../errors";
import type { Database } from "../db/database";
import type { CurrentUser } from "./current-user";
import { TWO_FACTOR_ROLES } from "./two-factor";

/**
 * Sessions, our own, after the guide the author of lucia wrote when he retired the library
 * (lucia-auth.com, "Sessions": a random token in the cookie, only its SHA-256 in the database), with
 * his @oslojs/crypto and @oslojs/encoding. A copy of the sessions table — a backup, a leaked dump —
 * therefore signs no one in (decision 096). Every moment comes from the process clock, so
 * SCHAKEL_NOW and tests move session expiry like everything else.
 */
export const SESSION_COOKIE = "schakel_session";

const DAY_MS = 86_400_000;
/** A session lasts 14 days from its last renewal... */
const LIFETIME_MS = 14 * DAY_MS;
/** ...and is renewed when used in its second half, so someone who works daily stays signed in. */
const RENEW_WHEN_LEFT_MS = LIFETIME_MS / 2;
/** 20 random bytes in base32: 160 bits, 32 characters. Sessions from before (lucia's ids) are 40. */
const TOKEN_PATTERN = /^[a-z2-7]{32,64}$/;

/** A new session token: what the cookie holds, never stored. */
export function generateSessionToken(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(20));
}

/** The stored id of a session: the hex SHA-256 of its token (as the migration turned the old ids into). */
export function sessionIdOf(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/** The token the browser sent, if any (the last one wins, as with any repeated cookie). */
function readSessionToken(cookieHeader: string | null | undefined): string | null {
  let token: string | null = null;
  for (const part of (cookieHeader ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at !== -1 && part.slice(0, at).trim() === SESSION_COOKIE) token = part.slice(at + 1).trim();
  }
  return token || null;
}

/**
 * The cookie: HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site posts), Path=/,
 * and Secure when the request came over HTTPS, so the same build works on http://localhost.
 * Max-Age rather than Expires: a duration does not depend on the clock, which SCHAKEL_NOW may pin.
 */
function serializeCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure ? "; Secure" : ""}`;
}

const blankCookie = (secure: boolean) => serializeCookie("", 0, secure);

export type SessionValidation = {
  user: CurrentUser | null;
  /** The stored id (the token's hash) of the session, for listing and ending sessions. */
  sessionId: string | null;
  /** The user's region's name, read in the same statement: the page frame shows it on every page. */
  regionName: string | null;
  /** A renewed or cleared cookie to send back, if any. */
  setCookie: string | null;
  /** The region requires a second factor of this role and the user has none yet. */
  mustSetUpTwoFactor: boolean;
};

export type Sessions = ReturnType<typeof createSessions>;

export function createSessions(db: Database, clock: Clock) {
  return {
    /** A fresh session at every sign-in (no fixation); returns the Set-Cookie header. */
    async create(userId: string, meta: { ip: string | null; userAgent: string | null; secure: boolean; secondFactorByProvider?: boolean }): Promise<string> {
      const token = generateSessionToken();
      const now = clock.now();
      await db
        .insertInto("sessions")
        .values({ id: sessionIdOf(token), user_id: userId, expires_at: new Date(now.getTime() + LIFETIME_MS), created_at: now, ip: meta.ip, user_agent: meta.userAgent?.slice(0, 400) ?? null, second_factor_by_provider: meta.secondFactorByProvider ?? false })
        .execute();
      return serializeCookie(token, LIFETIME_MS / 1000, meta.secure);
    },

    /** Reads the cookie: the user, and a cookie to send back when the session was renewed or has ended. */
    async validate(cookieHeader: string | null | undefined, secure: boolean): Promise<SessionValidation> {
      const none: SessionValidation = { user: null, sessionId: null, regionName: null, setCookie: null, mustSetUpTwoFactor: false };
      const token = readSessionToken(cookieHeader);
      if (!token) return none;
      if (!TOKEN_PATTERN.test(token)) return { ...none, setCookie: blankCookie(secure) };
      const id = sessionIdOf(token);
      const row = await db
        .selectFrom("sessions")
        .innerJoin("users", "users.id", "sessions.user_id")
        .innerJoin("regions", "regions.id", "users.region_id")
        .select([
          "sessions.expires_at", "users.id as userId", "users.region_id", "users.email", "users.name", "users.role",
          "users.organisation_id", "users.locale", "users.totp_enabled_at", "regions.require_two_factor", "regions.name as regionName", "sessions.second_factor_by_provider",
        ])
        .where("sessions.id", "=", id)
        .where("users.active", "=", true)
        .executeTakeFirst();
      if (!row) return { ...none, setCookie: blankCookie(secure) };
      const now = clock.now();
      const expiresAt = new Date(row.expires_at);
      if (expiresAt.getTime() <= now.getTime()) {
        await db.deleteFrom("sessions").where("id", "=", id).execute();
        return { ...none, setCookie: blankCookie(secure) };
      }
      let setCookie: string | null = null;
      if (expiresAt.getTime() - now.getTime() < RENEW_WHEN_LEFT_MS) {
        await db.updateTable("sessions").set({ expires_at: new Date(now.getTime() + LIFETIME_MS) }).where("id", "=", id).execute();
        setCookie = serializeCookie(token, LIFETIME_MS / 1000, secure);
      }
      return {
        user: { id: row.userId, regionId: row.region_id, email: row.email, name: row.name, role: row.role, organisationId: row.organisation_id, locale: row.locale },
        sessionId: id,
        regionName: row.regionName,
        setCookie,
        // A second factor the school's identity provider did for this session meets the requirement too.
        mustSetUpTwoFactor: row.require_two_factor && TWO_FACTOR_ROLES.includes(row.role) && row.totp_enabled_at === null && !row.second_factor_by_provider,
      };
    },

    /** Ends one session (signing out); returns the cookie that clears it in the browser. */
    async invalidate(sessionId: string, secure: boolean): Promise<string> {
      await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
      return blankCookie(secure);
    },
    invalidateAllFor: async (userId: string) => {
      await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
    },
    invalidateOthers: (userId: string, keepSessionId: string | null) => endOtherSessions(db, userId, keepSessionId),
    deleteExpired: async () => {
      await db.deleteFrom("sessions").where("expires_at", "<=", clock.now()).execute();
    },
  };
}

/**
 * A session as its owner sees it in the list of where they are signed in. Named by a hash of the
 * stored id, so a page never shows even the stored value.
 */
export type SessionSummary = { id: string; createdAt: string; expiresAt: string; ip: string | null; userAgent: string | null; current: boolean };

const publicIdOf = sql<string>`encode(sha256(convert_to(sessions.id, 'UTF8')), 'hex')`;

export async function listSessions(db: Database, userId: string, currentSessionId: string | null, now: Date): Promise<SessionSummary[]> {
  const rows = await db
    .selectFrom("sessions")
    .select([publicIdOf.as("publicId"), "id", "created_at", "expires_at", "ip", "user_agent"])
    .where("user_id", "=", userId)
    .where("expires_at", ">", now)
    .orderBy("created_at", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.publicId, createdAt: r.created_at.toISOString(), expiresAt: new Date(r.expires_at).toISOString(), ip: r.ip, userAgent: r.user_agent, current: r.id === currentSessionId,
  }));
}

/**
 * Ends every session of the user but `keepSessionId` (signing out elsewhere, a changed password);
 * returns how many ended. Takes `db`, so it runs in the caller's transaction.
 */
export async function endOtherSessions(db: Database, userId: string, keepSessionId: string | null): Promise<number> {
  let query = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (keepSessionId) query = query.where("id", "<>", keepSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Ends one of the user's own sessions by its listed id; another user's, or an unknown one, is 404. */
export async function endSession(db: Database, userId: string, publicId: string): Promise<void> {
  const result = await db.deleteFrom("sessions").where("user_id", "=", userId).where(publicIdOf, "=", publicId).executeTakeFirst();
  if (Number(result.numDeletedRows) !== 1) throw notFound("Session");
}
