import { z } from "zod";
import { isWebAddress } from "./links.addresses";

export { isWebAddress, webHref } from "./links.addresses";

/** A web address field of any schema: http(s) only, at most `max` characters. */
export const WebAddress = (max = 300) =>
  z.string().trim().max(max).refine(isWebAddress, { message: "validation.webAddress" });
