/**
 * How long a two-factor challenge (the step between a right password and the code) lives: the
 * challenge row on the server and the browser's cookie carry it, so both read it here.
 */
export const CHALLENGE_MINUTES = 10;
