import { sql } from "kysely";
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from "lucia";
import { notFound } from "../errors";
import type { Database } from "../db/database";
import type { CurrentUser } from "./current-user";
import { TWO_FACTOR_ROLES } from "./two-factor";

/**
 * Sessions: lucia v3 over our own ~40-line Kysely adapter. lucia is in maintenance, so it stays
 * behind this module: nothing else imports it (STACK.md pitfall 13).
 */
export const SESSION_COOKIE = "schakel_session";

type SessionAttributes = { ip: string | null; user_agent: string | null };
/** `mustSetUpTwoFactor`: the region requires a second factor of this role and the user has none yet. */
type UserAttributes = Omit<CurrentUser, "id"> & { mustSetUpTwoFactor: boolean };

declare module "lucia" {
  interface Register {
    Lucia: Lucia<Record<never, never>, UserAttributes>;
    DatabaseSessionAttributes: SessionAttributes;
    DatabaseUserAttributes: UserAttributes;
  }
}

function kyselyAdapter(db: Database): Adapter {
  const toSession = (row: { id: string; user_id: string; expires_at: Date; ip: string | null; user_agent: string | null }): DatabaseSession => ({
    id: row.id,
    userId: row.user_id,
    expiresAt: new Date(row.expires_at),
    attributes: { ip: row.ip, user_agent: row.user_agent },
  });
  return {
    async getSessionAndUser(sessionId) {
      const row = await db
        .selectFrom("sessions")
        .innerJoin("users", "users.id", "sessions.user_id")
        .innerJoin("regions", "regions.id", "users.region_id")
        .select([
          "sessions.id", "sessions.user_id", "sessions.expires_at", "sessions.ip", "sessions.user_agent",
          "users.region_id", "users.email", "users.name", "users.role", "users.organisation_id", "users.locale",
          "users.totp_enabled_at", "regions.require_two_factor",
        ])
        .where("sessions.id", "=", sessionId)
        .where("users.active", "=", true)
        .executeTakeFirst();
      if (!row) return [null, null];
      const user: DatabaseUser = {
        id: row.user_id,
        attributes: {
          regionId: row.region_id, email: row.email, name: row.name, role: row.role,
          organisationId: row.organisation_id, locale: row.locale,
          mustSetUpTwoFactor: row.require_two_factor && TWO_FACTOR_ROLES.includes(row.role) && row.totp_enabled_at === null,
        },
      };
      return [toSession(row), user];
    },
    async getUserSessions(userId) {
      const rows = await db.selectFrom("sessions").select(["id", "user_id", "expires_at", "ip", "user_agent"]).where("user_id", "=", userId).execute();
      return rows.map(toSession);
    },
    async setSession(session) {
      await db
        .insertInto("sessions")
        .values({ id: session.id, user_id: session.userId, expires_at: session.expiresAt, ip: session.attributes.ip, user_agent: session.attributes.user_agent })
        .execute();
    },
    async updateSessionExpiration(sessionId, expiresAt) {
      await db.updateTable("sessions").set({ expires_at: expiresAt }).where("id", "=", sessionId).execute();
    },
    async deleteSession(sessionId) {
      await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
    },
    async deleteUserSessions(userId) {
      await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
    },
    async deleteExpiredSessions() {
      await db.deleteFrom("sessions").where("expires_at", "<=", new Date()).execute();
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;

export function createSessions(db: Database) {
  const lucia = new Lucia(kyselyAdapter(db), {
    sessionExpiresIn: new TimeSpan(14, "d"),
    sessionCookie: { name: SESSION_COOKIE, attributes: { sameSite: "lax", path: "/" } },
    getUserAttributes: (attributes) => attributes,
  });
  const serialize = (cookie: ReturnType<typeof lucia.createSessionCookie>, secure: boolean) =>
    // HttpOnly and SameSite=Lax come from lucia; Secure follows the request's scheme, so the same
    // build works on http://localhost and behind HTTPS.
    cookie.serialize().replace(/; Secure/i, "") + (secure ? "; Secure" : "");

  return {
    /** A fresh session id at every sign-in (no fixation); returns the Set-Cookie header. */
    async create(userId: string, meta: { ip: string | null; userAgent: string | null; secure: boolean }) {
      const session = await lucia.createSession(userId, { ip: meta.ip, user_agent: meta.userAgent?.slice(0, 400) ?? null });
      return serialize(lucia.createSessionCookie(session.id), meta.secure);
    },
    /** Reads the cookie; returns the user and, when lucia extended the session, a cookie to send back. */
    async validate(cookieHeader: string | null | undefined, secure: boolean) {
      const sessionId = lucia.readSessionCookie(cookieHeader ?? "");
      if (!sessionId) return { user: null, sessionId: null, setCookie: null, mustSetUpTwoFactor: false };
      const { session, user } = await lucia.validateSession(sessionId);
      if (!session) return { user: null, sessionId: null, setCookie: serialize(lucia.createBlankSessionCookie(), secure), mustSetUpTwoFactor: false };
      const setCookie = session.fresh ? serialize(lucia.createSessionCookie(session.id), secure) : null;
      const { id, mustSetUpTwoFactor, ...attributes } = user;
      return { user: { id, ...attributes } as CurrentUser, sessionId: session.id, setCookie, mustSetUpTwoFactor };
    },
    async invalidate(sessionId: string, secure: boolean) {
      await lucia.invalidateSession(sessionId);
      return serialize(lucia.createBlankSessionCookie(), secure);
    },
    invalidateAllFor: (userId: string) => lucia.invalidateUserSessions(userId),
    invalidateOthers: (userId: string, keepSessionId: string | null) => endOtherSessions(db, userId, keepSessionId),
    deleteExpired: () => lucia.deleteExpiredSessions(),
  };
}

/**
 * A session as its owner sees it in the list of where they are signed in. The session id is the
 * cookie's secret, so the list names each by a hash of it and never shows the id itself.
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
