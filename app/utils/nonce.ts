import { createContext, useContext } from "react";

/**
 * The request's Content-Security-Policy nonce, for the scripts the document renders. It comes from
 * the server's entry (not from a loader), so the error page of an address no route knows, where
 * no loader runs, carries it too. The browser hides the attribute after reading it; the client
 * reads it back from a script's `nonce` property to render the same value.
 */
export const NonceContext = createContext("");

export function useNonce(): string {
  return useContext(NonceContext);
}
