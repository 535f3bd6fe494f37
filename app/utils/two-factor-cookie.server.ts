import { CHALLENGE_MINUTES } from "../../server/auth/two-factor-challenge";

/**
 * The cookie that carries a two-factor challenge from the password step to the code step. HttpOnly
 * and limited to the sign-in pages; it proves only that the password was right, never a session.
 */
const NAME = "schakel_2fa";

export function challengeCookie(token: string, secure: boolean) {
  return `${NAME}=${token}; Path=/sign-in; HttpOnly; SameSite=Lax; Max-Age=${CHALLENGE_MINUTES * 60}${secure ? "; Secure" : ""}`;
}

export function clearChallengeCookie(secure: boolean) {
  return `${NAME}=; Path=/sign-in; HttpOnly; SameSite=Lax; Max-Age=0${secure ? "; Secure" : ""}`;
}

export function readChallengeCookie(request: Request): string | null {
  const header = request.headers.get("cookie") ?? "";
  for (const part of header.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === NAME) return value.join("=") || null;
  }
  return null;
}
