/**
 * The routes every transport peer serves (node:http and nginx), so one table of transport cases runs
 * against both. Each route's answer is fixed and written here, so a test's expectation is computed
 * by hand from this file:
 * - `/ok` 200 `ok`; `/status/404` 404 `nope`; `/retry` 429 `slow down` with `retry-after: 7`;
 * - `/redirect` 302 with `location: /ok`; `/cookies` 200 `c` with two `set-cookie` and an `x-other`;
 * - `/conn` 200 with the server's id of the connection (keep-alive reuse shows as the same id);
 * - `/close` the same with `connection: close`; `/big` 200 with BIG_BODY_BYTES of `a`;
 * - `/utf8` 200 UTF8_BODY (multi-byte characters); `/chunked` 200 `abcdef` sent chunked.
 */

/** Bytes of `/big`'s body: more than one socket read, so the body arrives in pieces. */
export const BIG_BODY_BYTES = 100_000;

/** `/utf8`'s body: 2-, 3- and 4-byte UTF-8 sequences. */
export const UTF8_BODY = 'h\u00e9llo \u2713 \u{1F600}';

/** Paths that every peer serves. */
export const PEER_PATHS = [
  '/ok',
  '/status/404',
  '/retry',
  '/redirect',
  '/cookies',
  '/conn',
  '/close',
  '/big',
  '/utf8',
  '/chunked',
] as const;
