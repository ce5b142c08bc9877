package dev.upkeep;

/**
 * The configuration of a pipeline is invalid: a builder was given contradictory or missing parts,
 * or a Flux object in the repository cannot be turned into a pipeline.
 */
public class ConfigurationException extends UpkeepException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception that says which setting is wrong and why. */
  public ConfigurationException(String message) {
    super(message);
  }

  /** Creates an exception that says which setting is wrong and why, with its cause. */
  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
