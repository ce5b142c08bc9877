/**
 * The repository walk: {@link dev.upkeep.patch.files.ManifestWalk} chooses, reads and patches the
 * manifests of a work tree under its safety rules, and {@link dev.upkeep.patch.files.ManifestText}
 * reads and atomically writes one manifest.
 */
package dev.upkeep.patch.files;
