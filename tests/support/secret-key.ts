/** SCHAKEL_SECRET_KEY of the tests (32 bytes, base64), as `openssl rand -base64 32` prints one. */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString("base64");
