/**
 * Chart change review: what a chart version change does to the repository that pins it ({@link
 * dev.upkeep.review.ChartReview}), computed by a {@link dev.upkeep.review.ChartReviewer} that the
 * pipeline calls after patching.
 */
package dev.upkeep.review;
