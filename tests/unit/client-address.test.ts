import { describe, expect, it } from "vitest";
import { clientAddressOf, parseTrustProxy } from "../../server/http/client-address";

describe("the client's address (TRUST_PROXY)", () => {
  it("is the connecting address when no proxy is trusted, whatever X-Forwarded-For says", () => {
    for (const setting of [undefined, "", "0", "false", "none"]) {
      expect(clientAddressOf("192.0.2.1", "203.0.113.5", parseTrustProxy(setting))).toBe("192.0.2.1");
    }
  });

  it("counts hops from the connection: a client's own entries further left are not believed", () => {
    const oneHop = parseTrustProxy("1");
    expect(clientAddressOf("10.0.0.1", "6.6.6.6, 203.0.113.5", oneHop)).toBe("203.0.113.5");
    expect(clientAddressOf("10.0.0.1", undefined, oneHop)).toBe("10.0.0.1");
    expect(clientAddressOf("10.0.0.2", "203.0.113.5, 10.0.0.1", parseTrustProxy("2"))).toBe("203.0.113.5");
    // Fewer entries than hops: the furthest one there is.
    expect(clientAddressOf("10.0.0.2", "203.0.113.5", parseTrustProxy("3"))).toBe("203.0.113.5");
  });

  it("skips trusted proxies by address or range, IPv4 on an IPv6 socket included", () => {
    const proxies = parseTrustProxy("10.0.0.0/8, 2001:db8::/32");
    expect(clientAddressOf("::ffff:10.0.0.1", "6.6.6.6, 203.0.113.5, 10.9.9.9", proxies)).toBe("203.0.113.5");
    expect(clientAddressOf("2001:db8::7", "203.0.113.6", proxies)).toBe("203.0.113.6");
    expect(clientAddressOf("198.51.100.1", "203.0.113.7", proxies)).toBe("198.51.100.1");
  });

  it("falls back to the connecting address when the entry a proxy should have written is not an address", () => {
    expect(clientAddressOf("10.0.0.1", "not-an-address", parseTrustProxy("1"))).toBe("10.0.0.1");
  });

  it("refuses a setting that would trust anyone or is not an address", () => {
    expect(() => parseTrustProxy("true")).toThrow(/not "true"/);
    expect(() => parseTrustProxy("*")).toThrow(/TRUST_PROXY/);
    expect(() => parseTrustProxy("proxy.example")).toThrow(/is not an address or a CIDR range/);
    expect(() => parseTrustProxy("10.0.0.0/40")).toThrow(/is not an address or a CIDR range/);
  });
});
