/**
 * {@link dev.upkeep.policy.semver.SemverPolicy}: semver constraints with the meaning Flux gives
 * them (Masterminds semver v3), over tags read the way Flux reads them.
 */
package dev.upkeep.policy.semver;
