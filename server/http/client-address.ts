import { BlockList, isIP } from "node:net";

/**
 * Which proxies in front of Schakel may say who the client is (TRUST_PROXY, decision 098).
 * - none (the default): X-Forwarded-For is ignored; the client is whoever connected.
 * - hops: that many proxies append to X-Forwarded-For; the client is the address the outermost one saw.
 * - addresses: proxies at these addresses or CIDR ranges are skipped, from the connection outwards.
 */
export type TrustProxy =
  | { kind: "none" }
  | { kind: "hops"; hops: number }
  | { kind: "addresses"; list: BlockList; entries: string[] };

/** Reads TRUST_PROXY: empty/"false"/"0" = none, a number of hops, or a comma-separated list of addresses and CIDRs. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? "").trim();
  if (text === "" || text === "false" || text === "0" || text === "none") return { kind: "none" };
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 10) throw new Error(`TRUST_PROXY: ${hops} proxies in a row is not believable; give the number of proxies in front of Schakel (usually 1)`);
    return { kind: "hops", hops };
  }
  if (text === "true" || text === "all" || text === "*") {
    // Trusting every sender would let any client name its own address and dodge every limit.
    throw new Error("TRUST_PROXY: give the number of proxies in front of Schakel (e.g. 1) or their addresses (e.g. 10.0.0.0/8), not \"" + text + "\"");
  }
  const list = new BlockList();
  const entries = text.split(",").map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    if (!family || (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)))) {
      throw new Error(`TRUST_PROXY: "${entry}" is not an address or a CIDR range (e.g. 10.0.0.1 or 10.0.0.0/8)`);
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return { kind: "addresses", list, entries };
}

/** "::ffff:192.0.2.1" (IPv4 on an IPv6 socket) and "192.0.2.1" are one client. */
function normalise(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address.toLowerCase();
}

function isTrusted(list: BlockList, address: string) {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * The client's address, for every use (rate limits, the session's address, logs): the connecting
 * address, or with a trusted proxy the address that proxy reports. Only the entries a trusted
 * proxy appended are believed; anything further left was written by the client.
 */
export function clientAddressOf(remote: string, forwardedFor: string | undefined, trust: TrustProxy): string {
  const connected = normalise(remote);
  if (trust.kind === "none" || !forwardedFor) return connected;
  const chain = [...forwardedFor.split(",").map((entry) => normalise(entry.trim())), connected];
  let index = chain.length - 1;
  if (trust.kind === "hops") {
    index = Math.max(0, chain.length - 1 - trust.hops);
  } else {
    while (index > 0 && isTrusted(trust.list, chain[index]!)) index--;
  }
  const client = chain[index]!;
  // A proxy writes addresses; anything else here means the header was not what a proxy sends.
  return isIP(client) ? client : connected;
}
