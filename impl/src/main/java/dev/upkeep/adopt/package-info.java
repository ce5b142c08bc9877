/**
 * Adoption: setter markers and image policies for a repository that has none yet ({@code upkeep
 * adopt}).
 */
package dev.upkeep.adopt;
