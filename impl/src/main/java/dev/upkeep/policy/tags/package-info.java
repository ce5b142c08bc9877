/**
 * The other Flux ImagePolicy orders ({@link dev.upkeep.policy.tags.AlphabeticalPolicy}, {@link
 * dev.upkeep.policy.tags.NumericalPolicy}) and {@link dev.upkeep.policy.tags.TagFilter}, which
 * gives any policy Flux's {@code filterTags} and exclusion list.
 */
package dev.upkeep.policy.tags;
