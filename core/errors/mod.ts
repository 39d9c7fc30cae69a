/**
 * Error classes and helpers shared by every package.
 * @module
 */
export { InputError, RistrettoError } from "./ristretto_error.ts";
export { closestName, didYouMean, editDistance } from "./did_you_mean.ts";
