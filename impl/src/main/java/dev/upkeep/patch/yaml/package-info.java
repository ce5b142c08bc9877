/**
 * The byte-exact YAML patcher: {@link dev.upkeep.patch.yaml.SetterPatcher} sets the values Flux
 * setter markers and Upkeep's inline policy markers point at, and {@link
 * dev.upkeep.patch.yaml.InlineMarkers} finds the inline policies a pipeline must register.
 */
package dev.upkeep.patch.yaml;
