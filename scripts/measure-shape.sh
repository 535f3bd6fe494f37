#!/usr/bin/env bash
# The figures of issue 15 ("one shape for the code"), counted the same way before and after:
# lines of code, and how many places write each rule by hand. Run from the repository root.
set -u
files() { git ls-files 'server/*.ts' 'app/*.ts' 'app/*.tsx' 'db/*.ts' 'emails/*.ts' 'emails/*.tsx' 'i18n/*.ts' 'calendar/*.ts' | grep -v '\.test\.'; }
count() { files | xargs grep -E -c -- "$1" 2>/dev/null | awk -F: '{ s += $2 } END { print s + 0 }'; }
adapters() { git ls-files 'app/routes/*' 'server/domains/*/*.routes.ts' server/cli.ts server/api.ts; }
count_in_adapters() { adapters | xargs grep -E -c -- "$1" 2>/dev/null | awk -F: '{ s += $2 } END { print s + 0 }'; }
echo "lines of code (server, app, db, emails, i18n, calendar; no tests): $(files | xargs cat | wc -l)"
echo "transactions opened in adapters (db.transaction()): $(count_in_adapters 'transaction\(\)')"
echo "ChangeMeta built by hand ({ actor: …, now: … }): $(count '\{ ?actor: [a-zA-Z.]+, now: ')"
echo "notifyEmailQueued() called by adapters: $(count_in_adapters 'notifyEmailQueued\(\)')"
echo "request input parsed by hand in API routes (parseInput/readJson): $(git ls-files 'server/domains/*/*.routes.ts' | xargs grep -E -c 'parseInput\(|readJson\(' | awk -F: '{ s += $2 } END { print s + 0 }')"
echo "API success responses declared with a schema: $(git ls-files 'server/domains/*/*.routes.ts' | xargs grep -E -c 'jsonContent\(' | awk -F: '{ s += $2 } END { print s + 0 }')"
echo "hand-written OpenAPI lines (server/openapi.ts): $( [ -f server/openapi.ts ] && wc -l < server/openapi.ts || echo 0)"
echo "literal role lists (\"admin\", \"penvoerder\"…): $(count '"(admin|penvoerder|accounthouder|partner)", "(admin|penvoerder|accounthouder|partner)"')"
echo "literal 404s in route modules: $(git ls-files 'app/routes/*' | xargs grep -E -c 'status: 404|NOT_FOUND|notFound\(' | awk -F: '{ s += $2 } END { print s + 0 }')"
echo "school-year rule written out (month >= 8 / 08-01 / school_year expressions): $(count "getMonth\(\) >= 7|month >= 8|-08-01|extract\(month")"
echo "imports of app/ from server/, emails/, db/: $(git ls-files 'server/*' 'emails/*' 'db/*' | xargs grep -E -c "from \"(\.\./)+app/" | awk -F: '{ s += $2 } END { print s + 0 }')"
