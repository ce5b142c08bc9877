/** One branch and one pull request per artifact ({@code upkeep run --group-by artifact}). */
package dev.upkeep.group;
