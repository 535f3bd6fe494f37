/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  serverModuleFormat: "esm",
  serverPlatform: "node",
  assetsBuildDirectory: "public/build",
  publicPath: "/build/",
  serverBuildPath: "build/index.js",
  // Server-only packages stay external: they are created once in server/ and
  // reach routes through the load context (server/context.ts).
  serverDependenciesToBundle: [],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    // Decision 151: 69 routes fit one static manifest; discovery cost a route match and 2–3 KB per page.
    v3_lazyRouteDiscovery: false,
    v3_singleFetch: false,
  },
};
