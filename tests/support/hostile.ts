/**
 * Strings no input should trip over, shared by the hostile-input tests of the API and of the forms:
 * SQL and HTML fragments, template syntax, path traversal, NUL, a lone surrogate, astral and
 * right-to-left text, impossible dates, numbers that are not, and blanks.
 */
export const NASTY_STRINGS = [
  "'; drop table organisations; --", "\" or 1=1 --", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "${7*7}", "../../etc/passwd",
  "\u0000", "\uFFFF\uD800", "𝓢𝓬𝓱𝓪𝓴𝓮𝓵 🚀", "‮gnp.exe", "2025-02-30", "31-12-2025", "9999-99-99", "NaN", "-0", "1e309", " ", "",
];
